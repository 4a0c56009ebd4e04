"""Several clients at once against a real uvicorn on loopback: every request answered, seq
without gaps on every connection, one client's training not blocking the others."""

import asyncio

import orjson
import pytest
import websockets

from tests.app.wsutil import serve, tiny_world


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(tiny_world(tmp_path_factory.mktemp("world"))) as url:
        yield url.replace("http://", "ws://") + "/ws"


REQUESTS = [
    {"type": "predict", "text": "my phone is broken , i will buy"},
    {"type": "softmax", "z": [1, 2, 3, 4], "label": 3},
    {"type": "bptt", "text": "we like apples .", "mode": "stream", "speed": 100},
    {"type": "predict", "text": "我 昨天 上学 迟到 了", "top_k": 3},
    {"type": "bptt", "text": "i eat rice every day .", "mode": "step"},
    {"type": "step", "dir": "forward"},
    {"type": "step", "dir": "backward"},
    {"type": "predict", "text": "the weather is", "full": True},
    {"type": "vocab"},
    {"type": "ping"},
]


async def client(url: str, name: int, train: bool) -> dict:
    """Send every request (and train if asked); return frames by request id and the seqs."""
    async with websockets.connect(url, max_size=2**24) as ws:
        hello = orjson.loads(await ws.recv())
        seqs, answers, done = [hello["seq"]], {}, not train
        ids = []
        if train:
            ids.append(f"{name}-train")
            await ws.send(
                orjson.dumps(
                    {
                        "type": "train",
                        "id": ids[-1],
                        "action": "start",
                        "epochs": 30,
                        "batch_size": 1,
                    }
                ).decode()
            )
        for i, request in enumerate(REQUESTS * 2):
            ids.append(f"{name}-{i}")
            await ws.send(orjson.dumps({"id": ids[-1], **request}).decode())
        while len(answers) < len(ids) or not done:
            frame = orjson.loads(await asyncio.wait_for(ws.recv(), 30))
            seqs.append(frame["seq"])
            answers.setdefault(frame["re"], []).append(frame["type"])
            if frame["type"] == "train_done":
                done = True
        return {"seqs": seqs, "answers": answers, "ids": ids}


def test_many_clients_get_every_answer_in_gapless_order(server):
    async def run():
        return await asyncio.gather(*(client(server, n, train=n < 2) for n in range(6)))

    results = asyncio.run(run())
    for result in results:
        assert result["seqs"] == list(range(len(result["seqs"])))
        for rid in result["ids"]:
            assert rid in result["answers"], f"no answer to {rid}"
            assert "error" not in result["answers"][rid], result["answers"][rid]
    trained = results[0]["answers"]["0-train"]
    assert trained[0] == "train_state" and trained[-1] == "train_done"


async def long_training(url: str, started: asyncio.Event, stop: asyncio.Event) -> str:
    """Train (far longer than the test) until told to stop; the run's end reason."""
    async with websockets.connect(url) as ws:
        await ws.recv()
        start = {"type": "train", "id": "t", "action": "start", "epochs": 1000, "batch_size": 1}
        await ws.send(orjson.dumps(start).decode())
        started.set()
        await stop.wait()
        await ws.send(orjson.dumps({"type": "train", "id": "s", "action": "stop"}).decode())
        while (frame := orjson.loads(await ws.recv()))["type"] != "train_done":
            pass
        return frame["reason"]


def test_training_sessions_do_not_hold_up_another_sessions_predict(server):
    async def run():
        stop = asyncio.Event()
        started = [asyncio.Event() for _ in range(3)]
        trainers = [asyncio.create_task(long_training(server, s, stop)) for s in started]
        await asyncio.gather(*(s.wait() for s in started))
        await asyncio.sleep(0.3)
        answered = []
        async with websockets.connect(server) as ws:
            await ws.recv()
            for i in range(20):
                predict = {"type": "predict", "id": i, "text": "we like"}
                await ws.send(orjson.dumps(predict).decode())
                # a generous bound that only catches a hang; latency is measured in bench/
                answered.append(orjson.loads(await asyncio.wait_for(ws.recv(), 30))["type"])
        stop.set()
        return answered, await asyncio.gather(*trainers)

    answered, reasons = asyncio.run(run())
    assert answered == ["predict"] * 20  # every predict answered while three sessions trained
    assert reasons == ["stopped"] * 3  # and they were still training (1000 epochs) until stopped
