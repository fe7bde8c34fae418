package localconnect

import (
	"maps"
	"sync"
)

// OperationUnknown is the Stats key of requests that matched no
// operation.
const OperationUnknown = "Unknown"

// Stats counts the requests a server has seen.
type Stats struct {
	// Requests counts every request by operation name ("ListUsers",
	// "DescribeQuickConnect", …), including refused and throttled ones.
	Requests map[string]int
	// Throttled counts requests answered with ThrottlingException.
	Throttled int
	// Refused counts requests that failed authentication or were denied
	// to their access key.
	Refused int
}

// Total returns the number of requests of every operation.
func (s Stats) Total() int {
	n := 0
	for _, c := range s.Requests {
		n += c
	}
	return n
}

// Sub returns the counts in s that were not yet in before, the requests
// made between two snapshots.
func (s Stats) Sub(before Stats) Stats {
	out := Stats{Requests: map[string]int{}, Throttled: s.Throttled - before.Throttled, Refused: s.Refused - before.Refused}
	for op, n := range s.Requests {
		if d := n - before.Requests[op]; d != 0 {
			out.Requests[op] = d
		}
	}
	return out
}

// Stats returns a snapshot of the request counts.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

type statsCounter struct {
	mu        sync.Mutex
	requests  map[string]int
	throttled int
	refused   int
}

func (c *statsCounter) request(op string) {
	c.mu.Lock()
	c.requests[op]++
	c.mu.Unlock()
}

func (c *statsCounter) throttle() {
	c.mu.Lock()
	c.throttled++
	c.mu.Unlock()
}

func (c *statsCounter) refuse() {
	c.mu.Lock()
	c.refused++
	c.mu.Unlock()
}

func (c *statsCounter) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Requests: maps.Clone(c.requests), Throttled: c.throttled, Refused: c.refused}
}
