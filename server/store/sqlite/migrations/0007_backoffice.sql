-- 0004: the back office. Editable menu state (sold out until, photos),
-- areas of tables, store settings, the menu version with the price history
-- that lets a cart built on one version be charged that version's prices,
-- photos (content-addressed JPEG variants), and the append-only audit log
-- of privileged actions.
--
-- Conventions as in 0001.

-- sold_out_until: the item is sold out until then ("sold out today");
-- photo: the sha256 (hex) of the item's photo in media, '' for none.
ALTER TABLE items ADD COLUMN sold_out_until INTEGER;
ALTER TABLE items ADD COLUMN photo TEXT NOT NULL DEFAULT '';

CREATE TABLE areas (
    id       TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id TEXT    NOT NULL REFERENCES restaurants (id),
    name     TEXT    NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (store_id, id)
) STRICT;

CREATE INDEX areas_by_position ON areas (store_id, position, name);

ALTER TABLE tables ADD COLUMN area_id TEXT REFERENCES areas (id);

-- One row per store once a manager saved settings. NULL means "not set":
-- public_url falls back to the server's -public-url flag, auto_print to
-- each bridge's own configuration.
CREATE TABLE settings (
    store_id      TEXT    NOT NULL PRIMARY KEY REFERENCES restaurants (id),
    public_url    TEXT,
    auto_print    INTEGER CHECK (auto_print IN (0, 1)),
    auto_send     INTEGER NOT NULL CHECK (auto_send IN (0, 1)),
    updated_at    INTEGER NOT NULL
) STRICT;

-- The menu version of a store: bumped by every change of the menu.
CREATE TABLE menu_versions (
    store_id TEXT    NOT NULL PRIMARY KEY REFERENCES restaurants (id),
    version  INTEGER NOT NULL CHECK (version >= 0)
) STRICT;

-- Prices by menu version: a row holds from version_from (inclusive) to
-- version_to (exclusive; NULL while current). An item or modifier with no
-- row has had its current price since before the history began.
CREATE TABLE item_prices (
    store_id     TEXT    NOT NULL,
    item_id      TEXT    NOT NULL,
    version_from INTEGER NOT NULL CHECK (version_from >= 0),
    version_to   INTEGER CHECK (version_to > version_from),
    price_minor  INTEGER NOT NULL CHECK (price_minor >= 0),
    PRIMARY KEY (store_id, item_id, version_from),
    FOREIGN KEY (store_id, item_id) REFERENCES items (store_id, id)
) STRICT;

CREATE UNIQUE INDEX item_prices_one_current ON item_prices (store_id, item_id) WHERE version_to IS NULL;

CREATE TABLE modifier_prices (
    store_id     TEXT    NOT NULL REFERENCES restaurants (id),
    modifier_id  TEXT    NOT NULL,
    version_from INTEGER NOT NULL CHECK (version_from >= 0),
    version_to   INTEGER CHECK (version_to > version_from),
    price_minor  INTEGER NOT NULL,
    PRIMARY KEY (store_id, modifier_id, version_from)
) STRICT;

CREATE UNIQUE INDEX modifier_prices_one_current ON modifier_prices (store_id, modifier_id) WHERE version_to IS NULL;

-- Photos: JPEG variants of an uploaded image, keyed by the sha256 (hex)
-- of the upload and the width. Content-addressed, so a row never changes.
CREATE TABLE media (
    sha256     TEXT    NOT NULL CHECK (length(sha256) = 64),
    width      INTEGER NOT NULL CHECK (width > 0),
    store_id   TEXT    NOT NULL REFERENCES restaurants (id),
    height     INTEGER NOT NULL CHECK (height > 0),
    data       BLOB    NOT NULL CHECK (length(data) > 0),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (sha256, width)
) STRICT;

-- Privileged actions: who did what, when. Append only, like the ledger.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id   TEXT    NOT NULL REFERENCES restaurants (id),
    at         INTEGER NOT NULL,
    staff_id   TEXT    NOT NULL,
    staff_name TEXT    NOT NULL,
    action     TEXT    NOT NULL CHECK (action <> ''),
    target     TEXT    NOT NULL,
    detail     TEXT    NOT NULL,
    reason     TEXT    NOT NULL
) STRICT;

CREATE INDEX audit_log_by_store ON audit_log (store_id, at);
CREATE INDEX audit_log_by_action ON audit_log (store_id, action, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append only');
END;
