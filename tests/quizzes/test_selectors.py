"""Reads of quizzes' state: what review can offer."""

import shutil

from quizzes.banks import BANKS_DIR
from quizzes.selectors import review_items


def test_review_items_are_built_once_while_no_file_changed():
    first = review_items()
    assert review_items() is first


def test_review_items_follow_an_edited_bank(settings, tmp_path):
    folder = tmp_path / "banks"
    shutil.copytree(BANKS_DIR, folder)
    settings.QUIZ_BANKS_DIR = str(folder)
    before = review_items()
    bank = sorted(folder.glob("*.toml"))[0]
    text = bank.read_text(encoding="utf-8")
    first_id = next(key for key in before if key[0] == f"quiz:{bank.stem}")[1]
    bank.write_text(text.replace(f'id = "{first_id}"', 'id = "a-renamed-question"', 1))
    after = review_items()
    assert after is not before
    assert (f"quiz:{bank.stem}", "a-renamed-question") in after
    assert (f"quiz:{bank.stem}", first_id) not in after
