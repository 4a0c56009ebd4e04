"""2-gram and 3-gram baselines with interpolated Kneser-Ney smoothing.

The tutorial's case for the RNN: an n-gram model sees only the last n-1 words ("我 昨天 上学
迟到 了 ，老师 批评 了 ____": the 我 that decides the blank is 9 words back). This module is that
baseline, on the RNN's own vocabulary and sentence convention, so both can be compared word by
word and by perplexity on the same text.

Convention (the same as ``text.training_pairs``): a sentence w1 … wT is read as
``<s>`` w1 … wT ``</s>``; the model predicts w1 … wT and ``</s>``, never ``<s>``, ``<pad>`` or
``<blank>`` (those get probability 0, and every distribution still sums to 1).

Smoothing (Chen & Goodman's interpolated Kneser-Ney, as KenLM computes it). For order k with
context h (the last k-1 words) and h⁻ (h without its first word)::

    P_k(w | h) = max(a(h w) - D_k, 0) / a(h •)  +  D_k · N1+(h •) / a(h •) · P_{k-1}(w | h⁻)

a is the raw count at the top order and the continuation count N1+(• h w) (how many different
words precede h w) below it, except for n-grams that start with ``<s>``, which nothing can
precede and so keep their raw count. a(h •) sums a over w, N1+(h •) counts the w with a > 0,
and an unseen context falls back to P_{k-1}. D_k = n1 / (n1 + 2 n2) from the number of order-k
n-grams with a = 1 and a = 2 (0.5 when either is 0). The unigram level interpolates with the
uniform distribution over the predictable words, so no word has zero probability.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .text import BLANK_ID, BOS_ID, EOS_ID, PAD_ID

_NEVER_NEXT = (PAD_ID, BOS_ID, BLANK_ID)  # ids that are never a next word
_INT64_MAX = np.iinfo(np.int64).max


@dataclass(frozen=True)
class _Level:
    """The counts of one order k ≥ 2, sorted by n-gram key (context key · V + word)."""

    keys: np.ndarray  # (M,) int64 n-gram keys, sorted
    words: np.ndarray  # (M,) int64 last word of each n-gram
    counts: np.ndarray  # (M,) float64 adjusted counts a(h w)
    contexts: np.ndarray  # (G,) int64 distinct context keys, sorted
    starts: np.ndarray  # (G+1,) int64 slice of keys/words/counts belonging to each context
    totals: np.ndarray  # (G,) float64 a(h •)
    types: np.ndarray  # (G,) float64 N1+(h •)
    index: dict[int, int]  # context key -> row in contexts
    discount: float  # D_k


def _discount(counts: np.ndarray) -> float:
    n1 = np.count_nonzero(counts == 1)
    n2 = np.count_nonzero(counts == 2)
    return float(n1 / (n1 + 2 * n2)) if n1 and n2 else 0.5


def _keys(flat: np.ndarray, sentence: np.ndarray, k: int, V: int) -> np.ndarray:
    """Keys Σ w_j V^(k-1-j) of every k-gram lying inside one padded sentence; (M,) int64."""
    n = len(flat) - k + 1
    keys = np.zeros(n, dtype=np.int64)  # (n,)
    for j in range(k):
        keys = keys * V + flat[j : j + n]
    return keys[sentence[:n] == sentence[k - 1 : k - 1 + n]]


def _merge(*tables: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.concatenate([k for k, _ in tables])
    counts = np.concatenate([c for _, c in tables])
    order = np.argsort(keys, kind="stable")
    return keys[order], counts[order].astype(np.float64)


def _level(keys: np.ndarray, counts: np.ndarray, V: int) -> _Level:
    contexts, starts = np.unique(keys // V, return_index=True)  # (G,), (G,)
    starts = np.append(starts, len(keys))  # (G+1,)
    return _Level(
        keys=keys,
        words=keys % V,
        counts=counts,
        contexts=contexts,
        starts=starts,
        totals=np.add.reduceat(counts, starts[:-1]),
        types=np.diff(starts).astype(np.float64),
        index={c: g for g, c in enumerate(contexts.tolist())},
        discount=_discount(counts),
    )


class NGramLM:
    """An interpolated Kneser-Ney n-gram language model (order 2 or 3) over ids 0..V-1."""

    def __init__(self, vocab_size: int, order: int = 2) -> None:
        if order not in (2, 3):
            raise ValueError("order must be 2 or 3")
        if vocab_size <= max(_NEVER_NEXT + (EOS_ID,)):
            raise ValueError("vocab_size must include the special tokens")
        if vocab_size**order > _INT64_MAX:
            raise ValueError(f"vocab_size {vocab_size} is too large for an order-{order} model")
        self.vocab_size = vocab_size
        self.order = order
        self._unigram: np.ndarray | None = None  # (V,) P_1
        self._unigram_discount = 0.0
        self._levels: dict[int, _Level] = {}

    # ---------------------------------------------------------------- fitting
    def _padded(self, sentences: Iterable[Sequence[int] | np.ndarray]):
        """Concatenate <s> w1 … wT </s> of every sentence; flat ids and sentence numbers (L,)."""
        rows = [np.asarray(s, dtype=np.int64).reshape(-1) for s in sentences]
        if not rows:
            raise ValueError("an n-gram model needs at least one sentence")
        if min(len(r) for r in rows) == 0:
            raise ValueError("a sentence needs at least one word")
        words = np.concatenate(rows)  # (N,)
        if words.min() < 0 or words.max() >= self.vocab_size:
            raise ValueError(f"word ids must lie in 0..{self.vocab_size - 1}")
        if np.isin(words, _NEVER_NEXT + (EOS_ID,)).any():
            raise ValueError("sentences must not contain <pad>, <s>, </s> or <blank> ids")
        lengths = np.array([len(r) + 2 for r in rows])  # (S,)
        flat = np.concatenate([np.concatenate(([BOS_ID], r, [EOS_ID])) for r in rows])  # (L,)
        return flat, np.repeat(np.arange(len(rows)), lengths)  # (L,), (L,)

    def fit(self, sentences: Iterable[Sequence[int] | np.ndarray]) -> NGramLM:
        """Count every order on sentences of word ids (no <s>/</s>: they are added); self."""
        V, n = self.vocab_size, self.order
        flat, sentence = self._padded(sentences)
        above = _merge(np.unique(_keys(flat, sentence, n, V), return_counts=True))
        self._levels = {n: _level(*above, V)}
        for k in range(n - 1, 0, -1):
            continuation = np.unique(above[0] % V**k, return_counts=True)
            if k == 1:
                break
            raw = np.unique(_keys(flat, sentence, k, V), return_counts=True)
            starts_bos = raw[0] // V ** (k - 1) == BOS_ID
            above = _merge(continuation, (raw[0][starts_bos], raw[1][starts_bos]))
            self._levels[k] = _level(*above, V)
        self._unigram_discount = _discount(continuation[1])
        self._unigram = self._fit_unigram(*continuation)
        return self

    def _fit_unigram(self, words: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """P_1 (V,): discounted continuation counts plus their mass spread uniformly."""
        counts = counts.astype(np.float64)
        D = self._unigram_discount
        predictable = np.ones(self.vocab_size, dtype=bool)  # (V,)
        predictable[list(_NEVER_NEXT)] = False
        uniform = predictable / predictable.sum()  # (V,)
        p = D * len(words) / counts.sum() * uniform  # (V,)
        p[words] += (counts - D) / counts.sum()
        return p

    # ---------------------------------------------------------------- queries
    @property
    def discounts(self) -> dict[int, float]:
        """D_k for every order k = 1..order."""
        self._check_fitted()
        levels = {k: self._levels[k].discount for k in sorted(self._levels)}
        return {1: self._unigram_discount} | levels

    def _check_fitted(self) -> None:
        if self._unigram is None:
            raise RuntimeError("the n-gram model is not fitted; call fit(sentences) first")

    def _context(self, context_ids: Sequence[int] | np.ndarray) -> list[int]:
        ctx = np.asarray(context_ids, dtype=np.int64).reshape(-1)[-(self.order - 1) :]
        if ctx.size and (ctx.min() < 0 or ctx.max() >= self.vocab_size):
            raise ValueError(f"context ids must lie in 0..{self.vocab_size - 1}")
        return ctx.tolist()

    def _seen_levels(self, ctx: list[int]):
        """(level, context row) from order 2 up, while the context was seen in training."""
        for k in range(2, min(self.order, len(ctx) + 1) + 1):
            key = 0
            for w in ctx[len(ctx) - (k - 1) :]:
                key = key * self.vocab_size + w
            g = self._levels[k].index.get(key)
            if g is None:  # an unseen context: every longer one is unseen too
                return
            yield self._levels[k], g

    def next_distribution(self, context_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """P(next word | the last order-1 ids of context_ids); (V,) float64 summing to 1.

        context_ids are the words read so far, starting with <s> for a sentence; an empty
        context gives the unigram level P_1.
        """
        self._check_fitted()
        p = self._unigram.copy()  # (V,)
        for lv, g in self._seen_levels(self._context(context_ids)):
            s, e = lv.starts[g], lv.starts[g + 1]
            D, total = lv.discount, lv.totals[g]
            p *= D * lv.types[g] / total  # (V,) the backed-off share
            p[lv.words[s:e]] += np.maximum(lv.counts[s:e] - D, 0.0) / total
        return p

    def prob(self, word: int, context_ids: Sequence[int] | np.ndarray) -> float:
        """P(word | context_ids), one entry of next_distribution."""
        return float(self.next_distribution(context_ids)[word])

    def matched_order(self, context_ids: Sequence[int] | np.ndarray) -> int:
        """The highest order whose context was seen in training (1 = unigram only)."""
        self._check_fitted()
        return 1 + sum(1 for _ in self._seen_levels(self._context(context_ids)))

    def context_used(self, t: int) -> range:
        """Input positions the model reads to predict label t: t only (2-gram), t-1..t (3-gram)."""
        return range(max(0, t - self.order + 2), t + 1)

    def distributions(self, input_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """next_distribution at every position of an input row <s> w1 … ; (T, V) float64.

        Row t is the n-gram's counterpart of the RNN's o_t for the same input.
        """
        x = np.asarray(input_ids, dtype=np.int64).reshape(-1)  # (T,)
        return np.stack([self.next_distribution(x[: t + 1]) for t in range(len(x))])  # (T, V)

    def _log_probs(self, flat: np.ndarray, sentence: np.ndarray) -> np.ndarray:
        """log P of every word after <s> in padded sentences, vectorised over positions; (P,)."""
        V = self.vocab_size
        pos = np.flatnonzero(flat != BOS_ID)  # (P,) label positions
        first = np.searchsorted(sentence, sentence[pos])  # (P,) where each sentence starts
        w = flat[pos]  # (P,)
        p = self._unigram[w]  # (P,)
        ctx = np.zeros(len(pos), dtype=np.int64)  # (P,) context key, grown one word per order
        for k in range(2, self.order + 1):
            lv = self._levels[k]
            valid = pos - (k - 1) >= first  # (P,)
            ctx = ctx + flat[np.maximum(pos - (k - 1), 0)] * V ** (k - 2)  # (P,)
            g = np.minimum(np.searchsorted(lv.contexts, ctx), len(lv.contexts) - 1)  # (P,)
            seen = valid & (lv.contexts[g] == ctx)  # (P,)
            i = np.minimum(np.searchsorted(lv.keys, ctx * V + w), len(lv.keys) - 1)  # (P,)
            a = np.where(lv.keys[i] == ctx * V + w, lv.counts[i], 0.0)  # (P,)
            D, total = lv.discount, lv.totals[g]
            p = np.where(seen, np.maximum(a - D, 0.0) / total + D * lv.types[g] / total * p, p)
        return np.log(p)

    def perplexity(self, sentences: Iterable[Sequence[int] | np.ndarray]) -> float:
        """exp(mean cross-entropy per predicted word, </s> included), the RNN's convention."""
        self._check_fitted()
        return float(np.exp(-self._log_probs(*self._padded(sentences)).mean()))
