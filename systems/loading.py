"""Reading an AsyncAPI document safely: parse, bound, validate, and follow internal references.

Everything here is pure Python and never touches the network or the file system beyond the
schemas of the ``@asyncapi/specs`` npm package. A document is refused with a
:class:`DocumentError` (one sentence, fit for a page or standard error) when it is too large,
too deep, too repetitive (YAML aliases that expand into millions of nodes), not YAML or JSON,
not a supported AsyncAPI version, invalid against the official schema, or when it points
outside itself with a ``$ref``.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator, validators
from jsonschema import _keywords as keywords
from jsonschema.exceptions import best_match

MAX_BYTES = 2_000_000
MAX_DEPTH = 64
# Nodes visited while copying the document, each alias counted again every time it is used: a
# YAML alias bomb is small on disk and enormous once expanded, and this is where it stops.
MAX_NODES = 400_000
MAX_CHANNELS = 1_000
MAX_OPERATIONS = 2_000
MAX_MESSAGES = 2_000
MAX_REF_HOPS = 32

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "node_modules/@asyncapi/specs/schemas"
SUPPORTED_VERSIONS = (
    "2.0.0", "2.1.0", "2.2.0", "2.3.0", "2.4.0", "2.5.0", "2.6.0", "3.0.0", "3.1.0",
)  # fmt: skip

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DocumentError(ValueError):
    """The document cannot be used; the message says why in one sentence."""


@dataclass(frozen=True)
class Document:
    """A validated AsyncAPI document as plain JSON-like data."""

    data: dict[str, Any]
    version: str

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])

    def resolve(self, node: Any) -> Any:
        """``node`` with any chain of internal ``$ref`` followed to what it points at."""
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            hops += 1
            if hops > MAX_REF_HOPS:
                raise DocumentError(f"the reference {node['$ref']} goes round in a circle.")
            node = pointer(self.data, node["$ref"])
        return node


def pointer(data: Any, ref: str) -> Any:
    """Follow a ``#/a/b`` JSON pointer inside ``data``."""
    if not ref.startswith("#/"):
        raise DocumentError(f"the reference {ref} points outside the document (unsupported).")
    node = data
    for raw in ref[2:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise DocumentError(f"the reference {ref} points at nothing in the document.")
    return node


def parse(text: str) -> Any:
    """YAML or JSON text to data, without building anything but plain values."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise DocumentError(f"the document is larger than {MAX_BYTES // 1_000_000} MB.")
    if not text.strip():
        raise DocumentError("the document is empty.")
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except RecursionError:
            raise DocumentError(f"the document is nested deeper than {MAX_DEPTH} levels.") from None
        except ValueError as error:
            raise DocumentError(f"the document is not valid JSON: {error}.") from None
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "it could not be read"
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise DocumentError(f"the document is not valid YAML{at}: {problem}.") from None
    except RecursionError:
        raise DocumentError(f"the document is nested deeper than {MAX_DEPTH} levels.") from None


def _plain(data: Any) -> tuple[Any, list[str]]:
    """A JSON-like copy of ``data`` within the depth and node budgets, and its outside refs."""
    budget = [MAX_NODES]
    outside: list[str] = []

    def copy(node: Any, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise DocumentError(
                f"the document expands to more than {MAX_NODES:,} values (repeated YAML aliases?)."
            )
        if depth > MAX_DEPTH:
            raise DocumentError(f"the document is nested deeper than {MAX_DEPTH} levels.")
        if isinstance(node, dict):
            result = {}
            for key, value in node.items():
                if not isinstance(key, str):
                    key = str(key).lower() if isinstance(key, bool) else str(key)
                if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                    outside.append(value)
                result[key] = copy(value, depth + 1)
            return result
        if isinstance(node, list):
            return [copy(item, depth + 1) for item in node]
        if isinstance(node, datetime.date):
            return node.isoformat()
        if isinstance(node, bytes):
            raise DocumentError("the document holds binary data, which AsyncAPI does not use.")
        return node

    return copy(data, 0), outside


@cache
def schema_validator(version: str):
    """The official schema of one AsyncAPI version, read once from node_modules."""
    path = SCHEMA_DIR / f"{version}-without-$id.json"
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RuntimeError(
            f"The AsyncAPI schemas are missing ({path}); run `npm ci` to install them."
        ) from error
    definitions = {f"#/definitions/{k}": v for k, v in schema.get("definitions", {}).items()}

    # The schemas' references all point into their own definitions; looking those up in a dict
    # skips the general resolver, which was a fifth of the time spent on a large document.
    def ref(validator, ref, instance, subschema):
        target = definitions.get(ref)
        if target is None:
            yield from keywords.ref(validator, ref, instance, subschema)
        else:
            yield from validator.descend(instance, target)

    return validators.extend(Draft7Validator, {"$ref": ref})(schema)


def _count(data: dict, key: str, limit: int, what: str) -> None:
    value = data.get(key)
    if isinstance(value, dict) and len(value) > limit:
        raise DocumentError(f"the document has {len(value):,} {what}; the limit is {limit:,}.")


def _describe(error) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "the top level"
    message = error.message
    if len(message) > 160:
        message = message[:157] + "..."
    return f"it does not follow the AsyncAPI schema at {where}: {message}"


def load(text: str) -> Document:
    """Parse, bound and validate an AsyncAPI document; raises :class:`DocumentError`."""
    data, outside = _plain(parse(text))
    if not isinstance(data, dict):
        raise DocumentError("the document is not a mapping of AsyncAPI fields.")
    version = data.get("asyncapi")
    if not isinstance(version, str):
        raise DocumentError("the document has no `asyncapi` version field.")
    if version not in SUPPORTED_VERSIONS:
        raise DocumentError(
            f"AsyncAPI {version} is not supported; use 2.0.0 to 2.6.0, 3.0.0 or 3.1.0."
        )
    if outside:
        raise DocumentError(
            f"the reference {outside[0]!s} points outside the document; only references"
            " inside it (#/components/...) are supported, and nothing is fetched or read."
        )
    _count(data, "channels", MAX_CHANNELS, "channels")
    _count(data, "operations", MAX_OPERATIONS, "operations")
    components = data.get("components")
    if isinstance(components, dict):
        _count(components, "messages", MAX_MESSAGES, "messages")
    error = best_match(schema_validator(version).iter_errors(data))
    if error is not None:
        raise DocumentError(_describe(error) + ".")
    return Document(data=data, version=version)
