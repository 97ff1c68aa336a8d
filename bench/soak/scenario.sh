# The `soak` scenario of bench/run.sh (sourced by it; uses its helpers): issue 12's "30 minutes of mixed load against
# one node; RSS, GC heap, open descriptors and threads must not trend up".
#
# One Hub.Host (Release, default flags) pinned to SERVER_CPU; bench/loadgen's soak mode, niced and pinned to
# LOAD_CPU, runs for SOAK_DURATION seconds at fixed modest rates: HTTP keep-alive and new connections, WebSocket echo
# on /ws, the /chat room with SOAK_SUBSCRIBERS clients and one publisher (every client must see every message, in
# order), clients that vanish without a close (reset WebSockets, half-sent requests, silent TCP connections) and a
# slow reader (a /chat client that reads nothing for 60 s). Every SOAK_SAMPLE_INTERVAL seconds it records the
# server's VmRSS and thread count (/proc/PID/status), open descriptors (/proc/PID/fd) and GC heap (/health
# gcHeapBytes) into soak-samples.csv.
#
# Pass: errors 0 (no failed request, lost echo or broadcast, or connection closed by the server that the load
# generator did not end itself; the slow reader's overflow close is counted apart) and no metric trending up: over
# the samples after SOAK_STEADY_AFTER seconds, the least-squares line rises by at most SOAK_MAX_RISE of their mean
# (for the counts, fds and threads, by at most SOAK_COUNT_ALLOWANCE if that is more: the thread pool adds and retires
# a few threads with the machine's load; a leak of one per client would pass it within minutes).
# Charts: soak-rss, soak-gc-heap, soak-fds, soak-threads (.png/.svg), copied to PLOTS_DIR.

SOAK_DURATION=${SOAK_DURATION:-1800}
SOAK_SAMPLE_INTERVAL=${SOAK_SAMPLE_INTERVAL:-10}
SOAK_STEADY_AFTER=${SOAK_STEADY_AFTER:-300}
SOAK_MAX_RISE=${SOAK_MAX_RISE:-0.10}
SOAK_COUNT_ALLOWANCE=${SOAK_COUNT_ALLOWANCE:-5}
SOAK_SUBSCRIBERS=${SOAK_SUBSCRIBERS:-20}

SOAK_TSV=""
SOAK_OUT=""
SOAK_COLUMNS="server point run duration_s errors trends_ok rss_kb_start rss_kb_end rss_kb_rise_pct gc_heap_bytes_start gc_heap_bytes_end gc_heap_bytes_rise_pct fds_start fds_end fds_rise_pct threads_start threads_end threads_rise_pct http_requests ws_echoes broadcasts_delivered vanished_clients slow_readers_closed_by_server"

soak_requirements() {
    NEED_HUB_HOST=1
    NEED_LOADGEN=1
    [[ $SOAK_DURATION =~ ^[0-9]+$ ]] && ((SOAK_DURATION > SOAK_STEADY_AFTER)) ||
        die "SOAK_DURATION must be a number of seconds above SOAK_STEADY_AFTER ($SOAK_STEADY_AFTER)"
    ((FD_NEED < SOAK_SUBSCRIBERS + 512)) && FD_NEED=$((SOAK_SUBSCRIBERS + 512))
    return 0
}

soak_scenario() {
    [[ " $SERVERS " == *" hub "* ]] || die "soak measures Hub only: SERVERS must include hub"
    SOAK_TSV="$RUN_DIR/soak.tsv"
    SOAK_OUT="$RUN_DIR/soak-hub.txt"
    : >"$SOAK_TSV"
    local samples="$RUN_DIR/soak-samples.csv" pid deadline rc
    HUB_VARIANT=host
    start_server hub
    log "soak: ${SOAK_DURATION}s of mixed load against Hub.Host (pid $SERVER_PID), samples every ${SOAK_SAMPLE_INTERVAL}s"
    nice -n 19 taskset -c "$LOAD_CPU" dotnet "$LOADGEN_DLL" soak --url "http://127.0.0.1:$HUB_PORT" \
        --server-pid "$SERVER_PID" --samples "$samples" --duration "$SOAK_DURATION" \
        --sample-interval "$SOAK_SAMPLE_INTERVAL" --steady-after "$SOAK_STEADY_AFTER" --max-rise "$SOAK_MAX_RISE" \
        --count-allowance "$SOAK_COUNT_ALLOWANCE" \
        --subscribers "$SOAK_SUBSCRIBERS" --max-seconds $((SOAK_DURATION + 300)) >"$SOAK_OUT" 2>&1 &
    pid=$!
    STARTED+=("$pid")
    deadline=$((SECONDS + SOAK_DURATION + 330))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$RUN_DIR/hub.log" >&2; die "hub exited during the soak"; }
        sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "the load generator overran, stopping it"
        rc=124
    else
        wait "$pid" && rc=0 || rc=$?
    fi
    stop_pid "$pid"
    log "stopping hub (pid $SERVER_PID)"
    stop_pid "$SERVER_PID"
    grep -q '^RESULT ' "$SOAK_OUT" || { tail -n 20 "$SOAK_OUT" >&2; die "soak: the load generator produced no result (exit $rc)"; }
    grep '^TREND\|^error' "$SOAK_OUT" >&2 || true
    local f=() c
    for c in duration_s errors trends_ok rss_kb_start rss_kb_end rss_kb_rise_pct gc_heap_bytes_start gc_heap_bytes_end \
        gc_heap_bytes_rise_pct fds_start fds_end fds_rise_pct threads_start threads_end threads_rise_pct; do
        f+=("$(soak_field "$c")")
    done
    printf 'hub soak 1 %s %s %s %s %s %s\n' "${f[*]}" \
        "$(($(soak_field http_keepalive) + $(soak_field http_new_connections)))" "$(soak_field ws_echoes)" \
        "$(soak_field broadcasts_delivered)" "$(soak_field vanished_clients)" "$(soak_field slow_readers_closed_by_server)" \
        >>"$SOAK_TSV"
    if [[ $NO_PLOT != 1 && -f $PLOT_DLL ]]; then
        local copy=()
        [[ -n $PLOTS_DIR ]] && copy=(--copy-to "$PLOTS_DIR")
        dotnet "$PLOT_DLL" --soak "$samples" --steady-after "$SOAK_STEADY_AFTER" --out "$RUN_DIR" "${copy[@]+"${copy[@]}"}" >&2 ||
            log "warning: the soak charts failed; the samples are in $samples"
    fi
    ((rc == 0)) && log "soak passed" || log "soak FAILED (exit $rc): see $SOAK_OUT"
}

soak_field() { awk -v k="$1" '$1 == "RESULT" { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$SOAK_OUT"; }

# ---- reports --------------------------------------------------------------------------------------------------------

soak_report_md() {
    local duration errors trends
    read -r _ _ _ duration errors trends _ <"$SOAK_TSV"
    printf '## soak: %s s of mixed load on one Hub.Host (bench/loadgen soak)\n\n' "$duration"
    printf '**%s**: errors %s; no metric trending up after %s s: %s\n\n' \
        "$( ((errors == 0 && trends == 1)) && echo passed || echo FAILED)" "$errors" "$SOAK_STEADY_AFTER" \
        "$( ((trends == 1)) && echo yes || echo NO)"
    printf '| metric | start | end | least-squares rise after %s s, %% of mean (limit %s%%; counts: or %s) |\n|---|---:|---:|---:|\n' \
        "$SOAK_STEADY_AFTER" "$(awk -v r="$SOAK_MAX_RISE" 'BEGIN { print r * 100 }')" "$SOAK_COUNT_ALLOWANCE"
    awk '{ printf "| RSS (MiB) | %.1f | %.1f | %s |\n| GC heap (MiB) | %.1f | %.1f | %s |\n| open fds | %s | %s | %s |\n| threads | %s | %s | %s |\n",
        $7 / 1024, $8 / 1024, $9, $10 / 1048576, $11 / 1048576, $12, $13, $14, $15, $16, $17, $18 }' "$SOAK_TSV"
    awk '{ printf "\nload: %s HTTP requests, %s WebSocket echoes, %s broadcast deliveries, %s vanished clients, %s slow readers closed by the server\n", $19, $20, $21, $22, $23 }' "$SOAK_TSV"
    printf -- '- samples every %s s in soak-samples.csv; charts soak-rss, soak-gc-heap, soak-fds, soak-threads\n' "$SOAK_SAMPLE_INTERVAL"
}

soak_report_csv() {
    summary_csv_rows soak "$SOAK_TSV" "$SOAK_COLUMNS" errors trends_ok rss_kb_rise_pct gc_heap_bytes_rise_pct fds_rise_pct threads_rise_pct
}

soak_report_json() {
    printf '{"duration_s":%s,"sample_interval_s":%s,"steady_after_s":%s,"max_rise":%s,"runs":[' \
        "$SOAK_DURATION" "$SOAK_SAMPLE_INTERVAL" "$SOAK_STEADY_AFTER" "$SOAK_MAX_RISE"
    awk -v names="$SOAK_COLUMNS" 'BEGIN { n = split(names, h, " ") }
        { printf "%s{", (NR > 1 ? "," : ""); for (i = 1; i <= n; i++) printf "%s\"%s\":%s", (i > 1 ? "," : ""), h[i], ($i ~ /^-?[0-9.]+$/ ? $i : "\"" $i "\""); printf "}" }' "$SOAK_TSV"
    printf ']}'
}
