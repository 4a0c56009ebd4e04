"""The page reads a typed sentence: next-word predictions at every position (English and Chinese),
one network column per input word, and the same top words the engine computes for that model."""

import io
import json
import re
from urllib.request import urlopen

import numpy as np
from playwright.sync_api import expect

from rnn_core import io as model_io
from rnn_core.text import Vocab, tokenize, training_pair_ids


def open_ready(page, url: str) -> None:
    """Load the page and wait until the server's hello arrived (the page may send from then on)."""
    page.goto(url + "/")
    expect(page.locator("body")).to_have_attribute("data-ready", "1")


def send_sentence(page, text: str) -> None:
    """Type a sentence, press Enter and wait for the predictions that answer it."""
    box = page.get_by_role("textbox", name="Sentence")
    box.fill(text)
    box.press("Enter")
    expect(page.locator("#predictions")).to_have_attribute("data-text", text)


def session_checkpoint(page, url: str) -> model_io.Checkpoint:
    """The model of the page's session, downloaded with the token the hello gave the page."""
    token = page.locator("body").get_attribute("data-session")
    with urlopen(f"{url}/api/sessions/{token}/model", timeout=10) as response:
        return model_io.load(io.BytesIO(response.read()))


def read_column(page) -> list[str]:
    return page.locator("#predictions .pred-row .read").all_inner_texts()


def test_english_sentence_shows_the_engines_top_word_at_every_position(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    text = "i was late for school yesterday"
    send_sentence(page, text)

    tokens = tokenize(text)
    assert read_column(page) == ["<s>", *tokens]
    checkpoint = session_checkpoint(page, live_server)
    vocab = Vocab.from_list(checkpoint.vocab)
    x, _ = training_pair_ids(tokens, vocab)
    probs, _ = checkpoint.model.forward(x)  # (T+1, V)
    rows = page.locator("#predictions .pred-row")
    for t in range(len(x)):
        first = rows.nth(t).locator(".guess").first
        best = int(np.argmax(probs[t]))
        assert first.locator(".word").inner_text() == vocab.word(best)
        shown = float(first.locator(".p").inner_text().rstrip("%"))
        assert abs(shown - 100 * probs[t, best]) <= 0.5 + 1e-9
    watch.assert_clean()


def test_network_has_one_column_per_input_word(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    text = "my phone is broken zzyzx"
    send_sentence(page, text)
    network = page.get_by_role("img", name="Unrolled network")
    columns = len(tokenize(text)) + 1  # the start word s, then every token
    expect(network).to_have_attribute("data-columns", str(columns))
    expect(network.locator("g.column")).to_have_count(columns)
    assert network.locator("g.x-box .word").all_text_contents() == ["<s>", *tokenize(text)]
    # a word outside the vocabulary is marked: the model reads it as <unk>
    assert network.locator("g.x-box.unknown .word").all_text_contents() == ["zzyzx"]
    watch.assert_clean()


def builtin_languages(url: str) -> set[str]:
    with urlopen(f"{url}/api/models", timeout=10) as response:
        return {m["language"] for m in json.load(response) if m["kind"] == "lm"}


def test_chinese_sentence_is_segmented_and_predicted(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    text = "我昨天上学迟到了"
    send_sentence(page, text)
    language = page.locator("#predictions").get_attribute("data-language")
    if "zh" in builtin_languages(live_server):
        assert language == "zh"  # a Chinese sentence goes to the Chinese model
    tokens = tokenize(text, language)
    assert len(tokens) >= 4
    assert read_column(page) == ["<s>", *tokens]
    expect(page.locator("#predictions .pred-row .guess").first).to_contain_text("%")
    page.get_by_role("button", name="中文").click()
    region = page.get_by_role("region", name="Next-word predictions")
    expect(region.get_by_role("heading")).to_have_text("下一个词预测")
    expect(page.get_by_role("img", name="Unrolled network")).to_have_attribute(
        "data-columns", str(len(tokens) + 1)
    )
    watch.assert_clean()


def test_choosing_a_position_compares_the_rnn_with_the_ngrams(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    send_sentence(page, "the teacher was late for school")
    page.locator("#predictions .pred-row").nth(3).click()
    expect(page.locator("#predictions .pred-row").nth(3)).to_have_attribute("aria-pressed", "true")
    charts = page.locator("#predictions figure.bars")
    expect(charts).to_have_count(3)
    assert charts.locator("figcaption").all_inner_texts() == ["RNN", "2-gram", "3-gram"]
    # at t = 3 the RNN sees 3 words back, the 2-gram 1 and the 3-gram 2
    backs = page.locator("#predictions .context-grid .back").all_inner_texts()
    assert [int("".join(c for c in b if c.isdigit())) for b in backs] == [3, 1, 2]
    watch.assert_clean()


def test_the_three_charts_share_one_scale_a_full_bar_is_certainty(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    text = "the teacher was late for school"
    send_sentence(page, text)
    checkpoint = session_checkpoint(page, live_server)
    vocab = Vocab.from_list(checkpoint.vocab)
    x, _ = training_pair_ids(tokenize(text), vocab)
    probs, _ = checkpoint.model.forward(x)  # (T+1, V)
    page.locator("#predictions .pred-row").nth(3).click()
    rnn = page.locator("#predictions figure.bars").first.locator("li")
    expect(rnn).to_have_count(10)
    for i in range(10):
        word = rnn.nth(i).locator(".word").inner_text()
        width = rnn.nth(i).locator(".bar").evaluate("b => parseFloat(b.style.width)")
        assert abs(width - 100 * probs[3, vocab.index(word)]) < 1e-3
    for chart in page.locator("#predictions figure.bars").all():  # the 2-gram's and 3-gram's too
        top = chart.locator("li").first
        shown = float(top.locator(".p").inner_text().rstrip("%"))
        assert abs(top.locator(".bar").evaluate("b => parseFloat(b.style.width)") - shown) <= 0.5
    watch.assert_clean()


def test_hovering_a_hidden_unit_shows_its_exact_value(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    text = "the teacher was late"
    send_sentence(page, text)
    checkpoint = session_checkpoint(page, live_server)
    x, _ = training_pair_ids(tokenize(text), Vocab.from_list(checkpoint.vocab))
    _, states = checkpoint.model.forward(x)  # chain -> (T+1, H)
    network = page.get_by_role("img", name="Unrolled network")
    network.locator("g.column").nth(2).locator("g.block rect[data-tip]").nth(5).hover()
    tooltip = page.locator("#network .tooltip")
    expect(tooltip).to_be_visible()
    name, value = tooltip.inner_text().split(" = ")
    assert name == "s₃[6]"  # 1-based, as the table
    assert float(value) == states["1"][2, 5]
    watch.assert_clean()


def test_a_short_pause_in_typing_sends_the_sentence_without_enter(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    text = "my phone is broken"
    box = page.get_by_role("textbox", name="Sentence")
    box.fill("")
    box.press_sequentially(text, delay=20)
    expect(page.locator("#predictions")).to_have_attribute("data-text", text)
    assert read_column(page) == ["<s>", *tokenize(text)]
    watch.assert_clean()


def test_the_list_shows_whole_rows_none_half_hidden_under_its_header(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    send_sentence(page, "i was late for school yesterday , the teacher criticised me")
    cut = page.locator("#predictions .pred-list").evaluate(
        """list => {
            const view = list.getBoundingClientRect();
            const top = list.querySelector('.pred-head').getBoundingClientRect().bottom;
            return [...list.querySelectorAll('.pred-row')].filter(row => {
                const r = row.getBoundingClientRect();
                const inside = r.top >= top - 1 && r.bottom <= view.bottom + 1;
                const outside = r.bottom <= top + 1 || r.top >= view.bottom - 1;
                return !inside && !outside;
            }).length;
        }"""
    )
    assert cut == 0
    chosen = page.locator("#predictions .pred-row[aria-pressed=true]")
    expect(chosen).to_be_in_viewport()
    watch.assert_clean()


def test_the_rows_are_one_tab_stop_and_arrow_keys_choose_a_row(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    send_sentence(page, "my phone is broken , so i will buy a new")
    rows = page.locator("#predictions .pred-row")
    assert page.locator("#predictions .pred-row[tabindex='0']").count() == 1
    last = rows.count() - 1
    chosen = page.locator("#predictions .pred-row[aria-pressed=true]")
    chosen.focus()
    expect(chosen).to_have_attribute("data-t", str(last))  # the last position is chosen first
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(chosen).to_have_attribute("data-t", str(last - 2))
    focused = page.evaluate("document.activeElement.dataset.t")
    assert focused == str(last - 2)  # the focus follows the chosen row
    page.keyboard.press("Home")
    expect(chosen).to_have_attribute("data-t", "0")
    page.keyboard.press("Tab")  # one Tab leaves the list, not the next row
    assert page.evaluate("document.activeElement.closest('.pred-list') === null")
    watch.assert_clean()


def test_a_character_model_reads_one_column_per_character_with_the_engines_numbers(
    watched_page, live_server
):
    page, watch = watched_page
    open_ready(page, live_server)
    page.get_by_role("tab", name="Training", exact=True).click()
    lab = page.locator("#labs [role=tabpanel]:not([hidden])")
    lab.get_by_label("Token").select_option(label="character")
    lab.get_by_label("Hidden size").fill("8")
    lab.get_by_role("button", name="New model with these settings").click()
    expect(lab.locator(".lab-status")).to_contain_text("New untrained model of characters")
    expect(page.locator("#status")).to_contain_text("characters, hidden size 8")
    text = "my phone is broken"
    send_sentence(page, text)
    chars = tokenize(text, unit="char")
    assert chars[2] == "␣" and len(chars) == len(text)
    assert read_column(page) == ["<s>", *chars]
    expect(page.locator("#network svg.net")).to_have_attribute("data-columns", str(len(chars) + 1))
    expect(page.locator("#network")).to_contain_text("One column per input character")
    expect(page.locator("#predictions")).to_contain_text("sees 18 characters back")
    checkpoint = session_checkpoint(page, live_server)
    assert checkpoint.extra["unit"] == "char"
    vocab = Vocab.from_list(checkpoint.vocab)
    x, _ = training_pair_ids(chars, vocab)
    probs, _ = checkpoint.model.forward(x)  # (T+1, V)
    rows = page.locator("#predictions .pred-row")
    for t in range(len(x)):
        first = rows.nth(t).locator(".guess").first
        best = int(np.argmax(probs[t]))
        assert first.locator(".word").inner_text() == vocab.word(best)
        shown = float(first.locator(".p").inner_text().rstrip("%"))
        assert abs(shown - 100 * probs[t, best]) <= 0.5 + 1e-9
    watch.assert_clean()


def test_a_corpus_uploaded_as_characters_trains_a_character_model(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    page.get_by_role("tab", name="Model files", exact=True).click()
    lab = page.locator("#labs [role=tabpanel]:not([hidden])")
    page.get_by_role("button", name="中文").click()
    lab.get_by_label("单位").select_option(label="字符")
    corpus = "我的手机坏了，我打算买一部新手机。\n今天天气很冷，我们不去公园了。\n" * 10
    buffer = {"name": "zh.txt", "mimeType": "text/plain", "buffer": corpus.encode()}
    lab.locator("input[type=file][accept^='.txt']").set_input_files(buffer)
    status = lab.locator(".lab-status").last
    expect(status).to_contain_text("20 句")
    characters = sum(len(line) for line in corpus.splitlines())
    assert f"{characters} 个字符" in status.inner_text()
    page.get_by_role("tab", name="训练").click()
    training = page.locator("#labs [role=tabpanel]:not([hidden])")
    training.get_by_label("语料").select_option(label="上传的语料")
    training.get_by_label("轮数").fill("2")
    training.get_by_label("速度").select_option("fast")
    training.get_by_role("button", name="开始").click()
    expect(training.locator(".lab-status")).to_contain_text("完成", timeout=60_000)
    expect(page.locator("#status")).to_contain_text("个字符")
    send_sentence(page, "我的手机")
    assert read_column(page) == ["<s>", "我", "的", "手", "机"]
    watch.assert_clean()


def test_the_hide_unk_toggle_leaves_unk_out_and_keeps_the_pass(watched_page, live_server, tmp_path):
    """A model of the learner's (loaded in the Model files lab) that has learnt <unk>, as a
    model trained on real text with rare words does: the toggle leaves it out of the lists."""
    from rnn_core import RNNLM

    words = ["<pad>", "<unk>", "<s>", "</s>", "<blank>", "my", "phone", "is", "broken", "."]
    model = RNNLM(len(words), 4, seed=1)
    model.params["c"][1] = 4.0  # o_t[<unk>] high everywhere
    path = tmp_path / "unk.npz"
    model_io.save(path, model, vocab=words, extra={"language": "en"})
    page, watch = watched_page
    open_ready(page, live_server)
    page.locator("#lab-tab-files").click()
    page.get_by_label("Load a model file (.npz)").set_input_files(path)
    expect(page.locator("body")).to_have_attribute("data-model", re.compile(r"unk|uploaded"))
    send_sentence(page, "my phone is broken .")
    bars = page.locator("#predictions figure.bars")
    expect(bars.first).to_contain_text("<unk>")
    forward = page.get_by_role("region", name="BPTT").get_by_role("button", name="Step forward")
    forward.click()
    expect(page.locator("#bptt")).to_have_attribute("data-pos", "1")
    page.get_by_label("Hide <unk> (it names no word) from the top words").check()
    expect(bars.first).not_to_contain_text("<unk>")
    expect(bars.nth(1)).not_to_contain_text("<unk>")
    expect(bars.nth(2)).not_to_contain_text("<unk>")
    expect(page.locator("#bptt")).to_have_attribute("data-pos", "1")  # the held pass stays
    page.get_by_label("Hide <unk> (it names no word) from the top words").uncheck()
    expect(bars.first).to_contain_text("<unk>")
    watch.assert_clean()
