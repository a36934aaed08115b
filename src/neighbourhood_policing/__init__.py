"""The neighbourhood policing site's library: the content model, loading and validation,
the rules, and every URL and output path, each in exactly one place.

It knows nothing of Pelican's signals: ``invoke validate``, the tools in ``tools/`` and
the Pelican plugins in ``plugins/`` all load the same complete model with
``load_site``. The plugins only wire it to Pelican and write their own outputs.
"""

from __future__ import annotations

from .loading import load_site
from .problems import ContentError, Problem
from .site import AreaRecord, Site, UpdateInfo

__all__ = ["AreaRecord", "ContentError", "Problem", "Site", "UpdateInfo", "load_site"]
