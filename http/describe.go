package http

import (
	"net/http"
	"sort"

	"routemap"
)

var soapTypes = map[string]string{
	routemap.TypeID:        "tns:ID",
	routemap.TypeReference: "tns:ID",
	routemap.TypeString:    "xsd:string",
	routemap.TypeEmail:     "xsd:string",
	routemap.TypePicklist:  "xsd:string",
	routemap.TypeBoolean:   "xsd:boolean",
	routemap.TypeDateTime:  "xsd:dateTime",
}

// objectPerms returns what the caller may do with an object, as describe
// reports it: routing-map rights follow the user's object permissions.
func (rq *request) objectPerms(o *routemap.ObjectInfo) (create, update, del bool) {
	if o.Name != routemap.ObjectRoutingMap {
		canUsers := o.Name == routemap.ObjectUser && rq.c.can(routemap.PermManageCallCenters)
		return false, canUsers, false
	}
	return rq.c.can(routemap.PermCreateRoutingMap) && rq.c.can(routemap.PermEditRoutingMap),
		rq.c.can(routemap.PermEditRoutingMap), rq.c.can(routemap.PermDeleteRoutingMap)
}

// basicInfo is the object summary of the global describe and of GET
// /sobjects/{Object}.
func (rq *request) basicInfo(o *routemap.ObjectInfo) map[string]any {
	create, update, del := rq.objectPerms(o)
	base := rq.path("sobjects", o.Name)
	return map[string]any{
		"activateable":          false,
		"associateEntityType":   nil,
		"associateParentEntity": nil,
		"createable":            create,
		"custom":                false,
		"customSetting":         false,
		"deepCloneable":         false,
		"deletable":             del,
		"deprecatedAndHidden":   false,
		"feedEnabled":           false,
		"hasSubtypes":           false,
		"isInterface":           false,
		"isSubtype":             false,
		"keyPrefix":             o.KeyPrefix,
		"label":                 o.Label,
		"labelPlural":           o.LabelPlural,
		"layoutable":            false,
		"mergeable":             false,
		"mruEnabled":            false,
		"name":                  o.Name,
		"queryable":             true,
		"replicateable":         false,
		"retrieveable":          true,
		"searchable":            false,
		"triggerable":           false,
		"undeletable":           false,
		"updateable":            update,
		"urls": map[string]string{
			"rowTemplate": base + "/{ID}",
			"describe":    base + "/describe",
			"sobject":     base,
		},
	}
}

// handleGlobalDescribe serves GET /sobjects.
func (rq *request) handleGlobalDescribe() {
	if rq.r.Method != http.MethodGet {
		rq.fail(methodNotAllowed(rq.r, "GET", "HEAD"))
		return
	}
	objs := make([]map[string]any, 0, len(rq.s.schema.Objects))
	for i := range rq.s.schema.Objects {
		objs = append(objs, rq.basicInfo(&rq.s.schema.Objects[i]))
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i]["name"].(string) < objs[j]["name"].(string) })
	rq.json(http.StatusOK, map[string]any{"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": objs})
}

// handleDescribe serves GET /sobjects/{Object}/describe.
func (rq *request) handleDescribe(o *routemap.ObjectInfo) {
	if rq.r.Method != http.MethodGet {
		rq.fail(methodNotAllowed(rq.r, "GET", "HEAD"))
		return
	}
	out := rq.basicInfo(o)
	create, update, _ := rq.objectPerms(o)
	var fields []map[string]any
	for _, f := range o.FieldsAt(rq.v) {
		fields = append(fields, describeField(f, create, update))
	}
	out["fields"] = fields
	out["childRelationships"] = []any{}
	out["recordTypeInfos"] = []any{}
	out["supportedScopes"] = []any{}
	out["actionOverrides"] = []any{}
	out["namedLayoutInfos"] = []any{}
	out["compactLayoutable"] = false
	out["listviewable"] = nil
	out["lookupLayoutable"] = nil
	out["searchLayoutable"] = false
	out["networkScopeFieldName"] = nil
	out["defaultImplementation"] = nil
	out["extendedBy"] = nil
	out["extendsInterfaces"] = nil
	out["implementedBy"] = nil
	out["implementsInterfaces"] = nil
	out["sobjectDescribeOption"] = "FULL"
	rq.json(http.StatusOK, out)
}

func describeField(f routemap.FieldInfo, canCreate, canUpdate bool) map[string]any {
	length, byteLength := f.Length, f.Length*3
	switch f.Type {
	case routemap.TypeBoolean, routemap.TypeDateTime:
		length, byteLength = 0, 0
	}
	refTo := f.ReferenceTo
	if refTo == nil {
		refTo = []string{}
	}
	var rel any
	if f.RelationshipName != "" {
		rel = f.RelationshipName
	}
	picklist := []map[string]any{}
	if f.Name == routemap.FieldLanguage {
		for _, l := range routemap.Languages() {
			picklist = append(picklist, map[string]any{"active": true, "defaultValue": l == routemap.DefaultLanguage, "label": l, "validFor": nil, "value": l})
		}
	}
	var def any
	if f.Type == routemap.TypeBoolean {
		def = false
	}
	return map[string]any{
		"aggregatable":             f.Type != routemap.TypeBoolean,
		"aiPredictionField":        false,
		"autoNumber":               false,
		"byteLength":               byteLength,
		"calculated":               false,
		"calculatedFormula":        nil,
		"cascadeDelete":            false,
		"caseSensitive":            f.CaseSensitive,
		"compoundFieldName":        nil,
		"controllerName":           nil,
		"createable":               f.Createable && canCreate,
		"custom":                   false,
		"defaultValue":             def,
		"defaultValueFormula":      nil,
		"defaultedOnCreate":        f.DefaultedOnCreate,
		"dependentPicklist":        false,
		"deprecatedAndHidden":      false,
		"digits":                   0,
		"displayLocationInDecimal": false,
		"encrypted":                false,
		"externalId":               f.ExternalID,
		"extraTypeInfo":            nil,
		"filterable":               f.Filterable,
		"filteredLookupInfo":       nil,
		"groupable":                f.Groupable,
		"highScaleNumber":          false,
		"htmlFormatted":            false,
		"idLookup":                 f.IDLookup,
		"inlineHelpText":           nil,
		"label":                    f.Label,
		"length":                   length,
		"mask":                     nil,
		"maskType":                 nil,
		"name":                     f.Name,
		"nameField":                false,
		"namePointing":             len(f.ReferenceTo) > 1,
		"nillable":                 f.Nillable,
		"permissionable":           f.Nillable && f.Createable,
		"picklistValues":           picklist,
		"polymorphicForeignKey":    len(f.ReferenceTo) > 1,
		"precision":                0,
		"queryByDistance":          false,
		"referenceTargetField":     nil,
		"referenceTo":              refTo,
		"relationshipName":         rel,
		"relationshipOrder":        nil,
		"restrictedDelete":         false,
		"restrictedPicklist":       f.RestrictedPicklist,
		"scale":                    0,
		"searchPrefilterable":      false,
		"soapType":                 soapTypes[f.Type],
		"sortable":                 f.Sortable,
		"type":                     f.Type,
		"unique":                   f.Unique,
		"updateable":               f.Updateable && canUpdate,
		"writeRequiresMasterRead":  false,
	}
}
