"""Retakes the guided tour's screenshots (docs/tour.md, docs/page.md) from the running app with
the built-in models: one per section of the built-in tour at 1280×800 in English, the same
for a few sections in Chinese, and the panel on a phone, each after answering its question.

Run from the project root with the venv's Python (run as a module so `tests` imports):
    .venv/bin/python -m scripts.tour_screenshots      (needs Debian's /usr/bin/chromium)
"""

import json
import time
from pathlib import Path
from urllib.request import urlopen

from playwright.sync_api import expect, sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, running_server, wait_for_baselines

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHINESE = ("lm", "bptt-grad", "vanishing")
PHONE = (390, 844)


def first_steps(url: str) -> list[str]:
    """The first step of every section of the built-in tour that asks a question."""
    with urlopen(url + "/api/tours/tutorial") as response:
        tour = json.loads(response.read())
    seen, steps = set(), []
    for step in tour["steps"]:
        if step["question"] and step["section"]["en"] not in seen:
            seen.add(step["section"]["en"])
            steps.append(step["id"])
    return steps


def shoot(page, url: str, step: str, lang: str, out: str) -> None:
    page.goto(f"{url}/?lang={lang}&tour=tutorial&step={step}")
    box = page.locator(".tour-question")
    expect(box).to_have_attribute("data-state", "asking", timeout=60_000)
    page.locator(".tour-choice").first.click()
    expect(box).to_have_attribute("data-state", "revealed", timeout=60_000)
    time.sleep(1.5)  # the lab's chart or the moved stepper settle
    page.screenshot(path=str(OUT / out))


def main() -> None:
    with running_server() as (_, url):
        wait_for_baselines(url)
        steps = first_steps(url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            for step in steps:
                shoot(page, url, step, "en", f"tour-{step}-en.png")
            for step in CHINESE:
                shoot(page, url, step, "zh", f"tour-{step}-zh.png")
            phone = browser.new_page(viewport={"width": PHONE[0], "height": PHONE[1]})
            shoot(phone, url, "lm", "zh", "tour-lm-zh-phone.png")
            browser.close()


if __name__ == "__main__":
    main()
