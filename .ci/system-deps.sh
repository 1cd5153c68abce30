#!/usr/bin/env bash
# System dependencies of the test suite, installed before `pip install -e '.[test]' && python -m pytest`.
# Idempotent and non-interactive; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium for the end-to-end tests of the web view (Debian's package; Playwright drives
# it with executable_path=/usr/bin/chromium and never downloads a browser of its own).
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -E"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core
fi

# A second SPARQL server for the remote parity tests (tests/test_remote_parity.py): Virtuoso, the
# server binary only (Debian's virtuoso-opensource-7-bin: no system service, no debconf password);
# the test fixture starts it on 127.0.0.1 with its own database.
if ! command -v virtuoso-t >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -E"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin
fi

# The SPARQL editor (YASGUI) from npm, served by the web view itself.
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix web --no-audit --no-fund --ignore-scripts
else
  echo "npm absent : l'éditeur SPARQL (YASGUI) ne sera pas installé" >&2
fi
