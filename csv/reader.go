package csv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"routemap"
)

// Limits from Bulk API 2.0: a field holds at most 32,000 characters and a
// record at most 400,000.
const (
	DefaultMaxFieldBytes  = 32000
	DefaultMaxRecordBytes = 400000
)

// Problem codes for the file's structure. docs/validation.md describes each.
const (
	CodeEmpty             = "csv_empty"
	CodeNoRows            = "csv_no_rows"
	CodeHeader            = "csv_header"
	CodeHeaderName        = "csv_header_name"
	CodeMissingColumn     = "csv_missing_column"
	CodeDuplicateColumn   = "csv_duplicate_column"
	CodeFieldCount        = "csv_field_count"
	CodeQuote             = "csv_quote"
	CodeUnterminatedQuote = "csv_unterminated_quote"
	CodeEncoding          = "csv_encoding"
	CodeFieldTooLong      = "csv_field_too_long"
	CodeRecordTooLong     = "csv_record_too_long"
	CodeLineEnding        = "csv_line_ending"
)

// Error is a problem with one record (or the header) of a file. Fatal
// errors end the file; after any other, reading goes on with the next record.
type Error struct {
	Line int // physical line where the record starts, 1-based
	routemap.Problem
	Fatal bool
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Message)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Message)
}

func newError(line int, field, code, fix, format string, args ...any) *Error {
	return &Error{Line: line, Problem: routemap.Problem{
		Field: field, Code: code, Severity: routemap.SeverityError,
		Message: fmt.Sprintf(format, args...), Fix: fix,
	}}
}

// reader splits a byte stream into records of raw fields. It is the
// low-level half of Decoder.
type reader struct {
	br    *bufio.Reader
	comma byte

	maxField, maxRecord int

	line       int   // number of the last physical line read
	consumed   int64 // bytes of input read so far
	recordLine int   // line where the current record starts
	sawCRLF    bool

	lineBuf   []byte // holds a physical line longer than the bufio buffer
	recordBuf []byte
	ends      []int
	fields    []string

	fatal error
}

const readBufferSize = 1 << 20

var errLineTooLong = errors.New("line too long")

// readLine returns the next physical line with "\r\n" or "\n" turned into
// "\n" (a last line without a newline is returned without one). A line
// longer than maxRecord is consumed and errLineTooLong returned.
func (r *reader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	r.consumed += int64(len(line))
	if err == bufio.ErrBufferFull {
		r.lineBuf = append(r.lineBuf[:0], line...)
		tooLong := false
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			r.consumed += int64(len(line))
			if !tooLong && len(r.lineBuf)+len(line) > r.maxRecord {
				tooLong = true
				r.lineBuf = r.lineBuf[:0]
			}
			if !tooLong {
				r.lineBuf = append(r.lineBuf, line...)
			}
		}
		if tooLong {
			r.line++
			if err != nil && err != io.EOF {
				return nil, err
			}
			return nil, errLineTooLong
		}
		line = r.lineBuf
	}
	if len(line) > 0 {
		r.line++
		if err == io.EOF {
			err = nil
		}
	}
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
		r.sawCRLF = true
	}
	return line, err
}

// read returns the next record's fields. The strings stay valid after later
// calls; the slice holding them is reused. A non-fatal *Error comes with the record's
// fields when they could be split; a fatal one (or an I/O error) ends the
// file, and io.EOF marks its end. Blank lines are skipped.
func (r *reader) read() ([]string, error) {
	if r.fatal != nil {
		return nil, r.fatal
	}
	var line []byte
	var err error
	for {
		line, err = r.readLine()
		if err == errLineTooLong {
			r.recordLine = r.line
			return nil, r.skipTooLong()
		}
		if err != nil && len(line) == 0 {
			r.fatal = err
			return nil, err
		}
		if len(line) > 0 && !(len(line) == 1 && line[0] == '\n') {
			break
		}
		if err != nil {
			r.fatal = err
			return nil, err
		}
	}
	r.recordLine = r.line
	r.recordBuf = r.recordBuf[:0]
	r.ends = r.ends[:0]
	var rowErr *Error
	comma := r.comma

parseField:
	for {
		if len(line) == 0 || line[0] != '"' {
			i := bytes.IndexByte(line, comma)
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-nlLen(field)]
			}
			if rowErr == nil {
				if j := bytes.IndexByte(field, '"'); j >= 0 {
					rowErr = newError(r.recordLine, "", CodeQuote, "put the whole value in double quotes and double the quote inside it (\"5\"\" monitor\")",
						"column %d has a double quote inside a value that does not start with one", len(r.ends)+1)
				}
			}
			r.recordBuf = append(r.recordBuf, field...)
			r.ends = append(r.ends, len(r.recordBuf))
			if i >= 0 {
				line = line[i+1:]
				continue parseField
			}
			break parseField
		}
		// A quoted field.
		startLine := r.line
		line = line[1:]
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				r.recordBuf = append(r.recordBuf, line[:i]...)
				line = line[i+1:]
				switch {
				case len(line) > 0 && line[0] == '"':
					r.recordBuf = append(r.recordBuf, '"')
					line = line[1:]
				case len(line) > 0 && line[0] == comma:
					line = line[1:]
					r.ends = append(r.ends, len(r.recordBuf))
					continue parseField
				case nlLen(line) == len(line):
					r.ends = append(r.ends, len(r.recordBuf))
					break parseField
				default:
					if rowErr == nil {
						rowErr = newError(r.recordLine, "", CodeQuote, "a quoted value must end right after its closing quote; double any quote inside it",
							"column %d has characters after its closing quote (line %d)", len(r.ends)+1, r.line)
					}
					// Keep the rest of the value up to the next delimiter.
					j := bytes.IndexByte(line, comma)
					rest := line
					if j >= 0 {
						rest = line[:j]
					} else {
						rest = rest[:len(rest)-nlLen(rest)]
					}
					r.recordBuf = append(r.recordBuf, rest...)
					r.ends = append(r.ends, len(r.recordBuf))
					if j >= 0 {
						line = line[j+1:]
						continue parseField
					}
					break parseField
				}
			case len(line) > 0:
				r.recordBuf = append(r.recordBuf, line...)
				if len(r.recordBuf) > r.maxRecord {
					return nil, r.skipQuotedTooLong()
				}
				line, err = r.readLine()
				if err == errLineTooLong {
					return nil, r.skipQuotedTooLong()
				}
				if err != nil && err != io.EOF {
					r.fatal = err
					return nil, err
				}
				if len(line) == 0 {
					return nil, r.unterminated(startLine)
				}
			default:
				return nil, r.unterminated(startLine)
			}
		}
	}

	if len(r.recordBuf) > r.maxRecord {
		return nil, newError(r.recordLine, "", CodeRecordTooLong, "", "the record is %d bytes long; Bulk API 2.0 allows %d characters a record", len(r.recordBuf), r.maxRecord)
	}
	str := string(r.recordBuf)
	r.fields = r.fields[:0]
	prev := 0
	for _, end := range r.ends {
		r.fields = append(r.fields, str[prev:end])
		prev = end
	}
	fields := r.fields
	if rowErr != nil {
		return fields, rowErr
	}
	if !utf8.ValidString(str) {
		return fields, r.encodingError(fields)
	}
	for i, f := range fields {
		if len(f) > r.maxField && utf8.RuneCountInString(f) > r.maxField {
			return fields, newError(r.recordLine, "", CodeFieldTooLong, "", "column %d is %d characters long; Bulk API 2.0 allows %d characters a field", i+1, utf8.RuneCountInString(f), r.maxField)
		}
	}
	return fields, nil
}

func (r *reader) unterminated(startLine int) error {
	r.fatal = newError(startLine, "", CodeUnterminatedQuote, "close the quote; a value that starts with a double quote must end with one",
		"a quoted value that starts on line %d never ends; the rest of the file (to line %d) would be part of it", startLine, r.line)
	r.fatal.(*Error).Fatal = true
	return r.fatal
}

// skipTooLong reports a record whose first line is over the limit and
// consumes the rest of it, following quotes by parity so that reading can
// go on with the next record.
func (r *reader) skipTooLong() error {
	return r.skipRest(false)
}

// skipQuotedTooLong is skipTooLong for a record that outgrew the limit
// inside a quoted field.
func (r *reader) skipQuotedTooLong() error {
	return r.skipRest(true)
}

func (r *reader) skipRest(inQuote bool) error {
	e := newError(r.recordLine, "", CodeRecordTooLong, "check that the file is a CSV and that every quoted value is closed",
		"the record is longer than %d bytes, the Bulk API 2.0 limit for a record", r.maxRecord)
	// A line that was itself too long left no bytes to count quotes in;
	// assume it ended outside quotes, the common case for junk.
	for inQuote {
		line, err := r.readLine()
		if err == errLineTooLong {
			continue
		}
		if bytes.Count(line, []byte{'"'})%2 == 1 {
			inQuote = false
		}
		if err != nil || len(line) == 0 {
			if inQuote {
				e.Fatal = true
				r.fatal = e
			}
			break
		}
	}
	return e
}

func (r *reader) encodingError(fields []string) error {
	for i, f := range fields {
		if !utf8.ValidString(f) {
			off := 0
			for off < len(f) {
				rn, size := utf8.DecodeRuneInString(f[off:])
				if rn == utf8.RuneError && size <= 1 {
					break
				}
				off += size
			}
			return newError(r.recordLine, "", CodeEncoding, "save the file as UTF-8 (in Excel: CSV UTF-8)",
				"column %d is not valid UTF-8 (byte 0x%02x at position %d); the file may be in another encoding or not text at all", i+1, f[off], off+1)
		}
	}
	return nil
}

func nlLen(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}
