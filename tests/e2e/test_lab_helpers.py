"""Shared steps of the labs' browser tests (no tests here): open a lab, ask the server directly."""

import json

from websockets.sync.client import connect


def open_lab(page, base_url: str, tab: str, sentence: str | None = None):
    """Load the page, wait for the session, type `sentence` in the page's sentence box (when
    given), click the lab's tab; return the visible lab panel."""
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-ready='1']", state="attached")
    if sentence is not None:
        box = page.get_by_role("textbox", name="Sentence")
        box.fill(sentence)
        box.press("Enter")
        page.wait_for_selector("#predictions .pred-row", state="attached")
    page.get_by_role("tab", name=tab, exact=True).click()
    return page.locator("#labs [role=tabpanel]:not([hidden])")


def ask(base_url: str, *messages: dict) -> list[dict]:
    """Send messages on a fresh session of the live server; the answer to each, in order.

    A streamed answer (bptt, a training start) is the list of its frames up to the last one.
    """
    answers = []
    with connect(base_url.replace("http://", "ws://") + "/ws", max_size=None) as ws:
        assert json.loads(ws.recv())["type"] == "hello"
        for i, message in enumerate(messages):
            ws.send(json.dumps({**message, "id": i + 1}))
            frames = []
            while True:
                frame = json.loads(ws.recv())
                if frame.get("re") != i + 1:
                    continue
                frames.append(frame)
                end = last_frame(message)
                if frame["type"] == "error" or end is None or frame["type"] == end:
                    break
            answers.append(frames if len(frames) > 1 else frames[0])
    return answers


def last_frame(message: dict) -> str | None:
    """The frame type that ends a streamed answer, or None when one frame answers."""
    if message["type"] == "bptt" and message.get("mode") == "stream":
        return "bptt_totals"
    if message["type"] == "train" and message["action"] == "start":
        return "train_done"
    return None


# An init script: every WebSocket the page opens (its own, then the labs' scratch one) in
# window.__sockets, every frame they receive in window.__frames.
SOCKET_SPY = """
window.__frames = [];
window.__sockets = [];
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
  constructor(...args) {
    super(...args);
    window.__sockets.push(this);
    this.addEventListener("message", (event) => window.__frames.push(JSON.parse(event.data)));
  }
};
"""
