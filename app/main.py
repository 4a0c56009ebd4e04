"""Builds the FastAPI app: middleware, routers and static files."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import __version__
from app.routes import api, pages, ws
from app.security import SecurityHeaders
from app.service import lifespan
from app.settings import get_settings


def create_app() -> FastAPI:
    """The Unrolled application."""
    settings = get_settings()
    application = FastAPI(title="Unrolled", version=__version__, lifespan=lifespan)
    application.add_middleware(SecurityHeaders)
    application.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    application.include_router(pages.router)
    application.include_router(api.router)
    application.include_router(ws.router)
    return application


app = create_app()
