CREATE TABLE IF NOT EXISTS idempotency_keys (
    key        TEXT    NOT NULL PRIMARY KEY,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_idempotency_expires ON idempotency_keys (expires_at);

CREATE TABLE IF NOT EXISTS checkpoints (
    name       TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS raw_payloads (
    id           TEXT    NOT NULL PRIMARY KEY,
    channel      TEXT    NOT NULL,
    account      TEXT,
    kind         TEXT    NOT NULL,
    received_at  INTEGER NOT NULL,
    content_type TEXT,
    headers      TEXT    NOT NULL,
    body         BLOB    NOT NULL
);

CREATE TABLE IF NOT EXISTS ingest_failures (
    archive_id TEXT    NOT NULL PRIMARY KEY,
    channel    TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    errors     TEXT    NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_ingest_failures_at ON ingest_failures (at);
