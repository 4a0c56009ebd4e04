"""Text generation: sample the next word from o_t with temperature and top-k, word by word."""

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from .model import RNNLM
from .text import BLANK_ID, BOS_ID, EOS_ID, PAD_ID, UNK_ID, Vocab


class Draw(NamedTuple):
    """One sampled word: its id, its probability under the model (o_t) and as drawn from
    (after temperature, top-k and the excluded words)."""

    id: int
    p_model: float
    p: float


def not_drawn(allow_unk: bool = False) -> tuple[int, ...]:
    """The ids a sample never draws: padding, <s> and <blank> (never a next word), and <unk>
    (which names no word) unless allow_unk."""
    return (PAD_ID, BOS_ID, BLANK_ID) if allow_unk else (PAD_ID, UNK_ID, BOS_ID, BLANK_ID)


def adjust_distribution(
    o: np.ndarray,
    temperature: float = 1.0,
    top_k: int | None = None,
    exclude: Sequence[int] = (),
) -> np.ndarray:
    """o (N,) -> the distribution ∝ o^(1/temperature) over the top_k most likely words that are
    not in `exclude` (e.g. <unk>, which names no word).

    temperature → 0 approaches argmax; 1 leaves o as it is.
    """
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    if top_k is not None and not (isinstance(top_k, int) and top_k >= 1):
        raise ValueError("top_k must be None or an integer ≥ 1")
    with np.errstate(divide="ignore"):
        z = np.log(o.astype(np.float64)) / temperature  # (N,)
    z[np.asarray(exclude, dtype=np.int64)] = -np.inf
    if not np.isfinite(z).any():
        raise ValueError("no word is left to sample once the excluded words are removed")
    if top_k is not None and top_k < z.size:
        dropped = np.argpartition(z, -top_k)[:-top_k]  # (N - k,) exactly k words stay, ties too
        z[dropped] = -np.inf
    z -= z.max()
    p = np.exp(z)  # (N,)
    return p / p.sum()


def next_word_distribution(
    model: RNNLM,
    ids: Sequence[int],
    temperature: float = 1.0,
    top_k: int | None = None,
    exclude: Sequence[int] = (),
) -> np.ndarray:
    """Distribution (N,) of the word after `ids` (T,) under a unidirectional model."""
    _check_unidirectional(model)
    probs, _ = model.forward(np.asarray(ids, dtype=np.int64))  # (T, N)
    return adjust_distribution(probs[-1], temperature, top_k, exclude)


def sample(
    model: RNNLM,
    prompt: Sequence[int],
    length: int,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    stop_id: int | None = None,
    exclude: Sequence[int] = (),
) -> list[Draw]:
    """Up to `length` words drawn after `prompt` (≥ 1 id, e.g. [<s>]); stops after stop_id."""
    _check_unidirectional(model)
    if len(prompt) == 0:
        raise ValueError("prompt must hold at least one id (e.g. <s>)")
    if not (isinstance(length, int) and 0 <= length <= 1000):
        raise ValueError("length must be 0..1000")
    ids = list(prompt)
    out: list[Draw] = []
    for _ in range(length):
        probs, _ = model.forward(np.asarray(ids, dtype=np.int64))  # (T, N)
        p = adjust_distribution(probs[-1], temperature, top_k, exclude)  # (N,)
        word = int(rng.choice(p.size, p=p))
        ids.append(word)
        out.append(Draw(word, float(probs[-1, word]), float(p[word])))
        if word == stop_id:
            break
    return out


def continuation(
    model: RNNLM,
    vocab: Vocab,
    prompt: Sequence[str],
    length: int,
    rng: np.random.Generator | int,
    temperature: float = 1.0,
    top_k: int | None = None,
    allow_unk: bool = False,
) -> list[Draw]:
    """The words drawn after <s> and the prompt's tokens, until </s> (its draw included) or
    `length` words; never a special token, nor <unk> unless allow_unk. rng: a generator, or
    the seed of a new one."""
    ids = [BOS_ID, *vocab.encode(list(prompt)).tolist()]
    rng = np.random.default_rng(rng)
    return sample(model, ids, length, rng, temperature, top_k, EOS_ID, not_drawn(allow_unk))


def _check_unidirectional(model: RNNLM) -> None:
    if model.config.bidirectional:
        raise ValueError(
            "generation needs a unidirectional model (a bidirectional one sees the future)"
        )
