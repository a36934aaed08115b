"""crime.yaml is validated like every other file: problems name the file, line and fix."""

from __future__ import annotations

from pathlib import Path

from neighbourhood_policing.loading import load_site


def write(site: Path, text: str) -> str:
    (site / "neighbourhoods" / "alpha" / "crime.yaml").write_text(text, "utf-8")
    problems = load_site(site).errors
    return "\n".join(str(p) for p in problems)


def test_a_valid_file_is_loaded_into_the_area(mini_copy: Path) -> None:
    assert write(mini_copy, 'runs_to: "2026-10"\nmonths:\n  "2026-10": {burglary: 2}\n') == ""
    crime = load_site(mini_copy).areas["alpha"].crime
    assert crime.source == "data.police.uk" and crime.months["2026-10"] == {"burglary": 2}


def test_bad_counts_months_and_slugs_are_reported_with_their_line(mini_copy: Path) -> None:
    report = write(mini_copy, 'runs_to: "2026-10"\nmonths:\n  "2026-10": {burglary: -1}\n')
    assert "neighbourhoods/alpha/crime.yaml:3" in report
    report = write(mini_copy, 'runs_to: "2026-10"\nmonths:\n  "2026-11": {burglary: 1}\n')
    assert "crime.yaml" in report and "set runs_to to the last month with figures" in report
    report = write(mini_copy, 'runs_to: "October"\n')
    assert "neighbourhoods/alpha/crime.yaml:1" in report
