-- 0001: the first schema of routemap's SQLite store.
--
-- Ids are 18-character Salesforce ids minted from the sequences table.
-- Datetimes are INTEGER milliseconds since the Unix epoch, UTC. Optional
-- values (nillable fields) are NULL, never ''. Tables keyed by id are
-- WITHOUT ROWID so that every secondary index also holds the id.

-- sequences holds the next record number per key prefix; ids are
-- sfid.New(prefix, pod, n). A number is never handed out twice, even when
-- the write that used it rolled back.
CREATE TABLE sequences (
    prefix TEXT PRIMARY KEY,
    next_n INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO sequences (prefix, next_n) VALUES
    ('00D', 1), ('005', 1), ('04v', 1), ('00G', 1), ('0H4', 1), ('0Rm', 1);

CREATE TABLE orgs (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    daily_request_limit INTEGER NOT NULL,
    created_date        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE call_centers (
    id                   TEXT PRIMARY KEY,
    org_id               TEXT NOT NULL REFERENCES orgs (id),
    name                 TEXT NOT NULL,
    internal_name        TEXT NOT NULL,
    provider             TEXT,
    connect_instance_arn TEXT,
    username_template    TEXT,
    created_date         INTEGER NOT NULL
) WITHOUT ROWID;

CREATE UNIQUE INDEX call_centers_internal_name ON call_centers (org_id, internal_name COLLATE NOCASE);

CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES orgs (id),
    username           TEXT NOT NULL,
    alias              TEXT NOT NULL,
    email              TEXT NOT NULL,
    first_name         TEXT,
    last_name          TEXT NOT NULL,
    is_active          INTEGER NOT NULL,
    call_center_id     TEXT REFERENCES call_centers (id),
    permissions        INTEGER NOT NULL,
    password_hash      TEXT NOT NULL,
    created_date       INTEGER NOT NULL,
    last_modified_date INTEGER NOT NULL
) WITHOUT ROWID;

-- Usernames are unique across orgs, ignoring case, as in Salesforce.
CREATE UNIQUE INDEX users_username ON users (username COLLATE NOCASE);
CREATE INDEX users_org ON users (org_id);
CREATE INDEX users_call_center ON users (org_id, call_center_id);

CREATE TABLE org_groups (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs (id),
    name           TEXT NOT NULL,
    developer_name TEXT NOT NULL,
    type           TEXT NOT NULL,
    created_date   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX org_groups_org ON org_groups (org_id);

CREATE TABLE connected_apps (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs (id),
    name            TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    secret_hash     TEXT NOT NULL,
    run_as_user_id  TEXT REFERENCES users (id),
    certificate_pem TEXT NOT NULL,
    created_date    INTEGER NOT NULL
) WITHOUT ROWID;

-- Consumer keys are unique across orgs and compared exactly.
CREATE UNIQUE INDEX connected_apps_client_id ON connected_apps (client_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    app_id     TEXT REFERENCES connected_apps (id),
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE routing_maps (
    id                  TEXT NOT NULL,
    org_id              TEXT NOT NULL REFERENCES orgs (id),
    developer_name      TEXT NOT NULL,
    language            TEXT NOT NULL,
    master_label        TEXT NOT NULL,
    call_center_id      TEXT NOT NULL REFERENCES call_centers (id),
    external_id         TEXT NOT NULL,
    reference_record_id TEXT NOT NULL,
    quick_connect       TEXT,
    is_deleted          INTEGER NOT NULL DEFAULT 0,
    created_date        INTEGER NOT NULL,
    created_by_id       TEXT,
    last_modified_date  INTEGER NOT NULL,
    last_modified_by_id TEXT,
    -- Clustered by org: a tenant's maps are one range of the table, in id
    -- order. Ids are unique on their own (minted from sequences).
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

-- The store rules of RoutingMapOp, enforced by the database so that no two
-- writers can race past them. Deleted maps do not count.
--
-- DeveloperName is unique in the org, ignoring case.
CREATE UNIQUE INDEX routing_maps_developer_name
    ON routing_maps (org_id, developer_name COLLATE NOCASE) WHERE is_deleted = 0;
-- One map per user and contact center (users only: key prefix 005).
CREATE UNIQUE INDEX routing_maps_user
    ON routing_maps (call_center_id, reference_record_id)
    WHERE is_deleted = 0 AND substr(reference_record_id, 1, 3) = '005';
-- One map per ExternalId and contact center.
CREATE UNIQUE INDEX routing_maps_external_id
    ON routing_maps (call_center_id, external_id) WHERE is_deleted = 0;
