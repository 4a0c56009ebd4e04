"""The end of a training run (its perplexity evaluation) is training work: it runs on the training
workers, so a big model finishing never holds up another session's predict. A real uvicorn with
a single request worker, where any engine work on that worker would delay the predict."""

import asyncio
import subprocess
import time
from urllib.request import Request, urlopen

import numpy as np
import orjson
import pytest
import websockets

from tests.app.wsutil import tiny_world
from tests.conftest import start_server

WORDS = [f"w{i}" for i in range(40)]
LINES, LENGTH = 2000, 30  # the evaluation scores up to 2000 training sentences


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    world = tiny_world(tmp_path_factory.mktemp("world"))
    env = {
        "UNROLLED_MODELS_DIR": str(world.models_dir),
        "UNROLLED_DATA_DIR": str(world.data_dir),
        "UNROLLED_WORKERS": "1",
    }
    proc, url = start_server(env)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def corpus() -> bytes:
    rng = np.random.default_rng(0)
    lines = [" ".join(rng.choice(WORDS, LENGTH)) + " ." for _ in range(LINES)]
    return "\n".join(lines).encode()


async def ask(ws, message: dict, until: str) -> dict:
    await ws.send(orjson.dumps(message).decode())
    return await answer(ws, message["id"], until)


async def answer(ws, re: int, until: str) -> dict:
    while True:
        frame = orjson.loads(await asyncio.wait_for(ws.recv(), 60))
        if frame["re"] == re and frame["type"] in (until, "error"):
            return frame


async def finish_big_run_while_predicting(url: str) -> tuple[dict, list[float]]:
    """Session A trains a big model for one slice; B predicts until A's train_done."""
    ws_url = url.replace("http://", "ws://") + "/ws"
    async with websockets.connect(ws_url) as a, websockets.connect(ws_url) as b:
        token = orjson.loads(await a.recv())["session"]
        await b.recv()
        big = {"hidden_size": 128, "num_layers": 4, "bidirectional": True}
        await ask(a, {"type": "configure", "id": 1, **big}, "configured")
        upload = Request(f"{url}/api/sessions/{token}/corpus", data=corpus(), method="POST")
        with urlopen(upload) as response:
            assert response.status == 200
        start = {"type": "train", "id": 2, "action": "start", "corpus": "uploaded"}
        await ask(a, {**start, "max_seconds": 0.01}, "train_state")
        done = asyncio.ensure_future(answer(a, 2, "train_done"))
        latencies = []
        while not done.done():
            begin = time.perf_counter()
            await ask(b, {"type": "predict", "id": len(latencies), "text": "we like"}, "predict")
            latencies.append(time.perf_counter() - begin)
            await asyncio.sleep(0.02)
        return await done, latencies


def test_a_big_model_finishing_training_does_not_hold_up_another_predict(server):
    done, latencies = asyncio.run(finish_big_run_while_predicting(server))
    assert done["type"] == "train_done" and done["reason"] == "time_limit"
    assert len(latencies) >= 5  # the evaluation took a while: B asked all along
    assert max(latencies) < 0.25, f"a predict waited {max(latencies):.2f} s"
