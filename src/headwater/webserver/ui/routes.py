"""Routes for the browser UI: one HTML shell per page plus the vendored static files."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from headwater.webserver.ui.pages import PAGES, page_endpoint

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def ui_routes() -> list[BaseRoute]:
    """Return the page routes and the ``/static`` mount for ``create_app`` to include.

    Returns:
        One ``Route`` per UI page (GET only) followed by ``Mount("/static", ...)``.
    """
    routes: list[BaseRoute] = [
        Route(page.path, page_endpoint(page), methods=["GET"], name=f"ui:{page.name}")
        for page in PAGES
    ]
    routes.append(Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"))
    return routes
