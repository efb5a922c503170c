CREATE TABLE IF NOT EXISTS orders (
    order_id      TEXT    NOT NULL PRIMARY KEY,
    channel       TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    modified_at   INTEGER NOT NULL,
    document      TEXT    NOT NULL,
    process_state TEXT
);
CREATE INDEX IF NOT EXISTS ix_orders_modified ON orders (modified_at, order_id);
CREATE INDEX IF NOT EXISTS ix_orders_channel ON orders (channel, modified_at, order_id);
CREATE INDEX IF NOT EXISTS ix_orders_status ON orders (status, modified_at, order_id);

CREATE TABLE IF NOT EXISTS order_events (
    order_id TEXT    NOT NULL,
    sequence INTEGER NOT NULL,
    type     TEXT    NOT NULL,
    at       INTEGER NOT NULL,
    actor    TEXT    NOT NULL,
    cause    TEXT,
    data     TEXT,
    PRIMARY KEY (order_id, sequence)
) WITHOUT ROWID;
