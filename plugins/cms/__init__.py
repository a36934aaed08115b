"""Pelican plugin: the form editor (Decap CMS) at /admin/.

When ``CMS_ADMIN`` is true it copies the CMS's page, our format script, the generated
``admin/config.yml`` and Decap's files installed by ``make setup-cms`` (npm ci, pinned
in package-lock.json) into the output's ``admin/``, atomically, announcing each file.
``CMS_SERVED_CONFIG`` (set by ``invoke cms``) is served in place of the committed
configuration.
The page is ``noindex``, left out of the sitemap, and has its own
Content-Security-Policy (hosting/). Nothing is fetched from another site.
"""

from __future__ import annotations

from typing import Any

from pelican import Pelican, signals
from pelican.generators import Generator

from neighbourhood_policing.cms import CMSNotInstalledError, admin_files
from neighbourhood_policing.files import SettingsError, write_outputs
from neighbourhood_policing.incremental import unchanged
from neighbourhood_policing.settings import PROJECT

__all__ = ["register"]


class CMSSettingError(SettingsError):
    pass


class AdminGenerator(Generator):
    """Writes /admin/ into the output."""

    def generate_output(self, writer: Any) -> None:
        if not self.settings.get("CMS_ADMIN"):
            return
        try:
            files = admin_files(PROJECT, self.settings.get("CMS_SERVED_CONFIG"))
        except CMSNotInstalledError as exc:
            raise CMSSettingError(str(exc)) from exc
        write_outputs(self.output_path, unchanged(self.settings, files), self.announce)

    def announce(self, path: str) -> None:
        signals.content_written.send(path, context=self.context)


def get_generators(pelican: Pelican) -> type[Generator]:
    return AdminGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
