#!/usr/bin/env bash
# The test suite in its two tiers (tests/conftest.py): first everything but the GUI with Qt made
# unimportable (the core must not need it), then the GUI tests. Extra arguments go to both.
# Both tiers always run and both are reported; the command fails if either failed.
set -uo pipefail
cd "$(dirname "$0")/.."
# Both tiers convert the same random-weight networks for OpenVINO: one folder of converted
# models for the run (tests/conftest.py), removed at the end.
JUDGEAPP_TEST_OPENVINO_CACHE_DIR="$(mktemp -d)"
export JUDGEAPP_TEST_OPENVINO_CACHE_DIR
trap 'rm -rf "$JUDGEAPP_TEST_OPENVINO_CACHE_DIR"' EXIT
# Each tier ends with its 25 slowest tests: where the suite's time goes, run after run.
JUDGEAPP_TEST_TIER=core .venv/bin/python -m pytest -q --durations=25 -p no:pytest-qt -W ignore::pytest.PytestConfigWarning "$@"
core=$?
JUDGEAPP_TEST_TIER=gui .venv/bin/python -m pytest -q --durations=25 "$@"
gui=$?
word() { if [ "$1" -eq 0 ]; then echo "passed"; else echo "FAILED (pytest exit $1)"; fi; }
echo "test tiers: core $(word "$core"), GUI $(word "$gui")"
if [ "$core" -ne 0 ] || [ "$gui" -ne 0 ]; then
  exit 1
fi
