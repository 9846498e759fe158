#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (never a tool's own browser
# download). Installs it with apt-get when run as root; otherwise says how and carries on,
# and the browser tests skip (or fail, with REQUIRE_BROWSER=1).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium is not installed: the browser tests will be skipped. Install it with: sudo apt-get install chromium" >&2
