// Package localconnect is a local Amazon Connect: an http.Handler that
// speaks the Amazon Connect REST-JSON wire protocol for instance users and
// quick connects, closely enough that the AWS SDK for Go v2
// (service/connect) and the AWS CLI work against it with nothing changed but
// the endpoint (BaseEndpoint, --endpoint-url or AWS_ENDPOINT_URL_CONNECT).
//
// It sits inside `routemap serve` as the telephony side of a demo, and in
// tests of the amazonconnect adapter as the far end of the real SDK client.
// It is not an adapter the domain uses: it implements no routemap
// interface, and only cmd/routemap and _test.go files import it.
//
// Operations: ListUsers, DescribeUser, SearchUsers, CreateUser, DeleteUser,
// ListQuickConnects, DescribeQuickConnect, CreateQuickConnect,
// UpdateQuickConnectConfig and DeleteQuickConnect. Paths, query parameters,
// JSON member names, epoch-seconds timestamps and error typing follow the
// SDK's serializers and deserializers (service/connect v1.175.2): an error
// is a status code, an X-Amzn-ErrorType header and a {"message": …} body,
// which the SDK turns into its typed errors (*types.ResourceNotFoundException
// and the rest).
//
// Every request must carry an AWS Signature Version 4 (service "connect",
// the server's region) made with an access key the server issued; the
// server checks it by signing a copy of the request with the SDK's own
// signer. A token bucket can be switched on to answer ThrottlingException,
// and Stats counts requests by operation for benchmarks.
//
// State (instances, users, quick connects, access keys) lives in memory
// behind one mutex and, when Options.StatePath is set, in a JSON file that
// is rewritten atomically after every change. The seeding methods
// (CreateInstance, IssueAccessKey, CreateUsers, CreateQuickConnects) build a
// demo or a test fixture without going through HTTP.
package localconnect
