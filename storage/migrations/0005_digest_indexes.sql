-- The digest lists the oldest unclaimed wishes (kind, status, ORDER BY id LIMIT 5). Without an
-- index in id order for that pair, SQLite walked the whole table in id order looking for five:
-- 120-170 ms at 1M tickets, found by benchmarks/digest.py.
CREATE INDEX tickets_by_kind_status ON tickets (kind, status, id);
