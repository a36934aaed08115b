"""Publishing: deterministic .gz and .br copies of the built site, then a folder, rsync
or the gh-pages branch."""

from __future__ import annotations

import gzip
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..files import write_atomic
from ..settings import PROJECT
from .common import EditingError

#: Files that hosts can serve pre-compressed (.gz for gzip, .br for Brotli).
COMPRESS_SUFFIXES = frozenset(
    {".html", ".css", ".js", ".xml", ".json", ".svg", ".ics", ".rss", ".atom", ".txt"}
)
PUBLISH_MARKER = ".neighbourhoods-published"


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with no file name and mtime 0, so the same input gives the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buffer.getvalue()


def compress_site(folder: Path | str) -> list[Path]:
    """Write ``.gz`` and ``.br`` copies next to every text file; returns the files written."""
    import brotli

    folder = Path(folder)
    written = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in COMPRESS_SUFFIXES:
            continue
        data = path.read_bytes()
        for suffix, packed in (
            (".gz", gzip_bytes(data)),
            (".br", brotli.compress(data, quality=11)),
        ):
            target = path.with_name(path.name + suffix)
            write_atomic(target, packed)
            written.append(target)
    return written


@dataclass(frozen=True)
class Target:
    kind: str  # "folder", "rsync" or "github-pages"
    value: str


def parse_target(target: str) -> Target:
    """Which kind of deployment a PUBLISH_TARGET or --target names."""
    text = target.strip()
    if not text:
        raise EditingError(
            "No publish target: set PUBLISH_TARGET in publishconf.py (or the environment), or "
            "give --target: a folder, user@host:path or rsync://host/module/path, or "
            "github-pages"
        )
    if text in {"github-pages", "gh-pages"}:
        return Target("github-pages", "gh-pages")
    if text.startswith(("rsync://", "ssh://")) or re.match(r"^[^/\s]+@[^/\s:]+:", text):
        return Target("rsync", text)
    if re.match(r"^[A-Za-z0-9.-]+:[^/]", text) and not re.match(r"^[A-Za-z]:[\\/]", text):
        return Target("rsync", text)  # host:path, using the ssh user from ~/.ssh/config
    return Target("folder", text)


def _same_or_inside(a: Path, b: Path) -> bool:
    a, b = a.resolve(), b.resolve()
    return a == b or b in a.parents or a in b.parents


def deploy_folder(output: Path | str, target: Path | str) -> int:
    """Mirror the built site into a folder (files no longer built are removed).

    A folder that is not empty and was not published to before is refused, so
    that a mistyped path cannot empty someone's home folder.
    """
    output, target = Path(output), Path(target).expanduser()
    if _same_or_inside(output, target):
        raise EditingError(
            f"The target {target} overlaps the build folder {output}; choose another"
        )
    if target.exists() and not target.is_dir():
        raise EditingError(f"The target {target} is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / PUBLISH_MARKER).exists():
        raise EditingError(
            f"The target {target} is not empty and was not published to before; publish to an "
            "empty or new folder (files there that the site does not have would be deleted)"
        )
    target.mkdir(parents=True, exist_ok=True)
    wanted = set()
    copied = 0
    for source in sorted(output.rglob("*")):
        rel = source.relative_to(output)
        wanted.add(rel)
        dest = target / rel
        if source.is_dir():
            dest.mkdir(exist_ok=True)
            continue
        if (
            dest.is_file()
            and dest.stat().st_size == source.stat().st_size
            and (dest.read_bytes() == source.read_bytes())
        ):
            continue
        write_atomic(dest, source.read_bytes())
        copied += 1
    for dest in sorted(target.rglob("*"), reverse=True):
        rel = dest.relative_to(target)
        if rel in wanted or rel == Path(PUBLISH_MARKER):
            continue
        if dest.is_dir() and not dest.is_symlink():
            shutil.rmtree(dest)
        else:
            dest.unlink()
    (target / PUBLISH_MARKER).write_text(
        "This folder is published by `invoke publish`; files not in the site are removed.\n",
        encoding="utf-8",
    )
    return copied


def rsync_command(output: Path | str, target: str) -> list[str]:
    """The rsync command that mirrors the site to ``target`` (checksums, not times)."""
    return [
        "rsync",
        "--recursive",
        "--links",
        "--compress",
        "--checksum",
        "--delete",
        "--human-readable",
        "--itemize-changes",
        f"{Path(output)}/",
        target,
    ]


def deploy_rsync(output: Path | str, target: str) -> None:
    if shutil.which("rsync") is None:
        raise EditingError("rsync is not installed; install it (apt-get install rsync)")
    result = subprocess.run(rsync_command(output, target), check=False)
    if result.returncode:
        raise EditingError(f"rsync to {target} failed (exit code {result.returncode})")


def _git(repo: Path, *args: str, env: dict[str, str] | None = None, text: str | None = None) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        input=text,
        env=env,
        check=False,
    )
    if result.returncode:
        raise EditingError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def deploy_github_pages(
    output: Path | str,
    repo: Path | str,
    *,
    branch: str = "gh-pages",
    remote: str | None = "origin",
    message: str = "Publish the site",
) -> str | None:
    """Commit the built site as the whole tree of ``branch`` and push it.

    Works on a temporary index, so the working tree and the current branch are
    never touched. Returns the new commit, or None when nothing changed.
    """
    output, repo = Path(output).resolve(), Path(repo)
    (output / ".nojekyll").write_bytes(b"")  # serve folders such as _static as they are
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        env["GIT_INDEX_FILE"] = str(Path(tmp) / "index")
        _git(repo, f"--work-tree={output}", "add", "--all", "--force", ".", env=env)
        tree = _git(repo, f"--work-tree={output}", "write-tree", env=env)
    ref = f"refs/heads/{branch}"
    parent = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", ref],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if parent and _git(repo, "rev-parse", f"{parent}^{{tree}}") == tree:
        return None
    commit_env = dict(os.environ)
    if not subprocess.run(
        ["git", "-C", str(repo), "config", "user.email"], capture_output=True, check=False
    ).stdout.strip():
        commit_env.setdefault("GIT_AUTHOR_NAME", "Site publisher")
        commit_env.setdefault("GIT_AUTHOR_EMAIL", "publisher@localhost")
        commit_env.setdefault("GIT_COMMITTER_NAME", "Site publisher")
        commit_env.setdefault("GIT_COMMITTER_EMAIL", "publisher@localhost")
    args = ["commit-tree", tree, "-m", message]
    if parent:
        args += ["-p", parent]
    commit = _git(repo, *args, env=commit_env)
    _git(repo, "update-ref", ref, commit, *([parent] if parent else []))
    remotes = _git(repo, "remote").split()
    if remote and remote in remotes:
        _git(repo, "push", remote, f"{ref}:{ref}")
    return commit


def publish(
    output: Path | str,
    target: str,
    *,
    repo: Path | str = PROJECT,
    log: Callable[[str], None] = print,
) -> Target:
    """Pre-compress the built site in ``output`` and deploy it to ``target``."""
    parsed = parse_target(target)
    output = Path(output)
    if not (output / "index.html").is_file():
        raise EditingError(f"{output} has no index.html; build the site first")
    if parsed.kind == "github-pages":
        # GitHub Pages compresses by itself and would publish .gz/.br files as pages.
        commit = deploy_github_pages(output, repo, branch=parsed.value)
        log(
            f"Published to the {parsed.value} branch"
            + (f" ({commit[:12]})." if commit else ": nothing had changed.")
        )
        return parsed
    written = compress_site(output)
    log(f"Wrote {len(written)} pre-compressed copies (.gz and .br).")
    if parsed.kind == "rsync":
        deploy_rsync(output, parsed.value)
    else:
        copied = deploy_folder(output, parsed.value)
        log(f"Copied {copied} changed file(s) to {parsed.value}.")
    log(f"Published to {parsed.value}.")
    return parsed
