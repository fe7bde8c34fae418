package localconnect

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"routemap/internal/atomicfile"
)

// MaxRequestBytes bounds a request body. Amazon Connect's own request
// bodies for these operations are a few kilobytes.
const MaxRequestBytes = 1 << 20

// maxQueryBytes bounds the query string.
const maxQueryBytes = 8 << 10

// Options configures a Server.
type Options struct {
	// StatePath is the JSON file the state is loaded from at start and
	// written to after every change; empty keeps the state in memory.
	StatePath string
	// Now is the clock, for LastModifiedTime and signature expiry.
	// Default time.Now.
	Now func() time.Time
	// Logger receives one line per request. Default: discard.
	Logger *slog.Logger
	// Region is the region the server answers for: signatures must be
	// scoped to it and new instances live in it. Default DefaultRegion.
	Region string
	// Throttle switches on throttling from the start; SetThrottle changes
	// it later.
	Throttle Throttle
}

// Server is a local Amazon Connect. It is an http.Handler; serve it with
// net/http (httptest.NewServer in tests). Its methods are safe for
// concurrent use.
type Server struct {
	statePath string
	now       func() time.Time
	logger    *slog.Logger
	region    string
	signer    *v4.Signer
	throttle  *bucket
	stats     statsCounter

	mu sync.Mutex
	st *state
}

// New returns a Server, loading Options.StatePath when it exists.
func New(opts Options) (*Server, error) {
	s := &Server{
		statePath: opts.StatePath,
		now:       opts.Now,
		logger:    opts.Logger,
		region:    opts.Region,
		signer:    v4.NewSigner(),
		throttle:  newBucket(opts.Throttle),
		stats:     statsCounter{requests: map[string]int{}},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.region == "" {
		s.region = DefaultRegion
	}
	if !validRegion(s.region) {
		return nil, fmt.Errorf("new local connect: region %q: a region looks like us-east-1", s.region)
	}
	s.st = newState()
	if s.statePath != "" {
		st, err := loadState(s.statePath)
		if err != nil {
			return nil, fmt.Errorf("new local connect: %w", err)
		}
		s.st = st
	}
	return s, nil
}

// Region returns the region the server answers for.
func (s *Server) Region() string { return s.region }

// SetThrottle switches throttling on (Rate > 0 or All) or off (the zero
// Throttle). The bucket starts full.
func (s *Server) SetThrottle(t Throttle) { s.throttle.set(t, s.now()) }

// save writes the state file, when there is one. The caller holds s.mu.
func (s *Server) save() error {
	if s.statePath == "" {
		return nil
	}
	data, err := s.st.encode()
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	// Mode 0600: the file holds secret access keys.
	if err := atomicfile.WriteFile(s.statePath, data, 0o600); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

// saveOrFail saves after a change and turns a failure into the error the
// client sees.
func (s *Server) saveOrFail() *Error {
	if err := s.save(); err != nil {
		s.logger.Error("save state", slog.String("path", s.statePath), slog.Any("error", err))
		return newError(http.StatusInternalServerError, CodeInternalService, "the service could not save the change")
	}
	return nil
}

// request is what an operation handler sees.
type request struct {
	params []string // unescaped path parameters, in path order
	query  url.Values
	body   []byte
	now    time.Time
}

// decode parses the JSON body into v.
func (r *request) decode(v any) *Error {
	if len(r.body) == 0 {
		return errInvalidRequest("the request has no body")
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return errInvalidRequest("the request body is not valid JSON for this operation: %s", jsonProblem(err))
	}
	return nil
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("member %s must be %s", te.Field, te.Type)
	}
	return "malformed JSON"
}

type handler func(s *Server, r *request) (any, *Error)

// route maps a method and escaped path to an operation. Path parameters
// are escaped by the SDK (an instance ARN arrives as arn%3Aaws%3A…%2F…),
// so the path is split before it is unescaped.
func route(method, escapedPath string) (op string, h handler, params []string) {
	segs := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	for i, seg := range segs {
		v, err := url.PathUnescape(seg)
		if err != nil {
			return "", nil, nil
		}
		segs[i] = v
	}
	n := len(segs)
	switch segs[0] {
	case "users-summary":
		if n == 2 && method == http.MethodGet {
			return "ListUsers", (*Server).listUsers, segs[1:]
		}
	case "users":
		switch {
		case n == 2 && method == http.MethodPut:
			return "CreateUser", (*Server).createUser, segs[1:]
		case n == 3 && method == http.MethodGet:
			return "DescribeUser", (*Server).describeUser, segs[1:]
		case n == 3 && method == http.MethodDelete:
			return "DeleteUser", (*Server).deleteUser, segs[1:]
		}
	case "search-users":
		if n == 1 && method == http.MethodPost {
			return "SearchUsers", (*Server).searchUsers, nil
		}
	case "quick-connects":
		switch {
		case n == 2 && method == http.MethodGet:
			return "ListQuickConnects", (*Server).listQuickConnects, segs[1:]
		case n == 2 && method == http.MethodPut:
			return "CreateQuickConnect", (*Server).createQuickConnect, segs[1:]
		case n == 3 && method == http.MethodGet:
			return "DescribeQuickConnect", (*Server).describeQuickConnect, segs[1:]
		case n == 3 && method == http.MethodDelete:
			return "DeleteQuickConnect", (*Server).deleteQuickConnect, segs[1:]
		case n == 4 && segs[3] == "config" && method == http.MethodPost:
			return "UpdateQuickConnectConfig", (*Server).updateQuickConnectConfig, segs[1:3]
		}
	}
	return "", nil, nil
}

// ServeHTTP authenticates the request, applies the throttle and runs the
// operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	requestID := newUUID()
	w.Header().Set("X-Amzn-Requestid", requestID)
	op, h, params := route(r.Method, r.URL.EscapedPath())
	statsOp := op
	if statsOp == "" {
		statsOp = OperationUnknown
	}
	s.stats.request(statsOp)

	out, apiErr := s.serve(r, op, h, params)
	status := http.StatusOK
	if apiErr != nil {
		status = apiErr.Status
		writeError(w, apiErr)
	} else {
		writeJSON(w, out)
	}
	attrs := []slog.Attr{
		slog.String("request_id", requestID), slog.String("operation", statsOp),
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.Duration("duration", s.now().Sub(start)),
	}
	if apiErr != nil {
		attrs = append(attrs, slog.String("error_type", apiErr.Code), slog.String("message", apiErr.Message))
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.logger.LogAttrs(r.Context(), level, "connect request", attrs...)
}

func (s *Server) serve(r *http.Request, op string, h handler, params []string) (any, *Error) {
	if len(r.URL.RawQuery) > maxQueryBytes {
		return nil, newError(http.StatusRequestURITooLong, CodeInvalidRequest, "the query string exceeds %d bytes", maxQueryBytes)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxRequestBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, newError(http.StatusRequestEntityTooLarge, CodeRequestEntityTooLarge,
				"the request body exceeds %d bytes", MaxRequestBytes)
		}
		return nil, errInvalidRequest("the request body could not be read")
	}
	now := s.now()
	key, e := s.authenticate(r, body, now)
	if e != nil {
		s.stats.refuse()
		return nil, e
	}
	if op != "" && slices.Contains(key.Deny, op) {
		s.stats.refuse()
		return nil, errAuth(CodeAccessDenied, "access key %s is not authorized to perform: connect:%s on resource: %s",
			key.ID, op, firstParam(params))
	}
	if !s.throttle.allow(now) {
		s.stats.throttle()
		return nil, newError(http.StatusTooManyRequests, CodeThrottling, "Rate exceeded")
	}
	if h == nil {
		return nil, newError(http.StatusNotFound, CodeUnknownOperation, "no operation %s %s", r.Method, r.URL.EscapedPath())
	}
	return h(s, &request{params: params, query: r.URL.Query(), body: body, now: now})
}

// firstParam names the resource of a denied request: the instance in its
// path, or the service for operations without one.
func firstParam(params []string) string {
	if len(params) == 0 {
		return "*"
	}
	return params[0]
}

func writeJSON(w http.ResponseWriter, v any) {
	if v == nil {
		v = struct{}{}
	}
	data, err := json.Marshal(v)
	if err != nil {
		writeError(w, newError(http.StatusInternalServerError, CodeInternalService, "the response could not be encoded"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// writeError renders an error as Amazon Connect does: the status, the
// type in X-Amzn-ErrorType and the message in the body.
func writeError(w http.ResponseWriter, e *Error) {
	data, _ := json.Marshal(struct {
		Message string `json:"message"`
	}{e.Message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", e.Code)
	w.WriteHeader(e.Status)
	w.Write(data)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func validRegion(s string) bool {
	if len(s) < 4 || len(s) > 32 || !strings.Contains(s, "-") || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c == '-' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
