"""How long the import of a 1 MB AsyncAPI document takes, against bare parsing in the same run.

The document is generated: an AsyncAPI 3.0 system of 720 channels, each with one message and a
payload schema of a dozen properties, written as YAML of about 1 MB. The import is everything a
learner's paste goes through: parse, the depth and alias budget, validation against the
official schema, mapping to a design, judging every message and building the engine world. The
baseline is parsing the same text with the same YAML loader and nothing else, the floor any
importer stands on. Each figure is the median of five runs. Run: ``python bench/asyncapi.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from systems.judging import judge
from systems.loading import load, parse, schema_validator
from systems.mapping import to_design
from systems.worlds import to_world

VERBS = ("Placed", "Shipped", "Refunded", "Cancelled", "Approved", "Reserved")
NOUNS = ("Order", "Payment", "Parcel", "Invoice", "Refund", "Stock", "Customer", "Coupon")


def document(channels: int = 720) -> str:
    data = {
        "asyncapi": "3.0.0",
        "info": {"title": "Generated shop", "version": "1.0.0"},
        "channels": {},
        "operations": {},
        "components": {"messages": {}},
    }
    for i in range(channels):
        noun, verb = NOUNS[i % len(NOUNS)], VERBS[i % len(VERBS)]
        name = f"{noun}{i}{verb}" if i % 3 else f"Ship{noun}{i}"
        properties = {
            f"field{j}": {"type": "string", "description": f"The {j}th detail of {noun.lower()}."}
            for j in range(12)
        }
        data["components"]["messages"][name] = {
            "name": name,
            "payload": {"type": "object", "properties": properties, "required": ["field0"]},
        }
        data["channels"][f"c{i}"] = {
            "address": f"shop.{noun.lower()}.{i}",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        data["operations"][f"op{i}"] = {
            "action": "send" if i % 2 else "receive",
            "channel": {"$ref": f"#/channels/c{i}"},
        }
    return yaml.safe_dump(data, sort_keys=False)


def full_import(text: str) -> int:
    design = to_design(load(text))
    judgements = judge(design)
    to_world(design, judgements)
    return len(judgements)


def median_time(function, text: str, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        function(text)
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    text = document()
    size = len(text.encode())
    schema_validator("3.0.0")  # read once at start-up on a server too
    messages = full_import(text)
    parse_s = median_time(parse, text)
    import_s = median_time(full_import, text)
    print(f"document: {size:,} bytes, {messages} messages")
    print(f"parse only (baseline): {parse_s:.3f} s")
    print(f"full import:           {import_s:.3f} s ({import_s / parse_s:.2f}x the parse)")
    print(
        f"RESULT bytes={size} messages={messages} import_s={import_s:.3f}"
        f" parse_s={parse_s:.3f} ratio={import_s / parse_s:.2f}"
    )


if __name__ == "__main__":
    main()
