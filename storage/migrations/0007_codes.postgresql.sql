-- 0007 on PostgreSQL: constraints change in place (no table rebuild, foreign keys stay on).

ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_rating_check;
UPDATE tickets SET
    party = CASE party WHEN '物业' THEN 'property' WHEN '业委会' THEN 'owners'
                       WHEN '居委会' THEN 'residents' WHEN '街道' THEN 'street' ELSE party END,
    rating = CASE rating WHEN '满意' THEN 'satisfied' WHEN '基本满意' THEN 'fair'
                         WHEN '不满意' THEN 'unsatisfied' ELSE rating END;
ALTER TABLE tickets
    ADD CONSTRAINT tickets_party_check
        CHECK (party IN ('property', 'owners', 'residents', 'street')),
    ADD CONSTRAINT tickets_rating_check
        CHECK (rating IN ('satisfied', 'fair', 'unsatisfied'));
