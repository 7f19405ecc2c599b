#!/usr/bin/env bash
# Web server + Celery worker + beat + mail sink in the foreground. Ctrl-C stops them all.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${KONTO_PUBLIC_PORT:-8000}
export KONTO_EMAIL_PORT=${KONTO_EMAIL_PORT:-1025}

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "Port $PORT is in use (is the portal already running?). Stop it first, or set KONTO_PUBLIC_PORT." >&2
  exit 1
fi

mkdir -p var/mail var/log
pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
}
trap stop INT TERM EXIT

$PY scripts/mailsink.py --port "$KONTO_EMAIL_PORT" --dir var/mail & pids+=($!)
$PY -m celery -A config worker --loglevel=INFO --concurrency=2 --hostname="worker@%h" > var/log/worker.log 2>&1 & pids+=($!)
$PY -m celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule > var/log/beat.log 2>&1 & pids+=($!)
$PY manage.py runserver --insecure "0.0.0.0:$PORT" & pids+=($!)

cat <<INFO

  Kontoportal is running (Ctrl-C stops everything):
    Public site and staff admin   http://localhost:$PORT/        http://localhost:$PORT/admin/
    Min konto (demo accounts)     http://fjord.localhost:$PORT/   http://nordlys.localhost:$PORT/   http://harbour.localhost:$PORT/
    API and its schema            http://localhost:$PORT/api/v1/  http://localhost:$PORT/api/v1/schema/
    Health                        http://localhost:$PORT/healthz
    Mail sink                     var/mail/ (and "Mail log" in the admin)
    Worker and beat logs          var/log/worker.log, var/log/beat.log
  Logins: printed above by load_demo.

INFO
wait -n "${pids[@]}"
echo "A process stopped; stopping the others." >&2
