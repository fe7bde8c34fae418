package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"routemap"
)

// Defaults for Options fields left zero.
const (
	// DefaultAPIVersion is the REST API version the client speaks. The
	// CallCenterRoutingMap object needs 53.0 and its QuickConnect field
	// 56.0; 62.0 is Winter '25.
	DefaultAPIVersion = "62.0"
	// DefaultMaxRetries is how many times a request is retried after a
	// throttled or unavailable answer or a connection error.
	DefaultMaxRetries = 5
	// DefaultRetryBase is the backoff ceiling before the first retry; it
	// doubles with each retry up to DefaultRetryMax.
	DefaultRetryBase = 500 * time.Millisecond
	// DefaultRetryMax caps the backoff between two attempts.
	DefaultRetryMax = 30 * time.Second
	// DefaultMaxRetryAfter is the longest Retry-After the client waits
	// for; a longer one ends the retries at once.
	DefaultMaxRetryAfter = 5 * time.Minute
	// DefaultUserAgent is sent when Options.UserAgent is empty.
	DefaultUserAgent = "routemap"
	// DefaultMaxResponseBytes bounds a JSON response body: 64 MiB.
	DefaultMaxResponseBytes = 64 << 20
	// maxErrorBytes bounds an error body that is read to build an error.
	maxErrorBytes = 1 << 20
)

// Options configure a Client. The zero value of each field means its
// default.
type Options struct {
	// HTTPClient sends the requests. Default: a client with no overall
	// timeout (CSV streams may be long; pass contexts with deadlines) and
	// the default transport.
	HTTPClient *http.Client
	// APIVersion is the REST API version without the "v", e.g. "62.0".
	// Default DefaultAPIVersion. Versions below 56.0 lack QuickConnect,
	// which RoutingMaps then leaves out of its query.
	APIVersion string
	// Auth supplies and renews access tokens. Required.
	Auth Authenticator
	// Logger receives a line per retry and session renewal (Info) and per
	// request (Debug). Default: discard.
	Logger *slog.Logger
	// Now is the clock: Limits timestamps, Retry-After dates, request
	// durations in the log. Default time.Now.
	Now func() time.Time
	// Sleep waits for d or until ctx is done, returning ctx's error then.
	// Retries and WaitJob use it; tests inject one that records delays.
	// Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter picks the wait before a retry given its ceiling. Default:
	// full jitter, uniform in [0, ceiling).
	Jitter func(ceiling time.Duration) time.Duration
	// MaxRetries is the most retries of one request. Default
	// DefaultMaxRetries; a negative value disables retries.
	MaxRetries int
	// RetryBase and RetryMax shape the backoff ceiling: RetryBase·2^n,
	// capped at RetryMax. Defaults DefaultRetryBase and DefaultRetryMax.
	RetryBase, RetryMax time.Duration
	// MaxRetryAfter is the longest Retry-After honoured. Default
	// DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration
	// UserAgent is the User-Agent header. Default DefaultUserAgent.
	UserAgent string
	// MaxResponseBytes bounds a JSON response body; a larger one is an
	// ELIMIT error. CSV result streams are not bounded. Default
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// QueryBatchSize, when not zero, asks for pages of that many records
	// (Sforce-Query-Options: batchSize; Salesforce honours 200 to 2,000).
	QueryBatchSize int
}

// Client calls the Salesforce REST and Bulk API 2.0 of one org. It is safe
// for concurrent use.
type Client struct {
	base       *url.URL // instance URL given to New; a token's instance_url wins
	version    string
	hc         *http.Client
	auth       Authenticator
	log        *slog.Logger
	now        func() time.Time
	sleep      func(context.Context, time.Duration) error
	jitter     func(time.Duration) time.Duration
	maxRetries int
	retryBase  time.Duration
	retryMax   time.Duration
	maxAfter   time.Duration
	userAgent  string
	batchSize  int
	maxBody    int64

	mu     sync.Mutex
	limits Limits
}

var versionRE = regexp.MustCompile(`^[1-9][0-9]\.[0-9]$`)

// New returns a client for the org at instanceURL, e.g.
// https://acme.my.salesforce.com or http://127.0.0.1:8080 for routemap
// serve. instanceURL may be empty when opts.Auth returns tokens that carry
// an instance URL (ClientCredentials, JWTBearer, Password); a token's
// instance URL always wins over instanceURL. Errors: EINVALID for a
// malformed URL or API version, or a missing Auth.
func New(instanceURL string, opts Options) (*Client, error) {
	c := &Client{
		version:    opts.APIVersion,
		hc:         opts.HTTPClient,
		auth:       opts.Auth,
		log:        opts.Logger,
		now:        opts.Now,
		sleep:      opts.Sleep,
		jitter:     opts.Jitter,
		maxRetries: opts.MaxRetries,
		retryBase:  opts.RetryBase,
		retryMax:   opts.RetryMax,
		maxAfter:   opts.MaxRetryAfter,
		userAgent:  opts.UserAgent,
		batchSize:  opts.QueryBatchSize,
		maxBody:    opts.MaxResponseBytes,
	}
	if instanceURL != "" {
		u, err := parseInstanceURL(instanceURL)
		if err != nil {
			return nil, err
		}
		c.base = u
	}
	if c.auth == nil {
		return nil, routemap.Errorf(routemap.EINVALID, "salesforce: Options.Auth is required")
	}
	if c.version == "" {
		c.version = DefaultAPIVersion
	}
	c.version = strings.TrimPrefix(c.version, "v")
	if !versionRE.MatchString(c.version) {
		return nil, routemap.Errorf(routemap.EINVALID, "salesforce: API version %q is not of the form 62.0", opts.APIVersion)
	}
	if c.hc == nil {
		c.hc = &http.Client{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
	if c.jitter == nil {
		c.jitter = fullJitter
	}
	if c.maxRetries == 0 {
		c.maxRetries = DefaultMaxRetries
	} else if c.maxRetries < 0 {
		c.maxRetries = 0
	}
	if c.retryBase <= 0 {
		c.retryBase = DefaultRetryBase
	}
	if c.retryMax <= 0 {
		c.retryMax = DefaultRetryMax
	}
	if c.maxAfter <= 0 {
		c.maxAfter = DefaultMaxRetryAfter
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxResponseBytes
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	return c, nil
}

// parseInstanceURL checks that s is an absolute http(s) URL and drops a
// trailing slash, so paths never start with "//".
func parseInstanceURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(s), "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, routemap.Errorf(routemap.EINVALID, "salesforce: instance URL %q must be an absolute http(s) URL such as https://acme.my.salesforce.com", s)
	}
	return u, nil
}

// APIVersion returns the REST API version the client speaks, e.g. "62.0".
func (c *Client) APIVersion() string { return c.version }

// dataPath returns the path of a REST resource under /services/data/vXX.X.
func (c *Client) dataPath(parts ...string) string {
	var b strings.Builder
	b.WriteString("/services/data/v")
	b.WriteString(c.version)
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

// apiVersionAtLeast reports whether the client's version is min or newer.
func (c *Client) apiVersionAtLeast(min float64) bool {
	v, err := strconv.ParseFloat(c.version, 64)
	return err == nil && v >= min
}

// Limits is the API usage Salesforce last reported in Sforce-Limit-Info.
type Limits struct {
	// Used and Max are the org's API requests in the rolling 24 hours and
	// its allowance (api-usage=Used/Max).
	Used, Max int
	// AppUsed, AppMax and App are the connected app's usage, allowance and
	// name when the org sets a per-app limit (per-app-api-usage).
	AppUsed, AppMax int
	App             string
	// Updated is when the header was read; zero when none was seen yet.
	Updated time.Time
}

// Remaining returns Max-Used, or -1 when no usage was reported yet.
func (l Limits) Remaining() int {
	if l.Updated.IsZero() {
		return -1
	}
	return l.Max - l.Used
}

// Exhausted reports whether the org has used its whole allowance.
func (l Limits) Exhausted() bool { return !l.Updated.IsZero() && l.Max > 0 && l.Used >= l.Max }

// Limits returns the usage the latest response reported.
func (c *Client) Limits() Limits {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.limits
}

var (
	apiUsageRE    = regexp.MustCompile(`(?:^|[;,\s])api-usage=(\d+)/(\d+)`)
	perAppUsageRE = regexp.MustCompile(`per-app-api-usage=(\d+)/(\d+)(?:\(appName=([^)]*)\))?`)
)

// parseLimitInfo reads a Sforce-Limit-Info header value.
func parseLimitInfo(h string) (Limits, bool) {
	m := apiUsageRE.FindStringSubmatch(h)
	if m == nil {
		return Limits{}, false
	}
	var l Limits
	l.Used, _ = strconv.Atoi(m[1])
	l.Max, _ = strconv.Atoi(m[2])
	if m := perAppUsageRE.FindStringSubmatch(h); m != nil {
		l.AppUsed, _ = strconv.Atoi(m[1])
		l.AppMax, _ = strconv.Atoi(m[2])
		l.App = m[3]
	}
	return l, true
}

func (c *Client) recordLimits(h http.Header) {
	l, ok := parseLimitInfo(h.Get("Sforce-Limit-Info"))
	if !ok {
		return
	}
	l.Updated = c.now()
	c.mu.Lock()
	c.limits = l
	c.mu.Unlock()
}

// retryMode says when a request may be sent again.
type retryMode int

const (
	// retrySafe: the request can be repeated without effect (reads,
	// deletes, setting fields or a job state to fixed values, replacing a
	// job's data). Retried on throttling, 502-504 and connection errors.
	retrySafe retryMode = iota
	// retryRefused: the request creates something. Retried only when the
	// server certainly did not act on it: dial errors, 429 and
	// REQUEST_LIMIT_EXCEEDED, which refuse a request before it runs.
	retryRefused
)

// call describes one API request.
type call struct {
	method string
	// url is a path starting with "/" (resolved against the instance
	// URL) or an absolute URL on the instance's host.
	url   string
	query url.Values
	// body is a JSON or form body (nil for none); stream is an upload.
	body   []byte
	stream io.Reader
	ctype  string
	accept string
	header http.Header
	mode   retryMode
}

// jsonCall returns a call whose body is v encoded as JSON.
func jsonCall(method, path string, v any, mode retryMode) (*call, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode request body: %w", err)
	}
	return &call{method: method, url: path, body: bytes.TrimRight(buf.Bytes(), "\n"), ctype: "application/json", mode: mode}, nil
}

// instance returns the instance URL for a token: its own, else New's.
func (c *Client) instance(tok *Token) (*url.URL, error) {
	if tok != nil && tok.InstanceURL != "" {
		return parseInstanceURL(tok.InstanceURL)
	}
	if c.base == nil {
		return nil, routemap.Errorf(routemap.EINVALID, "salesforce: no instance URL: pass one to New or use a login flow that returns one")
	}
	return c.base, nil
}

// resolve turns a call URL into an absolute URL on the instance. Relative
// references ("services/data/…", as Bulk API contentUrl has it) resolve
// against the instance root. An absolute URL on another host is refused,
// so the access token never leaves the org.
func resolve(base *url.URL, ref string, query url.Values) (*url.URL, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("parse URL %q: %w", ref, err)
	}
	root := *base
	root.Path = strings.TrimRight(root.Path, "/") + "/"
	root.RawPath = ""
	if prefix := strings.TrimRight(base.Path, "/"); prefix != "" && !r.IsAbs() && r.Host == "" &&
		strings.HasPrefix(r.Path, "/") && !strings.HasPrefix(r.Path, prefix+"/") {
		// An absolute path keeps the instance's path prefix (an
		// Experience Cloud site or a proxy base).
		r.Path = prefix + r.Path
		r.RawPath = ""
	}
	u := root.ResolveReference(r)
	if u.Scheme != base.Scheme || u.Host != base.Host {
		return nil, routemap.Errorf(routemap.EINVALID, "salesforce: refusing to follow %q off the instance %s", ref, base.Host)
	}
	if len(query) > 0 {
		q := u.Query()
		for k, vs := range query {
			q[k] = append(q[k], vs...)
		}
		u.RawQuery = q.Encode()
	}
	return u, nil
}

// nonClosing hides a caller's Close from net/http, which closes request
// bodies; an upload's reader belongs to the caller.
type nonClosing struct{ io.Reader }

// do sends the call, renewing the session once on 401 and retrying as the
// call's mode allows, and returns a 2xx response whose body the caller
// must close. Any other answer becomes an error built from its body: a
// *routemap.Error (see errors.go) wrapped with the method and path.
func (c *Client) do(ctx context.Context, cl *call) (*http.Response, error) {
	var (
		tok       *Token
		err       error
		renewed   bool
		start     int64 = -1 // offset of a seekable upload
		sentOnce  bool
		seeker, _ = cl.stream.(io.Seeker)
	)
	if seeker != nil {
		if start, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			seeker = nil
		}
	}
	// replayable reports whether the body can be sent again.
	replayable := func() bool { return cl.stream == nil || seeker != nil || !sentOnce }
	what := cl.method + " " + pathOf(cl.url)
	for attempt := 0; ; attempt++ {
		if tok == nil {
			if tok, err = c.auth.Token(ctx); err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
		}
		base, err := c.instance(tok)
		if err != nil {
			return nil, err
		}
		u, err := resolve(base, cl.url, cl.query)
		if err != nil {
			return nil, err
		}
		var body io.Reader
		switch {
		case cl.body != nil:
			body = bytes.NewReader(cl.body)
		case cl.stream != nil:
			if sentOnce && seeker != nil {
				if _, err := seeker.Seek(start, io.SeekStart); err != nil {
					return nil, fmt.Errorf("%s: rewind upload: %w", what, err)
				}
			}
			body = nonClosing{cl.stream}
		}
		req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if cl.stream != nil {
			req.ContentLength = -1 // chunked, as the Salesforce CLI sends
		}
		for k, v := range cl.header {
			req.Header[k] = v
		}
		if cl.ctype != "" {
			req.Header.Set("Content-Type", cl.ctype)
		}
		accept := cl.accept
		if accept == "" {
			accept = "application/json"
		}
		req.Header.Set("Accept", accept)
		req.Header.Set("User-Agent", c.userAgent)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		began := c.now()
		sentOnce = true
		resp, err := c.hc.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s: %w", what, ctx.Err())
			}
			if attempt < c.maxRetries && replayable() && (cl.mode == retrySafe || isDialError(err)) {
				delay := c.backoff(attempt)
				c.log.Info("salesforce request failed; retrying", slog.String("request", what), slog.Int("attempt", attempt+1),
					slog.Duration("delay", delay), slog.Any("error", err))
				if err := c.sleep(ctx, delay); err != nil {
					return nil, fmt.Errorf("%s: %w", what, err)
				}
				continue
			}
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		c.recordLimits(resp.Header)
		c.log.Debug("salesforce request", slog.String("request", what), slog.Int("status", resp.StatusCode),
			slog.Duration("duration", c.now().Sub(began)))
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return resp, nil
		}
		apiErr := readError(resp)
		if isSessionError(resp.StatusCode, apiErr) {
			if renewed || !replayable() {
				return nil, fmt.Errorf("%s: %w", what, sessionError(apiErr))
			}
			renewed = true
			c.log.Info("salesforce session expired; renewing", slog.String("request", what))
			if tok, err = c.auth.Refresh(ctx, tok); err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			attempt-- // a renewal is not a retry
			continue
		}
		if delay, ok := c.retryDelay(cl, resp, apiErr, attempt); ok && replayable() {
			c.log.Info("salesforce request throttled or unavailable; retrying", slog.String("request", what),
				slog.Int("status", resp.StatusCode), slog.String("error_code", apiErr.Reason), slog.Int("attempt", attempt+1),
				slog.Duration("delay", delay))
			if err := c.sleep(ctx, delay); err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			continue
		}
		return nil, fmt.Errorf("%s: %w", what, apiErr)
	}
}

// pathOf strips the query and host from a call URL for messages and logs.
func pathOf(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Path
	}
	return s
}

// retryDelay decides whether an error answer is retried and after how
// long: 429, 502, 503, 504 and 403 REQUEST_LIMIT_EXCEEDED are, within
// MaxRetries, except 5xx answers to calls that create something, and
// except a REQUEST_LIMIT_EXCEEDED when the org's daily allowance is spent
// (waiting seconds cannot help). Retry-After, when present, sets the wait.
func (c *Client) retryDelay(cl *call, resp *http.Response, apiErr *routemap.Error, attempt int) (time.Duration, bool) {
	if attempt >= c.maxRetries {
		return 0, false
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
	case code == http.StatusForbidden && apiErr.Reason == "REQUEST_LIMIT_EXCEEDED":
		if l, ok := parseLimitInfo(resp.Header.Get("Sforce-Limit-Info")); ok && l.Max > 0 && l.Used >= l.Max {
			return 0, false
		}
	case code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout:
		if cl.mode != retrySafe {
			return 0, false
		}
	default:
		return 0, false
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.now()); ok {
		if d > c.maxAfter {
			return 0, false
		}
		return d, true
	}
	return c.backoff(attempt), true
}

// backoff returns the wait before retry number attempt+1: a jittered
// share of RetryBase·2^attempt, capped at RetryMax.
func (c *Client) backoff(attempt int) time.Duration {
	ceiling := c.retryMax
	if attempt < 32 {
		if d := c.retryBase << attempt; d > 0 && d < ceiling {
			ceiling = d
		}
	}
	return c.jitter(ceiling)
}

func fullJitter(ceiling time.Duration) time.Duration {
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling)
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// isDialError reports whether err happened before a connection existed,
// so the server cannot have seen the request.
func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// doJSON sends the call and decodes a JSON answer into out (unless out is
// nil or the answer has no body).
func (c *Client) doJSON(ctx context.Context, cl *call, out any) error {
	resp, err := c.do(ctx, cl)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBytes))
		return nil
	}
	return decodeJSON(resp, out, c.maxBody, cl.method+" "+pathOf(cl.url))
}

// decodeJSON decodes a JSON body of at most limit bytes, using
// json.Number for numbers.
func decodeJSON(resp *http.Response, out any, limit int64, what string) error {
	lr := &io.LimitedReader{R: resp.Body, N: limit + 1}
	dec := json.NewDecoder(lr)
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		if lr.N <= 0 {
			return fmt.Errorf("%s: %w", what, routemap.Errorf(routemap.ELIMIT, "the response is larger than the limit of %d bytes", limit))
		}
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: %w", what, routemap.Errorf(routemap.EINTERNAL, "the %d response has no body", resp.StatusCode))
		}
		return fmt.Errorf("%s: decode response: %w", what, err)
	}
	return nil
}
