package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"routemap"
	"routemap/csv"
	"routemap/sfid"
)

// jobInfo is a Bulk API 2.0 job as the API shows it. The counters appear
// in GET answers only, as in Salesforce.
type jobInfo struct {
	ID                      string      `json:"id"`
	Operation               string      `json:"operation"`
	Object                  string      `json:"object"`
	CreatedByID             string      `json:"createdById"`
	CreatedDate             string      `json:"createdDate"`
	SystemModstamp          string      `json:"systemModstamp"`
	State                   string      `json:"state"`
	ExternalIDFieldName     string      `json:"externalIdFieldName,omitempty"`
	ConcurrencyMode         string      `json:"concurrencyMode"`
	ContentType             string      `json:"contentType"`
	APIVersion              json.Number `json:"apiVersion"`
	JobType                 string      `json:"jobType,omitempty"`
	ContentURL              string      `json:"contentUrl"`
	LineEnding              string      `json:"lineEnding"`
	ColumnDelimiter         string      `json:"columnDelimiter"`
	NumberRecordsProcessed  *int        `json:"numberRecordsProcessed,omitempty"`
	NumberRecordsFailed     *int        `json:"numberRecordsFailed,omitempty"`
	Retries                 *int        `json:"retries,omitempty"`
	TotalProcessingTime     *int64      `json:"totalProcessingTime,omitempty"`
	APIActiveProcessingTime *int64      `json:"apiActiveProcessingTime,omitempty"`
	ApexProcessingTime      *int64      `json:"apexProcessingTime,omitempty"`
	ErrorMessage            string      `json:"errorMessage,omitempty"`
}

func (rq *request) jobInfo(j *routemap.Job, counters bool) jobInfo {
	info := jobInfo{
		ID: string(j.ID), Operation: j.Operation, Object: j.Object, CreatedByID: string(j.CreatedByID),
		CreatedDate: formatTime(j.CreatedDate), SystemModstamp: formatTime(j.SystemModstamp), State: string(j.State),
		ExternalIDFieldName: j.ExternalIDFieldName, ConcurrencyMode: "Parallel", ContentType: j.ContentType,
		APIVersion: json.Number(strconv.FormatFloat(j.APIVersion, 'f', 1, 64)), JobType: "V2Ingest",
		ContentURL: strings.TrimPrefix(versionPath(j.APIVersion), "/") + "/jobs/ingest/" + string(j.ID) + "/batches",
		LineEnding: j.LineEnding, ColumnDelimiter: j.ColumnDelimiter, ErrorMessage: j.ErrorMessage,
	}
	if counters {
		zero, zero64 := 0, int64(0)
		info.NumberRecordsProcessed, info.NumberRecordsFailed = &j.NumberRecordsProcessed, &j.NumberRecordsFailed
		info.Retries, info.TotalProcessingTime, info.APIActiveProcessingTime, info.ApexProcessingTime = &zero, &j.TotalProcessingTime, &j.TotalProcessingTime, &zero64
	}
	return info
}

var errJobNotFound = &routemap.Error{Code: routemap.ENOTFOUND, Message: "The requested resource does not exist"}

// routeIngest serves Bulk API 2.0 ingest jobs under /jobs/ingest.
func (rq *request) routeIngest(seg []string) {
	switch {
	case len(seg) == 0 && rq.r.Method == http.MethodPost:
		rq.createJob()
	case len(seg) == 0 && rq.r.Method == http.MethodGet:
		rq.listJobs()
	case len(seg) == 0:
		rq.fail(methodNotAllowed(rq.r, "GET", "POST"))
	default:
		id, err := sfid.Parse(seg[0])
		if err != nil || id.Prefix() != sfid.PrefixBulkJob {
			rq.fail(errJobNotFound)
			return
		}
		switch {
		case len(seg) == 1:
			switch rq.r.Method {
			case http.MethodGet:
				rq.getJob(id)
			case http.MethodPatch:
				rq.patchJob(id)
			case http.MethodDelete:
				rq.deleteJob(id)
			default:
				rq.fail(methodNotAllowed(rq.r, "GET", "PATCH", "DELETE"))
			}
		case len(seg) == 2 && seg[1] == "batches":
			if rq.r.Method != http.MethodPut {
				rq.fail(methodNotAllowed(rq.r, "PUT"))
				return
			}
			rq.uploadJob(id)
		case len(seg) == 2 && (seg[1] == "successfulResults" || seg[1] == "failedResults" || seg[1] == "unprocessedrecords"):
			if rq.r.Method != http.MethodGet {
				rq.fail(methodNotAllowed(rq.r, "GET"))
				return
			}
			rq.jobResults(id, seg[1])
		default:
			rq.fail(notFound())
		}
	}
}

func invalidJob(format string, args ...any) error {
	return &routemap.Error{Code: routemap.EINVALID, Reason: reasonInvalidJob, Message: fmt.Sprintf(format, args...)}
}

// jobPermission checks the object permissions an operation needs.
func (rq *request) jobPermission(op string) error {
	need := []routemap.Permission{routemap.PermEditRoutingMap}
	switch op {
	case routemap.JobInsert, routemap.JobUpsert:
		need = append(need, routemap.PermCreateRoutingMap)
	case routemap.JobDelete:
		need = []routemap.Permission{routemap.PermDeleteRoutingMap}
	}
	for _, p := range need {
		if !rq.c.can(p) {
			return forbidden(routemap.ObjectRoutingMap)
		}
	}
	return nil
}

func (rq *request) createJob() {
	data, err := rq.s.readBody(rq.w, rq.r, 64<<10)
	if err != nil {
		rq.fail(err)
		return
	}
	var req struct {
		Object              string `json:"object"`
		Operation           string `json:"operation"`
		ExternalIDFieldName string `json:"externalIdFieldName"`
		ContentType         string `json:"contentType"`
		ColumnDelimiter     string `json:"columnDelimiter"`
		LineEnding          string `json:"lineEnding"`
		AssignmentRuleID    string `json:"assignmentRuleId"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&req); err != nil {
		rq.fail(syntaxError(data, dec, err))
		return
	}
	o := rq.s.schema.Object(req.Object)
	switch {
	case req.Object == "":
		err = invalidJob("InvalidJob : Object is required")
	case o == nil || o.Name != routemap.ObjectRoutingMap:
		err = &routemap.Error{Code: routemap.EINVALID, Reason: reasonInvalidJob, Message: fmt.Sprintf("InvalidJob : Object %s is not supported by routemap's Bulk API; use CallCenterRoutingMap", req.Object)}
	}
	op := strings.ToLower(req.Operation)
	if err == nil {
		switch op {
		case routemap.JobInsert, routemap.JobUpdate, routemap.JobDelete:
		case routemap.JobUpsert:
			f := o.Field(req.ExternalIDFieldName, 0)
			if f == nil || !f.IDLookup {
				err = invalidJob("InvalidJob : upsert needs externalIdFieldName Id or DeveloperName, not %q", req.ExternalIDFieldName)
			} else {
				req.ExternalIDFieldName = f.Name
			}
		case "harddelete":
			err = invalidJob("InvalidJob : hardDelete is not supported; use delete")
		default:
			err = invalidJob("InvalidJob : operation must be insert, update, upsert or delete, not %q", req.Operation)
		}
	}
	if err == nil && req.ContentType != "" && !strings.EqualFold(req.ContentType, "CSV") {
		err = invalidJob("InvalidJob : contentType must be CSV")
	}
	if req.ColumnDelimiter == "" {
		req.ColumnDelimiter = "COMMA"
	}
	if _, cerr := csv.ParseDelimiter(req.ColumnDelimiter); err == nil && (cerr != nil || len(req.ColumnDelimiter) == 1) {
		err = invalidJob("InvalidJob : columnDelimiter must be COMMA, TAB, PIPE, SEMICOLON, CARET or BACKQUOTE")
	}
	req.LineEnding = strings.ToUpper(req.LineEnding)
	if req.LineEnding == "" {
		req.LineEnding = "LF"
	}
	if err == nil && req.LineEnding != "LF" && req.LineEnding != "CRLF" {
		err = invalidJob("InvalidJob : lineEnding must be LF or CRLF")
	}
	if err == nil {
		err = rq.jobPermission(op)
	}
	if err != nil {
		rq.fail(err)
		return
	}
	if op != routemap.JobUpsert {
		req.ExternalIDFieldName = ""
	}
	j := &routemap.Job{OrgID: rq.c.Org.ID, CreatedByID: rq.c.User.ID, Object: o.Name, Operation: op,
		ExternalIDFieldName: req.ExternalIDFieldName, ContentType: "CSV", ColumnDelimiter: strings.ToUpper(req.ColumnDelimiter),
		LineEnding: req.LineEnding, APIVersion: rq.v}
	if err := rq.s.Store.CreateJob(rq.r.Context(), j); err != nil {
		rq.fail(err)
		return
	}
	rq.json(http.StatusOK, rq.jobInfo(j, false))
}

func (rq *request) listJobs() {
	jobs, err := rq.s.Store.ListJobs(rq.r.Context(), rq.c.Org.ID)
	if err != nil {
		rq.fail(err)
		return
	}
	out := struct {
		Done           bool      `json:"done"`
		Records        []jobInfo `json:"records"`
		NextRecordsURL *string   `json:"nextRecordsUrl"`
	}{Done: true, Records: []jobInfo{}}
	for _, j := range jobs {
		out.Records = append(out.Records, rq.jobInfo(j, false))
	}
	rq.json(http.StatusOK, out)
}

func (rq *request) job(id sfid.ID) (*routemap.Job, error) {
	j, err := rq.s.Store.FindJob(rq.r.Context(), rq.c.Org.ID, id)
	if routemap.ErrorCode(err) == routemap.ENOTFOUND {
		return nil, errJobNotFound
	}
	return j, err
}

func (rq *request) getJob(id sfid.ID) {
	j, err := rq.job(id)
	if err != nil {
		rq.fail(err)
		return
	}
	rq.json(http.StatusOK, rq.jobInfo(j, true))
}

func jobStateErr(err error) error {
	if e, ok := err.(*routemap.Error); ok && e.Reason == routemap.ReasonJobState {
		return &routemap.Error{Code: routemap.EINVALID, Reason: reasonJobState, Message: e.Message}
	}
	return err
}

func (rq *request) patchJob(id sfid.ID) {
	data, err := rq.s.readBody(rq.w, rq.r, 64<<10)
	if err != nil {
		rq.fail(err)
		return
	}
	var req struct {
		State string `json:"state"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&req); err != nil {
		rq.fail(syntaxError(data, dec, err))
		return
	}
	if _, err := rq.job(id); err != nil {
		rq.fail(err)
		return
	}
	var j *routemap.Job
	switch routemap.JobState(req.State) {
	case routemap.JobUploadComplete:
		j, err = rq.s.Store.SetJobState(rq.r.Context(), rq.c.Org.ID, id, []routemap.JobState{routemap.JobOpen}, routemap.JobUploadComplete, "")
		if err == nil {
			rq.s.bulk.wake()
		}
	case routemap.JobAborted:
		j, err = rq.s.Store.SetJobState(rq.r.Context(), rq.c.Org.ID, id,
			[]routemap.JobState{routemap.JobOpen, routemap.JobUploadComplete, routemap.JobInProgress}, routemap.JobAborted, "")
	default:
		err = &routemap.Error{Code: routemap.EINVALID, Reason: reasonJobState, Message: "InvalidJobState : state must be UploadComplete or Aborted"}
	}
	if err != nil {
		rq.fail(jobStateErr(err))
		return
	}
	rq.json(http.StatusOK, rq.jobInfo(j, false))
}

func (rq *request) deleteJob(id sfid.ID) {
	j, err := rq.job(id)
	if err != nil {
		rq.fail(err)
		return
	}
	switch j.State {
	case routemap.JobUploadComplete, routemap.JobComplete, routemap.JobAborted, routemap.JobFailed:
	default:
		rq.fail(&routemap.Error{Code: routemap.EINVALID, Reason: reasonJobState,
			Message: "Job " + string(id) + " is " + string(j.State) + "; a job can be deleted when UploadComplete, JobComplete, Aborted or Failed"})
		return
	}
	if err := rq.s.Store.DeleteJob(rq.r.Context(), rq.c.Org.ID, id); err != nil {
		rq.fail(err)
		return
	}
	rq.w.WriteHeader(http.StatusNoContent)
}

// uploadJob stores the CSV of an Open job. The data is durable before the
// 201 is sent.
func (rq *request) uploadJob(id sfid.ID) {
	if ct := rq.r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "text/csv") {
		rq.fail(&routemap.Error{Code: routemap.EINVALID, Reason: reasonMediaType, Message: "Unsupported content type " + ct + "; job data is text/csv"})
		return
	}
	if _, err := rq.job(id); err != nil {
		rq.fail(err)
		return
	}
	limit := rq.s.MaxUploadBytes
	body := http.MaxBytesReader(rq.w, rq.r.Body, limit)
	n, err := rq.s.Store.PutJobData(rq.r.Context(), rq.c.Org.ID, id, body, limit)
	var mbe *http.MaxBytesError
	switch {
	case asMaxBytes(err, &mbe) || routemap.ErrorCode(err) == routemap.ELIMIT:
		rq.fail(&routemap.Error{Code: routemap.ELIMIT, Reason: reasonTooLarge,
			Message: fmt.Sprintf("The upload is larger than the limit of %d bytes; split the file into several jobs", limit)})
	case err != nil:
		rq.fail(jobStateErr(err))
	case n == 0:
		rq.fail(&routemap.Error{Code: routemap.EINVALID, Reason: reasonInvalidInput, Message: "The upload is empty"})
	default:
		rq.w.WriteHeader(http.StatusCreated)
	}
}

// jobResults streams one of the three result files.
func (rq *request) jobResults(id sfid.ID, kind string) {
	j, err := rq.job(id)
	if err != nil {
		rq.fail(err)
		return
	}
	rq.w.Header().Set("Content-Type", "text/csv")
	rq.w.WriteHeader(http.StatusOK)
	if err := rq.s.writeResults(rq.r.Context(), rq.w, j, kind); err != nil {
		rq.s.logger().Warn("write bulk results", "job_id", string(id), "error", err)
	}
}

func asMaxBytes(err error, target **http.MaxBytesError) bool {
	for err != nil {
		if e, ok := err.(*http.MaxBytesError); ok {
			*target = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}
