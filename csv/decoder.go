package csv

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"routemap"
)

// Delimiters of Bulk API 2.0, by their columnDelimiter names.
var delimiters = []struct {
	Name string
	Char byte
}{
	{"COMMA", ','},
	{"SEMICOLON", ';'},
	{"TAB", '\t'},
	{"PIPE", '|'},
	{"CARET", '^'},
	{"BACKQUOTE", '`'},
}

// ParseDelimiter accepts a Bulk API 2.0 columnDelimiter name (COMMA,
// SEMICOLON, TAB, PIPE, CARET, BACKQUOTE; any case) or the character itself.
func ParseDelimiter(s string) (byte, error) {
	for _, d := range delimiters {
		if strings.EqualFold(s, d.Name) || s == string(d.Char) {
			return d.Char, nil
		}
	}
	return 0, fmt.Errorf("unknown delimiter %q: use COMMA, SEMICOLON, TAB, PIPE, CARET or BACKQUOTE", s)
}

// DelimiterName returns the Bulk API 2.0 name of a delimiter character.
func DelimiterName(c byte) string {
	for _, d := range delimiters {
		if d.Char == c {
			return d.Name
		}
	}
	return string(c)
}

// Options tune a Decoder. The zero value detects the delimiter and applies
// the Bulk API 2.0 size limits.
type Options struct {
	// Delimiter is the column delimiter; 0 detects it from the header.
	Delimiter byte
	// MaxFieldBytes and MaxRecordBytes bound one field and one record; 0
	// means the Bulk API 2.0 limits. Memory use is bounded by them.
	MaxFieldBytes  int
	MaxRecordBytes int
	// SizeHint is the input's size in bytes when known (0 otherwise). The
	// Validator uses it to size its tables once rather than grow them.
	SizeHint int64
}

// Column describes one column of the file.
type Column struct {
	Name  string // as written in the header
	Field string // the routing-map field it holds, "" for a passed-through column
}

// Header is a file's first record, mapped onto routing-map fields.
type Header struct {
	Columns   []Column
	Delimiter byte
	BOM       bool
	CRLF      bool // the header line ended in CRLF
	// Problems lists what is wrong with the header that does not stop
	// reading: missing or duplicate columns, names that are not API names.
	Problems []*Error

	index map[string]int // routing-map field → column
	// cols holds the column of each of knownFields (-1 when absent), so
	// that Draft needs no map lookups.
	cols [8]int
}

// knownFields are the columns that map onto routing-map fields, in the
// order Header.Draft relies on.
var knownFields = [...]string{
	routemap.FieldID,
	routemap.FieldExternalID,
	routemap.FieldReferenceRecordID,
	routemap.FieldCallCenterID,
	routemap.FieldDeveloperName,
	routemap.FieldQuickConnect,
	routemap.FieldMasterLabel,
	routemap.FieldLanguage,
}

// RequiredColumns are the columns a routing-map file must have.
var RequiredColumns = []string{
	routemap.FieldExternalID,
	routemap.FieldReferenceRecordID,
	routemap.FieldCallCenterID,
	routemap.FieldDeveloperName,
	routemap.FieldMasterLabel,
}

// Index returns the column holding a routing-map field, or -1.
func (h *Header) Index(field string) int {
	if i, ok := h.index[field]; ok {
		return i
	}
	return -1
}

// Has reports whether the file has a column for the field.
func (h *Header) Has(field string) bool { return h.Index(field) >= 0 }

// Names returns the column names as written.
func (h *Header) Names() []string {
	out := make([]string, len(h.Columns))
	for i, c := range h.Columns {
		out[i] = c.Name
	}
	return out
}

// Draft maps a record's fields onto a routing-map draft. Fields beyond the
// record's length are empty.
func (h *Header) Draft(fields []string) routemap.Draft {
	var v [len(knownFields)]string
	for k, i := range h.cols {
		if i >= 0 && i < len(fields) {
			v[k] = fields[i]
		}
	}
	// The order is that of knownFields.
	return routemap.Draft{
		ID:                v[0],
		ExternalID:        v[1],
		ReferenceRecordID: v[2],
		CallCenterID:      v[3],
		DeveloperName:     v[4],
		QuickConnect:      v[5],
		MasterLabel:       v[6],
		Language:          v[7],
	}
}

// Record is one data record.
type Record struct {
	Line   int      // physical line where it starts
	Fields []string // raw values in file order; the slice is reused by Next
}

// Decoder reads a routing-map CSV: first the header, then records.
type Decoder struct {
	r      reader
	header *Header
	err    error
	rows   int
}

// NewDecoder returns a Decoder reading from rd.
func NewDecoder(rd io.Reader, opts Options) *Decoder {
	if opts.MaxFieldBytes <= 0 {
		opts.MaxFieldBytes = DefaultMaxFieldBytes
	}
	if opts.MaxRecordBytes <= 0 {
		opts.MaxRecordBytes = DefaultMaxRecordBytes
	}
	return &Decoder{r: reader{
		br:        bufio.NewReaderSize(rd, readBufferSize),
		comma:     opts.Delimiter,
		maxField:  opts.MaxFieldBytes,
		maxRecord: opts.MaxRecordBytes,
	}}
}

// Header reads and maps the header on first call. Its error is fatal: the
// file is empty, is not text, or its first record cannot be read.
func (d *Decoder) Header() (*Header, error) {
	if d.header != nil || d.err != nil {
		return d.header, d.err
	}
	d.header, d.err = d.readHeader()
	return d.header, d.err
}

func (d *Decoder) readHeader() (*Header, error) {
	h := &Header{index: make(map[string]int)}
	br := d.r.br
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		h.BOM = true
		br.Discard(3)
	}
	first := peekLine(br)
	if i := bytes.IndexByte(first, '\r'); i >= 0 && i+1 < len(first) && first[i+1] != '\n' {
		e := newError(1, "", CodeLineEnding, "save the file with LF or CRLF line endings", "the file uses bare carriage returns (classic Mac line endings) to end lines; Bulk API 2.0 accepts LF or CRLF")
		e.Fatal = true
		return nil, e
	}
	if d.r.comma == 0 {
		d.r.comma = detectDelimiter(first)
	}
	h.Delimiter = d.r.comma

	fields, err := d.r.read()
	if err != nil {
		if err == io.EOF {
			e := newError(1, "", CodeEmpty, "the first line must name the columns: "+strings.Join(RequiredColumns, ","), "the file is empty")
			e.Fatal = true
			return nil, e
		}
		if e, ok := err.(*Error); ok {
			e.Fatal = true
			e.Message = "the header: " + e.Message
			return nil, e
		}
		return nil, err
	}
	line := d.r.recordLine
	h.CRLF = d.r.sawCRLF
	known := 0
	for i, raw := range fields {
		name := strings.TrimSpace(raw)
		col := Column{Name: raw}
		if f, exact := fieldFor(name); f != "" {
			if prev, dup := h.index[f]; dup {
				h.Problems = append(h.Problems, newError(line, f, CodeDuplicateColumn, "remove one of them",
					"columns %d and %d both hold %s; routemap reads column %d", prev+1, i+1, f, prev+1))
			} else {
				col.Field = f
				h.index[f] = i
				known++
				if !exact {
					p := newError(line, f, CodeHeaderName, "", "column %q is read as %s; Salesforce tools need the API name", raw, f)
					p.Severity = routemap.SeverityWarning
					p.Fix, p.Mechanical = "rename it to "+f, true
					h.Problems = append(h.Problems, p)
				}
			}
		}
		h.Columns = append(h.Columns, col)
	}
	if known == 0 {
		msg := "the header names none of the routing-map columns"
		if looksLikeData(fields) {
			msg = "line 1 looks like data, not a header"
		}
		e := newError(line, "", CodeHeader, "the first line must name the columns: "+strings.Join(RequiredColumns, ",")+" (and QuickConnect for Amazon Connect)",
			"%s (delimiter %s)", msg, DelimiterName(d.r.comma))
		e.Fatal = true
		return nil, e
	}
	for k, f := range knownFields {
		h.cols[k] = h.Index(f)
	}
	for _, f := range RequiredColumns {
		if _, ok := h.index[f]; !ok {
			fix := "add a " + f + " column"
			if f == routemap.FieldDeveloperName || f == routemap.FieldMasterLabel {
				fix += "; `routemap validate --fix` adds it, derived from ReferenceRecordId and CallCenterId"
			}
			h.Problems = append(h.Problems, newError(line, f, CodeMissingColumn, fix, "the header has no %s column", f))
		}
	}
	return h, nil
}

// Next returns the next record. A non-fatal *Error comes with the record
// (Fields may be nil when the record could not be split), and reading can
// go on; any other error ends the file, io.EOF at its end. A file with a
// header and no records yields a CodeNoRows error before io.EOF.
func (d *Decoder) Next() (Record, error) {
	h, err := d.Header()
	if err != nil {
		return Record{}, err
	}
	fields, err := d.r.read()
	rec := Record{Line: d.r.recordLine, Fields: fields}
	if err == io.EOF {
		if d.rows == 0 {
			d.rows = -1
			return Record{Line: d.r.line}, newError(d.r.line, "", CodeNoRows, "add one row per rep below the header", "the file has a header but no rows")
		}
		return rec, io.EOF
	}
	if d.rows >= 0 {
		d.rows++
	}
	if err != nil {
		return rec, err
	}
	if len(fields) != len(h.Columns) {
		return rec, newError(rec.Line, "", CodeFieldCount, "check for a missing or extra delimiter, or a value with a delimiter in it that is not quoted",
			"the record has %d fields but the header has %d columns", len(fields), len(h.Columns))
	}
	return rec, nil
}

// Offset returns the number of input bytes consumed so far.
func (d *Decoder) Offset() int64 { return d.r.consumed }

// Line returns the number of physical lines read so far.
func (d *Decoder) Line() int { return d.r.line }

// CRLF reports whether the lines read so far ended in CRLF.
func (d *Decoder) CRLF() bool { return d.r.sawCRLF }

// fieldFor maps a header name to a routing-map field. exact is false when
// the name matched only after ignoring spaces and underscores.
func fieldFor(name string) (field string, exact bool) {
	for _, f := range knownFields {
		if strings.EqualFold(name, f) {
			return f, true
		}
	}
	squeezed := strings.NewReplacer(" ", "", "_", "", "-", "").Replace(name)
	for _, f := range knownFields {
		if f != routemap.FieldID && strings.EqualFold(squeezed, f) {
			return f, false
		}
	}
	return "", false
}

// detectDelimiter picks the Bulk delimiter that splits the header line into
// the most routing-map column names; failing that, the one it holds most
// often; failing that, COMMA.
func detectDelimiter(line []byte) byte {
	best, bestScore, bestCount := byte(','), 0, 0
	for _, d := range delimiters {
		score := 0
		parts := bytes.Split(line, []byte{d.Char})
		for _, p := range parts {
			name := strings.Trim(strings.TrimSpace(string(p)), `"`)
			if f, _ := fieldFor(name); f != "" {
				score++
			}
		}
		count := len(parts) - 1
		if score > bestScore || score == bestScore && bestScore == 0 && count > bestCount {
			best, bestScore, bestCount = d.Char, score, count
		}
	}
	return best
}

// peekLine returns the first non-blank line of the buffered input without
// consuming it.
func peekLine(br *bufio.Reader) []byte {
	b, _ := br.Peek(64 << 10)
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return b
		}
		if len(bytes.TrimRight(b[:i], "\r")) > 0 {
			return b[:i+1]
		}
		b = b[i+1:]
	}
}

func looksLikeData(fields []string) bool {
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if strings.HasPrefix(f, "arn:") || len(f) == 18 && strings.HasPrefix(f, "005") || len(f) == 15 && strings.HasPrefix(f, "005") {
			return true
		}
	}
	return false
}
