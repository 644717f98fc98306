-- 0010: cash given back from a cash payment. A tender keeps how much of
-- its amount was given back; each refund is a row of its own with its
-- reason, who gave the cash out of their drawer (created_by) and the
-- manager who approved it; a closed shift keeps the cash refunds it
-- counted.
ALTER TABLE tenders ADD COLUMN refunded_minor INTEGER NOT NULL DEFAULT 0
    CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor);

CREATE TABLE cash_refunds (
    id           TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id     TEXT    NOT NULL REFERENCES restaurants (id),
    order_id     TEXT    NOT NULL,
    tender_id    TEXT    NOT NULL REFERENCES tenders (id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    reason       TEXT    NOT NULL CHECK (reason <> ''),
    approved_by  TEXT    CHECK (approved_by <> ''),
    created_by   TEXT    NOT NULL CHECK (created_by <> ''),
    created_at   INTEGER NOT NULL,
    FOREIGN KEY (store_id, order_id) REFERENCES orders (store_id, id),
    FOREIGN KEY (store_id, approved_by) REFERENCES staff (store_id, id),
    FOREIGN KEY (store_id, created_by) REFERENCES staff (store_id, id)
) STRICT;

CREATE INDEX cash_refunds_by_tender ON cash_refunds (tender_id, created_at);
-- The cash a till's shift gave back.
CREATE INDEX cash_refunds_by_staff ON cash_refunds (store_id, created_by, created_at);

ALTER TABLE shifts ADD COLUMN cash_refunds_minor INTEGER;
