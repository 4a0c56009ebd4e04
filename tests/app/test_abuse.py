"""Hostile clients: one that never reads, one that floods requests, hostile uploads and names,
tokens in logs, a token from before a restart. Each must leave the server bounded and the
other sessions served."""

import asyncio
import socket
import time

import orjson
import pytest
import websockets
from fastapi.testclient import TestClient

from app.routes.api import attachment
from app.sessions import BOOT_ID, Outbox
from tests.app.wsutil import Frames, make_app, serve, tiny_world

LONG = " ".join(["my phone is broken , i will buy a new phone ."] * 5)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


def server_pid(url: str) -> int:
    """The pid of the uvicorn serving `url` (the one listening on its port)."""
    port = url.rsplit(":", 1)[1]
    import subprocess

    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True)
    return int(out.stdout.split("pid=")[1].split(",")[0])


def test_an_outbox_over_its_byte_bound_drops_its_frames_and_says_so():
    outbox = Outbox(max_bytes=1000)
    for _ in range(9):
        outbox.put(b"x" * 100)
    assert not outbox.overflowed and outbox.bytes == 900
    outbox.put(b"x" * 200)
    assert outbox.overflowed and outbox.bytes == 0 and len(outbox) == 0


def test_a_client_that_never_reads_is_disconnected_and_the_server_stays_small(tmp_path):
    """Issue: 300 predict {full: true} from a client that never read grew the server by 320 MB."""
    world = tiny_world(tmp_path)

    async def flood(url: str) -> tuple[int, int | None]:
        async with websockets.connect(url, max_size=2**25, max_queue=1) as ws:
            await ws.recv()  # hello
            for i in range(300):
                message = {"type": "predict", "id": i, "text": LONG, "full": True}
                await ws.send(orjson.dumps(message).decode())
            await asyncio.sleep(3)
            after = rss_kib(pid)
            try:
                while True:  # drains what was sent before the close (slow on a loaded machine)
                    await asyncio.wait_for(ws.recv(), 30)
            except websockets.ConnectionClosed as closed:
                return after, closed.rcvd.code if closed.rcvd else None

    with serve(world, max_outbox_bytes="2000000", max_inbox="1000") as url:
        pid = server_pid(url)
        before = rss_kib(pid)
        after, code = asyncio.run(flood(url.replace("http://", "ws://") + "/ws"))
        assert code == 4008
        assert after - before < 100_000  # KiB: the bound is 2 MB of frames, not 300 answers


def test_requests_beyond_the_inbox_bound_are_refused_with_busy(tmp_path):
    world = tiny_world(tmp_path)
    app = make_app(world.model_copy(update={"max_inbox": 2}))
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        frames = Frames(ws)
        frames.recv()
        for i in range(40):
            frames.send({"id": i, "type": "gradcheck", "hidden": 16, "T": 12})
        answers = [frames.recv() for _ in range(40)]
        refused = [a for a in answers if a["type"] == "error" and a["code"] == "busy"]
        assert refused and "requests are already waiting" in refused[0]["message"]
        assert frames.ask({"type": "ping"}, until="pong")["type"] == "pong"


def test_a_download_name_cannot_break_the_header_and_is_never_cached(client, ws):
    for name in ('模型 "one"', "a\r\nSet-Cookie: x=1", 'x"; filename="evil.exe'):
        header = attachment(f"{name}.npz")
        assert "\r" not in header and "\n" not in header
        fallback = header.split('filename="')[1].split('"')[0]
        assert set(fallback) <= set(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
        )
        assert header.count("filename=") == 1 and header.count("filename*=") == 1
    answer = client.get(f"/api/sessions/{ws.token}/model")
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-disposition"].startswith('attachment; filename="en-lm.npz"')


def test_a_multipart_upload_without_content_length_is_cut_at_the_limit(tmp_path):
    """Issue: a chunked multipart upload was spooled to /tmp in full (1 GB) before the 413."""
    world = tiny_world(tmp_path)

    async def token_of(url: str) -> str:
        async with websockets.connect(url) as ws:
            return orjson.loads(await ws.recv())["session"]

    with serve(world, max_corpus_bytes="100000", idle_timeout_s="30") as url:
        token = asyncio.run(token_of(url.replace("http://", "ws://") + "/ws"))
        host, port = url.removeprefix("http://").split(":")
        sent, answer = 0, b""
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(
                f"POST /api/sessions/{token}/corpus HTTP/1.1\r\nHost: {host}\r\n"
                "Content-Type: multipart/form-data; boundary=B\r\n"
                "Transfer-Encoding: chunked\r\n\r\n".encode()
            )
            part = b'--B\r\nContent-Disposition: form-data; name="file"; filename="c.txt"\r\n\r\n'
            chunk = b"we like apples .\n" * 600
            sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            sock.setblocking(False)
            while sent < 50_000_000 and not answer:  # 50 MB if the server read it all
                try:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    time.sleep(0.01)
                try:
                    answer = sock.recv(4096)
                except BlockingIOError:
                    pass
        assert answer.startswith(b"HTTP/1.1 413") and b"too_large" in answer
        assert sent < 10_000_000  # stopped near the limit, not after the whole body


def test_tokens_never_reach_the_log(tmp_path):
    world = tiny_world(tmp_path)
    log = tmp_path / "server.log"

    async def visit(url: str) -> str:
        async with websockets.connect(url) as ws:
            token = orjson.loads(await ws.recv())["session"]
        async with websockets.connect(f"{url}?session={token}") as ws:
            await ws.recv()
        return token

    with log.open("w") as stderr, serve(world, log_level="info", stderr=stderr) as url:
        token = asyncio.run(visit(url.replace("http://", "ws://") + "/ws"))
        import urllib.request

        with urllib.request.urlopen(f"{url}/api/sessions/{token}/model") as answer:
            assert answer.status == 200
        time.sleep(0.3)
    text = log.read_text()
    assert "/api/sessions/…/model" in text and "session=…" in text
    assert token not in text and token.split(".")[1] not in text


@pytest.mark.parametrize(
    "token, says",
    [(f"{'x' * 8}.{'y' * 32}", "the server restarted"), (f"{BOOT_ID}.{'y' * 32}", "expired")],
)
def test_an_unknown_token_says_whether_the_server_restarted(client, token, says):
    with client.websocket_connect(f"/ws?session={token}") as raw:
        frames = Frames(raw)
        assert frames.recv()["resumed"] is False
        assert says in frames.recv()["message"]
    answer = client.get(f"/api/sessions/{token}/model")
    assert answer.status_code == 404 and says in answer.json()["detail"]["message"]


def test_a_model_upload_waits_its_turn_and_cannot_swap_the_model_of_a_run(client, ws, world):
    """Issue: an upload in flight when training started swapped the model mid-run; the run ended
    `internal` and the trained weights were lost."""
    model_file = (world.models_dir / "en-deep.npz").read_bytes()
    ws.send({"id": "run", "type": "train", "action": "start", "epochs": 1000})
    answer = client.post(f"/api/sessions/{ws.token}/model", files={"file": ("m.npz", model_file)})
    assert answer.status_code == 409 and answer.json()["detail"]["code"] == "training"
    ws.send({"id": "stop", "type": "train", "action": "stop"})
    frames = []
    while not frames or frames[-1]["re"] != "stop":
        frames.append(ws.recv())
    done = [f for f in frames if f["type"] in ("train_done", "error")]
    assert [f["type"] for f in done] == ["train_done"] and done[0]["reason"] == "stopped"
    assert done[0]["model"]["num_layers"] == 1  # still the run's own model
    assert frames[-1] == {**frames[-1], "type": "train_state", "state": "idle"}


def test_a_model_too_big_to_come_back_from_its_download_is_refused(tmp_path):
    """Issue: a legal maximal model (20,000 × 512 × 4 layers, bidirectional) was 358 MB, and its
    own download could not be uploaded back (64 MB)."""
    world = tiny_world(tmp_path)
    app = make_app(world.model_copy(update={"max_model_bytes": 100_000}))
    with TestClient(app) as client, client.websocket_connect("/ws") as raw:
        frames = Frames(raw)
        frames.recv()
        big = frames.ask({"type": "configure", "hidden_size": 200, "num_layers": 2})
        assert big["code"] == "limit" and "the limit is 100,000" in big["message"]
        small = frames.ask({"type": "configure", "hidden_size": 20})
        assert small["type"] == "configured"


def test_the_weights_of_all_sessions_stay_within_the_servers_budget(tmp_path):
    world = tiny_world(tmp_path)
    app = make_app(world.model_copy(update={"max_total_model_bytes": 250_000}))
    with TestClient(app) as client:
        with client.websocket_connect("/ws") as a, client.websocket_connect("/ws") as b:
            first, second = Frames(a), Frames(b)
            first.recv(), second.recv()
            answer = first.ask({"type": "configure", "hidden_size": 100})
            assert answer["type"] == "configured", answer
            refused = second.ask({"type": "configure", "hidden_size": 100})
            assert refused["code"] == "busy" and "budget of 250,000" in refused["message"]
            assert second.ask({"type": "configure", "hidden_size": 10})["type"] == "configured"
