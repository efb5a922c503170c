-- The durable orchestration store (durable.db). Times are Unix milliseconds (UTC).

-- One row per process running the service; a lock whose owner's lease has lapsed is free to take.
CREATE TABLE IF NOT EXISTS workers (
    owner_id    TEXT    PRIMARY KEY,
    expires_at  INTEGER NOT NULL
);

-- One row per orchestration instance: its current execution's status (what queries and waits read) and its lock.
CREATE TABLE IF NOT EXISTS instances (
    instance_id        TEXT    PRIMARY KEY,
    execution_id       TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    version            TEXT,
    status             INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    last_updated_at    INTEGER NOT NULL,
    completed_at       INTEGER,
    input              TEXT,
    output             TEXT,
    custom_status      TEXT,
    failure_details    TEXT,
    tags               TEXT,
    parent_instance_id TEXT,
    scheduled_start_at INTEGER,
    lock_owner         TEXT
);
CREATE INDEX IF NOT EXISTS ix_instances_created ON instances (created_at);

-- The current execution's history, in order. ContinueAsNew replaces it.
CREATE TABLE IF NOT EXISTS history (
    instance_id  TEXT    NOT NULL,
    sequence     INTEGER NOT NULL,
    execution_id TEXT    NOT NULL,
    event_type   INTEGER NOT NULL,
    payload      TEXT    NOT NULL,
    PRIMARY KEY (instance_id, sequence)
) WITHOUT ROWID;

-- Messages for orchestrations (start, events, activity results, timers): visible from visible_at on.
CREATE TABLE IF NOT EXISTS orchestration_messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id  TEXT    NOT NULL,
    execution_id TEXT,
    event_type   INTEGER NOT NULL,
    payload      TEXT    NOT NULL,
    visible_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_orchestration_messages_visible ON orchestration_messages (visible_at, instance_id);
CREATE INDEX IF NOT EXISTS ix_orchestration_messages_instance ON orchestration_messages (instance_id, id);

-- Activity work items (TaskScheduled messages), locked by one owner at a time.
CREATE TABLE IF NOT EXISTS activity_messages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id   TEXT    NOT NULL,
    execution_id  TEXT,
    payload       TEXT    NOT NULL,
    visible_at    INTEGER NOT NULL,
    lock_owner    TEXT,
    dequeue_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS ix_activity_messages_visible ON activity_messages (visible_at, id);
CREATE INDEX IF NOT EXISTS ix_activity_messages_instance ON activity_messages (instance_id);
