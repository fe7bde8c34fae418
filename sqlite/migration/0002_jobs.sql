-- 0002: Bulk API 2.0 ingest jobs, their uploaded data and their results.

INSERT INTO sequences (prefix, next_n) VALUES ('750', 1);

CREATE TABLE jobs (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES orgs (id),
    created_by_id     TEXT NOT NULL,
    object            TEXT NOT NULL,
    operation         TEXT NOT NULL,
    external_id_field TEXT,
    content_type      TEXT NOT NULL,
    column_delimiter  TEXT NOT NULL,
    line_ending       TEXT NOT NULL,
    api_version       REAL NOT NULL,
    state             TEXT NOT NULL,
    error_message     TEXT,
    created_date      INTEGER NOT NULL,
    system_modstamp   INTEGER NOT NULL,
    records_processed INTEGER NOT NULL DEFAULT 0,
    records_failed    INTEGER NOT NULL DEFAULT 0,
    processing_ms     INTEGER NOT NULL DEFAULT 0,
    -- chunks_done counts the chunks whose writes and results committed.
    chunks_done       INTEGER NOT NULL DEFAULT 0,
    -- data_bytes is the upload's size once it is whole; uploading is set
    -- while pieces arrive.
    data_bytes        INTEGER NOT NULL DEFAULT 0,
    uploading         INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE INDEX jobs_org ON jobs (org_id, created_date);
CREATE INDEX jobs_active ON jobs (state) WHERE state IN ('UploadComplete', 'InProgress');

-- The upload, in pieces of about a megabyte (rowid tables suit large rows).
CREATE TABLE job_data (
    job_id TEXT NOT NULL REFERENCES jobs (id),
    seq    INTEGER NOT NULL,
    data   BLOB NOT NULL,
    UNIQUE (job_id, seq)
);

-- The results of each committed chunk, encoded together (see job.go).
CREATE TABLE job_results (
    job_id TEXT NOT NULL REFERENCES jobs (id),
    chunk  INTEGER NOT NULL,
    data   BLOB NOT NULL,
    UNIQUE (job_id, chunk)
);
