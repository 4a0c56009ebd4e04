"""rnn_core.corpus: the one rule for reading a learner's corpus (CLI and server): every bad
corpus is refused with its reason and its line, and nothing is tokenized beyond its share."""

import time
import tracemalloc

import pytest

from rnn_core.corpus import MAX_CORPUS_BYTES, CorpusError, read_corpus, split_held_out
from rnn_core.text import warm_up


def test_lines_become_sentences_with_their_line_numbers():
    raw = "\ufeffI was late.\n\n   \nThe teacher criticised me.\n".encode()
    corpus = read_corpus(raw)
    assert corpus.language == "en"
    assert corpus.sentences == [
        ["i", "was", "late", "."],
        ["the", "teacher", "criticised", "me", "."],
    ]
    assert corpus.lines == [1, 4] and corpus.bytes == len(raw) and corpus.cut == 0


@pytest.mark.parametrize(
    "raw, code, line, says",
    [
        (b"fine\nalso fine\nbad \x00 byte\n", "not_text", 3, "binary file"),
        ("ok\n中文\n".encode("gbk"), "not_text", 2, "iconv -f GBK -t UTF-8"),
        (b"ok\n\xff\xfe\xfa broken\n", "not_text", 2, "save the file as UTF-8"),
        (b"\n \n\t\n", "empty", None, "one sentence per line"),
        (b"", "empty", None, "empty"),
    ],
)
def test_a_bad_corpus_is_refused_naming_the_problem_and_the_line(raw, code, line, says):
    with pytest.raises(CorpusError) as err:
        read_corpus(raw)
    assert err.value.code == code and err.value.line == line and says in err.value.message
    if line is not None:
        assert f"line {line}" in err.value.message


def test_the_limit_is_checked_before_anything_is_decoded():
    with pytest.raises(CorpusError, match=f"the limit is {MAX_CORPUS_BYTES:,} bytes") as err:
        read_corpus(b"a" * (MAX_CORPUS_BYTES + 1))
    assert err.value.code == "too_large"


def test_a_one_line_five_megabyte_corpus_is_cut_while_it_is_tokenized():
    """Issue: a one-line 4.9 MB Chinese corpus was tokenized whole (4.3 s, +672 MB)."""
    raw = ("我昨天上学迟到了老师批评了我" * 116_000).encode()  # 4.9 MB of Chinese on one line
    assert len(raw) < MAX_CORPUS_BYTES
    warm_up()  # jieba's dictionary (tens of MB) is loaded once, whatever the corpus
    tracemalloc.start()
    start = time.perf_counter()
    corpus = read_corpus(raw, max_tokens=64)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [len(s) for s in corpus.sentences] == [64] and corpus.cut == 1
    assert peak < 30_000_000  # the decoded text and its lines, not a list of 1.7 M tokens
    assert seconds < 30  # generous: the point is that it does not grow with the line


def test_underscores_are_an_ordinary_word_in_a_corpus():
    corpus = read_corpus("我打算____一部新手机。\nI plan to ____ a new phone.\n".encode())
    assert "____" in corpus.sentences[0] and "<blank>" not in corpus.sentences[0]


def test_every_tenth_sentence_is_held_out():
    sentences = [[str(i)] for i in range(25)]
    train, valid = split_held_out(sentences, 10)
    assert valid == [["9"], ["19"]] and len(train) == 23
    assert split_held_out(sentences[:1], 10) == (sentences[:1], [])
