"""The freshness report: what in each area needs attention, for the weekly issue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support import invoke

from neighbourhood_policing.loading import load_site
from neighbourhood_policing.tools.freshness import freshness, report_markdown, report_table


def make_stale(root: Path) -> None:
    priorities = root / "neighbourhoods/alpha/priorities.yaml"
    text = priorities.read_text("utf-8").replace("review: 2027-03-01", "review: 2026-10-01")
    priorities.write_text(text, "utf-8")
    area = root / "neighbourhoods/beta/area.yaml"
    area.write_text(area.read_text("utf-8").replace("Beta Village", "Beta | Village"), "utf-8")


def test_freshness_per_area(mini_copy: Path) -> None:
    make_stale(mini_copy)
    site = load_site(mini_copy)  # built on 2026-11-24 (SOURCE_DATE_EPOCH)
    alpha, beta = freshness(site)
    assert alpha.slug == "alpha"
    assert alpha.last_update == dt.date(2026, 11, 20)
    assert alpha.overdue_reviews == [("market-asb", dt.date(2026, 10, 1))]
    assert alpha.past_events == [("past-meeting", dt.date(2026, 10, 1))]
    assert alpha.empty_sections == []
    # Beta's only update is alpha's appeal that names it with `Areas: beta`.
    assert beta.last_update == dt.date(2026, 6, 15)
    assert beta.overdue_reviews == [] and beta.past_events == []
    assert beta.empty_sections == ["team", "priorities", "patrols", "upcoming events"]
    # The overdue reviews are exactly the validator's review warnings.
    warned = [p.field for p in site.warnings if p.field and p.field.endswith(".review")]
    assert warned == [f"{pid}.review" for pid, _ in alpha.overdue_reviews]


def test_markdown_report_is_a_table_to_paste(mini_copy: Path) -> None:
    make_stale(mini_copy)
    text = report_markdown(load_site(mini_copy))
    lines = text.splitlines()
    assert lines[0] == "## Content freshness report, 24 November 2026"
    rows = [line for line in lines if line.startswith("|")]
    assert rows[0] == (
        "| Area | Last update | Reviews overdue | Past events still listed | Empty |"
    )
    assert rows[2] == (
        "| Alpha Town (alpha) | 2026-11-20 (4 days ago) | market-asb (due 2026-10-01) "
        "| past-meeting (2026-10-01) | - |"
    )
    assert rows[3].startswith("| Beta \\| Village (beta) | 2026-06-15 (162 days ago) | - | - |")
    assert all(row.replace("\\|", "").count("|") == 6 for row in rows)
    assert "2 areas on 24 November 2026: 1 priority review(s) overdue, 1 past event(s)" in text


def test_terminal_table_lines_up(mini_copy: Path) -> None:
    text = report_table(load_site(mini_copy))
    header, rule, alpha, beta = text.splitlines()[2:6]
    assert header.startswith("Area ") and set(rule) == {"-", " "}
    column = header.index("Last update")
    assert alpha[column:].startswith("2026-11-20") and beta[column:].startswith("2026-06-15")
    assert "never" not in text


def test_invoke_report_uses_the_build_date(mini_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    # 2027-01-01: the December surgery is over too, and alpha's review is still ahead.
    result = invoke(
        "report", "--content-root", str(mini_copy), "--output", str(out),
        env={"SOURCE_DATE_EPOCH": str(int(dt.datetime(2027, 1, 1, tzinfo=dt.UTC).timestamp()))},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Content freshness report, 1 January 2027" in result.stdout
    assert "december-surgery (2026-12-05), past-meeting (2026-10-01)" in result.stdout
    markdown = out.read_text("utf-8")
    assert markdown.startswith("## Content freshness report, 1 January 2027")
    md = invoke(
        "report",
        "--markdown",
        "--content-root",
        str(mini_copy),
        env={"SOURCE_DATE_EPOCH": "1795478400"},
    )
    assert md.stdout.startswith("## Content freshness report, 24 November 2026")


def test_report_says_when_content_has_errors(mini_copy: Path) -> None:
    area = mini_copy / "neighbourhoods/beta/area.yaml"
    area.write_text(area.read_text("utf-8").replace("district:", "distrct:"), "utf-8")
    site = load_site(mini_copy)
    assert [row.slug for row in freshness(site)] == ["alpha"]
    count = len(site.errors)
    assert count >= 2  # distrct unknown, district missing
    assert f"The content also has {count} error(s); areas with errors" in report_table(site)
    assert f"The content also has {count} error(s)" in report_markdown(site)
