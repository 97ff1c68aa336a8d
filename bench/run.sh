#!/usr/bin/env bash
# Whole-server benchmark harness: builds Release, starts each server in turn pinned to one core (Hub, then the peers
# in bench/peers/: Kestrel, Node + ws, Tornado), loads it from another core, repeats, and prints medians with min–max
# and the Hub/peer ratios. Writes bench/results/<timestamp>/ (report.md, results.json, summary.csv, one CSV of runs
# per scenario, plots) and copies the plots to bench/plots/. See bench/README.md.
#
#   bench/run.sh [scenario...]        scenarios: http (default), ws-echo, ws-broadcast, broadcast-10k, idle, cluster, scale, tls, soak
#
# Environment (defaults in brackets):
#   WARMUP [30]        seconds of load before measuring each server (tiered JIT on one core needs ~25 s)
#   DURATION [15]      seconds per measured run
#   REPEAT [3]         measured runs per server and connection count
#   CONNS ["100 1000"] connection counts for the http scenario
#   SERVERS ["hub kestrel node tornado"]   the first is compared with each other one; a peer that cannot be
#                      installed (node + npm ws, Debian's python3-tornado) is left out with a warning
#   HUB_PORT [18888]  KESTREL_PORT [18889]  NODE_PORT [18890]  TORNADO_PORT [18891]
#   TORNADO_PYTHON [/usr/bin/python3]  Debian's Python, where apt puts python3-tornado (not a pyenv one on PATH)
#   NO_PLOT [0]        1 = no charts (bench/plot, ScottPlot)
#   PLOTS_DIR [bench/plots]   where the charts of the latest run are copied ("" = nowhere)
#   SERVER_CPU [0]  LOAD_CPU [1]    cores for the server and for the load generator
#   NO_BUILD [0]       1 = use the existing Release builds
#   STARTUP_TIMEOUT [60]  seconds a server gets to answer its first request
#   The WebSocket scenarios add WS_* settings: see bench/ws/scenario.sh and bench/README.md; idle adds IDLE_*
#   settings (bench/idle/scenario.sh), broadcast-10k BROADCAST_10K_* settings (bench/broadcast/scenario.sh), cluster
#   CLUSTER_* settings (bench/cluster/scenario.sh: Hub.Host on one node vs 3 nodes, and fail-over time; it measures
#   Hub only, so SERVERS defaults to "hub" when cluster and scale are the only scenarios), scale SCALE_* settings
#   (bench/scale/scenario.sh: one node holding 19,000 WebSockets, 6 nodes holding 100,000, one broadcast to all), soak
#   SOAK_* settings (bench/soak/scenario.sh: SOAK_DURATION [1800] seconds of mixed load on one Hub.Host, RSS, GC heap,
#   descriptors and threads sampled every 10 s and tested for an upward trend).
#
# Every run is bounded (wrk -d, timeouts), uses loopback only, and stops exactly the processes it started, by PID.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")

WARMUP=${WARMUP:-30}
DURATION=${DURATION:-15}
REPEAT=${REPEAT:-3}
CONNS=${CONNS:-"100 1000"}
SERVERS_GIVEN=${SERVERS:+1}
SERVERS=${SERVERS:-"hub kestrel node tornado"}
HUB_PORT=${HUB_PORT:-18888}
KESTREL_PORT=${KESTREL_PORT:-18889}
NODE_PORT=${NODE_PORT:-18890}
TORNADO_PORT=${TORNADO_PORT:-18891}
HUB_SOCKETS_PORT=${HUB_SOCKETS_PORT:-18892}
TORNADO_PYTHON=${TORNADO_PYTHON:-/usr/bin/python3}
NO_PLOT=${NO_PLOT:-0}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
NO_BUILD=${NO_BUILD:-0}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-60}

HUB_DLL="$ROOT/src/Hub.Host/bin/Release/net10.0/Hub.Host.dll"
HUB_PEER_DLL="$BENCH_DIR/peers/hub/bin/Release/net10.0/HubPeer.dll"
KESTREL_DLL="$BENCH_DIR/peers/kestrel/bin/Release/net10.0/KestrelPeer.dll"
LOADGEN_DLL="$BENCH_DIR/loadgen/bin/Release/net10.0/LoadGen.dll"
PLOT_DLL="$BENCH_DIR/plot/bin/Release/net10.0/HubBenchPlot.dll"
NODE_PEER_DIR="$BENCH_DIR/peers/node"
TORNADO_PEER="$BENCH_DIR/peers/tornado/server.py"

# Which program plays "hub": host = src/Hub.Host (the http scenario), peer = bench/peers/hub (the WebSocket
# scenarios set it while they run). NEED_* say what to build; FD_NEED is the most sockets a scenario opens at once.
HUB_VARIANT=host
NEED_HUB_HOST=0
NEED_HUB_PEER=0
NEED_LOADGEN=0
NEED_FAILOVER=0
NEED_WRK=0
FD_NEED=0

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR="$BENCH_DIR/results"
RUN_DIR="$RESULTS_DIR/$STAMP"        # this run's reports, CSVs, plots, raw outputs and server logs
PLOTS_DIR=${PLOTS_DIR-"$BENCH_DIR/plots"}
SKIPPED=""                           # "server: reason" lines of peers left out (not installable)
CLK_TCK=$(getconf CLK_TCK)

# Extra arguments for the next start_server of hub (Hub.Host) or kestrel; set by a scenario around the call.
declare -a SERVER_ARGS=()

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

# Installs Debian packages $@ with apt-get (sudo unless root); returns non-zero instead of dying, so a peer that
# cannot be installed is skipped rather than failing the whole run.
apt_install() {
    local sudo=() p
    ((EUID == 0)) || sudo=(sudo)
    command -v apt-get >/dev/null || { log "apt-get not found"; return 1; }
    log "installing $* (apt-get)"
    # apt-get update only when the package lists do not know a package yet (a fresh machine has empty lists).
    for p in "$@"; do
        if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
            "${sudo[@]}" apt-get update -qq || return 1
            break
        fi
    done
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_wrk() {
    command -v wrk >/dev/null && return
    apt_install wrk || true
    command -v wrk >/dev/null || die "wrk did not install"
}

# Leaves server $1 out of SERVERS, with reason $2 (logged and shown in the report).
skip_server() {
    log "warning: skipping $1: $2"
    SKIPPED+="$1: $2"$'\n'
    SERVERS=$(tr ' ' '\n' <<<"$SERVERS" | grep -vx "$1" | tr '\n' ' ' | sed 's/ *$//')
}

# Node + ws: node from the machine (apt's nodejs when missing), ws from npm at the version in package-lock.json.
ensure_node_peer() {
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        apt_install nodejs npm || true
    fi
    command -v node >/dev/null || { skip_server node "node not found and apt-get could not install nodejs"; return 0; }
    node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
        { skip_server node "node $(node --version) is older than 18"; return 0; }
    [[ -f $NODE_PEER_DIR/node_modules/ws/package.json ]] && return 0
    command -v npm >/dev/null || { skip_server node "npm not found and apt-get could not install it"; return 0; }
    log "installing the Node peer's packages (npm ci in bench/peers/node)"
    (cd "$NODE_PEER_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
        { skip_server node "npm ci failed in $NODE_PEER_DIR"; return 0; }
}

tornado_importable() { "$TORNADO_PYTHON" -c 'import tornado' 2>/dev/null; }

# Tornado from Debian's python3-tornado, imported by Debian's own python (TORNADO_PYTHON).
ensure_tornado_peer() {
    [[ -x $TORNADO_PYTHON ]] || apt_install python3 || true
    [[ -x $TORNADO_PYTHON ]] || { skip_server tornado "$TORNADO_PYTHON not found"; return 0; }
    tornado_importable && return 0
    apt_install python3-tornado || true
    tornado_importable ||
        { skip_server tornado "$TORNADO_PYTHON cannot import tornado and apt-get could not install python3-tornado"; return 0; }
}

ensure_peers() {
    local s
    for s in $SERVERS; do
        case $s in
            node) ensure_node_peer ;;
            tornado) ensure_tornado_peer ;;
        esac
    done
    [[ -n $SERVERS ]] || die "no server left to measure"
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
            hub|hub-sockets) if ((NEED_HUB_HOST)); then
                     log "building Hub.Host (Release)"
                     dotnet build "$ROOT/src/Hub.Host/Hub.Host.csproj" -c Release -nologo -v quiet
                 fi
                 if ((NEED_HUB_PEER)); then
                     log "building the Hub bench peer (Release)"
                     dotnet build "$BENCH_DIR/peers/hub/HubPeer.csproj" -c Release -nologo -v quiet
                 fi ;;
            kestrel) log "building the Kestrel peer (Release)"
                 dotnet build "$BENCH_DIR/peers/kestrel/KestrelPeer.csproj" -c Release -nologo -v quiet ;;
            # node and tornado are scripts: nothing to build (ensure_peers installed what they need).
        esac
    done
    if ((NEED_LOADGEN)); then
        log "building the WebSocket load generator (Release)"
        dotnet build "$BENCH_DIR/loadgen/LoadGen.csproj" -c Release -nologo -v quiet
    fi
    if ((NEED_FAILOVER)); then
        log "building the fail-over tool (Release)"
        dotnet build "$BENCH_DIR/failover/Failover.csproj" -c Release -nologo -v quiet
    fi
    if [[ $NO_PLOT != 1 ]]; then
        log "building the plotter (Release)"
        dotnet build "$BENCH_DIR/plot/HubBenchPlot.csproj" -c Release -nologo -v quiet ||
            { log "warning: the plotter did not build; no charts this run"; NO_PLOT=1; }
    fi
}

# ---- servers --------------------------------------------------------------------------------------------------------

server_port() {
    case $1 in
        hub) echo "$HUB_PORT" ;;
        hub-sockets) echo "$HUB_SOCKETS_PORT" ;;
        kestrel) echo "$KESTREL_PORT" ;;
        node) echo "$NODE_PORT" ;;
        tornado) echo "$TORNADO_PORT" ;;
        *) die "unknown server '$1' (known: hub hub-sockets kestrel node tornado)" ;;
    esac
}

# Starts server $1 pinned to SERVER_CPU and waits until `GET /` answers 200. Sets SERVER_PID.
start_server() {
    local name=$1 port
    port=$(server_port "$name")
    local cmd=()
    case $name in
        # hub-sockets: the same program with hub.transport = sockets (hub runs the reference default).
        hub|hub-sockets) local transport=akka-io
             [[ $name == hub-sockets ]] && transport=sockets
             if [[ $HUB_VARIANT == peer ]]; then
                 [[ -f $HUB_PEER_DLL ]] || die "$HUB_PEER_DLL missing (build first)"
                 cmd=(env HUB_TRANSPORT="$transport" dotnet "$HUB_PEER_DLL" --port "$port")
             else
                 [[ -f $HUB_DLL ]] || die "$HUB_DLL missing (build first)"
                 cmd=(dotnet "$HUB_DLL" --port "$port" --bind 127.0.0.1 --set "hub.transport=$transport")
             fi ;;
        kestrel) [[ -f $KESTREL_DLL ]] || die "$KESTREL_DLL missing (build first)"
             cmd=(dotnet "$KESTREL_DLL" --port "$port") ;;
        # One process, one JavaScript thread; libuv's pool (file system, DNS: unused here) shrunk to one thread.
        node) cmd=(env UV_THREADPOOL_SIZE=1 node "$NODE_PEER_DIR/server.js" --port "$port") ;;
        # One process, one IOLoop thread; unbuffered output so the log is complete when the peer is stopped.
        tornado) cmd=(env PYTHONUNBUFFERED=1 "$TORNADO_PYTHON" "$TORNADO_PEER" --port "$port") ;;
    esac
    # Scenario-specific arguments (bench/tls: --tls-port and the certificate), for hub's host program and Kestrel.
    [[ $name == hub || $name == kestrel ]] && ((${#SERVER_ARGS[@]})) && cmd+=("${SERVER_ARGS[@]}")
    # Something else on the port would be measured instead of our server.
    [[ -z $(ss -Htln "( sport = :$port )") ]] || die "port $port is already in use"

    log "starting $name on 127.0.0.1:$port, pinned to core $SERVER_CPU"
    # taskset execs the server (and env execs it in turn), so $! is the server's own PID (the dotnet host runs the
    # app in-process).
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
    printf '{"nproc":%s,"cpu_model":%s,"kernel":%s,"dotnet_sdk":%s,"wrk":%s,"node":%s,"ws":%s,"tornado":%s,"commit":%s,"loadavg_at_start":%s}' \
        "$(nproc --all)" "$(json_string "$cpu")" "$(json_string "$kernel")" "$(json_string "$dotnet_version")" \
        "$(json_string "$wrk_version")" "$(json_string "$(node_version)")" "$(json_string "$(ws_version)")" \
        "$(json_string "$(tornado_version)")" "$(json_string "$commit")" "$(json_string "$LOADAVG_AT_START")"
}

# Versions of the peers' runtimes ("none" when not used): node, ws, Debian python, tornado.
node_version() { if [[ " $SERVERS " == *" node "* ]]; then node --version; else echo none; fi; }
ws_version() {
    if [[ " $SERVERS " == *" node "* ]]; then
        node -p "require('$NODE_PEER_DIR/node_modules/ws/package.json').version" 2>/dev/null || echo unknown
    else echo none; fi
}
tornado_version() {
    if [[ " $SERVERS " == *" tornado "* ]]; then
        "$TORNADO_PYTHON" -c 'import sys, tornado; print(tornado.version, "on Python", sys.version.split()[0])' 2>/dev/null || echo unknown
    else echo none; fi
}

machine_md() {
    local cpu
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    printf -- '- date: %s\n- machine: %s cores (%s), kernel %s, .NET SDK %s, wrk %s\n- load average at start: %s\n' \
        "$STAMP" "$(nproc --all)" "$cpu" "$(uname -r)" "$(dotnet --version)" \
        "$(wrk_version)" "$LOADAVG_AT_START"
    printf -- '- servers: %s (node %s, ws %s; tornado %s)\n' "$SERVERS" "$(node_version)" "$(ws_version)" "$(tornado_version)"
    if [[ -n $SKIPPED ]]; then
        printf -- '- **skipped** (could not be installed): %s\n' "$(awk 'NF { printf "%s%s", sep, $0; sep = "; " }' <<<"$SKIPPED")"
    fi
    printf -- '- server on core %s, load on core %s; warm-up %s s, %s runs of %s s each\n' \
        "$SERVER_CPU" "$LOAD_CPU" "$WARMUP" "$REPEAT" "$DURATION"
}

# ---- CSV ------------------------------------------------------------------------------------------------------------

# A scenario's TSV of runs ($1, column names $2) as CSV with a header line.
runs_csv() {
    tr ' ' ',' <<<"$2"
    awk 'BEGIN { OFS = "," } { $1 = $1; print }' "$1"
}

SUMMARY_CSV_HEADER="scenario,point,server,metric,median,min,max,runs,ratio_first_over_server"

# Summary rows of scenario $1 for metrics $4... from its TSV $2 (column names $3): one row per point (the TSV's second
# column: connections, subscribers×messages, kind:N) and server, with the median, min, max, number of runs, and the
# ratio first server / this server of the medians (empty for the first server itself).
summary_csv_rows() {
    local scenario=$1 tsv=$2 columns=$3 metric point server base med min max runs ratio
    shift 3
    read -r base _ <<<"$SERVERS"
    for metric in "$@"; do
        while read -r point; do
            for server in $SERVERS; do
                local values
                values=$(awk -v s="$server" -v key="$point" -v col="$metric" -v names="$columns" '
                    BEGIN { n = split(names, h, " "); for (i = 1; i <= n; i++) idx[h[i]] = i }
                    $1 == s && $2 == key && $(idx[col]) ~ /^-?[0-9]/ { print $(idx[col]) }' "$tsv")
                runs=$(grep -c . <<<"$values" || true)
                ((runs > 0)) || continue
                read -r med min max < <(stats <<<"$values")
                ratio=""
                if [[ $server != "$base" ]]; then
                    ratio=$(awk -v s="$base" -v key="$point" -v col="$metric" -v names="$columns" '
                        BEGIN { n = split(names, h, " "); for (i = 1; i <= n; i++) idx[h[i]] = i }
                        $1 == s && $2 == key && $(idx[col]) ~ /^-?[0-9]/ { print $(idx[col]) }' "$tsv" | stats |
                        awk -v b="$med" '{ if ($1 != "nan" && $1 > 0 && b > 0) printf "%.3f", $1 / b }')
                fi
                printf '%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$scenario" "$point" "$server" "$metric" "$med" "$min" "$max" \
                    "$runs" "$ratio"
            done
        done < <(awk '!seen[$2]++ { print $2 }' "$tsv")
    done
}

# ---- main -----------------------------------------------------------------------------------------------------------

main() {
    local scenarios=("$@") s dir
    local -A sourced=()
    ((${#scenarios[@]})) || scenarios=(http)
    # The cluster, scale and soak scenarios measure Hub alone: no peers to install or build unless SERVERS asks for them.
    local hub_only=1
    for s in "${scenarios[@]}"; do [[ $s == cluster || $s == scale || $s == soak ]] || hub_only=0; done
    [[ -z $SERVERS_GIVEN ]] && ((hub_only)) && SERVERS=hub
    # Scenario "a-b" lives in bench/a/scenario.sh and defines a_b_scenario, a_b_report_md, a_b_report_json and
    # a_b_report_csv (summary rows), writes its runs to $RUN_DIR/a-b.tsv and names their columns in A_B_COLUMNS.
    for s in "${scenarios[@]}"; do
        dir=${s%%-*}
        [[ -f $BENCH_DIR/$dir/scenario.sh ]] || die "unknown scenario '$s' (known: http ws-echo ws-broadcast broadcast-10k idle cluster scale tls soak)"
        if [[ -z ${sourced[$dir]:-} ]]; then
            # shellcheck source=/dev/null
            source "$BENCH_DIR/$dir/scenario.sh"
            sourced[$dir]=1
        fi
        declare -F "${s//-/_}_scenario" >/dev/null || die "unknown scenario '$s' (known: http ws-echo ws-broadcast broadcast-10k idle cluster scale tls soak)"
        case $s in
            http) NEED_HUB_HOST=1; NEED_WRK=1 ;;
            ws-*) ws_requirements ;;
            broadcast-10k) broadcast_10k_requirements ;;
            idle) idle_requirements ;;
            cluster) cluster_requirements ;;
            scale) scale_requirements ;;
            tls) tls_requirements ;;
            soak) soak_requirements ;;
        esac
    done
    for s in $SERVERS; do server_port "$s" >/dev/null; done

    require_tools
    ensure_peers
    ((NEED_WRK)) && ensure_wrk
    raise_fd_limit
    mkdir -p "$RUN_DIR"
    build
    LOADAVG_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
    log "load average $LOADAVG_AT_START (the numbers are only meaningful on an otherwise idle machine)"

    for s in "${scenarios[@]}"; do "${s//-/_}_scenario"; done

    local md="$RUN_DIR/report.md" json="$RUN_DIR/results.json" csv="$RUN_DIR/summary.csv" columns
    {
        printf '# Benchmark %s\n\n' "$STAMP"
        machine_md
        for s in "${scenarios[@]}"; do printf '\n'; "${s//-/_}_report_md"; done
    } >"$md"
    {
        printf '{"date":%s,"machine":%s,' "$(json_string "$STAMP")" "$(machine_json)"
        printf '"settings":{"warmup_s":%s,"duration_s":%s,"repeat":%s,"server_cpu":%s,"load_cpu":%s},' \
            "$WARMUP" "$DURATION" "$REPEAT" "$SERVER_CPU" "$LOAD_CPU"
        printf '"servers":[%s],"skipped":{%s},"scenarios":{' \
            "$(for s in $SERVERS; do printf '%s"%s"' "${sep:-}" "$s"; sep=,; done)" \
            "$(awk -F': ' 'NF { printf "%s\"%s\":\"%s\"", sep, $1, $2; sep = "," }' <<<"$SKIPPED")"
        local first=1
        for s in "${scenarios[@]}"; do
            ((first)) || printf ','
            first=0
            printf '%s:' "$(json_string "$s")"
            "${s//-/_}_report_json"
        done
        printf '}}\n'
    } >"$json"
    {
        printf '%s\n' "$SUMMARY_CSV_HEADER"
        for s in "${scenarios[@]}"; do "${s//-/_}_report_csv"; done
    } >"$csv"
    for s in "${scenarios[@]}"; do
        columns="${s//-/_}"
        columns="${columns^^}_COLUMNS"
        runs_csv "$RUN_DIR/$s.tsv" "${!columns}" >"$RUN_DIR/$s.csv"
    done
    ln -sfn "$STAMP" "$RESULTS_DIR/latest"
    plot "$json"
    cat "$md"
    log "results in $RUN_DIR/: report.md, results.json, summary.csv, <scenario>.csv, raw outputs and server logs" \
        "(also bench/results/latest)"
}

# Bar charts of results.json $1 (bench/plot), into RUN_DIR and copied to PLOTS_DIR. A failure costs the charts only.
plot() {
    [[ $NO_PLOT == 1 ]] && return 0
    [[ -f $PLOT_DLL ]] || { log "warning: $PLOT_DLL missing (build first); no charts"; return 0; }
    # The soak scenario draws its own line charts (bench/soak/scenario.sh); bar charts are for the others.
    local s bars=0
    for s in "${scenarios[@]}"; do [[ $s == soak ]] || bars=1; done
    ((bars)) || return 0
    local copy=()
    [[ -n $PLOTS_DIR ]] && copy=(--copy-to "$PLOTS_DIR")
    dotnet "$PLOT_DLL" "$1" --out "$RUN_DIR" "${copy[@]+"${copy[@]}"}" >&2 ||
        log "warning: the plotter failed; the results are complete without charts"
}

main "$@"
