package localconnect

import (
	"math"
	"sync"
	"time"
)

// Throttle describes the server's token bucket. The zero Throttle is off.
type Throttle struct {
	// Rate is the sustained requests per second the server allows; 0
	// turns the bucket off (unless All is set).
	Rate float64
	// Burst is the bucket's size, the requests allowed at once after a
	// quiet spell. 0 means max(1, ceil(Rate)).
	Burst int
	// All throttles every request, to test how a client gives up.
	All bool
}

// bucket is a token bucket answering whether a request may pass now.
type bucket struct {
	mu     sync.Mutex
	t      Throttle
	size   float64
	tokens float64
	last   time.Time
}

func newBucket(t Throttle) *bucket {
	b := &bucket{}
	b.set(t, time.Time{})
	return b
}

func (b *bucket) set(t Throttle, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.t = t
	b.size = float64(t.Burst)
	if t.Burst <= 0 {
		b.size = math.Max(1, math.Ceil(t.Rate))
	}
	b.tokens = b.size
	b.last = now
}

// allow takes a token if there is one.
func (b *bucket) allow(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.t.All {
		return false
	}
	if b.t.Rate <= 0 {
		return true
	}
	if !b.last.IsZero() {
		if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
			b.tokens = math.Min(b.size, b.tokens+elapsed*b.t.Rate)
		}
	}
	if now.After(b.last) {
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
