"""Tokenizer, vocabulary and training pairs: the tutorial's table must come out exactly."""

import threading
from pathlib import Path

import numpy as np
import pytest

from rnn_core.text import (
    BLANK,
    BLANK_ID,
    BOS_ID,
    EOS_ID,
    PAD_ID,
    SPACE,
    SPECIALS,
    UNK_ID,
    UNSCORED,
    Vocab,
    blank_pair,
    blank_pairs,
    detect_language,
    join_tokens,
    tokenize,
    training_pair_ids,
    training_pairs,
    unit_of,
    warm_up,
)

LATE_ZH = "我昨天上学迟到了，老师批评了我。"
PHONE_ZH = "我的手机坏了，我打算买一部新手机。"


def test_special_ids_are_fixed_with_pad_zero():
    assert SPECIALS == ("<pad>", "<unk>", "<s>", "</s>", "<blank>")
    assert (PAD_ID, UNK_ID, BOS_ID, EOS_ID, BLANK_ID) == (0, 1, 2, 3, 4)


@pytest.mark.parametrize(
    ("text", "lang"),
    [(LATE_ZH, "zh"), ("I was late.", "en"), ("Hello 世界", "zh"), ("123 ...", "en")],
)
def test_language_is_zh_exactly_when_chinese_characters_appear(text, lang):
    assert detect_language(text) == lang


def test_jieba_segments_the_tutorial_sentence_word_by_word():
    assert tokenize(LATE_ZH) == [
        "我", "昨天", "上学", "迟到", "了", "，", "老师", "批评", "了", "我", "。",
    ]  # fmt: skip


def test_jieba_segments_the_phone_sentence_with_shouji_as_one_word():
    assert tokenize(PHONE_ZH) == [
        "我", "的", "手机", "坏", "了", "，", "我", "打算", "买", "一部", "新", "手机", "。",
    ]  # fmt: skip


def test_tutorial_blank_in_chinese_becomes_the_blank_token():
    tokens = tokenize("我的手机坏了，我打算____一部新手机。")
    assert tokens[7:10] == ["打算", BLANK, "一部"]
    assert tokens.count(BLANK) == 1


def test_blank_markers_in_english_and_short_underscores_stay_punctuation():
    assert tokenize("I plan to ______ a new phone <blank>") == [
        "i", "plan", "to", BLANK, "a", "new", "phone", BLANK,
    ]  # fmt: skip
    assert tokenize("a __ b") == ["a", "_", "_", "b"]


def test_english_is_lowercased_with_punctuation_contractions_and_numbers():
    assert tokenize("Don't panic: it's 3.14, OK?") == [
        "do", "n't", "panic", ":", "it", "'s", "<num>", ",", "ok", "?",
    ]  # fmt: skip
    assert tokenize("It\u2019s") == ["it", "'s"]


def test_real_english_keeps_abbreviations_urls_dashes_and_ellipses_whole():
    """Issue: "u.s." and "e.g." became letters and periods, "--" and "..." split."""
    text = "The U.S. team, e.g. at 8:30 a.m. -- wait... see https://example.org/x. We'll win."
    assert tokenize(text) == [
        "the", "u.s.", "team", ",", "e.g.", "at", "<num>", "a.m.", "--", "wait", "...",
        "see", "https://example.org/x", ".", "we", "'ll", "win", ".",
    ]  # fmt: skip
    assert tokenize("1,000 people and 2nd place") == ["<num>", "people", "and", "2nd", "place"]


def test_mixed_text_segments_chinese_and_keeps_english_words():
    assert tokenize("我爱 Python 3.12！") == ["我", "爱", "python", "<num>", "！"]


def test_whitespace_inside_chinese_is_ignored():
    assert tokenize("我 昨天  上学\u3000迟到 了") == ["我", "昨天", "上学", "迟到", "了"]


def test_forcing_english_splits_chinese_into_characters():
    assert tokenize("手机坏了", lang="en") == ["手", "机", "坏", "了"]


@pytest.mark.parametrize("text", ["", "   \n\t\u3000"])
def test_empty_text_is_a_clear_error(text):
    with pytest.raises(ValueError, match="empty"):
        tokenize(text)


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="lang"):
        tokenize("hello", lang="fr")


def test_warm_up_loads_jieba_once_and_keeps_segmenting():
    warm_up()
    warm_up()
    assert tokenize("迟到了") == ["迟到", "了"]


def test_tokenize_is_safe_from_many_threads():
    results: list[list[str]] = []

    def work():
        results.append(tokenize(PHONE_ZH))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6
    assert all(r == tokenize(PHONE_ZH) for r in results)


def test_tutorial_training_pairs_chinese_exactly():
    inputs, labels = training_pairs(tokenize("我昨天上学迟到了"))
    assert inputs == ["<s>", "我", "昨天", "上学", "迟到", "了"]
    assert labels == ["我", "昨天", "上学", "迟到", "了", "</s>"]


def test_training_pairs_english_exactly():
    inputs, labels = training_pairs(tokenize("I was late for school yesterday"))
    assert inputs == ["<s>", "i", "was", "late", "for", "school", "yesterday"]
    assert labels == ["i", "was", "late", "for", "school", "yesterday", "</s>"]


def test_training_pair_ids_follow_the_vocabulary():
    tokens = tokenize("我昨天上学迟到了")
    vocab = Vocab.build([tokens])
    x, y = training_pair_ids(tokens, vocab)
    assert x.dtype == np.int64 and x.shape == y.shape == (6,)
    assert x[0] == BOS_ID and y[-1] == EOS_ID
    np.testing.assert_array_equal(x[1:], y[:-1])
    assert vocab.decode(y) == ["我", "昨天", "上学", "迟到", "了", "</s>"]


@pytest.mark.parametrize("tokens", [[], ["a", "<s>"], ["</s>"]])
def test_training_pairs_reject_empty_or_marked_sentences(tokens):
    with pytest.raises(ValueError):
        training_pairs(tokens)


def test_vocab_puts_specials_first_then_words_by_count():
    vocab = Vocab.build([["b", "a", "a"], ["c", "a", "b"]])
    assert vocab.to_list() == [*SPECIALS, "a", "b", "c"]
    assert len(vocab) == 8
    assert vocab.index("a") == 5 and "c" in vocab and "z" not in vocab


def test_vocab_min_count_and_max_size():
    sentences = [["a", "a", "a", "b", "b", "c"]]
    assert Vocab.build(sentences, min_count=2).to_list()[5:] == ["a", "b"]
    assert Vocab.build(sentences, max_size=6).to_list()[5:] == ["a"]
    with pytest.raises(ValueError):
        Vocab.build(sentences, max_size=4)


def test_unknown_words_encode_as_unk_and_index_raises():
    vocab = Vocab.build([["a", "b"]])
    np.testing.assert_array_equal(vocab.encode(["a", "zzz", "b"]), [5, UNK_ID, 6])
    assert vocab.decode([5, UNK_ID]) == ["a", "<unk>"]
    with pytest.raises(KeyError):
        vocab.index("zzz")
    with pytest.raises(ValueError):
        vocab.decode([len(vocab)])


def test_vocab_round_trips_through_a_numpy_string_array_without_pickle(tmp_path):
    vocab = Vocab.build([tokenize(LATE_ZH), tokenize("don't stop")])
    path = tmp_path / "v.npz"
    np.savez(path, vocab=np.array(vocab.to_list()))
    with np.load(path, allow_pickle=False) as f:
        again = Vocab.from_list(f["vocab"])
    assert again == vocab and again.index("迟到") == vocab.index("迟到")


def test_vocab_rejects_a_list_without_the_specials_first():
    with pytest.raises(ValueError, match="special"):
        Vocab.from_list(["a", *SPECIALS])


def test_blank_pair_scores_only_the_hidden_word():
    tokens = tokenize(PHONE_ZH)
    vocab = Vocab.build([tokens])
    x, y = blank_pair(tokens, 8, vocab)
    assert vocab.decode(x)[:11] == [
        "<s>", "我", "的", "手机", "坏", "了", "，", "我", "打算", "<blank>", "一部",
    ]  # fmt: skip
    assert x[0] == BOS_ID and x[-1] == EOS_ID and len(x) == len(tokens) + 2
    assert y[9] == vocab.index("买")
    assert np.count_nonzero(y != UNSCORED) == 1


def test_blank_pairs_stack_one_row_per_word_and_reject_bad_positions():
    tokens = ["a", "b", "c"]
    vocab = Vocab.build([tokens])
    x, y = blank_pairs(tokens, vocab)
    assert x.shape == y.shape == (3, 5)
    np.testing.assert_array_equal(np.diagonal(x[:, 1:4]), [BLANK_ID] * 3)
    np.testing.assert_array_equal(np.diagonal(y[:, 1:4]), vocab.encode(tokens))
    with pytest.raises(ValueError):
        blank_pair(tokens, 3, vocab)


def test_join_tokens_undoes_the_split():
    assert join_tokens(["it", "is", "raining", ",", "so", "go", "."], "en") == (
        "it is raining, so go."
    )
    assert join_tokens(["i", "do", "n't", "know", "my", "friend", "'s", "name", "..."], "en") == (
        "i don't know my friend's name..."
    )
    assert join_tokens(["我", "的", "手机", "。"], "zh") == "我的手机。"


@pytest.mark.parametrize(
    "text",
    [
        "i can't go, it's late; we'll see... (maybe) -- yes!",
        "my friend's bike was broken, so he didn't ride it.",
        "我的手机坏了，我打算买一部新手机。",
    ],
)
def test_tokens_of_joined_tokens_are_the_same(text):
    lang = detect_language(text)
    tokens = tokenize(text, lang)
    assert tokenize(join_tokens(tokens, lang), lang) == tokens


def test_characters_are_tokens_with_visible_spaces_and_blanks():
    assert tokenize("  My  phone,\tdon't ", unit="char") == [
        *"my",
        SPACE,
        *"phone,",
        SPACE,
        *"don't",
    ]
    assert tokenize(PHONE_ZH, unit="char") == list(PHONE_ZH)  # no segmentation: every 字
    assert tokenize("so I ____ a new", unit="char") == [
        *"so",
        SPACE,
        "i",
        SPACE,
        BLANK,
        SPACE,
        "a",
        SPACE,
        *"new",
    ]
    assert tokenize("a ____ b", unit="char", blanks=False) == ["a", SPACE, *"____", SPACE, "b"]
    assert tokenize("3.14 and 8:30", unit="char") == [*"3.14", SPACE, *"and", SPACE, *"8:30"]
    with pytest.raises(ValueError, match="empty"):
        tokenize(" \n\t\u3000", unit="char")
    with pytest.raises(ValueError, match="unit"):
        tokenize("hello", unit="syllable")


@pytest.mark.parametrize("text", ["i can't go, it's late!", "我的手机坏了，买 a new 手机。"])
def test_characters_join_back_to_the_text(text):
    tokens = tokenize(text, unit="char")
    assert join_tokens(tokens, detect_language(text), "char") == text.lower()
    assert tokenize(join_tokens(tokens, "en", "char"), unit="char") == tokens


def test_a_file_without_a_unit_reads_words():
    assert unit_of({}) == "word" and unit_of({"unit": "char"}) == "char"
    assert unit_of({"unit": "nonsense"}) == "word"


def test_traditional_chinese_is_segmented_as_its_simplified_spelling_and_kept_as_written():
    traditional = "我們今天去學校上課，老師說電腦壞了。"
    simplified = "我们今天去学校上课，老师说电脑坏了。"
    words = tokenize(traditional, "zh")
    assert "".join(words) == traditional  # every character as written
    assert [len(w) for w in words] == [len(w) for w in tokenize(simplified, "zh")]
    assert {"學校", "老師", "電腦"} <= set(words)  # not one character a word
    assert tokenize("臣本布衣，躬耕於南陽", "zh")[-1] == "南陽"  # classical text too


def test_simplified_chinese_is_never_respelled_before_segmenting():
    """A run with no character that exists only in traditional script is segmented as it is,
    so the built-in corpora (and the models trained on them) read exactly as before."""
    from rnn_core.text import _SEGMENTER

    root = Path(__file__).resolve().parents[2] / "data" / "zh"
    for name in ("train.txt", "valid.txt"):
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            assert _SEGMENTER.simplified(line) is line, line
    assert _SEGMENTER.simplified("乾淨的學校") == "干净的学校"
