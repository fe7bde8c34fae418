package csv_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"routemap/csv"
)

// FuzzDecoder feeds arbitrary bytes to the Decoder. It must never panic or
// loop, every error must be a *csv.Error naming a line the decoder has
// reached, records must come in line order, and a file read without errors
// must read back the same after re-encoding.
func FuzzDecoder(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.csv")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("ExternalId,ReferenceRecordId\n\"a\nb\",c\n"))
	f.Add([]byte("ExternalId;X\r\n\"\"\"\";\"\r\n\"\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := csv.Options{MaxFieldBytes: 64, MaxRecordBytes: 256}
		d := csv.NewDecoder(bytes.NewReader(data), opts)
		h, err := d.Header()
		if err != nil {
			var e *csv.Error
			if !errors.As(err, &e) || !e.Fatal {
				t.Fatalf("header error %v is not a fatal *csv.Error", err)
			}
			return
		}
		var records [][]string
		clean, last := true, 0
		for i := 0; ; i++ {
			if i > len(data)+2 {
				t.Fatal("more records than bytes: the decoder is looping")
			}
			rec, err := d.Next()
			if err == io.EOF {
				break
			}
			if rec.Line < last || rec.Line > d.Line()+1 {
				t.Fatalf("record line %d after %d, decoder at %d", rec.Line, last, d.Line())
			}
			last = rec.Line
			if err != nil {
				clean = false
				var e *csv.Error
				if !errors.As(err, &e) {
					t.Fatalf("error %v (%T) is not a *csv.Error", err, err)
				}
				if e.Line < 1 || e.Line > d.Line()+1 {
					t.Fatalf("error at line %d, decoder at %d", e.Line, d.Line())
				}
				if e.Fatal {
					break
				}
				continue
			}
			records = append(records, append([]string(nil), rec.Fields...))
		}
		if !clean || len(records) == 0 {
			return
		}
		var buf bytes.Buffer
		enc := csv.NewEncoder(&buf, h.Delimiter, false)
		enc.Write(h.Names())
		for _, r := range records {
			enc.Write(r)
		}
		enc.Flush()
		d2 := csv.NewDecoder(&buf, csv.Options{Delimiter: h.Delimiter, MaxFieldBytes: 1 << 20, MaxRecordBytes: 1 << 20})
		if _, err := d2.Header(); err != nil {
			t.Fatalf("re-encoded header: %v", err)
		}
		for i, want := range records {
			rec, err := d2.Next()
			if err != nil {
				t.Fatalf("re-encoded record %d: %v", i, err)
			}
			if strings.Join(rec.Fields, "\x00") != strings.Join(want, "\x00") {
				t.Fatalf("record %d: %q after re-encoding, want %q", i, rec.Fields, want)
			}
		}
	})
}
