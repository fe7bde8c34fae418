#!/usr/bin/env bash
# Runs the compatibility suite: builds routemap, starts a fresh demo server,
# runs the jsforce and sf CLI tests against it, stops the server.
#
#   compat/run.sh                          # every *.test.mjs
#   compat/run.sh compat/sf-cli.test.mjs   # some files
#
# Environment:
#   ROUTEMAP_COMPAT_KEEP=1   keep the work directory (binary, data, server log)
#   ROUTEMAP_SERVER_TIMEOUT  seconds to wait for /healthz (default 30)
#   ROUTEMAP_DEMO_USERS      demo reps to ask for when the server has --demo-users (default 2200)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

if [[ ! -d "$HERE/node_modules" ]]; then
  echo "compat: node_modules missing, running npm ci" >&2
  (cd "$HERE" && npm ci --no-audit --no-fund)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/routemap-compat.XXXXXX")"
SERVER_PID=""
TESTS_PID=""

cleanup() {
  local status=$?
  if [[ -n "$TESTS_PID" ]] && kill -0 "$TESTS_PID" 2>/dev/null; then
    # The test runner and its per-file processes form their own process group.
    kill -TERM -- "-$TESTS_PID" 2>/dev/null || kill -TERM "$TESTS_PID" 2>/dev/null || true
    wait "$TESTS_PID" 2>/dev/null || true
  fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "compat: server $SERVER_PID ignored SIGTERM; killing it" >&2
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "${ROUTEMAP_COMPAT_KEEP:-}" == 1 ]]; then
    echo "compat: kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BIN="$WORK/routemap"
DATA="$WORK/data"
LOG="$WORK/server.log"
mkdir -p "$DATA" "$WORK/home" "$WORK/claims" "$WORK/tmp"

echo "compat: building routemap" >&2
(cd "$ROOT" && go build -o "$BIN" ./cmd/routemap)

# serve_has_flag reports whether `routemap serve --help` mentions a flag. The
# help command gets 5 seconds, in case a build ignores --help and serves.
serve_has_flag() {
  local out="$WORK/serve-help.txt" pid
  "$BIN" serve --help >"$out" 2>&1 </dev/null &
  pid=$!
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  grep -q -- "$1" "$out"
}

serve_args=(serve --demo --addr 127.0.0.1:0 --data "$DATA")
# The paging test wants more than 2,000 free demo reps. --demo-users is not
# part of the server contract, so use it only when this build has it.
if serve_has_flag --demo-users; then
  serve_args+=(--demo-users "${ROUTEMAP_DEMO_USERS:-2200}")
fi
echo "compat: starting $BIN ${serve_args[*]}" >&2
: >"$LOG"
"$BIN" "${serve_args[@]}" >>"$LOG" 2>&1 &
SERVER_PID=$!

healthy() {
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "$1/healthz"
}

URL=""
deadline=$((SECONDS + ${ROUTEMAP_SERVER_TIMEOUT:-30}))
while :; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "compat: the server exited before it was ready; its log:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  if [[ -z "$URL" ]]; then
    URL="$(sed -n 's/.*routemap: listening on \(http:\/\/[^[:space:]]*\).*/\1/p' "$LOG" | head -n 1 || true)"
  fi
  if [[ -n "$URL" && -s "$DATA/demo-credentials.json" ]] && healthy "$URL"; then
    break
  fi
  if ((SECONDS >= deadline)); then
    echo "compat: the server was not ready after ${ROUTEMAP_SERVER_TIMEOUT:-30}s; its log:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.2
done
echo "compat: server $SERVER_PID ready at $URL" >&2

export ROUTEMAP_CREDENTIALS="$DATA/demo-credentials.json"
export ROUTEMAP_BIN="$BIN"
export ROUTEMAP_URL="$URL"
export ROUTEMAP_COMPAT_CLAIMS="$WORK/claims"
export ROUTEMAP_COMPAT_TMP="$WORK/tmp"
# The sf CLI (and anything else) must not touch the real home directory.
# Set only now: go build and npm ci above use the real caches.
export HOME="$WORK/home"
export SF_DISABLE_TELEMETRY=true SFDX_DISABLE_TELEMETRY=true
export SF_AUTOUPDATE_DISABLE=true SF_DISABLE_AUTOUPDATE=true
export SFDX_DISABLE_DNS_CHECK=true SF_DISABLE_DNS_CHECK=true
export SF_SKIP_NEW_VERSION_CHECK=true SF_USE_GENERIC_UNIX_KEYCHAIN=true

# Arguments that name existing files (from the caller's directory) become
# absolute; others are test files relative to compat/ or node --test options.
files=()
for arg in "$@"; do
  if [[ -f "$arg" ]]; then
    files+=("$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")")
  else
    files+=("$arg")
  fi
done
cd "$HERE"
if ((${#files[@]} == 0)); then
  files=(*.test.mjs)
fi

status=0
# One file at a time: the files share one server and its demo reps. In the
# background and in its own process group (set -m), so that a signal to this
# script runs the trap at once and the trap can stop every test process.
set -m
node --test --test-concurrency=1 --test-reporter=spec "${files[@]}" &
TESTS_PID=$!
set +m
wait "$TESTS_PID" || status=$?
TESTS_PID=""
if ((status != 0)) && [[ "${ROUTEMAP_COMPAT_KEEP:-}" != 1 ]]; then
  echo "compat: tests failed; rerun with ROUTEMAP_COMPAT_KEEP=1 to keep the server log and data" >&2
fi
exit "$status"
