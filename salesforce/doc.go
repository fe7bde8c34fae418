// Package salesforce is the Salesforce REST, SOQL, sObject Collections and
// Bulk API 2.0 client. It parses Salesforce's error bodies (the REST error
// array, the per-record errors of sObject Collections and the OAuth error
// object) back into *routemap.Error, the inverse of the table in package
// http, so callers branch on routemap error codes and print Salesforce's
// own errorCode (Error.Reason) and message.
//
// It sits beside the other adapters: it imports the root package and sfid,
// and cmd/routemap uses it for import, export, build and audit against real
// orgs and against `routemap serve`, which speaks the same wire protocol.
//
// A Client is built with New and an Authenticator (StaticToken,
// ClientCredentials, JWTBearer or Password). Every call takes a context.
// The client renews the session once on 401 INVALID_SESSION_ID where the
// flow can log in again, retries throttled and unavailable answers with
// exponential backoff and full jitter (only where a retry cannot write
// twice), records the Sforce-Limit-Info header (Limits), bounds JSON
// response bodies and streams CSV in both directions.
package salesforce
