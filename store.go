package routemap

import (
	"context"
	"io"
	"time"

	"routemap/sfid"
)

// Store keeps orgs, users, contact centers, groups, OAuth clients,
// sessions and routing maps. Every method that reads or writes org data
// takes the org and never sees another org's records: an id from another
// org is ENOTFOUND. Implementations: sqlite (and, later, postgres); both
// must pass storetest.
//
// Rules that need stored data are enforced here, as *Error values whose
// Reason names the rule (see the Reason constants). Rules about a record
// alone (Draft.Check) are the caller's job, before the write.
type Store interface {
	// CreateOrg stores a new org and sets its ID and CreatedDate.
	CreateOrg(ctx context.Context, org *Org) error
	// FindOrg returns an org. ENOTFOUND.
	FindOrg(ctx context.Context, id sfid.ID) (*Org, error)

	// CreateUsers stores several users in one transaction, as CreateUser
	// would one by one; on any error none is stored.
	CreateUsers(ctx context.Context, users []*User) error
	// CreateUser stores a new user and sets its ID and dates. ECONFLICT
	// (ReasonDuplicateUsername) when the username is taken in any org;
	// EINVALID (ReasonReferenceNotFound) when CallCenterID is not a
	// contact center of the org.
	CreateUser(ctx context.Context, u *User) error
	// FindUser returns a user of the org. ENOTFOUND.
	FindUser(ctx context.Context, org, id sfid.ID) (*User, error)
	// FindUserByUsername looks a user up across orgs, for login. ENOTFOUND.
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	// UpdateUser applies upd and returns the user as stored. ENOTFOUND;
	// EINVALID (ReasonReferenceNotFound) for an unknown contact center.
	UpdateUser(ctx context.Context, org, id sfid.ID, upd UserUpdate) (*User, error)
	// ListUsers returns the org's users in a contact center (all users
	// when center is zero), ordered by id.
	ListUsers(ctx context.Context, org, center sfid.ID) ([]*User, error)

	// CreateCallCenter stores a new contact center. ECONFLICT
	// (ReasonDuplicateValue) when InternalName is taken in the org.
	CreateCallCenter(ctx context.Context, cc *CallCenter) error
	// FindCallCenter returns a contact center of the org. ENOTFOUND.
	FindCallCenter(ctx context.Context, org, id sfid.ID) (*CallCenter, error)
	// ListCallCenters returns the org's contact centers ordered by id.
	ListCallCenters(ctx context.Context, org sfid.ID) ([]*CallCenter, error)

	// CreateGroup stores a new group or queue.
	CreateGroup(ctx context.Context, g *Group) error
	// FindGroup returns a group of the org. ENOTFOUND.
	FindGroup(ctx context.Context, org, id sfid.ID) (*Group, error)

	// CreateConnectedApp stores an OAuth client. ECONFLICT when the
	// client id is taken.
	CreateConnectedApp(ctx context.Context, app *ConnectedApp) error
	// FindConnectedAppByClientID looks an app up by consumer key. ENOTFOUND.
	FindConnectedAppByClientID(ctx context.Context, clientID string) (*ConnectedApp, error)

	// CreateSession stores an issued token's hash.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns the session with that token hash, expired or
	// not; the caller checks ExpiresAt. ENOTFOUND.
	FindSession(ctx context.Context, tokenHash string) (*Session, error)
	// DeleteSession revokes a token. Deleting an unknown hash is not an error.
	DeleteSession(ctx context.Context, tokenHash string) error

	// FindRoutingMap returns a routing map of the org. ENOTFOUND, also
	// for deleted maps unless includeDeleted.
	FindRoutingMap(ctx context.Context, org, id sfid.ID, includeDeleted bool) (*RoutingMap, error)
	// ApplyRoutingMaps performs ops in order, in one transaction, as
	// actor. Each result holds the op's outcome. With allOrNone, the first
	// failure rolls every op back and the other results carry
	// ReasonRolledBack. The error is for faults of the store itself, never
	// for a rejected op. See RoutingMapOp for what each kind checks.
	ApplyRoutingMaps(ctx context.Context, org, actor sfid.ID, ops []RoutingMapOp, allOrNone bool) ([]OpResult, error)

	// Query runs a resolved SOQL query for the org and returns at most
	// pageSize records starting at the query's offset plus skip.
	// Errors: EINVALID for an object the store does not hold.
	Query(ctx context.Context, org sfid.ID, q *Query, skip, pageSize int) (*QueryResult, error)

	// CreateJob stores a new Bulk API 2.0 ingest job and sets its ID,
	// dates and Open state.
	CreateJob(ctx context.Context, job *Job) error
	// FindJob returns a job of the org. ENOTFOUND.
	FindJob(ctx context.Context, org, id sfid.ID) (*Job, error)
	// ListJobs returns the org's jobs, newest first.
	ListJobs(ctx context.Context, org sfid.ID) ([]*Job, error)
	// SetJobState moves a job from one of the states in from to state to,
	// recording msg as its error message (empty keeps none). ENOTFOUND;
	// ECONFLICT (ReasonJobState) when the job is in another state.
	SetJobState(ctx context.Context, org, id sfid.ID, from []JobState, to JobState, msg string) (*Job, error)
	// PutJobData stores the job's data read from r, at most limit bytes,
	// and returns its size. The job must be Open and hold no data
	// (ECONFLICT, ReasonJobState); more than limit bytes is ELIMIT.
	// The data is durable when PutJobData returns, and a failed or
	// interrupted upload leaves none behind.
	PutJobData(ctx context.Context, org, id sfid.ID, r io.Reader, limit int64) (int64, error)
	// JobData streams the job's data. ENOTFOUND.
	JobData(ctx context.Context, org, id sfid.ID) (io.ReadCloser, error)
	// ApplyJobChunk applies chunk number index of a job as actor, in one
	// transaction with the rows' results and the job's counters, and moves
	// ChunksDone past it. A chunk other than the job's next one, or of a job
	// not InProgress, is refused (ECONFLICT, ReasonJobState) and changes
	// nothing, so that no row is applied twice. The job's
	// TotalProcessingTime grows by prep (the time the caller spent
	// preparing the chunk, not counting what overlapped earlier chunks)
	// plus the time the transaction took.
	ApplyJobChunk(ctx context.Context, org, actor, id sfid.ID, index int, rows []JobRow, prep time.Duration) error
	// JobResults calls fn with the job's results in row order, the
	// successful ones or the failed ones.
	JobResults(ctx context.Context, org, id sfid.ID, failed bool, fn func(JobResult) error) error
	// DeleteJob removes a job with its data and results. ENOTFOUND.
	DeleteJob(ctx context.Context, org, id sfid.ID) error
	// ActiveJobs returns the jobs of every org that are UploadComplete or
	// InProgress, oldest first: the work a restarted server resumes.
	ActiveJobs(ctx context.Context) ([]*Job, error)

	// Close releases the store.
	Close() error
}

// OpKind says what a RoutingMapOp does.
type OpKind int

// Kinds of routing-map writes.
const (
	// OpCreate inserts Map (its ID must be zero) and returns the new id.
	OpCreate OpKind = iota + 1
	// OpUpdate changes the Fields of the map with Map.ID; other fields
	// keep their stored values.
	OpUpdate
	// OpDelete marks the map with Map.ID deleted.
	OpDelete
)

// RoutingMapOp is one write. Creates and updates are checked against the
// org's data, after the merge of stored and new values for updates:
//   - the contact center exists in the org (ReasonReferenceNotFound);
//   - the referenced user or group exists in the org
//     (ReasonReferenceNotFound), and a user is a member of that contact
//     center (ReasonNotMember);
//   - DeveloperName is unique in the org, ignoring case
//     (ReasonDuplicateDeveloperName);
//   - one map per user and contact center (ReasonDuplicateUser);
//   - one map per ExternalId and contact center (ReasonDuplicateExternalID).
//
// Updates and deletes of an unknown or deleted id are ENOTFOUND (deleted:
// ReasonDeleted).
type RoutingMapOp struct {
	Kind OpKind
	Map  RoutingMap
	// Fields names the fields an update sets (API names); ignored otherwise.
	Fields []string
}

// OpResult is the outcome of one RoutingMapOp.
type OpResult struct {
	ID      sfid.ID
	Created bool
	Err     error // an *Error, or nil
}

// Choices every Store makes the same way (storetest pins them):
//   - usernames, InternalNames and DeveloperNames compare ignoring case;
//     ExternalId and OAuth client ids compare exactly;
//   - one map per user and contact center applies to users, not queues;
//   - a failed create returns no id; a failed update or delete returns the
//     op's id;
//   - creating a record with its ID already set is EINVALID, and one for an
//     unknown org ENOTFOUND;
//   - another org's deleted map is a plain ENOTFOUND, so nothing leaks;
//   - in queries, !=, NOT and NOT IN match null fields; <, >, LIKE do not;
//     a backslash in a LIKE pattern escapes %, _ and itself; pageSize <= 0
//     means no page limit;
//   - Close may be called twice.

// Reasons carried by store errors, which the HTTP edge turns into
// Salesforce errorCode values.
const (
	ReasonReferenceNotFound      = "reference_not_found"
	ReasonNotMember              = "not_member"
	ReasonDuplicateDeveloperName = "duplicate_developer_name"
	ReasonDuplicateUser          = "duplicate_user"
	ReasonDuplicateExternalID    = "duplicate_external_id"
	ReasonDuplicateUsername      = "duplicate_username"
	ReasonDuplicateValue         = "duplicate_value"
	ReasonDeleted                = "deleted"
	ReasonRolledBack             = "rolled_back"
	ReasonJobState               = "job_state"
)
