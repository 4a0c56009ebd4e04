"""How long the page takes to render one BPTT step, measured in headless Chromium.

    python bench/bench_page.py [--T 30] [--hidden 64]

Starts the real app (uvicorn on a free loopback port), opens the page in Debian's chromium,
loads a fresh model of hidden size H with the session's vocabulary
(POST /api/sessions/{token}/model), sends a sentence of T inputs (T−1 words after <s>) and steps
through the whole pass: T forward frames, T backward frames and the totals, then back to the
start. The page wraps the handling of every pass frame (all views' render plus a style/layout
flush) in performance.measure("step-render"); this script reads those entries.
Target (issue 5): every step under one animation frame, 16 ms.
"""

import argparse
import io
import json
import sys
from pathlib import Path
from urllib.request import Request, urlopen

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rnn_core import RNNLM  # noqa: E402
from rnn_core import io as model_io  # noqa: E402
from rnn_core.text import SPECIALS  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, running_server  # noqa: E402

FRAME_BUDGET_MS = 16.0


def load_model(url: str, token: str, hidden: int) -> list[str]:
    """Replace the session's model by a fresh one of this hidden size; return its vocabulary."""
    with urlopen(f"{url}/api/sessions/{token}/model", timeout=30) as response:
        vocab = model_io.load(io.BytesIO(response.read())).vocab
    model = RNNLM(len(vocab), hidden, seed=0)
    body = model_io.to_bytes(model, vocab=vocab, extra={"name": f"bench-h{hidden}"})
    request = Request(f"{url}/api/sessions/{token}/model", data=body, method="POST")
    request.add_header("Content-Type", "application/octet-stream")
    with urlopen(request, timeout=30) as response:
        json.load(response)
    return vocab


def step_to(page, key: str, pos: int) -> None:
    page.keyboard.press(key)
    page.wait_for_function("(p) => document.querySelector('#bptt').dataset.pos === p", arg=str(pos))


def measure(url: str, T: int, hidden: int) -> list[float]:
    """Durations (ms) of every step-render entry while stepping the pass there and back."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url + "/")
        page.wait_for_function("() => document.body.dataset.ready === '1'")
        vocab = load_model(url, page.locator("body").get_attribute("data-session"), hidden)
        page.wait_for_function("(h) => document.body.dataset.hidden === h", arg=str(hidden))
        words = [w for w in vocab if w not in SPECIALS and w.isalpha()][: T - 1]
        text = " ".join(words)
        box = page.get_by_role("textbox", name="Sentence")
        box.fill(text)
        box.press("Enter")
        page.wait_for_function(
            "(t) => document.querySelector('#bptt').dataset.text === t"
            " && document.querySelector('#bptt').dataset.pos === '0'",
            arg=text,
        )
        page.get_by_role("heading", name="Unrolled network").click()
        page.evaluate("() => performance.clearMeasures()")
        count = 2 * T + 1
        for pos in range(1, count):
            step_to(page, "ArrowRight", pos)
        for pos in range(count - 2, -1, -1):
            step_to(page, "ArrowLeft", pos)
        durations = {
            name: page.evaluate(
                "(n) => performance.getEntriesByName(n).map((e) => e.duration)", name
            )
            for name in ("step-render", "chart-render")
        }
        browser.close()
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--T", type=int, default=30, help="inputs of the pass (<s> + T−1 words)")
    parser.add_argument("--hidden", type=int, default=64, help="hidden size H")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    with running_server() as (_, url):
        durations = measure(url, args.T, args.hidden)
    print(f"page, T = {args.T}, H = {args.hidden}, stepping the whole pass there and back:")
    for name, label in (
        ("step-render", "step (all views but the chart)"),
        ("chart-render", "chart (next frame)"),
    ):
        values = np.array(durations[name])
        p50, p95 = np.percentile(values, [50, 95])
        line = f"p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  max {values.max():6.2f} ms"
        print(f"  {label:32} n={len(values):3}  {line}")
    p95 = np.percentile(durations["step-render"], 95)
    verdict = "within" if p95 <= FRAME_BUDGET_MS else "ABOVE"
    print(f"  step p95 is {verdict} one animation frame ({FRAME_BUDGET_MS:.0f} ms)")


if __name__ == "__main__":
    main()
