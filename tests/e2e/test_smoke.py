"""The page loads cleanly in a real browser and never reaches beyond this machine."""

from rnn_core.text import detect_language


def test_page_loads_without_console_errors_or_external_requests(watched_page, live_server):
    page, watch = watched_page
    page.goto(live_server + "/")
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Unrolled")
    assert page.get_by_role("textbox", name="Sentence").is_visible()
    watch.assert_clean()


def test_language_switch_toggles_between_chinese_and_english(watched_page, live_server):
    page, watch = watched_page
    page.goto(live_server + "/")
    page.get_by_role("button", name="中文").click()
    assert page.get_by_role("button", name="English").is_visible()
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("button", name="中文").is_visible()
    watch.assert_clean()


def test_api_docs_render_offline(watched_page, live_server):
    page, watch = watched_page
    page.goto(live_server + "/docs")
    page.get_by_text("/api/models").first.wait_for(timeout=15000)
    watch.assert_clean()


CONTRACT_NAMES = [
    ("textbox", "Sentence"),
    ("region", "Next-word predictions"),
    ("img", "Unrolled network"),
    ("region", "BPTT"),
    ("button", "Step backward"),
    ("button", "Step forward"),
    ("button", "Play"),
    ("button", "Pause"),
    ("button", "中文"),
]


def test_each_contract_name_finds_exactly_one_element_on_the_opened_page(watched_page, live_server):
    page, watch = watched_page
    page.goto(live_server + "/")
    page.wait_for_selector("body[data-ready='1']", state="attached")
    page.get_by_role("img", name="Unrolled network").wait_for()  # drawn with the first prediction
    counts = {name: page.get_by_role(role, name=name).count() for role, name in CONTRACT_NAMES}
    assert counts == {name: 1 for _, name in CONTRACT_NAMES}
    watch.assert_clean()


def test_the_page_tells_chinese_from_english_by_the_engines_rule(watched_page, live_server):
    page, watch = watched_page
    page.goto(live_server + "/")
    texts = ["my phone", "我的手机", "㐀", "\U00020000 x", "ｱｲｳ", "한국어", "café", "豈", ""]
    shown = page.evaluate(
        "async (texts) => { const u = await import('/static/js/util.js');"
        " return texts.map((t) => u.languageOf(t)); }",
        texts,
    )
    assert shown == [detect_language(t) for t in texts]
    watch.assert_clean()
