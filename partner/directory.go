package partner

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"routemap"
)

// Limits and defaults of the partner contract (docs/telephony.md).
const (
	// MaxPageSize is the largest page_size a client may ask for; servers
	// answer at most page_size agents a page.
	MaxPageSize = 1000
	// DefaultPageSize is the page_size Directory asks for.
	DefaultPageSize = MaxPageSize
	// MaxPageBytes bounds one page's body: a thousand agents take well
	// under a megabyte.
	MaxPageBytes = 8 << 20
	// MaxTokenBytes bounds next_page_token.
	MaxTokenBytes = 4096
	// MaxFieldLength bounds each agent field, in characters. A username
	// becomes a routing map's ExternalId, whose limit is 255.
	MaxFieldLength = routemap.MaxExternalID
	// DefaultMaxAgents is Options.MaxAgents when zero.
	DefaultMaxAgents = 1000000
	// DefaultTimeout is how long one request may take, answer included.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxAttempts is how many times one page is tried.
	DefaultMaxAttempts = 5
	// DefaultMinBackoff is the pause before the first retry; it doubles
	// with each attempt (with jitter), up to MaxBackoff.
	DefaultMinBackoff = 500 * time.Millisecond
	// DefaultMaxBackoff caps the pause between attempts, Retry-After
	// included.
	DefaultMaxBackoff = 20 * time.Second
)

// Reasons on the *routemap.Error values the package returns.
const (
	ReasonUnreachable   = "unreachable"       // no connection could be made
	ReasonTimeout       = "timeout"           // no answer within the timeout
	ReasonUnreadable    = "unreadable_answer" // an answer that is not the contract's
	ReasonRefused       = "refused"           // 401 or 403: the token
	ReasonNotFound      = "not_found"         // 404: no agents endpoint there
	ReasonRejected      = "rejected"          // another 4xx
	ReasonUnavailable   = "unavailable"       // 5xx past the retries
	ReasonThrottled     = "throttled"         // 429 past the retries
	ReasonTooManyAgents = "too_many_agents"   // more than MaxAgents
	ReasonInvalidFile   = "invalid_file"      // a File that cannot be read as agents
	ReasonInvalidURL    = "invalid_url"       // a base URL that cannot be used
)

// Options configure a Directory. Zero fields take the defaults.
type Options struct {
	// Token is sent as "Authorization: Bearer <Token>"; empty sends no
	// Authorization header.
	Token string
	// HTTPClient sends the requests; default a client with no overall
	// timeout (Timeout applies per request).
	HTTPClient *http.Client
	// PageSize is the page_size asked for, 1 to MaxPageSize.
	PageSize int
	// Timeout bounds one request, from sending to the last byte of the
	// answer. Default DefaultTimeout.
	Timeout time.Duration
	// MaxAttempts is how many times a page is tried when the answer is
	// 429, 5xx, a timeout or a network error. Default DefaultMaxAttempts.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the pause between attempts.
	MinBackoff, MaxBackoff time.Duration
	// MaxAgents is the most agents a listing may hold. Default
	// DefaultMaxAgents.
	MaxAgents int
	// UserAgent is sent as User-Agent. Default "routemap".
	UserAgent string
}

// Directory is a routemap.Directory over the partner contract. It is safe
// for concurrent use.
type Directory struct {
	endpoint string // {base}/agents
	opts     Options
	client   *http.Client
	requests atomic.Int64
}

var _ routemap.Directory = (*Directory)(nil)

// NewDirectory returns a Directory for the partner service at baseURL
// (the agents live at baseURL + "/agents"). Plain http is allowed only for
// loopback hosts, so the token never crosses a network in the clear.
// Errors: EINVALID for an unusable URL or options.
func NewDirectory(baseURL string, opts Options) (*Directory, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &routemap.Error{Code: routemap.EINVALID, Reason: ReasonInvalidURL,
			Message: fmt.Sprintf("partner directory URL %q is not an http or https URL", baseURL)}
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, &routemap.Error{Code: routemap.EINVALID, Reason: ReasonInvalidURL,
			Message: fmt.Sprintf("partner directory URL %s uses plain http to %s; use https so the token is not sent in the clear (http is allowed for 127.0.0.1 and localhost only)", baseURL, u.Host)}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, &routemap.Error{Code: routemap.EINVALID, Reason: ReasonInvalidURL,
			Message: fmt.Sprintf("partner directory URL %s has a query or fragment; give the base URL, to which routemap adds /agents", baseURL)}
	}
	switch {
	case opts.PageSize == 0:
		opts.PageSize = DefaultPageSize
	case opts.PageSize < 1 || opts.PageSize > MaxPageSize:
		return nil, routemap.Errorf(routemap.EINVALID, "partner page size %d is outside 1 to %d", opts.PageSize, MaxPageSize)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxAgents <= 0 {
		opts.MaxAgents = DefaultMaxAgents
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "routemap"
	}
	d := &Directory{endpoint: strings.TrimRight(u.String(), "/") + "/agents", opts: opts, client: opts.HTTPClient}
	if d.client == nil {
		d.client = &http.Client{}
	}
	return d, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Info describes the directory: partner telephony at the agents URL.
func (d *Directory) Info() routemap.DirectoryInfo {
	return routemap.DirectoryInfo{Provider: routemap.ProviderPartner, Source: "partner directory " + d.endpoint}
}

// Requests returns the HTTP requests sent so far, retries included.
func (d *Directory) Requests() int { return int(d.requests.Load()) }

// wireAgent is an agent as the contract spells it.
type wireAgent struct {
	ID        *string `json:"id"`
	Username  *string `json:"username"`
	FirstName string  `json:"first_name"`
	LastName  string  `json:"last_name"`
	Email     string  `json:"email"`
}

type wirePage struct {
	Agents        *[]wireAgent `json:"agents"`
	NextPageToken string       `json:"next_page_token"`
}

type wireError struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// Agents pages through the partner's agents and returns them in the
// order served. Errors (*routemap.Error): EUNAUTHORIZED (ReasonRefused)
// for a 401 or 403; ENOTFOUND for a 404; EINVALID (ReasonUnreadable) for
// an answer that breaks the contract, ReasonRejected for another 4xx;
// ELIMIT for throttling past the retries or more than MaxAgents;
// EINTERNAL (ReasonTimeout, ReasonUnreachable, ReasonUnavailable) when
// the service does not answer or keeps failing. Each message names the
// URL.
func (d *Directory) Agents(ctx context.Context) ([]routemap.Agent, error) {
	var agents []routemap.Agent
	ids := map[string]int{}   // id → page where first seen
	seen := map[string]bool{} // page tokens already used
	token := ""
	for page := 1; ; page++ {
		p, u, err := d.page(ctx, token)
		if err != nil {
			return nil, err
		}
		if len(*p.Agents) > d.opts.PageSize {
			return nil, d.unreadable(u, fmt.Sprintf("it holds %d agents, more than the page_size of %d", len(*p.Agents), d.opts.PageSize))
		}
		for i, w := range *p.Agents {
			a, problem := checkAgent(w)
			if problem != "" {
				return nil, d.unreadable(u, fmt.Sprintf("agent %d of page %d %s", i+1, page, problem))
			}
			if first, dup := ids[a.ID]; dup {
				return nil, d.unreadable(u, fmt.Sprintf("agent id %q on page %d was already on page %d; ids must be unique", a.ID, page, first))
			}
			ids[a.ID] = page
			agents = append(agents, a)
		}
		if len(agents) > d.opts.MaxAgents {
			return nil, &routemap.Error{Code: routemap.ELIMIT, Reason: ReasonTooManyAgents,
				Message: fmt.Sprintf("partner directory %s lists more than %d agents; routemap stops there", d.endpoint, d.opts.MaxAgents)}
		}
		next := p.NextPageToken
		switch {
		case next == "":
			return agents, nil
		case len(next) > MaxTokenBytes:
			return nil, d.unreadable(u, fmt.Sprintf("its next_page_token is %d bytes long; the contract allows %d", len(next), MaxTokenBytes))
		case seen[next] || next == token:
			return nil, d.unreadable(u, "its next_page_token is one already used, so paging would never end")
		}
		seen[next] = true
		token = next
	}
}

// checkAgent applies the contract's rules to one agent.
func checkAgent(w wireAgent) (routemap.Agent, string) {
	switch {
	case w.ID == nil || strings.TrimSpace(*w.ID) == "":
		return routemap.Agent{}, "has no id"
	case w.Username == nil || strings.TrimSpace(*w.Username) == "":
		return routemap.Agent{}, fmt.Sprintf("(id %q) has no username", *w.ID)
	}
	a := routemap.Agent{ID: strings.TrimSpace(*w.ID), Username: strings.TrimSpace(*w.Username),
		FirstName: strings.TrimSpace(w.FirstName), LastName: strings.TrimSpace(w.LastName), Email: strings.TrimSpace(w.Email)}
	for _, f := range []struct{ name, v string }{{"id", a.ID}, {"username", a.Username}, {"first_name", a.FirstName}, {"last_name", a.LastName}, {"email", a.Email}} {
		if utf8.RuneCountInString(f.v) > MaxFieldLength {
			return a, fmt.Sprintf("(id %q) has a %s longer than %d characters", a.ID, f.name, MaxFieldLength)
		}
		if strings.ContainsFunc(f.v, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return a, fmt.Sprintf("(id %q) has a control character in its %s", a.ID, f.name)
		}
	}
	return a, ""
}

// page fetches one page, retrying what the contract says to retry.
func (d *Directory) page(ctx context.Context, token string) (*wirePage, string, error) {
	q := url.Values{"page_size": {strconv.Itoa(d.opts.PageSize)}}
	if token != "" {
		q.Set("page_token", token)
	}
	u := d.endpoint + "?" + q.Encode()
	var last error
	for attempt := 1; ; attempt++ {
		p, retryAfter, err := d.try(ctx, u)
		if err == nil {
			return p, u, nil
		}
		last = err
		var rerr *retryable
		if !errors.As(err, &rerr) {
			return nil, u, err
		}
		if attempt >= d.opts.MaxAttempts {
			return nil, u, rerr.final(attempt)
		}
		if err := sleep(ctx, d.backoff(attempt, retryAfter)); err != nil {
			return nil, u, fmt.Errorf("partner directory %s: %w (after %w)", u, err, last)
		}
	}
}

// backoff is the pause before attempt+1: exponential with jitter, or the
// server's Retry-After, within MaxBackoff.
func (d *Directory) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, d.opts.MaxBackoff)
	}
	b := d.opts.MinBackoff << min(attempt-1, 20)
	if b <= 0 || b > d.opts.MaxBackoff {
		b = d.opts.MaxBackoff
	}
	return b/2 + rand.N(b/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryable is a failure worth another attempt; final turns it into the
// error reported when the attempts run out.
type retryable struct {
	err   error
	final func(attempts int) error
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// try makes one request.
func (d *Directory) try(ctx context.Context, u string) (*wirePage, time.Duration, error) {
	actx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("partner directory %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", d.opts.UserAgent)
	if d.opts.Token != "" {
		req.Header.Set("Authorization", "Bearer "+d.opts.Token)
	}
	d.requests.Add(1)
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, 0, d.transportError(ctx, actx, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxPageBytes+1))
	if err != nil {
		return nil, 0, d.transportError(ctx, actx, u, err)
	}
	if len(body) > MaxPageBytes {
		return nil, 0, d.unreadable(u, fmt.Sprintf("the answer is larger than %d MiB; the contract bounds a page at that (ask for a smaller page_size)", MaxPageBytes>>20))
	}
	if resp.StatusCode != http.StatusOK {
		return nil, retryAfter(resp.Header.Get("Retry-After")), d.statusError(u, resp, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, 0, d.unreadable(u, fmt.Sprintf("the answer is %s, not application/json (it starts %s)", ct, snippet(body)))
		}
	}
	var p wirePage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p); err != nil {
		return nil, 0, d.unreadable(u, fmt.Sprintf("the answer is not the agent list's JSON (%v); it starts %s", jsonProblem(err), snippet(body)))
	}
	if dec.More() {
		return nil, 0, d.unreadable(u, "the answer has more after its JSON object")
	}
	if p.Agents == nil {
		return nil, 0, d.unreadable(u, fmt.Sprintf(`the answer has no "agents" array; it starts %s`, snippet(body)))
	}
	return &p, 0, nil
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s is a JSON %s where the contract has a %s", te.Field, te.Value, te.Type)
	}
	return err.Error()
}

// snippet quotes the start of a body for a message.
func snippet(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "empty"
	}
	const n = 60
	s := string(b)
	if len(b) > n {
		s = strings.ToValidUTF8(string(b[:n]), "") + "…"
	}
	return strconv.Quote(s)
}

func retryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return time.Until(t)
	}
	return 0
}

// unreadable is the error of an answer that breaks the contract.
func (d *Directory) unreadable(u, what string) error {
	return &routemap.Error{Code: routemap.EINVALID, Reason: ReasonUnreadable,
		Message: fmt.Sprintf("partner directory %s answered something routemap cannot use: %s; check the URL (--partner-url) and that the service implements the partner contract (docs/telephony.md)", u, what)}
}

// transportError classifies a failed request: the caller's cancellation
// passes through; timeouts and network errors are retryable.
func (d *Directory) transportError(ctx, actx context.Context, u string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("partner directory %s: %w", u, ctx.Err())
	}
	var ne net.Error
	if actx.Err() != nil || errors.As(err, &ne) && ne.Timeout() {
		return &retryable{err: err, final: func(n int) error {
			return &routemap.Error{Code: routemap.EINTERNAL, Reason: ReasonTimeout, Message: fmt.Sprintf(
				"partner directory %s did not answer within %v (%s); check that the service is up, or allow more time with --partner-timeout",
				u, d.opts.Timeout, attemptsText(n))}
		}}
	}
	var dns *net.DNSError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	final := &routemap.Error{Code: routemap.EINTERNAL, Reason: ReasonUnreachable,
		Message: fmt.Sprintf("cannot reach partner directory %s: %s; check --partner-url and the network", u, netProblem(err))}
	if errors.As(err, &dns) && dns.IsNotFound || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci) {
		return final
	}
	return &retryable{err: err, final: func(n int) error {
		final.Message = fmt.Sprintf("cannot reach partner directory %s (%s): %s; check --partner-url and the network", u, attemptsText(n), netProblem(err))
		return final
	}}
}

// netProblem is the innermost text of a network error, without the
// method and URL net/http repeats.
func netProblem(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

func attemptsText(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return strconv.Itoa(n) + " attempts"
}

// statusError turns a non-200 answer into an error, retryable for 429
// and 5xx.
func (d *Directory) statusError(u string, resp *http.Response, body []byte) error {
	code, msg := "", ""
	var we wireError
	if json.Unmarshal(body, &we) == nil && we.Error != nil {
		code, msg = we.Error.Code, we.Error.Message
	}
	said := resp.Status
	switch {
	case code != "" || msg != "":
		said = strings.TrimSpace(fmt.Sprintf("%d %s: %s", resp.StatusCode, code, msg))
	case len(bytes.TrimSpace(body)) > 0:
		said += ", " + snippet(body)
	}
	switch s := resp.StatusCode; {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		return &routemap.Error{Code: routemap.EUNAUTHORIZED, Reason: ReasonRefused, Message: fmt.Sprintf(
			"partner directory %s refused the token (%s); check --partner-token or PARTNER_TOKEN", u, said)}
	case s == http.StatusNotFound:
		return &routemap.Error{Code: routemap.ENOTFOUND, Reason: ReasonNotFound, Message: fmt.Sprintf(
			"partner directory %s has no agents endpoint (%s); --partner-url is the base URL, to which routemap adds /agents", u, said)}
	case s == http.StatusTooManyRequests:
		return &retryable{err: errors.New(said), final: func(n int) error {
			return &routemap.Error{Code: routemap.ELIMIT, Reason: ReasonThrottled, Message: fmt.Sprintf(
				"partner directory %s kept throttling routemap (%s, %s); try again later", u, said, attemptsText(n))}
		}}
	case s >= 500:
		return &retryable{err: errors.New(said), final: func(n int) error {
			return &routemap.Error{Code: routemap.EINTERNAL, Reason: ReasonUnavailable, Message: fmt.Sprintf(
				"partner directory %s kept failing (%s, %s); the partner service has a problem", u, said, attemptsText(n))}
		}}
	}
	return &routemap.Error{Code: routemap.EINVALID, Reason: ReasonRejected, Message: fmt.Sprintf(
		"partner directory %s rejected the request (%s)", u, said)}
}
