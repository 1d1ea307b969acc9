#!/usr/bin/env bash
# Idempotent setup on a fresh Debian machine: system packages (when root/sudo), a venv, pinned packages.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
APT_PACKAGES="tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng poppler-utils fonts-dejavu-core"

missing=""
for pkg in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = "none" ]; then
    echo "docket setup: please install these system packages first:$missing" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
  fi
  echo "docket setup: installing system packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "docket setup: Python >= 3.11 is required (found $($PYTHON --version))" >&2; exit 1; }
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip wheel setuptools
"$VENV/bin/python" -m pip install -q -c constraints.txt -e '.[dev]'
touch "$VENV/.installed"
echo "docket setup: ready ($VENV)"
