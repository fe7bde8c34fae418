package soql_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"routemap"
	"routemap/soql"
)

const (
	center   = "04vHs000000XyZaIAK"
	center15 = "04vHs000000XyZa"
	user     = "005Hs00000ABcDeIAL"
	user15   = "005Hs00000ABcDe"
	queue    = "00GHs00000QuEuEMAV"
)

// ignorePos compares parse trees by meaning: positions and the source
// text differ between a query and its formatted form.
var ignorePos = cmp.Options{
	cmpopts.IgnoreTypes(soql.Pos(0)),
	cmpopts.IgnoreFields(soql.Parsed{}, "Text"),
}

func fld(path ...string) soql.Field { return soql.Field{Path: path} }

func str(s string) soql.Value {
	return soql.Value{Literal: routemap.Literal{Kind: routemap.LitString, Str: s}}
}

func num(f float64) soql.Value {
	return soql.Value{Literal: routemap.Literal{Kind: routemap.LitNumber, Num: f}}
}

func boolean(b bool) soql.Value {
	return soql.Value{Literal: routemap.Literal{Kind: routemap.LitBool, Bool: b}}
}

func null() soql.Value { return soql.Value{Literal: routemap.Literal{Kind: routemap.LitNull}} }

func date(y int, m time.Month, d int) soql.Value {
	return soql.Value{Literal: routemap.Literal{Kind: routemap.LitDate, Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}}
}

func datetime(t time.Time) soql.Value {
	return soql.Value{Literal: routemap.Literal{Kind: routemap.LitDateTime, Time: t}}
}

func compare(f string, op routemap.CmpOp, v soql.Value) *soql.CmpCond {
	return &soql.CmpCond{Field: fld(strings.Split(f, ".")...), Op: op, Value: v}
}

func in(f string, vs ...soql.Value) *soql.InCond {
	return &soql.InCond{Field: fld(f), Values: vs}
}

// query is a Parsed with the defaults Parse fills in.
func query(object string, fields ...string) *soql.Parsed {
	p := &soql.Parsed{Object: object, Limit: -1, Offset: -1}
	for _, f := range fields {
		p.Fields = append(p.Fields, fld(strings.Split(f, ".")...))
	}
	return p
}

// wantErr describes an expected error: its reason, where it points and a
// part of its explanation.
type wantErr struct {
	reason   string
	row, col int
	msg      string
}

// checkErr asserts that err is an EINVALID *routemap.Error laid out as
// Salesforce lays out SOQL errors, pointing at want's row and column.
func checkErr(t *testing.T, text string, err error, want wantErr) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s at %d:%d", want.reason, want.row, want.col)
	}
	var e *routemap.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *routemap.Error", err, err)
	}
	if e.Code != routemap.EINVALID || e.Reason != want.reason {
		t.Errorf("code, reason = %q, %q; want %q, %q\n%s", e.Code, e.Reason, routemap.EINVALID, want.reason, e.Message)
	}
	lines := strings.Split(e.Message, "\n")
	if len(lines) < 5 || lines[0] != "" {
		t.Fatalf("message %q is not laid out as Salesforce's", e.Message)
	}
	if got, wantLoc := lines[3], fmt.Sprintf("ERROR at Row:%d:Column:%d", want.row, want.col); got != wantLoc {
		t.Errorf("location %q; want %q\n%s", got, wantLoc, e.Message)
	}
	if explain := strings.Join(lines[4:], "\n"); !strings.Contains(explain, want.msg) {
		t.Errorf("explanation %q does not contain %q", explain, want.msg)
	}
	checkCaret(t, text, lines[1], lines[2], want)
}

// checkCaret checks that the quoted line is the offending one and that the
// caret sits under the column, for lines short enough to be quoted whole.
func checkCaret(t *testing.T, text, shown, caret string, want wantErr) {
	t.Helper()
	rows := strings.Split(text, "\n")
	if want.row > len(rows) {
		t.Fatalf("row %d beyond the text's %d rows", want.row, len(rows))
	}
	line := strings.TrimSuffix(rows[want.row-1], "\r")
	if utf8.RuneCountInString(line) > 160 {
		return
	}
	if shown != line {
		t.Errorf("quoted line %q; want %q", shown, line)
	}
	if wantCaret := strings.Repeat(" ", want.col-1) + "^"; caret != wantCaret {
		t.Errorf("caret line %q; want %q", caret, wantCaret)
	}
}
