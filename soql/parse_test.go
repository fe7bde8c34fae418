package soql_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/soql"
)

// parseOK lists queries Parse accepts and the tree it builds. TestFormat
// reuses it for round trips.
var parseOK = []struct {
	name string
	in   string
	want *soql.Parsed
}{
	{name: "OKSelectFields", in: "SELECT Id, DeveloperName FROM CallCenterRoutingMap",
		want: query("CallCenterRoutingMap", "Id", "DeveloperName")},
	{name: "OKCount", in: "SELECT COUNT() FROM CallCenterRoutingMap",
		want: &soql.Parsed{Count: true, Object: "CallCenterRoutingMap", Limit: -1, Offset: -1}},
	{name: "OKCountSpacedLowerCase", in: "select count ( ) from CallCenterRoutingMap",
		want: &soql.Parsed{Count: true, Object: "CallCenterRoutingMap", Limit: -1, Offset: -1}},
	{name: "OKFieldNamedCount", in: "SELECT Count FROM X", want: query("X", "Count")},
	{name: "OKDottedField", in: "SELECT Id, ReferenceRecord.Name FROM CallCenterRoutingMap",
		want: query("CallCenterRoutingMap", "Id", "ReferenceRecord.Name")},
	{name: "OKKeywordsAnyCase", in: "sElEcT Id fRoM X wHeRe Name lIkE 'a%' oRdEr bY Name dEsC nUlLs LaSt LiMiT 1 oFfSeT 2",
		want: func() *soql.Parsed {
			p := query("X", "Id")
			p.Where = compare("Name", routemap.OpLike, str("a%"))
			p.OrderBy = []soql.Order{{Field: fld("Name"), Desc: true, Nulls: soql.NullsLast}}
			p.Limit, p.Offset = 1, 2
			return p
		}()},
	{name: "OKWhereOperators", in: "SELECT Id FROM X WHERE A = 1 AND B != 2 AND C <> 3 AND D < 4 AND E <= 5 AND F > 6 AND G >= 7",
		want: where(&soql.AndCond{Terms: []soql.Cond{
			compare("A", routemap.OpEq, num(1)), compare("B", routemap.OpNe, num(2)), compare("C", routemap.OpNe, num(3)),
			compare("D", routemap.OpLt, num(4)), compare("E", routemap.OpLe, num(5)), compare("F", routemap.OpGt, num(6)),
			compare("G", routemap.OpGe, num(7)),
		}})},
	{name: "OKOperatorsWithoutSpaces", in: "SELECT Id FROM X WHERE A<>1 OR B<=2 OR C>=3 OR D=4",
		want: where(&soql.OrCond{Terms: []soql.Cond{
			compare("A", routemap.OpNe, num(1)), compare("B", routemap.OpLe, num(2)),
			compare("C", routemap.OpGe, num(3)), compare("D", routemap.OpEq, num(4)),
		}})},
	{name: "OKWhereLikePattern", in: `SELECT Id FROM X WHERE Name LIKE 'a\_b\%c%d_\\e\u005f'`,
		want: where(compare("Name", routemap.OpLike, str(`a\_b\%c%d_\\e\_`)))},
	{name: "OKWhereIn", in: "SELECT Id FROM X WHERE Id IN ('a', 'b')",
		want: where(in("Id", str("a"), str("b")))},
	{name: "OKWhereNotIn", in: "SELECT Id FROM X WHERE Id not in ('a')",
		want: where(&soql.InCond{Field: fld("Id"), Negate: true, Values: []soql.Value{str("a")}})},
	{name: "OKNot", in: "SELECT Id FROM X WHERE NOT Name = 'x'",
		want: where(&soql.NotCond{X: compare("Name", routemap.OpEq, str("x"))})},
	{name: "OKNotBindsTighterThanAnd", in: "SELECT Id FROM X WHERE NOT A = 1 AND B = 2",
		want: where(&soql.AndCond{Terms: []soql.Cond{
			&soql.NotCond{X: compare("A", routemap.OpEq, num(1))}, compare("B", routemap.OpEq, num(2)),
		}})},
	{name: "OKNotParenthesized", in: "SELECT Id FROM X WHERE NOT (A = 1 OR B = 2)",
		want: where(&soql.NotCond{X: &soql.OrCond{Terms: []soql.Cond{
			compare("A", routemap.OpEq, num(1)), compare("B", routemap.OpEq, num(2)),
		}}})},
	{name: "OKNotOfNotInParentheses", in: "SELECT Id FROM X WHERE NOT (NOT A = 1)",
		want: where(&soql.NotCond{X: &soql.NotCond{X: compare("A", routemap.OpEq, num(1))}})},
	{name: "OKParenthesesGroupOrUnderAnd", in: "SELECT Id FROM X WHERE (A = 1 OR B = 2) AND C = 3",
		want: where(&soql.AndCond{Terms: []soql.Cond{
			&soql.OrCond{Terms: []soql.Cond{compare("A", routemap.OpEq, num(1)), compare("B", routemap.OpEq, num(2))}},
			compare("C", routemap.OpEq, num(3)),
		}})},
	{name: "OKParenthesesGroupAndUnderOr", in: "SELECT Id FROM X WHERE A = 1 OR (B = 2 AND C = 3)",
		want: where(&soql.OrCond{Terms: []soql.Cond{
			compare("A", routemap.OpEq, num(1)),
			&soql.AndCond{Terms: []soql.Cond{compare("B", routemap.OpEq, num(2)), compare("C", routemap.OpEq, num(3))}},
		}})},
	{name: "OKNestedAndKeepsShape", in: "SELECT Id FROM X WHERE (A = 1 AND B = 2) AND C = 3",
		want: where(&soql.AndCond{Terms: []soql.Cond{
			&soql.AndCond{Terms: []soql.Cond{compare("A", routemap.OpEq, num(1)), compare("B", routemap.OpEq, num(2))}},
			compare("C", routemap.OpEq, num(3)),
		}})},
	{name: "OKRedundantParentheses", in: "SELECT Id FROM X WHERE ((A = 1))",
		want: where(compare("A", routemap.OpEq, num(1)))},
	{name: "OKStringEscapes", in: `SELECT Id FROM X WHERE Name = 'It\'s \"q\" \\ \n\r\t\b\f\N\R\T\B\F \u00e9\uD83D\uDE00 "raw"'`,
		want: where(compare("Name", routemap.OpEq, str("It's \"q\" \\ \n\r\t\b\f\n\r\t\b\f é😀 \"raw\"")))},
	{name: "OKEmptyString", in: "SELECT Id FROM X WHERE Name = ''",
		want: where(compare("Name", routemap.OpEq, str("")))},
	{name: "OKNumbers", in: "SELECT Id FROM X WHERE A IN (0, 42, -7, 3.25, -0.5, 007)",
		want: where(in("A", num(0), num(42), num(-7), num(3.25), num(-0.5), num(7)))},
	{name: "OKBooleansAndNull", in: "SELECT Id FROM X WHERE A IN (true, FALSE, null, NULL)",
		want: where(in("A", boolean(true), boolean(false), null(), null()))},
	{name: "OKDate", in: "SELECT Id FROM X WHERE A = 2024-02-29",
		want: where(compare("A", routemap.OpEq, date(2024, time.February, 29)))},
	{name: "OKDateTimes", in: "SELECT Id FROM X WHERE A IN (2024-01-15T10:00:00Z, 2024-01-15T10:00:00.123Z, 2024-01-15T10:00:00+05:30, 2024-01-15T10:00:00.5-08:00)",
		want: where(in("A",
			datetime(time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC)),
			datetime(time.Date(2024, 1, 15, 10, 0, 0, 123e6, time.UTC)),
			datetime(time.Date(2024, 1, 15, 4, 30, 0, 0, time.UTC)),
			datetime(time.Date(2024, 1, 15, 18, 0, 0, 500e6, time.UTC)),
		))},
	{name: "OKOrderBy", in: "SELECT Id FROM X ORDER BY A, B ASC, C DESC, D NULLS FIRST, E DESC NULLS LAST, F.G ASC NULLS LAST",
		want: func() *soql.Parsed {
			p := query("X", "Id")
			p.OrderBy = []soql.Order{
				{Field: fld("A")}, {Field: fld("B")}, {Field: fld("C"), Desc: true}, {Field: fld("D"), Nulls: soql.NullsFirst},
				{Field: fld("E"), Desc: true, Nulls: soql.NullsLast}, {Field: fld("F", "G"), Nulls: soql.NullsLast},
			}
			return p
		}()},
	{name: "OKLimitOffset", in: "SELECT Id FROM X LIMIT 10 OFFSET 0",
		want: func() *soql.Parsed { p := query("X", "Id"); p.Limit, p.Offset = 10, 0; return p }()},
	{name: "OKOffsetOnly", in: "SELECT Id FROM X OFFSET 2000",
		want: func() *soql.Parsed { p := query("X", "Id"); p.Offset = 2000; return p }()},
	{name: "OKWhitespaceAndLines", in: "SELECT Id\r\n\tFROM X\n WHERE\fA = 1 ",
		want: where(compare("A", routemap.OpEq, num(1)))},
	{name: "OKInjectionStaysLiteral", in: `SELECT Id FROM X WHERE Name = '\' OR 1=1 --' AND Alias = '; DELETE FROM X'`,
		want: where(&soql.AndCond{Terms: []soql.Cond{
			compare("Name", routemap.OpEq, str("' OR 1=1 --")), compare("Alias", routemap.OpEq, str("; DELETE FROM X")),
		}})},
	{name: "OKObjectNamedOrder", in: "SELECT Id FROM Order ORDER BY Id",
		want: func() *soql.Parsed {
			p := query("Order", "Id")
			p.OrderBy = []soql.Order{{Field: fld("Id")}}
			return p
		}()},
	{name: "OKKeywordLikeFieldNames", in: "SELECT Order, By, Offset, Count FROM X WHERE Offset = 1 ORDER BY Offset",
		want: func() *soql.Parsed {
			p := query("X", "Order", "By", "Offset", "Count")
			p.Where = compare("Offset", routemap.OpEq, num(1))
			p.OrderBy = []soql.Order{{Field: fld("Offset")}}
			return p
		}()},
	{name: "OKInThousandValues", in: "SELECT Id FROM X WHERE A IN (" + repeatJoin("1", ", ", soql.MaxInValues) + ")",
		want: where(in("A", repeatValue(num(1), soql.MaxInValues)...))},
	{name: "OKDepthHundred", in: "SELECT Id FROM X WHERE " + strings.Repeat("(", soql.MaxDepth) + "A = 1" + strings.Repeat(")", soql.MaxDepth),
		want: where(compare("A", routemap.OpEq, num(1)))},
	{name: "OKMaxLengthCountsCharacters", in: maxLengthQuery(),
		want: where(compare("Name", routemap.OpEq, str(strings.Repeat("é", soql.MaxQueryLength-len("SELECT Id FROM X WHERE Name = ''")))))},
}

// where is a Parsed for "SELECT Id FROM X WHERE c".
func where(c soql.Cond) *soql.Parsed {
	p := query("X", "Id")
	p.Where = c
	return p
}

func repeatJoin(s, sep string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = s
	}
	return strings.Join(parts, sep)
}

func repeatValue(v soql.Value, n int) []soql.Value {
	vs := make([]soql.Value, n)
	for i := range vs {
		vs[i] = v
	}
	return vs
}

// maxLengthQuery is MaxQueryLength characters long but nearly twice as
// many bytes, since the limit counts characters.
func maxLengthQuery() string {
	head := "SELECT Id FROM X WHERE Name = '"
	return head + strings.Repeat("é", soql.MaxQueryLength-len(head)-1) + "'"
}

func TestParse(t *testing.T) {
	for _, tt := range parseOK {
		t.Run(tt.name, func(t *testing.T) {
			got, err := soql.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != tt.in {
				t.Errorf("Text = %q; want the input", got.Text)
			}
			if diff := cmp.Diff(tt.want, got, ignorePos); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParsePositions checks that the tree points at the tokens errors
// will quote: byte offsets into the text.
func TestParsePositions(t *testing.T) {
	in := "SELECT Id, ReferenceRecord.Name FROM CallCenterRoutingMap\nWHERE Name = 'é' AND A IN (1, 2) ORDER BY B"
	p, err := soql.Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	and := p.Where.(*soql.AndCond)
	cmpCond, inCond := and.Terms[0].(*soql.CmpCond), and.Terms[1].(*soql.InCond)
	got := []soql.Pos{p.Fields[0].Pos, p.Fields[1].Pos, p.ObjectPos, cmpCond.Field.Pos, cmpCond.Value.Pos,
		inCond.Field.Pos, inCond.Values[0].Pos, inCond.Values[1].Pos, p.OrderBy[0].Field.Pos}
	var want []soql.Pos
	for _, tok := range []string{"Id,", "ReferenceRecord", "CallCenterRoutingMap", "Name =", "'é'", "A IN", "1,", "2)", "B"} {
		want = append(want, soql.Pos(strings.LastIndex(in, tok)))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	malformed := func(row, col int, msg string) wantErr { return wantErr{soql.ReasonMalformedQuery, row, col, msg} }
	tests := []struct {
		name string
		in   string
		want wantErr
	}{
		{"ErrEmpty", "", malformed(1, 1, "unexpected token: <EOF>")},
		{"ErrNotSelect", "DELETE FROM X", malformed(1, 1, "unexpected token: DELETE")},
		{"ErrEndsAfterWhere", "SELECT Id FROM CallCenterRoutingMap WHERE", malformed(1, 42, "unexpected token: <EOF>")},
		{"ErrEndsAfterAndWithBlankLines", "SELECT Id FROM User\nWHERE Name = 'x' AND  \n\n", malformed(2, 21, "unexpected token: <EOF>")},
		{"ErrSelectStar", "SELECT * FROM X", malformed(1, 8, "unexpected token: *")},
		{"ErrNoFields", "SELECT FROM X", malformed(1, 8, "unexpected token: FROM")},
		{"ErrTrailingComma", "SELECT Id, FROM X", malformed(1, 12, "unexpected token: FROM")},
		{"ErrReservedWordAsField", "SELECT Id, Limit FROM X", malformed(1, 12, "unexpected token: Limit")},
		{"ErrReservedWordAsObject", "SELECT Id FROM Where", malformed(1, 16, "unexpected token: Where")},
		{"ErrMissingFrom", "SELECT Id X", malformed(1, 11, "unexpected token: X")},
		{"ErrObjectAlias", "SELECT Id FROM X x", malformed(1, 18, "unexpected token: x")},
		{"ErrDanglingDot", "SELECT Id. FROM X", malformed(1, 12, "unexpected token: FROM")},
		{"ErrMixedAndOr", "SELECT Id FROM X WHERE A = 1 AND B = 2 OR C = 3", malformed(1, 40, "unexpected token: OR")},
		{"ErrMixedOrAnd", "SELECT Id FROM X WHERE A = 1 or B = 2 and C = 3", malformed(1, 39, "unexpected token: and")},
		{"ErrMixedAfterParentheses", "SELECT Id FROM X WHERE (A = 1 AND B = 2) OR C = 3 AND D = 4", malformed(1, 51, "unexpected token: AND")},
		{"ErrMixedOnLaterRow", "SELECT Id, Email, Name\nFROM Contact\nWHERE AccountId = '0014000000p6XlS' AND LastName LIKE 'test' OR Email LIKE 'test'",
			malformed(3, 62, "unexpected token: OR")},
		{"ErrColumnCountsCharacters", "SELECT Id FROM X WHERE Name = 'ééé' AND A = 1 OR B = 2", malformed(1, 47, "unexpected token: OR")},
		{"ErrCRLFRows", "SELECT Id\r\nFROM X\r\nWHERE A = 1 OR B = 2 AND C = 3", malformed(3, 22, "unexpected token: AND")},
		{"ErrTrailingJunk", "SELECT Id FROM X LIMIT 5 foo", malformed(1, 26, "unexpected token: foo")},
		{"ErrSemicolon", "SELECT Id FROM X;", malformed(1, 17, "line 1:16 no viable alternative at character ';'")},
		{"ErrStackedStatement", "SELECT Id FROM X WHERE Name = 'a'; DELETE FROM X", malformed(1, 34, "no viable alternative at character ';'")},
		{"ErrInjectionOutsideLiteral", "SELECT Id FROM X WHERE Name = 'a' OR 1=1", malformed(1, 38, "unexpected token: 1")},
		{"ErrCommentDashes", "SELECT Id FROM X -- all", malformed(1, 18, "no viable alternative at character '-'")},
		{"ErrSQLDoubledQuote", "SELECT Id FROM X WHERE Name = 'O''Brien'", malformed(1, 34, "unexpected token: 'Brien'")},
		{"ErrDoubleQuotedString", `SELECT Id FROM X WHERE Name = "x"`, malformed(1, 31, `line 1:30 no viable alternative at character '"'`)},
		{"ErrBindVariable", "SELECT Id FROM X WHERE Id = :id", malformed(1, 29, "no viable alternative at character ':'")},
		{"ErrNonASCIIName", "SELECT Id FROM X WHERE Näme = 'x'", malformed(1, 25, "no viable alternative at character 'ä'")},
		{"ErrControlCharacter", "SELECT Id FROM X\x01", malformed(1, 17, `no viable alternative at character '\u0001'`)},
		{"ErrInvalidUTF8", "SELECT Id FROM X WHERE Name = 'é\xff'", malformed(1, 33, "invalid UTF-8 byte 0xFF")},
		{"ErrUnterminatedString", "SELECT Id FROM X WHERE Name = 'abc", malformed(1, 35, "line 1:34 mismatched character '<EOF>' expecting '''")},
		{"ErrEscapedClosingQuote", `SELECT Id FROM X WHERE Name = 'abc\'`, malformed(1, 37, "mismatched character '<EOF>'")},
		{"ErrNULInString", "SELECT Id FROM X WHERE Name = 'a\x00'", malformed(1, 33, `no viable alternative at character '\u0000'`)},
		{"ErrBadEscape", `SELECT Id FROM X WHERE Name = 'a\qb'`, malformed(1, 31, `Invalid string literal 'a\qb'. Illegal character sequence '\q' in string literal.`)},
		{"ErrLikeEscapeOutsideLike", `SELECT Id FROM X WHERE Name = 'a\_b'`, malformed(1, 31, `Illegal character sequence '\_'`)},
		{"ErrLikeEscapeInList", `SELECT Id FROM X WHERE Name IN ('a', '100\%')`, malformed(1, 38, `Illegal character sequence '\%'`)},
		{"ErrShortUnicodeEscape", `SELECT Id FROM X WHERE Name = '\u12'`, malformed(1, 31, `Illegal character sequence '\u12'`)},
		{"ErrLoneSurrogate", `SELECT Id FROM X WHERE Name = '\uD83Dx'`, malformed(1, 31, `Illegal character sequence '\uD83D'`)},
		{"ErrNULEscape", `SELECT Id FROM X WHERE Name = '\u0000'`, malformed(1, 31, `Illegal character sequence '\u0000'`)},
		{"ErrEmptyIn", "SELECT Id FROM X WHERE Id IN ()", malformed(1, 31, "unexpected token: )")},
		{"ErrInWithoutParentheses", "SELECT Id FROM X WHERE Id IN 'a'", malformed(1, 30, "unexpected token: 'a'")},
		{"ErrInUnclosed", "SELECT Id FROM X WHERE Id IN ('a' 'b')", malformed(1, 35, "unexpected token: 'b'")},
		{"ErrSubquery", "SELECT Id FROM X WHERE Id IN (SELECT Id FROM Y)", malformed(1, 31, "unexpected token: SELECT")},
		{"ErrNotNot", "SELECT Id FROM X WHERE NOT NOT A = 1", malformed(1, 28, "unexpected token: NOT")},
		{"ErrNotLike", "SELECT Id FROM X WHERE Name NOT LIKE 'a'", malformed(1, 33, "unexpected token: LIKE")},
		{"ErrValueOnLeft", "SELECT Id FROM X WHERE 'x' = Name", malformed(1, 24, "unexpected token: 'x'")},
		{"ErrFieldAsValue", "SELECT Id FROM X WHERE A = B", malformed(1, 28, "unexpected token: B")},
		{"ErrMissingOperator", "SELECT Id FROM X WHERE A 1", malformed(1, 26, "unexpected token: 1")},
		{"ErrBangAlone", "SELECT Id FROM X WHERE A ! 1", malformed(1, 26, "no viable alternative at character '!'")},
		{"ErrUnclosedParenthesis", "SELECT Id FROM X WHERE (A = 1", malformed(1, 30, "unexpected token: <EOF>")},
		{"ErrExtraParenthesis", "SELECT Id FROM X WHERE A = 1)", malformed(1, 29, "unexpected token: )")},
		{"ErrCountWithFields", "SELECT COUNT(), Id FROM X", malformed(1, 15, "COUNT() cannot be combined with fields")},
		{"ErrFieldsWithCount", "SELECT Id, COUNT() FROM X", malformed(1, 12, "COUNT() cannot be combined with fields")},
		{"ErrCountOfField", "SELECT COUNT(Id) FROM X", malformed(1, 14, "COUNT(fieldName) is not supported")},
		{"ErrOrderWithoutBy", "SELECT Id FROM X ORDER Id", malformed(1, 24, "unexpected token: Id")},
		{"ErrNullsWithoutPlace", "SELECT Id FROM X ORDER BY Id NULLS", malformed(1, 35, "unexpected token: <EOF>")},
		{"ErrAscAfterNulls", "SELECT Id FROM X ORDER BY Id NULLS LAST ASC", malformed(1, 41, "unexpected token: ASC")},
		{"ErrLimitNegative", "SELECT Id FROM X LIMIT -1", malformed(1, 24, "unexpected token: -1")},
		{"ErrLimitDecimal", "SELECT Id FROM X LIMIT 1.5", malformed(1, 24, "unexpected token: 1.5")},
		{"ErrLimitTooLarge", "SELECT Id FROM X LIMIT 99999999999", malformed(1, 24, "number out of range: 99999999999")},
		{"ErrLimitMissing", "SELECT Id FROM X LIMIT", malformed(1, 23, "unexpected token: <EOF>")},
		{"ErrOffsetBeforeLimit", "SELECT Id FROM X OFFSET 1 LIMIT 2", malformed(1, 27, "unexpected token: LIMIT")},
		{"ErrLimitTwice", "SELECT Id FROM X LIMIT 1 LIMIT 2", malformed(1, 26, "unexpected token: LIMIT")},
		{"ErrWhereAfterOrderBy", "SELECT Id FROM X ORDER BY Id WHERE A = 1", malformed(1, 30, "unexpected token: WHERE")},
		{"ErrNumberOutOfRange", "SELECT Id FROM X WHERE A = 1" + strings.Repeat("0", 400), malformed(1, 28, "number out of range")},
		{"ErrBadDate", "SELECT Id FROM X WHERE A = 2024-13-01", malformed(1, 28, "invalid date: 2024-13-01")},
		{"ErrNoFebruary30", "SELECT Id FROM X WHERE A = 2024-02-30", malformed(1, 28, "invalid date: 2024-02-30")},
		{"ErrDateTimeWithoutZone", "SELECT Id FROM X WHERE A = 2024-01-15T10:00:00 LIMIT 1", malformed(1, 47, "no viable alternative at character ' '")},
		{"ErrDateTimeShortTime", "SELECT Id FROM X WHERE A = 2024-01-15T10:00Z", malformed(1, 44, "no viable alternative at character 'Z'")},
		{"ErrDateTimeLongFraction", "SELECT Id FROM X WHERE A = 2024-01-15T10:00:00.1234Z", malformed(1, 51, "no viable alternative at character '4'")},
		{"ErrDateTimeEmptyFraction", "SELECT Id FROM X WHERE A = 2024-01-15T10:00:00.Z", malformed(1, 48, "no viable alternative at character 'Z'")},
		{"ErrDateTimeBadHour", "SELECT Id FROM X WHERE A = 2024-01-15T24:00:00Z", malformed(1, 28, "invalid datetime: 2024-01-15T24:00:00Z")},
		{"ErrDateTimeBadOffset", "SELECT Id FROM X WHERE A = 2024-01-15T10:00:00+24:00", malformed(1, 28, "invalid datetime")},
		{"ErrDateTimeLowerCaseZ", "SELECT Id FROM X WHERE A = 2024-01-15T10:00:00z", malformed(1, 47, "no viable alternative at character 'z'")},
		{"ErrDateLiteralKeyword", "SELECT Id FROM X WHERE CreatedDate > TODAY", malformed(1, 38, "unexpected token: TODAY")},
		{"ErrTooManyInValues", "SELECT Id FROM X WHERE A IN (" + repeatJoin("1", ",", soql.MaxInValues+1) + ")",
			malformed(1, 30+2*soql.MaxInValues, "IN lists cannot hold more than 1000 values")},
		{"ErrTooDeep", "SELECT Id FROM X WHERE " + strings.Repeat("(", soql.MaxDepth+1) + "A = 1" + strings.Repeat(")", soql.MaxDepth+1),
			malformed(1, 24+soql.MaxDepth, "parentheses nest deeper than 100 levels")},
		{"ErrVeryDeepDoesNotOverflow", "SELECT Id FROM X WHERE " + strings.Repeat("(", 90000),
			malformed(1, 24+soql.MaxDepth, "parentheses nest deeper than 100 levels")},
		{"ErrTooLong", maxLengthQuery() + " ", malformed(1, soql.MaxQueryLength+1, "SOQL statements cannot be longer than 100000 characters")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := soql.Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse accepted it: %s", soql.Format(p))
			}
			checkErr(t, tt.in, err, tt.want)
		})
	}
}

// TestParseErrorMessage pins one message whole, as Salesforce writes it.
func TestParseErrorMessage(t *testing.T) {
	_, err := soql.Parse("SELECT Id FROM CallCenterRoutingMap WHERE")
	want := "\nSELECT Id FROM CallCenterRoutingMap WHERE\n" + strings.Repeat(" ", 41) + "^\nERROR at Row:1:Column:42\nunexpected token: <EOF>"
	if got := routemap.ErrorMessage(err); got != want {
		t.Errorf("message\n%q\nwant\n%q", got, want)
	}
}

// TestParseErrorLongLine checks that an error on a very long line quotes
// only the part around the column, with the caret still under the token.
func TestParseErrorLongLine(t *testing.T) {
	in := "SELECT Id FROM X WHERE Name IN (" + repeatJoin("'abcdefgh'", ", ", 300) + ") OR B = 1 AND C = 2"
	_, err := soql.Parse(in)
	lines := strings.Split(routemap.ErrorMessage(err), "\n")
	if len(lines) < 5 {
		t.Fatalf("message %q", routemap.ErrorMessage(err))
	}
	shown, caret := []rune(lines[1]), strings.Index(lines[2], "^")
	if len(shown) > 160 || caret < 0 || caret+3 > len(shown) || string(shown[caret:caret+3]) != "AND" {
		t.Errorf("caret at %d of %q; want it under AND in at most 160 characters", caret, lines[1])
	}
	if want := "ERROR at Row:1:Column:" + strconv.Itoa(strings.Index(in, "AND")+1); lines[3] != want {
		t.Errorf("location %q; want %q", lines[3], want)
	}
}
