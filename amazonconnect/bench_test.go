package amazonconnect_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"routemap/amazonconnect"
)

// BenchmarkAgents20000 lists 20,000 agents, each with a USER quick
// connect, from a local Amazon Connect over HTTP with the real SDK and
// the rate limit off. FirstRun starts with no cache (20 ListUsers, 20
// ListQuickConnects, 20,000 DescribeQuickConnect); CachedRun starts from
// the cache the first run wrote (no DescribeQuickConnect). Besides ns/op
// (wall time a run) it reports requests a run by operation and the same
// run's duration at Amazon Connect's default 2 requests a second.
func BenchmarkAgents20000(b *testing.B) {
	e := newEnv(b)
	e.seed(b, 20000, 20000)
	ctx := context.Background()
	dir := b.TempDir()

	run := func(b *testing.B, cachePath func(i int) string) {
		requests := map[string]int{}
		i := 0
		for b.Loop() {
			d := e.directory(b, func(o *amazonconnect.Options) { o.CachePath = cachePath(i) })
			agents, err := d.Agents(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if len(agents) != 20000 || agents[0].QuickConnectID == "" {
				b.Fatalf("got %d agents (first %+v)", len(agents), agents[0])
			}
			for op, n := range d.Requests() {
				requests[op] += n
			}
			i++
		}
		total := 0
		for _, op := range slices.Sorted(maps.Keys(requests)) {
			b.ReportMetric(float64(requests[op])/float64(i), op+"-reqs/op")
			total += requests[op]
		}
		atQuota := time.Duration(float64(total) / float64(i) / amazonconnect.DefaultRate * float64(time.Second))
		b.ReportMetric(atQuota.Minutes(), "min-at-2rps/op")
	}

	b.Run("FirstRun", func(b *testing.B) {
		run(b, func(i int) string { return filepath.Join(dir, fmt.Sprintf("first-%d.json", i)) })
	})
	b.Run("CachedRun", func(b *testing.B) {
		warm := filepath.Join(dir, "warm.json")
		d := e.directory(b, func(o *amazonconnect.Options) { o.CachePath = warm })
		if _, err := d.Agents(ctx); err != nil {
			b.Fatal(err)
		}
		run(b, func(int) string { return warm })
	})
}
