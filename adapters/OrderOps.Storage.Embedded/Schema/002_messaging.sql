CREATE TABLE IF NOT EXISTS queue_messages (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    queue          TEXT    NOT NULL,
    message_id     TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    enqueued_at    INTEGER NOT NULL,
    visible_at     INTEGER NOT NULL,
    delivery_count INTEGER NOT NULL DEFAULT 0,
    lock_token     TEXT,
    last_error     TEXT,
    UNIQUE (queue, message_id)
);
CREATE INDEX IF NOT EXISTS ix_queue_visible ON queue_messages (queue, visible_at, seq);

CREATE TABLE IF NOT EXISTS dead_letters (
    queue             TEXT    NOT NULL,
    message_id        TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    delivery_count    INTEGER NOT NULL,
    last_error        TEXT    NOT NULL,
    enqueued_at       INTEGER NOT NULL,
    dead_lettered_at  INTEGER NOT NULL,
    PRIMARY KEY (queue, message_id, dead_lettered_at)
);
