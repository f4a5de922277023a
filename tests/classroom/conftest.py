"""People in a room: a teacher with an account and learners who joined by code in their own
sessions, each able to open the room's socket as a browser would (with their session cookie)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from classroom import services
from tests.classroom.helpers import Person, join


@pytest.fixture(autouse=True)
def fresh_memory():
    """Each test starts with no room in this process's memory and no failed join counted."""
    services._cache.clear()
    cache.clear()
    yield
    services._cache.clear()
    cache.clear()


@pytest.fixture
def teacher_user(db):
    # No password: the tests sign the teacher in directly, and hashing one is slow.
    return get_user_model().objects.create_user("teacher", is_staff=True)


@pytest.fixture
def room(teacher_user):
    return services.room_open(teacher=teacher_user, scenario="order-flow", title="Group B")


@pytest.fixture
def teacher(teacher_user, room):
    client = Client()
    client.force_login(teacher_user)
    return Person(client, room.code)


@pytest.fixture
def learners(room):
    return [join(room.code, name) for name in ("Ana", "Ben", "Cy")]
