// Package match pairs the members of a Service Cloud Voice contact center
// with the agents of its telephony system: the decision behind every row
// `routemap build` writes and every "unmapped member" `routemap audit`
// reports.
//
// It is pure: it sees only root types (routemap.User, routemap.Agent,
// sfid.ID), does no I/O and holds no state between calls. cmd/routemap
// reads members from an org or a users CSV and agents from a
// routemap.Directory, and hands both to Match.
//
// Three strategies say which agent is a member's:
//
//   - StrategySSO renders the contact center's username template (the
//     roleSessionName of the SSO connected app, by default
//     {Alias}@{UserId15}@{OrgId15}) for the member and looks for the agent
//     with that username;
//   - StrategyUsername looks for the agent whose username is the member's
//     Salesforce username;
//   - StrategyEmail looks for the agent whose email is the member's email.
//
// Usernames and emails compare ignoring letter case, as Amazon Connect
// compares usernames. Every member that is not matched gets a Reason with a
// message that names what was expected and what was found instead (an
// agent whose username uses the 18-character user id, an old alias, two
// candidates, …); every agent left over gets one too.
//
// Match indexes the agents once by folded key in an open-addressing table
// (index.go), so a run costs one table lookup per member and, on the happy
// path, no allocation per member; misses are explained afterwards, off the
// hot loop.
package match
