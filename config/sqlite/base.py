"""Django's SQLite backend, with one idle connection per database file held for the process.

Under ASGI each request opens its own connection and closes it when it ends (docs/deploy.md
says why connections are not kept). In write-ahead-log mode, the connection that closes last on
a file checkpoints the log into the database and deletes it, and the next one to open rebuilds
the log's shared index: work paid on every request of a quiet site, and the dearest part of a
page that reads one row. A connection that the process holds, idle, means no request's
connection is ever the last one, so closing is cheap and the next opening finds the index ready.
SQLite still checkpoints on its own as the log grows. docs/benchmarks.md has the figures.

The held connection has read the schema once and never holds a transaction, so it takes no lock
that a writer or a checkpoint would wait for.
"""

from __future__ import annotations

import sqlite3
import threading

from django.db.backends.sqlite3 import base

_held: dict[str, sqlite3.Connection] = {}
_lock = threading.Lock()


def in_memory(database: str) -> bool:
    return database in ("", ":memory:") or "mode=memory" in database


def hold_open(database: str) -> None:
    """Opens the process's idle connection to `database`, once; not for in-memory databases."""
    database = str(database)
    if database in _held or in_memory(database):
        return
    with _lock:
        if database in _held:
            return
        held = sqlite3.connect(database, uri=True, check_same_thread=False, timeout=20)
        # Reading opens the log and its index; a connection that never read would not.
        held.execute("SELECT count(*) FROM sqlite_master").fetchall()
        _held[database] = held


def held_databases() -> list[str]:
    return list(_held)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        hold_open(conn_params["database"])
        return connection
