-- Order lifecycle: due timers and the exception queue (its stock is the inventory ledger, 010_inventory.sql).
CREATE TABLE IF NOT EXISTS due_timers (
    timer_id TEXT    NOT NULL PRIMARY KEY,
    order_id TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    due_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_due_timers_due ON due_timers (due_at, timer_id);
CREATE INDEX IF NOT EXISTS ix_due_timers_order ON due_timers (order_id);

CREATE TABLE IF NOT EXISTS lifecycle_exceptions (
    exception_id TEXT    NOT NULL PRIMARY KEY,
    order_id     TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    is_open      INTEGER NOT NULL,
    raised_at    INTEGER NOT NULL,
    document     TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_lifecycle_exceptions_open ON lifecycle_exceptions (is_open, raised_at);
