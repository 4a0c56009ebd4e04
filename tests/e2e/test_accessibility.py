"""axe-core (npm, pinned in package-lock.json) on the page and on every lab, English and Chinese,
at a laptop and a phone size: no serious or critical violation."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.tour import LABS as TOUR_LABS

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LABS = list(TOUR_LABS)  # every lab of the page (test_tour checks the list against the template)
SENTENCES = {"en": "my phone is broken , so i will buy a new", "zh": "我的手机坏了，我打算买一部新"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run npm ci (make test does)")
    return AXE.read_text(encoding="utf-8")


def violations(page, axe_source: str) -> list[str]:
    """Serious and critical axe violations of the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    found = page.evaluate(
        """async () => {
          const result = await axe.run(document, {
            runOnly: {
              type: "tag",
              values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
            },
          });
          return result.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => {
              const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ");
              return `${v.id} (${v.impact}): ${where}`;
            });
        }"""
    )
    return found


def every_view(test):
    """English and Chinese, at a laptop's and a phone's size."""
    sizes = pytest.mark.parametrize("size", [(1280, 720), (390, 844)], ids=["laptop", "phone"])
    return pytest.mark.parametrize("lang", ["en", "zh"])(sizes(test))


@contextmanager
def sized_page(browser, size) -> Iterator:
    """A page of its own context at `size`; bypass_csp: the page allows only its own scripts,
    axe is injected by the test."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, bypass_csp=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def assert_none(found: dict[str, list[str]]) -> None:
    bad = {k: v for k, v in found.items() if v}
    assert bad == {}, "\n".join(f"{k}: {v}" for k, v in bad.items())


@every_view
def test_the_page_and_every_lab_have_no_serious_violation(
    browser, live_server, axe_source, lang, size
):
    with sized_page(browser, size) as page:
        page.goto(f"{live_server}/?lang={lang}&s={SENTENCES[lang]}")
        page.wait_for_selector("#predictions .pred-row", state="attached")
        page.wait_for_selector("#network svg", state="attached")
        found = {"page": violations(page, axe_source)}
        for lab in LABS:
            page.locator(f"#lab-tab-{lab}").click()
            page.wait_for_selector(f"#lab-{lab}:not([hidden])")
            page.wait_for_timeout(300)  # a lab's first answer
            found[lab] = violations(page, axe_source)
        assert_none(found)


@every_view
def test_the_tour_panel_asking_and_revealed_has_no_serious_violation(
    browser, live_server, axe_source, lang, size
):
    with sized_page(browser, size) as page:
        page.goto(f"{live_server}/?lang={lang}&tour=tutorial&step=lm")
        page.wait_for_selector(".tour-question[data-state=asking]")
        found = {"asking": violations(page, axe_source)}
        page.locator(".tour-choice").first.click()
        page.wait_for_selector(".tour-question[data-state=revealed]")
        found["revealed"] = violations(page, axe_source)
        page.select_option(".tour-jump", str(page.locator(".tour-jump option").count() - 1))
        page.wait_for_selector(".tour-table")
        found["summary"] = violations(page, axe_source)
        assert_none(found)


@every_view
def test_a_gated_model_on_the_page_has_no_serious_violation(
    browser, live_server, axe_source, lang, size
):
    """The LSTM's network (gates, cell path) and the stepper's gated equations, going backward."""
    with sized_page(browser, size) as page:
        page.goto(f"{live_server}/?lang={lang}&lab=remedies")
        page.locator(f".remedy-use[data-model='{lang}-lstm']").click(timeout=60_000)
        page.wait_for_selector(f"body[data-model='{lang}-lstm']")
        box = page.locator("#sentence")
        box.fill(SENTENCES[lang])
        box.press("Enter")
        page.wait_for_selector("svg.net.gated")
        page.locator("#bptt input.position").evaluate(
            "(s) => { s.value = Math.floor(s.max / 2) + 2; s.dispatchEvent(new Event('change')); }"
        )
        page.wait_for_selector("#formula .formula-line")
        page.locator("#network details.net-table summary").click()
        page.wait_for_selector("#network table.net-values")
        assert_none({"gated": violations(page, axe_source)})
