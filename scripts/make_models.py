"""Retrain every built-in model from the corpora and write docs/models.md (`make models`).

    python scripts/make_models.py [--only en-lm zh-lm ... | --measure] [--data-dir D]
                                   [--models-dir M]

Reads data/<lang>/train.txt and valid.txt (one sentence per line) and data/long_range.tsv, trains
each model of MODELS with its fixed recipe and seed, saves models/<name>.npz (weights, vocabulary,
optimizer and trainer state, and extra = language, kind, corpus, perplexities, recipe) and writes
the table of perplexities, the long-range accuracies and the tutorial-sentence checks into
docs/models.md. With --only, the models not named are loaded from their files and measured the
same way (so the report always covers every model); --measure trains nothing. The same corpus
and recipe give the same models on every run.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the engine is the repository's

from rnn_core.cli import progress_bar  # noqa: E402
from rnn_core.fit import (  # noqa: E402
    DISTANCE_BINS,
    Fitted,
    Recipe,
    accuracy_by_distance,
    dependent_hits,
    fill_blanks,
    fit,
    next_words,
    ngram_models,
    ngram_perplexity,
    perplexity,
)
from rnn_core.io import load, save  # noqa: E402
from rnn_core.model import RNNLM  # noqa: E402
from rnn_core.ngram import NGramLM  # noqa: E402
from rnn_core.remedies import read_long_range_cases  # noqa: E402
from rnn_core.text import BLANK, Vocab, tokenize  # noqa: E402

DATA_DIR = ROOT / "data"
MODELS_DIR = ROOT / "models"
DOCS_FILE = ROOT / "docs" / "models.md"
LANGUAGES = ("en", "zh")

# The tutorial's sentences: (prompt, the word the model must rank first with p ≥ CHECK_P).
NEXT_WORD_CHECKS = {
    "en": (
        ("I was late for school yesterday, and the teacher criticised", "me"),
        ("My phone is broken, so I plan to buy a new", "phone"),
    ),
    "zh": (
        ("我 昨天 上学 迟到 了 ， 老师 批评 了", "我"),
        ("我的手机坏了，我打算买一部新", "手机"),
    ),
}
# (sentence with a ____ blank, the word the bidirectional model must rank first).
BLANK_CHECKS = {
    "en": (("My phone is broken, so I plan to ____ a new phone.", "buy"),),
    "zh": (("我的手机坏了，我打算 ____ 一部新手机。", "买"),),
}
CHECK_P = 0.5

# ReLU with W = I (IRNN): the tutorial's remedies for vanishing gradients, "careful weight
# initialisation" and "ReLU instead of tanh". With tanh and Xavier W the model learns far less
# of the far-back word (the ablation below). 64 units, the most the network view draws legibly;
# Adam at 1e-3 (2e-3 and 5e-3 learned less of the far-back word in the recipe search).
# Tried 2026-12-02 on the first 45 sentences per language of the development set
# (data/long_range_dev.tsv, en / zh; this recipe retrained the same day: 73 % / 60 %), all
# worse: word dropout 0.15 40 % / 47 % (long-range 57 % / 87 %: the cue itself is dropped),
# dropout 0.3 on the states 27 % / 42 %, η falling to 0.1 × by the end 44 % / 56 % (lower
# perplexity, 2.58 / 2.75), and a corpus with a third of the inserted clauses drawn from the
# everyday sentences (make_corpus EVERYDAY_ASIDES 0.35) 69 % / 44 %.
# On all 90 per language (2026-12-02 evening; this recipe 58 % / 52 %): the weights' moving average
# (decay 0.999, every update) 54 % / 54 %, though in-distribution long-range 98.6 % / 97.9 %
# (93.3 % / 97.5 %) and held-out perplexity 2.55 / 2.73 (2.65 / 2.79); a corpus of 150,000
# sentences for 12 epochs (the same updates) 48 % / 56 %, 96.1 % / 98.8 %. The recipe fits the
# grammar better and the development set no better.
# A grammar whose pronoun families (late_criticised, good_praised, relative_pronoun) drew half
# their cue clauses from lists of any deed (15 misdeeds, 15 good deeds, 20 everyday activities per
# language, the doer still deciding the pronoun): 49 % / 51 % (GRU_RECIPE in English 56 %, the
# shipped en-gru 52 %), those three families 80 / 30 / 40 % in English (80 / 30 / 60 %) and
# 50 / 40 / 20 % in Chinese (80 / 40 / 0 %).
# None of these is a result: this recipe and corpus with seed 1 instead of 0 gave 43 % / 52 %, and
# families moved by up to 40 points (10 rows each). One run per arm cannot tell recipes apart by
# less than about 15 points in English; compare arms on two or more seeds.
# Half the inserted clauses drawn from the everyday sentences (EVERYDAY_ASIDES 0.5; 2026-12-03, all
# 90 per language, seeds 0 and 1): en 42.2 % / 44.4 % (shipped corpus, seeds 0 / 1 / 2: 58 / 43.3 /
# 46.7 %), zh 47.8 % / 50.0 % (52 / 52.2 %), in-distribution long-range 87.9 / 90.0 % and
# 96.2 / 95.3 %: more words between cue and dependent word, not more shapes; not adopted.
# The families' cue and dependent clauses composed in part from the everyday lexicon (times,
# rooms, shops, deeds) instead of their own lists (make_corpus COMPOSED; 2026-12-03, all 90 per
# language), against the shipped corpus with seeds 0 / 1 / 2: en 58 / 43.3 / 46.7 % (mean 49.3),
# zh 52 / 52.2 / 51.1 % (51.8). COMPOSED 0.5, seeds 0 / 1: en 50.0 / 37.8 %, zh 44.4 / 52.2 %,
# in-distribution long-range 90.3 / 71.3 % and 89.3 / 97.6 %, English phone check failed on both.
# COMPOSED 0.2, seeds 0 / 1 / 2: en 61.1 / 51.1 / 54.4 % (55.6), zh 48.9 / 45.6 / 56.7 % (50.4),
# 93.3 / 80.8 / 86.7 % and 95.7 / 96.5 / 97.1 %, English phone check failed on seed 1. English
# gains about 6 points on every seed, Chinese none; far from the 85 % asked: not adopted.
# The output weights tied to the input's during training (V = U1ᵀ, one matrix updated by the sum
# of both gradients; Press & Wolf 2017), so that a state holding the cue's column scores the cue
# itself (2026-12-04, all 90 per language, seed 0): en 11.1 %, zh 17.8 %, in-distribution
# long-range 36.4 % / 64.1 %, held-out perplexity 3.32 / 3.32, English phone check failed. Four
# of the nine families copy the cue (bike … a new bike), but the pronouns change form (he → him),
# which a matrix serving both ends probably cannot follow: far worse, not adopted (tried in an
# experiment script, not an engine option).
# This recipe retrained on another machine (AVX-512, 2026-12-04; the head of docs/models.md says
# why a rerun elsewhere differs): en-lm 53.3 % on the development set and 97.5 % in-distribution
# long-range, against the shipped file's 57.8 % and 93.3 %. On that machine, the development set
# after every epoch: en seeds 0 / 1 40.0 / 35.6 % after 10 epochs, 53.3 / 43.3 %
# after 30, mean of epochs 11-30 45.7 / 39.8 % and of 31-46 (of a 60-epoch run, stopped there)
# 50.1 / 45.6 %; zh seed 0 55.6 % after 10, 52.2 % after 30, mean of 11-30 51.9 %. Chinese is
# level from about epoch 7, English gains a few points after 30 on both seeds, within one
# epoch's swing (±5): 30 epochs kept.
# Batches of 16 instead of 32 (twice the updates; same machine, seed 0): en 34.4 %, zh 43.3 %
# (53.3 / 52.2 % at 32), in-distribution long-range 89.2 / 96.4 %, held-out perplexity 2.63 /
# 2.79, English phone check failed: not adopted.
LM_RECIPE = Recipe(hidden_size=64, activation="relu", init="identity", epochs=30, lr=0.001)
# The blank model's chains start as next-word models (fit.pretrained: the LM's recipe forward,
# and on the sentences reversed for the backward chain), then learn blanks for 2 epochs at a low
# η so that they keep what they carry. Trained on blanks alone (6 epochs at 2e-3, the recipe
# before 2026-12-02) the backward chain forgot a word within about ten steps: on the development
# set's sentences (data/long_range_dev.tsv, English) with the cue blanked, so that only the right
# side decides, it filled 9 % against the left-only LM's 7 %, with the dependent word blanked
# 33 % against 64 %. Pretrained, then η 2e-3 / 5e-4 / 2e-4 / 1e-4: right 24 / 42 / 49 / 36 %,
# left 38 / 53 / 58 / 56 %; held-out blank perplexity 1.65 / 1.42 / 1.39 / 1.39 (was 1.62).
BLANK_RECIPE = Recipe(
    hidden_size=64,
    bidirectional=True,
    activation="relu",
    init="identity",
    epochs=2,
    lr=0.0002,
    pretrain_epochs=LM_RECIPE.epochs,
    pretrain_lr=LM_RECIPE.lr,
)
DEEP_RECIPE = replace(LM_RECIPE, num_layers=2)


@dataclass(frozen=True)
class BuiltIn:
    """One shipped model: file name (without .npz), language, kind and recipe."""

    name: str
    language: str
    kind: str
    recipe: Recipe


MODELS = (
    BuiltIn("en-lm", "en", "lm", LM_RECIPE),
    BuiltIn("zh-lm", "zh", "lm", LM_RECIPE),
    BuiltIn("en-blank", "en", "blank", BLANK_RECIPE),
    BuiltIn("zh-blank", "zh", "blank", BLANK_RECIPE),
    BuiltIn("en-deep", "en", "deep", DEEP_RECIPE),
    BuiltIn("zh-deep", "zh", "deep", DEEP_RECIPE),
)
# The tutorial's remedies for vanishing gradients beside the shipped IRNN (ReLU, W = I: careful
# initialisation and ReLU), each with the LM's schedule: the textbook tanh RNN with Xavier W,
# and the gated cells, LSTM and GRU. Saved in models/remedies/ (not models/: they are not in the
# built-in list, the Remedies lab reads them and `configure` loads one by name) and measured in
# docs/models.md.
# The gated cells learn to carry a cue faster at η 0.003 with the keep gate open at the start
# (b_f = 3, b_z = 3: σ(3) ≈ 0.95 of the state kept per step). Chosen 2026-12-01 on the grammar's
# held-out long-range sentences (data/long_range.tsv) and perplexity, never on the novel set:
# en GRU long-range 55 % → 98 % (η 0.003, b_z 3; 73 % at η 0.001), en LSTM 58 % → 77 %.
# The LSTM at η 0.003 had not learned the grammar's long-range words in English (77 % against the
# GRU's 98 %). At η 0.006 (2026-12-02, on long_range.tsv and the first 45 sentences per language
# of the development set data/long_range_dev.tsv): en long-range 98.7 %, development set 51 %
# (was 33 %), held-out perplexity 2.66 (2.66); zh 98.5 % (97.2 %), development set 40 % (42 %),
# perplexity 2.89 (2.83). The GRU with b_z 5 instead of 3: development set en 62 % (58 %),
# zh 44 % (64 %): kept at 3.
# The LSTM with dropout 0.2 on the states (2026-12-02, all 90 development sentences per
# language; the shipped en-lstm / zh-lstm 44 % / 37 %): 24 % / 28 %, in-distribution
# long-range 75.7 % / 97.4 %, held-out perplexity 2.64 / 2.81, and in English the tutorial's
# phone check failed (fridge 0.34): not adopted.
# The LSTM with η falling to 0.1 × by the end (lr_final 0.1; 2026-12-03, all 90 per language):
# 38 % / 36 % (44 % / 37 %), in-distribution long-range 88.6 % / 97.8 %, held-out perplexity
# 2.62 / 2.81; for 10 epochs instead of 30 42 % / 32 %, 88.9 % / 94.2 %; with 32 units instead
# of 64 16 % / 22 %, 58.4 % / 97.0 % (and in English the tutorial's phone check failed); with
# the keep gate opener still (b_f 5: σ(5) ≈ 0.993) 36 % / 32 %, 97.4 % / 97.3 %; with
# orthogonal W instead of Xavier 29 % / 43 %, 97.9 % / 97.7 %: none adopted.
# LSTM_RECIPE itself with seed 1 instead of 0: 44.4 % / 37.8 %, 96.8 % / 97.9 %. The LSTM
# varies less with the seed than the IRNN LM, so the English drops above are larger than its noise.
TANH_RECIPE = replace(LM_RECIPE, activation="tanh", init="xavier")
LSTM_RECIPE = replace(TANH_RECIPE, cell="lstm", lr=0.006, keep_bias=3.0)
GRU_RECIPE = replace(TANH_RECIPE, cell="gru", lr=0.003, keep_bias=3.0)
ABLATIONS = tuple(
    BuiltIn(f"{language}-{name}", language, "lm", recipe)
    for name, recipe in (("tanh", TANH_RECIPE), ("lstm", LSTM_RECIPE), ("gru", GRU_RECIPE))
    for language in LANGUAGES
)
REMEDIES_DIR = "remedies"  # under models/


@dataclass
class Corpus:
    """A built-in corpus, tokenized, with its vocabulary, baselines and long-range cases."""

    language: str
    train: list[list[str]]
    valid: list[list[str]]
    vocab: Vocab
    ngrams: dict[int, NGramLM]
    long_range: list[tuple[list[str], int]]
    long_range_families: list[str]
    long_range_skipped: int
    cue_distances: list[int] = field(default_factory=list)  # dep_index - cue_index of every row
    three_gram_hits: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    ngram_perplexity: dict[str, dict[int, float]] = field(default_factory=dict)
    novel: list[tuple[list[str], int]] = field(default_factory=list)  # long_range_novel.tsv
    novel_families: list[str] = field(default_factory=list)
    novel_distances: list[int] = field(default_factory=list)  # dep_index - cue_index
    novel_three_gram_hits: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    blanks: list[tuple[list[str], list[str], str]] = field(default_factory=list)  # tokens, ok, side


@dataclass
class Report:
    """What make_models measured for one model."""

    built_in: BuiltIn
    train_perplexity: float
    valid_perplexity: float
    seconds: float | None  # training time; None for a saved model that did not record it
    check: str
    check_passed: bool
    long_range_hits: np.ndarray | None = None  # (cases,) bool: dependent word ranked first
    novel_hits: np.ndarray | None = None  # (novel cases,) bool
    blank_sides: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    novel_by_distance: list[tuple[int, int, float | None, int]] = field(default_factory=list)
    # side -> (this bidirectional model's accuracy, the left-only LM's, cases)

    @property
    def long_range_accuracy(self) -> float | None:
        return None if self.long_range_hits is None else float(self.long_range_hits.mean())

    @property
    def novel_accuracy(self) -> float | None:
        # None without a novel set (a data/ folder without long_range_novel.tsv rows)
        if self.novel_hits is None or self.novel_hits.size == 0:
            return None
        return float(self.novel_hits.mean())


def read_lines(path: Path, language: str) -> list[list[str]]:
    """One tokenized sentence per non-empty line of a UTF-8 file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [tokenize(line, language) for line in lines if line.strip()]


def read_long_range(
    path: Path, language: str
) -> tuple[list[tuple[list[str], int]], list[str], int]:
    """The held-out long-range cases of one language as (tokens, dependent word's position),
    their families, and the number of rows skipped.

    The file's dep_index counts the generator's tokens; the project's tokenizer may split a
    Chinese sentence differently, so the dependent word is looked up in our tokens (the
    occurrence nearest to dep_index). Rows whose word is not one of our tokens are skipped.
    """
    cases, families, skipped = [], [], 0
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["lang"] != language:
                continue
            tokens = tokenize(row["sentence"], language)
            found = [i for i, token in enumerate(tokens) if token == row["dep"]]
            if not found:
                skipped += 1
                continue
            target = int(row["dep_index"])
            cases.append((tokens, min(found, key=lambda i: abs(i - target))))
            families.append(row["family"])
    return cases, families, skipped


def read_cue_distances(path: Path, language: str) -> list[int]:
    """How many tokens before its dependent word each long-range row's cue stands."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.DictReader(fh, delimiter="\t") if row["lang"] == language]
    return [int(row["dep_index"]) - int(row["cue_index"]) for row in rows]


def read_novel(
    path: Path, language: str
) -> tuple[list[tuple[list[str], int]], list[str], list[int]]:
    """The hand-written generalisation set (data/long_range_novel.tsv, read by
    rnn_core.remedies): (tokens, position of the dependent word) of each row of `language`,
    the rows' families and cue distances; [] without the file."""
    if not path.is_file():
        return [], [], []
    novel = read_long_range_cases(path, language)
    return novel.cases, novel.families, novel.distances


def read_blanks(path: Path, language: str) -> list[tuple[list[str], list[str], str]]:
    """data/blank_novel.tsv as (tokens with one <blank>, accepted words, side)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["lang"] == language]
    return [(tokenize(r["sentence"], language), r["answers"].split("|"), r["side"]) for r in rows]


def load_corpus(data_dir: Path, language: str) -> Corpus:
    """Tokenize a built-in corpus and fit its n-gram baselines."""
    train = read_lines(data_dir / language / "train.txt", language)
    valid = read_lines(data_dir / language / "valid.txt", language)
    vocab = Vocab.build(train)
    cases, families, skipped = read_long_range(data_dir / "long_range.tsv", language)
    corpus = Corpus(
        language, train, valid, vocab, ngram_models(vocab, train), cases, families, skipped
    )
    corpus.cue_distances = read_cue_distances(data_dir / "long_range.tsv", language)
    corpus.three_gram_hits = dependent_hits(corpus.ngrams[3].distributions, vocab, cases)
    corpus.novel, corpus.novel_families, corpus.novel_distances = read_novel(
        data_dir / "long_range_novel.tsv", language
    )
    corpus.novel_three_gram_hits = dependent_hits(
        corpus.ngrams[3].distributions, vocab, corpus.novel
    )
    corpus.blanks = read_blanks(data_dir / "blank_novel.tsv", language)
    corpus.ngram_perplexity = {
        split: {n: ngram_perplexity(lm, vocab, sents) for n, lm in corpus.ngrams.items()}
        for split, sents in (("train", train), ("valid", valid))
    }
    return corpus


def check_sentence(model: RNNLM, built_in: BuiltIn, vocab: Vocab) -> tuple[str, bool]:
    """The tutorial checks of this model: each expected word ranked first with p ≥ CHECK_P;
    returns a description (the top 3 of each) and whether all passed."""
    table = BLANK_CHECKS if built_in.kind == "blank" else NEXT_WORD_CHECKS
    shown, passed = [], True
    for text, expected in table[built_in.language]:
        tokens = tokenize(text, built_in.language)
        if built_in.kind == "blank":
            top = fill_blanks(model, vocab, tokens, k=3)[0]
        else:
            top = next_words(model, vocab, tokens, k=3)
        passed &= top[0][0] == expected and top[0][1] >= CHECK_P
        shown.append(f"{text} → " + ", ".join(f"{word} {p:.2f}" for word, p in top))
    return "<br>".join(shown), passed


def blank_sides(
    model: RNNLM, left_only: RNNLM, vocab: Vocab, blanks: list[tuple[list[str], list[str], str]]
) -> dict[str, tuple[float, float, int]]:
    """Top-1 accuracy of a bidirectional model and of a left-only LM (the same vocabulary) on
    blank_novel.tsv, by side: side -> (bidirectional, left-only, cases)."""
    sides: dict[str, list[tuple[bool, bool]]] = {}
    for tokens, answers, side in blanks:
        filled = fill_blanks(model, vocab, tokens, k=1)[0][0][0]
        left = next_words(left_only, vocab, tokens[: tokens.index(BLANK)], k=1)[0][0]
        sides.setdefault(side, []).append((filled in answers, left in answers))
    return {
        side: (float(np.mean([b for b, _ in r])), float(np.mean([lo for _, lo in r])), len(r))
        for side, r in sides.items()
    }


def train_and_measure(built_in: BuiltIn, corpus: Corpus) -> tuple[Fitted, Report]:
    """Train one model of MODELS (or ABLATIONS) and measure it; nothing is saved."""
    start = time.perf_counter()
    with progress_bar(built_in.name) as on_step:
        fitted = fit(built_in.recipe, corpus.vocab, corpus.train, on_step)
    return fitted, measure(built_in, fitted.model, corpus, time.perf_counter() - start)


def measure(built_in: BuiltIn, model: RNNLM, corpus: Corpus, seconds: float | None) -> Report:
    """The figures docs/models.md shows for one trained model (`seconds`: its training time,
    None when not known)."""
    report = Report(
        built_in,
        train_perplexity=perplexity(model, corpus.vocab, corpus.train),
        valid_perplexity=perplexity(model, corpus.vocab, corpus.valid),
        seconds=seconds,
        check="",
        check_passed=False,
    )
    report.check, report.check_passed = check_sentence(model, built_in, corpus.vocab)
    if not built_in.recipe.bidirectional:
        report.long_range_hits = dependent_hits(
            lambda x: model.forward(x)[0], corpus.vocab, corpus.long_range
        )
        report.novel_hits = dependent_hits(
            lambda x: model.forward(x)[0], corpus.vocab, corpus.novel
        )
        report.novel_by_distance = accuracy_by_distance(report.novel_hits, corpus.novel_distances)
    took = "" if seconds is None else f" ({seconds:.0f} s)"
    print(
        f"{built_in.name}: train {report.train_perplexity:.2f}, held-out "
        f"{report.valid_perplexity:.2f}{_long_range_text(report)}, check "
        f"{'passed' if report.check_passed else 'FAILED'}{took}"
    )
    return report


def _long_range_text(report: Report) -> str:
    accuracy, novel = report.long_range_accuracy, report.novel_accuracy
    if accuracy is None:
        return ""
    return f", long-range {accuracy:.1%}" + ("" if novel is None else f", novel {novel:.1%}")


def build(built_in: BuiltIn, corpus: Corpus, models_dir: Path) -> Report:
    """Train one built-in model, measure it and save it as models/<name>.npz."""
    fitted, report = train_and_measure(built_in, corpus)
    _save(models_dir / f"{built_in.name}.npz", fitted, corpus, report)
    return report


def _save(path: Path, fitted: Fitted, corpus: Corpus, report: Report) -> None:
    extra = {
        "language": corpus.language,
        "kind": report.built_in.kind,
        "corpus": f"data/{corpus.language}/train.txt",
        "valid_corpus": f"data/{corpus.language}/valid.txt",
        "train_perplexity": report.train_perplexity,
        "valid_perplexity": report.valid_perplexity,
        "ngram_valid_perplexity": {str(n): p for n, p in corpus.ngram_perplexity["valid"].items()},
        "long_range_accuracy": report.long_range_accuracy,
        "novel_accuracy": report.novel_accuracy,
        "novel_by_distance": report.novel_by_distance,
        "recipe": report.built_in.recipe.to_dict(),
        "steps": fitted.steps,
        "training_seconds": report.seconds,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    save(
        path,
        fitted.model,
        vocab=corpus.vocab.to_list(),
        optimizer=fitted.optimizer,
        trainer_state=fitted.trainer_state,
        extra=extra,
    )


def render_docs(
    reports: Sequence[Report], ablations: Sequence[Report], corpora: dict[str, Corpus]
) -> str:
    """docs/models.md: the models, their perplexities beside the baselines, the checks."""
    lines = [
        "# Built-in models",
        "",
        "Written by `make models` (`python scripts/make_models.py`), which retrains every model",
        "below from `data/<lang>/train.txt` with a fixed recipe and seed and rewrites this file.",
        "Do not edit it by hand. The command line is described in [cli.md](cli.md).",
        "",
        "A rerun on the same machine gives the same files bit for bit (a test trains twice and",
        "compares every weight). Another machine may not: NumPy and OpenBLAS choose their",
        "float32 kernels by what the CPU offers (AVX2, AVX-512), whose roundings differ, and",
        "over tens of thousands of updates that gives another model from the same seed, about",
        "as far from the shipped one as another seed is (one such rerun is measured beside",
        "LM_RECIPE in scripts/make_models.py).",
        "",
        "Every model reads the training split's vocabulary, is stored in float32 and is saved",
        "with its vocabulary, its Adam state and `extra` (language, kind, corpus, perplexities,",
        "recipe). The server loads `models/*.npz` at start-up; the file name is the model's name.",
        "",
        "## Recipes",
        "",
        "| model | layers × hidden | direction | f | init of W | epochs | optimizer | lr | clip |"
        " batch |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        c = r.built_in.recipe
        direction = "bidirectional (fills a blank)" if c.bidirectional else "forward"
        epochs = f"{c.epochs}"
        if c.pretrain_epochs:
            epochs += (
                f" (after {c.pretrain_epochs} per chain as a next-word model, lr {c.pretrain_lr})"
            )
        lines.append(
            f"| {r.built_in.name} | {c.num_layers} × {c.hidden_size} | {direction} | "
            f"{c.activation} | {c.init} | {epochs} | {c.optimizer} | {c.lr} | {c.clip} | "
            f"{c.batch_size} |"
        )
    lines += [
        "",
        "A blank model's chains start as next-word models: the forward chain learns the",
        "tutorial's next-word pairs, the backward chain the same pairs of the sentences reversed",
        "(what it reads), each with the LM's recipe; then both learn to fill blanks at a low rate,",
        "so that they keep what they carry (`rnn_core.fit.pretrained`; the measurements behind",
        "the recipe are in scripts/make_models.py). Trained on blanks alone, the backward chain",
        "forgot a word within about ten steps and the model used the left side only.",
        "",
        "ReLU with W initialised to the identity (Le, Jaitly & Hinton's IRNN) is the tutorial's",
        "own pair of remedies for vanishing gradients: careful initialisation and ReLU instead of",
        "tanh. Its third remedy is the gated cell. The same schedule with the textbook tanh and",
        "Xavier-initialised W, and with an LSTM and a GRU (σ gates, tanh candidate, Xavier),",
        "trained by the same script and saved in models/remedies/ (the Remedies lab reads them;",
        "its 'Use this model on the page' loads one as the session's); the novel sentences by",
        "the cue's distance",
        "(tokens from the cue to the dependent word):",
        "",
        "| model | cell, f, init of W | held-out perplexity | long-range accuracy (valid) |"
        " novel sentences | "
        + " | ".join(f"novel, distance {lo}-{hi}" for lo, hi in DISTANCE_BINS)
        + " | tutorial checks |",
        "|---|---|---|---|---|" + "---|" * len(DISTANCE_BINS) + "---|",
        *(_ablation_row(r) for r in [*reports, *ablations] if r.built_in.kind == "lm"),
        "",
        f"The gated cells train at η {LSTM_RECIPE.lr:g} (LSTM) and {GRU_RECIPE.lr:g} (GRU) with",
        "the keep gate open at the start (`keep_bias` 3: b_f of the LSTM, b_z of the GRU, so",
        "σ(3) ≈ 95 % of the state is kept per step until training learns what to hold), a",
        "schedule chosen on the grammar's held-out long-range sentences, the development set",
        "(data/long_range_dev.tsv) and the perplexity, never on the novel set (the figures are in",
        "scripts/make_models.py). At the longest distances of the novel sentences"
        f" ({_longest_bin_text([*reports, *ablations])}).",
        "The Remedies lab shows the same models on any sentence.",
        "",
        "Perplexity alone does not show the difference: the dependent words are few among all",
        "the words. ReLU states are ≥ 0 and not bounded by 1 as tanh's are.",
        "",
        "## Perplexity",
        "",
        "Perplexity = exp(mean cross-entropy per predicted word, `</s>` included). The n-gram",
        "baselines are interpolated Kneser-Ney models fitted on the same training split with the",
        "same vocabulary. A blank-filling model's figure is its perplexity at the blank, with",
        "every word of every sentence blanked once; it sees both sides of the gap, so it is not",
        "comparable with the next-word figures. Training time: the wall-clock seconds of the",
        "model's last `make models` run, as its file records them (— for a file trained before",
        "2026-12-02, which did not record them).",
        "",
        "| model | train | held-out | 2-gram train | 2-gram held-out | 3-gram train |"
        " 3-gram held-out | training time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        ng = corpora[r.built_in.language].ngram_perplexity
        baselines = (
            "— | — | — | —"
            if r.built_in.recipe.bidirectional
            else f"{ng['train'][2]:.2f} | {ng['valid'][2]:.2f} | {ng['train'][3]:.2f} | "
            f"{ng['valid'][3]:.2f}"
        )
        lines.append(
            f"| {r.built_in.name} | {r.train_perplexity:.2f} | {r.valid_perplexity:.2f} | "
            f"{baselines} | {'—' if r.seconds is None else f'{r.seconds:.0f} s'} |"
        )
    lines += [
        "",
        "## Long-range words",
        "",
        "`data/long_range.tsv` lists held-out sentences whose dependent word is decided by a cue",
        f"{_cue_distance_text(corpora)}; who was late decides who is criticised; what broke",
        "decides what is bought). Accuracy = share of those words that are the model's most likely",
        "next word.",
        "",
        "| model | cases | RNN accuracy | 3-gram accuracy |",
        "|---|---|---|---|",
    ]
    for r in reports:
        if r.long_range_accuracy is None:
            continue
        corpus = corpora[r.built_in.language]
        skipped = corpus.long_range_skipped
        more = f" (+{skipped} skipped)" if skipped else ""
        lines.append(
            f"| {r.built_in.name} | {len(corpus.long_range)}{more} | "
            f"{r.long_range_accuracy:.1%} | {corpus.three_gram_hits.mean():.1%} |"
        )
    lines += [
        "",
        "Skipped cases: the dependent word of the generator's tokenization is not a token of the",
        "project's tokenizer (jieba with the project's dictionary) for that sentence.",
        "",
        "By family (accuracy at the dependent word; a family may have two dependent words):",
        "",
        *_family_table(reports, corpora, "long_range"),
        "",
        "## Sentences the grammar cannot make",
        "",
        "`data/long_range.tsv` comes from the same grammar as the training sentences, so it",
        "measures how well a model learned the grammar's own shapes. `data/long_range_novel.tsv`",
        "was written by hand before the grammar was changed, in shapes the grammar does not make",
        "(a test checks that no training sentence is within a few token edits of any of them),",
        "with the tutorial's own sentences: this is the figure that says whether a model carries",
        "the cue or only learned where it stands. It is never used for training or for the",
        "grammar.",
        "",
        "| model | cases | RNN accuracy | 3-gram accuracy |",
        "|---|---|---|---|",
    ]
    for r in reports:
        if r.novel_hits is None or not r.novel_hits.size:
            continue
        corpus = corpora[r.built_in.language]
        lines.append(
            f"| {r.built_in.name} | {len(corpus.novel)} | {r.novel_accuracy:.1%} | "
            f"{corpus.novel_three_gram_hits.mean():.1%} |"
        )
    lines += [
        "",
        "By family:",
        "",
        *_family_table(reports, corpora, "novel"),
        "",
        "## Filling a blank: both sides or the left only",
        "",
        "`data/blank_novel.tsv` (written by hand too): blanks that only the left side decides",
        "(the novel sentences above with their dependent word blanked), blanks that only the",
        'right side decides ("My ____ is broken, so tomorrow I will buy a new camera"), and',
        "blanks both sides decide. Top-1 accuracy of the bidirectional model beside the",
        "left-only model (the language's next-word LM reading the words before the blank):",
        "",
        "| model | blanks decided by | cases | bidirectional | left-only |",
        "|---|---|---|---|---|",
    ]
    for r in reports:
        for side in ("right", "left", "both"):
            if side in r.blank_sides:
                bi, left, n = r.blank_sides[side]
                lines.append(f"| {r.built_in.name} | {side} | {n} | {bi:.0%} | {left:.0%} |")
    lines += [
        "",
        "## The tutorial's sentences",
        "",
        f"Every model must rank the expected word first with p ≥ {CHECK_P}. Shown: the top 3",
        "with their probabilities.",
        "",
        "| model | sentence → top 3 | expected | passed |",
        "|---|---|---|---|",
    ]
    for r in reports:
        table = BLANK_CHECKS if r.built_in.kind == "blank" else NEXT_WORD_CHECKS
        expected = ", ".join(word for _, word in table[r.built_in.language])
        lines.append(
            f"| {r.built_in.name} | {r.check} | {expected} | {'yes' if r.check_passed else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


def _cue_distance_text(corpora: dict[str, Corpus]) -> str:
    """'5-21 tokens earlier (median 11': how far back the cue stands, over every row."""
    distances = [d for corpus in corpora.values() for d in corpus.cue_distances]
    if not distances:
        return "several tokens earlier (none listed"
    median = statistics.median(distances)
    return f"{min(distances)}-{max(distances)} tokens earlier (median {median:g}"


def _family_table(reports: Sequence[Report], corpora: dict[str, Corpus], which: str) -> list[str]:
    """Rows language, family, cases, 3-gram and each next-word model of that language, on
    long_range.tsv (which="long_range") or long_range_novel.tsv ("novel")."""
    hits_of = "long_range_hits" if which == "long_range" else "novel_hits"
    scored = [r for r in reports if getattr(r, hits_of) is not None]
    lines = ["| language | family | cases | 3-gram | models |", "|---|---|---|---|---|"]
    for language, corpus in corpora.items():
        names = corpus.long_range_families if which == "long_range" else corpus.novel_families
        three = corpus.three_gram_hits if which == "long_range" else corpus.novel_three_gram_hits
        families = np.array(names)  # (cases,)
        for family in sorted(set(names)):
            rows = families == family  # (cases,) bool
            models = ", ".join(
                f"{r.built_in.name} {getattr(r, hits_of)[rows].mean():.0%}"
                for r in scored
                if r.built_in.language == language
            )
            lines.append(
                f"| {language} | {family} | {rows.sum()} | {three[rows].mean():.0%} | {models} |"
            )
    return lines


def _longest_bin_text(reports: Sequence[Report]) -> str:
    """'15-40 tokens: en: en-lm 78 %, en-gru 70 % …; zh: …': each next-word model (of kind lm:
    the deep model is not among them) at the last distance bin of the novel set, best first."""
    low, high = DISTANCE_BINS[-1]
    parts = []
    for language in LANGUAGES:
        scored = [
            (r.novel_by_distance[-1][2], r.built_in.name)
            for r in reports
            if r.built_in.language == language
            and r.built_in.kind == "lm"
            and r.novel_by_distance
            and r.novel_by_distance[-1][2] is not None
        ]
        if scored:
            ranked = sorted(scored, key=lambda pair: -pair[0])
            parts.append(f"{language}: " + ", ".join(f"{name} {acc:.0%}" for acc, name in ranked))
    return f"{low}-{high} tokens: " + ("; ".join(parts) or "no case")


def _ablation_row(r: Report) -> str:
    c = r.built_in.recipe
    passed = "passed" if r.check_passed else "failed"
    novel = "—" if not r.novel_hits.size else f"{r.novel_accuracy:.1%}"
    bins = " | ".join(
        "—" if acc is None else f"{acc:.0%} ({n})" for _, _, acc, n in r.novel_by_distance
    )
    cell = c.activation if c.cell == "rnn" else c.cell
    return (
        f"| {r.built_in.name} | {cell}, {c.init} | {r.valid_perplexity:.2f} | "
        f"{r.long_range_accuracy:.1%} | {novel} | {bins} | {passed} |"
    )


@lru_cache(maxsize=2)
def _corpus(data_dir: Path, language: str) -> Corpus:
    """load_corpus, once per process and language."""
    return load_corpus(data_dir, language)


def _build_task(name: str, data_dir: Path, models_dir: Path) -> Report:
    """Train, measure and save one built-in model (in a worker process)."""
    built_in = next(m for m in MODELS if m.name == name)
    return build(built_in, _corpus(data_dir, built_in.language), models_dir)


def _ablation_task(name: str, data_dir: Path, models_dir: Path) -> Report:
    """Train, measure and save one remedy as models/remedies/<name>.npz (in a worker process)."""
    built_in = next(m for m in ABLATIONS if m.name == name)
    return build(built_in, _corpus(data_dir, built_in.language), models_dir / REMEDIES_DIR)


def _measure_task(name: str, data_dir: Path, models_dir: Path) -> Report:
    """Measure one saved model of MODELS or ABLATIONS, training nothing (in a worker process)."""
    built_in = next(m for m in (*MODELS, *ABLATIONS) if m.name == name)
    folder = models_dir if built_in in MODELS else models_dir / REMEDIES_DIR
    checkpoint = load(folder / f"{name}.npz")
    saved, defaults = checkpoint.extra.get("recipe", {}), Recipe().to_dict()
    expected = built_in.recipe.to_dict()
    differ = [k for k, v in expected.items() if saved.get(k, defaults[k]) != v]
    if differ:  # the report would show a recipe the file was not trained with
        raise ValueError(
            f"{folder / name}.npz was trained with another recipe ({', '.join(differ)}): "
            f"retrain it (--only {name})"
        )
    seconds = checkpoint.extra.get("training_seconds")
    return measure(built_in, checkpoint.model, _corpus(data_dir, built_in.language), seconds)


def _in_parallel(jobs: int, tasks: list[tuple]) -> list[Report]:
    """Run (fn, *args) tasks in `jobs` processes (in this one when jobs == 1), in order.

    Each model trains with one BLAS thread in its own process, so the result does not depend
    on how many run at once.
    """
    if jobs <= 1:
        return [fn(*args) for fn, *args in tasks]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(fn, *args) for fn, *args in tasks]
        return [f.result() for f in futures]


def measure_blanks(reports: Sequence[Report], corpora: dict[str, Corpus], models_dir: Path) -> None:
    """Each blank model against its language's left-only LM (models_dir/<lang>-lm.npz) on
    data/blank_novel.tsv, by side."""
    for report in reports:
        built_in = report.built_in
        lm_path = models_dir / f"{built_in.language}-lm.npz"
        corpus = corpora[built_in.language]
        if built_in.kind != "blank" or not lm_path.is_file() or not corpus.blanks:
            continue
        model = load(models_dir / f"{built_in.name}.npz").model
        report.blank_sides = blank_sides(model, load(lm_path).model, corpus.vocab, corpus.blanks)
        sides = ", ".join(
            f"{side} {bi:.0%} vs left-only {left:.0%}"
            for side, (bi, left, _) in sorted(report.blank_sides.items())
        )
        print(f"{built_in.name} blanks: {sides}")


def main(argv: Sequence[str] | None = None) -> int:
    """Retrain the built-in models and the remedies (all, or --only some; none with --measure),
    save them, measure the others from their files and rewrite docs/models.md."""
    parser = argparse.ArgumentParser(prog="python scripts/make_models.py", description=__doc__)
    names = [m.name for m in (*MODELS, *ABLATIONS)]
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--only", nargs="+", choices=names, metavar="NAME")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--models-dir", type=Path, default=MODELS_DIR)
    parser.add_argument("--docs", type=Path, default=DOCS_FILE, help="the report to write")
    parser.add_argument(
        "--jobs", type=int, default=min(2, os.cpu_count() or 1), help="models trained at once"
    )
    which.add_argument(
        "--measure",
        action="store_true",
        help="train nothing: measure the saved models and rewrite the report",
    )
    args = parser.parse_args(argv)
    retrain = set(names) if args.only is None else set(args.only)
    if args.measure:
        retrain = set()
    tasks: list[tuple] = []
    for m in (*MODELS, *ABLATIONS):
        if m.name not in retrain:
            task = _measure_task
        else:
            task = _build_task if m in MODELS else _ablation_task
        tasks.append((task, m.name, args.data_dir, args.models_dir))
    done = _in_parallel(args.jobs, tasks)
    reports, ablations = done[: len(MODELS)], done[len(MODELS) :]
    corpora = {lang: _corpus(args.data_dir, lang) for lang in LANGUAGES}
    measure_blanks(reports, corpora, args.models_dir)
    args.docs.write_text(render_docs(reports, ablations, corpora), encoding="utf-8")
    print(f"wrote {args.docs}")
    return 0 if all(r.check_passed for r in reports) else 1


if __name__ == "__main__":
    raise SystemExit(main())
