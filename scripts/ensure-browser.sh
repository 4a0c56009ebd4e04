#!/usr/bin/env bash
# Makes sure the system packages the tests use are installed: Debian's Chromium (and a CJK font
# for screenshots) for the browser tests, nginx for the cluster test. Never downloads a browser
# build of its own: only the distribution's packages, through apt-get.
set -u
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-wqy-zenhei)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "Installing Debian's ${missing[*]} for the tests (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; then
    exit 0
  fi
  echo "apt-get could not install ${missing[*]}."
fi
echo "NOTE: ${missing[*]} missing and cannot be installed here;"
echo "      the browser tests (chromium) and the cluster test (nginx) will be SKIPPED."
exit 0
