package amazonconnect

import (
	"context"
	"maps"
	"sync"

	"github.com/aws/smithy-go/middleware"
)

// attemptMiddleware runs once per HTTP attempt: it sits in the SDK's
// finalize step right after the retry loop and before signing, so every
// attempt, retries included, waits for the limiter and is counted, and
// the signature is made after the wait.
type attemptMiddleware struct {
	limiter  *limiter // nil: no limit
	requests *requestCounter
}

// ID names the middleware in the SDK's stack.
func (attemptMiddleware) ID() string { return "RoutemapAttempt" }

// HandleFinalize waits for the limiter, counts the attempt and sends it.
func (m attemptMiddleware) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	if m.limiter != nil {
		if err := m.limiter.wait(ctx); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, err
		}
	}
	m.requests.add(middleware.GetOperationName(ctx))
	return next.HandleFinalize(ctx, in)
}

// addTo adds the middleware to an operation's stack.
func (m attemptMiddleware) addTo(stack *middleware.Stack) error {
	return stack.Finalize.Insert(m, "Retry", middleware.After)
}

// requestCounter counts HTTP requests by operation name.
type requestCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func newRequestCounter() *requestCounter { return &requestCounter{n: map[string]int{}} }

func (c *requestCounter) add(op string) {
	c.mu.Lock()
	c.n[op]++
	c.mu.Unlock()
}

func (c *requestCounter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}
