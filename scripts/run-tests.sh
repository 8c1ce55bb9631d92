#!/bin/sh
# Runs every test file with node's own test runner (its summary closes the output).
# Usage: scripts/run-tests.sh [unit|integration|system|all]; `all` is what `make test` runs (no system tests).
set -eu
cd "$(dirname "$0")/.."
case "${1:-all}" in
  unit) set -- test/unit ;;
  integration) set -- test/integration ;;
  system) set -- test/system ;;
  *) set -- test/unit test/integration ;;
esac
files=$(find "$@" -name '*.test.ts' | sort)
# One argument per file: split on purpose (the test files' names hold no blanks).
# shellcheck disable=SC2086
exec node --import tsx --test --test-concurrency=1 --test-timeout=300000 $files
