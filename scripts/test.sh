#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, browser tests included.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k regions`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
. .venv/bin/activate
if { ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; } || [ ! -d /usr/share/fonts/opentype/noto ]; then
  # The browser tests drive Debian's Chromium through Playwright (no browser download); the page and the
  # report in Chinese need a CJK font (fonts-noto-cjk) for Chromium and matplotlib.
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
set +e
python -m pytest -q "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
[ "$rc" -eq 0 ] || exit "$rc"
python -m ruff check src tests benchmarks examples
