package http

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"routemap"
	"routemap/sfid"
	"routemap/soql"
)

// Query paging: at most 2,000 records a page (Sforce-Query-Options:
// batchSize=N asks for 200 to 2,000), and the rest through nextRecordsUrl.
const (
	defaultBatch = 2000
	minBatch     = 200
	cursorTTL    = 15 * time.Minute
	maxCursors   = 1000
)

// cursor remembers a query so that nextRecordsUrl can fetch its next page.
// Pages re-run the query from their offset, so a page reflects writes made
// since the first (docs/api.md).
type cursor struct {
	id      string
	org     sfid.ID
	user    sfid.ID
	query   *routemap.Query
	objName string
	fields  []string // as shown to the client
	total   int
	batch   int
	used    time.Time
}

type cursorStore struct {
	mu      sync.Mutex
	cursors map[string]*cursor
}

func newCursorStore() *cursorStore { return &cursorStore{cursors: map[string]*cursor{}} }

func (cs *cursorStore) put(c *cursor, now time.Time) string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for k, old := range cs.cursors {
		if now.Sub(old.used) > cursorTTL {
			delete(cs.cursors, k)
		}
	}
	if len(cs.cursors) >= maxCursors {
		var oldest string
		for k, old := range cs.cursors {
			if oldest == "" || old.used.Before(cs.cursors[oldest].used) {
				oldest = k
			}
		}
		delete(cs.cursors, oldest)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte("01g")
	for _, r := range randomBytes(15) {
		b = append(b, alphabet[int(r)%len(alphabet)])
	}
	id := string(b)
	c.id, c.used = id, now
	cs.cursors[id] = c
	return id
}

func (cs *cursorStore) get(id string, org sfid.ID, now time.Time) *cursor {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := cs.cursors[id]
	if c == nil || c.org != org || now.Sub(c.used) > cursorTTL {
		return nil
	}
	c.used = now
	return c
}

// routeQuery serves /query?q=, /queryAll?q= and /query/{locator}.
func (rq *request) routeQuery(all bool, seg []string) {
	if rq.r.Method != http.MethodGet {
		rq.fail(methodNotAllowed(rq.r, "GET", "HEAD"))
		return
	}
	if len(seg) == 1 {
		rq.queryMore(seg[0])
		return
	}
	if len(seg) > 1 {
		rq.fail(notFound())
		return
	}
	params := rq.r.URL.Query()
	text := params.Get("q")
	if text == "" {
		rq.fail(&routemap.Error{Code: routemap.EINVALID, Reason: soql.ReasonMalformedQuery, Message: "A query string has to be specified"})
		return
	}
	p, err := soql.Parse(text)
	if err != nil {
		rq.fail(err)
		return
	}
	q, err := soql.Resolve(p, rq.s.schema, rq.v)
	if err != nil {
		rq.fail(err)
		return
	}
	q.IncludeDeleted = all
	if q.Object == routemap.ObjectRoutingMap && !rq.c.can(routemap.PermReadRoutingMap) {
		rq.fail(&routemap.Error{Code: routemap.EINVALID, Reason: soql.ReasonInvalidType,
			Message: "sObject type 'CallCenterRoutingMap' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."})
		return
	}
	if strings.EqualFold(params.Get("columns"), "true") {
		rq.columnMetadata(q)
		return
	}
	c := &cursor{org: rq.c.Org.ID, user: rq.c.User.ID, query: q, objName: q.Object, fields: q.Fields, batch: batchSize(rq.r)}
	// The store needs Id for each record's URL even when not selected.
	if !q.Count && !contains(q.Fields, "Id") {
		q.Fields = append(append([]string(nil), q.Fields...), "Id")
	}
	rq.page(c, 0, true)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// batchSize reads Sforce-Query-Options: batchSize=N, clamped to 200–2,000.
func batchSize(r *http.Request) int {
	for _, opt := range strings.Split(r.Header.Get("Sforce-Query-Options"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(opt), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "batchSize") {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				return min(max(n, minBatch), defaultBatch)
			}
		}
	}
	return defaultBatch
}

func (rq *request) queryMore(locator string) {
	id, off, ok := strings.Cut(locator, "-")
	offset, err := strconv.Atoi(off)
	c := rq.s.cursors.get(id, rq.c.Org.ID, rq.s.Now())
	if !ok || err != nil || offset < 0 || c == nil || c.user != rq.c.User.ID {
		rq.fail(&routemap.Error{Code: routemap.EINVALID, Reason: reasonLocator, Message: "invalid query locator"})
		return
	}
	rq.page(c, offset, false)
}

// page answers one page of a query starting at offset.
func (rq *request) page(c *cursor, offset int, first bool) {
	res, err := rq.s.Store.Query(rq.r.Context(), c.org, c.query, offset, c.batch)
	if err != nil {
		rq.fail(err)
		return
	}
	if first {
		c.total = res.TotalSize
	}
	out := struct {
		TotalSize      int       `json:"totalSize"`
		Done           bool      `json:"done"`
		NextRecordsURL string    `json:"nextRecordsUrl,omitempty"`
		Records        []*record `json:"records"`
	}{TotalSize: c.total, Records: []*record{}}
	if c.query.Count {
		out.Done = true
		rq.json(http.StatusOK, out)
		return
	}
	idCol := indexOf(c.query.Fields, "Id")
	for _, vals := range res.Records {
		id, _ := vals[idCol].(string)
		rec := &record{Type: c.objName, URL: rq.path("sobjects", c.objName, id), Fields: c.fields, Values: vals[:len(c.fields)]}
		out.Records = append(out.Records, rec)
	}
	next := offset + len(res.Records)
	out.Done = len(res.Records) < c.batch || next >= c.total
	if !out.Done {
		if first {
			rq.s.cursors.put(c, rq.s.Now())
		}
		out.NextRecordsURL = rq.path("query", c.id+"-"+strconv.Itoa(next))
	}
	rq.json(http.StatusOK, out)
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// columnMetadata answers ?columns=true, which the Salesforce CLI asks
// before running a query, with the selected columns' descriptions.
func (rq *request) columnMetadata(q *routemap.Query) {
	o := rq.s.schema.Object(q.Object)
	cols := []map[string]any{}
	for _, name := range q.Fields {
		f := o.Field(name, rq.v)
		apex := map[string]string{routemap.TypeBoolean: "Boolean", routemap.TypeDateTime: "Datetime", routemap.TypeID: "Id", routemap.TypeReference: "Id"}[f.Type]
		if apex == "" {
			apex = "String"
		}
		cols = append(cols, map[string]any{
			"aggregate":      false,
			"apexType":       apex,
			"booleanType":    f.Type == routemap.TypeBoolean,
			"columnName":     f.Name,
			"custom":         strings.HasSuffix(f.Name, "__c"),
			"displayName":    f.Name,
			"foreignKeyName": nil,
			"insertable":     f.Createable,
			"joinColumns":    []any{},
			"numberType":     false,
			"textType":       apex == "String",
			"updatable":      f.Updateable,
		})
	}
	if q.Count {
		cols = append(cols, map[string]any{"aggregate": true, "apexType": "Integer", "booleanType": false, "columnName": "expr0",
			"custom": false, "displayName": "COUNT()", "foreignKeyName": nil, "insertable": false, "joinColumns": []any{},
			"numberType": true, "textType": false, "updatable": false})
	}
	rq.json(http.StatusOK, map[string]any{
		"columnMetadata": cols,
		"entityName":     q.Object,
		"groupBy":        false,
		"idSelected":     contains(q.Fields, "Id"),
		"keyPrefix":      o.KeyPrefix,
	})
}
