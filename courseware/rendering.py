"""Turns lesson Markdown into HTML, resolving the course's own link schemes.

Authors write `glossary:term`, `lesson:slug` and `scenario:name` as link targets; they become
site URLs here, and the content check reports any that point nowhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

SCHEME_RE = re.compile(r"^(glossary|lesson|scenario):([a-z0-9][a-z0-9-]*)$")
EXTENSIONS = ["tables", "fenced_code", "codehilite", "attr_list", "toc", "sane_lists"]
EXTENSION_CONFIGS = {
    # Class-based highlighting keeps every style in our stylesheet (no inline styles for CSP).
    "codehilite": {"css_class": "highlight", "guess_lang": False},
    "toc": {"permalink": False},
}

LinkResolver = Callable[[str, str], str]


def course_links(text: str) -> list[tuple[str, str]]:
    """Every (scheme, target) pair a Markdown text links to."""
    return re.findall(r"\]\((glossary|lesson|scenario):([^)\s]+)\)", text)


class _SchemeLinks(Treeprocessor):
    def __init__(self, md, resolve: LinkResolver):
        super().__init__(md)
        self.resolve = resolve

    def run(self, root: Element) -> None:
        for link in root.iter("a"):
            match = SCHEME_RE.match(link.get("href", ""))
            if match:
                scheme, target = match.groups()
                link.set("href", self.resolve(scheme, target))
                link.set("class", f"link-{scheme}")


class _SchemeLinkExtension(Extension):
    def __init__(self, resolve: LinkResolver):
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md):
        md.treeprocessors.register(_SchemeLinks(md, self.resolve), "course_links", 1)


def render_markdown(text: str, resolve: LinkResolver) -> str:
    # Raw HTML in content is escaped: content is data, not markup we trust.
    md = markdown.Markdown(
        extensions=[*EXTENSIONS, _SchemeLinkExtension(resolve)],
        extension_configs=EXTENSION_CONFIGS,
    )
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text)
