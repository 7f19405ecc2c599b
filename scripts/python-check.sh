#!/usr/bin/env bash
# Refuse, with a message that says what to do, a Python older than the one the portal needs
# (pyproject.toml: requires-python >= 3.11). Usage: scripts/python-check.sh [INTERPRETER]
set -euo pipefail
python=${1:-python3}
if ! command -v "$python" >/dev/null; then
  echo "No $python found. Run scripts/system-packages.sh (installs python3 and python3-venv on Debian/Ubuntu)." >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Kontoportal needs Python 3.11 or newer; $python is $("$python" -c 'import platform; print(platform.python_version())')." >&2
  echo "Install a newer Python (Debian 12 and Ubuntu 24.04 ship one) and put it first in PATH as python3;" >&2
  echo "if .venv was made with the old one, remove .venv and run make again." >&2
  exit 1
fi
