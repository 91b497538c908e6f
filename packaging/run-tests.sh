#!/usr/bin/env bash
# Quick start 2: set everything up, then run the whole suite: lint, types, tests.
# Fails if any test is skipped for a missing dependency, or if no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup-debian.sh

echo "== ruff"
.venv/bin/ruff check assistant ui tests
.venv/bin/ruff format --check assistant ui tests
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
export QT_QPA_PLATFORM=offscreen
export DOSSIER_STRICT_TESTS=1
set +e
.venv/bin/python -m pytest -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$rc"
