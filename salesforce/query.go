package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"routemap"
	"routemap/sfid"
)

// Record is an sObject as the REST API returns it, decoded from JSON:
// field name to value, with "attributes" ({type, url}) kept. Values are
// nil, string, bool, json.Number, nested Records (relationship fields, as
// map[string]any) or slices. Field names are matched exactly first, then
// ignoring case, as SOQL does.
type Record map[string]any

// Get returns the value of field, following dots through relationship
// fields ("ReferenceRecord.Name"); nil when absent or null.
func (r Record) Get(field string) any {
	var cur any = map[string]any(r)
	for _, part := range strings.Split(field, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			if rec, isRec := cur.(Record); isRec {
				m = rec
			} else {
				return nil
			}
		}
		v, found := m[part]
		if !found {
			for k, x := range m {
				if strings.EqualFold(k, part) {
					v, found = x, true
					break
				}
			}
		}
		if !found {
			return nil
		}
		cur = v
	}
	return cur
}

// String returns field as text: a string as is, a number or boolean
// formatted, "" when absent or null.
func (r Record) String(field string) string {
	switch v := r.Get(field).(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

// Bool returns a boolean field; false when absent, null or not a boolean
// (the string "true" counts as true, as in CSV results).
func (r Record) Bool(field string) bool {
	switch v := r.Get(field).(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// ID returns the record's Id as an 18-character id; zero when it has none
// or it is malformed.
func (r Record) ID() sfid.ID {
	id, err := sfid.Parse(r.String("Id"))
	if err != nil {
		return ""
	}
	return id
}

// Type returns the sObject type from attributes.type, e.g. "User".
func (r Record) Type() string { return r.String("attributes.type") }

// queryPage is one page of a SOQL answer.
type queryPage struct {
	TotalSize      json.Number `json:"totalSize"`
	Done           bool        `json:"done"`
	NextRecordsURL *string     `json:"nextRecordsUrl"`
	Records        []Record    `json:"records"`
}

// Query runs a SOQL query and calls fn with every record, page after page
// through nextRecordsUrl, so memory holds one page (at most 2,000 records)
// at a time. An error from fn stops the query and is returned as is.
// Build literals with QuoteString. Errors: EINVALID (MALFORMED_QUERY,
// INVALID_FIELD, INVALID_TYPE), EUNAUTHORIZED, ELIMIT, and those of fn.
func (c *Client) Query(ctx context.Context, soql string, fn func(rec Record) error) error {
	return c.query(ctx, "query", soql, fn)
}

// QueryAll is Query over queryAll, which also returns deleted records
// (IsDeleted true) still in the recycle bin.
func (c *Client) QueryAll(ctx context.Context, soql string, fn func(rec Record) error) error {
	return c.query(ctx, "queryAll", soql, fn)
}

func (c *Client) query(ctx context.Context, resource, soql string, fn func(Record) error) error {
	cl := &call{method: http.MethodGet, url: c.dataPath(resource), query: url.Values{"q": {soql}}}
	if c.batchSize > 0 {
		cl.header = http.Header{"Sforce-Query-Options": {"batchSize=" + strconv.Itoa(c.batchSize)}}
	}
	for page := 1; ; page++ {
		var p queryPage
		if err := c.doJSON(ctx, cl, &p); err != nil {
			return err
		}
		for _, rec := range p.Records {
			if err := fn(rec); err != nil {
				return err
			}
		}
		next := ""
		if p.NextRecordsURL != nil {
			next = strings.TrimSpace(*p.NextRecordsURL)
		}
		if p.Done || next == "" {
			// done without a next URL ends the query; so does a
			// missing or null nextRecordsUrl, whatever done says, rather
			// than re-running the query as jsforce does.
			return nil
		}
		if u, err := url.Parse(next); err == nil && !u.IsAbs() && !strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "services/") {
			// A bare locator, or a path relative to the query resource:
			// keep its last segment, as jsforce does.
			next = c.dataPath(resource, u.Path[strings.LastIndexByte(u.Path, '/')+1:])
		}
		if page > 1_000_000 {
			return fmt.Errorf("%s: %w", resource, routemap.Errorf(routemap.EINTERNAL, "the server returned more than a million pages"))
		}
		cl = &call{method: http.MethodGet, url: next, header: cl.header}
	}
}

// Count runs a SELECT COUNT() query and returns its totalSize. Errors:
// those of Query, and EINTERNAL when the answer has no count.
func (c *Client) Count(ctx context.Context, soql string) (int, error) {
	var p queryPage
	cl := &call{method: http.MethodGet, url: c.dataPath("query"), query: url.Values{"q": {soql}}}
	if err := c.doJSON(ctx, cl, &p); err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(p.TotalSize.String())
	if err != nil || n < 0 {
		return 0, fmt.Errorf("query: %w", routemap.Errorf(routemap.EINTERNAL, "the server answered a COUNT() query without a count (totalSize %q)", p.TotalSize.String()))
	}
	return n, nil
}

// QuoteString returns s as a SOQL string literal: in single quotes, with
// backslash, quotes and control characters escaped as Salesforce's SOQL
// reference lists (\\, \', \", \n, \r, \t, \b, \f). Use it for every
// value put into a query; the result is not a LIKE pattern (% and _ stay
// wildcards there).
func QuoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
