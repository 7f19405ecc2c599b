#!/usr/bin/env bash
# Debian packages the portal needs: Python with venv support (stock Debian 12 and Ubuntu 24.04
# ship python3 without ensurepip), WeasyPrint's Pango and fonts, gettext, poppler (PDF to PNG in
# tests), Chromium for the browser tests, wrk for bench/, nginx for the production run
# (deploy/). Installed only when missing. nginx is installed but not started or enabled: the
# production recipe runs it with its own configuration (deploy/run-production.sh).
set -euo pipefail
PACKAGES=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils chromium chromium-driver wrk nginx)
missing=()
# Python: only when the python3 on PATH is missing or cannot create a virtualenv (Debian splits
# ensurepip into python3-venv). A python3 from elsewhere (pyenv, a newer build) is left alone.
if ! command -v python3 >/dev/null; then
  missing+=(python3 python3-venv)
elif ! python3 -c "import ensurepip, venv" 2>/dev/null; then
  missing+=(python3-venv)
fi
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "Missing packages: ${missing[*]}. This script installs them with apt-get (Debian/Ubuntu); install them by hand." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Debian starts a daemon as soon as its package is installed; nginx must not start with the
# distribution's default site on port 80. A policy-rc.d that says "no" for the length of the
# install stops that (containers already have one, which is left as it is).
guard=""
if [[ " ${missing[*]} " == *" nginx "* ]] && [ ! -e /usr/sbin/policy-rc.d ]; then
  guard=/usr/sbin/policy-rc.d
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$guard" >/dev/null
  $SUDO chmod +x "$guard"
  trap '$SUDO rm -f "$guard"' EXIT
fi

echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

if [[ " ${missing[*]} " == *" nginx "* ]] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  # Nor at the next boot: the production recipe enables it once its site is in place.
  $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
fi
