"""Turning data.police.uk's shapes into our content models' plain data.

Every function here is pure: API JSON in, dictionaries ready for YAML out. HTML
from the API (names, descriptions, biographies, priority issues and actions) is
turned into Markdown by markdownify, or into plain text by BeautifulSoup, so no
tag or entity reaches the site.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from typing import Any

from bs4 import BeautifulSoup
from markdownify import markdownify

from ...models import POSTCODE_PATTERN, UK_LATITUDE, UK_LONGITUDE

#: An imported priority's next review: data.police.uk has none, so a quarter after it
#: was agreed (the usual cycle of residents' meetings). Editors can change it.
REVIEW_AFTER = dt.timedelta(days=91)
#: An imported event with no end_date lasts this long.
DEFAULT_EVENT_LENGTH = dt.timedelta(hours=1)
TITLE_MAX = 90

_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.I)
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]+);", re.I)


def _unescape_twice(text: str) -> str:
    """The API sometimes escapes twice (``&amp;#39;``): decode what is left."""
    return html.unescape(text) if _ENTITY.search(text) else text


def plain_text(value: Any) -> str | None:
    """One line of plain text from HTML (or text with entities); None when empty."""
    if value is None:
        return None
    text = BeautifulSoup(str(value), "html.parser").get_text(" ")
    text = _unescape_twice(text).replace("\xa0", " ")
    text = " ".join(text.split())
    return text or None


def markdown_text(value: Any) -> str | None:
    """Clean Markdown from the API's HTML; None when there is nothing to say."""
    if value is None or not str(value).strip():
        return None
    source = _unescape_twice(str(value)) if "<" not in str(value) else str(value)
    converted = markdownify(
        source,
        heading_style="ATX",
        bullets="-",
        strip=["img", "script", "style", "iframe", "span", "font"],
    )
    converted = _unescape_twice(converted).replace("\xa0", " ")
    lines = [line.rstrip() for line in converted.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text or None


def slugify(value: str) -> str:
    """A web address from a name: 'Ludlow & Rural' -> 'ludlow-and-rural'."""
    text = unicodedata.normalize("NFKD", value.replace("&", " and "))
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "area"


def number(value: Any) -> float | None:
    """A coordinate or count the API sends as a string (or null, or '')."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def location(lat: Any, lng: Any) -> dict[str, float] | None:
    latitude, longitude = number(lat), number(lng)
    if latitude is None or longitude is None:
        return None
    if not (
        UK_LATITUDE[0] <= latitude <= UK_LATITUDE[1]
        and UK_LONGITUDE[0] <= longitude <= UK_LONGITUDE[1]
    ):
        return None
    return {"latitude": round(latitude, 6), "longitude": round(longitude, 6)}


def find_postcode(*texts: Any) -> str | None:
    for text in texts:
        if not text:
            continue
        plain = plain_text(text) or ""
        if re.fullmatch(POSTCODE_PATTERN, plain.upper()):
            return plain.upper()
        match = _POSTCODE_IN_TEXT.search(plain)
        if match:
            return f"{match.group(1).upper()} {match.group(2).upper()}"
    return None


def _first_sentence(text: str, limit: int) -> str:
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _social(details: dict[str, Any]) -> list[dict[str, str]]:
    names = {"facebook": "Facebook", "twitter": "X", "youtube": "YouTube", "instagram": "Instagram"}
    social = []
    for key, name in names.items():
        url = (details.get(key) or "").strip()
        if url.startswith("http://") or url.startswith("https://"):
            social.append({"name": name, "url": url})
    return social


def contact(details: Any) -> dict[str, Any] | None:
    """Our ``contact`` from ``contact_details`` (often empty); None without an email."""
    if not isinstance(details, dict):
        return None
    email = plain_text(details.get("email"))
    if not email or "@" not in email:
        return None
    result: dict[str, Any] = {"email": email}
    phone = plain_text(details.get("telephone"))
    result["phone"] = phone or "101"
    social = _social(details)
    if social:
        result["social"] = social
    return result


def team(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    members = []
    for person in people or []:
        name = plain_text(person.get("name"))
        if not name:
            continue
        member: dict[str, Any] = {"name": name, "role": plain_text(person.get("rank")) or "Officer"}
        bio = markdown_text(person.get("bio"))
        if bio:
            member["bio"] = bio
        members.append(member)
    return members


def stations(locations: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Stations with a postcode, and a note for each one left out."""
    result, notes = [], []
    for place in locations or []:
        name = plain_text(place.get("name")) or plain_text(place.get("type")) or "Police station"
        postcode = find_postcode(place.get("postcode"), place.get("address"))
        address = plain_text(place.get("address"))
        if not postcode or not address:
            notes.append(f"station '{name}' left out: data.police.uk gives no address or postcode")
            continue
        station: dict[str, Any] = {"name": name, "address": address, "postcode": postcode}
        where = location(place.get("latitude"), place.get("longitude"))
        if where:
            station["location"] = where
        description = plain_text(place.get("description"))
        if description:
            station["notes"] = description
        result.append(station)
    return result, notes


def links(hood: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    url_force = (hood.get("url_force") or "").strip()
    if url_force.startswith("http"):
        result.append({"title": "This neighbourhood on the force's website", "url": url_force})
    for link in hood.get("links") or []:
        url = (link.get("url") or "").strip()
        title = plain_text(link.get("title"))
        if not url.startswith("http") or not title:
            continue
        item: dict[str, Any] = {"title": title, "url": url}
        description = plain_text(link.get("description"))
        if description:
            item["description"] = description
        result.append(item)
    return result


def area_fields(
    force: dict[str, Any], hood: dict[str, Any], people: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[str]]:
    """The area.yaml fields the importer refreshes (None values are left alone)."""
    station_list, notes = stations(hood.get("locations") or [])
    fields: dict[str, Any] = {
        "name": plain_text(hood.get("name")),
        "description": markdown_text(hood.get("description")),
        "team": team(people) or None,
        "contact": contact(hood.get("contact_details")),
        "stations": station_list or None,
        "links": links(hood) or None,
        "police_uk": {"force": force["id"], "neighbourhood": str(hood["id"])},
    }
    return {key: value for key, value in fields.items() if value is not None}, notes


def new_area_fields(
    force: dict[str, Any], hood: dict[str, Any], fallback_email: str
) -> dict[str, Any]:
    """What only a new area.yaml gets: district, summary and a contact to start from."""
    name = plain_text(hood.get("name")) or str(hood["id"])
    description = plain_text(hood.get("description")) or plain_text(hood.get("welcome_message"))
    summary = (
        _first_sentence(description, 200) if description else f"Neighbourhood policing in {name}."
    )
    return {
        "district": plain_text(force.get("name")) or force["id"],
        "summary": summary,
        "contact": {"email": fallback_email, "phone": plain_text(force.get("telephone")) or "101"},
    }


def priority_id(issue_text: str, date: dt.date) -> str:
    words = slugify(issue_text).split("-")[:6]
    return f"{date:%Y-%m}-{'-'.join(words)}"


def priorities(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    result, notes, seen = [], [], set()
    for item in items or []:
        problem = markdown_text(item.get("issue"))
        agreed = _date(item.get("issue-date"))
        if not problem or agreed is None:
            notes.append("a priority with no issue or issue-date was left out")
            continue
        text = plain_text(item.get("issue")) or problem
        ident = priority_id(text, agreed)
        if ident in seen:
            continue
        seen.add(ident)
        action = markdown_text(item.get("action"))
        action_date = _date(item.get("action-date")) or agreed
        entry: dict[str, Any] = {
            "id": ident,
            "title": _first_sentence(text, TITLE_MAX),
            "status": "in progress" if action else "open",
            "agreed": agreed,
            "agreed_with": "local residents",
            "agreed_how": "as published on data.police.uk",
            "review": agreed + REVIEW_AFTER,
            "problem": problem,
        }
        if action:
            entry["actions"] = [{"date": action_date, "text": action}]
        result.append(entry)
    return result, notes


_EVENT_TYPES = {"meeting": "meeting", "surgery": "beat surgery", "mobile": "mobile police station"}


def event_type(kind: Any, title: str) -> str:
    words = f"{kind or ''} {title}".lower()
    for key, value in _EVENT_TYPES.items():
        if key in words:
            return value
    return "engagement event" if "engagement" in words else "other"


def events(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    result, notes, seen = [], [], set()
    for item in items or []:
        title = plain_text(item.get("title")) or "Meet your neighbourhood team"
        start = _datetime(item.get("start_date"))
        if start is None:
            notes.append(f"event '{title}' left out: it has no start date")
            continue
        end = _datetime(item.get("end_date"))
        if end is None or end <= start:
            end = start + DEFAULT_EVENT_LENGTH
        address = plain_text(item.get("address"))
        postcode = find_postcode(item.get("address"))
        if not address or not postcode:
            notes.append(
                f"event '{title}' on {start:%Y-%m-%d} left out: no postcode in its address"
            )
            continue
        ident = f"{start:%Y-%m-%d}-{'-'.join(slugify(title).split('-')[:6])}"
        if ident in seen:
            continue
        seen.add(ident)
        place = address.split(",")[0].strip() or address
        entry: dict[str, Any] = {
            "id": ident,
            "title": title,
            "type": event_type(item.get("type"), title),
            "start": f"{start:%Y-%m-%d %H:%M}",
            "end": f"{end:%Y-%m-%d %H:%M}",
            "place": place,
            "address": address,
            "postcode": postcode,
        }
        description = markdown_text(item.get("description"))
        if description:
            entry["description"] = description
        booking = contact_text(item.get("contact_details"))
        if booking:
            entry["booking"] = booking
        result.append(entry)
    return result, notes


def contact_text(details: Any) -> str | None:
    if not isinstance(details, dict):
        return None
    parts = [plain_text(details.get(key)) for key in ("email", "telephone")]
    return ", ".join(p for p in parts if p) or None


def boundary(points: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """A GeoJSON Feature from the API's list of points, its ring closed."""
    ring = []
    for point in points or []:
        where = location(point.get("latitude"), point.get("longitude"))
        if where:
            position = [where["longitude"], where["latitude"]]
            if not ring or ring[-1] != position:
                ring.append(position)
    if len(ring) < 3:
        return None
    if ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    if len(ring) < 4:
        return None
    return {
        "type": "Feature",
        "properties": {"name": name, "source": "data.police.uk (Open Government Licence v3.0)"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _date(value: Any) -> dt.date | None:
    moment = _datetime(value)
    return moment.date() if moment else None


def _datetime(value: Any) -> dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=None, second=0, microsecond=0)
