"""Have your say: where residents' forms go, which surveys are open, and the CSP for both.

Pure logic for the ``have_your_say`` plugin, the freshness report and the hosting
headers; nothing here knows about Pelican's signals.

* ``FEEDBACK_ENDPOINT`` (pelicanconf.py): the force's form service, an https://
  address; None means the forms become an email to the area's team (``mailto:``).
  An area can name its own in ``area.yaml`` (``feedback_endpoint``).
* ``SURVEYS`` (pelicanconf.py): force-wide surveys (the same fields as an area's
  ``surveys``), shown in every area while open.
* ``FEEDBACK_ALLOW_INSECURE_LOCALHOST``: lets a test send the forms to
  ``http://127.0.0.1`` or ``http://localhost``; never set it for a real site.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError

from .files import SettingsError
from .models import Survey

if TYPE_CHECKING:
    from .site import AreaRecord

__all__ = [
    "CLOSING_SOON_DAYS",
    "check_endpoint",
    "closing_soon",
    "endpoint_for",
    "extend_form_action",
    "force_surveys",
    "form_action_sources",
    "open_surveys",
    "origin",
]

#: The freshness report lists surveys that close within this many days.
CLOSING_SOON_DAYS = 14
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
_SURVEYS = TypeAdapter(list[Survey])


def check_endpoint(url: Any, where: str, *, allow_insecure_localhost: bool = False) -> str:
    """``url`` as a string if forms may be sent there, else SettingsError naming ``where``."""
    text = str(url).strip()
    parts = urlsplit(text)
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        if allow_insecure_localhost:
            return text
        raise SettingsError(
            f"{where} is {text!r}: http:// is allowed only for a test server, with "
            "FEEDBACK_ALLOW_INSECURE_LOCALHOST = True; a real site needs an https:// address"
        )
    if parts.scheme != "https" or not parts.hostname:
        raise SettingsError(
            f"{where} is {text!r}, but residents' forms must be sent securely: give the full "
            "https:// address of the force's form service (e.g. "
            "'https://forms.example.police.uk/neighbourhoods'), or None to send them by email"
        )
    return text


def endpoint_for(record: AreaRecord | None, force_endpoint: str | None) -> str | None:
    """Where an area's forms are sent: its own endpoint, else the force's, else None
    (``record`` None: a force-wide update's "Was this useful?")."""
    own = record.area.feedback_endpoint if record is not None else None
    value = own or force_endpoint
    return str(value) if value else None


def origin(url: str) -> str:
    """The CSP source for an endpoint: scheme, host and port (``https://forms.example``)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def form_action_sources(endpoints: Iterable[str | None]) -> list[str]:
    """The ``form-action`` sources besides 'self' for these endpoints, each once.

    None stands for an area without one, whose forms become an email: browsers apply
    ``form-action`` to a ``mailto:`` form too, so that needs ``mailto:``.
    """
    return sorted({origin(url) if url else "mailto:" for url in endpoints})


_FORM_ACTION = re.compile(r"form-action [^;\"\n]+")


def extend_form_action(text: str, sources: Iterable[str] | None) -> str:
    """Headers or nginx text whose every ``form-action`` allows exactly 'self' and ``sources``.

    ``sources`` None leaves the text as it is. Raises SettingsError when there is no
    ``form-action`` to set (a hosting file edited by hand), rather than dropping it.
    """
    if sources is None:
        return text
    if not _FORM_ACTION.search(text):
        raise SettingsError(
            "HOSTING_HEADERS_FILE: its Content-Security-Policy has no form-action, so the "
            "have-your-say forms' address cannot be allowed; restore \"form-action 'self'\""
        )
    value = " ".join(["'self'", *sources])
    return _FORM_ACTION.sub(lambda _: f"form-action {value}", text)


def force_surveys(settings: dict[str, Any] | None) -> list[Survey]:
    """The force-wide ``SURVEYS`` setting, checked (SettingsError names the survey and field)."""
    value = (settings or {}).get("SURVEYS") or []
    try:
        return _SURVEYS.validate_python(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f"['{p}']" for p in first["loc"])
        raise SettingsError(
            f"SURVEYS{where}: {first['msg']}; each survey needs title, url (https://), "
            "run_by, opens and closes (YYYY-MM-DD)"
        ) from None


def open_surveys(surveys: Iterable[Survey], today: dt.date) -> list[Survey]:
    """Surveys open on ``today`` (opens <= today <= closes), closing soonest first."""
    return sorted(
        (s for s in surveys if s.opens <= today <= s.closes),
        key=lambda s: (s.closes, s.title.casefold(), str(s.url)),
    )


def closing_soon(
    surveys: Iterable[Survey], today: dt.date, days: int = CLOSING_SOON_DAYS
) -> list[Survey]:
    """Open surveys that close within ``days`` of ``today``."""
    last = today + dt.timedelta(days=days)
    return [s for s in open_surveys(surveys, today) if s.closes <= last]
