package soql

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"routemap"
)

// Reasons carried by the errors Parse and Resolve return. The HTTP edge
// maps each to the Salesforce errorCode named in its comment.
const (
	// ReasonMalformedQuery: the text is not SOQL routemap understands, or
	// breaks a size limit (MALFORMED_QUERY).
	ReasonMalformedQuery = "malformed_query"
	// ReasonInvalidField: a field is unknown at the API version, is used
	// where its describe flags forbid it, or is compared in a way its type
	// does not allow (INVALID_FIELD).
	ReasonInvalidField = "invalid_field"
	// ReasonInvalidType: the FROM object is unknown (INVALID_TYPE).
	ReasonInvalidType = "invalid_type"
	// ReasonInvalidFilterValue: a filter value has the right form but
	// cannot be used, such as a malformed id, for which Salesforce answers
	// INVALID_QUERY_FILTER_OPERATOR.
	ReasonInvalidFilterValue = "invalid_filter_value"
)

// Limits that Parse enforces so that a hostile query costs bounded time,
// memory and stack. Each breach is a ReasonMalformedQuery error.
const (
	// MaxQueryLength is the longest query in characters (runes), which is
	// Salesforce's SOQL statement limit.
	MaxQueryLength = 100000
	// MaxInValues is the most values an IN or NOT IN list may hold.
	MaxInValues = 1000
	// MaxDepth is the deepest nesting of parentheses in a WHERE clause.
	MaxDepth = 100
)

// maxShown is the widest slice of the offending line an error quotes, so a
// 100,000-character one-line query does not make a message twice that.
const maxShown = 160

// errorAt returns the error for a problem at byte offset pos of text, in
// Salesforce's layout: the line, a caret under the column, the row and
// column, and msg.
func errorAt(text string, pos Pos, reason, msg string) *routemap.Error {
	loc := locate(text, int(pos))
	var b strings.Builder
	b.WriteByte('\n')
	b.WriteString(loc.shown)
	b.WriteByte('\n')
	b.WriteString(strings.Repeat(" ", loc.caret))
	b.WriteString("^\n")
	fmt.Fprintf(&b, "ERROR at Row:%d:Column:%d\n%s", loc.row, loc.col, msg)
	return &routemap.Error{Code: routemap.EINVALID, Reason: reason, Message: b.String()}
}

// location is where a byte offset falls in a query, as people count.
type location struct {
	row, col int    // 1-based; col counts runes
	shown    string // the line, or the part of it around col when it is long
	caret    int    // runes of shown before the column
}

// locate finds the row and column of byte offset pos. It accepts any pos
// and any text, since Resolve may be handed a Parsed built by hand.
func locate(text string, pos int) location {
	pos = max(0, min(pos, len(text)))
	for pos > 0 && pos < len(text) && !utf8.RuneStart(text[pos]) {
		pos--
	}
	start := strings.LastIndexByte(text[:pos], '\n') + 1
	end := len(text)
	if i := strings.IndexByte(text[pos:], '\n'); i >= 0 {
		end = pos + i
	}
	line := strings.TrimSuffix(text[start:end], "\r")
	loc := location{
		row: 1 + strings.Count(text[:pos], "\n"),
		col: 1 + utf8.RuneCountInString(text[start:pos]),
	}
	loc.shown, loc.caret = line, loc.col-1
	if n := utf8.RuneCountInString(line); n > maxShown {
		runes := []rune(line)
		from := max(0, min(loc.col-1-maxShown/2, n-maxShown))
		loc.shown, loc.caret = string(runes[from:from+maxShown]), loc.col-1-from
	}
	return loc
}

// unexpectedText is how an "unexpected token" message names a token.
func unexpectedText(text string, t token) string {
	if t.kind == tokEOF {
		return "<EOF>"
	}
	return text[t.pos:t.end]
}

// charText names one character in a lexer message, escaping the ones that
// would not show.
func charText(r rune) string {
	if unicode.IsPrint(r) {
		return string(r)
	}
	return fmt.Sprintf("\\u%04X", r)
}

// checkText enforces the limits a query must meet before it is lexed:
// length, and valid UTF-8 so that columns can count characters.
func checkText(text string) error {
	if len(text) > MaxQueryLength {
		if pos, n := runeOffset(text, MaxQueryLength); n > MaxQueryLength {
			return errorAt(text, Pos(pos), ReasonMalformedQuery,
				fmt.Sprintf("SOQL statements cannot be longer than %d characters", MaxQueryLength))
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size == 1 {
			return errorAt(text, Pos(i), ReasonMalformedQuery, fmt.Sprintf("invalid UTF-8 byte 0x%02X", text[i]))
		}
		i += size
	}
	return nil
}

// runeOffset returns the byte offset of rune number n (0-based) and the
// number of runes counted, which is n+1 when the text holds that rune.
func runeOffset(text string, n int) (int, int) {
	count := 0
	for i := range text {
		if count == n {
			return i, count + 1
		}
		count++
	}
	return len(text), count
}
