"""A seeded, deterministic content root of national shape, for `invoke bench`.

``generate(root, areas=4000, updates_per_area=10, seed=2026)`` writes a folder that
``invoke validate --content-root DIR`` accepts without a single problem and that
``invoke build --content-root DIR`` builds:

* ``content/``: this repository's pages and force-wide updates (the footer links to
  the pages, and the pages link to those updates), plus a few generated force-wide
  updates;
* ``neighbourhoods/<slug>/`` for each area: ``area.yaml`` (a team of 3 to 6, a contact,
  a station, councils, links), ``priorities.yaml`` (3 to 6), ``patrols.yaml`` (2 to 4),
  ``events.yaml`` (2 to 4, past and upcoming), ``boundary.geojson`` (a polygon of about
  100 points; the areas tile a grid over England and Wales and never overlap) and
  ``updates/*.md`` (about 300 words each, with headings, lists, links to other sites and
  to the team's earlier updates, and now and then a table);
* ``neighbourhoods/postcodes.csv``: a few postcodes inside each area.

The same arguments always give the same bytes: every area draws from its own
``random.Random`` seeded by a string (stable across runs and Python processes), and
nothing reads the clock. Dates are laid out around ``BUILD_DATE`` (2026-11-24), the
"today" the benchmark pins with ``SOURCE_DATE_EPOCH``, so events are upcoming and
reviews are not overdue.

Run it alone: ``python benchmarks/dataset.py DIR [--areas N] [--updates-per-area M]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT = Path(__file__).resolve().parents[1]
#: The build's "today" for this dataset (the tests' date too): 2026-11-24 00:00 UTC.
BUILD_DATE = dt.date(2026, 11, 24)
SOURCE_DATE_EPOCH = "1795478400"
DEFAULT_AREAS = 4000
DEFAULT_UPDATES_PER_AREA = 10
DEFAULT_SEED = 2026
FORCE_WIDE_UPDATES = 6
BOUNDARY_POINTS = 100
#: The grid the areas tile: most of England and Wales, inside the UK limits of models.py.
GRID_WEST, GRID_EAST, GRID_SOUTH, GRID_NORTH = -4.2, 0.6, 50.9, 54.4
DOMAIN = "westmercia.police.uk"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_PREFIXES = _words(
    "Ash Brad Bram Brook Castle Clay Cold Crow Dun Elm Fair Fen Fox Green Hal Hart Hazel "
    "High Kings Lang Lea Long Mar Mill Moor Nor Oak Pen Red Rose Salt Shep Stan Stoke Sud "
    "Thorn Up Wal Well West Whit Wick Wil Wood Wor Yar"
)
_SUFFIXES = _words(
    "bury bridge by caster cester chester combe cote dale den don field ford gate ham "
    "hampton hill hurst ington leigh ley minster mouth ness stead stock stone thorpe ton "
    "wich well wick worth"
)
_QUALIFIERS = ("", " North", " South", " East", " West", " Town Centre", " Rural", " Villages")
_FIRST = _words(
    "Aisha Alan Amy Ben Carys Chloe Dan David Emma Faisal Gareth Grace Hannah Helen Imran "
    "Jack James Jas Kate Liam Lucy Mark Megan Nia Olivia Owen Priya Rachel Rhys Sam Sarah "
    "Sophie Tom Zoe"
)
_LAST = _words(
    "Ahmed Bailey Clarke Davies Edwards Evans Fisher Green Hughes Jones Khan Lloyd Marsh "
    "Morgan Owen Patel Price Pritchard Roberts Singh Smith Taylor Thomas Walker Watkins "
    "Williams Wright"
)
_ROLES = ("Inspector", "Sergeant", "PC", "PC", "PCSO", "PCSO", "PCSO")
_STREETS = (
    "High Street", "Church Street", "Station Road", "Market Square", "Mill Lane",
    "Bridge Street", "Park Road", "Victoria Road", "the bus station", "the leisure centre",
    "the recreation ground", "the retail park", "the library", "the canal towpath",
)  # fmt: skip
_POSTCODE_AREAS = _words("SY WR HR TF DY WV ST CV GL NP LD LL CH CW SK DE NG LE NN OX")
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"  # letters a real inward code may use
_CATEGORIES = (
    "Crime update", "Appeal", "Crime prevention advice", "Event", "Good news",
    "You said, we did", "News",
)  # fmt: skip
_LINKS = (
    ("the online reporting form", "https://www.westmercia.police.uk/ro/report/"),
    ("Crimestoppers", "https://crimestoppers-uk.org/"),
    ("the council's website", "https://www.shropshire.gov.uk/"),
    ("Victim Support", "https://www.victimsupport.org.uk/"),
    ("the national Neighbourhood Watch network", "https://www.ourwatch.org.uk/"),
    ("Action Fraud", "https://www.actionfraud.police.uk/"),
    ("BikeRegister", "https://www.bikeregister.com/"),
)
_TOPICS = (
    ("Shoplifting in {street}", "retail crime"),
    ("Anti-social behaviour near {street}", "anti-social behaviour"),
    ("Speeding on {street}", "speeding"),
    ("Bike thefts at {street}", "cycle theft"),
    ("Burglaries in {place}", "burglary"),
    ("Drug dealing around {street}", "drug dealing"),
    ("Off-road bikes on {street}", "off-road bikes"),
    ("Thefts from vehicles in {place}", "vehicle crime"),
    ("Fly-tipping off {street}", "fly-tipping"),
    ("Doorstep scams in {place}", "doorstep crime"),
)
_SENTENCES = (
    "Officers from the {area} team were on foot patrol around {street} on {day} evening.",
    "Residents told us at the last meeting that {topic} near {street} was their main worry.",
    "We have increased patrols in {place}, especially in the late afternoon and evening.",
    "Two people were spoken to and their details passed to the council's youth team.",
    "If you saw anything, please get in touch and quote the incident reference.",
    "We work closely with the council, local schools and shop owners on {topic}.",
    "Most reports came from {street}, and we have shared them with our partners.",
    "Thank you to everyone who came to the surgery at {street} and told us what matters.",
    "Our PCSOs will be at {street} again next {day} between 10:00 and 12:00.",
    "Since the spring, reports of {topic} in {place} have fallen by about a third.",
    "Please lock your car, keep valuables out of sight and close windows when you go out.",
    "The team will report back at the next residents' meeting in {place}.",
    "We have put up new signs and the council has cut back the hedges along {street}.",
    "Officers also visited shops on {street} to give advice and leaflets.",
    "A warrant was carried out in {place} and items were seized for examination.",
    "Local volunteers have joined our Community Speed Watch scheme on {street}.",
    "We know that {topic} makes people feel unsafe, and we are taking it seriously.",
    "Patrols will carry on through the school holidays, day and night.",
    "You can also talk to us at one of our beat surgeries; the dates are on our page.",
    "Information from residents helped us to identify the people responsible.",
)
_LIST_ITEMS = (
    "lock doors and windows, even when you are at home",
    "mark your bike and register it for free",
    "keep keys away from the letterbox",
    "report anything suspicious straight away",
    "join your local Neighbourhood Watch",
    "fit a light with a timer switch",
    "never give bank details to a cold caller",
    "park in a well-lit place",
    "check on elderly neighbours during the winter",
    "use a steering lock and a signal-blocking pouch",
)
_HEADINGS = ("What we did", "What happens next", "How you can help", "Keeping safe", "Thank you")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_PATROL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def slugify(text: str) -> str:
    out = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    return "-".join(part for part in out.split("-") if part)


def _area_names(count: int, seed: int) -> list[str]:
    """``count`` distinct place names, the same for the same seed."""
    names = [p + s + q for q in _QUALIFIERS for p in _PREFIXES for s in _SUFFIXES]
    rng = random.Random(f"{seed}:names")
    base = len(_PREFIXES) * len(_SUFFIXES)
    # Plain names first (in a seeded order), then qualified ones, so small datasets
    # look like real places.
    ordered: list[str] = []
    for start in range(0, len(names), base):
        block = names[start : start + base]
        rng.shuffle(block)
        ordered.extend(block)
    extra = 2
    while len(ordered) < count:  # beyond ~19,000 areas: number them
        ordered.extend(f"{name} {extra}" for name in names)
        extra += 1
    return ordered[:count]


@dataclass(frozen=True)
class Cell:
    """Where an area sits: the centre of its grid cell and the largest safe radius."""

    lon: float
    lat: float
    radius_lon: float
    radius_lat: float


def _cells(count: int) -> list[Cell]:
    width, height = GRID_EAST - GRID_WEST, GRID_NORTH - GRID_SOUTH
    cols = max(1, math.ceil(math.sqrt(count * width / height)))
    rows = max(1, math.ceil(count / cols))
    dx, dy = width / cols, height / rows
    cells = []
    for n in range(count):
        row, col = divmod(n, cols)
        cells.append(
            Cell(
                lon=GRID_WEST + (col + 0.5) * dx,
                lat=GRID_NORTH - (row + 0.5) * dy,
                radius_lon=dx * 0.45,
                radius_lat=dy * 0.45,
            )
        )
    return cells


def _round(value: float) -> float:
    return round(value, 5)


def _boundary(rng: random.Random, cell: Cell, name: str) -> dict[str, Any]:
    """A star-shaped ring of about 100 points inside the cell: simple, so always valid."""
    phase, lobes = rng.uniform(0, math.tau), rng.randint(3, 7)
    ring = []
    for i in range(BOUNDARY_POINTS):
        angle = math.tau * i / BOUNDARY_POINTS
        scale = 0.78 + 0.12 * math.sin(lobes * angle + phase) + rng.uniform(-0.05, 0.05)
        ring.append(
            [
                _round(cell.lon + cell.radius_lon * scale * math.cos(angle)),
                _round(cell.lat + cell.radius_lat * scale * math.sin(angle)),
            ]
        )
    ring.append(ring[0])
    return {
        "type": "Feature",
        "properties": {"name": name, "note": "Synthetic boundary for the benchmark."},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _near_centre(rng: random.Random, cell: Cell) -> tuple[float, float]:
    return (
        _round(cell.lon + rng.uniform(-0.3, 0.3) * cell.radius_lon),
        _round(cell.lat + rng.uniform(-0.3, 0.3) * cell.radius_lat),
    )


def _postcodes(n: int, count: int) -> list[str]:
    outward = f"{_POSTCODE_AREAS[(n // 99) % len(_POSTCODE_AREAS)]}{n % 99 + 1}"
    digit = (n // (99 * len(_POSTCODE_AREAS))) % 10
    return [
        f"{outward} {digit}{_INWARD[i % len(_INWARD)]}{_INWARD[(n * 7 + i) % len(_INWARD)]}"
        for i in range(count)
    ]


def _yaml(schema: str, data: Any) -> str:
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
    return f"# yaml-language-server: $schema=../../schemas/{schema}.schema.json\n{body}"


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


@dataclass
class AreaPlan:
    """What one area's files say, for its updates to refer to."""

    slug: str
    name: str
    places: list[str]
    team: list[str]
    priorities: list[str]


def _write_area(
    folder: Path, rng: random.Random, n: int, name: str, cell: Cell, district: str
) -> tuple[AreaPlan, list[tuple[str, float, float]]]:
    slug = folder.name
    places = [name] + [
        rng.choice(_PREFIXES) + rng.choice(_SUFFIXES) for _ in range(rng.randint(2, 5))
    ]
    team = []
    for index in range(rng.randint(3, 6)):
        member: dict[str, Any] = {"name": _person(rng), "role": _ROLES[min(index, 6)]}
        if member["role"] != "Inspector":
            member["number"] = f"{member['role']} {rng.randint(1000, 9999)}"
        if rng.random() < 0.6:
            member["bio"] = (
                f"{member['name'].split()[0]} has worked in {name} for "
                f"{rng.randint(2, 20)} years and leads on {rng.choice(_TOPICS)[1]}."
            )
        team.append(member)
    postcodes = _postcodes(n, 5)
    lon, lat = _near_centre(rng, cell)
    area = {
        "name": name,
        "district": district,
        "summary": f"{name} and the villages around it: " + ", ".join(places[1:]) + ".",
        "description": (
            f"The {name} Safer Neighbourhood Team looks after {name} and the villages "
            f"around it. We spend most of our time on foot around {rng.choice(_STREETS)} "
            "and hold regular beat surgeries.\n\n"
            f"Our priorities are agreed with residents and {places[1]} Parish Council, and "
            "we report back every month. Tell us what you think we should work on.\n"
        ),
        "places": places,
        "team": team,
        "contact": {
            "email": f"{slug}.snt@{DOMAIN}",
            "phone": "101",
            "social": [{"name": "Facebook", "url": f"https://www.facebook.com/{slug}-snt"}],
        },
        "stations": [
            {
                "name": f"{name} Police Station",
                "address": f"{rng.randint(1, 90)} {rng.choice(_STREETS[:7])}, {name}",
                "postcode": postcodes[0],
                "front_counter": rng.random() < 0.4,
                "opening_hours": [{"days": "Monday to Friday", "hours": "10am to 2pm"}],
                "location": {"latitude": lat, "longitude": lon},
            }
        ],
        "councils": [
            {"name": f"{place} Parish Council"} for place in places[1 : 1 + rng.randint(1, 3)]
        ],
        "links": [{"title": t.capitalize(), "url": url} for t, url in rng.sample(_LINKS, 2)],
        "maintainers": [f"@westmercia/{slug}-snt"],
        "police_uk": {"force": "west-mercia", "neighbourhood": f"SNT{n:05d}"},
    }
    (folder / "area.yaml").write_text(_yaml("area", area), encoding="utf-8")

    patrols = []
    for index in range(rng.randint(2, 4)):
        plon, plat = _near_centre(rng, cell)
        where: dict[str, Any] = {"type": "Point", "coordinates": [plon, plat]}
        if rng.random() < 0.25:  # a small square patrol area
            d = _round(min(cell.radius_lon, cell.radius_lat) * 0.05)
            ring = [[plon, plat], [plon + d, plat], [plon + d, plat + d], [plon, plat + d]]
            where = {
                "type": "Polygon",
                "coordinates": [[[_round(x), _round(y)] for x, y in [*ring, ring[0]]]],
            }
        street = _STREETS[(index * 3 + n) % len(_STREETS)]
        patrols.append(
            {
                "id": slugify(street) + f"-{index + 1}",
                "name": f"{street[0].upper()}{street[1:]}, {name}",
                "why": f"Residents and traders asked us to be seen more around {street}.",
                "when": [
                    {
                        "days": sorted(
                            rng.sample(_PATROL_DAYS, rng.randint(1, 4)), key=_PATROL_DAYS.index
                        ),
                        "start": f"{rng.randint(8, 19):02d}:00",
                        "end": "21:30",
                    }
                ],
                "where": where,
            }
        )
    (folder / "patrols.yaml").write_text(_yaml("patrols", patrols), encoding="utf-8")

    priorities = []
    for index, (title, topic) in enumerate(rng.sample(_TOPICS, rng.randint(3, 6))):
        street = rng.choice(_STREETS)
        agreed = BUILD_DATE - dt.timedelta(days=rng.randint(60, 400))
        status = rng.choice(("open", "in progress", "in progress", "closed"))
        actions = [
            {
                "date": agreed + dt.timedelta(days=20 * (k + 1)),
                "text": rng.choice(_SENTENCES).format(
                    area=name, street=street, place=name, day=rng.choice(_DAYS), topic=topic
                ),
            }
            for k in range(rng.randint(1, 3))
        ]
        priority: dict[str, Any] = {
            "id": slugify(topic) + f"-{index + 1}",
            "title": title.format(street=street, place=name),
            "status": status,
            "agreed": agreed,
            "agreed_with": f"Residents of {name}",
            "agreed_how": rng.choice(("residents' meeting", "parish council", "survey")),
            "review": BUILD_DATE + dt.timedelta(days=rng.randint(20, 200)),
            "problem": f"Residents told us about {topic} around {street}, mostly in the evening.",
            "actions": actions,
        }
        if status == "closed":
            priority["outcome"] = f"Reports of {topic} have fallen and residents feel safer."
        if rng.random() < 0.5:
            priority["patrols"] = [rng.choice(patrols)["id"]]
        priorities.append(priority)
    (folder / "priorities.yaml").write_text(_yaml("priorities", priorities), encoding="utf-8")

    events = []
    kinds = ("beat surgery", "meeting", "mobile police station", "engagement event")
    for index in range(rng.randint(2, 4)):
        day = BUILD_DATE + dt.timedelta(days=rng.randint(-60, 120))
        hour = rng.randint(9, 18)
        kind = rng.choice(kinds)
        events.append(
            {
                "id": f"{day:%Y-%m-%d}-{slugify(kind)}-{index + 1}",
                "title": f"{kind.capitalize()} in {name}",
                "type": kind,
                "start": f"{day:%Y-%m-%d} {hour:02d}:00",
                "end": f"{day:%Y-%m-%d} {hour + 2:02d}:00",
                "place": f"{name} {rng.choice(('Library', 'Community Centre', 'Market'))}",
                "address": f"{rng.randint(1, 90)} {rng.choice(_STREETS[:7])}, {name}",
                "postcode": postcodes[1 + index % 4],
                "description": "Come and talk to the team about anything that worries you.",
            }
        )
    (folder / "events.yaml").write_text(_yaml("events", events), encoding="utf-8")
    (folder / "boundary.geojson").write_text(
        json.dumps(_boundary(rng, cell, name), indent=1) + "\n", encoding="utf-8"
    )
    located = [(p, *reversed(_near_centre(rng, cell))) for p in postcodes]
    plan = AreaPlan(slug, name, places, [m["name"] for m in team], [p["id"] for p in priorities])
    return plan, located


def _paragraph(rng: random.Random, fill: dict[str, str], sentences: int) -> str:
    return " ".join(rng.choice(_SENTENCES).format(**fill) for _ in range(sentences))


def update_text(
    rng: random.Random,
    plan: AreaPlan,
    date: dt.datetime,
    earlier: str | None,
    words: int = 300,
) -> tuple[str, str]:
    """(file stem, Markdown) of one update of about ``words`` words."""
    title_pattern, topic = rng.choice(_TOPICS)
    street = rng.choice(_STREETS)
    fill = {
        "area": plan.name,
        "street": street,
        "place": rng.choice(plan.places),
        "day": rng.choice(_DAYS),
        "topic": topic,
    }
    title = title_pattern.format(street=street, place=fill["place"]) + ": an update"
    category = rng.choice(_CATEGORIES)
    header = [
        f"Title: {title}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Category: {category}",
        f"Summary: What the {plan.name} team has done about {topic} this month.",
    ]
    if rng.random() < 0.4:
        header.append(f"Priority: {rng.choice(plan.priorities)}")
    if rng.random() < 0.5:
        header.append(f"Author: {rng.choice(plan.team)}")
    blocks = [_paragraph(rng, fill, 3)]
    label, url = rng.choice(_LINKS)
    blocks.append(
        f"If you have information, use [{label}]({url}) or call **101**. "
        + _paragraph(rng, fill, 1)
    )
    blocks.append(f"## {rng.choice(_HEADINGS)}")
    marker = "1." if rng.random() < 0.3 else "-"
    blocks.append(
        "\n".join(f"{marker} {item}" for item in rng.sample(_LIST_ITEMS, rng.randint(3, 5)))
    )
    if earlier and rng.random() < 0.5:
        blocks.append(
            f"This follows our [earlier update]({{filename}}{earlier}.md). "
            + _paragraph(rng, fill, 1)
        )
    if rng.random() < 1 / 6:
        rows = [
            f"| {rng.choice(_DAYS)} | {rng.randint(9, 20):02d}:00 | {rng.choice(_STREETS)} |"
            for _ in range(rng.randint(2, 4))
        ]
        blocks.append("| Day | Time | Where |\n| --- | --- | --- |\n" + "\n".join(rows))
    while len(" ".join(blocks).split()) < words - 20:
        blocks.append(_paragraph(rng, fill, rng.randint(2, 4)))
    stem = f"{date:%Y-%m-%d}-{slugify(title_pattern.format(street=street, place=''))}"
    return stem, "\n".join(header) + "\n\n" + "\n\n".join(blocks) + "\n"


def _update_dates(rng: random.Random, count: int) -> list[dt.datetime]:
    """``count`` distinct times over the two years before BUILD_DATE, oldest first."""
    start = dt.datetime.combine(BUILD_DATE, dt.time(9, 0)) - dt.timedelta(days=730)
    days = sorted(rng.sample(range(1, 726), min(count, 725)))
    while len(days) < count:  # more than one update a day: later the same day
        days.append(days[len(days) % 725])
    days.sort()
    return [
        start + dt.timedelta(days=d, hours=rng.randint(0, 8), minutes=5 * i % 60)
        for i, d in enumerate(days)
    ]


@dataclass
class Dataset:
    root: Path
    areas: int
    updates_per_area: int
    force_wide_updates: int
    seed: int

    @property
    def updates(self) -> int:
        return self.areas * self.updates_per_area

    def area_slugs(self) -> list[str]:
        return sorted(p.name for p in (self.root / "neighbourhoods").iterdir() if p.is_dir())


def generate(
    root: Path | str,
    areas: int = DEFAULT_AREAS,
    updates_per_area: int = DEFAULT_UPDATES_PER_AREA,
    seed: int = DEFAULT_SEED,
) -> Dataset:
    """Write the dataset into ``root``, which must not exist or be an empty folder."""
    root = Path(root)
    if areas < 1 or updates_per_area < 0:
        raise ValueError("areas must be at least 1 and updates per area at least 0")
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise FileExistsError(
            f"{root} already exists and is not empty; choose a new folder (nothing was written)"
        )
    shutil.copytree(PROJECT / "content", root / "content")
    names = _area_names(areas, seed)
    cells = _cells(areas)
    districts = max(1, areas // 12)
    postcode_rows = ["postcode,latitude,longitude"]
    for n, (name, cell) in enumerate(zip(names, cells, strict=True)):
        rng = random.Random(f"{seed}:area:{n}")
        folder = root / "neighbourhoods" / slugify(name)
        (folder / "updates").mkdir(parents=True)
        district = f"{names[(n % districts)].split()[0]} District"
        plan, located = _write_area(folder, rng, n, name, cell, district)
        postcode_rows.extend(f"{p},{lat},{lon}" for p, lat, lon in located)
        earlier: str | None = None
        used: set[str] = set()
        for date in _update_dates(rng, updates_per_area):
            stem, text = update_text(rng, plan, date, earlier)
            while stem in used:
                stem += "-more"
            used.add(stem)
            (folder / "updates" / f"{stem}.md").write_text(text, encoding="utf-8")
            earlier = stem
    (root / "neighbourhoods" / "postcodes.csv").write_text(
        "\n".join(postcode_rows) + "\n", encoding="utf-8"
    )
    force = AreaPlan("", "force", ["West Mercia"], ["Safer Neighbourhood Team"], ["none"])
    rng = random.Random(f"{seed}:force")
    for date in _update_dates(rng, FORCE_WIDE_UPDATES):
        stem, text = update_text(rng, force, date, None)
        text = "\n".join(line for line in text.split("\n") if not line.startswith("Priority:"))
        (root / "content" / "updates" / f"{stem}-force.md").write_text(text, encoding="utf-8")
    return Dataset(root, areas, updates_per_area, FORCE_WIDE_UPDATES, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--areas", type=int, default=DEFAULT_AREAS)
    parser.add_argument("--updates-per-area", type=int, default=DEFAULT_UPDATES_PER_AREA)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    try:
        data = generate(args.root, args.areas, args.updates_per_area, args.seed)
    except (FileExistsError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Wrote {data.areas} areas and {data.updates} updates to {data.root}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def add_update(root: Path | str, slug: str, seed: int = DEFAULT_SEED) -> Path:
    """Write one more update (the newest on the site) into an area, as an editor would."""
    folder = Path(root) / "neighbourhoods" / slug
    area = yaml.safe_load((folder / "area.yaml").read_text(encoding="utf-8"))
    priorities = yaml.safe_load((folder / "priorities.yaml").read_text(encoding="utf-8"))
    plan = AreaPlan(
        slug,
        area["name"],
        list(area.get("places") or [area["name"]]),
        [member["name"] for member in area.get("team") or []] or ["Safer Neighbourhood Team"],
        [priority["id"] for priority in priorities],
    )
    rng = random.Random(f"{seed}:added:{slug}")
    date = dt.datetime.combine(BUILD_DATE - dt.timedelta(days=1), dt.time(12, 0))
    earlier = sorted(p.stem for p in (folder / "updates").glob("*.md"))
    stem, text = update_text(rng, plan, date, earlier[-1] if earlier else None)
    path = folder / "updates" / f"{stem}-added.md"
    path.write_text(text, encoding="utf-8")
    return path


def rewrite_area_summary(root: Path | str, slug: str, summary: str) -> Path:
    """Change an area's one-line summary, keeping the rest of area.yaml as it was."""
    path = Path(root) / "neighbourhoods" / slug / "area.yaml"
    area = yaml.safe_load(path.read_text(encoding="utf-8"))
    area["summary"] = summary
    path.write_text(_yaml("area", area), encoding="utf-8")
    return path
