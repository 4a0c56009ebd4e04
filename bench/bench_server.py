"""Server benchmark: start-up time (process start to /healthz, built-in models loaded), predict
round-trip latency (p50/p95) alone and with 20 sessions training, and the server's memory with
50 sessions. Starts the real app under uvicorn on loopback.

    .venv/bin/python bench/bench_server.py [--predicts 200] [--trainers 20] [--sessions 50]

Targets (issue 4): p95 < 20 ms alone, < 100 ms with 20 training; 50 sessions < 1 GB.
Target (issue 6): the built-in models load at start-up in well under a second.
Results go to docs/performance.md (server section) by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import orjson
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import running_server  # noqa: E402

SENTENCE = "my phone is broken , so i plan to buy a new"


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def hello(ws) -> dict:
    return orjson.loads(await ws.recv())


async def ask(ws, message: dict, until: str) -> dict:
    """Send and wait for the answer frame of type `until` to it."""
    await ws.send(orjson.dumps(message).decode())
    while True:
        frame = orjson.loads(await ws.recv())
        if frame["re"] == message["id"] and frame["type"] in (until, "error"):
            if frame["type"] == "error":
                raise RuntimeError(frame["message"])
            return frame


async def predict_latencies(url: str, n: int) -> list[float]:
    """Round-trip times (ms) of n predicts, one after the other, on one connection."""
    async with websockets.connect(url, max_size=2**24) as ws:
        await hello(ws)
        await ask(ws, {"type": "predict", "id": "warm", "text": SENTENCE}, "predict")
        times = []
        for i in range(n):
            start = time.perf_counter()
            await ask(ws, {"type": "predict", "id": i, "text": SENTENCE}, "predict")
            times.append((time.perf_counter() - start) * 1000)
        return times


async def trainer(url: str, ready: asyncio.Event, stop: asyncio.Event, steps: list) -> None:
    """A session that trains on the built-in corpus until stopped, reading its frames."""
    async with websockets.connect(url, max_size=2**24) as ws:
        await hello(ws)
        await ask(
            ws, {"type": "train", "id": "t", "action": "start", "epochs": 1000}, "train_state"
        )
        ready.set()
        last = 0
        while not stop.is_set():
            try:
                frame = orjson.loads(await asyncio.wait_for(ws.recv(), 0.5))
            except TimeoutError:
                continue
            if frame["type"] == "progress":
                last = frame["step"]
        steps.append(last)
        await ask(ws, {"type": "train", "id": "s", "action": "stop"}, "train_state")


async def under_training(url: str, trainers: int, n: int) -> tuple[list[float], list[int]]:
    stop, steps = asyncio.Event(), []
    readies = [asyncio.Event() for _ in range(trainers)]
    tasks = [asyncio.create_task(trainer(url, r, stop, steps)) for r in readies]
    await asyncio.gather(*(r.wait() for r in readies))
    await asyncio.sleep(1.0)
    times = await predict_latencies(url, n)
    stop.set()
    await asyncio.gather(*tasks)
    return times, steps


async def sessions(url: str, count: int, pid: int) -> tuple[float, float]:
    """RSS before and with `count` sessions open, each with its own trained copy of the model."""
    async with websockets.connect(url, max_size=2**24) as ws:  # the first predict loads jieba
        await hello(ws)
        await ask(ws, {"type": "predict", "id": "zh", "text": "我的手机坏了"}, "predict")
    before = rss_mb(pid)
    sockets = []
    for i in range(count):
        ws = await websockets.connect(url, max_size=2**24)
        await hello(ws)
        step = {"type": "train", "id": i, "action": "step", "text": SENTENCE}
        await ask(ws, step, "train_step")
        await ask(ws, {"type": "predict", "id": f"p{i}", "text": SENTENCE}, "predict")
        sockets.append(ws)
    after = rss_mb(pid)
    for ws in sockets:
        await ws.close()
    return before, after


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predicts", type=int, default=200)
    parser.add_argument("--trainers", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=50)
    args = parser.parse_args()
    began = time.perf_counter()
    with running_server() as (proc, http):
        startup = time.perf_counter() - began
        url = http.replace("http://", "ws://") + "/ws"
        before, after = asyncio.run(sessions(url, args.sessions, proc.pid))
        alone = asyncio.run(predict_latencies(url, args.predicts))
        busy, steps = asyncio.run(under_training(url, args.trainers, args.predicts))
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(f"start-up: {startup * 1000:.0f} ms from process start to /healthz (models loaded)")
    print("| measurement | p50 ms | p95 ms |")
    print("|---|---|---|")
    print(f"| predict, 1 client | {percentile(alone, 50):.1f} | {percentile(alone, 95):.1f} |")
    print(
        f"| predict, {args.trainers} sessions training | {percentile(busy, 50):.1f} | "
        f"{percentile(busy, 95):.1f} |"
    )
    print(f"training steps per session while measured: min {min(steps)}, max {max(steps)}")
    print(f"memory (RSS): {before:.0f} MB at start, {after:.0f} MB with {args.sessions} sessions")


if __name__ == "__main__":
    main()
