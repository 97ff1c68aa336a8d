# The WebSocket scenarios of bench/run.sh, `ws-echo` and `ws-broadcast` (sourced by it; uses its helpers and
# settings). The load is bench/loadgen (raw sockets, its own client framing), pinned to LOAD_CPU; each server runs
# pinned to SERVER_CPU. "hub" is bench/peers/hub (WS_HUB=peer, the default) or src/Hub.Host (WS_HUB=host, once it
# serves /ws and /chat).
#
#   ws-echo       WS_ECHO_CONNS connections each send a WS_PAYLOAD-byte text message to /ws and wait for its echo,
#                 for DURATION seconds: round trips/s, round-trip p50/p99.
#   ws-broadcast  per size SxM in WS_BROADCAST: S subscribers on /chat, WS_PUBLISHERS publishers each send M
#                 messages; every message reaches every /chat client: deliveries/s, publish-to-receive p50/p99,
#                 lost and out-of-order messages (must be 0).
#
# Per run the load generator reports, over its measured phase, its own CPU and the server's (it reads
# /proc/SERVER_PID), and the server's RSS at the end of that phase with every connection still open. This script adds
# how much of each core other processes took over the whole load generator run (/proc/stat), as in the http scenario.

WS_ECHO_CONNS=${WS_ECHO_CONNS:-100}
WS_PAYLOAD=${WS_PAYLOAD:-32}
WS_BROADCAST=${WS_BROADCAST:-1000x1000}
WS_PUBLISHERS=${WS_PUBLISHERS:-1}
WS_WINDOW=${WS_WINDOW:-100}
WS_WARMUP=${WS_WARMUP:-$WARMUP}
WS_BROADCAST_WARMUP_RUNS=${WS_BROADCAST_WARMUP_RUNS:-3}
WS_TIMEOUT=${WS_TIMEOUT:-120}
WS_HUB=${WS_HUB:-peer}
WS_HUB_ECHO_PREFIX=${WS_HUB_ECHO_PREFIX-"Echo: "}

WS_ECHO_TSV=""
WS_ECHO_COLUMNS="server conns run rps p50_ms p99_ms errors server_cpu_pct loadgen_cpu_pct rss_kb rss_peak_kb server_core_other_pct load_core_other_pct"
WS_BROADCAST_TSV=""
WS_BROADCAST_COLUMNS="server size run deliveries_per_s p50_ms p99_ms lost out_of_order errors duration_s server_cpu_pct loadgen_cpu_pct rss_kb rss_peak_kb server_core_other_pct load_core_other_pct"

# Raises FD_NEED for broadcast sizes $1 (SxM: S subscribers plus the publishers, plus headroom).
ws_broadcast_fd_need() {
    local size subs
    for size in $1; do
        [[ $size =~ ^[0-9]+x[0-9]+$ ]] || die "broadcast sizes are SUBSCRIBERSxMESSAGES, e.g. 1000x1000; got '$size'"
        subs=${size%x*}
        ((subs + WS_PUBLISHERS + 64 > FD_NEED)) && FD_NEED=$((subs + WS_PUBLISHERS + 64))
    done
    return 0
}

# Called by run.sh for each ws-* scenario before building: what to build and how many sockets to allow.
ws_requirements() {
    case $WS_HUB in
        peer) NEED_HUB_PEER=1 ;;
        host) NEED_HUB_HOST=1 ;;
        *) die "WS_HUB must be peer or host, was '$WS_HUB'" ;;
    esac
    NEED_LOADGEN=1
    local c
    for c in $WS_ECHO_CONNS; do ((c + 64 > FD_NEED)) && FD_NEED=$((c + 64)); done
    ws_broadcast_fd_need "$WS_BROADCAST"
}

ws_start_server() {
    HUB_VARIANT=$WS_HUB
    start_server "$1"
    HUB_VARIANT=host
}

# What the server under test answers on /ws: Hub.Host's demo prefixes "Echo: ", the bench peers echo unchanged.
ws_echo_prefix() { [[ ($1 == hub || $1 == hub-sockets) && $WS_HUB == host ]] && printf '%s' "$WS_HUB_ECHO_PREFIX"; return 0; }

ws_server_died() { tail -n 20 "$RUN_DIR/$1.log" >&2; die "$1 exited during the run"; }

# Runs the load generator pinned to LOAD_CPU against SERVER_PID: $1 = output file, $2 = its --max-seconds, the rest
# its arguments. It runs in the background (so Ctrl-C stops the script at once and the EXIT trap stops it) and is
# stopped should it overrun by 30 s. Sets WS_RC (its exit code) and WS_SERVER_OTHER / WS_LOAD_OTHER (percent of each
# core other processes took during the run).
ws_loadgen() {
    local out=$1 max=$2
    shift 2
    local score0 score1 lcore0 lcore1 srv0 srv1 ns0 ns1 pid deadline server_pct loadgen_pct
    score0=$(core_ticks "$SERVER_CPU"); lcore0=$(core_ticks "$LOAD_CPU")
    srv0=$(cpu_ticks "$SERVER_PID") || ws_server_died "$SERVER_NAME"
    ns0=$(date +%s%N)
    taskset -c "$LOAD_CPU" dotnet "$LOADGEN_DLL" "$@" --server-pid "$SERVER_PID" --clk-tck "$CLK_TCK" \
        --max-seconds "$max" >"$out" 2>&1 &
    pid=$!
    STARTED+=("$pid")
    deadline=$((SECONDS + max + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
        log "the load generator overran its ${max}s, stopping it"
        stop_pid "$pid"
        WS_RC=124
    else
        wait "$pid" && WS_RC=0 || WS_RC=$?
        stop_pid "$pid"
    fi
    ns1=$(date +%s%N)
    srv1=$(cpu_ticks "$SERVER_PID") || ws_server_died "$SERVER_NAME"
    score1=$(core_ticks "$SERVER_CPU"); lcore1=$(core_ticks "$LOAD_CPU")
    # Own shares over the same window: the server from /proc, the load generator from its own report (its whole
    # life, start-up included).
    server_pct=$(awk -v t=$((srv1 - srv0)) -v hz="$CLK_TCK" -v ns=$((ns1 - ns0)) 'BEGIN { printf "%.1f", 100 * (t / hz) / (ns / 1e9) }')
    loadgen_pct=$(awk -v s="$(ws_field "$out" loadgen_total_cpu_s)" -v ns=$((ns1 - ns0)) \
        'BEGIN { printf "%.1f", (s == "" ? 0 : 100 * s / (ns / 1e9)) }')
    WS_SERVER_OTHER=$(other_percent "$score0" "$score1" "$server_pct")
    WS_LOAD_OTHER=$(other_percent "$lcore0" "$lcore1" "$loadgen_pct")
}

# Value of one key of the load generator's "RESULT key=value ..." line in file $1 (empty when absent; the TSVs
# then get "nan", so their columns never shift).
ws_field() {
    awk -v k="$2" '$1 == "RESULT" { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$1" 2>/dev/null
}

# Fails unless file $1 holds a RESULT line; a run with errors is kept (the report shows them), one without a result
# is not a measurement.
ws_require_result() {
    grep -q '^RESULT ' "$1" || { tail -n 20 "$1" >&2; die "$2: the load generator produced no result (exit $WS_RC, output $1)"; }
    ((WS_RC == 0)) || log "warning: $2: the load generator reported errors (exit $WS_RC): $(grep -m3 '^error' "$1" | tr '\n' ' ')"
}

# Unmeasured echo load so the JIT has tiered up the WebSocket path (issue 5: ~25 s on one core).
ws_warmup_echo() {
    local server=$1 port=$2 conns out
    ((WS_WARMUP > 0)) || return 0
    read -r conns _ <<<"$WS_ECHO_CONNS"
    out="$RUN_DIR/ws-$server-warmup-echo.txt"
    log "$server: warming up for ${WS_WARMUP}s (WebSocket echo, $conns connections, not measured)"
    ws_loadgen "$out" $((WS_WARMUP + 120)) echo --url "ws://127.0.0.1:$port/ws" --connections "$conns" \
        --duration "$WS_WARMUP" --payload "$WS_PAYLOAD" --expect-prefix "$(ws_echo_prefix "$server")"
    kill -0 "$SERVER_PID" 2>/dev/null || ws_server_died "$server"
    ((WS_RC == 0)) || log "warning: $server: warm-up echo failed (exit $WS_RC, see $out): $(grep -m3 '^error' "$out" | tr '\n' ' ')"
}

# ---- ws-echo --------------------------------------------------------------------------------------------------------

ws_echo_scenario() {
    WS_ECHO_TSV="$RUN_DIR/ws-echo.tsv"
    : >"$WS_ECHO_TSV"
    local server port conns run
    for server in $SERVERS; do
        port=$(server_port "$server")
        ws_start_server "$server"
        SERVER_NAME=$server
        ws_warmup_echo "$server" "$port"
        for conns in $WS_ECHO_CONNS; do
            for ((run = 1; run <= REPEAT; run++)); do
                ws_echo_measure "$server" "$port" "$conns" "$run"
            done
        done
        log "stopping $server (pid $SERVER_PID)"
        stop_pid "$SERVER_PID"
    done
}

ws_echo_measure() {
    local server=$1 port=$2 conns=$3 run=$4 out k v
    out="$RUN_DIR/ws-echo-$server-c$conns-run$run.txt"
    ws_loadgen "$out" $((DURATION + 180)) echo --url "ws://127.0.0.1:$port/ws" --connections "$conns" \
        --duration "$DURATION" --payload "$WS_PAYLOAD" --expect-prefix "$(ws_echo_prefix "$server")"
    kill -0 "$SERVER_PID" 2>/dev/null || ws_server_died "$server"
    ws_require_result "$out" "$server ws-echo c=$conns run $run"
    {
        printf '%s %s %s' "$server" "$conns" "$run"
        for k in rps p50_ms p99_ms errors server_cpu_pct loadgen_cpu_pct server_rss_kb server_rss_peak_kb; do
            v=$(ws_field "$out" "$k")
            printf ' %s' "${v:-nan}"
        done
        printf ' %s %s\n' "$WS_SERVER_OTHER" "$WS_LOAD_OTHER"
    } >>"$WS_ECHO_TSV"
    log "$server ws-echo c=$conns run $run/$REPEAT: $(ws_field "$out" rps) round trips/s, p99 $(ws_field "$out" p99_ms) ms," \
        "errors $(ws_field "$out" errors), server CPU $(ws_field "$out" server_cpu_pct) %," \
        "loadgen CPU $(ws_field "$out" loadgen_cpu_pct) %, others on the cores $WS_SERVER_OTHER % / $WS_LOAD_OTHER %"
}

# ---- ws-broadcast ---------------------------------------------------------------------------------------------------

ws_broadcast_scenario() {
    WS_BROADCAST_TSV="$RUN_DIR/ws-broadcast.tsv"
    ws_broadcast_sizes ws-broadcast "$WS_BROADCAST_TSV" "$WS_BROADCAST"
}

# Every server through every size: $1 = scenario name (prefix of the raw output files), $2 = TSV of runs (see
# WS_BROADCAST_COLUMNS), $3 = sizes SxM. Shared with bench/broadcast (broadcast-10k).
ws_broadcast_sizes() {
    local scenario=$1 tsv=$2 sizes=$3 server port size run i warm
    : >"$tsv"
    for server in $SERVERS; do
        port=$(server_port "$server")
        ws_start_server "$server"
        SERVER_NAME=$server
        ws_warmup_echo "$server" "$port"
        for size in $sizes; do
            # The room's fan-out path is not on the echo path: unmeasured broadcast runs of the same size first.
            for ((i = 1; i <= WS_BROADCAST_WARMUP_RUNS; i++)); do
                log "$server: broadcast warm-up $i/$WS_BROADCAST_WARMUP_RUNS ($size, not measured)"
                warm="$RUN_DIR/$scenario-$server-$size-warmup$i.txt"
                ws_broadcast_run "$server" "$port" "$size" "$warm"
                ((WS_RC == 0)) || log "warning: $server: broadcast warm-up failed (exit $WS_RC): $(grep -m3 '^error' "$warm" | tr '\n' ' ')"
            done
            for ((run = 1; run <= REPEAT; run++)); do
                ws_broadcast_measure "$scenario" "$tsv" "$server" "$port" "$size" "$run"
            done
        done
        log "stopping $server (pid $SERVER_PID)"
        stop_pid "$SERVER_PID"
    done
}

# One broadcast run of size $3 (SxM) into file $4.
ws_broadcast_run() {
    local server=$1 port=$2 size=$3 out=$4
    # Bounds: 120 s to connect, 30 s to settle, WS_TIMEOUT for the messages, 60 s to spare.
    ws_loadgen "$out" $((WS_TIMEOUT + 210)) broadcast --url "ws://127.0.0.1:$port/chat" \
        --subscribers "${size%x*}" --messages "${size#*x}" --publishers "$WS_PUBLISHERS" --payload "$WS_PAYLOAD" \
        --window "$WS_WINDOW" --settle-timeout 30 --timeout "$WS_TIMEOUT"
    kill -0 "$SERVER_PID" 2>/dev/null || ws_server_died "$server"
}

# One measured run: $1 = scenario name, $2 = its TSV, then server, port, size SxM, run number.
ws_broadcast_measure() {
    local scenario=$1 tsv=$2 server=$3 port=$4 size=$5 run=$6 out k v
    out="$RUN_DIR/$scenario-$server-$size-run$run.txt"
    ws_broadcast_run "$server" "$port" "$size" "$out"
    ws_require_result "$out" "$server $scenario $size run $run"
    {
        printf '%s %s %s' "$server" "$size" "$run"
        for k in deliveries_per_s p50_ms p99_ms lost out_of_order errors duration_s server_cpu_pct loadgen_cpu_pct \
                 server_rss_kb server_rss_peak_kb; do
            v=$(ws_field "$out" "$k")
            printf ' %s' "${v:-nan}"
        done
        printf ' %s %s\n' "$WS_SERVER_OTHER" "$WS_LOAD_OTHER"
    } >>"$tsv"
    log "$server $scenario $size run $run/$REPEAT: $(ws_field "$out" deliveries_per_s) deliveries/s in" \
        "$(ws_field "$out" duration_s) s, p99 $(ws_field "$out" p99_ms) ms, lost $(ws_field "$out" lost)," \
        "out of order $(ws_field "$out" out_of_order), server CPU $(ws_field "$out" server_cpu_pct) %," \
        "loadgen CPU $(ws_field "$out" loadgen_cpu_pct) %, others on the cores $WS_SERVER_OTHER % / $WS_LOAD_OTHER %"
}

# ---- reports --------------------------------------------------------------------------------------------------------

# Column $5 of the runs of server $3 and key $4 (connections or size) in TSV $1 with column names $2.
ws_column() {
    awk -v s="$3" -v key="$4" -v col="$5" -v names="$2" '
        BEGIN { n = split(names, h, " "); for (i = 1; i <= n; i++) idx[h[i]] = i }
        $1 == s && $2 == key { print $(idx[col]) }' "$1"
}
ws_median() { ws_column "$@" | stats | cut -d' ' -f1; }
ws_max() { ws_column "$@" | stats | cut -d' ' -f3; }
ws_sum() { ws_column "$@" | awk '{ t += $1 } END { print t + 0 }'; }
ws_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "null" }'; }
# A number for JSON: anything awk does not read as a finite number becomes null.
ws_json_number() { awk -v v="$1" 'BEGIN { if (v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) print v; else print "null" }'; }

ws_runs_json() {
    awk -v names="$2" '
        BEGIN { n = split(names, h, " ") }
        { printf "%s{", (NR > 1 ? "," : "")
          for (i = 1; i <= n; i++) {
              v = $i
              if (i > 1 && v !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) v = (i == 2 ? "\"" v "\"" : "null")
              else if (i == 1) v = "\"" v "\""
              printf "%s\"%s\":%s", (i > 1 ? "," : ""), h[i], v
          }
          printf "}" }' "$1"
}

ws_notes_md() {
    printf -- '- "loadgen CPU": bench/loadgen over the measured phase, %% of its one core; near 100 %% means the load\n'
    printf '  generator set the pace, not the server. Server CPU is over the same phase, RSS at its end (all sockets open).\n'
    printf -- '- "others": core time not charged to the server or the load generator over the whole run (other processes,\n'
    printf '  interrupts). More than a few %% makes a run untrustworthy: rerun on an idle machine.\n'
    printf -- '- hub = %s.\n' "$([[ $WS_HUB == host ]] && echo 'src/Hub.Host' || echo 'bench/peers/hub (Hub.Core with exactly /, /ws and /chat)')"
}

ws_echo_report_md() {
    local T=$WS_ECHO_TSV C=$WS_ECHO_COLUMNS server conns med min max base others other
    printf '## ws-echo: WebSocket echo round trips, %s-byte text messages (bench/loadgen)\n\n' "$WS_PAYLOAD"
    printf '| server | conns | round trips/s median (min–max) | p50 ms | p99 ms | server CPU %% | loadgen CPU %% | RSS MiB | errors | others on server/load core %%, max |\n'
    printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
    for conns in $WS_ECHO_CONNS; do
        for server in $SERVERS; do
            read -r med min max < <(ws_column "$T" "$C" "$server" "$conns" rps | stats)
            printf '| %s | %s | %.0f (%.0f–%.0f) | %.2f | %.2f | %.0f | %.0f | %.0f | %s | %s / %s |\n' "$server" "$conns" \
                "$med" "$min" "$max" "$(ws_median "$T" "$C" "$server" "$conns" p50_ms)" \
                "$(ws_median "$T" "$C" "$server" "$conns" p99_ms)" \
                "$(ws_median "$T" "$C" "$server" "$conns" server_cpu_pct)" \
                "$(ws_median "$T" "$C" "$server" "$conns" loadgen_cpu_pct)" \
                "$(ws_median "$T" "$C" "$server" "$conns" rss_kb | awk '{ print $1 / 1024 }')" \
                "$(ws_sum "$T" "$C" "$server" "$conns" errors)" \
                "$(ws_max "$T" "$C" "$server" "$conns" server_core_other_pct)" \
                "$(ws_max "$T" "$C" "$server" "$conns" load_core_other_pct)"
        done
    done
    read -r base others <<<"$SERVERS"
    if [[ -n ${others:-} ]]; then
        printf '\n| conns | ratio | round trips/s | p99 |\n|---:|---|---:|---:|\n'
        for conns in $WS_ECHO_CONNS; do
            for other in $others; do
                printf '| %s | %s/%s | %s | %s |\n' "$conns" "$base" "$other" \
                    "$(ws_ratio "$(ws_median "$T" "$C" "$base" "$conns" rps)" "$(ws_median "$T" "$C" "$other" "$conns" rps)")" \
                    "$(ws_ratio "$(ws_median "$T" "$C" "$base" "$conns" p99_ms)" "$(ws_median "$T" "$C" "$other" "$conns" p99_ms)")"
            done
        done
        printf '\nround trips/s ratio > 1: %s echoes more; p99 ratio < 1: %s has the shorter tail.\n' "$base" "$base"
    fi
    printf '\n'
    ws_notes_md
}

ws_echo_report_csv() {
    summary_csv_rows ws-echo "$WS_ECHO_TSV" "$WS_ECHO_COLUMNS" rps p50_ms p99_ms errors server_cpu_pct loadgen_cpu_pct rss_kb
}

ws_echo_report_json() {
    local T=$WS_ECHO_TSV C=$WS_ECHO_COLUMNS server conns first=1 base others k
    printf '{"payload":%s,"runs":[' "$WS_PAYLOAD"
    ws_runs_json "$T" "$C"
    printf '],"summary":['
    read -r base others <<<"$SERVERS"
    for conns in $WS_ECHO_CONNS; do
        for server in $SERVERS; do
            ((first)) || printf ','
            first=0
            printf '{"server":"%s","conns":%s' "$server" "$conns"
            read -r med min max < <(ws_column "$T" "$C" "$server" "$conns" rps | stats)
            printf ',"rps_median":%s,"rps_min":%s,"rps_max":%s' "$(ws_json_number "$med")" "$(ws_json_number "$min")" "$(ws_json_number "$max")"
            for k in p50_ms p99_ms server_cpu_pct loadgen_cpu_pct rss_kb; do
                printf ',"%s_median":%s' "$k" "$(ws_json_number "$(ws_median "$T" "$C" "$server" "$conns" "$k")")"
            done
            printf ',"errors":%s,"server_core_other_pct_max":%s,"load_core_other_pct_max":%s' \
                "$(ws_sum "$T" "$C" "$server" "$conns" errors)" \
                "$(ws_json_number "$(ws_max "$T" "$C" "$server" "$conns" server_core_other_pct)")" \
                "$(ws_json_number "$(ws_max "$T" "$C" "$server" "$conns" load_core_other_pct)")"
            if [[ $server != "$base" ]]; then
                printf ',"%s_ratio_rps":%s,"%s_ratio_p99":%s' \
                    "$base" "$(ws_ratio "$(ws_median "$T" "$C" "$base" "$conns" rps)" "$med")" \
                    "$base" "$(ws_ratio "$(ws_median "$T" "$C" "$base" "$conns" p99_ms)" "$(ws_median "$T" "$C" "$server" "$conns" p99_ms)")"
            fi
            printf '}'
        done
    done
    printf ']}'
}

ws_broadcast_report_md() { ws_broadcast_md ws-broadcast "$WS_BROADCAST_TSV" "$WS_BROADCAST"; }
ws_broadcast_report_json() { ws_broadcast_json "$WS_BROADCAST_TSV" "$WS_BROADCAST"; }
ws_broadcast_report_csv() {
    summary_csv_rows ws-broadcast "$WS_BROADCAST_TSV" "$WS_BROADCAST_COLUMNS" deliveries_per_s p50_ms p99_ms lost \
        out_of_order server_cpu_pct loadgen_cpu_pct rss_kb
}

# Markdown report of broadcast scenario $1 from TSV $2 over sizes $3 (shared with bench/broadcast).
ws_broadcast_md() {
    local name=$1 T=$2 sizes=$3 C=$WS_BROADCAST_COLUMNS server size med min max base others other
    printf '## %s: fan-out on /chat, %s publisher(s), %s-byte messages, window %s (bench/loadgen)\n\n' \
        "$name" "$WS_PUBLISHERS" "$WS_PAYLOAD" "$WS_WINDOW"
    printf '| server | subscribers × messages | deliveries/s median (min–max) | p50 ms | p99 ms | seconds | server CPU %% | loadgen CPU %% | RSS MiB | lost / out of order / errors | others on server/load core %%, max |\n'
    printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
    for size in $sizes; do
        for server in $SERVERS; do
            read -r med min max < <(ws_column "$T" "$C" "$server" "$size" deliveries_per_s | stats)
            printf '| %s | %s | %.0f (%.0f–%.0f) | %.2f | %.2f | %.2f | %.0f | %.0f | %.0f | %s / %s / %s | %s / %s |\n' \
                "$server" "${size/x/ × }" "$med" "$min" "$max" \
                "$(ws_median "$T" "$C" "$server" "$size" p50_ms)" "$(ws_median "$T" "$C" "$server" "$size" p99_ms)" \
                "$(ws_median "$T" "$C" "$server" "$size" duration_s)" \
                "$(ws_median "$T" "$C" "$server" "$size" server_cpu_pct)" \
                "$(ws_median "$T" "$C" "$server" "$size" loadgen_cpu_pct)" \
                "$(ws_median "$T" "$C" "$server" "$size" rss_kb | awk '{ print $1 / 1024 }')" \
                "$(ws_sum "$T" "$C" "$server" "$size" lost)" "$(ws_sum "$T" "$C" "$server" "$size" out_of_order)" \
                "$(ws_sum "$T" "$C" "$server" "$size" errors)" \
                "$(ws_max "$T" "$C" "$server" "$size" server_core_other_pct)" \
                "$(ws_max "$T" "$C" "$server" "$size" load_core_other_pct)"
        done
    done
    read -r base others <<<"$SERVERS"
    if [[ -n ${others:-} ]]; then
        printf '\n| subscribers × messages | ratio | deliveries/s | p99 |\n|---:|---|---:|---:|\n'
        for size in $sizes; do
            for other in $others; do
                printf '| %s | %s/%s | %s | %s |\n' "${size/x/ × }" "$base" "$other" \
                    "$(ws_ratio "$(ws_median "$T" "$C" "$base" "$size" deliveries_per_s)" "$(ws_median "$T" "$C" "$other" "$size" deliveries_per_s)")" \
                    "$(ws_ratio "$(ws_median "$T" "$C" "$base" "$size" p99_ms)" "$(ws_median "$T" "$C" "$other" "$size" p99_ms)")"
            done
        done
        printf '\ndeliveries/s ratio > 1: %s fans out faster; p99 ratio < 1: %s delivers sooner at the tail.\n' "$base" "$base"
    fi
    printf '\n- deliveries/s = subscribers × publishers × messages / (first send → last subscriber delivery); the\n'
    printf '  publishers receive every message too (checked, not counted). Lost and out-of-order count every connection.\n'
    ws_notes_md
}

# JSON report of a broadcast scenario from TSV $1 over sizes $2 (shared with bench/broadcast).
ws_broadcast_json() {
    local T=$1 sizes=$2 C=$WS_BROADCAST_COLUMNS server size first=1 base others k
    printf '{"publishers":%s,"payload":%s,"window":%s,"runs":[' "$WS_PUBLISHERS" "$WS_PAYLOAD" "$WS_WINDOW"
    ws_runs_json "$T" "$C"
    printf '],"summary":['
    read -r base others <<<"$SERVERS"
    for size in $sizes; do
        for server in $SERVERS; do
            ((first)) || printf ','
            first=0
            printf '{"server":"%s","subscribers":%s,"messages":%s' "$server" "${size%x*}" "${size#*x}"
            read -r med min max < <(ws_column "$T" "$C" "$server" "$size" deliveries_per_s | stats)
            printf ',"deliveries_per_s_median":%s,"deliveries_per_s_min":%s,"deliveries_per_s_max":%s' \
                "$(ws_json_number "$med")" "$(ws_json_number "$min")" "$(ws_json_number "$max")"
            for k in p50_ms p99_ms duration_s server_cpu_pct loadgen_cpu_pct rss_kb; do
                printf ',"%s_median":%s' "$k" "$(ws_json_number "$(ws_median "$T" "$C" "$server" "$size" "$k")")"
            done
            printf ',"lost":%s,"out_of_order":%s,"errors":%s,"server_core_other_pct_max":%s,"load_core_other_pct_max":%s' \
                "$(ws_sum "$T" "$C" "$server" "$size" lost)" "$(ws_sum "$T" "$C" "$server" "$size" out_of_order)" \
                "$(ws_sum "$T" "$C" "$server" "$size" errors)" \
                "$(ws_json_number "$(ws_max "$T" "$C" "$server" "$size" server_core_other_pct)")" \
                "$(ws_json_number "$(ws_max "$T" "$C" "$server" "$size" load_core_other_pct)")"
            if [[ $server != "$base" ]]; then
                printf ',"%s_ratio_deliveries":%s,"%s_ratio_p99":%s' \
                    "$base" "$(ws_ratio "$(ws_median "$T" "$C" "$base" "$size" deliveries_per_s)" "$med")" \
                    "$base" "$(ws_ratio "$(ws_median "$T" "$C" "$base" "$size" p99_ms)" "$(ws_median "$T" "$C" "$server" "$size" p99_ms)")"
            fi
            printf '}'
        done
    done
    printf ']}'
}
