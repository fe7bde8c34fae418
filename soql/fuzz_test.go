package soql_test

import (
	"errors"
	"strings"
	"testing"

	"routemap"
	"routemap/soql"
)

// FuzzParse feeds arbitrary text to Parse. It must never panic; every
// error must be an EINVALID *routemap.Error with a known reason and
// Salesforce's layout; a parsed query must format back to text that parses
// to the same tree; and Resolve must never panic on what Parse accepts.
func FuzzParse(f *testing.F) {
	for _, tt := range parseOK {
		if len(tt.in) < 2000 {
			f.Add(tt.in)
		}
	}
	f.Add(importerQuery)
	f.Add("SELECT Id FROM CallCenterRoutingMap WHERE")
	f.Add(`SELECT Id FROM User WHERE Name LIKE '\u005F\_%' AND (IsActive = true OR NOT Alias IN ('a', null))`)
	f.Add("SELECT Id FROM User WHERE CreatedDate > 2024-01-15T10:00:00.123-08:00 ORDER BY Name DESC NULLS FIRST LIMIT 1 OFFSET 2")
	f.Add("SELECT Id FROM X WHERE Name = 'a' OR 1=1 --")
	f.Add("SELECT COUNT(), Id FROM X;")
	schema := routemap.NewSchema()
	f.Fuzz(func(t *testing.T, text string) {
		p, err := soql.Parse(text)
		if err != nil {
			checkFuzzErr(t, err)
			return
		}
		checkRoundTrip(t, p)
		for _, version := range []float64{0, 55.0} {
			if _, err := soql.Resolve(p, schema, version); err != nil {
				checkFuzzErr(t, err)
			}
		}
	})
}

func checkFuzzErr(t *testing.T, err error) {
	t.Helper()
	var e *routemap.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *routemap.Error", err, err)
	}
	switch e.Reason {
	case soql.ReasonMalformedQuery, soql.ReasonInvalidField, soql.ReasonInvalidType, soql.ReasonInvalidFilterValue:
	default:
		t.Fatalf("unknown reason %q: %s", e.Reason, e.Message)
	}
	if e.Code != routemap.EINVALID || !strings.HasPrefix(e.Message, "\n") || !strings.Contains(e.Message, "\nERROR at Row:") {
		t.Fatalf("error %q, %q is not laid out as Salesforce's", e.Code, e.Message)
	}
}
