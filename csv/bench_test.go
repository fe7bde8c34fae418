package csv_test

import (
	"bufio"
	"bytes"
	stdcsv "encoding/csv"
	"fmt"
	"io"
	"testing"

	"routemap"
	"routemap/csv"
	"routemap/sfid"
)

// benchFile returns a valid n-row Amazon Connect routing map.
func benchFile(b *testing.B, n int) []byte {
	b.Helper()
	var buf bytes.Buffer
	center := sfid.MustParse("04vHs000000XyZa")
	const instance = "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
	buf.WriteString("ExternalId,ReferenceRecordId,CallCenterId,DeveloperName,MasterLabel,QuickConnect\n")
	for i := 0; i < n; i++ {
		user, _ := sfid.New(sfid.PrefixUser, "Hs", uint64(i))
		fmt.Fprintf(&buf, "%s/agent/%08x-1111-4111-8111-%012x,%s,%s,%s,%s,%08x-2222-4222-8222-%012x\n",
			instance, i, i, user, center, routemap.DeveloperNameFor(user, center), user, i, i)
	}
	return buf.Bytes()
}

// BenchmarkValidator measures the whole validation pipeline; compare with
// BenchmarkEncodingCSV, the bare standard-library read of the same bytes.
func BenchmarkValidator(b *testing.B) {
	data := benchFile(b, 100000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		v := csv.Validator{Rules: routemap.Rules{Provider: routemap.ProviderAmazonConnect}}
		sum, err := v.Run(bytes.NewReader(data))
		if err != nil || sum.Errors != 0 || sum.Rows != 100000 {
			b.Fatalf("%+v %v", sum, err)
		}
	}
	b.ReportMetric(float64(b.N)*100000/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkDecoder measures the CSV layer alone.
func BenchmarkDecoder(b *testing.B) {
	data := benchFile(b, 100000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		d := csv.NewDecoder(bytes.NewReader(data), csv.Options{})
		for {
			_, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N)*100000/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkEncodingCSV is the baseline: encoding/csv with ReuseRecord and
// a 1 MiB buffer.
func BenchmarkEncodingCSV(b *testing.B) {
	data := benchFile(b, 100000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		r := stdcsv.NewReader(bufio.NewReaderSize(bytes.NewReader(data), 1<<20))
		r.ReuseRecord = true
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N)*100000/b.Elapsed().Seconds(), "rows/s")
}
