#!/usr/bin/env bash
# Runs make targets one after another, stops at the first that fails, and prints how long each took (and writes
# the table to reports/make-test-times.md), so `make test`'s time on a 2-core machine can be read step by step.
#   scripts/timed-steps.sh lint validate unit train …
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p reports
table="reports/make-test-times.md"
start_all=$(date +%s)
rows=()
status=0
for step in "$@"; do
  start=$(date +%s)
  "${MAKE:-make}" --no-print-directory "$step"
  rc=$?
  rows+=("| $step | $(( $(date +%s) - start )) | $([ $rc -eq 0 ] && echo passed || echo "FAILED ($rc)") |")
  if [ $rc -ne 0 ]; then status=$rc; break; fi
done
{
  echo "# make test, step by step ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
  echo
  echo "| step | seconds | result |"
  echo "|---|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo "| all | $(( $(date +%s) - start_all )) | $([ $status -eq 0 ] && echo passed || echo failed) |"
} > "$table"
echo
cat "$table"
exit $status
