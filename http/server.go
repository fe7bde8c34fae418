package http

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"routemap"
)

// Defaults for Server fields left zero.
const (
	DefaultTokenTTL          = 2 * time.Hour
	DefaultDailyRequestLimit = 100000
	// DefaultMaxBodyBytes bounds a JSON request body.
	DefaultMaxBodyBytes = 10 << 20
	// DefaultMaxUploadBytes bounds one Bulk API 2.0 upload: Salesforce
	// allows 150 MB after base64, about 100 MB of CSV.
	DefaultMaxUploadBytes = 100 << 20
)

// Server is the Salesforce-compatible HTTP server. Set its exported fields,
// then call Open; Close shuts it down, draining requests in flight.
type Server struct {
	// Addr is the address to listen on; "127.0.0.1:0" picks a free port.
	Addr string
	// Store holds every org's data. Required.
	Store routemap.Store
	// Logger receives one line per request and internal errors. Default:
	// discard.
	Logger *slog.Logger
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// BaseURL is the instance URL reported to clients. Default:
	// http://<listen address>.
	BaseURL string
	// TokenTTL is the lifetime of an access token. Default DefaultTokenTTL.
	TokenTTL time.Duration
	// DailyRequestLimit is an org's API request allowance per UTC day when
	// the org sets none. Default DefaultDailyRequestLimit.
	DailyRequestLimit int
	// MaxBodyBytes bounds JSON request bodies. Default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxUploadBytes bounds one Bulk API 2.0 upload. Default
	// DefaultMaxUploadBytes.
	MaxUploadBytes int64

	ln        net.Listener
	srv       *http.Server
	schema    *routemap.Schema
	sessions  *sessionCache
	cursors   *cursorStore
	usage     *usageCounter
	accessors map[string]map[string]accessor
	nextID    atomic.Uint64
	notReady  atomic.Bool
	centers   sync.Map // contact centers found, see centerCache
	bulk      *bulkRunner
}

// NewServer returns a Server with its defaults set.
func NewServer(store routemap.Store) *Server {
	return &Server{
		Addr:              "127.0.0.1:8080",
		Store:             store,
		TokenTTL:          DefaultTokenTTL,
		DailyRequestLimit: DefaultDailyRequestLimit,
		MaxBodyBytes:      DefaultMaxBodyBytes,
	}
}

func (s *Server) init() {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.TokenTTL <= 0 {
		s.TokenTTL = DefaultTokenTTL
	}
	if s.DailyRequestLimit <= 0 {
		s.DailyRequestLimit = DefaultDailyRequestLimit
	}
	if s.MaxBodyBytes <= 0 {
		s.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if s.MaxUploadBytes <= 0 {
		s.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if s.schema == nil {
		s.schema = routemap.NewSchema()
	}
	if s.sessions == nil {
		s.sessions = newSessionCache()
	}
	if s.cursors == nil {
		s.cursors = newCursorStore()
	}
	if s.usage == nil {
		s.usage = newUsageCounter()
	}
	if s.accessors == nil {
		s.accessors = accessors()
	}
}

// Open starts listening and serving in the background.
func (s *Server) Open() error {
	if s.Store == nil {
		return errors.New("http: Server.Store is required")
	}
	s.init()
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.Addr, err)
	}
	s.ln = ln
	if s.BaseURL == "" {
		s.BaseURL = "http://" + ln.Addr().String()
	}
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger().Handler(), slog.LevelWarn),
	}
	go s.srv.Serve(ln)
	s.bulk = newBulkRunner(s)
	s.bulk.start()
	return nil
}

// Close stops accepting connections and waits (up to ctx's deadline, or 30
// seconds) for requests in flight to finish.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	s.bulk.stop()
	return err
}

// URL returns the instance URL.
func (s *Server) URL() string { return s.BaseURL }

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLog
)

// reqLog collects attributes for the request's log line.
type reqLog struct {
	org, user string
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

func logOf(r *http.Request) *reqLog {
	l, _ := r.Context().Value(keyLog).(*reqLog)
	if l == nil {
		return &reqLog{}
	}
	return l
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// ServeHTTP logs the request and dispatches it. Paths are matched after
// collapsing repeated slashes, so "//services/..." (which the Salesforce CLI
// sends) is served as "/services/..." without a redirect.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.init()
	start := s.Now()
	id := r.Header.Get("X-Request-Id")
	if id == "" || len(id) > 64 {
		id = fmt.Sprintf("%x-%d", randomBytes(4), s.nextID.Add(1))
	}
	w.Header().Set("X-Request-Id", id)
	rl := &reqLog{}
	ctx := context.WithValue(context.WithValue(r.Context(), keyRequestID, id), keyLog, rl)
	r = r.WithContext(ctx)
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			s.logger().Error("panic", slog.String("request_id", id), slog.Any("panic", v))
			if sw.status == 0 {
				s.writeError(sw, r, fmt.Errorf("panic: %v", v))
			}
		}
		attrs := []any{
			slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes), slog.Duration("duration", s.Now().Sub(start)),
		}
		if rl.org != "" {
			attrs = append(attrs, slog.String("org_id", rl.org), slog.String("user_id", rl.user))
		}
		s.logger().Info("request", attrs...)
	}()
	s.route(sw, r)
}

// segments splits a path into its non-empty segments.
func segments(path string) []string {
	parts := strings.Split(path, "/")
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	seg := segments(r.URL.Path)
	switch {
	case len(seg) == 1 && seg[0] == "healthz":
		s.handleHealth(w, r)
	case len(seg) >= 2 && seg[0] == "services" && seg[1] == "oauth2":
		s.routeOAuth(w, r, seg[2:])
	case len(seg) >= 2 && seg[0] == "services" && seg[1] == "data":
		s.routeData(w, r, seg[2:])
	case len(seg) == 3 && seg[0] == "id":
		s.handleIdentity(w, r, seg[1], seg[2])
	default:
		s.writeError(w, r, notFound())
	}
}

func notFound() error {
	return &routemap.Error{Code: routemap.ENOTFOUND, Message: "The requested resource does not exist"}
}

func methodNotAllowed(r *http.Request, allowed ...string) error {
	return &routemap.Error{Code: routemap.EINVALID, Reason: reasonMethod,
		Message: fmt.Sprintf("HTTP Method '%s' not allowed. Allowed are %s", r.Method, strings.Join(allowed, ","))}
}

// SetReady sets what /healthz answers: 200 when ready (the default), 503
// while, say, a demo org is being seeded.
func (s *Server) SetReady(ready bool) { s.notReady.Store(!ready) }

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if s.notReady.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// writeJSON writes v as the JSON body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// writeError writes err as Salesforce's error array.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, list := s.apiErrors(r, err)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Token`)
	}
	writeJSON(w, status, list)
}

// readBody reads a bounded request body.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, &routemap.Error{Code: routemap.ELIMIT, Reason: reasonTooLarge,
			Message: "The request body is larger than the limit of " + strconv.FormatInt(limit, 10) + " bytes"}
	}
	if err != nil {
		return nil, &routemap.Error{Code: routemap.EINVALID, Reason: reasonJSON, Message: "could not read the request body: " + err.Error()}
	}
	return body, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return b
}
