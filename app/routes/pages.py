"""The page, the health check and the locally served Plotly.js."""

import json
from functools import partial
from pathlib import Path

import plotly
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

import rnn_core
from app import __version__
from app.assets import asset, asset_url
from app.deps import MaybeServiceDep
from app.settings import get_settings

router = APIRouter()
templates = Jinja2Templates(directory=str(get_settings().templates_dir))
templates.env.globals["asset_url"] = partial(asset_url, get_settings().static_dir)
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    """The single page of the app."""
    # the labs' menus list the engine's own choices (rnn_core.options: one owner)
    options = json.dumps(rnn_core.options(), separators=(",", ":"))
    return templates.TemplateResponse(
        request, "index.html", {"version": __version__, "options": options}
    )


@router.get("/healthz")
def healthz(service: MaybeServiceDep) -> dict:
    """Liveness probe for Docker and the tests; `baselines` is "ready" once the n-grams of every
    built-in model are fitted (until then a first sentence in a language waits for its own)."""
    ready = service is not None and service.models.warm.is_set()
    return {"status": "ok", "version": __version__, "baselines": "ready" if ready else "fitting"}


@router.get("/vendor/plotly.min.js", include_in_schema=False)
def plotly_js(request: Request) -> Response:
    """Plotly.js from the installed plotly wheel (the page needs no internet), compressed once
    and sent as Brotli or gzip to every browser that accepts one; 304 when the browser has it."""
    js = asset(PLOTLY_JS)
    headers = {"ETag": js.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == js.etag:
        return Response(status_code=304, headers=headers)
    body, encoding = js.encoded(request.headers.get("accept-encoding", ""))
    if encoding is not None:
        headers["Content-Encoding"] = encoding
    return Response(body, media_type="text/javascript", headers=headers)


def plotly_url() -> str:
    """/vendor/plotly.min.js?v=<hash>: the page's one URL for it."""
    return f"/vendor/plotly.min.js?v={asset(PLOTLY_JS).version}"


templates.env.globals["plotly_url"] = plotly_url
