"""Guided tours: the file format a teacher writes (docs/tour.md), read into one checked `Tour`.

A tour file is plain UTF-8 text, line by line:

    # any heading (ignored: a title for people reading the file)
    title.en: Reading the tutorial with a live model      ← tour keys, before the first step
    title.zh: 和活的模型一起读教程
    hide: labs presets

    ## lm-ngram                                           ← a step and its id
    section.en: Language model
    ...
    question: top_word
    question.model: trigram

Every value is `key: value` on one line; a line that is neither a key, a heading nor blank
continues the value above it (long texts). `key.en` / `key.zh` give a value per language, `key`
alone one for both. An error names the line and the key as the file wrote them, so a teacher can
fix it in an editor; the page shows it in the learner's language (`reason` and `params`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator

MAX_BYTES = 65536
MAX_STEPS = 60
MAX_TEXT = 2000
BUILTIN = Path(__file__).resolve().parent.parent / "data" / "tours" / "tutorial.md"

# What a step may change on the page, and what a tour may hide (static/js/tour.js reads these).
LABS = (
    "data",
    "softmax",
    "loss",
    "training",
    "generate",
    "vanishing",
    "truncated",
    "gradcheck",
    "bidirectional",
    "deep",
    "remedies",
    "files",
)
REGIONS = ("sentence", "predictions", "network", "bptt", "formula", "gradflow", "gradsum", "labs")
HIDEABLE = ("labs", "presets", "share", "present", "lang")
POSITIONS = ("start", "forward-end", "backward-start", "totals")
# The controls a step may set in each lab (the inputs marked data-tour="<name>" in static/js/labs/).
LAB_CONTROLS = {
    "vanishing": ("radius", "steps", "activation", "init", "clip", "clip_at"),
    "gradcheck": ("activation", "tutorial", "hidden", "steps"),
    "bidirectional": ("sentence",),
    "deep": ("layers",),
    "softmax": ("z",),
    "remedies": ("sentence",),
}
# Every question kind (static/js/tour_questions.js answers each from live frames) and its params.
QUESTIONS = {
    "top_word": {"model": ("rnn", "bigram", "trigram"), "at": None},
    "zero_term": {},
    "blank_winner": {"text": None, "word": None},
    "deep_share": {},
    "delta_trend": {},
    "card_dominates": {},
    "vanishing_trend": {},
    "clip_fixes": {},
    "softmax_loss": {},
    "loss_guess": {"at": None},
    "gradcheck_buggy": {"activation": ("identity", "tanh")},
    "remedy_reach": {},
}
REQUIRED_PARAMS = {
    "top_word": ("model", "at"),
    "blank_winner": ("text", "word"),
    "loss_guess": ("at",),
}

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Lab = Literal[LABS]
Region = Literal[REGIONS]
Position = Literal[POSITIONS] | Annotated[int, Field(ge=0)]


class Localized(BaseModel):
    """A text in both languages (a key written without .en/.zh gives both the same)."""

    en: Text
    zh: Text


class Question(BaseModel):
    """A predict-then-reveal question: its kind decides how the page answers it from frames."""

    kind: Literal[tuple(QUESTIONS)]
    params: Annotated[dict[str, Localized], Field(validate_default=True)] = {}
    ask: Localized | None = None  # the tour's own wording; else the kind's

    @field_validator("params")
    @classmethod
    def _params_of_kind(cls, params: dict, info: ValidationInfo) -> dict:
        kind = info.data.get("kind")
        if kind is None:
            return params
        allowed = QUESTIONS[kind]
        for name, value in params.items():
            if name not in allowed:
                raise ValueError(
                    f"question.{name}: {kind} takes no parameter {name}; "
                    f"it takes {list(allowed) or 'none'}"
                )
            choices = allowed[name]
            if choices and {value.en, value.zh} - set(choices):
                raise ValueError(f"question.{name}: {name} is one of {list(choices)}")
            if name == "at" and not all(v == "last" or v.isdigit() for v in (value.en, value.zh)):
                raise ValueError(f"question.{name}: at is a position (0, 1, …) or last")
        for name in REQUIRED_PARAMS.get(kind, ()):
            if name not in params:
                raise ValueError(f"question.{name}: {kind} needs question.{name}")
        return params


class Step(BaseModel):
    """One stop of the tour: its text and the state it sets on the page."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
    section: Localized
    title: Localized
    text: Localized
    sentence: Localized | None = None
    select: Literal["last"] | Annotated[int, Field(ge=0)] | None = None
    pos: Position | None = None
    lab: Lab | None = None
    reveal_lab: Lab | None = None  # opened when the question is answered (it would tell)
    reveal_pos: Position | None = None
    lab_set: dict[str, Localized] = {}
    highlight: Region | None = None
    question: Question | None = None

    @field_validator("lab_set")
    @classmethod
    def _lab_controls(cls, value: dict, info: ValidationInfo) -> dict:
        lab = info.data.get("reveal_lab") or info.data.get("lab")
        if value and lab is None:
            raise ValueError("lab.<control> needs lab or reveal_lab")
        controls = list(LAB_CONTROLS.get(lab, ()))
        for name in value:
            if name not in controls:
                raise ValueError(
                    f"lab.{name}: the {lab} lab has no control {name}; it has {controls or 'none'}"
                )
        return value


class Tour(BaseModel):
    """A whole tour, as the page receives it (GET /api/tours/tutorial, POST /api/tours)."""

    title: Localized
    hide: list[Literal[HIDEABLE]] = []
    steps: Annotated[list[Step], Field(min_length=1, max_length=MAX_STEPS)]


class TourError(ValueError):
    """A tour file that cannot be read: where (line, the key as written) and why.

    `reason` is one of not_text, empty, too_large, syntax, unknown_key, duplicate, missing,
    invalid; the page words it in the learner's language with `line`, `field` and `detail`.
    """

    def __init__(self, reason: str, detail: str, line: int | None = None, field: str | None = None):
        where = f"line {line}" + (f", {field}" if field else "") + ": " if line else ""
        super().__init__(where + detail)
        self.reason, self.detail, self.line, self.field = reason, detail, line, field


KEY = re.compile(r"^([a-z_]+(?:\.(?!(?:en|zh)\b)[a-z_]+)?)(?:\.(en|zh))?\s*:\s?(.*)$")
STEP = re.compile(r"^##\s+(.*?)\s*$")
TOUR_KEYS = ("title", "hide")
STEP_KEYS = (
    "section",
    "title",
    "text",
    "sentence",
    "select",
    "pos",
    "lab",
    "highlight",
    "question",
    "ask",
    "reveal_lab",
    "reveal_pos",
)
NAMED = re.compile(r"^((question|lab)\.[a-z_]+): (.*)$", re.S)
LOCALIZED = ("title", "section", "text", "sentence", "ask")


def parse_tour(data: bytes) -> Tour:
    """The tour of a file's bytes, or TourError naming the line and the key."""
    if len(data) > MAX_BYTES:
        raise TourError(
            "too_large", f"the file has {len(data)} bytes; a tour has at most {MAX_BYTES}"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TourError("not_text", "the file is not UTF-8 text", line) from None
    if "\x00" in text:
        raise TourError(
            "not_text",
            "the file is not text (it holds NUL bytes)",
            text[: text.index("\x00")].count("\n") + 1,
        )
    if not text.strip():
        raise TourError("empty", "the file is empty")
    raw, where = _read(text)
    try:
        return Tour.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
    loc = tuple(error["loc"])
    line, field = _locate(loc, where)
    message = error["msg"].removeprefix("Value error, ")
    if loc == ("steps",):
        raise TourError("missing", "a tour needs at least one step (a line ## id)", line, "##")
    if error["type"] == "missing":
        field = _written(loc)
        raise TourError("missing", f"{field} is missing", line, field)
    named = NAMED.match(message)  # a check that names the key it is about (question.at, lab.x)
    if named:
        field, message = named.group(1), named.group(3)
        line = where.get((*loc[:2], *_inner(field)), (line, field))[0]
    raise TourError("invalid", message, line, field)


def _read(text: str) -> tuple[dict, dict]:
    """The file as a raw dict for `Tour`, and where each value was written: path → (line, key)."""
    tour: dict = {"steps": []}
    where: dict[tuple, tuple[int, str]] = {(): (1, "")}
    target, path, last = tour, (), None  # the dict being filled, its path, the last key's slot
    seen: set[tuple] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        step = STEP.match(stripped)
        if step:
            target = {"id": step.group(1)}
            path = ("steps", len(tour["steps"]))
            tour["steps"].append(target)
            where[path] = (number, "## " + step.group(1))
            where[(*path, "id")] = (number, "## " + step.group(1))
            last = None
            continue
        if stripped.startswith("#"):
            continue
        if line[:1].isspace():  # an indented line continues the value above
            if last is None:
                raise TourError(
                    "syntax", "an indented line continues a value, and none is above", number
                )
            _append(last, stripped)
            continue
        match = KEY.match(stripped)
        if not match:
            raise TourError(
                "syntax", "expected key: value (indent a line that continues a text)", number
            )
        key, lang, value = match.group(1), match.group(2), match.group(3).strip()
        written = key + (f".{lang}" if lang else "")
        slot = _slot(target, path, key, lang, number, written, where, in_step=bool(path))
        given = {(*slot[:-1], "en"), (*slot[:-1], "zh")} if slot[-1] == "*" else {slot}
        if given & seen:
            raise TourError("duplicate", f"{written} is given twice", number, written)
        seen |= given
        last = _store(target, slot, value)
    return tour, where


def _slot(target, path, key, lang, number, written, where, in_step) -> tuple:
    """The place in the raw dict of `key[.lang]` (a tuple path), after checking the key."""
    head, _, tail = key.partition(".")
    allowed = STEP_KEYS if in_step else TOUR_KEYS
    if head == "lab" and tail and in_step:
        slot = (*path, "lab_set", tail)
    elif head == "question" and tail and in_step:
        slot = (*path, "question", "params", tail)
    elif head == "ask" and in_step and not tail:
        slot = (*path, "question", "ask")
    elif head == "question" and in_step and not tail:
        slot = (*path, "question", "kind")
    elif key in allowed:
        slot = (*path, key)
    else:
        scope = "a step" if in_step else "the tour (before the first ## step)"
        raise TourError("unknown_key", f"{written} is not a key of {scope}", number, written)
    parent = {"lab_set": 3, "params": 3, "question": 3}.get(slot[2] if in_step else None)
    if parent:  # an error about the whole question or lab_set points at its first line
        where.setdefault(slot[:parent], (number, written))
    localized = head in LOCALIZED or (len(slot) > 1 and slot[-2] in ("lab_set", "params"))
    if lang and not localized:
        raise TourError(
            "unknown_key", f"{key} has one value for both languages (no .{lang})", number, written
        )
    if localized:
        slot = (*slot, lang or "*")
    where[slot[:-1] if localized else slot] = (number, written)
    if localized:
        where[slot] = (number, written)
    return slot


def _store(target: dict, slot: tuple, value: str) -> list:
    """Put `value` at `slot` (relative to the step or tour); returns [dict, key] to append to."""
    node = target
    inner = slot[2:] if slot[0] == "steps" else slot
    for part in inner[:-1]:
        node = node.setdefault(part, {})
    leaf = inner[-1]
    if leaf == "*":
        node["en"] = node["zh"] = value
        return [node, ("en", "zh")]
    if leaf in ("en", "zh"):
        node[leaf] = value
        return [node, (leaf,)]
    if inner[-1] == "hide":
        node[leaf] = value.split()
        return [node, ()]
    node[leaf] = _scalar(value)
    return [node, (leaf,)]


def _append(last: list, more: str) -> None:
    """A continuation line: more text for the value above (a space between, none in Chinese)."""
    node, keys = last
    for key in keys:
        before = node[key]
        if not isinstance(before, str):
            return
        gap = "" if _cjk(before[-1:]) and _cjk(more[:1]) else " "
        node[key] = f"{before}{gap}{more}" if before else more


def _cjk(char: str) -> bool:
    return bool(char) and ord(char) >= 0x2E80


def _scalar(value: str) -> str | int:
    return int(value) if value.isdigit() else value


def _locate(loc: tuple, where: dict) -> tuple[int, str]:
    """The line and written key of a validation error's location (its nearest written parent)."""
    path = tuple(loc)
    while path:
        if path in where:
            return where[path]
        path = path[:-1]
    return where[()]


def _inner(written: str) -> tuple:
    """The path inside a step of a key as written: question.at → (question, params, at)."""
    head, _, name = written.partition(".")
    return ("question", "params", name) if head == "question" else ("lab_set", name)


def _written(loc: tuple) -> str:
    """A missing field as a teacher would write it: title.en, question, …"""
    parts = [str(p) for p in loc if not isinstance(p, int) and p != "steps"]
    if parts[:1] == ["question"] and parts[1:2] == ["kind"]:
        parts = ["question"]
    if parts[:1] == ["lab_set"]:
        parts[0] = "lab"
    return ".".join(parts)


@cache
def builtin_tour() -> Tour:
    """The tour that ships with the app (data/tours/tutorial.md), read once."""
    return parse_tour(BUILTIN.read_bytes())
