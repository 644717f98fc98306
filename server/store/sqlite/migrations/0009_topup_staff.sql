-- Cash wallet top-ups belong in the cash a till's shift expects: a ledger
-- entry records the member of staff who took the cash (top-ups; NULL for
-- entries no person at a till made), and a closed shift keeps the top-ups
-- it counted.
ALTER TABLE ledger_entries ADD COLUMN staff_id TEXT;

CREATE INDEX ledger_entries_topups_by_staff ON ledger_entries (store_id, staff_id, at) WHERE kind = 'topup';

ALTER TABLE shifts ADD COLUMN cash_topups_minor INTEGER;
