"""Fixtures shared by the whole suite: a real server on loopback and a headless Chromium page."""

import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

import pytest

from scripts.run_cluster import free_port, uvicorn_command, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def start_server(
    env: dict[str, str] | None = None, log_level: str = "warning", stderr=None
) -> tuple[subprocess.Popen, str]:
    """Start uvicorn with the real app in a subprocess; return it and its base URL once healthy."""
    port = free_port()
    proc = subprocess.Popen(
        uvicorn_command(port, log_level),
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=stderr,
        stderr=stderr,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, [proc], seconds=30)
    except RuntimeError:
        proc.kill()
        raise
    return proc, url


@contextmanager
def running_server(
    env: dict[str, str] | None = None, **options
) -> Iterator[tuple[subprocess.Popen, str]]:
    """start_server(env, **options) for a `with` block; the server is stopped when it ends."""
    proc, url = start_server(env, **options)
    try:
        yield proc, url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for_baselines(url: str, seconds: float = 120) -> None:
    """Wait until the server has fitted the n-grams of every built-in model (/healthz), so no
    browser test's first sentence in a language waits for its language's tokenized corpus."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with urlopen(url + "/healthz", timeout=5) as response:
            if json.loads(response.read())["baselines"] == "ready":
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not fit its baselines in {seconds} s")


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """Base URL of the real app served by uvicorn on a free loopback port, baselines fitted.

    Every browser test's tabs come from 127.0.0.1 and a closed tab's session lives on for the
    reconnect grace (idle_timeout_s), so a suite opening tabs quickly would pass a classroom's
    per-address limit: this server allows more (the limit's own tests run servers of their own).
    """
    limits = {"UNROLLED_MAX_SESSIONS": "2000", "UNROLLED_MAX_SESSIONS_PER_CLIENT": "2000"}
    with running_server(limits) as (_, url):
        wait_for_baselines(url)
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip(
            "end-to-end test skipped: /usr/bin/chromium is not installed "
            "(make test installs it with apt-get where it can)"
        )
    from playwright.sync_api import expect, sync_playwright

    # A shared CI machine can be slow to answer a first frame while baselines or models load;
    # a waited-for state is still required, only not within Playwright's default 5 s.
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class PageWatch:
    """What a page did that a test may want to forbid: console errors and off-machine requests."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.external_requests: list[str] = []

    def assert_clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.page_errors == [], self.page_errors
        assert self.external_requests == [], self.external_requests


@pytest.fixture
def watched_page(browser, live_server):
    """A fresh 1280x720 page (its own context) and a PageWatch recording errors and requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    watch = PageWatch()
    page.on("console", lambda m: m.type == "error" and watch.console_errors.append(m.text))
    page.on("pageerror", lambda e: watch.page_errors.append(str(e)))

    def on_request(request) -> None:
        url = request.url
        local = url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:"))
        if not local:
            watch.external_requests.append(url)

    page.on("request", on_request)
    yield page, watch
    context.close()
