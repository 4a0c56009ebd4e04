"""FastAPI dependencies of the routes: the app's Service, as `Depends` resolves it for an HTTP
request and a WebSocket alike (the lifespan puts it on app.state; nothing else reads there)."""

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from app.service import Service


def get_service(connection: HTTPConnection) -> Service:
    """The app's Service (made by the lifespan, app.service.lifespan)."""
    return connection.app.state.service


def get_service_if_started(connection: HTTPConnection) -> Service | None:
    """The Service, or None before the lifespan made it (the health check answers anyway)."""
    return getattr(connection.app.state, "service", None)


ServiceDep = Annotated[Service, Depends(get_service)]
MaybeServiceDep = Annotated[Service | None, Depends(get_service_if_started)]
