package amazonconnect

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"routemap/localconnect"
)

// fakeClock is a clock that moves only when a caller sleeps: sleeping
// until t moves it to t (unless it is already later) and records t.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	slots  []time.Time
	sleeps int
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Now().Truncate(time.Second)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) SleepUntil(ctx context.Context, t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slots = append(c.slots, t)
	if t.After(c.now) {
		c.now = t
		c.sleeps++
	}
	return ctx.Err()
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Slots returns the times requests were let go, in order.
func (c *fakeClock) Slots() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := slices.Clone(c.slots)
	slices.SortFunc(s, func(a, b time.Time) int { return a.Compare(b) })
	return s
}

func (c *fakeClock) install(l *limiter) {
	l.now, l.sleepUntil = c.Now, c.SleepUntil
}

// checkSpacing fails unless consecutive slots are at least interval apart.
func checkSpacing(t *testing.T, slots []time.Time, interval time.Duration) {
	t.Helper()
	for i := 1; i < len(slots); i++ {
		if gap := slots[i].Sub(slots[i-1]); gap < interval {
			t.Fatalf("requests %d and %d are %v apart, want at least %v", i-1, i, gap, interval)
		}
	}
}

func TestLimiter(t *testing.T) {
	ctx := context.Background()
	t.Run("Sequential", func(t *testing.T) {
		c := newFakeClock()
		l := newLimiter(10)
		c.install(l)
		start := c.Now()
		for range 20 {
			if err := l.wait(ctx); err != nil {
				t.Fatal(err)
			}
		}
		slots := c.Slots()
		checkSpacing(t, slots, 100*time.Millisecond)
		if got, want := c.Now().Sub(start), 1900*time.Millisecond; got != want {
			t.Errorf("20 requests at 10 a second took %v, want %v", got, want)
		}
		if c.sleeps != 19 {
			t.Errorf("slept %d times, want 19 (the first request goes at once)", c.sleeps)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		c := newFakeClock()
		l := newLimiter(2)
		c.install(l)
		start := c.Now()
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 10 {
					if err := l.wait(ctx); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		slots := c.Slots()
		if len(slots) != 80 {
			t.Fatalf("got %d slots, want 80", len(slots))
		}
		checkSpacing(t, slots, 500*time.Millisecond)
		if got, want := slots[79].Sub(start), 79*500*time.Millisecond; got != want {
			t.Errorf("the 80th request went at +%v, want +%v", got, want)
		}
	})
	t.Run("IdleBanksNothing", func(t *testing.T) {
		c := newFakeClock()
		l := newLimiter(1)
		c.install(l)
		l.wait(ctx)
		c.Advance(time.Minute)
		l.wait(ctx)
		l.wait(ctx)
		slots := c.Slots()
		if gap := slots[2].Sub(slots[1]); gap != time.Second {
			t.Errorf("after an idle minute, two requests went %v apart, want 1s", gap)
		}
	})
	t.Run("ContextEnds", func(t *testing.T) {
		l := newLimiter(0.001) // a slot every 1000 s
		ctx, cancel := context.WithCancel(ctx)
		if err := l.wait(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		if err := l.wait(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("wait on a cancelled context = %v, want context.Canceled", err)
		}
	})
}

// TestDirectoryPacesEveryAttempt runs Agents through the real SDK against
// a local Amazon Connect that allows 1 request a second, both on one fake
// clock, with the directory limited to 10 a second. Every HTTP request,
// the retries of throttled ones included, must take a limiter slot, and
// the slots must be 100 ms apart.
func TestDirectoryPacesEveryAttempt(t *testing.T) {
	c := newFakeClock()
	srv, err := localconnect.New(localconnect.Options{Now: c.Now, Throttle: localconnect.Throttle{Rate: 1, Burst: 1}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	inst, err := srv.CreateInstance(localconnect.Instance{})
	if err != nil {
		t.Fatal(err)
	}
	key, err := srv.IssueAccessKey()
	if err != nil {
		t.Fatal(err)
	}
	users, err := srv.CreateUsers(inst.ID, []localconnect.User{
		{Username: "a", SecurityProfileIDs: []string{"sp"}, RoutingProfileID: "rp"},
		{Username: "b", SecurityProfileIDs: []string{"sp"}, RoutingProfileID: "rp"},
		{Username: "c", SecurityProfileIDs: []string{"sp"}, RoutingProfileID: "rp"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if _, err := srv.CreateQuickConnect(inst.ID, localconnect.QuickConnect{
			Name: u.Username, Type: localconnect.QuickConnectUser, UserID: u.ID, ContactFlowID: "flow",
		}); err != nil {
			t.Fatal(err)
		}
	}

	cfg := aws.Config{Credentials: credentials.NewStaticCredentialsProvider(key.ID, key.Secret, ""), HTTPClient: hs.Client()}
	d, err := NewDirectory(cfg, inst.ARN, Options{Endpoint: hs.URL, Rate: 10, MaxAttempts: 30, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c.install(d.limiter)
	agents, err := d.Agents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(agents) != 3 {
		t.Fatalf("got %d agents, want 3", len(agents))
	}
	st := srv.Stats()
	slots := c.Slots()
	if st.Throttled == 0 {
		t.Error("the server throttled nothing; the test proves nothing about retries")
	}
	if len(slots) != st.Total() || st.Total() != 5+st.Throttled {
		t.Errorf("limiter slots %d, server requests %d (%d throttled); want equal, 5 plus the throttled", len(slots), st.Total(), st.Throttled)
	}
	checkSpacing(t, slots, 100*time.Millisecond)
}
