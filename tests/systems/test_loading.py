import json

import pytest

from systems.loading import MAX_CHANNELS, DocumentError, load
from tests.systems.helpers import PUBLIC, read


@pytest.mark.parametrize("name", PUBLIC)
def test_public_documents_of_both_versions_load(name):
    document = load(read(name))
    assert document.major in (2, 3)
    assert document.data["info"]["title"]


def test_the_fixtures_cover_both_major_versions():
    majors = {load(read(name)).major for name in PUBLIC}
    assert majors == {2, 3}


def test_json_documents_load_too():
    data = load(read("rpc-server-3.1.yml")).data
    assert load(json.dumps(data)).data == data


def test_a_remote_reference_is_refused_without_fetching():
    with pytest.raises(DocumentError, match="points outside the document"):
        load(read("adeo-kafka-request-reply-3.1.yml"))


def test_a_local_file_reference_is_refused():
    text = """
asyncapi: 2.6.0
info: {title: T, version: '1'}
channels:
  a:
    publish:
      message: {$ref: 'file:///etc/passwd'}
"""
    with pytest.raises(DocumentError, match="file:///etc/passwd"):
        load(text)


def test_a_relative_file_reference_is_refused():
    text = (
        "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\n"
        "channels:\n  a: {$ref: '../secrets.yaml'}\n"
    )
    with pytest.raises(DocumentError, match="outside the document"):
        load(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("asyncapi: 3.0.0\ninfo: [unclosed", "not valid YAML"),
        ('{"asyncapi": "3.0.0", ', "not valid JSON"),
        ("", "empty"),
        ("- just\n- a list\n", "not a mapping"),
        ("info: {title: T, version: '1'}\n", "no `asyncapi`"),
        ("asyncapi: 1.2.0\ninfo: {title: T, version: '1'}\n", "not supported"),
        ("asyncapi: 3.0.0\ninfo: {title: T}\n", "does not follow the AsyncAPI schema"),
        ("asyncapi: 3.0.0\ninfo: {title: T, version: '1'}\nchannels: 5\n", "schema"),
        ("!!python/object/apply:os.system ['true']\n", "not valid YAML"),
    ],
)
def test_bad_documents_get_one_clear_sentence(text, reason):
    with pytest.raises(DocumentError, match=reason) as caught:
        load(text)
    assert "\n" not in str(caught.value)


def test_an_alias_bomb_is_stopped_before_it_expands():
    lines = ["asyncapi: 3.0.0", "info: {title: T, version: '1'}", "x-a: &a [lol, lol, lol, lol]"]
    previous = "a"
    for level in "bcdefghijk":
        lines.append(f"x-{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}]")
        previous = level
    with pytest.raises(DocumentError, match="repeated YAML aliases"):
        load("\n".join(lines))


def test_a_self_referencing_alias_is_stopped():
    with pytest.raises(DocumentError, match="nested deeper"):
        load("asyncapi: 3.0.0\ninfo: {title: T, version: '1'}\nx-loop: &l [*l]\n")


def test_deep_nesting_is_refused():
    with pytest.raises(DocumentError, match="nested deeper"):
        load('{"asyncapi": "3.0.0", "x-deep": ' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(DocumentError):
        load("asyncapi: 3.0.0\nx-deep: " + "[" * 5000 + "]" * 5000 + "\n")


def test_thousands_of_channels_are_refused():
    channels = {f"c{i}": {"address": f"c{i}"} for i in range(5000)}
    text = json.dumps(
        {"asyncapi": "3.0.0", "info": {"title": "T", "version": "1"}, "channels": channels}
    )
    with pytest.raises(DocumentError, match=f"5,000 channels; the limit is {MAX_CHANNELS:,}"):
        load(text)


def test_a_document_over_the_size_limit_is_refused():
    with pytest.raises(DocumentError, match="larger than"):
        load("asyncapi: 3.0.0\n# " + "x" * 2_100_000)
