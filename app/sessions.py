"""Sessions: the registry of live sessions, their outboxes (ordered frames, gapless seq) and the
worker pool that runs engine work off the event loop.

One session = one browser tab: its own model copy, optimizer state, settings, uploaded corpus,
training run and held bptt pass. Requests of one session are handled one after the other by the
session's processor task, so its frames stay in order; engine work goes to worker threads
(`Pool.interactive` for requests, `Pool.training` for everything a training run computes), so
no session blocks another.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import orjson
from anyio.to_thread import run_sync
from pydantic import BaseModel

from app.errors import Busy, ProtocolError
from app.protocol import Error, Frame
from rnn_core.blas import blas_threads

log = logging.getLogger("unrolled.sessions")

# Every token holds this process's boot id, so a token of an earlier run of the server can be
# told from an expired one: "the server restarted" rather than "your session expired". In a
# cluster a token starts with its process's node name, which the proxy routes by (docs/deploy.md).
BOOT_ID = secrets.token_urlsafe(6)


def _fields(obj: object) -> dict:
    """orjson's fallback: a (possibly unvalidated, model_construct-ed) pydantic model's fields."""
    if isinstance(obj, BaseModel):
        return obj.__dict__
    raise TypeError(f"cannot encode {type(obj).__name__}")


def encode(frame: Frame, max_bytes: int) -> bytes:
    """A frame as JSON bytes without `seq` (stamped at send time); refused above max_bytes.

    NaN and ±inf become null (orjson's rule); the builders set the frame's `nonfinite` flag.
    Large frames are built with model_construct (no validation: the tests validate every
    frame they receive against app.protocol), so this encodes the fields as they are.
    """
    fields = {name: value for name, value in frame.__dict__.items() if name != "seq"}
    body = orjson.dumps(fields, default=_fields)
    if len(body) > max_bytes:
        raise ProtocolError(
            "frame_too_large",
            f"the answer would be {len(body)} bytes, above the limit of {max_bytes}; "
            "ask for less (a shorter sentence, full=false or a smaller model)",
        )
    return body


def stamp(body: bytes, seq: int) -> str:
    """Insert `"seq": seq` into an encoded frame."""
    return '{"seq":' + str(seq) + "," + body[1:].decode()


def error_body(
    re: Any, code: str, message: str, field: str | None = None, params: dict | None = None
) -> bytes:
    """An encoded error frame."""
    frame = Error(re=re, code=code, message=message, field=field, params=params)
    return encode(frame, 1 << 20)


@dataclass
class _Item:
    """One queued frame; a progress item may be overwritten until it is sent."""

    body: bytes
    progress: bool = False


class Outbox:
    """The session's frames in order; an unsent progress frame is replaced by a newer one.

    The frames waiting are bounded by `max_bytes`: a client that does not read lets them pile
    up, and once they pass the bound they are dropped, `overflowed` is set and `on_overflow`
    called, so that connection is closed (the session stays, to be resumed) instead of the
    server growing.
    """

    def __init__(self, max_bytes: int = 1 << 62) -> None:
        self._items: deque[_Item] = deque()
        self._pending_progress: _Item | None = None
        self._wake = asyncio.Event()
        self.max_bytes = max_bytes
        self.bytes = 0
        self.overflowed = False
        self.on_overflow: Callable[[], None] | None = None

    def _add(self, item: _Item, front: bool = False) -> None:
        if front:
            self._items.appendleft(item)
        else:
            self._items.append(item)
        self.bytes += len(item.body)
        if self.bytes > self.max_bytes:
            self.clear()
            self.overflowed = True
            if self.on_overflow is not None:
                self.on_overflow()
        self._wake.set()

    def clear(self) -> None:
        """Drop every waiting frame."""
        self._items.clear()
        self._pending_progress = None
        self.bytes = 0

    def put(self, body: bytes) -> None:
        """Queue a frame at the back."""
        self._add(_Item(body))

    def put_front(self, body: bytes) -> None:
        """Queue a frame first (a hello, or a frame a closed connection could not send)."""
        self._add(_Item(body), front=True)

    def put_progress(self, body: bytes) -> None:
        """Queue a progress frame, or replace the one still waiting."""
        if self._pending_progress is not None:
            self.bytes += len(body) - len(self._pending_progress.body)
            self._pending_progress.body = body
            return
        item = _Item(body, progress=True)
        self._pending_progress = item
        self._add(item)

    def drop_progress(self) -> None:
        """Forget an unsent progress frame (training ended: the done frame supersedes it)."""
        if self._pending_progress is not None:
            self._items.remove(self._pending_progress)
            self.bytes -= len(self._pending_progress.body)
            self._pending_progress = None

    def wake(self) -> None:
        """Wake the sender without a frame (it re-checks its connection)."""
        self._wake.set()

    def __len__(self) -> int:
        return len(self._items)

    async def get(self) -> bytes | None:
        """The next frame, or None when woken without one."""
        if not self._items:
            self._wake.clear()
            await self._wake.wait()
            if not self._items:
                return None
        item = self._items.popleft()
        self.bytes -= len(item.body)
        if item is self._pending_progress:
            self._pending_progress = None
        return item.body


class Pool:
    """Worker threads: `interactive` for requests, `heavy` for the costly ones (gradcheck,
    vanishing, a bptt pass, reading an upload), `training` for training slices. Each session
    runs one job at a time (its queue), and costly requests only ever take the `heavy` workers,
    so however many sessions send them, the interactive workers stay free for predicts.

    Each job runs with `blas` BLAS threads in its worker: the server already runs sessions in
    parallel, and OpenBLAS splitting every small product over more threads on the same cores
    made a training step of the page model 5-30× slower (measured 1.5 ms vs 8-50 ms).
    """

    def __init__(self, workers: int, train_workers: int, blas: int = 1, heavy: int = 1) -> None:
        self.interactive = anyio.CapacityLimiter(workers)
        self.heavy = anyio.CapacityLimiter(heavy)
        self.training = anyio.CapacityLimiter(train_workers)
        self.blas = blas

    def _job(self, fn: Callable[..., Any], *args: Any) -> Any:
        with blas_threads(self.blas):
            return fn(*args)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args) on an interactive worker (a request), awaited."""
        return await run_sync(self._job, fn, *args, limiter=self.interactive)

    async def run_heavy(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args) on a heavy worker (a costly request), awaited."""
        return await run_sync(self._job, fn, *args, limiter=self.heavy)

    async def train(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args) on a training worker (anything a training run computes), awaited."""
        return await run_sync(self._job, fn, *args, limiter=self.training)


TOO_SLOW = 4008  # close code: the client did not read its frames (the outbox overflowed)


class Connection:
    """One WebSocket connection: its seq counter and the sender task that drains a session."""

    def __init__(
        self,
        send_text: Callable[[str], Awaitable[None]],
        close: Callable[[int], Awaitable[None]],
    ) -> None:
        self.send_text = send_text
        self._close = close
        self.session: Session | None = None
        self.seq = 0
        self.closed = False
        self.pump_task: asyncio.Task | None = None

    def overflow(self) -> None:
        """The client let its outbox overflow (it does not read): stop sending, even mid-frame,
        and close the connection with TOO_SLOW. The session stays, to be resumed."""
        if self.closed:
            return
        log.warning("a client did not read its frames; its connection is closed")
        self.closed = True
        if self.pump_task is not None:
            self.pump_task.cancel()
        asyncio.ensure_future(self.close(TOO_SLOW))

    async def pump(self) -> None:
        """Send the attached session's frames, stamping seq 0, 1, 2, ... until closed."""
        while not self.closed:
            session = self.session
            if session is None:
                return
            body = await session.outbox.get()
            if body is None:
                continue
            if self.closed or self.session is not session:
                session.outbox.put_front(body)
                continue
            try:
                await self.send_text(stamp(body, self.seq))
            except Exception:
                session.outbox.put_front(body)
                self.closed = True
                return
            self.seq += 1

    async def close(self, code: int) -> None:
        """Close the socket (taken over by another connection, or server busy)."""
        self.closed = True
        try:
            await self._close(code)
        except Exception:
            log.info("closing a connection that was already gone")


@dataclass
class Job:
    """Work from outside the WebSocket (an HTTP upload), run in the session's own turn: after
    the requests queued before it, before those after, never beside another of its jobs."""

    work: Callable[[], Awaitable[Any]]
    done: asyncio.Future


@dataclass
class Session:
    """Per-tab state. `state` holds the model and everything the handlers keep (app.service)."""

    token: str
    state: Any
    client: str = ""
    outbox: Outbox = field(default_factory=Outbox)
    inbox: asyncio.Queue = field(default_factory=asyncio.Queue)
    lock: threading.Lock = field(default_factory=threading.Lock)
    connection: Connection | None = None
    detached_at: float | None = None
    tasks: dict[str, asyncio.Task] = field(default_factory=dict)
    processor: asyncio.Task | None = None

    def send(self, body: bytes) -> None:
        """Queue an encoded frame."""
        self.outbox.put(body)

    def error(
        self,
        re: Any,
        code: str,
        message: str,
        field: str | None = None,
        params: dict | None = None,
    ) -> None:
        """Queue an error frame."""
        self.outbox.put(error_body(re, code, message, field, params))

    def refuse(self, exc: ProtocolError, re: Any) -> None:
        """Queue the error frame of a refused request."""
        self.error(re, exc.code, exc.message, exc.field, exc.params)

    async def in_turn(self, work: Callable[[], Awaitable[Any]], max_waiting: int) -> Any:
        """Run `work` in the session's queue and return its result (or raise its error);
        Busy when `max_waiting` items already wait."""
        if self.inbox.qsize() >= max_waiting:
            raise Busy(f"{max_waiting} requests are already waiting; try again in a moment")
        done = asyncio.get_running_loop().create_future()
        self.inbox.put_nowait(Job(work, done))
        return await done

    def start_task(self, name: str, coro: Awaitable[None]) -> asyncio.Task:
        """Run a background coroutine (a stream or a training run) under a name."""
        task = asyncio.ensure_future(coro)
        self.tasks[name] = task
        task.add_done_callback(
            lambda t: self.tasks.pop(name, None) if self.tasks.get(name) is t else None
        )
        return task

    async def stop_task(self, name: str) -> None:
        """Cancel a background task by name and wait until it has stopped."""
        task = self.tasks.pop(name, None)
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass


class SessionRegistry:
    """All live sessions, by token; creates, resumes, expires them."""

    def __init__(
        self,
        max_sessions: int,
        idle_timeout_s: float,
        new_state: Callable[[], Any],
        handle: Callable[[Session, Any], Awaitable[None]],
        close_state: Callable[[Session], Awaitable[None]],
        max_per_client: int | None = None,
        max_outbox_bytes: int = 1 << 62,
        node: str = "",
    ) -> None:
        self.max_outbox_bytes = max_outbox_bytes
        self.prefix = f"{node}." if node else ""
        self.max_sessions = max_sessions
        self.max_per_client = max_per_client or max_sessions
        self.idle_timeout_s = idle_timeout_s
        self._new_state = new_state
        self._handle = handle
        self._close_state = close_state
        self.sessions: dict[str, Session] = {}

    def get(self, token: str) -> Session | None:
        """The live session with this token (None if unknown or expired)."""
        session = self.sessions.get(token)
        if session is not None and self._expired(session, time.monotonic()):
            return None
        return session

    def _expired(self, session: Session, now: float) -> bool:
        return session.detached_at is not None and now - session.detached_at > self.idle_timeout_s

    async def create(self, client: str = "") -> Session:
        """A fresh session for `client` (its address); Busy when max_sessions are alive, or
        max_per_client of this client's."""
        await self.reap()
        if len(self.sessions) >= self.max_sessions:
            raise Busy(f"the server has {self.max_sessions} sessions; try again later")
        own = sum(1 for s in self.sessions.values() if s.client == client)
        if own >= self.max_per_client:
            raise Busy(
                f"your address has {own} sessions open, the most one address may have; close "
                "a tab or wait a minute"
            )
        state = await self._new_state()
        token = f"{self.prefix}{BOOT_ID}.{secrets.token_urlsafe(24)}"
        session = Session(token=token, state=state, client=client)
        session.outbox.max_bytes = self.max_outbox_bytes
        session.processor = asyncio.ensure_future(self._process(session))
        self.sessions[session.token] = session
        return session

    def restore(self, token: str, state: Any) -> Session:
        """A session saved by an earlier run (persistence), waiting for its tab to reconnect
        within the grace."""
        session = Session(token=token, state=state)
        session.outbox.max_bytes = self.max_outbox_bytes
        session.detached_at = time.monotonic()
        session.processor = asyncio.ensure_future(self._process(session))
        self.sessions[token] = session
        return session

    async def _process(self, session: Session) -> None:
        """Handle the session's requests one after the other."""
        while True:
            message = await session.inbox.get()
            await self._handle(session, message)

    def attach(self, session: Session, connection: Connection) -> Connection | None:
        """Give the session to a connection; returns the connection it was taken from."""
        previous = session.connection
        if previous is not None and previous is not connection:
            previous.closed = True
            previous.session = None
        session.connection = connection
        session.detached_at = None
        connection.session = session
        session.outbox.overflowed = False
        session.outbox.on_overflow = connection.overflow
        session.outbox.wake()
        return previous

    def detach(self, session: Session, connection: Connection) -> None:
        """The connection went away: the session waits idle_timeout_s (the reconnect grace) for
        a resume."""
        if session.connection is connection:
            session.connection = None
            session.detached_at = time.monotonic()
            session.outbox.on_overflow = None
            session.outbox.wake()

    async def reap(self) -> None:
        """Delete sessions that have been detached longer than idle_timeout_s."""
        now = time.monotonic()
        for token, session in list(self.sessions.items()):
            if self._expired(session, now):
                await self.remove(token)

    async def remove(self, token: str) -> None:
        """Stop a session's tasks and forget it."""
        session = self.sessions.pop(token, None)
        if session is None:
            return
        for name in list(session.tasks):
            await session.stop_task(name)
        if session.processor is not None:
            session.processor.cancel()
        await self._close_state(session)

    async def close(self) -> None:
        """Stop every session (server shutdown)."""
        for token in list(self.sessions):
            await self.remove(token)

    async def reaper(self, every_s: float) -> None:
        """Reap expired sessions every `every_s` seconds, forever."""
        while True:
            await asyncio.sleep(every_s)
            try:
                await self.reap()
            except Exception:
                log.exception("reaping sessions failed")


def gone_message(token: str) -> str:
    """Why a token reaches no session: the server restarted since, or the session expired."""
    if BOOT_ID not in token.split(".")[:-1]:
        return "the server restarted since that session was opened; its model was not kept"
    return "that session has expired (closed for longer than the reconnect grace)"
