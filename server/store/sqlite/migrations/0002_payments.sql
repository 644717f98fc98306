-- 0002: payments. Payment intents and their refunds, the built-in wallet
-- (members and the devices that show their payment codes), risk limits per
-- store and rail, and the double-entry ledger.
--
-- Conventions as in 0001. Wallet members and devices carry the store that
-- opened them but are looked up by their own (globally unique) id or
-- number: a member may pay in any store.

-- Intents and refunds reference orders within one store.
CREATE UNIQUE INDEX orders_by_store_and_id ON orders (store_id, id);

CREATE TABLE wallet_members (
    id            TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id      TEXT    NOT NULL REFERENCES restaurants (id),
    name          TEXT    NOT NULL,
    balance_minor INTEGER NOT NULL CHECK (balance_minor >= 0),
    currency      TEXT    NOT NULL CHECK (length(currency) = 3),
    created_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 0),
    UNIQUE (store_id, id)
) STRICT;

-- A device's number is part of every payment code it shows (8 digits).
-- last_counter is the TOTP step of the last code accepted: it only grows.
CREATE TABLE wallet_devices (
    number          INTEGER NOT NULL PRIMARY KEY CHECK (number BETWEEN 1 AND 99999999),
    member_id       TEXT    NOT NULL,
    store_id        TEXT    NOT NULL,
    secret          BLOB    NOT NULL CHECK (length(secret) > 0),
    credential_hash BLOB    NOT NULL UNIQUE CHECK (length(credential_hash) > 0),
    last_counter    INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    FOREIGN KEY (store_id, member_id) REFERENCES wallet_members (store_id, id)
) STRICT;

CREATE INDEX wallet_devices_by_member ON wallet_devices (member_id);

-- rail is '' for a QR intent until the payer picks one; member_id and
-- created_by are NULL until known (a diner's intent has no staff); deadline
-- is NULL for an intent without one. refunded_minor never exceeds what was
-- asked (amount plus tip).
CREATE TABLE intents (
    id             TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id       TEXT    NOT NULL REFERENCES restaurants (id),
    order_id       TEXT    NOT NULL,
    method         TEXT    NOT NULL,
    rail           TEXT    NOT NULL,
    amount_minor   INTEGER NOT NULL CHECK (amount_minor >= 0),
    tip_minor      INTEGER NOT NULL CHECK (tip_minor >= 0),
    currency       TEXT    NOT NULL CHECK (length(currency) = 3),
    order_version  INTEGER NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('created', 'pending', 'succeeded', 'failed',
                           'cancelled', 'expired', 'reversed', 'partially_refunded', 'refunded')),
    terminal_id    TEXT    NOT NULL,
    member_id      TEXT    REFERENCES wallet_members (id),
    payer_ref      TEXT    NOT NULL,
    rail_ref       TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    refunded_minor INTEGER NOT NULL CHECK (refunded_minor >= 0),
    created_by     TEXT    CHECK (created_by <> ''),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    deadline       INTEGER,
    version        INTEGER NOT NULL CHECK (version >= 0),
    UNIQUE (store_id, id),
    CHECK (refunded_minor <= amount_minor + tip_minor),
    FOREIGN KEY (store_id, order_id) REFERENCES orders (store_id, id),
    FOREIGN KEY (store_id, created_by) REFERENCES staff (store_id, id)
) STRICT;

-- At most one live (created or pending) intent per order: the rule that
-- makes paying an order twice impossible.
CREATE UNIQUE INDEX intents_one_live_per_order ON intents (store_id, order_id)
    WHERE status IN ('created', 'pending');

CREATE INDEX intents_by_order ON intents (store_id, order_id, created_at);
CREATE INDEX intents_by_created ON intents (store_id, created_at);
-- The daily cap of a payer, and a member's pending payments.
CREATE INDEX intents_by_member ON intents (member_id, created_at) WHERE member_id IS NOT NULL;
-- The sweeper of live intents past their deadline, across stores.
CREATE INDEX intents_live_by_deadline ON intents (status, deadline)
    WHERE status IN ('created', 'pending');

CREATE TABLE refunds (
    id           TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id     TEXT    NOT NULL,
    intent_id    TEXT    NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    reason       TEXT    NOT NULL,
    approved_by  TEXT    CHECK (approved_by <> ''),
    created_by   TEXT    CHECK (created_by <> ''),
    created_at   INTEGER NOT NULL,
    FOREIGN KEY (store_id, intent_id) REFERENCES intents (store_id, id),
    FOREIGN KEY (store_id, approved_by) REFERENCES staff (store_id, id),
    FOREIGN KEY (store_id, created_by) REFERENCES staff (store_id, id)
) STRICT;

CREATE INDEX refunds_by_intent ON refunds (store_id, intent_id, created_at);

-- Risk limits of one rail in one store; 0 is no limit.
CREATE TABLE limits (
    store_id            TEXT    NOT NULL REFERENCES restaurants (id),
    rail                TEXT    NOT NULL CHECK (rail <> ''),
    single_max_minor    INTEGER NOT NULL CHECK (single_max_minor >= 0),
    daily_max_minor     INTEGER NOT NULL CHECK (daily_max_minor >= 0),
    password_free_minor INTEGER NOT NULL CHECK (password_free_minor >= 0),
    PRIMARY KEY (store_id, rail)
) STRICT;

-- The ledger is append only: the triggers below refuse to change or delete
-- an entry or a posting. reverses names the entry this one reverses.
CREATE TABLE ledger_entries (
    id       TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id TEXT    NOT NULL REFERENCES restaurants (id),
    kind     TEXT    NOT NULL CHECK (kind <> ''),
    ref      TEXT    NOT NULL,
    at       INTEGER NOT NULL,
    reverses TEXT    REFERENCES ledger_entries (id) CHECK (reverses <> id)
) STRICT;

CREATE INDEX ledger_entries_by_ref ON ledger_entries (ref, store_id);
CREATE INDEX ledger_entries_by_store ON ledger_entries (store_id, at, id);
CREATE INDEX ledger_entries_by_reverses ON ledger_entries (reverses) WHERE reverses IS NOT NULL;

-- Postings are signed: a debit is positive, a credit negative. Every
-- posting has its own currency.
CREATE TABLE ledger_postings (
    entry_id     TEXT    NOT NULL REFERENCES ledger_entries (id),
    position     INTEGER NOT NULL CHECK (position >= 0),
    account      TEXT    NOT NULL CHECK (account <> ''),
    amount_minor INTEGER NOT NULL,
    currency     TEXT    NOT NULL CHECK (length(currency) = 3),
    PRIMARY KEY (entry_id, position)
) STRICT;

CREATE INDEX ledger_postings_by_account ON ledger_postings (account, entry_id);

CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append only');
END;

CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append only');
END;

CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
BEGIN
    SELECT RAISE(ABORT, 'ledger postings are append only');
END;

CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
BEGIN
    SELECT RAISE(ABORT, 'ledger postings are append only');
END;
