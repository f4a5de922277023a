"""Lessons as the site shows them: Markdown rendered once per file version, links resolved."""

from __future__ import annotations

from functools import lru_cache

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from courseware.content import Lesson
from courseware.flow import generated_blocks
from courseware.rendering import render_markdown


def resolve_course_link(scheme: str, target: str) -> str:
    if scheme == "lesson":
        return reverse("lesson-detail", args=[target])
    if scheme == "glossary":
        return f"/glossary/#{target}"
    return f"{reverse('simulator')}?scenario={target}"


def _scrollable(html: str) -> str:
    """Wide tables and long code lines scroll inside their own box, never the page.

    A box that scrolls must be reachable by keyboard, hence the tabindex.
    """
    html = html.replace("<table>", '<div class="table-scroll" tabindex="0"><table>')
    html = html.replace("</table>", "</table></div>")
    return html.replace("<pre>", '<pre tabindex="0">')


@lru_cache(maxsize=64)
def _rendered(body: str) -> str:
    return _scrollable(render_markdown(body, resolve_course_link, generated_blocks()))


def lesson_html(lesson: Lesson) -> SafeString:
    # The body text is the cache key, so an edited file renders afresh and an unchanged one never.
    return mark_safe(_rendered(lesson.body))


def markdown_html(text: str) -> SafeString:
    """Any other course Markdown (the cheat sheet), with the same links and the same cache."""
    return mark_safe(_rendered(text))
