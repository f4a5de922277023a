#!/bin/sh
# Prints the path of a Python >= 3.12 interpreter, or explains and fails.
# Django 6.1 needs 3.12; on an older Python pip would quietly install Django 5.2 instead.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for candidate in "${PYTHON:-}" python3.14 python3.13 python3.12 python3 \
    "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if ok "$path"; then
    echo "$path"
    exit 0
  fi
done
echo "error: Python 3.12 or newer is required (Django 6.1 needs it) and none was found." >&2
echo "Install python3.12 or set PYTHON=/path/to/python3.12 and run make again." >&2
exit 1
