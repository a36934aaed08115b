"""Council reports: each area's covering notes (``reports/<yyyy-mm>.md``) and months."""

from __future__ import annotations

from .. import reports
from .context import LoadContext
from .updates import privacy_rules


def load_reports(ctx: LoadContext) -> None:
    """Read and check every area's covering notes, then list the months it reports on.

    Runs after the updates are indexed by area: a month's report counts the area's own
    updates.
    """
    rules = privacy_rules(ctx)
    for record in ctx.site.areas.values():
        notes, problems = reports.load_report_notes(
            ctx.root, ctx.root / record.folder, rules, ctx.build_date
        )
        record.report_notes = notes
        ctx.site.problems.extend(problems)
        record.report_months = reports.report_months(record, ctx.build_date)
