import pytest

pytestmark = pytest.mark.django_db


def test_home_page_lists_the_lessons_from_the_content_files(client):
    from courseware.content import load_course

    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    course = load_course()
    assert course.lessons, "the content folder should hold lessons"
    for lesson in course.lessons:
        assert lesson.title in html
        assert f"/lessons/{lesson.slug}/" in html


def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_layout_has_skip_link_landmarks_and_navigation(client):
    html = client.get("/").content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    for label in ["Lessons", "Simulator", "Quizzes", "Grammar", "Glossary"]:
        assert f">{label}</a>" in html


def test_a_missing_page_gets_the_styled_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This page was never published" in html
    assert 'class="site-header"' in html


def test_an_unknown_lesson_is_a_404(client):
    response = client.get("/lessons/not-a-lesson/")
    assert response.status_code == 404


def test_lesson_page_renders_its_body(client):
    from courseware.content import load_course

    lesson = load_course().lessons[0]
    response = client.get(f"/lessons/{lesson.slug}/")
    assert response.status_code == 200
    assert lesson.title in response.content.decode()


def test_pages_refuse_unsupported_methods(client):
    assert client.post("/").status_code == 405
