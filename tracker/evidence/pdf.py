"""HTML to PDF with WeasyPrint, fetching nothing: fonts come from the machine (DejaVu,
Liberation) and charts are inline SVG, so a document never reaches another origin."""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint takes a moment to load and most requests never need it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    no_fetching = URLFetcher(allowed_protocols=())
    return HTML(string=html, url_fetcher=no_fetching).write_pdf()
