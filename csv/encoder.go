package csv

import (
	"bufio"
	"io"
	"strings"
)

// Encoder writes CSV records with a given delimiter and line ending,
// quoting a value only when it must be: when it holds the delimiter, a
// double quote or a line break.
type Encoder struct {
	w     *bufio.Writer
	comma byte
	eol   string
	err   error
}

// NewEncoder returns an Encoder writing to w; comma 0 means ','.
func NewEncoder(w io.Writer, comma byte, crlf bool) *Encoder {
	if comma == 0 {
		comma = ','
	}
	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	return &Encoder{w: bufio.NewWriterSize(w, 256<<10), comma: comma, eol: eol}
}

// WriteBOM writes a UTF-8 byte order mark, for files that had one.
func (e *Encoder) WriteBOM() error {
	if e.err == nil {
		_, e.err = e.w.WriteString("\xef\xbb\xbf")
	}
	return e.err
}

// Write writes one record.
func (e *Encoder) Write(fields []string) error {
	if e.err != nil {
		return e.err
	}
	for i, f := range fields {
		if i > 0 {
			e.w.WriteByte(e.comma)
		}
		// A record of one empty field would read back as a blank line.
		if !e.needsQuotes(f) && !(f == "" && len(fields) == 1) {
			e.w.WriteString(f)
			continue
		}
		e.w.WriteByte('"')
		for {
			j := strings.IndexByte(f, '"')
			if j < 0 {
				e.w.WriteString(f)
				break
			}
			e.w.WriteString(f[:j+1])
			e.w.WriteByte('"')
			f = f[j+1:]
		}
		e.w.WriteByte('"')
	}
	_, e.err = e.w.WriteString(e.eol)
	return e.err
}

// Flush writes any buffered data and returns the first error met.
func (e *Encoder) Flush() error {
	if e.err != nil {
		return e.err
	}
	e.err = e.w.Flush()
	return e.err
}

func (e *Encoder) needsQuotes(f string) bool {
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case e.comma, '"', '\r', '\n':
			return true
		}
	}
	return false
}
