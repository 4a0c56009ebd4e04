#!/usr/bin/env bash
# Makes sure Debian's Chromium (and a CJK font for screenshots) is installed for the browser tests.
# Never downloads a browser build of its own: only the distribution's package, through apt-get.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "Installing Debian's chromium for the end-to-end tests (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; then
    exit 0
  fi
  echo "apt-get could not install chromium."
fi
echo "NOTE: /usr/bin/chromium is missing and cannot be installed here;"
echo "      the end-to-end browser tests will be SKIPPED. Everything else runs."
exit 0
