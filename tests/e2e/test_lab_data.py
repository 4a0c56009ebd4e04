"""Language-model data view: the tutorial's input/label pairs and one-hot vectors."""

from pathlib import Path

from playwright.sync_api import expect

from rnn_core.io import load
from tests.e2e.test_lab_helpers import open_lab

MODEL = Path(__file__).resolve().parents[2] / "models" / "en-lm.npz"
SENTENCE = "i was late for school yesterday , the teacher criticised"


def test_the_sentence_becomes_input_label_pairs_with_s_and_e(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "LM data", SENTENCE)
    words = SENTENCE.split()
    cells = lab.locator(".pairs button.word")
    expect(cells).to_have_count(2 * (len(words) + 1))
    shown = [cell.get_attribute("data-word") for cell in cells.all()]
    assert shown == ["<s>", *words] + [*words, "</s>"]
    assert [c.inner_text().split("\n")[0] for c in cells.all()][:2] == ["s", "i"]
    assert cells.last.inner_text().split("\n")[0] == "e"
    watch.assert_clean()


def test_a_words_one_hot_vector_has_its_1_at_the_vocabulary_index(watched_page, live_server):
    page, watch = watched_page
    vocab = load(MODEL).vocab
    lab = open_lab(page, live_server, "LM data", SENTENCE)
    lab.locator(".pairs button.word[data-word='teacher']").first.click()
    title = lab.locator(".onehot-title")
    expect(title).to_contain_text("teacher")
    assert int(title.get_attribute("data-index")) == vocab.index("teacher")
    assert int(title.get_attribute("data-size")) == len(vocab)
    hot = lab.locator(".onehot-strip .bit.hot")
    expect(hot).to_have_count(1)
    assert hot.inner_text().split("\n") == ["1", str(vocab.index("teacher"))]
    lab.locator(".pairs button.word[data-word='<s>']").click()
    assert int(title.get_attribute("data-index")) == vocab.index("<s>")
    watch.assert_clean()
