"""The built-in corpora: shipped files equal the seeded generator's output, sizes and vocabulary
are in range, the held-out split is fixed and disjoint, and the long-range families are there."""

import csv
import importlib.util
import re
import sys
from collections import Counter, defaultdict
from functools import cache, lru_cache
from pathlib import Path

import pytest

from rnn_core.text import tokenize

DATA = Path(__file__).resolve().parents[2] / "data"
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
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


def load_generator():
    spec = importlib.util.spec_from_file_location("make_corpus", SCRIPTS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


mc = load_generator()


@cache
def tokens(lang: str, text: str) -> tuple[str, ...]:
    """The project's tokenization (the models read these tokens)."""
    return tuple(tokenize(text, lang))


@lru_cache
def lines(lang: str, part: str) -> tuple[str, ...]:
    return tuple((DATA / lang / f"{part}.txt").read_text(encoding="utf-8").splitlines())


@pytest.fixture(scope="module")
def splits():
    return {lang: mc.split(lang) for lang in LANGS}


@pytest.fixture(scope="module")
def long_range_rows():
    with open(DATA / "long_range.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_shipped_files_are_exactly_what_the_generator_writes(tmp_path, splits):
    """The files equal a fresh run of the generator: it is deterministic, and nobody edited them."""
    written = mc.render(tmp_path, splits)
    assert sorted(str(p.relative_to(tmp_path)) for p in written) == [
        "en/train.txt",
        "en/valid.txt",
        "long_range.tsv",
        "zh/train.txt",
        "zh/valid.txt",
    ]
    for path, text in written.items():
        assert text.encode("utf-8") == (DATA / path.relative_to(tmp_path)).read_bytes(), path


def test_the_command_writes_the_files(tmp_path, monkeypatch, splits):
    monkeypatch.setattr(mc, "split", lambda lang: splits[lang])
    mc.main(["--out-dir", str(tmp_path)])
    assert (tmp_path / "en" / "train.txt").read_bytes() == (DATA / "en" / "train.txt").read_bytes()


@pytest.mark.parametrize("lang", LANGS)
def test_sizes_and_vocabulary_are_in_range(lang):
    train, valid = lines(lang, "train"), lines(lang, "valid")
    assert (len(train), len(valid)) == (mc.TRAIN_SIZE, mc.VALID_SIZE)
    vocab = Counter(t for line in train for t in tokens(lang, line))
    assert 1000 <= len(vocab) <= 4000
    assert 12 * mc.TRAIN_SIZE <= sum(vocab.values()) <= 24 * mc.TRAIN_SIZE
    assert all(line.strip() == line and line for line in train + valid)


def test_the_readme_size_table_is_the_shipped_files():
    """data/README.md's sentences, tokens and word types per file are the files' own (the table
    once kept an older grammar's figures after the grammar was rewritten)."""
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| `(\w\w/\w+\.txt)` \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \|$", readme, re.M
    )
    assert sorted(name for name, *_ in rows) == [
        f"{lang}/{part}.txt" for lang in LANGS for part in ("train", "valid")
    ]
    for name, *figures in rows:
        lang, part = name.removesuffix(".txt").split("/")
        counts = Counter(t for line in lines(lang, part) for t in tokens(lang, line))
        shipped = (len(lines(lang, part)), sum(counts.values()), len(counts))
        assert tuple(int(f.replace(",", "")) for f in figures) == shipped, name


@pytest.mark.parametrize("lang", LANGS)
def test_held_out_sentences_are_unseen_and_unique(lang):
    train, valid = lines(lang, "train"), lines(lang, "valid")
    assert not set(valid) & set(train)
    assert len(set(valid)) == len(valid)


@pytest.mark.parametrize("lang", LANGS)
def test_held_out_split_is_every_tenth_sentence_of_the_stream(lang, splits):
    stream = mc.sentence_stream(lang)
    first_ten = [next(stream).text for _ in range(10)]
    train, valid = splits[lang]
    assert valid[0].text == first_ten[9]
    assert [s.text for s in train[2:11]] == first_ten[:9]


def test_tutorial_sentences_are_in_train():
    assert {"我昨天上学迟到了，老师批评了我。", "我的手机坏了，我打算买一部新手机。"} <= set(
        lines("zh", "train")
    )
    assert {
        "I was late for school yesterday, and the teacher criticised me.",
        "My phone is broken, so I plan to buy a new phone.",
    } <= set(lines("en", "train"))
    tutorial = tokens("zh", "我昨天上学迟到了，老师批评了我。")
    assert " ".join(tutorial) == "我 昨天 上学 迟到 了 ， 老师 批评 了 我 。"


def splits_of(pair):
    return zip(("train", "valid"), pair, strict=True)


@pytest.mark.parametrize("lang", LANGS)
def test_about_half_of_the_sentences_are_long_range_with_every_family(lang, splits):
    train, valid = splits[lang]
    share = {
        name: sum(bool(s.links) for s in part) / len(part) for name, part in splits_of(splits[lang])
    }
    assert abs(share["train"] - mc.LONG_RANGE_SHARE) < 0.03
    # valid drops repeats of train; everyday sentences repeat more often, so valid holds more
    assert mc.LONG_RANGE_SHARE - 0.03 < share["valid"] < mc.LONG_RANGE_SHARE + 0.15
    for part in (train, valid):
        long_range = [s for s in part if s.links]
        assert {s.family for s in long_range} == FAMILIES


def test_long_range_table_indices_point_at_cue_and_dependent_tokens(long_range_rows):
    assert {row["lang"] for row in long_range_rows} == set(LANGS)
    valid = {lang: set(lines(lang, "valid")) for lang in LANGS}
    for row in long_range_rows:
        toks = tokens(row["lang"], row["sentence"])
        cue, dep = int(row["cue_index"]), int(row["dep_index"])
        assert row["sentence"] in valid[row["lang"]]
        assert (toks[cue], toks[dep]) == (row["cue"], row["dep"])
        assert dep - cue in mc.DISTANCES
    for lang in LANGS:
        families = {row["family"] for row in long_range_rows if row["lang"] == lang}
        assert families == FAMILIES


def test_the_cue_decides_the_dependent_word(splits):
    for lang in LANGS:
        answers = defaultdict(set)
        for sentence in splits[lang][0] + splits[lang][1]:
            toks = mc.tokenize(lang, sentence.text)
            for k, link in enumerate(sentence.links):
                cue = toks[mc.token_at(toks, link.cue)][0]
                answers[sentence.family, k, cue].add(toks[mc.token_at(toks, link.dep)][0])
        assert len(answers) >= 60
        assert all(len(deps) == 1 for deps in answers.values())


@pytest.mark.parametrize("lang", LANGS)
def test_the_two_words_before_the_dependent_word_do_not_decide_it(lang, splits):
    train, valid = splits[lang]
    follow = defaultdict(Counter)
    for sentence in train:
        toks = ["<s>", "<s>", *tokens(lang, sentence.text)]
        for i in range(2, len(toks)):
            follow[toks[i - 2], toks[i - 1]][toks[i]] += 1
    rows = mc.long_range_rows(lang, valid)
    hits = 0
    for _, _, text, _, _, dep_index, dep in rows:
        toks = ["<s>", "<s>", *tokens(lang, text)]
        context = follow[toks[dep_index], toks[dep_index + 1]]
        hits += bool(context) and context.most_common(1)[0][0] == dep
    assert len(rows) >= 150
    assert hits / len(rows) < 0.35  # a perfect-memory 3-gram; the cue alone gives 100 %


def test_teacher_criticised_is_followed_by_every_person_often_me():
    after = {"en": ("the", "teacher", "criticised"), "zh": ("老师", "批评", "了")}
    people = {
        "en": {"me", "you", "him", "her", "us", "them"},
        "zh": {"我", "你", "他", "她", "我们", "他们"},
    }
    for lang in LANGS:
        followers = Counter()
        for line in lines(lang, "train"):
            toks = tokens(lang, line)
            followers.update(
                toks[i + 3] for i in range(len(toks) - 3) if tuple(toks[i : i + 3]) == after[lang]
            )
        assert set(followers) == people[lang]
        first_person = "me" if lang == "en" else "我"
        top3 = [word for word, _ in followers.most_common(3)]
        assert first_person in top3 and followers[first_person] >= 25


def test_buy_is_the_usual_word_before_a_new_thing():
    en = Counter(
        m.group(1) for line in lines("en", "train") for m in re.finditer(r"to (\w+) a new", line)
    )
    assert en.most_common(1)[0][0] == "buy" and en["buy"] / sum(en.values()) > 0.6
    measures = {"一部", "一台", "一辆", "一把", "一块", "一个", "一副"}
    zh = Counter()
    for line in lines("zh", "train"):
        toks = tokens("zh", line)
        zh.update(
            toks[i - 2] if toks[i - 1] == "了" else toks[i - 1]  # 买了一辆新……: the verb
            for i in range(2, len(toks) - 1)
            if toks[i] in measures and toks[i + 1].startswith("新")
        )
    assert zh.most_common(1)[0][0] == "买" and zh["买"] / sum(zh.values()) > 0.6
