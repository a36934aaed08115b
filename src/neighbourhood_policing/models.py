"""Typed models for every file an editor touches: the one source of truth.

The same classes validate content at build time and are exported as JSON Schema
(``invoke schemas``) so that editors get completion and errors while typing.
Field descriptions are written for police staff, not developers: they appear as
hints in the editor.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    field_validator,
    model_validator,
)

from .rules import SLUG_PATTERN, loosely

POSTCODE_PATTERN = r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Markdown = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    Field(
        description="Plain text or Markdown.",
        json_schema_extra={"contentMediaType": "text/markdown"},  # a Markdown editor in the CMS
    ),
]
Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN),
    Field(description="Lower-case letters, numbers and hyphens, e.g. town-centre-asb."),
]


#: A postcode with its spaces taken out.
_COMPACT_POSTCODE = re.compile(POSTCODE_PATTERN.replace(" ?", ""))
_SPACES = re.compile(r"\s+")


def _normalise_postcode(value: str) -> str:
    compact = _SPACES.sub("", value.upper())
    if not _COMPACT_POSTCODE.fullmatch(compact):
        raise ValueError("postcode")
    return f"{compact[:-3]} {compact[-3:]}"


Postcode = Annotated[
    str,
    AfterValidator(_normalise_postcode),
    Field(description="A full UK postcode, e.g. SY8 1RU.", examples=["SY8 1RU"]),
]

UK_LATITUDE = (49.8, 60.9)
UK_LONGITUDE = (-8.7, 1.8)


class _LooseChoice:
    """``Loose[Status]``: a choice from an enum, matched ignoring capitals and punctuation.

    "In Progress", "in-progress" and "in progress" all mean Status.in_progress; the
    JSON Schema still offers the exact spellings.
    """

    def __class_getitem__(cls, choices: type[StrEnum]) -> Any:
        return Annotated[choices, BeforeValidator(lambda value: loosely(value, choices))]


Loose = _LooseChoice


class Strict(BaseModel):
    """Base for every content model: unknown fields are errors, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


class Location(Strict):
    latitude: float = Field(ge=UK_LATITUDE[0], le=UK_LATITUDE[1], description="WGS84 latitude.")
    longitude: float = Field(
        ge=UK_LONGITUDE[0], le=UK_LONGITUDE[1], description="WGS84 longitude."
    )


class Link(Strict):
    title: Text = Field(description="What the link is, as it should read on the page.")
    url: HttpUrl = Field(description="The full address, starting https://")
    description: Text | None = None


class TeamMember(Strict):
    name: Text = Field(description="The officer's or staff member's name.")
    role: Text = Field(description="Rank or role, e.g. Sergeant, PC, PCSO, Inspector.")
    number: Text | None = Field(default=None, description="Collar or staff number.")
    bio: Markdown | None = Field(default=None, description="A few sentences, in Markdown.")
    photo: Text | None = Field(
        default=None, description="A photo file in this area's folder, e.g. photos/jane.jpg."
    )
    photo_alt: Text | None = Field(default=None, description="What the photo shows.")

    @model_validator(mode="after")
    def _photo_needs_alt(self) -> TeamMember:
        if self.photo and not self.photo_alt:
            raise ValueError("photo_alt: a photo needs photo_alt, a short description of it")
        return self


class SocialLink(Strict):
    name: Text = Field(description="The service, e.g. Facebook, X, Nextdoor.")
    url: HttpUrl


class Contact(Strict):
    email: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    ] = Field(description="The team's shared inbox, e.g. ludlow.snt@westmercia.police.uk.")
    phone: Text = Field(default="101", description="The number residents should call.")
    social: list[SocialLink] = Field(default_factory=list)


class OpeningHours(Strict):
    days: Text = Field(description="e.g. Monday to Friday")
    hours: Text = Field(description="e.g. 9am to 5pm, or Closed")


class Station(Strict):
    name: Text
    address: Text = Field(description="Street address, one line.")
    postcode: Postcode
    front_counter: bool = Field(
        default=False, description="true if residents can visit a public front counter here."
    )
    opening_hours: list[OpeningHours] = Field(default_factory=list)
    location: Location | None = None
    notes: Text | None = None


class Council(Strict):
    name: Text = Field(description="e.g. Ludlow Town Council")
    url: HttpUrl | None = None


class PoliceUK(Strict):
    force: Slug = Field(description="data.police.uk force id, e.g. west-mercia.")
    neighbourhood: Text = Field(description="data.police.uk neighbourhood id.")


def _https_endpoint(value: HttpUrl) -> HttpUrl:
    # http:// only for a test server on this machine; the build also needs
    # FEEDBACK_ALLOW_INSECURE_LOCALHOST = True for that (neighbourhood_policing.engagement).
    if value.scheme != "https" and value.host not in {"127.0.0.1", "localhost"}:
        raise ValueError(
            f"the address must start https:// (it is {value}); residents' forms must be "
            "sent securely"
        )
    return value


class Survey(Strict):
    """A survey residents can answer, shown while it is open."""

    title: Text = Field(description="e.g. Public confidence survey 2026.")
    url: HttpUrl = Field(description="Where to answer it, starting https://")
    run_by: Text = Field(description="Who runs it, e.g. the Police and Crime Commissioner.")
    opens: dt.date = Field(description="The first day it can be answered, YYYY-MM-DD.")
    closes: dt.date = Field(description="The last day it can be answered, YYYY-MM-DD.")

    @model_validator(mode="after")
    def _closes_after_opening(self) -> Survey:
        if self.closes < self.opens:
            raise ValueError(
                f"closes: the survey closes ({self.closes.isoformat()}) before it opens "
                f"({self.opens.isoformat()}); check both dates"
            )
        return self


class Area(Strict):
    """area.yaml: who the team is and how to reach them."""

    name: Text = Field(description="The neighbourhood's name as residents know it.")
    district: Text = Field(description="The district or county area, used to group the A to Z.")
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    description: Markdown | None = None
    places: list[Text] = Field(
        default_factory=list, description="Towns and villages covered, for the A to Z and search."
    )
    team: list[TeamMember] = Field(default_factory=list)
    contact: Contact
    stations: list[Station] = Field(default_factory=list)
    councils: list[Council] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    maintainers: list[
        Annotated[str, StringConstraints(pattern=r"^@[A-Za-z0-9-]+(/[A-Za-z0-9._-]+)?$")]
    ] = Field(
        default_factory=list,
        description="GitHub users or teams who review changes to this folder, e.g. @org/team.",
    )
    police_uk: PoliceUK | None = None
    surveys: list[Survey] = Field(
        default_factory=list, description="Surveys for this area; each shows while it is open."
    )
    feedback_endpoint: Annotated[HttpUrl, AfterValidator(_https_endpoint)] | None = Field(
        default=None,
        description="Where this area's have-your-say forms are sent, starting https://; "
        "leave out to use the force's FEEDBACK_ENDPOINT.",
    )


class Status(StrEnum):
    open = "open"
    in_progress = "in progress"
    closed = "closed"


class AgreedHow(StrEnum):
    residents_meeting = "residents' meeting"
    parish_council = "parish council"
    town_council = "town council"
    survey = "survey"
    partnership = "partnership meeting"
    online = "online consultation"
    police_uk = "as published on data.police.uk"


class Action(Strict):
    date: dt.date = Field(description="When the action was taken, YYYY-MM-DD.")
    text: Markdown = Field(description="What the team did.")


class Priority(Strict):
    """One local priority: you said, we did."""

    id: Slug
    title: Text
    status: Loose[Status] = Field(description="open, in progress or closed.")
    agreed: dt.date = Field(description="When it was agreed, YYYY-MM-DD.")
    agreed_with: Text = Field(description="Who agreed it, e.g. Ludlow Town Council.")
    agreed_how: Loose[AgreedHow]
    review: dt.date = Field(description="The date of the next review, YYYY-MM-DD.")
    problem: Markdown = Field(description="What residents told us, in Markdown.")
    actions: list[Action] = Field(default_factory=list)
    outcome: Markdown | None = Field(default=None, description="What changed, once closed.")
    patrols: list[Slug] = Field(default_factory=list, description="Ids of patrols serving it.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Priority:
        if self.review < self.agreed:
            raise ValueError(
                f"review: the review date {self.review.isoformat()} is before the date it was "
                f"agreed ({self.agreed.isoformat()}); set a review date after it"
            )
        if self.status is Status.closed and not self.outcome:
            raise ValueError(
                "outcome: a closed priority needs an outcome saying what changed (you said, we did)"
            )
        return self


class Day(StrEnum):
    monday = "monday"
    tuesday = "tuesday"
    wednesday = "wednesday"
    thursday = "thursday"
    friday = "friday"
    saturday = "saturday"
    sunday = "sunday"


TimeOfDay = Annotated[str, StringConstraints(pattern=TIME_PATTERN)]


class PatrolTime(Strict):
    days: list[Loose[Day]] = Field(min_length=1, description="e.g. [friday, saturday]")
    start: TimeOfDay = Field(description="24-hour clock, e.g. 20:00")
    end: TimeOfDay = Field(description="24-hour clock, e.g. 23:30 (00:00 for midnight)")


class PointGeometry(Strict):
    type: Literal["Point"]
    coordinates: tuple[float, float] = Field(description="[longitude, latitude]")


class PolygonGeometry(Strict):
    type: Literal["Polygon"]
    coordinates: list[list[tuple[float, float]]] = Field(
        description="Rings of [longitude, latitude] pairs; the first ring is the outline."
    )


class Patrol(Strict):
    id: Slug
    name: Text = Field(description="The place, e.g. Ludlow Market Square.")
    why: Markdown = Field(description="Why the team patrols here.")
    when: list[PatrolTime] = Field(min_length=1)
    where: PointGeometry | PolygonGeometry = Field(discriminator="type")


class EventType(StrEnum):
    meeting = "meeting"
    surgery = "beat surgery"
    mobile = "mobile police station"
    engagement = "engagement event"
    other = "other"


class Event(Strict):
    id: Slug = Field(description="A short unique name, e.g. 2026-12-market-surgery.")
    title: Text
    type: Loose[EventType]
    start: dt.datetime = Field(description="Local UK time, e.g. 2026-12-05 10:00")
    end: dt.datetime = Field(description="Local UK time, e.g. 2026-12-05 12:00")
    place: Text = Field(description="Where, e.g. Ludlow Library.")
    address: Text
    postcode: Postcode
    description: Markdown | None = None
    booking: Text | None = Field(default=None, description="How to book or who to contact.")

    @field_validator("start", "end")
    @classmethod
    def _local_time(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is not None:
            raise ValueError("write local UK time without an offset, e.g. 2026-12-05 10:00")
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> Event:
        if self.end <= self.start:
            raise ValueError(
                f"end: the event ends ({self.end:%Y-%m-%d %H:%M}) before it starts "
                f"({self.start:%Y-%m-%d %H:%M}); check both times"
            )
        return self


class Category(StrEnum):
    crime_update = "Crime update"
    appeal = "Appeal"
    prevention = "Crime prevention advice"
    event = "Event"
    good_news = "Good news"
    you_said_we_did = "You said, we did"
    news = "News"


class UpdateMeta(Strict):
    """The metadata block at the top of an update's Markdown file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Text
    date: dt.datetime = Field(description="e.g. 2026-11-20 14:30")
    category: Loose[Category]
    summary: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)
    ] | None = None
    priority: Slug | None = Field(default=None, description="The id of the priority it reports on.")
    areas: list[Slug] = Field(default_factory=list, description="More areas it belongs to.")
    modified: dt.datetime | None = None
    author: Text | None = None
    slug: Slug | None = None
    image: Text | None = None
    image_alt: Text | None = None
    status: Literal["published", "draft"] = "published"

    @field_validator("areas", mode="before")
    @classmethod
    def _split_areas(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _modified_after_date(self) -> UpdateMeta:
        if self.modified and self.modified < self.date:
            raise ValueError("modified: the modified date is before the update's date")
        if self.image and not self.image_alt:
            raise ValueError("image_alt: an image needs image_alt, a short description of it")
        return self


MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
Month = Annotated[str, StringConstraints(pattern=MONTH_PATTERN), Field(examples=["2026-10"])]


class CrimeFigures(Strict):
    """crime.yaml: monthly counts of crime and anti-social behaviour by category.

    Written by ``invoke import-crime``; category slugs are data.police.uk's.
    """

    source: Text = Field(default="data.police.uk", description="Where the figures come from.")
    illustrative: bool = Field(
        default=False, description="true for made-up sample figures; the page says so."
    )
    runs_to: Month = Field(description="The month the data runs to, YYYY-MM.")
    months: dict[Month, dict[Slug, Annotated[int, Field(ge=0)]]] = Field(
        default_factory=dict, description="Month (YYYY-MM) -> category -> number of crimes."
    )

    @model_validator(mode="after")
    def _no_month_after_runs_to(self) -> CrimeFigures:
        later = sorted(m for m in self.months if m > self.runs_to)
        if later:
            raise ValueError(
                f"runs_to: the data runs to {self.runs_to} but has figures for {', '.join(later)}; "
                "set runs_to to the last month with figures"
            )
        return self


PrioritiesFile = list[Priority]
PatrolsFile = list[Patrol]
EventsFile = list[Event]

#: file name -> (model, description) for loading and for JSON Schema export.
FILE_MODELS: dict[str, tuple[Any, str]] = {
    "area.yaml": (Area, "A neighbourhood: its team, contacts, stations and councils."),
    "priorities.yaml": (PrioritiesFile, "The local priorities agreed with residents."),
    "patrols.yaml": (PatrolsFile, "Targeted patrol places and times."),
    "events.yaml": (EventsFile, "Meetings, beat surgeries and mobile police station visits."),
    "crime.yaml": (CrimeFigures, "Monthly crime and anti-social behaviour figures by category."),
}
