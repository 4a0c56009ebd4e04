"""python -m rnn_core: every subcommand on tiny corpora, and every bad input → one line, exit 2."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import rnn_core
from rnn_core import cli
from rnn_core.ngram import NGramLM
from rnn_core.text import BOS, PAD_ID, SPACE, Vocab, tokenize, training_pair_ids

ROOT = Path(__file__).resolve().parents[2]

EN_LINES = [
    "I was late for school, and the teacher criticised me.",
    "Tom was late for school, and the teacher criticised him.",
    "Anna was late for class, and the teacher criticised her.",
    "My phone is broken, so I plan to buy a new phone.",
    "My bike is broken, so I plan to buy a new bike.",
    "We were late for class, and the teacher criticised us.",
    "My watch is broken, so I plan to buy a new watch.",
    "It is raining, so take your umbrella.",
    "It is snowing, so wear your boots.",
    "I was late for class, and the teacher criticised me.",
]
# a small, exact run: every epoch trained (no early stop) and every word of the corpus kept
FAST = ["--hidden", "12", "--epochs", "40", "--lr", "0.01", "--batch-size", "4"]
FAST += ["--patience", "0", "--min-count", "1"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """main(argv) in this process: (exit code, stdout, stderr)."""
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def corpus(tmp_path) -> Path:
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(EN_LINES) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def trained(tmp_path, corpus, capsys) -> Path:
    out = tmp_path / "model.npz"
    code, _, err = run(capsys, "train", corpus, "--out", out, *FAST)
    assert code == 0, err
    return out


def test_train_saves_a_model_and_reports_it_beside_the_n_grams(tmp_path, corpus, capsys):
    out = tmp_path / "m.npz"
    code, stdout, _ = run(capsys, "train", corpus, "--out", out, *FAST, "--json")
    assert code == 0
    result = json.loads(stdout)
    assert result["sentences"] == {"train": 9, "valid": 1}  # every 10th line held out
    assert set(result["perplexity"]) == {"RNN", "2-gram", "3-gram", "RNN + 3-gram"}
    ck = rnn_core.load(out)
    assert ck.extra["language"] == "en" and ck.extra["kind"] == "lm"
    assert ck.extra["corpus"] == str(corpus.resolve())
    assert ck.model.config.hidden_size == 12
    assert ck.optimizer.steps == 40 * 3  # 9 sentences in batches of 4: 3 updates per epoch
    vocab = Vocab.from_list(ck.vocab)
    train = [tokenize(line) for i, line in enumerate(EN_LINES) if i != 9]
    pairs = [training_pair_ids(s, vocab) for s in train]
    rnn = rnn_core.evaluate(ck.model, pairs, pad_id=PAD_ID).perplexity
    assert result["perplexity"]["RNN"]["train"] == pytest.approx(rnn, abs=1e-4)
    assert rnn < len(vocab) / 4  # it learned: far below a uniform guess
    trigram = NGramLM(len(vocab), 3).fit([vocab.encode(s) for s in train])
    expected = trigram.perplexity([vocab.encode(tokenize(EN_LINES[9]))])
    assert result["perplexity"]["3-gram"]["valid"] == pytest.approx(expected, abs=1e-4)


def test_train_prints_a_table_for_people(tmp_path, corpus, capsys):
    code, stdout, _ = run(capsys, "train", corpus, "--out", tmp_path / "m.npz", *FAST)
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].startswith(f"trained {tmp_path / 'm.npz'} (en, lm): 9 sentences, 1 held out")
    assert [line.split("  ")[0] for line in lines[-4:]] == [
        "RNN",
        "2-gram",
        "3-gram",
        "RNN + 3-gram",
    ]


def test_train_with_the_same_seed_gives_the_same_weights(tmp_path, corpus, capsys):
    for name in ("a.npz", "b.npz"):
        assert run(capsys, "train", corpus, "--out", tmp_path / name, *FAST, "--seed", "7")[0] == 0
    a, b = rnn_core.load(tmp_path / "a.npz").model, rnn_core.load(tmp_path / "b.npz").model
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


def test_train_bidirectional_and_deep_models_have_their_kind(tmp_path, corpus, capsys):
    blank, deep = tmp_path / "blank.npz", tmp_path / "deep.npz"
    assert run(capsys, "train", corpus, "--out", blank, *FAST, "--bidirectional")[0] == 0
    assert run(capsys, "train", corpus, "--out", deep, *FAST, "--layers", "2")[0] == 0
    ck = rnn_core.load(blank)
    assert ck.extra["kind"] == "blank" and ck.model.config.bidirectional
    assert rnn_core.load(deep).extra["kind"] == "deep"
    code, stdout, _ = run(
        capsys, "predict", blank, "My bike is broken, so I plan to ____ a new bike."
    )
    assert code == 0
    assert stdout.startswith("blank <blank> → ")


def test_a_blank_model_can_start_from_pretrained_chains(tmp_path, corpus, capsys):
    blank = tmp_path / "blank.npz"
    argv = ("train", corpus, "--out", blank, *FAST, "--bidirectional", "--pretrain-epochs", "2")
    assert run(capsys, *argv)[0] == 0
    assert rnn_core.load(blank).extra["recipe"]["pretrain_epochs"] == 2
    code, _, stderr = run(
        capsys, "train", corpus, "--out", tmp_path / "lm.npz", *FAST, "--pretrain-epochs", "2"
    )
    assert code != 0 and "bidirectional" in stderr
    assert not (tmp_path / "lm.npz").exists()


def test_train_reads_chinese_and_detects_the_language(tmp_path, capsys):
    path = tmp_path / "zh.txt"
    path.write_text(
        "我昨天上学迟到了，老师批评了我。\n我的手机坏了，我打算买一部新手机。\n", "utf-8"
    )
    code, stdout, _ = run(capsys, "train", path, "--out", tmp_path / "zh.npz", *FAST, "--json")
    assert code == 0
    assert json.loads(stdout)["language"] == "zh"
    assert "手机" in rnn_core.load(tmp_path / "zh.npz").vocab


def test_eval_reports_the_rnn_beside_2_gram_and_3_gram(trained, corpus, capsys):
    code, stdout, _ = run(capsys, "eval", trained, corpus, "--json")
    assert code == 0
    result = json.loads(stdout)
    ck = rnn_core.load(trained)
    vocab = Vocab.from_list(ck.vocab)
    sentences = [tokenize(line) for line in EN_LINES]
    pairs = [training_pair_ids(s, vocab) for s in sentences]
    rnn = rnn_core.evaluate(ck.model, pairs, pad_id=PAD_ID).perplexity
    bigram = NGramLM(len(vocab), 2).fit([vocab.encode(s) for s in sentences[:9]])
    assert result["sentences"] == 10 and result["unknown_words"] == 0
    assert result["perplexity"]["RNN"] == pytest.approx(rnn, abs=1e-4)
    expected = bigram.perplexity([vocab.encode(s) for s in sentences])
    assert result["perplexity"]["2-gram"] == pytest.approx(expected, abs=1e-4)
    assert "3-gram" in result["perplexity"]


def test_eval_without_the_training_corpus_has_no_baselines(trained, corpus, capsys):
    other = corpus.with_name("held.txt")
    other.write_text("Tom was late for class.\n", encoding="utf-8")
    corpus.unlink()
    code, stdout, _ = run(capsys, "eval", trained, other)
    assert code == 0
    assert "no n-gram baselines" in stdout
    code, stdout, _ = run(capsys, "eval", trained, other, "--train", other, "--json")
    assert set(json.loads(stdout)["perplexity"]) == {"RNN", "2-gram", "3-gram", "RNN + 3-gram"}


def test_predict_gives_top_k_next_words_at_every_position(trained, capsys):
    code, stdout, _ = run(
        capsys, "predict", trained, "My phone is zorbly", "--top-k", "3", "--json"
    )
    assert code == 0
    result = json.loads(stdout)
    rows = result["predictions"]
    assert [r["read"] for r in rows] == ["<s>", "my", "phone", "is", "zorbly"]
    assert [r["known"] for r in rows] == [True, True, True, True, False]
    ck = rnn_core.load(trained)
    vocab = Vocab.from_list(ck.vocab)
    probs, _ = ck.model.forward(vocab.encode([BOS, "my", "phone", "is", "zorbly"]))  # (5, N)
    for t, row in enumerate(rows):
        best = np.argsort(-probs[t])[:3]
        assert [w["word"] for w in row["top"]] == [vocab.word(i) for i in best]
        assert row["top"][0]["p"] == pytest.approx(probs[t, best[0]], abs=1e-4)
    assert rows[2]["top"][0]["word"] == "is"  # "my phone" is always followed by "is" here


def test_generate_is_reproducible_and_top_k_1_is_greedy(trained, capsys):
    first = run(capsys, "generate", trained, "--prompt", "My", "--seed", "3", "--json")[1]
    again = run(capsys, "generate", trained, "--prompt", "My", "--seed", "3", "--json")[1]
    assert first == again
    code, stdout, _ = run(capsys, "generate", trained, "--prompt", "My", "--top-k", "1", "--json")
    assert code == 0
    generated = json.loads(stdout)["generated"]
    ck = rnn_core.load(trained)
    vocab = Vocab.from_list(ck.vocab)
    ids = vocab.encode([BOS, "my"]).tolist()
    for word in generated:
        probs, _ = ck.model.forward(np.array(ids))  # (T, N)
        assert vocab.word(int(np.argmax(probs[-1]))) == word
        ids.append(vocab.index(word))


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_train_a_gated_cell_then_use_it_like_any_model(tmp_path, corpus, capsys, cell):
    out = tmp_path / f"{cell}.npz"
    code, stdout, err = run(capsys, "train", corpus, "--out", out, *FAST, "--cell", cell, "--json")
    assert code == 0, err
    ck = rnn_core.load(out)
    assert ck.model.config.cell == cell and ck.model.config.activation == "tanh"
    assert json.loads(stdout)["perplexity"]["RNN"]["valid"] > 1
    assert run(capsys, "predict", out, "my phone is broken")[0] == 0
    assert run(capsys, "generate", out, "--seed", "1")[0] == 0
    code, _, err = run(
        capsys, "train", corpus, "--out", tmp_path / "x.npz", "--cell", cell, "--activation", "relu"
    )
    assert code == 2 and "tanh inside" in err


def _bad_inputs(tmp_path: Path, corpus: Path) -> dict[str, tuple[list, str]]:
    """name -> (argv, a phrase the one-line error must contain)."""
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"abc\x00\x01\x02")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café au lait\n".encode("latin-1"))
    empty = tmp_path / "empty.txt"
    empty.write_text("\n   \n\n", encoding="utf-8")
    large = tmp_path / "large.txt"
    large.write_bytes(b"a b c\n" * (cli.MAX_CORPUS_BYTES // 6 + 1))
    not_ours = tmp_path / "plain.npz"
    np.savez(not_ours, W=np.zeros(3))
    corrupt = tmp_path / "corrupt.npz"
    good = rnn_core.io.to_bytes(rnn_core.RNNLM(8, 4), vocab=None)
    corrupt.write_bytes(good[: len(good) // 2])
    text_model = tmp_path / "text.npz"
    text_model.write_text("hello", encoding="utf-8")
    no_vocab = tmp_path / "novocab.npz"
    rnn_core.save(no_vocab, rnn_core.RNNLM(8, 4))
    out = ["--out", tmp_path / "out.npz"]
    return {
        "binary": (["train", binary, *out], "binary"),
        "wrong encoding": (["train", latin, *out], "not UTF-8"),
        "empty": (["train", empty, *out], "empty"),
        "too large": (["train", large, *out], "too large"),
        "missing corpus": (["train", tmp_path / "none.txt", *out], "no such corpus file"),
        "folder as corpus": (["train", tmp_path, *out], "not a file"),
        "unknown flag": (["train", corpus, *out, "--wings", "2"], "unrecognized arguments"),
        "unknown command": (["fly"], "invalid choice"),
        "no command": ([], "required"),
        "bad number": (["train", corpus, *out, "--lr", "fast"], "--lr"),
        "out not npz": (["train", corpus, "--out", tmp_path / "m.txt"], ".npz"),
        "not our model": (["predict", not_ours, "hello"], "not an Unrolled model file"),
        "corrupt model": (["eval", corrupt, corpus], "corrupt"),
        "text as model": (["generate", text_model], "not an Unrolled model file"),
        "missing model": (["predict", tmp_path / "none.npz", "hi"], "no such model file"),
        "model without vocabulary": (["predict", no_vocab, "hi"], "no vocabulary"),
        "empty sentence": (["predict", "MODEL", "   "], "empty"),
        "no blank for a blank model": (["predict", "BLANK", "a new bike ."], "no blank"),
        "generate with a blank model": (["generate", "BLANK"], "unidirectional"),
    }


def test_a_corpus_line_with_underscores_trains_with_them_as_a_word(tmp_path, corpus, capsys):
    """Issue: one line with ____ made the CLI refuse the whole corpus."""
    with_blank = tmp_path / "blank.txt"
    with_blank.write_text(corpus.read_text(encoding="utf-8") + "I plan to ____ a new phone.\n")
    out = tmp_path / "blank-word.npz"
    assert run(capsys, "train", with_blank, "--out", out, *FAST)[0] == 0
    assert "____" in rnn_core.load(out).vocab


def test_by_default_rare_words_train_unk_and_the_best_epoch_is_kept(tmp_path, corpus, capsys):
    out = tmp_path / "default.npz"
    code, _, stderr = run(capsys, "train", corpus, "--out", out, "--hidden", "8", "--epochs", "30")
    assert code == 0 and "held-out perplexity" in stderr  # measured after every epoch
    ck = rnn_core.load(out)
    lines = corpus.read_text(encoding="utf-8").splitlines()
    counts = Counter(t for line in lines for t in rnn_core.tokenize(line, "en"))
    assert all(counts[w] >= 2 for w in ck.vocab[5:])  # a word seen once is <unk>
    assert ck.extra["recipe"]["patience"] == 2
    assert ck.extra["min_count"] == 2 and ck.extra["stopped"] in {"epochs", "patience"}
    ppl = ck.extra["valid_perplexities"]
    assert len(ppl) >= ck.extra["best_epoch"] >= 1
    assert min(ppl) == ppl[ck.extra["best_epoch"] - 1]  # the saved weights are the best epoch's
    assert ck.model.config.cell == "gru" and ck.extra["recipe"]["dropout"] == 0.5  # the defaults


def test_every_bad_input_is_one_line_and_exit_code_2(tmp_path, corpus, trained, capsys):
    blank = tmp_path / "blank.npz"
    assert run(capsys, "train", corpus, "--out", blank, *FAST, "--bidirectional")[0] == 0
    before = trained.read_bytes()
    for name, (argv, phrase) in _bad_inputs(tmp_path, corpus).items():
        argv = [{"MODEL": trained, "BLANK": blank}.get(a, a) for a in argv]
        code, stdout, stderr = run(capsys, *argv)
        assert code == 2, name
        assert stdout == "", name
        assert stderr.count("\n") == 1 and stderr.startswith("rnn_core: error: "), name
        assert phrase in stderr, (name, stderr)
        assert "Traceback" not in stderr, name
    assert not (tmp_path / "out.npz").exists()
    assert trained.read_bytes() == before


def test_train_refuses_to_overwrite_an_existing_file_without_force(tmp_path, corpus, capsys):
    """A shipped model, or the learner's last one, is never overwritten by accident."""
    models = tmp_path / "models"
    models.mkdir()
    builtin = models / "en-lm.npz"
    builtin.write_bytes(b"the shipped model")
    code, _, stderr = run(capsys, "train", corpus, "--out", builtin, *FAST)
    assert code == 2 and "--force" in stderr
    assert builtin.read_bytes() == b"the shipped model"
    assert run(capsys, "train", corpus, "--out", models / "mine.npz", *FAST)[0] == 0
    assert run(capsys, "train", corpus, "--out", builtin, *FAST, "--force")[0] == 0
    assert rnn_core.load(builtin).extra["kind"] == "lm"


def test_the_engine_names_no_folder_of_the_repository():
    """rnn_core is a library: the repository's paths live in scripts/ and app/ only."""
    for path in (ROOT / "rnn_core").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "Path(__file__)" not in source and "ROOT" not in source, path.name


def test_python_m_rnn_core_runs_as_a_program(tmp_path, trained):
    env_python = [sys.executable, "-m", "rnn_core"]
    ok = subprocess.run(
        [*env_python, "predict", trained, "my phone", "--top-k", "2", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert len(json.loads(ok.stdout)["predictions"]) == 3
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    failed = subprocess.run(
        [*env_python, "eval", bad, trained], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert failed.returncode == 2
    assert failed.stderr.count("\n") == 1 and "Traceback" not in failed.stderr


def test_a_character_model_trains_predicts_and_generates_in_characters(tmp_path, corpus, capsys):
    out = tmp_path / "char.npz"
    code, stdout, err = run(
        capsys, "train", corpus, "--out", out, "--unit", "char", *FAST, "--json"
    )
    assert code == 0, err
    result = json.loads(stdout)
    assert result["unit"] == "char"
    ck = rnn_core.load(out)
    assert ck.extra["unit"] == "char"
    train = [tokenize(line, unit="char") for i, line in enumerate(EN_LINES) if i != 9]
    assert set(ck.vocab[5:]) == {c for s in train for c in s}  # every character, ␣ included
    vocab = Vocab.from_list(ck.vocab)
    trigram = NGramLM(len(vocab), 3).fit([vocab.encode(s) for s in train])
    expected = trigram.perplexity([vocab.encode(tokenize(EN_LINES[9], unit="char"))])
    assert result["perplexity"]["3-gram"]["valid"] == pytest.approx(expected, abs=1e-4)
    code, stdout, _ = run(capsys, "predict", out, "My phone", "--json")
    rows = json.loads(stdout)["predictions"]
    assert [r["read"] for r in rows] == ["<s>", "m", "y", SPACE, "p", "h", "o", "n", "e"]
    code, stdout, _ = run(capsys, "generate", out, "--prompt", "My", "--seed", "1", "--json")
    generated = json.loads(stdout)
    assert all(len(c) == 1 or c.startswith("<") for c in generated["generated"])
    assert generated["text"].startswith("my") and SPACE not in generated["text"]
    assert len(generated["generated"]) <= cli.GENERATE_LENGTH["char"]


def test_word_dropout_is_a_recipe_setting_in_range(tmp_path, corpus, capsys):
    out = tmp_path / "wd.npz"
    code, _, err = run(capsys, "train", corpus, "--out", out, *FAST, "--word-dropout", "0.3")
    assert code == 0, err
    assert rnn_core.load(out).extra["recipe"]["word_dropout"] == 0.3
    code, _, err = run(capsys, "train", corpus, "--out", tmp_path / "x.npz", "--word-dropout", "1")
    assert code == 2 and "word-dropout" in err
