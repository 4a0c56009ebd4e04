"""Response headers that keep the page to its own scripts: a strict CSP and friends."""

import logging
import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# img-src blob:: Plotly.toImage draws a chart for PNG export through a blob: image it made itself.
# connect-src https:: a teacher's tour file named by ?tour=<url> is fetched by the page (as text,
# checked by POST /api/tours, drawn as text); scripts stay the page's own.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self' https:; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def origin_allowed(headers: Mapping[str, str], allowed: Sequence[str]) -> bool:
    """A request may act on sessions when it has no Origin (not a browser), comes from the
    page's own origin (Origin's host:port is the Host it was sent to) or from `allowed`.

    Without this, any web page could open sessions through its visitors' browsers.
    """
    origin = headers.get("origin")
    if origin is None:
        return True
    if origin in allowed:
        return True
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()


_TOKEN = re.compile(r"(session=|/sessions/)[^/&\s\"']+")


def redact(text: str) -> str:
    """Session tokens in a URL or log line replaced by "…"."""
    return _TOKEN.sub(r"\1…", text)


class RedactTokens(logging.Filter):
    """Keeps session tokens out of uvicorn's access and connection logs: a token in a log is a
    session anyone who reads the log could take over."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def keep_tokens_out_of_logs() -> None:
    """Install RedactTokens on the loggers uvicorn writes requests and WebSockets to."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


CRASHED = JSONResponse(
    {"detail": {"code": "internal", "message": "the server failed; the error is in its log"}},
    status_code=500,
)


class SecurityHeaders:
    """Pure ASGI middleware (no buffering, so WebSockets and streams pass untouched); a crash
    is answered here with a 500 that carries the headers too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette's own 500 page is sent outside this middleware, without the headers:
            # answer here, then re-raise so the server still logs the error.
            if not started:
                await CRASHED(scope, receive, send_with_headers)
            raise
