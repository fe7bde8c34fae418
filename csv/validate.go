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
//
// Decoding, single-record checks and the cross-record checks (with the
// callbacks) run as a three-stage pipeline of goroutines passing batches of
// records, so that validation uses more than one core; findings still come
// in file order, and a fixed number of batches bounds memory.
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

	p := newPipeline(d, h, v.Rules)
	defer p.stop()
	x := routemap.NewCrossCheck(v.Rules.Provider)
	var row Row
	reserved := false
	for b := range p.out {
		if !reserved && v.Options.SizeHint > 0 && b.offset > 0 {
			// Size the cross-check for the whole file from the first
			// batch's bytes per record, up to 8 million records.
			est := int64(len(b.items)) * v.Options.SizeHint / b.offset
			x.Reserve(int(min(est+est/32+1, 8<<20)))
			reserved = true
		}
		for i := range b.items {
			if i%warmAhead == 0 {
				for j := i; j < min(i+warmAhead, len(b.items)); j++ {
					if it := &b.items[j]; it.err == nil {
						x.Warm(&it.checked.Map)
					}
				}
			}
			it := &b.items[i]
			row = Row{Line: it.line, Fields: it.fields, Findings: row.Findings[:0]}
			if it.err != nil {
				row.Findings = append(row.Findings, Finding{Line: it.err.Line, Problem: it.err.Problem})
				count(row.Findings)
				if it.err.Code != CodeNoRows { // not a record: the file ended after its header
					sum.Rows++
					if it.fields == nil {
						sum.Unsplit++
					}
				}
			} else {
				sum.Rows++
				row.Draft = it.draft
				row.Checked = &it.checked
				for _, p := range it.checked.Problems {
					if p.Code == routemap.CodeRequired && missing[p.Field] {
						continue // reported once, at the header
					}
					row.Findings = append(row.Findings, Finding{Line: it.line, Problem: p})
				}
				for _, p := range x.Add(it.line, &it.checked.Map) {
					row.Findings = append(row.Findings, Finding{Line: it.line, Problem: p})
				}
				count(row.Findings)
			}
			if v.OnRow != nil {
				if err := v.OnRow(&row); err != nil {
					return sum, err
				}
			}
		}
		if b.ioErr != nil {
			return sum, b.ioErr
		}
		if b.end {
			sum.Complete = !b.fatal
			return sum, nil
		}
		p.recycle(b)
	}
	return sum, nil
}

// warmAhead is how many records the cross-check prepares at once; their
// table lookups then overlap instead of waiting for memory one by one.
const warmAhead = 16

// batchSize is the number of records a pipeline stage hands on at once:
// large enough to make channel traffic negligible, small enough that the
// batches in flight stay around a megabyte.
const batchSize = 512

// item is one record in a batch.
type item struct {
	line    int
	fields  []string // in the batch's arena; nil when the record could not be split
	err     *Error   // a structural problem, or nil
	draft   routemap.Draft
	checked routemap.Checked // set when err is nil
}

type batch struct {
	items  []item
	arena  []string
	offset int64 // input bytes consumed after the batch
	ioErr  error // ends the file with an I/O error
	end    bool  // the last batch
	fatal  bool  // the file ended at a fatal problem
}

// pipeline runs the decode and check stages; the caller consumes out.
type pipeline struct {
	out  chan *batch
	free chan *batch
	done chan struct{}
}

func newPipeline(d *Decoder, h *Header, rules routemap.Rules) *pipeline {
	const inFlight = 4
	p := &pipeline{
		out:  make(chan *batch, inFlight),
		free: make(chan *batch, 3*inFlight),
		done: make(chan struct{}),
	}
	for range 3 * inFlight {
		p.free <- &batch{items: make([]item, 0, batchSize)}
	}
	decoded := make(chan *batch, inFlight)
	go p.decode(d, decoded)
	go p.check(h, rules, decoded)
	return p
}

// stop ends the stages early (after a callback error) or lets them go.
func (p *pipeline) stop() { close(p.done) }

func (p *pipeline) recycle(b *batch) {
	b.items, b.arena = b.items[:0], b.arena[:0]
	select {
	case p.free <- b:
	default:
	}
}

func (p *pipeline) send(ch chan<- *batch, b *batch) bool {
	select {
	case ch <- b:
		return true
	case <-p.done:
		return false
	}
}

func (p *pipeline) decode(d *Decoder, out chan<- *batch) {
	defer close(out)
	for {
		var b *batch
		select {
		case b = <-p.free:
		case <-p.done:
			return
		}
		for len(b.items) < batchSize {
			rec, err := d.Next()
			if err == io.EOF {
				b.end = true
				break
			}
			it := item{line: rec.Line}
			if rec.Fields != nil {
				start := len(b.arena)
				b.arena = append(b.arena, rec.Fields...)
				it.fields = b.arena[start:len(b.arena):len(b.arena)]
			}
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					b.ioErr, b.end = err, true
					break
				}
				it.err = e
				if e.Fatal {
					b.items = append(b.items, it)
					b.end, b.fatal = true, true
					break
				}
			}
			b.items = append(b.items, it)
		}
		b.offset = d.Offset()
		if !p.send(out, b) || b.end {
			return
		}
	}
}

func (p *pipeline) check(h *Header, rules routemap.Rules, in <-chan *batch) {
	defer close(p.out)
	for b := range in {
		for i := range b.items {
			it := &b.items[i]
			if it.err == nil {
				it.draft = h.Draft(it.fields)
				it.checked = it.draft.Check(rules)
			}
		}
		if !p.send(p.out, b) || b.end {
			return
		}
	}
}
