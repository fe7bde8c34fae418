// Package csv reads and writes routing-map CSV files the way Salesforce's
// Bulk API 2.0 and Data Loader produce and accept them: any of the six Bulk
// column delimiters (detected from the header or named), a UTF-8 byte order
// mark, LF or CRLF line endings, quoted fields with embedded newlines, and
// header names in any case and order, with unknown columns passed through.
//
// It streams: memory is bounded by the longest record allowed, never by the
// file. Every problem names the physical line where its record starts, the
// field, a stable code and, where one exists, the fix. The package maps
// columns onto routemap.Draft; rules about values live in the root package.
package csv
