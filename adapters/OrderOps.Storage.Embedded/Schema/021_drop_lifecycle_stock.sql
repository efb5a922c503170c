-- The lifecycle reserved in its own stock tables until it moved onto the inventory ledger; data directories made by
-- those builds still have them. Nothing reads them any more.
DROP TABLE IF EXISTS stock_shipments;
DROP TABLE IF EXISTS stock_reservations;
DROP TABLE IF EXISTS stock_levels;
