"""Project tasks: run them as `.venv/bin/invoke TASK` (the Makefile does this for you)."""

from __future__ import annotations

import functools
import http.server
import socketserver
import sys
from pathlib import Path

from invoke import task

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "output"


def _exit(code: int) -> None:
    if code:
        sys.exit(code)


@task(
    help={
        "publish": "Use publishconf.py (the real site URL) instead of pelicanconf.py.",
        "content_root": "The folder holding content/ and neighbourhoods/ (default: this repo).",
        "output": "Where to write the site (default: output/).",
    }
)
def build(c, publish=False, content_root=None, output=None):
    """Validate all content and build the site."""
    from neighbourhoods.build import run_build

    config = HERE / ("publishconf.py" if publish else "pelicanconf.py")
    _exit(
        run_build(
            config=config,
            content_root=content_root,
            output=output or OUTPUT,
        )
    )


@task(help={"port": "Port to serve on (default 8000).", "output": "Folder to serve."})
def serve(c, port=8000, output=None):
    """Serve the built site at http://localhost:PORT."""
    folder = Path(output or OUTPUT)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        allow_reuse_address = True
        daemon_threads = True

    with Server(("", int(port)), handler) as httpd:
        print(f"Serving {folder} at http://localhost:{port}/ (Ctrl+C to stop)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            print("\nStopped.")


@task(
    help={
        "strict": "Treat warnings (review dates, personal data) as errors.",
        "content_root": "The folder holding content/ and neighbourhoods/ (default: this repo).",
    }
)
def validate(c, strict=False, content_root=None):
    """Check all content and list every problem with its file and line."""
    from neighbourhoods.build import run_validate

    _exit(run_validate(content_root or HERE, strict=strict))


@task(help={"check": "Fail if the committed schemas are out of date instead of writing them."})
def schemas(c, check=False):
    """Write the JSON Schema files in schemas/ from the content models."""
    from neighbourhoods.schemas import write_schemas

    stale = write_schemas(HERE / "schemas", check=check)
    if check and stale:
        print("Out of date: " + ", ".join(stale) + " (run: .venv/bin/invoke schemas)")
        sys.exit(1)


@task(
    help={
        "areas": "Number of synthetic areas (default 1000).",
        "updates": "Number of synthetic updates (default 20000).",
        "no_build": "Only time validation, not the full build.",
    }
)
def bench(c, areas=1000, updates=20000, no_build=False):
    """Time validation and a full build on synthetic national-scale content."""
    import logging

    sys.path.insert(0, str(HERE))
    from benchmarks.scale import run

    logging.getLogger("pelican").setLevel(logging.WARNING)
    results = run(int(areas), int(updates), build=not no_build)
    for key, value in results.items():
        print(f"{key:>14}: {value:,.2f}" if isinstance(value, float) else f"{key:>14}: {value:,}")
