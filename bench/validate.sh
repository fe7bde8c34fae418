#!/usr/bin/env bash
# Measures `routemap validate` on a 1,000,000-row routing map against a bare
# encoding/csv read of the same file, in the same run. Prints medians.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
runs=${RUNS:-5}
rows=${ROWS:-1000000}
mkdir -p "$out"
go build -o "$out/routemap" ./cmd/routemap
go build -o "$out/genmap" ./bench/genmap
go build -o "$out/csvread" ./bench/csvread
file="$out/map-$rows.csv"
[ -f "$file" ] || "$out/genmap" -n "$rows" -o "$file"
echo "file: $file ($(stat -c %s "$file") bytes, $rows rows), $runs runs each, $(nproc) CPUs"

measure() { # name cmd... → appends "wall rss_kb" to $out/<name>.times
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$out/$name.one" "$@" >/dev/null
	cat "$out/$name.one" >>"$out/$name.times"
}
rm -f "$out"/*.times
for _ in $(seq "$runs"); do
	measure csvread "$out/csvread" "$file"
	measure validate "$out/routemap" validate --provider amazon-connect "$file"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
base=$(cut -d' ' -f1 "$out/csvread.times" | median)
val=$(cut -d' ' -f1 "$out/validate.times" | median)
base_rss=$(cut -d' ' -f2 "$out/csvread.times" | median)
val_rss=$(cut -d' ' -f2 "$out/validate.times" | median)
awk -v b="$base" -v v="$val" -v n="$rows" -v br="$base_rss" -v vr="$val_rss" 'BEGIN {
	printf "encoding/csv bare read : %6.2f s  %9.0f rows/s  peak RSS %4.0f MB\n", b, n/b, br/1024
	printf "routemap validate      : %6.2f s  %9.0f rows/s  peak RSS %4.0f MB\n", v, n/v, vr/1024
	printf "ratio validate/bare    : %6.2f\n", v/b
}'
echo "all runs (wall s, RSS KB):"
paste "$out/csvread.times" "$out/validate.times" | sed 's/^/  csvread|validate: /'
