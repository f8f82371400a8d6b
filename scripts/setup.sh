#!/usr/bin/env bash
# Create .venv and install relulab into it (torch 2.13.0 first, so pip never resolves another build).
# Usage: bash scripts/setup.sh [dev]
# Idempotent and fast: a stamp in .venv records a hash of pyproject.toml, the torch pin and the
# extras; when it matches, pip is not run at all. Delete .venv/.relulab-setup to force a reinstall.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
TORCH_PIN="torch==2.13.0"
EXTRAS=""
[ "${1:-}" = "dev" ] && EXTRAS="[dev,dask]"  # the tests run the Dask backend too
STAMP=.venv/.relulab-setup
want="$( { cat pyproject.toml; echo "$TORCH_PIN"; echo "extras=$EXTRAS"; } | sha256sum | cut -d' ' -f1)"
if [ -x .venv/bin/python ] && [ -f "$STAMP" ]; then
  # a dev stamp also satisfies a plain install (dev is a superset)
  if grep -qx "$want" "$STAMP" || { [ -z "$EXTRAS" ] && grep -qx "$( { cat pyproject.toml; echo "$TORCH_PIN"; \
      echo "extras=[dev,dask]"; } | sha256sum | cut -d' ' -f1)" "$STAMP"; }; then
    exit 0
  fi
fi
if [ ! -x .venv/bin/python ] || [ ! -f .venv/bin/activate ]; then
  # (an interrupted creation leaves a python without activate: start again)
  echo "setup: creating .venv with $PYTHON" >&2
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
echo "setup: installing $TORCH_PIN and relulab$EXTRAS into .venv (once; later runs skip this step)" >&2
python -m pip install --disable-pip-version-check --progress-bar on "$TORCH_PIN"
python -m pip install --disable-pip-version-check --progress-bar on -e ".$EXTRAS"
echo "$want" > "$STAMP"
echo "setup: done" >&2
