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
	id    string
	org   sfid.ID
	user  sfid.ID
	query *routemap.Query // with the shape's hidden fields
	shape *shape
	total int
	batch int
	used  time.Time
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
	sh, storeFields := newShape(rq.s.schema, q, rq.v)
	if strings.EqualFold(params.Get("columns"), "true") {
		rq.columnMetadata(q, sh)
		return
	}
	c := &cursor{org: rq.c.Org.ID, user: rq.c.User.ID, query: q, shape: sh, batch: batchSize(rq.r)}
	if !q.Count {
		q.Fields = storeFields
	}
	rq.page(c, 0, true)
}

// shape says how the store's value rows for a query become records, which
// keep Salesforce's layout: the keys in select order, except that all the
// fields of one relationship share one key, at the place of the first,
// holding the parent as a nested record (or null when there is none).
type shape struct {
	object string
	idCol  int // the index of Id in a row
	keys   []shapeKey
}

// shapeKey is one key of a query record: a field of the queried object, or
// a relationship whose nested record holds fields.
type shapeKey struct {
	name string // the field, or the relationship name
	col  int    // the field's value index; for a relationship, its parent's Id
	rel  bool
	// For a relationship: the parent's fields in select order with their
	// value indexes, and the parent object, "" for a polymorphic one,
	// whose type the parent's id prefix gives.
	fields []string
	cols   []int
	parent string
	// info is the schema field of a field key; relInfo and parentInfo the
	// reference field and parent object of a relationship key. Only
	// columnMetadata reads them.
	info       *routemap.FieldInfo
	relInfo    *routemap.FieldInfo
	parentInfo *routemap.ObjectInfo
}

// newShape lays out the records of a resolved query q and returns the
// fields the store must read: q.Fields, then the hidden ones the records
// need, Id for each record's URL and each relationship's parent Id for its
// nested record's type, URL and presence. q is not changed.
func newShape(schema *routemap.Schema, q *routemap.Query, version float64) (*shape, []string) {
	o := schema.Object(q.Object)
	fields := append([]string(nil), q.Fields...)
	col := func(f string) int {
		if i := indexOf(fields, f); i >= 0 {
			return i
		}
		fields = append(fields, f)
		return len(fields) - 1
	}
	sh := &shape{object: o.Name}
	rels := map[string]int{} // relationship name to key index
	for i, f := range q.Fields {
		rel, name := routemap.SplitPath(f)
		if rel == "" {
			sh.keys = append(sh.keys, shapeKey{name: f, col: i, info: o.Field(f, version)})
			continue
		}
		k, ok := rels[rel]
		if !ok {
			k = len(sh.keys)
			rels[rel] = k
			key := shapeKey{name: rel, rel: true, relInfo: o.Relationship(rel, version)}
			key.parentInfo = schema.Parent(key.relInfo)
			if key.relInfo != nil && len(key.relInfo.ReferenceTo) == 1 {
				key.parent = key.relInfo.ReferenceTo[0]
			}
			sh.keys = append(sh.keys, key)
		}
		sh.keys[k].fields = append(sh.keys[k].fields, name)
		sh.keys[k].cols = append(sh.keys[k].cols, i)
	}
	for i := range sh.keys {
		if sh.keys[i].rel {
			sh.keys[i].col = col(sh.keys[i].name + ".Id")
		}
	}
	sh.idCol = col("Id")
	return sh, fields
}

// record renders one row of the store's answer.
func (sh *shape) record(rq *request, vals []any) *record {
	id, _ := vals[sh.idCol].(string)
	rec := &record{Type: sh.object, URL: rq.path("sobjects", sh.object, id),
		Fields: make([]string, len(sh.keys)), Values: make([]any, len(sh.keys))}
	for i, k := range sh.keys {
		rec.Fields[i] = k.name
		if !k.rel {
			rec.Values[i] = vals[k.col]
			continue
		}
		pid, _ := vals[k.col].(string)
		if pid == "" {
			continue // no parent: null
		}
		typ := k.parent
		if typ == "" {
			if typ = sfid.ID(pid).Prefix().Object(); typ == "" {
				typ = routemap.ObjectPolymorphicName
			}
		}
		parent := &record{Type: typ, URL: rq.path("sobjects", typ, pid), Fields: k.fields, Values: make([]any, len(k.cols))}
		for j, c := range k.cols {
			parent.Values[j] = vals[c]
		}
		rec.Values[i] = parent
	}
	return rec
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
	for _, vals := range res.Records {
		out.Records = append(out.Records, c.shape.record(rq, vals))
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
// before running a query, with the selected columns' descriptions: one
// column per field of the object, and one per relationship whose
// joinColumns describe its fields, displayed as "ReferenceRecord.Name"
// (compat/CLIENTS.md §4.3).
func (rq *request) columnMetadata(q *routemap.Query, sh *shape) {
	cols := []map[string]any{}
	for _, k := range sh.keys {
		if !k.rel {
			if k.info != nil {
				cols = append(cols, fieldColumn(k.info, k.info.Name, k.info.Createable, k.info.Updateable))
			}
			continue
		}
		joins := []map[string]any{}
		for _, name := range k.fields {
			if k.parentInfo == nil {
				break
			}
			if f := k.parentInfo.Field(name, rq.v); f != nil {
				joins = append(joins, fieldColumn(f, k.name+"."+f.Name, false, false))
			}
		}
		cols = append(cols, map[string]any{
			"aggregate":      false,
			"apexType":       nil,
			"booleanType":    false,
			"columnName":     k.name,
			"custom":         false,
			"displayName":    k.name,
			"foreignKeyName": nil,
			"insertable":     false,
			"joinColumns":    joins,
			"numberType":     false,
			"textType":       false,
			"updatable":      false,
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
		"keyPrefix":      rq.s.schema.Object(q.Object).KeyPrefix,
	})
}

// fieldColumn describes one field as a column of columnMetadata.
func fieldColumn(f *routemap.FieldInfo, display string, insertable, updatable bool) map[string]any {
	apex := map[string]string{routemap.TypeBoolean: "Boolean", routemap.TypeDateTime: "Datetime", routemap.TypeID: "Id", routemap.TypeReference: "Id"}[f.Type]
	if apex == "" {
		apex = "String"
	}
	return map[string]any{
		"aggregate":      false,
		"apexType":       apex,
		"booleanType":    f.Type == routemap.TypeBoolean,
		"columnName":     f.Name,
		"custom":         strings.HasSuffix(f.Name, "__c"),
		"displayName":    display,
		"foreignKeyName": nil,
		"insertable":     insertable,
		"joinColumns":    []any{},
		"numberType":     false,
		"textType":       apex == "String",
		"updatable":      updatable,
	}
}
