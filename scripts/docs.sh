#!/usr/bin/env bash
# Set up (if needed) and build the documentation site into site/ (open site/index.html; site/zh/ is the
# Chinese one). Every code block marked exec="on" runs at build time, in a scratch directory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
. .venv/bin/activate
repo="$PWD"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r examples benchmarks "$work"/
(cd "$work" && NO_MKDOCS_2_WARNING=1 MPLBACKEND=Agg PYTHONPATH="$repo/src:$repo/scripts" \
  python -m mkdocs build --strict -f "$repo/mkdocs.yml" -d "$repo/site" "$@")
echo "docs: built site/index.html (Chinese: site/zh/index.html)"
