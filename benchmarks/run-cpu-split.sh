#!/usr/bin/env bash
# Where a server's CPU goes under the chat benchmark: user and system CPU per million delivered
# messages, read from /proc/PID/stat over part of the counted window, and the socket calls
# made meanwhile (perf stat on the syscall tracepoints, when perf can read them), for each
# server in turn (A B A B ...).   benchmarks/run-cpu-split.sh
#
# Environment (defaults):
#   SERVERS="ws-pubsub bun"  MODE=per-frame (or bun-client)  CLIENTS=16  REPEATS=2
#   WARMUP=12  DURATION=5 (the client's; the reading covers DURATION - 0.6 s inside it)
#   PORT=4001  SKIP_BUILD=0  PERF=1 (0: CPU split only)
# Output: one RESULT line per run; benchmarks/build/cpu-split.csv. Deliveries in the reading
# are taken as the run's median msg/s times its length.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SERVERS="${SERVERS:-ws-pubsub bun}"
MODE="${MODE:-per-frame}"
CLIENTS="${CLIENTS:-16}"
REPEATS="${REPEATS:-2}"
WARMUP="${WARMUP:-12}"
DURATION="${DURATION:-5}"
PORT="${PORT:-4001}"
PERF="${PERF:-1}"
CALLS="sendto recvfrom epoll_pwait2 write writev"

if [[ "$MODE" == bun-client ]]; then prepare "$SERVERS bun"; else prepare "$SERVERS"; fi
READING="$(awk -v d="$DURATION" 'BEGIN { printf "%.1f", d - 0.6 }')"
csv="$BUILD_DIR/cpu-split.csv"
echo "mode,clients,server,run,msgs_per_s,user_s_per_million,system_s_per_million,${CALLS// /,}" >"$csv"

# cpu_ticks PID: "utime stime" of the process, all threads
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }

for run in $(seq 1 "$REPEATS"); do
  for server in $SERVERS; do
    log "cpu split mode=$MODE clients=$CLIENTS run=$run/$REPEATS server=$server"
    start_server "$server" "$PORT" "$CLIENTS" "$BUILD_DIR/logs/server-cpu-split-$server-$run.log"
    out="$BUILD_DIR/logs/cpu-split-$server-$run.log"
    common=(--port "$PORT" --clients "$CLIENTS" --warmup "$WARMUP" --duration "$DURATION"
      --server-pid "$SERVER_PID" --clk-tck "$CLK_TCK" --label "$server")
    case "$MODE" in
      bun-client) run_bun $((WARMUP + DURATION + 120)) "$BENCH_DIR/bun-chat-client.mjs" "${common[@]}" >"$out" 2>&1 & ;;
      per-frame) run_tool $((WARMUP + DURATION + 120)) dev.wspubsub.bench.client.ChatLoad "${common[@]}" \
        --frames-per-write 1 >"$out" 2>&1 & ;;
      *) log "unknown MODE '$MODE' (per-frame or bun-client)"; exit 1 ;;
    esac
    client=$!
    # The warm-up starts once every client is ready; its first per-second line ("w 1") comes a
    # second in. Read from just inside the counted window.
    for _ in $(seq 1 600); do
      grep -q '^w ' "$out" 2>/dev/null && break
      sleep 0.1
    done
    sleep "$((WARMUP - 1)).3"
    read -r user0 system0 < <(cpu_ticks "$SERVER_PID")
    calls=()
    if [[ "$PERF" == 1 ]] && command -v perf >/dev/null; then
      events="$(printf 'syscalls:sys_enter_%s,' $CALLS)"
      counts="$(perf stat -x, -e "${events%,}" -p "$SERVER_PID" -- sleep "$READING" 2>&1 || true)"
      for call in $CALLS; do
        calls+=("$(awk -F, -v e="syscalls:sys_enter_$call" '$3 == e { print $1 }' <<<"$counts")")
      done
    else
      sleep "$READING"
    fi
    read -r user1 system1 < <(cpu_ticks "$SERVER_PID")
    wait "$client" || true
    stop_server
    rate="$(grep '^RESULT ' "$out" | tr ' ' '\n' | sed -n 's/^median_msgs_per_s=//p')"
    if [[ -z "$rate" ]]; then
      log "no result; see $out"; tail -5 "$out" >&2; continue
    fi
    row="$(awk -v r="$rate" -v s="$READING" -v t="$CLK_TCK" -v u=$((user1 - user0)) -v y=$((system1 - system0)) \
      'BEGIN { m = r * s / 1e6; printf "%.4f,%.4f", u / t / m, y / t / m }')"
    line="$MODE,$CLIENTS,$server,$run,$rate,$row"
    for i in "${!calls[@]}"; do line="$line,${calls[$i]:-NA}"; done
    [[ ${#calls[@]} -eq 0 ]] && for _ in $CALLS; do line="$line,NA"; done
    echo "$line" >>"$csv"
    echo "RESULT $line"
  done
done
log "wrote $csv"
