package soql

import (
	"strconv"
	"strings"
	"time"

	"routemap"
)

// layoutDateTime writes a datetime the way SOQL reads it, with at most
// the millisecond precision Salesforce keeps.
const layoutDateTime = "2006-01-02T15:04:05.999Z07:00"

// Format writes p back as SOQL: keywords in upper case, names as written,
// single spaces, strings re-escaped and parentheses exactly where the tree
// needs them. Parsing the result yields p again (positions aside), which
// the fuzz test checks. Logs and tests use it to show a query canonically.
func Format(p *Parsed) string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	if p.Count {
		b.WriteString("COUNT()")
	} else {
		for i, f := range p.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.String())
		}
	}
	b.WriteString(" FROM ")
	b.WriteString(p.Object)
	if p.Where != nil {
		b.WriteString(" WHERE ")
		formatCond(&b, p.Where)
	}
	formatOrder(&b, p.OrderBy)
	if p.Limit >= 0 {
		b.WriteString(" LIMIT ")
		b.WriteString(strconv.Itoa(p.Limit))
	}
	if p.Offset >= 0 {
		b.WriteString(" OFFSET ")
		b.WriteString(strconv.Itoa(p.Offset))
	}
	return b.String()
}

func formatOrder(b *strings.Builder, items []Order) {
	for i, o := range items {
		if i == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(o.Field.String())
		if o.Desc {
			b.WriteString(" DESC")
		}
		switch o.Nulls {
		case NullsFirst:
			b.WriteString(" NULLS FIRST")
		case NullsLast:
			b.WriteString(" NULLS LAST")
		}
	}
}

func formatCond(b *strings.Builder, c Cond) {
	switch c := c.(type) {
	case *AndCond:
		formatTerms(b, c.Terms, " AND ")
	case *OrCond:
		formatTerms(b, c.Terms, " OR ")
	case *NotCond:
		b.WriteString("NOT ")
		formatOperand(b, c.X, true)
	case *CmpCond:
		b.WriteString(c.Field.String())
		b.WriteByte(' ')
		b.WriteString(string(c.Op))
		b.WriteByte(' ')
		formatValue(b, c.Value, c.Op == routemap.OpLike)
	case *InCond:
		b.WriteString(c.Field.String())
		if c.Negate {
			b.WriteString(" NOT")
		}
		b.WriteString(" IN (")
		for i, v := range c.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			formatValue(b, v, false)
		}
		b.WriteByte(')')
	}
}

func formatTerms(b *strings.Builder, terms []Cond, sep string) {
	for i, t := range terms {
		if i > 0 {
			b.WriteString(sep)
		}
		formatOperand(b, t, false)
	}
}

// formatOperand writes a term of AND or OR, or the operand of NOT, in
// parentheses when it is an AND or OR (the parser drops parentheses, so
// writing them back is what keeps a nested AND of ANDs nested) or a NOT
// under NOT, which SOQL cannot read bare.
func formatOperand(b *strings.Builder, c Cond, underNot bool) {
	switch c.(type) {
	case *CmpCond, *InCond:
		formatCond(b, c)
		return
	case *NotCond:
		if !underNot {
			formatCond(b, c)
			return
		}
	}
	b.WriteByte('(')
	formatCond(b, c)
	b.WriteByte(')')
}

func formatValue(b *strings.Builder, v Value, like bool) {
	switch v.Kind {
	case routemap.LitNull:
		b.WriteString("null")
	case routemap.LitBool:
		b.WriteString(strconv.FormatBool(v.Bool))
	case routemap.LitNumber:
		// The shortest form that reads back as the same float64.
		b.WriteString(strconv.FormatFloat(v.Num, 'f', -1, 64))
	case routemap.LitDate:
		b.WriteString(v.Time.Format(time.DateOnly))
	case routemap.LitDateTime:
		b.WriteString(v.Time.Format(layoutDateTime))
	default:
		quote(b, v.Str, like)
	}
}

// quote writes s as a SOQL string literal. A LIKE pattern's backslash
// escapes (\_, \%, \\) are SOQL escapes already and pass through; any
// other backslash is written as a literal one.
func quote(b *strings.Builder, s string, like bool) {
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if like && i+1 < len(s) && (s[i+1] == '_' || s[i+1] == '%' || s[i+1] == '\\') {
				b.WriteByte('\\')
				b.WriteByte(s[i+1])
				i++
				continue
			}
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
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
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
}
