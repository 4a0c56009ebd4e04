"""Hostile clients against a real server on loopback, with ordinary sessions beside them.

    .venv/bin/python bench/bench_abuse.py [--predicts 200] [--attackers 4] [--drops 100]

1. Other sessions' predict p50/p95/p99 alone, then while attackers loop on the costliest allowed
   requests (gradcheck at its limits, a bptt pass of a 64-token sentence, a 5 MB corpus upload);
   target: p95 < 100 ms.
2. The server's memory while a client that never reads floods full predicts (bounded by
   max_outbox_bytes, then disconnected).
3. Time until a new visitor gets a session after `--drops` connections started training and
   dropped (grace UNROLLED_IDLE_TIMEOUT_S set to 5 s here; target: about the grace).
4. Predict throughput through nginx with one and with two app processes (when nginx is here).

Prints the figures side by side; docs/performance.md keeps them.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys
import time
import urllib.request
from pathlib import Path

import orjson
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_server import (  # noqa: E402
    SENTENCE,
    ask,
    hello,
    percentile,
    predict_latencies,
    rss_mb,
)
from tests.conftest import running_server  # noqa: E402

spec = importlib.util.spec_from_file_location("run_cluster", ROOT / "scripts" / "run_cluster.py")
run_cluster = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_cluster)

LONG = " ".join(["my phone is broken , so i plan to buy a new phone ."] * 5)[:300]
CORPUS = ("my phone is broken , so i plan to buy a new phone .\n" * 100_000)[:4_900_000].encode()


async def attacker(url: str, http: str, stop: asyncio.Event, count: list[int]) -> None:
    costly = [
        {"type": "gradcheck", "hidden": 16, "T": 12, "layers": 3, "bidirectional": True},
        {"type": "bptt", "text": LONG, "mode": "step"},
        {"type": "vanishing", "T": 200, "hidden": 512},
    ]
    async with websockets.connect(url, max_size=2**26) as ws:
        token = (await hello(ws))["session"]
        i = 0
        while not stop.is_set():
            message = {**costly[i % len(costly)], "id": i}
            until = "bptt_start" if message["type"] == "bptt" else message["type"]
            try:
                await ask(ws, message, until)
            except RuntimeError:
                pass
            if i % 3 == 2:
                await asyncio.to_thread(upload, f"{http}/api/sessions/{token}/corpus")
            count[0] += 1
            i += 1


def upload(url: str) -> None:
    request = urllib.request.Request(url, data=CORPUS, method="POST")
    try:
        urllib.request.urlopen(request, timeout=60).read()
    except Exception:
        pass


async def under_attack(url: str, http: str, attackers: int, n: int) -> tuple[list[float], int]:
    stop, count = asyncio.Event(), [0]
    tasks = [asyncio.ensure_future(attacker(url, http, stop, count)) for _ in range(attackers)]
    await asyncio.sleep(2)
    times = await predict_latencies(url, n)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return times, count[0]


async def flood(url: str, pid: int) -> tuple[float, float, int | str | None]:
    """RSS before and at peak while a client sends 300 full predicts and reads nothing, then
    how its connection ended (the close code, or "silent" when nothing came for 10 s)."""
    before = rss_mb(pid)
    peak = before
    async with websockets.connect(url, max_size=2**26, max_queue=1) as ws:
        await hello(ws)
        for i in range(300):
            await ws.send(
                orjson.dumps({"type": "predict", "id": i, "text": LONG, "full": True}).decode()
            )
            peak = max(peak, rss_mb(pid))
        for _ in range(30):
            await asyncio.sleep(0.1)
            peak = max(peak, rss_mb(pid))
        code: int | str | None = None
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        except websockets.ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            code = ws.close_code if ws.close_code is not None else "silent"
    return before, peak, code


async def drops_then_visitor(url: str, drops: int) -> float:
    """Seconds until a new visitor gets a session after `drops` connections started training
    and dropped (the server full of them: max_sessions is 100)."""
    await asyncio.sleep(6)  # the earlier measurements' sessions pass their 5 s grace first
    for i in range(drops):
        async with websockets.connect(url) as ws:
            if (await hello(ws))["type"] != "hello":
                break  # the server is full already
            await ws.send(orjson.dumps({"type": "train", "id": i, "action": "start"}).decode())
    dropped = time.perf_counter()
    while True:
        async with websockets.connect(url) as ws:
            frame = await hello(ws)
            if frame["type"] == "hello":
                return time.perf_counter() - dropped
        await asyncio.sleep(0.5)


async def throughput(url: str, clients: int, seconds: float) -> float:
    done = [0]

    async def one() -> None:
        async with websockets.connect(url) as ws:
            await hello(ws)
            end, i = time.perf_counter() + seconds, 0
            while time.perf_counter() < end:
                await ask(ws, {"type": "predict", "id": i, "text": SENTENCE}, "predict")
                done[0] += 1
                i += 1

    await asyncio.gather(*(one() for _ in range(clients)))
    return done[0] / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predicts", type=int, default=200)
    parser.add_argument("--attackers", type=int, default=4)
    parser.add_argument("--drops", type=int, default=100)
    args = parser.parse_args()
    env = {
        "UNROLLED_IDLE_TIMEOUT_S": "5",
        "UNROLLED_REAP_EVERY_S": "1",
        "UNROLLED_MAX_INBOX": "1000",
        # the drops come from one address here; 100 attackers would come from many (a single
        # one is refused after max_sessions_per_client, 40)
        "UNROLLED_MAX_SESSIONS_PER_CLIENT": "1000",
    }
    with running_server(env) as (proc, http):
        ws = http.replace("http://", "ws://") + "/ws"
        alone = asyncio.run(predict_latencies(ws, args.predicts))
        attacked, sent = asyncio.run(under_attack(ws, http, args.attackers, args.predicts))
        print("predict round trip (ms)        p50     p95     p99")
        for name, times in (("alone", alone), (f"{args.attackers} attackers", attacked)):
            print(
                f"  {name:26s} {percentile(times, 50):6.1f}  {percentile(times, 95):6.1f}  "
                f"{percentile(times, 99):6.1f}"
            )
        print(f"  (the attackers got {sent} costly requests answered meanwhile)")
        before, peak, code = asyncio.run(flood(ws, proc.pid))
        print(
            f"outbox flood (300 full predicts, never read): server {before:.0f} MB -> peak "
            f"{peak:.0f} MB (+{peak - before:.0f}), connection closed with {code}"
        )
        wait = asyncio.run(drops_then_visitor(ws, args.drops))
        print(
            f"{args.drops} dropped training connections: a new visitor got a session after "
            f"{wait:.1f} s (grace 5 s)"
        )
    if run_cluster.nginx_binary() is None:
        print("nginx is not installed: no cluster figures")
        return
    rates = {}
    for nodes in (1, 2):
        with run_cluster.cluster(nodes=nodes) as url:
            rates[nodes] = asyncio.run(throughput(url.replace("http://", "ws://") + "/ws", 8, 10))
    print(
        f"predicts/s through nginx, 8 clients: 1 process {rates[1]:.0f}, 2 processes "
        f"{rates[2]:.0f} ({rates[2] / rates[1]:.2f}x)"
    )


if __name__ == "__main__":
    main()
