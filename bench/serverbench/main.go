// Command serverbench measures routemap's HTTP server on loopback: single
// creates at several concurrencies, sObject Collections throughput, GET
// latency, a 2,000-row SOQL query, and, in the same run, a trivial
// net/http handler as the baseline. Every acknowledged write is durable
// (SQLite WAL, synchronous=FULL, group commit).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"routemap"
	rmhttp "routemap/http"
	"routemap/sfid"
	"routemap/sqlite"
)

func main() {
	dur := flag.Duration("duration", 4*time.Second, "length of each measurement")
	reps := flag.Int("reps", 400000, "reps to seed (one map each at most)")
	only := flag.String("only", "", "run one measurement: create, collections, get, soql, baseline")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the measurements to this file")
	flag.Parse()
	opts := options{only: *only}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		opts.profile = f
	}
	if err := run(*dur, *reps, opts); err != nil {
		log.Fatal(err)
	}
}

type bench struct {
	base   string
	token  string
	client *http.Client
	org    *routemap.Org
	center *routemap.CallCenter
	reps   []*routemap.User
	next   atomic.Int64 // next unused rep
	arn    string
}

// options narrow a run to one measurement and profile it.
type options struct {
	profile io.Writer
	only    string
}

func (o options) want(name string) bool { return o.only == "" || o.only == name }

func run(dur time.Duration, nReps int, opts options) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "serverbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store, err := sqlite.Open(filepath.Join(dir, "routemap.db"), sqlite.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	b := &bench{arn: "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"}
	if err := b.seed(ctx, store, nReps); err != nil {
		return err
	}
	srv := rmhttp.NewServer(store)
	srv.Addr = "127.0.0.1:0"
	srv.DailyRequestLimit = 1 << 30
	if err := srv.Open(); err != nil {
		return err
	}
	defer srv.Close()
	admin, err := store.FindUserByUsername(ctx, "admin@bench.test")
	if err != nil {
		return err
	}
	tok, err := srv.IssueToken(ctx, admin, "")
	if err != nil {
		return err
	}
	b.base, b.token = srv.URL(), tok.AccessToken
	b.client = &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}

	fmt.Printf("machine: %d CPUs; each figure is one %s run on loopback, server and load in one process\n\n", numCPU(), dur)
	if opts.profile != nil {
		if err := pprof.StartCPUProfile(opts.profile); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var base, get result
	var createAt64 float64
	if opts.want("baseline") {
		base = b.baseline(dur)
		fmt.Printf("%-44s %10.0f req/s   p50 %6.2f ms  p99 %6.2f ms\n", "trivial net/http handler, 64 clients", base.rate, base.p50, base.p99)
	}
	if opts.want("create") {
		for _, c := range []int{1, 8, 64} {
			r := b.load(dur, c, b.createOne)
			fmt.Printf("%-44s %10.0f creates/s   p50 %6.2f ms  p99 %6.2f ms\n", fmt.Sprintf("single-record create, %d clients", c), r.rate, r.p50, r.p99)
			if c == 64 {
				createAt64 = r.rate
			}
		}
	}
	if opts.want("collections") {
		for _, c := range []int{1, 4} {
			r := b.load(dur, c, b.createCollection)
			fmt.Printf("%-44s %10.0f records/s (%.0f requests/s)\n", fmt.Sprintf("/composite/sobjects 200 a request, %d clients", c), r.rate*200, r.rate)
		}
	}
	if opts.want("get") || opts.want("soql") {
		if b.next.Load() < 2000 {
			for b.next.Load() < 2000 {
				if err := b.createCollection(); err != nil {
					return err
				}
			}
		}
	}
	if opts.want("get") {
		ids := b.someIDs(ctx, store)
		var i atomic.Int64
		get = b.load(dur, 64, func() error {
			id := ids[int(i.Add(1))%len(ids)]
			return b.get("/services/data/v62.0/sobjects/CallCenterRoutingMap/" + string(id))
		})
		fmt.Printf("%-44s %10.0f req/s   p50 %6.2f ms  p99 %6.2f ms\n", "GET by id, 64 clients", get.rate, get.p50, get.p99)
	}
	if opts.want("soql") {
		soql := "/services/data/v62.0/query?q=" + url.QueryEscape("SELECT Id, DeveloperName, MasterLabel, ExternalId, ReferenceRecordId, CallCenterId, QuickConnect FROM CallCenterRoutingMap WHERE CallCenterId = '"+string(b.center.ID)+"' LIMIT 2000")
		q := b.load(dur, 1, func() error { return b.get(soql) })
		fmt.Printf("%-44s %10.1f queries/s  p50 %6.2f ms  p99 %6.2f ms\n", "SOQL returning 2,000 maps, 1 client", q.rate, q.p50, q.p99)
	}
	if opts.only == "" {
		fmt.Printf("\nratios to the trivial handler: GET %.2f, single create at 64 clients %.2f\n", get.rate/base.rate, createAt64/base.rate)
	}
	return nil
}

func numCPU() int {
	n := 0
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		n = bytes.Count(data, []byte("processor\t"))
	}
	return n
}

func (b *bench) seed(ctx context.Context, store *sqlite.Store, n int) error {
	b.org = &routemap.Org{Name: "Bench"}
	if err := store.CreateOrg(ctx, b.org); err != nil {
		return err
	}
	b.center = &routemap.CallCenter{OrgID: b.org.ID, Name: "Bench", InternalName: "Bench", Provider: routemap.ProviderAmazonConnect, ConnectInstanceARN: b.arn}
	if err := store.CreateCallCenter(ctx, b.center); err != nil {
		return err
	}
	admin := &routemap.User{OrgID: b.org.ID, Username: "admin@bench.test", Alias: "admin", Email: "a@bench.test", LastName: "Admin", IsActive: true, Permissions: routemap.AdminPermissions}
	if err := store.CreateUser(ctx, admin); err != nil {
		return err
	}
	start := time.Now()
	for i := 0; i < n; i += 5000 {
		batch := make([]*routemap.User, 0, 5000)
		for j := i; j < min(i+5000, n); j++ {
			batch = append(batch, &routemap.User{OrgID: b.org.ID, Username: fmt.Sprintf("rep%07d@bench.test", j), Alias: fmt.Sprintf("r%d", j),
				Email: "r@bench.test", LastName: "Rep", IsActive: true, CallCenterID: b.center.ID})
		}
		if err := store.CreateUsers(ctx, batch); err != nil {
			return err
		}
		b.reps = append(b.reps, batch...)
	}
	fmt.Fprintf(os.Stderr, "seeded %d reps in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

func (b *bench) mapFor(u *routemap.User, i int64) map[string]any {
	return map[string]any{
		"ExternalId":        fmt.Sprintf("%s/agent/%08x-0000-4000-8000-%012x", b.arn, i, i),
		"ReferenceRecordId": string(u.ID),
		"CallCenterId":      string(b.center.ID),
		"DeveloperName":     routemap.DeveloperNameFor(u.ID, b.center.ID),
		"MasterLabel":       string(u.ID),
	}
}

func (b *bench) rep() (*routemap.User, int64, error) {
	i := b.next.Add(1) - 1
	if int(i) >= len(b.reps) {
		return nil, 0, fmt.Errorf("out of reps: seed more with -reps")
	}
	return b.reps[i], i, nil
}

func (b *bench) send(method, path string, body any, want int) error {
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, b.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+b.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d %.300s", method, path, resp.StatusCode, data)
	}
	return nil
}

func (b *bench) get(path string) error { return b.send("GET", path, nil, 200) }

func (b *bench) createOne() error {
	u, i, err := b.rep()
	if err != nil {
		return err
	}
	return b.send("POST", "/services/data/v62.0/sobjects/CallCenterRoutingMap", b.mapFor(u, i), 201)
}

func (b *bench) createCollection() error {
	records := make([]any, 200)
	for k := range records {
		u, i, err := b.rep()
		if err != nil {
			return err
		}
		m := b.mapFor(u, i)
		m["attributes"] = map[string]string{"type": "CallCenterRoutingMap"}
		records[k] = m
	}
	return b.send("POST", "/services/data/v62.0/composite/sobjects", map[string]any{"allOrNone": false, "records": records}, 200)
}

func (b *bench) someIDs(ctx context.Context, store *sqlite.Store) []sfid.ID {
	q := &routemap.Query{Object: routemap.ObjectRoutingMap, Fields: []string{"Id"}, Limit: 10000}
	res, err := store.Query(ctx, b.org.ID, q, 0, 0)
	if err != nil {
		log.Fatal(err)
	}
	out := make([]sfid.ID, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, sfid.ID(r[0].(string)))
	}
	return out
}

type result struct{ rate, p50, p99 float64 }

// load runs fn from c goroutines for d and returns calls per second and
// latency percentiles in milliseconds.
func (b *bench) load(d time.Duration, c int, fn func() error) result {
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	start := time.Now()
	var failed error
	for g := 0; g < c; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(stop) {
				t := time.Now()
				if err := fn(); err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if failed != nil {
		log.Fatal(failed)
	}
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	return result{rate: float64(len(lat)) / elapsed.Seconds(), p50: pct(0.5), p99: pct(0.99)}
}

// baseline measures a trivial handler that answers a small JSON body.
func (b *bench) baseline(d time.Duration) result {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	})}
	go srv.Serve(ln)
	defer srv.Close()
	u := "http://" + ln.Addr().String() + "/"
	return b.load(d, 64, func() error {
		resp, err := b.client.Get(u)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil
	})
}
