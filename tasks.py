"""Project tasks: run them as `.venv/bin/invoke TASK` (the Makefile does this for you)."""

from __future__ import annotations

import functools
import http.server
import socketserver
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from invoke import Context, task

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
def build(
    c: Context,
    publish: bool = False,
    content_root: str | None = None,
    output: str | None = None,
) -> None:
    """Validate all content and build the site."""
    from neighbourhood_policing.tools.build import run_build

    config = HERE / ("publishconf.py" if publish else "pelicanconf.py")
    _exit(
        run_build(
            config=config,
            content_root=content_root,
            output=output or OUTPUT,
        )
    )


@task(help={"port": "Port to serve on (default 8000).", "output": "Folder to serve."})
def serve(c: Context, port: int = 8000, output: str | None = None) -> None:
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
def validate(c: Context, strict: bool = False, content_root: str | None = None) -> None:
    """Check all content and list every problem with its file and line."""
    from neighbourhood_policing.tools.build import run_validate

    _exit(run_validate(content_root or HERE, strict=strict))


# -- Editing: scaffolding, CODEOWNERS, freshness report, live preview, publishing ----------
_CONTENT_ROOT_HELP = "The folder holding content/ and neighbourhoods/ (default: this repo)."


def _editing_call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run an editing helper; a mistake the editor can fix ends with its message, not a trace."""
    from neighbourhood_policing.tools.common import EditingError

    try:
        return function(*args, **kwargs)
    except EditingError as exc:
        print(exc.message, file=sys.stderr)
        sys.exit(1)


@task(
    name="new-update",
    help={
        "area": "The area's folder name in neighbourhoods/, e.g. ludlow.",
        "title": "The update's title, in quotes.",
        "category": "Crime update, Appeal, Crime prevention advice, Event, Good news, "
        "'You said, we did' or News (the default).",
        "priority": "The id of the priority this update reports on (optional).",
        "content_root": _CONTENT_ROOT_HELP,
    },
)
def new_update(
    c: Context,
    area: str,
    title: str,
    category: str = "News",
    priority: str | None = None,
    content_root: str | None = None,
) -> None:
    """Create a new update for an area, dated now, ready to fill in."""
    from neighbourhood_policing.tools.scaffold import new_update as create

    root = Path(content_root or HERE)
    path = _editing_call(create, root, area, title, category=category, priority=priority)
    print(f"Created {path.relative_to(root)}: replace the summary and the text, then commit it.")


@task(
    name="new-event",
    help={
        "area": "The area's folder name in neighbourhoods/, e.g. ludlow.",
        "title": "The event's title, in quotes.",
        "start": 'When it starts, UK time: "YYYY-MM-DD HH:MM".',
        "end": 'When it ends, UK time: "YYYY-MM-DD HH:MM".',
        "place": "The place's name, e.g. Ludlow Library.",
        "address": "The street address, one line.",
        "postcode": "The full postcode, e.g. SY8 1RU.",
        "type": "meeting (the default), beat surgery, mobile police station, engagement "
        "event or other.",
        "description": "A sentence or two about it (optional).",
        "booking": "How to book or whom to contact (optional).",
        "id": "The event's id (default: its date and title).",
        "content_root": _CONTENT_ROOT_HELP,
    },
)
def new_event(
    c: Context,
    area: str,
    title: str,
    start: str,
    end: str,
    place: str,
    address: str,
    postcode: str,
    type: str = "meeting",
    description: str | None = None,
    booking: str | None = None,
    id: str | None = None,
    content_root: str | None = None,
) -> None:
    """Add an event to an area's events.yaml, keeping the file's comments and layout."""
    from neighbourhood_policing.tools.scaffold import new_event as add

    root = Path(content_root or HERE)
    path, event_id = _editing_call(
        add,
        root,
        area,
        title=title,
        start=start,
        end=end,
        place=place,
        address=address,
        postcode=postcode,
        event_type=type,
        description=description,
        booking=booking,
        event_id=id,
    )
    print(f"Added the event '{event_id}' to {path.relative_to(root)}.")


@task(
    help={
        "check": "Fail if .github/CODEOWNERS is out of date instead of writing it.",
        "content_root": _CONTENT_ROOT_HELP,
    }
)
def codeowners(c: Context, check: bool = False, content_root: str | None = None) -> None:
    """Write .github/CODEOWNERS from the maintainers in each area.yaml."""
    from neighbourhood_policing.settings import pelican_settings
    from neighbourhood_policing.tools.codeowners import write_codeowners

    root = Path(content_root or HERE)
    default = pelican_settings(HERE / "pelicanconf.py").get("CODEOWNERS_DEFAULT") or []
    target = root / ".github" / "CODEOWNERS"
    stale = _editing_call(write_codeowners, root, target, default, check=check)
    if check and stale:
        print(f"{target} is out of date (run: .venv/bin/invoke codeowners)", file=sys.stderr)
        sys.exit(1)
    print(f"{target} is up to date." if not stale else f"Wrote {target}.")


@task(
    help={
        "markdown": "Print Markdown (to paste into an issue) instead of a table.",
        "output": "Also write the Markdown report to this file.",
        "content_root": _CONTENT_ROOT_HELP,
    }
)
def report(
    c: Context,
    markdown: bool = False,
    output: str | None = None,
    content_root: str | None = None,
) -> None:
    """List per area: last update, overdue reviews, past events and empty sections."""
    from neighbourhood_policing.loading import load_site
    from neighbourhood_policing.settings import pelican_settings
    from neighbourhood_policing.tools.freshness import freshness, report_markdown, report_table

    # The settings bring the force-wide SURVEYS (the report lists those closing soon).
    settings = pelican_settings(HERE / "pelicanconf.py", content_root=content_root)
    site = load_site(Path(content_root or HERE), settings=settings)
    rows = freshness(site)
    text = report_markdown(site, rows)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"Wrote {output}.", file=sys.stderr)
    print(text if markdown else report_table(site, rows), end="")


@task(
    help={
        "port": "Port to serve on (default 8000).",
        "content_root": _CONTENT_ROOT_HELP,
        "output": "Where to write the site (default: output/).",
    }
)
def livereload(
    c: Context,
    port: int = 8000,
    content_root: str | None = None,
    output: str | None = None,
) -> None:
    """Build, serve at http://localhost:PORT and rebuild within seconds of any change."""
    from livereload import Server

    from neighbourhood_policing.tools.build import quiet_pelican_logging
    from neighbourhood_policing.tools.livereload import Rebuilder, watch_paths

    root = Path(content_root or HERE)
    folder = Path(output or OUTPUT)
    quiet_pelican_logging()
    rebuild = Rebuilder(content_root=root, output=folder)
    rebuild()
    server = Server()
    for path in watch_paths(root):
        server.watch(str(path), rebuild)
    server.serve(port=int(port), host="localhost", root=str(folder))


@task(
    help={
        "target": "A folder, user@host:path or rsync://… (rsync), or github-pages "
        "(default: PUBLISH_TARGET from publishconf.py).",
        "content_root": _CONTENT_ROOT_HELP,
        "output": "Where to build the site (default: output/).",
    }
)
def publish(
    c: Context,
    target: str | None = None,
    content_root: str | None = None,
    output: str | None = None,
) -> None:
    """Build with publishconf.py, add .gz and .br copies, and deploy to the target."""
    from neighbourhood_policing.settings import pelican_settings
    from neighbourhood_policing.tools.build import run_build
    from neighbourhood_policing.tools.publish import parse_target
    from neighbourhood_policing.tools.publish import publish as deploy

    config = HERE / "publishconf.py"
    destination = target or pelican_settings(config).get("PUBLISH_TARGET") or ""
    _editing_call(parse_target, destination)  # a missing target is reported before building
    folder = Path(output or OUTPUT)
    _exit(run_build(config=config, content_root=content_root, output=folder))
    _editing_call(deploy, folder, destination, repo=Path(content_root or HERE))


@task(help={"check": "Fail if the committed schemas are out of date instead of writing them."})
def schemas(c: Context, check: bool = False) -> None:
    """Write the JSON Schema files in schemas/ from the content models."""
    from neighbourhood_policing.schemas import write_schemas

    stale = write_schemas(HERE / "schemas", check=check)
    if check and stale:
        print("Out of date: " + ", ".join(stale) + " (run: .venv/bin/invoke schemas)")
        sys.exit(1)


@task(
    name="cms-config",
    help={"check": "Fail if admin/config.yml is out of date instead of writing it."},
)
def cms_config(c: Context, check: bool = False) -> None:
    """Write the CMS's configuration (admin/config.yml) from the content models."""
    from neighbourhood_policing.cms import CONFIG_PATH, write_cms_config

    stale = write_cms_config(HERE, check=check)
    if check and stale:
        print(f"Out of date: {CONFIG_PATH} (run: .venv/bin/invoke cms-config)")
        sys.exit(1)


@task(
    help={
        "port": "Port for the site and the form editor (default 8000).",
        "proxy_port": "Port for decap-server, which writes the files (default 8081).",
        "content_root": _CONTENT_ROOT_HELP,
        "output": "Where to build the site (default: output/).",
    }
)
def cms(
    c: Context,
    port: int = 8000,
    proxy_port: int = 8081,
    content_root: str | None = None,
    output: str | None = None,
) -> None:
    """Try the form editor on this computer: it edits the files here (no GitHub needed)."""
    from neighbourhood_policing.tools.local_cms import DECAP_SERVER, LocalCMS, LocalCMSError

    if not (HERE / DECAP_SERVER).exists():
        print("Installing the form editor's npm packages (make setup-cms) …")
        c.run(f"make -C {HERE} setup-cms")
    session = LocalCMS(
        content_root=Path(content_root or HERE),
        output=Path(output or OUTPUT),
        port=port,
        proxy_port=proxy_port,
        log=sys.stderr,
    )
    try:
        session.start()
    except LocalCMSError as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    print(
        f"The form editor: {session.admin_url} (press Login; saves write into "
        f"{session.content_root})\n"
        f"The site:        {session.site_url}/ (rebuilt after every save)\n"
        f"decap-server:    {session.proxy_url}/api/v1\n"
        "Press Ctrl+C to stop both.",
        flush=True,
    )
    try:
        session.serve_forever()
    except LocalCMSError as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    print("\nStopped.")


@task(name="cms-screenshots")
def cms_screenshots(c: Context) -> None:
    """Refresh docs/screenshots/cms-*.png (CONTRIBUTING.md) from the CMS's browser test."""
    folder = HERE / "docs" / "screenshots"
    env = {"CMS_SCREENSHOTS": str(folder)}
    test = "tests/browser/test_cms_browser.py"
    c.run(f"{sys.executable} -m pytest {test} -q", env=env, pty=False)
    print(f"Screenshots written to {folder}/cms-*.png")


@task(
    help={
        "areas": "Number of synthetic areas (default 4000).",
        "updates_per_area": "Updates per area (default 10: 40,000 updates).",
        "generate": "Only write the dataset into this new folder (a content root for "
        "invoke build --content-root), then stop.",
        "json": "Write every figure as JSON to this file.",
        "no_pelican": "Do not build plain Pelican for comparison.",
        "no_hugo": "Do not build with Hugo even when it is installed.",
        "seed": "The dataset's seed (default 2026); the same seed gives the same bytes.",
        "workdir": "Keep the dataset, the outputs and the logs in this new folder.",
        "verify": "Compare rebuilds with a cold build after each edit (each, the default), "
        "after the last one (final) or not at all (none).",
        "no_build": "Only generate the dataset and time validation.",
        "updates": "No longer used: give --updates-per-area instead.",
    }
)
def bench(
    c: Context,
    areas: int = 4000,
    updates_per_area: int = 10,
    generate: str | None = None,
    json: str | None = None,
    no_pelican: bool = False,
    no_hugo: bool = False,
    seed: int = 2026,
    workdir: str | None = None,
    verify: str = "each",
    no_build: bool = False,
    updates: int | None = None,
) -> None:
    """Measure builds and one-edit rebuilds on a national-scale dataset, against plain Pelican."""
    sys.path.insert(0, str(HERE))
    from benchmarks import bench as benchmark
    from benchmarks import dataset

    if updates is not None:
        print(
            f"--updates (a total) is gone: give --updates-per-area instead, e.g. "
            f"--areas {areas} --updates-per-area {max(1, int(updates) // max(1, int(areas)))} "
            f"for about {int(updates):,} updates.",
            file=sys.stderr,
        )
        sys.exit(2)
    if generate:
        try:
            data = dataset.generate(Path(generate), int(areas), int(updates_per_area), int(seed))
        except (FileExistsError, ValueError) as exc:
            print(exc, file=sys.stderr)
            sys.exit(2)
        print(
            f"Wrote {data.areas:,} areas and {data.updates:,} updates to {data.root}; build it "
            f"with: SOURCE_DATE_EPOCH={dataset.SOURCE_DATE_EPOCH} .venv/bin/invoke build "
            f"--content-root {data.root}"
        )
        return
    _exit(
        benchmark.report(
            json_path=json,
            areas=int(areas),
            updates_per_area=int(updates_per_area),
            seed=int(seed),
            workdir=Path(workdir) if workdir else None,
            pelican=not no_pelican,
            hugo=not no_hugo,
            verify=verify,
            build=not no_build,
        )
    )


@task(
    help={
        "postcodes": "Number of synthetic postcodes (default 1800000, the national directory).",
        "areas": "Number of synthetic areas (default 4000).",
    }
)
def bench_lookup(c: Context, postcodes: int = 1_800_000, areas: int = 4_000) -> None:
    """Time the postcode lookup shards at national scale; report memory and shard sizes."""
    sys.path.insert(0, str(HERE))
    from benchmarks.lookup_scale import run

    for key, value in run(int(postcodes), int(areas)).items():
        if isinstance(value, float):
            text = f"{value:,.2f}"
        else:
            text = f"{value:,}" if isinstance(value, int) else str(value)
        print(f"{key:>24}: {text}")


@task(
    help={
        "publish": "Check a site built with publishconf.py (the real site URL).",
        "output": "The built site to check (default: output/).",
    }
)
def check(c: Context, publish: bool = False, output: str | None = None) -> None:
    """Check every link, image, fragment, feed and calendar link in the built site."""
    from neighbourhood_policing.checks.links import check_output
    from neighbourhood_policing.problems import report
    from neighbourhood_policing.settings import pelican_settings

    folder = Path(output or OUTPUT)
    if not (folder / "index.html").is_file():
        print(f"There is no built site in {folder}; run .venv/bin/invoke build first.")
        sys.exit(2)
    config = HERE / ("publishconf.py" if publish else "pelicanconf.py")
    siteurl = pelican_settings(config).get("SITEURL", "")
    problems = check_output(folder, siteurl)
    report(problems)
    if problems:
        print(f"\n{len(problems)} broken link(s) in {folder}.", file=sys.stderr)
        sys.exit(2)
    print(f"No broken links in {folder}.")


@task(
    help={
        "force": "data.police.uk force id, e.g. west-mercia (required).",
        "neighbourhood": "Only this neighbourhood id (repeat for more); default: every one.",
        "dry_run": "Fetch and report what would change, but write nothing.",
        "base_url": "The API's address (default https://data.police.uk/api), e.g. a mirror.",
        "content_root": "The folder holding neighbourhoods/ (default: this repo).",
    },
    iterable=["neighbourhood"],
    # No positional arguments: invoke would take a following --help as the force's value.
    positional=[],
)
def import_police(
    c: Context,
    force: str = "",
    neighbourhood: list[str] | None = None,
    dry_run: bool = False,
    base_url: str = "https://data.police.uk/api",
    content_root: str | None = None,
) -> None:
    """Create and refresh area folders from data.police.uk, keeping editors' changes."""
    from neighbourhood_policing.settings import pelican_settings
    from neighbourhood_policing.tools.police.sync import run_import_police

    fallback = pelican_settings(HERE / "pelicanconf.py").get("CONTACT_EMAIL", "")
    _exit(
        run_import_police(
            Path(content_root or HERE), force, neighbourhood or [], dry_run, base_url, fallback
        )
    )


@task(
    help={
        "area": "Only this area's folder name (repeat for more); default: every area.",
        "refresh": "Fetch months already stored again.",
        "dry_run": "Fetch and report what would change, but write nothing.",
        "base_url": "The API's address (default https://data.police.uk/api), e.g. a mirror.",
        "content_root": "The folder holding neighbourhoods/ (default: this repo).",
    },
    iterable=["area"],
)
def import_crime(
    c: Context,
    area: list[str] | None = None,
    refresh: bool = False,
    dry_run: bool = False,
    base_url: str = "https://data.police.uk/api",
    content_root: str | None = None,
) -> None:
    """Fetch monthly crime figures by category for each area's boundary into crime.yaml."""
    from neighbourhood_policing.tools.police.crime import run_import_crime

    _exit(run_import_crime(Path(content_root or HERE), area or [], refresh, dry_run, base_url))
