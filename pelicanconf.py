"""Pelican settings for the development build (make serve, invoke build)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent

# -- The force: name, identity and contact points (shown on every page) ---------------
SITENAME = "West Mercia Neighbourhood Policing"
SITE_SHORT_NAME = "Neighbourhood Policing"
FORCE_NAME = "West Mercia Police"
SITE_DESCRIPTION = (
    "Your local Safer Neighbourhood Team: who they are, what they are working on, "
    "where they patrol and how to reach them."
)
SITEURL = "http://localhost:8000"
RELATIVE_URLS = True
FORCE_DOMAINS = ["westmercia.police.uk"]
CONTACT_EMAIL = "neighbourhoods@westmercia.police.uk"
REPORT_ONLINE_URL = "https://www.westmercia.police.uk/ro/report/"
CRIMESTOPPERS_URL = "https://crimestoppers-uk.org/"
EMAIL_ALERTS_URL = "https://www.westmercia.police.uk/alerts/"
# Theme colours (see plugins/theme_check): the build refuses any whose text contrast is
# below 4.5:1. Optional: "link_dark", the link colour in the dark scheme.
THEME_COLOURS = {
    "brand": "#1d3b6e",
    "brand_text": "#ffffff",
    "link": "#1a4f9c",
    "accent": "#ffdd00",
}
LOGO = None  # path of an SVG or PNG under theme/static/, or None for the text logotype

# -- Content --------------------------------------------------------------------------
PATH = str(HERE)  # the content root: holds content/ and neighbourhoods/
AUTHOR = "Safer Neighbourhood Team"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en-GB"
LOCALE = ("en_GB.UTF-8", "C.UTF-8", "C.utf8")  # English month names, UTF-8 I/O
DEFAULT_DATE_FORMAT = "%-d %B %Y"

PLUGIN_PATHS = [str(HERE / "plugins")]
# The build runner checks the output once every plugin has written (CHECK_OUTPUT).
# The form editor at /admin/ (Decap CMS; `make setup-cms` installs it, `invoke cms`
# runs it locally). CMS_REPO is the GitHub repository it opens pull requests on;
# CMS_AUTH_BASE_URL the force's OAuth proxy and CMS_AUTH_ENDPOINT its sign-in path when
# it is not "auth" (no secret lives in this repository; see CONTRIBUTING.md).
CMS_ADMIN = False
CMS_REPO = "your-force/neighbourhood-policing"
CMS_BRANCH = "main"
CMS_AUTH_BASE_URL = ""
CMS_AUTH_ENDPOINT = ""
PLUGINS = [
    "neighbourhoods",
    "feeds",
    "calendars",
    "theme_check",
    "maps",
    "have_your_say",
    "search",
    "crime",
    "reports",
    "cms",
    "sitemap",
    "hosting",
]

ARTICLE_PATHS = ["content/updates"]  # the plugin adds every neighbourhoods/<slug>/updates
PAGE_PATHS = ["content/pages"]
STATIC_PATHS = ["content/images"]
ARTICLE_EXCLUDES: list[str] = []
PAGE_EXCLUDES: list[str] = []
IGNORE_FILES = [".#*", "*~", "README.md"]
READERS = {"html": None, "htm": None, "rst": None}
# An update's file name is its slug; its folder says which area it belongs to.
FILENAME_METADATA = r"(?P<slug>[^/]+)"
PATH_METADATA = r"neighbourhoods/(?P<home_area>[^/]+)/updates/.*"
SLUGIFY_SOURCE = "basename"

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.smarty": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# -- URLs -----------------------------------------------------------------------------
ARTICLE_URL = "updates/{slug}/"
ARTICLE_SAVE_AS = "updates/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "updates/category/{slug}/"
CATEGORY_SAVE_AS = "updates/category/{slug}/index.html"
CATEGORIES_SAVE_AS = "updates/category/index.html"
CATEGORIES_URL = "updates/category/"
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
# One language, and each update's address is checked unique when the content is loaded:
# nothing is a translation of anything. Pelican's search for translations compares every
# update with every other (12 s of every build at 40,000 updates), so it is switched off.
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
DIRECT_TEMPLATES = ["index", "categories", "404"]
INDEX_SAVE_AS = "index.html"
PAGINATED_TEMPLATES = {"category": 20, "area_updates": 20, "all_updates": 20}
DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
AREA_LATEST_UPDATES = 5

# -- Theme ----------------------------------------------------------------------------
THEME = str(HERE / "theme")
THEME_STATIC_DIR = "theme"
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    "extensions": [],
}

# -- Feeds: written by our own plugin, not Pelican's ----------------------------------
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = 50  # per feed, newest first (plugins/feeds)

# -- Review and publishing --------------------------------------------------------------
# Owners of everything outside the area folders in .github/CODEOWNERS (invoke codeowners).
CODEOWNERS_DEFAULT = ["@westmercia/neighbourhood-web"]

# -- Output ---------------------------------------------------------------------------
OUTPUT_PATH = str(HERE / "output")
DELETE_OUTPUT_DIRECTORY = True
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
OUTPUT_SOURCES = False

# -- Safety: personal data guard, hosting and security.txt ----------------------------
# Phone numbers the force publishes that may appear in updates (besides 101, 999 and
# each team's own number); anything else that looks like a phone number is a warning.
PRIVACY_ALLOWED_PHONES = ["0800 555 111"]  # Crimestoppers
PRIVACY_ALLOWED_EMAILS: list[str] = []
# Security headers file copied into the output as _headers (see hosting/README.md).
HOSTING_HEADERS_FILE = "hosting/netlify/_headers"
# /.well-known/security.txt (RFC 9116). Renew SECURITY_EXPIRES before it passes.
SECURITY_CONTACT = ["mailto:security@westmercia.police.uk"]
SECURITY_EXPIRES = "2027-11-01T00:00:00Z"
SECURITY_PREFERRED_LANGUAGES = "en"
SECURITY_POLICY = None

# -- Have your say ---------------------------------------------------------------------
# Where the have-your-say forms and "Was this useful?" are sent: the full https://
# address of the force's online form service, or None to turn the forms into an email to
# each area's team (and leave out "Was this useful?"). An area can name its own in
# area.yaml (feedback_endpoint). The build refuses any address that is not https://, and
# the Content-Security-Policy's form-action allows exactly these hosts (hosting/README.md).
# The service should send residents on to the address in the form's "_next" field.
FEEDBACK_ENDPOINT = None
# Tests only: allow http://127.0.0.1 and http://localhost as an endpoint. Never for a site.
FEEDBACK_ALLOW_INSECURE_LOCALHOST = False
# When residents who leave contact details hear back, as the pages say it.
FEEDBACK_REPLY_TIME = "within five working days"
# Surveys for every area, shown while open (an area adds its own in area.yaml: surveys).
# Each: {"title": ..., "url": "https://...", "run_by": ..., "opens": "YYYY-MM-DD",
# "closes": "YYYY-MM-DD"}.
SURVEYS: list[dict[str, str]] = [
    {
        "title": "Public confidence survey 2026",
        "url": "https://www.westmercia-pcc.gov.uk/confidence-survey/",
        "run_by": "the Police and Crime Commissioner for West Mercia",
        "opens": "2026-10-01",
        "closes": "2026-12-31",
    },
]
# -- Maps and postcode lookup ---------------------------------------------------------
# plugins/maps draws each area's map and the A to Z's overview map (inline SVG), lists
# neighbouring teams and writes the postcode lookup under /lookup/ from
# neighbourhoods/postcodes.csv (docs/maps.md). It has no settings of its own yet.

# -- Reports ---------------------------------------------------------------------------
# Monthly written reports to parish and town councils (plugins/reports).
# PDFs of each report (WeasyPrint): off in development builds, on in publishconf.py.
REPORTS_PDF = False
# Where PDFs are kept between builds, keyed by a hash of each report, so unchanged months
# are copied instead of laid out again. None: report-pdfs/ in the build cache
# (.<output name>-cache/ beside the output). Each PDF build removes PDFs it did not use.
REPORTS_PDF_CACHE = None
# Processes that lay out PDFs missing from the cache. 1 (in the build's own process) is
# quicker for a few hundred; for a cold build of thousands, set it to the free cores.
REPORTS_PDF_WORKERS = 1
# The survey a report's "How to give feedback" links to (a full https:// address), or None.
FEEDBACK_SURVEY_URL = None
