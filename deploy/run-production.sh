#!/usr/bin/env bash
# The production run on one machine, in the foreground: production settings, static files
# collected, every schema migrated, then gunicorn + Celery worker + beat behind nginx (TLS, HSTS,
# static files, public-page cache) — the commands of the systemd units in deploy/systemd/.
# Ctrl-C (or SIGTERM) stops them all. See README, "Production".
#
#   KONTO_ENV_FILE=/etc/kontoportal/kontoportal.env deploy/run-production.sh
#
# Besides the portal's own variables (deploy/kontoportal.env.example):
#   KONTO_HTTP_PORT, KONTO_HTTPS_PORT   where nginx listens (8080, 8443; 80 and 443 need root)
#   KONTO_TLS_CERTIFICATE, KONTO_TLS_CERTIFICATE_KEY   PEM files for the base domain and its
#                       sub-domains; without them a self-signed pair is made in the run directory
#   KONTO_RUN_DIR       nginx's config, pid, logs, cache and temporary files (var/production)
#   KONTO_PREPARE=0     skip compilemessages/collectstatic/migrate (already done by this release)
#   KONTO_COMPILEMESSAGES=0   skip compilemessages only
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${KONTO_ENV_FILE:-}" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$KONTO_ENV_FILE"
  set +a
fi
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings_production}
: "${KONTO_SECRET_KEY:?KONTO_SECRET_KEY must be set (see deploy/kontoportal.env.example)}"
PY=${KONTO_PYTHON:-.venv/bin/python}
BIN=$(dirname "$PY")
NGINX=${KONTO_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
RUN_DIR=$(realpath -m "${KONTO_RUN_DIR:-var/production}")
HTTP_PORT=${KONTO_HTTP_PORT:-8080}
HTTPS_PORT=${KONTO_HTTPS_PORT:-8443}
BASE_DOMAIN=${KONTO_BASE_DOMAIN:-localhost}
export KONTO_WEB_BIND=${KONTO_WEB_BIND:-127.0.0.1:8001}
KONTO_STATIC_ROOT=$(realpath -m "${KONTO_STATIC_ROOT:-staticfiles}")
export KONTO_STATIC_ROOT
# Links in e-mails carry the port nginx serves HTTPS on, unless it is the default one.
if [ "$HTTPS_PORT" = 443 ]; then export KONTO_PUBLIC_PORT=${KONTO_PUBLIC_PORT:-}; else export KONTO_PUBLIC_PORT=${KONTO_PUBLIC_PORT:-$HTTPS_PORT}; fi

for port in "$HTTP_PORT" "$HTTPS_PORT" "${KONTO_WEB_BIND##*:}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is in use (is the portal already running?). Stop it first, or choose other ports." >&2
    exit 1
  fi
done

mkdir -p "$RUN_DIR"/tmp "$RUN_DIR"/cache "$RUN_DIR"/log "$RUN_DIR"/tls
CERT=${KONTO_TLS_CERTIFICATE:-$RUN_DIR/tls/certificate.pem}
KEY=${KONTO_TLS_CERTIFICATE_KEY:-$RUN_DIR/tls/key.pem}
if [ -z "${KONTO_TLS_CERTIFICATE:-}" ] && [ ! -s "$CERT" ]; then
  echo "No KONTO_TLS_CERTIFICATE: making a self-signed certificate for $BASE_DOMAIN and *.$BASE_DOMAIN (browsers will warn)."
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$BASE_DOMAIN" \
    -addext "subjectAltName=DNS:$BASE_DOMAIN,DNS:*.$BASE_DOMAIN" -keyout "$KEY" -out "$CERT" 2>/dev/null
fi

if [ "${KONTO_PREPARE:-1}" = 1 ]; then
  if [ "${KONTO_COMPILEMESSAGES:-1}" = 1 ]; then
    $PY manage.py compilemessages --ignore=.venv --ignore=var --ignore=staticfiles --ignore=bench -v 0
  fi
  echo "Collecting static files into $KONTO_STATIC_ROOT"
  $PY manage.py collectstatic --noinput -v 0
  echo "Migrating every schema"
  $PY manage.py migrate_schemas -v 0
  $PY manage.py bootstrap
  # The warm pool of account schemas, cloned from the template as it is after this migration.
  $PY manage.py account_pool_fill -v 0
  $PY manage.py setup_periodic_tasks -v 0
fi

# nginx's configuration, rendered into the run directory and checked before anything starts.
export KP_RUN_DIR=$RUN_DIR KP_SERVER_NAME=$BASE_DOMAIN KP_HTTP_PORT=$HTTP_PORT KP_HTTPS_PORT=$HTTPS_PORT \
  KP_TLS_CERTIFICATE=$CERT KP_TLS_CERTIFICATE_KEY=$KEY KP_STATIC_ROOT=$KONTO_STATIC_ROOT \
  KP_UPSTREAM=$KONTO_WEB_BIND KP_CACHE_DIR=$RUN_DIR/cache
$PY deploy/render.py deploy/nginx/nginx.conf > "$RUN_DIR/nginx.conf"
$PY deploy/render.py deploy/nginx/kontoportal.conf > "$RUN_DIR/kontoportal.conf"
"$NGINX" -q -t -p "$RUN_DIR" -e "$RUN_DIR/error.log" -c "$RUN_DIR/nginx.conf"

pids=()
stop() {
  trap - INT TERM EXIT
  echo "Stopping..."
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

# The gunicorn workers add up their metrics through these files; a fresh directory per start.
rm -rf "$RUN_DIR/metrics" && mkdir -p "$RUN_DIR/metrics"
# A pid file left by a run that was killed would stop beat (the ports above were free: no run).
rm -f "$RUN_DIR/beat.pid"
PROMETHEUS_MULTIPROC_DIR=$RUN_DIR/metrics "$BIN/gunicorn" --config deploy/gunicorn.conf.py \
  >> "$RUN_DIR/log/web.log" 2>&1 & pids+=($!)
"$BIN/celery" -A config worker --loglevel=INFO --concurrency="${KONTO_WORKER_CONCURRENCY:-2}" \
  --hostname="worker@%h" >> "$RUN_DIR/log/worker.log" 2>&1 & pids+=($!)
"$BIN/celery" -A config beat --loglevel=INFO --schedule="$RUN_DIR/celerybeat-schedule" \
  --pidfile="$RUN_DIR/beat.pid" >> "$RUN_DIR/log/beat.log" 2>&1 & pids+=($!)
"$NGINX" -p "$RUN_DIR" -e "$RUN_DIR/error.log" -c "$RUN_DIR/nginx.conf" -g "daemon off;" & pids+=($!)

port_suffix=":$HTTPS_PORT"
[ "$HTTPS_PORT" = 443 ] && port_suffix=""
cat <<INFO

  Kontoportal (production settings) is running behind nginx (Ctrl-C stops everything):
    Public site and staff admin   https://$BASE_DOMAIN$port_suffix/   https://$BASE_DOMAIN$port_suffix/admin/
    Accounts                      https://<account>.$BASE_DOMAIN$port_suffix/
    Health                        https://$BASE_DOMAIN$port_suffix/healthz
    gunicorn (metrics for Prometheus on this machine)   http://$KONTO_WEB_BIND/metrics
    Logs                          $RUN_DIR/log/ (web, worker, beat), $RUN_DIR/access.log, $RUN_DIR/error.log

INFO
wait -n "${pids[@]}"
echo "A process stopped; stopping the others." >&2
