#!/usr/bin/env bash
# Two gaff builds side by side: both run --headless at once, each under its
# own wrk with the load of bench/ingest.sh (50 connections, a 1 KB GitHub
# push), so whatever else the machine is doing slows both alike. On a shared
# machine, where bench/ingest.sh's rounds one after the other move by tens of
# percent with the neighbours, the ratio of the two is the steadier figure.
#
#   bench/ab.sh main                 # the commit main against the work tree
#   bench/ab.sh OLD_BINARY NEW_BINARY
#
# Settings (environment): ROUNDS (3), DURATION (10s), CONNS (50), THREADS (2).
# Prints req/s of each per round and NEW/OLD; at the end, each gaff's peak
# RSS, and checks that every 2xx each one answered is a stored row.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-50}
THREADS=${THREADS:-2}

W=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT

case $# in
1)
	mkdir "$W/old-src"
	git archive "$1" | tar -x -C "$W/old-src"
	(cd "$W/old-src" && go build -o "$W/old" .)
	go build -o "$W/new" .
	;;
2) cp "$1" "$W/old" && cp "$2" "$W/new" ;;
*)
	echo "usage: bench/ab.sh GIT_REF | bench/ab.sh OLD_BINARY NEW_BINARY" >&2
	exit 2
	;;
esac
command -v wrk >/dev/null || { echo "bench/ab.sh needs wrk (apt-get install wrk)" >&2; exit 1; }

# The request of bench/ingest.sh, taken from it so the two stay the same.
sed -n '/^wrk.method/,/^LUA$/p' bench/ingest.sh | sed '$d' >"$W/post.lua"

start() { # start NAME: gaff $W/NAME --headless on a fresh database
	"$W/$1" --headless --tunnel none --listen 127.0.0.1:0 --db "$W/$1.db" --log "$W/$1.log" >/dev/null 2>"$W/$1.err" &
	pids+=($!)
}
url() { # url NAME: the URL gaff NAME logged it listens on
	for _ in $(seq 150); do
		sed -n 's/.*msg=listening url=\([^ ]*\).*/\1/p' "$W/$1.log" 2>/dev/null | tail -1 | grep . && return 0
		sleep 0.1
	done
	echo "gaff $1 did not start:" >&2
	cat "$W/$1.err" >&2
	exit 1
}
# load NAME URL: one wrk round; writes "req/s 2xx" to $W/NAME.round.
load() {
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$W/post.lua" "$2/hooks/github" | awk '
		/requests in/ { n = $1 } /Requests\/sec/ { r = $2 } /Non-2xx/ { bad = $NF }
		END { printf "%d %d\n", r, n - bad }' >"$W/$1.round"
}

start old
start new
OLD=$(url old) NEW=$(url new)
echo "gaff side by side: wrk -t$THREADS -c$CONNS -d$DURATION each, at once; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A acked=([old]=0 [new]=0)
for r in $(seq "$ROUNDS"); do
	sleep 2
	load old "$OLD" &
	a=$!
	load new "$NEW" &
	b=$!
	wait "$a" "$b"
	read -r ro ao <"$W/old.round"
	read -r rn an <"$W/new.round"
	acked[old]=$((acked[old] + ao)) acked[new]=$((acked[new] + an))
	printf 'round %d: old %6d req/s, new %6d req/s, new/old %.3f\n' "$r" "$ro" "$rn" "$(awk -v a="$ro" -v b="$rn" 'BEGIN { print b / a }')"
done
for i in 0 1; do
	name=$([ $i = 0 ] && echo old || echo new)
	p=${pids[$i]}
	rss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$p/status")
	kill -TERM "$p"
	wait "$p" || { echo "gaff $name failed:" >&2; cat "$W/$name.err" >&2; exit 1; }
	rows=$("$W/$name" list --db "$W/$name.db" --limit 1 --json | sed -n 's/^{"id":\([0-9]*\),.*/\1/p' | grep . || echo 0)
	check="stored $rows ≥ 2xx ${acked[$name]}"
	[ "$rows" -ge "${acked[$name]}" ] || check="LOST: $check"
	echo "$name: peak RSS $rss; $check"
done
pids=()
