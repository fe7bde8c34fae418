package csv_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/csv"
)

// row is what a test sees of one record: its line, its fields and the code
// of the problem that came with it.
type row struct {
	Line   int
	Fields []string
	Code   string
}

// decodeAll reads a whole file and returns the header (nil on a fatal
// header error), every record and the fatal error code, if any.
func decodeAll(t testing.TB, input string, opts csv.Options) (*csv.Header, []row, string) {
	t.Helper()
	d := csv.NewDecoder(strings.NewReader(input), opts)
	h, err := d.Header()
	if err != nil {
		return nil, nil, codeOf(t, err)
	}
	var rows []row
	for {
		rec, err := d.Next()
		if err == io.EOF {
			return h, rows, ""
		}
		var e *csv.Error
		if err != nil && (!errors.As(err, &e) || e.Fatal) {
			return h, rows, codeOf(t, err)
		}
		r := row{Line: rec.Line, Fields: append([]string(nil), rec.Fields...)}
		if e != nil {
			r.Code = e.Code
		}
		rows = append(rows, r)
	}
}

func codeOf(t testing.TB, err error) string {
	var e *csv.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *csv.Error", err, err)
	}
	return e.Code
}

func TestDecoder(t *testing.T) {
	tests := []struct {
		name  string
		input string
		opts  csv.Options
		rows  []row
		fatal string
	}{
		{
			name:  "OK",
			input: "ExternalId,ReferenceRecordId\nalice,005Hs00000ABcDe\nbob,005Hs00000ABcDf\n",
			rows:  []row{{2, []string{"alice", "005Hs00000ABcDe"}, ""}, {3, []string{"bob", "005Hs00000ABcDf"}, ""}},
		},
		{
			name:  "OKCRLFAndBOMAndNoFinalNewline",
			input: "\ufeffExternalId,ReferenceRecordId\r\nalice,005Hs00000ABcDe\r\nbob,x",
			rows:  []row{{2, []string{"alice", "005Hs00000ABcDe"}, ""}, {3, []string{"bob", "x"}, ""}},
		},
		{
			name:  "OKQuotedFieldsWithNewlinesKeepPhysicalLines",
			input: "ExternalId,Note\n\"a\nb\nc\",\"say \"\"hi\"\"\"\nd,\"\"\n",
			rows:  []row{{2, []string{"a\nb\nc", `say "hi"`}, ""}, {5, []string{"d", ""}, ""}},
		},
		{
			name:  "OKBlankLinesSkipped",
			input: "ExternalId,X\n\nalice,1\n\n\nbob,2\n\n",
			rows:  []row{{3, []string{"alice", "1"}, ""}, {6, []string{"bob", "2"}, ""}},
		},
		{
			name:  "OKSemicolon",
			input: "ExternalId;ReferenceRecordId\na;b\n",
			rows:  []row{{2, []string{"a", "b"}, ""}},
		},
		{
			name:  "OKTab",
			input: "ExternalId\tReferenceRecordId\na,1\tb\n",
			rows:  []row{{2, []string{"a,1", "b"}, ""}},
		},
		{
			name:  "OKPipe",
			input: "ExternalId|ReferenceRecordId\na|b\n",
			rows:  []row{{2, []string{"a", "b"}, ""}},
		},
		{
			name:  "OKCaret",
			input: "ExternalId^ReferenceRecordId\na^b\n",
			rows:  []row{{2, []string{"a", "b"}, ""}},
		},
		{
			name:  "OKBackquote",
			input: "ExternalId`ReferenceRecordId\na`b\n",
			rows:  []row{{2, []string{"a", "b"}, ""}},
		},
		{
			name:  "OKNamedDelimiterOverridesDetection",
			input: "ReferenceRecordId;ExternalId;Note,ExternalId\na;b,c\n",
			opts:  csv.Options{Delimiter: ','},
			rows:  []row{{2, []string{"a;b", "c"}, ""}},
		},
		{
			name:  "ErrRaggedRowsContinue",
			input: "ExternalId,ReferenceRecordId\na\nb,c,d\ne,f\n",
			rows: []row{
				{2, []string{"a"}, csv.CodeFieldCount},
				{3, []string{"b", "c", "d"}, csv.CodeFieldCount},
				{4, []string{"e", "f"}, ""},
			},
		},
		{
			name:  "ErrBareQuote",
			input: "ExternalId,Note\na,5\" monitor\nb,ok\n",
			rows:  []row{{2, []string{"a", `5" monitor`}, csv.CodeQuote}, {3, []string{"b", "ok"}, ""}},
		},
		{
			name:  "ErrTextAfterClosingQuote",
			input: "ExternalId,Note\n\"a\"b,c\nd,e\n",
			rows:  []row{{2, []string{"ab", "c"}, csv.CodeQuote}, {3, []string{"d", "e"}, ""}},
		},
		{
			name:  "ErrUnterminatedQuoteIsFatalAndNamesItsLine",
			input: "ExternalId,Note\na,b\n\"c,d\ne,f\n",
			rows:  []row{{2, []string{"a", "b"}, ""}},
			fatal: csv.CodeUnterminatedQuote,
		},
		{
			name:  "ErrInvalidUTF8",
			input: "ExternalId,Note\na,\xff\xfe\x00junk\nb,c\n",
			rows:  []row{{2, []string{"a", "\xff\xfe\x00junk"}, csv.CodeEncoding}, {3, []string{"b", "c"}, ""}},
		},
		{
			name:  "ErrEmpty",
			input: "",
			fatal: csv.CodeEmpty,
		},
		{
			name:  "ErrOnlyBlankLines",
			input: "\n\r\n\n",
			fatal: csv.CodeEmpty,
		},
		{
			name:  "ErrHeaderOnly",
			input: "ExternalId,ReferenceRecordId\n",
			rows:  []row{{1, nil, csv.CodeNoRows}},
		},
		{
			name:  "ErrHeaderIsData",
			input: "arn:aws:connect:us-west-2:111122223333:instance/x/agent/y,005Hs00000ABcDeIAL\n",
			fatal: csv.CodeHeader,
		},
		{
			name:  "ErrClassicMacLineEndings",
			input: "ExternalId,ReferenceRecordId\ra,b\r",
			fatal: csv.CodeLineEnding,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows, fatal := decodeAll(t, tt.input, tt.opts)
			if diff := cmp.Diff(tt.rows, rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if fatal != tt.fatal {
				t.Errorf("fatal = %q, want %q", fatal, tt.fatal)
			}
		})
	}
}

func TestDecoder_OversizedFieldIsReportedAndReadingGoesOn(t *testing.T) {
	big := strings.Repeat("x", 10<<20)
	for _, tt := range []struct {
		name, input string
		code        string
	}{
		{"Unquoted", "ExternalId,Note\na," + big + "\nb,c\n", csv.CodeRecordTooLong},
		{"Quoted", "ExternalId,Note\na,\"" + big + "\"\nb,c\n", csv.CodeRecordTooLong},
		{"QuotedMultiline", "ExternalId,Note\na,\"" + big[:300000] + "\n" + big[:300000] + "\"\nb,c\n", csv.CodeRecordTooLong},
		{"FieldOverFieldLimit", "ExternalId,Note\na," + big[:40000] + "\nb,c\n", csv.CodeFieldTooLong},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, rows, fatal := decodeAll(t, tt.input, csv.Options{})
			if fatal != "" {
				t.Fatalf("fatal %q", fatal)
			}
			if len(rows) != 2 || rows[0].Line != 2 || rows[0].Code != tt.code || rows[1].Line == 0 || rows[1].Code != "" || rows[1].Fields[0] != "b" {
				t.Fatalf("rows = %+v", summarize(rows))
			}
		})
	}
}

func summarize(rows []row) []row {
	out := make([]row, len(rows))
	for i, r := range rows {
		out[i] = r
		for j, f := range r.Fields {
			if len(f) > 20 {
				out[i].Fields = append([]string(nil), r.Fields...)
				out[i].Fields[j] = f[:20] + "…"
			}
		}
	}
	return out
}

func TestDecoder_BinaryJunkNeverPanicsAndNamesLines(t *testing.T) {
	junk := make([]byte, 1<<20)
	x := uint32(2463534242)
	for i := range junk {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		junk[i] = byte(x)
	}
	input := "ExternalId,ReferenceRecordId\n" + string(junk)
	d := csv.NewDecoder(strings.NewReader(input), csv.Options{})
	if _, err := d.Header(); err != nil {
		t.Fatal(err)
	}
	errs := 0
	for {
		rec, err := d.Next()
		if err == io.EOF {
			break
		}
		var e *csv.Error
		if err != nil {
			if !errors.As(err, &e) {
				t.Fatalf("non-csv error %v", err)
			}
			if e.Line < 2 || e.Line > d.Line() {
				t.Fatalf("error line %d outside 2..%d", e.Line, d.Line())
			}
			errs++
			if e.Fatal {
				break
			}
		}
		_ = rec
	}
	if errs == 0 {
		t.Fatal("a megabyte of random bytes produced no error")
	}
}

func TestHeader(t *testing.T) {
	input := "extERNALid, Reference Record Id ,Comment,CALLCENTERID,ExternalId\nx,y,z,w,v\n"
	h, rows, fatal := decodeAll(t, input, csv.Options{})
	if fatal != "" {
		t.Fatal(fatal)
	}
	var codes []string
	for _, p := range h.Problems {
		codes = append(codes, p.Field+":"+p.Code)
	}
	want := []string{
		"ReferenceRecordId:" + csv.CodeHeaderName,
		"ExternalId:" + csv.CodeDuplicateColumn,
		"DeveloperName:" + csv.CodeMissingColumn,
		"MasterLabel:" + csv.CodeMissingColumn,
	}
	if diff := cmp.Diff(want, codes); diff != "" {
		t.Errorf("header problems (-want +got):\n%s", diff)
	}
	d := h.Draft(rows[0].Fields)
	if d.ExternalID != "x" || d.ReferenceRecordID != "y" || d.CallCenterID != "w" || d.DeveloperName != "" {
		t.Errorf("draft = %+v", d)
	}
	if h.Index(routemap.FieldQuickConnect) != -1 || h.Columns[2].Field != "" || h.Columns[2].Name != "Comment" {
		t.Errorf("columns = %+v", h.Columns)
	}
}

func TestEncoder_RoundTrip(t *testing.T) {
	records := [][]string{
		{"ExternalId", "Note", "Empty"},
		{"arn:aws:connect:us-west-2:111122223333:instance/a/agent/b", `say "hi"`, ""},
		{"x,y", "line\nbreak", "tab\there"},
		{"cr\ronly", " spaced ", "#N/A"},
	}
	for _, delim := range []byte{',', ';', '\t', '|', '^', '`'} {
		for _, crlf := range []bool{false, true} {
			var buf bytes.Buffer
			e := csv.NewEncoder(&buf, delim, crlf)
			for _, r := range records {
				if err := e.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.Flush(); err != nil {
				t.Fatal(err)
			}
			_, rows, fatal := decodeAll(t, buf.String(), csv.Options{Delimiter: delim})
			if fatal != "" {
				t.Fatalf("delimiter %q: fatal %s", delim, fatal)
			}
			var got [][]string
			for _, r := range rows {
				if r.Code != "" {
					t.Fatalf("delimiter %q: row %d: %s", delim, r.Line, r.Code)
				}
				got = append(got, r.Fields)
			}
			if diff := cmp.Diff(records[1:], got); diff != "" {
				t.Errorf("delimiter %q crlf %v (-want +got):\n%s", delim, crlf, diff)
			}
		}
	}
}

func TestParseDelimiter(t *testing.T) {
	for name, want := range map[string]byte{"COMMA": ',', "semicolon": ';', "TAB": '\t', "PIPE": '|', "CARET": '^', "BACKQUOTE": '`', ",": ','} {
		if got, err := csv.ParseDelimiter(name); err != nil || got != want {
			t.Errorf("ParseDelimiter(%q) = %q, %v", name, got, err)
		}
	}
	if _, err := csv.ParseDelimiter("COLON"); err == nil {
		t.Error("ParseDelimiter accepted COLON")
	}
}

// TestFixtures decodes every file in testdata and compares a summary of the
// outcome with its golden file; run with -update to rewrite them.
func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.csv")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			h, rows, fatal := decodeAll(t, string(data), csv.Options{})
			if h != nil {
				out.WriteString("delimiter " + csv.DelimiterName(h.Delimiter) + "\n")
				for _, p := range h.Problems {
					out.WriteString(p.Error() + " [" + p.Code + "]\n")
				}
			}
			for _, r := range rows {
				out.WriteString(strings.Join([]string{strconv.Itoa(r.Line), r.Code, strings.Join(r.Fields, "|")}, " ") + "\n")
			}
			if fatal != "" {
				out.WriteString("fatal " + fatal + "\n")
			}
			golden(t, strings.TrimSuffix(f, ".csv")+".golden", out.String())
		})
	}
}
