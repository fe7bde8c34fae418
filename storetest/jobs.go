package storetest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"routemap"
)

func testCreateUsers(t *testing.T, open func(*testing.T) routemap.Store) {
	e := newEnv(t, open)
	ctx := t.Context()
	t.Run("OK", func(t *testing.T) {
		users := []*routemap.User{
			{OrgID: e.org.ID, Username: "bulk1@example.com", Alias: "b1", Email: "b1@example.com", LastName: "One", IsActive: true, CallCenterID: e.cc.ID},
			{OrgID: e.org.ID, Username: "bulk2@example.com", Alias: "b2", Email: "b2@example.com", LastName: "Two", IsActive: true},
		}
		if err := e.s.CreateUsers(ctx, users); err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			got, err := e.s.FindUser(ctx, e.org.ID, u.ID)
			if err != nil || got.Username != u.Username || got.CreatedDate.IsZero() {
				t.Fatalf("FindUser(%s) = %+v, %v", u.ID, got, err)
			}
		}
	})
	t.Run("ErrOneBadUserStoresNone", func(t *testing.T) {
		users := []*routemap.User{
			{OrgID: e.org.ID, Username: "bulk3@example.com", Alias: "b3", Email: "b3@example.com", LastName: "Three", IsActive: true},
			{OrgID: e.org.ID, Username: "BULK1@example.com", Alias: "dup", Email: "d@example.com", LastName: "Dup", IsActive: true},
		}
		err := e.s.CreateUsers(ctx, users)
		if routemap.ErrorCode(err) != routemap.ECONFLICT {
			t.Fatalf("err = %v, want ECONFLICT", err)
		}
		if _, err := e.s.FindUserByUsername(ctx, "bulk3@example.com"); routemap.ErrorCode(err) != routemap.ENOTFOUND {
			t.Fatalf("first user of a failed batch was stored: %v", err)
		}
	})
}

// newJob creates an insert job of CallCenterRoutingMap for e's admin.
func newJob(t *testing.T, e *env) *routemap.Job {
	t.Helper()
	j := &routemap.Job{OrgID: e.org.ID, CreatedByID: e.admin.ID, Object: routemap.ObjectRoutingMap, Operation: routemap.JobInsert,
		ContentType: "CSV", ColumnDelimiter: "COMMA", LineEnding: "LF", APIVersion: 62}
	if err := e.s.CreateJob(t.Context(), j); err != nil {
		t.Fatal(err)
	}
	return j
}

func testJob(t *testing.T, open func(*testing.T) routemap.Store) {
	ctx := t.Context()
	t.Run("OKLifecycle", func(t *testing.T) {
		e := newEnv(t, open)
		j := newJob(t, e)
		if j.ID.Prefix() != "750" || j.State != routemap.JobOpen || j.CreatedDate.IsZero() {
			t.Fatalf("created %+v", j)
		}
		data := "ExternalId,ReferenceRecordId\n" + strings.Repeat("x,y\n", 300000) // over one piece
		n, err := e.s.PutJobData(ctx, e.org.ID, j.ID, strings.NewReader(data), 10<<20)
		if err != nil || n != int64(len(data)) {
			t.Fatalf("PutJobData = %d, %v", n, err)
		}
		rc, err := e.s.JobData(ctx, e.org.ID, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if string(got) != data {
			t.Fatalf("JobData returned %d bytes, want %d", len(got), len(data))
		}
		if _, err := e.s.PutJobData(ctx, e.org.ID, j.ID, strings.NewReader("more"), 1<<20); routemap.ErrorCode(err) != routemap.ECONFLICT {
			t.Fatalf("second upload: %v, want ECONFLICT", err)
		}
		if _, err := e.s.SetJobState(ctx, e.org.ID, j.ID, []routemap.JobState{routemap.JobOpen}, routemap.JobUploadComplete, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SetJobState(ctx, e.org.ID, j.ID, []routemap.JobState{routemap.JobOpen}, routemap.JobAborted, ""); routemap.ErrorCode(err) != routemap.ECONFLICT {
			t.Fatalf("transition from the wrong state: %v", err)
		}
		active, err := e.s.ActiveJobs(ctx)
		if err != nil || len(active) != 1 || active[0].ID != j.ID {
			t.Fatalf("ActiveJobs = %v, %v", active, err)
		}
		if err := e.s.ApplyJobChunk(ctx, e.org.ID, e.admin.ID, j.ID, 0, nil, 0); routemap.ErrorCode(err) != routemap.ECONFLICT {
			t.Fatalf("chunk before InProgress: %v", err)
		}
		if _, err := e.s.SetJobState(ctx, e.org.ID, j.ID, []routemap.JobState{routemap.JobUploadComplete}, routemap.JobInProgress, ""); err != nil {
			t.Fatal(err)
		}

		good := userMap(e.alice, e.cc, agentARN+"j1")
		dup := userMap(e.bob, e.cc, agentARN+"j1") // same agent: rejected by the store
		rows := []routemap.JobRow{
			{Number: 1, Op: &routemap.RoutingMapOp{Kind: routemap.OpCreate, Map: good}},
			{Number: 2, Err: &routemap.Error{Code: routemap.EINVALID, Reason: routemap.CodeRequired, Message: "DeveloperName is empty", Fields: []string{"DeveloperName"}}},
			{Number: 3, Op: &routemap.RoutingMapOp{Kind: routemap.OpCreate, Map: dup}},
		}
		if err := e.s.ApplyJobChunk(ctx, e.org.ID, e.admin.ID, j.ID, 0, rows, 1500*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		// The same chunk again is refused and changes nothing.
		if err := e.s.ApplyJobChunk(ctx, e.org.ID, e.admin.ID, j.ID, 0, rows, 1500*time.Millisecond); routemap.ErrorCode(err) != routemap.ECONFLICT {
			t.Fatalf("chunk applied twice: %v", err)
		}
		got2, _ := e.s.FindJob(ctx, e.org.ID, j.ID)
		if got2.ChunksDone != 1 || got2.NumberRecordsProcessed != 3 || got2.NumberRecordsFailed != 2 || got2.TotalProcessingTime < 1500 {
			t.Fatalf("job after chunk: %+v", got2)
		}
		var ok, bad []routemap.JobResult
		e.s.JobResults(ctx, e.org.ID, j.ID, false, func(r routemap.JobResult) error { ok = append(ok, r); return nil })
		e.s.JobResults(ctx, e.org.ID, j.ID, true, func(r routemap.JobResult) error { bad = append(bad, r); return nil })
		if len(ok) != 1 || ok[0].Number != 1 || !ok[0].Created || ok[0].ID.IsZero() || ok[0].Err != nil {
			t.Fatalf("successful results %+v", ok)
		}
		if len(bad) != 2 || bad[0].Number != 2 || bad[1].Number != 3 || bad[0].Err.Reason != routemap.CodeRequired ||
			bad[1].Err.Code != routemap.ECONFLICT || bad[1].Err.Reason != routemap.ReasonDuplicateExternalID {
			t.Fatalf("failed results %+v", bad)
		}
		if diff := cmp.Diff([]string{"DeveloperName"}, bad[0].Err.Fields); diff != "" {
			t.Error(diff)
		}
		m, err := e.s.FindRoutingMap(ctx, e.org.ID, ok[0].ID, false)
		if err != nil || m.ReferenceRecordID != e.alice.ID {
			t.Fatalf("applied map: %+v, %v", m, err)
		}
		if _, err := e.s.SetJobState(ctx, e.org.ID, j.ID, []routemap.JobState{routemap.JobInProgress}, routemap.JobComplete, ""); err != nil {
			t.Fatal(err)
		}
		if err := e.s.DeleteJob(ctx, e.org.ID, j.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.FindJob(ctx, e.org.ID, j.ID); routemap.ErrorCode(err) != routemap.ENOTFOUND {
			t.Fatalf("deleted job: %v", err)
		}
	})
	t.Run("ErrUploadOverLimitLeavesNothing", func(t *testing.T) {
		e := newEnv(t, open)
		j := newJob(t, e)
		_, err := e.s.PutJobData(ctx, e.org.ID, j.ID, bytes.NewReader(make([]byte, 3<<20)), 2<<20)
		if routemap.ErrorCode(err) != routemap.ELIMIT {
			t.Fatalf("over limit: %v", err)
		}
		got, _ := e.s.FindJob(ctx, e.org.ID, j.ID)
		if got.DataBytes != 0 {
			t.Fatalf("partial upload kept: %d bytes", got.DataBytes)
		}
		// A failed upload does not use up the job's one upload.
		if _, err := e.s.PutJobData(ctx, e.org.ID, j.ID, strings.NewReader("a,b\n"), 1<<20); err != nil {
			t.Fatalf("upload after a failed one: %v", err)
		}
	})
	t.Run("ErrInterruptedUploadLeavesNothing", func(t *testing.T) {
		e := newEnv(t, open)
		j := newJob(t, e)
		r := io.MultiReader(bytes.NewReader(make([]byte, 1500000)), errReader{})
		if _, err := e.s.PutJobData(ctx, e.org.ID, j.ID, r, 10<<20); err == nil {
			t.Fatal("interrupted upload succeeded")
		}
		rc, _ := e.s.JobData(ctx, e.org.ID, j.ID)
		got, _ := io.ReadAll(rc)
		if len(got) != 0 {
			t.Fatalf("interrupted upload left %d bytes", len(got))
		}
	})
	t.Run("ErrOtherOrg", func(t *testing.T) {
		e := newEnv(t, open)
		other := seed(t, e.s, "globex")
		j := newJob(t, e)
		if _, err := e.s.FindJob(ctx, other.org.ID, j.ID); routemap.ErrorCode(err) != routemap.ENOTFOUND {
			t.Fatalf("FindJob from another org: %v", err)
		}
		if _, err := e.s.PutJobData(ctx, other.org.ID, j.ID, strings.NewReader("x"), 10); routemap.ErrorCode(err) != routemap.ENOTFOUND {
			t.Fatalf("PutJobData from another org: %v", err)
		}
		if err := e.s.DeleteJob(ctx, other.org.ID, j.ID); routemap.ErrorCode(err) != routemap.ENOTFOUND {
			t.Fatalf("DeleteJob from another org: %v", err)
		}
		jobs, _ := e.s.ListJobs(ctx, other.org.ID)
		if len(jobs) != 0 {
			t.Fatalf("ListJobs from another org: %v", jobs)
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }
