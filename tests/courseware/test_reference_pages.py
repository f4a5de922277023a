import pytest

from courseware.content import load_course
from courseware.glossary import load_glossary

pytestmark = pytest.mark.django_db


def test_the_glossary_lists_every_term_alphabetically_with_an_anchor(client):
    html = client.get("/glossary/").content.decode()
    terms = load_glossary().terms
    assert terms
    positions = [html.index(f'id="{term.slug}"') for term in terms]
    assert positions == sorted(positions)
    names = [t.term.casefold() for t in terms]
    assert names == sorted(names)


def test_glossary_entries_link_related_terms_and_lessons(client):
    html = client.get("/glossary/").content.decode()
    course = load_course()
    for term in load_glossary().terms:
        for other in term.see_also:
            assert f'href="#{other}"' in html
        for slug in term.lessons:
            assert f'href="/lessons/{slug}/"' in html
            assert course.by_slug[slug].title in html


def test_every_glossary_link_in_a_lesson_has_an_entry(client):
    slugs = load_glossary().slugs
    for lesson in load_course().lessons:
        html = client.get(f"/lessons/{lesson.slug}/").content.decode()
        for part in html.split('href="/glossary/#')[1:]:
            assert part.split('"')[0] in slugs


def test_the_cheat_sheet_renders_with_a_print_button_for_script_users(client):
    response = client.get("/cheatsheet/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-print hidden" in html
    assert "js/course" in html
    assert 'class="prose cheatsheet__body"' in html


def test_the_progress_page_shows_the_record_and_hides_statistics_from_learners(client):
    response = client.get("/progress/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your progress" in html
    assert "How every learner answered" not in html


def test_staff_see_per_question_statistics(client, django_user_model):
    staff = django_user_model.objects.create_user("teacher", password="x", is_staff=True)
    client.force_login(staff)
    html = client.get("/progress/").content.decode()
    assert "How every learner answered" in html
    for question in load_course().lessons[0].checks:
        assert f"#check-{question.id}" in html
