-- Inventory ledger: immutable movements, balances maintained in the same transaction, and a change log the
-- fan-out follows (the embedded stand-in for the Cosmos DB change feed).
CREATE TABLE IF NOT EXISTS inventory_movements (
    sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
    movement_id TEXT    NOT NULL UNIQUE,
    sku         TEXT    NOT NULL,
    location    TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    quantity    INTEGER NOT NULL,
    to_location TEXT,
    order_id    TEXT,
    reason      TEXT,
    at          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_inventory_movements_sku ON inventory_movements (sku, sequence);

CREATE TABLE IF NOT EXISTS inventory_balances (
    sku       TEXT    NOT NULL,
    location  TEXT    NOT NULL,
    on_hand   INTEGER NOT NULL CHECK (on_hand >= 0),
    allocated INTEGER NOT NULL CHECK (allocated >= 0),
    PRIMARY KEY (sku, location)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS inventory_changes (
    position  INTEGER PRIMARY KEY AUTOINCREMENT,
    sku       TEXT    NOT NULL,
    location  TEXT    NOT NULL,
    on_hand   INTEGER NOT NULL,
    allocated INTEGER NOT NULL,
    at        INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS inventory_reservations (
    order_id   TEXT    NOT NULL PRIMARY KEY,
    status     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS inventory_reservation_lines (
    order_id TEXT    NOT NULL,
    sku      TEXT    NOT NULL,
    location TEXT    NOT NULL,
    held     INTEGER NOT NULL CHECK (held >= 0),
    shipped  INTEGER NOT NULL DEFAULT 0,
    released INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, sku, location)
) WITHOUT ROWID;

-- Compound operations (shipments, reservation moves) done once per id.
CREATE TABLE IF NOT EXISTS inventory_operations (
    operation_id TEXT    NOT NULL PRIMARY KEY,
    at           INTEGER NOT NULL
) WITHOUT ROWID;

-- What each channel was last told, and when a push was last attempted (for coalescing).
CREATE TABLE IF NOT EXISTS inventory_publications (
    channel            TEXT    NOT NULL,
    sku                TEXT    NOT NULL,
    published_quantity INTEGER,
    published_at       INTEGER,
    last_attempt_at    INTEGER,
    PRIMARY KEY (channel, sku)
) WITHOUT ROWID;

-- The fan-out outbox: at most one row per (channel, SKU), holding the latest value still to publish.
CREATE TABLE IF NOT EXISTS inventory_pending_pushes (
    channel      TEXT    NOT NULL,
    sku          TEXT    NOT NULL,
    quantity     INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    due_at       INTEGER NOT NULL,
    changed_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    parked       INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    leased_until INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel, sku)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_inventory_pending_due ON inventory_pending_pushes (channel, due_at);
