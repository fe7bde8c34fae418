package http

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"routemap"
)

// API versions served: from v50.0, which the help article uses, to the
// newest in salesforce-api.md. Every object is served at every version;
// fields newer than the request's version (QuickConnect, 56.0) are hidden.
const (
	MinVersion    = 50.0
	LatestVersion = 67.0
)

// versionLabel names the release of an API version: v50.0 is Winter '21
// and three releases follow each year.
func versionLabel(v int) string {
	i := v - 50
	season := [...]string{"Winter", "Spring", "Summer"}[i%3]
	return fmt.Sprintf("%s '%02d", season, 21+i/3)
}

// parseVersion reads a "vNN.N" path segment ("latest" meaning the newest).
func parseVersion(seg string) (float64, bool) {
	if seg == "latest" {
		return LatestVersion, true
	}
	if !strings.HasPrefix(seg, "v") || !strings.HasSuffix(seg, ".0") {
		return 0, false
	}
	n, err := strconv.Atoi(seg[1 : len(seg)-2])
	if err != nil || float64(n) < MinVersion || float64(n) > LatestVersion {
		return 0, false
	}
	return float64(n), true
}

func versionPath(v float64) string { return fmt.Sprintf("/services/data/v%.1f", v) }

func (s *Server) routeData(w http.ResponseWriter, r *http.Request, seg []string) {
	if len(seg) == 0 {
		s.handleVersions(w, r)
		return
	}
	v, ok := parseVersion(seg[0])
	if !ok {
		s.writeError(w, r, notFound())
		return
	}
	c, err := s.authenticate(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rq := &request{s: s, w: w, r: r, c: c, v: v}
	rest := seg[1:]
	if len(rest) == 0 {
		rq.handleResources()
		return
	}
	switch rest[0] {
	case "sobjects":
		rq.routeSObjects(rest[1:])
	case "query", "queryAll":
		rq.routeQuery(rest[0] == "queryAll", rest[1:])
	case "composite":
		if len(rest) >= 2 && rest[1] == "sobjects" {
			rq.routeCollections(rest[2:])
			return
		}
		rq.fail(notFound())
	case "limits":
		rq.handleLimits()
	case "jobs":
		if len(rest) >= 2 && rest[1] == "ingest" {
			rq.routeIngest(rest[2:])
			return
		}
		rq.fail(notFound())
	default:
		rq.fail(notFound())
	}
}

// request carries one authenticated API request.
type request struct {
	s *Server
	w http.ResponseWriter
	r *http.Request
	c *caller
	v float64
}

func (rq *request) fail(err error) { rq.s.writeError(rq.w, rq.r, err) }

func (rq *request) json(status int, v any) { writeJSON(rq.w, status, v) }

// writeRecord answers 200 with one record, written without reflection.
func (rq *request) writeRecord(rec *record) {
	b, err := rec.appendJSON(make([]byte, 0, 1024))
	if err != nil {
		rq.fail(err)
		return
	}
	rq.w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	rq.w.WriteHeader(http.StatusOK)
	rq.w.Write(append(b, '\n'))
}

func (rq *request) path(parts ...string) string {
	return versionPath(rq.v) + "/" + strings.Join(parts, "/")
}

// handleVersions lists the API versions; like Salesforce it needs no token.
func (s *Server) handleVersions(w http.ResponseWriter, r *http.Request) {
	type version struct {
		Label   string `json:"label"`
		URL     string `json:"url"`
		Version string `json:"version"`
	}
	var out []version
	for v := int(MinVersion); v <= int(LatestVersion); v++ {
		out = append(out, version{Label: versionLabel(v), URL: versionPath(float64(v)), Version: fmt.Sprintf("%d.0", v)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (rq *request) handleResources() {
	out := map[string]string{}
	for _, name := range []string{"sobjects", "query", "queryAll", "composite", "limits", "jobs"} {
		out[name] = rq.path(name)
	}
	out["identity"] = rq.s.BaseURL + "/id/" + string(rq.c.Org.ID) + "/" + string(rq.c.User.ID)
	rq.json(http.StatusOK, out)
}

func (rq *request) handleLimits() {
	if rq.r.Method != http.MethodGet {
		rq.fail(methodNotAllowed(rq.r, "GET", "HEAD"))
		return
	}
	limit := rq.c.Org.DailyRequestLimit
	if limit <= 0 {
		limit = rq.s.DailyRequestLimit
	}
	used := rq.s.usage.get(rq.c.Org.ID, rq.s.Now())
	type max struct {
		Max       int `json:"Max"`
		Remaining int `json:"Remaining"`
	}
	rq.json(http.StatusOK, map[string]max{
		"DailyApiRequests":              {Max: limit, Remaining: max0(limit - used)},
		"DailyBulkApiBatches":           {Max: 15000, Remaining: 15000},
		"DailyBulkV2QueryJobs":          {Max: 10000, Remaining: 10000},
		"DailyBulkV2QueryFileStorageMB": {Max: 976562, Remaining: 976562},
	})
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	return n
}

// object returns the schema of an sObject named in a path, or NOT_FOUND.
func (rq *request) object(name string) (*routemap.ObjectInfo, error) {
	o := rq.s.schema.Object(name)
	if o == nil {
		return nil, &routemap.Error{Code: routemap.ENOTFOUND, Message: "The requested resource does not exist"}
	}
	return o, nil
}
