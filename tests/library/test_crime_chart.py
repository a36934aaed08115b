"""The crime chart's geometry: what the area page draws from crime.yaml."""

from __future__ import annotations

from neighbourhood_policing.crimechart import BAR_MAX, BAR_STEP, BAR_WIDTH, crime_chart
from neighbourhood_policing.models import CrimeFigures


def test_rows_by_total_one_rectangle_a_month_with_crimes_tallest_bar_full_height() -> None:
    figures = CrimeFigures(
        runs_to="2026-10",
        months={"2026-09": {"burglary": 3, "drugs": 12}, "2026-10": {"drugs": 6}},
    )
    chart = crime_chart(figures)
    assert chart is not None
    assert [row.name for row in chart.rows] == ["Drugs", "Burglary"]
    assert chart.months[0] == "2025-11" and chart.months[-1] == "2026-10"
    drugs, burglary = chart.rows
    assert drugs.counts[-2:] == [12, 6] and sum(drugs.counts) == drugs.total == 18
    assert chart.totals[-2:] == [15, 6] and chart.total == 21
    september, half, top = 10 * BAR_STEP, BAR_MAX // 2, drugs.y + 20
    assert drugs.bars_path == (
        f"M{september} {top}h{BAR_WIDTH}v{BAR_MAX}h-{BAR_WIDTH}z"
        f"M{september + BAR_STEP} {top + half}h{BAR_WIDTH}v{half}h-{BAR_WIDTH}z"
    )
    assert burglary.bars_path.count("z") == 1  # no rectangle for the months without crimes


def test_no_figures_no_chart() -> None:
    assert crime_chart(None) is None
