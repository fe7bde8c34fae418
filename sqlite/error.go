package sqlite

import (
	"errors"

	"routemap"
	"routemap/sfid"
)

// SQLite extended result codes the store branches on.
const (
	sqliteConstraintForeignKey = 787  // SQLITE_CONSTRAINT_FOREIGNKEY
	sqliteConstraintPrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	sqliteConstraintUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
)

// sqliteCode returns the SQLite (extended) result code in err's chain, or 0.
func sqliteCode(err error) int {
	var c interface{ Code() int }
	if errors.As(err, &c) {
		return c.Code()
	}
	return 0
}

// isUniqueViolation reports whether a unique index or primary key refused
// the write.
func isUniqueViolation(err error) bool {
	c := sqliteCode(err)
	return c == sqliteConstraintUnique || c == sqliteConstraintPrimaryKey
}

// Messages shaped like Salesforce's, which the HTTP edge passes on.
const (
	msgInvalidCrossReference = "invalid cross reference id"
	msgNotFound              = "The requested resource does not exist"
	msgDeleted               = "entity is deleted"
	msgRolledBack            = "Record rolled back because not all records were valid and the request was using AllOrNone header"
	msgIDSpecified           = "The Id field should not be specified in the sobject data."
	msgDuplicateUsername     = "Duplicate Username.The username already exists in this or another Salesforce organization. Usernames must be unique across all Salesforce organizations. To resolve, use a different username (it doesn't need to match the user's email address)."
)

// notFound is the ENOTFOUND answer for a record of the org that does not
// exist (or belongs to another org, which callers must not learn).
func notFound(object string, id sfid.ID) *routemap.Error {
	return &routemap.Error{Code: routemap.ENOTFOUND, Message: object + " " + string(id) + " not found", Fields: []string{"Id"}}
}

// idSpecified is the EINVALID answer for a create that names its own Id.
func idSpecified() *routemap.Error {
	return &routemap.Error{Code: routemap.EINVALID, Message: msgIDSpecified, Fields: []string{routemap.FieldID}}
}

// referenceNotFound is the answer for a reference to a record the org
// does not hold.
func referenceNotFound(field string) *routemap.Error {
	return &routemap.Error{Code: routemap.EINVALID, Reason: routemap.ReasonReferenceNotFound,
		Message: msgInvalidCrossReference, Fields: []string{field}}
}

// duplicate is the ECONFLICT answer for a unique field held by record id.
func duplicate(reason, field string, id sfid.ID, fields ...string) *routemap.Error {
	return &routemap.Error{Code: routemap.ECONFLICT, Reason: reason,
		Message: "duplicate value found: " + field + " duplicates value on record with id: " + string(id),
		Fields:  append([]string{field}, fields...)}
}
