package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"routemap"
	"routemap/sfid"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// DefaultPod is the pod (characters 4 and 5 of every id) a store mints ids
// with when Options.Pod is empty.
const DefaultPod = "Rm"

// Log attribute keys.
const (
	logKeyPath  = "path"
	logKeyError = "error"
)

// busyTimeout is how long, in milliseconds, a connection waits for a lock
// another process holds before it gives up with SQLITE_BUSY.
const busyTimeout = 10000

//go:embed migration/*.sql
var migrations embed.FS

// Options configures Open. The zero value is ready to use.
type Options struct {
	// Now is the clock that stamps CreatedDate and LastModifiedDate; nil
	// means time.Now. Stored times keep millisecond precision, in UTC.
	Now func() time.Time
	// Pod is the two letters or digits that stand for this server in the
	// ids it mints (sfid.New); empty means DefaultPod.
	Pod string
	// Logger receives the writer's faults and migration notices; nil
	// discards them.
	Logger *slog.Logger
}

// Store is routemap.Store on one SQLite database file. It is safe for
// concurrent use; writes from concurrent callers are committed together.
type Store struct {
	path   string
	now    func() time.Time
	pod    string
	logger *slog.Logger

	// wdb holds the single write connection; only the writer goroutine
	// uses it. rdb is the pool of read-only connections. Both are the same
	// single-connection pool for an in-memory database. cdb is the
	// connection that checkpoints the WAL beside the writer (nil in
	// memory).
	wdb, rdb, cdb *sql.DB
	memory        bool

	wstmt [numWriteStmts]*sql.Stmt // prepared on wdb
	rstmt [numReadStmts]*sql.Stmt  // prepared on rdb

	mu     sync.RWMutex // guards closed and sends on queue
	closed bool
	queue  chan *writeReq
	done   chan struct{} // closed when the writer goroutine exits

	ckpt     chan struct{} // the writer's "WAL has grown" signal, buffered
	ckptStop chan struct{} // closed by Close
	ckptDone chan struct{} // closed when the checkpointer exits

	maps *mapCache // routing maps read lately, see mapCache
}

var _ routemap.Store = (*Store)(nil)

// Open opens (creating when missing) the SQLite database at path and
// brings its schema up to date. path ":memory:" opens a private in-memory
// database on a single connection, for tests. Open fails when the database
// was written by a newer routemap (its schema version is higher than this
// binary knows) and when opts.Pod is not two letters or digits.
func Open(path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("open sqlite: path is empty")
	}
	s := &Store{
		path:     path,
		now:      opts.Now,
		pod:      opts.Pod,
		logger:   opts.Logger,
		queue:    make(chan *writeReq, 1024),
		done:     make(chan struct{}),
		ckpt:     make(chan struct{}, 1),
		ckptStop: make(chan struct{}),
		ckptDone: make(chan struct{}),
		maps:     newMapCache(),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.pod == "" {
		s.pod = DefaultPod
	}
	if _, err := sfid.New(sfid.PrefixRoutingMap, s.pod, 0); err != nil {
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if err := s.open(); err != nil {
		s.closeDBs()
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	go s.run()
	go s.checkpointLoop()
	if err := s.recoverUploads(context.Background()); err != nil {
		s.Close()
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	return s, nil
}

func (s *Store) open() error {
	ctx := context.Background()
	common := "_pragma=busy_timeout(" + strconv.Itoa(busyTimeout) + ")&_pragma=foreign_keys(1)"
	if s.path == ":memory:" {
		// One connection for reads and writes: every new connection to
		// ":memory:" would be a new, empty database.
		db, err := sql.Open("sqlite", ":memory:?"+common)
		if err != nil {
			return err
		}
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		s.wdb, s.rdb, s.memory = db, db, true
	} else {
		base := "file:" + (&url.URL{Path: s.path}).EscapedPath() + "?" + common
		// The writer never checkpoints (wal_autocheckpoint(0)): cdb does,
		// on the other core, so commits do not wait for it.
		wdb, err := sql.Open("sqlite", base+"&_pragma=cache_size(-65536)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"+
			"&_pragma=wal_autocheckpoint(0)&_txlock=immediate")
		if err != nil {
			return err
		}
		wdb.SetMaxOpenConns(1)
		wdb.SetMaxIdleConns(1)
		wdb.SetConnMaxLifetime(0)
		wdb.SetConnMaxIdleTime(0)
		s.wdb = wdb
		var mode string
		if err := wdb.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			return fmt.Errorf("read journal mode: %w", err)
		}
		if !strings.EqualFold(mode, "wal") {
			// The file system refused WAL. Writes stay durable, but readers
			// now wait for the writer.
			s.logger.Warn("sqlite database is not in WAL mode", logKeyPath, s.path, "journal_mode", mode)
		}
		rdb, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
		if err != nil {
			return err
		}
		n := max(4, runtime.GOMAXPROCS(0))
		rdb.SetMaxOpenConns(n)
		rdb.SetMaxIdleConns(n)
		s.rdb = rdb
		cdb, err := sql.Open("sqlite", base+"&_pragma=synchronous(FULL)")
		if err != nil {
			return err
		}
		cdb.SetMaxOpenConns(1)
		s.cdb = cdb
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	for i, q := range writeSQL {
		st, err := s.wdb.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		s.wstmt[i] = st
	}
	for i, q := range readSQL {
		st, err := s.rdb.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		s.rstmt[i] = st
	}
	return nil
}

// Close stops accepting writes, waits until every queued write is
// committed and answered, and closes the database. Calls made after Close
// fail.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.queue)
	s.mu.Unlock()
	<-s.done
	close(s.ckptStop)
	<-s.ckptDone
	return s.closeDBs()
}

func (s *Store) closeDBs() error {
	var errs []error
	for _, st := range s.wstmt {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	for _, st := range s.rstmt {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if s.rdb != nil && s.rdb != s.wdb {
		errs = append(errs, s.rdb.Close())
	}
	if s.cdb != nil {
		errs = append(errs, s.cdb.Close())
	}
	if s.wdb != nil {
		if !s.memory {
			// Fold the WAL back into the database file so a closed
			// database is one self-contained file.
			if _, err := s.wdb.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				errs = append(errs, fmt.Errorf("checkpoint: %w", err))
			}
		}
		errs = append(errs, s.wdb.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close sqlite %q: %w", s.path, err)
	}
	return nil
}

// migration is one embedded schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads migration/NNNN_name.sql in version order. Versions
// must run 1, 2, 3... without gaps.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migration")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %q is not named NNNN_name.sql", name)
		}
		b, err := migrations.ReadFile("migration/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %q: want version %d", m.name, i+1)
		}
	}
	return out, nil
}

// SchemaVersion is the newest schema version this binary knows.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate applies every migration newer than the database, each in its own
// transaction together with its schema_version row.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	known := ms[len(ms)-1].version
	if _, err := s.wdb.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	cur, err := schemaVersion(ctx, s.wdb)
	if err != nil {
		return err
	}
	if cur > known {
		return fmt.Errorf("database schema version %d is newer than version %d, the newest this routemap binary knows: upgrade routemap to open it", cur, known)
	}
	if cur == known {
		return nil
	}
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		if err := s.applyMigration(ctx, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		s.logger.Info("applied sqlite migration", logKeyPath, s.path, "version", m.version, "migration", m.name)
	}
	// The planner statistics (0003) are read with the schema; make the
	// writer's connection, open since before the migrations, read them
	// again. Readers connect later.
	if _, err := s.wdb.ExecContext(ctx, "ANALYZE sqlite_schema"); err != nil {
		return fmt.Errorf("load planner statistics: %w", err)
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m migration) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Another process may have applied it since we looked.
	cur, err := schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if cur >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
		m.version, toMillis(s.now())); err != nil {
		return err
	}
	return tx.Commit()
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func schemaVersion(ctx context.Context, q queryRower) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// stamp returns the clock's time as stored: UTC, millisecond precision.
func (s *Store) stamp() time.Time { return fromMillis(toMillis(s.now())) }

func toMillis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// nullString stores the empty string as NULL, for nillable fields.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullID stores the zero id as NULL.
func nullID(id sfid.ID) any {
	if id == "" {
		return nil
	}
	return string(id)
}

// boolInt stores a bool as 0 or 1.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
