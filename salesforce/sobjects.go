package salesforce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"routemap"
	"routemap/sfid"
)

// Version is one REST API version the org serves.
type Version struct {
	Label   string `json:"label"`   // the release, e.g. "Winter '25"
	URL     string `json:"url"`     // e.g. "/services/data/v62.0"
	Version string `json:"version"` // e.g. "62.0"
}

// Versions lists the API versions the org serves, oldest first as
// Salesforce lists them (GET /services/data/).
func (c *Client) Versions(ctx context.Context) ([]Version, error) {
	var out []Version
	err := c.doJSON(ctx, &call{method: http.MethodGet, url: "/services/data/"}, &out)
	return out, err
}

// Identity is who the session acts as, from /services/oauth2/userinfo.
type Identity struct {
	OrgID    sfid.ID
	UserID   sfid.ID
	Username string
	Name     string
	Email    string
	Active   bool
}

// Identity returns the session's org, user and username. Errors:
// EUNAUTHORIZED.
func (c *Client) Identity(ctx context.Context) (*Identity, error) {
	var raw struct {
		UserID            string `json:"user_id"`
		OrganizationID    string `json:"organization_id"`
		PreferredUsername string `json:"preferred_username"`
		Username          string `json:"username"`
		Name              string `json:"name"`
		Email             string `json:"email"`
		Active            *bool  `json:"active"`
	}
	if err := c.doJSON(ctx, &call{method: http.MethodGet, url: "/services/oauth2/userinfo"}, &raw); err != nil {
		return nil, err
	}
	id := &Identity{Username: raw.PreferredUsername, Name: raw.Name, Email: raw.Email, Active: raw.Active == nil || *raw.Active}
	if id.Username == "" {
		id.Username = raw.Username
	}
	var err error
	if id.OrgID, err = sfid.Parse(raw.OrganizationID); err != nil {
		return nil, fmt.Errorf("userinfo: organization_id: %w", routemap.Errorf(routemap.EINTERNAL, "%v", err))
	}
	if id.UserID, err = sfid.Parse(raw.UserID); err != nil {
		return nil, fmt.Errorf("userinfo: user_id: %w", routemap.Errorf(routemap.EINTERNAL, "%v", err))
	}
	return id, nil
}

// OrgID returns the org's 18-character id: from the token response when
// it had one, else from Identity.
func (c *Client) OrgID(ctx context.Context) (sfid.ID, error) {
	tok, err := c.auth.Token(ctx)
	if err != nil {
		return "", err
	}
	if tok.OrgID != "" {
		return tok.OrgID, nil
	}
	id, err := c.Identity(ctx)
	if err != nil {
		return "", err
	}
	return id.OrgID, nil
}

var objectNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,79}$`)

// checkObject refuses a name that is not an sObject API name, so that it
// cannot change the path it is put in.
func checkObject(object string) error {
	if !objectNameRE.MatchString(object) {
		return &routemap.Error{Code: routemap.EINVALID, Reason: "INVALID_TYPE", Message: fmt.Sprintf("%q is not an sObject name", object)}
	}
	return nil
}

// parseID checks a record id, returning its 18-character form.
func parseID(id string) (sfid.ID, error) {
	p, err := sfid.Parse(id)
	if err != nil {
		return "", &routemap.Error{Code: routemap.EINVALID, Reason: "MALFORMED_ID", Message: err.Error(), Fields: []string{"Id"}}
	}
	return p, nil
}

// saveResult is the answer to a create, and each element of an sObject
// Collections answer.
type saveResult struct {
	ID      *string    `json:"id"`
	Success bool       `json:"success"`
	Created *bool      `json:"created"`
	Errors  []apiError `json:"errors"`
}

// Create inserts a record and returns its id. fields maps field API names
// to values (string, bool, number or nil); Id and attributes are not
// allowed. Errors: EINVALID (REQUIRED_FIELD_MISSING, INVALID_FIELD,
// FIELD_INTEGRITY_EXCEPTION, …), ECONFLICT (DUPLICATE_VALUE), EFORBIDDEN,
// EUNAUTHORIZED, ELIMIT; Reason holds Salesforce's errorCode.
func (c *Client) Create(ctx context.Context, object string, fields map[string]any) (string, error) {
	if err := checkObject(object); err != nil {
		return "", err
	}
	cl, err := jsonCall(http.MethodPost, c.dataPath("sobjects", object), fields, retryRefused)
	if err != nil {
		return "", err
	}
	var res saveResult
	if err := c.doJSON(ctx, cl, &res); err != nil {
		return "", fmt.Errorf("create %s: %w", object, err)
	}
	if !res.Success || res.ID == nil {
		e := fromAPIErrors(res.Errors, 0)
		if e == nil {
			e = routemap.Errorf(routemap.EINTERNAL, "the create answer has no id")
		}
		return "", fmt.Errorf("create %s: %w", object, e)
	}
	return *res.ID, nil
}

// Retrieve reads one record, with the given fields or, when none are
// given, every field. Errors: ENOTFOUND (NOT_FOUND), EINVALID
// (INVALID_FIELD, MALFORMED_ID), EFORBIDDEN, EUNAUTHORIZED.
func (c *Client) Retrieve(ctx context.Context, object, id string, fields ...string) (Record, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	rid, err := parseID(id)
	if err != nil {
		return nil, fmt.Errorf("retrieve %s: %w", object, err)
	}
	cl := &call{method: http.MethodGet, url: c.dataPath("sobjects", object, string(rid))}
	if len(fields) > 0 {
		cl.query = url.Values{"fields": {strings.Join(fields, ",")}}
	}
	var rec Record
	if err := c.doJSON(ctx, cl, &rec); err != nil {
		return nil, fmt.Errorf("retrieve %s %s: %w", object, rid, err)
	}
	return rec, nil
}

// withoutID copies fields without Id and attributes, which Salesforce
// refuses in a record body (the id goes in the path).
func withoutID(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		if strings.EqualFold(k, "Id") || k == "attributes" {
			continue
		}
		out[k] = v
	}
	return out
}

// Update sets the given fields of a record; a nil value clears a field.
// An Id key in fields is ignored. Errors: those of Create, and ENOTFOUND.
func (c *Client) Update(ctx context.Context, object, id string, fields map[string]any) error {
	if err := checkObject(object); err != nil {
		return err
	}
	rid, err := parseID(id)
	if err != nil {
		return fmt.Errorf("update %s: %w", object, err)
	}
	cl, err := jsonCall(http.MethodPatch, c.dataPath("sobjects", object, string(rid)), withoutID(fields), retrySafe)
	if err != nil {
		return err
	}
	if err := c.doJSON(ctx, cl, nil); err != nil {
		return fmt.Errorf("update %s %s: %w", object, rid, err)
	}
	return nil
}

// Delete deletes a record. Errors: ENOTFOUND (NOT_FOUND,
// ENTITY_IS_DELETED), EFORBIDDEN, EUNAUTHORIZED.
func (c *Client) Delete(ctx context.Context, object, id string) error {
	if err := checkObject(object); err != nil {
		return err
	}
	rid, err := parseID(id)
	if err != nil {
		return fmt.Errorf("delete %s: %w", object, err)
	}
	if err := c.doJSON(ctx, &call{method: http.MethodDelete, url: c.dataPath("sobjects", object, string(rid))}, nil); err != nil {
		return fmt.Errorf("delete %s %s: %w", object, rid, err)
	}
	return nil
}
