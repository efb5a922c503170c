-- IOrderOverview.FindByKeyAsync: one row per (OrderSearchKeys key, order), rewritten with the order in the same
-- transaction, so an order is found by the e-mail and SKUs it holds now. E-mail keys are SHA-256 hashes, never addresses.
CREATE TABLE IF NOT EXISTS order_search_keys (
    search_key TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    PRIMARY KEY (search_key, order_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_order_search_keys_order ON order_search_keys (order_id);

-- One-off fills of tables added after data directories existed; a row here says the fill ran.
CREATE TABLE IF NOT EXISTS schema_backfills (name TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;

-- Orders stored before the table existed: their keys, once (orderops_email_key is OrderSearchKeys.Email, registered by
-- SqliteDatabase for the schema scripts; SQLite has no SHA-256 of its own).
INSERT OR IGNORE INTO order_search_keys (search_key, order_id)
SELECT 'sku:' || json_extract(l.value, '$.sku'), o.order_id
FROM orders o, json_each(o.document, '$.lineItems') l
WHERE trim(COALESCE(json_extract(l.value, '$.sku'), '')) <> ''
  AND NOT EXISTS (SELECT 1 FROM schema_backfills WHERE name = 'order_search_keys');
INSERT OR IGNORE INTO order_search_keys (search_key, order_id)
SELECT k.search_key, k.order_id
FROM (SELECT orderops_email_key(json_extract(o.document, '$.customer.email')) AS search_key, o.order_id FROM orders o
      WHERE NOT EXISTS (SELECT 1 FROM schema_backfills WHERE name = 'order_search_keys')) k
WHERE k.search_key IS NOT NULL;
INSERT OR IGNORE INTO schema_backfills (name) VALUES ('order_search_keys');
