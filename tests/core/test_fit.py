"""rnn_core.fit's measures: the RNN and a Kneser-Ney n-gram mixed word by word."""

import pytest

from rnn_core.fit import (
    Recipe,
    fit,
    interpolated_perplexity,
    ngram_models,
    ngram_perplexity,
    perplexity,
)
from rnn_core.text import Vocab, tokenize

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
