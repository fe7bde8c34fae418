// Package sfid is the Salesforce record id value type: parsing of the 15- and
// 18-character forms, the case-checksum suffix, key prefixes and the objects
// they name, repair of ids whose letter case a spreadsheet changed, and
// minting of new ids for the server.
//
// It sits at the bottom of routemap's import graph and imports nothing from
// the module; the domain package and every adapter use its ID type.
package sfid

import (
	"fmt"
	"strings"
)

// ID is a Salesforce record id in its 18-character, case-correct form. The
// zero value is the empty id. Values of this type are only produced by Parse,
// RepairCase and New, so a non-empty ID is always valid.
type ID string

// suffixAlphabet maps a 5-bit case mask to the checksum character.
const suffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

// base62 is the alphabet of id characters in ascending order, used to mint ids.
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Kind classifies why a string is not a valid id.
type Kind int

// The ways an id can be invalid.
const (
	// KindEmpty: the input is empty.
	KindEmpty Kind = iota + 1
	// KindLength: the input is neither 15 nor 18 characters long.
	KindLength
	// KindCharacter: the input holds a character outside [0-9A-Za-z].
	KindCharacter
	// KindChecksum: the 3-character suffix does not match the first 15
	// characters, and no change of letter case explains it.
	KindChecksum
	// KindCase: the suffix does not match the first 15 characters as
	// written, but does once their letter case is restored; the input was
	// most likely upper- or lower-cased by a spreadsheet. Error.Repaired
	// holds the restored id.
	KindCase
)

// Error explains why Parse rejected its input. Its message is written for
// the admin who typed the id.
type Error struct {
	Input string
	Kind  Kind
	// Pos is the 0-based byte offset of the offending character (KindCharacter).
	Pos int
	// Want is the suffix the first 15 characters call for (KindChecksum).
	Want string
	// Repaired is the id with its letter case restored (KindCase).
	Repaired ID
}

func (e *Error) Error() string {
	switch e.Kind {
	case KindEmpty:
		return "id is empty"
	case KindLength:
		return fmt.Sprintf("id %q is %d characters long; Salesforce ids have 15 or 18", e.Input, len(e.Input))
	case KindCharacter:
		return fmt.Sprintf("id %q has %q at position %d; ids use only letters and digits", e.Input, rune(e.Input[e.Pos]), e.Pos+1)
	case KindChecksum:
		return fmt.Sprintf("id %q has checksum suffix %q but its first 15 characters call for %q; one of the characters is wrong (if the first 15 are right, the id is %s)",
			e.Input, e.Input[15:], e.Want, e.Input[:15]+e.Want)
	case KindCase:
		return fmt.Sprintf("id %q has had its letter case changed (a spreadsheet does this); its checksum says it is %s", e.Input, e.Repaired)
	}
	return fmt.Sprintf("id %q is invalid", e.Input)
}

// Parse accepts a 15- or 18-character id and returns its 18-character form.
// An 18-character id must carry the checksum suffix its first 15 characters
// call for; the suffix itself may be in either case. Parse does not change
// the case of the first 15 characters (Salesforce does not either); see
// RepairCase. The error is always an *Error.
func Parse(s string) (ID, error) {
	switch len(s) {
	case 15:
		if p := badChar(s); p >= 0 {
			return "", &Error{Input: s, Kind: KindCharacter, Pos: p}
		}
		suf := suffix(s)
		return ID(s + string(suf[:])), nil
	case 18:
		if p := badChar(s); p >= 0 {
			return "", &Error{Input: s, Kind: KindCharacter, Pos: p}
		}
		suf := suffix(s[:15])
		if s[15] == suf[0] && s[16] == suf[1] && s[17] == suf[2] {
			return ID(s), nil
		}
		if upper(s[15]) == suf[0] && upper(s[16]) == suf[1] && upper(s[17]) == suf[2] {
			return ID(s[:15] + string(suf[:])), nil
		}
		if uniformCase(s[:15]) {
			if r, err := RepairCase(s); err == nil {
				return "", &Error{Input: s, Kind: KindCase, Repaired: r}
			}
		}
		return "", &Error{Input: s, Kind: KindChecksum, Want: string(suf[:])}
	case 0:
		return "", &Error{Input: s, Kind: KindEmpty}
	}
	return "", &Error{Input: s, Kind: KindLength}
}

// MustParse is Parse for ids known to be valid, such as constants in tests.
// It panics on an invalid id.
func MustParse(s string) ID {
	id, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return id
}

// Checksum returns the 3-character suffix for a 15-character id.
func Checksum(id15 string) (string, error) {
	if len(id15) != 15 {
		return "", &Error{Input: id15, Kind: KindLength}
	}
	if p := badChar(id15); p >= 0 {
		return "", &Error{Input: id15, Kind: KindCharacter, Pos: p}
	}
	suf := suffix(id15)
	return string(suf[:]), nil
}

// RepairCase restores the letter case of an 18-character id from its
// checksum suffix, which records which of the first 15 characters are
// upper-case letters. It repairs ids that went through a case-insensitive
// tool. An id that is already correct is returned unchanged. It fails when
// the input is not 18 characters, or when the suffix marks a digit as
// upper-case, which no case change can explain.
func RepairCase(s string) (ID, error) {
	if len(s) != 18 {
		if len(s) == 0 {
			return "", &Error{Input: s, Kind: KindEmpty}
		}
		return "", &Error{Input: s, Kind: KindLength}
	}
	if p := badChar(s); p >= 0 {
		return "", &Error{Input: s, Kind: KindCharacter, Pos: p}
	}
	var b [18]byte
	for c := 0; c < 3; c++ {
		mask := strings.IndexByte(suffixAlphabet, upper(s[15+c]))
		if mask < 0 {
			return "", &Error{Input: s, Kind: KindChecksum, Want: string(sufOf(s[:15]))}
		}
		for i := 0; i < 5; i++ {
			ch := s[c*5+i]
			isUpper := mask&(1<<i) != 0
			switch {
			case ch >= '0' && ch <= '9':
				if isUpper {
					return "", &Error{Input: s, Kind: KindChecksum, Want: string(sufOf(s[:15]))}
				}
			case isUpper:
				ch = upper(ch)
			default:
				ch = lower(ch)
			}
			b[c*5+i] = ch
		}
		b[15+c] = suffixAlphabet[mask]
	}
	return ID(b[:]), nil
}

// String returns the 18-character form.
func (id ID) String() string { return string(id) }

// Short returns the 15-character, case-sensitive form, or "" for the zero ID.
func (id ID) Short() string {
	if len(id) < 15 {
		return ""
	}
	return string(id[:15])
}

// IsZero reports whether id is the empty id.
func (id ID) IsZero() bool { return id == "" }

// Prefix returns the key prefix: the first three characters, which name the
// object the record belongs to.
func (id ID) Prefix() KeyPrefix {
	if len(id) < 3 {
		return ""
	}
	return KeyPrefix(id[:3])
}

// Equal15 reports whether a (15 or 18 characters) names the same record as id.
func (id ID) Equal15(s string) bool {
	return len(id) == 18 && len(s) >= 15 && string(id[:15]) == s[:15]
}

// New mints the id of record number n for an object. pod is two
// characters of [0-9A-Za-z] standing for the server instance; the sixth
// character is the reserved '0' and the last nine encode n in base 62, so
// distinct n give distinct ids. n must be below 62^9 (about 1.35e16).
func New(prefix KeyPrefix, pod string, n uint64) (ID, error) {
	if len(prefix) != 3 || badChar(string(prefix)) >= 0 {
		return "", fmt.Errorf("key prefix %q must be 3 letters or digits", prefix)
	}
	if len(pod) != 2 || badChar(pod) >= 0 {
		return "", fmt.Errorf("pod %q must be 2 letters or digits", pod)
	}
	const limit = 13537086546263552 // 62^9
	if n >= limit {
		return "", fmt.Errorf("record number %d does not fit in nine base-62 digits", n)
	}
	var b [18]byte
	copy(b[:3], prefix)
	copy(b[3:5], pod)
	b[5] = '0'
	for i := 14; i >= 6; i-- {
		b[i] = base62[n%62]
		n /= 62
	}
	suf := suffix(string(b[:15]))
	copy(b[15:], suf[:])
	return ID(b[:]), nil
}

// suffix computes the checksum of a 15-character id known to be well formed.
func suffix(s string) [3]byte {
	var out [3]byte
	for c := 0; c < 3; c++ {
		n := 0
		for i := 0; i < 5; i++ {
			if ch := s[c*5+i]; ch >= 'A' && ch <= 'Z' {
				n |= 1 << i
			}
		}
		out[c] = suffixAlphabet[n]
	}
	return out
}

func sufOf(s string) []byte {
	suf := suffix(s)
	return suf[:]
}

// uniformCase reports whether every letter of s has the same case, the
// fingerprint of an id that went through UPPER() or a case-folding tool.
func uniformCase(s string) bool {
	var up, low bool
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= 'A' && ch <= 'Z':
			up = true
		case ch >= 'a' && ch <= 'z':
			low = true
		}
	}
	return !(up && low)
}

// badChar returns the offset of the first byte outside [0-9A-Za-z], or -1.
func badChar(s string) int {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !(ch >= '0' && ch <= '9' || ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z') {
			return i
		}
	}
	return -1
}

func upper(ch byte) byte {
	if ch >= 'a' && ch <= 'z' {
		return ch - 'a' + 'A'
	}
	return ch
}

func lower(ch byte) byte {
	if ch >= 'A' && ch <= 'Z' {
		return ch - 'A' + 'a'
	}
	return ch
}
