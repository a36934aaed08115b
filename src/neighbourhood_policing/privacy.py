"""Personal data guard: updates must not identify people by accident.

An update is public for years. The guard looks through each update's text for
things that usually point at a person rather than at the police: a phone number
other than the force's own, an email address outside the force's domains, a
vehicle registration mark and a full postcode. Each finding is a warning with
its file and line (``invoke validate --strict`` and a strict build make them
errors); an editor who has checked it can leave it in.

Settings (pelicanconf.py):

* ``FORCE_DOMAINS``: email domains that belong to the force (and their subdomains).
* ``PRIVACY_ALLOWED_PHONES``: more numbers that may appear, e.g. Crimestoppers.
* ``PRIVACY_ALLOWED_EMAILS``: more addresses that may appear.

Every team's own contact phone and email (from area.yaml), 101, 999, 111 and
text relay 18000 are always allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

#: Numbers that are never personal: emergency, non-emergency, NHS, text relay, Crimestoppers.
ALWAYS_ALLOWED_PHONES = frozenset({"999", "101", "111", "112", "18000", "0800555111"})

# A UK phone number: 0 or +44 then 9 or 10 more digits, with spaces, hyphens,
# dots or brackets between groups. It must not sit inside a longer run of
# digits or a reference such as 22/000123/26.
_PHONE = re.compile(
    r"(?<![\w/+.-])"
    r"(?:\+\s?44\s?(?:\(0\)\s?)?|\(?0)"
    r"\d(?:[\s.\-()]{0,2}\d){7,10}"
    r"(?![\w/])"
)
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})(?![\w-])"
)
# Vehicle registration marks: current (AB12 CDE), prefix (A123 BCD) and suffix
# (ABC 123D) styles, written in capitals as on a number plate.
_VRM = re.compile(
    r"(?<![\w-])(?:"
    r"[A-Z]{2}[0-9]{2}\s?[A-Z]{3}"
    r"|[A-HJ-PR-Y][0-9]{1,3}\s?[A-Z]{3}"
    r"|[A-Z]{3}\s?[0-9]{1,3}[A-HJ-PR-Y]"
    r")(?![\w-])"
)
# A full postcode (outward and inward code). The outward part alone (SY8) is a
# district, which is fine to name.
_POSTCODE = re.compile(
    r"(?<![\w-])(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]?\s?[0-9][ABD-HJLNP-UW-Z]{2})"
    r"(?![\w-])"
)
_URL = re.compile(r"(?:https?://|www\.)[^\s)>\]\"']+")


def phone_digits(number: str) -> str:
    """A phone number as its digits, in national form (0…)."""
    digits = re.sub(r"\D", "", number)
    if number.lstrip().startswith("+") and digits.startswith("44"):
        digits = digits[2:]
        digits = digits if digits.startswith("0") else "0" + digits
    return digits


@dataclass(frozen=True)
class Finding:
    """One thing in an update that may identify someone."""

    line: int
    kind: str
    text: str
    message: str


@dataclass
class PrivacyRules:
    """What may appear in updates: the force's domains, numbers and addresses."""

    force_domains: frozenset[str] = frozenset()
    allowed_phones: frozenset[str] = field(default_factory=lambda: ALWAYS_ALLOWED_PHONES)
    allowed_emails: frozenset[str] = frozenset()

    @classmethod
    def from_settings(
        cls,
        settings: dict[str, Any] | None,
        *,
        team_phones: Iterable[str] = (),
        team_emails: Iterable[str] = (),
    ) -> PrivacyRules:
        """Rules from Pelican settings plus every team's published phone and email."""
        settings = settings or {}
        domains = {str(d).lower().lstrip("@.") for d in settings.get("FORCE_DOMAINS") or ()}
        phones = set(ALWAYS_ALLOWED_PHONES)
        for number in [*(settings.get("PRIVACY_ALLOWED_PHONES") or ()), *team_phones]:
            digits = phone_digits(str(number))
            if digits:
                phones.add(digits)
        emails = {
            str(e).lower() for e in [*(settings.get("PRIVACY_ALLOWED_EMAILS") or ()), *team_emails]
        }
        if settings.get("CONTACT_EMAIL"):
            emails.add(str(settings["CONTACT_EMAIL"]).lower())
        return cls(frozenset(domains), frozenset(phones), frozenset(emails))

    def email_allowed(self, address: str, domain: str) -> bool:
        domain = domain.lower()
        if address.lower() in self.allowed_emails:
            return True
        return any(domain == d or domain.endswith("." + d) for d in self.force_domains)


def scan(text: str, rules: PrivacyRules) -> Iterator[Finding]:
    """Every phone number, email, registration mark and full postcode that may be personal."""
    for number, row in enumerate(text.split("\n"), start=1):
        # Web addresses are links, not personal data; look at the rest of the line.
        row = _URL.sub(" ", row)
        for match in _EMAIL.finditer(row):
            if not rules.email_allowed(match.group(0), match.group(1)):
                domains = ", ".join(sorted(rules.force_domains)) or "the force's domains"
                yield Finding(
                    number,
                    "email",
                    match.group(0),
                    f"contains the email address '{match.group(0)}', which is not one of "
                    f"{domains}; if it is a member of the public's, remove it and give the "
                    "team's inbox instead",
                )
        without_emails = _EMAIL.sub(" ", row)
        for match in _PHONE.finditer(without_emails):
            digits = phone_digits(match.group(0))
            if not 10 <= len(digits) <= 11 or digits in rules.allowed_phones:
                continue
            yield Finding(
                number,
                "phone",
                match.group(0).strip(),
                f"contains the phone number '{match.group(0).strip()}', which is not the "
                "team's, 101 or 999; if it is a person's, remove it (numbers the force "
                "publishes can be added to PRIVACY_ALLOWED_PHONES)",
            )
        for match in _POSTCODE.finditer(without_emails):
            yield Finding(
                number,
                "postcode",
                match.group(0),
                f"contains the full postcode '{match.group(0)}', which can point at a single "
                "home; give the street or the area instead (the first half, such as "
                f"'{match.group(0).split()[0] if ' ' in match.group(0) else match.group(0)[:-3]}'"
                ", is fine)",
            )
        for match in _VRM.finditer(without_emails):
            if _POSTCODE.fullmatch(match.group(0)):
                continue
            yield Finding(
                number,
                "registration",
                match.group(0),
                f"contains what looks like a vehicle registration '{match.group(0)}'; "
                "publish one only in an appeal that is meant to identify the vehicle, and "
                "check it with the officer in charge",
            )
