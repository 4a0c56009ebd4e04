"""Builds the FastAPI app: middleware, routers and static files."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import __version__
from app.routes import pages
from app.security import SecurityHeaders
from app.settings import get_settings


def create_app() -> FastAPI:
    """The Unrolled application."""
    settings = get_settings()
    application = FastAPI(title="Unrolled", version=__version__)
    application.add_middleware(SecurityHeaders)
    application.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    application.include_router(pages.router)
    return application


app = create_app()
