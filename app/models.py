"""The built-in models (models/*.npz, loaded at start-up, never trained there), the built-in
corpora (data/<lang>/train.txt, valid.txt) and the 2-gram/3-gram baselines on a model's vocabulary.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

from rnn_core import RNNLM, RNNConfig
from rnn_core.io import Checkpoint, ModelFormatError, load
from rnn_core.ngram import NGramLM
from rnn_core.remedies import LongRangeCases, long_range_accuracy, read_long_range_cases
from rnn_core.text import MIN_COUNT, Unit, Vocab, detect_language, join_tokens, tokenize, unit_of

log = logging.getLogger("unrolled.models")

KINDS = ("lm", "blank", "deep")
# The Remedies lab's models, in the tutorial's order: the textbook tanh RNN, the shipped IRNN
# (careful initialisation and ReLU: the language's built-in LM), the gated cells. The others
# are models/remedies/<language>-<role>.npz (scripts/make_models.py ABLATIONS).
REMEDY_ROLES = ("tanh", "relu", "lstm", "gru")
NOVEL_FILE = "long_range_novel.tsv"
NGRAM_CACHE_SIZE = 8


@dataclass
class LM:
    """A model with what it takes to read text: its vocabulary, language and provenance.

    `shared` is true while the weights are a built-in model's own; a session copies them
    (own()) before changing them.
    """

    name: str
    origin: str
    language: str
    model: RNNLM
    vocab: Vocab
    shared: bool = False
    corpus_key: str | None = None
    unit: Unit = "word"  # what one token is: a word or a character (rnn_core.text.UNITS)

    @property
    def kind(self) -> str:
        """lm (unidirectional, one layer), blank (bidirectional), deep (stacked layers)."""
        config = self.model.config
        if config.bidirectional:
            return "blank"
        return "deep" if config.num_layers > 1 else "lm"

    def file_extra(self) -> dict:
        """What a model file of this LM records beside its weights (read by checkpoint_lm)."""
        return {"name": self.name, "language": self.language, "unit": self.unit}

    def join(self, tokens: list[str]) -> str:
        """Tokens back to text as this model's language and unit write them."""
        return join_tokens(tokens, self.language, self.unit)

    def own(self) -> LM:
        """This LM with weights of its own (a copy if they were shared)."""
        if not self.shared:
            return self
        return replace(self, model=self.model.copy(), shared=False)


def read_model(path: Path, default_language: str) -> LM:
    """A model file (rnn_core.io format) as an LM named after the file; it must hold a vocabulary.

    The language is the file's extra["language"], else guessed from the vocabulary.
    """
    checkpoint = load(path)
    if checkpoint.vocab is None:
        raise ModelFormatError(f"{path.name} holds no vocabulary")
    return checkpoint_lm(checkpoint, path.stem, "builtin", default_language, shared=True)


def checkpoint_lm(
    checkpoint: Checkpoint, name: str, origin: str, default_language: str, shared: bool = False
) -> LM:
    """A loaded model file (with a vocabulary) as an LM: its language and unit from its extra."""
    vocab = Vocab.from_list(checkpoint.vocab)
    language = model_language(checkpoint.extra, vocab, default_language)
    unit = unit_of(checkpoint.extra)
    return LM(name, origin, language, checkpoint.model, vocab, shared=shared, unit=unit)


def model_language(extra: dict, vocab: Vocab, default_language: str) -> str:
    """A model file's extra["language"] if it is en or zh, else guessed from its vocabulary."""
    language = extra.get("language")
    if language in ("en", "zh"):
        return language
    words = " ".join(vocab.to_list())
    return detect_language(words) if words.strip() else default_language


def read_sentences(path: Path, language: str, unit: Unit = "word") -> list[list[str]]:
    """One tokenized sentence (words or characters) per non-empty line of a UTF-8 text file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [tokenize(line, language, unit=unit) for line in lines if line.strip()]


class ModelRegistry:
    """Built-in models by name, built-in corpora by language, n-gram baselines by vocabulary."""

    def __init__(self, models_dir: Path, data_dir: Path, default_language: str = "en") -> None:
        self.models_dir = models_dir
        self.data_dir = data_dir
        self.default_language = default_language
        self.builtins: dict[str, LM] = {}
        self._corpora: dict[tuple[str, str, str], list[list[str]]] = {}
        self._ngrams: OrderedDict[tuple, tuple[NGramLM, NGramLM]] = OrderedDict()
        self._lock = threading.Lock()
        self.warm = threading.Event()  # set once every built-in model's baselines are fitted
        self._key_locks: dict[tuple, threading.Lock] = {}
        self.remedy_files: dict[str, LM] = {}  # models/remedies/*.npz by name (no session's model)
        self._measured: dict[str, tuple] = {}  # name → long-range accuracy, by distance

    def load(self) -> None:
        """Load every models/*.npz (sorted by name); a broken file is logged and skipped."""
        for path in sorted(self.models_dir.glob("*.npz")):
            try:
                lm = read_model(path, self.default_language)
            except ModelFormatError as exc:
                log.error("built-in model %s not loaded: %s", path.name, exc)
                continue
            self.add(lm)
        for path in sorted((self.models_dir / "remedies").glob("*.npz")):
            try:
                self.remedy_files[path.stem] = read_model(path, self.default_language)
            except ModelFormatError as exc:
                log.error("remedy model %s not loaded: %s", path.name, exc)

    def remedies(self, language: str) -> list[tuple[str, LM]]:
        """(role, model) of the Remedies lab in REMEDY_ROLES order: those that exist."""
        found = []
        for role in REMEDY_ROLES:
            lm = self.find("lm", language) if role == "relu" else None
            lm = lm or self.remedy_files.get(f"{language}-{role}")
            if lm is not None and lm.language == language:
                found.append((role, lm))
        return found

    def long_range(self, lm: LM) -> tuple:
        """lm's accuracy on data/long_range_novel.tsv, overall and by cue distance (measured once
        per model: the rows of its language, forward passes only)."""
        with self._lock:
            if lm.name in self._measured:
                return self._measured[lm.name]
        path = self.data_dir / NOVEL_FILE
        cases = (
            read_long_range_cases(path, lm.language) if path.is_file() else LongRangeCases([], [])
        )
        measured = long_range_accuracy(lm.model, lm.vocab, cases)
        with self._lock:
            self._measured[lm.name] = measured
        return measured

    def add(self, lm: LM) -> None:
        """Register a built-in model under lm.name."""
        self.builtins[lm.name] = replace(lm, origin="builtin", shared=True)

    def get(self, name: str) -> LM | None:
        """The built-in model called name (shared weights), or a shipped remedy model (the
        Remedies lab's tanh RNN, LSTM, GRU: `configure` loads them as the session's), or None."""
        return self.builtins.get(name) or self.remedy_files.get(name)

    def counterpart(self, lm: LM, language: str) -> LM | None:
        """lm's model of the same kind in `language`: the same remedy role for a remedy model
        (en-lstm → zh-lstm) when there is one, else the first built-in of its kind and unit."""
        if lm.name in self.remedy_files:
            role = lm.name.split("-", 1)[1]
            same = self.remedy_files.get(f"{language}-{role}")
            if same is not None and same.language == language:
                return same
        return self.find(lm.kind, language, lm.unit)

    def find(self, kind: str, language: str, unit: Unit = "word") -> LM | None:
        """The first built-in model of this kind, language and unit (by name), or None."""
        for name in sorted(self.builtins):
            lm = self.builtins[name]
            if lm.kind == kind and lm.language == language and lm.unit == unit:
                return lm
        return None

    def default(self) -> LM:
        """The page's model: the default language's unidirectional LM, else any built-in LM,
        else an untrained one (H = 32) on the default language's corpus vocabulary."""
        lm = self.find("lm", self.default_language)
        if lm is None and self.builtins:
            lm = self.builtins[sorted(self.builtins)[0]]
        return lm if lm is not None else self.untrained(self.default_language)

    def untrained(self, language: str, hidden_size: int = 32) -> LM:
        """A fresh model on the vocabulary of the built-in corpus (specials only without one)."""
        vocab = Vocab.build(self.corpus(language, "train"))
        model = RNNLM.new(RNNConfig(len(vocab), hidden_size))
        return LM("untrained", "configured", language, model, vocab)

    def vocab(self, language: str, unit: Unit = "word") -> Vocab:
        """The vocabulary for a configured model: the built-in word LM's, else the corpus's
        (its characters, for a character model: those seen at least MIN_COUNT times)."""
        lm = self.find("lm", language) if unit == "word" else None
        if lm is not None:
            return lm.vocab
        return Vocab.build(self.corpus(language, "train", unit), min_count=MIN_COUNT)

    def corpus(self, language: str, split: str, unit: Unit = "word") -> list[list[str]]:
        """Tokenized sentences of data/<language>/<split>.txt ([] when the file is missing)."""
        key = (language, split, unit)
        with self._lock:
            if key in self._corpora:
                return self._corpora[key]
        path = self.data_dir / language / f"{split}.txt"
        sentences = read_sentences(path, language, unit) if path.is_file() else []
        with self._lock:
            self._corpora[key] = sentences
        return sentences

    def ngrams(
        self,
        vocab: Vocab,
        corpus_key: str,
        sentences: list[list[str]] | None = None,
        unit: Unit = "word",
    ) -> tuple[NGramLM, NGramLM]:
        """2-gram and 3-gram fitted on a corpus with this vocabulary (cached, built once).

        corpus_key is a language ("en", "zh": the built-in train split, read in `unit`s) or a
        session's uploaded-corpus key, in which case `sentences` are its training sentences.
        """
        key = (corpus_key, unit, vocab)
        with self._lock:
            if key in self._ngrams:
                self._ngrams.move_to_end(key)
                return self._ngrams[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._ngrams:
                    return self._ngrams[key]
            if sentences is None:
                sentences = self.corpus(corpus_key, "train", unit)
            ids = [vocab.encode(s) for s in sentences]
            pair = (NGramLM(len(vocab), 2).fit(ids), NGramLM(len(vocab), 3).fit(ids))
            with self._lock:
                self._ngrams[key] = pair
                while len(self._ngrams) > NGRAM_CACHE_SIZE:
                    self._ngrams.popitem(last=False)
                self._key_locks.pop(key, None)
        return pair

    def warm_up(self) -> None:
        """Tokenize the corpora and fit every built-in model's baselines (a background thread)."""
        for lm in list(self.builtins.values()):
            self.ngrams(lm.vocab, lm.language, unit=lm.unit)
        self.warm.set()
