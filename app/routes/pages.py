"""The page, the health check and the locally served Plotly.js."""

from pathlib import Path

import plotly
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from app import __version__
from app.settings import get_settings

router = APIRouter()
templates = Jinja2Templates(directory=str(get_settings().templates_dir))
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    """The single page of the app."""
    return templates.TemplateResponse(request, "index.html", {"version": __version__})


@router.get("/healthz")
def healthz() -> dict:
    """Liveness probe for Docker and the tests."""
    return {"status": "ok", "version": __version__}


@router.get("/vendor/plotly.min.js", include_in_schema=False)
def plotly_js() -> FileResponse:
    """Plotly.js from the installed plotly wheel: the page needs no internet."""
    return FileResponse(PLOTLY_JS, media_type="text/javascript")
