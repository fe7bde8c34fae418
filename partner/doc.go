// Package partner implements routemap.Directory for telephony that is not
// reached through the AWS SDK:
//
//   - Directory speaks routemap's partner contract, a small HTTP+JSON API a
//     partner telephony provider (or a script in front of one) serves:
//     GET {base}/agents?page_size=N&page_token=T with a bearer token,
//     answering {"agents":[…],"next_page_token":"…"}. docs/telephony.md
//     specifies it; Directory pages through it with timeouts, size limits
//     and retries with backoff on 429 and 5xx answers.
//   - File reads agents from a file for offline use: a CSV with the
//     columns id, username, first_name, last_name, email, a CSV exported
//     from Amazon Connect (Arn, Id, Username, and optionally a quick
//     connect column), or the JSON that `aws connect list-users` or the
//     partner contract print. A file with ARNs is an Amazon Connect
//     directory.
//
// It is an adapter: cmd/routemap builds one from flags and hands it to the
// consumers, which see only routemap.Directory. Errors are *routemap.Error
// with a message that names the URL or file and what was wrong, and a
// Reason a caller can branch on (ReasonTimeout, ReasonUnreachable, …).
package partner
