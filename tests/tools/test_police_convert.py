"""The API's habits: strings for numbers, HTML and entities, nulls, open rings, slugs."""

from __future__ import annotations

import datetime as dt

from neighbourhood_policing.tools.police import importer


def test_html_and_entities_become_clean_markdown_and_text() -> None:
    md = importer.markdown_text(
        "<p>Speeding &amp; parking on <b>Mill St</b></p><p>We&#39;re on it&amp;nbsp;</p>"
    )
    assert md == "Speeding & parking on **Mill St**\n\nWe're on it"
    assert importer.plain_text("Much Wenlock &amp; Rural") == "Much Wenlock & Rural"
    assert importer.plain_text("<script>x</script>") in {None, "x"}
    for empty in (None, "", "   ", "<p></p>"):
        assert importer.markdown_text(empty) is None


def test_coordinates_as_strings_and_null_coordinates() -> None:
    assert importer.location("52.36", "-2.71") == {"latitude": 52.36, "longitude": -2.71}
    assert importer.location(None, None) is None
    assert importer.location("", "-2.7") is None


def test_nulls_and_empty_contact_details() -> None:
    assert importer.contact({}) is None
    assert importer.contact([]) is None
    items, _ = importer.priorities(
        [
            {
                "issue": "<p>Litter</p>",
                "issue-date": "2026-09-01T00:00:00",
                "action": None,
                "action-date": None,
            }
        ]
    )
    assert items[0]["status"] == "open" and "actions" not in items[0]
    assert items[0]["review"] == dt.date(2026, 12, 1)
    events, notes = importer.events(
        [
            {
                "title": "Surgery",
                "description": None,
                "type": "meeting",
                "address": "Library, High St, Ludlow SY8 1AA",
                "start_date": "2026-12-01T10:00:00",
                "end_date": None,
                "contact_details": {},
            }
        ]
    )
    assert events[0]["end"] == "2026-12-01 11:00" and events[0]["postcode"] == "SY8 1AA"
    assert "description" not in events[0] and notes == []


def test_an_unclosed_boundary_ring_is_closed() -> None:
    points = [
        {"latitude": "52.1", "longitude": "-2.1"},
        {"latitude": "52.1", "longitude": "-2.0"},
        {"latitude": "52.2", "longitude": "-2.0"},
    ]
    ring = importer.boundary(points, "X")["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 4


def test_slugs_come_from_names() -> None:
    assert (
        importer.slugify("Much Wenlock &amp; Rural".replace("&amp;", "&"))
        == "much-wenlock-and-rural"
    )
    assert importer.slugify("Ross-on-Wye") == "ross-on-wye"


def test_ids_are_unique_only_within_a_force_so_slugs_come_from_names() -> None:
    from neighbourhood_policing.tools.police.sync import new_slug

    taken = {"town-centre"}
    assert new_slug("Town Centre", "TC1", taken) == "town-centre-tc1"
    assert new_slug("Ludlow", "SS_LUD", taken) == "ludlow"


def test_a_hand_made_value_is_kept_and_said_to_be_local() -> None:
    from neighbourhood_policing.tools.police import ownership

    current = ownership.load_yaml("name: Ludlow\nteam: []\ncontact: {email: a@b.uk}\n")
    merge = ownership.merge_fields(
        current, {"team": [{"name": "Jo", "role": "PC"}], "contact": {"email": "c@d.uk"}}, {}
    )
    assert "added team" in merge.notes
    assert "kept contact (written locally, never imported)" in merge.notes
    assert ownership.plain(current["contact"]) == {"email": "a@b.uk"}
