package routemap

import (
	"time"

	"routemap/sfid"
)

// JobState is the state of a Bulk API 2.0 ingest job.
type JobState string

// Job states, as Salesforce names them. A job goes Open → UploadComplete
// → InProgress → JobComplete or Failed; Aborted ends it at any point
// before completion.
const (
	JobOpen           JobState = "Open"
	JobUploadComplete JobState = "UploadComplete"
	JobInProgress     JobState = "InProgress"
	JobComplete       JobState = "JobComplete"
	JobFailed         JobState = "Failed"
	JobAborted        JobState = "Aborted"
)

// Terminal reports whether the job will not change any more.
func (s JobState) Terminal() bool { return s == JobComplete || s == JobFailed || s == JobAborted }

// Bulk operations.
const (
	JobInsert = "insert"
	JobUpdate = "update"
	JobUpsert = "upsert"
	JobDelete = "delete"
)

// JobChunkSize is the number of rows processed (and committed) together,
// as Salesforce splits jobs into internal batches of 10,000 records.
const JobChunkSize = 10000

// Job is a Bulk API 2.0 ingest job.
type Job struct {
	ID                  sfid.ID
	OrgID               sfid.ID
	CreatedByID         sfid.ID
	Object              string
	Operation           string
	ExternalIDFieldName string
	ContentType         string // "CSV"
	ColumnDelimiter     string // Bulk name: COMMA, TAB, ...
	LineEnding          string // LF or CRLF
	APIVersion          float64
	State               JobState
	ErrorMessage        string
	CreatedDate         time.Time
	SystemModstamp      time.Time

	NumberRecordsProcessed int
	NumberRecordsFailed    int
	// TotalProcessingTime is the time spent processing, in milliseconds.
	TotalProcessingTime int64
	// ChunksDone counts the chunks committed; processing resumes after them.
	ChunksDone int
	// DataBytes is the size of the uploaded data; 0 before an upload.
	DataBytes int64
}

// JobRow is one row of a chunk: its operation, or why it was rejected
// before reaching the store.
type JobRow struct {
	// Number is the data row's number in the upload, from 1.
	Number int
	// Op is the write to perform; nil when Err is set.
	Op *RoutingMapOp
	// Err is a rejection found before the store (bad values, rules).
	Err error
}

// JobResult is the recorded outcome of one row.
type JobResult struct {
	Number  int
	Success bool
	ID      sfid.ID
	Created bool
	// Err says why the row failed (nil on success); its Code, Reason,
	// Message and Fields are kept, Problems are folded into the message.
	Err *Error
}
