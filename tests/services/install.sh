#!/usr/bin/env bash
# Installs what the loopback test servers need (PostgreSQL server, the Telegram Bot API emulator)
# and the headless browser the web-page tests drive (Debian's chromium + chromium-driver).
# The servers themselves are started by the pytest fixtures on 127.0.0.1 only.
# Outside CI a missing tool is reported and the tests that need it are skipped; in CI they fail.
set -u
here="$(cd "$(dirname "$0")" && pwd)"

need_pg=1
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && need_pg=0; done
if [ "$need_pg" = 1 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing PostgreSQL server (Debian package)…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
      || echo "warning: could not install postgresql"
  else
    echo "warning: PostgreSQL server not installed; PostgreSQL tests will be skipped"
  fi
fi

# Browser tests (the web pages): Debian's Chromium and its chromedriver; Selenium drives them.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium and chromium-driver (Debian packages)…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
      || echo "warning: could not install chromium"
  else
    echo "warning: chromium not installed; browser tests will be skipped"
  fi
fi

if [ -f "$here/package.json" ]; then
  if command -v npm >/dev/null; then
    if [ ! -d "$here/node_modules/telegram-test-api" ]; then
      echo "installing telegram-test-api (npm)…"
      (cd "$here" && npm install --silent --no-audit --no-fund >/dev/null) \
        || echo "warning: npm install failed"
    fi
  else
    echo "warning: npm not found; Telegram end-to-end tests will be skipped"
  fi
fi
exit 0
