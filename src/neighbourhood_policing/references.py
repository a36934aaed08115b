"""Links and images in Markdown that point at files: do those files exist?

Checked when content is loaded, so the editor gets the file and line. The link
checker (neighbourhood_policing.checks.links) then checks every link in the built site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from .files import inside, relative

_MD_LINK = re.compile(r"(!?)\[[^\]\n]*\]\(\s*<?([^)\s>]+)")
_MD_REFERENCE = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?([^\s>]+)")
_HTML_REFERENCE = re.compile(
    r"""\b(src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PLACEHOLDER = re.compile(r"^(?:\{(static|attach|filename)\}|\|(static|attach|filename)\|)")


def markdown_references(text: str) -> Iterator[tuple[int, str, bool]]:
    """(line, target, is an image) of every link and image in Markdown, outside fenced code."""
    fence: str | None = None
    for number, row in enumerate(text.split("\n"), start=1):
        stripped = row.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
            continue
        if fence:
            continue
        for match in _MD_LINK.finditer(row):
            yield number, match.group(2), match.group(1) == "!"
        for match in _MD_REFERENCE.finditer(row):
            yield number, match.group(1), False
        for match in _HTML_REFERENCE.finditer(row):
            target = next(g for g in match.groups()[1:] if g is not None)
            yield number, target, match.group(1).lower() == "src"


def reference_problem(root: Path, source: Path, target: str, image: bool = False) -> str | None:
    """Why a link from ``source`` to ``target`` cannot work, or None if it can (or is external).

    Links with ``{static}``, ``{attach}`` or ``{filename}`` must name a file that
    exists (Pelican turns them into the published address). A plain relative link
    to a file would be resolved against the published page's address, not the
    source folder, so it is refused with the fix.
    """
    target = target.strip()
    if image and (target.startswith("//") or re.match(r"^https?:", target, re.IGNORECASE)):
        return (
            f"loads {target[:60]} from another website; the site loads nothing from other "
            "sites (residents' privacy, and the Content-Security-Policy blocks it): save the "
            "image next to the update and write {static}name.jpg"
        )
    placeholder = _PLACEHOLDER.match(target)
    if placeholder:
        rest = target[placeholder.end() :]
    elif not target or target.startswith(("#", "/", "?")) or _SCHEME.match(target):
        return None
    else:
        rest = target
    rest = re.split(r"[#?]", rest, maxsplit=1)[0]
    if not rest:
        return None
    wanted = unquote(rest)
    base = root if wanted.startswith("/") else source.parent
    resolved = base / wanted.lstrip("/")
    exists = resolved.is_file() and inside(root, resolved)
    if placeholder and exists:
        return None
    missing = relative(root.resolve(), resolved.resolve())
    if placeholder:
        return (
            f"links to '{target}', but there is no file {missing}; check the name "
            "(capitals matter) or add the file"
        )
    if "." not in Path(wanted).name and not image:
        return None  # a page address such as ../beta/, checked in the built site
    if exists:
        return (
            f"links to '{target}' without {{static}}, so the link would break on the "
            f"published page; write {{static}}{rest} instead"
        )
    return (
        f"links to '{target}', but there is no file {missing}; check the name "
        "(capitals matter) or add the file, and write it as {static}" + rest
    )


def root_link_warning(target: str) -> str | None:
    """What is wrong with a link from the web server's root (``/contact/``), or None.

    Pages link relatively so the site works from any address; such a link works at the
    root of the live site but breaks on a preview served from a folder. A warning, not
    an error: the page still builds (``invoke validate --strict`` refuses it).
    """
    target = target.strip()
    if not target.startswith("/") or target.startswith("//"):
        return None
    return (
        f"links to '{target}' from the root of the web server, which breaks when the site "
        "is served from a folder (a preview, a project site); link to the page's file "
        "instead, e.g. ({filename}/content/pages/contact.md), or write the full address, "
        "e.g. https://…"
    )
