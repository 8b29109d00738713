#!/usr/bin/env bash
# Starts the action server (5055) and Rasa (5005: REST + Socket.IO + staff console + WeCom) and
# stops both on Ctrl-C. Conversations are kept in var/trackers.db (SQLite tracker store).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
RASA=.venv/bin/rasa
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

$RASA run actions --actions actions --port "${ACTION_PORT:-5055}" &
pids+=($!)
.venv/bin/python -m serving.rasa_cli run --model models/latest.tar.gz --endpoints endpoints.yml --credentials credentials.yml \
  --port "${RASA_PORT:-5005}" --cors "*" &
pids+=($!)

port=${RASA_PORT:-5005}
for _ in $(seq 1 180); do
  curl -sf "http://localhost:$port/" >/dev/null 2>&1 && break
  sleep 1
done
cat <<MSG

  Debt coach is running.
    REST:            curl -s localhost:$port/webhooks/rest/webhook -d '{"sender":"me","message":"催收说明天上门"}'
    Web widget:      http://localhost:$port/webhooks/web/
    Staff console:   http://localhost:$port/webhooks/staff/console  (needs STAFF_TOKEN)
    Terminal chat:   .venv/bin/python -m serving.rasa_cli shell   (in another terminal)
  Ctrl-C stops both servers.

MSG
wait -n "${pids[@]}"
