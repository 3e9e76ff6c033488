# Shared by the run-*.sh scripts: build, Bun install, starting and stopping servers.
# Sourced, not run. Every process started here is recorded and stopped on exit.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="$REPO_ROOT/benchmarks"
BUILD_DIR="$BENCH_DIR/build"
TARGET_DIR="$BENCH_DIR/target"
TOOLS_JAR="$TARGET_DIR/benchmarks-jmh.jar"
DASHBOARD_JAR="$REPO_ROOT/sample-dashboard/target/sample-dashboard-0.1.0-SNAPSHOT.jar"
BUN_BIN="$BUILD_DIR/bun/node_modules/@oven/bun-linux-x64/bin/bun"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xms1g -Xmx1g}"
CLIENT_JAVA_OPTS="${CLIENT_JAVA_OPTS:--Xms512m -Xmx1g}"
# Optional CPU pinning, e.g. SERVER_CPUS=0 CLIENT_CPUS=1 (taskset -c syntax)
SERVER_CPUS="${SERVER_CPUS:-}"
CLIENT_CPUS="${CLIENT_CPUS:-}"
CLK_TCK="$(getconf CLK_TCK)"

STARTED_PIDS=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stop_all() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    stop_pid "$pid"
  done
  STARTED_PIDS=()
}

# Stops one process we started: TERM, then KILL after 15 s.
stop_pid() {
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "process $pid ignored TERM, killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

trap 'stop_all' EXIT
trap 'exit 130' INT TERM HUP

# Everything a run needs before its first server: the jars (see build), Bun when it is one of
# the servers named in $1, and the log folder.
prepare() {
  build
  if [[ " $1 " == *" bun "* || " $1 " == *" bun-redis "* ]]; then
    install_bun
  fi
  if [[ " $1 " == *" bun-redis "* ]]; then
    install_bun_redis
  fi
  mkdir -p "$BUILD_DIR/logs"
}

build() {
  if [[ "${SKIP_BUILD:-0}" == "1" && -f "$TOOLS_JAR" ]]; then
    return
  fi
  log "building (./mvnw -Pbenchmarks -pl benchmarks -am package)"
  (cd "$REPO_ROOT" && timeout 1800 ./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests)
}

# Bun from the npm registry, into the build directory (never committed).
install_bun() {
  if [[ -x "$BUN_BIN" ]]; then
    return
  fi
  command -v npm >/dev/null || { log "npm is needed to install Bun"; exit 1; }
  log "installing Bun into $BUILD_DIR/bun"
  mkdir -p "$BUILD_DIR/bun"
  timeout 600 npm install --prefix "$BUILD_DIR/bun" --no-audit --no-fund --no-save @oven/bun-linux-x64 >&2
  [[ -x "$BUN_BIN" ]] || { log "Bun did not install"; exit 1; }
}

# The npm `redis` client beside Bun, and the Redis-scaled Bun server copied next to it, so that
# its `import "redis"` resolves there.
install_bun_redis() {
  if [[ ! -f "$BUILD_DIR/bun/node_modules/redis/package.json" ]]; then
    log "installing the redis client into $BUILD_DIR/bun"
    timeout 600 npm install --prefix "$BUILD_DIR/bun" --no-audit --no-fund --no-save @oven/bun-linux-x64 redis >&2
  fi
  [[ -f "$BUILD_DIR/bun/node_modules/redis/package.json" ]] || { log "the redis client did not install"; exit 1; }
  cp "$BENCH_DIR/bun-redis-chat-server.js" "$BUILD_DIR/bun/bun-redis-chat-server.js"
}

# The command prefix that pins to CPUS, if any; taskset execs the program, so the PID stays its own
pin_prefix() {
  if [[ -n "$1" ]]; then echo "taskset -c $1"; fi
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# start_server NAME PORT CLIENTS LOGFILE: sets SERVER_PID once the port accepts connections.
start_server() {
  local name="$1" port="$2" clients="$3" logfile="$4" i
  for i in $(seq 1 300); do
    port_open "$port" || break
    sleep 0.1
  done
  if port_open "$port"; then
    log "port $port is still in use"; exit 1
  fi
  local cmd
  case "$name" in
    ws-pubsub)     cmd=(java $SERVER_JAVA_OPTS -jar "$TARGET_DIR/benchmarks-chat-server.jar") ;;
    ws-pubsub@*)   variant_command "${name#ws-pubsub@}" ;;
    webflux-sinks) cmd=(java $SERVER_JAVA_OPTS -jar "$TARGET_DIR/benchmarks-webflux-sinks.jar") ;;
    mvc-tomcat)    cmd=(java $SERVER_JAVA_OPTS -jar "$TARGET_DIR/benchmarks-mvc-tomcat.jar") ;;
    ws-pubsub-stomp) cmd=(java $SERVER_JAVA_OPTS -jar "$TARGET_DIR/benchmarks-stomp-server.jar") ;;
    spring-stomp)  cmd=(java $SERVER_JAVA_OPTS -jar "$TARGET_DIR/benchmarks-stomp-spring.jar") ;;
    bun)           cmd=("$BUN_BIN" "$BENCH_DIR/bun-chat-server.js") ;;
    # REDIS_URL or REDIS_CLUSTER_NODES from the caller's environment
    bun-redis)     cmd=("$BUN_BIN" "$BUILD_DIR/bun/bun-redis-chat-server.js") ;;
    # sample-dashboard reads PORT too; loopback only
    dashboard)     cmd=(java $SERVER_JAVA_OPTS -jar "$DASHBOARD_JAR" --server.address=127.0.0.1) ;;
    *) log "unknown server '$name'"; exit 1 ;;
  esac
  # A plain command in the background (no function, no subshell), so $! is the server itself:
  # its PID is the one stopped, and the one whose CPU time /proc reports
  PORT="$port" CLIENTS_COUNT="$clients" $(pin_prefix "$SERVER_CPUS") "${cmd[@]}" >"$logfile" 2>&1 &
  SERVER_PID=$!
  STARTED_PIDS+=("$SERVER_PID")
  for i in $(seq 1 1200); do
    if port_open "$port"; then
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "$name exited at start-up; see $logfile"; tail -20 "$logfile" >&2; exit 1
    fi
    sleep 0.1
  done
  log "$name did not open port $port within 120 s; see $logfile"
  exit 1
}

# variant_command LABEL: sets cmd for the server "ws-pubsub@LABEL", an A/B variant in the same
# interleaved run: the jar benchmarks/build/variants/LABEL.jar if present (e.g. a copy of an
# earlier build), else the one just built; plus the JVM options in LABEL.opts if present
# (e.g. -Dreactor.netty.ioWorkerCount=2)
variant_command() {
  local dir="$BUILD_DIR/variants" jar="$TARGET_DIR/benchmarks-chat-server.jar" opts=()
  [[ -f "$dir/$1.jar" ]] && jar="$dir/$1.jar"
  [[ -f "$dir/$1.opts" ]] && read -r -a opts <"$dir/$1.opts"
  cmd=(java $SERVER_JAVA_OPTS "${opts[@]}" -jar "$jar")
}

stop_server() {
  stop_pid "$SERVER_PID"
  forget_pid "$SERVER_PID"
}

forget_pid() {
  local kept=() pid
  for pid in "${STARTED_PIDS[@]}"; do
    [[ "$pid" == "$1" ]] || kept+=("$pid")
  done
  STARTED_PIDS=("${kept[@]}")
}

# redis-server from PATH, or the one in the embedded-redis jar that the build copies to target/
redis_binary() {
  if command -v redis-server >/dev/null; then
    command -v redis-server
    return
  fi
  local arch entry bin="$BUILD_DIR/redis/redis-server"
  if [[ ! -x "$bin" ]]; then
    case "$(uname -m)" in
      x86_64) arch=linux-amd64 ;;
      aarch64) arch=linux-arm64 ;;
      *) log "no redis-server for $(uname -m) in the embedded-redis jar; put one on PATH"; exit 1 ;;
    esac
    entry="$(unzip -Z1 "$TARGET_DIR/embedded-redis.jar" | grep "^redis-server-.*-$arch\$" | head -1)"
    [[ -n "$entry" ]] || { log "no $arch redis-server in $TARGET_DIR/embedded-redis.jar"; exit 1; }
    mkdir -p "$BUILD_DIR/redis"
    unzip -p "$TARGET_DIR/embedded-redis.jar" "$entry" >"$bin.tmp"
    chmod +x "$bin.tmp"
    mv "$bin.tmp" "$bin"
  fi
  echo "$bin"
}

# One inline command to Redis over bash's /dev/tcp; prints the first reply line
redis_command() {
  local reply=""
  exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || return 1
  printf '%s\r\n' "$1" >&3
  IFS= read -r -t 2 reply <&3 || true
  exec 3<&- 3>&-
  printf '%s' "${reply%$'\r'}"
}

# start_redis LOGFILE: a Redis on 127.0.0.1:$REDIS_PORT, no persistence; sets REDIS_PID
start_redis() {
  local logfile="$1" bin i
  bin="$(redis_binary)"
  [[ -x "$bin" ]] || exit 1
  if port_open "$REDIS_PORT"; then
    log "port $REDIS_PORT (REDIS_PORT) is already in use"; exit 1
  fi
  "$bin" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$logfile" 2>&1 &
  REDIS_PID=$!
  STARTED_PIDS+=("$REDIS_PID")
  for i in $(seq 1 100); do
    if [[ "$(redis_command PING 2>/dev/null || true)" == "+PONG" ]]; then
      log "redis $("$bin" --version | awk '{print $3}') on port $REDIS_PORT (pid $REDIS_PID)"
      return 0
    fi
    kill -0 "$REDIS_PID" 2>/dev/null || break
    sleep 0.1
  done
  log "Redis did not answer on port $REDIS_PORT; see $logfile"
  exit 1
}

# Runs a Java tool of this module (a load client), bounded in time. In the background and
# waited for, so that a signal to this script stops it at once (traps wait for foreground
# commands) and the tool is stopped with everything else.
run_tool() {
  local seconds="$1"; shift
  run_client_bounded "$seconds" java $CLIENT_JAVA_OPTS -cp "$TOOLS_JAR" "$@"
}

# Runs a JavaScript load client with Bun, bounded in time, as run_tool does a Java one.
run_bun() {
  local seconds="$1"; shift
  run_client_bounded "$seconds" "$BUN_BIN" "$@"
}

# run_client_bounded SECONDS COMMAND...: on the client CPUs, killed after SECONDS (+10 s)
run_client_bounded() {
  local seconds="$1" pid status=0; shift
  $(pin_prefix "$CLIENT_CPUS") timeout --kill-after=10 "$seconds" "$@" &
  pid=$!
  STARTED_PIDS+=("$pid")
  wait "$pid" || status=$?
  forget_pid "$pid"
  return "$status"
}

# report RESULTS SUMMARY CHART METRIC METRIC...: summary CSV and chart from one run's results,
# ratios to the server named REPORT_BASELINE (default bun)
report() {
  java -Dreport.baseline="${REPORT_BASELINE:-bun}" -cp "$TOOLS_JAR" dev.wspubsub.bench.report.Report "$@"
  log "wrote $1, $2 and $3"
}

# append_result CSV PREFIX LOG STATUS KEY...: appends "PREFIX,ok,<KEY values>" from the RESULT
# line in LOG to CSV, and sets RESULT_LINE; with no RESULT line, appends "PREFIX,STATUS" and
# empty values (STATUS no-result-line if the client exited 0), so the run stays listed in the
# summary instead of being dropped, and returns 1.
append_result() {
  local csv="$1" prefix="$2" out="$3" status="$4" line key row; shift 4
  line="$(grep '^RESULT ' "$out" || true)"
  if [[ -z "$line" ]]; then
    [[ "$status" == ok ]] && status=no-result-line
    log "no result ($prefix: $status); see $out"
    tail -5 "$out" >&2
    row="$prefix,$status"
    for key in "$@"; do row="$row,"; done
    echo "$row" >>"$csv"
    return 1
  fi
  row="$prefix,ok"
  for key in "$@"; do row="$row,$(result_field "$line" "$key")"; done
  echo "$row" >>"$csv"
  RESULT_LINE="$line"
}

# Prints the value of KEY from a "RESULT k=v k=v" line.
result_field() {
  local line="$1" key="$2"
  tr ' ' '\n' <<<"$line" | sed -n "s/^$key=//p"
}

# print_allocation RESULTS: per mode, client count and server with an allocation figure (the
# ws-pubsub servers), the median over its runs of bytes allocated per inbound and per
# delivered message (columns alloc_bytes_per_inbound and alloc_bytes_per_delivered)
print_allocation() {
  awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $5 == "ok" && $col["alloc_bytes_per_inbound"] != "" && $col["alloc_bytes_per_inbound"] != "NA" {
      key = $1 " " $2 " " $3
      if (!(key in n)) order[++keys] = key
      n[key]++
      inbound[key, n[key]] = $col["alloc_bytes_per_inbound"]
      delivered[key, n[key]] = $col["alloc_bytes_per_delivered"]
    }
    function median(values, key, count,   i, j, t, a) {
      for (i = 1; i <= count; i++) a[i] = values[key, i] + 0
      for (i = 2; i <= count; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return (count % 2) ? a[(count + 1) / 2] : (a[count / 2] + a[count / 2 + 1]) / 2
    }
    END {
      for (k = 1; k <= keys; k++) {
        key = order[k]; split(key, part, " ")
        printf "allocation  mode=%s clients=%s server=%s  %.1f B per inbound message, %.2f B per delivered message (median of %d runs)\n",
          part[1], part[2], part[3], median(inbound, key, n[key]), median(delivered, key, n[key]), n[key]
      }
    }' "$1"
}
