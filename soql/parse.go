package soql

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"routemap"
)

// Parse reads a SOQL query. It checks syntax only; Resolve checks names
// and types. Errors are *routemap.Error with Code routemap.EINVALID and
// Reason ReasonMalformedQuery, their message pointing at the row and
// column of the first problem in the text.
func Parse(text string) (*Parsed, error) {
	if err := checkText(text); err != nil {
		return nil, err
	}
	p := &parser{src: text, toks: lex(text)}
	return p.query()
}

// parser is a recursive-descent parser over the token slice. Its only
// recursion is through parentheses, which depth bounds.
type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.peekAt(0) }

// peekAt returns the token n places ahead, or the last token (EOF or
// illegal) when there are fewer.
func (p *parser) peekAt(n int) token {
	return p.toks[min(p.i+n, len(p.toks)-1)]
}

func (p *parser) next() token {
	t := p.peek()
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *parser) text(t token) string { return p.src[t.pos:t.end] }

// isKeyword reports whether t is the keyword kw in any letter case.
func (p *parser) isKeyword(t token, kw string) bool {
	return t.kind == tokIdent && strings.EqualFold(p.text(t), kw)
}

// acceptKeyword consumes the next token when it is kw.
func (p *parser) acceptKeyword(kw string) bool {
	if p.isKeyword(p.peek(), kw) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectKeyword(kw string) error {
	if t := p.next(); !p.isKeyword(t, kw) {
		return p.unexpected(t)
	}
	return nil
}

func (p *parser) expect(kind tokenKind) error {
	if t := p.next(); t.kind != kind {
		return p.unexpected(t)
	}
	return nil
}

// unexpected is the error for a token the grammar does not allow where it
// stands, or the lexer's error when the token is one it could not read.
func (p *parser) unexpected(t token) error {
	if t.kind == tokIllegal {
		return p.errorAt(Pos(t.pos), t.msg)
	}
	return p.errorAt(Pos(t.pos), "unexpected token: "+unexpectedText(p.src, t))
}

func (p *parser) errorAt(pos Pos, msg string) error {
	return errorAt(p.src, pos, ReasonMalformedQuery, msg)
}

func (p *parser) query() (*Parsed, error) {
	q := &Parsed{Text: p.src, Limit: -1, Offset: -1}
	if err := p.expectKeyword("SELECT"); err != nil {
		return nil, err
	}
	if err := p.selectList(q); err != nil {
		return nil, err
	}
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	obj, err := p.name()
	if err != nil {
		return nil, err
	}
	q.Object, q.ObjectPos = p.text(obj), Pos(obj.pos)
	if err := p.clauses(q); err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.unexpected(t)
	}
	return q, nil
}

// clauses reads the optional clauses after FROM, which SOQL fixes in this
// order.
func (p *parser) clauses(q *Parsed) error {
	var err error
	if p.acceptKeyword("WHERE") {
		if q.Where, err = p.condition(); err != nil {
			return err
		}
	}
	if p.acceptKeyword("ORDER") {
		if err := p.expectKeyword("BY"); err != nil {
			return err
		}
		if q.OrderBy, err = p.orderList(); err != nil {
			return err
		}
	}
	if p.acceptKeyword("LIMIT") {
		if q.Limit, err = p.count(); err != nil {
			return err
		}
	}
	if p.acceptKeyword("OFFSET") {
		if q.Offset, err = p.count(); err != nil {
			return err
		}
	}
	return nil
}

// atCount reports whether the next tokens are COUNT(. A lone Count is a
// field name, since SOQL does not reserve the word.
func (p *parser) atCount() bool {
	return p.isKeyword(p.peek(), "COUNT") && p.peekAt(1).kind == tokLParen
}

func (p *parser) selectList(q *Parsed) error {
	if p.atCount() {
		p.next()
		p.next()
		if t := p.next(); t.kind != tokRParen {
			if t.kind == tokIdent {
				return p.errorAt(Pos(t.pos), "COUNT(fieldName) is not supported; use COUNT()")
			}
			return p.unexpected(t)
		}
		q.Count = true
		if t := p.peek(); t.kind == tokComma {
			return p.errorAt(Pos(t.pos), "COUNT() cannot be combined with fields in the SELECT list")
		}
		return nil
	}
	for {
		if p.atCount() {
			return p.errorAt(Pos(p.peek().pos), "COUNT() cannot be combined with fields in the SELECT list")
		}
		f, err := p.field()
		if err != nil {
			return err
		}
		q.Fields = append(q.Fields, f)
		if p.peek().kind != tokComma {
			return nil
		}
		p.next()
	}
}

// name reads one identifier that is not a reserved word.
func (p *parser) name() (token, error) {
	t := p.next()
	if t.kind != tokIdent || isReserved(p.text(t)) {
		return t, p.unexpected(t)
	}
	return t, nil
}

// isReserved reports whether word is one SOQL reserves, which cannot name
// a field or an object. The list is Salesforce's.
func isReserved(word string) bool {
	if len(word) < 2 || len(word) > 8 {
		return false
	}
	var buf [8]byte
	for i := 0; i < len(word); i++ {
		buf[i] = toUpper(word[i])
	}
	switch string(buf[:len(word)]) {
	case "AND", "ASC", "DESC", "EXCLUDES", "FIRST", "FROM", "GROUP", "HAVING", "IN",
		"INCLUDES", "LAST", "LIKE", "LIMIT", "NOT", "NULL", "NULLS", "OR", "SELECT", "WHERE", "WITH":
		return true
	}
	return false
}

func (p *parser) field() (Field, error) {
	t, err := p.name()
	if err != nil {
		return Field{}, err
	}
	f := Field{Path: []string{p.text(t)}, Pos: Pos(t.pos)}
	for p.peek().kind == tokDot {
		p.next()
		if t, err = p.name(); err != nil {
			return Field{}, err
		}
		f.Path = append(f.Path, p.text(t))
	}
	return f, nil
}

func (p *parser) orderList() ([]Order, error) {
	var items []Order
	for {
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		o := Order{Field: f}
		if p.acceptKeyword("DESC") {
			o.Desc = true
		} else {
			p.acceptKeyword("ASC")
		}
		if p.acceptKeyword("NULLS") {
			switch t := p.next(); {
			case p.isKeyword(t, "FIRST"):
				o.Nulls = NullsFirst
			case p.isKeyword(t, "LAST"):
				o.Nulls = NullsLast
			default:
				return nil, p.unexpected(t)
			}
		}
		items = append(items, o)
		if p.peek().kind != tokComma {
			return items, nil
		}
		p.next()
	}
}

// count reads the non-negative integer of LIMIT or OFFSET.
func (p *parser) count() (int, error) {
	t := p.next()
	text := p.text(t)
	if t.kind != tokNumber || skipWhile(text, 0, isDigit) != len(text) {
		return 0, p.unexpected(t)
	}
	n, err := strconv.Atoi(text)
	if err != nil || n > math.MaxInt32 {
		return 0, p.errorAt(Pos(t.pos), fmt.Sprintf("number out of range: %s", text))
	}
	return n, nil
}

// condition reads terms joined by one kind of connective. A second kind at
// the same level is an error, as in SOQL, which will not guess precedence.
func (p *parser) condition() (Cond, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	terms, conn := []Cond{first}, ""
	for {
		t := p.peek()
		kw := ""
		if p.isKeyword(t, "AND") {
			kw = "AND"
		} else if p.isKeyword(t, "OR") {
			kw = "OR"
		}
		if kw == "" {
			break
		}
		if conn != "" && kw != conn {
			return nil, p.unexpected(t)
		}
		conn = kw
		p.next()
		c, err := p.unary()
		if err != nil {
			return nil, err
		}
		terms = append(terms, c)
	}
	switch conn {
	case "AND":
		return &AndCond{Terms: terms}, nil
	case "OR":
		return &OrCond{Terms: terms}, nil
	}
	return first, nil
}

// unary reads an optional NOT and its operand. NOT NOT is not SOQL, so NOT
// applies to a primary and never to another NOT.
func (p *parser) unary() (Cond, error) {
	if !p.acceptKeyword("NOT") {
		return p.primary()
	}
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	return &NotCond{X: x}, nil
}

func (p *parser) primary() (Cond, error) {
	t := p.peek()
	if t.kind != tokLParen {
		return p.simple()
	}
	if p.depth == MaxDepth {
		return nil, p.errorAt(Pos(t.pos), fmt.Sprintf("parentheses nest deeper than %d levels", MaxDepth))
	}
	p.next()
	p.depth++
	c, err := p.condition()
	if err != nil {
		return nil, err
	}
	if err := p.expect(tokRParen); err != nil {
		return nil, err
	}
	p.depth--
	return c, nil
}

// cmpOp maps an operator token to routemap's operator; <> is SOQL's
// other spelling of !=.
func cmpOp(text string) routemap.CmpOp {
	if text == "<>" {
		return routemap.OpNe
	}
	return routemap.CmpOp(text)
}

// simple reads a field expression: a comparison, LIKE, IN or NOT IN.
func (p *parser) simple() (Cond, error) {
	f, err := p.field()
	if err != nil {
		return nil, err
	}
	t := p.next()
	switch {
	case t.kind == tokOp, p.isKeyword(t, "LIKE"):
		op := routemap.OpLike
		if t.kind == tokOp {
			op = cmpOp(p.text(t))
		}
		v, err := p.value(op == routemap.OpLike)
		if err != nil {
			return nil, err
		}
		return &CmpCond{Field: f, Op: op, Value: v}, nil
	case p.isKeyword(t, "NOT"):
		if err := p.expectKeyword("IN"); err != nil {
			return nil, err
		}
		return p.in(f, true)
	case p.isKeyword(t, "IN"):
		return p.in(f, false)
	}
	return nil, p.unexpected(t)
}

// in reads the parenthesized values of IN or NOT IN.
func (p *parser) in(f Field, negate bool) (Cond, error) {
	vs, err := p.list()
	if err != nil {
		return nil, err
	}
	return &InCond{Field: f, Negate: negate, Values: vs}, nil
}

// list reads a parenthesized list of at most MaxInValues values.
func (p *parser) list() ([]Value, error) {
	if err := p.expect(tokLParen); err != nil {
		return nil, err
	}
	var vs []Value
	for {
		if len(vs) == MaxInValues {
			return nil, p.errorAt(Pos(p.peek().pos), fmt.Sprintf("IN lists cannot hold more than %d values", MaxInValues))
		}
		v, err := p.value(false)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
		t := p.next()
		if t.kind == tokRParen {
			return vs, nil
		}
		if t.kind != tokComma {
			return nil, p.unexpected(t)
		}
	}
}

// value reads a literal. like says whether it is a LIKE pattern, which
// changes what a string's \_ and \% mean.
func (p *parser) value(like bool) (Value, error) {
	t := p.next()
	v := Value{Pos: Pos(t.pos)}
	text := p.text(t)
	var err error
	switch t.kind {
	case tokString:
		v.Kind = routemap.LitString
		v.Str, err = p.unquote(t, like)
	case tokNumber:
		v.Kind = routemap.LitNumber
		v.Num, err = strconv.ParseFloat(text, 64)
		if err != nil {
			err = p.errorAt(v.Pos, fmt.Sprintf("number out of range: %s", text))
		}
	case tokDate:
		v.Kind = routemap.LitDate
		if v.Time, err = parseDate(text); err != nil {
			err = p.errorAt(v.Pos, err.Error())
		}
	case tokDateTime:
		v.Kind = routemap.LitDateTime
		if v.Time, err = parseDateTime(text); err != nil {
			err = p.errorAt(v.Pos, err.Error())
		}
	case tokIdent:
		switch {
		case strings.EqualFold(text, "null"):
			v.Kind = routemap.LitNull
		case strings.EqualFold(text, "true"), strings.EqualFold(text, "false"):
			v.Kind, v.Bool = routemap.LitBool, strings.EqualFold(text, "true")
		default:
			err = p.unexpected(t)
		}
	default:
		err = p.unexpected(t)
	}
	return v, err
}

// unquote decodes the string token t, or explains its bad escape the way
// Apex and SOQL do.
func (p *parser) unquote(t token, like bool) (string, error) {
	raw := p.text(t)
	s, bad, ok := unescape(raw[1:len(raw)-1], like)
	if !ok {
		return "", p.errorAt(Pos(t.pos), fmt.Sprintf("Invalid string literal %s. Illegal character sequence '%s' in string literal.", raw, bad))
	}
	return s, nil
}
