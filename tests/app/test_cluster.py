"""Scale-out: two app processes behind nginx on loopback (scripts/run_cluster.py). New sessions
land on both; a session's resume and its HTTP API reach the process that holds it."""

import asyncio
import importlib.util
import json
from pathlib import Path
from urllib.request import urlopen

import orjson
import pytest
import websockets

from tests.app.wsutil import tiny_world

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "run_cluster.py"
spec = importlib.util.spec_from_file_location("run_cluster", SCRIPT)
run_cluster = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_cluster)

pytestmark = pytest.mark.skipif(
    run_cluster.nginx_binary() is None,
    reason="nginx is not installed (make test installs Debian's nginx-light where it can)",
)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    world = tiny_world(tmp_path_factory.mktemp("world"))
    env = {"UNROLLED_MODELS_DIR": str(world.models_dir), "UNROLLED_DATA_DIR": str(world.data_dir)}
    with run_cluster.cluster(nodes=2, env=env) as url:
        yield url


async def open_sessions(ws_url: str, count: int) -> list[tuple[str, int]]:
    """Open `count` sessions, configure each with its own hidden size; (token, hidden)."""
    opened = []
    for i in range(count):
        async with websockets.connect(ws_url) as ws:
            token = orjson.loads(await ws.recv())["session"]
            hidden = 3 + i
            await ws.send(json.dumps({"type": "configure", "id": 1, "hidden_size": hidden}))
            while orjson.loads(await ws.recv())["type"] != "configured":
                pass
            opened.append((token, hidden))
    return opened


async def resume(ws_url: str, token: str) -> dict:
    async with websockets.connect(f"{ws_url}?session={token}") as ws:
        return orjson.loads(await ws.recv())


def test_sessions_spread_over_both_processes_and_stick_to_theirs(proxy):
    ws_url = proxy.replace("http://", "ws://") + "/ws"
    opened = asyncio.run(open_sessions(ws_url, 6))
    nodes = {token.split(".")[0] for token, _ in opened}
    assert nodes == {"n1", "n2"}  # round robin put new sessions on both processes
    for token, hidden in opened:
        hello = asyncio.run(resume(ws_url, token))
        assert hello["resumed"] is True and hello["model"]["hidden_size"] == hidden
        with urlopen(f"{proxy}/api/sessions/{token}/model") as answer:
            assert answer.status == 200 and answer.headers["cache-control"] == "no-store"
    with urlopen(f"{proxy}/") as page:
        assert page.status == 200 and b"Unrolled" in page.read()
