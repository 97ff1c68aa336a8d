# The `cluster` scenario of bench/run.sh (sourced by it; uses its helpers and bench/ws's load generator runner):
# issue 4's 3-node loopback run of src/Hub.Host (Release).
#
#   broadcast   CLUSTER_SIZE (SxM) on the demo's /chat: first on one Hub.Host node (single-node, no remoting), then
#               on a CLUSTER_NODES-node cluster with the S subscribers spread round-robin over the nodes and the
#               publisher(s) on node 1, while node 0 owns the room (the room is opened on node 0 before the others
#               start), so every message crosses the network: publisher's node → owner → every node. bench/loadgen
#               checks every delivery (lost and out-of-order must be 0): deliveries/s, publish-to-receive p50/p99.
#   failover    on a fresh cluster each run: bench/failover puts CLUSTER_FAILOVER_CLIENTS hub.v1 clients on /chat of
#               every node and a publisher on node 1 (one message every CLUSTER_FAILOVER_INTERVAL_MS), SIGKILLs node 0
#               (the room's owner: the worst case, the room must move to a new owner in a new epoch) and measures
#               the time from the kill until every client of the dead node, reconnected to a survivor with ?since=,
#               receives a message published after the kill; also the survivors' own clients, and silent gaps
#               (must be 0).
#
# Every node is pinned to CLUSTER_CPUS (default SERVER_CPU: the cluster gets the same core as the single node, so the
# ratio is the cost of the cluster path on the same hardware), the load generators to LOAD_CPU. The fail-over time is
# dominated by hocon/cluster.conf's timings (failure detector 3 s + SBR stable-after 7 s + sharding hand-over); pass
# CLUSTER_SET="akka.cluster.split-brain-resolver.stable-after=3s" to measure other settings.
#
#   CLUSTER_NODES [3]   CLUSTER_SIZE [1000x1000]   CLUSTER_WARMUP_RUNS [3]   CLUSTER_FAILOVER_RUNS [REPEAT]
#   CLUSTER_FAILOVER_CLIENTS [20] (per node)   CLUSTER_FAILOVER_INTERVAL_MS [20]   CLUSTER_FAILOVER_TIMEOUT [60]
#   CLUSTER_HTTP_BASE [18900]   CLUSTER_REMOTE_BASE [18950]   CLUSTER_CPUS [SERVER_CPU]   CLUSTER_FORM_TIMEOUT [90]
#   CLUSTER_SET [""]    space-separated HOCON key=value overrides passed to every node with --set

# The load generator runner (ws_loadgen, ws_field, ws_require_result) and the report helpers live there.
declare -F ws_loadgen >/dev/null || source "$BENCH_DIR/ws/scenario.sh"
declare -F hub_node_start >/dev/null || source "$BENCH_DIR/cluster/nodes.sh"

CLUSTER_NODES=${CLUSTER_NODES:-3}
CLUSTER_SIZE=${CLUSTER_SIZE:-1000x1000}
CLUSTER_WARMUP_RUNS=${CLUSTER_WARMUP_RUNS:-3}
CLUSTER_FAILOVER_RUNS=${CLUSTER_FAILOVER_RUNS:-$REPEAT}
CLUSTER_FAILOVER_CLIENTS=${CLUSTER_FAILOVER_CLIENTS:-20}
CLUSTER_FAILOVER_INTERVAL_MS=${CLUSTER_FAILOVER_INTERVAL_MS:-20}
CLUSTER_FAILOVER_TIMEOUT=${CLUSTER_FAILOVER_TIMEOUT:-60}
CLUSTER_HTTP_BASE=${CLUSTER_HTTP_BASE:-18900}
CLUSTER_REMOTE_BASE=${CLUSTER_REMOTE_BASE:-18950}
CLUSTER_CPUS=${CLUSTER_CPUS:-$SERVER_CPU}
CLUSTER_FORM_TIMEOUT=${CLUSTER_FORM_TIMEOUT:-90}
CLUSTER_SET=${CLUSTER_SET:-}

FAILOVER_DLL="$BENCH_DIR/failover/bin/Release/net10.0/Failover.dll"

CLUSTER_TSV=""
CLUSTER_COLUMNS="server size run deliveries_per_s p50_ms p99_ms lost out_of_order errors duration_s server_cpu_pct loadgen_cpu_pct server_core_other_pct load_core_other_pct"
CLUSTER_FAILOVER_TSV=""
CLUSTER_FAILOVER_COLUMNS="run dead_clients_s dead_clients_p50_s reconnect_s survivors_s owner_killed not_recovered silent_gaps waiting published"
# PIDs of the running cluster's nodes, by node index.
declare -a CLUSTER_PIDS=()

# Called by run.sh before building.
cluster_requirements() {
    [[ $CLUSTER_NODES =~ ^[0-9]+$ ]] && ((CLUSTER_NODES >= 3)) || die "CLUSTER_NODES must be 3 or more (a majority must survive the kill), was '$CLUSTER_NODES'"
    NEED_HUB_HOST=1
    NEED_LOADGEN=1
    NEED_FAILOVER=1
    ws_broadcast_fd_need "$CLUSTER_SIZE"
}

# Starts Hub.Host as node $1 (bench/cluster/nodes.sh), with the cluster flags unless $2 = single; records its PID.
cluster_start_node() {
    hub_node_start cluster "$1" "${2:-cluster}" "$CLUSTER_HTTP_BASE" "$CLUSTER_REMOTE_BASE" "$CLUSTER_CPUS" "$CLUSTER_SET"
    CLUSTER_PIDS[$1]=$HUB_NODE_PID
}

# CLUSTER_NODES nodes whose room "chat" is owned by node 0 (bench/cluster/nodes.sh).
cluster_start() {
    hub_cluster_start cluster "$CLUSTER_NODES" "$CLUSTER_HTTP_BASE" "$CLUSTER_REMOTE_BASE" "$CLUSTER_CPUS" "$CLUSTER_SET" "$CLUSTER_FORM_TIMEOUT"
    CLUSTER_PIDS=("${HUB_NODE_PIDS[@]}")
}

cluster_stop() {
    local pid
    for pid in "${CLUSTER_PIDS[@]}"; do stop_pid "$pid"; done
    CLUSTER_PIDS=()
}

# Broadcast runs against URLs $3 (comma-separated) for setup $1 (hub-1node, hub-3nodes): warm-up, then REPEAT
# measured runs into CLUSTER_TSV. Server CPU is node 0's (the single node; in the cluster, the room's owner).
cluster_broadcast() {
    local setup=$1 urls=$2 i run out k v
    SERVER_PID=${CLUSTER_PIDS[0]}
    SERVER_NAME=cluster-node0
    for ((i = 1; i <= CLUSTER_WARMUP_RUNS; i++)); do
        log "$setup: broadcast warm-up $i/$CLUSTER_WARMUP_RUNS ($CLUSTER_SIZE, not measured)"
        out="$RUN_DIR/cluster-$setup-$CLUSTER_SIZE-warmup$i.txt"
        cluster_broadcast_run "$urls" "$out"
        ((WS_RC == 0)) || log "warning: $setup: broadcast warm-up failed (exit $WS_RC): $(grep -m3 '^error' "$out" | tr '\n' ' ')"
    done
    for ((run = 1; run <= REPEAT; run++)); do
        out="$RUN_DIR/cluster-$setup-$CLUSTER_SIZE-run$run.txt"
        cluster_broadcast_run "$urls" "$out"
        ws_require_result "$out" "$setup broadcast $CLUSTER_SIZE run $run"
        {
            printf '%s %s %s' "$setup" "$CLUSTER_SIZE" "$run"
            for k in deliveries_per_s p50_ms p99_ms lost out_of_order errors duration_s server_cpu_pct loadgen_cpu_pct; do
                v=$(ws_field "$out" "$k")
                printf ' %s' "${v:-nan}"
            done
            printf ' %s %s\n' "$WS_SERVER_OTHER" "$WS_LOAD_OTHER"
        } >>"$CLUSTER_TSV"
        log "$setup broadcast $CLUSTER_SIZE run $run/$REPEAT: $(ws_field "$out" deliveries_per_s) deliveries/s," \
            "p99 $(ws_field "$out" p99_ms) ms, lost $(ws_field "$out" lost), out of order $(ws_field "$out" out_of_order)," \
            "others on the cores $WS_SERVER_OTHER % / $WS_LOAD_OTHER %"
    done
}

cluster_broadcast_run() {
    ws_loadgen "$2" $((WS_TIMEOUT + 210)) broadcast --url "$1" \
        --subscribers "${CLUSTER_SIZE%x*}" --messages "${CLUSTER_SIZE#*x}" --publishers "$WS_PUBLISHERS" \
        --payload "$WS_PAYLOAD" --window "$WS_WINDOW" --settle-timeout 30 --timeout "$WS_TIMEOUT"
    local pid
    for pid in "${CLUSTER_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || ws_server_died "$SERVER_NAME"; done
}

# One fail-over run on the running cluster: bench/failover kills node 0 (by the PID this script started).
cluster_failover() {
    local run=$1 out="$RUN_DIR/cluster-failover-run$1.txt" urls="" i pid rc k v deadline
    for ((i = 0; i < CLUSTER_NODES; i++)); do urls+="${urls:+,}ws://127.0.0.1:$((CLUSTER_HTTP_BASE + i))/chat"; done
    log "failover run $run/$CLUSTER_FAILOVER_RUNS: $CLUSTER_FAILOVER_CLIENTS clients per node, SIGKILL node 0 (pid ${CLUSTER_PIDS[0]})"
    taskset -c "$LOAD_CPU" dotnet "$FAILOVER_DLL" --urls "$urls" --victim 0 --victim-pid "${CLUSTER_PIDS[0]}" \
        --clients "$CLUSTER_FAILOVER_CLIENTS" --interval-ms "$CLUSTER_FAILOVER_INTERVAL_MS" \
        --timeout "$CLUSTER_FAILOVER_TIMEOUT" >"$out" 2>&1 &
    pid=$!
    STARTED+=("$pid")
    deadline=$((SECONDS + CLUSTER_FAILOVER_TIMEOUT + 90))
    # stderr off while waiting: bash would report node 0's death by SIGKILL ("Killed") here, which is the point.
    { while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done; } 2>/dev/null
    if kill -0 "$pid" 2>/dev/null; then
        log "the fail-over tool overran, stopping it"
        rc=124
    else
        wait "$pid" && rc=0 || rc=$?
    fi
    stop_pid "$pid"
    ws_require_result "$out" "failover run $run"
    ((rc == 0)) || log "warning: failover run $run: exit $rc: $(grep -m3 '^error' "$out" | tr '\n' ' ')"
    {
        printf '%s' "$run"
        for k in dead_clients_s dead_clients_p50_s reconnect_s survivors_s owner_killed not_recovered silent_gaps waiting published; do
            v=$(ws_field "$out" "$k")
            printf ' %s' "${v:-nan}"
        done
        printf '\n'
    } >>"$CLUSTER_FAILOVER_TSV"
    log "failover run $run: $(grep -m2 -E '^(dead|not recovered)' "$out" | tr '\n' ' ')"
}

cluster_scenario() {
    CLUSTER_TSV="$RUN_DIR/cluster.tsv"
    CLUSTER_FAILOVER_TSV="$RUN_DIR/cluster-failover.tsv"
    : >"$CLUSTER_TSV"
    : >"$CLUSTER_FAILOVER_TSV"
    [[ -f $FAILOVER_DLL ]] || die "$FAILOVER_DLL missing (build first)"
    local i run urls=""

    log "cluster: one node (single-node Hub.Host, no remoting) for the baseline"
    CLUSTER_PIDS=()
    cluster_start_node 0 single
    cluster_broadcast hub-1node "ws://127.0.0.1:$CLUSTER_HTTP_BASE/chat"
    cluster_stop

    # Publisher on node 1 (the first URL), subscribers over all nodes, the room's owner on node 0.
    for ((i = 1; i < CLUSTER_NODES; i++)); do urls+="ws://127.0.0.1:$((CLUSTER_HTTP_BASE + i))/chat,"; done
    urls+="ws://127.0.0.1:$CLUSTER_HTTP_BASE/chat"
    for ((run = 1; run <= CLUSTER_FAILOVER_RUNS; run++)); do
        cluster_start
        ((run == 1)) && cluster_broadcast "hub-${CLUSTER_NODES}nodes" "$urls"
        cluster_failover "$run"
        cluster_stop
    done
    runs_csv "$CLUSTER_FAILOVER_TSV" "$CLUSTER_FAILOVER_COLUMNS" >"$RUN_DIR/cluster-failover.csv"
}

# ---- reports --------------------------------------------------------------------------------------------------------

# Column $2 of the fail-over runs, one value per line.
cluster_failover_column() {
    awk -v col="$1" -v names="$CLUSTER_FAILOVER_COLUMNS" '
        BEGIN { n = split(names, h, " "); for (i = 1; i <= n; i++) idx[h[i]] = i }
        $(idx[col]) ~ /^-?[0-9]/ { print $(idx[col]) }' "$CLUSTER_FAILOVER_TSV"
}
cluster_failover_sum() { cluster_failover_column "$1" | awk '{ t += $1 } END { print t + 0 }'; }

cluster_report_md() {
    local T=$CLUSTER_TSV C=$CLUSTER_COLUMNS setup med min max one many
    many="hub-${CLUSTER_NODES}nodes"
    printf '## cluster: %s Hub.Host nodes on loopback (bench/loadgen, bench/failover)\n\n' "$CLUSTER_NODES"
    printf 'Broadcast on /chat, %s subscribers × %s messages, %s publisher(s), %s-byte messages, window %s; nodes on core(s) %s.\n\n' \
        "${CLUSTER_SIZE%x*}" "${CLUSTER_SIZE#*x}" "$WS_PUBLISHERS" "$WS_PAYLOAD" "$WS_WINDOW" "$CLUSTER_CPUS"
    printf '| setup | deliveries/s median (min–max) | p50 ms | p99 ms | seconds | node 0 CPU %% | loadgen CPU %% | lost / out of order / errors | others on server/load core %%, max |\n'
    printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
    for setup in hub-1node "$many"; do
        read -r med min max < <(ws_column "$T" "$C" "$setup" "$CLUSTER_SIZE" deliveries_per_s | stats)
        printf '| %s | %.0f (%.0f–%.0f) | %.2f | %.2f | %.2f | %.0f | %.0f | %s / %s / %s | %s / %s |\n' "$setup" "$med" "$min" "$max" \
            "$(ws_median "$T" "$C" "$setup" "$CLUSTER_SIZE" p50_ms)" "$(ws_median "$T" "$C" "$setup" "$CLUSTER_SIZE" p99_ms)" \
            "$(ws_median "$T" "$C" "$setup" "$CLUSTER_SIZE" duration_s)" \
            "$(ws_median "$T" "$C" "$setup" "$CLUSTER_SIZE" server_cpu_pct)" \
            "$(ws_median "$T" "$C" "$setup" "$CLUSTER_SIZE" loadgen_cpu_pct)" \
            "$(ws_sum "$T" "$C" "$setup" "$CLUSTER_SIZE" lost)" "$(ws_sum "$T" "$C" "$setup" "$CLUSTER_SIZE" out_of_order)" \
            "$(ws_sum "$T" "$C" "$setup" "$CLUSTER_SIZE" errors)" \
            "$(ws_max "$T" "$C" "$setup" "$CLUSTER_SIZE" server_core_other_pct)" \
            "$(ws_max "$T" "$C" "$setup" "$CLUSTER_SIZE" load_core_other_pct)"
    done
    one=$(ws_median "$T" "$C" hub-1node "$CLUSTER_SIZE" deliveries_per_s)
    printf '\n%s / 1 node deliveries/s: %s\n\n' "$CLUSTER_NODES nodes" "$(ws_ratio "$(ws_median "$T" "$C" "$many" "$CLUSTER_SIZE" deliveries_per_s)" "$one")"
    printf -- '- %s: subscribers spread round-robin over the nodes, publisher on node 1, the room owned by node 0: every\n' "$many"
    printf '  message goes node 1 → node 0 (owner) → every node. "node 0 CPU" is the single node, or the owner.\n\n'

    printf 'Fail-over: SIGKILL of node 0 (the room'"'"'s owner) with %s hub.v1 clients per node, a publisher on node 1 every %s ms;\n' \
        "$CLUSTER_FAILOVER_CLIENTS" "$CLUSTER_FAILOVER_INTERVAL_MS"
    printf 'seconds from the kill until each client receives a message published after it (%s runs).\n\n' \
        "$(cluster_failover_column run | grep -c . || true)"
    printf '| measure | median (min–max) |\n|---|---:|\n'
    local k label
    for k in dead_clients_s dead_clients_p50_s reconnect_s survivors_s; do
        case $k in
            dead_clients_s) label="dead node's clients, all receiving again (max over clients) s" ;;
            dead_clients_p50_s) label="dead node's clients, median client s" ;;
            reconnect_s) label="dead node's clients reconnected to a survivor (max) s" ;;
            survivors_s) label="survivors' clients, all receiving again (max) s" ;;
        esac
        read -r med min max < <(cluster_failover_column "$k" | stats)
        printf '| %s | %s (%s–%s) |\n' "$label" "$med" "$min" "$max"
    done
    printf '\nruns where the dead node owned the room (survivors got a reset): %s; resumes not recovered (announced): %s;\n' \
        "$(cluster_failover_sum owner_killed)" "$(cluster_failover_sum not_recovered)"
    printf 'silent gaps: %s (must be 0); clients never receiving again: %s.\n' "$(cluster_failover_sum silent_gaps)" "$(cluster_failover_sum waiting)"
}

cluster_report_json() {
    local T=$CLUSTER_TSV C=$CLUSTER_COLUMNS setup first=1 k med min max
    printf '{"nodes":%s,"subscribers":%s,"messages":%s,"publishers":%s,"payload":%s,"cpus":"%s","runs":[' \
        "$CLUSTER_NODES" "${CLUSTER_SIZE%x*}" "${CLUSTER_SIZE#*x}" "$WS_PUBLISHERS" "$WS_PAYLOAD" "$CLUSTER_CPUS"
    ws_runs_json "$T" "$C"
    printf '],"broadcast":['
    for setup in hub-1node "hub-${CLUSTER_NODES}nodes"; do
        ((first)) || printf ','
        first=0
        read -r med min max < <(ws_column "$T" "$C" "$setup" "$CLUSTER_SIZE" deliveries_per_s | stats)
        printf '{"setup":"%s","deliveries_per_s_median":%s,"deliveries_per_s_min":%s,"deliveries_per_s_max":%s' "$setup" \
            "$(ws_json_number "$med")" "$(ws_json_number "$min")" "$(ws_json_number "$max")"
        for k in p50_ms p99_ms duration_s; do
            printf ',"%s_median":%s' "$k" "$(ws_json_number "$(ws_median "$T" "$C" "$setup" "$CLUSTER_SIZE" "$k")")"
        done
        printf ',"lost":%s,"out_of_order":%s,"errors":%s}' "$(ws_sum "$T" "$C" "$setup" "$CLUSTER_SIZE" lost)" \
            "$(ws_sum "$T" "$C" "$setup" "$CLUSTER_SIZE" out_of_order)" "$(ws_sum "$T" "$C" "$setup" "$CLUSTER_SIZE" errors)"
    done
    printf '],"failover":{"runs":['
    ws_runs_json "$CLUSTER_FAILOVER_TSV" "$CLUSTER_FAILOVER_COLUMNS"
    printf ']'
    for k in dead_clients_s dead_clients_p50_s reconnect_s survivors_s; do
        read -r med min max < <(cluster_failover_column "$k" | stats)
        printf ',"%s_median":%s,"%s_min":%s,"%s_max":%s' "$k" "$(ws_json_number "$med")" "$k" "$(ws_json_number "$min")" \
            "$k" "$(ws_json_number "$max")"
    done
    printf ',"owner_killed":%s,"not_recovered":%s,"silent_gaps":%s,"waiting":%s}}' "$(cluster_failover_sum owner_killed)" \
        "$(cluster_failover_sum not_recovered)" "$(cluster_failover_sum silent_gaps)" "$(cluster_failover_sum waiting)"
}

# Summary rows (run.sh's summary.csv): broadcast per setup, ratio = 1 node / this setup; fail-over times.
cluster_report_csv() {
    local T=$CLUSTER_TSV C=$CLUSTER_COLUMNS setup metric med min max runs ratio one k
    for metric in deliveries_per_s p50_ms p99_ms lost out_of_order; do
        one=$(ws_median "$T" "$C" hub-1node "$CLUSTER_SIZE" "$metric")
        for setup in hub-1node "hub-${CLUSTER_NODES}nodes"; do
            runs=$(ws_column "$T" "$C" "$setup" "$CLUSTER_SIZE" "$metric" | grep -c '^-\?[0-9]' || true)
            ((runs > 0)) || continue
            read -r med min max < <(ws_column "$T" "$C" "$setup" "$CLUSTER_SIZE" "$metric" | stats)
            ratio=""
            [[ $setup == hub-1node ]] || ratio=$(ws_ratio "$one" "$med" | sed 's/null//')
            printf 'cluster,%s,%s,%s,%s,%s,%s,%s,%s\n' "$CLUSTER_SIZE" "$setup" "$metric" "$med" "$min" "$max" "$runs" "$ratio"
        done
    done
    for k in dead_clients_s dead_clients_p50_s reconnect_s survivors_s; do
        runs=$(cluster_failover_column "$k" | grep -c . || true)
        ((runs > 0)) || continue
        read -r med min max < <(cluster_failover_column "$k" | stats)
        printf 'cluster,failover,hub-%snodes,%s,%s,%s,%s,%s,\n' "$CLUSTER_NODES" "$k" "$med" "$min" "$max" "$runs"
    done
}
