"""Words and ids: the tokenizer, the vocabulary and the tutorial's training pairs.

The tutorial's language model reads "s 我 昨天 上学 迟到 了" and must answer
"我 昨天 上学 迟到 了 e" (s = ``<s>``, e = ``</s>``). This module turns raw text into those two
rows, in English or Chinese, and turns words into the ids every array in ``rnn_core`` holds.

Special tokens have fixed ids, the same in every vocabulary:

==========  ==  ==========================================================================
token       id  meaning
==========  ==  ==========================================================================
``<pad>``    0  fills a batch row after its sentence ends (never predicted, never scored)
``<unk>``    1  any word outside the vocabulary
``<s>``      2  the tutorial's s: start of a sentence, the first input
``</s>``     3  the tutorial's e: end of a sentence, the last label
``<blank>``  4  the gap a bidirectional model fills ("我打算____一部新手机")
==========  ==  ==========================================================================
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

import numpy as np

from .losses import IGNORE_INDEX

PAD, UNK, BOS, EOS, BLANK = "<pad>", "<unk>", "<s>", "</s>", "<blank>"
SPECIALS: tuple[str, ...] = (PAD, UNK, BOS, EOS, BLANK)
PAD_ID, UNK_ID, BOS_ID, EOS_ID, BLANK_ID = range(len(SPECIALS))
FIRST_WORD_ID = len(SPECIALS)  # ids from here on are real words
UNSCORED = IGNORE_INDEX  # -100, a target that the loss skips

Language = Literal["zh", "en"]
# What one token is: a word (English words, jieba's Chinese words) or one character. A model
# file records its unit (extra["unit"]; a file without one reads words).
Unit = Literal["word", "char"]
UNITS: tuple[Unit, ...] = ("word", "char")
# A word (or character) seen fewer times in a corpus is <unk>, so <unk> itself gets trained:
# the default of the CLI's --min-count and of the server's corpora
MIN_COUNT = 2
SPACE = "\u2423"  # ␣: a character model's space, a token drawn like any other

# Chinese (Han) characters, as code point ranges: CJK Extension A, the Unified Ideographs,
# the Compatibility Ideographs and the supplementary planes' Extensions B–H. The one rule of
# "is this Chinese" (detect_language here; the page gets the same ranges through options()).
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
_HAN = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
_HAN_CHAR = re.compile(f"[{_HAN}]")
# A blank marker, or a run of Chinese characters for jieba; everything between is "other" text.
_SEGMENT = re.compile(f"(?P<blank>_{{3,}}|<blank>)|(?P<han>[{_HAN}]+)", re.IGNORECASE)
_HAN_RUN = re.compile(f"[{_HAN}]+")
# Other text, in this order (docs/text-ngram.md): a URL, kept whole; a run of underscores (a
# blank's marker read as a word, in a corpus); an abbreviation with dots ("u.s.", "e.g.",
# "a.m."); a number (digits, with decimal points, commas and colons inside: "3.14", "8:30",
# "1,000"), which becomes NUM; a contraction's or possessive's tail ("n't", "'s", "'re", "'ll",
# "'ve", "'d", "'m", split off as the Penn Treebank does: "don't" = do + n't); a word (letters
# and digits); a dash "--" and an ellipsis "..." kept whole; any other visible character.
NUM = "<num>"  # every number is this one word: a corpus's numbers do not each take a word
_OTHER_TOKEN = re.compile(
    r"(?:https?://|www\.)\S*[^\s.,;:!?)\]'\"]"
    r"|_{3,}"
    r"|(?:[^\W\d_]\.){2,}"
    r"|(?P<num>\d+(?:[.,:]\d+)*)(?![^\W\d_])"
    r"|n't\b|'(?:s|re|ll|ve|d|m)\b"
    r"|[^\W_]+?(?=n't\b)|[^\W_]+"
    r"|--|\.\.\.|\S"
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})

# The project's corrections to jieba's dictionary, applied to its own jieba.Tokenizer only.
# A frequency of 1 makes a compound rarer than its parts, so jieba splits it: the tutorial's
# "新手机" reads 新 / 手机, keeping 手机 one vocabulary word in "我的手机坏了". Common textbook
# given names are not in jieba's dictionary and, without its HMM guessing, would fall apart into
# characters (小 / 明): added as words, so "小明 … 他" links one token to one pronoun.
_NAMES = "小明 小红 小刚 小丽 小华 李华 王芳 张伟 李明 刘洋 小军 小林 王强 小美 小东 李雷 韩梅梅"
_JIEBA_WORDS: tuple[tuple[str, int | None], ...] = (
    ("新手机", 1),
    *((name, None) for name in _NAMES.split()),
)


def detect_language(text: str) -> Language:
    """Return "zh" if the text holds any Chinese character, else "en"."""
    return "zh" if _HAN_CHAR.search(text) else "en"


class _ChineseSegmenter:
    """One private jieba.Tokenizer, built on first use, safe to share between threads.

    jieba's dictionary is of simplified Chinese: a run holding a character that exists only in
    traditional script (學, 們, 說 …) is segmented as its simplified spelling, character for
    character (zhconv's table), and its words are cut from the run as written. A run of
    simplified characters is segmented as it is (no character of it changes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jieba = None
        self._simplified: dict[str, str] | None = None  # traditional → simplified, one char
        self._traditional_only: frozenset[str] = frozenset()

    def _tables(self) -> tuple[dict[str, str], frozenset[str]]:
        with self._lock:
            if self._simplified is None:
                import zhconv.zhconv as zh

                with open(os.path.join(os.path.dirname(zh.__file__), "zhcdict.json"), "rb") as f:
                    tables = json.load(f)
                self._simplified = {
                    k: v for k, v in tables["zh2Hans"].items() if len(k) == 1 and len(v) == 1
                }
                self._traditional_only = frozenset(tables["TRADONLY"])
            return self._simplified, self._traditional_only

    def simplified(self, han: str) -> str:
        """The run as simplified characters, one for one (unchanged when none is traditional
        only, so simplified text is never respelled: 乾隆 stays 乾隆)."""
        table, traditional = self._tables()
        if not any(c in traditional for c in han):
            return han
        return "".join(table.get(c, c) for c in han)

    def _tokenizer(self):
        with self._lock:
            if self._jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.tmp_dir = os.path.join(tempfile.gettempdir(), "unrolled-jieba")
                os.makedirs(tok.tmp_dir, exist_ok=True)
                tok.initialize()
                for word, freq in _JIEBA_WORDS:
                    tok.add_word(word, freq)
                self._jieba = tok
            return self._jieba

    def cut(self, han: str) -> list[str]:
        """Segment a run of Chinese characters into dictionary words (no HMM guessing); a
        traditional run by its simplified spelling, its words as written."""
        simple = self.simplified(han)
        words = list(self._tokenizer().cut(simple, HMM=False))
        if simple is han:
            return words
        out, start = [], 0
        for word in words:
            out.append(han[start : start + len(word)])
            start += len(word)
        return out


_SEGMENTER = _ChineseSegmenter()


def warm_up() -> None:
    """Load jieba's dictionary and the traditional-character table now (about 0.5 s once)
    rather than on the first Chinese text."""
    _SEGMENTER.cut("我")
    _SEGMENTER.simplified("們")


def _other_tokens(text: str) -> list[str]:
    return [
        NUM if match["num"] else match.group()
        for match in _OTHER_TOKEN.finditer(text.translate(_APOSTROPHES).lower())
    ]


def unit_of(extra: dict) -> Unit:
    """The unit a model file records (extra["unit"]), "word" for a file without one."""
    unit = extra.get("unit", "word")
    return unit if unit in UNITS else "word"


_BLANK_MARK = re.compile(r"_{3,}|<blank>", re.IGNORECASE)


def _characters(text: str, blanks: bool) -> list[str]:
    """One token per visible character, lower-cased like words; a run of whitespace is one
    SPACE, none at either end; a blank marker is one BLANK (with blanks)."""
    tokens: list[str] = []
    start = 0
    for match in _BLANK_MARK.finditer(text) if blanks else ():
        tokens += _chars(text[start : match.start()], tokens)
        tokens.append(BLANK)
        start = match.end()
    tokens += _chars(text[start:], tokens)
    if tokens and tokens[-1] == SPACE:
        tokens.pop()
    return tokens


def _chars(text: str, before: list[str]) -> list[str]:
    out: list[str] = []
    for ch in text.translate(_APOSTROPHES).lower():
        if ch.isspace():
            last = out[-1] if out else (before[-1] if before else None)
            if last is not None and last != SPACE:
                out.append(SPACE)
        elif ch.isprintable():
            out.append(ch)
    return out


# English: no space before a punctuation mark or a contraction's tail ("do n't" -> "don't")
_NO_SPACE_BEFORE = re.compile(r" ([,.!?;:%)\]]|\.\.\.|n't\b|'(?:s|re|ll|ve|d|m)\b)")


def join_tokens(tokens: Sequence[str], language: Language, unit: Unit = "word") -> str:
    """Tokens back to text, the inverse of tokenize up to case and spacing: characters side by
    side (SPACE a space); Chinese words without spaces; English words with a space between
    them and none before a punctuation mark or a contraction's tail."""
    if unit == "char":
        return "".join(" " if t == SPACE else t for t in tokens)
    if language == "zh":
        return "".join(tokens)
    return _NO_SPACE_BEFORE.sub(r"\1", " ".join(tokens))


def tokenize(
    text: str, lang: Language | None = None, blanks: bool = True, unit: Unit = "word"
) -> list[str]:
    """Split text into word tokens, or character tokens with unit="char".

    English (and any Latin text inside Chinese) is lower-cased; contractions and possessives
    split as in the Penn Treebank ("don't" = do n't, "teacher's" = teacher 's); a number is
    the word <num>; abbreviations ("u.s."), URLs, "--" and "..." stay whole; every other
    punctuation mark, Chinese ones included, is its own token; whitespace is dropped.
    Chinese characters are segmented with jieba when lang is "zh" (detected when None), and
    one character per token when lang is "en". Three or more underscores, or the literal
    ``<blank>``, become the ``<blank>`` token; with blanks=False (a corpus of whole sentences)
    underscores are an ordinary word. Raises ValueError when nothing is left.

    Characters (unit="char"): every visible character is a token, lower-cased as words are,
    digits and Chinese characters included; a run of whitespace is one SPACE ("␣"), none at
    either end; blank markers as for words.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    if unit == "char":
        tokens = _characters(text, blanks)
        if not tokens:
            raise ValueError("text is empty: it holds no words or punctuation")
        return tokens
    if lang is None:
        lang = detect_language(text)
    elif lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh', 'en' or None, not {lang!r}")
    tokens: list[str] = []
    start = 0
    segments = _SEGMENT if blanks else _HAN_RUN
    for match in segments.finditer(text):
        tokens += _other_tokens(text[start : match.start()])
        if blanks and match["blank"]:
            tokens.append(BLANK)
        elif lang == "zh":
            tokens += _SEGMENTER.cut(match.group("han") if blanks else match.group())
        else:
            tokens += list(match.group("han") if blanks else match.group())
        start = match.end()
    tokens += _other_tokens(text[start:])
    if not tokens:
        raise ValueError("text is empty: it holds no words or punctuation")
    return tokens


class Vocab:
    """Word ↔ id table. Ids 0..4 are SPECIALS; real words follow, most frequent first."""

    def __init__(self, words: Sequence[str]) -> None:
        words = [str(w) for w in words]
        if tuple(words[: len(SPECIALS)]) != SPECIALS:
            raise ValueError(f"a vocabulary must start with the special tokens {SPECIALS}")
        if len(set(words)) != len(words):
            raise ValueError("a vocabulary must not repeat a word")
        self._words = tuple(words)
        self._ids = {w: i for i, w in enumerate(words)}

    @classmethod
    def build(
        cls,
        sentences: Iterable[Sequence[str]],
        min_count: int = 1,
        max_size: int | None = None,
    ) -> Vocab:
        """Count words over tokenized sentences and keep the frequent ones.

        Words seen fewer than min_count times are left out (they encode as ``<unk>``).
        max_size caps the total size, specials included. Ties in count keep first-seen order.
        """
        if min_count < 1:
            raise ValueError("min_count must be at least 1")
        if max_size is not None and max_size < len(SPECIALS):
            raise ValueError(f"max_size must be at least {len(SPECIALS)} (the special tokens)")
        counts = Counter(w for sentence in sentences for w in sentence if w not in SPECIALS)
        kept = [w for w, c in counts.most_common() if c >= min_count]
        if max_size is not None:
            kept = kept[: max_size - len(SPECIALS)]
        return cls(SPECIALS + tuple(kept))

    @classmethod
    def from_list(cls, words: Sequence[str] | np.ndarray) -> Vocab:
        """Rebuild a vocabulary from to_list() output (a list or a NumPy string array)."""
        return cls([str(w) for w in words])

    def to_list(self) -> list[str]:
        """All words in id order; np.array(vocab.to_list()) stores in .npz without pickle."""
        return list(self._words)

    def __len__(self) -> int:
        return len(self._words)

    def __iter__(self) -> Iterator[str]:
        """The words in id order, so list(vocab) == vocab.to_list()."""
        return iter(self._words)

    def __contains__(self, word: object) -> bool:
        return word in self._ids

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and self._words == other._words

    def __hash__(self) -> int:
        return hash(self._words)

    def __repr__(self) -> str:
        return f"Vocab({len(self)} words)"

    def index(self, word: str) -> int:
        """The id of a word in the vocabulary; KeyError for a word outside it."""
        try:
            return self._ids[word]
        except KeyError:
            raise KeyError(f"{word!r} is not in the vocabulary") from None

    def word(self, i: int) -> str:
        """The word with id i."""
        return self._words[i]

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """Tokens → ids (T,) int64; words outside the vocabulary become UNK_ID."""
        return np.array([self._ids.get(t, UNK_ID) for t in tokens], dtype=np.int64)  # (T,)

    def decode(self, ids: Sequence[int] | np.ndarray) -> list[str]:
        """Ids (T,) → tokens; ValueError for an id outside 0..len-1."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)  # (T,)
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must lie in 0..{len(self) - 1}")
        return [self._words[i] for i in ids.tolist()]


def _check_sentence(tokens: Sequence[str]) -> None:
    if len(tokens) == 0:
        raise ValueError("a sentence needs at least one token")
    misplaced = {PAD, BOS, EOS}.intersection(tokens)
    if misplaced:
        raise ValueError(f"a sentence must not contain {sorted(misplaced)}; they are added here")


def training_pairs(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """The tutorial's table: inputs ``<s>`` w1 … wT, labels w1 … wT ``</s>`` (both T+1 long)."""
    _check_sentence(tokens)
    return [BOS, *tokens], [*tokens, EOS]


def training_pair_ids(tokens: Sequence[str], vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """training_pairs as ids: x (T+1,) int64 inputs and y (T+1,) int64 labels."""
    inputs, labels = training_pairs(tokens)
    return vocab.encode(inputs), vocab.encode(labels)


def blank_pair(tokens: Sequence[str], position: int, vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """One blank-filling example for a bidirectional model.

    x (T+2,) = ``<s>`` w1 … ``<blank>`` … wT ``</s>`` with tokens[position] blanked out;
    y (T+2,) = UNSCORED everywhere except x's blank slot (position + 1), which holds the id of
    the hidden word. Raises ValueError for a position outside the sentence.
    """
    _check_sentence(tokens)
    if not 0 <= position < len(tokens):
        raise ValueError(f"position must lie in 0..{len(tokens) - 1}")
    if tokens[position] == BLANK:
        raise ValueError("the word to hide is already a blank")
    blanked = [*tokens[:position], BLANK, *tokens[position + 1 :]]
    x = vocab.encode([BOS, *blanked, EOS])  # (T+2,)
    y = np.full(len(x), UNSCORED, dtype=np.int64)  # (T+2,)
    y[position + 1] = vocab.encode([tokens[position]])[0]
    return x, y


def blank_pairs(
    tokens: Sequence[str], vocab: Vocab, positions: Iterable[int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """blank_pair for each position (every word when None), stacked: x, y (P, T+2) int64."""
    if positions is None:
        positions = [i for i, t in enumerate(tokens) if t != BLANK]
    pairs = [blank_pair(tokens, p, vocab) for p in positions]
    if not pairs:
        raise ValueError("no position to blank out")
    xs, ys = zip(*pairs, strict=True)
    return np.stack(xs), np.stack(ys)  # (P, T+2), (P, T+2)
