"""Builds the FastAPI app: middleware, routers and static files."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from app import __version__
from app.assets import CacheHeaders
from app.routes import api, apidocs, pages, ws
from app.security import SecurityHeaders, keep_tokens_out_of_logs
from app.service import lifespan
from app.settings import get_settings


def create_app() -> FastAPI:
    """The Unrolled application."""
    settings = get_settings()
    keep_tokens_out_of_logs()
    application = FastAPI(
        title="Unrolled", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    application.add_middleware(CacheHeaders)
    application.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    application.add_middleware(SecurityHeaders)
    application.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    application.mount("/vendor/swagger", apidocs.assets, name="swagger")
    application.include_router(pages.router)
    application.include_router(apidocs.router)
    application.include_router(api.router)
    application.include_router(ws.router)
    return application


app = create_app()
