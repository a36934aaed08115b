"""Writing files and building absolute URLs, for every plugin and tool.

Every file a plugin or tool writes itself goes through ``write_atomic`` (plugins:
``write_outputs``, which also announces it), so no reader (a web server, a test, a
browser) ever sees half a file.
"""

from __future__ import annotations

import enum
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A setting in pelicanconf.py or publishconf.py that the build cannot work with.

    The message names the setting and how to fix it; ``invoke build`` prints it
    without a traceback.
    """


def inside(root: Path, path: Path, folders: dict[Path, Path] | None = None) -> bool:
    """Whether ``path``, with every symbolic link followed, lies within ``root``.

    ``folders`` keeps the real place of each folder already asked about (one load of
    the content asks about every file, and following each file's whole path was 3%
    of a rebuild at national scale): a file that is not itself a link lies where its
    folder really is.
    """
    try:
        if folders is None or path.name in {"", ".", ".."} or path.is_symlink():
            real = path.resolve()
        else:
            real = _real(path.parent, folders) / path.name
        real.relative_to(_real(root, folders) if folders is not None else root.resolve())
    except (ValueError, OSError):
        return False
    return True


def _real(folder: Path, folders: dict[Path, Path]) -> Path:
    found = folders.get(folder)
    if found is None:
        found = folders[folder] = folder.resolve()
    return found


def relative(root: Path, path: Path) -> str:
    """``path`` relative to ``root`` with forward slashes, for messages (as given if outside)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


#: The mode of every file a build writes (readable by a web server), whatever the umask.
FILE_MODE = 0o644


def write_atomic(path: Path, data: bytes | str | Callable[[BinaryIO], object]) -> None:
    """Write ``data`` (text is UTF-8) to ``path``: a temporary file beside it, then a rename.

    ``data`` may also be a function that writes to the open file, for what is too big to
    hold in memory twice (``pickle.dump``, not ``pickle.dumps``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            if callable(data):
                data(stream)
            else:
                stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_staged(path: Path | str, data: bytes) -> None:
    """Write ``data`` into ``path`` itself: for a file of a build's staging folder, which
    nothing reads before the build is done (a failed build deletes the folder), so the
    temporary file and rename of ``write_atomic`` buy nothing there; a cold build of a
    national site writes 230,000 pages. The file ends as ``write_atomic`` leaves one
    (``FILE_MODE``, whatever the umask); a link in its place is replaced, not written through.
    """
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FILE_MODE)
    except OSError:  # a link there (or something else odd): the careful way
        write_atomic(Path(path), data)
        return
    with os.fdopen(handle, "wb") as stream:
        os.fchmod(handle, FILE_MODE)
        stream.write(data)


def site_domain(siteurl: str) -> str:
    """The host name of SITEURL (no port): the authority of tag: URIs and calendar UIDs."""
    parts = urlsplit(siteurl or "")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SettingsError(
            f"SITEURL is {siteurl!r}, but feeds and calendars need the site's full address, "
            'e.g. SITEURL = "https://neighbourhoods.westmercia.police.uk" in publishconf.py '
            'or "http://localhost:8000" in pelicanconf.py'
        )
    return parts.hostname


def absolute_url(siteurl: str, path: str) -> str:
    """The full URL of a path relative to the site root."""
    return f"{siteurl.rstrip('/')}/{path.lstrip('/')}"


class Kept(enum.Enum):
    """A file the last good build made from the same inputs: it is not written, and
    stays as it is in the published output (``outputs.NewSite``)."""

    KEPT = "kept"


KEPT = Kept.KEPT


def link_atomic(source: Path, path: Path) -> None:
    """``path`` as a hard link to ``source`` (a copy where links are not possible),
    put in place with a rename like ``write_atomic`` when ``path`` already exists."""
    try:
        os.link(source, path)  # a new file in a new output: one call
        return
    except FileNotFoundError:
        if not os.path.exists(source):
            raise
    except OSError:
        pass  # it exists already, or this file system cannot link: below
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)
    try:
        try:
            os.link(source, temporary)
        except OSError:
            shutil.copy2(source, temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_outputs(
    output: Path | str,
    files: Iterable[tuple[str, bytes | str | Kept]],
    announce: Callable[[str], object],
) -> int:
    """Write each (path relative to ``output``, data) atomically and announce it.

    ``data`` may be ``KEPT``: the file is then not written (the last build's stays).
    ``announce`` is called with each file's full path once it is in place: plugins pass
    a function that sends Pelican's ``content_written`` signal, so the sitemap and the
    checks see every file. Returns how many files were written.
    """
    count = 0
    for rel, data in files:
        path = Path(output) / rel
        if data is not KEPT:
            write_atomic(path, data)
        announce(str(path))
        count += 1
    return count


def site_path(siteurl: str) -> str:
    """SITEURL's path without its last slash: ``""`` at a host's root, ``"/project"`` below it.

    The 404 page links from this path (``/project/neighbourhoods/``) rather than from the
    page, since a web server shows it at whatever address was not found.
    """
    return urlsplit(siteurl or "").path.rstrip("/")


def siteurl_setting(settings: dict[str, object]) -> str:
    """SITEURL, checked once for every plugin that needs full addresses (feeds, calendars)."""
    siteurl = str(settings.get("SITEURL") or "")
    site_domain(siteurl)
    return siteurl
