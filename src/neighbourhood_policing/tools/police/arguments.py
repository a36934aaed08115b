"""What the import tasks are given on the command line, checked before any request.

A value that looks like an option (``--help``, ``-n``) is never sent to data.police.uk:
it almost always means the value was left out and the next option was taken in its
place, so the import refuses it and says what to type instead.
"""

from __future__ import annotations

from ...rules import SLUG_RE

EXAMPLE = "invoke import-police --force west-mercia"


def force_problem(force: str) -> str | None:
    """Why ``force`` cannot be a data.police.uk force id, or None when it can be one."""
    if not force:
        return f"which force? give its data.police.uk id, e.g. `{EXAMPLE}`"
    if force.startswith("-"):
        return (
            f"force '{force}' looks like an option, not a force id: give the force after "
            f"--force, e.g. `{EXAMPLE}` (`invoke --help import-police` lists the options)"
        )
    if not SLUG_RE.match(force):
        return (
            f"force '{force}' is not a data.police.uk force id: ids are lower-case words "
            "joined by hyphens, e.g. west-mercia or city-of-london "
            "(https://data.police.uk/api/forces lists them all)"
        )
    return None


def option_like(task: str, option: str, values: list[str], example: str) -> str | None:
    """A message for the first of ``values`` (each given as ``--option VALUE``) that is
    empty or looks like an option rather than a value, or None."""
    for value in values:
        if not value or value.startswith("-"):
            return (
                f"--{option} '{value}' looks like an option, not a value: give it after "
                f"--{option}, e.g. `invoke {task} --{option} {example}` "
                f"(`invoke --help {task}` lists the options)"
            )
    return None
