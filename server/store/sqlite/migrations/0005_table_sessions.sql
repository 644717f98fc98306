-- 0005: table-side ordering. A table session is the time between the
-- first diner scanning a table's sticker and the staff clearing the table;
-- the phones that joined it are its diners (known by the hash of a random
-- token in an HttpOnly cookie). Diners send submissions (a batch of lines)
-- that the staff accept or reject, and service requests ("call the
-- waiter", "ask for the bill").

CREATE TABLE table_sessions (
    id        TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
    store_id  TEXT    NOT NULL REFERENCES restaurants (id),
    table_id  TEXT    NOT NULL,
    opened_at INTEGER NOT NULL,
    ended_at  INTEGER,
    -- The store's menu version when the session opened: a phone's cart is
    -- charged the prices of the version it was built on, never older.
    menu_version INTEGER NOT NULL DEFAULT 0 CHECK (menu_version >= 0),
    UNIQUE (store_id, id),
    FOREIGN KEY (store_id, table_id) REFERENCES tables (store_id, id)
) STRICT;

-- At most one open session per table: eight phones scanning at once open
-- one session.
CREATE UNIQUE INDEX table_sessions_one_open ON table_sessions (store_id, table_id)
    WHERE ended_at IS NULL;

-- token_hash is the SHA-256 of a 256-bit random token; the token itself is
-- never stored.
CREATE TABLE diners (
    token_hash       BLOB    NOT NULL PRIMARY KEY CHECK (length(token_hash) = 32),
    id               TEXT    NOT NULL CHECK (id <> ''),
    store_id         TEXT    NOT NULL,
    table_session_id TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    last_seen_at     INTEGER NOT NULL,
    UNIQUE (id),
    FOREIGN KEY (store_id, table_session_id) REFERENCES table_sessions (store_id, id)
) STRICT;

CREATE INDEX diners_by_session ON diners (store_id, table_session_id);

-- Lines a diner sent carry their submission; pending lines wait for the
-- staff to accept them and count in no total.
ALTER TABLE order_lines ADD COLUMN submission_id TEXT;
ALTER TABLE order_lines ADD COLUMN pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1));

CREATE TABLE submissions (
    id               TEXT    NOT NULL CHECK (id <> ''),
    store_id         TEXT    NOT NULL,
    table_session_id TEXT    NOT NULL,
    table_id         TEXT    NOT NULL,
    order_id         TEXT    NOT NULL REFERENCES orders (id),
    diner_id         TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected', 'served')),
    reason           TEXT    NOT NULL,
    -- lines is the JSON of the lines as submitted, kept after a rejection
    -- took them off the order, so the diner still sees what was refused.
    lines            TEXT    NOT NULL,
    request_hash     BLOB    NOT NULL,
    created_at       INTEGER NOT NULL,
    decided_at       INTEGER,
    decided_by       TEXT,
    served_at        INTEGER,
    PRIMARY KEY (store_id, id),
    FOREIGN KEY (store_id, table_session_id) REFERENCES table_sessions (store_id, id)
) STRICT;

CREATE INDEX submissions_by_session ON submissions (store_id, table_session_id, created_at);
CREATE INDEX submissions_pending ON submissions (store_id, created_at) WHERE state = 'pending';

CREATE TABLE service_requests (
    id               TEXT    NOT NULL CHECK (id <> ''),
    store_id         TEXT    NOT NULL,
    table_session_id TEXT    NOT NULL,
    table_id         TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('waiter', 'bill')),
    created_at       INTEGER NOT NULL,
    acknowledged_at  INTEGER,
    acknowledged_by  TEXT,
    PRIMARY KEY (store_id, id),
    FOREIGN KEY (store_id, table_session_id) REFERENCES table_sessions (store_id, id)
) STRICT;

CREATE INDEX service_requests_open ON service_requests (store_id, created_at) WHERE acknowledged_at IS NULL;

