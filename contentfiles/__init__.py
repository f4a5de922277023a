"""Content files parsed once per version: the one loader behind lessons, the glossary, scenarios
and levels.

A caller supplies the parse function; the loader reads the file, hands the text over, and keeps
the result until the file changes (its modification time or its size). A folder is cached the
same way, on the names, times and sizes of the files that match. Errors name the file: a file
that cannot be read as UTF-8 raises the caller's own error type, whatever the parse function
raises goes through untouched, and neither is cached, so a fixed file is read again at once.

Plain Python, no Django: the simulator's engine loads its scenarios and levels through it.

How a new loader uses it (quizzes/banks.py is the next candidate)::

    def load_banks(directory):
        return load_folder(directory, "*.toml", _combine, parse=_parse_one, error=BankError)

where ``_parse_one(path, text)`` builds one quiz and ``_combine(parsed)`` receives
``[(path, quiz), ...]`` in file-name order and builds the whole.
"""

from __future__ import annotations

import fnmatch
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

# Enough for every lesson, scenario and level twice over; old versions of edited files fall out.
MAX_ENTRIES = 512


class UnreadableFile(ValueError):
    """A content file that is missing, unreadable or not UTF-8 text; the message names it."""


class _Cache:
    """A bounded map from (parser, path) to (version, value); the least recently used goes."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, version: Hashable) -> tuple[bool, Any]:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] != version:
                return False, None
            self.entries.move_to_end(key)
            return True, entry[1]

    def put(self, key: Hashable, version: Hashable, value: Any) -> None:
        with self.lock:
            self.entries[key] = (version, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_cache = _Cache(MAX_ENTRIES)

# A folder is looked at again (listed, and each file's time and size read) at most this often.
# Pages load their folders on every request, and a look costs more than the rest of a lesson
# page's own work (docs/benchmarks.md); an edited file shows within this time. The tests set it
# to 0, so that a file they write is read at once.
RECHECK_SECONDS = 1.0
# (folder, pattern) -> (when it was looked at, what was seen), on this clock.
_clock = time.monotonic
_looks: dict[tuple[Path, str], tuple[float, tuple]] = {}


def clear() -> None:
    """Forgets every parsed file and every look at a folder, so the next load reads afresh."""
    _cache.clear()
    _looks.clear()


def read_text(path: Path, error: Callable[[str], Exception] = UnreadableFile) -> str:
    """The file's text; `error(message)` is raised, naming the file, if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path.name}: cannot be read as UTF-8 text ({exc}).") from exc


def _version(path: Path, error: Callable[[str], Exception]) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise error(f"{path.name}: cannot be read ({exc.strerror or exc}).") from exc
    return stat.st_mtime_ns, stat.st_size


def _folder_version(
    directory: Path, pattern: str, error: Callable[[str], Exception]
) -> tuple[tuple[str, int, int], ...]:
    """(name, mtime, size) of each file matching `pattern`, in name order.

    Pages look at their folders on every request, so this walks the folder with os.scandir
    rather than pathlib's glob and stat, which cost several times as much for the same answer.
    """
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return ()
    except OSError as exc:
        raise error(f"{directory.name}: cannot be read ({exc.strerror or exc}).") from exc
    version = []
    for entry in entries:
        if not fnmatch.fnmatchcase(entry.name, pattern):
            continue
        try:
            stat = entry.stat()
        except OSError as exc:
            raise error(f"{entry.name}: cannot be read ({exc.strerror or exc}).") from exc
        version.append((entry.name, stat.st_mtime_ns, stat.st_size))
    version.sort()
    return tuple(version)


def _recent_folder_version(
    directory: Path, pattern: str, error: Callable[[str], Exception]
) -> tuple[tuple[str, int, int], ...]:
    if RECHECK_SECONDS <= 0:
        return _folder_version(directory, pattern, error)
    now = _clock()
    seen = _looks.get((directory, pattern))
    if seen is not None and 0 <= now - seen[0] < RECHECK_SECONDS:
        return seen[1]
    version = _folder_version(directory, pattern, error)
    if len(_looks) >= MAX_ENTRIES:
        _looks.clear()
    _looks[(directory, pattern)] = (now, version)
    return version


def load_file[T](
    path: Path,
    parse: Callable[[Path, str], T],
    *,
    error: Callable[[str], Exception] = UnreadableFile,
) -> T:
    """`parse(path, text)`, from the cache while the file is unchanged."""
    path = Path(path)
    version = _version(path, error)
    key = (parse, path)
    found, value = _cache.get(key, version)
    if found:
        return value
    value = parse(path, read_text(path, error))
    _cache.put(key, version, value)
    return value


def load_folder[T, U](
    directory: Path,
    pattern: str,
    combine: Callable[[list[tuple[Path, T]]], U],
    *,
    parse: Callable[[Path, str], T],
    error: Callable[[str], Exception] = UnreadableFile,
) -> U:
    """`combine([(path, parse(path, text)), ...])` over the files matching `pattern`, in name
    order; both come from the cache while no file was added, removed or changed.

    A missing folder is an empty one: `combine([])` says what that means for the caller.
    """
    # The caller's own Path, kept rather than copied, remembers its hash between requests.
    directory = directory if isinstance(directory, Path) else Path(directory)
    version = _recent_folder_version(directory, pattern, error)
    key = (combine, parse, directory, pattern)
    found, value = _cache.get(key, version)
    if found:
        return value
    paths = [directory / name for name, *_ in version]
    value = combine([(path, load_file(path, parse, error=error)) for path in paths])
    _cache.put(key, version, value)
    return value
