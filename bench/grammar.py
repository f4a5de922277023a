"""Score the naming checker against a labelled list of message names.

Usage: python bench/grammar.py [FILE]

FILE is a tab-separated file with the header ``name<TAB>label<TAB>note``, where label is
``event``, ``command`` or ``contradiction``. A clear row is right when the verdict's kind matches
the label and no smell is raised; a contradiction row is right when a smell is raised. Without
FILE, the shared labelled list beside the repository is used. The last line printed is
``RESULT accuracy=<share right over all rows> n=<rows>``.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from naming.grammar import classify

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "shared/data/message-names.tsv"
LABELS = ("event", "command", "contradiction")


def load(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            name = (row.get("name") or "").strip()
            label = (row.get("label") or "").strip()
            if not name or label not in LABELS:
                continue
            rows.append((name, label, (row.get("note") or "").strip()))
    return rows


def is_right(label: str, kind: str, smell: str | None) -> bool:
    if label == "contradiction":
        return smell is not None
    return kind == label and smell is None


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_FILE
    if not path.is_file():
        print(f"error: labelled file not found: {path}", file=sys.stderr)
        return 2
    rows = load(path)
    if not rows:
        print(f"error: no labelled rows in {path}", file=sys.stderr)
        return 2

    totals: dict[str, int] = defaultdict(int)
    rights: dict[str, int] = defaultdict(int)
    misses: dict[str, list[str]] = defaultdict(list)
    for name, label, note in rows:
        verdict = classify(name)
        totals[label] += 1
        if is_right(label, verdict.kind, verdict.smell):
            rights[label] += 1
        else:
            got = verdict.kind + (" + smell" if verdict.smell else "")
            extra = f"  ({note})" if note else ""
            misses[label].append(f"  {name}: expected {label}, got {got}{extra}")

    print(f"file: {path}")
    for label in LABELS:
        if totals[label]:
            print(f"{label}: {rights[label]}/{totals[label]} right")
            for line in misses[label]:
                print(line)
    clear = totals["event"] + totals["command"]
    if clear:
        clear_right = rights["event"] + rights["command"]
        print(f"clear labels: {clear_right}/{clear} = {clear_right / clear:.3f}")
    if totals["contradiction"]:
        print(f"contradictions flagged: {rights['contradiction']}/{totals['contradiction']}")
    n = sum(totals.values())
    print(f"RESULT accuracy={sum(rights.values()) / n:.3f} n={n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
