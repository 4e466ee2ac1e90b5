#!/usr/bin/env bash
# The test suite in its two tiers (tests/conftest.py): first everything but the GUI with Qt made
# unimportable (the core must not need it), then the GUI tests. Extra arguments go to both.
set -euo pipefail
cd "$(dirname "$0")/.."
JUDGEAPP_TEST_TIER=core .venv/bin/python -m pytest -q -p no:pytest-qt -W ignore::pytest.PytestConfigWarning "$@"
JUDGEAPP_TEST_TIER=gui .venv/bin/python -m pytest -q "$@"
