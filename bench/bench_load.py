"""Bytes a browser downloads to open the page, and the time to its first prediction.

    python bench/bench_load.py

Starts the real app on loopback and opens the page in Debian's headless Chromium three times
in one browser context: a first visit (empty cache), the moment Plotly.js arrives (the page
loads it when it first draws a chart: here, one step into the backward pass), and a repeat
visit (the cache warm). Counts the encoded bytes of every response (headers and body, as sent
on the wire) and the time from navigation to the first prediction row on screen.
Targets (issue 12): first load ≤ 1.5 MB, repeat load ≤ 50 kB.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, running_server  # noqa: E402


def visit(page, url: str, backward: bool) -> tuple[int, int, float]:
    """(bytes until the first prediction, bytes of everything, seconds to the first prediction)."""
    sizes: list[int] = []

    def count(response) -> None:
        try:
            sizes.append(response.request.sizes()["responseBodySize"] + len(str(response.headers)))
        except Exception:
            pass

    page.on("response", count)
    start = time.perf_counter()
    page.goto(url + "/")
    page.wait_for_selector("#predictions .pred-row")
    first_prediction = time.perf_counter() - start
    page.wait_for_load_state("networkidle")
    until_prediction = sum(sizes)
    if backward:
        slider = page.locator("#bptt [data-action=position]")
        page.locator("#bptt [data-action=position]:not([disabled])").wait_for()
        middle = int(slider.get_attribute("max")) // 2 + 1  # the first backward step
        slider.evaluate(
            "(el, to) => { el.value = to; el.dispatchEvent(new Event('input')); }", middle
        )
        page.locator("#gradflow .js-plotly-plot").wait_for(timeout=30000)
        page.wait_for_load_state("networkidle")
    page.remove_listener("response", count)
    return until_prediction, sum(sizes), first_prediction


def main() -> None:
    if not CHROMIUM.exists():
        print("bench_load: /usr/bin/chromium is not installed; skipped")
        return
    from playwright.sync_api import sync_playwright

    with running_server() as (_, url), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        page_bytes, with_plotly, seconds = visit(page, url, backward=True)
        repeat_bytes, repeat_all, repeat_seconds = visit(page, url, backward=True)
        browser.close()
    print("                               first visit    repeat visit")
    print(
        f"bytes until the first prediction {page_bytes / 1e3:9.0f} kB  {repeat_bytes / 1e3:9.1f} kB"
    )
    print(
        f"bytes with Plotly (first chart)  {with_plotly / 1e3:9.0f} kB  {repeat_all / 1e3:9.1f} kB"
    )
    print(
        f"time to the first prediction     {seconds * 1e3:9.0f} ms  {repeat_seconds * 1e3:9.0f} ms"
    )
    print("targets: first load ≤ 1500 kB, repeat load ≤ 50 kB")


if __name__ == "__main__":
    main()
