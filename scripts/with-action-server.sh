#!/usr/bin/env bash
# Runs a command with the action server up on ACTION_PORT (default 5055), then stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
port=${ACTION_PORT:-5055}
mkdir -p var
.venv/bin/rasa run actions --actions actions --port "$port" >var/action-server.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://localhost:$port/health" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { cat var/action-server.log; exit 1; }
  sleep 1
done
"$@"
