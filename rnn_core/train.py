"""Batched training: padded, shuffled mini-batches, one Progress record per step.

A training pair is (inputs (T,), targets (T,)) token ids, e.g. text.training_pair_ids (next word)
or text.blank_pair (only the blank scored). Pairs of different lengths are padded to the longest
of their batch: inputs with pad_id, targets with -100. The padding is masked in the loss only:
the states at padded steps are still computed (and a backward chain starts reading at the
padding of a shorter sequence), so a batch of unequal lengths is not exactly the same as the
sequences one by one for a bidirectional model.

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

Pair = tuple[np.ndarray, np.ndarray]


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


def evaluate(
    model: RNNLM, pairs: Sequence[Pair], batch_size: int = 64, pad_id: int = 0
) -> EvalResult:
    """Perplexity of `model` on held-out pairs (no gradient)."""
    total, tokens = 0.0, 0
    for start in range(0, len(pairs), batch_size):
        inputs, targets = pad_batch(pairs[start : start + batch_size], pad_id)
        loss, n = model.loss(inputs, targets)
        total += loss * n
        tokens += n
    mean = total / tokens if tokens else float("nan")
    return EvalResult(loss=mean, perplexity=_perplexity(mean), tokens=tokens)


@dataclass
class Trainer:
    """Shuffled mini-batch training of `model` on `pairs` with `optimizer`.

    clip: max joint gradient norm (None = no clipping); truncate: BPTT steps (None = full).
    Randomness (the shuffle) only through self.rng = np.random.default_rng(seed); its state is
    part of state_dict() so a saved run resumes with the same batches.
    """

    model: RNNLM
    optimizer: Optimizer
    pairs: Sequence[Pair]
    batch_size: int = 16
    clip: float | None = None
    truncate: int | None = None
    seed: int = 0
    pad_id: int = 0
    step_count: int = 0
    epoch: int = 0
    nan_at: int | None = None
    rng: np.random.Generator = field(init=False)
    _order: list[int] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        if not self.pairs:
            raise ValueError("no training pairs")
        if not (isinstance(self.batch_size, int) and 1 <= self.batch_size <= 4096):
            raise ValueError("batch_size must be 1..4096")
        if self.clip is not None and not self.clip > 0:
            raise ValueError("clip must be None or a positive number")
        self.rng = np.random.default_rng(self.seed)

    @property
    def batches_per_epoch(self) -> int:
        """Updates in one pass over the pairs (the last batch may be short)."""
        return -(-len(self.pairs) // self.batch_size)

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
        loss, grads = self.model.loss_and_grads(inputs, targets, truncate=self.truncate)
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
            self._order = self.rng.permutation(len(self.pairs)).tolist()
        batch, self._order = self._order[: self.batch_size], self._order[self.batch_size :]
        return batch

    def state_dict(self) -> dict:
        """JSON-ready: step, epoch, remaining order of this epoch and the shuffle rng state."""
        return {
            "step_count": self.step_count,
            "epoch": self.epoch,
            "nan_at": self.nan_at,
            "order": self._order,
            "rng": json.loads(json.dumps(self.rng.bit_generator.state)),
            "batch_size": self.batch_size,
            "clip": self.clip,
            "truncate": self.truncate,
            "seed": self.seed,
            "pad_id": self.pad_id,
        }

    def load_state_dict(self, state: dict) -> None:
        """Continue exactly where state_dict() was taken."""
        self.step_count = int(state["step_count"])
        self.epoch = int(state["epoch"])
        self.nan_at = state["nan_at"]
        self._order = [int(i) for i in state["order"]]
        self.rng.bit_generator.state = state["rng"]
