"""Property-based fuzzing of the message layer: whatever arrives — malformed JSON, wrong types,
huge numbers, NaN, unicode, oversized frames — the answer is an error frame (or a valid answer),
the server stays up and the session is unchanged."""

import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import ProtocolError
from app.protocol import MESSAGE_TYPES
from app.service import parse
from app.settings import Settings
from tests.app.wsutil import make_app, session

SAFE_TYPES = [t for t in MESSAGE_TYPES if t not in ("resume", "train", "bptt", "play")]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
messages = st.fixed_dictionaries(
    {"type": st.sampled_from(SAFE_TYPES) | st.text(max_size=10)},
    optional={
        "id": st.integers() | st.text(max_size=70) | st.none() | st.floats(),
        "text": st.text(max_size=200),
        "z": st.lists(st.floats() | st.integers(), max_size=5),
        "top_k": st.integers() | st.floats(),
        "hidden": st.integers(),
        "T": st.integers(),
        "label": st.integers() | st.text(max_size=3),
        "dir": st.text(max_size=9),
        "extra": json_values,
    },
)


@pytest.fixture(scope="module")
def ws(client):
    """One session for the whole module: the fuzzed messages must not break it."""
    with session(client) as frames:
        yield frames


def raw_of(message: dict) -> str:
    return (
        orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS).decode()
        if _dumpable(message)
        else "{}"
    )


def _dumpable(message: dict) -> bool:
    try:
        orjson.dumps(message)
    except (TypeError, orjson.JSONEncodeError):
        return False
    return True


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(message=messages)
def test_any_message_gets_exactly_an_answer_and_the_session_stays(ws, message):
    raw = raw_of(message)
    ws.ws.send_text(raw)
    frame = ws.recv()
    assert frame["type"] in {
        "error",
        "predict",
        "softmax",
        "pong",
        "vocab",
        "step",
        "gradcheck",
        "vanishing",
        "configured",
        "ack",
        "generate",  # a generate message is answered by one generate frame
    }
    if frame["type"] == "error":
        assert "Traceback" not in frame["message"] and frame["code"] != "internal"
    if frame["type"] == "configured":
        ws.ask({"type": "configure", "model": "en-lm"})


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=300) | st.text(max_size=300))
def test_parse_never_raises_anything_but_protocol_errors(raw):
    try:
        parse(raw, Settings())
    except ProtocolError as exc:
        assert exc.code in {"bad_json", "bad_message", "unknown_type", "too_large", "too_long"}


@pytest.mark.parametrize(
    "raw, code",
    [
        ('{"type": "softmax", "id": 1, "z": [NaN]}', "bad_json"),
        ('{"type": "softmax", "id": 1, "z": [Infinity]}', "bad_json"),
        ('{"type": "softmax", "id": 1, "z": [1e999]}', "bad_json"),
        (
            '{"type": "predict", "id": 1, "text": "a", "top_k": 99999999999999999999999}',
            "bad_message",
        ),
        ('{"type": "predict", "id": 1, "text": "a", "top_k": 1e300}', "bad_message"),
        ("[1, 2, 3]", "bad_message"),
        ('"predict"', "bad_message"),
        ('{"type": "predict", "id": {"a": 1}, "text": "a"}', "bad_message"),
        ('{"type": "\\u0000", "id": 1}', "unknown_type"),
        ('{"type": "ping", "id": 1, "x": "' + "é" * 40000 + '"}', "too_large"),
        ('{"type": "ping", "id": true}', "bad_message"),
        ('{"type": "ping", "id": 1.0}', "bad_message"),
    ],
)
def test_hostile_numbers_and_shapes_are_named_errors(ws, raw, code):
    ws.ws.send_text(raw)
    frame = ws.recv()
    assert frame["type"] == "error" and frame["code"] == code


def test_an_id_the_server_cannot_echo_as_sent_is_refused_without_re(ws):
    ws.ws.send_text('{"type": "ping", "id": true}')
    frame = ws.recv()
    assert frame["type"] == "error" and frame["re"] is None and frame["field"] == "id"


@pytest.mark.parametrize("kind", ["predict", "bptt", "step", "sample"])
def test_a_ten_thousand_word_sentence_is_too_long_with_both_limits_named(ws, kind):
    text = " ".join(["word"] * 10_000)
    message = {
        "predict": {"type": "predict", "text": text},
        "bptt": {"type": "bptt", "text": text},
        "step": {"type": "train", "action": "step", "text": text},
        "sample": {"type": "train", "action": "start", "sample": text},
    }[kind]
    frame = ws.ask(message)
    limits = ws.hello["limits"]
    assert frame["type"] == "error" and frame["code"] == "too_long"
    assert frame["field"] == ("sample" if kind == "sample" else "text")
    assert f"{len(text)} characters" in frame["message"]
    assert str(limits["max_tokens"]) in frame["message"]
    assert str(limits["max_text_chars"]) in frame["message"]


def test_the_session_is_intact_after_the_fuzzing(ws):
    hello = ws.ask({"type": "resume", "session": ws.hello["session"]})
    assert hello["model"]["name"] == "en-lm"
    unicode = ws.ask({"type": "predict", "text": "我的 😀 phone ⁂ is 𝔟𝔯𝔬𝔨𝔢𝔫"})
    assert unicode["type"] == "predict" and "😀" in unicode["tokens"]


def test_top_k_is_bounded_by_the_settings_limit_alone(world):
    with TestClient(make_app(world.model_copy(update={"max_top_k": 3}))) as client:
        with session(client) as frames:
            assert frames.hello["limits"]["max_top_k"] == 3
            wide = frames.ask({"type": "predict", "text": "we like", "top_k": 3})
            assert wide["type"] == "predict" and len(wide["positions"][0]["rnn"]) == 3
            refused = frames.ask({"type": "predict", "text": "we like", "top_k": 4})
            assert refused["type"] == "error" and refused["code"] == "limit"
            assert refused["field"] == "top_k" and "1..3" in refused["message"]
