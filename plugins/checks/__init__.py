"""Pelican plugin: checks the built site at the end of every build.

On Pelican's ``finalized`` signal, when every page, feed and calendar has been
written, it runs two checks over the output folder and fails the build (which
then leaves the previous output in place) if either finds anything:

* nothing lost (``nothing_lost.py``): every update, area, priority and event in
  the content is where a resident would look for it;
* links (``links.py``): every internal link, image, fragment, feed and calendar
  link in the output leads somewhere (``CHECK_LINKS = False`` turns this off).

Keep ``checks`` last in PLUGINS so that it sees the files other plugins write
when the build finishes.
"""

from __future__ import annotations

import logging
from typing import Any

from pelican import signals

__all__ = ["register"]

logger = logging.getLogger(__name__)


def on_finalized(pelican: Any) -> None:
    """Check the output; raise ContentError naming everything missing or broken."""
    from neighbourhoods.problems import ContentError

    from .links import check_links
    from .nothing_lost import check_nothing_lost
    from .output import Output

    settings = pelican.settings
    site = settings.get("SITE_MODEL")
    output = Output(pelican.output_path, settings.get("SITEURL", ""))
    problems = []
    if site is not None:
        problems += check_nothing_lost(site, output, settings)
    if settings.get("CHECK_LINKS", True):
        problems += check_links(output)
    if problems:
        raise ContentError(problems)
    logger.info("Checks passed: nothing lost, no broken links.")


def register() -> None:
    # Receivers run in the order they were first connected. Connecting afresh puts the
    # checks after every plugin registered before this one, in this build and in any
    # later build in the same process (the tests run many).
    signals.finalized.disconnect(on_finalized)
    signals.finalized.connect(on_finalized)
