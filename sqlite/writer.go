package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"routemap/sfid"
)

// A group stops taking queued calls at maxGroup calls or maxGroupOps
// routing-map ops, which bounds the latency its first caller sees.
const (
	maxGroup    = 256
	maxGroupOps = 2000
)

// errClosed answers calls made after Close.
var errClosed = errors.New("sqlite store is closed")

// writeReq is one caller's write, waiting for the writer goroutine.
type writeReq struct {
	ctx context.Context
	// fn does the caller's work inside the group transaction. Any error
	// rolls its work back (to the caller's savepoint) and is returned to
	// the caller; the other calls of the group are unaffected.
	fn   func(w *wtx) error
	done chan error // buffered: the writer never blocks on an answer
	// ops is how many routing-map ops fn performs (at least 1).
	ops int
}

// write queues fn for the writer goroutine and waits until the transaction
// that ran it has committed (or rolled back). fn runs on the writer
// goroutine and must not touch memory the caller may change after a
// cancelled wait returns: it works on copies and hands results over
// through variables the caller reads only once the answer has come.
func (s *Store) write(ctx context.Context, fn func(w *wtx) error) error {
	return s.writeOps(ctx, 1, fn)
}

// writeOps is write for a call that performs ops routing-map ops.
func (s *Store) writeOps(ctx context.Context, ops int, fn func(w *wtx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1), ops: max(ops, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return errClosed
	}
	select {
	case s.queue <- req:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		// The write may still commit; the caller learns nothing of it.
		return ctx.Err()
	}
}

// run is the writer goroutine: it takes every call waiting in the queue,
// commits them in one transaction and answers them, until Close closes
// the queue and the last calls are answered.
func (s *Store) run() {
	defer close(s.done)
	batch := make([]*writeReq, 0, maxGroup)
	for req := range s.queue {
		batch = append(batch[:0], req)
		ops := req.ops
	drain:
		for len(batch) < maxGroup && ops < maxGroupOps {
			select {
			case r, ok := <-s.queue:
				if !ok {
					break drain
				}
				batch = append(batch, r)
				ops += r.ops
			default:
				break drain
			}
		}
		s.commitGroup(batch)
		clear(batch)
	}
}

// commitGroup runs a group of calls in one transaction, each in its own
// SAVEPOINT so that a failing call rolls back alone, then commits and
// answers every caller. When the transaction itself fails, every call of
// the group gets the error and nothing of the group is stored.
func (s *Store) commitGroup(batch []*writeReq) {
	ctx := context.Background() // a caller's cancellation must not interrupt the group
	errs := make([]error, len(batch))
	skip := make([]bool, len(batch))
	answer := func() {
		for i, req := range batch {
			req.done <- errs[i]
		}
	}
	live := 0
	for i, req := range batch {
		// A caller that gave up before its turn is not run at all.
		if err := req.ctx.Err(); err != nil {
			errs[i], skip[i] = err, true
			continue
		}
		live++
	}
	if live == 0 {
		answer()
		return
	}
	// A failed transaction is every caller's error, returned to each, so
	// it is not logged here.
	fail := func(err error) {
		for i := range batch {
			if !skip[i] {
				errs[i] = err
			}
		}
		answer()
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	w := &wtx{s: s, tx: tx, ctx: ctx}
	for i, req := range batch {
		if skip[i] {
			continue
		}
		if _, err := w.exec(stSavepointCall); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("savepoint: %w", err))
			return
		}
		err := w.call(req.fn)
		if err != nil {
			if _, rerr := w.exec(stRollbackCall); rerr != nil {
				// SQLite rolled the whole transaction back (I/O error,
				// disk full): every call of the group is lost.
				tx.Rollback()
				fail(fmt.Errorf("rollback to savepoint after %w: %w", err, rerr))
				return
			}
		}
		if _, rerr := w.exec(stReleaseCall); rerr != nil {
			tx.Rollback()
			fail(fmt.Errorf("release savepoint: %w", rerr))
			return
		}
		errs[i] = err
	}
	if err := w.flushSequences(); err != nil {
		tx.Rollback()
		fail(err)
		return
	}
	if err := tx.Commit(); err != nil {
		// The outcome is unknown; forget every cached map to be safe.
		s.maps.reset()
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	s.maps.drop(w.changed)
	answer()
	select {
	case s.ckpt <- struct{}{}:
	default:
	}
}

// checkpointEvery is the least time between two checkpoints.
const checkpointEvery = 50 * time.Millisecond

// checkpointLoop copies committed pages from the WAL back into the
// database file after writes, at most every checkpointEvery, on its own
// connection so that the writer never waits for it. A PASSIVE checkpoint
// never blocks readers or the writer; the WAL restarts from its beginning
// once a checkpoint has caught up.
func (s *Store) checkpointLoop() {
	defer close(s.ckptDone)
	if s.cdb == nil {
		<-s.ckptStop
		return
	}
	for {
		select {
		case <-s.ckpt:
		case <-s.ckptStop:
			return
		}
		var busy, frames, copied int
		if err := s.cdb.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
			s.logger.Warn("sqlite checkpoint failed", logKeyPath, s.path, logKeyError, err)
		}
		select {
		case <-time.After(checkpointEvery):
		case <-s.ckptStop:
			return
		}
	}
}

// wtx is the writer's view of the group transaction, passed to each call.
type wtx struct {
	s   *Store
	tx  *sql.Tx
	ctx context.Context

	stmts [numWriteStmts]*sql.Stmt // wstmt bound to tx, made on first use

	// centers holds the (org, contact center) pairs found in the group.
	centers map[[2]sfid.ID]bool

	// seq holds the next record number per prefix, read from the
	// sequences table on first use and written back before COMMIT.
	seq   map[sfid.KeyPrefix]uint64
	dirty map[sfid.KeyPrefix]bool

	// changed lists the routing maps the group updated or deleted, which
	// the read cache drops once the group commits.
	changed []sfid.ID
}

// call runs fn, turning a panic into an error so that one bad call cannot
// stop the writer and leave every other caller waiting.
func (w *wtx) call(fn func(*wtx) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in sqlite write: %v", r)
		}
	}()
	return fn(w)
}

func (w *wtx) stmt(k writeStmt) *sql.Stmt {
	if w.stmts[k] == nil {
		w.stmts[k] = w.tx.StmtContext(w.ctx, w.s.wstmt[k])
	}
	return w.stmts[k]
}

func (w *wtx) exec(k writeStmt, args ...any) (sql.Result, error) {
	return w.stmt(k).ExecContext(w.ctx, args...)
}

func (w *wtx) queryRow(k writeStmt, args ...any) *sql.Row {
	return w.stmt(k).QueryRowContext(w.ctx, args...)
}

// exists reports whether the query k returns a row.
func (w *wtx) exists(k writeStmt, args ...any) (bool, error) {
	var one int
	switch err := w.queryRow(k, args...).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// checkOrg returns ENOTFOUND unless the store holds org.
func (w *wtx) checkOrg(org sfid.ID) error {
	if ok, err := w.exists(stOrgExists, string(org)); err != nil {
		return fmt.Errorf("find org: %w", err)
	} else if !ok {
		return notFound("Organization", org)
	}
	return nil
}

// mint returns a new id for prefix. The number it uses is never used
// again, even when the call that asked for it rolls back.
func (w *wtx) mint(prefix sfid.KeyPrefix) (sfid.ID, error) {
	if w.seq == nil {
		if err := w.loadSequences(); err != nil {
			return "", err
		}
	}
	n, ok := w.seq[prefix]
	if !ok {
		return "", fmt.Errorf("no sequence for key prefix %s", prefix)
	}
	w.seq[prefix] = n + 1
	w.dirty[prefix] = true
	return sfid.New(prefix, w.s.pod, n)
}

func (w *wtx) loadSequences() error {
	rows, err := w.stmt(stSeqAll).QueryContext(w.ctx)
	if err != nil {
		return fmt.Errorf("read sequences: %w", err)
	}
	defer rows.Close()
	seq := make(map[sfid.KeyPrefix]uint64, 8)
	for rows.Next() {
		var p string
		var n int64
		if err := rows.Scan(&p, &n); err != nil {
			return fmt.Errorf("read sequences: %w", err)
		}
		seq[sfid.KeyPrefix(p)] = uint64(n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sequences: %w", err)
	}
	w.seq, w.dirty = seq, make(map[sfid.KeyPrefix]bool, 8)
	return nil
}

// flushSequences writes the numbers the group used back, outside every
// savepoint, so they commit with the group.
func (w *wtx) flushSequences() error {
	for p := range w.dirty {
		if _, err := w.exec(stSeqSet, int64(w.seq[p]), string(p)); err != nil {
			return fmt.Errorf("write sequence %s: %w", p, err)
		}
	}
	return nil
}
