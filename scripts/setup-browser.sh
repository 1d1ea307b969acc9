#!/usr/bin/env bash
# The browser tests drive the system Chromium (Debian package), never a downloaded browser.
# Installs it when root/sudo is available; otherwise says so, and the browser tests skip.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else
  echo "docket setup: Chromium is not installed and cannot be installed without root; browser tests will skip." >&2
  echo "  sudo apt-get install -y chromium" >&2
  exit 0
fi
echo "docket setup: installing chromium for the browser tests"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null \
  || echo "docket setup: chromium could not be installed; browser tests will skip." >&2
exit 0
