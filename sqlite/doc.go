// Package sqlite implements routemap.Store on SQLite; it is the only package
// that imports the SQLite driver (modernc.org/sqlite, pure Go).
//
// It sits beside the other adapters: it imports the root package and sfid,
// nothing else from the module imports it except cmd/routemap, and it must
// pass the storetest conformance suite that the PostgreSQL store passes too.
//
// The database runs in WAL mode with synchronous=FULL, so a write is on disk
// before the call that made it returns. One writer goroutine owns the single
// write connection and commits concurrent writes together (group commit):
// callers queue up, each caller's work runs in its own SAVEPOINT inside one
// transaction, and every caller is answered once COMMIT has returned. Reads
// use a separate pool of read-only connections, which WAL lets run beside
// the writer.
//
// The schema lives in migration/*.sql, embedded in the binary and applied in
// order at Open; the schema_version table records what was applied, and Open
// refuses a database written by a newer routemap.
package sqlite
