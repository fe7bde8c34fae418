package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"routemap"
	"routemap/csv"
	"routemap/sfid"
)

type validateOptions struct {
	Provider   string
	CallCenter string
	Instance   string
	Strict     bool
	Format     string
	Fix        string
	Delimiter  string
	File       string
}

func (m *Main) validateCommand() *cobra.Command {
	var o validateOptions
	c := &cobra.Command{
		Use:   "validate [flags] FILE|-",
		Short: "Check a routing-map CSV against every rule, offline",
		Long: `validate reads a CallCenterRoutingMap CSV (or - for standard input) and reports
every problem with its line, field, a stable code and the fix: 15- versus
18-character ids, ids upper-cased by a spreadsheet, DeveloperNames that break
Salesforce's naming rules or the article's User_<user id>_<contact center id>
convention, ARNs where usernames belong and the reverse, quick connects from
another instance, duplicates, and malformed CSV.

--fix writes a corrected copy: 15-character ids made 18, letter case
repaired, whitespace trimmed, DeveloperName and MasterLabel derived; every
other value is left as it was.

Exit status: 0 no errors (with --strict: no warnings either), 1 problems
found, 2 usage or I/O error.`,
		Example: `  routemap validate examples/routing-map.csv
  routemap validate --provider amazon-connect --format json map.csv
  routemap validate --fix fixed.csv map.csv`,
		Args: positional(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			o.File = args[0]
			return m.runValidate(o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.Provider, "provider", "", "telephony model: amazon-connect, partner or partner-from-amazon-connect (default: infer from each row)")
	f.StringVar(&o.CallCenter, "call-center", "", "contact center id every row must belong to (fills empty CallCenterId)")
	f.StringVar(&o.Instance, "connect-instance", "", "Amazon Connect instance ARN that agent and quick connect ARNs must belong to")
	f.BoolVar(&o.Strict, "strict", false, "treat warnings as errors for the exit status")
	f.StringVar(&o.Format, "format", "text", "output format: text or json")
	f.StringVar(&o.Fix, "fix", "", "write a corrected copy of the file to `OUT.csv`")
	f.StringVar(&o.Delimiter, "delimiter", "", "column delimiter: COMMA, SEMICOLON, TAB, PIPE, CARET or BACKQUOTE (default: detect)")
	return c
}

// validateRules turns the shared rule flags into routemap.Rules.
func validateRules(provider, callCenter, instance string) (routemap.Rules, error) {
	var r routemap.Rules
	p, err := routemap.ParseProvider(provider)
	if err != nil {
		return r, usageErrorf("--provider: %v", err)
	}
	r.Provider = p
	if callCenter != "" {
		id, err := sfid.Parse(callCenter)
		if err != nil {
			return r, usageErrorf("--call-center: %v", err)
		}
		if id.Prefix() != sfid.PrefixCallCenter {
			return r, usageErrorf("--call-center: %s is not a contact center id (those start with 04v)", id)
		}
		r.CallCenterID = id
	}
	if instance != "" {
		a, err := routemap.ParseConnectARN(instance)
		if err != nil {
			return r, usageErrorf("--connect-instance: %v", err)
		}
		r.Instance = a.Instance()
	}
	return r, nil
}

func (m *Main) runValidate(o validateOptions) error {
	if o.Format != "text" && o.Format != "json" {
		return usageErrorf("--format must be text or json, not %q", o.Format)
	}
	rules, err := validateRules(o.Provider, o.CallCenter, o.Instance)
	if err != nil {
		return err
	}
	var opts csv.Options
	if o.Delimiter != "" {
		if opts.Delimiter, err = csv.ParseDelimiter(o.Delimiter); err != nil {
			return usageErrorf("--delimiter: %v", err)
		}
	}
	in, name, closeIn, err := m.openInput(o.File)
	if err != nil {
		return err
	}
	defer closeIn()
	if f, ok := in.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			opts.SizeHint = st.Size()
		}
	}

	out := bufio.NewWriterSize(m.Stdout, 64<<10)
	rep := newReporter(out, o.Format, name)

	var fix *fixWriter
	if o.Fix != "" {
		if fix, err = newFixWriter(o.Fix); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		defer fix.Abort()
	}

	v := csv.Validator{Options: opts, Rules: rules}
	mechanical, errorsLeft := 0, 0
	v.OnHeader = func(h *csv.Header, fs []csv.Finding) error {
		for _, f := range fs {
			rep.Finding(f)
			if f.Severity == routemap.SeverityError && !fixedByAddingColumn(f) {
				errorsLeft++
			}
		}
		if fix != nil && h != nil {
			return fix.Header(h)
		}
		return nil
	}
	v.OnRow = func(r *csv.Row) error {
		for _, f := range r.Findings {
			rep.Finding(f)
			if f.Mechanical {
				mechanical++
			} else if f.Severity == routemap.SeverityError {
				errorsLeft++
			}
		}
		if fix != nil {
			return fix.Row(r)
		}
		return nil
	}
	sum, err := v.Run(in)
	if err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("read %s: %w", name, err)}
	}

	fixed := ""
	if fix != nil {
		switch {
		case !sum.Complete || sum.Unsplit > 0 || !fix.started:
			rep.Note(fmt.Sprintf("%s not written: some records could not be read whole, so a copy would lose them", o.Fix))
		default:
			if err := fix.Commit(); err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			fixed = o.Fix
			switch {
			case sum.Errors == 0 && mechanical == 0:
				rep.Note(fmt.Sprintf("wrote %s (nothing needed fixing)", o.Fix))
			case errorsLeft == 0:
				rep.Note(fmt.Sprintf("wrote %s with %d mechanical fixes; it has no errors left", o.Fix, mechanical))
			default:
				rep.Note(fmt.Sprintf("wrote %s with %d mechanical fixes; %d errors had none (validate %s to see what remains)", o.Fix, mechanical, errorsLeft, o.Fix))
			}
		}
	}
	if err := rep.Summary(sum, fixed); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if sum.Errors > 0 || (o.Strict && sum.Warnings > 0) {
		return failed()
	}
	return nil
}

// fixedByAddingColumn reports whether --fix repairs a header finding by
// adding a derived column.
func fixedByAddingColumn(f csv.Finding) bool {
	return f.Code == csv.CodeMissingColumn && (f.Field == routemap.FieldDeveloperName || f.Field == routemap.FieldMasterLabel)
}

// openInput opens a file argument, "-" meaning standard input. A file that
// cannot be opened is a usage error (exit 2).
func (m *Main) openInput(path string) (io.Reader, string, func(), error) {
	if path == "-" {
		return m.Stdin, "<stdin>", func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", nil, &exitError{code: exitUsage, err: err}
	}
	return f, path, func() { f.Close() }, nil
}

// reporter prints findings as they come, in text or as one JSON document
// written incrementally so that memory stays bounded.
type reporter struct {
	w     *bufio.Writer
	json  bool
	name  string
	first bool
	notes []string
	enc   *json.Encoder
}

func newReporter(w *bufio.Writer, format, name string) *reporter {
	r := &reporter{w: w, json: format == "json", name: name, first: true}
	if r.json {
		r.enc = json.NewEncoder(w)
		name, _ := json.Marshal(name)
		fmt.Fprintf(w, "{\"file\":%s,\"problems\":[", name)
	}
	return r
}

func (r *reporter) Finding(f csv.Finding) {
	if r.json {
		if !r.first {
			r.w.WriteByte(',')
		}
		r.first = false
		r.enc.Encode(f)
		return
	}
	field := f.Field
	if field == "" {
		field = "-"
	}
	msg := f.Message
	if f.Severity == routemap.SeverityWarning {
		msg = "warning: " + msg
	}
	if f.Fix != "" {
		msg += " (fix: " + f.Fix + ")"
	}
	fmt.Fprintf(r.w, "%s:%d: %s: %s: %s\n", r.name, f.Line, field, f.Code, msg)
}

func (r *reporter) Note(s string) { r.notes = append(r.notes, s) }

func (r *reporter) Summary(s csv.Summary, fixed string) error {
	if r.json {
		doc := struct {
			Rows     int      `json:"rows"`
			Errors   int      `json:"errors"`
			Warnings int      `json:"warnings"`
			Complete bool     `json:"complete"`
			Fixed    string   `json:"fixed,omitempty"`
			Notes    []string `json:"notes,omitempty"`
		}{s.Rows, s.Errors, s.Warnings, s.Complete, fixed, r.notes}
		b, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		// Close the problems array and splice the summary into the object.
		r.w.WriteString("],")
		r.w.Write(b[1:])
		r.w.WriteByte('\n')
		return nil
	}
	for _, n := range r.notes {
		fmt.Fprintf(r.w, "%s: %s\n", r.name, n)
	}
	verdict := "ok"
	if s.Errors > 0 {
		verdict = "FAIL"
	}
	read := ""
	if !s.Complete {
		read = " (stopped early)"
	}
	fmt.Fprintf(r.w, "%s: %s: %d rows%s, %d errors, %d warnings\n", r.name, verdict, s.Rows, read, s.Errors, s.Warnings)
	return nil
}

// fixWriter writes validate --fix output to a temporary file next to the
// target and renames it into place only when the whole file was copied.
type fixWriter struct {
	path    string
	tmp     *os.File
	enc     *csv.Encoder
	header  *csv.Header
	extra   []string // derived columns appended to every row
	started bool
	row     []string
}

func newFixWriter(path string) (*fixWriter, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &fixWriter{path: path, tmp: tmp}, nil
}

func (w *fixWriter) Header(h *csv.Header) error {
	w.header = h
	w.started = true
	w.enc = csv.NewEncoder(w.tmp, h.Delimiter, h.CRLF)
	if h.BOM {
		w.enc.WriteBOM()
	}
	names := h.Names()
	for i, c := range h.Columns {
		if c.Field != "" {
			names[i] = c.Field // the API name, whatever the file's spelling
		}
	}
	for _, f := range []string{routemap.FieldDeveloperName, routemap.FieldMasterLabel} {
		if !h.Has(f) {
			w.extra = append(w.extra, f)
			names = append(names, f)
		}
	}
	return w.enc.Write(names)
}

func (w *fixWriter) Row(r *csv.Row) error {
	if r.Fields == nil {
		return nil
	}
	if w.enc == nil {
		return errors.New("fix: row before header")
	}
	w.row = append(w.row[:0], r.Fields...)
	if r.Checked != nil {
		fx := r.Checked.Fixed
		set := func(field, v string) {
			if i := w.header.Index(field); i >= 0 && i < len(w.row) {
				w.row[i] = v
			}
		}
		set(routemap.FieldID, fx.ID)
		set(routemap.FieldExternalID, fx.ExternalID)
		set(routemap.FieldReferenceRecordID, fx.ReferenceRecordID)
		set(routemap.FieldCallCenterID, fx.CallCenterID)
		set(routemap.FieldDeveloperName, fx.DeveloperName)
		set(routemap.FieldQuickConnect, fx.QuickConnect)
		set(routemap.FieldMasterLabel, fx.MasterLabel)
		set(routemap.FieldLanguage, fx.Language)
		for _, f := range w.extra {
			switch f {
			case routemap.FieldDeveloperName:
				w.row = append(w.row, fx.DeveloperName)
			case routemap.FieldMasterLabel:
				w.row = append(w.row, fx.MasterLabel)
			}
		}
	} else {
		for range w.extra {
			w.row = append(w.row, "")
		}
	}
	return w.enc.Write(w.row)
}

// Commit flushes the copy and renames it over the target.
func (w *fixWriter) Commit() error {
	if err := w.enc.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	if err := w.tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	if err := w.tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	if err := w.tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	if err := os.Rename(w.tmp.Name(), w.path); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	w.tmp = nil
	return nil
}

// Abort removes the temporary file unless Commit renamed it.
func (w *fixWriter) Abort() {
	if w.tmp != nil {
		w.tmp.Close()
		os.Remove(w.tmp.Name())
	}
}
