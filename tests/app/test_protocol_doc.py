"""docs/protocol.md and app/protocol.py agree: every client example parses as it is written,
and every server example has exactly the keys of its frame (values may be abbreviated "…")."""

import json
import re
from pathlib import Path
from typing import get_args

import pytest

from app.protocol import ERROR_CODES, MESSAGE_TYPES, ServerFrame
from app.service import parse
from app.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def _objects(block: str) -> list[str]:
    """The top-level JSON objects of a ```json block (one or several, one- or multi-line)."""
    objects, depth, start = [], 0, 0
    for i, char in enumerate(block):
        if char == "{":
            depth, start = depth + 1, i if depth == 0 else start
        elif char == "}":
            depth -= 1
            if depth == 0:
                objects.append(block[start : i + 1])
    return objects


EXAMPLES = [
    json.loads(text)
    for block in re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    for text in _objects(block)
]
CLIENT = [e for e in EXAMPLES if "seq" not in e]
SERVER = [e for e in EXAMPLES if "seq" in e]
FRAMES = {cls.model_fields["type"].default: cls for cls in get_args(get_args(ServerFrame)[0])}


def test_the_doc_shows_every_message_and_every_frame():
    assert {e["type"] for e in CLIENT} == set(MESSAGE_TYPES)
    assert {e["type"] for e in SERVER} == set(FRAMES)


@pytest.mark.parametrize("example", CLIENT, ids=lambda e: f"{e['type']}-{e['id']}")
def test_every_client_example_parses_as_written(example):
    re_, message = parse(json.dumps(example, ensure_ascii=False), Settings())
    assert re_ == example["id"] and message.type == example["type"]


@pytest.mark.parametrize("example", SERVER, ids=lambda e: f"{e['type']}-{e['seq']}")
def test_every_server_example_has_exactly_its_frames_keys(example):
    assert set(example) == set(FRAMES[example["type"]].model_fields)


APP = Path(__file__).resolve().parents[2] / "app"
CORPUS = Path(__file__).resolve().parents[2] / "rnn_core" / "corpus.py"  # its codes reach the wire
RAISED = re.compile(
    r"(?:ProtocolError|CorpusError|_fail|error_body|error)\(\s*(?:[\w.]+,\s*)?\"([a-z_]+)\""
)


def test_the_doc_and_error_codes_list_exactly_the_codes_the_server_sends():
    table = re.search(r"\| code \| meaning \|\n\|---\|---\|\n((?:\|.*\n)+)", DOC.read_text("utf-8"))
    documented = set(re.findall(r"^\| ([a-z_]+) \|", table.group(1), re.M))
    sources = [*APP.rglob("*.py"), CORPUS]
    sent = {code for path in sources for code in RAISED.findall(path.read_text("utf-8"))}
    assert documented == set(ERROR_CODES)
    assert sent == set(ERROR_CODES)
