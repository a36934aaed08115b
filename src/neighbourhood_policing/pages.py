"""Writing one page through Pelican's writer: the one way every plugin writes a page.

Going through the writer (not writing the file directly) means the page is announced
with ``content_written`` (the sitemap and checks see it), reused from the last good
build when its inputs did not change, and rendered by the build's workers otherwise.
"""

from __future__ import annotations

from typing import Any

from . import urls


def write_page(generator: Any, writer: Any, url: str, template: str, **context: Any) -> None:
    """Render ``template`` for the page at ``url`` (relative to the site root)."""
    path = urls.page_path(url)
    writer.write_file(
        path,
        generator.get_template(template),
        generator.context,
        relative_urls=generator.settings["RELATIVE_URLS"],
        url=url,
        page_name=path.removesuffix(".html"),
        **context,
    )
