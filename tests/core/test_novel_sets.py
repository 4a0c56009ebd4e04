"""The hand-written generalisation sets: data/long_range_novel.tsv (next word) and
data/blank_novel.tsv (fill a blank). They are tests, never templates: each row is a sentence
shape that the grammar of scripts/make_corpus.py does not make, so a model that only memorised the
training templates fails them. data/long_range_dev.tsv, written apart from them, is the
development set a recipe or a grammar may be chosen on; it keeps away from the corpus and from
the test sets alike. These checks hold the files to that promise."""

import csv
from collections import Counter
from pathlib import Path

import pytest

from rnn_core.text import BLANK, tokenize

DATA = Path(__file__).resolve().parents[2] / "data"
LANGS = ("en", "zh")
FAMILIES = {
    "late_criticised",
    "good_praised",
    "broken_buy",
    "broken_repair",
    "lost_found",
    "weather_item",
    "state_action",
    "city_travel",
    "relative_pronoun",
}


def read_tsv(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def novel() -> list[dict]:
    return read_tsv("long_range_novel.tsv")


@pytest.fixture(scope="module")
def dev() -> list[dict]:
    return read_tsv("long_range_dev.tsv")


@pytest.fixture(scope="module")
def blanks() -> list[dict]:
    return read_tsv("blank_novel.tsv")


@pytest.fixture(scope="module")
def corpus_tokens() -> dict[str, list[list[str]]]:
    """Every train and valid sentence of each language, tokenized."""
    out = {}
    for lang in LANGS:
        text = "\n".join(
            (DATA / lang / f"{part}.txt").read_text(encoding="utf-8") for part in ("train", "valid")
        )
        out[lang] = [tokenize(line, lang) for line in text.splitlines() if line.strip()]
    return out


def edit_distance(a: list[str], b: list[str]) -> int:
    """Token-level Levenshtein distance."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def test_positions_name_the_cue_and_the_dependent_word_in_the_projects_tokens(novel, dev):
    for row in novel + dev:
        toks = tokenize(row["sentence"], row["lang"])
        cue, dep = int(row["cue_index"]), int(row["dep_index"])
        assert toks[cue] == row["cue"], row["sentence"]
        assert toks[dep] == row["dep"], row["sentence"]
        assert 4 <= dep - cue <= 25, row["sentence"]


def test_every_family_has_several_novel_sentences_in_each_language(novel):
    for lang in LANGS:
        rows = [r for r in novel if r["lang"] == lang and r["source"] == "novel"]
        assert len(rows) >= 60
        per_family = Counter(r["family"] for r in rows)
        assert set(per_family) == FAMILIES
        assert min(per_family.values()) >= 6


def test_the_tutorials_sentences_are_included(novel, blanks):
    tutorial = {(r["lang"], r["sentence"]) for r in novel if r["source"] == "tutorial"}
    assert ("en", "I was late for school yesterday, and the teacher criticised me.") in tutorial
    assert ("zh", "我的手机坏了，我打算买一部新手机。") in tutorial
    blanked = {(r["lang"], r["sentence"]) for r in blanks}
    assert ("en", "My phone is broken, so I plan to ____ a new phone.") in blanked
    assert ("zh", "我的手机坏了，我打算____一部新手机。") in blanked


def test_no_novel_sentence_nor_a_near_copy_of_its_shape_is_in_the_corpus(
    novel, blanks, corpus_tokens
):
    """Another filling of a template differs from it in a few slot words; a novel sentence is at
    least max(4, a quarter of its tokens) token edits away from every train and valid sentence."""
    tutorial = {(r["lang"], r["sentence"]) for r in novel if r["source"] == "tutorial"}
    texts = {(r["lang"], r["sentence"]) for r in novel if r["source"] == "novel"}
    for r in blanks:  # a blank filled with its expected word; English answers are lower-case
        filled = r["sentence"].replace("____", r["answers"].split("|")[0])
        if not any(filled.lower() == t.lower() for lang, t in tutorial if lang == r["lang"]):
            texts.add((r["lang"], filled))
    assert_far_from(texts, corpus_tokens)


def assert_far_from(texts: set[tuple[str, str]], others: dict[str, list[list[str]]]) -> None:
    """Every (lang, text) is at least max(4, a quarter of its tokens) token edits away from
    every tokenized sentence of its language in `others`."""
    for lang, text in texts:
        toks = tokenize(text, lang)
        if BLANK in toks:
            continue
        needed = max(4, len(toks) // 4)
        bag = Counter(toks)
        for other in others[lang]:
            if abs(len(other) - len(toks)) >= needed:
                continue
            shared = sum((bag & Counter(other)).values())
            if len(toks) - shared >= needed:  # every differing token costs at least one edit
                continue
            assert edit_distance(toks, other) >= needed, (text, " ".join(other))


def test_the_development_set_is_far_from_the_corpus_and_from_the_test_sets(
    dev, novel, blanks, corpus_tokens
):
    """What a recipe is chosen on must not be a copy of what it is judged on: every dev sentence
    keeps the corpus's distance from train, valid, the novel sentences and the filled blanks;
    every family has ten of them in each language, all words in the corpus's vocabulary."""
    tests = {
        lang: [tokenize(r["sentence"], lang) for r in novel if r["lang"] == lang] for lang in LANGS
    }
    for r in blanks:
        tests[r["lang"]].append(
            tokenize(r["sentence"].replace("____", r["answers"].split("|")[0]), r["lang"])
        )
    texts = {(r["lang"], r["sentence"]) for r in dev}
    assert_far_from(texts, corpus_tokens)
    assert_far_from(texts, tests)
    for lang in LANGS:
        rows = [r for r in dev if r["lang"] == lang]
        assert Counter(r["family"] for r in rows) == {family: 10 for family in FAMILIES}
        known = {t for sentence in corpus_tokens[lang] for t in sentence}
        assert all(set(tokenize(r["sentence"], lang)) <= known for r in rows)


def test_blank_rows_hold_one_blank_and_cover_both_sides(blanks):
    for row in blanks:
        toks = tokenize(row["sentence"], row["lang"])
        assert toks.count(BLANK) == 1, row["sentence"]
        assert all(row["answers"].split("|")), row["sentence"]
    sides = Counter((r["lang"], r["side"]) for r in blanks)
    for lang in LANGS:
        assert sides[lang, "right"] >= 15 and sides[lang, "left"] >= 30
