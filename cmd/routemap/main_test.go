package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// run executes routemap with args as the binary would, returning its
// output and exit code.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	m := NewMain(strings.NewReader(stdin), &out, &errb, func(string) string { return "" })
	err := m.Run(context.Background(), args)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	user     = "005Hs00000ABcDeIAL"
	center   = "04vHs000000XyZaIAK"
	instance = "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
	agent    = instance + "/agent/3b2a1c0d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"
	header   = "ExternalId,ReferenceRecordId,CallCenterId,DeveloperName,MasterLabel,QuickConnect\n"
	goodRow  = agent + "," + user + "," + center + ",User_" + user + "_" + center + "," + user + ",6c5d4e3f-2a1b-4c0d-9e8f-1a2b3c4d5e6f\n"
)

func TestID(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		out, _, code := run(t, "", "id", "005Hs00000ABcDe", "04vHs000000XyZaIAK")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		for _, want := range []string{"005Hs00000ABcDeIAL", "User", "04vHs000000XyZa ", "CallCenter", "valid"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("OKStdinJSON", func(t *testing.T) {
		out, _, code := run(t, "005Hs00000ABcDe\n\n  00DHs0000001aBc  \n", "id", "--json")
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		var got []map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err, out)
		}
		want := []map[string]any{
			{"input": "005Hs00000ABcDe", "valid": true, "id18": "005Hs00000ABcDeIAL", "id15": "005Hs00000ABcDe", "keyPrefix": "005", "object": "User"},
			{"input": "00DHs0000001aBc", "valid": true, "id18": "00DHs0000001aBcMAI", "id15": "00DHs0000001aBc", "keyPrefix": "00D", "object": "Organization"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("ErrUpperCasedExits1", func(t *testing.T) {
		out, _, code := run(t, "", "id", "005HS00000ABCDEIAL")
		if code != 1 || !strings.Contains(out, "--fix-case") || !strings.Contains(out, "005Hs00000ABcDeIAL") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("OKFixCase", func(t *testing.T) {
		out, _, code := run(t, "", "id", "--fix-case", "005HS00000ABCDEIAL")
		if code != 0 || !strings.Contains(out, "005Hs00000ABcDeIAL") || !strings.Contains(out, "repaired") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("ErrMixedValidAndInvalid", func(t *testing.T) {
		out, _, code := run(t, "", "id", "005Hs00000ABcDe", "not-an-id")
		if code != 1 || !strings.Contains(out, "invalid") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
}

func TestValidate(t *testing.T) {
	t.Run("OKExample", func(t *testing.T) {
		out, _, code := run(t, "", "validate", "--provider", "amazon-connect", filepath.Join("..", "..", "examples", "routing-map.csv"))
		if code != 0 || !strings.Contains(out, "ok: 12 rows, 0 errors, 0 warnings") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("ErrMistakesExample", func(t *testing.T) {
		path := filepath.Join("..", "..", "examples", "routing-map-with-mistakes.csv")
		out, _, code := run(t, "", "validate", "--provider", "amazon-connect", path)
		if code != 1 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		for _, want := range []string{
			path + ":3: ReferenceRecordId: id_15: warning:",
			path + ":4: ReferenceRecordId: id_case:",
			path + ":5: ExternalId: external_id_not_arn:",
			path + ":6: DeveloperName: duplicate_developer_name:",
			path + ":7: QuickConnect: quick_connect_malformed:",
			path + ":9: ExternalId: duplicate_external_id:",
			"FAIL: 8 rows, 7 errors, 5 warnings",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("OKStdin", func(t *testing.T) {
		out, _, code := run(t, header+goodRow, "validate", "-")
		if code != 0 || !strings.Contains(out, "<stdin>: ok: 1 rows") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("ErrJSON", func(t *testing.T) {
		path := writeFile(t, "m.csv", header+strings.Replace(goodRow, user, "005Hs00000ABcDe", 1)+"x,y\n")
		out, _, code := run(t, "", "validate", "--format", "json", path)
		if code != 1 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		var doc struct {
			File     string
			Rows     int
			Errors   int
			Warnings int
			Complete bool
			Problems []struct {
				Line     int
				Field    string
				Code     string
				Severity string
				Message  string
				Fix      string
			}
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if doc.File != path || doc.Rows != 2 || doc.Errors != 1 || doc.Warnings != 1 || !doc.Complete || len(doc.Problems) != 2 {
			t.Fatalf("%+v", doc)
		}
		p := doc.Problems[0]
		if p.Line != 2 || p.Field != "ReferenceRecordId" || p.Code != "id_15" || p.Severity != "warning" || p.Fix != "use "+user {
			t.Errorf("first problem %+v", p)
		}
		if doc.Problems[1].Line != 3 || doc.Problems[1].Code != "csv_field_count" {
			t.Errorf("second problem %+v", doc.Problems[1])
		}
	})
	t.Run("ErrStrictWarnings", func(t *testing.T) {
		path := writeFile(t, "m.csv", header+strings.Replace(goodRow, user, "005Hs00000ABcDe", 1))
		if _, _, code := run(t, "", "validate", path); code != 0 {
			t.Fatalf("warnings alone: exit %d, want 0", code)
		}
		if _, _, code := run(t, "", "validate", "--strict", path); code != 1 {
			t.Fatalf("--strict: exit %d, want 1", code)
		}
	})
	t.Run("OKFix", func(t *testing.T) {
		dir := t.TempDir()
		in := filepath.Join(dir, "in.csv")
		// 15-char ids, upper-cased id, no DeveloperName/MasterLabel
		// columns, stray spaces, CRLF, semicolons and an extra column.
		content := "ExternalId;ReferenceRecordId;CallCenterId;Team\r\n" +
			" " + agent + ";005Hs00000ABcDe;04vHs000000XyZa;Blue\r\n" +
			instance + "/agent/aaaaaaaa-4e5f-4a6b-9c8d-7e6f5a4b3c2d;005HS00000ABCDFIAL;" + center + ";\"Red; West\"\r\n"
		if err := os.WriteFile(in, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out.csv")
		stdout, _, code := run(t, "", "validate", "--fix", out, in)
		if code != 1 || !strings.Contains(stdout, "no errors left") {
			t.Fatalf("exit %d\n%s", code, stdout)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		want := "ExternalId;ReferenceRecordId;CallCenterId;Team;DeveloperName;MasterLabel\r\n" +
			agent + ";" + user + ";" + center + ";Blue;User_" + user + "_" + center + ";" + user + "\r\n" +
			instance + "/agent/aaaaaaaa-4e5f-4a6b-9c8d-7e6f5a4b3c2d;005Hs00000ABcDfIAL;" + center + ";\"Red; West\";User_005Hs00000ABcDfIAL_" + center + ";005Hs00000ABcDfIAL\r\n"
		if diff := cmp.Diff(want, string(got)); diff != "" {
			t.Fatalf("fixed file (-want +got):\n%s", diff)
		}
		if stdout, _, code := run(t, "", "validate", "--strict", out); code != 0 {
			t.Fatalf("fixed file does not validate clean: exit %d\n%s", code, stdout)
		}
	})
	t.Run("ErrFixNotWrittenForUnreadableFile", func(t *testing.T) {
		dir := t.TempDir()
		in := filepath.Join(dir, "in.csv")
		os.WriteFile(in, []byte(header+goodRow+"\"unterminated,"+user+"\n"), 0o644)
		out := filepath.Join(dir, "out.csv")
		stdout, _, code := run(t, "", "validate", "--fix", out, in)
		if code != 1 || !strings.Contains(stdout, "not written") || !strings.Contains(stdout, "csv_unterminated_quote") {
			t.Fatalf("exit %d\n%s", code, stdout)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("fix file exists: %v", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Fatalf("temporary files left behind: %v", entries)
		}
	})
	t.Run("ErrMalformedFiles", func(t *testing.T) {
		for name, tc := range map[string]struct{ content, want string }{
			"empty":      {"", ":1: -: csv_empty:"},
			"headerOnly": {header, ":1: -: csv_no_rows:"},
			"ragged":     {header + "a,b\n" + goodRow, ":2: -: csv_field_count:"},
			"binary":     {header + "\x00\xff\xfe\x01,\x02\n", ":2: -: csv_"},
			"bigField":   {header + strings.Repeat("x", 10<<20) + "\n" + goodRow, ":2: -: csv_record_too_long:"},
		} {
			t.Run(name, func(t *testing.T) {
				path := writeFile(t, "m.csv", tc.content)
				out, _, code := run(t, "", "validate", path)
				if code != 1 || !strings.Contains(out, path+tc.want) {
					t.Fatalf("exit %d, want 1 and %q in\n%.2000s", code, tc.want, out)
				}
			})
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{
			{"validate"},
			{"validate", "/no/such/file.csv"},
			{"validate", "--provider", "genesys", "x.csv"},
			{"validate", "--call-center", "005Hs00000ABcDe", "x.csv"},
			{"validate", "--format", "xml", "x.csv"},
			{"validate", "--no-such-flag", "x.csv"},
			{"no-such-command"},
		} {
			_, stderr, code := run(t, "", args...)
			if code != 2 || stderr == "" {
				t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, stderr)
			}
		}
	})
	t.Run("OKCallCenterFillsEmpty", func(t *testing.T) {
		path := writeFile(t, "m.csv", header+strings.Replace(goodRow, ","+center+",", ",,", 1))
		out, _, code := run(t, "", "validate", "--call-center", center, path)
		if code != 1 || !strings.Contains(out, "CallCenterId: required:") || !strings.Contains(out, "set it to "+center) {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
}
