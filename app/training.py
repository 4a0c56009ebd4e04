"""A session's training run: rnn_core's Trainer driven in short slices on the training workers,
paced when asked (Train.pace_s), progress frames at most `progress_hz` per second but at least
PROGRESS_POINTS per run, a done frame beside the n-gram baselines; and
users' corpora (checked UTF-8 text, split into train and held-out sentences).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from app import engine_bridge as bridge
from app.errors import ProtocolError
from app.models import LM
from app.protocol import Progress, TrainDone, TrainState
from app.sessions import Session, encode, error_body
from rnn_core import RNNLM
from rnn_core import corpus as rnn_corpus
from rnn_core.fit import Recipe, bucket_for, training_pairs
from rnn_core.optim import make_optimizer
from rnn_core.text import MIN_COUNT, Unit, Vocab
from rnn_core.train import Trainer, evaluate

if TYPE_CHECKING:
    from app.protocol import Train
    from app.service import Service, SessionState

log = logging.getLogger("unrolled.training")

VALID_EVERY = 10  # every 10th line of an uploaded corpus is held out
EVAL_PAIRS = 2000  # most training pairs scored for the final training perplexity
SAMPLE_TOP_K = 3
PACE_NAP_S = 0.1  # the longest wait of a paced run between slices
PROGRESS_POINTS = 60  # a run reports at least this many progress frames (curve points)
NAN_MESSAGE = (
    "the loss or a gradient became NaN/inf at step {step}; that update was not applied. "
    "Turn on gradient clipping (e.g. clip 5) or lower the learning rate or W's radius."
)


@dataclass
class UserCorpus:
    """An uploaded corpus, tokenized: training and held-out sentences."""

    key: str
    language: str
    train: list[list[str]]
    valid: list[list[str]]
    bytes: int
    unit: Unit = "word"
    min_count: int = MIN_COUNT  # a word seen fewer times in the training lines is <unk>
    max_vocab: int | None = None  # the uploader's cap (the server's max_vocab caps it too)

    def summary(self, vocab_size: int) -> dict:
        """The `CorpusSummary` fields (but `training`) of this corpus."""
        tokens = sum(len(s) for s in self.train) + sum(len(s) for s in self.valid)
        return {
            "bytes": self.bytes,
            "sentences": len(self.train) + len(self.valid),
            "tokens": tokens,
            "language": self.language,
            "unit": self.unit,
            "vocab_size": vocab_size,
        }


def read_corpus(
    raw: bytes,
    key: str,
    max_bytes: int,
    max_tokens: int,
    unit: Unit = "word",
    min_count: int = MIN_COUNT,
    max_vocab: int | None = None,
) -> UserCorpus:
    """Check and tokenize an uploaded corpus into words or characters (rnn_core.corpus: the
    CLI's rule too), every VALID_EVERY-th sentence held out. Raises ProtocolError: too_large,
    not_text, empty."""
    try:
        corpus = rnn_corpus.read_corpus(raw, max_tokens, max_bytes, unit=unit)
    except rnn_corpus.CorpusError as exc:
        raise ProtocolError(exc.code, exc.message) from None
    train, valid = rnn_corpus.split_held_out(corpus.sentences, VALID_EVERY)
    return UserCorpus(key, corpus.language, train, valid, len(raw), unit, min_count, max_vocab)


@dataclass
class TrainingRun:
    """One run of training: the trainer, its iterator and what the progress frames report."""

    re: Any
    corpus: str
    trainer: Trainer
    steps: Any
    total_steps: int
    epochs: int
    max_seconds: float
    ngrams: Any
    valid_pairs: list
    valid_ids: list
    sample: list[str] | None
    pace_s: float = 0.0  # the least wall-clock seconds of the run (Train.pace_s)
    state: str = "running"
    stop_requested: bool = False
    paused_by_drop: bool = False  # paused because the connection went away
    resumed: asyncio.Event = field(default_factory=asyncio.Event)
    elapsed: float = 0.0  # seconds of training slices (tokens/s)
    wall: float = 0.0  # wall-clock seconds while running (the run's time limit)
    tokens: int = 0
    clip_count: int = 0
    last: Any = None
    last_sent: float = 0.0
    last_sent_step: int = 0
    clock: float = 0.0  # seconds while running, slices and pacing waits
    generated: str | None = None  # the last sentence drawn from <s>, and when (monotonic)
    generated_at: float = -float("inf")
    nan_at: int | None = None
    finished: bool = False

    @property
    def every(self) -> int:
        """Steps between progress frames that are due whatever the time (PROGRESS_POINTS)."""
        return max(1, self.total_steps // PROGRESS_POINTS)

    def ahead(self, running: float = 0.0) -> float:
        """Seconds the run is ahead of its pace (0 without one) after `running` more seconds:
        step n is due at n / total_steps × pace_s."""
        if self.pace_s <= 0:
            return 0.0
        due = self.trainer.step_count / max(self.total_steps, 1) * self.pace_s
        return due - self.clock - running

    def eta(self) -> float | None:
        """Seconds until the last step: at the rate so far (wall-clock while running), or, when
        the pace is slower, what is left of pace_s."""
        done = self.trainer.step_count
        if done <= 0:
            return None
        left = self.clock / done * max(self.total_steps - done, 0)
        return max(left, self.pace_s - self.clock, 0.0)

    def stop(self) -> None:
        """Ask the loop to stop after its slice (waking it if paused)."""
        self.stop_requested = True
        self.resumed.set()

    def pause(self, by_drop: bool = False) -> None:
        """Hold the loop before its next slice."""
        self.state = "paused"
        self.paused_by_drop = by_drop
        self.resumed.clear()

    def resume(self) -> None:
        """Let the loop go on."""
        self.state = "running"
        self.paused_by_drop = False
        self.resumed.set()


def pause_on_drop(session: Session) -> None:
    """The session lost its connection: a running training run pauses at once (no CPU is spent
    for a tab that is gone), until the session is resumed or expires."""
    run = session.state.run
    if run is not None and run.state == "running":
        run.pause(by_drop=True)


def resume_on_reconnect(session: Session) -> None:
    """A run paused by a dropped connection goes on when a connection takes the session."""
    run = session.state.run
    if run is not None and run.state == "paused" and run.paused_by_drop:
        run.resume()


def _pairs(lm: LM, sentences: list[list[str]], seed: int) -> list:
    """Training pairs exactly as `make models` draws them (rnn_core.fit.training_pairs)."""
    return training_pairs(lm.model, lm.vocab, sentences, Recipe.blanks_per_sentence, seed)


def corpus_vocab(corpus: UserCorpus, max_vocab: int) -> Vocab:
    """The vocabulary a model trained on an uploaded corpus reads: words seen corpus.min_count
    times or more, at most the uploader's and the server's max_vocab (specials included)."""
    size = max_vocab if corpus.max_vocab is None else min(max_vocab, corpus.max_vocab)
    return Vocab.build(corpus.train, min_count=corpus.min_count, max_size=size)


def fitting_batch_size(requested: int, longest: int, vocab_size: int, max_cells: int) -> int:
    """The largest batch size up to `requested` whose output (batch × steps × words) stays
    within max_cells; 0 when not even one sentence fits."""
    return min(requested, max_cells // max(longest * vocab_size, 1))


def _corpus_model(service: Service, session: Session, corpus: UserCorpus) -> LM:
    """A fresh model with the session's settings on a vocabulary built from the corpus (its
    size checked against the memory budget before the weights exist)."""
    vocab = corpus_vocab(corpus, service.settings.max_vocab)
    config = replace(session.state.lm.model.config, vocab_size=len(vocab))
    service.check_memory(session, config)
    model = RNNLM.new(config)
    language, key, unit = corpus.language, corpus.key, corpus.unit
    return LM("uploaded", "trained", language, model, vocab, corpus_key=key, unit=unit)


def _trained(lm: LM) -> LM:
    """The model a training step changes: lm with weights of its own (copied if shared)."""
    return replace(lm.own(), origin="trained")


async def handle(service: Service, session: Session, msg: Train) -> None:
    """train {action}: start, pause, resume, stop, or one SGD step."""
    state = session.state
    run: TrainingRun | None = state.run
    active = state.training_state != "idle"
    if msg.action == "step":
        await _one_step(service, session, msg)
    elif msg.action == "start":
        if active:
            raise ProtocolError("training", "training already runs: stop it first")
        await _start(service, session, msg)
    elif not active:
        raise ProtocolError("not_training", f"cannot {msg.action}: no training runs")
    elif msg.action == "pause":
        run.pause()
        service.send(session, TrainState(state="paused", corpus=run.corpus), msg.id)
    elif msg.action == "resume":
        run.resume()
        service.send(session, TrainState(state="running", corpus=run.corpus), msg.id)
    else:
        run.stop()
        task = session.tasks.get("train")
        if task is not None:
            await asyncio.shield(task)
        service.send(session, TrainState(state="idle", corpus=run.corpus), msg.id)


async def _one_step(service: Service, session: Session, msg: Train) -> None:
    """train {action: step}: one SGD step on msg.text, weights before and after."""
    state, s = session.state, service.settings
    state.own_copy(await service.pool.run(_trained, state.lm))
    lm, hyper = state.lm, state.hyper
    session.send(
        await service.compute(
            session,
            msg.id,
            bridge.train_step_frame,
            lm,
            msg.text,
            hyper.lr,
            hyper.clip,
            hyper.truncate,
            s.token_limit(lm.unit),
            s.matrix_max_hidden,
        )
    )


async def _start(service: Service, session: Session, msg: Train) -> None:
    """train {action: start}: pick the model and corpus, build the run, start its loop."""
    state, s = session.state, service.settings
    if msg.corpus == "uploaded":
        if state.corpus is None:
            raise ProtocolError("no_corpus", "upload a corpus first (POST .../corpus)")
        corpus = state.corpus
        lm = await service.pool.train(_corpus_model, service, session, corpus)
        train, valid = corpus.train, corpus.valid
    else:
        lm = await service.pool.run(_trained, state.lm)
        train = await service.pool.run(service.models.corpus, lm.language, "train", lm.unit)
        valid = await service.pool.run(service.models.corpus, lm.language, "valid", lm.unit)
        if not train:
            raise ProtocolError("no_corpus", f"there is no built-in {lm.language} corpus")
    sample = None
    if msg.sample is not None:
        sample = await service.pool.run(bridge.read_tokens, msg.sample, lm, s.token_limit(lm.unit))
    elif state.held is not None:
        sample = state.held.tokens
    valid = valid or train[-1:]
    run = await service.pool.train(_new_run, service, state, lm, msg, train, valid, sample)
    state.start_run(lm, run)
    service.send(session, TrainState(state="running", corpus=msg.corpus), msg.id)
    session.start_task("train", _loop(service, session, run))


def _new_run(
    service: Service,
    state: SessionState,
    lm: LM,
    msg: Train,
    train: list[list[str]],
    valid: list[list[str]],
    sample: list[str] | None,
) -> TrainingRun:
    """Pairs, trainer and baselines for a run (in a worker thread)."""
    s, hyper = service.settings, state.hyper
    max_tokens = s.token_limit(lm.unit)
    train = [t[:max_tokens] for t in train]
    valid = [t[:max_tokens] for t in valid]
    optimizer = state.optimizer  # kept across runs, but a new model on an upload starts afresh
    if msg.corpus == "uploaded" and not hyper.chosen:
        optimizer = make_optimizer(s.corpus_optimizer, s.corpus_lr)
    elif optimizer is None or msg.corpus == "uploaded":
        optimizer = make_optimizer(hyper.optimizer, hyper.lr)
    pairs = _pairs(lm, train, lm.model.config.seed)
    longest = max(len(x) for x, _ in pairs)
    cells = msg.batch_size * longest * lm.model.config.vocab_size
    if cells > s.max_batch_cells:
        raise ProtocolError(
            "limit",
            f"batch_size {msg.batch_size} × {longest} steps × {lm.model.config.vocab_size} words "
            f"needs {cells} output cells per step; the limit is {s.max_batch_cells}",
            "batch_size",
        )
    trainer = Trainer(
        lm.model,
        optimizer,
        pairs,
        msg.batch_size,
        hyper.clip,
        hyper.truncate,
        seed=lm.model.config.seed,
        bucket=bucket_for(lm.model),
    )
    ngrams = service.ngrams(state, lm)
    max_seconds = min(msg.max_seconds or s.train_max_seconds, s.train_max_seconds)
    if lm.model.config.bidirectional:
        sample = None
    return TrainingRun(
        re=msg.id,
        corpus=msg.corpus,
        trainer=trainer,
        steps=trainer.run(epochs=msg.epochs),
        total_steps=trainer.batches_per_epoch * msg.epochs,
        epochs=msg.epochs,
        max_seconds=max_seconds,
        ngrams=ngrams,
        valid_pairs=_pairs(lm, valid, lm.model.config.seed + 1),
        valid_ids=[lm.vocab.encode(t) for t in valid],
        sample=sample,
        pace_s=msg.pace_s or 0.0,
    )


async def _loop(service: Service, session: Session, run: TrainingRun) -> None:
    """Train in slices until done, stopped, out of time or NaN; then the done frame."""
    try:
        reason = await _train(service, session, run)
        body = await service.pool.train(_done_body, service, session, run, reason)
    except Exception:
        log.exception("training failed")
        body = error_body(run.re, "internal", "training failed on the server; see its log")
    finally:
        run.state = "idle"
    session.outbox.drop_progress()
    session.send(body)


async def _train(service: Service, session: Session, run: TrainingRun) -> str:
    """Run slices on the training workers; the reason the run ended. The time limit counts
    wall-clock seconds while the run is not paused (waiting for a worker included)."""
    while True:
        if run.state == "paused":
            await run.resumed.wait()
        if run.stop_requested:
            return "stopped"
        start = time.monotonic()
        body = await service.pool.train(_slice, service, session, run)
        run.wall += time.monotonic() - start
        run.clock += time.monotonic() - start
        if body is not None:
            session.outbox.put_progress(body)
        if run.nan_at is not None:
            return "nan"
        if run.finished:
            return "finished"
        if run.wall >= run.max_seconds:
            return "time_limit"
        # a paced run waits (no worker held) until its next steps are due, in short naps so
        # that pause and stop act at once
        wait = min(run.ahead(), PACE_NAP_S)
        start = time.monotonic()
        await asyncio.sleep(max(wait, 0.0))
        run.clock += time.monotonic() - start


def _slice(service: Service, session: Session, run: TrainingRun) -> bytes | None:
    """Training steps for up to train_slice_s seconds; a progress frame if one is due."""
    s = service.settings
    with session.lock:
        start = time.perf_counter()
        while (took := time.perf_counter() - start) < s.train_slice_s and run.ahead(took) <= 0:
            try:
                progress = next(run.steps)
            except StopIteration:
                run.finished = True
                break
            run.last = progress
            run.tokens += progress.tokens
            run.clip_count += int(progress.clipped)
            if progress.nan_at is not None:
                run.nan_at = progress.nan_at
                break
            if progress.step % run.every == 0:
                break  # a curve point is due at every `every` steps
        run.elapsed += time.perf_counter() - start
        now = time.monotonic()
        if run.last is None or run.last.step == run.last_sent_step:
            return None
        point_due = run.last.step - run.last_sent_step >= run.every
        if not point_due and not run.finished and now - run.last_sent < 1.0 / s.progress_hz:
            return None
        run.last_sent, run.last_sent_step = now, run.last.step
        frame = _progress(service, session, run)
    frame.re = run.re
    return encode(frame, s.max_frame_bytes)


def _progress(service: Service, session: Session, run: TrainingRun) -> Progress:
    """The progress frame of the last step (with the sample's predictions)."""
    p, lm = run.last, session.state.lm
    sample = None
    if run.sample is not None:
        sample = bridge.positions(lm, run.sample, run.ngrams, SAMPLE_TOP_K)
    finite = p.finite
    now = time.monotonic()
    if finite and not lm.model.config.bidirectional:
        if now - run.generated_at >= service.settings.generated_every_s:
            run.generated, run.generated_at = bridge.drawn_text(lm, p.step), now
    return Progress.model_construct(
        step=p.step,
        epoch=p.epoch + 1,
        epochs=run.epochs,
        fraction=min(p.step / max(run.total_steps, 1), 1.0),
        loss=p.loss,
        perplexity=p.perplexity,
        grad_norms=p.grad_norms,
        clipped=p.clipped,
        clip_count=run.clip_count,
        tokens_per_s=run.tokens / max(run.elapsed, 1e-9),
        elapsed=run.elapsed,
        eta_s=run.eta(),
        sample=sample,
        generated=run.generated,
        nan_at=run.nan_at,
        nonfinite=not finite,
    )


def _done_body(service: Service, session: Session, run: TrainingRun, reason: str) -> bytes:
    """Perplexities of the trained model and of the baselines on the held-out sentences."""
    state = session.state
    with session.lock:
        model = state.lm.model
        train_pairs = run.trainer.pairs[:EVAL_PAIRS]
        train_ppl = evaluate(model, train_pairs).perplexity
        valid_ppl = evaluate(model, run.valid_pairs).perplexity
        info = service.model_info(state)
    bigram, trigram = run.ngrams
    frame = TrainDone(
        re=run.re,
        reason=reason,
        steps=run.trainer.step_count,
        epochs=run.trainer.epoch + 1,
        elapsed=run.elapsed,
        train_perplexity=train_ppl,
        valid_perplexity=valid_ppl,
        bigram_valid_perplexity=bigram.perplexity(run.valid_ids),
        trigram_valid_perplexity=trigram.perplexity(run.valid_ids),
        nan_at=run.nan_at,
        model=info,
        message=NAN_MESSAGE.format(step=run.nan_at) if run.nan_at is not None else None,
    )
    return encode(frame, service.settings.max_frame_bytes)
