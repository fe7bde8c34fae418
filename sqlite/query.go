package sqlite

import (
	"context"
	"fmt"
	"strconv"
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

// mainAlias is the SQL alias of the queried table. Parent tables joined
// for relationship fields are p1, p2, ... in the order Query meets them.
const mainAlias = "t"

// table is an sObject as Query sees it. Its columns are built for a table
// alias, so that one definition serves both the queried table and a parent
// joined to it.
type table struct {
	from    string // the SQL table
	tenant  string // the column holding the org id
	deleted string // the soft-delete column, or ""
	key     string // a unique column, the last ORDER BY term so paging is stable
	cols    func(alias string) map[string]column
	// rels are the child-to-parent relationships, by lower-case
	// relationship name.
	rels map[string]relationship
}

// relationship is a child-to-parent relationship as Query follows it: a
// LEFT JOIN from the child's reference column to each parent table, on the
// parent's id and on the child's org, so that a parent of another org is
// never joined whatever the reference holds.
type relationship struct {
	// ref is the child's reference column, or "" when the store does not
	// record the reference; the parent's fields then read as null.
	ref string
	// parents are the queryTables keys of the objects the reference may
	// point at: one, or several for a polymorphic relationship.
	parents []string
	// cols builds a polymorphic relationship's columns (the Name
	// pseudo-object) over the aliases of parents, in order. nil means the
	// columns of the single parent.
	cols func(aliases []string) map[string]column
}

// queryTables maps each object of routemap.NewSchema, by its lower-case
// name, to its table; columns are keyed by lower-case API name.
var queryTables = map[string]*table{
	"callcenterroutingmap": {
		from: "routing_maps", tenant: "org_id", deleted: "is_deleted", key: "id", cols: routingMapQueryCols,
		rels: withAuditRels(map[string]relationship{
			"callcenter":      {ref: "call_center_id", parents: []string{"callcenter"}},
			"referencerecord": {ref: "reference_record_id", parents: []string{"user", "group"}, cols: nameQueryCols},
		}, "created_by_id", "last_modified_by_id"),
	},
	"user": {
		from: "users", tenant: "org_id", key: "id", cols: userQueryCols,
		rels: withAuditRels(map[string]relationship{
			"callcenter": {ref: "call_center_id", parents: []string{"callcenter"}},
		}, "", ""),
	},
	"callcenter":   {from: "call_centers", tenant: "org_id", key: "id", cols: callCenterQueryCols, rels: withAuditRels(nil, "", "")},
	"group":        {from: "org_groups", tenant: "org_id", key: "id", cols: groupQueryCols, rels: withAuditRels(nil, "", "")},
	"organization": {from: "orgs", tenant: "id", key: "id", cols: organizationQueryCols, rels: withAuditRels(nil, "", "")},
}

// qualify returns a function that prefixes a column name with alias.
func qualify(alias string) func(string) string {
	return func(c string) string { return alias + "." + c }
}

func routingMapQueryCols(a string) map[string]column {
	q := qualify(a)
	return withAudit(q, map[string]column{
		"id":                {q("id"), kID, false},
		"isdeleted":         {q("is_deleted"), kBool, false},
		"developername":     {q("developer_name"), kText, false},
		"language":          {q("language"), kText, false},
		"masterlabel":       {q("master_label"), kText, false},
		"callcenterid":      {q("call_center_id"), kID, false},
		"externalid":        {q("external_id"), kText, false},
		"referencerecordid": {q("reference_record_id"), kID, false},
		"quickconnect":      {q("quick_connect"), kText, true},
	}, "created_date", "created_by_id", "last_modified_date", "last_modified_by_id")
}

// userName is the expression of User.Name: first and last name, or the
// last name alone.
func userName(q func(string) string) string {
	return "trim(coalesce(" + q("first_name") + ", '') || ' ' || " + q("last_name") + ")"
}

func userQueryCols(a string) map[string]column {
	q := qualify(a)
	return withAudit(q, map[string]column{
		"id":           {q("id"), kID, false},
		"username":     {q("username"), kText, false},
		"alias":        {q("alias"), kText, false},
		"email":        {q("email"), kText, false},
		"firstname":    {q("first_name"), kText, true},
		"lastname":     {q("last_name"), kText, false},
		"name":         {userName(q), kText, false},
		"isactive":     {q("is_active"), kBool, false},
		"callcenterid": {q("call_center_id"), kID, true},
	}, "created_date", "", "last_modified_date", "")
}

func callCenterQueryCols(a string) map[string]column {
	q := qualify(a)
	return withAudit(q, map[string]column{
		"id":                              {q("id"), kID, false},
		"name":                            {q("name"), kText, false},
		"internalname":                    {q("internal_name"), kText, false},
		"routemap__provider__c":           {q("provider"), kText, true},
		"routemap__connectinstancearn__c": {q("connect_instance_arn"), kText, true},
		"routemap__usernametemplate__c":   {q("username_template"), kText, true},
	}, "created_date", "", "created_date", "")
}

func groupQueryCols(a string) map[string]column {
	q := qualify(a)
	return withAudit(q, map[string]column{
		"id":            {q("id"), kID, false},
		"name":          {q("name"), kText, false},
		"developername": {q("developer_name"), kText, false},
		"type":          {q("type"), kText, false},
	}, "created_date", "", "created_date", "")
}

// organizationQueryCols are the orgs table's columns. The fields the store does
// not keep are constants of the query, the values of routemap.OrgInstanceName
// and routemap.OrgType written as SQL literals (storetest checks they
// agree): every org is a production Enterprise Edition org, not a sandbox,
// with no trial end and no namespace prefix.
func organizationQueryCols(a string) map[string]column {
	q := qualify(a)
	return withAudit(q, map[string]column{
		"id":                  {q("id"), kID, false},
		"name":                {q("name"), kText, false},
		"instancename":        {"'RM1'", kText, false},
		"issandbox":           {"0", kBool, false},
		"trialexpirationdate": {"NULL", kTime, true},
		"namespaceprefix":     {"NULL", kText, true},
		"organizationtype":    {"'Enterprise Edition'", kText, false},
	}, "created_date", "", "created_date", "")
}

// nameQueryCols are the columns of the Name pseudo-object over a user (the
// first alias) and a group (the second) joined on the same reference; at
// most one of them matches. Fields only users have are null for a group;
// Type is "User" for a user and the group's type (such as "Queue") for a
// group.
func nameQueryCols(aliases []string) map[string]column {
	u, g := qualify(aliases[0]), qualify(aliases[1])
	either := func(user, group string) string {
		return "(CASE WHEN " + u("id") + " IS NOT NULL THEN " + user + " ELSE " + group + " END)"
	}
	return map[string]column{
		"id":        {"coalesce(" + u("id") + ", " + g("id") + ")", kID, true},
		"name":      {either(userName(u), g("name")), kText, true},
		"alias":     {u("alias"), kText, true},
		"username":  {u("username"), kText, true},
		"email":     {u("email"), kText, true},
		"firstname": {u("first_name"), kText, true},
		"lastname":  {u("last_name"), kText, true},
		"isactive":  {u("is_active"), kBool, true},
		"type":      {either("'User'", g("type")), kText, true},
	}
}

// withAudit adds the audit fields every object has, with columns qualified
// by q. An empty column name means the store does not record that field
// and it reads as null.
func withAudit(q func(string) string, cols map[string]column, created, createdBy, modified, modifiedBy string) map[string]column {
	ref := func(c string) column {
		if c == "" {
			return column{"NULL", kID, true}
		}
		return column{q(c), kID, true}
	}
	cols["createddate"] = column{q(created), kTime, false}
	cols["createdbyid"] = ref(createdBy)
	cols["lastmodifieddate"] = column{q(modified), kTime, false}
	cols["lastmodifiedbyid"] = ref(modifiedBy)
	cols["systemmodstamp"] = column{q(modified), kTime, false}
	return cols
}

// withAuditRels adds the CreatedBy and LastModifiedBy relationships every
// object has, over the audit columns withAudit names ("" when not
// recorded).
func withAuditRels(rels map[string]relationship, createdBy, modifiedBy string) map[string]relationship {
	if rels == nil {
		rels = map[string]relationship{}
	}
	rels["createdby"] = relationship{ref: createdBy, parents: []string{"user"}}
	rels["lastmodifiedby"] = relationship{ref: modifiedBy, parents: []string{"user"}}
	return rels
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
// A relationship field ("ReferenceRecord.Name") reads its parent through a
// LEFT JOIN on the parent's id and on the querying org, so a parent that
// is missing, or that belongs to another org, reads as null; such fields
// are nullable in every comparison and ordering above.
//
// EINVALID for an object or field the store does not hold, an operator the
// field's type does not allow, or a literal of the wrong type.
func (s *Store) Query(ctx context.Context, org sfid.ID, q *routemap.Query, skip, pageSize int) (*routemap.QueryResult, error) {
	if q == nil {
		return nil, routemap.Errorf(routemap.EINVALID, "no query")
	}
	st, err := buildQuery(org, q)
	if err != nil {
		return nil, err
	}
	countSQL, whereArgs, cols := st.count, st.args, st.cols
	tx, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer tx.Rollback()
	var count int
	if err := tx.QueryRowContext(ctx, countSQL, whereArgs...).Scan(&count); err != nil {
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
	rows, err := tx.QueryContext(ctx, st.sel, args...)
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

// queryStmt is a Query's SQL: the count, the page select (empty for
// COUNT()), the WHERE arguments both take (the select adds LIMIT and
// OFFSET) and the selected columns.
type queryStmt struct {
	count, sel string
	args       []any
	cols       []column
}

// buildQuery writes the SQL of q in org.
func buildQuery(org sfid.ID, q *routemap.Query) (*queryStmt, error) {
	t, ok := queryTables[strings.ToLower(q.Object)]
	if !ok {
		return nil, routemap.Errorf(routemap.EINVALID, "sObject type '%s' is not supported", q.Object)
	}
	b := &sqlBuilder{t: t, object: q.Object, cols: t.cols(mainAlias), parents: map[string]map[string]column{}}
	b.sb.WriteString(" WHERE " + mainAlias + "." + t.tenant + " = ?")
	b.args = append(b.args, string(org))
	if t.deleted != "" && !q.IncludeDeleted {
		b.sb.WriteString(" AND " + mainAlias + "." + t.deleted + " = 0")
	}
	if q.Where != nil {
		b.sb.WriteString(" AND ")
		if err := b.where(q.Where); err != nil {
			return nil, err
		}
	}
	// The count needs only the parents WHERE uses; joins hold no
	// parameters, so the arguments are the same for both statements.
	from := " FROM " + t.from + " AS " + mainAlias
	where, whereArgs := b.sb.String(), b.args
	countSQL := "SELECT count(*)" + from + strings.Join(b.joins, "") + where

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
		var order strings.Builder
		for _, o := range q.OrderBy {
			c, err := b.col(o.Field)
			if err != nil {
				return nil, err
			}
			if c.nullable {
				// NULLS FIRST/LAST, spelled so any SQL database reads it.
				order.WriteString("(" + c.expr + " IS NULL)")
				if o.NullsFirst {
					order.WriteString(" DESC")
				}
				order.WriteString(", ")
			}
			order.WriteString(c.expr + collate(c))
			if o.Desc {
				order.WriteString(" DESC")
			}
			order.WriteString(", ")
		}
		sel.WriteString(from + strings.Join(b.joins, "") + where)
		sel.WriteString(" ORDER BY " + order.String() + mainAlias + "." + t.key + " LIMIT ? OFFSET ?")
	}

	return &queryStmt{count: countSQL, sel: sel.String(), args: whereArgs, cols: cols}, nil
}

// sqlBuilder writes a WHERE condition with its bound arguments, and the
// LEFT JOINs of the relationships the query's fields use.
type sqlBuilder struct {
	t      *table
	object string
	cols   map[string]column // the queried table's, under mainAlias
	sb     strings.Builder
	args   []any
	// joins are the LEFT JOIN clauses so far, each with a leading space;
	// parents holds each joined relationship's columns by lower-case
	// relationship name; aliases counts the parent aliases handed out.
	joins   []string
	parents map[string]map[string]column
	aliases int
}

// col returns the column behind a field path of routemap.Query, joining
// the relationship's parent tables the first time a path uses it.
func (b *sqlBuilder) col(field string) (column, error) {
	rel, name := routemap.SplitPath(field)
	cols, object := b.cols, b.object
	if rel != "" {
		var err error
		if cols, err = b.parent(field, rel); err != nil {
			return column{}, err
		}
		object = rel
	}
	c, ok := cols[strings.ToLower(name)]
	if !ok {
		return column{}, &routemap.Error{Code: routemap.EINVALID, Fields: []string{field},
			Message: "No such column '" + name + "' on entity '" + object + "'"}
	}
	return c, nil
}

// parent returns the columns of the relationship named rel, adding its
// joins. Every parent column may be null, since the parent may be missing.
// Only names from the fixed tables above reach the SQL text; rel is used
// as a map key alone.
func (b *sqlBuilder) parent(field, rel string) (map[string]column, error) {
	key := strings.ToLower(rel)
	if cols, ok := b.parents[key]; ok {
		return cols, nil
	}
	r, ok := b.t.rels[key]
	if !ok {
		return nil, &routemap.Error{Code: routemap.EINVALID, Fields: []string{field},
			Message: "Didn't understand relationship '" + rel + "' in field path"}
	}
	aliases := make([]string, len(r.parents))
	for i, name := range r.parents {
		p := queryTables[name]
		b.aliases++
		aliases[i] = "p" + strconv.Itoa(b.aliases)
		if r.ref != "" {
			b.joins = append(b.joins, " LEFT JOIN "+p.from+" AS "+aliases[i]+
				" ON "+aliases[i]+"."+p.tenant+" = "+mainAlias+"."+b.t.tenant+
				" AND "+aliases[i]+"."+p.key+" = "+mainAlias+"."+r.ref)
		}
	}
	var cols map[string]column
	if r.cols != nil {
		cols = r.cols(aliases)
	} else {
		cols = queryTables[r.parents[0]].cols(aliases[0])
	}
	for k, c := range cols {
		c.nullable = true
		if r.ref == "" {
			c.expr = "NULL"
		}
		cols[k] = c
	}
	b.parents[key] = cols
	return cols, nil
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
