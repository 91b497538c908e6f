#!/usr/bin/env bash
# Quick start 2: set everything up, then run the whole suite: lint, types, the packages
# (packaging/test-packages.sh), tests.
# Fails if any test is skipped for a missing dependency, or if no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup-debian.sh

echo "== ruff"
.venv/bin/ruff check assistant ui tests dossier_assistant packaging setup.py
.venv/bin/ruff format --check assistant ui tests dossier_assistant packaging setup.py
echo "== mypy"
.venv/bin/mypy
# The wheel, the bundle and the .deb as users install them (before pytest, whose summary stays
# the last line). SKIP_PACKAGES=1 leaves them out of a developer's run.
if [ "${SKIP_PACKAGES:-0}" != "1" ]; then
  bash packaging/test-packages.sh
fi
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
