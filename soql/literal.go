package soql

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// unescape decodes the body of a string literal. In a LIKE pattern (like
// set) it keeps \_, \% and \\ as two-character escapes and escapes any %, _
// or backslash an escape produced, so the result is a pattern in SQL's
// ESCAPE '\' form. On a bad escape it returns the offending sequence.
func unescape(body string, like bool) (s, bad string, ok bool) {
	if !strings.ContainsRune(body, '\\') {
		return body, "", true
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		n, seq, ok := decodeEscape(body[i:], like, &b)
		if !ok {
			return "", seq, false
		}
		i += n - 1
	}
	return b.String(), "", true
}

// decodeEscape writes the meaning of the escape at the start of s (which
// begins with a backslash) to b and returns its length in bytes, or the
// bad sequence and false.
func decodeEscape(s string, like bool, b *strings.Builder) (int, string, bool) {
	if len(s) < 2 {
		return 0, s, false
	}
	switch s[1] {
	case 'n', 'N':
		b.WriteByte('\n')
	case 'r', 'R':
		b.WriteByte('\r')
	case 't', 'T':
		b.WriteByte('\t')
	case 'b', 'B':
		b.WriteByte('\b')
	case 'f', 'F':
		b.WriteByte('\f')
	case '"', '\'':
		b.WriteByte(s[1])
	case '\\', '_', '%':
		if !like && s[1] != '\\' {
			// Salesforce allows \_ and \% in LIKE patterns only.
			return 0, s[:2], false
		}
		if like {
			b.WriteByte('\\')
		}
		b.WriteByte(s[1])
	case 'u':
		return decodeUnicode(s, like, b)
	default:
		_, size := utf8.DecodeRuneInString(s[1:])
		return 0, s[:1+size], false
	}
	return 2, "", true
}

// decodeUnicode handles \uXXXX, joining a UTF-16 surrogate pair written as
// two escapes, as Salesforce's Java strings do. A character written this
// way is always literal, even a % or _ in a pattern.
func decodeUnicode(s string, like bool, b *strings.Builder) (int, string, bool) {
	r, ok := hex4(s)
	if !ok {
		return 0, s[:min(len(s), 6)], false
	}
	n := 6
	if utf16.IsSurrogate(r) {
		lo, ok := hex4(s[6:])
		r = utf16.DecodeRune(r, lo)
		if !ok || r == utf8.RuneError {
			return 0, s[:6], false
		}
		n = 12
	}
	if r == 0 {
		// NUL cannot be stored in PostgreSQL text, so no value holds it.
		return 0, s[:6], false
	}
	if like && (r == '%' || r == '_' || r == '\\') {
		b.WriteByte('\\')
	}
	b.WriteRune(r)
	return n, "", true
}

// hex4 reads the four hex digits of a \uXXXX escape at the start of s.
func hex4(s string) (rune, bool) {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[2:6]) {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// parseDate reads a date token, whose shape the lexer checked, as midnight
// UTC, the way SOQL compares date fields.
func parseDate(text string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, text)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid date: %s", text)
	}
	return t, nil
}

// parseDateTime reads a datetime token, whose shape the lexer checked,
// keeping its zone so that Format can write it back as written. It builds
// the zone itself rather than let time.Parse pick the local zone when the
// offset happens to match it.
func parseDateTime(text string) (time.Time, error) {
	bad := fmt.Errorf("invalid datetime: %s", text)
	if len(text) < 20 {
		return time.Time{}, bad
	}
	zone := strings.IndexAny(text[19:], "Z+-")
	if zone < 0 {
		return time.Time{}, bad
	}
	zone += 19
	local, err := time.Parse("2006-01-02T15:04:05", text[:zone])
	if err != nil {
		return time.Time{}, bad
	}
	loc, err := parseZone(text[zone:])
	if err != nil {
		return time.Time{}, bad
	}
	return time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), loc), nil
}

// parseZone reads Z or ±hh:mm, whose shape the lexer checked.
func parseZone(s string) (*time.Location, error) {
	if s == "Z" {
		return time.UTC, nil
	}
	if len(s) != 6 {
		return nil, errors.New("bad zone")
	}
	hh := int(s[1]-'0')*10 + int(s[2]-'0')
	mm := int(s[4]-'0')*10 + int(s[5]-'0')
	if hh > 23 || mm > 59 {
		return nil, errors.New("zone offset out of range")
	}
	off := (hh*60 + mm) * 60
	if s[0] == '-' {
		off = -off
	}
	if off == 0 {
		return time.UTC, nil
	}
	return time.FixedZone("", off), nil
}
