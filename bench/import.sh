#!/usr/bin/env bash
# Measures `routemap import` end to end against `routemap serve` on
# loopback: 100,000 rows through Bulk API 2.0 and through sObject
# Collections (each into a fresh demo org), 2,000 rows with --api auto, and
# the storage ceiling (routing maps straight into the SQLite store). With
# BIG=1 it also streams 1,000,000 rows through Bulk (slow: the demo org
# needs a million users). ONLY=store|bulk|collections|auto|big runs one
# part. Prints wall time, rows/s and peak RSS of client and server.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
go build -o "$out/routemap" ./cmd/routemap
go build -o "$out/genmap" ./bench/genmap
go build -o "$out/storebench" ./bench/storebench
RM="$out/routemap"

server_pid=""
stop() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi; }
trap stop EXIT

# start DIR REPS: a fresh demo server; sets URL and TOKEN.
start() {
	local dir=$1 reps=$2
	rm -rf "$dir"
	local t0=$(date +%s.%N)
	"$RM" serve --demo --demo-users "$reps" --connect-addr off --addr 127.0.0.1:0 --data "$dir" --daily-request-limit 100000000 --log-level warn 2>"$dir.log" &
	server_pid=$!
	until grep -q "credentials in" "$dir.log" 2>/dev/null; do sleep 0.2; done
	echo "server: demo org with $reps reps seeded in $(echo "$(date +%s.%N) - $t0" | bc) s"
	# Restart, so the server's peak RSS is that of serving, not seeding.
	stop
	"$RM" serve --addr 127.0.0.1:0 --data "$dir" --daily-request-limit 100000000 --log-level warn 2>"$dir.log" &
	server_pid=$!
	until grep -q "listening on" "$dir.log" 2>/dev/null; do sleep 0.1; done
	URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir.log" | head -1)
	until curl -sf "$URL/healthz" >/dev/null; do sleep 0.2; done
	TOKEN=$("$RM" token --data "$dir" --username admin@demo.routemap.test --ttl 24h)
}

# run NAME FILE ARGS...: an import under /usr/bin/time, with the server's peak RSS.
run() {
	local name=$1 file=$2 rows
	shift 2
	rows=$(($(wc -l <"$file") - 1))
	SF_INSTANCE_URL=$URL SF_ACCESS_TOKEN=$TOKEN /usr/bin/time -f "%e %M" -o "$out/time.txt" \
		"$RM" import --progress none --results "$out/results-$name" "$@" "$file" >/dev/null 2>"$out/$name.log" || true
	read -r wall rss <"$out/time.txt"
	local srss=$(awk '/VmHWM/ {print $2}' /proc/$server_pid/status)
	tail -1 "$out/$name.log"
	awk -v n="$name" -v r="$rows" -v w="$wall" -v c="$rss" -v s="$srss" 'BEGIN {
		printf "%-28s %8d rows %7.2f s %9.0f rows/s   client peak RSS %4.0f MB   server peak RSS %4.0f MB\n", n, r, w, r/w, c/1024, s/1024 }'
}

# part NAME: whether to run that part.
part() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }

echo "machine: $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
if part store; then
"$out/storebench" -n 100000
fi

if part bulk; then
start "$out/org-bulk" 100000
"$out/genmap" -creds "$out/org-bulk/demo-credentials.json" -n 100000 -o "$out/demo-100k.csv"
run bulk-100k "$out/demo-100k.csv" --api bulk
stop
fi

if part collections; then
start "$out/org-coll" 100000
"$out/genmap" -creds "$out/org-coll/demo-credentials.json" -n 100000 -o "$out/demo-100k.csv"
run collections-100k "$out/demo-100k.csv" --api collections
"$out/genmap" -creds "$out/org-coll/demo-credentials.json" -n 2000 -o "$out/demo-2k.csv"
run rerun-2k-unchanged "$out/demo-2k.csv" --api auto
stop
fi

if part auto; then
start "$out/org-auto" 3000
"$out/genmap" -creds "$out/org-auto/demo-credentials.json" -n 2000 -o "$out/demo-2k.csv"
run auto-2k "$out/demo-2k.csv" --api auto
stop
fi

if [ "${BIG:-}" = 1 ] || [ "${ONLY:-}" = big ]; then
	start "$out/org-big" 1000000
	"$out/genmap" -creds "$out/org-big/demo-credentials.json" -n 1000000 -o "$out/demo-1m.csv"
	run bulk-1m "$out/demo-1m.csv" --api bulk
	stop
fi
