"""The message layer: parses and validates every client message in one place, runs it for its
session (engine work in worker threads) and queues the answer frames.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from fastapi import FastAPI
from pydantic import ValidationError

from app import __version__, persistence, training
from app import engine_bridge as bridge
from app.errors import ProtocolError
from app.models import LM, ModelRegistry
from app.protocol import (
    CLIENT_MESSAGE,
    MESSAGE_TYPES,
    Ack,
    Bptt,
    Configure,
    Configured,
    Frame,
    Generate,
    Gradcheck,
    Hello,
    Limits,
    Message,
    ModelInfo,
    Pause,
    Ping,
    Play,
    Pong,
    Predict,
    Remedies,
    Softmax,
    Step,
    Train,
    Vanishing,
    VocabRequest,
)
from app.sessions import Job, Pool, Session, SessionRegistry, encode
from app.settings import Settings, get_settings
from rnn_core import RNNLM
from rnn_core.model import RNNConfig, weight_bytes
from rnn_core.optim import Optimizer, make_optimizer
from rnn_core.text import Vocab, detect_language

log = logging.getLogger("unrolled.service")


# Default η of a session's SGD. The built-in models' ReLU states reach ±10, so their gradients
# are large: at η = 0.1 the tutorial's single SGD step raises their loss, at 0.01 (clipped at 5)
# it lowers it. A fresh model (small tanh states) learns at the tutorial's larger rate.
BUILTIN_LR = 0.01
# A fresh model learns with Adam at η 0.01: on the built-in English corpus (hidden 32, tanh,
# Xavier, batch 16) it is below the 2-gram's held-out perplexity after a quarter epoch
# (4.8 against 8.7), where SGD at η 0.1 is still at 186 (measured 2026-12-01).
FRESH_OPTIMIZER = "adam"
FRESH_LR = 0.01


@dataclass
class Hyper:
    """Training settings of a session (configure sets them)."""

    optimizer: str = "sgd"
    lr: float = BUILTIN_LR
    clip: float | None = 5.0
    truncate: int | None = None
    chosen: bool = False  # set by configure: the learner picked these, not the page's defaults


@dataclass
class SessionState:
    """Everything one session keeps besides its frames."""

    lm: LM
    hyper: Hyper = field(default_factory=Hyper)
    optimizer: Optimizer | None = None
    corpus: training.UserCorpus | None = None
    held: bridge.HeldPass | None = None
    speed: float = 4.0
    run: training.TrainingRun | None = None
    uploads: int = 0

    @property
    def training_state(self) -> str:
        """running, paused or idle (idle too before the first run)."""
        return self.run.state if self.run is not None else "idle"

    # Every change of a session's state is one of these, made in the session's turn.

    def hold(self, held: bridge.HeldPass, speed: float) -> None:
        """A new bptt pass to step through, played at `speed` frames/s."""
        self.held, self.speed = held, speed

    def pace(self, speed: float) -> None:
        """The held pass plays at `speed` frames/s from now on."""
        self.speed = speed

    def use_model(
        self, lm: LM, optimizer: Optimizer | None = None, hyper: Hyper | None = None
    ) -> None:
        """A new model for the session (configure, an upload): the held pass was another
        model's; the optimizer and settings are kept unless new ones are given."""
        self.lm, self.held = lm, None
        if optimizer is not None:
            self.optimizer = optimizer
        if hyper is not None:
            self.hyper = hyper

    def own_copy(self, lm: LM) -> None:
        """The session's model replaced by its own copy of it (before training changes it)."""
        self.lm = lm

    def start_run(self, lm: LM, run: training.TrainingRun) -> None:
        """A training run begins on `lm` with the run's optimizer."""
        self.lm, self.run, self.optimizer = lm, run, run.trainer.optimizer

    def take_corpus(self, corpus: training.UserCorpus, uploads: int) -> None:
        """An uploaded corpus to train on (the session's `uploads`-th)."""
        self.corpus, self.uploads = corpus, uploads


SENTENCE_FIELDS = ("text", "sample")  # the fields of client messages that hold a sentence
ID_RULE = "id must be a string of 1..64 characters or an integer (|id| ≤ 2^53)"


def _request_id(data: Any) -> Any:
    """The id of a message, if it has a usable one (for `re` of an error frame)."""
    if isinstance(data, dict):
        rid = data.get("id")
        if isinstance(rid, str) and 0 < len(rid) <= 64:
            return rid
        if isinstance(rid, int) and not isinstance(rid, bool) and abs(rid) <= 2**53:
            return rid
    return None


def _validation_error(exc: ValidationError, data: dict, re: Any) -> ProtocolError:
    """The first problem of a pydantic error as a protocol error naming the field."""
    if data.get("type") not in MESSAGE_TYPES:
        message = f"type must be one of: {', '.join(MESSAGE_TYPES)}"
        return ProtocolError("unknown_type", message, "type", re)
    first = exc.errors(include_url=False)[0]
    if first["loc"][1:2] == ("id",):
        return ProtocolError("bad_message", ID_RULE, "id", re)
    path = ".".join(str(p) for p in first["loc"][1:]) or None
    message = first["msg"] if path is None else f"{path}: {first['msg']}"
    return ProtocolError("bad_message", message, path, re)


def parse(raw: str | bytes, limits: Settings) -> tuple[Any, Message]:
    """(request id, validated message), or ProtocolError carrying the id (if any) in `.re`."""
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if size > limits.max_message_bytes:
        raise ProtocolError(
            "too_large", f"message of {size} bytes; limit {limits.max_message_bytes}"
        )
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ProtocolError("bad_json", f"not valid JSON: {exc}") from None
    re = _request_id(data)
    if not isinstance(data, dict):
        raise ProtocolError("bad_message", "a message is a JSON object")
    try:
        message = CLIENT_MESSAGE.validate_python(data)
    except ValidationError as exc:
        raise _validation_error(exc, data, re) from None
    _check_sentences(message, limits, re)
    return re, message


def _check_sentences(message: Message, limits: Settings, re: Any) -> None:
    """A sentence longer than max_text_chars is too long before it is tokenized."""
    for name in SENTENCE_FIELDS:
        text = getattr(message, name, None)
        if text is not None and len(text) > limits.max_text_chars:
            raise ProtocolError(
                "too_long",
                f"{name} has {len(text)} characters; a sentence has at most "
                f"{limits.max_tokens} tokens and {limits.max_text_chars} characters",
                name,
                re,
            )


def _at_most(name: str, value: int, limit: int) -> None:
    """A `limit` error naming the field when a message's size field is above its setting."""
    if value > limit:
        raise ProtocolError(
            "limit", f"{name} must be 1..{limit}", name, params={"field": name, "limit": limit}
        )


class Service:
    """The handlers of every message type (but `resume`, which app.routes.ws handles: it
    changes the connection's session), bound to the registry, pool and settings."""

    def __init__(self, settings: Settings, models: ModelRegistry, pool: Pool) -> None:
        self.settings = settings
        self.models = models
        self.pool = pool
        self.sessions = SessionRegistry(
            settings.max_sessions,
            settings.idle_timeout_s,
            self.new_state,
            self.handle,
            self.close_state,
            settings.max_sessions_per_client,
            settings.max_outbox_bytes,
            settings.node,
        )

    # ------------------------------------------------------------ session life

    async def new_state(self) -> SessionState:
        """A new session starts on the page's model (the built-in weights, shared until changed)."""
        return SessionState(lm=self.models.default())

    async def close_state(self, session: Session) -> None:
        """An expired session's training stops."""
        run = session.state.run
        if run is not None:
            run.stop()

    def limits(self) -> Limits:
        """The limits of Settings that the page must know."""
        s = self.settings
        return Limits(**{name: getattr(s, name) for name in Limits.model_fields})

    def model_info(self, state: SessionState) -> ModelInfo:
        """What the page needs to draw the session's model."""
        lm = state.lm
        return ModelInfo(
            name=lm.name,
            origin=lm.origin,
            language=lm.language,
            unit=lm.unit,
            chains=lm.model.config.chain_keys,
            params={name: list(p.shape) for name, p in lm.model.params.items()},
            **bridge.schema_fields(lm.model.config, ModelInfo),
            **bridge.schema_fields(state.hyper, ModelInfo),
        )

    def hello(self, session: Session, resumed: bool, re: Any = None) -> bytes:
        """The encoded hello frame of a (resumed) session."""
        state: SessionState = session.state
        frame = Hello(
            re=re,
            session=session.token,
            resumed=resumed,
            version=__version__,
            model=self.model_info(state),
            models=[bridge.builtin_info(lm) for lm in self.models.builtins.values()],
            limits=self.limits(),
            training=state.training_state,
        )
        return encode(frame, self.settings.max_frame_bytes)

    # ------------------------------------------------------------ dispatch

    async def handle(self, session: Session, item: Any) -> None:
        """Run one parsed message (or report its parse error, or run a Job); never raises."""
        if isinstance(item, ProtocolError):
            session.refuse(item, item.re)
            return
        if isinstance(item, Job):
            try:
                item.done.set_result(await item.work())
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                item.done.set_exception(exc)
            return
        re, message = item
        try:
            await self.HANDLERS[type(message)](self, session, message)
        except ProtocolError as exc:
            session.refuse(exc, re)
        except ValueError as exc:
            session.error(re, "invalid", str(exc))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed", message.type)
            session.error(re, "internal", f"the server failed on this {message.type}; see its log")

    async def locked(
        self, session: Session, fn: Callable[..., Any], *args: Any, heavy: bool = False
    ) -> Any:
        """fn(*args) in a worker thread (a heavy one if `heavy`), holding the session's model
        lock (as training does)."""

        def work() -> Any:
            with session.lock:
                return fn(*args)

        return await (self.pool.run_heavy if heavy else self.pool.run)(work)

    def encoded(self, re: Any, build: Callable[..., Frame], *args: Any) -> bytes:
        """build(*args)'s frame answering `re`, encoded within max_frame_bytes."""
        frame: Frame = build(*args)
        frame.re = re
        return encode(frame, self.settings.max_frame_bytes)

    async def compute(
        self,
        session: Session,
        re: Any,
        build: Callable[..., Frame],
        *args: Any,
        heavy: bool = False,
    ) -> bytes:
        """Build a frame in a worker thread (holding the session's model lock), encoded."""
        return await self.locked(session, self.encoded, re, build, *args, heavy=heavy)

    def send(self, session: Session, frame: Frame, re: Any) -> None:
        """Queue a small frame built on the event loop."""
        frame.re = re
        session.send(encode(frame, self.settings.max_frame_bytes))

    # ------------------------------------------------------------ model choice

    def reader(self, state: SessionState, name: str | None, text: str) -> LM:
        """The model that reads `text`: a named built-in, else the session's model — or, when the
        session uses a built-in model and the text is in the other language, the built-in model
        of the same kind in that language."""
        if name is not None:
            lm = self.models.get(name)
            if lm is None:
                raise ProtocolError("unknown_model", f"no built-in model called {name!r}", "model")
            return lm
        lm = state.lm
        language = detect_language(text)
        if lm.origin == "builtin" and language != lm.language:
            return self.models.counterpart(lm, language) or lm
        return lm

    def ngrams(self, state: SessionState, lm: LM):
        """The 2-gram and 3-gram baselines on lm's vocabulary and corpus."""
        if state.corpus is not None and lm.corpus_key == state.corpus.key:
            return self.models.ngrams(lm.vocab, lm.corpus_key, state.corpus.train)
        return self.models.ngrams(lm.vocab, lm.language, unit=lm.unit)

    # ------------------------------------------------------------ handlers

    async def on_ping(self, session: Session, msg: Ping) -> None:
        """ping → pong."""
        self.send(session, Pong(), msg.id)

    async def on_predict(self, session: Session, msg: Predict) -> None:
        """predict → the RNN's and the n-grams' guesses at every position (or the blank's)."""
        state: SessionState = session.state
        lm = self.reader(state, msg.model, msg.text)
        top_k = msg.top_k
        _at_most("top_k", top_k, self.settings.max_top_k)

        def build():
            left = None
            ngrams = None
            if lm.model.config.bidirectional:
                left = self.models.find("lm", lm.language, lm.unit)
            else:
                ngrams = self.ngrams(state, lm)
            limit = self.settings.token_limit(lm.unit)
            return bridge.predict_frame(
                lm, msg.text, top_k, msg.full, ngrams, left, limit, msg.cut, msg.hide_unk
            )

        session.send(await self.compute(session, msg.id, build))

    async def on_bptt(self, session: Session, msg: Bptt) -> None:
        """bptt → trace a pass, hold it, send its start frame, then one frame or a stream."""
        state: SessionState = session.state
        await session.stop_task("stream")
        lm = self.reader(state, msg.model, msg.text)

        s = self.settings
        held = await self.locked(
            session,
            bridge.bptt_pass,
            lm,
            msg.text,
            msg.truncate,
            s.token_limit(lm.unit),
            s.matrix_max_hidden,
            msg.cut,
            heavy=True,
        )
        state.hold(held, msg.speed)
        session.send(
            await self.pool.run(self.encoded, msg.id, held.start_frame, msg.mode, msg.speed)
        )
        if msg.mode == "step":
            await self._send_pos(session, held, 0, msg.id)
        else:
            session.start_task("stream", self._stream(session, held, 0, msg.speed, msg.id))

    async def _send_pos(self, session: Session, held: bridge.HeldPass, pos: int, re: Any) -> None:
        """Queue the held pass's frame at pos (built in a worker) and remember pos."""
        body = await self.pool.run(self.encoded, re, held.frame, pos)
        held.pos = pos
        session.send(body)

    async def _stream(
        self,
        session: Session,
        held: bridge.HeldPass,
        start: int,
        speed: float,
        re: Any,
        wait: bool = False,
    ) -> None:
        """Send frames start..count-1 at `speed` frames per second (the first after a pause
        too if `wait`: the frame before it was just sent)."""
        for pos in range(start, held.count):
            if pos > start or wait:
                await asyncio.sleep(1.0 / speed)
            try:
                await self._send_pos(session, held, pos, re)
            except ProtocolError as exc:
                session.refuse(exc, re)
                return

    def _held(self, session: Session) -> bridge.HeldPass:
        """The session's held pass; no_pass before the first bptt."""
        held = session.state.held
        if held is None:
            raise ProtocolError("no_pass", "send bptt first: there is no pass to step through")
        return held

    async def on_step(self, session: Session, msg: Step) -> None:
        """step → the frame at `to`, or one forward or back (clamped to the pass)."""
        held = self._held(session)
        await session.stop_task("stream")
        if msg.to is not None:
            if msg.to >= held.count:
                raise ProtocolError("bad_message", f"to must be 0..{held.count - 1}", "to")
            pos = msg.to
        else:
            pos = held.pos + (1 if msg.dir == "forward" else -1)
            pos = min(max(pos, 0), held.count - 1)
        await self._send_pos(session, held, pos, msg.id)

    async def on_play(self, session: Session, msg: Play) -> None:
        """play → stream from the next frame (from the start after the last one)."""
        state: SessionState = session.state
        held = self._held(session)
        await session.stop_task("stream")
        if msg.speed is not None:
            state.pace(msg.speed)
        start = held.pos + 1 if held.pos + 1 < held.count else 0
        await self._send_pos(session, held, start, msg.id)  # a play answers at least once
        if start + 1 < held.count:
            session.start_task(
                "stream", self._stream(session, held, start + 1, state.speed, msg.id, wait=True)
            )

    async def on_pause(self, session: Session, msg: Pause) -> None:
        """pause → stop the stream; ack with the last position sent."""
        held = self._held(session)
        await session.stop_task("stream")
        self.send(session, Ack(of="pause", pos=held.pos), msg.id)

    async def on_train(self, session: Session, msg: Train) -> None:
        """train → app.training.handle."""
        await training.handle(self, session, msg)

    async def on_configure(self, session: Session, msg: Configure) -> None:
        """configure → a built-in or a fresh model and a new optimizer; configured."""
        state: SessionState = session.state
        s = self.settings
        if state.training_state != "idle":
            raise ProtocolError("training", "stop training before changing the model")
        _at_most("hidden_size", msg.hidden_size, s.max_hidden)
        _at_most("num_layers", msg.num_layers, s.max_layers)
        if msg.model is None:  # (a first character model tokenizes its corpus: off the loop)
            self.check_memory(session, await self.pool.run(self._configured_config, state, msg))
        if msg.model is not None:
            lm = self.models.get(msg.model)
            if lm is None:
                raise ProtocolError("unknown_model", f"no built-in model {msg.model!r}", "model")
        else:
            lm = await self.pool.run(self._configured_lm, state, msg)
        lr = msg.lr if msg.lr is not None else BUILTIN_LR if msg.model is not None else FRESH_LR
        name = msg.optimizer or ("sgd" if msg.model is not None else FRESH_OPTIMIZER)
        optimizer = await self.pool.run(make_optimizer, name, lr)
        chosen = msg.optimizer is not None or msg.lr is not None
        state.use_model(lm, optimizer, Hyper(name, lr, msg.clip, msg.truncate, chosen=chosen))
        self.send(session, Configured(model=self.model_info(state)), msg.id)

    def check_memory(self, session: Session, config: RNNConfig) -> None:
        """Refuse a model whose weights are above max_model_bytes, or would take the weights of
        all sessions' own models above max_total_model_bytes (built-in weights are shared)."""
        s, needed = self.settings, weight_bytes(config)
        if needed > s.max_model_bytes:
            raise ProtocolError(
                "limit",
                f"this model's weights would take {needed:,} bytes; the limit is "
                f"{s.max_model_bytes:,} (a smaller vocabulary, hidden size or fewer layers)",
            )
        held = sum(
            weight_bytes(other.state.lm.model.config)
            for other in list(self.sessions.sessions.values())
            if other is not session and not other.state.lm.shared
        )
        if held + needed > s.max_total_model_bytes:
            raise ProtocolError(
                "busy",
                f"the server holds {held:,} bytes of session models and this one needs "
                f"{needed:,} more, above its budget of {s.max_total_model_bytes:,}; try a "
                "smaller model or later",
            )

    def _vocab_for(self, state: SessionState, msg: Configure) -> tuple[str, Vocab, str | None]:
        """Language, vocabulary and corpus of a configured model: the current one's, or the
        built-in corpus's vocabulary of another language or unit."""
        current = state.lm
        language = msg.language or current.language
        if language == current.language and msg.unit == current.unit:
            return current.language, current.vocab, current.corpus_key
        return language, self.models.vocab(language, msg.unit), None

    def _configured_config(self, state: SessionState, msg: Configure) -> RNNConfig:
        """The RNNConfig a configure message asks for (validated by RNNConfig itself)."""
        _, vocab, _ = self._vocab_for(state, msg)
        return RNNConfig(
            len(vocab),
            msg.hidden_size,
            msg.num_layers,
            msg.bidirectional,
            msg.activation,
            msg.bias,
            msg.seed,
            "float64",
            msg.init,
            msg.radius,
            msg.cell,
        )

    def _configured_lm(self, state: SessionState, msg: Configure) -> LM:
        """A fresh model with the message's settings on the current or a language's vocabulary."""
        language, vocab, corpus_key = self._vocab_for(state, msg)
        model = RNNLM.new(self._configured_config(state, msg))
        return LM(
            "custom", "configured", language, model, vocab, corpus_key=corpus_key, unit=msg.unit
        )

    async def on_gradcheck(self, session: Session, msg: Gradcheck) -> None:
        """gradcheck → BPTT against central differences on a small random model."""
        s = self.settings
        _at_most("hidden", msg.hidden, s.gradcheck_max_hidden)
        _at_most("T", msg.T, s.gradcheck_max_T)
        _at_most("layers", msg.layers, s.max_layers)
        session.send(await self.compute(session, msg.id, bridge.gradcheck_frame, msg, heavy=True))

    async def on_vanishing(self, session: Session, msg: Vanishing) -> None:
        """vanishing → ‖δ‖ carried back T steps through 式3."""
        s = self.settings
        _at_most("T", msg.T, s.vanishing_max_T)
        _at_most("hidden", msg.hidden, s.max_hidden)
        session.send(await self.compute(session, msg.id, bridge.vanishing_frame, msg, heavy=True))

    async def on_softmax(self, session: Session, msg: Softmax) -> None:
        """softmax → o = softmax(z) and −log o[label]."""
        session.send(await self.compute(session, msg.id, bridge.softmax_frame, msg.z, msg.label))

    async def on_generate(self, session: Session, msg: Generate) -> None:
        """generate → words drawn after the prompt by the session's model (a blank-filling
        model sees the future, so its language's built-in LM draws instead)."""
        state: SessionState = session.state
        lm = self.reader(state, msg.model, msg.text or "")
        _at_most("length", msg.length, self.settings.token_limit(lm.unit))
        if lm.model.config.bidirectional:
            lm = self.models.find("lm", lm.language, lm.unit) or lm
        if lm.model.config.bidirectional:
            raise ProtocolError("invalid", "generation needs a unidirectional model", "model")
        seed = secrets.randbelow(2**32) if msg.seed is None else msg.seed
        max_tokens = self.settings.token_limit(lm.unit)
        session.send(
            await self.compute(session, msg.id, bridge.generate_frame, lm, msg, seed, max_tokens)
        )

    async def on_remedies(self, session: Session, msg: Remedies) -> None:
        """remedies → the tutorial's remedies side by side on the sentence (read-only models)."""
        language = detect_language(msg.text)
        remedies = self.models.remedies(language)
        if not remedies:
            raise ProtocolError("unknown_model", f"no remedy models for {language}", "text")
        max_tokens = self.settings.token_limit("word")
        measure = self.models.long_range  # measured once per model, on the worker thread
        session.send(
            await self.compute(
                session,
                msg.id,
                bridge.remedies_frame,
                remedies,
                measure,
                msg.text,
                msg.t,
                max_tokens,
                heavy=True,
            )
        )

    async def on_vocab(self, session: Session, msg: VocabRequest) -> None:
        """vocab → a page of the session model's vocabulary."""
        vocab = session.state.lm.vocab
        session.send(
            await self.compute(session, msg.id, bridge.vocab_frame, vocab, msg.offset, msg.limit)
        )

    HANDLERS = {
        Ping: on_ping,
        Predict: on_predict,
        Bptt: on_bptt,
        Step: on_step,
        Play: on_play,
        Pause: on_pause,
        Train: on_train,
        Configure: on_configure,
        Gradcheck: on_gradcheck,
        Vanishing: on_vanishing,
        Softmax: on_softmax,
        Generate: on_generate,
        Remedies: on_remedies,
        VocabRequest: on_vocab,
    }


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start-up: load the built-in models (never train), start the worker pool and the reaper;
    fit the n-gram baselines in the background. Shutdown: stop every session."""
    settings = getattr(app.state, "settings", None) or get_settings()
    models = ModelRegistry(settings.models_dir, settings.data_dir, settings.default_language)
    models.load()
    pool = Pool(
        settings.workers, settings.train_workers, settings.blas_threads, settings.heavy_workers
    )
    service = Service(settings, models, pool)
    app.state.service = service
    sys.setswitchinterval(settings.switch_interval_s)
    background = [
        asyncio.ensure_future(_warm_up(pool, models)),
        asyncio.ensure_future(service.sessions.reaper(settings.reap_every_s)),
    ]
    if settings.persist_dir is not None:
        for token, lm, optimizer in await pool.run(persistence.load_sessions, service):
            service.sessions.restore(token, SessionState(lm=lm, optimizer=optimizer))
    try:
        yield
    finally:
        for task in background:
            task.cancel()
        if settings.persist_dir is not None:
            for session in list(service.sessions.sessions.values()):
                if session.state.run is not None:
                    session.state.run.stop()
            await pool.run(persistence.save_sessions, service)
        await service.sessions.close()


async def _warm_up(pool: Pool, models: ModelRegistry) -> None:
    """Fit the n-gram baselines in a worker; a failure is logged, the server still starts."""
    try:
        await pool.run(models.warm_up)
    except Exception:
        log.exception("fitting the n-gram baselines at start-up failed")
