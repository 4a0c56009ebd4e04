"""Model files lab: download the session's model, load it back, upload a corpus with checks."""

from playwright.sync_api import expect

from rnn_core.io import load
from tests.e2e.test_lab_helpers import open_lab

CORPUS = "my phone is broken .\ni will buy a new phone .\nthe teacher is late .\n"


def test_the_downloaded_model_is_the_sessions_and_loads_back(watched_page, live_server, tmp_path):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Model files")
    expect(lab.locator(".current-model")).to_contain_text("en-lm")
    with page.expect_download() as info:
        lab.get_by_role("link", name="Download the current model (.npz)").click()
    path = tmp_path / "model.npz"
    info.value.save_as(path)
    checkpoint = load(path)
    words = int(lab.locator(".current-model").inner_text().split(", ")[-1].split()[0])
    assert len(checkpoint.vocab) == words
    lab.get_by_label("Load a model file (.npz)").set_input_files(path)
    expect(lab.locator(".lab-status").first).to_contain_text(f"{words} words")
    watch.assert_clean()


def test_a_corpus_that_is_not_utf8_is_refused_before_sending(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Model files")
    latin1 = {"name": "old.txt", "mimeType": "text/plain", "buffer": "café olé\n".encode("latin-1")}
    lab.get_by_label("Upload a corpus (.txt, UTF-8)").set_input_files(latin1)
    expect(lab.locator(".lab-status").last).to_have_text("The file is not UTF-8 text.")
    empty = {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""}
    lab.get_by_label("Upload a corpus (.txt, UTF-8)").set_input_files(empty)
    expect(lab.locator(".lab-status").last).to_have_text("The file is empty.")
    watch.assert_clean()


def test_an_uploaded_corpus_is_counted_by_the_server(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Model files")
    corpus = {"name": "mine.txt", "mimeType": "text/plain", "buffer": CORPUS.encode()}
    lab.get_by_label("Upload a corpus (.txt, UTF-8)").set_input_files(corpus)
    status = lab.locator(".lab-status").last
    expect(status).to_contain_text("3 sentences")
    assert "language en" in status.inner_text()
    watch.assert_clean()


def test_the_training_lab_trains_on_the_uploaded_corpus(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Model files")
    corpus = {"name": "mine.txt", "mimeType": "text/plain", "buffer": (CORPUS * 20).encode()}
    lab.get_by_label("Upload a corpus (.txt, UTF-8)").set_input_files(corpus)
    status = lab.locator(".lab-status").last
    expect(status).to_contain_text("60 sentences")
    vocab_size = int(status.inner_text().split("vocabulary ")[1].rstrip("."))
    page.get_by_role("tab", name="Training", exact=True).click()
    training = page.locator("#labs [role=tabpanel]:not([hidden])")
    training.get_by_label("Corpus").select_option(label="uploaded corpus")
    training.get_by_label("Epochs").fill("3")
    training.get_by_role("button", name="Start").click()
    expect(training.locator(".lab-status")).to_contain_text("Done (finished)", timeout=30_000)
    page.get_by_role("tab", name="Model files", exact=True).click()
    expect(lab.locator(".current-model")).to_contain_text(f"{vocab_size} words")
    watch.assert_clean()
