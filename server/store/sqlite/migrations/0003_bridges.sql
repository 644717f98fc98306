-- 0003: bridges (the daemons on counter PCs that drive scanners and
-- printers), the one-time codes that pair them, and the order lines that
-- kitchen tickets carried.
--
-- Conventions as in 0001. Codes and credentials are stored only as
-- hashes.

CREATE TABLE bridges (
    id              TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id        TEXT    NOT NULL REFERENCES restaurants (id),
    name            TEXT    NOT NULL,
    credential_hash BLOB    NOT NULL UNIQUE CHECK (length(credential_hash) > 0),
    created_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    UNIQUE (store_id, id)
) STRICT;

CREATE INDEX bridges_by_store ON bridges (store_id, created_at);

-- bridge_id is set when the code is used (used_at).
CREATE TABLE bridge_pairing_codes (
    code_hash  BLOB    NOT NULL PRIMARY KEY CHECK (length(code_hash) > 0),
    store_id   TEXT    NOT NULL REFERENCES restaurants (id),
    created_by TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    bridge_id  TEXT    REFERENCES bridges (id),
    CHECK ((used_at IS NULL) = (bridge_id IS NULL))
) STRICT;

CREATE INDEX bridge_pairing_codes_by_expiry ON bridge_pairing_codes (expires_at);

-- A line is printed in the kitchen once; a later send prints only new
-- lines.
CREATE TABLE kitchen_printed_lines (
    store_id   TEXT    NOT NULL,
    order_id   TEXT    NOT NULL,
    line_id    TEXT    NOT NULL,
    printed_at INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_id),
    FOREIGN KEY (store_id, order_id) REFERENCES orders (store_id, id)
) STRICT;
