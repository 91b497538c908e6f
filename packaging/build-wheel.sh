#!/usr/bin/env bash
# Builds the program's wheel into build/dist/ (the data folders go in as assistant/_data, see
# setup.py), with the locked build tools of .venv (setup-debian.sh makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf build/dist build/lib build/bdist.* ./*.egg-info
.venv/bin/python -m pip wheel -q --no-deps --no-build-isolation -w build/dist .
ls build/dist/dossier_assistant-*.whl
