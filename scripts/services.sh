#!/usr/bin/env bash
# Make sure PostgreSQL (KONTO_DB_HOST:KONTO_DB_PORT, default 127.0.0.1:5432) and Redis
# (KONTO_REDIS_URL and KONTO_CACHE_URL, default 127.0.0.1:6379) answer. When nothing answers on
# a server of this machine, install it (Debian packages) if needed and start it; a server on
# another machine is never installed here — its address is reported instead. Safe to run any
# number of times.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

DB_HOST=${KONTO_DB_HOST:-127.0.0.1}
DB_PORT=${KONTO_DB_PORT:-5432}
REDIS_URL=${KONTO_REDIS_URL:-redis://127.0.0.1:6379/0}
CACHE_URL=${KONTO_CACHE_URL:-redis://127.0.0.1:6379/1}

answers() { # host port
  if [[ "$1" == /* ]]; then [ -S "$1/.s.PGSQL.$2" ]; return; fi # a PostgreSQL socket directory
  (exec 3<>"/dev/tcp/${1#[}/$2") 2>/dev/null || (exec 3<>"/dev/tcp/${1%]}/$2") 2>/dev/null
}

is_local() { # host
  local host=${1#[}
  host=${host%]}
  case "$host" in
    "" | localhost | 127.* | ::1 | 0.0.0.0 | /*) return 0 ;;
  esac
  [ "$host" = "$(hostname)" ] && return 0
  hostname -I 2>/dev/null | tr ' ' '\n' | grep -qxF "$host"
}

# redis://[user:password@]host[:port][/db] → "host port" (rediss:// too; IPv6 in brackets)
redis_address() {
  local rest=${1#*://}
  rest=${rest%%/*}
  rest=${rest##*@}
  local host=$rest port=6379
  if [[ "$rest" == \[* ]]; then
    host=${rest%%]*}]
    [[ "$rest" == *]:* ]] && port=${rest##*]:}
  elif [[ "$rest" == *:* ]]; then
    host=${rest%%:*}
    port=${rest##*:}
  fi
  echo "${host:-127.0.0.1} $port"
}

wait_for() { # host port what
  for _ in $(seq 1 60); do answers "$1" "$2" && return 0; sleep 0.5; done
  echo "Nothing answers on $1:$2 after 30 s ($3)." >&2
  exit 1
}

remote_down() { # host port what variables
  echo "Nothing answers on $1:$2 ($3). That is not this machine, so nothing is installed or started here:" >&2
  echo "start it there, or point $4 at a server that runs." >&2
  exit 1
}

if ! answers "$DB_HOST" "$DB_PORT"; then
  is_local "$DB_HOST" || remote_down "$DB_HOST" "$DB_PORT" PostgreSQL "KONTO_DB_HOST/KONTO_DB_PORT"
  fresh=0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "Installing PostgreSQL"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql
    fresh=1
  fi
  version=$(ls /etc/postgresql | sort -V | tail -1)
  configured=$($SUDO pg_conftool "$version" main show port 2>/dev/null | sed 's/.*= *//; s/ .*//' || true)
  if [ -n "$configured" ] && [ "$configured" != "$DB_PORT" ]; then
    if [ "$fresh" = 1 ]; then
      $SUDO pg_conftool "$version" main set port "$DB_PORT"
    else
      echo "The PostgreSQL $version cluster of this machine listens on port $configured, not on KONTO_DB_PORT=$DB_PORT." >&2
      echo "Set KONTO_DB_PORT=$configured, or change the cluster's port (pg_conftool $version main set port $DB_PORT)." >&2
      exit 1
    fi
  fi
  echo "Starting PostgreSQL $version"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || $SUDO pg_ctlcluster "$version" main start
  wait_for "$DB_HOST" "$DB_PORT" PostgreSQL
  # A fresh cluster asks for a password over TCP: give the postgres role the one the settings use.
  $SUDO -u postgres psql -p "$DB_PORT" -q -c "ALTER USER postgres PASSWORD '${KONTO_DB_PASSWORD:-postgres}'" >/dev/null 2>&1 \
    || su postgres -c "psql -p $DB_PORT -q -c \"ALTER USER postgres PASSWORD '${KONTO_DB_PASSWORD:-postgres}'\"" >/dev/null
fi

started=" "
for url in "$REDIS_URL" "$CACHE_URL"; do
  read -r host port < <(redis_address "$url")
  answers "$host" "$port" && continue
  is_local "$host" || remote_down "$host" "$port" Redis "KONTO_REDIS_URL/KONTO_CACHE_URL"
  [[ "$started" == *" $port "* ]] && continue
  if ! command -v redis-server >/dev/null; then
    echo "Installing Redis"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server
  fi
  echo "Starting Redis on port $port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no
  wait_for 127.0.0.1 "$port" Redis
  started+="$port "
done
