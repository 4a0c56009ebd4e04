"""The shipped models (models/*.npz) meet issue 6's quality targets. Nothing is trained here:
every test loads the files `make models` wrote and measures them on data/."""

import csv
import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import rnn_core
from rnn_core.ngram import NGramLM
from rnn_core.text import (
    BLANK,
    BLANK_ID,
    BOS,
    EOS,
    PAD_ID,
    UNK_ID,
    Vocab,
    tokenize,
    training_pair_ids,
)

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
DATA = ROOT / "data"
NAMES = ("en-lm", "zh-lm", "en-blank", "zh-blank", "en-deep", "zh-deep")
NEXT_WORD = ("lm", "deep")


def _sentences(language: str, split: str) -> list[list[str]]:
    lines = (DATA / language / f"{split}.txt").read_text(encoding="utf-8").splitlines()
    return [tokenize(line, language) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def models() -> dict[str, rnn_core.Checkpoint]:
    return {name: rnn_core.load(MODELS / f"{name}.npz") for name in NAMES}


@pytest.fixture(scope="module")
def corpora() -> dict[str, dict[str, list[list[str]]]]:
    return {lang: {s: _sentences(lang, s) for s in ("train", "valid")} for lang in ("en", "zh")}


def _kind(config: rnn_core.RNNConfig) -> str:
    """The server's rule (app/models.py): bidirectional → blank, layers > 1 → deep, else lm."""
    if config.bidirectional:
        return "blank"
    return "deep" if config.num_layers > 1 else "lm"


def _three_gram(vocab: Vocab, train: list[list[str]]) -> NGramLM:
    return NGramLM(len(vocab), 3).fit([vocab.encode(s) for s in train])


@pytest.mark.parametrize("name", NAMES)
def test_model_file_is_small_and_says_what_it_is(name):
    path = MODELS / f"{name}.npz"
    assert path.stat().st_size < 6 * 2**20  # 64 units; a blank model holds two chains
    ck = rnn_core.load(path)
    language, kind = name.split("-")
    assert ck.extra["language"] == language
    assert ck.extra["kind"] == kind == _kind(ck.model.config)
    assert ck.extra["corpus"] == f"data/{language}/train.txt"
    assert ck.vocab[:5] == ["<pad>", "<unk>", "<s>", "</s>", "<blank>"]
    assert ck.optimizer is not None and ck.optimizer.steps > 0
    assert ck.model.config.dtype == "float32"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_page_model_has_64_units_and_reads_the_corpus_vocabulary(models, corpora, language):
    ck = models[f"{language}-lm"]
    assert ck.model.config.hidden_size == 64
    assert ck.model.config.num_layers == 1
    assert Vocab.from_list(ck.vocab) == Vocab.build(corpora[language]["train"])


@pytest.mark.parametrize("name", [n for n in NAMES if n.split("-")[1] in NEXT_WORD])
def test_held_out_perplexity_beats_the_kneser_ney_3_gram(models, corpora, name):
    ck = models[name]
    language = name.split("-")[0]
    vocab = Vocab.from_list(ck.vocab)
    valid = corpora[language]["valid"]
    pairs = [training_pair_ids(s, vocab) for s in valid]
    rnn = rnn_core.evaluate(ck.model, pairs, pad_id=PAD_ID).perplexity
    ngram = _three_gram(vocab, corpora[language]["train"]).perplexity(
        [vocab.encode(s) for s in valid]
    )
    assert rnn < ngram
    assert rnn == pytest.approx(ck.extra["valid_perplexity"], rel=1e-4)


NEXT_WORD_CHECKS = {
    "en": ("I was late for school yesterday, and the teacher criticised", "me"),
    "zh": ("我 昨天 上学 迟到 了 ， 老师 批评 了", "我"),
}


@pytest.mark.parametrize("name", [n for n in NAMES if n.split("-")[1] in NEXT_WORD])
def test_who_was_late_is_in_the_top_3_after_criticised(models, name):
    ck = models[name]
    language = name.split("-")[0]
    vocab = Vocab.from_list(ck.vocab)
    text, expected = NEXT_WORD_CHECKS[language]
    ids = vocab.encode([BOS, *tokenize(text)])
    o = rnn_core.next_word_distribution(ck.model, ids)  # (N,)
    top3 = [vocab.word(i) for i in np.argsort(-o)[:3]]
    assert expected in top3


BLANK_CHECKS = {
    "en": ("My phone is broken, so I plan to ____ a new phone.", "buy"),
    "zh": ("我的手机坏了，我打算 ____ 一部新手机。", "买"),
}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_blank_model_fills_the_phone_sentence_with_buy(models, language):
    ck = models[f"{language}-blank"]
    vocab = Vocab.from_list(ck.vocab)
    text, expected = BLANK_CHECKS[language]
    x = vocab.encode([BOS, *tokenize(text), EOS])  # (T+2,)
    assert (x == BLANK_ID).sum() == 1
    probs, _ = ck.model.forward(x)  # (T+2, N)
    assert vocab.word(int(np.argmax(probs[x == BLANK_ID][0]))) == expected


LAB_EXAMPLES = {"en": ("blank_default", "phone"), "zh": ("blank_default_zh", "手机")}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_bidirectional_labs_example_is_decided_by_the_right_side(models, language):
    """The Bidirectional lab opens on a blank that only the words after it decide (the thing
    that is broken is named at the end: static/js/labs/strings.js): the bidirectional model
    ranks it first with p ≥ 0.5, at least 30 points above the left-only LM, which reads
    'my' alone."""
    import re

    key, expected = LAB_EXAMPLES[language]
    strings = (ROOT / "static" / "js" / "labs" / "strings.js").read_text(encoding="utf-8")
    text = re.search(rf'{key}: "([^"]+)"', strings).group(1)
    tokens = tokenize(text, language)
    blank = models[f"{language}-blank"]
    vocab = Vocab.from_list(blank.vocab)
    x = vocab.encode([BOS, *tokens, EOS])  # (T+2,)
    assert UNK_ID not in x
    both = blank.model.forward(x)[0][x == BLANK_ID][0]  # (N,)
    word = vocab.word(int(np.argmax(both)))
    lm = models[f"{language}-lm"]
    lm_vocab = Vocab.from_list(lm.vocab)
    before = tokens[: tokens.index(BLANK)]
    left = lm.model.forward(lm_vocab.encode([BOS, *before]))[0][-1]  # (N,) after the left side
    assert word == expected and both[vocab.encode([expected])[0]] >= 0.5
    assert both[vocab.encode([expected])[0]] - left[lm_vocab.encode([expected])[0]] >= 0.3


def _long_range_cases(language: str) -> list[tuple[list[str], int]]:
    """(tokens, position of the dependent word) of the held-out long-range sentences."""
    cases = []
    with (DATA / "long_range.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["lang"] != language:
                continue
            tokens = tokenize(row["sentence"], language)
            found = [i for i, t in enumerate(tokens) if t == row["dep"]]
            if found:
                cases.append((tokens, min(found, key=lambda i: abs(i - int(row["dep_index"])))))
    return cases


def _accuracy(predict, vocab: Vocab, cases) -> float:
    hits = 0
    for tokens, position in cases:
        x, y = training_pair_ids(tokens, vocab)
        hits += int(np.argmax(predict(x)[position]) == y[position])
    return hits / len(cases)


@pytest.mark.parametrize("name", [n for n in NAMES if n.split("-")[1] in NEXT_WORD])
def test_rnn_knows_the_far_back_word_that_a_3_gram_cannot(models, corpora, name):
    ck = models[name]
    language = name.split("-")[0]
    vocab = Vocab.from_list(ck.vocab)
    cases = _long_range_cases(language)
    assert len(cases) > 100
    rnn = _accuracy(lambda x: ck.model.forward(x)[0], vocab, cases)
    ngram = _accuracy(_three_gram(vocab, corpora[language]["train"]).distributions, vocab, cases)
    assert rnn > ngram + 0.1
    assert rnn == pytest.approx(ck.extra["long_range_accuracy"])


def _novel_cases(language: str) -> list[tuple[list[str], int]]:
    """data/long_range_novel.tsv: hand-written sentences of shapes the grammar cannot make."""
    cases = []
    with (DATA / "long_range_novel.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["lang"] == language:
                cases.append((tokenize(row["sentence"], language), int(row["dep_index"])))
    return cases


# Measured on the shipped models (make models, retrained 2026-12-02 with the engine of that day,
# so that the files are what the script makes): en 60.6 % of 71, zh 65.3 % of 75, the 3-gram
# 15.5 % / 16.0 % (the files of 2026-12-01, from an older engine whose sums ran in another order,
# had 67.6 % / 65.3 %: the same recipe lands some 7 points apart). Issue 10 asks for 85 %: not
# reached; these bounds guard against a retrained model that generalises worse.
NOVEL_AT_LEAST = {"en": 0.6, "zh": 0.6}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_on_sentences_the_grammar_cannot_make_the_rnn_finds_the_far_back_word(
    models, corpora, language
):
    ck = models[f"{language}-lm"]
    vocab = Vocab.from_list(ck.vocab)
    cases = _novel_cases(language)
    assert len(cases) >= 60
    rnn = _accuracy(lambda x: ck.model.forward(x)[0], vocab, cases)
    ngram = _accuracy(_three_gram(vocab, corpora[language]["train"]).distributions, vocab, cases)
    assert rnn >= NOVEL_AT_LEAST[language]
    assert rnn > ngram + 0.3
    assert rnn == pytest.approx(ck.extra["novel_accuracy"])


def _tiny_data(root: Path) -> Path:
    """A data/ folder in miniature: both languages, train and valid, one long-range row each."""
    en = [
        "I was late for school, and the teacher criticised me.",
        "Tom was late for school, and the teacher criticised him.",
        "My phone is broken, so I plan to buy a new phone.",
        "My bike is broken, so I plan to buy a new bike.",
    ]
    zh = ["我昨天上学迟到了，老师批评了我。", "我的手机坏了，我打算买一部新手机。"]
    for language, lines in (("en", en), ("zh", zh)):
        (root / language).mkdir(parents=True)
        (root / language / "train.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (root / language / "valid.txt").write_text(lines[0] + "\n", encoding="utf-8")
    (root / "long_range.tsv").write_text(
        "lang\tfamily\tsentence\tcue_index\tcue\tdep_index\tdep\n"
        f"en\tlate_criticised\t{en[0]}\t0\ti\t10\tme\n"
        f"zh\tlate_criticised\t{zh[0]}\t0\t我\t9\t我\n",
        encoding="utf-8",
    )
    return root


def _make_models():
    """scripts/make_models.py as a module (it is a script, not part of the engine)."""
    spec = importlib.util.spec_from_file_location(
        "make_models", ROOT / "scripts" / "make_models.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_models"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_make_models_writes_every_model_and_the_report_reproducibly(tmp_path):
    make_models = _make_models()

    data = _tiny_data(tmp_path / "data")
    runs = []
    for run in ("a", "b"):
        docs = tmp_path / f"models-{run}.md"
        argv = ["--data-dir", data, "--models-dir", tmp_path / run, "--docs", docs, "--jobs", 1]
        assert make_models.main([str(a) for a in argv]) in (0, 1)
        runs.append({n: rnn_core.load(tmp_path / run / f"{n}.npz") for n in NAMES})
    report = docs.read_text(encoding="utf-8")
    for name in NAMES:
        assert f"| {name} | " in report
        a, b = runs[0][name], runs[1][name]
        assert a.extra["kind"] == _kind(a.model.config) == name.split("-")[1]
        assert a.extra["corpus"] == f"data/{name.split('-')[0]}/train.txt"
        assert all(np.array_equal(a.model.params[k], b.model.params[k]) for k in a.model.params)
    for remedy, cell in (("tanh", "tanh"), ("lstm", "lstm"), ("gru", "gru")):
        assert f"| en-{remedy} | {cell}, xavier |" in report
        saved = rnn_core.load(tmp_path / "b" / "remedies" / f"zh-{remedy}.npz")
        assert saved.model.config.cell == ("rnn" if remedy == "tanh" else remedy)
        assert len(saved.extra["novel_by_distance"]) == 3
    assert "decided by a cue\n9-10 tokens earlier (median 9.5; " in report  # tiny data: 10 and 9
    # --measure trains nothing and writes the same report from the saved files
    remeasured = tmp_path / "models-measured.md"
    argv = ["--data-dir", data, "--models-dir", tmp_path / "b", "--docs", remeasured, "--jobs", 1]
    assert make_models.main([str(a) for a in [*argv, "--measure"]]) in (0, 1)
    assert remeasured.read_text(encoding="utf-8") == report
    after = {n: rnn_core.load(tmp_path / "b" / f"{n}.npz") for n in NAMES}
    for name in NAMES:
        assert after[name].extra == runs[1][name].extra  # no file was rewritten
    # a file trained with another recipe than the script's is not reported as the script's
    stale = replace(make_models.LM_RECIPE, epochs=1)
    make_models.MODELS = tuple(
        replace(m, recipe=stale) if m.name == "en-lm" else m for m in make_models.MODELS
    )
    with pytest.raises(ValueError, match=r"en-lm.npz was trained with another recipe \(epochs\)"):
        make_models.main([str(a) for a in [*argv, "--measure"]])
