-- 0006: split bills. Diners at a table pay a bill in shares: equal parts,
-- the items each one had, or the rest. A share is paid by at most one
-- live intent at a time, so the unique index that allowed one live intent
-- per order now allows one per share, and still one per order for the
-- intents that pay no share (the counter's). Tenders carry the tip paid
-- with them, so an order knows its tips.
--
-- kind: equal (part position of parts), items (line_ids, a JSON array of
-- the order's line ids), rest (what the items shares leave). status: open,
-- paying (a live intent), paid (a captured intent), void (replaced by a new
-- split or by a change of the bill before it was paid). bill_hash names the
-- lines and prices the share was computed for.
CREATE TABLE shares (
    id           TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id     TEXT    NOT NULL REFERENCES restaurants (id),
    order_id     TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('equal', 'items', 'rest')),
    position     INTEGER NOT NULL CHECK (position >= 1),
    parts        INTEGER NOT NULL CHECK (parts >= 1 AND position <= parts),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency     TEXT    NOT NULL CHECK (length(currency) = 3),
    status       TEXT    NOT NULL CHECK (status IN ('open', 'paying', 'paid', 'void')),
    line_ids     TEXT    NOT NULL CHECK (json_valid(line_ids) AND json_type(line_ids) = 'array'),
    bill_hash    TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    UNIQUE (store_id, id),
    FOREIGN KEY (store_id, order_id) REFERENCES orders (store_id, id)
) STRICT;

CREATE INDEX shares_by_order ON shares (store_id, order_id, created_at);

ALTER TABLE intents ADD COLUMN share_id TEXT CHECK (share_id <> '');

DROP INDEX intents_one_live_per_order;

-- At most one live (created or pending) intent per share, and per order
-- among the intents that pay no share: the rules that make paying a share
-- or a bill twice impossible.
CREATE UNIQUE INDEX intents_one_live_per_order ON intents (store_id, order_id)
    WHERE status IN ('created', 'pending') AND share_id IS NULL;
CREATE UNIQUE INDEX intents_one_live_per_share ON intents (store_id, share_id)
    WHERE status IN ('created', 'pending') AND share_id IS NOT NULL;

ALTER TABLE tenders ADD COLUMN tip_minor INTEGER NOT NULL DEFAULT 0 CHECK (tip_minor >= 0);
