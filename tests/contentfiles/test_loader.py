"""The one content loader: a file is parsed once per version, and a bad one is named."""

import os

import pytest

import contentfiles
from contentfiles import UnreadableFile, load_file, load_folder
from tests.purity import django_modules_loaded_by


class Refused(ValueError):
    pass


@pytest.fixture(autouse=True)
def fresh_cache():
    contentfiles.clear()
    yield
    contentfiles.clear()


@pytest.fixture
def counted():
    """A parse function that counts its calls: `parse.calls` lists the texts it was given."""

    def parse(path, text):
        parse.calls.append(text)
        if text.startswith("bad"):
            raise Refused(f"{path.name}: the first word is 'bad'")
        return text.upper()

    parse.calls = []
    return parse


def write(path, text, mtime_ns):
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_an_unchanged_file_is_parsed_once(tmp_path, counted):
    path = tmp_path / "lesson.md"
    write(path, "facts", 1_000)
    assert load_file(path, counted) == "FACTS"
    assert load_file(path, counted) == "FACTS"
    assert counted.calls == ["facts"]


def test_a_new_time_or_a_new_size_is_read_again(tmp_path, counted):
    path = tmp_path / "lesson.md"
    write(path, "facts", 1_000)
    load_file(path, counted)
    write(path, "asked", 2_000)  # same size, new time
    assert load_file(path, counted) == "ASKED"
    write(path, "requests", 2_000)  # same time, new size
    assert load_file(path, counted) == "REQUESTS"
    assert counted.calls == ["facts", "asked", "requests"]


def test_two_parsers_of_one_file_do_not_share_results(tmp_path, counted):
    path = tmp_path / "lesson.md"
    write(path, "facts", 1_000)
    assert load_file(path, counted) == "FACTS"
    assert load_file(path, lambda _path, text: len(text)) == 5


def test_a_missing_file_raises_the_callers_error_naming_it(tmp_path, counted):
    with pytest.raises(Refused, match=r"^nowhere\.toml: cannot be read"):
        load_file(tmp_path / "nowhere.toml", counted, error=Refused)
    with pytest.raises(UnreadableFile, match=r"^nowhere\.toml"):
        load_file(tmp_path / "nowhere.toml", counted)
    assert counted.calls == []


def test_a_file_that_is_not_utf8_is_named_and_read_again_once_fixed(tmp_path, counted):
    path = tmp_path / "latin.md"
    path.write_bytes(b"caf\xe9")
    os.utime(path, ns=(1_000, 1_000))
    with pytest.raises(Refused, match=r"^latin\.md: cannot be read as UTF-8 text"):
        load_file(path, counted, error=Refused)
    write(path, "café", 2_000)
    assert load_file(path, counted, error=Refused) == "CAFÉ"


def test_what_the_parser_refuses_goes_through_and_is_not_kept(tmp_path, counted):
    path = tmp_path / "lesson.md"
    write(path, "bad start", 1_000)
    for _ in range(2):
        with pytest.raises(Refused, match=r"lesson\.md: the first word is 'bad'"):
            load_file(path, counted)
    assert len(counted.calls) == 2


def combined(parsed):
    combined.calls += 1
    return tuple((path.name, value) for path, value in parsed)


def test_a_folder_is_combined_once_until_a_file_is_added_or_changed(tmp_path, counted):
    combined.calls = 0
    write(tmp_path / "b.md", "second", 1_000)
    write(tmp_path / "a.md", "first", 1_000)
    (tmp_path / "notes.txt").write_text("not a lesson")
    expected = (("a.md", "FIRST"), ("b.md", "SECOND"))
    assert load_folder(tmp_path, "*.md", combined, parse=counted) == expected
    assert load_folder(tmp_path, "*.md", combined, parse=counted) == expected
    assert combined.calls == 1
    write(tmp_path / "c.md", "third", 1_000)
    assert load_folder(tmp_path, "*.md", combined, parse=counted)[-1] == ("c.md", "THIRD")
    assert counted.calls == ["first", "second", "third"], "unchanged files are not parsed again"
    (tmp_path / "a.md").unlink()
    assert [name for name, _ in load_folder(tmp_path, "*.md", combined, parse=counted)] == [
        "b.md",
        "c.md",
    ]


def test_a_missing_folder_is_an_empty_one(tmp_path, counted):
    combined.calls = 0
    assert load_folder(tmp_path / "none", "*.md", combined, parse=counted) == ()


def test_the_cache_keeps_a_bounded_number_of_versions(tmp_path, counted, monkeypatch):
    monkeypatch.setattr(contentfiles._cache, "size", 2)
    for name in ("a", "b", "c"):
        write(tmp_path / f"{name}.md", name, 1_000)
        load_file(tmp_path / f"{name}.md", counted)
    load_file(tmp_path / "c.md", counted)
    load_file(tmp_path / "a.md", counted)  # the oldest went: parsed again
    assert counted.calls == ["a", "b", "c", "a"]


def test_the_loader_is_plain_python():
    assert django_modules_loaded_by("import contentfiles") == "[]"


def test_a_folder_is_looked_at_again_only_after_the_recheck_time(tmp_path, counted, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(contentfiles, "RECHECK_SECONDS", 1.0)
    monkeypatch.setattr(contentfiles, "_clock", lambda: clock[0])

    def texts():
        return load_folder(tmp_path, "*.txt", lambda parsed: [v for _, v in parsed], parse=counted)

    (tmp_path / "a.txt").write_text("first")
    assert texts() == ["FIRST"]
    (tmp_path / "b.txt").write_text("second")
    clock[0] += 0.5
    assert texts() == ["FIRST"], "within the second, the folder is not looked at"
    clock[0] += 0.6
    assert texts() == ["FIRST", "SECOND"]
