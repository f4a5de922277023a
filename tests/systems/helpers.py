"""The AsyncAPI documents the systems tests read, from tests/systems/documents."""

from pathlib import Path

DOCUMENTS = Path(__file__).resolve().parent / "documents"
PUBLIC = sorted(p.name for p in DOCUMENTS.glob("*.yml") if not p.name.startswith("adeo-"))


def read(name: str) -> str:
    return (DOCUMENTS / name).read_text(encoding="utf-8")
