-- Covers IOrderOverview.CountByStateAsync: counting by (status, channel) with the oldest change reads this index
-- alone, never the order documents.
CREATE INDEX IF NOT EXISTS ix_orders_overview ON orders (status, channel, modified_at);
