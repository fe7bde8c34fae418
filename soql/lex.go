package soql

import (
	"fmt"
	"unicode/utf8"
)

// tokenKind classifies a token.
type tokenKind int

const (
	tokEOF      tokenKind = iota
	tokIllegal            // text that starts no token; token.msg says why
	tokIdent              // a name or keyword; keywords depend on context
	tokString             // 'quoted', escapes still in place
	tokNumber             // -12.5
	tokDate               // 2024-01-15
	tokDateTime           // 2024-01-15T10:00:00Z
	tokComma
	tokDot
	tokLParen
	tokRParen
	tokStar
	tokOp // = != <> < <= > >=
)

// token is a span of the query text. Its text is not copied: the parser
// slices the query when it needs it.
type token struct {
	kind     tokenKind
	pos, end int
	msg      string // tokIllegal only
}

// lex splits src into tokens, ending with tokEOF or with tokIllegal at the
// first character that starts no token. Lexing up front is cheap under
// MaxQueryLength and lets the parser look ahead freely; the parser reports
// a tokIllegal only when it reaches it, so the earliest problem in the
// text is the one reported, as in Salesforce.
func lex(src string) []token {
	toks := make([]token, 0, len(src)/4+1)
	for pos := 0; ; {
		t := scan(src, pos)
		toks = append(toks, t)
		if t.kind == tokEOF || t.kind == tokIllegal {
			return toks
		}
		pos = t.end
	}
}

// scan reads the token that starts at or after pos.
func scan(src string, pos int) token {
	start := pos
	for pos < len(src) && isSpace(src[pos]) {
		pos++
	}
	if pos >= len(src) {
		// End of input sits right after the last token, not after trailing
		// blank lines, so that "unexpected token: <EOF>" quotes the line
		// that is missing something.
		return token{kind: tokEOF, pos: start, end: start}
	}
	switch c := src[pos]; {
	case isLetter(c) || c == '_':
		return token{kind: tokIdent, pos: pos, end: skipWhile(src, pos+1, isIdentChar)}
	case isDigit(c):
		return scanNumberOrDate(src, pos)
	case c == '-' && pos+1 < len(src) && isDigit(src[pos+1]):
		return scanNumber(src, pos, pos+1)
	case c == '\'':
		return scanString(src, pos)
	}
	return scanPunct(src, pos)
}

// scanPunct reads a one- or two-character operator or delimiter.
func scanPunct(src string, pos int) token {
	next := byte(0)
	if pos+1 < len(src) {
		next = src[pos+1]
	}
	one := func(k tokenKind) token { return token{kind: k, pos: pos, end: pos + 1} }
	two := token{kind: tokOp, pos: pos, end: pos + 2}
	switch src[pos] {
	case ',':
		return one(tokComma)
	case '.':
		return one(tokDot)
	case '(':
		return one(tokLParen)
	case ')':
		return one(tokRParen)
	case '*':
		return one(tokStar)
	case '=':
		return one(tokOp)
	case '!':
		if next == '=' {
			return two
		}
	case '<':
		if next == '=' || next == '>' {
			return two
		}
		return one(tokOp)
	case '>':
		if next == '=' {
			return two
		}
		return one(tokOp)
	}
	return illegal(src, pos)
}

// scanNumberOrDate reads a date, a datetime or an unsigned number. A date
// is told from a number by its shape alone, as SOQL's lexer does.
func scanNumberOrDate(src string, pos int) token {
	end, ok := match(src, pos, "dddd-dd-dd")
	if !ok {
		return scanNumber(src, pos, pos)
	}
	if end >= len(src) || src[end] != 'T' {
		return token{kind: tokDate, pos: pos, end: end}
	}
	return scanTime(src, pos, end+1)
}

// scanTime reads the rest of a datetime from i, just after its 'T':
// hh:mm:ss, up to three digits of fraction and a zone, Z or ±hh:mm.
func scanTime(src string, start, i int) token {
	i, ok := match(src, i, "dd:dd:dd")
	if !ok {
		return illegal(src, i)
	}
	if i < len(src) && src[i] == '.' {
		frac := skipWhile(src, i+1, isDigit)
		if frac == i+1 || frac > i+4 {
			return illegal(src, min(frac, i+4))
		}
		i = frac
	}
	switch {
	case i < len(src) && src[i] == 'Z':
		i++
	case i < len(src) && (src[i] == '+' || src[i] == '-'):
		if i, ok = match(src, i+1, "dd:dd"); !ok {
			return illegal(src, i)
		}
	default:
		return illegal(src, i)
	}
	return token{kind: tokDateTime, pos: start, end: i}
}

// scanNumber reads digits from i, and a fraction when a digit follows the
// point, into a number token starting at start (which may hold a minus).
func scanNumber(src string, start, i int) token {
	i = skipWhile(src, i, isDigit)
	if i+1 < len(src) && src[i] == '.' && isDigit(src[i+1]) {
		i = skipWhile(src, i+1, isDigit)
	}
	return token{kind: tokNumber, pos: start, end: i}
}

// scanString finds the closing quote of the string at pos. Escapes are
// only skipped here: what they mean depends on whether the string is a
// LIKE pattern, which the parser knows.
func scanString(src string, pos int) token {
	for i := pos + 1; i < len(src); {
		switch src[i] {
		case '\\':
			i += 2
		case '\'':
			return token{kind: tokString, pos: pos, end: i + 1}
		case 0:
			// NUL cannot be stored in PostgreSQL text, so no value holds it.
			return illegal(src, i)
		default:
			i++
		}
	}
	loc := locate(src, len(src))
	return token{kind: tokIllegal, pos: len(src), end: len(src),
		msg: fmt.Sprintf("line %d:%d mismatched character '<EOF>' expecting '''", loc.row, loc.col-1)}
}

// illegal is the token for a character that cannot appear at pos. Its
// message is ANTLR's, which Salesforce passes on; ANTLR counts columns
// from 0.
func illegal(src string, pos int) token {
	loc := locate(src, pos)
	what := "<EOF>"
	if pos < len(src) {
		r, _ := utf8.DecodeRuneInString(src[pos:])
		what = charText(r)
	}
	return token{kind: tokIllegal, pos: pos, end: pos,
		msg: fmt.Sprintf("line %d:%d no viable alternative at character '%s'", loc.row, loc.col-1, what)}
}

// match checks src from i against a shape in which 'd' stands for a digit
// and any other byte for itself. It returns the offset after the shape, or
// the offset of the first mismatch and false.
func match(src string, i int, shape string) (int, bool) {
	for j := 0; j < len(shape); j, i = j+1, i+1 {
		if i >= len(src) {
			return i, false
		}
		if want := shape[j]; want == 'd' && !isDigit(src[i]) || want != 'd' && src[i] != want {
			return i, false
		}
	}
	return i, true
}

func skipWhile(src string, i int, ok func(byte) bool) int {
	for i < len(src) && ok(src[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool     { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isLetter(c byte) bool    { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentChar(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }

func toUpper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}
