#!/usr/bin/env bash
# Refreshes the lock files from pyproject.toml: every dependency pinned to one version, with the
# hashes of all its published files (every platform), so setup-debian.sh and the bundle builds
# install exactly what was reviewed. Run it after changing a dependency in pyproject.toml, then
# review and commit the diff:   bash packaging/lock/refresh.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOLS="$(mktemp -d)"
trap 'rm -rf "$TOOLS"' EXIT
python3 -m venv "$TOOLS/venv"
"$TOOLS/venv/bin/python" -m pip install -q uv
UV="$TOOLS/venv/bin/uv"
common=(--universal --python-version 3.11 --generate-hashes --no-header --quiet
        --index-url https://pypi.org/simple)
# What the program needs to run (bundles and packages install this one).
"$UV" pip compile pyproject.toml "${common[@]}" -o packaging/lock/runtime.txt
# The program and its test tools (setup-debian.sh installs this one).
"$UV" pip compile pyproject.toml --extra test "${common[@]}" -o packaging/lock/test.txt
# The program and the bundle builder (packaging/build-bundle.sh installs this one).
"$UV" pip compile pyproject.toml --extra packaging "${common[@]}" -o packaging/lock/bundle.txt
# What builds the program's own wheel (pyproject's build-system requirements).
printf 'setuptools>=77\nwheel\n' | "$UV" pip compile - "${common[@]}" -o packaging/lock/build.txt
echo "packaging/lock/runtime.txt, test.txt, bundle.txt and build.txt refreshed: review and commit them"
