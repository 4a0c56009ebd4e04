"""The page's files as a classroom's Wi-Fi wants them: compressed, cached, content-addressed.

The page links its stylesheets and its entry script with `?v=<hash of the file>` (asset_url), so a
browser may keep them for a year (`immutable`): a changed file has a new URL. Everything else
under /static (the modules main.js imports) is revalidated with its ETag, a 304 of a few hundred
bytes on a repeat visit. Plotly.js is gzipped once, when first asked for, and sent compressed to
every browser that accepts gzip (1.5 MB instead of 4.8 MB); the page loads it only when it first
draws a chart.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # keep it, but ask with its ETag every time (a 304 when unchanged)


@dataclass(frozen=True)
class Asset:
    """A file's bytes, their gzip and their content hash."""

    raw: bytes
    gzipped: bytes
    etag: str

    @property
    def version(self) -> str:
        """The short hash that asset URLs carry."""
        return self.etag.strip('"')[:12]


_lock = threading.Lock()


@lru_cache(maxsize=64)
def asset(path: Path) -> Asset:
    """The file at `path`, read, hashed and gzipped once per process."""
    with _lock:
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        return Asset(raw, gzip.compress(raw, compresslevel=9, mtime=0), f'"{digest[:32]}"')


def asset_url(static_dir: Path, name: str) -> str:
    """`/static/<name>?v=<hash>` for a file under static_dir (the template's link)."""
    return f"/static/{name}?v={asset(static_dir / name).version}"


class CacheHeaders:
    """Cache-Control for /static and /vendor: a year for a content-addressed URL (?v=...),
    revalidation otherwise. Pure ASGI, so WebSockets pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(("/static/", "/vendor/")):
            await self.app(scope, receive, send)
            return
        versioned = b"v=" in scope.get("query_string", b"")

        async def send_with_cache(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"cache-control"]
                headers.append((b"cache-control", (YEAR if versioned else REVALIDATE).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cache)
