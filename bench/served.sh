#!/usr/bin/env bash
# Served mode: Kokemus as production runs it (bin/serve: gunicorn, DEBUG off, PostgreSQL) on
# 127.0.0.1 with a county-sized data set, its main pages checked, then a Locust load test.
#
#   bench/served.sh [--duration 60s] [--users 20] [--assignments 100000] [--years 5]
#                   [--workers 2] [--threads 4] [--port 8765] [--spawn-rate 2] [--servers 1]
#                   [--ceiling]
#
# --years: the years the assignments span (ten years of data: --assignments 1000000 --years 10).
# --threads: threads per gunicorn worker (GUNICORN_THREADS, as in production; 1: the sync worker).
# --servers N: N bin/serve (each --workers workers, on the ports after --port) behind nginx on
#   --port, configured as docs/deployment.md says (bench/balancer.py), on one PostgreSQL; the
#   first migrates and runs the background worker. nginx-light is installed if missing.
# --ceiling: instead of --duration at a steady pace, step the pace of --users users up until
#   the p95 passes 200 ms (bench/ceiling.py; KOKEMUS_CEILING_STEP_SECONDS, _PACES) and name
#   the bottleneck from the CPU each process group used: bench/out/ceiling.csv.
#
# Users start at --spawn-rate a second: each logs in once, and a login costs ~0.4 s of CPU
# (Argon2), so a faster start measures a queue of logins rather than the pages.
#
# Makes a scratch database (SERVED_DATABASE, default kokemus_served, dropped first) on the
# PostgreSQL at 127.0.0.1:5432 (user postgres, trust). Writes to bench/out/: the server's
# log, Locust's CSV statistics and HTML report, created.jsonl. Exits non-zero if a page or
# a request failed, or a write of the load test is missing (bench/verify_writes.py).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=60s users=20 assignments=100000 years=5 workers=2 threads=${GUNICORN_THREADS:-4} port=8765 spawn_rate=2
servers=1 ceiling=false
while [ $# -gt 0 ]; do
    case $1 in
    --ceiling) ceiling=true && shift && continue ;;
    --servers) servers=$2 ;;
    --duration) duration=$2 ;;
    --users) users=$2 ;;
    --assignments) assignments=$2 ;;
    --years) years=$2 ;;
    --workers) workers=$2 ;;
    --threads) threads=$2 ;;
    --port) port=$2 ;;
    --spawn-rate) spawn_rate=$2 ;;
    *) echo "unknown option $1 (see the top of $0)" >&2 && exit 2 ;;
    esac
    shift 2
done

step() { printf '\n== served: %s\n' "$*"; }
python=.venv/bin/python
out=bench/out
database=${SERVED_DATABASE:-kokemus_served}
pg_server=postgres://postgres@127.0.0.1:5432
base=http://127.0.0.1:$port
rm -rf "$out" && mkdir -p "$out"

# Production settings, but plain HTTP on the loopback (no TLS proxy in front here).
export DEBUG=false
SECRET_KEY="served-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 DATABASE_URL=$pg_server/$database
export ORGANISATION_NAME="Kokemus load test"
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0
export HOST=127.0.0.1 WEB_CONCURRENCY=$workers GUNICORN_THREADS=$threads LOG_LEVEL=WARNING
# Every request form of the test comes from 127.0.0.1: the per-address limit is not under test.
export REQUEST_FORM_POSTS_PER_HOUR=1000000
export KOKEMUS_BENCH_RUN
KOKEMUS_BENCH_RUN=$(date +%Y%m%d%H%M%S)

step "PostgreSQL: a fresh $database"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
dropdb --if-exists --force -h 127.0.0.1 -U postgres "$database"
createdb -h 127.0.0.1 -U postgres "$database"

step "migrate and generate $assignments assignments"
"$python" manage.py migrate --noinput --verbosity 0
started=$SECONDS
"$python" manage.py generate_load_data --assignments "$assignments" --years "$years" \
    --manifest "$out/manifest.json" | tail -n 2
echo "generated in $((SECONDS - started)) s"
# VACUUM as autovacuum would soon after a bulk load: it sets the visibility map, without which
# the lists' COUNTs read the whole table instead of an index alone (27 ms instead of 9).
vacuumdb --quiet --analyze -h 127.0.0.1 -U postgres "$database"

# One bin/serve on --port; or N on the ports after it, behind nginx on --port.
if [ "$servers" -gt 1 ]; then
    command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx-light; }
fi
pids=()
stop_servers() {
    for pid in "${pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" && wait "$pid" || true
        fi
    done
}
trap stop_servers EXIT
healthy() {
    "$python" -c "import urllib.request as u; u.urlopen('$1/healthz', timeout=5)" 2>/dev/null
}
wait_healthy() { # the address, the process, its log
    for _ in $(seq 180); do # collectstatic compresses every file first: a minute on a busy machine
        healthy "$1" && return 0
        kill -0 "$2" 2>/dev/null || { tail -n 30 "$3"; exit 1; }
        sleep 1
    done
    echo "no answer from $1/healthz" >&2 && exit 1
}
for number in $(seq "$servers"); do
    server_port=$port first=true
    [ "$servers" -gt 1 ] && server_port=$((port + number))
    [ "$number" -gt 1 ] && first=false
    log=$out/server.log
    [ "$servers" -gt 1 ] && log=$out/server-$number.log
    step "bin/serve $number of $servers on 127.0.0.1:$server_port: $workers workers of $threads thread(s)"
    # Each its own static files (collectstatic at start); the first migrates and runs the worker.
    PORT=$server_port STATIC_ROOT=$PWD/$out/static-$number MIGRATE=$first WORKER=$first \
        bin/serve >"$log" 2>&1 &
    pids+=($!)
    wait_healthy "http://127.0.0.1:$server_port" "$!" "$log"
done
if [ "$servers" -gt 1 ]; then
    step "nginx on $base in front of the $servers (docs/deployment.md's configuration)"
    config=$("$python" bench/balancer.py --listen "$port" --dir "$out/nginx" \
        --upstream $(seq $((port + 1)) $((port + servers))))
    nginx -c "$config" -p "$PWD/$out/nginx" &
    pids+=($!)
    wait_healthy "$base" "$!" "$out/nginx/error.log"
fi

step "main pages answer 200 (bench/pages.txt)"
pages_ok=true
"$python" bench/check_pages.py --base "$base" || pages_ok=false

# --stop-timeout: at the end each user finishes its task, so no write is left unconfirmed.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
load_ok=true
if $ceiling; then
    step "Locust: the ceiling, $users users at a rising pace (bench/ceiling.py)"
    KOKEMUS_CEILING_USERS=$users "$python" -m locust -f bench/ceiling.py --headless \
        --host "$base" --stop-timeout 30 --csv "$out/locust" --html "$out/locust.html" \
        --only-summary --loglevel WARNING >"$out/locust.log" 2>&1 || load_ok=false
    grep -A 30 '^ *pace' "$out/locust.log" | grep -v '^\[' || true
else
    step "Locust: $users users for $duration"
    "$python" -m locust -f bench/locustfile.py --headless --host "$base" \
        --users "$users" --spawn-rate "$spawn_rate" --run-time "$duration" --stop-timeout 30 \
        --csv "$out/locust" --html "$out/locust.html" --only-summary \
        --loglevel WARNING >"$out/locust.log" 2>&1 || load_ok=false
fi

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) (the machine's other work shows here)"
stop_servers
trap - EXIT

step "every write of the load test is there exactly once"
writes_ok=true
"$python" bench/verify_writes.py "$out/created.jsonl" || writes_ok=false

step "results"
summary_ok=true
"$python" bench/summary.py "$out/locust_stats.csv" || summary_ok=false
grep -h '"level": "ERROR"' "$out"/server*.log | head -n 5 || true

if ! $pages_ok || ! $load_ok || ! $writes_ok || ! $summary_ok; then
    echo "served: FAILED (pages $pages_ok, load test $load_ok, writes $writes_ok," \
        "requests $summary_ok); see $out/" >&2
    tail -n 20 "$out/locust.log" >&2
    exit 1
fi
echo "served: all pages answered, no request failed, no write lost."
