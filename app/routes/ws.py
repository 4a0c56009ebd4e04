"""The WebSocket at /ws: one connection = one session (resumable with ?session=TOKEN)."""

import asyncio
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app import training
from app.deps import ServiceDep
from app.protocol import Resume
from app.security import origin_allowed
from app.service import Service, parse
from app.sessions import (
    Busy,
    Connection,
    ProtocolError,
    Session,
    error_body,
    gone_message,
    stamp,
)

router = APIRouter()

TAKEN_OVER = 4001  # close code: another connection resumed this session
TRY_LATER = 1013
POLICY = 1008  # close code: a page of another origin opened the socket


@router.websocket("/ws")
async def websocket_session(
    websocket: WebSocket, service: ServiceDep, session: str | None = None
) -> None:
    """Open or resume a session, then read messages until the client goes away."""
    if not origin_allowed(websocket.headers, service.settings.allowed_origins):
        await websocket.close(POLICY)  # before accept: the handshake is refused (HTTP 403)
        return
    await websocket.accept()
    conn = Connection(websocket.send_text, websocket.close)
    client = websocket.client.host if websocket.client else ""
    attached = await _open(service, conn, session, client)
    if not attached:
        return
    pump = conn.pump_task = asyncio.ensure_future(conn.pump())
    try:
        await _read(service, websocket, conn)
    except WebSocketDisconnect:
        pass
    finally:
        conn.closed = True
        if conn.session is not None:
            current = conn.session
            service.sessions.detach(current, conn)
            if current.connection is None:
                await current.stop_task("stream")
                training.pause_on_drop(current)
        pump.cancel()


async def _open(service: Service, conn: Connection, token: str | None, client: str) -> bool:
    """Attach the connection to the session `token` or a new one; hello first. False if busy."""
    sessions = service.sessions
    session = sessions.get(token) if token else None
    resumed = session is not None
    if session is None:
        try:
            session = await sessions.create(client)
        except Busy as exc:
            body = error_body(None, "busy", exc.message)
            await conn.send_text(stamp(body, 0))
            await conn.close(TRY_LATER)
            return False
    await _attach(service, conn, session, resumed, None)
    if token and not resumed:
        message = f"{gone_message(token)}; this is a new session"
        session.outbox.put(error_body(None, "unknown_session", message))
    return True


async def _attach(
    service: Service, conn: Connection, session: Session, resumed: bool, re: Any
) -> None:
    """Give the session to conn with hello first; close the connection it was taken from."""
    previous = service.sessions.attach(session, conn)
    training.resume_on_reconnect(session)
    session.outbox.put_front(service.hello(session, resumed, re))
    if previous is not None:
        await previous.close(TAKEN_OVER)


async def _read(service: Service, websocket: WebSocket, conn: Connection) -> None:
    """Parse every incoming message and queue it for the session (errors in order too)."""
    while not conn.closed:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text")
        if raw is None:
            raw = message.get("bytes") or b""
        try:
            item = parse(raw, service.settings)
        except ProtocolError as exc:
            item = exc
        if conn.session is None:
            return
        if not isinstance(item, ProtocolError) and isinstance(item[1], Resume):
            await _resume(service, conn, item[0], item[1].session)
            continue
        if conn.session.inbox.qsize() >= service.settings.max_inbox:
            re = item.re if isinstance(item, ProtocolError) else item[0]
            limit = service.settings.max_inbox
            conn.session.error(re, "busy", f"{limit} requests are already waiting; send fewer")
            continue
        conn.session.inbox.put_nowait(item)


async def _resume(service: Service, conn: Connection, re: Any, token: str) -> None:
    """Switch this connection to the session `token`."""
    current = conn.session
    target = service.sessions.get(token)
    if target is None:
        current.error(re, "unknown_session", gone_message(token), "session")
        return
    if target is current:
        current.outbox.put(service.hello(current, True, re))
        return
    service.sessions.detach(current, conn)
    await _attach(service, conn, target, True, re)
    current.outbox.wake()
