"""Shared helpers of the server tests: a tiny world (corpus + models trained for a few steps in
a temporary directory), an app wired to it, and a WebSocket client that checks every frame."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import orjson
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.protocol import SERVER_FRAME
from app.settings import Settings
from rnn_core import RNNLM
from rnn_core.io import save
from rnn_core.optim import SGD
from rnn_core.text import Vocab, blank_pair, tokenize, training_pair_ids
from rnn_core.train import Trainer
from tests.conftest import running_server

EN = [
    "i was late for school yesterday , the teacher criticised me .",
    "she was late for school yesterday , the teacher criticised her .",
    "my phone is broken , i will buy a new phone .",
    "his bike is broken , he will buy a new bike .",
    "we like apples .",
    "the weather is cold today .",
    "i eat rice every day .",
    "my mother cooks noodles .",
    "he was late , the teacher criticised him .",
    "my watch is broken , i will buy a new watch .",
]
EN_VALID = ["i was late , the teacher criticised me .", "her phone is broken ."]
ZH = [
    "我 昨天 上学 迟到 了 ， 老师 批评 了 我 。",
    "她 昨天 上学 迟到 了 ， 老师 批评 了 她 。",
    "我的手机坏了，我打算买一部新手机。",
    "今天 天气 很 冷 。",
]
ZH_VALID = ["他 上学 迟到 了 ， 老师 批评 了 他 。"]


REMEDIES = (("tanh", "rnn", "tanh"), ("lstm", "lstm", "tanh"), ("gru", "gru", "tanh"))
NOVEL = [  # a long-range set in data/long_range_novel.tsv's columns: two English rows, one Chinese
    "lang\tsource\tfamily\tsentence\tcue_index\tcue\tdep_index\tdep",
    "en\tnovel\tlate_criticised\ti was late , the teacher criticised me .\t0\ti\t7\tme",
    "en\tnovel\tbroken_buy\tmy phone is broken , i will buy a new phone .\t1\tphone\t10\tphone",
    "zh\tnovel\tlate_criticised\t我 上学 迟到 了 ， 老师 批评 了 我 。\t0\t我\t8\t我",
]


def _write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _train(model: RNNLM, pairs: list, steps: int) -> None:
    trainer = Trainer(model, SGD(0.5), pairs, batch_size=4, clip=5.0, seed=0)
    for _ in trainer.run(steps=steps):
        pass


def tiny_world(root: Path) -> Settings:
    """Corpora and four small models (en-lm, en-blank, en-deep, zh-lm) under root."""
    data, models = root / "data", root / "models"
    for lang, train, valid in (("en", EN, EN_VALID), ("zh", ZH, ZH_VALID)):
        _write(data / lang / "train.txt", train)
        _write(data / lang / "valid.txt", valid)
    models.mkdir(parents=True, exist_ok=True)
    for lang, lines in (("en", EN), ("zh", ZH)):
        sentences = [tokenize(line, lang) for line in lines]
        vocab = Vocab.build(sentences)
        specs = [("lm", 1, False, 8)]
        if lang == "en":
            specs += [("blank", 1, True, 6), ("deep", 2, False, 5)]
        for kind, layers, bidi, hidden in specs:
            model = RNNLM(len(vocab), hidden, num_layers=layers, bidirectional=bidi, seed=1)
            if bidi:
                pairs = [blank_pair(s, len(s) // 2, vocab) for s in sentences]
            else:
                pairs = [training_pair_ids(s, vocab) for s in sentences]
            _train(model, pairs, steps=30)
            extra = {"language": lang, "name": f"{lang}-{kind}"}
            save(models / f"{lang}-{kind}.npz", model, vocab=vocab.to_list(), extra=extra)
        if lang == "en":  # the Remedies lab's other three (models/remedies/, as make_models saves)
            pairs = [training_pair_ids(s, vocab) for s in sentences]
            for role, cell, activation in REMEDIES:
                model = RNNLM(
                    len(vocab), 6, activation=activation, init="xavier", cell=cell, seed=2
                )
                _train(model, pairs, steps=30)
                extra = {"language": lang, "name": f"{lang}-{role}"}
                path = models / "remedies" / f"{lang}-{role}.npz"
                path.parent.mkdir(exist_ok=True)
                save(path, model, vocab=vocab.to_list(), extra=extra)
    _write(data / "long_range_novel.tsv", NOVEL)
    return Settings(models_dir=models, data_dir=data)


def make_app(settings: Settings) -> FastAPI:
    """The real app, with these settings for its lifespan."""
    app = create_app()
    app.state.settings = settings
    return app


@contextmanager
def session(client: TestClient) -> Iterator[Frames]:
    """A new session on client: its frames reader, with the hello frame and the session token."""
    with client.websocket_connect("/ws") as raw:
        frames = Frames(raw)
        frames.hello = frames.recv()
        frames.token = frames.hello["session"]
        yield frames


@contextmanager
def serve(
    world: Settings, log_level: str = "warning", stderr=None, **settings: str
) -> Iterator[str]:
    """The real app under uvicorn on `world`'s models and corpus (settings as UNROLLED_* env)."""
    env = {"UNROLLED_MODELS_DIR": str(world.models_dir), "UNROLLED_DATA_DIR": str(world.data_dir)}
    env |= {f"UNROLLED_{name.upper()}": value for name, value in settings.items()}
    with running_server(env, log_level=log_level, stderr=stderr) as (_, url):
        yield url


class Frames:
    """Reads frames from a TestClient WebSocket; validates each and checks seq has no gaps."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.seq = -1
        self.ids = 0

    def recv(self) -> dict:
        text = self.ws.receive_text()
        frame = orjson.loads(text)
        SERVER_FRAME.validate_python(frame)
        assert frame["seq"] == self.seq + 1, f"seq gap: {self.seq} then {frame['seq']}"
        self.seq = frame["seq"]
        return frame

    def send(self, message: dict) -> object:
        """Send a message with a fresh id (unless it has one); returns the id."""
        if "id" not in message:
            self.ids += 1
            message = {"id": self.ids, **message}
        self.ws.send_text(orjson.dumps(message).decode())
        return message["id"]

    def ask(self, message: dict, until: str | None = None) -> dict:
        """Send and return the first answer frame (of type `until` if given) to it."""
        rid = self.send(message)
        while True:
            frame = self.recv()
            if frame["re"] == rid and (until is None or frame["type"] in (until, "error")):
                return frame


def np_list(a) -> np.ndarray:
    """A frame's nested list as float64 (null → nan)."""
    return np.array([[np.nan if v is None else v for v in row] for row in a], dtype=np.float64)
