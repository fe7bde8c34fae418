package amazonconnect

import (
	"context"
	"sync"
	"time"
)

// limiter spaces requests at most rate a second across every goroutine.
// It is a token bucket holding one token, kept as the time the next token
// is due (the generic cell rate algorithm): a caller reserves the next
// slot and sleeps until it, so concurrent callers queue in order and
// never burst above the rate. A quiet spell does not bank tokens, which
// keeps the client under Amazon Connect's own bucket (rate 2, burst 5)
// whatever the server has left.
type limiter struct {
	interval time.Duration
	// now and sleepUntil are the clock; tests inject a fake one.
	now        func() time.Time
	sleepUntil func(ctx context.Context, t time.Time) error

	mu   sync.Mutex
	next time.Time // when the next request may go
}

// newLimiter returns a limiter for rate requests a second (rate > 0).
func newLimiter(rate float64) *limiter {
	return &limiter{
		interval:   time.Duration(float64(time.Second) / rate),
		now:        time.Now,
		sleepUntil: sleepUntil,
	}
}

// reserve takes the next slot and returns when it starts.
func (l *limiter) reserve() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.next
	if now := l.now(); t.Before(now) {
		t = now
	}
	l.next = t.Add(l.interval)
	return t
}

// wait blocks until the caller's slot; it returns the context's error if
// the context ends first.
func (l *limiter) wait(ctx context.Context) error {
	return l.sleepUntil(ctx, l.reserve())
}

// sleepUntil sleeps on the real clock until t or the end of ctx.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
