"""The page's files as a classroom's Wi-Fi wants them: compressed, cached, content-addressed.

The page links its stylesheets and its entry script with `?v=<hash of the file>` (asset_url), so a
browser may keep them for a year (`immutable`): a changed file has a new URL. Everything else
under /static (the modules main.js imports) is revalidated with its ETag, a 304 of a few hundred
bytes on a repeat visit. Plotly.js is compressed once, when first asked for, and sent as Brotli to
browsers that accept it (1.23 MB instead of 4.8 MB; every current browser does, also over plain
http), as gzip otherwise (1.47 MB); the page loads it only when it first draws a chart.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import brotli
from starlette.types import ASGIApp, Message, Receive, Scope, Send

YEAR = "public, max-age=31536000, immutable"
# Brotli 9 takes Plotly.js (4.8 MB) to 1.23 MB in 0.5 s; 11 would reach 1.11 MB in 11 s, too long
# for the first request that asks for it (measured 2026-12-01).
BROTLI_QUALITY = 9
REVALIDATE = "no-cache"  # keep it, but ask with its ETag every time (a 304 when unchanged)


@dataclass(frozen=True)
class Asset:
    """A file's bytes, their gzip and Brotli encodings and their content hash."""

    raw: bytes
    gzipped: bytes
    brotli: bytes
    etag: str

    def encoded(self, accept_encoding: str) -> tuple[bytes, str | None]:
        """The smallest encoding the request's Accept-Encoding allows: (body, Content-Encoding)."""
        offered = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")}
        if "br" in offered:
            return self.brotli, "br"
        if "gzip" in offered:
            return self.gzipped, "gzip"
        return self.raw, None

    @property
    def version(self) -> str:
        """The short hash that asset URLs carry."""
        return self.etag.strip('"')[:12]


_lock = threading.Lock()


@lru_cache(maxsize=64)
def asset(path: Path) -> Asset:
    """The file at `path`, read, hashed and compressed once per process."""
    with _lock:
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        return Asset(
            raw,
            gzip.compress(raw, compresslevel=9, mtime=0),
            brotli.compress(raw, quality=BROTLI_QUALITY),
            f'"{digest[:32]}"',
        )


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
