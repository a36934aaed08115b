"""The national-scale benchmark behind `invoke bench` (issue 10).

One run generates the seeded dataset of benchmarks/dataset.py, then measures, each
build in a fresh process (so its peak memory is its own, read from ``os.wait4``):

* ``validate``: ``invoke validate`` on the dataset;
* ``cold``: a full build into an empty output folder;
* four rebuilds, each the same build command run again on the same output folder
  after one change: ``edit_update`` (a paragraph added to one update), ``edit_area``
  (one area.yaml's summary), ``add_update`` (a new, newest update) and
  ``edit_template`` (a heading in base.html changed, in the run's own copy of the
  theme; the repository's theme is never touched);
* after each rebuild, a cold build of the same content into a new folder, and the two
  trees compared file by file: an incremental build must give exactly the bytes a
  cold build gives. A difference is printed loudly and fails the run;
* plain Pelican 4.12 (its default theme, category feeds, pagination 10) on the same
  update Markdown, and Debian's ``hugo`` (minimal templates) when it is installed.

Every build of this site uses ``THEME`` = the run's copy of the theme (so the
template edit never touches the repository) and the same code path as
``invoke build`` (``neighbourhood_policing.tools.build.run_build``). ``SOURCE_DATE_EPOCH`` is pinned
to the dataset's "today", so the output is deterministic.

It prints a table (times with their ratio to plain Pelican; rebuilds also as a share
of the cold build) and writes every figure as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import dataset

PROJECT = Path(__file__).resolve().parents[1]
#: The visible change made to the copied theme for the template rebuild.
TEMPLATE_FILE = "templates/base.html"
TEMPLATE_EDIT = ("Getting help</h2>", "Help and advice</h2>")
REBUILDS = ("edit_update", "edit_area", "add_update", "edit_template")
LABELS = {
    "validate": "this site, validate only",
    "cold": "this site, cold full build",
    "edit_update": "rebuild after editing one update",
    "edit_area": "rebuild after editing one area.yaml",
    "add_update": "rebuild after adding one update",
    "edit_template": "rebuild after changing a template",
    "pelican": "plain Pelican 4.12 (default theme, category feeds, pagination 10)",
    "hugo": "Hugo (Debian hugo, minimal templates)",
}
MiB = 1024 * 1024


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and where its log is."""


@dataclass
class Figure:
    """One measured step."""

    seconds: float
    peak_rss_mib: float
    files: int | None = None
    bytes: int | None = None
    matches_cold: bool | None = None
    mismatches: list[str] = field(default_factory=list)
    cold_check_seconds: float | None = None


def measure(command: list[str], log: Path, env: dict[str, str], cwd: Path = PROJECT) -> Figure:
    """Run ``command`` in a fresh process; its wall time and its own peak RSS."""
    with log.open("w", encoding="utf-8") as out:
        began = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])
        raise BenchError(
            f"{' '.join(command[:4])} … failed (exit {process.returncode}); "
            f"the last lines of {log}:\n{tail}"
        )
    # Linux reports ru_maxrss in KiB.
    return Figure(seconds=seconds, peak_rss_mib=usage.ru_maxrss / 1024)


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder`` (links by their target)."""
    digests = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            digests[path.relative_to(folder).as_posix()] = "link:" + os.readlink(path)
        elif path.is_file():
            digests[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return digests


def compare_trees(built: Path, cold: Path) -> list[str]:
    """Every difference between two output trees, one line each (empty when identical)."""
    a, b = tree_digest(built), tree_digest(cold)
    lines = [f"only in the rebuilt output: {p}" for p in sorted(a.keys() - b.keys())]
    lines += [f"missing from the rebuilt output: {p}" for p in sorted(b.keys() - a.keys())]
    lines += [f"different bytes: {p}" for p in sorted(a.keys() & b.keys()) if a[p] != b[p]]
    return lines


def tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return len(files), sum(p.stat().st_size for p in files)


# -- the edits -------------------------------------------------------------------------
def _middle_area(root: Path) -> str:
    slugs = sorted(p.name for p in (root / "neighbourhoods").iterdir() if p.is_dir())
    return slugs[len(slugs) // 2]


#: Each edit returns (the file it changed, an output page, text that page must now show),
#: so a rebuild that skipped the change fails the run instead of looking fast.
Edit = tuple[str, str, str]
UPDATE_EDIT = "Benchmark edit: the team will be at the market again on Saturday."
AREA_EDIT = "The town, its market and the villages around it (edited for the benchmark)."


def edit_update(root: Path, theme: Path) -> Edit:
    slug = _middle_area(root)
    update = sorted((root / "neighbourhoods" / slug / "updates").glob("*.md"))[-1]
    with update.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{UPDATE_EDIT}\n")
    page = f"neighbourhoods/{slug}/updates/{update.stem}/index.html"
    return str(update.relative_to(root)), page, UPDATE_EDIT


def edit_area(root: Path, theme: Path) -> Edit:
    slug = _middle_area(root)
    path = dataset.rewrite_area_summary(root, slug, AREA_EDIT)
    return str(path.relative_to(root)), f"neighbourhoods/{slug}/index.html", AREA_EDIT


def add_update(root: Path, theme: Path) -> Edit:
    path = dataset.add_update(root, _middle_area(root))
    title = path.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("Title: ")
    page = f"neighbourhoods/{path.parent.parent.name}/updates/{path.stem}/index.html"
    return str(path.relative_to(root)), page, html.escape(title, quote=False)


def edit_template(root: Path, theme: Path) -> Edit:
    path = theme / TEMPLATE_FILE
    text = path.read_text(encoding="utf-8")
    old, new = TEMPLATE_EDIT
    if old not in text:
        raise BenchError(
            f"{TEMPLATE_FILE} no longer contains {old!r}; update TEMPLATE_EDIT in "
            "benchmarks/bench.py to another visible piece of text"
        )
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return f"theme/{TEMPLATE_FILE}", "index.html", new


def check_edit_shown(output: Path, step: str, edit: Edit) -> None:
    changed, page, text = edit
    target = output / page
    shown = target.is_file() and text in target.read_text(encoding="utf-8")
    if not shown:
        raise BenchError(
            f"after {step} ({changed}) the rebuilt {page} does not show the change "
            f"({text[:60]!r}): the rebuild skipped work it had to do"
        )


EDITS: dict[str, Callable[[Path, Path], Edit]] = {
    "edit_update": edit_update,
    "edit_area": edit_area,
    "add_update": add_update,
    "edit_template": edit_template,
}


# -- the builds ------------------------------------------------------------------------
def build_once(content_root: str, output: str, theme: str) -> int:
    """The build a benchmark step runs (in its own process): `invoke build`'s code path."""
    from neighbourhood_policing.tools.build import quiet_pelican_logging, run_build

    quiet_pelican_logging()
    return run_build(
        config=PROJECT / "pelicanconf.py",
        content_root=content_root,
        output=output,
        overrides={"THEME": theme},
    )


def site_build(run: Path, output: Path, env: dict[str, str], log: str) -> Figure:
    command = [
        sys.executable, "-m", "benchmarks.bench", "--build-once",
        str(run / "site"), str(output), str(run / "theme"),
    ]  # fmt: skip
    figure = measure(command, run / "logs" / f"{log}.log", env)
    figure.files, figure.bytes = tree_size(output)
    return figure


PELICAN_CONF = """# Plain Pelican for the benchmark: default theme, category feeds, pagination 10.
AUTHOR = "Safer Neighbourhood Team"
SITENAME = "Plain Pelican"
SITEURL = "http://localhost:8000"
PATH = {path!r}
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
ARTICLE_PATHS = ["content/updates", "neighbourhoods"]
PAGE_PATHS = ["content/pages"]
# Updates of different areas share file names: keep each one's folder in its address.
PATH_METADATA = r"(?P<slug>.*)\\.md"
ARTICLE_URL = "{{slug}}/"
ARTICLE_SAVE_AS = "{{slug}}/index.html"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
DEFAULT_PAGINATION = 10
RELATIVE_URLS = False
"""


def prepare_pelican(root: Path, target: Path) -> Path:
    """A plain Pelican project holding the same Markdown, in the same folders."""
    content = target / "content"
    for source in sorted(root.rglob("*.md")):
        copy = content / source.relative_to(root)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, copy)
    (target / "pelicanconf.py").write_text(PELICAN_CONF.format(path=str(content)))
    return target


def pelican_build(run: Path, env: dict[str, str]) -> Figure:
    project = prepare_pelican(run / "site", run / "pelican")
    output = run / "pelican-output"
    command = [
        sys.executable, "-m", "pelican", str(project / "content"),
        "-s", str(project / "pelicanconf.py"), "-o", str(output), "-q",
    ]  # fmt: skip
    figure = measure(command, run / "logs" / "pelican.log", env)
    figure.files, figure.bytes = tree_size(output)
    return figure


HUGO_CONFIG = """baseURL = "http://localhost:8000/"
title = "Plain Hugo"
paginate = 10
[pagination]
  pagerSize = 10
[taxonomies]
  category = "categories"
"""
HUGO_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2 January 2006" }}</p>
{{ .Content }}</body></html>
"""
HUGO_LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>
{{ range (.Paginate .Pages).Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a>
</h2>{{ .Summary }}</article>{{ end }}{{ template "_internal/pagination.html" . }}</body></html>
"""
_HEADER_LINE = re.compile(r"^(\w+):\s*(.*)$")
_FILENAME_LINK = re.compile(r"\]\(\{filename\}([^)]+)\.md\)")


def hugo_markdown(text: str) -> str:
    """A Pelican update as a Hugo page: YAML front matter, {filename} links as paths."""
    header, _, body = text.partition("\n\n")
    meta = {}
    for line in header.splitlines():
        match = _HEADER_LINE.match(line)
        if match:
            meta[match.group(1).lower()] = match.group(2)
    date = dt.datetime.strptime(meta["date"], "%Y-%m-%d %H:%M")
    front = {
        "title": meta.get("title", ""),
        "date": date.isoformat(),
        "categories": [meta["category"]] if "category" in meta else [],
        "summary": meta.get("summary", ""),
    }
    body = _FILENAME_LINK.sub(lambda m: f"](../{m.group(1).rsplit('/', 1)[-1].lower()}/)", body)
    return "---\n" + json.dumps(front, indent=1) + "\n---\n\n" + body


def hugo_build(run: Path, env: dict[str, str], hugo: str) -> Figure:
    project = run / "hugo"
    for name, text in (("single", HUGO_PAGE), ("list", HUGO_LIST)):
        path = project / "layouts" / "_default" / f"{name}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (project / "layouts" / "index.html").write_text(HUGO_LIST)
    (project / "hugo.toml").write_text(HUGO_CONFIG)
    root = run / "site"
    for source in sorted((root / "neighbourhoods").glob("*/updates/*.md")) + sorted(
        (root / "content" / "updates").glob("*.md")
    ):
        area = source.parent.parent.name if source.parent.name == "updates" else "force"
        target = project / "content" / area / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(hugo_markdown(source.read_text(encoding="utf-8")), encoding="utf-8")
    output = run / "hugo-output"
    command = [hugo, "--source", str(project), "--destination", str(output), "--quiet"]
    figure = measure(command, run / "logs" / "hugo.log", env)
    figure.files, figure.bytes = tree_size(output)
    return figure


# -- the run ---------------------------------------------------------------------------
def run_benchmark(
    areas: int = dataset.DEFAULT_AREAS,
    updates_per_area: int = dataset.DEFAULT_UPDATES_PER_AREA,
    *,
    seed: int = dataset.DEFAULT_SEED,
    workdir: Path | None = None,
    pelican: bool = True,
    hugo: bool = True,
    verify: str = "each",
    build: bool = True,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Generate the dataset, measure every step, and return the figures."""
    if verify not in ("each", "final", "none"):
        raise BenchError(f"verify must be each, final or none, not {verify!r}")
    run = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="bench-"))
    run.mkdir(parents=True, exist_ok=True)
    if any(run.iterdir()):
        raise BenchError(f"{run} is not empty; give --workdir a new or empty folder")
    (run / "logs").mkdir()
    env = {**os.environ, "SOURCE_DATE_EPOCH": dataset.SOURCE_DATE_EPOCH}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), env.get("PYTHONPATH")]))
    began = time.perf_counter()
    data = dataset.generate(run / "site", areas, updates_per_area, seed)
    result: dict[str, Any] = {
        "dataset": {
            "areas": areas,
            "updates_per_area": updates_per_area,
            "area_updates": data.updates,
            "force_wide_updates": len(list((run / "site/content/updates").glob("*.md"))),
            "seed": seed,
            "generate_seconds": round(time.perf_counter() - began, 3),
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "workdir": str(run),
        "figures": {},
        "edits": {},
        "verify": verify,
    }
    figures: dict[str, Any] = result["figures"]
    shutil.copytree(PROJECT / "theme", run / "theme")
    say(f"Dataset: {areas} areas x {updates_per_area} updates in {run / 'site'}")
    validate = [
        sys.executable, "-m", "invoke", "--search-root", str(PROJECT),
        "validate", "--content-root", str(run / "site"),
    ]  # fmt: skip
    figures["validate"] = asdict(measure(validate, run / "logs" / "validate.log", env))
    say(f"  validate: {figures['validate']['seconds']:.1f} s")
    if not build:
        return result
    output = run / "output"
    figures["cold"] = asdict(site_build(run, output, env, "cold"))
    say(f"  cold build: {figures['cold']['seconds']:.1f} s")
    for step in REBUILDS:
        edit = EDITS[step](run / "site", run / "theme")
        result["edits"][step] = edit[0]
        figure = site_build(run, output, env, step)
        check_edit_shown(output, step, edit)
        if verify == "each" or (verify == "final" and step == REBUILDS[-1]):
            check = run / f"cold-{step}"
            cold = site_build(run, check, env, f"cold-{step}")
            figure.cold_check_seconds = cold.seconds
            differences = compare_trees(output, check)
            figure.matches_cold = not differences
            figure.mismatches = differences[:50]
            if not differences:  # a mismatching cold tree is kept to diff against
                shutil.rmtree(check)
            if differences:
                say(
                    f"!!! INCREMENTAL BUILD DIFFERS FROM A COLD BUILD after {step} "
                    f"({len(differences)} file(s)):\n    " + "\n    ".join(differences[:10])
                )
        figures[step] = asdict(figure)
        say(f"  {step}: {figure.seconds:.1f} s")
    if pelican:
        figures["pelican"] = asdict(pelican_build(run, env))
        say(f"  plain Pelican: {figures['pelican']['seconds']:.1f} s")
    else:
        figures["pelican"] = {"skipped": "--no-pelican"}
    hugo_path = shutil.which("hugo")
    if not hugo:
        figures["hugo"] = {"skipped": "--no-hugo"}
    elif hugo_path is None:
        figures["hugo"] = {"skipped": "hugo is not installed (Debian package hugo)"}
        say("  Hugo: skipped, hugo is not installed (Debian package hugo)")
    else:
        version = subprocess.run([hugo_path, "version"], capture_output=True, text=True).stdout
        figures["hugo"] = {**asdict(hugo_build(run, env, hugo_path)), "version": version.strip()}
        say(f"  Hugo: {figures['hugo']['seconds']:.1f} s")
    add_ratios(result)
    return result


def add_ratios(result: dict[str, Any]) -> None:
    figures = result["figures"]
    plain = figures.get("pelican", {}).get("seconds")
    cold = figures["cold"]["seconds"]
    for name, figure in figures.items():
        if "seconds" not in figure:
            continue
        figure["ratio_to_pelican"] = round(figure["seconds"] / plain, 3) if plain else None
        if name in REBUILDS:
            figure["share_of_cold"] = round(figure["seconds"] / cold, 3)
    updates = result["dataset"]["area_updates"] + result["dataset"]["force_wide_updates"]
    figures["cold"]["seconds_per_update"] = cold / updates if updates else None
    checked = [figures[s]["matches_cold"] for s in REBUILDS]
    checked = [value for value in checked if value is not None]
    result["incremental_equals_cold"] = all(checked) if checked else None
    result["peak_rss_mib"] = max(
        figures[s]["peak_rss_mib"] for s in ("validate", "cold", *REBUILDS)
    )


def _size(value: int | None) -> str:
    return "" if value is None else f"{value / MiB:,.1f} MiB"


def table(result: dict[str, Any]) -> str:
    """The figures as a Markdown table (what the README's Performance section shows)."""
    rows = [
        "| | time | × plain Pelican | % of cold | peak memory | files | size | same as cold |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in ("pelican", "hugo", "validate", "cold", *REBUILDS):
        figure = result["figures"].get(name)
        if figure is None:
            continue
        if "skipped" in figure:
            rows.append(f"| {LABELS[name]} | skipped: {figure['skipped']} | | | | | | |")
            continue
        ratio = figure.get("ratio_to_pelican")
        share = figure.get("share_of_cold")
        same = {True: "yes", False: "**NO**", None: ""}[figure.get("matches_cold")]
        files = "" if figure.get("files") is None else f"{figure['files']:,}"
        rows.append(
            f"| {LABELS[name]} | {figure['seconds']:,.1f} s | "
            f"{'' if ratio is None else f'{ratio:.2f}×'} | "
            f"{'' if share is None else f'{share:.0%}'} | {figure['peak_rss_mib']:,.0f} MiB | "
            f"{files} | "
            f"{_size(figure.get('bytes'))} | {same} |"
        )
    data = result["dataset"]
    rows.append("")
    rows.append(
        f"{data['areas']:,} areas × {data['updates_per_area']} updates "
        f"({data['area_updates']:,} area updates and {data['force_wide_updates']} force-wide), "
        f"seed {data['seed']}, {result['machine']['cpus']} CPUs, "
        f"Python {result['machine']['python']}."
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-once", nargs=3, metavar=("CONTENT", "OUTPUT", "THEME"))
    parser.add_argument("--areas", type=int, default=dataset.DEFAULT_AREAS)
    parser.add_argument("--updates-per-area", type=int, default=dataset.DEFAULT_UPDATES_PER_AREA)
    parser.add_argument("--seed", type=int, default=dataset.DEFAULT_SEED)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--verify", default="each", choices=("each", "final", "none"))
    parser.add_argument("--no-pelican", action="store_true")
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args(argv)
    if args.build_once:
        return build_once(*args.build_once)
    return report(
        areas=args.areas,
        updates_per_area=args.updates_per_area,
        seed=args.seed,
        json_path=args.json,
        workdir=args.workdir,
        verify=args.verify,
        pelican=not args.no_pelican,
        hugo=not args.no_hugo,
    )


def report(json_path: Path | str | None = None, keep: bool = False, **options: Any) -> int:
    """Run the benchmark, print the table, write the JSON; the exit code for the shell."""
    own_folder = options.get("workdir") is None
    try:
        result = run_benchmark(**options)
    except (BenchError, FileExistsError, ValueError) as exc:
        print(f"The benchmark stopped: {exc}", file=sys.stderr)
        return 2
    print()
    print(table(result))
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nWrote the figures to {json_path}.")
    if own_folder and not keep:
        shutil.rmtree(result["workdir"], ignore_errors=True)
    if result.get("incremental_equals_cold") is False:
        print(
            "\nFAILED: a rebuild did not give the same bytes as a cold build of the same "
            "content (see the 'different' lines above).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
