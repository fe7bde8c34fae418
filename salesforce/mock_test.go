package salesforce_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"routemap/salesforce"
)

// registry is a recording http.RoundTripper in the manner of cli/cli's
// httpmock: tests register the requests they expect with the answer to
// each, any other request fails the test, and Verify (run at cleanup)
// fails it when a registered request never came. Stubs match in
// registration order; each answers once unless told otherwise, so a
// sequence of answers to one URL is a sequence of registrations.
type registry struct {
	t  *testing.T
	mu sync.Mutex
	// stubs are the expected requests.
	stubs []*stub
	// requests records every request received, with its body.
	requests []recorded
}

// stub is one expected request.
type stub struct {
	method string
	path   string
	query  url.Values // nil: any query
	times  int        // answers left; <0 means unlimited
	called int
	answer responder
	check  func(t *testing.T, req *http.Request, body []byte)
}

// responder builds the answer to a matched request: a response or a
// transport error.
type responder func(req *http.Request, body []byte) (*http.Response, error)

type recorded struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte
}

func newRegistry(t *testing.T) *registry {
	t.Helper()
	r := &registry{t: t}
	t.Cleanup(func() { r.Verify(t) })
	return r
}

// Register expects a request: target is a path, optionally with a query
// that must match exactly ("/services/data/v62.0/query?q=SELECT+Id").
func (r *registry) Register(method, target string, answer responder) *stub {
	r.mu.Lock()
	defer r.mu.Unlock()
	u, err := url.Parse(target)
	if err != nil {
		r.t.Fatalf("register %s: %v", target, err)
	}
	s := &stub{method: method, path: u.Path, times: 1, answer: answer}
	if strings.Contains(target, "?") {
		s.query = u.Query()
	}
	r.stubs = append(r.stubs, s)
	return s
}

// Times lets the stub answer n requests (-1: any number).
func (s *stub) Times(n int) *stub { s.times = n; return s }

// Check runs f on the matched request.
func (s *stub) Check(f func(t *testing.T, req *http.Request, body []byte)) *stub {
	s.check = f
	return s
}

// RoundTrip answers a request from the first matching stub with answers left.
func (r *registry) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	r.mu.Lock()
	r.requests = append(r.requests, recorded{Method: req.Method, URL: req.URL, Header: req.Header.Clone(), Body: body})
	var match *stub
	for _, s := range r.stubs {
		if s.times != 0 && s.method == req.Method && s.path == req.URL.Path && (s.query == nil || equalQuery(s.query, req.URL.Query())) {
			match = s
			break
		}
	}
	if match != nil {
		match.called++
		if match.times > 0 {
			match.times--
		}
	}
	r.mu.Unlock()
	if match == nil {
		r.t.Errorf("unexpected request %s %s", req.Method, req.URL)
		return nil, fmt.Errorf("no stub for %s %s", req.Method, req.URL)
	}
	if match.check != nil {
		match.check(r.t, req, body)
	}
	resp, err := match.answer(req, body)
	if resp != nil {
		resp.Request = req
	}
	return resp, err
}

func equalQuery(want, got url.Values) bool {
	if len(want) != len(got) {
		return false
	}
	for k, v := range want {
		if strings.Join(got[k], "\x00") != strings.Join(v, "\x00") {
			return false
		}
	}
	return true
}

// Verify fails the test for every stub that still expected a request.
func (r *registry) Verify(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.stubs {
		if s.times > 0 {
			t.Errorf("expected request %s %s was not made (answered %d times, %d answers left)", s.method, s.path, s.called, s.times)
		}
	}
}

// Requests returns the requests received so far.
func (r *registry) Requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.requests...)
}

// Client returns an *http.Client that sends through the registry.
func (r *registry) Client() *http.Client { return &http.Client{Transport: r} }

// jsonAnswer answers status with v encoded as JSON, plus header pairs.
func jsonAnswer(status int, v any, header ...string) responder {
	return func(*http.Request, []byte) (*http.Response, error) {
		data, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		resp := answer(status, "application/json;charset=UTF-8", data, header...)
		return resp, nil
	}
}

// rawAnswer answers status with a body of the given content type.
func rawAnswer(status int, ctype, body string, header ...string) responder {
	return func(*http.Request, []byte) (*http.Response, error) {
		return answer(status, ctype, []byte(body), header...), nil
	}
}

// noContent answers 204.
func noContent() responder { return rawAnswer(http.StatusNoContent, "", "") }

// sfErrors answers a Salesforce error array with one error.
func sfErrors(status int, code, message string, header ...string) responder {
	return jsonAnswer(status, []map[string]any{{"message": message, "errorCode": code}}, header...)
}

// failWith answers with a transport error.
func failWith(err error) responder {
	return func(*http.Request, []byte) (*http.Response, error) { return nil, err }
}

func answer(status int, ctype string, body []byte, header ...string) *http.Response {
	h := http.Header{}
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	return &http.Response{
		StatusCode:    status,
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}
}

// sleeper records the waits a client asks for without waiting.
type sleeper struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) Delays() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.delays...)
}

const (
	instance = "https://acme.my.salesforce.com"
	v        = "/services/data/v62.0"
	token    = "00DHs0000001aBc!AQEAQFakeTokenValue"
)

// newClient returns a client over reg with a static token, recording
// sleeps, no jitter (waits equal their ceiling) and the given options.
func newClient(t *testing.T, reg *registry, configure ...func(*salesforce.Options)) (*salesforce.Client, *sleeper) {
	t.Helper()
	sl := &sleeper{}
	opts := salesforce.Options{
		HTTPClient: reg.Client(),
		Auth:       salesforce.StaticToken{AccessToken: token},
		Sleep:      sl.Sleep,
		Jitter:     func(d time.Duration) time.Duration { return d },
		Now:        func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) },
	}
	for _, f := range configure {
		f(&opts)
	}
	c, err := salesforce.New(instance, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, sl
}
