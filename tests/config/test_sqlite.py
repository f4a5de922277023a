"""The SQLite backend holds one idle connection per database file for the process."""

import sqlite3

import pytest
from django.conf import settings
from django.db import connection

from config.sqlite import base


@pytest.fixture
def held(monkeypatch):
    """A registry of held connections of this test's own, closed at its end."""
    registry: dict[str, sqlite3.Connection] = {}
    monkeypatch.setattr(base, "_held", registry)
    yield registry
    for each in registry.values():
        each.close()


def wal_database(path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS t (v)")
    return db


def test_closing_the_last_connection_deletes_the_log_but_not_while_one_is_held(tmp_path, held):
    alone = tmp_path / "alone.sqlite3"
    db = wal_database(alone)
    db.execute("INSERT INTO t VALUES (1)")
    db.close()
    # Without a held connection, the one that closes last checkpoints and deletes the log.
    assert not (tmp_path / "alone.sqlite3-wal").exists()

    kept = tmp_path / "kept.sqlite3"
    wal_database(kept).close()
    base.hold_open(str(kept))
    db = wal_database(kept)
    db.execute("INSERT INTO t VALUES (1)")
    db.close()
    assert (tmp_path / "kept.sqlite3-wal").exists()
    assert held[str(kept)].execute("SELECT count(*) FROM t").fetchone() == (1,)


def test_one_connection_is_held_per_file_and_none_for_memory(tmp_path, held):
    path = str(tmp_path / "one.sqlite3")
    wal_database(path).close()
    base.hold_open(path)
    first = held[path]
    base.hold_open(path)
    assert held[path] is first
    for name in (":memory:", "file:memorydb_default?mode=memory&cache=shared", ""):
        base.hold_open(name)
    assert list(held) == [path]


def test_the_held_connection_takes_no_lock_a_writer_would_wait_for(tmp_path, held):
    path = str(tmp_path / "locks.sqlite3")
    wal_database(path).close()
    base.hold_open(path)
    writer = sqlite3.connect(path, isolation_level=None, timeout=0)
    writer.execute("BEGIN EXCLUSIVE")  # fails at once if anyone held a lock
    writer.execute("INSERT INTO t VALUES (2)")
    writer.execute("COMMIT")
    writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0  # not busy
    writer.close()


@pytest.mark.django_db
def test_the_sites_sqlite_connections_go_through_it():
    if connection.vendor != "sqlite":
        pytest.skip("the database is not SQLite")
    assert settings.DATABASES["default"]["ENGINE"] == "config.sqlite"
    connection.ensure_connection()
    assert str(connection.settings_dict["NAME"]) in base.held_databases()
