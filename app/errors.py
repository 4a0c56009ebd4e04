"""The server's refusals, raised anywhere in app/ and turned into frames or HTTP answers at the
edge: ProtocolError becomes an `error` frame (code, message, field, params; never a traceback),
Busy a closed connection (1013) or a 503."""

from typing import Any


class ProtocolError(Exception):
    """A request the server refuses; becomes an `error` frame (never a traceback)."""

    def __init__(
        self,
        code: str,
        message: str,
        field: str | None = None,
        re: Any = None,
        params: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.re = re
        self.params = params


class Busy(Exception):
    """No room for another session (for everyone, or for this client)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
