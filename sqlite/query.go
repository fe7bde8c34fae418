package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"routemap"
	"routemap/sfid"
)

// kind is how a column's values compare and come back from Query.
type kind int

const (
	kText kind = iota // string; compares and sorts ignoring letter case
	kID               // an 18-character id as string; compares exactly
	kBool             // 0 or 1, returned as bool
	kTime             // milliseconds since the epoch, returned as time.Time in UTC
)

// column is the SQL expression behind one API field. The expressions are
// fixed here; Query never puts anything else into SQL text.
type column struct {
	expr     string
	kind     kind
	nullable bool
}

// table is an sObject as Query sees it.
type table struct {
	from    string // the SQL table
	tenant  string // the column holding the org id
	deleted string // the soft-delete column, or ""
	key     string // a unique column, the last ORDER BY term so paging is stable
	cols    map[string]column
}

// queryTables maps each object of routemap.NewSchema, by its lower-case
// name, to its table; columns are keyed by lower-case API name.
var queryTables = map[string]*table{
	"callcenterroutingmap": {
		from: "routing_maps", tenant: "org_id", deleted: "is_deleted", key: "id",
		cols: withAudit(map[string]column{
			"id":                {"id", kID, false},
			"isdeleted":         {"is_deleted", kBool, false},
			"developername":     {"developer_name", kText, false},
			"language":          {"language", kText, false},
			"masterlabel":       {"master_label", kText, false},
			"callcenterid":      {"call_center_id", kID, false},
			"externalid":        {"external_id", kText, false},
			"referencerecordid": {"reference_record_id", kID, false},
			"quickconnect":      {"quick_connect", kText, true},
		}, "created_date", "created_by_id", "last_modified_date", "last_modified_by_id"),
	},
	"user": {
		from: "users", tenant: "org_id", key: "id",
		cols: withAudit(map[string]column{
			"id":           {"id", kID, false},
			"username":     {"username", kText, false},
			"alias":        {"alias", kText, false},
			"email":        {"email", kText, false},
			"firstname":    {"first_name", kText, true},
			"lastname":     {"last_name", kText, false},
			"name":         {"trim(coalesce(first_name, '') || ' ' || last_name)", kText, false},
			"isactive":     {"is_active", kBool, false},
			"callcenterid": {"call_center_id", kID, true},
		}, "created_date", "", "last_modified_date", ""),
	},
	"callcenter": {
		from: "call_centers", tenant: "org_id", key: "id",
		cols: withAudit(map[string]column{
			"id":                              {"id", kID, false},
			"name":                            {"name", kText, false},
			"internalname":                    {"internal_name", kText, false},
			"routemap__provider__c":           {"provider", kText, true},
			"routemap__connectinstancearn__c": {"connect_instance_arn", kText, true},
			"routemap__usernametemplate__c":   {"username_template", kText, true},
		}, "created_date", "", "created_date", ""),
	},
	"group": {
		from: "org_groups", tenant: "org_id", key: "id",
		cols: withAudit(map[string]column{
			"id":            {"id", kID, false},
			"name":          {"name", kText, false},
			"developername": {"developer_name", kText, false},
			"type":          {"type", kText, false},
		}, "created_date", "", "created_date", ""),
	},
	"organization": {
		from: "orgs", tenant: "id", key: "id",
		cols: withAudit(map[string]column{
			"id":   {"id", kID, false},
			"name": {"name", kText, false},
		}, "created_date", "", "created_date", ""),
	},
}

// withAudit adds the audit fields every object has. An empty column name
// means the store does not record that field and it reads as null.
func withAudit(cols map[string]column, created, createdBy, modified, modifiedBy string) map[string]column {
	ref := func(c string) column {
		if c == "" {
			return column{"NULL", kID, true}
		}
		return column{c, kID, true}
	}
	cols["createddate"] = column{created, kTime, false}
	cols["createdbyid"] = ref(createdBy)
	cols["lastmodifieddate"] = column{modified, kTime, false}
	cols["lastmodifiedbyid"] = ref(modifiedBy)
	cols["systemmodstamp"] = column{modified, kTime, false}
	return cols
}

// schemaField reports whether the object has the field in routemap's schema.
func schemaField(object, field string) bool {
	o := routemap.NewSchema().Object(object)
	return o != nil && o.Field(field, 0) != nil
}

// Query runs a resolved SOQL query for the org and returns at most
// pageSize records (no cap when pageSize <= 0) starting at the query's
// OFFSET plus skip, never past its LIMIT. TotalSize counts the records the
// query matches within its OFFSET and LIMIT, whatever the page.
//
// Comparisons follow SOQL: = null and != null test for null; != and NOT IN
// hold for null values; <, <=, >, >= and LIKE never hold for null values;
// text compares, sorts and matches LIKE ignoring ASCII letter case, while
// ids compare exactly. In LIKE, % and _ are wildcards and a backslash
// escapes them. Records are ordered by the ORDER BY terms, then by id.
//
// EINVALID for an object or field the store does not hold, an operator the
// field's type does not allow, or a literal of the wrong type.
func (s *Store) Query(ctx context.Context, org sfid.ID, q *routemap.Query, skip, pageSize int) (*routemap.QueryResult, error) {
	if q == nil {
		return nil, routemap.Errorf(routemap.EINVALID, "no query")
	}
	t, ok := queryTables[strings.ToLower(q.Object)]
	if !ok {
		return nil, routemap.Errorf(routemap.EINVALID, "sObject type '%s' is not supported", q.Object)
	}
	b := &sqlBuilder{t: t, object: q.Object}
	b.sb.WriteString(" FROM " + t.from + " WHERE " + t.tenant + " = ?")
	b.args = append(b.args, string(org))
	if t.deleted != "" && !q.IncludeDeleted {
		b.sb.WriteString(" AND " + t.deleted + " = 0")
	}
	if q.Where != nil {
		b.sb.WriteString(" AND ")
		if err := b.where(q.Where); err != nil {
			return nil, err
		}
	}
	fromWhere, whereArgs := b.sb.String(), b.args

	var sel strings.Builder
	cols := make([]column, len(q.Fields))
	if !q.Count {
		sel.WriteString("SELECT ")
		for i, f := range q.Fields {
			c, err := b.col(f)
			if err != nil {
				return nil, err
			}
			cols[i] = c
			if i > 0 {
				sel.WriteString(", ")
			}
			sel.WriteString(c.expr)
		}
		sel.WriteString(fromWhere)
		sel.WriteString(" ORDER BY ")
		for _, o := range q.OrderBy {
			c, err := b.col(o.Field)
			if err != nil {
				return nil, err
			}
			if c.nullable {
				// NULLS FIRST/LAST, spelled so any SQL database reads it.
				sel.WriteString("(" + c.expr + " IS NULL)")
				if o.NullsFirst {
					sel.WriteString(" DESC")
				}
				sel.WriteString(", ")
			}
			sel.WriteString(c.expr + collate(c))
			if o.Desc {
				sel.WriteString(" DESC")
			}
			sel.WriteString(", ")
		}
		sel.WriteString(t.key + " LIMIT ? OFFSET ?")
	}

	tx, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer tx.Rollback()
	var count int
	if err := tx.QueryRowContext(ctx, "SELECT count(*)"+fromWhere, whereArgs...).Scan(&count); err != nil {
		return nil, fmt.Errorf("query count: %w", err)
	}
	offset := max(q.Offset, 0)
	total := max(count-offset, 0)
	if q.Limit >= 0 {
		total = min(total, q.Limit)
	}
	res := &routemap.QueryResult{TotalSize: total, Records: [][]any{}}
	skip = max(skip, 0)
	n := total - skip
	if pageSize > 0 {
		n = min(n, pageSize)
	}
	if q.Count || len(q.Fields) == 0 || n <= 0 {
		return res, nil
	}
	args := append(append(make([]any, 0, len(whereArgs)+2), whereArgs...), n, offset+skip)
	rows, err := tx.QueryContext(ctx, sel.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	raw := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("query: %w", err)
		}
		rec := make([]any, len(cols))
		for i, c := range cols {
			rec[i] = value(c.kind, raw[i])
		}
		res.Records = append(res.Records, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return res, nil
}

// value converts what SQLite returned for a column of kind k to the type
// QueryResult promises: nil, string, bool or time.Time.
func value(k kind, v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case []byte:
		return string(v)
	case int64:
		switch k {
		case kBool:
			return v != 0
		case kTime:
			return fromMillis(v)
		}
		return float64(v)
	case time.Time:
		return v.UTC()
	}
	return v
}

func collate(c column) string {
	if c.kind == kText {
		return " COLLATE NOCASE"
	}
	return ""
}

// sqlBuilder writes a WHERE condition with its bound arguments.
type sqlBuilder struct {
	t      *table
	object string
	sb     strings.Builder
	args   []any
}

func (b *sqlBuilder) col(field string) (column, error) {
	c, ok := b.t.cols[strings.ToLower(field)]
	if !ok {
		return column{}, &routemap.Error{Code: routemap.EINVALID, Fields: []string{field},
			Message: "No such column '" + field + "' on entity '" + b.object + "'"}
	}
	return c, nil
}

func (b *sqlBuilder) where(e routemap.Expr) error {
	switch e := e.(type) {
	case *routemap.AndExpr:
		return b.join(e.Terms, " AND ", "1 = 1")
	case *routemap.OrExpr:
		return b.join(e.Terms, " OR ", "1 = 0")
	case *routemap.NotExpr:
		b.sb.WriteString("NOT (")
		if err := b.where(e.X); err != nil {
			return err
		}
		b.sb.WriteString(")")
		return nil
	case *routemap.Comparison:
		return b.comparison(e)
	case *routemap.InExpr:
		return b.in(e)
	}
	return routemap.Errorf(routemap.EINVALID, "unsupported condition %T", e)
}

func (b *sqlBuilder) join(terms []routemap.Expr, op, empty string) error {
	if len(terms) == 0 {
		b.sb.WriteString("(" + empty + ")")
		return nil
	}
	b.sb.WriteString("(")
	for i, t := range terms {
		if i > 0 {
			b.sb.WriteString(op)
		}
		if err := b.where(t); err != nil {
			return err
		}
	}
	b.sb.WriteString(")")
	return nil
}

// Every condition the builder writes is true or false, never SQL's
// unknown: a comparison with a nullable column first requires the column
// to be set. That gives SOQL's two-valued logic, where NOT (x = 'a') and
// x != 'a' hold for a null x.

func (b *sqlBuilder) comparison(e *routemap.Comparison) error {
	c, err := b.col(e.Field)
	if err != nil {
		return err
	}
	if e.Value.Kind == routemap.LitNull {
		switch e.Op {
		case routemap.OpEq:
			b.sb.WriteString("(" + c.expr + " IS NULL)")
		case routemap.OpNe:
			b.sb.WriteString("(" + c.expr + " IS NOT NULL)")
		default:
			return b.badOp(e.Field, e.Op)
		}
		return nil
	}
	v, err := b.value(e.Field, c, e.Value)
	if err != nil {
		return err
	}
	switch e.Op {
	case routemap.OpEq:
		b.atom(c, "=", v)
	case routemap.OpNe:
		b.sb.WriteString("NOT ")
		b.atom(c, "=", v)
	case routemap.OpLt, routemap.OpLe, routemap.OpGt, routemap.OpGe:
		if c.kind == kBool {
			return b.badOp(e.Field, e.Op)
		}
		b.atom(c, string(e.Op), v)
	case routemap.OpLike:
		if c.kind != kText && c.kind != kID {
			return b.badOp(e.Field, e.Op)
		}
		b.sb.WriteString("(")
		if c.nullable {
			b.sb.WriteString(c.expr + " IS NOT NULL AND ")
		}
		// SQLite's LIKE ignores ASCII letter case.
		b.sb.WriteString(c.expr + ` LIKE ? ESCAPE '\')`)
		b.args = append(b.args, v)
	default:
		return b.badOp(e.Field, e.Op)
	}
	return nil
}

func (b *sqlBuilder) atom(c column, op string, v any) {
	b.sb.WriteString("(")
	if c.nullable {
		b.sb.WriteString(c.expr + " IS NOT NULL AND ")
	}
	b.sb.WriteString(c.expr + collate(c) + " " + op + " ?)")
	b.args = append(b.args, v)
}

func (b *sqlBuilder) in(e *routemap.InExpr) error {
	c, err := b.col(e.Field)
	if err != nil {
		return err
	}
	var vals []any
	hasNull := false
	for _, l := range e.Values {
		if l.Kind == routemap.LitNull {
			hasNull = true
			continue
		}
		v, err := b.value(e.Field, c, l)
		if err != nil {
			return err
		}
		vals = append(vals, v)
	}
	if e.Negate {
		b.sb.WriteString("NOT ")
	}
	b.sb.WriteString("(")
	var parts []string
	if len(vals) > 0 {
		var p strings.Builder
		p.WriteString("(")
		if c.nullable {
			p.WriteString(c.expr + " IS NOT NULL AND ")
		}
		p.WriteString(c.expr + collate(c) + " IN (")
		for i, v := range vals {
			if i > 0 {
				p.WriteString(", ")
			}
			p.WriteString("?")
			b.args = append(b.args, v)
		}
		p.WriteString("))")
		parts = append(parts, p.String())
	}
	if hasNull {
		parts = append(parts, c.expr+" IS NULL")
	}
	if len(parts) == 0 {
		parts = append(parts, "1 = 0")
	}
	b.sb.WriteString(strings.Join(parts, " OR ") + ")")
	return nil
}

// value converts a literal to the bound value of a column of kind c.kind.
func (b *sqlBuilder) value(field string, c column, l routemap.Literal) (any, error) {
	switch c.kind {
	case kText, kID:
		if l.Kind == routemap.LitString {
			return l.Str, nil
		}
	case kBool:
		if l.Kind == routemap.LitBool {
			return boolInt(l.Bool), nil
		}
	case kTime:
		if l.Kind == routemap.LitDateTime || l.Kind == routemap.LitDate {
			return toMillis(l.Time), nil
		}
	}
	return nil, &routemap.Error{Code: routemap.EINVALID, Fields: []string{field},
		Message: fmt.Sprintf("value of incorrect type for field %s", field)}
}

func (b *sqlBuilder) badOp(field string, op routemap.CmpOp) error {
	return &routemap.Error{Code: routemap.EINVALID, Fields: []string{field},
		Message: fmt.Sprintf("operator %s cannot be used with field %s", op, field)}
}
