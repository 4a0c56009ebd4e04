"""Retakes docs/screenshots/readme-hero.png: the tutorial's sentence, BPTT at k = 9, t = 12 chosen.

Run from the project root with the venv's Python (run as a module so `tests` imports):
    .venv/bin/python -m scripts.readme_screenshot      (needs Debian's /usr/bin/chromium)
"""

import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, running_server

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "readme-hero.png"
SENTENCE = "i was late for school yesterday , and the teacher criticised me ."


def main() -> None:
    with running_server() as (_, url):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(url + "/")
            page.wait_for_selector("body[data-ready='1']", state="attached")
            box = page.get_by_role("textbox", name="Sentence")
            box.fill(SENTENCE)
            box.press("Enter")
            page.wait_for_selector("#predictions .pred-row", state="attached")
            bptt = page.get_by_role("region", name="BPTT")
            forward = bptt.get_by_role("button", name="Step forward")
            for _ in range(19):  # from t = 1: the rest of the 14 forward frames, then k = 14 .. 9
                forward.click()
            page.locator("#predictions .pred-row").nth(11).click()  # t = 12: "criticised" → ?
            time.sleep(1)  # the gradient-flow chart draws in the next animation frame
            page.screenshot(path=str(OUT))
            browser.close()


if __name__ == "__main__":
    main()
