package soql

import (
	"strings"

	"routemap"
)

// Pos is a byte offset into Parsed.Text. Errors turn it into the 1-based
// row and character column Salesforce reports.
type Pos int

// Parsed is a SOQL query as written: names keep the caller's spelling and
// are not yet checked against a schema, and the parts errors point at keep
// their position. Parse makes it, Resolve checks it and turns it into a
// routemap.Query, and Format writes it back as text.
type Parsed struct {
	// Text is the query Parse read; every Pos indexes it.
	Text string
	// Count is set for SELECT COUNT(); Fields is then empty.
	Count  bool
	Fields []Field
	// Object is the FROM name as written.
	Object    string
	ObjectPos Pos
	// Where is nil when the query has no WHERE clause.
	Where   Cond
	OrderBy []Order
	// Limit and Offset are -1 when the clause is absent.
	Limit  int
	Offset int
}

// Field is a field reference. Path holds its dot-separated names: one for
// a field of the queried object, more for a relationship path such as
// ReferenceRecord.Name. The parser accepts any length; Resolve follows one
// relationship and answers INVALID_FIELD, as Salesforce would, for a path
// it cannot follow.
type Field struct {
	Path []string
	Pos  Pos
}

// String returns the field as written, dots included.
func (f Field) String() string { return strings.Join(f.Path, ".") }

// Nulls is where an ORDER BY item puts null values.
type Nulls int

// Where nulls sort. NullsDefault leaves it to SOQL's rule (first when
// ascending, last when descending), which Resolve applies.
const (
	NullsDefault Nulls = iota
	NullsFirst
	NullsLast
)

// Order is one ORDER BY item.
type Order struct {
	Field Field
	Desc  bool
	Nulls Nulls
}

// Cond is a WHERE condition: *AndCond, *OrCond, *NotCond, *CmpCond or
// *InCond. Parentheses leave no node of their own; Format puts them back
// wherever the tree needs them.
type Cond interface{ cond() }

// AndCond holds when every term holds. Parse never mixes it with OrCond at
// one level, since SOQL requires parentheses for that.
type AndCond struct{ Terms []Cond }

// OrCond holds when any term holds.
type OrCond struct{ Terms []Cond }

// NotCond holds when X does not.
type NotCond struct{ X Cond }

// CmpCond compares a field with a value. Op is one of routemap's CmpOp
// constants; <> is read as !=.
type CmpCond struct {
	Field Field
	Op    routemap.CmpOp
	Value Value
}

// InCond tests a field against a list of values (NOT IN when Negate).
type InCond struct {
	Field  Field
	Negate bool
	Values []Value
}

func (*AndCond) cond() {}
func (*OrCond) cond()  {}
func (*NotCond) cond() {}
func (*CmpCond) cond() {}
func (*InCond) cond()  {}

// Value is a literal as the parser read it: its kind comes from its
// spelling alone, since only Resolve knows the field it is compared with.
// Str holds a string with its escapes decoded, except that the value of a
// LIKE keeps the pattern form described in the package comment. Datetimes
// keep the zone they were written in.
type Value struct {
	routemap.Literal
	Pos Pos
}
