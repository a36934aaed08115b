"""How big the search index is, and what a first search downloads.

Builds the sample site, or synthetic content from benchmarks/dataset.py (--areas N), serves
it on a free local port and searches in Debian's Chromium, counting the bytes of every
response. Needs the test set-up (make setup-test: Playwright and Chromium).

    .venv/bin/python benchmarks/search_size.py                      # the sample site
    .venv/bin/python benchmarks/search_size.py --areas 1000 --updates 10000
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Response, sync_playwright

from neighbourhood_policing.settings import PROJECT
from neighbourhood_policing.tools.build import build_site

sys.path.insert(0, str(PROJECT / "tests"))
from support import CHROMIUM, CHROMIUM_ARGS  # the tests' browser set-up


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def bundle_sizes(output: Path) -> dict[str, int]:
    """Bytes in /pagefind/, by kind of file."""
    sizes: dict[str, int] = {}
    for path in (output / "pagefind").rglob("*"):
        if path.is_file():
            kind = path.parent.name if path.parent.name != "pagefind" else path.suffix or path.name
            sizes[kind] = sizes.get(kind, 0) + path.stat().st_size
    return sizes


@contextmanager
def serve(output: Path) -> Iterator[str]:
    """Serve ``output`` on a free local port; yields its URL."""
    output.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def first_search(url: str, query: str) -> tuple[int, int, int]:
    """(bytes from /pagefind/, files from /pagefind/, bytes in all) for one first search."""
    loaded: dict[str, int] = {}

    def count(response: Response) -> None:
        if response.ok:
            loaded[response.url] = len(response.body())

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("response", count)
        page.goto(f"{url}/search/?q={query}", wait_until="load")
        # The status says "N results for ‘…’" once the first results are showing.
        page.wait_for_function(
            "document.getElementById('search-status').textContent.includes('for ‘')",
            timeout=600_000,
        )
        print(page.locator("#search-status").inner_text())
        page.wait_for_load_state("networkidle")
        browser.close()
    bundle = {u: n for u, n in loaded.items() if "/pagefind/" in u}
    return sum(bundle.values()), len(bundle), sum(loaded.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=0, help="synthetic areas (0: the sample site)")
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument(
        "--per-shard", type=int, default=0,
        help="areas per shard of the index (SEARCH_AREAS_PER_SHARD; 0: the default)",
    )  # fmt: skip
    parser.add_argument(
        "--query", help="what to search for (default: speeding; patrols for synthetic content)"
    )
    args = parser.parse_args()
    args.query = args.query or ("patrols" if args.areas else "speeding")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795478400")  # 2026-11-24, as the tests
    with tempfile.TemporaryDirectory(prefix="search-size-") as tmp:
        root, output = PROJECT, Path(tmp) / "output"
        if args.areas:
            sys.path.insert(0, str(PROJECT))
            from benchmarks.dataset import generate

            root = Path(tmp) / "site"
            generate(root, args.areas, max(1, args.updates // args.areas))
        with serve(output) as url:
            began = time.perf_counter()
            build_site(
                PROJECT / "pelicanconf.py",
                content_root=root,
                output=output,
                overrides={
                    "SITEURL": url,
                    **({"SEARCH_AREAS_PER_SHARD": args.per_shard} if args.per_shard else {}),
                },
            )
            print(f"built in {time.perf_counter() - began:.0f} s")
            pages = sum(1 for _ in output.rglob("*.html"))
            sizes = bundle_sizes(output)
            index = sum(n for kind, n in sizes.items() if kind not in {".js", ".pagefind"})
            print(f"{pages} HTML files; /pagefind/ holds {sum(sizes.values()):,} bytes")
            print(f"  index (meta, word index, filters, fragments): {index:,} bytes")
            for kind, n in sorted(sizes.items()):
                print(f"    {kind:>10}: {n:,}")
            bundle, files, total = first_search(url, args.query)
        print(
            f"first search for '{args.query}': {bundle:,} bytes from /pagefind/ in {files} files,"
            f" {total:,} bytes in all (page, CSS, script, bundle)"
        )


if __name__ == "__main__":
    main()
