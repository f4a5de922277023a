"""Turns lesson Markdown into HTML, resolving the course's own link schemes.

Authors write `glossary:term`, `lesson:slug` and `scenario:name` as link targets; they become
site URLs here, and the content check reports any that point nowhere. A `flow:kind/Message`
target marks a claim about the order flow (see `simulator.engine.facts`): the reader sees its
text, and the content check holds it against the engine. A line `::: name` is replaced by a
block the caller supplies (the order flow's table, drawn from a run).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

SCHEME_RE = re.compile(r"^(glossary|lesson|scenario):([a-z0-9][a-z0-9-]*)$")
CLAIM_RE = re.compile(r"\[([^\]]+)\]\(flow:([^)\s]*)\)")
BLOCK_RE = re.compile(r"^::: *([a-z0-9-]+) *$", re.M)
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


def flow_claims(text: str) -> list[tuple[str, str]]:
    """Every (claimed text, target) pair a Markdown text makes about the order flow."""
    return CLAIM_RE.findall(text)


def block_names(text: str) -> list[str]:
    """The generated blocks (``::: name`` lines) a Markdown text asks for."""
    return BLOCK_RE.findall(text)


class _SchemeLinks(Treeprocessor):
    def __init__(self, md, resolve: LinkResolver):
        super().__init__(md)
        self.resolve = resolve

    def run(self, root: Element) -> None:
        for link in root.iter("a"):
            if link.get("href", "").startswith("flow:"):
                # A claim reads as plain prose; only the content check looks at its target.
                link.tag = "span"
                link.attrib.clear()
                continue
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


def render_markdown(
    text: str, resolve: LinkResolver, blocks: Mapping[str, str] | None = None
) -> str:
    blocks = blocks or {}
    text = BLOCK_RE.sub(lambda m: blocks.get(m.group(1), m.group(0)), text)
    # Raw HTML in content is escaped: content is data, not markup we trust.
    md = markdown.Markdown(
        extensions=[*EXTENSIONS, _SchemeLinkExtension(resolve)],
        extension_configs=EXTENSION_CONFIGS,
    )
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text)
