"""Fixtures of the HTTP and WebSocket tests: a tiny world of models and corpora per test module,
the app on it, and a fresh session (WebSocket) per test."""

import pytest
from fastapi.testclient import TestClient

from tests.app.wsutil import make_app, session, tiny_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Tiny corpora and built-in models in a temporary folder (see wsutil.tiny_world)."""
    return tiny_world(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="module")
def client(world):
    """The app served on `world`, start-up (model loading) included."""
    with TestClient(make_app(world)) as client:
        yield client


@pytest.fixture
def ws(client):
    """A new session: its frames reader, with the hello frame and the session token."""
    with session(client) as frames:
        yield frames
