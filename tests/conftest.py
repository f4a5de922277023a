import time
from pathlib import Path
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

import contentfiles
from bench.harness import DaphneCluster, RedisServer, redis_executable

ROOT = Path(__file__).resolve().parent.parent
# Read before any test database exists: while the connection still has this name, no test
# database has been made.
DEVELOPMENT_DATABASE = str(settings.DATABASES["default"]["NAME"])


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Tests run with DEBUG off, so pages link hashed files that only collectstatic makes."""
    (ROOT / "var").mkdir(exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    return Path(settings.STATIC_ROOT)


@pytest.fixture(autouse=True)
def content_read_at_once(monkeypatch):
    """Tests write content files and load them straight after: no second's grace."""
    monkeypatch.setattr(contentfiles, "RECHECK_SECONDS", 0)


@pytest.fixture(autouse=True)
def fresh_caches():
    """The caches outlive a test in this process, and the database rows they stand for do not
    (a rolled-back test gives its user's id to the next one): each test starts with them empty,
    throttle counts included."""
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def throttle_windows_stand_still(monkeypatch):
    """django-ratelimit counts in fixed windows that end at a moment of the clock, so a test
    that makes N requests and expects the next one refused fails when a window ends between
    them (a per-minute limit does so about once in sixty runs). In a test, the clock the
    throttles read stops when the test starts."""
    stopped_at = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: stopped_at))


@pytest.fixture(scope="session")
def server_database(django_db_setup, django_db_blocker):
    """The migrated test database that server processes use; its connection settings.

    pytest-django makes the test database only when a collected test asks for the database, and
    a test that reaches it through a server process does not. Without this, running only such
    tests would point the servers at the development database (or, on PostgreSQL, at an empty
    one).
    """
    with django_db_blocker.unblock():
        created = str(connection.settings_dict["NAME"]) == DEVELOPMENT_DATABASE
        if created:
            connection.creation.create_test_db(verbosity=0, autoclobber=True)
        assert "django_session" in connection.introspection.table_names(), (
            "the test database must be migrated before server processes start"
        )
    yield dict(connection.settings_dict)
    if created:
        with django_db_blocker.unblock():
            connection.creation.destroy_test_db(DEVELOPMENT_DATABASE, verbosity=0)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A redis-server of its own for the whole run; `.stop()` kills it, `.start()` revives it."""
    if redis_executable() is None:
        pytest.skip("redis-server is not installed (make test installs Debian's redis-server)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    """The URL of an empty, running Redis, even if the test before stopped it."""
    redis_server.start()
    redis_server.flushall()
    return redis_server.url


@pytest.fixture
def daphne_cluster(server_database, transactional_db, collected_static, tmp_path):
    """Starts daphne processes on the test database: `daphne_cluster(2, env={...})`.

    The processes have their own connections, so they see only committed rows: the fixture
    asks for a transactional database, and stops every process before that database is
    flushed at teardown.
    """
    cluster = DaphneCluster(server_database, tmp_path)
    yield cluster
    cluster.stop_all()
