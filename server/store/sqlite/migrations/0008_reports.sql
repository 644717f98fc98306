-- 0004: the money side of the back office. Where each store's business
-- day begins, cashiers' shifts (float and cash count), the stored Z
-- reports of closed days, and the indexes that keep a day's reports and
-- reconciliation fast on a year of data.
--
-- Conventions as in 0001.

-- A store without a row uses the defaults (04:00, Asia/Shanghai).
CREATE TABLE business_days (
    store_id      TEXT    NOT NULL PRIMARY KEY REFERENCES restaurants (id),
    cutoff_minute INTEGER NOT NULL CHECK (cutoff_minute BETWEEN 0 AND 1439),
    time_zone     TEXT    NOT NULL CHECK (time_zone <> ''),
    updated_at    INTEGER NOT NULL
) STRICT;

-- The closing columns are NULL while the shift is open.
CREATE TABLE shifts (
    id               TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id         TEXT    NOT NULL REFERENCES restaurants (id),
    staff_id         TEXT    NOT NULL,
    currency         TEXT    NOT NULL CHECK (length(currency) = 3),
    float_minor      INTEGER NOT NULL CHECK (float_minor >= 0),
    opened_at        INTEGER NOT NULL,
    closed_at        INTEGER,
    cash_sales_minor INTEGER,
    expected_minor   INTEGER,
    counted_minor    INTEGER CHECK (counted_minor >= 0),
    CHECK ((closed_at IS NULL) = (counted_minor IS NULL)),
    FOREIGN KEY (store_id, staff_id) REFERENCES staff (store_id, id)
) STRICT;

-- At most one open shift per member of staff.
CREATE UNIQUE INDEX shifts_one_open_per_staff ON shifts (store_id, staff_id) WHERE closed_at IS NULL;
CREATE INDEX shifts_by_opened ON shifts (store_id, opened_at);

-- A Z report is the day's report as JSON, frozen when the day closed. The
-- primary key refuses a second close; the triggers refuse any change.
CREATE TABLE z_reports (
    store_id  TEXT    NOT NULL REFERENCES restaurants (id),
    day       TEXT    NOT NULL CHECK (length(day) = 10),
    closed_by TEXT    NOT NULL,
    closed_at INTEGER NOT NULL,
    report    BLOB    NOT NULL,
    PRIMARY KEY (store_id, day)
) STRICT;

CREATE TRIGGER z_reports_no_update BEFORE UPDATE ON z_reports
BEGIN
    SELECT RAISE(ABORT, 'z reports are immutable');
END;

CREATE TRIGGER z_reports_no_delete BEFORE DELETE ON z_reports
BEGIN
    SELECT RAISE(ABORT, 'z reports are immutable');
END;

-- A cashier's cash in a shift, and the payments export.
CREATE INDEX tenders_by_staff ON tenders (created_by, created_at) WHERE created_by IS NOT NULL;
CREATE INDEX tenders_by_created ON tenders (created_at);
-- Postings of one account summed without reading the table (wallet
-- balances in reconciliation).
CREATE INDEX ledger_postings_by_account_amount ON ledger_postings (account, currency, amount_minor);
