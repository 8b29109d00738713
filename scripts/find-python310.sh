#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 needs Python < 3.11), or explains what to install.
set -u
candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for p in "$pyenv_root"/versions/3.10*/bin/python3.10; do [ -x "$p" ] && candidates+=("$p"); done
for name in python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
  p=$(command -v "$name" 2>/dev/null) && candidates+=("$p")
done
for p in "${candidates[@]}"; do
  if "$p" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
    echo "$p"; exit 0
  fi
done
cat >&2 <<'MSG'
No Python 3.10 interpreter found (Rasa 3.6 runs on Python 3.8–3.10, not 3.11+).
Install one of:
  pyenv install 3.10        # then run make again (found under ~/.pyenv/versions/3.10.*)
  apt-get install python3.10 python3.10-venv   # where your distribution ships it
or point PYTHON310=/path/to/python3.10 at an existing interpreter.
MSG
exit 1
