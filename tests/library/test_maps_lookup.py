"""Postcode lookup: normalising, point in polygon (with its tie rule), shards, CSV problems."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from neighbourhood_policing import lookup

# Two areas side by side sharing the edge x = -2.70 exactly; "a-west" sorts first.
WEST = box(-2.80, 52.30, -2.70, 52.40)
EAST = box(-2.70, 52.30, -2.60, 52.40)


def assign(points, shapes):
    lons = np.array([p[0] for p in points], dtype=float)
    lats = np.array([p[1] for p in points], dtype=float)
    return lookup.assign(lons, lats, shapes)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SY8 1RU", "SY8 1RU"),
        ("sy81ru", "SY8 1RU"),
        ("  sy8   1ru ", "SY8 1RU"),
        ("wr111aa", "WR11 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("SY8", None),
        ("12345", None),
        ("SY8 1R", None),
        ("", None),
    ],
)
def test_normalise_postcode(typed, expected):
    assert lookup.normalise_postcode(typed) == expected


def test_points_inside_one_area_each():
    result = assign([(-2.75, 52.35), (-2.65, 52.35), (-3.5, 52.35)], [WEST, EAST])
    assert result.owner.tolist() == [0, 1, -1]
    assert result.unassigned == 1
    assert result.overlaps == 0


def test_a_point_on_a_shared_boundary_goes_to_the_first_area_by_slug_only():
    # Shapes are given in slug order; the point lies on both boundaries, inside neither.
    result = assign([(-2.70, 52.35)], [WEST, EAST])
    assert result.owner.tolist() == [0]
    assert result.overlaps == 0
    # The rule is the order, not the geometry: swap them and the other one wins.
    assert assign([(-2.70, 52.35)], [EAST, WEST]).owner.tolist() == [0]


def test_a_point_inside_beats_a_point_on_the_edge():
    # A point on WEST's outer edge but inside a bigger overlapping area goes inside.
    big = box(-2.90, 52.20, -2.50, 52.50)
    result = assign([(-2.80, 52.35)], [WEST, big])
    assert result.owner.tolist() == [1]
    assert result.overlaps == 0


def test_a_polygon_with_a_hole():
    ring = [(-2.8, 52.3), (-2.6, 52.3), (-2.6, 52.5), (-2.8, 52.5), (-2.8, 52.3)]
    hole = [(-2.75, 52.35), (-2.65, 52.35), (-2.65, 52.45), (-2.75, 52.45), (-2.75, 52.35)]
    doughnut = Polygon(ring, [hole])
    inner = box(-2.75, 52.35, -2.65, 52.45)
    result = assign([(-2.7, 52.4), (-2.78, 52.4)], [doughnut])
    assert result.owner.tolist() == [-1, 0]  # the hole is not the area
    # With the hole filled by another area, the hole's point goes there.
    assert assign([(-2.7, 52.4), (-2.78, 52.4)], [doughnut, inner]).owner.tolist() == [1, 0]


def test_a_multipolygon():
    islands = MultiPolygon([box(-2.8, 52.3, -2.7, 52.4), box(-2.5, 52.3, -2.4, 52.4)])
    result = assign([(-2.45, 52.35), (-2.6, 52.35)], [islands])
    assert result.owner.tolist() == [0, -1]


def test_overlapping_areas_are_counted_and_the_first_wins():
    a, b = box(-2.8, 52.3, -2.6, 52.4), box(-2.7, 52.3, -2.5, 52.4)
    result = assign([(-2.65, 52.35), (-2.75, 52.35), (-2.55, 52.35)], [a, b])
    assert result.owner.tolist() == [0, 0, 1]
    assert result.overlapped.tolist() == [True, False, False]
    assert result.overlaps == 1


def test_assignment_works_across_chunks(monkeypatch):
    monkeypatch.setattr(lookup, "CHUNK", 3)
    points = [(-2.75, 52.35), (-2.65, 52.35)] * 5
    assert assign(points, [WEST, EAST]).owner.tolist() == [0, 1] * 5


def test_shards_group_by_outward_code_and_leave_out_postcodes_in_no_area():
    codes = ["SY8 1RU", "SY8 2AB", "SY7 9ZZ", "SY8 3CD", "HR1 1AA"]
    owner = np.array([1, 0, 0, 1, -1])
    areas = [lookup.AreaRef("a-west", "West"), lookup.AreaRef("b-east", "East")]
    shards = lookup.build_shards(codes, owner, areas)
    assert list(shards) == ["SY7", "SY8"]  # HR1's only postcode is in no area
    assert shards["SY8"] == {
        "outward": "SY8",
        "areas": [{"slug": "a-west", "name": "West"}, {"slug": "b-east", "name": "East"}],
        "postcodes": {"1RU": 1, "2AB": 0, "3CD": 1},
    }
    assert shards["SY7"]["areas"] == [{"slug": "a-west", "name": "West"}]
    assert shards["SY7"]["postcodes"] == {"9ZZ": 0}
    data = lookup.shard_bytes(shards["SY8"])
    assert json.loads(data) == shards["SY8"]
    assert b" " not in data  # compact
    assert lookup.district_counts(shards["SY8"]) == [
        ({"slug": "a-west", "name": "West"}, 1),
        ({"slug": "b-east", "name": "East"}, 2),
    ]


def test_csv_problems_name_their_line():
    text = (
        "postcode,latitude,longitude\n"
        "SY8 1RU,52.3668,-2.7152\n"
        "not a postcode,52.3,-2.7\n"
        "SY8 1AS,north,-2.7\n"
        "SY8 1AZ,48.85,2.35\n"
        "sy81ru,52.3668,-2.7152\n"
        "\n"
        "SY8 1PJ,52.3655\n"
    )
    result = lookup.parse_postcodes(io.StringIO(text))
    assert result.codes == ["SY8 1RU"]
    assert [(p.line, p.severity) for p in result.problems] == [
        (3, "error"),
        (4, "error"),
        (5, "error"),
        (6, "warning"),
        (8, "error"),
    ]
    assert "'not a postcode' is not a postcode" in result.problems[0].message
    assert "outside the UK" in result.problems[2].message
    assert "listed twice (first on line 2)" in result.problems[3].message


def test_csv_needs_its_header():
    result = lookup.parse_postcodes(io.StringIO("SY8 1RU,52.3668,-2.7152\n"))
    assert result.codes == []
    assert result.problems[0].line == 1
    assert "header" in result.problems[0].message


def test_simplified_boundaries_keep_every_ring():
    ring = [(-2.8, 52.3), (-2.6, 52.3), (-2.6, 52.5), (-2.8, 52.5), (-2.8, 52.3)]
    hole = [(-2.75, 52.35), (-2.65, 52.35), (-2.65, 52.45), (-2.75, 52.45), (-2.75, 52.35)]
    islands = MultiPolygon([box(-2.5, 52.3, -2.4, 52.4), box(-2.3, 52.3, -2.2, 52.4)])
    refs = [lookup.AreaRef("a", "A"), lookup.AreaRef("b", "B")]
    data = json.loads(lookup.simplified_boundaries(refs, [Polygon(ring, [hole]), islands]))
    assert [a["slug"] for a in data["areas"]] == ["a", "b"]
    assert len(data["areas"][0]["rings"]) == 2  # outer ring and hole
    assert len(data["areas"][1]["rings"]) == 2  # two islands
    assert data["areas"][0]["rings"][0][0] == [-2.8, 52.3]
