"""File safety: nothing outside the repository is published, every file can be read,
and Markdown links and images that name files point at files that exist."""

from __future__ import annotations

import os
from pathlib import Path

from .. import urls
from ..files import inside
from ..references import markdown_references, reference_problem, root_link_warning
from ..yamlfile import ContentFileError, read_text
from .context import LoadContext
from .frontmatter import split_front_matter

MAX_MARKDOWN_BYTES = 1_000_000


def report_outside_link(ctx: LoadContext, path: Path) -> None:
    if path in ctx.outside_links:
        return
    ctx.outside_links.add(path)
    ctx.problem(
        path,
        None,
        "is a symbolic link to a place outside the repository; replace it with the file itself",
    )


def safe_path(ctx: LoadContext, path: Path) -> bool:
    """False (reported once) for a file that is, or sits behind, a link out of the repo."""
    if inside(ctx.root, path, ctx.real_folders):
        return True
    if path.is_symlink():
        report_outside_link(ctx, path)
    return False


def check_symlinks(ctx: LoadContext) -> None:
    """Every symbolic link under the content folders must stay inside the repository.

    Pelican copies static files and reads pages by following links, so a link to
    /etc/passwd or a home folder would otherwise be published.
    """
    for top in (ctx.root / urls.AREAS_DIR, ctx.root / "content"):
        if not top.is_dir():
            continue
        # Folder by folder, each in order of its names, as os.walk went (a link to a
        # folder is not followed); the listing says which entries are links, where
        # asking each of a national site's 60,000 entries took a second of every build.
        pending = [str(top)]
        while pending:
            try:
                with os.scandir(pending.pop()) as listing:
                    entries = sorted(listing, key=lambda entry: entry.name)
            except OSError:
                continue
            folders = []
            for entry in entries:
                if entry.is_symlink():
                    if not inside(ctx.root, Path(entry.path)):
                        report_outside_link(ctx, Path(entry.path))
                elif entry.is_dir():
                    folders.append(entry.path)
            pending.extend(reversed(folders))


def read_markdown(ctx: LoadContext, path: Path) -> str | None:
    """The text of a Markdown file, or None (reported) when it cannot be read safely."""
    if not safe_path(ctx, path):
        return None
    try:
        return read_text(path, max_bytes=MAX_MARKDOWN_BYTES)
    except ContentFileError as exc:
        ctx.problem(path, exc.line, exc.message)
        return None


def check_references(ctx: LoadContext, path: Path, text: str) -> None:
    """Images and links in Markdown that point at files must point at files that exist."""
    # Which links and images the text has is a pure function of it: remembered by it.
    found = ctx.memo.remember("references", text, lambda: tuple(markdown_references(text)))
    for line, target, image in found:
        message = reference_problem(ctx.root, path, target, image)
        if message:
            ctx.problem(path, line, message)
        warning = root_link_warning(target)
        if warning:
            ctx.problem(path, line, warning, severity="warning")


def check_pages(ctx: LoadContext) -> None:
    """Pages are read by Pelican; check first that each one can be read at all."""
    folder = ctx.root / urls.PAGES_DIR
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*.md")):
        text = read_markdown(ctx, path)
        if text is not None:
            check_references(ctx, path, text)
            if text.split("\n", 1)[0].strip() == "---":  # Pelican would skip a broken one
                error = split_front_matter(text.split("\n"))[2]
                if error:
                    ctx.problem(path, error[0], error[1])
