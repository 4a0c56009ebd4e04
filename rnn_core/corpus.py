"""A learner's corpus: bytes checked, decoded and tokenized, one sentence per line.

The one rule for every way a corpus comes in (the command line, the server's upload): the same
limit, the same checks, the same messages, each naming the line it is about. Nothing is
tokenized at more than its share: a line is cut to MAX_CHARS_PER_TOKEN · max_tokens characters
before it is tokenized, so a one-line 5 MB file costs what a 64-token sentence costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .text import Language, Unit, detect_language, tokenize

# 8 MB: the CLI's ceiling, room for the built-in corpora (data/en/train.txt is 5.4 MB), which
# `eval` reads for its n-gram baselines; the server has its own (Settings.max_corpus_bytes, 5 MB)
MAX_CORPUS_BYTES = 8_000_000
MAX_CHARS_PER_TOKEN = 32  # a line is cut to this many characters per allowed token first
LANGUAGE_SAMPLE = 100_000  # characters the language is detected from
ICONV_HINT = "iconv -f GBK -t UTF-8 corpus.txt > corpus-utf8.txt"


class CorpusError(ValueError):
    """A corpus that cannot be read: `code` (too_large, not_text, empty), the line (1-based) or
    None, and a message for the learner."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


@dataclass
class Corpus:
    """The sentences of a corpus as tokens, with the line each came from."""

    language: Language
    sentences: list[list[str]]
    lines: list[int]  # 1-based line number of each sentence
    cut: int  # sentences cut to max_tokens
    bytes: int
    unit: Unit = "word"

    @property
    def tokens(self) -> int:
        """Tokens of every sentence together."""
        return sum(len(s) for s in self.sentences)


def read_corpus(
    raw: bytes,
    max_tokens: int | None = None,
    max_bytes: int = MAX_CORPUS_BYTES,
    language: Language | None = None,
    unit: Unit = "word",
) -> Corpus:
    """Check and tokenize a corpus: UTF-8 text (a BOM allowed), one sentence per line, into
    words or characters (unit); blank lines are skipped; ____ is an ordinary word here (a
    corpus holds whole sentences).

    Raises CorpusError: too_large (over max_bytes), not_text (a NUL byte, or not UTF-8: the
    message says how to convert a GBK file), empty (no line with a word).
    """
    if len(raw) > max_bytes:
        raise CorpusError(
            "too_large",
            f"the corpus has {len(raw):,} bytes; the limit is {max_bytes:,} bytes "
            f"({max_bytes / 1e6:g} MB)",
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = _line_of(raw, nul)
        raise CorpusError(
            "not_text", f"line {line} holds a NUL byte: this is a binary file, not UTF-8 text", line
        )
    text = _decode(raw)
    lines = text.splitlines()
    if language is None:
        language = detect_language(text[:LANGUAGE_SAMPLE])
    sentences, numbers, cut = [], [], 0
    limit = None if max_tokens is None else max_tokens * MAX_CHARS_PER_TOKEN
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        head = line if limit is None else line[:limit]
        try:
            tokens = tokenize(head, language, blanks=False, unit=unit)
        except ValueError:
            continue  # nothing but spaces and control characters
        if max_tokens is not None and (len(tokens) > max_tokens or len(head) < len(line)):
            tokens, cut = tokens[:max_tokens], cut + 1
        sentences.append(tokens)
        numbers.append(number)
    if not sentences:
        raise CorpusError("empty", "the corpus is empty: write one sentence per line")
    return Corpus(language, sentences, numbers, cut, len(raw), unit)


def split_held_out(
    sentences: Sequence[list[str]], every: int
) -> tuple[list[list[str]], list[list[str]]]:
    """Every `every`-th sentence held out (for perplexity), the rest to train; all train if
    there are fewer than two sentences or every < 2."""
    if every < 2 or len(sentences) < 2:
        return list(sentences), []
    train = [s for i, s in enumerate(sentences) if i % every != every - 1]
    valid = [s for i, s in enumerate(sentences) if i % every == every - 1]
    return train, valid


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = _line_of(raw, err.start)
        message = f"line {line} is not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})"
        if _is_gbk(raw):
            message += f"; the file looks like GBK/GB18030 Chinese: convert it with {ICONV_HINT}"
        else:
            message += "; save the file as UTF-8 text"
        raise CorpusError("not_text", message, line) from None


def _is_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True
