package salesforce

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"routemap"
	"routemap/sfid"
)

// RoutingMapFields returns the writable fields of m as Create and
// CreateMany take them. QuickConnect and Language are left out when empty
// (Salesforce then stores null and the org's language); to clear
// QuickConnect in an update, set it to nil in the map yourself.
func RoutingMapFields(m *routemap.RoutingMap) map[string]any {
	f := map[string]any{
		routemap.FieldExternalID:        m.ExternalID,
		routemap.FieldReferenceRecordID: string(m.ReferenceRecordID),
		routemap.FieldCallCenterID:      string(m.CallCenterID),
		routemap.FieldDeveloperName:     m.DeveloperName,
		routemap.FieldMasterLabel:       m.MasterLabel,
	}
	if m.QuickConnect != "" {
		f[routemap.FieldQuickConnect] = m.QuickConnect
	}
	if m.Language != "" {
		f[routemap.FieldLanguage] = m.Language
	}
	return f
}

// routingMapFields lists the fields RoutingMaps selects; QuickConnect
// exists from API version 56.0.
func (c *Client) routingMapFields() []string {
	f := []string{routemap.FieldID, routemap.FieldDeveloperName, routemap.FieldMasterLabel, routemap.FieldExternalID,
		routemap.FieldReferenceRecordID, routemap.FieldCallCenterID}
	if c.apiVersionAtLeast(56) {
		f = append(f, routemap.FieldQuickConnect)
	}
	return append(f, routemap.FieldLanguage)
}

// RoutingMaps calls fn with every CallCenterRoutingMap of the contact
// center centerID, or of every contact center when centerID is zero,
// including queue and group maps (see RoutingMap.IsUserMap). With an API
// version below 56.0 QuickConnect is not read and stays empty. Errors:
// those of Query (EINVALID INVALID_TYPE when the user lacks access to the
// object), EINTERNAL for a record with a malformed id, and fn's.
func (c *Client) RoutingMaps(ctx context.Context, centerID sfid.ID, fn func(routemap.RoutingMap) error) error {
	q := "SELECT " + strings.Join(c.routingMapFields(), ", ") + " FROM " + routemap.ObjectRoutingMap
	if !centerID.IsZero() {
		q += " WHERE CallCenterId = " + QuoteString(string(centerID))
	}
	return c.Query(ctx, q, func(rec Record) error {
		m, err := routingMapOf(rec)
		if err != nil {
			return err
		}
		return fn(m)
	})
}

// NamedLookupSize is the most DeveloperNames RoutingMapsNamed puts in one
// query. At 80 characters each (the longest a DeveloperName may be),
// quoted and URL-encoded, a query stays under 10,000 characters of URL,
// well inside the 16,384 a Salesforce GET accepts.
const NamedLookupSize = 100

// RoutingMapsNamed calls fn with the maps of contact center centerID whose
// DeveloperName is one of names (compared ignoring case, as Salesforce
// compares text in SOQL), reading them NamedLookupSize names a query. It
// is the cheap way to look up a few maps in an org that holds many;
// RoutingMaps reads them all. Errors: those of RoutingMaps.
func (c *Client) RoutingMapsNamed(ctx context.Context, centerID sfid.ID, names []string, fn func(routemap.RoutingMap) error) error {
	sel := "SELECT " + strings.Join(c.routingMapFields(), ", ") + " FROM " + routemap.ObjectRoutingMap + " WHERE "
	if !centerID.IsZero() {
		sel += "CallCenterId = " + QuoteString(string(centerID)) + " AND "
	}
	for len(names) > 0 {
		n := min(len(names), NamedLookupSize)
		var b strings.Builder
		b.WriteString(sel)
		b.WriteString("DeveloperName IN (")
		for i, name := range names[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(QuoteString(name))
		}
		b.WriteByte(')')
		names = names[n:]
		err := c.Query(ctx, b.String(), func(rec Record) error {
			m, err := routingMapOf(rec)
			if err != nil {
				return err
			}
			return fn(m)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// CountRoutingMaps returns how many maps contact center centerID holds
// (every contact center when zero), with one SELECT COUNT() query.
// Errors: those of Count.
func (c *Client) CountRoutingMaps(ctx context.Context, centerID sfid.ID) (int, error) {
	q := "SELECT COUNT() FROM " + routemap.ObjectRoutingMap
	if !centerID.IsZero() {
		q += " WHERE CallCenterId = " + QuoteString(string(centerID))
	}
	return c.Count(ctx, q)
}

// routingMapOf converts a queried record.
func routingMapOf(rec Record) (routemap.RoutingMap, error) {
	m := routemap.RoutingMap{
		ExternalID:    rec.String(routemap.FieldExternalID),
		DeveloperName: rec.String(routemap.FieldDeveloperName),
		QuickConnect:  rec.String(routemap.FieldQuickConnect),
		MasterLabel:   rec.String(routemap.FieldMasterLabel),
		Language:      rec.String(routemap.FieldLanguage),
	}
	var err error
	if m.ID, err = recordID(rec, routemap.FieldID, false); err != nil {
		return m, err
	}
	if m.ReferenceRecordID, err = recordID(rec, routemap.FieldReferenceRecordID, true); err != nil {
		return m, err
	}
	if m.CallCenterID, err = recordID(rec, routemap.FieldCallCenterID, true); err != nil {
		return m, err
	}
	return m, nil
}

// recordID reads an id field of a queried record; an empty value is
// allowed when optional.
func recordID(rec Record, field string, optional bool) (sfid.ID, error) {
	s := rec.String(field)
	if s == "" && optional {
		return "", nil
	}
	id, err := sfid.Parse(s)
	if err != nil {
		return "", &routemap.Error{Code: routemap.EINTERNAL, Reason: "MALFORMED_ID", Fields: []string{field},
			Message: fmt.Sprintf("the server returned a %s record whose %s is malformed: %v", rec.Type(), field, err)}
	}
	return id, nil
}

// Members calls fn with every user in the contact center centerID
// (User.CallCenterId), or with every user in any contact center when
// centerID is zero. OrgID is set when the session names the org;
// Permissions and PasswordHash stay empty. Errors: those of Query and fn.
func (c *Client) Members(ctx context.Context, centerID sfid.ID, fn func(routemap.User) error) error {
	q := "SELECT Id, Username, Alias, Email, FirstName, LastName, IsActive, CallCenterId FROM User WHERE CallCenterId "
	if centerID.IsZero() {
		q += "!= null"
	} else {
		q += "= " + QuoteString(string(centerID))
	}
	var org sfid.ID
	if tok, err := c.auth.Token(ctx); err == nil {
		org = tok.OrgID
	}
	return c.Query(ctx, q, func(rec Record) error {
		u := routemap.User{
			OrgID:     org,
			Username:  rec.String("Username"),
			Alias:     rec.String("Alias"),
			Email:     rec.String("Email"),
			FirstName: rec.String("FirstName"),
			LastName:  rec.String("LastName"),
			IsActive:  rec.Bool("IsActive"),
		}
		var err error
		if u.ID, err = recordID(rec, "Id", false); err != nil {
			return err
		}
		if u.CallCenterID, err = recordID(rec, "CallCenterId", true); err != nil {
			return err
		}
		return fn(u)
	})
}

// CallCenter reads a contact center. Against routemap serve it also reads
// routemap's telephony settings (the routemap__…__c extension fields);
// against an org without them (any real org) it reads Id, Name and
// InternalName only, after one refused query. Errors: ENOTFOUND when the
// org has no such contact center, EINVALID for a malformed id, and those
// of Query.
func (c *Client) CallCenter(ctx context.Context, id sfid.ID) (*routemap.CallCenter, error) {
	if _, err := sfid.Parse(string(id)); err != nil {
		return nil, &routemap.Error{Code: routemap.EINVALID, Reason: "MALFORMED_ID", Message: err.Error()}
	}
	standard := []string{"Id", "Name", "InternalName"}
	extended := append(standard[:3:3], routemap.FieldCallCenterProvider, routemap.FieldCallCenterConnectInstance, routemap.FieldCallCenterUsernameTemplate)
	var found *routemap.CallCenter
	run := func(fields []string) error {
		q := "SELECT " + strings.Join(fields, ", ") + " FROM CallCenter WHERE Id = " + QuoteString(string(id))
		return c.Query(ctx, q, func(rec Record) error {
			cc := &routemap.CallCenter{
				Name:               rec.String("Name"),
				InternalName:       rec.String("InternalName"),
				ConnectInstanceARN: rec.String(routemap.FieldCallCenterConnectInstance),
				UsernameTemplate:   rec.String(routemap.FieldCallCenterUsernameTemplate),
			}
			if p, err := routemap.ParseProvider(rec.String(routemap.FieldCallCenterProvider)); err == nil {
				cc.Provider = p
			}
			var err error
			if cc.ID, err = recordID(rec, "Id", false); err != nil {
				return err
			}
			found = cc
			return nil
		})
	}
	err := run(extended)
	var e *routemap.Error
	if err != nil && errors.As(err, &e) && e.Reason == "INVALID_FIELD" {
		err = run(standard)
	}
	if err != nil {
		return nil, fmt.Errorf("call center %s: %w", id, err)
	}
	if found == nil {
		return nil, &routemap.Error{Code: routemap.ENOTFOUND, Reason: "NOT_FOUND", Message: fmt.Sprintf("no contact center %s in the org", id)}
	}
	if tok, err := c.auth.Token(ctx); err == nil {
		found.OrgID = tok.OrgID
	}
	return found, nil
}
