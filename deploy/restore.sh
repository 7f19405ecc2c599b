#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a NEW database and EMPTY document directories:
#
#   KONTO_DB_NAME=kontoportal_restored KONTO_MEDIA_ROOT=/srv/restore/media \
#     deploy/restore.sh /var/backups/kontoportal/kontoportal-20260101T031500Z
#
# The checksums are verified first. An existing database or a non-empty directory is refused,
# never overwritten: to replace a broken installation, stop it, move the old database aside
# (ALTER DATABASE … RENAME) and the old files, then restore. Settings as for backup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${KONTO_ENV_FILE:-}" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$KONTO_ENV_FILE"
  set +a
fi
SOURCE=${1:?usage: deploy/restore.sh BACKUP_DIRECTORY}
export PGHOST=${KONTO_DB_HOST:-127.0.0.1} PGPORT=${KONTO_DB_PORT:-5432} PGUSER=${KONTO_DB_USER:-postgres}
export PGPASSWORD=${KONTO_DB_PASSWORD:-postgres}
DB_NAME=${KONTO_DB_NAME:-kontoportal}
MEDIA=${KONTO_MEDIA_ROOT:-media}
UPLOADS=${KONTO_UPLOAD_ROOT:-var/uploads}

(cd "$SOURCE" && sha256sum --quiet -c SHA256SUMS) || {
  echo "$SOURCE: a file does not match its checksum; not restoring." >&2
  exit 1
}

exists=$(psql --dbname=postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '${DB_NAME//\'/\'\'}'")
if [ "$exists" = 1 ]; then
  echo "Database $DB_NAME exists; restore into a new one (KONTO_DB_NAME) and switch over." >&2
  exit 1
fi
for dir in "$MEDIA" "$UPLOADS"; do
  if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    echo "$dir is not empty; restore into an empty directory (KONTO_MEDIA_ROOT, KONTO_UPLOAD_ROOT)." >&2
    exit 1
  fi
done

createdb --template=template0 --encoding=UTF8 "$DB_NAME"
# One transaction: a failed restore leaves an empty database, not half of one. Objects belong
# to the restoring role (the dump's owners may not exist here).
pg_restore --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$DB_NAME" "$SOURCE/database.dump"
mkdir -p "$MEDIA" "$UPLOADS"
tar -C "$MEDIA" -xzf "$SOURCE/documents.tar.gz"
tar -C "$UPLOADS" -xzf "$SOURCE/uploads.tar.gz"
echo "Restored $SOURCE into database $DB_NAME, documents in $MEDIA, uploads in $UPLOADS."
