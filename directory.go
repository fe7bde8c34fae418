package routemap

import "context"

// Agent is a user of the telephony system: an Amazon Connect user or a
// partner telephony user.
type Agent struct {
	// ID is the provider's id: the Amazon Connect user id (a UUID), or the
	// partner's id.
	ID string `json:"id"`
	// ARN is the agent's ARN (Amazon Connect only); a routing map's
	// ExternalId for Amazon Connect.
	ARN string `json:"arn,omitempty"`
	// Username is the login name: for SSO with Salesforce it follows the
	// contact center's username template; a partner routing map's
	// ExternalId.
	Username  string `json:"username"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Email     string `json:"email,omitempty"`
	// QuickConnectID and QuickConnectARN name the USER quick connect that
	// targets this agent (Amazon Connect only; empty when there is none).
	QuickConnectID  string `json:"quick_connect_id,omitempty"`
	QuickConnectARN string `json:"quick_connect_arn,omitempty"`
}

// ExternalID returns what a routing map's ExternalId holds for the agent:
// the ARN where there is one, else the username.
func (a *Agent) ExternalID() string {
	if a.ARN != "" {
		return a.ARN
	}
	return a.Username
}

// DirectoryInfo says what a telephony directory is and supports.
type DirectoryInfo struct {
	Provider Provider
	// InstanceARN is the Amazon Connect instance the agents belong to.
	InstanceARN string
	// QuickConnects reports whether agents carry quick connects.
	QuickConnects bool
	// Source describes where the agents come from, for reports
	// ("Amazon Connect instance …", "agents.csv", a partner URL).
	Source string
}

// Directory lists a telephony system's agents. Implementations:
// amazonconnect (the AWS SDK), partner (the partner HTTP contract and CSV
// files of agents).
type Directory interface {
	// Info describes the directory.
	Info() DirectoryInfo
	// Agents returns every agent, with the quick connect that targets each
	// where the provider has them. Errors: EUNAUTHORIZED for refused
	// credentials, ELIMIT when throttled past retrying, EINVALID for an
	// answer that cannot be read, EINTERNAL otherwise.
	Agents(ctx context.Context) ([]Agent, error)
}
