package sqlite_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/sfid"
	"routemap/sqlite"
)

// fixture is an org with a contact center and a member, in s.
type fixture struct {
	org    *routemap.Org
	center *routemap.CallCenter
	user   *routemap.User
	queue  *routemap.Group
}

func newFixture(tb testing.TB, s *sqlite.Store) *fixture {
	tb.Helper()
	ctx := context.Background()
	f := &fixture{org: &routemap.Org{Name: "Acme"}}
	if err := s.CreateOrg(ctx, f.org); err != nil {
		tb.Fatal(err)
	}
	f.center = &routemap.CallCenter{OrgID: f.org.ID, Name: "Voice", InternalName: "Voice", Provider: routemap.ProviderPartner}
	if err := s.CreateCallCenter(ctx, f.center); err != nil {
		tb.Fatal(err)
	}
	f.user = &routemap.User{OrgID: f.org.ID, Username: "ada@example.com", Alias: "ada", Email: "ada@example.com",
		LastName: "Ada", IsActive: true, CallCenterID: f.center.ID}
	if err := s.CreateUser(ctx, f.user); err != nil {
		tb.Fatal(err)
	}
	f.queue = &routemap.Group{OrgID: f.org.ID, Name: "Support", DeveloperName: "Support", Type: "Queue"}
	if err := s.CreateGroup(ctx, f.queue); err != nil {
		tb.Fatal(err)
	}
	return f
}

// queueMap is a map of the fixture's queue; n keeps DeveloperName and
// ExternalId distinct, since one queue may have many maps.
func (f *fixture) queueMap(n int) routemap.RoutingMapOp {
	return routemap.RoutingMapOp{Kind: routemap.OpCreate, Map: routemap.RoutingMap{
		ExternalID: fmt.Sprintf("queue-%d", n), ReferenceRecordID: f.queue.ID, CallCenterID: f.center.ID,
		DeveloperName: fmt.Sprintf("Queue_%d", n), MasterLabel: "Support"}}
}

func TestOpen(t *testing.T) {
	t.Run("OKMigrationsRecorded", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "rm.db")
		openStore(t, path).Close()
		db := rawDB(t, path)
		var versions []int
		rows, err := db.Query("SELECT version FROM schema_version ORDER BY version")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			versions = append(versions, v)
		}
		var want []int
		for v := 1; v <= sqlite.SchemaVersion(); v++ {
			want = append(want, v)
		}
		if diff := cmp.Diff(want, versions); diff != "" {
			t.Errorf("schema_version (-want +got):\n%s", diff)
		}
		var mode string
		if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("journal_mode = %q, want wal", mode)
		}
	})
	t.Run("OKReopenKeepsSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "rm.db")
		openStore(t, path).Close()
		openStore(t, path).Close()
	})
	t.Run("ErrNewerSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "rm.db")
		openStore(t, path).Close()
		db := rawDB(t, path)
		newer := sqlite.SchemaVersion() + 7
		if _, err := db.Exec("INSERT INTO schema_version (version, applied_at) VALUES (?, 0)", newer); err != nil {
			t.Fatal(err)
		}
		db.Close()
		s, err := sqlite.Open(path, sqlite.Options{})
		if err == nil {
			s.Close()
			t.Fatal("Open succeeded on a database from a newer routemap")
		}
		for _, v := range []int{newer, sqlite.SchemaVersion()} {
			if !strings.Contains(err.Error(), "version "+strconv.Itoa(v)) {
				t.Errorf("error %q does not name version %d", err, v)
			}
		}
	})
	t.Run("ErrBadPod", func(t *testing.T) {
		for _, pod := range []string{"x", "abc", "a-"} {
			if s, err := sqlite.Open(":memory:", sqlite.Options{Pod: pod}); err == nil {
				s.Close()
				t.Errorf("Open with pod %q succeeded", pod)
			}
		}
	})
	t.Run("ErrEmptyPath", func(t *testing.T) {
		if s, err := sqlite.Open("", sqlite.Options{}); err == nil {
			s.Close()
			t.Error("Open with an empty path succeeded")
		}
	})
	t.Run("OKMemoryStoresAreSeparate", func(t *testing.T) {
		a, b := openStore(t, ":memory:"), openStore(t, ":memory:")
		org := &routemap.Org{Name: "a"}
		if err := a.CreateOrg(context.Background(), org); err != nil {
			t.Fatal(err)
		}
		if _, err := b.FindOrg(context.Background(), org.ID); routemap.ErrorCode(err) != routemap.ENOTFOUND {
			t.Errorf("FindOrg in another memory store = %v, want ENOTFOUND", err)
		}
	})
	t.Run("OKPathWithSpecialCharacters", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a dir?#%", "rm 1.db")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		s := openStore(t, path)
		newFixture(t, s)
		s.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("database not at %q: %v", path, err)
		}
	})
}

func TestOptions(t *testing.T) {
	t.Run("OKClock", func(t *testing.T) {
		var mu sync.Mutex
		now := time.Date(2024, 5, 1, 12, 34, 56, 789_654_321, time.FixedZone("X", 3600))
		clock := func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return now
		}
		s, err := sqlite.Open(":memory:", sqlite.Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		f := newFixture(t, s)
		want := time.Date(2024, 5, 1, 11, 34, 56, 789_000_000, time.UTC)
		if !f.org.CreatedDate.Equal(want) || f.org.CreatedDate.Location() != time.UTC {
			t.Errorf("CreatedDate = %v, want %v", f.org.CreatedDate, want)
		}
		ctx := context.Background()
		res, err := s.ApplyRoutingMaps(ctx, f.org.ID, f.user.ID, []routemap.RoutingMapOp{f.queueMap(1)}, false)
		if err != nil || res[0].Err != nil {
			t.Fatal(err, res)
		}
		mu.Lock()
		now = now.Add(time.Hour)
		mu.Unlock()
		upd := routemap.RoutingMapOp{Kind: routemap.OpUpdate, Map: routemap.RoutingMap{ID: res[0].ID, MasterLabel: "x"},
			Fields: []string{routemap.FieldMasterLabel}}
		if _, err := s.ApplyRoutingMaps(ctx, f.org.ID, f.user.ID, []routemap.RoutingMapOp{upd}, false); err != nil {
			t.Fatal(err)
		}
		m, err := s.FindRoutingMap(ctx, f.org.ID, res[0].ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if !m.CreatedDate.Equal(want) || !m.LastModifiedDate.Equal(want.Add(time.Hour)) {
			t.Errorf("dates = %v, %v; want %v, %v", m.CreatedDate, m.LastModifiedDate, want, want.Add(time.Hour))
		}
	})
	t.Run("OKPod", func(t *testing.T) {
		s, err := sqlite.Open(":memory:", sqlite.Options{Pod: "Xy"})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		f := newFixture(t, s)
		for _, id := range []sfid.ID{f.org.ID, f.center.ID, f.user.ID, f.queue.ID} {
			if got := string(id[3:5]); got != "Xy" {
				t.Errorf("id %s has pod %q, want Xy", id, got)
			}
		}
	})
	t.Run("OKDefaultPod", func(t *testing.T) {
		f := newFixture(t, MustOpenStore(t))
		if got := string(f.org.ID[3:5]); got != sqlite.DefaultPod {
			t.Errorf("id %s has pod %q, want %q", f.org.ID, got, sqlite.DefaultPod)
		}
	})
}

func TestClose(t *testing.T) {
	t.Run("OKDrainsQueuedWrites", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "rm.db")
		s, err := sqlite.Open(path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, s)
		const n = 200
		ids := make([]sfid.ID, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := s.ApplyRoutingMaps(context.Background(), f.org.ID, f.user.ID, []routemap.RoutingMapOp{f.queueMap(i)}, false)
				if err == nil {
					ids[i], err = res[0].ID, res[0].Err
				}
				errs[i] = err
			}()
		}
		time.Sleep(time.Millisecond)
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		wg.Wait()
		if err := s.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		s = openStore(t, path)
		acked := 0
		for i := range n {
			if errs[i] != nil {
				if routemap.ErrorCode(errs[i]) != routemap.EINTERNAL {
					t.Errorf("write %d: %v", i, errs[i])
				}
				continue
			}
			acked++
			if _, err := s.FindRoutingMap(context.Background(), f.org.ID, ids[i], false); err != nil {
				t.Errorf("acknowledged write %d lost after Close: %v", i, err)
			}
		}
		t.Logf("%d of %d writes acknowledged before Close", acked, n)
	})
	t.Run("ErrWriteAfterClose", func(t *testing.T) {
		s := MustOpenStore(t)
		s.Close()
		if err := s.CreateOrg(context.Background(), &routemap.Org{Name: "late"}); err == nil {
			t.Error("CreateOrg after Close succeeded")
		}
	})
}

func TestWrite(t *testing.T) {
	t.Run("ErrCancelledContext", func(t *testing.T) {
		s := MustOpenStore(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		org := &routemap.Org{Name: "x"}
		if err := s.CreateOrg(ctx, org); err != context.Canceled {
			t.Errorf("CreateOrg with a cancelled context = %v, want context.Canceled", err)
		}
		if !org.ID.IsZero() {
			t.Errorf("org got id %s", org.ID)
		}
	})
}

func TestQuery(t *testing.T) {
	t.Run("OKValuesNeverBecomeSQL", func(t *testing.T) {
		s := MustOpenStore(t)
		f := newFixture(t, s)
		for _, v := range []string{`x' OR '1'='1`, `x") OR 1=1 --`, `'; DROP TABLE routing_maps; --`} {
			res, err := s.Query(context.Background(), f.org.ID, &routemap.Query{Object: routemap.ObjectUser, Fields: []string{"Id"}, Limit: -1,
				Where: &routemap.Comparison{Field: "Username", Op: routemap.OpEq, Value: routemap.Literal{Kind: routemap.LitString, Str: v}}}, 0, 0)
			if err != nil {
				t.Fatalf("Query(%q): %v", v, err)
			}
			if res.TotalSize != 0 {
				t.Errorf("Query(%q) matched %d users", v, res.TotalSize)
			}
		}
		if _, err := s.FindUser(context.Background(), f.org.ID, f.user.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// rawDB opens the database file directly, for checks the Store API does
// not offer.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestDurableAcrossKill runs a writer in a child process, kills it with
// SIGKILL while it writes, and checks that every write the child saw
// acknowledged is in the database.
func TestDurableAcrossKill(t *testing.T) {
	if path := os.Getenv("ROUTEMAP_SQLITE_KILL_CHILD"); path != "" {
		killChild(t, path)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "rm.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestDurableAcrossKill$")
	cmd.Env = append(os.Environ(), "ROUTEMAP_SQLITE_KILL_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var org sfid.ID
	var acked []sfid.ID
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		kind, id, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		switch kind {
		case "org":
			org = sfid.ID(id)
		case "ack":
			acked = append(acked, sfid.ID(id))
		}
		if len(acked) == 300 && !killed {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatalf("child stopped after %d acknowledged writes, before it was killed", len(acked))
	}
	s := openStore(t, path)
	for _, id := range acked {
		if _, err := s.FindRoutingMap(context.Background(), org, id, false); err != nil {
			t.Errorf("acknowledged write %s lost: %v", id, err)
		}
	}
	t.Logf("%d acknowledged writes survived SIGKILL", len(acked))
}

// killChild writes routing maps from 16 goroutines until it is killed,
// printing each id once its write is acknowledged.
func killChild(t *testing.T, path string) {
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, s)
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "org %s\n", f.org.ID)
	w.Flush()
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100000; i++ {
				res, err := s.ApplyRoutingMaps(context.Background(), f.org.ID, f.user.ID,
					[]routemap.RoutingMapOp{f.queueMap(g*100000 + i)}, false)
				if err != nil || res[0].Err != nil {
					fmt.Fprintln(os.Stderr, err, res)
					os.Exit(1)
				}
				mu.Lock()
				fmt.Fprintf(w, "ack %s\n", res[0].ID)
				w.Flush()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	os.Exit(0)
}
