from courseware.views.lessons import home, lesson_check, lesson_detail, lesson_index
from courseware.views.naming import naming_check
from courseware.views.progress import progress_page
from courseware.views.reference import cheatsheet, glossary

__all__ = [
    "cheatsheet",
    "glossary",
    "home",
    "lesson_check",
    "lesson_detail",
    "lesson_index",
    "naming_check",
    "progress_page",
]
