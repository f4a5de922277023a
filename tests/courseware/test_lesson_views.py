"""The lesson page, its check-yourself questions and the inline naming checker."""

import dataclasses
import gzip
import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from courseware.content import Course, load_course
from courseware.models import CheckAnswer, LessonProgress
from learners.identity import LEARNER_KEY

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def course():
    return load_course()


@pytest.fixture
def lesson(course):
    return course.lessons[0]


def check_url(lesson, question):
    return f"/lessons/{lesson.slug}/check/{question.id}/"


def test_the_lesson_page_shows_every_part_of_a_lesson(client, course):
    for lesson in course.lessons:
        html = client.get(f"/lessons/{lesson.slug}/").content.decode()
        assert "You will be able to" in html
        assert "Key takeaways" in html
        assert "Check yourself" in html
        for question in lesson.checks:
            assert f'id="check-{question.id}"' in html
            assert f'action="{check_url(lesson, question)}#check-{question.id}"' in html
            assert f'hx-post="{check_url(lesson, question)}"' in html
        for activity in lesson.tries:
            if activity.kind == "scenario":
                assert f'href="/simulator/?scenario={activity.scenario}"' in html
            else:
                assert 'action="/grammar/check/"' in html
        assert html.count('name="csrfmiddlewaretoken"') >= len(lesson.checks)


def test_previous_and_next_link_the_neighbouring_lessons(client, course):
    first, second = course.lessons[0], course.lessons[1]
    html = client.get(f"/lessons/{second.slug}/").content.decode()
    assert f'href="/lessons/{first.slug}/" rel="prev"' in html
    assert f'href="/lessons/{course.lessons[2].slug}/" rel="next"' in html
    first_html = client.get(f"/lessons/{first.slug}/").content.decode()
    assert 'rel="prev"' not in first_html


def test_opening_a_lesson_marks_it_read_for_the_anonymous_session(client, lesson):
    client.get(f"/lessons/{lesson.slug}/")
    key = client.session[LEARNER_KEY]
    progress = LessonProgress.objects.get(session_key=key)
    assert progress.lesson_slug == lesson.slug
    assert progress.read_at is not None


def test_the_outline_writes_nothing_for_a_visitor_who_did_nothing(client):
    client.get("/")
    assert LEARNER_KEY not in client.session
    assert not LessonProgress.objects.exists()


def test_a_right_answer_without_js_renders_the_whole_page_with_feedback(client, lesson):
    q = lesson.checks[0]
    response = client.post(check_url(lesson, q), {"choice": q.answer})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "Right:" in html
    assert q.explanation in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert CheckAnswer.objects.get().correct


def test_a_wrong_answer_over_htmx_returns_only_the_question(client, lesson):
    q = lesson.checks[0]
    wrong = (q.answer + 1) % len(q.choices)
    response = client.post(check_url(lesson, q), {"choice": wrong}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith(f'<section class="check check--hint" id="check-{q.id}"')
    assert "Not yet" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert not CheckAnswer.objects.get().correct


def test_a_boosted_request_gets_the_whole_page(client, lesson):
    q = lesson.checks[0]
    headers = {**HTMX, "HX-Boosted": "true"}
    response = client.post(check_url(lesson, q), {"choice": q.answer}, headers=headers)
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("data", [{}, {"choice": ""}, {"choice": "7"}, {"choice": "one"}])
def test_a_bad_answer_is_refused_with_a_message_and_records_nothing(client, lesson, data):
    q = lesson.checks[0]
    response = client.post(check_url(lesson, q), data, headers=HTMX)
    assert response.status_code == 400
    assert "Nothing was recorded." in response.content.decode()
    assert not CheckAnswer.objects.exists()


def test_an_unknown_question_or_lesson_is_a_404(client, lesson):
    assert client.post(f"/lessons/{lesson.slug}/check/nope/", {"choice": 0}).status_code == 404
    assert client.post("/lessons/nope/check/nope/", {"choice": 0}).status_code == 404


def test_answers_need_post_and_a_csrf_token(lesson):
    from django.test import Client

    q = lesson.checks[0]
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(check_url(lesson, q)).status_code == 405
    assert strict.post(check_url(lesson, q), {"choice": q.answer}).status_code == 403
    assert not CheckAnswer.objects.exists()


def test_a_question_answered_before_says_so(client, lesson):
    q = lesson.checks[0]
    client.post(check_url(lesson, q), {"choice": q.answer})
    html = client.get(f"/lessons/{lesson.slug}/").content.decode()
    assert "You have answered this one correctly before." in html


def test_the_outline_shows_each_lesson_state_and_where_to_continue(client, course, lesson):
    html = client.get("/").content.decode()
    assert "Start the first lesson" in html
    assert html.count("Not started") == len(course.lessons)

    client.get(f"/lessons/{course.lessons[1].slug}/")
    html = client.get("/").content.decode()
    assert "Continue where you left off" in html
    assert html.count(">◐</span> Read") == 1

    for q in lesson.checks:
        client.post(check_url(lesson, q), {"choice": q.answer})
    html = client.get("/").content.decode()
    assert ">✓</span> Checked" in html
    continue_link = html.split("Continue where you left off")[0].rsplit("<a", 1)[1]
    # The first lesson was touched last and is checked, so continue with the next unchecked one.
    assert f'href="/lessons/{course.lessons[1].slug}/"' in continue_link


def test_the_naming_checker_answers_as_a_fragment_or_a_page(client):
    fragment = client.get("/grammar/check/", {"name": "InvoiceSent"}, headers=HTMX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<html" not in html
    assert "an event" in html
    page = client.get("/grammar/check/", {"name": "SendInvoice"})
    assert "<html" in page.content.decode()
    assert "a command" in page.content.decode()


def test_the_naming_checker_flags_a_command_in_disguise(client):
    html = client.get("/grammar/check/", {"name": "SendEmailEvent"}, headers=HTMX).content
    assert "Watch out:" in html.decode()


@pytest.mark.parametrize("name", ["", "   ", "12345", "x" * 201])
def test_the_naming_checker_refuses_what_is_not_a_name(client, name):
    response = client.get("/grammar/check/", {"name": name}, headers=HTMX)
    assert response.status_code == 400
    assert "That cannot be checked." in response.content.decode()


def test_the_naming_checker_page_without_a_name_is_an_empty_form(client):
    response = client.get("/grammar/check/")
    assert response.status_code == 200
    assert 'name="name"' in response.content.decode()


def shown_order(html: str, question) -> list[int]:
    """The original indices of a question's choices, in the order the page shows them."""
    start = html.index(f'id="check-{question.id}"')
    section = html[start : html.index("</section>", start)]
    return [int(v) for v in re.findall(r'name="choice" value="(\d+)"', section)]


def test_choices_are_shuffled_per_learner_and_stable_on_reload(client, course):
    from courseware.grading import choice_seed, shuffled

    lesson = course.lessons[0]
    html = client.get(f"/lessons/{lesson.slug}/").content.decode()
    key = client.session[LEARNER_KEY]
    for q in lesson.checks:
        expected = shuffled(len(q.choices), seed=choice_seed(f"learner:{key}", lesson.slug, q.id))
        assert shown_order(html, q) == list(expected)
    again = client.get(f"/lessons/{lesson.slug}/").content.decode()
    assert [shown_order(again, q) for q in lesson.checks] == [
        shown_order(html, q) for q in lesson.checks
    ]


def test_a_signed_in_learner_has_an_order_of_their_own(client, course, django_user_model):
    from courseware.grading import choice_seed, shuffled

    lesson = course.lessons[0]
    user = django_user_model.objects.create_user("order", password="pw-order-123")
    client.force_login(user)
    html = client.get(f"/lessons/{lesson.slug}/").content.decode()
    q = lesson.checks[-1]
    seed = choice_seed(f"user:{user.pk}", lesson.slug, q.id)
    assert shown_order(html, q) == list(shuffled(len(q.choices), seed=seed))


def test_answers_are_graded_by_the_original_index_whatever_the_order(client, course):
    lesson = course.lessons[0]
    client.get(f"/lessons/{lesson.slug}/")
    for q in lesson.checks:
        client.post(check_url(lesson, q), {"choice": q.answer})
    assert CheckAnswer.objects.filter(correct=True).count() == len(lesson.checks)
    assert list(CheckAnswer.objects.values_list("choice", flat=True)) == [
        q.answer for q in lesson.checks
    ]


def unescape(html: str) -> str:
    return html.replace("&#x27;", "'").replace("&quot;", '"')


def test_a_first_wrong_answer_gets_the_hint_for_that_choice_not_the_answer(client, course):
    lesson = course.lessons[0]
    q = lesson.checks[1]
    for wrong in (i for i in range(len(q.choices)) if i != q.answer):
        client.session.flush()
        html = unescape(
            client.post(check_url(lesson, q), {"choice": wrong}, headers=HTMX).content.decode()
        )
        assert "check--hint" in html
        assert q.hints[wrong] in html
        assert q.explanation not in html
        assert "The answer is" not in html
        assert "Show me the answer" in html
        others = [h for i, h in enumerate(q.hints) if h and i != wrong]
        assert not any(h in html for h in others)


def test_a_second_try_shows_the_answer_and_the_explanation(client, course):
    lesson = course.lessons[0]
    q = lesson.checks[1]
    wrong = (q.answer + 1) % len(q.choices)
    client.post(check_url(lesson, q), {"choice": wrong}, headers=HTMX)
    html = unescape(
        client.post(check_url(lesson, q), {"choice": wrong}, headers=HTMX).content.decode()
    )
    assert "check--wrong" in html
    assert f"The answer is “{q.choices[q.answer]}”" in html
    assert q.explanation in html
    assert "Show me the answer" not in html
    assert CheckAnswer.objects.count() == 2


def test_show_me_the_answer_reveals_it_and_records_nothing(client, course):
    lesson = course.lessons[0]
    q = lesson.checks[2]
    wrong = (q.answer + 1) % len(q.choices)
    client.post(check_url(lesson, q), {"choice": wrong}, headers=HTMX)
    response = client.post(check_url(lesson, q), {"reveal": "1"}, headers=HTMX)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert f"The answer is “{q.choices[q.answer]}”." in html
    assert q.explanation in html
    assert CheckAnswer.objects.count() == 1


def test_show_me_the_answer_works_without_javascript(client, course):
    lesson = course.lessons[0]
    q = lesson.checks[2]
    html = unescape(client.post(check_url(lesson, q), {"reveal": "1"}).content.decode())
    assert "<html" in html
    assert q.explanation in html
    assert not CheckAnswer.objects.exists()


def test_a_reader_back_within_the_minute_costs_the_lesson_page_no_query(
    client, lesson, django_assert_num_queries
):
    client.get(f"/lessons/{lesson.slug}/")
    # The session and the lesson's state both come from this process's memory.
    with django_assert_num_queries(0):
        response = client.get(f"/lessons/{lesson.slug}/")
    assert response.status_code == 200
    assert LessonProgress.objects.get().read_at is not None


def test_a_reader_back_after_the_minute_moves_the_touch_in_two_queries(
    client, lesson, django_assert_num_queries
):
    url = f"/lessons/{lesson.slug}/"
    client.get(url)
    earlier = timezone.now() - timedelta(days=1)
    LessonProgress.objects.update(touched_at=earlier)
    caches["local"].clear()  # what the minute does
    # The mark-read UPDATE and the earlier right answers.
    with django_assert_num_queries(2):
        client.get(url)
    assert LessonProgress.objects.get().touched_at > earlier


def test_an_answer_shows_on_the_very_next_opening_of_its_lesson(client, lesson):
    url = f"/lessons/{lesson.slug}/"
    q = lesson.checks[0]
    assert "answered this one correctly before" not in client.get(url).content.decode()
    client.post(check_url(lesson, q), {"choice": q.answer}, headers=HTMX)
    html = client.get(url).content.decode()
    assert html.count("You have answered this one correctly before.") == 1


def test_learners_share_the_lesson_layout_but_each_sees_their_own_account_links(
    lesson, django_user_model
):
    url = f"/lessons/{lesson.slug}/"
    pages = {}
    for name in ("ann", "bob", None):
        client = Client(enforce_csrf_checks=True)
        if name:
            client.force_login(django_user_model.objects.create_user(name))
        pages[name] = (client, client.get(url).content.decode())
    for name, (_client, html) in pages.items():
        assert "<!--account-" not in html
        assert "<!--checks-" not in html
        signed_in = re.findall(r"Signed in as </span>(\w+)", html)
        assert signed_in == ([name] if name else [])
        assert ('href="/accounts/login/"' in html) is (name is None)
        assert '<h1 id="lesson-title">' in html
        assert "Check yourself" in html
    client, html = pages["ann"]
    form = re.search(r'<form class="account-nav__form".*?</form>', html, re.S).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302


def test_the_lesson_page_follows_an_edited_lesson_file(client, course, lesson, monkeypatch):
    url = f"/lessons/{lesson.slug}/"
    assert lesson.title in client.get(url).content.decode()
    edited = dataclasses.replace(
        lesson, title="A retitled lesson", takeaways=("A takeaway the file did not have.",)
    )
    lessons = tuple(edited if item is lesson else item for item in course.lessons)
    newer = Course(lessons=lessons, by_slug={item.slug: item for item in lessons})
    monkeypatch.setattr("courseware.views.lessons.load_course", lambda: newer)
    html = client.get(url).content.decode()
    assert '<h1 id="lesson-title">A retitled lesson</h1>' in html
    assert "A takeaway the file did not have." in html
    assert f'<h1 id="lesson-title">{lesson.title}</h1>' not in html


def test_each_question_form_carries_a_csrf_token_that_is_accepted(lesson):
    client = Client(enforce_csrf_checks=True)
    question = lesson.checks[-1]
    for _ in range(2):  # the second page comes from the cached questions
        html = client.get(f"/lessons/{lesson.slug}/").content.decode()
        assert "csrf-" not in html
        assert "<!--checks-" not in html
        forms = re.findall(r'<form method="post" action="/lessons/.*?</form>', html, re.S)
        assert len(forms) == len(lesson.checks)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', forms[-1]).group(1)
        response = client.post(
            check_url(lesson, question), {"choice": "0", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 200


def test_the_outline_follows_a_reading_and_an_edited_lesson_file(
    client, course, lesson, monkeypatch
):
    row = re.compile(r'<li class="outline__item outline__item--([\w-]+)">\s*<a[^>]*href="([^"]+)"')
    assert ("not-started", f"/lessons/{lesson.slug}/") in row.findall(
        client.get("/").content.decode()
    )
    client.get(f"/lessons/{lesson.slug}/")
    assert ("read", f"/lessons/{lesson.slug}/") in row.findall(client.get("/").content.decode())
    edited = dataclasses.replace(lesson, title="A retitled lesson")
    lessons = tuple(edited if item is lesson else item for item in course.lessons)
    newer = Course(lessons=lessons, by_slug={item.slug: item for item in lessons})
    monkeypatch.setattr("courseware.views.lessons.load_course", lambda: newer)
    html = client.get("/").content.decode()
    assert '<span class="outline__title">A retitled lesson</span>' in html
    assert f'<span class="outline__title">{lesson.title}</span>' not in html


def without_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked: each response masks the token afresh."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)


@pytest.mark.parametrize("reader", ["visitor", "signed in", "answered before"])
def test_a_lesson_sent_as_gzip_is_the_page_sent_plain(lesson, django_user_model, reader):
    url = f"/lessons/{lesson.slug}/"
    client = Client()
    if reader == "signed in":
        client.force_login(django_user_model.objects.create_user("gzip-reader"))
    if reader == "answered before":
        question = lesson.checks[0]
        client.post(check_url(lesson, question), {"choice": question.answer})
    for _ in range(2):
        plain = client.get(url)
        zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert "Content-Encoding" not in plain
        assert zipped["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in zipped["Vary"]
        assert int(zipped["Content-Length"]) == len(zipped.content)
        html = gzip.decompress(zipped.content).decode()
        assert without_tokens(html) == without_tokens(plain.content.decode())
        assert html.count('name="csrfmiddlewaretoken"') >= len(lesson.checks)
    assert ("Signed in as" in html) is (reader == "signed in")
    assert ("You have answered this one correctly before." in html) is (reader == "answered before")


def test_a_token_taken_from_a_gzip_page_is_accepted(lesson):
    client = Client(enforce_csrf_checks=True)
    zipped = client.get(f"/lessons/{lesson.slug}/", HTTP_ACCEPT_ENCODING="gzip")
    html = gzip.decompress(zipped.content).decode()
    assert "csrf-" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    question = lesson.checks[-1]
    response = client.post(
        check_url(lesson, question), {"choice": "0", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200


def test_a_refused_answer_comes_back_as_gzip_with_its_400(client, lesson):
    response = client.post(
        check_url(lesson, lesson.checks[0]), {"choice": "99"}, HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 400
    assert response["Content-Encoding"] == "gzip"
    assert "That answer is not one of the choices." in gzip.decompress(response.content).decode()


def test_an_answer_without_js_comes_back_as_gzip_with_its_feedback(client, lesson):
    question = lesson.checks[0]
    response = client.post(
        check_url(lesson, question),
        {"choice": question.answer},
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    assert "<html" in html
    assert "Right:" in html
    assert "<!--checks-" not in html
