"""Who a learner is, from a request and from a socket's scope."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from learners.identity import LEARNER_KEY, Learner, learner_for_request, learner_for_scope


def signed_in(pk: int):
    return SimpleNamespace(pk=pk, is_authenticated=True)


def request_with(session: dict, user=None):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session.update(session)
    request.user = user or AnonymousUser()
    return request


def test_a_learner_is_a_user_or_a_session_never_both():
    with pytest.raises(ValueError, match="exactly one"):
        Learner(user_id=1, session_key="abc")
    with pytest.raises(ValueError, match="exactly one"):
        Learner()


def test_a_learners_rows_are_found_by_exactly_one_of_the_two_fields():
    assert Learner(user_id=7).lookup == {"user_id": 7, "session_key": ""}
    assert Learner(session_key="k").lookup == {"user__isnull": True, "session_key": "k"}
    assert Learner(session_key="k").fields == {"user_id": None, "session_key": "k"}
    assert Learner(user_id=7).identity != Learner(session_key="7").identity


def test_a_visitor_gets_a_key_only_when_asked_to_make_one():
    request = request_with({})
    assert learner_for_request(request, create=False) is None
    assert LEARNER_KEY not in request.session

    learner = learner_for_request(request, create=True)

    assert learner.is_anonymous
    assert len(learner.session_key) == 32
    assert request.session[LEARNER_KEY] == learner.session_key
    assert learner_for_request(request, create=True) == learner


def test_a_signed_in_user_is_their_account_whatever_the_session_holds():
    request = request_with({LEARNER_KEY: "left-over"}, user=signed_in(5))
    assert learner_for_request(request, create=True) == Learner(user_id=5)
    assert request.session[LEARNER_KEY] == "left-over"


def test_a_socket_finds_the_same_learner_as_the_page_and_never_makes_one():
    assert learner_for_scope({"session": {LEARNER_KEY: "k"}}) == Learner(session_key="k")
    assert learner_for_scope({"session": {}, "user": AnonymousUser()}) is None
    assert learner_for_scope({}) is None
    scope = {"session": {LEARNER_KEY: "k"}, "user": signed_in(3)}
    assert learner_for_scope(scope) == Learner(user_id=3)
