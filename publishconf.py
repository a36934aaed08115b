"""Pelican settings for publishing: the real site URL. Used by `invoke build --publish`."""

import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://neighbourhoods.westmercia.police.uk")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
