package routemap

import "time"

// Query is a SOQL query over one object, parsed (by package soql) and
// resolved against the Schema: object and field names carry their
// canonical spelling and literals their field's type. Stores translate it
// to their own query language with every value bound as a parameter.
//
// A field, in Fields, in a condition or in OrderBy, is a field path in
// one of two forms:
//   - a field of Object, such as "ReferenceRecordId";
//   - a field of a parent record reached through one child-to-parent
//     relationship, written "Relationship.Field" with exactly one dot, such
//     as "ReferenceRecord.Name" or "CallCenter.InternalName". Relationship
//     is the RelationshipName of a reference field of Object and Field a
//     field of the object Schema.Parent gives for it; for a polymorphic
//     relationship that is the Name pseudo-object (Schema.Polymorphic).
//
// Both parts carry their canonical spelling; SplitPath splits them. A
// parent field reads as null when the reference is empty or the parent
// record does not exist in the org, and for a Name field the actual
// parent lacks (a queue's Alias). Stores only ever join parents of the
// querying org.
type Query struct {
	Object string
	// Fields are the selected field paths in order; empty when Count is
	// set.
	Fields []string
	// Count is set for SELECT COUNT().
	Count   bool
	Where   Expr // nil selects every record
	OrderBy []OrderItem
	// Limit caps the rows returned; -1 means no limit.
	Limit  int
	Offset int
	// IncludeDeleted is set for queryAll, which also returns deleted records.
	IncludeDeleted bool
}

// OrderItem is one ORDER BY term; Field is a field path as in
// Query.Fields. NullsFirst is explicit: the parser fills
// in SOQL's default (NULLS FIRST ascending, NULLS LAST descending).
type OrderItem struct {
	Field      string
	Desc       bool
	NullsFirst bool
}

// Expr is a WHERE condition: *AndExpr, *OrExpr, *NotExpr, *Comparison or *InExpr.
type Expr interface{ isExpr() }

// AndExpr holds when every term holds.
type AndExpr struct{ Terms []Expr }

// OrExpr holds when any term holds.
type OrExpr struct{ Terms []Expr }

// NotExpr holds when X does not.
type NotExpr struct{ X Expr }

// CmpOp is a SOQL comparison operator.
type CmpOp string

// Comparison operators.
const (
	OpEq   CmpOp = "="
	OpNe   CmpOp = "!="
	OpLt   CmpOp = "<"
	OpLe   CmpOp = "<="
	OpGt   CmpOp = ">"
	OpGe   CmpOp = ">="
	OpLike CmpOp = "LIKE"
)

// Comparison compares a field (a path as in Query.Fields) with a literal. As in SOQL, = and != with a
// null literal test for null, and string comparisons ignore letter case.
// A LIKE pattern is in SQL's LIKE ... ESCAPE '\' form: % and _ are
// wildcards and a backslash makes the next %, _ or \ literal.
type Comparison struct {
	Field string
	Op    CmpOp
	Value Literal
}

// InExpr tests a field (a path as in Query.Fields) against a list of literals (NOT IN when Negate).
type InExpr struct {
	Field  string
	Negate bool
	Values []Literal
}

func (*AndExpr) isExpr()    {}
func (*OrExpr) isExpr()     {}
func (*NotExpr) isExpr()    {}
func (*Comparison) isExpr() {}
func (*InExpr) isExpr()     {}

// LiteralKind is the type of a Literal.
type LiteralKind int

// Literal kinds.
const (
	LitNull LiteralKind = iota
	LitString
	LitNumber
	LitBool
	LitDate
	LitDateTime
)

// Literal is a value in a SOQL condition. Id and reference literals are
// strings holding the 18-character id.
type Literal struct {
	Kind LiteralKind
	Str  string
	Num  float64
	Bool bool
	Time time.Time // LitDate (midnight UTC) and LitDateTime
}

// QueryResult is one page of a query's answer.
type QueryResult struct {
	// TotalSize is the number of records the query matches, ignoring the
	// page but honouring LIMIT and OFFSET.
	TotalSize int
	// Records holds one value slice per record, aligned with Query.Fields.
	// Values are nil, string, bool, float64 or time.Time; a relationship
	// field's value is its parent field's, flat, never a nested record.
	Records [][]any
}
