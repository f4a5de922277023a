"""The /grammar/ page: a pasted list of names, each with its verdict, and its limits."""

from urllib.parse import urlencode

import pytest

from quizzes.naming import MAX_INPUT_CHARS, MAX_NAMES, check_names


def get(client, names, **headers):
    return client.get("/grammar/?" + urlencode({"names": names}), **headers)


def test_the_empty_page_has_a_form_that_works_without_js(client):
    response = client.get("/grammar/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post" action="/grammar/"' in html
    assert '<textarea id="grammar-names" name="names"' in html
    assert "<table" not in html


def test_the_lessons_inline_checker_is_not_shadowed(client):
    response = client.get("/grammar/check/?name=OrderPlaced")
    assert response.status_code == 200
    assert "Check a message name" in response.content.decode()


def test_a_pasted_list_gets_a_row_per_name(client):
    names = "PlaceOrder\nOrderPlaced\n\n  SendEmail  \ncharge.refunded\nCustomerData\n"
    html = get(client, names).content.decode()
    assert html.count('class="names__row') == 5
    assert "5 names checked: 2 events, 2 commands, 1 unclear." in html
    # text and an icon, not colour alone
    assert "● Event" in html.replace('<span aria-hidden="true">●</span>', "●")
    assert "<code>EmailSent</code>" in html  # SendEmail's suggested rename
    assert "<code>PlaceOrder</code>" in html  # OrderPlaced's
    assert "past tense" in html
    assert "base form (imperative)" in html


def test_contradictions_are_flagged(client):
    html = get(client, "OrderPlacedCommand").content.decode()
    assert "Smell:" in html
    assert "PlaceOrderCommand" in html


def test_bad_names_get_their_own_error_and_the_rest_still_classify(client):
    names = "PlaceOrder\n12345\n" + "A" * 250 + "\n---\nOrderShipped"
    response = get(client, names)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Not a name") == 3
    assert "at most 200" in html
    assert "no letters" in html
    assert "2 names checked" not in html
    assert "5 names checked: 1 event, 1 command, 0 unclear, 3 that could not be read." in html


def test_htmx_gets_only_the_results(client):
    response = get(client, "PlaceOrder", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="grammar-results"')
    assert "<html" not in html


def test_the_results_link_to_themselves(client):
    html = get(client, "PlaceOrder\nOrderPlaced").content.decode()
    assert 'href="?names=PlaceOrder%0AOrderPlaced"' in html


def test_too_much_text_is_refused_with_a_message(client):
    response = get(client, "OrderPlaced\n" * (MAX_INPUT_CHARS // 10))
    assert response.status_code == 400
    assert "Nothing was checked." in response.content.decode()


def test_only_the_first_hundred_names_are_checked():
    report = check_names("\n".join(f"Order{i}Placed" for i in range(MAX_NAMES + 5)))
    assert len(report.rows) == MAX_NAMES
    assert "the other 5 were left out" in report.notices[0]


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_only_get_head_and_post(client, method):
    assert getattr(client, method)("/grammar/").status_code == 405
