"""Batched training: shuffled mini-batches, one Progress record per step.

A training pair is (inputs (T,), targets (T,)) token ids, e.g. text.training_pair_ids (next word)
or text.blank_pair (only the blank scored). Pairs of different lengths are padded to the longest
of their batch: inputs with pad_id, targets with -100. The padding is never scored and no softmax
is computed there, but the states at padded steps are still computed, and a backward chain
would start reading at the padding of a shorter sequence. So batches are bucketed by length:

- bucket="sorted": each batch holds pairs of nearly the same length (a shuffled pool of
  BUCKET_POOL batches sorted by length, cut into batches, the batches shuffled), so little is
  padded; exact for a unidirectional model, whose padding comes after every real step.
- bucket="exact": each batch holds pairs of one length only: no padding at all, so a
  bidirectional model's batch is exactly its sequences one by one.
- bucket=None: plain shuffled batches.

Trainer.run() is a generator that yields after every update, so a caller can pause (stop
calling next), resume, or stop (close it) between any two steps.
"""

import json
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from .losses import IGNORE_INDEX
from .model import RNNLM, is_finite
from .optim import Optimizer, clip_grad_norm, norm
from .text import FIRST_WORD_ID, UNK_ID

Pair = tuple[np.ndarray, np.ndarray]
BUCKETS = ("sorted", "exact")
BUCKET_POOL = 50  # batches sorted by length together ("sorted" bucketing)


def _eval_rng() -> np.random.Generator:
    """The fixed generator evaluate() groups its batches with (the order does not change the
    mean; a fixed one keeps the float sums the same on every run)."""
    return np.random.default_rng(0)


def bucketed_batches(
    lengths: Sequence[int], batch_size: int, bucket: str | None, rng: np.random.Generator
) -> list[list[int]]:
    """One epoch of batches of pair indices, in the order they are trained (see the module
    docstring); lengths (P,) of the pairs."""
    order = rng.permutation(len(lengths)).tolist()
    if bucket is None:
        return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if bucket == "exact":
        by_length: dict[int, list[int]] = {}
        for i in order:
            by_length.setdefault(lengths[i], []).append(i)
        groups = [by_length[n] for n in sorted(by_length)]
    else:
        pool = batch_size * BUCKET_POOL
        groups = [
            sorted(order[i : i + pool], key=lambda j: lengths[j])
            for i in range(0, len(order), pool)
        ]
    batches = [g[i : i + batch_size] for g in groups for i in range(0, len(g), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches)).tolist()]


@dataclass
class Progress:
    """One training step: loss of the batch before the update and what the update did."""

    step: int  # updates done so far, this one included (1-based)
    epoch: int  # 0-based epoch of this batch
    loss: float  # mean cross-entropy of the batch (nan/inf if it diverged)
    perplexity: float  # exp(loss)
    grad_norm: float  # joint ‖∇‖ before clipping
    grad_norms: dict[str, float]  # name -> ‖∇name‖ before clipping
    clipped: bool
    tokens: int  # scored targets in the batch
    tokens_per_s: float
    nan_at: int | None = None  # the step whose loss or gradient was not finite (no update made)

    @property
    def finite(self) -> bool:
        """Whether the batch's loss and every gradient's norm were finite numbers."""
        values = [self.loss, *self.grad_norms.values()]
        return bool(np.isfinite(values).all())

    def to_dict(self) -> dict:
        """JSON-ready (non-finite floats as None)."""
        d = asdict(self)
        for key in ("loss", "perplexity", "grad_norm"):
            d[key] = d[key] if np.isfinite(d[key]) else None
        d["grad_norms"] = {k: (v if np.isfinite(v) else None) for k, v in self.grad_norms.items()}
        return d


@dataclass
class EvalResult:
    """Token-weighted mean cross-entropy and perplexity over held-out pairs."""

    loss: float
    perplexity: float
    tokens: int


def _perplexity(loss: float) -> float:
    """exp(loss); inf (not an overflow warning) for a huge or non-finite loss."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.exp(loss)) if np.isfinite(loss) else float("inf")


def next_word_pairs(sequences: Sequence[Sequence[int]]) -> list[Pair]:
    """(seq[:-1], seq[1:]) for every sequence of ≥ 2 ids: input s w1..wn, label w1..wn e."""
    pairs = []
    for seq in sequences:
        ids = np.asarray(seq, dtype=np.int64)  # (T+1,)
        if ids.size >= 2:
            pairs.append((ids[:-1], ids[1:]))
    return pairs


def pad_batch(pairs: Sequence[Pair], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """Stack pairs into (B, T_max) inputs padded with pad_id and targets padded with -100."""
    T = max(len(x) for x, _ in pairs)
    inputs = np.full((len(pairs), T), pad_id, dtype=np.int64)  # (B, T)
    targets = np.full((len(pairs), T), IGNORE_INDEX, dtype=np.int64)  # (B, T)
    for b, (x, y) in enumerate(pairs):
        inputs[b, : len(x)] = x
        targets[b, : len(y)] = y
    return inputs, targets


def drop_words(inputs: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """A copy of `inputs` with each real word (not a special token) read as <unk> with
    probability `rate`: word dropout, so that the model leans on no single word and has learned
    what <unk> means when a learner's sentence holds a word it never saw. Targets stay as they are.
    """
    if rate <= 0:
        return inputs
    words = inputs >= FIRST_WORD_ID  # (B, T)
    return np.where(words & (rng.random(inputs.shape) < rate), UNK_ID, inputs)


def evaluate(
    model: RNNLM, pairs: Sequence[Pair], batch_size: int = 64, pad_id: int = 0
) -> EvalResult:
    """Perplexity of `model` on held-out pairs (no gradient), in batches of one length each:
    no padding, so a bidirectional model reads every sequence exactly as alone."""
    total, tokens = 0.0, 0
    batches = bucketed_batches([len(x) for x, _ in pairs], batch_size, "exact", _eval_rng())
    for batch in batches:
        inputs, targets = pad_batch([pairs[i] for i in batch], pad_id)
        loss, n = model.loss(inputs, targets)
        total += loss * n
        tokens += n
    mean = total / tokens if tokens else float("nan")
    return EvalResult(loss=mean, perplexity=_perplexity(mean), tokens=tokens)


@dataclass
class Trainer:
    """Shuffled mini-batch training of `model` on `pairs` with `optimizer`.

    clip: max joint gradient norm (None = no clipping); truncate: BPTT steps (None = full);
    word_dropout: share of input words read as <unk> (drop_words); dropout: share of the states'
    units V and the layer above read as 0 (RNNLM.loss_and_grads); bucket: how batches are
    grouped by length (BUCKETS, or None). Randomness (the shuffle, the dropped words) only
    through self.rng = np.random.default_rng(seed); its state is part of state_dict() so a saved
    run resumes with the same batches.
    """

    model: RNNLM
    optimizer: Optimizer
    pairs: Sequence[Pair]
    batch_size: int = 16
    clip: float | None = None
    truncate: int | None = None
    seed: int = 0
    pad_id: int = 0
    word_dropout: float = 0.0
    bucket: str | None = None
    dropout: float = 0.0
    step_count: int = 0
    epoch: int = 0
    nan_at: int | None = None
    rng: np.random.Generator = field(init=False)
    _order: list[int] = field(init=False, default_factory=list)
    _sizes: list[int] = field(init=False, default_factory=list)  # the batches left in _order

    def __post_init__(self) -> None:
        if not self.pairs:
            raise ValueError("no training pairs")
        if not (isinstance(self.batch_size, int) and 1 <= self.batch_size <= 4096):
            raise ValueError("batch_size must be 1..4096")
        if self.clip is not None and not self.clip > 0:
            raise ValueError("clip must be None or a positive number")
        if not 0 <= self.word_dropout < 1:
            raise ValueError("word_dropout must be in [0, 1)")
        if not 0 <= self.dropout < 1:
            raise ValueError("dropout must be in [0, 1)")
        if self.bucket is not None and self.bucket not in BUCKETS:
            raise ValueError(f"bucket must be None or one of {', '.join(BUCKETS)}")
        self.rng = np.random.default_rng(self.seed)
        self._lengths = [len(x) for x, _ in self.pairs]

    @property
    def batches_per_epoch(self) -> int:
        """Updates in one pass over the pairs (a batch may be short: the last one, or with
        exact bucketing the last of each length)."""
        if self.bucket != "exact":
            return -(-len(self.pairs) // self.batch_size)
        counts: dict[int, int] = {}
        for n in self._lengths:
            counts[n] = counts.get(n, 0) + 1
        return sum(-(-c // self.batch_size) for c in counts.values())

    def run(self, epochs: float | None = None, steps: int | None = None) -> Iterator[Progress]:
        """Yield a Progress after each update, until `steps` updates or `epochs` more epochs
        (both None: forever) or the first non-finite loss/gradient (that record has nan_at)."""
        by_epochs = steps is None and epochs is not None
        limit = round(epochs * self.batches_per_epoch) if by_epochs else steps
        done = 0
        while limit is None or done < limit:
            progress = self.step()
            done += 1
            yield progress
            if progress.nan_at is not None:
                return

    def step(self) -> Progress:
        """One mini-batch update (none if the loss or gradient is not finite)."""
        start = time.perf_counter()
        batch = self._next_batch()
        epoch = self.epoch
        inputs, targets = pad_batch([self.pairs[i] for i in batch], self.pad_id)
        inputs = drop_words(inputs, self.word_dropout, self.rng)
        loss, grads = self.model.loss_and_grads(
            inputs, targets, truncate=self.truncate, dropout=self.dropout, rng=self.rng, sparse=True
        )
        norms = {name: norm(g) for name, g in grads.items()}
        self.step_count += 1
        finite = bool(np.isfinite(loss)) and is_finite(grads)
        total, clipped = math.hypot(*norms.values()), False
        if finite and self.clip is not None:
            total, clipped = clip_grad_norm(grads, self.clip)
        if finite:
            self.optimizer.step(self.model.params, grads)
        elif self.nan_at is None:
            self.nan_at = self.step_count
        tokens = int((targets != IGNORE_INDEX).sum())
        elapsed = max(time.perf_counter() - start, 1e-9)
        return Progress(
            step=self.step_count,
            epoch=epoch,
            loss=loss,
            perplexity=_perplexity(loss),
            grad_norm=total,
            grad_norms=norms,
            clipped=clipped,
            tokens=tokens,
            tokens_per_s=tokens / elapsed,
            nan_at=None if finite else self.step_count,
        )

    def _next_batch(self) -> list[int]:
        """Indices of the next batch; a new shuffled epoch when the current one is used up."""
        if not self._order:
            if self.step_count > 0:
                self.epoch += 1
            batches = bucketed_batches(self._lengths, self.batch_size, self.bucket, self.rng)
            self._order = [i for b in batches for i in b]
            self._sizes = [len(b) for b in batches]
        size = self._sizes.pop(0) if self._sizes else self.batch_size
        batch, self._order = self._order[:size], self._order[size:]
        return batch

    def state_dict(self) -> dict:
        """JSON-ready: step, epoch, remaining order of this epoch and the shuffle rng state."""
        return {
            "step_count": self.step_count,
            "epoch": self.epoch,
            "nan_at": self.nan_at,
            "order": self._order,
            "sizes": self._sizes,
            "rng": json.loads(json.dumps(self.rng.bit_generator.state)),
            "batch_size": self.batch_size,
            "clip": self.clip,
            "truncate": self.truncate,
            "seed": self.seed,
            "pad_id": self.pad_id,
            "word_dropout": self.word_dropout,
            "bucket": self.bucket,
            "dropout": self.dropout,
        }

    def load_state_dict(self, state: dict) -> None:
        """Continue exactly where state_dict() was taken."""
        self.step_count = int(state["step_count"])
        self.epoch = int(state["epoch"])
        self.nan_at = state["nan_at"]
        self._order = [int(i) for i in state["order"]]
        self._sizes = [int(n) for n in state.get("sizes", [])]
        self.rng.bit_generator.state = state["rng"]
