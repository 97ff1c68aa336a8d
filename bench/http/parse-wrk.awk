# Parses the output of `wrk --latency`; prints one line:
#   req_per_s p50_ms p99_ms requests socket_errors non_2xx
# and exits 1 when the output has no "Requests/sec" line (wrk failed). Latencies are converted to milliseconds.

# "850.00us" → 0.85, "2.10ms" → 2.1, "1.02s" → 1020; wrk prints us, ms, s, m or h.
function ms(text,   value, unit) {
    value = text + 0
    unit = text
    sub(/^[0-9.]+/, "", unit)
    if (unit == "us") return value / 1000
    if (unit == "ms") return value
    if (unit == "s") return value * 1000
    if (unit == "m") return value * 60000
    if (unit == "h") return value * 3600000
    return -1
}

# Latency Distribution block: "     50%    2.10ms"
$1 == "50%" { p50 = ms($2) }
$1 == "99%" { p99 = ms($2) }
# "  220000 requests in 5.00s, 30.00MB read"
/ requests in / { requests = $1 }
# "  Socket errors: connect 0, read 12, write 0, timeout 3" (only printed when there are errors)
/Socket errors:/ { for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errors += $i + 0 }
# "  Non-2xx or 3xx responses: 5" (only printed when there are some)
/Non-2xx or 3xx responses:/ { non2xx = $NF + 0 }
/^Requests\/sec:/ { rps = $2 }

END {
    if (rps == "") exit 1
    printf "%s %.3f %.3f %d %d %d\n", rps, p50, p99, requests, errors, non2xx
}
