-- Outbound business events: one row per (subscriber, event), written in the commit of the change it describes.
CREATE TABLE IF NOT EXISTS event_deliveries (
    subscriber   TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    position     TEXT    NOT NULL,
    event_id     TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    time         INTEGER NOT NULL,
    data         TEXT    NOT NULL,
    committed_at INTEGER NOT NULL,
    due_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    parked       INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    PRIMARY KEY (subscriber, subject, position)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS event_subscribers (
    subscriber TEXT    NOT NULL PRIMARY KEY,
    disabled   INTEGER NOT NULL,
    reason     TEXT,
    at         INTEGER NOT NULL
) WITHOUT ROWID;
