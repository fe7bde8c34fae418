package soql

import (
	"fmt"
	"strings"

	"routemap"
	"routemap/sfid"
)

// Resolve checks p against schema at an API version (0 for the newest) and
// returns the query stores run: object, fields and relationship paths in
// canonical spelling (the path forms of routemap.Query), literals checked
// against their field's type, ids in 18-character form, ORDER BY nulls
// placement made explicit, Limit -1 when absent. A relationship path
// follows one child-to-parent relationship, such as ReferenceRecord.Name;
// its literals are checked against the parent field's type.
//
// Errors are *routemap.Error with Code routemap.EINVALID and Reason
// ReasonInvalidType (unknown object), ReasonInvalidField (unknown field or
// relationship, unknown field on the parent, field newer than version,
// path of more than one relationship, field not filterable or sortable
// where used, value or operator the field's type rejects, duplicate
// field) or ReasonInvalidFilterValue (malformed id, null with an
// operator other than = and !=). A tree Parse would not build may also get
// ReasonMalformedQuery; a nil p or schema is EINTERNAL, a caller's bug.
func Resolve(p *Parsed, schema *routemap.Schema, version float64) (*routemap.Query, error) {
	if p == nil || schema == nil {
		return nil, routemap.Errorf(routemap.EINTERNAL, "soql: resolve needs a parsed query and a schema")
	}
	obj := schema.Object(p.Object)
	if obj == nil {
		return nil, errorAt(p.Text, p.ObjectPos, ReasonInvalidType, fmt.Sprintf("sObject type '%s' is not supported. "+
			"If you are attempting to use a custom object, be sure to append the '__c' after the entity name. "+
			"Please reference your WSDL or the describe call for the appropriate names.", p.Object))
	}
	if p.Count && len(p.Fields) > 0 {
		// Parse never builds this; a tree built by hand might.
		return nil, errorAt(p.Text, p.Fields[0].Pos, ReasonMalformedQuery, "COUNT() cannot be combined with fields in the SELECT list")
	}
	r := &resolver{text: p.Text, schema: schema, obj: obj, version: version}
	q := &routemap.Query{Object: obj.Name, Count: p.Count, Limit: p.Limit, Offset: max(p.Offset, 0)}
	var err error
	if q.Fields, err = r.selectList(p.Fields); err != nil {
		return nil, err
	}
	if p.Where != nil {
		if q.Where, err = r.cond(p.Where); err != nil {
			return nil, err
		}
	}
	if q.OrderBy, err = r.orderBy(p.OrderBy); err != nil {
		return nil, err
	}
	if q.Limit < 0 {
		q.Limit = -1
	}
	return q, nil
}

// resolver carries what every check needs: the text errors quote, and the
// schema, object and version names resolve against.
type resolver struct {
	text    string
	schema  *routemap.Schema
	obj     *routemap.ObjectInfo
	version float64
}

func (r *resolver) errorAt(pos Pos, reason, format string, args ...any) error {
	return errorAt(r.text, pos, reason, fmt.Sprintf(format, args...))
}

// ref is a resolved field: its canonical path, as routemap.Query holds it,
// and the schema field it ends in (a parent's field for a relationship
// path), whose type and flags the checks use.
type ref struct {
	path string
	fi   *routemap.FieldInfo
}

// field finds the schema field f names. SOQL lets a field be qualified by
// the object's own name (CallCenterRoutingMap.Id). A path of two names
// crosses one child-to-parent relationship (ReferenceRecord.Name); routemap
// follows no more than one, as its objects have no deeper chains worth
// following.
func (r *resolver) field(f Field) (ref, error) {
	path := f.Path
	if len(path) >= 2 && strings.EqualFold(path[0], r.obj.Name) {
		path = path[1:]
	}
	if len(path) == 0 {
		return ref{}, r.errorAt(f.Pos, ReasonMalformedQuery, "unexpected token: <EOF>")
	}
	if len(path) == 1 {
		fi := r.obj.Field(path[0], r.version)
		if fi == nil {
			return ref{}, r.noSuchColumn(f.Pos, path[0], r.obj.Name)
		}
		return ref{fi.Name, fi}, nil
	}
	rel := r.obj.Relationship(path[0], r.version)
	parent := r.schema.Parent(rel)
	if parent == nil {
		return ref{}, r.unknownRelationship(f.Pos, path[0])
	}
	if len(path) > 2 {
		if parent.Relationship(path[1], r.version) == nil {
			return ref{}, r.unknownRelationship(f.Pos, path[1])
		}
		return ref{}, r.errorAt(f.Pos, ReasonInvalidField,
			"relationship paths of more than one level such as '%s' are not supported; query the %s object instead", f, parent.Name)
	}
	fi := parent.Field(path[1], r.version)
	if fi == nil {
		return ref{}, r.noSuchColumn(f.Pos, path[1], parent.Name)
	}
	return ref{rel.RelationshipName + "." + fi.Name, fi}, nil
}

// noSuchColumn is Salesforce's message for a field the object lacks. For
// a polymorphic relationship's field the object is the Name pseudo-object,
// as in Salesforce.
func (r *resolver) noSuchColumn(pos Pos, name, object string) error {
	return r.errorAt(pos, ReasonInvalidField, "No such column '%s' on entity '%s'. "+
		"If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. "+
		"Please reference your WSDL or the describe call for the appropriate names.", name, object)
}

// unknownRelationship is Salesforce's message for a relationship name the
// object lacks.
func (r *resolver) unknownRelationship(pos Pos, rel string) error {
	return r.errorAt(pos, ReasonInvalidField, "Didn't understand relationship '%s' in field path. "+
		"If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. "+
		"Please reference your WSDL or the describe call for the appropriate names.", rel)
}

func (r *resolver) selectList(fields []Field) ([]string, error) {
	var names []string
	for _, f := range fields {
		fr, err := r.field(f)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if n == fr.path {
				// Two columns of one name would make two keys of one name
				// in a record's JSON.
				return nil, r.errorAt(f.Pos, ReasonInvalidField, "duplicate field selected: %s", fr.path)
			}
		}
		names = append(names, fr.path)
	}
	return names, nil
}

func (r *resolver) orderBy(items []Order) ([]routemap.OrderItem, error) {
	var out []routemap.OrderItem
	for _, o := range items {
		fr, err := r.field(o.Field)
		if err != nil {
			return nil, err
		}
		if !fr.fi.Sortable {
			return nil, r.errorAt(o.Field.Pos, ReasonInvalidField, "field '%s' can not be sorted in a query call", fr.path)
		}
		item := routemap.OrderItem{Field: fr.path, Desc: o.Desc, NullsFirst: !o.Desc}
		switch o.Nulls {
		case NullsFirst:
			item.NullsFirst = true
		case NullsLast:
			item.NullsFirst = false
		}
		out = append(out, item)
	}
	return out, nil
}

func (r *resolver) cond(c Cond) (routemap.Expr, error) {
	switch c := c.(type) {
	case *AndCond:
		terms, err := r.terms(c.Terms)
		if err != nil {
			return nil, err
		}
		return &routemap.AndExpr{Terms: terms}, nil
	case *OrCond:
		terms, err := r.terms(c.Terms)
		if err != nil {
			return nil, err
		}
		return &routemap.OrExpr{Terms: terms}, nil
	case *NotCond:
		x, err := r.cond(c.X)
		if err != nil {
			return nil, err
		}
		return &routemap.NotExpr{X: x}, nil
	case *CmpCond:
		return r.comparison(c)
	case *InCond:
		return r.in(c)
	}
	return nil, routemap.Errorf(routemap.EINTERNAL, "soql: resolve met condition %T", c)
}

func (r *resolver) terms(cs []Cond) ([]routemap.Expr, error) {
	out := make([]routemap.Expr, 0, len(cs))
	for _, c := range cs {
		e, err := r.cond(c)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// filterField resolves a WHERE field and checks that it may be filtered.
func (r *resolver) filterField(f Field) (ref, error) {
	fr, err := r.field(f)
	if err != nil {
		return ref{}, err
	}
	if !fr.fi.Filterable {
		return ref{}, r.errorAt(f.Pos, ReasonInvalidField, "field '%s' can not be filtered in a query call", fr.path)
	}
	return fr, nil
}

func (r *resolver) comparison(c *CmpCond) (routemap.Expr, error) {
	fr, err := r.filterField(c.Field)
	if err != nil {
		return nil, err
	}
	if err := r.checkOp(fr.fi, c); err != nil {
		return nil, err
	}
	lit, err := r.literal(fr, c.Value, c.Op == routemap.OpEq || c.Op == routemap.OpNe)
	if err != nil {
		return nil, err
	}
	return &routemap.Comparison{Field: fr.path, Op: c.Op, Value: lit}, nil
}

// checkOp rejects an operator the field's type has no meaning for: LIKE
// outside text, ordering on booleans, and null with anything but = and !=.
func (r *resolver) checkOp(fi *routemap.FieldInfo, c *CmpCond) error {
	switch c.Op {
	case routemap.OpEq, routemap.OpNe:
		return nil
	case routemap.OpLike:
		if kindOf(fi.Type) != kindText {
			return r.errorAt(c.Field.Pos, ReasonInvalidField, "invalid operator on %s field", fi.Type)
		}
	case routemap.OpLt, routemap.OpLe, routemap.OpGt, routemap.OpGe:
		if kindOf(fi.Type) == kindBool {
			return r.errorAt(c.Field.Pos, ReasonInvalidField, "invalid operator on %s field", fi.Type)
		}
	default:
		return r.errorAt(c.Field.Pos, ReasonMalformedQuery, "unexpected token: %s", c.Op)
	}
	if c.Value.Kind == routemap.LitNull {
		return r.errorAt(c.Value.Pos, ReasonInvalidFilterValue, "invalid operator on null value; only = and != compare with null")
	}
	return nil
}

func (r *resolver) in(c *InCond) (routemap.Expr, error) {
	fr, err := r.filterField(c.Field)
	if err != nil {
		return nil, err
	}
	vals := make([]routemap.Literal, 0, len(c.Values))
	for _, v := range c.Values {
		lit, err := r.literal(fr, v, true)
		if err != nil {
			return nil, err
		}
		vals = append(vals, lit)
	}
	return &routemap.InExpr{Field: fr.path, Negate: c.Negate, Values: vals}, nil
}

// valueKind groups field types by the literal they compare with.
type valueKind int

const (
	kindText valueKind = iota
	kindID
	kindBool
	kindDateTime
	kindDate
	kindNumber
)

// kindOf maps a describe type to the literal it takes. Types routemap's
// schema does not use yet are mapped too, so a new field needs no change
// here; unknown types compare as text.
func kindOf(fieldType string) valueKind {
	switch fieldType {
	case routemap.TypeID, routemap.TypeReference:
		return kindID
	case routemap.TypeBoolean:
		return kindBool
	case routemap.TypeDateTime:
		return kindDateTime
	case "date":
		return kindDate
	case "double", "int", "long", "currency", "percent":
		return kindNumber
	}
	return kindText
}

// literal checks v against the field's type (the parent field's, for a
// relationship path) and returns it as stores take it. nullOK says whether
// the operator can compare with null.
func (r *resolver) literal(fr ref, v Value, nullOK bool) (routemap.Literal, error) {
	if v.Kind == routemap.LitNull && nullOK {
		return routemap.Literal{Kind: routemap.LitNull}, nil
	}
	kind := kindOf(fr.fi.Type)
	if v.Kind != literalFor(kind) {
		return routemap.Literal{}, r.typeError(fr.path, kind, v.Pos)
	}
	lit := v.Literal
	switch kind {
	case kindID:
		id, err := sfid.Parse(v.Str)
		if err != nil {
			return routemap.Literal{}, r.errorAt(v.Pos, ReasonInvalidFilterValue, "invalid ID field: %s", v.Str)
		}
		lit.Str = id.String()
	case kindDateTime:
		lit.Time = v.Time.UTC()
	}
	return lit, nil
}

// literalFor is the literal kind a field kind compares with.
func literalFor(k valueKind) routemap.LiteralKind {
	switch k {
	case kindBool:
		return routemap.LitBool
	case kindDateTime:
		return routemap.LitDateTime
	case kindDate:
		return routemap.LitDate
	case kindNumber:
		return routemap.LitNumber
	}
	return routemap.LitString
}

// typeError is Salesforce's message for a value of the wrong type, which
// names the SOAP type and says whether the value should be quoted.
func (r *resolver) typeError(path string, k valueKind, pos Pos) error {
	should := "should not"
	if k == kindText || k == kindID {
		should = "should"
	}
	return r.errorAt(pos, ReasonInvalidField, "value of filter criterion for field '%s' must be of type %s and %s be enclosed in quotes",
		path, soapType(k), should)
}

// soapType names a field kind as Salesforce's type errors do.
func soapType(k valueKind) string {
	switch k {
	case kindID:
		return "id"
	case kindBool:
		return "boolean"
	case kindDateTime:
		return "dateTime"
	case kindDate:
		return "date"
	case kindNumber:
		return "double"
	}
	return "string"
}
