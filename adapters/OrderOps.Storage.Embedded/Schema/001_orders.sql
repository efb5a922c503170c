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
-- Lists read order_summaries (004), not this table.

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
