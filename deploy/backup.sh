#!/usr/bin/env bash
# Back up what the portal cannot rebuild: the database (every schema: the public one with
# accounts, invoices, GDPR records; each account's own) and the stored documents (invoice and
# credit-note PDFs, exports: KONTO_MEDIA_ROOT; uploaded letters: KONTO_UPLOAD_ROOT).
#
#   deploy/backup.sh DIRECTORY        → DIRECTORY/kontoportal-<UTC time>/ (its path printed last)
#
# The database is dumped first, then the files: every document the dump refers to is already on
# disk when the files are copied (a PDF is stored before its hash is committed), so a backup never
# lacks a document its database names. Settings come from the environment (KONTO_DB_*,
# KONTO_MEDIA_ROOT, KONTO_UPLOAD_ROOT) or from KONTO_ENV_FILE. KONTO_BACKUP_KEEP=N keeps the
# newest N backups in DIRECTORY and deletes older ones. Restore with deploy/restore.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${KONTO_ENV_FILE:-}" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$KONTO_ENV_FILE"
  set +a
fi
DEST=${1:?usage: deploy/backup.sh DIRECTORY}
export PGHOST=${KONTO_DB_HOST:-127.0.0.1} PGPORT=${KONTO_DB_PORT:-5432} PGUSER=${KONTO_DB_USER:-postgres}
export PGPASSWORD=${KONTO_DB_PASSWORD:-postgres}
DB_NAME=${KONTO_DB_NAME:-kontoportal}
MEDIA=${KONTO_MEDIA_ROOT:-media}
UPLOADS=${KONTO_UPLOAD_ROOT:-var/uploads}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$DEST/kontoportal-$stamp"
mkdir -p "$target"
chmod 700 "$target" # personal data and the password hashes of every team

# Custom format: compressed, restorable table by table, schema by schema.
pg_dump --format=custom --dbname="$DB_NAME" --file="$target/database.dump"

archive() { # directory archive
  if [ -d "$1" ]; then
    tar -C "$1" -czf "$2" .
  else
    tar -czf "$2" -T /dev/null # nothing stored yet: an empty archive, so the restore is uniform
  fi
}
archive "$MEDIA" "$target/documents.tar.gz"
archive "$UPLOADS" "$target/uploads.tar.gz"
(cd "$target" && sha256sum database.dump documents.tar.gz uploads.tar.gz > SHA256SUMS)

if [ -n "${KONTO_BACKUP_KEEP:-}" ]; then
  find "$DEST" -maxdepth 1 -type d -name 'kontoportal-*' | sort -r | tail -n +"$((KONTO_BACKUP_KEEP + 1))" |
    while read -r old; do rm -rf -- "$old"; done
fi
echo "$target"
