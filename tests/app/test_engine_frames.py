"""The engine makes the bptt frames (rnn_core.frames); the server only adds the request's mode
and pace and serialises them. Every frame the engine makes for a pass, of every cell, one or
two chains, stacked, truncated, large or small, fits its wire schema in app.protocol exactly
(extra="forbid": no field the schema does not name, none it names missing)."""

import numpy as np
import orjson
import pytest

from app.protocol import BpttBackward, BpttForward, BpttStart, BpttTotals
from rnn_core import RNNLM
from rnn_core.frames import BackwardStep, ForwardStep, PassTotals, trace_pass
from rnn_core.text import BLANK, Vocab, training_pairs


def fits(schema, fields: dict) -> None:
    """The record's fields are its wire frame's, and plain JSON as the server sends them (no
    NumPy scalar: orjson refuses one, and model_construct would not convert it)."""
    schema.model_validate(fields)
    orjson.dumps(fields)


WORDS = "i was late for school yesterday and the teacher criticised me".split()
SCHEMA = {ForwardStep: BpttForward, BackwardStep: BpttBackward, PassTotals: BpttTotals}


@pytest.mark.parametrize(
    "config, truncate, limit",
    [
        ({"cell": "rnn", "activation": "tanh"}, None, 64),
        ({"cell": "rnn", "activation": "relu", "num_layers": 2, "bidirectional": True}, 3, 64),
        ({"cell": "lstm", "activation": "tanh"}, None, 64),
        ({"cell": "gru", "activation": "tanh", "num_layers": 2}, 2, 64),
        ({"cell": "rnn", "activation": "tanh"}, None, 4),  # H above the limit: norms only
    ],
)
def test_every_frame_of_a_pass_fits_its_wire_schema(config, truncate, limit):
    vocab = Vocab.build([WORDS])
    model = RNNLM(vocab_size=len(vocab), hidden_size=6, seed=1, **config)
    inputs, labels = training_pairs(WORDS[:6])
    frames = trace_pass(model, vocab, WORDS[:6], inputs, labels, truncate, limit, "test")

    start = frames.start().to_dict()
    fits(BpttStart, {**start, "mode": "step", "speed": 4.0})
    assert start["count"] == 2 * len(inputs) + 1
    assert start["matrices"] is (6 <= limit)
    kinds = []
    for pos in range(frames.count):
        step = frames.frame(pos)
        fits(SCHEMA[type(step)], step.to_dict())
        assert step.pos == pos
        kinds.append(type(step).__name__)
    T = len(inputs)
    assert kinds == ["ForwardStep"] * T + ["BackwardStep"] * T + ["PassTotals"]


def test_the_frames_carry_the_engines_trace():
    vocab = Vocab.build([WORDS])
    model = RNNLM(vocab_size=len(vocab), hidden_size=5, activation="tanh", seed=2)
    inputs, labels = training_pairs(WORDS)
    frames = trace_pass(model, vocab, WORDS, inputs, labels, None, 64, "test")
    trace = model.trace(vocab.encode(inputs), vocab.encode(labels))
    T = len(inputs)
    for t in range(T):
        forward = frames.frame(t).to_dict()
        np.testing.assert_array_equal(forward["chains"]["1"]["s"], trace.chains["1"].s[t])
        backward = frames.frame(T + (T - 1 - t)).to_dict()  # k counts down: step T-1-t is t
        assert backward["k"] == t + 1
        np.testing.assert_array_equal(backward["chains"]["1"]["delta"], trace.chains["1"].delta[t])
    totals = frames.frame(2 * T).to_dict()
    assert totals["loss"] == pytest.approx(float(trace.loss), rel=1e-12)
    np.testing.assert_allclose(totals["grads"]["W1"]["matrix"], trace.grads["W1"], rtol=1e-12)


def test_every_lab_record_fits_its_wire_schema():
    """The labs' experiments (rnn_core.labs), including the ones that overflow to NaN."""
    from app.protocol import GradcheckFrame, SoftmaxFrame, TrainStep, VanishingFrame
    from rnn_core.labs import gradcheck_lab, sgd_step_lab, softmax_lab, vanishing_lab
    from rnn_core.text import training_pair_ids

    check = gradcheck_lab(4, 2, True, "tanh", 5, seed=3, tutorial=True)
    fits(GradcheckFrame, check.to_dict())
    assert check.passed and set(check.tutorial) == {
        "identity_correct",
        "identity_buggy",
        "tanh_correct",
        "tanh_buggy",
    }
    for radius, clip in ((0.5, None), (3.0, 5.0), (40.0, 1.0)):  # vanishing, exploding, overflow
        run = vanishing_lab(8, "tanh", "xavier", radius, 60, clip, seed=0)
        fits(VanishingFrame, run.to_dict())
    fits(SoftmaxFrame, softmax_lab([1.0, 2.0, 3.0, 4.0], 3).to_dict())
    vocab = Vocab.build([WORDS])
    model = RNNLM(vocab_size=len(vocab), hidden_size=4, activation="tanh", seed=0)
    x, y = training_pair_ids(WORDS, vocab)
    update = sgd_step_lab(model, WORDS, x, y, 0.1, None, None, 64)
    fits(TrainStep, update.to_dict())
    assert not update.nonfinite and update.nan_at is None
    signs = np.sign(np.random.default_rng(0).standard_normal(model.params["V"].shape))
    model.params["V"][:] = 1e308 * signs  # the logits overflow: the step is refused, kept
    kept = {name: p.copy() for name, p in model.params.items()}
    with np.errstate(all="ignore"):
        update = sgd_step_lab(model, WORDS, x, y, 0.1, None, None, 64)
    fits(TrainStep, update.to_dict())
    assert update.nonfinite and update.nan_at == 1 and update.note
    for name, p in model.params.items():
        np.testing.assert_array_equal(p, kept[name])


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_a_sentences_predictions_and_a_blank_fit_the_predict_schema(cell):
    from app.protocol import PredictFrame
    from rnn_core.fit import ngram_models
    from rnn_core.frames import Reader, blank_record, predict_record

    vocab = Vocab.build([WORDS])
    ngrams = ngram_models(vocab, [WORDS])
    lm = RNNLM(vocab_size=len(vocab), hidden_size=4, activation="tanh", cell=cell, seed=0)
    tokens = [*WORDS[:5], "<unk>", "zebra"]  # an unknown word is read as <unk> and flagged
    record = predict_record(Reader(lm, vocab), tokens, (ngrams[2], ngrams[3]), 3, hide_unk=True)
    fits(PredictFrame, record.to_dict())
    assert len(record.positions) == len(tokens) + 1
    assert record.unknown == [False] * 5 + [False, True]
    assert all(g["word"] != "<unk>" for p in record.positions for g in p["rnn"])
    assert (record.inside is None) == (cell == "rnn")
    bi = RNNLM(vocab_size=len(vocab), hidden_size=4, activation="tanh", cell=cell,
               bidirectional=True, seed=0)  # fmt: skip
    gap = ["i", "was", BLANK, "for", "school"]
    blank = blank_record(Reader(bi, vocab), gap, 3, Reader(lm, vocab, "lm"))
    fits(PredictFrame, blank.to_dict())
    assert blank.blank.index == 2 and blank.blank.left_only_model == "lm"


def test_a_generation_and_the_remedies_fit_their_wire_schemas():
    from app.protocol import GenerateFrame, RemediesFrame
    from rnn_core.frames import Reader, generate_record
    from rnn_core.remedies import remedies_record

    vocab = Vocab.build([WORDS])
    lm = RNNLM(vocab_size=len(vocab), hidden_size=4, activation="tanh", seed=0)
    drawn = generate_record(Reader(lm, vocab, "lm"), ["i", "was"], seed=5, length=6, top_k=3)
    fits(GenerateFrame, drawn.to_dict())
    assert drawn.text.startswith(drawn.prompt_text) and len(drawn.words) <= 6
    again = generate_record(Reader(lm, vocab, "lm"), ["i", "was"], seed=5, length=6, top_k=3)
    assert again.words == drawn.words  # the seed decides the draw
    gru = RNNLM(vocab_size=len(vocab), hidden_size=4, activation="tanh", cell="gru", seed=0)
    bins = (0.5, [(1, 8, 0.5, 2), (9, 14, None, 0)])
    side_by_side = remedies_record(
        [("tanh", Reader(lm, vocab, "tanh"), bins), ("gru", Reader(gru, vocab, "gru"), bins)],
        WORDS,
    )
    fits(RemediesFrame, side_by_side.to_dict())
    assert [m.role for m in side_by_side.models] == ["tanh", "gru"]
    assert side_by_side.label == WORDS[-1]
