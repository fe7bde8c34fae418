package salesforce_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/salesforce"
)

const (
	jobID   = "750Hs00000JoB01IAF"
	jobPath = v + "/jobs/ingest/" + jobID
)

// jobInfo is a job info answer in the given state.
func jobInfo(state string, processed, failed int) responder {
	return jsonAnswer(200, map[string]any{
		"id": jobID, "operation": "insert", "object": "CallCenterRoutingMap", "createdById": "005Hs00000ABcDeIAL",
		"createdDate": "2024-05-01T12:34:56.000+0000", "systemModstamp": "2024-05-01T12:35:01.000+0000",
		"state": state, "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": 62.0,
		"contentUrl": "services/data/v62.0/jobs/ingest/" + jobID + "/batches", "lineEnding": "LF", "columnDelimiter": "COMMA",
		"jobType": "V2Ingest", "numberRecordsProcessed": processed, "numberRecordsFailed": failed, "retries": 0,
		"totalProcessingTime": 1234, "apiActiveProcessingTime": 1000, "apexProcessingTime": 0,
	})
}

const csvData = "ExternalId,ReferenceRecordId,CallCenterId,DeveloperName,MasterLabel\n" +
	"jdoe,005Hs00000ABcDeIAL,04vHs000000XyZaIAK,User_005Hs00000ABcDeIAL_04vHs000000XyZaIAK,005Hs00000ABcDeIAL\n"

// onlyReader hides every method but Read, so the upload cannot seek.
type onlyReader struct{ io.Reader }

func TestBulkLifecycle(t *testing.T) {
	ctx := context.Background()
	reg := newRegistry(t)
	reg.Register("POST", v+"/jobs/ingest", jobInfo("Open", 0, 0)).Check(func(t *testing.T, req *http.Request, body []byte) {
		if want := `{"columnDelimiter":"COMMA","contentType":"CSV","lineEnding":"LF","object":"CallCenterRoutingMap","operation":"insert"}`; string(body) != want {
			t.Errorf("create body %s", body)
		}
	})
	reg.Register("PUT", jobPath+"/batches", rawAnswer(201, "", "")).Check(func(t *testing.T, req *http.Request, body []byte) {
		if got := req.Header.Get("Content-Type"); got != "text/csv" {
			t.Errorf("Content-Type = %q", got)
		}
		if req.ContentLength != -1 {
			t.Errorf("upload not streamed: ContentLength %d", req.ContentLength)
		}
		if string(body) != csvData {
			t.Errorf("uploaded %q", body)
		}
	})
	reg.Register("PATCH", jobPath, jobInfo("UploadComplete", 0, 0)).Check(func(t *testing.T, req *http.Request, body []byte) {
		if string(body) != `{"state":"UploadComplete"}` {
			t.Errorf("close body %s", body)
		}
	})
	reg.Register("GET", jobPath, jobInfo("UploadComplete", 0, 0))
	for i := 0; i < 6; i++ {
		reg.Register("GET", jobPath, jobInfo("InProgress", i*10, 0))
	}
	reg.Register("GET", jobPath, jobInfo("JobComplete", 61, 1))
	reg.Register("GET", jobPath+"/successfulResults", rawAnswer(200, "text/csv", `"sf__Id","sf__Created",ExternalId`+"\n"+`"0RmHs0000000AbCKAU","true",jdoe`+"\n")).
		Check(func(t *testing.T, req *http.Request, body []byte) {
			if got := req.Header.Get("Accept"); got != "text/csv" {
				t.Errorf("Accept = %q", got)
			}
		})
	reg.Register("GET", jobPath+"/failedResults", rawAnswer(200, "text/csv", `"sf__Id","sf__Error",ExternalId`+"\n"+`"","INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--",x`+"\n"))
	reg.Register("GET", jobPath+"/unprocessedrecords", rawAnswer(200, "text/csv", "ExternalId\n"))
	reg.Register("DELETE", jobPath, noContent())
	c, sl := newClient(t, reg)

	job, err := c.SubmitJob(ctx, salesforce.JobRequest{Object: "CallCenterRoutingMap", Operation: salesforce.OperationInsert, LineEnding: "LF", ColumnDelimiter: "COMMA"},
		onlyReader{strings.NewReader(csvData)})
	if err != nil {
		t.Fatal(err)
	}
	if job.State != salesforce.JobUploadComplete {
		t.Errorf("state after SubmitJob = %s", job.State)
	}
	var seen []salesforce.JobState
	job, err = c.WaitJob(ctx, jobID, salesforce.WaitOptions{Interval: time.Second, MaxInterval: 8 * time.Second, Progress: func(j *salesforce.Job) {
		seen = append(seen, j.State)
	}})
	if err != nil {
		t.Fatal(err)
	}
	s := time.Second
	if diff := cmp.Diff([]time.Duration{1 * s, 2 * s, 4 * s, 8 * s, 8 * s, 8 * s, 8 * s}, sl.Delays()); diff != "" {
		t.Errorf("poll intervals (-want +got):\n%s", diff)
	}
	if len(seen) != 8 || seen[0] != salesforce.JobUploadComplete || seen[7] != salesforce.JobComplete {
		t.Errorf("progress saw %v", seen)
	}
	want := &salesforce.Job{
		ID: jobID, Operation: "insert", Object: "CallCenterRoutingMap", CreatedByID: "005Hs00000ABcDeIAL", State: salesforce.JobComplete,
		ConcurrencyMode: "Parallel", ContentType: "CSV", ContentURL: "services/data/v62.0/jobs/ingest/" + jobID + "/batches",
		LineEnding: "LF", ColumnDelimiter: "COMMA", JobType: "V2Ingest", NumberRecordsProcessed: 61, NumberRecordsFailed: 1,
		TotalProcessingTime: 1234, APIActiveProcessingTime: 1000, APIVersion: 62,
		CreatedDate:    time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC),
		SystemModstamp: time.Date(2024, 5, 1, 12, 35, 1, 0, time.UTC),
	}
	if diff := cmp.Diff(want, job); diff != "" {
		t.Errorf("job (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		open func(context.Context, string) (io.ReadCloser, error)
		want string
	}{
		{c.SuccessfulResults, `"0RmHs0000000AbCKAU","true",jdoe`},
		{c.FailedResults, "INVALID_CROSS_REFERENCE_KEY"},
		{c.UnprocessedRecords, "ExternalId"},
	} {
		rc, err := tc.open(ctx, jobID)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if !strings.Contains(string(data), tc.want) {
			t.Errorf("result stream %q lacks %q", data, tc.want)
		}
	}
	if err := c.DeleteJob(ctx, jobID); err != nil {
		t.Fatal(err)
	}
}

func TestWaitJobDefaultsAndOpen(t *testing.T) {
	t.Run("OKDefaultIntervalsCapAt30s", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", jobPath, jobInfo("InProgress", 0, 0)).Times(8)
		reg.Register("GET", jobPath, jobInfo("Failed", 0, 0))
		c, sl := newClient(t, reg)
		job, err := c.WaitJob(context.Background(), jobID, salesforce.WaitOptions{})
		if err != nil || job.State != salesforce.JobFailed {
			t.Fatalf("WaitJob = %+v, %v", job, err)
		}
		s := time.Second
		if diff := cmp.Diff([]time.Duration{s, 2 * s, 4 * s, 8 * s, 16 * s, 30 * s, 30 * s, 30 * s}, sl.Delays()); diff != "" {
			t.Errorf("poll intervals (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrOpen", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", jobPath, jobInfo("Open", 0, 0))
		c, _ := newClient(t, reg)
		_, err := c.WaitJob(context.Background(), jobID, salesforce.WaitOptions{})
		if routemap.ErrorCode(err) != routemap.EINVALID {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrCanceled", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", jobPath, jobInfo("InProgress", 0, 0))
		c, _ := newClient(t, reg)
		ctx, cancel := context.WithCancel(context.Background())
		_, err := c.WaitJob(ctx, jobID, salesforce.WaitOptions{Progress: func(*salesforce.Job) { cancel() }})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
}

// With the number of records known, WaitJob estimates when the job will
// finish from its progress and polls then, rather than a growing interval
// past the end.
func TestWaitJobPollsAtEstimatedEnd(t *testing.T) {
	const total, rate = 200000, 20000 // records, records a second: done at 10 s
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := start
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var polls []time.Duration
	reg := newRegistry(t)
	reg.Register("GET", jobPath, func(req *http.Request, body []byte) (*http.Response, error) {
		at := clock().Sub(start)
		polls = append(polls, at)
		// Progress moves in chunks of 10,000 records, as it does on the
		// server and on Salesforce.
		done := min(int(at.Seconds()*rate)/10000*10000, total)
		state := "InProgress"
		if done == total {
			state = "JobComplete"
		}
		return jobInfo(state, done, 0)(req, body)
	}).Times(-1)
	c, _ := newClient(t, reg, func(o *salesforce.Options) {
		o.Now = clock
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			now = now.Add(d)
			mu.Unlock()
			return ctx.Err()
		}
	})
	job, err := c.WaitJob(context.Background(), jobID, salesforce.WaitOptions{
		Interval: 250 * time.Millisecond, MaxInterval: 10 * time.Second, Growth: 1.5, Records: total})
	if err != nil || job.State != salesforce.JobComplete {
		t.Fatalf("WaitJob = %+v, %v", job, err)
	}
	// A growing interval alone polls at 0, 0.25, 0.625, …, 8.05 and
	// 12.3 s: 2.3 s late. The estimate may be a chunk late, no more.
	last := polls[len(polls)-1]
	if last < 10*time.Second || last > 10*time.Second+time.Second {
		t.Errorf("last poll at %v; the job ended at 10s (polls %v)", last, polls)
	}
	if len(polls) > 14 {
		t.Errorf("%d polls: %v", len(polls), polls)
	}
}

func TestUploadRetry(t *testing.T) {
	t.Run("OKSeekerReplayed", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("PUT", jobPath+"/batches", rawAnswer(503, "", ""))
		reg.Register("PUT", jobPath+"/batches", rawAnswer(201, "", "")).Check(func(t *testing.T, req *http.Request, body []byte) {
			if string(body) != csvData[5:] {
				t.Errorf("replayed %q, want the data from where the reader stood", body)
			}
		})
		c, sl := newClient(t, reg)
		r := bytes.NewReader([]byte(csvData))
		r.Seek(5, io.SeekStart)
		if err := c.UploadJobData(context.Background(), jobID, r); err != nil {
			t.Fatal(err)
		}
		if len(sl.Delays()) != 1 {
			t.Errorf("delays %v", sl.Delays())
		}
	})
	t.Run("ErrStreamNotReplayed", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("PUT", jobPath+"/batches", rawAnswer(503, "", ""))
		c, sl := newClient(t, reg)
		err := c.UploadJobData(context.Background(), jobID, onlyReader{strings.NewReader(csvData)})
		if routemap.ErrorCode(err) != routemap.EINTERNAL || len(sl.Delays()) != 0 {
			t.Fatalf("err = %v after %v", err, sl.Delays())
		}
	})
	t.Run("ErrAbortsOnFailedUpload", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("POST", v+"/jobs/ingest", jobInfo("Open", 0, 0))
		reg.Register("PUT", jobPath+"/batches", sfErrors(400, "INVALIDJOBSTATE", "wrong state"))
		reg.Register("PATCH", jobPath, jobInfo("Aborted", 0, 0)).Check(func(t *testing.T, req *http.Request, body []byte) {
			if string(body) != `{"state":"Aborted"}` {
				t.Errorf("abort body %s", body)
			}
		})
		c, _ := newClient(t, reg)
		job, err := c.SubmitJob(context.Background(), salesforce.JobRequest{Object: "CallCenterRoutingMap", Operation: "insert"}, strings.NewReader(csvData))
		if err == nil || job == nil || job.ID != jobID {
			t.Fatalf("SubmitJob = %+v, %v", job, err)
		}
	})
}

func TestCreateJobValidation(t *testing.T) {
	reg := newRegistry(t)
	c, _ := newClient(t, reg)
	for _, req := range []salesforce.JobRequest{
		{Operation: "insert"},
		{Object: "CallCenterRoutingMap"},
		{Object: "CallCenterRoutingMap", Operation: salesforce.OperationUpsert},
		{Object: "Bad/Object", Operation: "insert"},
	} {
		if _, err := c.CreateJob(context.Background(), req); routemap.ErrorCode(err) != routemap.EINVALID {
			t.Errorf("CreateJob(%+v) err = %v", req, err)
		}
	}
	if _, err := c.Job(context.Background(), "../../sobjects"); routemap.ErrorCode(err) != routemap.EINVALID {
		t.Errorf("Job with a bad id: err = %v", err)
	}
}

func TestJobs(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("GET", v+"/jobs/ingest", jsonAnswer(200, map[string]any{"done": false, "nextRecordsUrl": v + "/jobs/ingest?queryLocator=01g-1",
		"records": []any{map[string]any{"id": jobID, "state": "JobComplete", "apiVersion": "62.0"}}}))
	reg.Register("GET", v+"/jobs/ingest?queryLocator=01g-1", jsonAnswer(200, map[string]any{"done": true, "nextRecordsUrl": nil,
		"records": []any{map[string]any{"id": "750Hs00000JoB02", "state": "Aborted"}}}))
	c, _ := newClient(t, reg)
	jobs, err := c.Jobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || jobs[0].APIVersion != 62 || jobs[1].State != salesforce.JobAborted {
		t.Errorf("jobs = %+v %+v", jobs[0], jobs[1])
	}
	if !salesforce.JobAborted.Terminal() || salesforce.JobInProgress.Terminal() {
		t.Error("Terminal")
	}
}

func TestJobJSONRoundTrip(t *testing.T) {
	in := &salesforce.Job{ID: jobID, State: salesforce.JobComplete, APIVersion: 62, CreatedDate: time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC)}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out salesforce.Job
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, &out); diff != "" {
		t.Errorf("round trip of %s (-want +got):\n%s", data, diff)
	}
}
