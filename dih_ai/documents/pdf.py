"""A draft or a deep dive as PDF: the HTML page printed by WeasyPrint (A4, page numbers and
the hub's footer in the margins, table rows never split, fonts embedded). Nothing is
fetched while rendering: the page is self-contained and any other URL is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dih_ai.documents.branding import Branding, load_branding
from dih_ai.documents.page import to_html
from dih_ai.errors import ConfigError

if TYPE_CHECKING:
    from dih_ai.deep_dive import DeepDive
    from dih_ai.draft import RoadmapDraft

ENGINE_MISSING = (
    "PDF needs WeasyPrint and Debian's pango "
    "(pip install weasyprint; apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
)


def html_to_pdf(page: str) -> bytes:
    """A self-contained HTML page printed to PDF (its `@page` rules give the paper and the
    margins). `ConfigError` when WeasyPrint or pango is missing."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:
        raise ConfigError(f"{ENGINE_MISSING}: {error}") from None

    class DataOnly(URLFetcher):  # type: ignore[misc]
        """The page's own data: URIs, never the network nor a file."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"a document fetches nothing: {url}")
            return super().fetch(url, headers)

    fetcher = DataOnly(allowed_protocols={"data"})
    return bytes(weasyprint.HTML(string=page, url_fetcher=fetcher).write_pdf())


def to_pdf(document: RoadmapDraft | DeepDive, branding: Branding | None = None) -> bytes:
    """A draft or a deep dive as an A4 PDF, in the hub's look (`branding`, else
    `load_branding()`). `ConfigError` when WeasyPrint or pango is missing."""
    return html_to_pdf(to_html(document, branding or load_branding()))
