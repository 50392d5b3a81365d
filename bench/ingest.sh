#!/usr/bin/env bash
# Ingest of the shipped gaff binary, measured end to end against a bare
# net/http receiver (bench/bare) and against the design's floor
# (bench/floor: durable group commit with nothing of gaff's around it), on
# the same machine.
#
#   bench/ingest.sh                 # gaff --headless, then the TUI, 2 rounds each
#   MODES=headless ROUNDS=3 bench/ingest.sh
#   PROFILE=/tmp/prof bench/ingest.sh   # also write a CPU profile of each gaff
#
# For each mode it starts one gaff (--headless printing into `wc -l`, or the
# TUI in a detached tmux pane, search indexing on as always) and runs wrk
# rounds in turn, bare, floor then gaff, A B C A B C, with a 1 KB GitHub
# push body.
# After each gaff round it reports how many captures the search index was
# behind and how long it took to catch up, then waits for gaff to go idle
# so the next round does not share the CPU with it. At the end gaff is
# stopped gracefully and checked: every 2xx is a stored row, and --headless
# printed one line per row.
#
# Each round also reports the server's CPU per answer (µs, from /proc) and
# the machine's idle cores during the round: together they tell a server
# short of CPU (no core idle) from one whose answers wait on a serial step.
# With PROFILE, each gaff's profile ends (SIGUSR1) after its last round.
#
# Settings (environment): ROUNDS (2), DURATION (5s), CONNS (50), THREADS (2),
# MODES ("headless tui"), PROFILE (a directory; empty: no profiles).
# Needs go, wrk and sqlite3 (installed with apt-get when missing) and, for
# the TUI, tmux.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-50}
THREADS=${THREADS:-2}
MODES=${MODES:-headless tui}
PROFILE=${PROFILE:-}

W=$(mktemp -d)
BP= FP= GP= WP= TS=
cleanup() {
	[ -n "$GP" ] && kill "$GP" 2>/dev/null
	[ -n "$BP" ] && kill "$BP" 2>/dev/null
	[ -n "$FP" ] && kill "$FP" 2>/dev/null
	[ -n "$TS" ] && tmux kill-session -t "$TS" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

for tool in wrk sqlite3; do
	if ! command -v $tool >/dev/null; then
		echo "installing $tool with apt-get…" >&2
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $tool >/dev/null
	fi
done
case " $MODES " in *" tui "*) command -v tmux >/dev/null || { echo "the TUI mode needs tmux; install it or set MODES=headless" >&2; exit 1; } ;; esac
[ -n "$PROFILE" ] && mkdir -p "$PROFILE"

go build -o "$W/gaff" .
go build -o "$W/bare" ./bench/bare
go build -o "$W/floor" ./bench/floor

cat >"$W/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-GitHub-Event"] = "push"
wrk.headers["X-GitHub-Delivery"] = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
wrk.body = '{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"0000000000000000000000000000000000000000","repository":{"id":186853002,"name":"hello-world","full_name":"octo/hello-world","private":false},"pusher":{"name":"octocat","email":"octocat@example.com"},"sender":{"login":"octocat","id":1},"commits":[{"id":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","message":"Update README.md with a longer description of the change so the body is about one kilobyte long, like a small real push event","timestamp":"2026-11-22T12:00:00Z","author":{"name":"Octo Cat","email":"octocat@example.com"},"added":[],"removed":[],"modified":["README.md"]}],"head_commit":{"id":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","tree_id":"f9d2a07e9488b91af2641b26b9407fe22a451433","distinct":true}}'
LUA

now() { date +%s.%N; }

# wait_for CMD… retries CMD for up to 15 s.
wait_for() {
	for _ in $(seq 150); do "$@" && return 0; sleep 0.1; done
	return 1
}

# listening LOG prints the URL gaff logged it listens on.
listening() { sed -n 's/.*msg=listening url=\([^ ]*\).*/\1/p' "$1" 2>/dev/null | tail -1 | grep .; }

# round URL PID runs wrk once and prints: req/s p50_ms p99_ms responses
# non2xx errors, then the server's (PID's) CPU per answer in µs and how many
# of the machine's cores stood idle meanwhile: a server short of CPU leaves
# none idle, one whose answers wait on something else leaves some.
round() {
	local c0 i0 t0 c1 i1 t1
	c0=$(cpu "$2") i0=$(idle_ticks) t0=$(now)
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$W/post.lua" "$1/hooks/github" >"$W/wrk.out"
	c1=$(cpu "$2") i1=$(idle_ticks) t1=$(now)
	awk -v cpu=$((c1 - c0)) -v idle=$((i1 - i0)) -v wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v hz="$HZ" '
		function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
		/requests in/ { n = $1 }
		/Requests\/sec/ { r = $2 }
		$1 == "50%" { p50 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		/Non-2xx/ { bad = $NF }
		/Socket errors/ { gsub(/[^0-9 ]/, ""); e = 0; for (i = 1; i <= NF; i++) e += $i }
		END { printf "%d %.3f %.3f %d %d %d %.1f %.2f\n", r, p50, p99, n, bad + 0, e + 0, n ? cpu / hz / n * 1e6 : 0, idle / hz / wall }' "$W/wrk.out"
}

# measure ROUND LABEL URL PID runs a round against URL (served by PID) and
# prints its line; it sets rps, p50, p99, n (answers) and bad (non-2xx).
measure() {
	local err us idl
	read -r rps p50 p99 n bad err us idl < <(round "$3" "$4")
	printf '%-6s %-9s %8d %9.2f %9.2f %8d %7d %6d %8.1f %6.2f\n' "$1" "$2" "$rps" "$p50" "$p99" "$n" "$bad" "$err" "$us" "$idl"
}

# cpu PID prints the CPU time PID has used, in clock ticks; idle_ticks the
# machine's idle time (all cores, I/O wait included).
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
idle_ticks() { awk '$1 == "cpu" { print $5 + $6 }' /proc/stat; }
HZ=$(getconf CLK_TCK)

# lag DB prints how many stored captures the search index has not reached,
# read with the sqlite3 shell (read-only; gaff list --search would index).
# (Older gaffs kept the index in the database, its mark in counters.)
lag() {
	local newest indexed
	newest=$(sqlite3 "file:$1?mode=ro" 'SELECT coalesce(max(id), 0) FROM requests')
	if [ -e "$1-search" ]; then
		indexed=$(sqlite3 "file:$1-search?mode=ro" "SELECT value FROM state WHERE name = 'indexed'" 2>/dev/null)
	else
		indexed=$(sqlite3 "file:$1?mode=ro" "SELECT value FROM counters WHERE name = 'indexed'" 2>/dev/null)
	fi
	echo $((newest - ${indexed:-0}))
}

# idle PID waits (up to 5 min) until the process uses under 2% of a core.
idle() {
	local prev cur
	prev=$(awk '{print $14 + $15}' "/proc/$1/stat")
	for _ in $(seq 600); do
		sleep 0.5
		cur=$(awk '{print $14 + $15}' "/proc/$1/stat")
		[ $((cur - prev)) -le 1 ] && return 0
		prev=$cur
	done
	echo "gaff never went idle" >&2
}

start_bare() {
	"$W/bare" 127.0.0.1:0 >"$W/bare.addr" &
	BP=$!
	wait_for grep -q . "$W/bare.addr"
	BARE=http://$(cat "$W/bare.addr")
}

start_floor() {
	"$W/floor" 127.0.0.1:0 "$W/floor.db" >"$W/floor.addr" &
	FP=$!
	wait_for grep -q . "$W/floor.addr"
	FLOOR=http://$(cat "$W/floor.addr")
}

# start_gaff MODE starts gaff in MODE on a fresh database; sets GAFF (URL) and GPID.
start_gaff() {
	local mode=$1 db=$W/$1.db log=$W/$1.log
	local prof=${PROFILE:+$PROFILE/$mode.pprof}
	if [ "$mode" = tui ]; then
		TS=gaffbench$$
		tmux new-session -d -s "$TS" -x 160 -y 45 \
			"exec env GAFF_CPUPROFILE='$prof' '$W/gaff' --tunnel none --listen 127.0.0.1:0 --db '$db' --log '$log'"
		wait_for listening "$log" >/dev/null || { echo "the TUI did not start; its log:" >&2; cat "$log" >&2; exit 1; }
		GPID=$(tmux list-panes -t "$TS" -F '#{pane_pid}')
	else
		mkfifo "$W/out"
		wc -l <"$W/out" >"$W/lines" &
		WP=$!
		GAFF_CPUPROFILE=$prof "$W/gaff" --headless --tunnel none --listen 127.0.0.1:0 --db "$db" --log "$log" >"$W/out" 2>"$W/err" &
		GP=$!
		GPID=$GP
		wait_for listening "$log" >/dev/null || { echo "gaff --headless did not start:" >&2; cat "$W/err" >&2; exit 1; }
	fi
	GAFF=$(listening "$log")
}

# stop_gaff MODE stops gaff gracefully and waits for it to exit.
stop_gaff() {
	if [ "$1" = tui ]; then
		tmux send-keys -t "$TS" q
		wait_for sh -c "! tmux has-session -t '$TS' 2>/dev/null" || { echo "the TUI did not quit" >&2; exit 1; }
		TS=
	else
		kill -TERM "$GP"
		wait "$GP" || { echo "gaff --headless failed:" >&2; cat "$W/err" >&2; exit 1; }
		GP=
		wait "$WP"
		rm -f "$W/out"
	fi
}

# stored DB prints how many captures the database holds (ids are never
# reused and nothing is deleted here, so the newest id is the count).
stored() { "$W/gaff" list --db "$1" --limit 1 --json | sed -n 's/^{"id":\([0-9]*\),.*/\1/p' | grep . || echo 0; }

echo "gaff ingest: wrk -t$THREADS -c$CONNS -d$DURATION, 1 KB GitHub push JSON; $ROUNDS rounds of bare, floor then gaff, per mode"
echo "$(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start_bare
start_floor
summary=()
for mode in $MODES; do
	start_gaff "$mode"
	printf '\n%-6s %-9s %8s %9s %9s %8s %7s %6s %8s %6s\n' round server req/s p50_ms p99_ms answers non2xx errors cpu_us idle
	bsum=0 fsum=0 gsum=0 acked=0 p50s="" p99s=""
	for r in $(seq "$ROUNDS"); do
		idle "$GPID"
		measure "$r" bare "$BARE" "$BP"
		bsum=$((bsum + rps))
		measure "$r" floor "$FLOOR" "$FP"
		fsum=$((fsum + rps))
		idle "$FP"
		measure "$r" "$mode" "$GAFF" "$GPID"
		gsum=$((gsum + rps)) acked=$((acked + n - bad)) p50s="$p50s $p50" p99s="$p99s $p99"
		t0=$(now)
		behind=$(lag "$W/$mode.db")
		while [ "$(lag "$W/$mode.db")" != 0 ]; do sleep 0.2; done
		printf '       search index: %d captures behind when the load stopped, all searchable %.1f s later\n' "$behind" "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')"
	done
	# The profile covers the rounds, not the indexing a stop finishes.
	[ -n "$PROFILE" ] && kill -USR1 "$GPID"
	stop_gaff "$mode"
	rows=$(stored "$W/$mode.db")
	check="stored $rows ≥ 2xx $acked"
	[ "$rows" -ge "$acked" ] || check="LOST: $check"
	if [ "$mode" = headless ]; then
		lines=$(cat "$W/lines")
		check="$check; printed $lines lines"
		[ "$lines" = "$rows" ] || check="$check, NOT one per row"
	fi
	summary+=("$(printf '%-9s %.3f× bare, %.3f× floor (req/s %d; bare %d, floor %d, floor/bare %.3f); p50%s ms; p99%s ms; %s' "$mode" \
		"$(awk -v g="$gsum" -v b="$bsum" 'BEGIN { print g / b }')" "$(awk -v g="$gsum" -v f="$fsum" 'BEGIN { print g / f }')" \
		$((gsum / ROUNDS)) $((bsum / ROUNDS)) $((fsum / ROUNDS)) "$(awk -v f="$fsum" -v b="$bsum" 'BEGIN { print f / b }')" "$p50s" "$p99s" "$check")")
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${summary[@]}"
