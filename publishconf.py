"""Pelican settings for publishing: the real site URL. Used by `invoke build --publish`."""

import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://neighbourhoods.westmercia.police.uk")
RELATIVE_URLS = True
CMS_ADMIN = True  # the published site serves the form editor at /admin/
DELETE_OUTPUT_DIRECTORY = True
# Where `invoke publish` deploys: a folder, user@host:path or rsync://… (rsync over ssh),
# or github-pages (the gh-pages branch). The --target option overrides it.
PUBLISH_TARGET = os.environ.get("PUBLISH_TARGET", "")

# -- Have your say ---------------------------------------------------------------------
FEEDBACK_ALLOW_INSECURE_LOCALHOST = False  # a published site sends forms over https only

# -- Reports ---------------------------------------------------------------------------
REPORTS_PDF = True  # a PDF beside each council report (plugins/reports)
