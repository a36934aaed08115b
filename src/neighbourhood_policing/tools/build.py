"""Running a build or a validation from tasks.py and the tests, with clear errors.

A build never touches the published output until it has succeeded: Pelican writes
into a new folder next to the output (``.output.building-…``), files unchanged since
the last good build are kept where they are, and only when the build, every check and
every plugin succeeded is the new site put in place (``outputs.put_in_place``: the
changed files moved in, or, for a cold build, the folder swapped in whole). A failed
build leaves the last good site as it was, so a broken pull request can never take the
published site down half-written.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from .. import collector, incremental
from ..checks import ParseMemory, check_built_site
from ..files import SettingsError, write_atomic
from ..incremental import BuildCache, OutputCache
from ..loading import load_site
from ..outputs import NewSite, put_in_place, remove_leftovers, walk
from ..problems import ContentError, Problem, report
from ..rules import build_date_from_env
from ..settings import AFTER_PELICAN, DEFAULT_CONFIG, PROJECT, pelican_settings

logger = logging.getLogger(__name__)


class BuildFailed(Exception):
    """The build ran but did not succeed: Pelican or a plugin reported an error."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("\n".join(messages))


class _ErrorLog(logging.Handler):
    """Collects every error logged during a build: Pelican logs and carries on, we stop."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message += f" ({record.exc_info[1]})"
        self.messages.append(message)


def _check_output_folder(output: Path, content_root: Path) -> None:
    if output.exists() and not output.is_dir():
        raise BuildFailed([f"The output {output} is a file, not a folder; choose another path."])
    resolved, root = output.resolve(), content_root.resolve()
    if resolved == root or resolved in root.parents:
        raise BuildFailed(
            [
                f"The output folder {output} holds the content itself; building there would "
                "delete it. Choose a separate folder, such as output/."
            ]
        )


def _output_cache(settings: dict[str, Any], final: Path) -> OutputCache | None:
    """The record of the last good build into ``final``, for reusing unchanged pages."""
    if not incremental.enabled(settings):
        return None
    key = incremental.fingerprint(settings, build_date_from_env())
    outputs = OutputCache.open(incremental.cache_dir_for(final), final, key)
    settings["BUILD_CACHE"] = BuildCache(outputs, Path(settings["PATH"]))
    return outputs


def _parse_memory(outputs: OutputCache | None) -> ParseMemory:
    """What the last good build's checks learnt of its files (by their bytes)."""
    if outputs is None:
        return ParseMemory()
    path = _memory_path(outputs)
    remembered = _LAST_MEMORY.pop(path, None)
    try:
        if remembered is not None and remembered[:2] == (_identity(path), outputs.fingerprint):
            return remembered[2].as_kept()
        with path.open("rb") as stream:
            return ParseMemory.load(stream, outputs.fingerprint)
    except OSError:
        return ParseMemory()


def _keep_parse_memory(outputs: OutputCache, memory: ParseMemory) -> None:
    """Keep only what describes files of this output, so the memory never grows stale."""
    path = _memory_path(outputs)
    write_atomic(path, lambda stream: memory.dump(stream, outputs.fingerprint))
    _LAST_MEMORY.clear()
    _LAST_MEMORY[path] = (_identity(path), outputs.fingerprint, memory)


#: The memory this process kept last, by where it was written, with that file's stat
#: and the build's fingerprint: the next build in the same process (a live preview)
#: takes it from here, unless the file has changed since or the fingerprint differs.
_LAST_MEMORY: dict[Path, tuple[tuple[int, ...], str, ParseMemory]] = {}


def _identity(path: Path) -> tuple[int, ...]:
    stat = os.stat(path)
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _memory_path(outputs: OutputCache) -> Path:
    return outputs.index_path.with_name("checks.pickle")


def _let_pelican_go(settings: dict[str, Any], outputs: OutputCache | None) -> None:
    """Let go of what only Pelican's run needed, before the checks.

    Pelican's page of each update (its rendered text, metadata and a reference to the
    whole context) is reached through the model (``UpdateInfo.article``) and kept it all
    alive: at national scale most of the build's memory, with the checks' on top. The
    checks read the built files and the model's own data, and the last build's output
    record was only asked while pages were being keyed.
    """
    from pelican.contents import Content

    site = settings.get("SITE_MODEL")
    if site is not None:
        for info in site.updates.values():
            info.article = None
    # Pelican remembers every page's rendered text and summary in caches of its class,
    # by page: they would keep every page of every build alive (a live preview builds
    # again and again in one process).
    for name in ("get_content", "get_summary"):
        cache = getattr(vars(Content).get(name), "cache", None)
        if isinstance(cache, dict):
            cache.clear()
    if outputs is not None:
        outputs.let_go()
    gc.unfreeze()  # Pelican's pages and contexts refer to each other (see collector.py)
    if site is not None and len(site.updates) >= MANY_UPDATES:
        gc.collect()
        collector.long_lived()  # the model, for the checks
        _give_memory_back()


#: From this many updates, what Pelican's pages held is collected and given back before
#: the checks (a collection is a tenth of a live-preview rebuild of the sample site).
MANY_UPDATES = 2000


def _give_memory_back() -> None:
    """Give memory Python has freed back to the system. The C library keeps freed
    blocks for later use, but the checks' many small objects are kept elsewhere: the
    texts of 40,000 pages would stay resident beside them."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # glibc (Linux); elsewhere nothing to do
    except (OSError, AttributeError):
        return
    trim(0)


#: Lists the published output in a thread while the checks run (see ``_build``).
_LISTER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="list-output")


def build_site(
    config: Path | str = DEFAULT_CONFIG,
    *,
    content_root: Path | str | None = None,
    output: Path | str | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the site atomically.

    Raises ContentError when the content has problems or a check finds something
    missing, and BuildFailed when Pelican or a plugin logged an error; in both cases
    the output folder is left exactly as it was.

    A page someone changed in the output after it was built is made again: the build
    cache keeps a page only while its stat is the one recorded (``incremental``).
    """
    with collector.tenured():
        return _build(config, content_root, output, overrides)


def _build(
    config: Path | str,
    content_root: Path | str | None,
    output: Path | str | None,
    overrides: dict[str, Any] | None,
) -> dict[str, Any]:
    from pelican import Pelican

    settings = pelican_settings(
        config, content_root=content_root, output=output, overrides=overrides
    )
    final = Path(settings["OUTPUT_PATH"])
    _check_output_folder(final, Path(settings["PATH"]))
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(final)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.building-", dir=final.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; a web server must read it
    if not settings.get("DELETE_OUTPUT_DIRECTORY") and final.is_dir():
        # Pelican would have written over the old files and kept the rest: do the same.
        shutil.copytree(final, staging, symlinks=True, dirs_exist_ok=True)
    settings["OUTPUT_PATH"] = str(staging)
    # Where the build cache is (beside the output): Pelican writes into the staging folder.
    settings["BUILD_CACHE_DIR"] = str(incremental.cache_dir_for(final))
    outputs = _output_cache(settings, final)
    after_pelican: list[Callable[[], Callable[[], Iterable[str]]]] = []
    settings[AFTER_PELICAN] = after_pelican
    errors = _ErrorLog()
    root_logger = logging.getLogger()
    root_logger.addHandler(errors)
    try:
        try:
            Pelican(settings).run()
        except SettingsError as exc:
            problem = Problem(Path(config).name, None, None, str(exc))
            raise ContentError([problem]) from None
        if errors.messages:
            raise BuildFailed(errors.messages)
        if outputs is not None and settings.get("DELETE_OUTPUT_DIRECTORY"):
            # Pages made into the bytes published, and Pelican's copies of static files.
            outputs.keep_same_bytes(staging, walk(staging))
        _let_pelican_go(settings, outputs)
        # The published output's files, listed while the checks run (the listing waits
        # on the file system, the checks on the processor): the files a rebuild deletes.
        listing = None
        if outputs is not None and outputs.kept:
            listing = _LISTER.submit(lambda: list(walk(final)))
        try:  # what the plugins left to do: search's Pagefind runs beside the checks
            finishers = [start() for start in after_pelican]
            memory = _parse_memory(outputs)
            site = outputs.new_site(staging) if outputs is not None else NewSite(staging)
            problems = check_built_site(site, settings, memory)
            for finish in finishers:
                site.note_written(finish())
        except SettingsError as exc:
            raise ContentError([Problem(Path(config).name, None, None, str(exc))]) from None
        if problems:
            raise ContentError(problems)
        logger.info("Checks passed: nothing lost, no broken links.")
        if outputs is not None:
            outputs.forget()  # untrue until the new site is in place
        how = put_in_place(
            site,
            final,
            retention=list(settings.get("OUTPUT_RETENTION") or []),
            present=listing.result if listing is not None else None,
        )
        if outputs is not None:
            outputs.commit()
            _keep_parse_memory(outputs, memory)
            logger.info(
                "Pages reused: %d, made: %d (%d of them the same bytes as before, kept); "
                "groups kept whole: %d",
                outputs.reused,
                outputs.made,
                outputs.same_bytes,
                outputs.groups_kept,
            )
        logger.info("The new site is in place (%s)", how)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        root_logger.removeHandler(errors)
    settings["OUTPUT_PATH"] = str(final)
    return settings


def run_build(stream: TextIO | None = None, **kwargs: Any) -> int:
    """build_site for the command line: problems printed plainly, an exit code returned."""
    out = stream or sys.stderr
    kept = "; the previous output, if any, is unchanged"
    try:
        build_site(**kwargs)
    except ContentError as exc:
        report(exc.problems, stream=out)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        print(
            f"\nThe site was not built: {errors} problem(s) to fix (each line above names "
            f"the file, the line and what to change){kept}.",
            file=out,
        )
        return 2
    except BuildFailed as exc:
        for message in exc.messages:
            print(message, file=out)
        print(f"\nThe site was not built: {len(exc.messages)} error(s) above{kept}.", file=out)
        return 2
    return 0


def run_validate(
    content_root: Path | str = PROJECT,
    *,
    strict: bool = False,
    stream: TextIO | None = None,
    config: Path | str = DEFAULT_CONFIG,
) -> int:
    """Check all content and print every problem; 0 when there are no errors.

    ``strict`` counts warnings (review dates, personal data) as errors.
    """
    out = stream or sys.stderr
    settings = pelican_settings(config, content_root=content_root)
    site = load_site(Path(content_root), settings=settings)
    report(site.problems, stream=out)
    errors = len(site.errors) + (len(site.warnings) if strict else 0)
    if errors:
        print(f"\n{errors} problem(s) to fix.", file=out)
        return 2
    print(
        f"All content is valid: {len(site.areas)} areas, {len(site.updates)} updates"
        + (f", {len(site.warnings)} warning(s)" if site.warnings else "")
        + ".",
        file=out,
    )
    return 0


def quiet_pelican_logging() -> None:
    logging.getLogger("pelican").setLevel(logging.WARNING)
