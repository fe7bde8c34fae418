package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"routemap"
	"routemap/sfid"
)

const jobCols = `id, org_id, created_by_id, object, operation, external_id_field, content_type, column_delimiter,
	line_ending, api_version, state, error_message, created_date, system_modstamp, records_processed,
	records_failed, processing_ms, chunks_done, data_bytes`

// dataPiece is the size of the pieces an upload is stored in.
const dataPiece = 1 << 20

func scanJob(sc scanner) (*routemap.Job, error) {
	var j routemap.Job
	var id, org, by, state string
	var ext, msg sql.NullString
	var created, modstamp int64
	if err := sc.Scan(&id, &org, &by, &j.Object, &j.Operation, &ext, &j.ContentType, &j.ColumnDelimiter,
		&j.LineEnding, &j.APIVersion, &state, &msg, &created, &modstamp, &j.NumberRecordsProcessed,
		&j.NumberRecordsFailed, &j.TotalProcessingTime, &j.ChunksDone, &j.DataBytes); err != nil {
		return nil, err
	}
	j.ID, j.OrgID, j.CreatedByID, j.State = sfid.ID(id), sfid.ID(org), sfid.ID(by), routemap.JobState(state)
	j.ExternalIDFieldName, j.ErrorMessage = ext.String, msg.String
	j.CreatedDate, j.SystemModstamp = fromMillis(created), fromMillis(modstamp)
	return &j, nil
}

// CreateJob stores a new ingest job, Open, and sets its ID and dates.
func (s *Store) CreateJob(ctx context.Context, job *routemap.Job) error {
	if !job.ID.IsZero() {
		return idSpecified()
	}
	in := *job
	err := s.write(ctx, func(w *wtx) error {
		if err := w.checkOrg(in.OrgID); err != nil {
			return err
		}
		id, err := w.mint(sfid.PrefixBulkJob)
		if err != nil {
			return err
		}
		now := w.s.stamp()
		in.ID, in.State, in.CreatedDate, in.SystemModstamp = id, routemap.JobOpen, now, now
		_, err = w.tx.ExecContext(w.ctx, "INSERT INTO jobs ("+jobCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, 0, 0, 0, 0, 0)",
			string(id), string(in.OrgID), string(in.CreatedByID), in.Object, in.Operation, nullString(in.ExternalIDFieldName),
			in.ContentType, in.ColumnDelimiter, in.LineEnding, in.APIVersion, string(in.State), toMillis(now), toMillis(now))
		if err != nil {
			return fmt.Errorf("insert job: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	*job = in
	return nil
}

// FindJob returns a job of the org. ENOTFOUND.
func (s *Store) FindJob(ctx context.Context, org, id sfid.ID) (*routemap.Job, error) {
	j, err := scanJob(s.rdb.QueryRowContext(ctx, "SELECT "+jobCols+" FROM jobs WHERE org_id = ? AND id = ?", string(org), string(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Job", id)
	} else if err != nil {
		return nil, fmt.Errorf("find job: %w", err)
	}
	return j, nil
}

func (s *Store) listJobs(ctx context.Context, query string, args ...any) ([]*routemap.Job, error) {
	rows, err := s.rdb.QueryContext(ctx, query, args...)
	return collect(rows, err, "jobs", scanJob)
}

// ListJobs returns the org's jobs, newest first.
func (s *Store) ListJobs(ctx context.Context, org sfid.ID) ([]*routemap.Job, error) {
	return s.listJobs(ctx, "SELECT "+jobCols+" FROM jobs WHERE org_id = ? ORDER BY created_date DESC, id DESC", string(org))
}

// ActiveJobs returns every org's UploadComplete and InProgress jobs,
// oldest first.
func (s *Store) ActiveJobs(ctx context.Context) ([]*routemap.Job, error) {
	return s.listJobs(ctx, "SELECT "+jobCols+" FROM jobs WHERE state IN ('UploadComplete', 'InProgress') ORDER BY created_date, id")
}

// jobInTx reads a job inside a write.
func (w *wtx) job(org, id sfid.ID) (*routemap.Job, error) {
	j, err := scanJob(w.tx.QueryRowContext(w.ctx, "SELECT "+jobCols+" FROM jobs WHERE org_id = ? AND id = ?", string(org), string(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Job", id)
	} else if err != nil {
		return nil, fmt.Errorf("find job: %w", err)
	}
	return j, nil
}

func jobStateError(j *routemap.Job, want string) error {
	return &routemap.Error{Code: routemap.ECONFLICT, Reason: routemap.ReasonJobState,
		Message: fmt.Sprintf("Job %s is %s; %s", j.ID, j.State, want)}
}

// SetJobState moves a job from one of from to to.
func (s *Store) SetJobState(ctx context.Context, org, id sfid.ID, from []routemap.JobState, to routemap.JobState, msg string) (*routemap.Job, error) {
	from = slices.Clone(from)
	var out *routemap.Job
	err := s.write(ctx, func(w *wtx) error {
		j, err := w.job(org, id)
		if err != nil {
			return err
		}
		if !slices.Contains(from, j.State) {
			names := make([]string, len(from))
			for i, f := range from {
				names[i] = string(f)
			}
			return jobStateError(j, "the change needs it to be "+strings.Join(names, " or "))
		}
		now := w.s.stamp()
		if _, err := w.tx.ExecContext(w.ctx, "UPDATE jobs SET state = ?, error_message = coalesce(?, error_message), system_modstamp = ? WHERE org_id = ? AND id = ?",
			string(to), nullString(msg), toMillis(now), string(org), string(id)); err != nil {
			return fmt.Errorf("update job: %w", err)
		}
		j.State, j.SystemModstamp = to, now
		if msg != "" {
			j.ErrorMessage = msg
		}
		out = j
		return nil
	})
	return out, err
}

// PutJobData stores an upload in pieces, each committed as it arrives,
// and marks it whole in a last commit; until then the job counts as
// having no data, and a failed or interrupted upload is cleared (at once,
// or when the store next opens).
func (s *Store) PutJobData(ctx context.Context, org, id sfid.ID, r io.Reader, limit int64) (int64, error) {
	err := s.write(ctx, func(w *wtx) error {
		j, err := w.job(org, id)
		if err != nil {
			return err
		}
		var uploading int
		if err := w.tx.QueryRowContext(w.ctx, "SELECT uploading FROM jobs WHERE id = ?", string(id)).Scan(&uploading); err != nil {
			return fmt.Errorf("read job: %w", err)
		}
		if j.State != routemap.JobOpen || j.DataBytes > 0 || uploading != 0 {
			return jobStateError(j, "data can be uploaded once, while the job is Open")
		}
		if _, err := w.tx.ExecContext(w.ctx, "UPDATE jobs SET uploading = 1 WHERE id = ?", string(id)); err != nil {
			return fmt.Errorf("claim upload: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	total, err := s.putPieces(ctx, id, r, limit)
	if err == nil {
		err = s.write(ctx, func(w *wtx) error {
			_, err := w.tx.ExecContext(w.ctx, "UPDATE jobs SET data_bytes = ?, uploading = 0, system_modstamp = ? WHERE id = ? AND uploading = 1",
				total, toMillis(w.s.stamp()), string(id))
			return err
		})
	}
	if err != nil {
		// Clear the partial upload even if the caller has gone.
		s.write(context.WithoutCancel(ctx), func(w *wtx) error {
			if _, err := w.tx.ExecContext(w.ctx, "DELETE FROM job_data WHERE job_id = ?", string(id)); err != nil {
				return err
			}
			_, err := w.tx.ExecContext(w.ctx, "UPDATE jobs SET uploading = 0 WHERE id = ?", string(id))
			return err
		})
		return 0, err
	}
	return total, nil
}

func (s *Store) putPieces(ctx context.Context, id sfid.ID, r io.Reader, limit int64) (int64, error) {
	buf := make([]byte, dataPiece)
	var total int64
	for seq := 0; ; seq++ {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			total += int64(n)
			if total > limit {
				return total, &routemap.Error{Code: routemap.ELIMIT, Message: fmt.Sprintf("the upload is larger than the limit of %d bytes", limit)}
			}
			piece := bytes.Clone(buf[:n])
			err := s.write(ctx, func(w *wtx) error {
				_, err := w.tx.ExecContext(w.ctx, "INSERT INTO job_data (job_id, seq, data) VALUES (?, ?, ?)", string(id), seq, piece)
				return err
			})
			if err != nil {
				return total, fmt.Errorf("store job data: %w", err)
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			return total, nil
		}
		if rerr != nil {
			return total, fmt.Errorf("read job data: %w", rerr)
		}
	}
}

// recoverUploads clears uploads a crash interrupted.
func (s *Store) recoverUploads(ctx context.Context) error {
	return s.write(ctx, func(w *wtx) error {
		if _, err := w.tx.ExecContext(w.ctx, "DELETE FROM job_data WHERE job_id IN (SELECT id FROM jobs WHERE uploading = 1)"); err != nil {
			return fmt.Errorf("clear interrupted uploads: %w", err)
		}
		_, err := w.tx.ExecContext(w.ctx, "UPDATE jobs SET uploading = 0 WHERE uploading = 1")
		return err
	})
}

// JobData streams a job's upload, piece by piece.
func (s *Store) JobData(ctx context.Context, org, id sfid.ID) (io.ReadCloser, error) {
	j, err := s.FindJob(ctx, org, id)
	if err != nil {
		return nil, err
	}
	return &pieceReader{ctx: ctx, s: s, id: j.ID, empty: j.DataBytes == 0}, nil
}

type pieceReader struct {
	ctx   context.Context
	s     *Store
	id    sfid.ID
	seq   int
	buf   []byte
	empty bool
	done  bool
}

func (p *pieceReader) Read(b []byte) (int, error) {
	for len(p.buf) == 0 {
		if p.done || p.empty {
			return 0, io.EOF
		}
		var data []byte
		err := p.s.rdb.QueryRowContext(p.ctx, "SELECT data FROM job_data WHERE job_id = ? AND seq = ?", string(p.id), p.seq).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			p.done = true
			return 0, io.EOF
		}
		if err != nil {
			return 0, fmt.Errorf("read job data: %w", err)
		}
		p.buf = data
		p.seq++
	}
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	return n, nil
}

func (p *pieceReader) Close() error { return nil }

// ApplyJobChunk applies one chunk with its results and the job's counters
// in one transaction.
func (s *Store) ApplyJobChunk(ctx context.Context, org, actor, id sfid.ID, index int, rows []routemap.JobRow, prep time.Duration) error {
	in := make([]routemap.JobRow, len(rows))
	var ops []routemap.RoutingMapOp
	for i, r := range rows {
		in[i] = r
		if r.Op != nil {
			op := *r.Op
			op.Fields = slices.Clone(op.Fields)
			in[i].Op = &op
			ops = append(ops, op)
		}
	}
	return s.writeOps(ctx, len(in), func(w *wtx) error {
		began := s.now()
		j, err := w.job(org, id)
		if err != nil {
			return err
		}
		if j.State != routemap.JobInProgress || j.ChunksDone != index {
			return jobStateError(j, fmt.Sprintf("chunk %d cannot be applied after %d chunks", index, j.ChunksDone))
		}
		a := &applier{w: w, org: org, actor: actor, now: w.s.stamp()}
		if err := a.loadUsers(ops); err != nil {
			return err
		}
		var enc []byte
		failed := 0
		for i := range in {
			res := routemap.JobResult{Number: in[i].Number}
			var rerr error
			if in[i].Op != nil {
				r, err := a.apply(in[i].Op)
				if err != nil {
					return err
				}
				res.ID, res.Created, rerr = r.ID, r.Created, r.Err
				if in[i].Op.Kind != routemap.OpCreate && res.ID.IsZero() {
					res.ID = in[i].Op.Map.ID
				}
			} else {
				rerr = in[i].Err
			}
			res.Success = rerr == nil
			if !res.Success {
				failed++
			}
			enc = appendResult(enc, res, rerr)
		}
		if _, err := w.tx.ExecContext(w.ctx, "INSERT INTO job_results (job_id, chunk, data) VALUES (?, ?, ?)", string(id), index, enc); err != nil {
			return fmt.Errorf("store job results: %w", err)
		}
		took := prep + s.now().Sub(began)
		_, err = w.tx.ExecContext(w.ctx, `UPDATE jobs SET chunks_done = chunks_done + 1, records_processed = records_processed + ?,
			records_failed = records_failed + ?, processing_ms = processing_ms + ?, system_modstamp = ? WHERE id = ?`,
			len(in), failed, took.Milliseconds(), toMillis(w.s.stamp()), string(id))
		if err != nil {
			return fmt.Errorf("update job: %w", err)
		}
		return nil
	})
}

// A chunk's results are encoded back to back: number (uvarint), flags
// (bit 0 success, bit 1 created), id, then for failures the error's code,
// reason, message and fields (each a uvarint length and bytes; fields
// joined by commas).
func appendResult(b []byte, r routemap.JobResult, err error) []byte {
	b = binary.AppendUvarint(b, uint64(r.Number))
	var flags byte
	if r.Success {
		flags |= 1
	}
	if r.Created {
		flags |= 2
	}
	b = append(b, flags)
	b = appendString(b, string(r.ID))
	if !r.Success {
		var e *routemap.Error
		if !errors.As(err, &e) {
			e = &routemap.Error{Code: routemap.EINTERNAL, Message: "An unexpected error occurred."}
		}
		b = appendString(b, e.Code)
		reason, msg, fields := e.Reason, e.Message, strings.Join(e.Fields, ",")
		if len(e.Problems) > 0 {
			// Keep the first problem: Bulk reports one error a row.
			p := e.Problems[0]
			reason, msg, fields = p.Code, p.Message, p.Field
			if p.Fix != "" {
				msg += " (fix: " + p.Fix + ")"
			}
			if p.Code == routemap.CodeRequired {
				var missing []string
				for _, q := range e.Problems {
					if q.Code == routemap.CodeRequired {
						missing = append(missing, q.Field)
					}
				}
				msg, fields = "Required fields are missing: ["+strings.Join(missing, ", ")+"]", strings.Join(missing, ",")
			}
		}
		b = appendString(b, reason)
		b = appendString(b, msg)
		b = appendString(b, fields)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// resultDecoder reads what appendResult wrote.
type resultDecoder struct {
	b   []byte
	err error
}

func (d *resultDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errors.New("corrupt job results")
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *resultDecoder) string() string {
	n := d.uvarint()
	if d.err != nil || uint64(len(d.b)) < n {
		d.err = errors.New("corrupt job results")
		d.b = nil
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *resultDecoder) next() (routemap.JobResult, *routemap.Error) {
	var r routemap.JobResult
	r.Number = int(d.uvarint())
	if d.err != nil || len(d.b) == 0 {
		d.err = errors.New("corrupt job results")
		return r, nil
	}
	flags := d.b[0]
	d.b = d.b[1:]
	r.Success, r.Created = flags&1 != 0, flags&2 != 0
	r.ID = sfid.ID(d.string())
	if r.Success {
		return r, nil
	}
	e := &routemap.Error{Code: d.string(), Reason: d.string(), Message: d.string()}
	if f := d.string(); f != "" {
		e.Fields = strings.Split(f, ",")
	}
	return r, e
}

// JobResults calls fn with the successful or failed results in row order.
func (s *Store) JobResults(ctx context.Context, org, id sfid.ID, failed bool, fn func(routemap.JobResult) error) error {
	if _, err := s.FindJob(ctx, org, id); err != nil {
		return err
	}
	for chunk := 0; ; chunk++ {
		var data []byte
		err := s.rdb.QueryRowContext(ctx, "SELECT data FROM job_results WHERE job_id = ? AND chunk = ?", string(id), chunk).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read job results: %w", err)
		}
		d := &resultDecoder{b: data}
		for len(d.b) > 0 {
			r, e := d.next()
			if d.err != nil {
				return d.err
			}
			if r.Success == failed {
				continue
			}
			r.Err = e
			if err := fn(r); err != nil {
				return err
			}
		}
	}
}

// DeleteJob removes a job with its data and results.
func (s *Store) DeleteJob(ctx context.Context, org, id sfid.ID) error {
	return s.write(ctx, func(w *wtx) error {
		if _, err := w.job(org, id); err != nil {
			return err
		}
		for _, q := range []string{"DELETE FROM job_results WHERE job_id = ?", "DELETE FROM job_data WHERE job_id = ?", "DELETE FROM jobs WHERE id = ?"} {
			if _, err := w.tx.ExecContext(w.ctx, q, string(id)); err != nil {
				return fmt.Errorf("delete job: %w", err)
			}
		}
		return nil
	})
}
