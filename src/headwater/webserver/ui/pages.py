"""The UI's page shells: a shared layout (nav + daemon health) around an empty page body.

Every page is rendered by a vendored ES module under ``/static/js/pages/`` that fetches the
JSON API. The shells carry no inline script: the few values a page needs (an asset key, a
run id) travel in ``data-*`` attributes, and a strict Content-Security-Policy forbids
anything but scripts served from ``/static``.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

#: Only same-origin scripts, styles, fetches and images; no inline code, no framing.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

#: (href, label) of the navigation bar, in display order.
NAV_LINKS = (
    ("/", "Overview"),
    ("/locations", "Deployment"),
    ("/assets", "Assets"),
    ("/assets/graph", "Asset graph"),
    ("/jobs", "Jobs"),
    ("/runs", "Runs"),
    ("/schedules", "Schedules"),
    ("/sensors", "Sensors"),
    ("/automation", "Automation"),
    ("/backfills", "Backfills"),
)


@dataclass(frozen=True)
class Page:
    """One UI page: its URL pattern, the module that renders it and its nav section.

    Attributes:
        name: Identifier; also the script ``/static/js/pages/<script>.js`` unless given.
        path: Starlette path pattern; its parameters become ``data-*`` attributes.
        title: Text of the ``<title>`` and the page heading.
        section: The nav link (href) highlighted while on this page.
        script: Name of the page module when it differs from ``name``.
        preload: API URLs the page fetches first; the shell asks the browser to start
            them at once, in parallel with loading the page's modules.
    """

    name: str
    path: str
    title: str
    section: str
    script: str = ""
    preload: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        """URL of the ES module that renders the page."""
        return f"/static/js/pages/{self.script or self.name}.js"


PAGES = (
    Page("home", "/", "Overview", "/", script="overview"),
    Page("locations", "/locations", "Deployment", "/locations"),
    Page("asset_graph", "/assets/graph", "Asset graph", "/assets/graph",
         preload=("/api/assets",)),
    Page("assets", "/assets", "Assets", "/assets", preload=("/api/assets",)),
    Page("asset", "/assets/{asset_key:path}", "Asset", "/assets"),
    Page("jobs", "/jobs", "Jobs", "/jobs"),
    Page("runs", "/runs", "Runs", "/runs"),
    Page("run", "/runs/{run_id}", "Run", "/runs"),
    Page("schedules", "/schedules", "Schedules", "/schedules", script="instigators"),
    Page("sensors", "/sensors", "Sensors", "/sensors", script="instigators"),
    Page("automation", "/automation", "Automation", "/automation"),
    Page("schedule", "/schedules/{location}/{name}", "Schedule", "/schedules",
         script="instigator"),
    Page("sensor", "/sensors/{location}/{name}", "Sensor", "/sensors", script="instigator"),
    Page("backfills", "/backfills", "Backfills", "/backfills"),
    Page("backfill", "/backfills/{backfill_id}", "Backfill", "/backfills"),
)


def render_page(page: Page, params: dict[str, str]) -> str:
    """The HTML shell of ``page``; ``params`` (URL parameters) become ``data-*`` attributes.

    Args:
        page: The page to render.
        params: Path parameters, e.g. ``{"run_id": "..."}``; escaped into attributes.

    Returns:
        A complete HTML document.
    """
    nav = "".join(
        f'<a href="{href}"{" aria-current=page" if href == page.section else ""}>'
        f"{html.escape(label)}</a>"
        for href, label in NAV_LINKS
    )
    data = {"page": page.name, **params}
    attributes = " ".join(
        f'data-{name.replace("_", "-")}="{html.escape(value, quote=True)}"'
        for name, value in data.items()
    )
    title = html.escape(page.title)
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} · headwater</title>"
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
        '<link rel="stylesheet" href="/static/app.css">'
        + "".join(f'<link rel="preload" href="{html.escape(url, quote=True)}" as="fetch" '
                  'crossorigin="anonymous">' for url in page.preload)
        + f'<script type="module" src="{page.module}"></script>'
        f"</head><body {attributes}>"
        '<header class="topbar"><a class="brand" href="/">headwater</a>'
        f'<nav aria-label="Main">{nav}</nav>'
        '<button id="search-open" class="search-open" type="button" '
        'title="Search (Ctrl K)">Search <kbd>Ctrl K</kbd></button>'
        '<span id="health" class="health" role="status" aria-live="polite">daemon: …</span>'
        "</header>"
        f'<main id="main"><h1 id="title">{title}</h1>'
        '<div id="notice" role="alert" hidden></div>'
        '<div id="page" aria-busy="true">Loading…</div></main>'
        f'<noscript>{html.escape("This page needs JavaScript.")}</noscript>'
        "</body></html>\n"
    )


def page_endpoint(page: Page) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint serving ``page`` with the security headers.

    Args:
        page: The page the endpoint renders.

    Returns:
        An async request handler.
    """

    async def endpoint(request: Request) -> Response:
        params = {name: str(value) for name, value in request.path_params.items()}
        return HTMLResponse(render_page(page, params), headers=SECURITY_HEADERS)

    endpoint.__name__ = f"ui_{page.name}"
    return endpoint

