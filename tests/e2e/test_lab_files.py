"""Model files lab: download the session's model, load it back, upload a corpus with checks."""

import re

from playwright.sync_api import expect

from app.settings import Settings
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


def test_a_file_that_is_no_model_is_refused_with_a_clear_message(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Model files")
    picker = lab.get_by_label("Load a model file (.npz)")
    binary = {"name": "photo.npz", "mimeType": "image/png", "buffer": bytes(range(256)) * 4}
    picker.set_input_files(binary)
    expect(lab.locator(".lab-status").first).to_have_text(re.compile("^This is not a model file"))
    picker.set_input_files({"name": "empty.npz", "mimeType": "application/zip", "buffer": b""})
    expect(lab.locator(".lab-status").first).to_have_text("The file is empty.")
    expect(lab.locator(".current-model")).to_contain_text("en-lm")
    watch.assert_clean()


def test_a_corpus_larger_than_the_limit_is_refused_before_sending(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Model files")
    size = Settings().max_corpus_bytes + 1  # the live server reads the same environment
    big = {"name": "big.txt", "mimeType": "text/plain", "buffer": b"a" * size}
    lab.get_by_label("Upload a corpus (.txt, UTF-8)").set_input_files(big)
    expect(lab.locator(".lab-status").last).to_have_text(
        re.compile(r"^The file is larger than the server accepts \(\d+ bytes\)\.$")
    )
    watch.assert_clean()


def test_in_chinese_the_files_lab_names_the_origin_and_its_buttons(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Model files")
    page.get_by_role("button", name="中文").click()
    expect(lab.locator(".current-model")).to_contain_text("（内置）")
    expect(lab.locator(".file-pick")).to_have_text(["选择 .npz 文件…", "选择 .txt 文件…"])
    watch.assert_clean()
