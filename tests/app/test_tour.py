"""The tour file format (app/tour.py, docs/tour.md): the built-in tour, a teacher's file, and
every malformed file answered with the line and the key as the file wrote them."""

import re
from pathlib import Path

import pytest

from app.tour import LAB_CONTROLS, LABS, MAX_BYTES, QUESTIONS, TourError, builtin_tour, parse_tour

TEACHER = """# A teacher's three steps
title.en: Three steps
title.zh: 三步
hide: labs presets

## first
section.en: Language model
section.zh: 语言模型
title.en: The 3-gram's guess
title.zh: 3 元模型的猜测
text.en: Read the sentence and
  guess before you look.
text.zh: 先读句子，
  再猜。
sentence.en: my phone is broken , so i plan to buy a new
sentence.zh: 我的手机坏了，我打算买一部新
select: last
highlight: predictions
question: top_word
question.model: trigram
question.at: last

## second
section: BPTT
title: δ_k
text: Going back.
pos: backward-start
question: delta_trend
reveal_pos: totals

## third
section: Softmax
title: z
text: Softmax.
reveal_lab: softmax
lab.z: 1, 2, 3, 4
question: softmax_loss
ask.en: What is −ln o_1?
ask.zh: −ln o_1 是多少？
"""


def error_of(text: str | bytes) -> TourError:
    with pytest.raises(TourError) as caught:
        parse_tour(text.encode() if isinstance(text, str) else text)
    return caught.value


def test_a_teachers_file_reads_into_steps_in_both_languages():
    tour = parse_tour(TEACHER.encode())
    assert tour.title.zh == "三步" and tour.hide == ["labs", "presets"]
    first, second, third = tour.steps
    assert [s.id for s in tour.steps] == ["first", "second", "third"]
    assert first.text.en == "Read the sentence and guess before you look."
    assert first.text.zh == "先读句子，再猜。"  # Chinese continues without a space
    assert first.select == "last" and first.highlight == "predictions"
    assert first.question.kind == "top_word"
    assert (
        first.question.params["model"].en == "trigram" and first.question.params["at"].zh == "last"
    )
    assert second.title.en == second.title.zh == "δ_k"  # a key without .en/.zh is both
    assert second.pos == "backward-start" and second.reveal_pos == "totals"
    assert third.reveal_lab == "softmax" and third.lab_set["z"].en == "1, 2, 3, 4"
    assert third.question.ask.zh == "−ln o_1 是多少？"


def test_the_builtin_tour_follows_the_tutorial_and_asks_in_every_section():
    tour = builtin_tour()
    sections = [s.section.zh for s in tour.steps]
    order = [
        "语言模型",
        "基本循环神经网络",
        "双向循环神经网络",
        "深度循环神经网络",
        "BPTT：前向计算",
        "BPTT：误差项的计算",
        "BPTT：权重梯度的计算",
        "梯度爆炸和消失",
        "RNN 语言模型",
        "实现与梯度检查",
    ]
    seen = list(dict.fromkeys(sections))
    assert seen[: len(order)] == order
    asked = {s.section.zh for s in tour.steps if s.question}
    # every section of the tutorial asks at least one question (BPTT's forward pass is shown,
    # then asked about in its error-term and gradient steps)
    assert asked >= set(order) - {"BPTT：前向计算"}
    kinds = {s.question.kind for s in tour.steps if s.question}
    assert kinds == set(QUESTIONS)  # the built-in tour uses every kind at least once
    for s in tour.steps:
        for control in s.lab_set:
            assert control in LAB_CONTROLS[s.reveal_lab or s.lab]


@pytest.mark.parametrize(
    ("text", "reason", "line", "field"),
    [
        ("title: T\n## a\nsection: S\ntitle: x\ntext: y\nfoo: bar\n", "unknown_key", 6, "foo"),
        ("title: T\n## a\nsection: S\ntitle: x\ntext: y\nlab: nope\n", "invalid", 6, "lab"),
        ("title: T\n## a\nsection: S\ntitle.en: x\ntext: y\n", "missing", 4, "title.zh"),
        (
            "title: T\n## a\nsection: S\ntitle: x\ntext: y\nquestion: what\n",
            "invalid",
            6,
            "question",
        ),
        (
            "title: T\n## a\nsection: S\ntitle: x\ntext: y\n"
            "question: top_word\nquestion.model: rnn\n",
            "invalid",
            6,
            "question.at",
        ),
        (
            "title: T\n## a\nsection: S\ntitle: x\ntext: y\n"
            "question: top_word\nquestion.model: lstm\nquestion.at: 1\n",
            "invalid",
            7,
            "question.model",
        ),
        (
            "title: T\n## a\nsection: S\ntitle: x\ntitle.en: z\ntext: y\n",
            "duplicate",
            5,
            "title.en",
        ),
        (
            "title: T\n## a\nsection: S\ntitle: x\ntext: y\nlab: vanishing\nlab.foo: 1\n",
            "invalid",
            7,
            "lab.foo",
        ),
        (
            "title: T\n## a\nsection: S\ntitle: x\ntext: y\nlab.radius: 1\n",
            "invalid",
            6,
            "lab.radius",
        ),
        ("title: T\n## a\nsection: S\ntitle: x\ntext: y\npos.en: 1\n", "unknown_key", 6, "pos.en"),
        ("title: T\n## a\nsection: S\ntitle: x\ntext: y\npos: later\n", "invalid", 6, "pos"),
        ("title: T\n## Not An Id\nsection: S\ntitle: x\ntext: y\n", "invalid", 2, "## Not An Id"),
        (
            "title: T\nhide: labs everything\n## a\nsection: S\ntitle: x\ntext: y\n",
            "invalid",
            2,
            "hide",
        ),
        ("title: T\n## a\nsection: S\ntitle: x\ntext: y\nthis line is prose\n", "syntax", 6, None),
        ("  an indented first line\n", "syntax", 1, None),
        ("title: T\n", "missing", 1, "##"),
        (
            "title: T\n## a\nsection: S\ntitle: x\ntext: y\nsentence.en: hi\n",
            "missing",
            6,
            "sentence.zh",
        ),
    ],
)
def test_a_malformed_file_names_its_line_and_key(text, reason, line, field):
    error = error_of(text)
    assert (error.reason, error.line, error.field) == (reason, line, field), str(error)
    assert str(error).startswith(f"line {line}")


def test_files_that_are_not_a_tour_text():
    assert error_of("title: 中文\n".encode("gbk")).reason == "not_text"
    assert error_of(b"title: T\n\x00\x01").reason == "not_text"
    assert error_of("   \n\n").reason == "empty"
    big = error_of(b"#" * (MAX_BYTES + 1))
    assert big.reason == "too_large" and str(MAX_BYTES) in big.detail
    long_text = "title: T\n## a\nsection: S\ntitle: x\ntext: " + "y" * 3000 + "\n"
    assert (error_of(long_text).reason, error_of(long_text).field) == ("invalid", "text")


def test_the_api_serves_the_builtin_tour_and_checks_a_teachers(client):
    tour = client.get("/api/tours/tutorial").json()
    assert tour == builtin_tour().model_dump(mode="json")
    read = client.post(
        "/api/tours", content=TEACHER.encode(), headers={"content-type": "text/plain"}
    )
    assert read.status_code == 200 and [s["id"] for s in read.json()["steps"]] == [
        "first",
        "second",
        "third",
    ]
    bad = client.post(
        "/api/tours", content=b"title: T\n## a\nsection: S\ntitle: x\ntext: y\nlab: nope\n"
    )
    assert bad.status_code == 422
    detail = bad.json()["detail"]
    assert (detail["code"], detail["reason"], detail["line"], detail["field"]) == (
        "bad_tour",
        "invalid",
        6,
        "lab",
    )
    files = {"file": ("tour.md", TEACHER.encode(), "text/markdown")}
    assert client.post("/api/tours", files=files).json()["title"]["en"] == "Three steps"


def test_an_oversized_tour_is_refused_before_it_is_read(client):
    huge = client.post("/api/tours", content=b"x" * (MAX_BYTES + 10))
    assert huge.status_code == 413 and huge.json()["detail"]["code"] == "too_large"
    declared = client.post("/api/tours", content=b"x", headers={"content-length": str(10**9)})
    assert declared.status_code == 413


def test_the_tour_knows_every_lab_of_the_page_and_its_controls():
    """app.tour's lists are the page's: the template's tabs, the labs' data-tour controls."""
    root = Path(__file__).resolve().parents[2]
    template = (root / "templates" / "partials" / "labs.html").read_text(encoding="utf-8")
    assert set(re.findall(r'\("([a-z]+)", "', template)) == set(LABS)
    for lab, controls in LAB_CONTROLS.items():
        source = (root / "static" / "js" / "labs" / f"{lab}.js").read_text(encoding="utf-8")
        for control in controls:
            assert f'"data-tour": "{control}"' in source, (lab, control)
