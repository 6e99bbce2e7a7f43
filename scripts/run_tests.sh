#!/bin/sh
# `make test`: the whole suite, run in a temp dir of its own (every test and
# every process it starts inherits TMPDIR), and failed if the run left anything
# there: tests remove what they make (test/support/cleanup.ts), also when they fail.
set -u
run=$(mktemp -d "${TMPDIR:-/tmp}/ccshare-test-run-XXXXXX")
# Traversable, as /tmp is: one test runs the binary as `nobody` on a store under it.
chmod 755 "$run"
TMPDIR=$run node_modules/.bin/bun test --timeout 120000 "$@"
status=$?
left=$(ls -A "$run")
if [ -n "$left" ]; then
  echo "make test: the run left $(printf '%s\n' "$left" | wc -l) entries in its temp dir, by name:" >&2
  printf '%s\n' "$left" | sed -E 's/[A-Za-z0-9]{6}$/XXXXXX/' | sort | uniq -c | sort -rn | head -20 >&2
  status=1
fi
rm -rf "$run"
exit $status
