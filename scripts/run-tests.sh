#!/bin/sh
# Runs every test file with node's own test runner (its summary closes the output).
# Usage: scripts/run-tests.sh [unit|integration|system|all]; `all` is what `make test` runs (no system tests).
set -e
cd "$(dirname "$0")/.."
case "${1:-all}" in
  unit) dirs="test/unit" ;;
  integration) dirs="test/integration" ;;
  system) dirs="test/system" ;;
  *) dirs="test/unit test/integration" ;;
esac
files=$(find $dirs -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency=1 --test-timeout=300000 $files
