-- What a list shows of each order, written with the order in the same transaction, so listing reads a few hundred bytes
-- per order and never the order document (a 5 MB document read by json_extract costs SQLite its parse tree, per reader).
CREATE TABLE IF NOT EXISTS order_summaries (
    order_id         TEXT    NOT NULL PRIMARY KEY,
    channel          TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    modified_at      INTEGER NOT NULL,
    channel_account  TEXT    NOT NULL,
    channel_order_id TEXT    NOT NULL,
    currency         TEXT    NOT NULL,
    totals           TEXT    NOT NULL,
    line_count       INTEGER NOT NULL,
    placed_at        TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_order_summaries_modified ON order_summaries (modified_at, order_id);
CREATE INDEX IF NOT EXISTS ix_order_summaries_channel ON order_summaries (channel, modified_at, order_id);
CREATE INDEX IF NOT EXISTS ix_order_summaries_status ON order_summaries (status, modified_at, order_id);

-- Data directories made before this table existed: summarise their orders once (NOT EXISTS makes the next start a no-op
-- that walks only the two primary keys).
INSERT INTO order_summaries (order_id, channel, status, created_at, modified_at, channel_account, channel_order_id, currency, totals, line_count, placed_at)
SELECT o.order_id, o.channel, o.status, o.created_at, o.modified_at, json_extract(o.document, '$.channelAccount'),
       json_extract(o.document, '$.channelOrderId'), json_extract(o.document, '$.currency'),
       COALESCE(json_extract(o.document, '$.totals'), '{}'), COALESCE(json_array_length(o.document, '$.lineItems'), 0),
       json_extract(o.document, '$.placedAt')
FROM orders o
WHERE NOT EXISTS (SELECT 1 FROM order_summaries s WHERE s.order_id = o.order_id);

-- The orders table's own list indexes served the json_extract listing; nothing reads orders by them any more.
DROP INDEX IF EXISTS ix_orders_modified;
DROP INDEX IF EXISTS ix_orders_channel;
DROP INDEX IF EXISTS ix_orders_status;
