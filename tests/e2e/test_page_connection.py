"""A dropped connection comes back on its own (static/js/socket.js): the page and the labs'
scratch session reconnect with their session's token, so the server resumes the same sessions,
and what is asked while the connection is down is answered once it is back."""

from playwright.sync_api import expect

from tests.e2e.test_lab_helpers import SOCKET_SPY, open_lab
from tests.e2e.test_page_predictions import open_ready, send_sentence

KEEP_SOCKETS = SOCKET_SPY  # every socket the page opens, in window.__sockets
DROP_ALL = "window.__sockets.filter((s) => s.readyState === 1).forEach((s) => s.close())"
OPEN_URLS = "window.__sockets.filter((s) => s.readyState === 1).map((s) => s.url)"


def test_the_page_resumes_its_session_after_a_drop_and_answers_what_was_typed_meanwhile(
    watched_page, live_server
):
    page, watch = watched_page
    page.add_init_script(KEEP_SOCKETS)
    open_ready(page, live_server)
    body = page.locator("body")
    token = body.get_attribute("data-session")
    send_sentence(page, "i was late for school yesterday")

    page.evaluate(DROP_ALL)
    expect(page.locator("#status")).to_have_attribute("data-connection", "lost")
    expect(body).to_have_attribute("data-ready", "0")
    # typed while the connection is down: read once the session is back
    box = page.get_by_role("textbox", name="Sentence")
    box.fill("my phone is broken , so i plan to buy a new")
    box.press("Enter")

    expect(body).to_have_attribute("data-ready", "1", timeout=10_000)
    expect(page.locator("#status")).to_have_attribute("data-connection", "open")
    assert body.get_attribute("data-session") == token  # the same session, resumed
    assert any(f"session={token}" in url for url in page.evaluate(OPEN_URLS))
    expect(page.locator("#predictions")).to_have_attribute(
        "data-text", "my phone is broken , so i plan to buy a new"
    )
    watch.assert_clean()


def test_a_lab_on_the_scratch_session_works_again_after_both_sockets_drop(
    watched_page, live_server
):
    page, watch = watched_page
    page.add_init_script(KEEP_SOCKETS)
    sentence = "my phone is broken , i will buy a new phone"
    lab = open_lab(page, live_server, "Deep", sentence)
    nodes = lab.get_by_role("img", name="Deep BPTT").locator("circle.node")
    expect(nodes.first).to_be_visible()
    assert len(page.evaluate(OPEN_URLS)) == 2  # the page's session and the labs' scratch one

    page.evaluate(DROP_ALL)
    expect(page.locator("body")).to_have_attribute("data-ready", "1", timeout=10_000)
    # a function, not an expression: Playwright polls an expression with eval, which the page's
    # CSP (script-src 'self') forbids, so the wait failed whenever its first check was false
    page.wait_for_function(
        "() => window.__sockets.filter((s) => s.readyState === 1).length === 2", timeout=10_000
    )
    reconnected = page.evaluate(OPEN_URLS)
    assert all("session=" in url for url in reconnected)  # both resumed by their tokens

    lab.get_by_label("Stacked layers").select_option("3")
    expect(lab.locator(".layer-label")).to_have_count(3)
    watch.assert_clean()
