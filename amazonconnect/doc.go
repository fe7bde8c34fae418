// Package amazonconnect implements routemap.Directory on Amazon Connect
// with the AWS SDK for Go v2 (service/connect): it lists an instance's
// users (agents) and the USER quick connects that target them, the two
// ARNs a Service Cloud Voice routing map needs (ExternalId and
// QuickConnect).
//
// It is an adapter: cmd/routemap loads an aws.Config once (the standard
// credential and region chain) and passes it to NewDirectory with the
// instance ARN; reconcile and the other consumers see only the
// routemap.Directory interface.
//
// Amazon Connect's admin APIs allow about 2 requests a second per account
// and region by default, so the directory is frugal: ListUsers and
// ListQuickConnects at 1,000 a page, one DescribeQuickConnect per USER
// quick connect (the summary does not say which user it targets), cached
// between runs by quick connect id and LastModifiedTime, and never a
// DescribeUser per agent. A client-side limiter paces every HTTP request,
// retries included, and the SDK's standard retryer absorbs throttling.
//
// Errors are *routemap.Error where a caller can act on them: EUNAUTHORIZED
// for refused credentials, ELIMIT for throttling that outlasted the
// retries, ENOTFOUND for an instance that does not exist where the client
// looked, EINVALID for a bad ARN or an unreadable answer. Anything else is
// wrapped with its operation and instance.
package amazonconnect
