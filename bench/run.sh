#!/usr/bin/env bash
# Whole-server benchmark harness: builds Release, starts each server in turn pinned to one core, loads it from
# another core, repeats, and prints medians with min–max and the Hub/peer ratios. See bench/README.md.
#
#   bench/run.sh [scenario...]        scenarios: http (default), ws-echo, ws-broadcast, idle
#
# Environment (defaults in brackets):
#   WARMUP [30]        seconds of load before measuring each server (tiered JIT on one core needs ~25 s)
#   DURATION [15]      seconds per measured run
#   REPEAT [3]         measured runs per server and connection count
#   CONNS ["100 1000"] connection counts for the http scenario
#   SERVERS ["hub kestrel"]
#   HUB_PORT [18888]  KESTREL_PORT [18889]
#   SERVER_CPU [0]  LOAD_CPU [1]    cores for the server and for the load generator
#   NO_BUILD [0]       1 = use the existing Release builds
#   STARTUP_TIMEOUT [60]  seconds a server gets to answer its first request
#   The WebSocket scenarios add WS_* settings: see bench/ws/scenario.sh and bench/README.md; idle adds IDLE_*
#   settings (bench/idle/scenario.sh).
#
# Every run is bounded (wrk -d, timeouts), uses loopback only, and stops exactly the processes it started, by PID.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")

WARMUP=${WARMUP:-30}
DURATION=${DURATION:-15}
REPEAT=${REPEAT:-3}
CONNS=${CONNS:-"100 1000"}
SERVERS=${SERVERS:-"hub kestrel"}
HUB_PORT=${HUB_PORT:-18888}
KESTREL_PORT=${KESTREL_PORT:-18889}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
NO_BUILD=${NO_BUILD:-0}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-60}

HUB_DLL="$ROOT/src/Hub.Host/bin/Release/net10.0/Hub.Host.dll"
HUB_PEER_DLL="$BENCH_DIR/peers/hub/bin/Release/net10.0/HubPeer.dll"
KESTREL_DLL="$BENCH_DIR/peers/kestrel/bin/Release/net10.0/KestrelPeer.dll"
LOADGEN_DLL="$BENCH_DIR/loadgen/bin/Release/net10.0/LoadGen.dll"

# Which program plays "hub": host = src/Hub.Host (the http scenario), peer = bench/peers/hub (the WebSocket
# scenarios set it while they run). NEED_* say what to build; FD_NEED is the most sockets a scenario opens at once.
HUB_VARIANT=host
NEED_HUB_HOST=0
NEED_HUB_PEER=0
NEED_LOADGEN=0
NEED_WRK=0
FD_NEED=0

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR="$BENCH_DIR/results"
RUN_DIR="$RESULTS_DIR/$STAMP"        # raw wrk outputs and server logs of this run
CLK_TCK=$(getconf CLK_TCK)

# PIDs this script started and has not yet stopped; the EXIT trap stops whatever is left.
declare -a STARTED=()

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

stop_pid() {
    local pid=$1 i
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        # Up to 15 s for a graceful stop (Hub drains via CoordinatedShutdown), then SIGKILL.
        for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && { log "pid $pid did not stop on SIGTERM, killing"; kill -KILL "$pid" 2>/dev/null || true; }
    fi
    wait "$pid" 2>/dev/null || true
    local kept=() p
    for p in "${STARTED[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    STARTED=("${kept[@]+"${kept[@]}"}")
}

cleanup() {
    local pid
    for pid in "${STARTED[@]+"${STARTED[@]}"}"; do stop_pid "$pid"; done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- prerequisites --------------------------------------------------------------------------------------------------

require_tools() {
    local t
    for t in dotnet taskset curl ss awk sort getconf; do
        command -v "$t" >/dev/null || die "'$t' not found"
    done
    local cpus
    cpus=$(nproc --all)
    ((SERVER_CPU < cpus && LOAD_CPU < cpus)) || die "need cores $SERVER_CPU and $LOAD_CPU, machine has $cpus"
    [[ $SERVER_CPU != "$LOAD_CPU" ]] || log "warning: server and load share core $SERVER_CPU; ratios still compare, absolute numbers do not"
}

ensure_wrk() {
    command -v wrk >/dev/null && return
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    log "installing wrk (apt-get)"
    # apt-get update only when the package lists do not know wrk yet (a fresh machine has empty lists).
    if ! apt-cache policy wrk 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        "${sudo[@]}" apt-get update -qq
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends wrk >/dev/null
    command -v wrk >/dev/null || die "wrk did not install"
}

raise_fd_limit() {
    local hard need=0 c
    hard=$(ulimit -Hn)
    ulimit -n "$hard" 2>/dev/null || ulimit -n 1048576 2>/dev/null || true
    ((NEED_WRK)) && for c in $CONNS; do ((c > need)) && need=$c; done
    ((FD_NEED > need)) && need=$FD_NEED
    # Headroom for the runtime's own descriptors (assemblies, epoll, pipes).
    (($(ulimit -n) >= need + 256)) || die "open-file limit $(ulimit -n) (hard $hard) too low for $need connections"
}

# ---- build ----------------------------------------------------------------------------------------------------------

build() {
    if [[ $NO_BUILD == 1 ]]; then log "NO_BUILD=1: using existing Release builds"; return; fi
    local s
    for s in $SERVERS; do
        case $s in
            hub) if ((NEED_HUB_HOST)); then
                     log "building Hub.Host (Release)"
                     dotnet build "$ROOT/src/Hub.Host/Hub.Host.csproj" -c Release -nologo -v quiet
                 fi
                 if ((NEED_HUB_PEER)); then
                     log "building the Hub bench peer (Release)"
                     dotnet build "$BENCH_DIR/peers/hub/HubPeer.csproj" -c Release -nologo -v quiet
                 fi ;;
            kestrel) log "building the Kestrel peer (Release)"
                 dotnet build "$BENCH_DIR/peers/kestrel/KestrelPeer.csproj" -c Release -nologo -v quiet ;;
        esac
    done
    if ((NEED_LOADGEN)); then
        log "building the WebSocket load generator (Release)"
        dotnet build "$BENCH_DIR/loadgen/LoadGen.csproj" -c Release -nologo -v quiet
    fi
}

# ---- servers --------------------------------------------------------------------------------------------------------

server_port() {
    case $1 in
        hub) echo "$HUB_PORT" ;;
        kestrel) echo "$KESTREL_PORT" ;;
        *) die "unknown server '$1' (known: hub kestrel)" ;;
    esac
}

# Starts server $1 pinned to SERVER_CPU and waits until `GET /` answers 200. Sets SERVER_PID.
start_server() {
    local name=$1 port
    port=$(server_port "$name")
    local cmd=()
    case $name in
        hub) if [[ $HUB_VARIANT == peer ]]; then
                 [[ -f $HUB_PEER_DLL ]] || die "$HUB_PEER_DLL missing (build first)"
                 cmd=(dotnet "$HUB_PEER_DLL" --port "$port")
             else
                 [[ -f $HUB_DLL ]] || die "$HUB_DLL missing (build first)"
                 cmd=(dotnet "$HUB_DLL" --port "$port" --bind 127.0.0.1)
             fi ;;
        kestrel) [[ -f $KESTREL_DLL ]] || die "$KESTREL_DLL missing (build first)"
             cmd=(dotnet "$KESTREL_DLL" --port "$port") ;;
    esac
    # Something else on the port would be measured instead of our server.
    [[ -z $(ss -Htln "( sport = :$port )") ]] || die "port $port is already in use"

    log "starting $name on 127.0.0.1:$port, pinned to core $SERVER_CPU"
    # taskset execs the server, so $! is the server's own PID (the dotnet host runs the app in-process).
    # Appended: a server started again for a later scenario keeps the earlier log.
    taskset -c "$SERVER_CPU" "${cmd[@]}" >>"$RUN_DIR/$name.log" 2>&1 &
    SERVER_PID=$!
    STARTED+=("$SERVER_PID")

    local deadline=$((SECONDS + STARTUP_TIMEOUT))
    until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$RUN_DIR/$name.log" >&2; die "$name exited during start"; }
        ((SECONDS < deadline)) || { tail -n 20 "$RUN_DIR/$name.log" >&2; die "$name did not answer within ${STARTUP_TIMEOUT}s"; }
        sleep 0.2
    done
}

# Resident set size of a process, in KiB: current (VmRSS) or peak (VmHWM).
rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }

# User + system CPU time of a process so far, in clock ticks (fields 14 and 15 of /proc/PID/stat; the command name
# in field 2 may contain spaces, so count from the closing parenthesis).
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }

# "busy total" clock ticks of one core since boot (/proc/stat: user nice system idle iowait irq softirq steal ...).
core_ticks() {
    awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat
}

# Percent of core time used by other processes between two core_ticks samples $1 and $2, given that our own
# process used $3 percent of that core: what the shared machine took away from the measurement.
other_percent() {
    local b0 t0 b1 t1
    read -r b0 t0 <<<"$1"
    read -r b1 t1 <<<"$2"
    awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v own="$3" 'BEGIN { o = (t > 0 ? 100 * b / t : 0) - own; printf "%.1f", (o > 0 ? o : 0) }'
}

# ---- report helpers -------------------------------------------------------------------------------------------------

# Reads numbers, one per line; prints "median min max" (median of an even count = mean of the middle two).
stats() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan nan nan"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        print m, v[1], v[NR] }'
}

# wrk's version, or "none" when only WebSocket scenarios ran and wrk is not installed.
wrk_version() { if command -v wrk >/dev/null; then wrk -v 2>&1 | awk 'NR == 1 { print $2 }' || true; else echo none; fi; }

json_string() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

machine_json() {
    local cpu kernel dotnet_version wrk_version commit
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    kernel=$(uname -r)
    dotnet_version=$(dotnet --version)
    wrk_version=$(wrk_version)
    commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    printf '{"nproc":%s,"cpu_model":%s,"kernel":%s,"dotnet_sdk":%s,"wrk":%s,"commit":%s,"loadavg_at_start":%s}' \
        "$(nproc --all)" "$(json_string "$cpu")" "$(json_string "$kernel")" "$(json_string "$dotnet_version")" \
        "$(json_string "$wrk_version")" "$(json_string "$commit")" "$(json_string "$LOADAVG_AT_START")"
}

machine_md() {
    local cpu
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    printf -- '- date: %s\n- machine: %s cores (%s), kernel %s, .NET SDK %s, wrk %s\n- load average at start: %s\n' \
        "$STAMP" "$(nproc --all)" "$cpu" "$(uname -r)" "$(dotnet --version)" \
        "$(wrk_version)" "$LOADAVG_AT_START"
    printf -- '- server on core %s, load on core %s; warm-up %s s, %s runs of %s s each\n' \
        "$SERVER_CPU" "$LOAD_CPU" "$WARMUP" "$REPEAT" "$DURATION"
}

# ---- main -----------------------------------------------------------------------------------------------------------

main() {
    local scenarios=("$@") s dir
    local -A sourced=()
    ((${#scenarios[@]})) || scenarios=(http)
    # Scenario "a-b" lives in bench/a/scenario.sh and defines a_b_scenario, a_b_report_md and a_b_report_json.
    for s in "${scenarios[@]}"; do
        dir=${s%%-*}
        [[ -f $BENCH_DIR/$dir/scenario.sh ]] || die "unknown scenario '$s' (known: http ws-echo ws-broadcast idle)"
        if [[ -z ${sourced[$dir]:-} ]]; then
            # shellcheck source=/dev/null
            source "$BENCH_DIR/$dir/scenario.sh"
            sourced[$dir]=1
        fi
        declare -F "${s//-/_}_scenario" >/dev/null || die "unknown scenario '$s' (known: http ws-echo ws-broadcast idle)"
        case $s in
            http) NEED_HUB_HOST=1; NEED_WRK=1 ;;
            ws-*) ws_requirements ;;
            idle) idle_requirements ;;
        esac
    done
    for s in $SERVERS; do server_port "$s" >/dev/null; done

    require_tools
    ((NEED_WRK)) && ensure_wrk
    raise_fd_limit
    mkdir -p "$RUN_DIR"
    build
    LOADAVG_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
    log "load average $LOADAVG_AT_START (the numbers are only meaningful on an otherwise idle machine)"

    for s in "${scenarios[@]}"; do "${s//-/_}_scenario"; done

    local md="$RESULTS_DIR/$STAMP.md" json="$RESULTS_DIR/$STAMP.json"
    {
        printf '# Benchmark %s\n\n' "$STAMP"
        machine_md
        for s in "${scenarios[@]}"; do printf '\n'; "${s//-/_}_report_md"; done
    } >"$md"
    {
        printf '{"date":%s,"machine":%s,' "$(json_string "$STAMP")" "$(machine_json)"
        printf '"settings":{"warmup_s":%s,"duration_s":%s,"repeat":%s,"server_cpu":%s,"load_cpu":%s},"scenarios":{' \
            "$WARMUP" "$DURATION" "$REPEAT" "$SERVER_CPU" "$LOAD_CPU"
        local first=1
        for s in "${scenarios[@]}"; do
            ((first)) || printf ','
            first=0
            printf '%s:' "$(json_string "$s")"
            "${s//-/_}_report_json"
        done
        printf '}}\n'
    } >"$json"
    cat "$md"
    log "results: $md, $json (raw outputs and server logs in $RUN_DIR/)"
}

main "$@"
