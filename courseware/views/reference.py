"""The reference pages: the glossary and the printable cheat sheet."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from courseware.content import load_course, parse_cheatsheet
from courseware.glossary import load_glossary
from courseware.lesson_pages import markdown_html


@require_safe
def glossary(request):
    course = load_course()
    terms = load_glossary().terms
    names = {t.slug: t.term for t in terms}
    entries = [
        {
            "term": term,
            "see_also": [(slug, names[slug]) for slug in term.see_also if slug in names],
            "lessons": [course.by_slug[s] for s in term.lessons if s in course.by_slug],
        }
        for term in terms
    ]
    groups: dict[str, list[dict]] = {}
    for entry in entries:
        groups.setdefault(entry["term"].term[0].upper(), []).append(entry)
    return render(request, "courseware/glossary.html", {"groups": groups})


@require_safe
def cheatsheet(request):
    sheet = parse_cheatsheet()
    return render(
        request, "courseware/cheatsheet.html", {"sheet": sheet, "body": markdown_html(sheet.body)}
    )
