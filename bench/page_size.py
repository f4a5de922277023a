"""Weigh the simulator page as a browser downloads it: HTML, our CSS and our JavaScript, gzipped.

Usage: python bench/page_size.py [--root PATH]

Renders `/simulator/` (the free sandbox) and `/simulator/?scenario=NAME` for every guided
scenario with Django's test client on a throwaway SQLite database, finds the stylesheets and
scripts each page links to, and compresses each file with gzip at level 9, as WhiteNoise serves
it. htmx and its WebSocket extension (`static/vendor/...`) are left out: the budget is for what
this project writes. `--root` weighs another checkout (the main branch, say) with this script,
so a before-and-after pair comes from one run on one machine. The last line printed is
`RESULT page_kb=<heaviest page, KB of 1000 bytes> html_kb=.. css_kb=.. js_kb=.. budget_kb=80`.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

BUDGET_KB = 80.0
LINKED = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def weigh(root: Path) -> list[dict]:
    sys.path.insert(0, str(root))
    os.chdir(root)
    folder = tempfile.mkdtemp(prefix="page-size-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
        DJANGO_DEBUG="1",
    )
    import django

    django.setup()
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client

    from simulator.engine import list_scenarios

    call_command("migrate", verbosity=0)
    client = Client()
    pages = [("free sandbox", "/simulator/?scenario=")]
    pages += [(name, f"/simulator/?scenario={name}") for name in list_scenarios()]
    results = []
    for label, url in pages:
        response = client.get(url)
        html = response.content
        css = js = 0
        for path in LINKED.findall(html.decode()):
            name = path.removeprefix("/static/")
            if name.startswith("vendor/"):
                continue
            found = finders.find(name)
            if found is None:
                raise SystemExit(f"error: {url} links {path}, which no static folder holds")
            size = gzipped(Path(found).read_bytes())
            if name.endswith(".css"):
                css += size
            else:
                js += size
        results.append({"page": label, "html": gzipped(html), "css": css, "js": js})
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv[1:])
    results = weigh(args.root.resolve())
    print(f"{'page':24} {'html':>8} {'css':>8} {'js':>8} {'total':>8}   (bytes, gzip -9)")
    for r in results:
        total = r["html"] + r["css"] + r["js"]
        print(f"{r['page']:24} {r['html']:8} {r['css']:8} {r['js']:8} {total:8}")
    heaviest = max(results, key=lambda r: r["html"] + r["css"] + r["js"])
    total = heaviest["html"] + heaviest["css"] + heaviest["js"]
    print(
        f"RESULT page_kb={total / 1000:.1f} html_kb={heaviest['html'] / 1000:.1f} "
        f"css_kb={heaviest['css'] / 1000:.1f} js_kb={heaviest['js'] / 1000:.1f} "
        f"budget_kb={BUDGET_KB:.0f}"
    )
    return 0 if total / 1000 <= BUDGET_KB else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
