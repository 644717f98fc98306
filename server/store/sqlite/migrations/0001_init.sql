-- 0001: the first schema of QRPOS.
--
-- Conventions: ids are TEXT chosen by the application; money is *_minor
-- INTEGER in minor units (the currency is the store's unless a currency
-- column says otherwise); times are INTEGER Unix microseconds UTC; booleans
-- are INTEGER 0 or 1. Child rows carry store_id so that composite foreign
-- keys keep every reference inside one store.

CREATE TABLE restaurants (
    id            TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    name          TEXT    NOT NULL,
    address       TEXT    NOT NULL,
    currency      TEXT    NOT NULL CHECK (length(currency) = 3),
    tax_inclusive INTEGER NOT NULL CHECK (tax_inclusive IN (0, 1)),
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE staff (
    id          TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id    TEXT    NOT NULL REFERENCES restaurants (id),
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('owner', 'manager', 'cashier')),
    pin_hash    TEXT    NOT NULL,
    failed_pins INTEGER NOT NULL CHECK (failed_pins >= 0),
    locked_at   INTEGER,
    active      INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at  INTEGER NOT NULL,
    UNIQUE (store_id, id)
) STRICT;

CREATE INDEX staff_by_name ON staff (store_id, name);

-- Sessions are keyed by the hash of their token; the token itself is never
-- stored.
CREATE TABLE sessions (
    token_hash   BLOB    NOT NULL PRIMARY KEY CHECK (length(token_hash) > 0),
    store_id     TEXT    NOT NULL,
    staff_id     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    FOREIGN KEY (store_id, staff_id) REFERENCES staff (store_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX sessions_by_staff ON sessions (store_id, staff_id);

CREATE TABLE categories (
    id       TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id TEXT    NOT NULL REFERENCES restaurants (id),
    name     TEXT    NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (store_id, id)
) STRICT;

CREATE INDEX categories_by_position ON categories (store_id, position, name);

CREATE TABLE modifier_groups (
    id       TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id TEXT    NOT NULL REFERENCES restaurants (id),
    name     TEXT    NOT NULL,
    min      INTEGER NOT NULL CHECK (min >= 0),
    max      INTEGER NOT NULL CHECK (max >= 0),
    position INTEGER NOT NULL,
    UNIQUE (store_id, id)
) STRICT;

CREATE INDEX modifier_groups_by_position ON modifier_groups (store_id, position, name);

-- A modifier's price is a delta and may be negative ("no cheese").
CREATE TABLE modifiers (
    id          TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    group_id    TEXT    NOT NULL REFERENCES modifier_groups (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    price_minor INTEGER NOT NULL,
    position    INTEGER NOT NULL
) STRICT;

CREATE INDEX modifiers_by_group ON modifiers (group_id, position, name);

CREATE TABLE items (
    id          TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id    TEXT    NOT NULL REFERENCES restaurants (id),
    category_id TEXT,
    name        TEXT    NOT NULL,
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    tax_rate_bp INTEGER NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    available   INTEGER NOT NULL CHECK (available IN (0, 1)),
    position    INTEGER NOT NULL,
    UNIQUE (store_id, id),
    FOREIGN KEY (store_id, category_id) REFERENCES categories (store_id, id)
) STRICT;

CREATE INDEX items_by_position ON items (store_id, position, name);

-- The modifier groups offered with an item, in order.
CREATE TABLE item_modifier_groups (
    store_id TEXT    NOT NULL,
    item_id  TEXT    NOT NULL,
    group_id TEXT    NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (item_id, position),
    UNIQUE (item_id, group_id),
    FOREIGN KEY (store_id, item_id) REFERENCES items (store_id, id) ON DELETE CASCADE,
    FOREIGN KEY (store_id, group_id) REFERENCES modifier_groups (store_id, id)
) STRICT;

CREATE INDEX item_modifier_groups_by_group ON item_modifier_groups (store_id, group_id);

CREATE TABLE tables (
    id       TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id TEXT    NOT NULL REFERENCES restaurants (id),
    name     TEXT    NOT NULL,
    seats    INTEGER NOT NULL CHECK (seats >= 0),
    position INTEGER NOT NULL,
    UNIQUE (store_id, id)
) STRICT;

CREATE INDEX tables_by_position ON tables (store_id, position, name);

-- table_id and created_by are NULL for a quick sale and for an order that no
-- member of staff opened (a diner's).
CREATE TABLE orders (
    id          TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id    TEXT    NOT NULL REFERENCES restaurants (id),
    number      INTEGER NOT NULL CHECK (number > 0),
    table_id    TEXT    CHECK (table_id <> ''),
    status      TEXT    NOT NULL CHECK (status IN ('open', 'sent', 'paid', 'closed', 'void')),
    currency    TEXT    NOT NULL CHECK (length(currency) = 3),
    version     INTEGER NOT NULL CHECK (version >= 0),
    created_by  TEXT    CHECK (created_by <> ''),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    closed_at   INTEGER,
    void_reason TEXT    NOT NULL,
    UNIQUE (store_id, number),
    FOREIGN KEY (store_id, table_id) REFERENCES tables (store_id, id),
    FOREIGN KEY (store_id, created_by) REFERENCES staff (store_id, id)
) STRICT;

-- At most one active order per table.
CREATE UNIQUE INDEX orders_one_active_per_table ON orders (store_id, table_id)
    WHERE table_id IS NOT NULL AND status IN ('open', 'sent');

CREATE INDEX orders_by_created ON orders (store_id, created_at);
CREATE INDEX orders_by_closed ON orders (store_id, closed_at) WHERE closed_at IS NOT NULL;

-- Lines are snapshots of the menu when they were added, so item_id does not
-- reference items: the menu may change or lose the item, history must not.
CREATE TABLE order_lines (
    order_id         TEXT    NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL CHECK (position >= 0),
    id               TEXT    NOT NULL CHECK (id <> ''),
    item_id          TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    base_price_minor INTEGER NOT NULL CHECK (base_price_minor >= 0),
    qty              INTEGER NOT NULL CHECK (qty > 0),
    note             TEXT    NOT NULL,
    tax_rate_bp      INTEGER NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    sent             INTEGER NOT NULL CHECK (sent IN (0, 1)),
    PRIMARY KEY (order_id, position),
    UNIQUE (order_id, id)
) STRICT;

CREATE TABLE order_line_modifiers (
    order_id      TEXT    NOT NULL,
    line_position INTEGER NOT NULL,
    position      INTEGER NOT NULL CHECK (position >= 0),
    modifier_id   TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    price_minor   INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_position, position),
    FOREIGN KEY (order_id, line_position) REFERENCES order_lines (order_id, position) ON DELETE CASCADE
) STRICT;

-- Tenders are in the order's currency.
CREATE TABLE tenders (
    id              TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    order_id        TEXT    NOT NULL REFERENCES orders (id),
    position        INTEGER NOT NULL CHECK (position >= 0),
    kind            TEXT    NOT NULL CHECK (kind <> ''),
    amount_minor    INTEGER NOT NULL CHECK (amount_minor >= 0),
    tendered_minor  INTEGER NOT NULL CHECK (tendered_minor >= 0),
    change_minor    INTEGER NOT NULL CHECK (change_minor >= 0),
    created_by      TEXT    CHECK (created_by <> ''),
    created_at      INTEGER NOT NULL,
    UNIQUE (order_id, position),
    FOREIGN KEY (created_by) REFERENCES staff (id)
) STRICT;

-- The stored answer of a state-changing request, written in the same
-- transaction as its effect.
CREATE TABLE idempotency (
    store_id     TEXT    NOT NULL REFERENCES restaurants (id),
    key          TEXT    NOT NULL CHECK (key <> ''),
    request_hash BLOB    NOT NULL,
    response     BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (store_id, key)
) STRICT;
