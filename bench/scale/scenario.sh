# The `scale` scenario of bench/run.sh (sourced by it; uses its helpers and bench/ws's result parsers): issue 5's
# scale targets on src/Hub.Host (Release), /chat (room "chat", hub.v1 clients):
#
#   hub-1node    one Hub.Host node (no remoting) holds SCALE_SINGLE WebSockets (the machine caps a process at 20,000
#                open files, so ~19,000) and one broadcast reaches all of them.
#   hub-Nnodes   a local cluster of SCALE_NODES nodes holds SCALE_TOTAL WebSockets together (the room owned by node 0,
#                the publisher on node 1) and one broadcast reaches all of them (target: ≤ 2 s for 100,000 on 6).
#
# The sockets come from several bench/loadgen `hold` processes (at most SCALE_PER_PROCESS sockets each, under the
# open-file cap), process p connected to node p mod N from its own source address 127.0.0.(2+p) (each loopback
# address has ~28,000 ephemeral ports; Linux routes all of 127/8 to lo without set-up). A socket counts as open when
# the room's "joined" frame arrived (its join went to the room's owner and back). When every process printed READY,
# the server RSS of each node is read, then `loadgen publish` sends one marker text on node 1 and prints the wall-clock
# send time (UTC); each hold process records the wall-clock time each socket received the marker.
#   time-to-all = max over hold processes of the last receipt − the publish time (one machine: one clock).
#   first       = min over hold processes of the first receipt − the publish time.
# Nodes are pinned to SCALE_CPUS, the load generators to SCALE_LOAD_CPUS; the receivers' own processing is inside the
# time-to-all (they share their core(s)), so it is an upper bound of the server's fan-out time.
#
#   SCALE_SINGLE [19000]   SCALE_NODES [6]   SCALE_TOTAL [100000]   SCALE_RUNS [1]   SCALE_PER_PROCESS [19000]
#   SCALE_CPUS [SERVER_CPU]   SCALE_LOAD_CPUS [LOAD_CPU]   SCALE_CONNECT_CONCURRENCY [32] (per process)
#   SCALE_OPEN_TIMEOUT [900] s for all sockets to open and join   SCALE_MARKER_TIMEOUT [120] s for the marker to arrive
#   SCALE_SETTLE [5] s between READY and the RSS reading   SCALE_FORM_TIMEOUT [120]   SCALE_HTTP_BASE [19100]
#   SCALE_REMOTE_BASE [19150]   SCALE_SET [""] space-separated HOCON key=value overrides for every node (--set)
#   SCALE_SKIP_SINGLE [0] / SCALE_SKIP_CLUSTER [0]   1 = leave that setup out

declare -F ws_field >/dev/null || source "$BENCH_DIR/ws/scenario.sh"
declare -F hub_node_start >/dev/null || source "$BENCH_DIR/cluster/nodes.sh"

SCALE_SINGLE=${SCALE_SINGLE:-19000}
SCALE_NODES=${SCALE_NODES:-6}
SCALE_TOTAL=${SCALE_TOTAL:-100000}
SCALE_RUNS=${SCALE_RUNS:-1}
SCALE_PER_PROCESS=${SCALE_PER_PROCESS:-19000}
SCALE_CPUS=${SCALE_CPUS:-$SERVER_CPU}
SCALE_LOAD_CPUS=${SCALE_LOAD_CPUS:-$LOAD_CPU}
SCALE_CONNECT_CONCURRENCY=${SCALE_CONNECT_CONCURRENCY:-32}
SCALE_OPEN_TIMEOUT=${SCALE_OPEN_TIMEOUT:-900}
SCALE_MARKER_TIMEOUT=${SCALE_MARKER_TIMEOUT:-120}
SCALE_SETTLE=${SCALE_SETTLE:-5}
SCALE_FORM_TIMEOUT=${SCALE_FORM_TIMEOUT:-120}
SCALE_HTTP_BASE=${SCALE_HTTP_BASE:-19100}
SCALE_REMOTE_BASE=${SCALE_REMOTE_BASE:-19150}
SCALE_SET=${SCALE_SET:-}
SCALE_SKIP_SINGLE=${SCALE_SKIP_SINGLE:-0}
SCALE_SKIP_CLUSTER=${SCALE_SKIP_CLUSTER:-0}

SCALE_TSV=""
SCALE_COLUMNS="setup sockets run nodes loadgen_procs joined received failed retries open_s time_to_all_ms first_ms echo_ms rss_total_kb rss_max_node_kb loadgen_rss_total_kb"
SCALE_NODES_TSV=""
SCALE_NODES_COLUMNS="setup sockets run node sockets_on_node rss0_kb rss_kb rss_peak_kb"
declare -a SCALE_PIDS=()

scale_requirements() {
    [[ $SCALE_NODES =~ ^[0-9]+$ ]] && ((SCALE_NODES >= 2)) || die "SCALE_NODES must be 2 or more, was '$SCALE_NODES'"
    ((SCALE_PER_PROCESS + 500 <= $(ulimit -Hn))) || die "SCALE_PER_PROCESS $SCALE_PER_PROCESS does not fit the open-file hard limit $(ulimit -Hn)"
    NEED_HUB_HOST=1
    NEED_LOADGEN=1
    # Per process: the most sockets one node or one load generator holds (run.sh raises ulimit -n to the hard limit).
    local per=$SCALE_SINGLE
    (((SCALE_TOTAL + SCALE_NODES - 1) / SCALE_NODES > per)) && per=$(((SCALE_TOTAL + SCALE_NODES - 1) / SCALE_NODES))
    # An if, not '(( )) &&': as the function's last command a false test would return 1 and, under set -e, end the
    # whole run without a word when an earlier scenario already needs more open files.
    if ((per > FD_NEED)); then FD_NEED=$per; fi
}

# Starts Hub.Host node $1 (bench/cluster/nodes.sh), with the cluster flags unless $2 = single; records its PID.
scale_start_node() {
    hub_node_start scale "$1" "${2:-cluster}" "$SCALE_HTTP_BASE" "$SCALE_REMOTE_BASE" "$SCALE_CPUS" "$SCALE_SET"
    SCALE_PIDS[$1]=$HUB_NODE_PID
}

# $1 nodes whose room "chat" is owned by node 0, so every join and the broadcast cross the network.
scale_start_cluster() {
    hub_cluster_start scale "$1" "$SCALE_HTTP_BASE" "$SCALE_REMOTE_BASE" "$SCALE_CPUS" "$SCALE_SET" "$SCALE_FORM_TIMEOUT"
    SCALE_PIDS=("${HUB_NODE_PIDS[@]}")
}

scale_stop_nodes() {
    local pid
    for pid in "${SCALE_PIDS[@]}"; do stop_pid "$pid"; done
    SCALE_PIDS=()
}

# One measured run: setup $1, $2 sockets over the running nodes (${#SCALE_PIDS[@]}), run number $3.
scale_run() {
    local setup=$1 total=$2 run=$3 nodes=${#SCALE_PIDS[@]} procs p n i marker out pid deadline ready dead
    local -a hold_pids=() hold_out=() per_node=() rss0=() rss=()
    procs=$(((total + SCALE_PER_PROCESS - 1) / SCALE_PER_PROCESS))
    ((procs < nodes)) && procs=$nodes
    ((procs <= 250)) || die "scale: $procs load generator processes need more than 250 source addresses"
    marker="scale-marker-$setup-$run-$$-$RANDOM"
    for ((i = 0; i < nodes; i++)); do per_node[i]=0; rss0[i]=$(rss_kb "${SCALE_PIDS[i]}" VmRSS); done

    log "scale $setup run $run: $total WebSockets on $nodes node(s) from $procs load generator process(es), $SCALE_CONNECT_CONCURRENCY handshakes at a time each"
    local started=$SECONDS
    for ((p = 0; p < procs; p++)); do
        n=$((total / procs + (p < total % procs ? 1 : 0)))
        i=$((p % nodes))
        per_node[i]=$((per_node[i] + n))
        out="$RUN_DIR/scale-$setup-run$run-hold$p.txt"
        hold_out[p]=$out
        taskset -c "$SCALE_LOAD_CPUS" dotnet "$LOADGEN_DLL" hold --url "ws://127.0.0.1:$((SCALE_HTTP_BASE + i))/chat" \
            --connections "$n" --source-addresses "127.0.0.$((2 + p))" --marker "$marker" \
            --connect-concurrency "$SCALE_CONNECT_CONCURRENCY" --open-timeout "$SCALE_OPEN_TIMEOUT" \
            --marker-timeout $((SCALE_OPEN_TIMEOUT + SCALE_MARKER_TIMEOUT)) \
            --max-seconds $((2 * SCALE_OPEN_TIMEOUT + SCALE_MARKER_TIMEOUT + 60)) >"$out" 2>&1 &
        pid=$!
        STARTED+=("$pid")
        hold_pids[p]=$pid
    done

    # Until every hold process printed READY; one that exits first has failed (its output says why).
    deadline=$((SECONDS + SCALE_OPEN_TIMEOUT + 30))
    local next_log=$((SECONDS + 30)) failed_open=0
    while :; do
        ready=0 dead=0
        for ((p = 0; p < procs; p++)); do
            if grep -q '^READY ' "${hold_out[p]}"; then ready=$((ready + 1))
            elif ! kill -0 "${hold_pids[p]}" 2>/dev/null; then dead=$((dead + 1)); fi
        done
        ((ready == procs)) && break
        if ((dead > 0 || SECONDS >= deadline)); then failed_open=1; break; fi
        if ((SECONDS >= next_log)); then
            log "scale $setup: $ready/$procs processes ready after $((SECONDS - started)) s; joined so far: $(scale_joined_so_far "${hold_out[@]}"); MemAvailable $(awk '/^MemAvailable/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
            next_log=$((SECONDS + 30))
        fi
        sleep 0.5
    done
    local open_wall=$((SECONDS - started)) joined
    joined=$(scale_joined_so_far "${hold_out[@]}")
    for ((i = 0; i < nodes; i++)); do kill -0 "${SCALE_PIDS[i]}" 2>/dev/null || log "error: scale node $i (pid ${SCALE_PIDS[i]}) died: $(tail -n 5 "$RUN_DIR/scale-node$i.log" | tr '\n' ' ')"; done

    local publish_out="$RUN_DIR/scale-$setup-run$run-publish.txt" publish_ms="nan" echo_ms="nan"
    if ((failed_open)); then
        log "error: scale $setup: not every socket opened: $joined of $total joined after $open_wall s; see ${hold_out[*]}"
        for ((p = 0; p < procs; p++)); do grep -m2 '^error' "${hold_out[p]}" >&2 || true; done
    else
        log "scale $setup: all $total sockets joined in $open_wall s (max per process $(scale_max_field open_s "${hold_out[@]}") s); settling ${SCALE_SETTLE} s"
        sleep "$SCALE_SETTLE"
    fi
    for ((i = 0; i < nodes; i++)); do rss[i]=$(rss_kb "${SCALE_PIDS[i]}" VmRSS); done
    if ((!failed_open)); then
        # The publisher on node 1 (node 0 owns the room), or on the single node.
        local pub_node=$((nodes > 1 ? 1 : 0))
        taskset -c "$SCALE_LOAD_CPUS" dotnet "$LOADGEN_DLL" publish --url "ws://127.0.0.1:$((SCALE_HTTP_BASE + pub_node))/chat" \
            --marker "$marker" --timeout "$SCALE_MARKER_TIMEOUT" --max-seconds $((SCALE_MARKER_TIMEOUT + 30)) >"$publish_out" 2>&1 || true
        publish_ms=$(awk '$1 == "PUBLISH" { split($2, kv, "="); print kv[2] }' "$publish_out")
        echo_ms=$(ws_field "$publish_out" echo_ms)
        [[ -n $publish_ms ]] || { log "error: scale $setup: the publisher did not publish: $(tail -n 3 "$publish_out" | tr '\n' ' ')"; publish_ms=nan; }
    fi
    # The hold processes end once every socket has the marker (or on their own timeouts).
    deadline=$((SECONDS + SCALE_MARKER_TIMEOUT + 30))
    [[ $publish_ms =~ ^[0-9] ]] || deadline=$SECONDS   # nothing to wait for
    for ((p = 0; p < procs; p++)); do
        while kill -0 "${hold_pids[p]}" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
        stop_pid "${hold_pids[p]}"
    done

    local received=0 failed=0 retries=0 last="" first="" lg_rss=0 v
    for ((p = 0; p < procs; p++)); do
        v=$(ws_field "${hold_out[p]}" received); received=$((received + ${v:-0}))
        v=$(ws_field "${hold_out[p]}" failed); failed=$((failed + ${v:-0}))
        v=$(awk '$1 == "RESULT" || $1 == "progress" { for (i = 1; i <= NF; i++) { if ($i ~ /^retries=/) { sub("retries=", "", $i); r = $i } else if ($i == "retries") r = $(i + 1) } } END { print r + 0 }' "${hold_out[p]}")
        retries=$((retries + ${v:-0}))
        v=$(ws_field "${hold_out[p]}" loadgen_rss_kb); lg_rss=$((lg_rss + ${v:-0}))
        v=$(ws_field "${hold_out[p]}" last_utc_ms)
        [[ $v =~ ^[0-9] ]] && last=$(awk -v a="${last:-0}" -v b="$v" 'BEGIN { printf "%.1f", (b > a ? b : a) }')
        v=$(ws_field "${hold_out[p]}" first_utc_ms)
        [[ $v =~ ^[0-9] ]] && first=$(awk -v a="${first:-0}" -v b="$v" 'BEGIN { printf "%.1f", (a == 0 || b < a ? b : a) }')
    done
    local tta=nan fst=nan
    if [[ $publish_ms =~ ^[0-9] && -n $last ]]; then
        tta=$(awk -v l="$last" -v p="$publish_ms" 'BEGIN { printf "%.1f", l - p }')
        fst=$(awk -v f="$first" -v p="$publish_ms" 'BEGIN { printf "%.1f", f - p }')
    fi
    local rss_total=0 rss_max=0
    for ((i = 0; i < nodes; i++)); do
        rss_total=$((rss_total + ${rss[i]:-0}))
        ((${rss[i]:-0} > rss_max)) && rss_max=${rss[i]}
        printf '%s %s %s %s %s %s %s %s\n' "$setup" "$total" "$run" "$i" "${per_node[i]}" "${rss0[i]:-nan}" "${rss[i]:-nan}" \
            "$(rss_kb "${SCALE_PIDS[i]}" VmHWM || echo nan)" >>"$SCALE_NODES_TSV"
        log "scale $setup node $i: ${per_node[i]} sockets, RSS $((${rss0[i]:-0} / 1024)) MiB before, $((${rss[i]:-0} / 1024)) MiB holding them"
    done
    printf '%s %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s\n' "$setup" "$total" "$run" "$nodes" "$procs" "$joined" "$received" \
        "$failed" "$retries" "$(scale_max_field open_s "${hold_out[@]}")" "$tta" "$fst" "${echo_ms:-nan}" "$rss_total" "$rss_max" "$lg_rss" >>"$SCALE_TSV"
    log "scale $setup run $run: joined $joined/$total, received $received, failed $failed, connect retries $retries, time-to-all $tta ms (first $fst ms)," \
        "server RSS $((rss_total / 1024)) MiB in all, load generators $((lg_rss / 1024)) MiB"
}

# Sockets joined so far over hold outputs $@: READY lines count all, else the last progress line.
scale_joined_so_far() {
    local f sum=0 n
    for f in "$@"; do
        n=$(awk '$1 == "READY" { split($2, kv, "="); r = kv[2] } $1 == "progress" { for (i = 1; i <= NF; i++) if ($i == "joined") { j = $(i + 1); sub(",", "", j) } }
                 END { print (r != "" ? r : (j != "" ? j : 0)) }' "$f" 2>/dev/null)
        sum=$((sum + ${n:-0}))
    done
    echo "$sum"
}

# Largest RESULT field $1 over hold outputs $2...
scale_max_field() {
    local k=$1
    shift
    awk -v k="$k" '$1 == "RESULT" || $1 == "READY" { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k && kv[2] + 0 > m) m = kv[2] + 0 } } END { printf "%.2f", m }' "$@"
}

scale_scenario() {
    SCALE_TSV="$RUN_DIR/scale.tsv"
    SCALE_NODES_TSV="$RUN_DIR/scale-nodes.tsv"
    : >"$SCALE_TSV"
    : >"$SCALE_NODES_TSV"
    local run
    log "scale: open-file limit $(ulimit -n) (hard $(ulimit -Hn)); MemAvailable $(awk '/^MemAvailable/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    if ((SCALE_SKIP_SINGLE != 1)); then
        for ((run = 1; run <= SCALE_RUNS; run++)); do
            SCALE_PIDS=()
            scale_start_node 0 single
            scale_run hub-1node "$SCALE_SINGLE" "$run"
            scale_stop_nodes
        done
    fi
    if ((SCALE_SKIP_CLUSTER != 1)); then
        for ((run = 1; run <= SCALE_RUNS; run++)); do
            scale_start_cluster "$SCALE_NODES"
            scale_run "hub-${SCALE_NODES}nodes" "$SCALE_TOTAL" "$run"
            scale_stop_nodes
        done
    fi
    runs_csv "$SCALE_NODES_TSV" "$SCALE_NODES_COLUMNS" >"$RUN_DIR/scale-nodes.csv"
}

# ---- reports --------------------------------------------------------------------------------------------------------

scale_report_md() {
    printf '## scale: sockets held and one broadcast to all (Hub.Host /chat, bench/loadgen hold + publish)\n\n'
    printf 'Nodes on core(s) %s, load generators on core(s) %s; a socket is open once its "joined" frame arrived.\n' "$SCALE_CPUS" "$SCALE_LOAD_CPUS"
    printf 'time-to-all = last receipt of the marker over all sockets − its publish time (wall clock); the receivers'"'"' own work is included.\n\n'
    printf '| setup | sockets | joined | received | failed | connect retries | open s | time-to-all ms | first ms | publisher echo ms | server RSS MiB (all nodes) | largest node MiB | load generators MiB |\n'
    printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
    awk '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f | %.0f | %.0f |\n", $1, $2, $6, $7, $8, $9, $10, $11, $12, $13, $14 / 1024, $15 / 1024, $16 / 1024 }' "$SCALE_TSV"
    printf '\nPer node (RSS before the sockets opened, while holding them, peak):\n\n| setup | node | sockets | RSS before MiB | RSS holding MiB | peak MiB | KiB per socket |\n|---|---:|---:|---:|---:|---:|---:|\n'
    awk '{ printf "| %s | %s | %s | %.0f | %.0f | %.0f | %.1f |\n", $1, $4, $5, $6 / 1024, $7 / 1024, $8 / 1024, ($5 > 0 ? ($7 - $6) / $5 : 0) }' "$SCALE_NODES_TSV"
    printf '\n'
}

scale_report_json() {
    printf '{"single":%s,"nodes":%s,"total":%s,"cpus":"%s","load_cpus":"%s","runs":[' "$SCALE_SINGLE" "$SCALE_NODES" "$SCALE_TOTAL" "$SCALE_CPUS" "$SCALE_LOAD_CPUS"
    ws_runs_json "$SCALE_TSV" "$SCALE_COLUMNS"
    printf '],"per_node":['
    ws_runs_json "$SCALE_NODES_TSV" "$SCALE_NODES_COLUMNS"
    printf ']}'
}

# Summary rows (run.sh's summary.csv): per setup, the medians over runs of time-to-all, open time and RSS.
scale_report_csv() {
    local setup metric med min max runs values
    for setup in $(awk '!seen[$1]++ { print $1 }' "$SCALE_TSV"); do
        for metric in time_to_all_ms open_s received rss_total_kb rss_max_node_kb; do
            values=$(awk -v s="$setup" -v col="$metric" -v names="$SCALE_COLUMNS" '
                BEGIN { n = split(names, h, " "); for (i = 1; i <= n; i++) idx[h[i]] = i }
                $1 == s && $(idx[col]) ~ /^-?[0-9]/ { print $(idx[col]) }' "$SCALE_TSV")
            runs=$(grep -c . <<<"$values" || true)
            ((runs > 0)) || continue
            read -r med min max < <(stats <<<"$values")
            printf 'scale,%s,%s,%s,%s,%s,%s,%s,\n' "$(awk -v s="$setup" '$1 == s { print $2; exit }' "$SCALE_TSV")" "$setup" "$metric" "$med" "$min" "$max" "$runs"
        done
    done
}
