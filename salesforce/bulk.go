package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"routemap"
)

// JobState is the state of a Bulk API 2.0 ingest job; the values are
// routemap's, which are Salesforce's.
type JobState = routemap.JobState

// Job states.
const (
	JobOpen           = routemap.JobOpen
	JobUploadComplete = routemap.JobUploadComplete
	JobInProgress     = routemap.JobInProgress
	JobComplete       = routemap.JobComplete
	JobFailed         = routemap.JobFailed
	JobAborted        = routemap.JobAborted
)

// Bulk API 2.0 ingest operations.
const (
	OperationInsert     = "insert"
	OperationUpdate     = "update"
	OperationUpsert     = "upsert"
	OperationDelete     = "delete"
	OperationHardDelete = "hardDelete"
)

// JobRequest describes an ingest job to create.
type JobRequest struct {
	// Object is the sObject, e.g. "CallCenterRoutingMap". Required.
	Object string
	// Operation is one of the Operation… constants. Required.
	Operation string
	// ExternalIDFieldName is the upsert key; required for upsert. For
	// CallCenterRoutingMap only "Id" works: no field is an external id.
	ExternalIDFieldName string
	// ColumnDelimiter is COMMA (the default), TAB, PIPE, SEMICOLON, CARET
	// or BACKQUOTE.
	ColumnDelimiter string
	// LineEnding is LF (the default) or CRLF; it must match the data.
	LineEnding string
}

// Job is a Bulk API 2.0 ingest job's information as Salesforce reports it.
type Job struct {
	ID                  string   `json:"id"`
	Operation           string   `json:"operation"`
	Object              string   `json:"object"`
	CreatedByID         string   `json:"createdById"`
	State               JobState `json:"state"`
	ExternalIDFieldName string   `json:"externalIdFieldName"`
	ConcurrencyMode     string   `json:"concurrencyMode"`
	ContentType         string   `json:"contentType"`
	// ContentURL is where the data goes, relative to the instance
	// ("services/data/v62.0/jobs/ingest/750…/batches").
	ContentURL      string `json:"contentUrl"`
	LineEnding      string `json:"lineEnding"`
	ColumnDelimiter string `json:"columnDelimiter"`
	// JobType is V2Ingest for Bulk API 2.0 jobs (Classic, BigObjectIngest).
	JobType                string `json:"jobType"`
	NumberRecordsProcessed int64  `json:"numberRecordsProcessed"`
	NumberRecordsFailed    int64  `json:"numberRecordsFailed"`
	Retries                int    `json:"retries"`
	// Processing times, in milliseconds.
	TotalProcessingTime     int64 `json:"totalProcessingTime"`
	APIActiveProcessingTime int64 `json:"apiActiveProcessingTime"`
	ApexProcessingTime      int64 `json:"apexProcessingTime"`
	// ErrorMessage says why a Failed job failed.
	ErrorMessage string `json:"errorMessage"`
	// APIVersion is the version the job was created with, e.g. 62.
	APIVersion float64 `json:"apiVersion"`
	// CreatedDate and SystemModstamp are zero when absent or unreadable.
	CreatedDate    time.Time `json:"createdDate"`
	SystemModstamp time.Time `json:"systemModstamp"`
}

// UnmarshalJSON reads Salesforce's job info: dates in its
// "2006-01-02T15:04:05.000+0000" form (or RFC 3339, which Job marshals
// to), apiVersion as a number or a string.
func (j *Job) UnmarshalJSON(data []byte) error {
	type plain Job
	var raw struct {
		plain
		APIVersion     json.RawMessage `json:"apiVersion"`
		CreatedDate    string          `json:"createdDate"`
		SystemModstamp string          `json:"systemModstamp"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*j = Job(raw.plain)
	if v := strings.Trim(string(raw.APIVersion), `"`); v != "" && v != "null" {
		j.APIVersion, _ = strconv.ParseFloat(v, 64)
	}
	j.CreatedDate = parseTime(raw.CreatedDate)
	j.SystemModstamp = parseTime(raw.SystemModstamp)
	return nil
}

// parseTime reads a Salesforce datetime; zero when empty or unreadable.
func parseTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// jobPath returns the path of a job or one of its sub-resources.
func (c *Client) jobPath(id string, sub ...string) (string, error) {
	jid, err := parseID(id)
	if err != nil {
		return "", fmt.Errorf("bulk job: %w", err)
	}
	return c.dataPath(append([]string{"jobs", "ingest", string(jid)}, sub...)...), nil
}

// CreateJob creates an ingest job, in state Open, ready for UploadJobData.
// Errors: EINVALID for a request missing Object or Operation (or the
// upsert key), or one Salesforce refuses (INVALIDJOB, …), EFORBIDDEN,
// ELIMIT, EUNAUTHORIZED.
func (c *Client) CreateJob(ctx context.Context, req JobRequest) (*Job, error) {
	switch {
	case req.Object == "":
		return nil, routemap.Errorf(routemap.EINVALID, "bulk job: Object is required")
	case req.Operation == "":
		return nil, routemap.Errorf(routemap.EINVALID, "bulk job: Operation is required")
	case req.Operation == OperationUpsert && req.ExternalIDFieldName == "":
		return nil, routemap.Errorf(routemap.EINVALID, "bulk job: an upsert needs ExternalIDFieldName (for CallCenterRoutingMap, Id)")
	}
	if err := checkObject(req.Object); err != nil {
		return nil, err
	}
	body := map[string]string{"object": req.Object, "operation": req.Operation, "contentType": "CSV"}
	if req.ExternalIDFieldName != "" {
		body["externalIdFieldName"] = req.ExternalIDFieldName
	}
	if req.ColumnDelimiter != "" {
		body["columnDelimiter"] = req.ColumnDelimiter
	}
	if req.LineEnding != "" {
		body["lineEnding"] = req.LineEnding
	}
	cl, err := jsonCall(http.MethodPost, c.dataPath("jobs", "ingest"), body, retryRefused)
	if err != nil {
		return nil, err
	}
	var job Job
	if err := c.doJSON(ctx, cl, &job); err != nil {
		return nil, fmt.Errorf("create bulk job: %w", err)
	}
	if job.ID == "" {
		return nil, fmt.Errorf("create bulk job: %w", routemap.Errorf(routemap.EINTERNAL, "the answer has no job id"))
	}
	return &job, nil
}

// UploadJobData streams CSV data into an Open job (PUT …/batches, chunked
// text/csv). The first line is the header of field API names, and the
// data must use the job's delimiter and line ending. Keep one upload to
// at most 100 MB: Salesforce refuses more than 150 MB after base64. When r
// is an io.Seeker (an *os.File, a bytes.Reader) the upload is retried on
// throttling, unavailability or a renewed session by seeking back to
// where r was; any other reader is sent once. r is not closed. Errors:
// EINVALID (INVALIDJOBSTATE when the job is not Open), ELIMIT, EUNAUTHORIZED.
func (c *Client) UploadJobData(ctx context.Context, jobID string, r io.Reader) error {
	path, err := c.jobPath(jobID, "batches")
	if err != nil {
		return err
	}
	cl := &call{method: http.MethodPut, url: path, stream: r, ctype: "text/csv", mode: retrySafe}
	if err := c.doJSON(ctx, cl, nil); err != nil {
		return fmt.Errorf("upload bulk job %s data: %w", jobID, err)
	}
	return nil
}

// setJobState PATCHes a job's state.
func (c *Client) setJobState(ctx context.Context, id string, state JobState) (*Job, error) {
	path, err := c.jobPath(id)
	if err != nil {
		return nil, err
	}
	cl, err := jsonCall(http.MethodPatch, path, map[string]JobState{"state": state}, retrySafe)
	if err != nil {
		return nil, err
	}
	var job Job
	if err := c.doJSON(ctx, cl, &job); err != nil {
		return nil, fmt.Errorf("set bulk job %s to %s: %w", id, state, err)
	}
	return &job, nil
}

// CloseJob marks an Open job's data complete (UploadComplete), which
// queues it for processing; without it the job never runs. Errors:
// EINVALID (INVALIDJOBSTATE), ENOTFOUND, EUNAUTHORIZED.
func (c *Client) CloseJob(ctx context.Context, id string) (*Job, error) {
	return c.setJobState(ctx, id, JobUploadComplete)
}

// AbortJob aborts a job that has not finished; records already processed
// stay processed. Errors: as CloseJob.
func (c *Client) AbortJob(ctx context.Context, id string) (*Job, error) {
	return c.setJobState(ctx, id, JobAborted)
}

// Job returns a job's current information. Errors: ENOTFOUND (NOT_FOUND;
// Salesforce deletes terminal jobs after seven days), EUNAUTHORIZED.
func (c *Client) Job(ctx context.Context, id string) (*Job, error) {
	path, err := c.jobPath(id)
	if err != nil {
		return nil, err
	}
	var job Job
	if err := c.doJSON(ctx, &call{method: http.MethodGet, url: path}, &job); err != nil {
		return nil, fmt.Errorf("bulk job %s: %w", id, err)
	}
	return &job, nil
}

// DeleteJob deletes a job with its data and results. Salesforce allows it
// once the job is UploadComplete, JobComplete, Aborted or Failed.
// Errors: EINVALID (INVALIDJOBSTATE), ENOTFOUND, EUNAUTHORIZED.
func (c *Client) DeleteJob(ctx context.Context, id string) error {
	path, err := c.jobPath(id)
	if err != nil {
		return err
	}
	if err := c.doJSON(ctx, &call{method: http.MethodDelete, url: path, mode: retrySafe}, nil); err != nil {
		return fmt.Errorf("delete bulk job %s: %w", id, err)
	}
	return nil
}

// Jobs lists the org's ingest jobs, following nextRecordsUrl through
// every page. Errors: EUNAUTHORIZED, EFORBIDDEN.
func (c *Client) Jobs(ctx context.Context) ([]*Job, error) {
	var out []*Job
	cl := &call{method: http.MethodGet, url: c.dataPath("jobs", "ingest")}
	for page := 0; page < 100000; page++ {
		var p struct {
			Done           bool    `json:"done"`
			Records        []*Job  `json:"records"`
			NextRecordsURL *string `json:"nextRecordsUrl"`
		}
		if err := c.doJSON(ctx, cl, &p); err != nil {
			return out, fmt.Errorf("list bulk jobs: %w", err)
		}
		out = append(out, p.Records...)
		if p.Done || p.NextRecordsURL == nil || strings.TrimSpace(*p.NextRecordsURL) == "" {
			return out, nil
		}
		cl = &call{method: http.MethodGet, url: strings.TrimSpace(*p.NextRecordsURL)}
	}
	return out, fmt.Errorf("list bulk jobs: %w", routemap.Errorf(routemap.EINTERNAL, "too many pages"))
}

// Defaults for WaitOptions.
const (
	DefaultPollInterval    = time.Second
	DefaultMaxPollInterval = 30 * time.Second
)

// WaitOptions shape WaitJob's polling.
type WaitOptions struct {
	// Interval is the wait before the second poll (the first is at
	// once); it grows by Growth after each poll up to MaxInterval.
	// Defaults DefaultPollInterval and DefaultMaxPollInterval.
	Interval, MaxInterval time.Duration
	// Growth is the factor between two waits, above 1; default 2.
	Growth float64
	// Records, when known, is how many rows the job holds. WaitJob then
	// estimates from numberRecordsProcessed when the job will finish and
	// polls at that time when it comes before the next interval (but no
	// sooner than Interval), instead of overshooting the end by up to a
	// whole interval.
	Records int
	// Progress, when set, is called with the job information of every
	// poll, the last one included.
	Progress func(*Job)
}

// WaitJob polls a job until it is JobComplete, Failed or Aborted and
// returns its final information; a Failed or Aborted job is not an error
// of WaitJob (check State and ErrorMessage, and fetch UnprocessedRecords).
// Polls are spaced by a growing interval, so a long job costs few API
// requests, and land on the estimated end when WaitOptions.Records is
// set; bound the wait with ctx. Errors: EINVALID when the job is
// still Open (its data was never closed with CloseJob), those of Job, and
// ctx's.
func (c *Client) WaitJob(ctx context.Context, id string, opts WaitOptions) (*Job, error) {
	interval, maxInterval := opts.Interval, opts.MaxInterval
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	if maxInterval <= 0 {
		maxInterval = DefaultMaxPollInterval
	}
	interval = min(interval, maxInterval)
	growth := opts.Growth
	if growth <= 1 {
		growth = 2
	}
	minWait := interval
	var first time.Time // the first poll
	var firstDone int   // records processed at the first poll
	for {
		job, err := c.Job(ctx, id)
		if err != nil {
			return nil, err
		}
		if opts.Progress != nil {
			opts.Progress(job)
		}
		if job.State.Terminal() {
			return job, nil
		}
		if job.State == JobOpen {
			return job, &routemap.Error{Code: routemap.EINVALID, Reason: "INVALIDJOBSTATE",
				Message: fmt.Sprintf("bulk job %s is still Open: its data was never marked complete (CloseJob), so it will not run", id)}
		}
		wait := interval
		now := c.now()
		if first.IsZero() {
			first, firstDone = now, int(job.NumberRecordsProcessed)
		} else if eta, ok := estimateEnd(opts.Records, firstDone, int(job.NumberRecordsProcessed), now.Sub(first)); ok {
			wait = min(wait, max(eta, minWait))
		}
		if err := c.sleep(ctx, wait); err != nil {
			return job, fmt.Errorf("wait for bulk job %s: %w", id, err)
		}
		interval = min(time.Duration(float64(interval)*growth), maxInterval)
	}
}

// estimateEnd returns how long a job of total records will still take,
// having processed from done0 to done over elapsed. It counts from the
// first poll, so time the job spent queued makes the estimate late, never
// early.
func estimateEnd(total, done0, done int, elapsed time.Duration) (time.Duration, bool) {
	if total <= 0 || done <= done0 || elapsed <= 0 || done >= total {
		return 0, false
	}
	perRecord := float64(elapsed) / float64(done-done0)
	return time.Duration(perRecord * float64(total-done)), true
}

// results opens one of a job's result CSVs.
func (c *Client) results(ctx context.Context, id, which string) (io.ReadCloser, error) {
	path, err := c.jobPath(id, which)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, &call{method: http.MethodGet, url: path, accept: "text/csv"})
	if err != nil {
		return nil, fmt.Errorf("bulk job %s %s: %w", id, which, err)
	}
	return resp.Body, nil
}

// SuccessfulResults streams a job's successful rows as CSV: "sf__Id",
// "sf__Created", then the uploaded columns. Rows are not in upload order;
// correlate them by an uploaded column such as DeveloperName. The
// caller must close the stream. Errors: ENOTFOUND, EINVALID
// (INVALIDJOBSTATE before the job is complete), EUNAUTHORIZED.
func (c *Client) SuccessfulResults(ctx context.Context, id string) (io.ReadCloser, error) {
	return c.results(ctx, id, "successfulResults")
}

// FailedResults streams a job's failed rows as CSV: "sf__Id",
// "sf__Error" (see ParseBulkError), then the uploaded columns. As
// SuccessfulResults otherwise.
func (c *Client) FailedResults(ctx context.Context, id string) (io.ReadCloser, error) {
	return c.results(ctx, id, "failedResults")
}

// UnprocessedRecords streams the rows a Failed or Aborted job never
// processed, as uploaded. As SuccessfulResults otherwise.
func (c *Client) UnprocessedRecords(ctx context.Context, id string) (io.ReadCloser, error) {
	return c.results(ctx, id, "unprocessedrecords")
}

// SubmitJob creates a job, uploads r into it and closes it, returning the
// job as CloseJob reports it (UploadComplete). When the upload or the
// close fails it aborts the job (best effort) and returns the job with the
// error, so the caller can report its id. Follow with WaitJob.
func (c *Client) SubmitJob(ctx context.Context, req JobRequest, r io.Reader) (*Job, error) {
	job, err := c.CreateJob(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := c.UploadJobData(ctx, job.ID, r); err != nil {
		c.abortAfter(ctx, job.ID, err)
		return job, err
	}
	closed, err := c.CloseJob(ctx, job.ID)
	if err != nil {
		c.abortAfter(ctx, job.ID, err)
		return job, err
	}
	return closed, nil
}

// abortAfter aborts a job that cause left unusable. Its own failure is
// logged, not returned: the job then stays Open, runs nothing, and
// Salesforce deletes it after seven days.
func (c *Client) abortAfter(ctx context.Context, id string, cause error) {
	if ctx.Err() != nil {
		return
	}
	if _, err := c.AbortJob(ctx, id); err != nil {
		c.log.Info("could not abort bulk job after a failed upload", slog.String("job_id", id),
			slog.Any("cause", cause), slog.Any("error", err))
	}
}
