#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL and removes it afterwards, whatever happens.
#
#   scripts/with-postgres.sh .venv/bin/python -m pytest
#
# The cluster lives in a fresh temporary directory, listens only on 127.0.0.1 on a free port,
# trusts every local connection (nothing else can reach it) and holds an empty database
# `course`; the command sees it as DATABASE_URL. Durability is switched off: the data dies with
# the cluster anyway, and the tests run faster without fsync.
# Set PG_BINDIR to choose the server's binaries; otherwise the newest under /usr/lib/postgresql.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

bindir="${PG_BINDIR:-}"
if [ -z "$bindir" ]; then
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/initdb" ]; then bindir="$candidate"; break; fi
    done
fi
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
    bindir="$(dirname "$(command -v initdb)")"
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "PostgreSQL's server is not installed (Debian: apt-get install postgresql)" >&2
    exit 1
fi

# initdb and postgres refuse to run as root, so root hands the cluster to the postgres user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "running as root needs the 'postgres' user that Debian's package creates" >&2
        exit 1
    fi
    as_owner=(runuser -u postgres --)
fi

workdir="$(mktemp -d "${TMPDIR:-/tmp}/with-postgres.XXXXXX")"
data="$workdir/data"
started=0
cleanup() {
    if [ "$started" -eq 1 ]; then
        "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ ${#as_owner[@]} -gt 0 ]; then
    chown postgres: "$workdir"
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

"${as_owner[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale \
    --no-sync >"$workdir/initdb.log" 2>&1 || {
    cat "$workdir/initdb.log" >&2
    exit 1
}
started=1
"${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -l "$workdir/server.log" -w -t 30 start -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || {
    cat "$workdir/server.log" >&2
    exit 1
}
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres course

echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
status=0
DATABASE_URL="postgres://postgres@127.0.0.1:$port/course" "$@" || status=$?
exit "$status"
