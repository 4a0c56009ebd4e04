"""The tutorial's three remedies for vanishing gradients, compared on a learner's sentence.

For one model and one sentence: how much of the error at a word reaches each earlier input
(‖∂E_t/∂x_k‖, RNNLM.connectivity) and a verdict from it: does the error at the dependent word
still reach the sentence's first word? And for a set of long-range cases (a cue, then its
dependent word some tokens later): the share of dependent words the model ranks first, binned
by the cue's distance (fit.accuracy_by_distance).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .fit import DISTANCE_BINS, accuracy_by_distance, dependent_hits
from .frames import Reader, Record
from .model import RNNLM
from .text import BOS, Vocab, tokenize, training_pair_ids

# reach = ‖∂E_t/∂x_1‖ / ‖∂E_t/∂x_t‖: at least REACHES, the first word still gets a tenth of what
# the word at t gets; below VANISHES, less than a thousandth: for learning, nothing.
REACHES = 0.1
VANISHES = 1e-3
VERDICTS = ("reaches", "fades", "vanishes")


@dataclass
class RemedyView:
    """One model on one sentence. Positions t index the inputs <s> w1 … wT."""

    t: int  # the position whose error is followed back (its label is the dependent word)
    strip: np.ndarray  # (T+1,) ‖∂E_t/∂x_k‖ for every input k (0 after t)
    relative: np.ndarray  # (T+1,) strip / strip[t]: 1 at t itself, what fraction reaches k
    reach: float  # strip[1] / strip[t]: what reaches the first word, against the word at t
    verdict: str  # one of VERDICTS
    p_label: float  # o_t[y_t]: the model's probability of the dependent word
    top: tuple[int, float]  # o_t's most likely word (its id) and its probability


def verdict_of(reach: float) -> str:
    """reaches / fades / vanishes from the reach (a non-finite reach vanishes)."""
    if not np.isfinite(reach) or reach < VANISHES:
        return "vanishes"
    return "reaches" if reach >= REACHES else "fades"


def remedy_view(
    model: RNNLM, vocab: Vocab, tokens: Sequence[str], t: int | None = None
) -> RemedyView:
    """How far back the error at position t (default: the one predicting the last word) reaches."""
    if len(tokens) < 2:
        raise ValueError("the sentence needs at least two words: a cue and a word after it")
    x, y = training_pair_ids(list(tokens), vocab)  # (T+1,): <s> w1 … wT → w1 … wT </s>
    t = len(tokens) - 1 if t is None else t
    if not 1 <= t < len(x):
        raise ValueError(f"t must be a position 1..{len(x) - 1}")
    strip = model.connectivity(x, y, t)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = strip / strip[t] if strip[t] > 0 else np.full_like(strip, np.nan)
    reach = float(relative[1])
    o = model.forward(x)[0][t]  # (N,)
    best = int(np.argmax(o))
    return RemedyView(
        t=t,
        strip=strip,
        relative=relative,
        reach=reach,
        verdict=verdict_of(reach),
        p_label=float(o[y[t]]),
        top=(best, float(o[best])),
    )


@dataclass
class RemedyRecord(Record):
    """One remedy (its role: tanh, relu, lstm or gru) on the learner's sentence, as the
    Remedies lab draws it: its cell, the connectivity strip and its verdict, o_t at the
    dependent word, and its accuracy on the long-range sentences, overall and by distance."""

    role: str
    model: str
    cell: str
    activation: str
    init: str
    hidden_size: int
    strip: list[float]
    relative: list[float]
    reach: float
    verdict: str
    p_label: float
    top: dict
    accuracy: float | None
    by_distance: list[dict]


@dataclass
class Remedies(Record):
    """The remedies side by side on one sentence: the error at position t (label `label`)."""

    language: str
    tokens: list[str]
    inputs: list[str]
    t: int
    label: str
    models: list[RemedyRecord]


def remedies_record(
    remedies: Sequence[tuple[str, Reader, tuple]], tokens: list[str], t: int | None = None
) -> Remedies:
    """Each (role, reader, (accuracy, bins)) on the sentence, the error followed back from
    position t (default: the one predicting the last word); bins as accuracy_by_distance's."""
    position = len(tokens) - 1 if t is None else t
    models = []
    for role, reader, (accuracy, bins) in remedies:
        view = remedy_view(reader.model, reader.vocab, tokens, position)
        config = reader.model.config
        top_id, top_p = view.top
        models.append(
            RemedyRecord(
                role=role,
                model=reader.name,
                cell=config.cell,
                activation=config.activation,
                init=config.init,
                hidden_size=config.hidden_size,
                strip=view.strip.tolist(),
                relative=view.relative.tolist(),
                reach=view.reach,
                verdict=view.verdict,
                p_label=view.p_label,
                top={"word": reader.vocab.word(top_id), "id": top_id, "p": top_p},
                accuracy=accuracy,
                by_distance=[
                    {"lo": lo, "hi": hi, "accuracy": acc, "cases": n} for lo, hi, acc, n in bins
                ],
            )
        )
    language = remedies[0][1].language
    label = tokens[position]
    return Remedies(language, tokens, [BOS, *tokens], position, label, models)


@dataclass
class LongRangeCases:
    """Hand-written long-range sentences of one language (data/long_range_novel.tsv's rows)."""

    cases: list[tuple[list[str], int]]  # (tokens, position of the dependent word)
    distances: list[int]  # tokens from the cue to the dependent word
    families: list[str] = field(default_factory=list)  # each row's family (broken_buy, …)


def read_long_range_cases(path: Path, language: str) -> LongRangeCases:
    """The rows of `language` of a long-range TSV (lang, sentence, cue_index, dep_index, …)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["lang"] == language]
    return LongRangeCases(
        cases=[(tokenize(r["sentence"], language), int(r["dep_index"])) for r in rows],
        distances=[int(r["dep_index"]) - int(r["cue_index"]) for r in rows],
        families=[r["family"] for r in rows],
    )


def long_range_accuracy(
    model: RNNLM,
    vocab: Vocab,
    cases: LongRangeCases,
    bins: Sequence[tuple[int, int]] = DISTANCE_BINS,
) -> tuple[float | None, list[tuple[int, int, float | None, int]]]:
    """The share of dependent words ranked first, overall and by the cue's distance."""
    if not cases.cases:
        return None, accuracy_by_distance(np.zeros(0, dtype=bool), [], bins)
    hits = dependent_hits(lambda x: model.forward(x)[0], vocab, cases.cases)
    return float(hits.mean()), accuracy_by_distance(hits, cases.distances, bins)
