package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"routemap"
	"routemap/sfid"
)

// benchEnv is an org with one contact center and n member users, seeded
// in one transaction so that setup does not dominate the benchmark.
type benchEnv struct {
	s      *Store
	org    sfid.ID
	actor  sfid.ID
	center sfid.ID
	users  []sfid.ID
}

func newBenchEnv(b testing.TB, n int) *benchEnv {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	org := &routemap.Org{Name: "bench"}
	if err := s.CreateOrg(ctx, org); err != nil {
		b.Fatal(err)
	}
	cc := &routemap.CallCenter{OrgID: org.ID, Name: "Bench", InternalName: "Bench", Provider: routemap.ProviderPartner}
	if err := s.CreateCallCenter(ctx, cc); err != nil {
		b.Fatal(err)
	}
	e := &benchEnv{s: s, org: org.ID, center: cc.ID, users: make([]sfid.ID, n)}
	err = s.write(ctx, func(w *wtx) error {
		now := toMillis(s.stamp())
		for i := range e.users {
			id, err := w.mint(sfid.PrefixUser)
			if err != nil {
				return err
			}
			if _, err := w.exec(stUserInsert, string(id), string(org.ID), fmt.Sprintf("u%d@bench.example.com", i),
				"u", "u@example.com", nil, "User", 1, string(cc.ID), 0, "", now, now); err != nil {
				return err
			}
			e.users[i] = id
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	e.actor = e.users[0]
	return e
}

func (e *benchEnv) op(i int) routemap.RoutingMapOp {
	u := e.users[i]
	return routemap.RoutingMapOp{Kind: routemap.OpCreate, Map: routemap.RoutingMap{
		ExternalID:        fmt.Sprintf("user%d.partner", i),
		ReferenceRecordID: u,
		CallCenterID:      e.center,
		DeveloperName:     routemap.DeveloperNameFor(u, e.center),
		MasterLabel:       routemap.MasterLabelFor(u),
	}}
}

// BenchmarkCreateSingle creates one routing map per call from 64
// concurrent callers (on a 2-core machine), each call durable before it
// returns; group commit is what makes it fast.
func BenchmarkCreateSingle(b *testing.B) {
	e := newBenchEnv(b, b.N)
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			i := int(next.Add(1) - 1)
			res, err := e.s.ApplyRoutingMaps(ctx, e.org, e.actor, []routemap.RoutingMapOp{e.op(i)}, false)
			if err != nil {
				b.Error(err)
				return
			}
			if res[0].Err != nil {
				b.Error(res[0].Err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCreateBatch200 creates routing maps 200 to a call, one caller
// after another, as an importer streaming a CSV does.
func BenchmarkCreateBatch200(b *testing.B) {
	const batch = 200
	e := newBenchEnv(b, b.N*batch)
	ctx := context.Background()
	ops := make([]routemap.RoutingMapOp, batch)
	b.ResetTimer()
	for n := range b.N {
		for i := range ops {
			ops[i] = e.op(n*batch + i)
		}
		res, err := e.s.ApplyRoutingMaps(ctx, e.org, e.actor, ops, false)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCreateBatch200Parallel creates routing maps 200 to a call from
// 4 concurrent callers, as several importers (or one importer with
// requests in flight) do; group commit shares each fsync among them.
func BenchmarkCreateBatch200Parallel(b *testing.B) {
	const batch, callers = 200, 4
	e := newBenchEnv(b, b.N*batch)
	var next atomic.Int64
	b.SetParallelism(max(1, callers/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		ops := make([]routemap.RoutingMapOp, batch)
		for pb.Next() {
			n := int(next.Add(1) - 1)
			for i := range ops {
				ops[i] = e.op(n*batch + i)
			}
			res, err := e.s.ApplyRoutingMaps(ctx, e.org, e.actor, ops, false)
			if err != nil {
				b.Error(err)
				return
			}
			for _, r := range res {
				if r.Err != nil {
					b.Error(r.Err)
					return
				}
			}
		}
	})
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "rows/s")
}
