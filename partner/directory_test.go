package partner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/partner"
)

// fakeAgents returns n agents as the contract spells them.
func fakeAgents(n int) []map[string]string {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{"id": fmt.Sprintf("agent-%05d", i), "username": fmt.Sprintf("rep%05d@acme.example", i),
			"first_name": "Rep", "last_name": strconv.Itoa(i), "email": fmt.Sprintf("rep%05d@acme.example", i)}
	}
	return out
}

// contract is a partner service over agents that follows the contract:
// page tokens are the offset of the next page.
func contract(t *testing.T, token string, agents []map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/agents" || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+token {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]string{"code": "unauthenticated", "message": "bad token"}})
			return
		}
		size, err := strconv.Atoi(r.URL.Query().Get("page_size"))
		if err != nil || size < 1 || size > 1000 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]string{"code": "invalid_argument", "message": "page_size must be 1 to 1000"}})
			return
		}
		from, _ := strconv.Atoi(r.URL.Query().Get("page_token"))
		to := min(from+size, len(agents))
		page := map[string]any{"agents": agents[from:to]}
		if to < len(agents) {
			page["next_page_token"] = strconv.Itoa(to)
		}
		writeJSON(w, http.StatusOK, page)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// fast are options with short pauses, for tests.
func fast(o partner.Options) partner.Options {
	o.MinBackoff, o.MaxBackoff = time.Millisecond, 5*time.Millisecond
	return o
}

func newDirectory(t *testing.T, url string, o partner.Options) *partner.Directory {
	t.Helper()
	d, err := partner.NewDirectory(url, fast(o))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDirectoryPages(t *testing.T) {
	var requests atomic.Int32
	h := contract(t, "s3cret", fakeAgents(2500))
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("Accept") != "application/json" || r.Header.Get("User-Agent") != "routemap" {
			t.Errorf("headers %v", r.Header)
		}
		h(w, r)
	}))
	defer hs.Close()
	for _, tc := range []struct {
		name     string
		pageSize int
		requests int
	}{{"OKDefaultPageSize", 0, 3}, {"OKSmallPages", 100, 25}} {
		t.Run(tc.name, func(t *testing.T) {
			requests.Store(0)
			d := newDirectory(t, hs.URL+"/v1/", partner.Options{Token: "s3cret", PageSize: tc.pageSize})
			agents, err := d.Agents(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if len(agents) != 2500 || int(requests.Load()) != tc.requests || d.Requests() != tc.requests {
				t.Fatalf("%d agents in %d requests (%d counted)", len(agents), requests.Load(), d.Requests())
			}
			want := routemap.Agent{ID: "agent-02499", Username: "rep02499@acme.example", FirstName: "Rep", LastName: "2499", Email: "rep02499@acme.example"}
			if diff := cmp.Diff(want, agents[2499]); diff != "" {
				t.Error(diff)
			}
		})
	}
	d := newDirectory(t, hs.URL+"/v1", partner.Options{})
	if info := d.Info(); info.Provider != routemap.ProviderPartner || info.Source != "partner directory "+hs.URL+"/v1/agents" {
		t.Errorf("info %+v", info)
	}
}

func TestDirectoryRetries(t *testing.T) {
	var calls atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": map[string]string{"code": "rate_limited", "message": "slow down"}})
		case 2:
			w.WriteHeader(http.StatusBadGateway)
		default:
			writeJSON(w, http.StatusOK, map[string]any{"agents": fakeAgents(3)})
		}
	}))
	defer hs.Close()
	d := newDirectory(t, hs.URL, partner.Options{})
	agents, err := d.Agents(t.Context())
	if err != nil || len(agents) != 3 || calls.Load() != 3 {
		t.Fatalf("%d agents after %d calls: %v", len(agents), calls.Load(), err)
	}
}

func TestDirectoryErrors(t *testing.T) {
	page := func(agents any, next string) string {
		b, _ := json.Marshal(map[string]any{"agents": agents, "next_page_token": next})
		return string(b)
	}
	tests := []struct {
		name        string
		status      int
		contentType string
		body        func(call int) string
		opts        partner.Options
		code        string
		reason      string
		want        []string // in the message
		calls       int      // requests made; 0: don't check
	}{
		{"ErrUnauthorized", 401, "application/json", func(int) string {
			return `{"error":{"code":"unauthenticated","message":"the token has expired"}}`
		}, partner.Options{}, routemap.EUNAUTHORIZED, partner.ReasonRefused,
			[]string{"refused the token (401 unauthenticated: the token has expired)", "--partner-token or PARTNER_TOKEN"}, 1},
		{"ErrForbiddenNoBody", 403, "", func(int) string { return "" }, partner.Options{},
			routemap.EUNAUTHORIZED, partner.ReasonRefused, []string{"403 Forbidden"}, 1},
		{"ErrJunkHTML", 200, "text/html", func(int) string { return "<html><body>Welcome to nginx!</body></html>" }, partner.Options{},
			routemap.EINVALID, partner.ReasonUnreadable, []string{"the answer is text/html, not application/json", `"<html><body>Welcome to nginx!`}, 1},
		{"ErrJunkJSON", 200, "application/json", func(int) string { return `{"agents": [{"id": "1", "username": ` }, partner.Options{},
			routemap.EINVALID, partner.ReasonUnreadable, []string{"is not the agent list's JSON (unexpected EOF)"}, 1},
		{"ErrWrongShape", 200, "application/json", func(int) string { return `{"users": []}` }, partner.Options{},
			routemap.EINVALID, partner.ReasonUnreadable, []string{`no "agents" array`}, 1},
		{"ErrWrongType", 200, "application/json", func(int) string { return `{"agents": [{"id": 7, "username": "x"}]}` }, partner.Options{},
			routemap.EINVALID, partner.ReasonUnreadable, []string{"agents.id is a JSON number where the contract has a string"}, 1},
		{"ErrNoUsername", 200, "application/json", func(int) string { return page([]map[string]string{{"id": "a1"}}, "") }, partner.Options{},
			routemap.EINVALID, partner.ReasonUnreadable, []string{`agent 1 of page 1 (id "a1") has no username`}, 1},
		{"ErrDuplicateID", 200, "application/json", func(call int) string {
			if call == 1 {
				return page(fakeAgents(2), "p2")
			}
			return page(fakeAgents(1), "")
		}, partner.Options{}, routemap.EINVALID, partner.ReasonUnreadable, []string{`agent id "agent-00000" on page 2 was already on page 1`}, 2},
		{"ErrTokenLoop", 200, "application/json", func(call int) string { return page([]any{}, "same") }, partner.Options{},
			routemap.EINVALID, partner.ReasonUnreadable, []string{"one already used"}, 2},
		{"ErrPageTooBig", 200, "application/json", func(int) string { return page(fakeAgents(3), "") }, partner.Options{PageSize: 2},
			routemap.EINVALID, partner.ReasonUnreadable, []string{"3 agents, more than the page_size of 2", "page_size=2"}, 1},
		{"ErrBodyTooLarge", 200, "application/json", func(int) string { return `{"agents":[],"x":"` + strings.Repeat("x", partner.MaxPageBytes) + `"}` },
			partner.Options{}, routemap.EINVALID, partner.ReasonUnreadable, []string{"larger than 8 MiB"}, 1},
		{"ErrNotFound", 404, "text/plain", func(int) string { return "404 page not found" }, partner.Options{},
			routemap.ENOTFOUND, partner.ReasonNotFound, []string{"no agents endpoint", "adds /agents"}, 1},
		{"ErrBadRequest", 400, "application/json", func(int) string {
			return `{"error":{"code":"invalid_argument","message":"page_token is not ours"}}`
		}, partner.Options{}, routemap.EINVALID, partner.ReasonRejected, []string{"400 invalid_argument: page_token is not ours"}, 1},
		{"ErrServerKeepsFailing", 503, "application/json", func(int) string {
			return `{"error":{"code":"unavailable","message":"maintenance"}}`
		}, partner.Options{MaxAttempts: 3}, routemap.EINTERNAL, partner.ReasonUnavailable, []string{"kept failing (503 unavailable: maintenance, 3 attempts)"}, 3},
		{"ErrThrottled", 429, "application/json", func(int) string { return `{}` }, partner.Options{MaxAttempts: 2},
			routemap.ELIMIT, partner.ReasonThrottled, []string{"kept throttling", "2 attempts"}, 2},
		{"ErrTooManyAgents", 200, "application/json", func(int) string { return page(fakeAgents(5), "") }, partner.Options{MaxAgents: 4},
			routemap.ELIMIT, partner.ReasonTooManyAgents, []string{"more than 4 agents"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1))
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body(n))
			}))
			defer hs.Close()
			d := newDirectory(t, hs.URL, tc.opts)
			_, err := d.Agents(t.Context())
			checkErr(t, err, tc.code, tc.reason, append(tc.want, hs.URL+"/agents"))
			if tc.calls != 0 && int(calls.Load()) != tc.calls {
				t.Errorf("%d requests, want %d", calls.Load(), tc.calls)
			}
		})
	}
}

func checkErr(t *testing.T, err error, code, reason string, want []string) {
	t.Helper()
	e, ok := err.(*routemap.Error)
	if !ok {
		t.Fatalf("error %T %v, want a *routemap.Error", err, err)
	}
	if e.Code != code || e.Reason != reason {
		t.Errorf("code %s reason %s, want %s %s: %s", e.Code, e.Reason, code, reason, e.Message)
	}
	for _, w := range want {
		if !strings.Contains(e.Message, w) {
			t.Errorf("message lacks %q:\n%s", w, e.Message)
		}
	}
}

func TestDirectoryTimeout(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hs.Close()
	defer close(release)
	d := newDirectory(t, hs.URL, partner.Options{Timeout: 50 * time.Millisecond, MaxAttempts: 2})
	start := time.Now()
	_, err := d.Agents(t.Context())
	checkErr(t, err, routemap.EINTERNAL, partner.ReasonTimeout, []string{hs.URL + "/agents", "did not answer within 50ms (2 attempts)", "--partner-timeout"})
	if calls.Load() != 2 || time.Since(start) > 5*time.Second {
		t.Errorf("%d calls in %v", calls.Load(), time.Since(start))
	}
}

func TestDirectoryTimeoutWhileReadingBody(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		fmt.Fprint(w, `{"agents": [`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer hs.Close()
	d := newDirectory(t, hs.URL, partner.Options{Timeout: 50 * time.Millisecond, MaxAttempts: 1})
	_, err := d.Agents(t.Context())
	checkErr(t, err, routemap.EINTERNAL, partner.ReasonTimeout, []string{"did not answer within 50ms (1 attempt)"})
}

func TestDirectoryUnreachable(t *testing.T) {
	hs := httptest.NewServer(http.NotFoundHandler())
	url := hs.URL
	hs.Close()
	d := newDirectory(t, url, partner.Options{MaxAttempts: 2})
	_, err := d.Agents(t.Context())
	checkErr(t, err, routemap.EINTERNAL, partner.ReasonUnreachable, []string{"cannot reach partner directory " + url + "/agents", "2 attempts", "connection refused"})
}

func TestDirectoryCanceled(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hs.Close()
	d := newDirectory(t, hs.URL, partner.Options{})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	if _, err := d.Agents(ctx); err == nil || routemap.ErrorCode(err) != routemap.EINTERNAL || !strings.Contains(err.Error(), "context deadline exceeded") {
		t.Fatalf("err %v", err)
	}
}

func TestNewDirectory(t *testing.T) {
	for name, tc := range map[string]struct {
		url  string
		opts partner.Options
		want string
	}{
		"ErrNotAURL":      {"partner.example.com/api", partner.Options{}, "is not an http or https URL"},
		"ErrPlainHTTP":    {"http://partner.example.com/api", partner.Options{}, "plain http"},
		"ErrQuery":        {"https://partner.example.com/api?x=1", partner.Options{}, "has a query"},
		"ErrPageSize":     {"https://partner.example.com", partner.Options{PageSize: 1001}, "outside 1 to 1000"},
		"OKHTTPLocalhost": {"http://localhost:8080", partner.Options{}, ""},
		"OKHTTPLoopback":  {"http://127.0.0.1:8080/", partner.Options{}, ""},
		"OKHTTPS":         {"https://partner.example.com/api/", partner.Options{}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := partner.NewDirectory(tc.url, tc.opts)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if routemap.ErrorCode(err) != routemap.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
}
