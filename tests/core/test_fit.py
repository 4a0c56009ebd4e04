"""rnn_core.fit's measures (the RNN and a Kneser-Ney n-gram mixed word by word) and the blank
model's pretrained chains."""

from dataclasses import replace

import numpy as np
import pytest

from rnn_core.fit import (
    Recipe,
    fill_blanks,
    fit,
    interpolated_perplexity,
    ngram_models,
    ngram_perplexity,
    perplexity,
    pretrained,
)
from rnn_core.text import BLANK, BLANK_ID, BOS_ID, EOS_ID, Vocab, tokenize

TRAIN = [
    tokenize(s)
    for s in [
        "the cat sat on the mat .",
        "a dog ran in the park .",
        "the bird sang a song .",
        "the cat ran in the park .",
        "a bird sat on the mat .",
    ]
]
VALID = [tokenize(s) for s in ["the dog sat on the mat .", "a cat sang a song ."]]


@pytest.fixture(scope="module")
def trained():
    vocab = Vocab.build(TRAIN)
    model = fit(Recipe(hidden_size=8, activation="tanh", epochs=5, lr=0.01), vocab, TRAIN).model
    return model, vocab, ngram_models(vocab, TRAIN)[3]


def test_the_mixture_at_its_ends_is_each_model_alone(trained):
    model, vocab, trigram = trained
    rnn_only = interpolated_perplexity(model, trigram, vocab, VALID, weight=1.0)
    ngram_only = interpolated_perplexity(model, trigram, vocab, VALID, weight=0.0)
    assert rnn_only == pytest.approx(perplexity(model, vocab, VALID), rel=1e-5)
    assert ngram_only == pytest.approx(ngram_perplexity(trigram, vocab, VALID), rel=1e-9)


def test_the_half_mixture_is_never_worse_than_the_worse_of_the_two(trained):
    # log is concave: log(½p + ½q) ≥ ½log p + ½log q, so the mixture's perplexity is at most
    # the geometric mean of the two perplexities
    model, vocab, trigram = trained
    a = perplexity(model, vocab, VALID)
    b = ngram_perplexity(trigram, vocab, VALID)
    assert interpolated_perplexity(model, trigram, vocab, VALID) <= (a * b) ** 0.5 * (1 + 1e-9)


def test_interpolation_refuses_a_weight_outside_0_1(trained):
    model, vocab, trigram = trained
    with pytest.raises(ValueError, match="weight"):
        interpolated_perplexity(model, trigram, vocab, VALID, weight=1.5)


BLANK_RECIPE = Recipe(
    hidden_size=8, bidirectional=True, epochs=1, lr=0.001, pretrain_epochs=3, pretrain_lr=0.01
)


def test_the_pretrained_chains_are_the_two_one_way_models():
    """The forward chain is the next-word model of the sentences, the backward chain the one of
    the sentences reversed; only the <blank> columns (0) and the backward </s> column differ."""
    vocab = Vocab.build(TRAIN)
    model = pretrained(BLANK_RECIPE, vocab, TRAIN)
    one_way = replace(BLANK_RECIPE, bidirectional=False, epochs=3, lr=0.01, pretrain_epochs=0)
    forward = fit(one_way, vocab, TRAIN).model.params
    backward = fit(one_way, vocab, [t[::-1] for t in TRAIN]).model.params
    p = model.params
    for name in ("W1", "b1", "V"):
        np.testing.assert_array_equal(p[name], forward[name])
        np.testing.assert_array_equal(p[f"{name}'"], backward[name])
    np.testing.assert_array_equal(p["c"], forward["c"] + backward["c"])
    words = [i for i in range(len(vocab)) if i not in (BLANK_ID, EOS_ID)]
    np.testing.assert_array_equal(p["U1"][:, words], forward["U1"][:, words])
    np.testing.assert_array_equal(p["U1'"][:, words], backward["U1"][:, words])
    assert not p["U1"][:, BLANK_ID].any() and not p["U1'"][:, BLANK_ID].any()
    np.testing.assert_array_equal(p["U1'"][:, EOS_ID], backward["U1"][:, BOS_ID])


def test_a_pretrained_blank_model_reads_the_word_the_right_side_names():
    """Sentences whose first word is named again at the end: only the right side decides a blank
    in the first slot. With pretrained chains the blank model fills it; trained on blanks alone
    (the same number of blank epochs) it does not."""
    animals = ["cat", "dog", "fox", "owl"]
    fillers = ["we", "saw", "it", "in", "the", "park", "again", "today"]
    rng = np.random.default_rng(0)
    train = []
    for _ in range(400):
        animal = animals[rng.integers(4)]
        middle = [fillers[i] for i in rng.integers(len(fillers), size=5)]
        train.append([animal, *middle, "the", animal, "."])
    vocab = Vocab.build(train)
    recipe = replace(BLANK_RECIPE, hidden_size=16, epochs=2, pretrain_epochs=20)
    with_pretraining = fit(recipe, vocab, train).model
    blanks_only = fit(replace(recipe, pretrain_epochs=0), vocab, train).model

    def filled(model):
        hits = 0
        for animal in animals:
            tokens = [BLANK, "we", "saw", "it", "in", "park", "the", animal, "."]
            hits += fill_blanks(model, vocab, tokens, k=1)[0][0][0] == animal
        return hits

    assert filled(with_pretraining) == len(animals)
    assert filled(blanks_only) < len(animals)


def test_pretraining_needs_a_one_layer_bidirectional_recipe():
    vocab = Vocab.build(TRAIN)
    with pytest.raises(ValueError, match="bidirectional"):
        pretrained(replace(BLANK_RECIPE, bidirectional=False), vocab, TRAIN)
    with pytest.raises(ValueError, match="one-layer"):
        pretrained(replace(BLANK_RECIPE, num_layers=2), vocab, TRAIN)
