"""HTTP API: built-in models, a session's model as .npz (download/upload) and corpus upload."""

from __future__ import annotations

import io
import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import engine_bridge as bridge
from app.deps import ServiceDep
from app.errors import Busy, ProtocolError
from app.models import LM, checkpoint_lm
from app.protocol import BuiltinModel, Configured, ModelInfo, Train, Unit
from app.security import origin_allowed
from app.service import Hyper, Service
from app.sessions import Session, gone_message
from app.tour import MAX_BYTES as TOUR_MAX_BYTES
from app.tour import Tour, TourError, builtin_tour, parse_tour
from app.training import UserCorpus, corpus_vocab, fitting_batch_size, read_corpus
from rnn_core.io import LoadLimits, ModelFormatError, ModelTooLarge, load, to_bytes
from rnn_core.text import MIN_COUNT
from rnn_core.views import all_finite

router = APIRouter(prefix="/api", tags=["api"])

STATUS = {
    "too_large": 413,
    "not_text": 415,
    "empty": 422,
    "training": 409,
    "invalid": 422,
    "limit": 422,
}
UPLOAD_TRAIN_ID = "upload"  # the `re` of frames of a training started by a corpus upload


class CorpusSummary(BaseModel):
    """What the server read from an uploaded corpus (batch_size: of the run it started)."""

    bytes: int
    sentences: int
    tokens: int
    language: str
    unit: Unit
    vocab_size: int
    training: bool
    batch_size: int | None = None


def _fail(code: str, message: str, status: int | None = None) -> HTTPException:
    """An HTTP error with the protocol's {code, message} body (status by code)."""
    return HTTPException(status or STATUS.get(code, 400), {"code": code, "message": message})


def _session(service: Service, request: Request, token: str) -> Session:
    """The live session with this token; 404 otherwise, 403 for an upload from another site."""
    if request.method == "POST" and not origin_allowed(
        request.headers, service.settings.allowed_origins
    ):
        raise _fail("forbidden_origin", "uploads come from the page's own origin only", 403)
    session = service.sessions.get(token)
    if session is None:
        raise _fail("unknown_session", gone_message(token), 404)
    return session


MULTIPART_SLACK = 65536  # bytes a multipart body may hold besides its file (boundaries, headers)


async def _body(request: Request, limit: int) -> bytes:
    """The request body (or its multipart field `file`), refused above `limit` bytes.

    The body is read from the socket with a hard byte limit whatever the transfer encoding
    (a Content-Length is checked first when there is one), and only the bytes read are parsed:
    nothing is spooled to disk, nothing larger than the limit is held.
    """
    multipart = request.headers.get("content-type", "").startswith("multipart/form-data")
    hard = limit + (MULTIPART_SLACK if multipart else 0)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > hard:
        raise _fail("too_large", f"the upload has {declared} bytes; the limit is {limit}")
    raw = await _bounded(request, hard)
    data = await _multipart_file(request, raw) if multipart else raw
    if len(data) > limit:
        raise _fail("too_large", f"the upload is larger than the limit of {limit} bytes")
    return data


async def _bounded(request: Request, limit: int) -> bytes:
    """The raw body, refused (413) as soon as it passes `limit` bytes."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _fail("too_large", f"the upload is larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _multipart_file(request: Request, raw: bytes) -> bytes:
    """The multipart field `file` of a body already read (and bounded)."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": raw, "more_body": False}

    try:
        form = await Request(request.scope, replay).form()
    except StarletteHTTPException as exc:
        raise _fail("invalid", f"the multipart upload cannot be read: {exc.detail}", 400) from None
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise _fail("empty", "send the file in the multipart field 'file'")
    return await upload.read()


@router.get("/models", response_model=list[BuiltinModel])
def builtin_models(service: ServiceDep) -> list[BuiltinModel]:
    """The built-in models (as in the WebSocket's hello)."""
    return [bridge.builtin_info(lm) for lm in service.models.builtins.values()]


@router.get(
    "/sessions/{token}/model",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download_model(request: Request, token: str, service: ServiceDep) -> Response:
    """The session's current model as .npz (rnn_core.io format, vocabulary inside)."""
    session = _session(service, request, token)

    def build() -> bytes:
        state = session.state
        with session.lock:
            return to_bytes(
                state.lm.model,
                vocab=state.lm.vocab.to_list(),
                optimizer=state.optimizer,
                extra=state.lm.file_extra(),
            )

    data = await service.pool.run(build)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": attachment(f"{session.state.lm.name}.npz"),
            "Cache-Control": "no-store",
        },
    )


def attachment(filename: str) -> str:
    """A Content-Disposition for a download (RFC 6266): an ASCII fallback name made only of
    safe characters, and the real name percent-encoded in filename* (quotes, CR/LF and
    non-ASCII letters can neither break the header nor inject a parameter)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "model.npz"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.post("/sessions/{token}/model", response_model=ModelInfo)
async def upload_model(request: Request, token: str, service: ServiceDep) -> ModelInfo:
    """Load a .npz model into the session (no pickle, size and shape limits)."""
    session = _session(service, request, token)
    data = await _body(request, service.settings.max_model_bytes)

    async def load_into_session() -> ModelInfo:  # in the session's turn: no run starts meanwhile
        state = session.state
        if state.training_state != "idle":
            raise _fail("training", "stop training before loading a model")
        lm, optimizer = await service.pool.run_heavy(_read_model, service, data)
        try:
            service.check_memory(session, lm.model.config)
        except ProtocolError as exc:
            raise _fail("too_large", exc.message) from None
        hyper = None
        if optimizer is not None:
            kept = state.hyper
            hyper = Hyper(optimizer.name, optimizer.lr, kept.clip, kept.truncate)
        state.use_model(lm, optimizer, hyper)
        info = service.model_info(state)
        service.send(session, Configured(model=info), None)
        return info

    return await _in_turn(service, session, load_into_session)


async def _in_turn(service: Service, session: Session, work) -> object:
    """Run an upload's work in the session's queue (one engine job at a time per session)."""
    try:
        return await session.in_turn(work, service.settings.max_inbox)
    except Busy as exc:
        raise _fail("busy", exc.message, 503) from None


def _read_model(service: Service, data: bytes) -> tuple[LM, object]:
    """An uploaded .npz as an LM and its optimizer; the loader checks every size the file
    declares against the server's limits before it reads an array."""
    s = service.settings
    limits = LoadLimits(
        max_vocab=s.max_vocab,
        max_hidden=s.max_hidden,
        max_layers=s.max_layers,
        max_bytes=s.max_model_bytes,
    )
    try:
        checkpoint = load(io.BytesIO(data), limits)
    except ModelTooLarge as exc:
        raise _fail("too_large", str(exc)) from None
    except ModelFormatError as exc:
        raise _fail("invalid", str(exc)) from None
    broken = [name for name, p in checkpoint.model.params.items() if not all_finite(p)]
    if broken:
        names = ", ".join(broken)
        raise _fail("invalid", f"the weights {names} hold NaN or inf; every weight must be finite")
    if checkpoint.vocab is None:
        raise _fail("invalid", "the model file has no vocabulary")
    name = str(checkpoint.extra.get("name", "uploaded"))[:64]
    try:
        lm = checkpoint_lm(checkpoint, name, "uploaded", s.default_language)
    except ValueError as exc:
        raise _fail("invalid", f"bad vocabulary: {exc}") from None
    return lm, checkpoint.optimizer


@router.post("/sessions/{token}/corpus", response_model=CorpusSummary)
async def upload_corpus(
    request: Request,
    token: str,
    service: ServiceDep,
    start: Annotated[bool, Query()] = False,
    unit: Annotated[Unit, Query()] = "word",
    min_count: Annotated[int, Query(ge=1, le=1000)] = MIN_COUNT,
    max_vocab: Annotated[int | None, Query(ge=10)] = None,
) -> CorpusSummary:
    """A user's corpus: UTF-8 text, one sentence per line (raw body or multipart field `file`),
    read as words or characters (unit); a word seen fewer than min_count times is <unk>, and the
    vocabulary holds at most max_vocab words (the server's max_vocab at most).

    With start=true training on it starts at once; its frames go to the session's WebSocket
    with re = "upload".
    """
    session = _session(service, request, token)
    s = service.settings
    if max_vocab is not None and max_vocab > s.max_vocab:
        raise _fail("limit", f"max_vocab {max_vocab} is above the server's limit of {s.max_vocab}")
    data = await _body(request, s.max_corpus_bytes)

    async def read_into_session() -> CorpusSummary:  # in the session's turn
        state = session.state
        if start and state.training_state != "idle":
            raise _fail("training", "training already runs: stop it first")
        count = state.uploads + 1
        key = f"upload:{session.token}:{count}"
        try:
            corpus = await service.pool.run_heavy(
                read_corpus,
                data,
                key,
                s.max_corpus_bytes,
                s.token_limit(unit),
                unit,
                min_count,
                max_vocab,
            )
        except ProtocolError as exc:
            raise _fail(exc.code, exc.message) from None
        summary = await service.pool.run_heavy(_summary, corpus, s.max_vocab)
        batch = None
        if start:  # a run is only promised when it can start: its batch fits the output limit
            longest = max(len(t) for t in corpus.train) + 1  # <s> w1 … wT
            requested = Train.model_fields["batch_size"].default
            batch = fitting_batch_size(requested, longest, summary["vocab_size"], s.max_batch_cells)
            if batch < 1:
                raise _fail(
                    "limit",
                    f"a sentence of {longest} tokens over {summary['vocab_size']} words needs "
                    f"{longest * summary['vocab_size']:,} output cells even alone; the limit is "
                    f"{s.max_batch_cells:,}: upload shorter lines or fewer distinct words",
                )
        state.take_corpus(corpus, count)
        if start:
            message = Train(
                type="train",
                id=UPLOAD_TRAIN_ID,
                action="start",
                corpus="uploaded",
                batch_size=batch,
            )
            session.inbox.put_nowait((UPLOAD_TRAIN_ID, message))
        return CorpusSummary(**summary, training=start, batch_size=batch)

    return await _in_turn(service, session, read_into_session)


def _summary(corpus: UserCorpus, max_vocab: int) -> dict:
    """The corpus's summary with the size of the vocabulary a model trained on it would get."""
    return corpus.summary(len(corpus_vocab(corpus, max_vocab)))


@router.get("/tours/tutorial", response_model=Tour)
def tutorial_tour() -> Tour:
    """The built-in guided tour (data/tours/tutorial.md), as the page walks it (docs/tour.md)."""
    return builtin_tour()


@router.post(
    "/tours",
    response_model=Tour,
    responses={422: {"description": "{code: bad_tour, reason, line, field, message}"}},
)
async def read_tour(request: Request) -> Tour:
    """A teacher's tour file (the body, or the multipart field `file`), checked and read.

    Nothing is stored: the page keeps the tour it gets back. An unreadable file gets 413 or 422
    with `reason` (app.tour.TourError), the line and the key as the file wrote them.
    """
    data = await _body(request, TOUR_MAX_BYTES)
    try:
        return parse_tour(data)
    except TourError as exc:
        detail = {
            "code": "bad_tour",
            "message": str(exc),
            "reason": exc.reason,
            "line": exc.line,
            "field": exc.field,
            "detail": exc.detail,
        }
        raise HTTPException(413 if exc.reason == "too_large" else 422, detail) from None
