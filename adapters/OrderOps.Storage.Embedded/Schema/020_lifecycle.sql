-- Order lifecycle: stock reservations (until the inventory ledger lands), due timers, the exception queue.
CREATE TABLE IF NOT EXISTS stock_levels (
    location_id TEXT    NOT NULL,
    sku         TEXT    NOT NULL,
    on_hand     INTEGER NOT NULL,
    reserved    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (location_id, sku)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_stock_levels_sku ON stock_levels (sku);

CREATE TABLE IF NOT EXISTS stock_reservations (
    order_id    TEXT    NOT NULL,
    location_id TEXT    NOT NULL,
    sku         TEXT    NOT NULL,
    quantity    INTEGER NOT NULL,
    shipped     INTEGER NOT NULL DEFAULT 0,
    released    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, location_id, sku)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS stock_shipments (
    shipment_id TEXT NOT NULL PRIMARY KEY,
    order_id    TEXT NOT NULL
) WITHOUT ROWID;

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
