"""Pelican plugin: have your say, surveys and "Was this useful?" for every area.

Writes, from the site model (``settings["SITE_MODEL"]``):

- ``neighbourhoods/<slug>/have-your-say/``: tell the team about a concern, suggest a
  priority, open surveys and the meetings where residents can take part in person;
- ``neighbourhoods/<slug>/have-your-say/thank-you/``: where the force's form service
  sends residents back to (no JavaScript needed);
- ``have-your-say/`` (choose your area, force-wide surveys) and
  ``have-your-say/thank-you/`` (after "Was this useful?" on a force-wide update).

Forms post to ``FEEDBACK_ENDPOINT`` (or an area's ``feedback_endpoint``); with none
they become an email to the team. The build refuses an endpoint that is not
https:// and gives the hosting plugin the ``form-action`` sources to allow
(``HOSTING_FORM_ACTION``). Logic lives in ``neighbourhood_policing.engagement``.
"""

from __future__ import annotations

from pelican import signals

__all__ = ["register"]


def register() -> None:
    from . import plugin

    signals.initialized.connect(plugin.on_initialized)
    signals.get_generators.connect(plugin.get_generators)
