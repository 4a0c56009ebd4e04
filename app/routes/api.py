"""HTTP API: built-in models, a session's model as .npz (download/upload) and corpus upload."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import engine_bridge as bridge
from app.models import LM, model_language
from app.protocol import BuiltinModel, Configured, ModelInfo, Train
from app.security import origin_allowed
from app.service import Hyper, Service
from app.sessions import ProtocolError, Session
from app.training import UserCorpus, read_corpus
from rnn_core.io import LoadLimits, ModelFormatError, ModelTooLarge, load, to_bytes
from rnn_core.text import Vocab
from rnn_core.views import all_finite

router = APIRouter(prefix="/api", tags=["api"])

STATUS = {"too_large": 413, "not_text": 415, "empty": 422, "training": 409, "invalid": 422}
UPLOAD_TRAIN_ID = "upload"  # the `re` of frames of a training started by a corpus upload


class CorpusSummary(BaseModel):
    """What the server read from an uploaded corpus."""

    bytes: int
    sentences: int
    tokens: int
    language: str
    vocab_size: int
    training: bool


def _fail(code: str, message: str, status: int | None = None) -> HTTPException:
    """An HTTP error with the protocol's {code, message} body (status by code)."""
    return HTTPException(status or STATUS.get(code, 400), {"code": code, "message": message})


def _service(request: Request) -> Service:
    """The app's Service."""
    return request.app.state.service


def _session(request: Request, token: str) -> Session:
    """The live session with this token; 404 otherwise, 403 for an upload from another site."""
    service = _service(request)
    if request.method == "POST" and not origin_allowed(
        request.headers, service.settings.allowed_origins
    ):
        raise _fail("forbidden_origin", "uploads come from the page's own origin only", 403)
    session = service.sessions.get(token)
    if session is None:
        raise _fail("unknown_session", "no session with that token (expired?)", 404)
    return session


async def _body(request: Request, limit: int) -> bytes:
    """The request body (or its multipart field `file`), refused above `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + 65536:
        raise _fail("too_large", f"the upload has {declared} bytes; the limit is {limit}")
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        data = await _multipart_file(request, limit)
    else:
        data = await _raw_body(request, limit)
    if len(data) > limit:
        raise _fail("too_large", f"the upload is larger than the limit of {limit} bytes")
    return data


async def _multipart_file(request: Request, limit: int) -> bytes:
    """The multipart field `file`: at most limit + 1 bytes of it (more means too large)."""
    try:
        form = await request.form()
    except StarletteHTTPException as exc:
        raise _fail("invalid", f"the multipart upload cannot be read: {exc.detail}", 400) from None
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise _fail("empty", "send the file in the multipart field 'file'")
    return await upload.read(limit + 1)


async def _raw_body(request: Request, limit: int) -> bytes:
    """The raw body, read until it passes `limit` bytes (then limit + 1 bytes stand for it)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return b"x" * (limit + 1)
        chunks.append(chunk)
    return b"".join(chunks)


@router.get("/models", response_model=list[BuiltinModel])
def builtin_models(request: Request) -> list[BuiltinModel]:
    """The built-in models (as in the WebSocket's hello)."""
    return [bridge.builtin_info(lm) for lm in _service(request).models.builtins.values()]


@router.get(
    "/sessions/{token}/model",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download_model(request: Request, token: str) -> Response:
    """The session's current model as .npz (rnn_core.io format, vocabulary inside)."""
    session = _session(request, token)
    service = _service(request)

    def build() -> bytes:
        state = session.state
        with session.lock:
            extra = {"language": state.lm.language, "name": state.lm.name}
            return to_bytes(
                state.lm.model,
                vocab=state.lm.vocab.to_list(),
                optimizer=state.optimizer,
                extra=extra,
            )

    data = await service.pool.run(build)
    name = session.state.lm.name
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}.npz"'},
    )


@router.post("/sessions/{token}/model", response_model=ModelInfo)
async def upload_model(request: Request, token: str) -> ModelInfo:
    """Load a .npz model into the session (no pickle, size and shape limits)."""
    session = _session(request, token)
    service = _service(request)
    state = session.state
    if state.training_state != "idle":
        raise _fail("training", "stop training before loading a model")
    data = await _body(request, service.settings.max_model_bytes)
    lm, optimizer = await service.pool.run(_read_model, service, data)
    state.lm, state.held = lm, None
    if optimizer is not None:
        state.optimizer = optimizer
        state.hyper = Hyper(optimizer.name, optimizer.lr, state.hyper.clip, state.hyper.truncate)
    info = service.model_info(state)
    service.send(session, Configured(model=info), None)
    return info


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
    try:
        vocab = Vocab.from_list(checkpoint.vocab)
    except ValueError as exc:
        raise _fail("invalid", f"bad vocabulary: {exc}") from None
    extra = checkpoint.extra
    language = model_language(extra, vocab, s.default_language)
    name = str(extra.get("name", "uploaded"))[:64]
    return LM(name, "uploaded", language, checkpoint.model, vocab), checkpoint.optimizer


@router.post("/sessions/{token}/corpus", response_model=CorpusSummary)
async def upload_corpus(
    request: Request, token: str, start: Annotated[bool, Query()] = False
) -> CorpusSummary:
    """A user's corpus: UTF-8 text, one sentence per line (raw body or multipart field `file`).

    With start=true training on it starts at once; its frames go to the session's WebSocket
    with re = "upload".
    """
    session = _session(request, token)
    service = _service(request)
    s = service.settings
    state = session.state
    if start and state.training_state != "idle":
        raise _fail("training", "training already runs: stop it first")
    data = await _body(request, s.max_corpus_bytes)
    count = state.uploads + 1
    key = f"upload:{session.token}:{count}"
    try:
        corpus = await service.pool.run(read_corpus, data, key, s.max_corpus_bytes, s.max_tokens)
    except ProtocolError as exc:
        raise _fail(exc.code, exc.message) from None
    summary = await service.pool.run(_summary, corpus, s.max_vocab)
    state.corpus = corpus
    state.uploads = count
    if start:
        message = Train(type="train", id=UPLOAD_TRAIN_ID, action="start", corpus="uploaded")
        session.inbox.put_nowait((UPLOAD_TRAIN_ID, message))
    return CorpusSummary(**summary, training=start)


def _summary(corpus: UserCorpus, max_vocab: int) -> dict:
    """The corpus's summary with the size of the vocabulary a model trained on it would get."""
    return corpus.summary(len(Vocab.build(corpus.train, max_size=max_vocab)))
