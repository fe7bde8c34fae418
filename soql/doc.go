// Package soql parses SOQL text into routemap.Query for the HTTP server;
// stores translate routemap.Query to their own SQL with bound parameters,
// so no text from a query ever reaches a database as SQL.
//
// Work happens in two steps, as in Salesforce. Parse reads the text with a
// hand-written lexer and recursive-descent parser into a Parsed tree that
// keeps the caller's spelling and every token's position. Resolve checks
// that tree against a routemap.Schema at an API version: it finds the
// object and fields, gives them their canonical spelling, checks each
// filter value against its field's type, normalizes ids to 18 characters
// and fills in SOQL's defaults. Format writes a Parsed tree back as text.
//
// A field may be a relationship path that follows one child-to-parent
// relationship, such as ReferenceRecord.Name or CallCenter.InternalName,
// in the SELECT list, in WHERE and in ORDER BY. Resolve gives both names
// their canonical spelling, so routemap.Query holds "ReferenceRecord.Name"
// however the query spelled it. A polymorphic relationship
// (ReferenceRecord, to User or Group) offers the fields of Salesforce's
// Name pseudo-object, routemap.Schema.Polymorphic.
//
// The grammar is the subset routemap serves:
//
//	query     = SELECT ( COUNT "(" ")" | field { "," field } )
//	            FROM name [ WHERE condition ]
//	            [ ORDER BY order { "," order } ] [ LIMIT int ] [ OFFSET int ]
//	field     = name { "." name }
//	order     = field [ ASC | DESC ] [ NULLS ( FIRST | LAST ) ]
//	condition = unary { AND unary } | unary { OR unary }
//	unary     = [ NOT ] primary
//	primary   = "(" condition ")" | field op value | field LIKE value
//	          | field [ NOT ] IN "(" value { "," value } ")"
//	op        = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//	value     = string | number | TRUE | FALSE | NULL | date | datetime
//
// Keywords are case-insensitive. As in SOQL, AND and OR cannot be mixed
// without parentheses: "a AND b OR c" is MALFORMED_QUERY ("unexpected
// token: OR"). Strings take the SOQL escapes \n \r \t \b \f (or \N \R \T
// \B \F), \" \' \\ and \uXXXX; \_ and \% only in a LIKE pattern. Numbers
// are decimal without exponent and may be negative. Dates are YYYY-MM-DD
// and datetimes YYYY-MM-DDThh:mm:ss[.sss](Z|±hh:mm).
//
// A LIKE pattern reaches routemap.Comparison.Value.Str in the form SQL's
// "LIKE ? ESCAPE '\'" takes: % and _ are wildcards and a backslash makes
// the following %, _ or backslash literal; no other backslash occurs.
//
// Every error is a *routemap.Error with Code routemap.EINVALID and one of
// the Reason constants. Its message follows Salesforce's: the offending
// line, a caret under the column, "ERROR at Row:R:Column:C" (1-based,
// counting characters) and the explanation.
package soql
