"""Pelican plugin: files the web host needs, written from settings.

* ``/.well-known/security.txt`` (RFC 9116): how to report a security problem,
  from ``SECURITY_CONTACT`` (one or more ``mailto:`` or ``https:`` URIs),
  ``SECURITY_EXPIRES`` (an ISO 8601 date and time), and the optional
  ``SECURITY_PREFERRED_LANGUAGES``, ``SECURITY_POLICY``,
  ``SECURITY_ACKNOWLEDGMENTS``, ``SECURITY_ENCRYPTION`` and ``SECURITY_HIRING``.
  Its contents depend on the settings only, so every build writes the same bytes.
* ``/_headers``: the security headers for Netlify or Cloudflare Pages, copied
  from the file named by ``HOSTING_HEADERS_FILE`` (see hosting/README.md); None
  for hosts that do not read it. Its ``form-action`` is set to 'self' and the
  sources in ``HOSTING_FORM_ACTION`` (set by the have_your_say plugin), if any.

Both are written atomically and reported with ``content_written``.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from pelican.generators import Generator

from neighbourhood_policing.engagement import extend_form_action
from neighbourhood_policing.files import SettingsError, write_outputs
from neighbourhood_policing.incremental import unchanged
from neighbourhood_policing.settings import PROJECT
from neighbourhood_policing.site import Site

__all__ = ["register", "security_txt"]

logger = logging.getLogger(__name__)


class HostingSettingError(SettingsError):
    pass


def _uris(value: Any, name: str) -> list[str]:
    items = [value] if isinstance(value, str) else list(value or [])
    for item in items:
        if not str(item).startswith(("mailto:", "https://", "tel:")):
            raise HostingSettingError(
                f"{name}: '{item}' must be a URI starting mailto:, https:// or tel:"
            )
    return [str(item) for item in items]


def _expires(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as exc:
            raise HostingSettingError(
                f"SECURITY_EXPIRES: '{value}' is not a date and time such as 2027-11-24T00:00:00Z"
            ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def security_txt(settings: dict[str, Any], today: dt.date | None = None) -> str:
    """The text of security.txt from settings (raises HostingSettingError if unusable)."""
    contacts = _uris(settings.get("SECURITY_CONTACT"), "SECURITY_CONTACT")
    if not contacts:
        raise HostingSettingError("SECURITY_CONTACT: give at least one mailto: or https:// URI")
    if not settings.get("SECURITY_EXPIRES"):
        raise HostingSettingError("SECURITY_EXPIRES: give the date this file stops being valid")
    expires = _expires(settings["SECURITY_EXPIRES"])
    if today is not None:
        if expires.date() <= today:
            logger.warning(
                "SECURITY_EXPIRES (%s) has passed: set a new date in the settings, less "
                "than a year ahead",
                expires.date().isoformat(),
            )
        elif expires.date() > today + dt.timedelta(days=366):
            logger.warning(
                "SECURITY_EXPIRES (%s) is more than a year ahead; RFC 9116 recommends less",
                expires.date().isoformat(),
            )
    lines = [f"Contact: {contact}" for contact in contacts]
    lines.append(f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    for key, field in (
        ("SECURITY_ENCRYPTION", "Encryption"),
        ("SECURITY_ACKNOWLEDGMENTS", "Acknowledgments"),
        ("SECURITY_POLICY", "Policy"),
        ("SECURITY_HIRING", "Hiring"),
    ):
        for uri in _uris(settings.get(key), key):
            lines.append(f"{field}: {uri}")
    languages = settings.get("SECURITY_PREFERRED_LANGUAGES")
    if languages:
        if not isinstance(languages, str):
            languages = ", ".join(languages)
        lines.append(f"Preferred-Languages: {languages}")
    siteurl = str(settings.get("SITEURL") or "")
    if siteurl.startswith("https://"):
        lines.append(f"Canonical: {siteurl.rstrip('/')}/.well-known/security.txt")
    return "\n".join(lines) + "\n"


class HostingGenerator(Generator):
    """Writes security.txt and the host's _headers file into the output."""

    def generate_output(self, writer: Any) -> None:
        site: Site | None = self.settings.get("SITE_MODEL")
        text = security_txt(self.settings, site.build_date if site else None)
        files: list[tuple[str, bytes | str]] = [(".well-known/security.txt", text)]
        headers = self.settings.get("HOSTING_HEADERS_FILE")
        if headers:
            source = Path(headers)
            if not source.is_absolute():
                source = PROJECT / source
            if not source.is_file():
                raise HostingSettingError(
                    f"HOSTING_HEADERS_FILE: {source} does not exist; name one of the files in "
                    "hosting/, or None"
                )
            # form-action allows exactly where the have-your-say forms go (HOSTING_FORM_ACTION).
            text = extend_form_action(
                source.read_text("utf-8"), self.settings.get("HOSTING_FORM_ACTION")
            )
            files.append(("_headers", text.encode("utf-8")))
        write_outputs(self.output_path, unchanged(self.settings, files), self.announce)

    def announce(self, path: str) -> None:
        signals.content_written.send(path, context=self.context)


def get_generators(pelican: Pelican) -> type[Generator]:
    return HostingGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
