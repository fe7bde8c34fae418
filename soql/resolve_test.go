package soql_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/soql"
)

// importerQuery is the query the importer sends for a contact center's maps.
const importerQuery = "SELECT Id, DeveloperName, MasterLabel, ExternalId, ReferenceRecordId, CallCenterId, QuickConnect " +
	"FROM CallCenterRoutingMap WHERE CallCenterId = '04vHs000000XyZaIAK' ORDER BY DeveloperName LIMIT 2000"

func lit(kind routemap.LiteralKind, s string) routemap.Literal {
	return routemap.Literal{Kind: kind, Str: s}
}

func strLit(s string) routemap.Literal { return lit(routemap.LitString, s) }

func rmQuery(object string, fields ...string) *routemap.Query {
	return &routemap.Query{Object: object, Fields: fields, Limit: -1}
}

func withWhere(q *routemap.Query, e routemap.Expr) *routemap.Query {
	q.Where = e
	return q
}

// customSchema has an object with the field types and flags routemap's own
// schema lacks, so that their rules are tested too.
func customSchema() *routemap.Schema {
	return &routemap.Schema{Objects: []routemap.ObjectInfo{{
		Name: "Widget__c",
		Fields: []routemap.FieldInfo{
			{Name: "Id", Type: routemap.TypeID, Filterable: true, Sortable: true},
			{Name: "Size__c", Type: "double", Filterable: true, Sortable: true},
			{Name: "Due__c", Type: "date", Filterable: true, Sortable: true},
			{Name: "Notes__c", Type: "textarea"},
		},
	}}}
}

func TestResolve(t *testing.T) {
	rm := routemap.ObjectRoutingMap
	tests := []struct {
		name    string
		in      string
		version float64
		schema  *routemap.Schema
		want    *routemap.Query
	}{
		{name: "OKImporterQuery", in: importerQuery, version: 62.0, want: &routemap.Query{
			Object:  rm,
			Fields:  []string{"Id", "DeveloperName", "MasterLabel", "ExternalId", "ReferenceRecordId", "CallCenterId", "QuickConnect"},
			Where:   &routemap.Comparison{Field: "CallCenterId", Op: routemap.OpEq, Value: strLit(center)},
			OrderBy: []routemap.OrderItem{{Field: "DeveloperName", NullsFirst: true}},
			Limit:   2000,
		}},
		{name: "OKCanonicalSpelling", in: "select id, developername from callcenterroutingmap",
			want: rmQuery(rm, "Id", "DeveloperName")},
		{name: "OKCanonicalSpellingInWhereAndOrder", in: "SELECT ID FROM user WHERE isactive = TRUE ORDER BY USERNAME",
			want: &routemap.Query{Object: "User", Fields: []string{"Id"}, Limit: -1,
				Where:   &routemap.Comparison{Field: "IsActive", Op: routemap.OpEq, Value: routemap.Literal{Kind: routemap.LitBool, Bool: true}},
				OrderBy: []routemap.OrderItem{{Field: "Username", NullsFirst: true}}}},
		{name: "OKCount", in: "SELECT COUNT() FROM CallCenterRoutingMap WHERE ExternalId LIKE 'arn:%'",
			want: &routemap.Query{Object: rm, Count: true, Limit: -1,
				Where: &routemap.Comparison{Field: "ExternalId", Op: routemap.OpLike, Value: strLit("arn:%")}}},
		{name: "OKObjectQualifiedField", in: "SELECT CallCenterRoutingMap.Id FROM CallCenterRoutingMap",
			want: rmQuery(rm, "Id")},
		{name: "OKObjectQualifiedOrderField", in: "SELECT Id FROM CallCenterRoutingMap ORDER BY CallCenterRoutingMap.CallCenterId",
			want: &routemap.Query{Object: rm, Fields: []string{"Id"}, Limit: -1, OrderBy: []routemap.OrderItem{{Field: "CallCenterId", NullsFirst: true}}}},
		{name: "OKFieldOfVersion", in: "SELECT QuickConnect FROM CallCenterRoutingMap", version: 56.0,
			want: rmQuery(rm, "QuickConnect")},
		{name: "OKFieldAtVersionZero", in: "SELECT QuickConnect FROM CallCenterRoutingMap",
			want: rmQuery(rm, "QuickConnect")},
		{name: "OKID15Normalized", in: "SELECT Id FROM CallCenterRoutingMap WHERE CallCenterId = '" + center15 + "'",
			want: withWhere(rmQuery(rm, "Id"), &routemap.Comparison{Field: "CallCenterId", Op: routemap.OpEq, Value: strLit(center)})},
		{name: "OKIDLowerCaseSuffixNormalized", in: "SELECT Id FROM CallCenterRoutingMap WHERE Id != '04vHs000000XyZaiak'",
			want: withWhere(rmQuery(rm, "Id"), &routemap.Comparison{Field: "Id", Op: routemap.OpNe, Value: strLit(center)})},
		{name: "OKInIDsNormalized", in: "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecordId NOT IN ('" + user15 + "', '" + queue + "', null)",
			want: withWhere(rmQuery(rm, "Id"), &routemap.InExpr{Field: "ReferenceRecordId", Negate: true,
				Values: []routemap.Literal{strLit(user), strLit(queue), {Kind: routemap.LitNull}}})},
		{name: "OKIDOrdering", in: "SELECT Id FROM CallCenterRoutingMap WHERE Id > '" + user15 + "'",
			want: withWhere(rmQuery(rm, "Id"), &routemap.Comparison{Field: "Id", Op: routemap.OpGt, Value: strLit(user)})},
		{name: "OKNullComparisons", in: "SELECT Id FROM CallCenterRoutingMap WHERE QuickConnect = null OR Language != NULL",
			want: withWhere(rmQuery(rm, "Id"), &routemap.OrExpr{Terms: []routemap.Expr{
				&routemap.Comparison{Field: "QuickConnect", Op: routemap.OpEq, Value: routemap.Literal{Kind: routemap.LitNull}},
				&routemap.Comparison{Field: "Language", Op: routemap.OpNe, Value: routemap.Literal{Kind: routemap.LitNull}},
			}})},
		{name: "OKLikePatternForm", in: `SELECT Id FROM CallCenterRoutingMap WHERE DeveloperName LIKE 'User\_%\\x'`,
			want: withWhere(rmQuery(rm, "Id"), &routemap.Comparison{Field: "DeveloperName", Op: routemap.OpLike, Value: strLit(`User\_%\\x`)})},
		{name: "OKLikeOnPicklistAndEmail", in: "SELECT Id FROM User WHERE Email LIKE '%@example.com'",
			want: withWhere(rmQuery("User", "Id"), &routemap.Comparison{Field: "Email", Op: routemap.OpLike, Value: strLit("%@example.com")})},
		{name: "OKBooleanIn", in: "SELECT Id FROM User WHERE IsActive IN (true, false)",
			want: withWhere(rmQuery("User", "Id"), &routemap.InExpr{Field: "IsActive", Values: []routemap.Literal{
				{Kind: routemap.LitBool, Bool: true}, {Kind: routemap.LitBool}}})},
		{name: "OKDateTimeInUTC", in: "SELECT Id FROM User WHERE CreatedDate >= 2024-01-15T10:00:00.250+01:00",
			want: withWhere(rmQuery("User", "Id"), &routemap.Comparison{Field: "CreatedDate", Op: routemap.OpGe,
				Value: routemap.Literal{Kind: routemap.LitDateTime, Time: time.Date(2024, 1, 15, 9, 0, 0, 250e6, time.UTC)}})},
		{name: "OKInjectionStaysLiteral", in: `SELECT Id FROM CallCenterRoutingMap WHERE DeveloperName = '\' OR 1=1 --'`,
			want: withWhere(rmQuery(rm, "Id"), &routemap.Comparison{Field: "DeveloperName", Op: routemap.OpEq, Value: strLit("' OR 1=1 --")})},
		{name: "OKNotAndOr", in: "SELECT Id FROM User WHERE NOT (Alias = 'a' OR Alias = 'b') AND Name < 'm'",
			want: withWhere(rmQuery("User", "Id"), &routemap.AndExpr{Terms: []routemap.Expr{
				&routemap.NotExpr{X: &routemap.OrExpr{Terms: []routemap.Expr{
					&routemap.Comparison{Field: "Alias", Op: routemap.OpEq, Value: strLit("a")},
					&routemap.Comparison{Field: "Alias", Op: routemap.OpEq, Value: strLit("b")},
				}}},
				&routemap.Comparison{Field: "Name", Op: routemap.OpLt, Value: strLit("m")},
			}})},
		{name: "OKOrderNullsDefaultAndExplicit", in: "SELECT Id FROM User ORDER BY Name, Alias DESC, Email NULLS LAST, Username DESC NULLS FIRST LIMIT 5 OFFSET 10",
			want: &routemap.Query{Object: "User", Fields: []string{"Id"}, Limit: 5, Offset: 10, OrderBy: []routemap.OrderItem{
				{Field: "Name", NullsFirst: true}, {Field: "Alias", Desc: true},
				{Field: "Email"}, {Field: "Username", Desc: true, NullsFirst: true},
			}}},
		{name: "OKRelationshipFields", in: "select id, referencerecord.name, REFERENCERECORD.type, callcenter.internalname, createdby.username, " +
			"lastmodifiedby.NAME from callcenterroutingmap",
			want: rmQuery(rm, "Id", "ReferenceRecord.Name", "ReferenceRecord.Type", "CallCenter.InternalName", "CreatedBy.Username", "LastModifiedBy.Name")},
		{name: "OKObjectQualifiedRelationship", in: "SELECT CallCenterRoutingMap.ReferenceRecord.Name FROM CallCenterRoutingMap",
			want: rmQuery(rm, "ReferenceRecord.Name")},
		{name: "OKRelationshipAndItsIDField", in: "SELECT ReferenceRecordId, ReferenceRecord.Id, CallCenter.Id FROM CallCenterRoutingMap",
			want: rmQuery(rm, "ReferenceRecordId", "ReferenceRecord.Id", "CallCenter.Id")},
		{name: "OKUserCallCenter", in: "SELECT Id, CallCenter.Name FROM User WHERE callcenter.InternalName LIKE 'acme%' ORDER BY CallCenter.Name DESC",
			want: &routemap.Query{Object: "User", Fields: []string{"Id", "CallCenter.Name"}, Limit: -1,
				Where:   &routemap.Comparison{Field: "CallCenter.InternalName", Op: routemap.OpLike, Value: strLit("acme%")},
				OrderBy: []routemap.OrderItem{{Field: "CallCenter.Name", Desc: true}}}},
		{name: "OKExtensionFieldOfParent", in: "SELECT CallCenter.routemap__provider__c FROM CallCenterRoutingMap",
			want: rmQuery(rm, "CallCenter."+routemap.FieldCallCenterProvider)},
		{name: "OKRelationshipWhereTyped", in: "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecord.IsActive = true AND " +
			"ReferenceRecord.Id IN ('" + user15 + "', '" + queue + "') AND CreatedBy.CreatedDate < 2024-01-15T10:00:00Z AND ReferenceRecord.Alias != null",
			want: withWhere(rmQuery(rm, "Id"), &routemap.AndExpr{Terms: []routemap.Expr{
				&routemap.Comparison{Field: "ReferenceRecord.IsActive", Op: routemap.OpEq, Value: routemap.Literal{Kind: routemap.LitBool, Bool: true}},
				&routemap.InExpr{Field: "ReferenceRecord.Id", Values: []routemap.Literal{strLit(user), strLit(queue)}},
				&routemap.Comparison{Field: "CreatedBy.CreatedDate", Op: routemap.OpLt,
					Value: routemap.Literal{Kind: routemap.LitDateTime, Time: time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC)}},
				&routemap.Comparison{Field: "ReferenceRecord.Alias", Op: routemap.OpNe, Value: routemap.Literal{Kind: routemap.LitNull}},
			}})},
		{name: "OKRelationshipOrderBy", in: "SELECT Id FROM CallCenterRoutingMap ORDER BY ReferenceRecord.Type DESC NULLS FIRST, callcenter.name",
			want: &routemap.Query{Object: rm, Fields: []string{"Id"}, Limit: -1, OrderBy: []routemap.OrderItem{
				{Field: "ReferenceRecord.Type", Desc: true, NullsFirst: true}, {Field: "CallCenter.Name", NullsFirst: true}}}},
		{name: "OKOrganizationLoginQuery", in: "SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization",
			version: 62.0,
			want:    rmQuery("Organization", "Name", "InstanceName", "IsSandbox", "TrialExpirationDate", "NamespacePrefix", "OrganizationType")},
		{name: "OKNumberAndDateFields", in: "SELECT Id FROM Widget__c WHERE Size__c > -1.5 AND Due__c = 2024-03-01",
			schema: customSchema(),
			want: withWhere(rmQuery("Widget__c", "Id"), &routemap.AndExpr{Terms: []routemap.Expr{
				&routemap.Comparison{Field: "Size__c", Op: routemap.OpGt, Value: routemap.Literal{Kind: routemap.LitNumber, Num: -1.5}},
				&routemap.Comparison{Field: "Due__c", Op: routemap.OpEq, Value: routemap.Literal{Kind: routemap.LitDate, Time: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}},
			}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := soql.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			schema := tt.schema
			if schema == nil {
				schema = routemap.NewSchema()
			}
			got, err := soql.Resolve(p, schema, tt.version)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestResolveDateTimeIsUTC checks the location, which cmp's use of
// time.Time.Equal would not notice.
func TestResolveDateTimeIsUTC(t *testing.T) {
	p, err := soql.Parse("SELECT Id FROM User WHERE CreatedDate > 2024-01-15T10:00:00-05:00")
	if err != nil {
		t.Fatal(err)
	}
	q, err := soql.Resolve(p, routemap.NewSchema(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if loc := q.Where.(*routemap.Comparison).Value.Time.Location(); loc != time.UTC {
		t.Errorf("location %v; want UTC", loc)
	}
}

func TestResolveErrors(t *testing.T) {
	field := func(row, col int, msg string) wantErr { return wantErr{soql.ReasonInvalidField, row, col, msg} }
	value := func(row, col int, msg string) wantErr { return wantErr{soql.ReasonInvalidFilterValue, row, col, msg} }
	tests := []struct {
		name    string
		in      string
		version float64
		want    wantErr
	}{
		{name: "ErrUnknownObject", in: "SELECT Id FROM Foo", want: wantErr{soql.ReasonInvalidType, 1, 16,
			"sObject type 'Foo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. " +
				"Please reference your WSDL or the describe call for the appropriate names."}},
		{name: "ErrUnknownField", in: "SELECT Id, Foo FROM CallCenterRoutingMap", want: field(1, 12,
			"No such column 'Foo' on entity 'CallCenterRoutingMap'. If you are attempting to use a custom field, be sure to append the '__c' "+
				"after the custom field name. Please reference your WSDL or the describe call for the appropriate names.")},
		{name: "ErrUnknownFieldOnLaterRow", in: "SELECT Id\nFROM CallCenterRoutingMap\nWHERE  Nmae = 'x'", want: field(3, 8, "No such column 'Nmae'")},
		{name: "ErrUnknownOrderField", in: "SELECT Id FROM User ORDER BY Foo", want: field(1, 30, "No such column 'Foo' on entity 'User'")},
		{name: "ErrFieldNewerThanVersion", in: "SELECT Id, QuickConnect FROM CallCenterRoutingMap", version: 55.0,
			want: field(1, 12, "No such column 'QuickConnect' on entity 'CallCenterRoutingMap'")},
		{name: "ErrFieldOfOtherObject", in: "SELECT Id FROM CallCenterRoutingMap WHERE IsActive = true", want: field(1, 43, "No such column 'IsActive'")},
		{name: "ErrUnknownRelationship", in: "SELECT Id FROM CallCenterRoutingMap WHERE Foo.Name = 'x'",
			want: field(1, 43, "Didn't understand relationship 'Foo' in field path. If you are attempting to use a custom relationship, "+
				"be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.")},
		{name: "ErrUnknownRelationshipInSelect", in: "SELECT Id, Owner.Name FROM CallCenterRoutingMap",
			want: field(1, 12, "Didn't understand relationship 'Owner' in field path.")},
		{name: "ErrUnknownRelationshipInOrderBy", in: "SELECT Id FROM User ORDER BY ReferenceRecord.Name",
			want: field(1, 30, "Didn't understand relationship 'ReferenceRecord' in field path.")},
		{name: "ErrIDFieldIsNoRelationship", in: "SELECT CallCenterId.Name FROM CallCenterRoutingMap",
			want: field(1, 8, "Didn't understand relationship 'CallCenterId' in field path.")},
		{name: "ErrChildFieldOnParent", in: "SELECT Id FROM CallCenterRoutingMap WHERE CallCenter.QuickConnect = 'x'",
			want: field(1, 43, "No such column 'QuickConnect' on entity 'CallCenter'")},
		{name: "ErrUnknownFieldOnUserParent", in: "SELECT Id, CreatedBy.Nickname FROM CallCenterRoutingMap",
			want: field(1, 12, "No such column 'Nickname' on entity 'User'. If you are attempting to use a custom field, be sure to append the '__c' "+
				"after the custom field name. Please reference your WSDL or the describe call for the appropriate names.")},
		{name: "ErrUnknownFieldOnPolymorphicParent", in: "SELECT Id, ReferenceRecord.CallCenterId FROM CallCenterRoutingMap",
			want: field(1, 12, "No such column 'CallCenterId' on entity 'Name'")},
		{name: "ErrUnknownFieldOnCallCenterParent", in: "SELECT Id FROM User WHERE CallCenter.Username = 'x'",
			want: field(1, 27, "No such column 'Username' on entity 'CallCenter'")},
		{name: "ErrRelationshipWithoutField", in: "SELECT ReferenceRecord FROM CallCenterRoutingMap",
			want: field(1, 8, "No such column 'ReferenceRecord' on entity 'CallCenterRoutingMap'")},
		{name: "ErrTwoLevels", in: "SELECT Id, CreatedBy.CallCenter.Name FROM CallCenterRoutingMap",
			want: field(1, 12, "relationship paths of more than one level such as 'CreatedBy.CallCenter.Name' are not supported")},
		{name: "ErrTwoLevelsUnknown", in: "SELECT Id, CallCenter.Foo.Name FROM CallCenterRoutingMap",
			want: field(1, 12, "Didn't understand relationship 'Foo' in field path.")},
		{name: "ErrObjectQualifiedTwoLevels", in: "SELECT CallCenterRoutingMap.CreatedBy.CallCenter.Name FROM CallCenterRoutingMap",
			want: field(1, 8, "relationship paths of more than one level")},
		{name: "ErrDuplicateRelationshipField", in: "SELECT ReferenceRecord.Name, referencerecord.NAME FROM CallCenterRoutingMap",
			want: field(1, 30, "duplicate field selected: ReferenceRecord.Name")},
		{name: "ErrRelationshipStringGivenNumber", in: "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecord.Name = 5",
			want: field(1, 66, "value of filter criterion for field 'ReferenceRecord.Name' must be of type string and should be enclosed in quotes")},
		{name: "ErrRelationshipBooleanQuoted", in: "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecord.IsActive = 'true'",
			want: field(1, 70, "value of filter criterion for field 'ReferenceRecord.IsActive' must be of type boolean and should not be enclosed in quotes")},
		{name: "ErrRelationshipDateTimeQuoted", in: "SELECT Id FROM CallCenterRoutingMap WHERE CreatedBy.CreatedDate > '2024-01-01'",
			want: field(1, 67, "must be of type dateTime")},
		{name: "ErrRelationshipInvalidID", in: "SELECT Id FROM CallCenterRoutingMap WHERE CallCenter.Id IN ('abc')",
			want: value(1, 61, "invalid ID field: abc")},
		{name: "ErrRelationshipLikeOnID", in: "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecord.Id LIKE '005%'",
			want: field(1, 43, "invalid operator on id field")},
		{name: "ErrRelationshipNotSortable", in: "SELECT Id FROM CallCenterRoutingMap ORDER BY ReferenceRecord.IsActive",
			want: field(1, 46, "field 'ReferenceRecord.IsActive' can not be sorted in a query call")},
		{name: "ErrOtherObjectQualifier", in: "SELECT User.Id FROM CallCenterRoutingMap", want: field(1, 8, "Didn't understand relationship 'User'")},
		{name: "ErrDuplicateField", in: "SELECT Id, DeveloperName, id FROM CallCenterRoutingMap", want: field(1, 27, "duplicate field selected: Id")},
		{name: "ErrBooleanQuoted", in: "SELECT Id FROM User WHERE IsActive = 'true'",
			want: field(1, 38, "value of filter criterion for field 'IsActive' must be of type boolean and should not be enclosed in quotes")},
		{name: "ErrBooleanNumber", in: "SELECT Id FROM User WHERE IsActive = 1", want: field(1, 38, "must be of type boolean and should not be enclosed in quotes")},
		{name: "ErrBooleanInListQuoted", in: "SELECT Id FROM User WHERE IsActive IN (true, 'false')", want: field(1, 46, "must be of type boolean")},
		{name: "ErrStringNumber", in: "SELECT Id FROM User WHERE Alias = 5",
			want: field(1, 35, "value of filter criterion for field 'Alias' must be of type string and should be enclosed in quotes")},
		{name: "ErrStringBoolean", in: "SELECT Id FROM User WHERE Alias = true", want: field(1, 35, "must be of type string and should be enclosed")},
		{name: "ErrStringDate", in: "SELECT Id FROM User WHERE Alias > 2024-01-01", want: field(1, 35, "must be of type string and should be enclosed")},
		{name: "ErrLikeNumber", in: "SELECT Id FROM User WHERE Alias LIKE 5", want: field(1, 38, "must be of type string and should be enclosed")},
		{name: "ErrDateTimeString", in: "SELECT Id FROM User WHERE CreatedDate > '2024-01-01T00:00:00Z'",
			want: field(1, 41, "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes")},
		{name: "ErrDateTimeGivenDate", in: "SELECT Id FROM User WHERE CreatedDate > 2024-01-01", want: field(1, 41, "must be of type dateTime")},
		{name: "ErrIDNumber", in: "SELECT Id FROM User WHERE Id = 5", want: field(1, 32, "value of filter criterion for field 'Id' must be of type id and should be enclosed in quotes")},
		{name: "ErrLikeOnBoolean", in: "SELECT Id FROM User WHERE IsActive LIKE 'true'", want: field(1, 27, "invalid operator on boolean field")},
		{name: "ErrLikeOnID", in: "SELECT Id FROM User WHERE Id LIKE '005%'", want: field(1, 27, "invalid operator on id field")},
		{name: "ErrLikeOnReference", in: "SELECT Id FROM User WHERE CallCenterId LIKE '04v%'", want: field(1, 27, "invalid operator on reference field")},
		{name: "ErrLikeOnDateTime", in: "SELECT Id FROM User WHERE CreatedDate LIKE '2024%'", want: field(1, 27, "invalid operator on datetime field")},
		{name: "ErrOrderingOnBoolean", in: "SELECT Id FROM User WHERE IsActive > false", want: field(1, 27, "invalid operator on boolean field")},
		{name: "ErrNotSortable", in: "SELECT Id FROM CallCenterRoutingMap ORDER BY Id, IsDeleted DESC",
			want: field(1, 50, "field 'IsDeleted' can not be sorted in a query call")},
		{name: "ErrInvalidID", in: "SELECT Id FROM CallCenterRoutingMap WHERE Id = 'abc'", want: value(1, 48, "invalid ID field: abc")},
		{name: "ErrEmptyID", in: "SELECT Id FROM CallCenterRoutingMap WHERE CallCenterId = ''", want: value(1, 58, "invalid ID field: ")},
		{name: "ErrInvalidIDInList", in: "SELECT Id FROM User WHERE CallCenterId IN ('" + center + "', 'x\\' OR 1=1')",
			want: value(1, 66, "invalid ID field: x' OR 1=1")},
		{name: "ErrIDBadChecksum", in: "SELECT Id FROM User WHERE Id = '005Hs00000ABcDeAAA'", want: value(1, 32, "invalid ID field: 005Hs00000ABcDeAAA")},
		{name: "ErrIDUpperCased", in: "SELECT Id FROM User WHERE Id = '005HS00000ABCDEIAL'", want: value(1, 32, "invalid ID field: 005HS00000ABCDEIAL")},
		{name: "ErrNullWithOrdering", in: "SELECT Id FROM User WHERE CreatedDate < null", want: value(1, 41, "invalid operator on null value")},
		{name: "ErrLikeNull", in: "SELECT Id FROM User WHERE Alias LIKE null", want: value(1, 38, "invalid operator on null value")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := soql.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			q, err := soql.Resolve(p, routemap.NewSchema(), tt.version)
			if err == nil {
				t.Fatalf("Resolve accepted it: %+v", q)
			}
			checkErr(t, tt.in, err, tt.want)
		})
	}
}

func TestResolveErrorsCustomSchema(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want wantErr
	}{
		{"ErrNotFilterable", "SELECT Id FROM Widget__c WHERE Notes__c = 'x'",
			wantErr{soql.ReasonInvalidField, 1, 32, "field 'Notes__c' can not be filtered in a query call"}},
		{"ErrNotFilterableInList", "SELECT Id FROM Widget__c WHERE Notes__c IN ('x')",
			wantErr{soql.ReasonInvalidField, 1, 32, "field 'Notes__c' can not be filtered"}},
		{"ErrNumberQuoted", "SELECT Id FROM Widget__c WHERE Size__c = '1'",
			wantErr{soql.ReasonInvalidField, 1, 42, "must be of type double and should not be enclosed in quotes"}},
		{"ErrDateGivenDateTime", "SELECT Id FROM Widget__c WHERE Due__c = 2024-01-01T00:00:00Z",
			wantErr{soql.ReasonInvalidField, 1, 41, "must be of type date and should not be enclosed in quotes"}},
		{"ErrNotSortableText", "SELECT Id FROM Widget__c ORDER BY Notes__c",
			wantErr{soql.ReasonInvalidField, 1, 35, "field 'Notes__c' can not be sorted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := soql.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			_, err = soql.Resolve(p, customSchema(), 0)
			checkErr(t, tt.in, err, tt.want)
		})
	}
}

// TestResolveCountWithFields checks a tree Parse would never build.
func TestResolveCountWithFields(t *testing.T) {
	p := &soql.Parsed{Text: "SELECT COUNT(), Id FROM User", Count: true, Fields: []soql.Field{{Path: []string{"Id"}, Pos: 16}},
		Object: "User", ObjectPos: 24, Limit: -1, Offset: -1}
	_, err := soql.Resolve(p, routemap.NewSchema(), 0)
	checkErr(t, p.Text, err, wantErr{soql.ReasonMalformedQuery, 1, 17, "COUNT() cannot be combined with fields"})
}

// TestResolveNil checks that a caller's bug is an internal error, not a panic.
func TestResolveNil(t *testing.T) {
	p, err := soql.Parse("SELECT Id FROM User")
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"ErrNilParsed": func() error { _, err := soql.Resolve(nil, routemap.NewSchema(), 0); return err },
		"ErrNilSchema": func() error { _, err := soql.Resolve(p, nil, 0); return err },
	} {
		t.Run(name, func(t *testing.T) {
			if got := routemap.ErrorCode(call()); got != routemap.EINTERNAL {
				t.Errorf("code %q; want %q", got, routemap.EINTERNAL)
			}
		})
	}
}

func BenchmarkParseResolve(b *testing.B) {
	schema := routemap.NewSchema()
	b.ReportAllocs()
	for b.Loop() {
		p, err := soql.Parse(importerQuery)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := soql.Resolve(p, schema, 62.0); err != nil {
			b.Fatal(err)
		}
	}
}
