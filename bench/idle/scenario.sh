# The `idle` scenario of bench/run.sh (sourced by it; uses its helpers and bench/ws/scenario.sh's load generator
# runner): memory per idle connection, issue 5's "server RSS delta over 10,000 and 19,000 open sockets".
#
# For each server, kind (ws, http) and run: a fresh server pinned to SERVER_CPU; bench/loadgen (pinned to LOAD_CPU)
# opens and closes IDLE_WARMUP_CONNS connections (warm-up), waits IDLE_SETTLE seconds and reads the server's VmRSS
# (RSS_0); then for each N in IDLE_STEPS it opens connections until N are open, waits IDLE_SETTLE seconds (nothing is
# forced: no GC, no trim) and reads VmRSS again (RSS_N). Reported: (RSS_N - RSS_0) / N in KiB per connection.
#   ws    WebSockets to /ws, opening handshake done, then silence (server pings would be answered).
#   http  keep-alive connections that sent one `GET /`, read the whole response and stay open.
# A connection the server closes, or any byte it sends unasked, fails the run. Every server's idle timeouts (130 s
# keep-alive, 120 s WebSocket ping) are longer than a run's steps take.

# The load generator runner (ws_loadgen, ws_field, ws_require_result) and the report helpers live there.
declare -F ws_loadgen >/dev/null || source "$BENCH_DIR/ws/scenario.sh"

IDLE_STEPS=${IDLE_STEPS:-"1000 10000 19000"}
IDLE_KINDS=${IDLE_KINDS:-"ws http"}
IDLE_SETTLE=${IDLE_SETTLE:-3}
IDLE_WARMUP_CONNS=${IDLE_WARMUP_CONNS:-200}
IDLE_REPEAT=${IDLE_REPEAT:-$REPEAT}
IDLE_SOURCES=${IDLE_SOURCES:-}

IDLE_TSV=""
IDLE_COLUMNS="server point run rss0_kb rss_kb kb_per_conn closed_early server_core_other_pct load_core_other_pct"

# Called by run.sh before building. Steps that would not fit under the hard open-file limit (the server and the load
# generator each hold one descriptor per connection, plus ~200 of their own) are left out, with a warning.
idle_requirements() {
    NEED_HUB_PEER=1
    NEED_LOADGEN=1
    local hard kept=() n k
    hard=$(ulimit -Hn)
    for n in $IDLE_STEPS; do
        [[ $n =~ ^[1-9][0-9]*$ ]] || die "IDLE_STEPS entries are connection counts, got '$n'"
        if [[ $hard != unlimited ]] && ((n + 256 > hard)); then
            log "idle: leaving out $n connections: the open-file hard limit is $hard"
            continue
        fi
        kept+=("$n")
        ((n > FD_NEED)) && FD_NEED=$n
    done
    ((${#kept[@]})) || die "idle: no step of IDLE_STEPS fits under the open-file hard limit $hard"
    IDLE_STEPS="${kept[*]}"
    for k in $IDLE_KINDS; do [[ $k == ws || $k == http ]] || die "IDLE_KINDS entries are ws or http, got '$k'"; done
    return 0
}

idle_scenario() {
    IDLE_TSV="$RUN_DIR/idle.tsv"
    : >"$IDLE_TSV"
    local server port kind run
    for server in $SERVERS; do
        port=$(server_port "$server")
        for kind in $IDLE_KINDS; do
            for ((run = 1; run <= IDLE_REPEAT; run++)); do
                idle_measure "$server" "$port" "$kind" "$run"
            done
        done
    done
}

idle_measure() {
    local server=$1 port=$2 kind=$3 run=$4 out url steps line n rss per open
    out="$RUN_DIR/idle-$server-$kind-run$run.txt"
    [[ $kind == ws ]] && url="ws://127.0.0.1:$port/ws" || url="http://127.0.0.1:$port/"
    # A fresh server per run: what an earlier run left in its heap would otherwise be charged to nobody.
    HUB_VARIANT=peer
    start_server "$server"
    HUB_VARIANT=host
    SERVER_NAME=$server
    steps=$(tr ' ' ',' <<<"$IDLE_STEPS")
    local sources=()
    [[ -n $IDLE_SOURCES ]] && sources=(--source-addresses "$IDLE_SOURCES")
    ws_loadgen "$out" 900 idle --kind "$kind" --url "$url" --steps "$steps" --settle "$IDLE_SETTLE" \
        --warmup-connections "$IDLE_WARMUP_CONNS" "${sources[@]+"${sources[@]}"}"
    kill -0 "$SERVER_PID" 2>/dev/null || ws_server_died "$server"
    ws_require_result "$out" "$server idle $kind run $run"
    log "stopping $server (pid $SERVER_PID)"
    stop_pid "$SERVER_PID"
    local rss0 closed
    rss0=$(ws_field "$out" rss0_kb)
    closed=$(ws_field "$out" closed_early)
    # One TSV row per step: "STEP n=N open=O rss_kb=R delta_kb=D kb_per_conn=K".
    while read -r line; do
        n=$(sed -n 's/.* n=\([0-9]*\).*/\1/p' <<<"$line")
        rss=$(sed -n 's/.* rss_kb=\([0-9]*\).*/\1/p' <<<"$line")
        per=$(sed -n 's/.* kb_per_conn=\([0-9.]*\).*/\1/p' <<<"$line")
        open=$(sed -n 's/.* open=\([0-9]*\).*/\1/p' <<<"$line")
        printf '%s %s:%s %s %s %s %s %s %s %s\n' "$server" "$kind" "$n" "$run" "${rss0:-nan}" "${rss:-nan}" \
            "${per:-nan}" "$((n - open))" "$WS_SERVER_OTHER" "$WS_LOAD_OTHER" >>"$IDLE_TSV"
        log "$server idle $kind run $run/$IDLE_REPEAT: $n open, RSS $rss KiB (RSS_0 $rss0 KiB) = $per KiB per connection"
    done < <(grep '^STEP ' "$out")
    log "$server idle $kind run $run: closed early $closed, others on the cores $WS_SERVER_OTHER % / $WS_LOAD_OTHER %"
}

# ---- reports --------------------------------------------------------------------------------------------------------

idle_report_md() {
    local T=$IDLE_TSV C=$IDLE_COLUMNS server kind n med min max base others other
    printf '## idle: server memory per idle connection, (RSS_N − RSS_0) / N (bench/loadgen idle)\n\n'
    printf '| server | kind | open N | KiB per connection median (min–max) | RSS_N MiB | RSS_0 MiB | closed early | others on server/load core %%, max |\n'
    printf '|---|---|---:|---:|---:|---:|---:|---:|\n'
    for kind in $IDLE_KINDS; do
        for n in $IDLE_STEPS; do
            for server in $SERVERS; do
                read -r med min max < <(ws_column "$T" "$C" "$server" "$kind:$n" kb_per_conn | stats)
                [[ $med == nan ]] && continue
                printf '| %s | %s | %s | %.2f (%.2f–%.2f) | %.1f | %.1f | %s | %s / %s |\n' "$server" "$kind" "$n" \
                    "$med" "$min" "$max" \
                    "$(ws_median "$T" "$C" "$server" "$kind:$n" rss_kb | awk '{ print $1 / 1024 }')" \
                    "$(ws_median "$T" "$C" "$server" "$kind:$n" rss0_kb | awk '{ print $1 / 1024 }')" \
                    "$(ws_sum "$T" "$C" "$server" "$kind:$n" closed_early)" \
                    "$(ws_max "$T" "$C" "$server" "$kind:$n" server_core_other_pct)" \
                    "$(ws_max "$T" "$C" "$server" "$kind:$n" load_core_other_pct)"
            done
        done
    done
    read -r base others <<<"$SERVERS"
    if [[ -n ${others:-} ]]; then
        printf '\n| kind | open N | ratio | KiB per connection |\n|---|---:|---|---:|\n'
        for kind in $IDLE_KINDS; do
            for n in $IDLE_STEPS; do
                for other in $others; do
                    printf '| %s | %s | %s/%s | %s |\n' "$kind" "$n" "$base" "$other" \
                        "$(ws_ratio "$(ws_median "$T" "$C" "$base" "$kind:$n" kb_per_conn)" "$(ws_median "$T" "$C" "$other" "$kind:$n" kb_per_conn)")"
                done
            done
        done
        printf '\nratio < 1: %s holds an idle connection in less memory.\n' "$base"
    fi
    printf '\n- a fresh server per kind and run; RSS_0 after opening and closing %s connections (warm-up); each RSS read\n' "$IDLE_WARMUP_CONNS"
    printf '  %s s after the step'"'"'s last connection opened, nothing forced (no GC, no trim). %s runs; median shown.\n' "$IDLE_SETTLE" "$IDLE_REPEAT"
    printf -- '- RSS is the process'"'"'s resident memory (VmRSS): kernel socket buffers are not in it. Small N is dominated by\n'
    printf '  GC heap growth steps; read the largest N.\n'
    printf -- '- "others": core time not charged to the server or the load generator over the whole run.\n'
    printf -- '- hub = bench/peers/hub (Hub.Core with exactly /, /ws and /chat); kestrel, node, tornado = bench/peers/<name>.\n'
}

idle_report_csv() {
    summary_csv_rows idle "$IDLE_TSV" "$IDLE_COLUMNS" kb_per_conn rss_kb rss0_kb closed_early
}

idle_report_json() {
    local T=$IDLE_TSV C=$IDLE_COLUMNS server kind n first=1 base others med min max
    printf '{"steps":[%s],"settle_s":%s,"warmup_connections":%s,"repeat":%s,"runs":[' \
        "$(tr ' ' ',' <<<"$IDLE_STEPS")" "$IDLE_SETTLE" "$IDLE_WARMUP_CONNS" "$IDLE_REPEAT"
    ws_runs_json "$T" "$C"
    printf '],"summary":['
    read -r base others <<<"$SERVERS"
    for kind in $IDLE_KINDS; do
        for n in $IDLE_STEPS; do
            for server in $SERVERS; do
                read -r med min max < <(ws_column "$T" "$C" "$server" "$kind:$n" kb_per_conn | stats)
                ((first)) || printf ','
                first=0
                printf '{"server":"%s","kind":"%s","connections":%s' "$server" "$kind" "$n"
                printf ',"kb_per_conn_median":%s,"kb_per_conn_min":%s,"kb_per_conn_max":%s' \
                    "$(ws_json_number "$med")" "$(ws_json_number "$min")" "$(ws_json_number "$max")"
                printf ',"rss_kb_median":%s,"rss0_kb_median":%s,"closed_early":%s' \
                    "$(ws_json_number "$(ws_median "$T" "$C" "$server" "$kind:$n" rss_kb)")" \
                    "$(ws_json_number "$(ws_median "$T" "$C" "$server" "$kind:$n" rss0_kb)")" \
                    "$(ws_sum "$T" "$C" "$server" "$kind:$n" closed_early)"
                printf ',"server_core_other_pct_max":%s,"load_core_other_pct_max":%s' \
                    "$(ws_json_number "$(ws_max "$T" "$C" "$server" "$kind:$n" server_core_other_pct)")" \
                    "$(ws_json_number "$(ws_max "$T" "$C" "$server" "$kind:$n" load_core_other_pct)")"
                if [[ $server != "$base" ]]; then
                    printf ',"%s_ratio_kb_per_conn":%s' "$base" \
                        "$(ws_ratio "$(ws_median "$T" "$C" "$base" "$kind:$n" kb_per_conn)" "$med")"
                fi
                printf '}'
            done
        done
    done
    printf ']}'
}
