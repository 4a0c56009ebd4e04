"""Retakes the screenshots docs/page.md and docs/labs.md show, from the running app with the
built-in models: the views of the page (predictions, the network forward and backward, the
formula panel, gradient flow, the gradient cards) and every lab at 1280 wide.

Run from the project root with the venv's Python (run as a module so `tests` imports):
    .venv/bin/python -m scripts.docs_screenshots      (needs Debian's /usr/bin/chromium)
    .venv/bin/python -m scripts.docs_screenshots gated   (the LSTM and GRU views only)

The screenshots of the whole page at four sizes come from tests/e2e/test_page_classroom.py, the
README's from scripts/readme_screenshot.py.
"""

import json
import sys
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from websockets.sync.client import connect

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, running_server

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SENTENCE = "i was late for school yesterday , and the teacher criticised me ."
LABS = {
    "data": "lab-data.png",
    "softmax": "lab-softmax.png",
    "loss": "lab-loss.png",
    "vanishing": "lab-vanishing.png",
    "truncated": "lab-truncated.png",
    "gradcheck": "lab-gradcheck.png",
    "bidirectional": "lab-bidirectional.png",
    "deep": "lab-deep.png",
    "files": "lab-files.png",
    "training": "lab-training.png",
    "remedies": "lab-remedies.png",
}
CHINESE_LABS = {
    "softmax": "lab-softmax-zh.png",
    "vanishing": "lab-vanishing-zh.png",
    "remedies": "lab-remedies-zh.png",
    "bidirectional": "lab-bidirectional-zh.png",
}


def step_to(page, pos: int) -> None:
    """Step the page's pass to position `pos` with the stepper's button."""
    forward = page.get_by_role("region", name="BPTT").get_by_role("button", name="Step forward")
    while int(page.locator("#bptt").get_attribute("data-pos")) < pos:
        forward.click()
        time.sleep(0.05)


def views(page, url: str) -> None:
    page.goto(f"{url}/?lang=en&s={SENTENCE}")
    expect(page.locator("#bptt")).to_have_attribute("data-pos", "0")
    page.locator("#predictions .pred-row").nth(11).click()  # "criticised" → ?
    time.sleep(0.5)
    page.locator("#predictions").screenshot(path=str(OUT / "predictions.png"))
    step_to(page, 6)
    page.locator("#network").screenshot(path=str(OUT / "network-forward.png"))
    page.locator("#bptt").screenshot(path=str(OUT / "bptt-formula-forward.png"))
    step_to(page, 14 + 5)  # 14 forward frames, then k = 14 .. 9
    time.sleep(1)  # the chart draws in the next animation frame
    page.locator("#network").screenshot(path=str(OUT / "network-backward.png"))
    page.locator("#bptt").screenshot(path=str(OUT / "bptt-formula-backward.png"))
    page.locator("#gradflow").screenshot(path=str(OUT / "gradient-flow.png"))
    page.locator("#gradsum").screenshot(path=str(OUT / "gradient-cards.png"))
    page.locator("#bptt input.position").evaluate(
        "(s) => { s.value = s.max; s.dispatchEvent(new Event('change')); }"
    )
    expect(page.locator("#bptt .phase")).to_contain_text("Totals")
    time.sleep(1)
    page.locator("#bptt").screenshot(path=str(OUT / "bptt-formula-totals.png"))


def _configure(url: str, token: str, model: str) -> None:
    """Give the page's session a built-in model over a second connection: it takes the
    session over, and the page, reconnecting with its token, takes it back with that model."""
    ws_url = url.replace("http://", "ws://") + f"/ws?session={token}"
    with connect(ws_url, origin=url) as ws:
        ws.recv()  # hello
        ws.send(json.dumps({"type": "configure", "id": 1, "model": model}))
        while json.loads(ws.recv()).get("re") != 1:
            pass


MODEL_VIEWS = (
    ("en-deep", "my phone is broken , so i will buy a new", "network-deep.png"),
    ("en-blank", "my phone is broken , so i will ____ a new phone", "network-bidirectional.png"),
)


def model_views(page, url: str) -> None:
    """The network of the deep and of the bidirectional built-in model."""
    for model, text, out in MODEL_VIEWS:
        page.goto(f"{url}/?lang=en")
        expect(page.locator("body")).to_have_attribute("data-ready", "1")
        _configure(url, page.locator("body").get_attribute("data-session"), model)
        expect(page.locator("body")).to_have_attribute("data-model", model, timeout=20_000)
        box = page.get_by_role("textbox", name="Sentence")
        box.fill(text)
        box.press("Enter")
        expect(page.locator("#bptt")).to_have_attribute("data-text", text)
        step_to(page, 3)
        page.locator("#network").screenshot(path=str(OUT / out))


GATED_VIEWS = (  # model, language, sentence, the files: network, stepper, gradient flow
    ("en-lstm", "en", "i was late for school yesterday , and the teacher criticised", "lstm"),
    ("zh-gru", "zh", "我 昨天 上学 迟到 了 ， 老师 批评 了", "gru-zh"),
)


def gated_views(page, url: str) -> None:
    """A trained LSTM and GRU (models/remedies/) as the page's model: the network with its gates
    and cell path, and a backward step of the stepper with the gated equations."""
    for model, lang, text, suffix in GATED_VIEWS:
        page.goto(f"{url}/?lang={lang}&lab=remedies")
        expect(page.locator("body")).to_have_attribute("data-ready", "1")
        page.locator(f".remedy-use[data-model='{model}']").click(timeout=60_000)  # as a learner
        expect(page.locator("body")).to_have_attribute("data-model", model, timeout=20_000)
        box = page.locator("#sentence")
        box.fill(text)
        box.press("Enter")
        expect(page.locator("#bptt")).to_have_attribute("data-text", text)
        T = len(text.split()) + 1
        step_to(page, T + 3)  # k = T − 3 going backward
        time.sleep(1)
        page.locator("#network").screenshot(path=str(OUT / f"network-{suffix}.png"))
        page.locator("#bptt").screenshot(path=str(OUT / f"bptt-formula-{suffix}.png"))
        page.locator("#bptt input.position").evaluate(
            "(s) => { s.value = s.max; s.dispatchEvent(new Event('change')); }"
        )
        time.sleep(1.5)
        page.locator("#gradflow").screenshot(path=str(OUT / f"gradient-flow-{suffix}.png"))


def lab(page, url: str, name: str, lang: str, out: str) -> None:
    page.goto(f"{url}/?lang={lang}&s={SENTENCE}&lab={name}")
    panel = page.locator(f"#lab-{name}")
    expect(panel).to_be_visible()
    time.sleep(3)  # the lab's first answer and its chart
    panel.screenshot(path=str(OUT / out))


def main() -> None:
    only_gated = sys.argv[1:] == ["gated"]  # `… docs_screenshots gated`: the gated views only
    with running_server() as (_, url):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            gated_views(page, url)
            if only_gated:
                browser.close()
                return
            views(page, url)
            model_views(page, url)
            for name, out in LABS.items():
                lab(page, url, name, "en", out)
            for name, out in CHINESE_LABS.items():
                lab(page, url, name, "zh", out)
            browser.close()


if __name__ == "__main__":
    main()
