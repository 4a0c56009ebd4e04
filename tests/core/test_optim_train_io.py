"""Optimizers, clipping, the training loop, save/load and generation."""

import io
import json
import tracemalloc
import zipfile

import numpy as np
import pytest

from rnn_core import (
    RNNLM,
    SGD,
    Adagrad,
    Adam,
    ModelFormatError,
    Momentum,
    Trainer,
    Vocab,
    adjust_distribution,
    clip_grad_norm,
    evaluate,
    load,
    make_optimizer,
    next_word_pairs,
    not_drawn,
    pad_batch,
    sample,
    save,
)
from rnn_core.io import LoadLimits, ModelTooLarge
from rnn_core.model import RNNConfig
from rnn_core.optim import grad_norm
from rnn_core.text import SPECIALS, UNK_ID

# a tiny corpus: three sentences with <s> = 0 and </s> = 1
CORPUS = [[0, 2, 3, 4, 5, 1], [0, 2, 6, 5, 1], [0, 7, 3, 4, 1], [0, 7, 6, 4, 5, 1]]


# ---- optimizers ----------------------------------------------------------------------------


def _one_param():
    return {"w": np.array([1.0, -2.0])}, {"w": np.array([0.5, 1.0])}


def test_sgd_is_the_tutorial_update():
    params, grads = _one_param()
    SGD(lr=0.1).step(params, grads)
    np.testing.assert_allclose(params["w"], [0.95, -2.1])


def test_momentum_accumulates_velocity():
    params, grads = _one_param()
    opt = Momentum(lr=0.1, momentum=0.9)
    opt.step(params, grads)
    opt.step(params, grads)
    # v1 = g, v2 = 0.9 g + g = 1.9 g; total step 0.1 (1 + 1.9) g
    np.testing.assert_allclose(params["w"], [1.0 - 0.29 * 0.5, -2.0 - 0.29 * 1.0])
    np.testing.assert_allclose(opt.state["velocity/w"], [0.95, 1.9])


def test_adagrad_divides_by_root_of_summed_squares():
    params, grads = _one_param()
    opt = Adagrad(lr=0.1, eps=0.0)
    opt.step(params, grads)
    np.testing.assert_allclose(params["w"], [0.9, -2.1])  # g / |g| = sign
    opt.step(params, grads)
    np.testing.assert_allclose(params["w"], [0.9 - 0.1 / np.sqrt(2), -2.1 - 0.1 / np.sqrt(2)])


def test_adam_first_step_moves_each_weight_by_lr():
    params, grads = _one_param()
    Adam(lr=0.01, eps=0.0).step(params, grads)
    np.testing.assert_allclose(params["w"], [0.99, -2.01])


def test_make_optimizer_and_bad_names():
    assert isinstance(make_optimizer("adam"), Adam)
    assert make_optimizer("sgd", lr=0.5).lr == 0.5
    with pytest.raises(ValueError, match="optimizer must be one of sgd, momentum, adagrad, adam"):
        make_optimizer("rmsprop")
    with pytest.raises(ValueError, match="lr must be a number in"):
        SGD(lr=-1)


def test_clip_grad_norm_scales_to_max_and_reports_it():
    grads = {"a": np.array([3.0]), "b": np.array([4.0])}
    norm, clipped = clip_grad_norm(grads, 1.0)
    assert norm == 5.0 and clipped
    np.testing.assert_allclose([grads["a"][0], grads["b"][0]], [0.6, 0.8])
    norm, clipped = clip_grad_norm(grads, 10.0)
    assert norm == pytest.approx(1.0) and not clipped


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("dtype, big", [("float32", 1e20), ("float64", 1e160)])
def test_clipping_an_exploded_but_finite_gradient_keeps_its_direction(dtype, big):
    # the squares of these entries overflow the dtype; the gradient itself is finite
    grads = {"W1": np.full((4, 4), big, dtype=dtype), "b1": np.full(4, -big, dtype=dtype)}
    assert grad_norm(grads) == pytest.approx(big * np.sqrt(20), rel=1e-6)
    norm, clipped = clip_grad_norm(grads, 5.0)
    assert norm == pytest.approx(big * np.sqrt(20), rel=1e-6) and clipped
    assert grad_norm(grads) == pytest.approx(5.0, rel=1e-6)
    np.testing.assert_allclose(grads["b1"], -5.0 / np.sqrt(20), rtol=1e-6)


@pytest.mark.filterwarnings("error")
def test_a_training_step_with_an_exploded_gradient_reports_finite_norms():
    m = RNNLM(10, 8, dtype="float32")
    m.params["V"] *= 1e20  # δ = f'(net) ⊙ Vᵀe: ∇W and ∇U near 1e20, finite, squares not
    trainer = Trainer(m, SGD(lr=0.1), next_word_pairs(CORPUS), batch_size=4, clip=1.0)
    progress = trainer.step()
    assert progress.nan_at is None and progress.clipped
    assert 1e19 < progress.grad_norm < np.inf
    assert all(np.isfinite(n) for n in progress.grad_norms.values())
    assert progress.grad_norm == pytest.approx(np.hypot.reduce(list(progress.grad_norms.values())))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adagrad", "adam"])
@pytest.mark.parametrize("cell, bidirectional", [("rnn", False), ("lstm", True), ("gru", False)])
def test_a_sparse_input_gradient_updates_every_weight_as_the_dense_one(
    optimizer, cell, bidirectional
):
    """Training steps with layer 1's ∇U as the columns of the batch's words (as Trainer steps)
    leave every weight and the optimizer's state where the dense gradient does, clipping
    included, over steps whose batches touch different words."""
    rng = np.random.default_rng(3)
    config = dict(vocab_size=60, hidden_size=5, num_layers=2, cell=cell, seed=1)
    dense_model = RNNLM(**config, bidirectional=bidirectional)
    sparse_model = RNNLM(**config, bidirectional=bidirectional)
    dense_opt, sparse_opt = make_optimizer(optimizer, lr=0.05), make_optimizer(optimizer, lr=0.05)
    for _ in range(3):
        x, y = rng.integers(0, 60, (3, 7)), rng.integers(0, 60, (3, 7))  # 21 of 60 words at most
        dense_loss, dense = dense_model.loss_and_grads(x, y)
        sparse_loss, sparse = sparse_model.loss_and_grads(x, y, sparse=True)
        assert sparse_loss == pytest.approx(dense_loss, rel=1e-13)
        for name in ("U1", "U1'") if bidirectional else ("U1",):
            assert sparse[name].words.size <= 21
            np.testing.assert_allclose(sparse[name].dense(), dense[name], rtol=1e-12, atol=1e-15)
        assert grad_norm(sparse) == pytest.approx(grad_norm(dense), rel=1e-12)
        clip = 0.5 * grad_norm(dense)  # every step clips
        clip_grad_norm(dense, clip)
        clip_grad_norm(sparse, clip)
        dense_opt.step(dense_model.params, dense)
        sparse_opt.step(sparse_model.params, sparse)
    for name, p in dense_model.params.items():
        np.testing.assert_allclose(sparse_model.params[name], p, rtol=1e-12, atol=1e-15)
    for key, v in dense_opt.state.items():
        np.testing.assert_allclose(sparse_opt.state[key], v, rtol=1e-12, atol=1e-15)


# ---- training ------------------------------------------------------------------------------


def test_pad_batch_pads_inputs_with_pad_id_and_targets_with_minus_100():
    inputs, targets = pad_batch(
        [(np.array([1, 2]), np.array([2, 3])), (np.array([4]), np.array([5]))], 9
    )
    assert inputs.tolist() == [[1, 2], [4, 9]]
    assert targets.tolist() == [[2, 3], [5, -100]]


def test_padding_does_not_change_a_unidirectional_loss():
    m = RNNLM(10, 5)
    pairs = next_word_pairs(CORPUS)
    inputs, targets = pad_batch(pairs, pad_id=8)
    loss, _ = m.loss(inputs, targets)
    total = sum(m.loss(x, y)[0] * len(y) for x, y in pairs)
    assert loss == pytest.approx(total / sum(len(y) for _, y in pairs))


def test_loss_falls_on_a_tiny_corpus():
    m = RNNLM(10, 16, seed=1)
    pairs = next_word_pairs(CORPUS)
    before = evaluate(m, pairs)
    trainer = Trainer(m, Adam(lr=0.05), pairs, batch_size=2, seed=3)
    records = list(trainer.run(steps=60))
    after = evaluate(m, pairs)
    assert len(records) == 60 and records[-1].step == 60
    assert after.loss < 0.5 * before.loss
    assert before.perplexity == pytest.approx(np.exp(before.loss))
    assert records[-1].tokens > 0 and records[-1].tokens_per_s > 0
    assert set(records[0].grad_norms) == set(m.params)
    assert records[-1].epoch == 29  # 2 batches per epoch


def test_run_yields_every_step_so_it_can_pause_and_resume():
    m = RNNLM(10, 4)
    trainer = Trainer(m, SGD(lr=0.1), next_word_pairs(CORPUS), batch_size=2)
    run = trainer.run()
    first = next(run)
    w = m.params["W1"].copy()
    np.testing.assert_array_equal(m.params["W1"], w)  # paused: nothing changes
    second = next(run)
    assert (first.step, second.step) == (1, 2)
    assert not np.array_equal(m.params["W1"], w)
    run.close()


def test_exploding_run_reports_nan_at_and_stops_without_updating():
    m = RNNLM(10, 8, activation="identity", init="identity", radius=50.0)
    trainer = Trainer(m, SGD(lr=1.0), next_word_pairs(CORPUS * 3), batch_size=4)
    records = list(trainer.run(steps=50))
    last = records[-1]
    assert last.nan_at == last.step == trainer.nan_at
    assert all(r.nan_at is None for r in records[:-1])
    assert all(np.isfinite(p).all() for p in m.params.values())
    assert last.to_dict()["nan_at"] == last.step


def test_clipping_is_reported_per_step():
    m = RNNLM(10, 4)
    trainer = Trainer(m, SGD(lr=0.1), next_word_pairs(CORPUS), batch_size=2, clip=1e-3)
    record = next(trainer.run())
    assert record.clipped and record.grad_norm > 1e-3


def test_shuffle_is_seeded():
    pairs = next_word_pairs(CORPUS)
    a = [r.loss for r in Trainer(RNNLM(10, 4), SGD(), pairs, batch_size=1, seed=5).run(steps=6)]
    b = [r.loss for r in Trainer(RNNLM(10, 4), SGD(), pairs, batch_size=1, seed=5).run(steps=6)]
    c = [r.loss for r in Trainer(RNNLM(10, 4), SGD(), pairs, batch_size=1, seed=6).run(steps=6)]
    assert a == b and a != c


# ---- save / load ---------------------------------------------------------------------------


def test_save_load_round_trip(tmp_path):
    m = RNNLM(5, 3, num_layers=2, bidirectional=True, activation="relu", dtype="float32", seed=7)
    vocab = ["<s>", "</s>", "我", "昨天", "了"]
    opt = Adam(lr=0.01)
    opt.step(m.params, m.loss_and_grads(np.array([0, 2, 3]), np.array([2, 3, 4]))[1])
    path = tmp_path / "m.npz"
    save(path, m, vocab=vocab, optimizer=opt, extra={"note": "测试"})
    ck = load(path)
    assert ck.model.config == m.config
    assert ck.vocab == vocab and ck.extra == {"note": "测试"}
    for k, p in m.params.items():
        assert ck.model.params[k].dtype == np.float32
        np.testing.assert_array_equal(ck.model.params[k], p)
    assert ck.optimizer.config() == opt.config()
    for k, v in opt.state.items():
        np.testing.assert_array_equal(ck.optimizer.state[k], v)
    with np.load(path, allow_pickle=False) as npz:  # readable without pickle
        assert int(npz["format_version"]) == 2


def test_save_takes_the_vocab_object_and_load_gives_its_word_list():
    vocab = Vocab.build([["我", "昨天", "上学", "迟到", "了"]])
    m = RNNLM(len(vocab), 3)
    buffer = io.BytesIO()
    save(buffer, m, vocab=vocab)
    buffer.seek(0)
    ck = load(buffer)
    assert ck.vocab == vocab.to_list()
    assert Vocab.from_list(ck.vocab) == vocab


def test_numpy_scalars_in_the_config_save_as_json():
    m = RNNLM(np.int64(5), np.int32(3), seed=np.int64(4), radius=np.float32(0.5))
    buffer = io.BytesIO()
    save(buffer, m)
    buffer.seek(0)
    config = load(buffer).model.config
    assert config == m.config and type(config.seed) is int and config.radius == 0.5


def test_resume_from_a_saved_run_continues_exactly(tmp_path):
    pairs = next_word_pairs(CORPUS)
    m = RNNLM(10, 8, seed=2)
    trainer = Trainer(m, Adam(lr=0.03), pairs, batch_size=2, seed=4)
    list(trainer.run(steps=10))
    buffer = io.BytesIO()
    save(buffer, m, optimizer=trainer.optimizer, trainer_state=trainer.state_dict())
    straight = [r.loss for r in trainer.run(steps=6)]

    buffer.seek(0)
    ck = load(buffer)
    resumed = Trainer(ck.model, ck.optimizer, pairs, batch_size=2, seed=4)
    resumed.load_state_dict(ck.trainer_state)
    again = [r.loss for r in resumed.run(steps=6)]
    np.testing.assert_allclose(again, straight, rtol=1e-12)
    # a fresh Adam (state lost) would not continue the same way
    fresh = Trainer(load(io.BytesIO(buffer.getvalue())).model, Adam(lr=0.03), pairs, 2, seed=4)
    fresh.load_state_dict(ck.trainer_state)
    assert [r.loss for r in fresh.run(steps=6)][1:] != again[1:]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"hello", "not an Unrolled model file or corrupt"),
        (b"", "not an Unrolled model file or corrupt"),
    ],
)
def test_load_rejects_files_that_are_not_npz(tmp_path, content, message):
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(ModelFormatError, match=message):
        load(path)


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"I was late for school.\n", "not a zip archive (an .npz is a zip of arrays)"),
        (b"", "the file is empty (an .npz is a zip of arrays)"),
        (b"\x80\x04K\x01.", "not a zip archive (an .npz is a zip of arrays)"),  # a pickle
    ],
)
def test_a_file_that_is_no_zip_is_named_so_without_numpys_pickle_hint(tmp_path, content, reason):
    path = tmp_path / "notes.npz"
    path.write_bytes(content)
    with pytest.raises(ModelFormatError) as err:
        load(path)
    assert str(err.value) == f"not an Unrolled model file or corrupt: {reason}"


def test_a_folder_or_a_missing_path_is_a_model_format_error_naming_it(tmp_path):
    with pytest.raises(ModelFormatError, match=f"^{tmp_path} is a folder, not a model file$"):
        load(tmp_path)
    with pytest.raises(ModelFormatError, match="^no such model file: .*nothere.npz$"):
        load(tmp_path / "nothere.npz")


def test_load_rejects_foreign_newer_and_corrupt_npz(tmp_path):
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, a=np.zeros(3))
    with pytest.raises(ModelFormatError, match="no 'unrolled-rnnlm' format marker"):
        load(foreign)
    m = RNNLM(5, 3)
    good = io.BytesIO()
    save(good, m)
    arrays = dict(np.load(io.BytesIO(good.getvalue())))
    newer = tmp_path / "newer.npz"
    np.savez(newer, **(arrays | {"format_version": np.array(99)}))
    with pytest.raises(ModelFormatError, match="format version 99 is not supported"):
        load(newer)
    broken = tmp_path / "broken.npz"
    np.savez(broken, **(arrays | {"param/W1": np.zeros((2, 2))}))
    with pytest.raises(ModelFormatError, match="parameter W1 has shape"):
        load(broken)
    complex_weights = tmp_path / "complex.npz"
    np.savez(complex_weights, **(arrays | {"param/W1": m.params["W1"] * (1 + 1j)}))
    with pytest.raises(ModelFormatError, match="parameter W1 holds complex128, not real numbers"):
        load(complex_weights)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.getvalue()[:200])
    with pytest.raises(ModelFormatError):
        load(truncated)
    bare = tmp_path / "bare.npy"
    np.save(bare, np.zeros(3))
    with pytest.raises(ModelFormatError, match="a bare .npy array"):
        load(bare)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, format=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(ModelFormatError, match="not an Unrolled model file or corrupt"):
        load(pickled)
    with pytest.raises(ModelFormatError, match="no such model file"):
        load(tmp_path / "missing.npz")
    assert issubclass(ModelFormatError, ValueError)


# ---- generation ----------------------------------------------------------------------------


def test_temperature_and_top_k():
    o = np.array([0.1, 0.2, 0.3, 0.4])
    np.testing.assert_allclose(adjust_distribution(o), o)
    np.testing.assert_allclose(adjust_distribution(o, top_k=2), [0, 0, 3 / 7, 4 / 7])
    cold = adjust_distribution(o, temperature=0.05)
    assert cold[3] > 0.99
    hot = adjust_distribution(o, temperature=100.0)
    assert np.ptp(hot) < 0.01


def test_top_k_keeps_exactly_k_words_when_probabilities_tie():
    o = np.full(6, 1 / 6)  # an untrained model's flat output
    p = adjust_distribution(o, top_k=2)
    assert (p > 0).sum() == 2
    np.testing.assert_allclose(p[p > 0], [0.5, 0.5])
    p = adjust_distribution(np.array([0.4, 0.2, 0.2, 0.2]), top_k=2)
    assert (p > 0).sum() == 2 and p[0] == pytest.approx(2 / 3)


def test_sample_is_seeded_and_stops_at_end_token():
    m = RNNLM(10, 8, seed=1)
    pairs = next_word_pairs(CORPUS)
    list(Trainer(m, Adam(lr=0.05), pairs, batch_size=4).run(steps=80))
    a = sample(m, [0], 20, np.random.default_rng(0), stop_id=1)
    b = sample(m, [0], 20, np.random.default_rng(0), stop_id=1)
    assert a == b and a[-1].id == 1 and len(a) <= 20
    greedy = sample(m, [0], 20, np.random.default_rng(9), temperature=1e-3, stop_id=1)
    assert [0] + [d.id for d in greedy] in CORPUS
    # each draw carries o_t[word] of the prefix it followed, and the drawn-from probability
    ids = [0]
    for d in a:
        o = m.forward(np.array(ids))[0][-1]
        assert d.p_model == pytest.approx(float(o[d.id]), rel=1e-6)
        assert d.p == pytest.approx(float(adjust_distribution(o)[d.id]), rel=1e-6)
        ids.append(d.id)


def test_excluded_words_are_never_drawn():
    o = np.array([0.5, 0.3, 0.1, 0.1])
    np.testing.assert_allclose(adjust_distribution(o, exclude=[0]), [0, 0.6, 0.2, 0.2])
    np.testing.assert_allclose(adjust_distribution(o, top_k=1, exclude=[0]), [0, 1, 0, 0])
    with pytest.raises(ValueError, match="no word is left"):
        adjust_distribution(o, exclude=[0, 1, 2, 3])
    m = RNNLM(6, 4, seed=2)
    drawn = sample(m, [2], 200, np.random.default_rng(0), exclude=not_drawn())
    assert drawn and not {d.id for d in drawn} & set(not_drawn())
    assert UNK_ID in not_drawn() and UNK_ID not in not_drawn(allow_unk=True)
    with pytest.raises(ValueError, match="unidirectional"):
        sample(RNNLM(10, 4, bidirectional=True), [0], 3, np.random.default_rng(0))


# ---- a file is checked against what it declares before anything of that size exists


def _npz(entries: dict[str, bytes]) -> bytes:
    """An uncompressed zip of raw .npy members, written by hand (headers may lie)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(f"{name}.npy", data)
    return buffer.getvalue()


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _header_only(descr: str, shape: tuple[int, ...]) -> bytes:
    """A .npy header declaring `shape` of `descr`, followed by no data at all."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": descr, "fortran_order": False, "shape": shape}
    )
    return buffer.getvalue()


def _small_model_entries(config: dict | None = None) -> dict[str, bytes]:
    m = RNNLM(6, 3, seed=0)
    buffer = io.BytesIO()
    save(buffer, m, vocab=[*SPECIALS, "a"])
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        entries = {i.filename[:-4]: archive.read(i) for i in archive.infolist()}
    if config is not None:
        entries["config"] = _npy(np.array(json.dumps(config)))
    return entries


def _peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_tiny_file_declaring_a_huge_model_is_refused_before_the_model_is_built():
    huge = RNNConfig(1_000_000, 512).to_dict()  # 2 × 2 GB of weights, within the engine's ceiling
    data = _npz(_small_model_entries(huge))
    assert len(data) < 8_000

    def refuse(limits):
        with pytest.raises(ModelFormatError) as err:
            load(io.BytesIO(data), limits)
        return str(err.value)

    assert _peak_bytes(lambda: refuse(None)) < 2_000_000
    assert "parameter U1 has shape (3, 6), expected (512, 1000000)" in refuse(None)
    server = LoadLimits(max_vocab=20_000, max_hidden=512, max_layers=4, max_bytes=64_000_000)
    with pytest.raises(ModelTooLarge, match="vocabulary of 1000000 words; the limit is 20000"):
        load(io.BytesIO(data), server)


def test_a_vocabulary_declaring_a_hundred_million_empty_words_is_refused_unread():
    entries = _small_model_entries()
    entries["vocab"] = _header_only("<U0", (100_000_000,))
    data = _npz(entries)
    with pytest.raises(
        ModelFormatError, match=r"vocab has shape \(100000000,\), config says \(6,\)"
    ):
        load(io.BytesIO(data))
    assert _peak_bytes(lambda: pytest.raises(ModelFormatError, load, io.BytesIO(data))) < 2_000_000


def test_an_array_declaring_more_data_than_its_member_holds_is_refused():
    entries = _small_model_entries()
    entries["param/W1"] = _header_only("<f8", (3, 3))  # 72 bytes promised, none there
    with pytest.raises(ModelFormatError, match="param/W1 declares more data than the file holds"):
        load(io.BytesIO(_npz(entries)))


def test_deeply_nested_json_is_a_format_error_not_a_crash():
    entries = _small_model_entries()
    entries["extra"] = _npy(np.array("[" * 100_000 + "]" * 100_000))
    with pytest.raises(ModelFormatError, match="extra is not valid JSON: RecursionError"):
        load(io.BytesIO(_npz(entries)))


def test_a_mis_shaped_or_non_numeric_optimizer_state_is_refused_at_load():
    m = RNNLM(6, 3, seed=0)
    opt = make_optimizer("adam", lr=0.01)
    x, y = np.array([[2, 5, 3]]), np.array([[5, 3, 0]])
    opt.step(m.params, m.loss_and_grads(x, y)[1])
    buffer = io.BytesIO()
    save(buffer, m, vocab=[*SPECIALS, "a"], optimizer=opt)
    arrays = dict(np.load(io.BytesIO(buffer.getvalue())))
    bad_state = io.BytesIO()
    np.savez(bad_state, **(arrays | {"optim/m/W1": np.zeros((2, 2))}))
    with pytest.raises(ModelFormatError, match=r"optimizer state m/W1 has shape \(2, 2\)"):
        load(io.BytesIO(bad_state.getvalue()))
    bad_hyper = io.BytesIO()
    np.savez(bad_hyper, **(arrays | {"optimizer": np.array('{"name": "adam", "lr": "fast"}')}))
    with pytest.raises(ModelFormatError, match="hyper-parameters must be numbers"):
        load(io.BytesIO(bad_hyper.getvalue()))


# ---- batching by length, word dropout, the learning-rate schedule


def _pairs_of_lengths(lengths):
    return [(np.full(n, 5), np.full(n, 6)) for n in lengths]


def test_exact_buckets_hold_one_length_and_cover_every_pair_once_per_epoch():
    from rnn_core.train import bucketed_batches

    lengths = [3, 5, 5, 3, 7, 5, 3, 3, 5, 7, 7, 2]
    batches = bucketed_batches(lengths, 2, "exact", np.random.default_rng(0))
    assert all(len({lengths[i] for i in b}) == 1 for b in batches)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    m = RNNLM(8, 3, bidirectional=True, seed=0)
    trainer = Trainer(m, SGD(0.1), _pairs_of_lengths(lengths), batch_size=2, bucket="exact")
    assert trainer.batches_per_epoch == len(batches) == 7  # per length: 1 + 2 + 2 + 2 batches
    tokens = sorted(progress.tokens for progress in trainer.run(epochs=1))
    assert tokens == [2, 6, 6, 7, 10, 10, 14]  # no padding: each batch is its pairs' own tokens


def test_sorted_buckets_pad_far_less_than_plain_shuffling():
    from rnn_core.train import bucketed_batches

    rng = np.random.default_rng(1)
    lengths = rng.integers(3, 40, size=3200).tolist()

    def padded(bucket):
        batches = bucketed_batches(lengths, 32, bucket, np.random.default_rng(2))
        return sum(
            max(lengths[i] for i in b) * len(b) - sum(lengths[i] for i in b) for b in batches
        )

    assert padded("sorted") * 10 < padded(None)


def test_a_bucketed_run_resumes_with_the_same_batches():
    lengths = [3, 5, 5, 3, 7, 5, 3, 3, 5, 7, 7, 2, 4, 4, 6]
    pairs = [(np.arange(n) % 6 + 2, (np.arange(n) + 1) % 6 + 2) for n in lengths]

    def run(split_at=None):
        m = RNNLM(8, 3, seed=0)
        opt = Adam(0.01)
        trainer = Trainer(m, opt, pairs, batch_size=4, seed=3, bucket="sorted")
        losses = [p.loss for p in trainer.run(steps=split_at or 9)]
        if split_at:
            state, buffer = trainer.state_dict(), io.BytesIO()
            save(buffer, m, optimizer=opt, trainer_state=state)
            ck = load(io.BytesIO(buffer.getvalue()))
            again = Trainer(ck.model, ck.optimizer, pairs, batch_size=4, seed=3, bucket="sorted")
            again.load_state_dict(ck.trainer_state)
            losses += [p.loss for p in again.run(steps=9 - split_at)]
        return losses

    assert run(split_at=5) == pytest.approx(run(), rel=1e-12)


def test_word_dropout_reads_real_words_as_unk_and_leaves_special_tokens():
    from rnn_core.text import BOS_ID, PAD_ID, UNK_ID
    from rnn_core.train import drop_words

    inputs = np.full((200, 50), 9)
    inputs[:, 0], inputs[:, -5:] = BOS_ID, PAD_ID
    dropped = drop_words(inputs, 0.1, np.random.default_rng(0))
    words = inputs == 9
    share = float((dropped[words] == UNK_ID).mean())
    assert 0.08 < share < 0.12
    assert (dropped[:, 0] == BOS_ID).all() and (dropped[:, -5:] == PAD_ID).all()
    assert set(np.unique(dropped).tolist()) == {BOS_ID, PAD_ID, UNK_ID, 9}
    assert drop_words(inputs, 0.0, np.random.default_rng(0)) is inputs


def test_the_learning_rate_falls_linearly_to_its_final_share():
    from rnn_core.fit import Recipe, scheduled_lr

    recipe = Recipe(lr=0.002, lr_final=0.1)
    assert scheduled_lr(recipe, 0, 100) == pytest.approx(0.002)
    assert scheduled_lr(recipe, 50, 100) == pytest.approx(0.0011)
    assert scheduled_lr(recipe, 100, 100) == pytest.approx(0.0002)
    assert scheduled_lr(Recipe(lr=0.01), 70, 100) == pytest.approx(0.01)


# ---- held-out perplexity each epoch: the best weights kept, early stopping, a time budget

TINY = [s.split() for s in ("the cat sat .", "a dog ran .", "the dog sat .", "a cat ran .") * 6]


def _vocab():
    return Vocab.build(TINY)


def test_the_weights_of_the_best_epoch_are_kept_and_every_epoch_is_measured():
    from rnn_core.fit import Recipe, fit, perplexity

    heard = []
    recipe = Recipe(hidden_size=6, epochs=6, lr=0.5, optimizer="sgd", batch_size=4)
    fitted = fit(recipe, _vocab(), TINY, valid=TINY[:4], on_epoch=lambda e, p: heard.append((e, p)))
    assert [e for e, _ in heard] == [1, 2, 3, 4, 5, 6]
    assert fitted.valid_perplexities == [p for _, p in heard]
    best = min(range(6), key=lambda i: fitted.valid_perplexities[i])
    assert fitted.best_epoch == best + 1
    assert perplexity(fitted.model, _vocab(), TINY[:4]) == pytest.approx(
        fitted.valid_perplexities[best]
    )


def test_patience_stops_a_run_that_no_longer_improves():
    from rnn_core.fit import Recipe, fit

    recipe = Recipe(hidden_size=6, epochs=200, lr=5.0, optimizer="sgd", batch_size=4, patience=2)
    fitted = fit(recipe, _vocab(), TINY, valid=TINY[:4])
    assert fitted.stopped == "patience"
    assert len(fitted.valid_perplexities) == fitted.best_epoch + 2 < 200


def test_a_time_budget_stops_the_run_and_still_keeps_the_best_weights():
    from rnn_core.fit import Recipe, fit

    recipe = Recipe(
        hidden_size=6, epochs=100_000, lr=0.5, optimizer="sgd", batch_size=4, minutes=0.01
    )
    fitted = fit(recipe, _vocab(), TINY, valid=TINY[:4])
    assert fitted.stopped == "minutes" and fitted.best_epoch is not None
    assert fitted.steps < 100_000 * 6
