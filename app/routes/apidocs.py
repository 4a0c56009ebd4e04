"""OpenAPI docs at /docs with Swagger UI served from the installed swagger-ui-bundle-v2 (no CDN)."""

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.routes.pages import templates

SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)
router = APIRouter()
assets = StaticFiles(directory=SWAGGER_DIR)


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI for /openapi.json; its start-up script is a static file, so the CSP holds."""
    return templates.TemplateResponse(request, "apidocs.html", {})
