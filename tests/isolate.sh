#!/bin/sh
# Runs one test file in a directory of its own under $TEST_SCRATCH: the
# scripts write databases and reports under fixed names (f.db, p.db, ...)
# in their working directory, and must never read another script's.
set -eu
dir=$(mktemp -d "${TEST_SCRATCH:?}/test.XXXXXX")
cd "$dir"
exec "$@"
