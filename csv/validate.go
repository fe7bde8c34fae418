package csv

import (
	"errors"
	"io"

	"routemap"
)

// Finding is a problem found at a line of a file.
type Finding struct {
	Line int `json:"line"`
	routemap.Problem
}

// Row is one record as the Validator saw it.
type Row struct {
	Line   int
	Fields []string // raw values; nil when the record could not be split
	// Draft and Checked are set when the record has the header's shape.
	Draft   routemap.Draft
	Checked *routemap.Checked
	// Findings lists the record's problems: structure, then single-record
	// rules, then rules across records.
	Findings []Finding
}

// OK reports whether the row has no error-severity findings.
func (r *Row) OK() bool {
	for _, f := range r.Findings {
		if f.Severity == routemap.SeverityError {
			return false
		}
	}
	return true
}

// Summary counts what a Validator run found.
type Summary struct {
	Rows     int // data records read, good and bad
	Errors   int
	Warnings int
	// Complete is false when a fatal problem stopped reading early.
	Complete bool
	// Unsplit counts records whose fields could not be recovered (too
	// long, or cut off by a fatal problem).
	Unsplit int
}

// Validator streams a routing-map CSV through the structural checks of the
// Decoder, routemap's single-record rules and a CrossCheck, handing each
// record to OnRow with everything found about it. Memory is bounded by the
// CrossCheck, not by the file.
type Validator struct {
	Options Options
	Rules   routemap.Rules
	// OnHeader, if set, is called once with the header and its findings.
	// The header is nil when the file has none that can be read.
	OnHeader func(h *Header, findings []Finding) error
	// OnRow, if set, is called for every record in file order. Row and its
	// slices are reused after OnRow returns.
	OnRow func(r *Row) error
}

// Run reads rd to its end (or to a fatal problem). Its error is an I/O
// error or one returned by a callback; problems with the file are findings.
func (v *Validator) Run(rd io.Reader) (Summary, error) {
	var sum Summary
	d := NewDecoder(rd, v.Options)
	count := func(fs []Finding) {
		for _, f := range fs {
			if f.Severity == routemap.SeverityError {
				sum.Errors++
			} else {
				sum.Warnings++
			}
		}
	}
	h, err := d.Header()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return sum, err
		}
		fs := []Finding{{Line: e.Line, Problem: e.Problem}}
		count(fs)
		if v.OnHeader != nil {
			return sum, v.OnHeader(nil, fs)
		}
		return sum, nil
	}
	var hf []Finding
	missing := map[string]bool{}
	for _, p := range h.Problems {
		hf = append(hf, Finding{Line: p.Line, Problem: p.Problem})
		if p.Code == CodeMissingColumn {
			missing[p.Field] = true
		}
	}
	count(hf)
	if v.OnHeader != nil {
		if err := v.OnHeader(h, hf); err != nil {
			return sum, err
		}
	}

	x := routemap.NewCrossCheck(v.Rules.Provider)
	var row Row
	var checked routemap.Checked
	for {
		rec, err := d.Next()
		if err == io.EOF {
			sum.Complete = true
			return sum, nil
		}
		row = Row{Line: rec.Line, Fields: rec.Fields, Findings: row.Findings[:0]}
		var e *Error
		if err != nil && !errors.As(err, &e) {
			return sum, err
		}
		if e != nil {
			row.Findings = append(row.Findings, Finding{Line: e.Line, Problem: e.Problem})
			count(row.Findings)
			if e.Code == CodeNoRows {
				// Not a record: the file simply ended after its header.
				if v.OnRow != nil {
					if err := v.OnRow(&row); err != nil {
						return sum, err
					}
				}
				continue
			}
			sum.Rows++
			if rec.Fields == nil {
				sum.Unsplit++
			}
			if v.OnRow != nil {
				if err := v.OnRow(&row); err != nil {
					return sum, err
				}
			}
			if e.Fatal {
				return sum, nil
			}
			continue
		}
		sum.Rows++
		row.Draft = h.Draft(rec.Fields)
		checked = row.Draft.Check(v.Rules)
		row.Checked = &checked
		for _, p := range checked.Problems {
			if p.Code == routemap.CodeRequired && missing[p.Field] {
				continue // reported once, at the header
			}
			row.Findings = append(row.Findings, Finding{Line: rec.Line, Problem: p})
		}
		for _, p := range x.Add(rec.Line, &checked.Map) {
			row.Findings = append(row.Findings, Finding{Line: rec.Line, Problem: p})
		}
		count(row.Findings)
		if v.OnRow != nil {
			if err := v.OnRow(&row); err != nil {
				return sum, err
			}
		}
	}
}
