"""BLAS thread control: counts are restored and results do not depend on them."""

import numpy as np

from rnn_core import RNNLM, Vocab
from rnn_core.blas import blas_available, blas_threads, get_blas_threads, set_blas_threads
from rnn_core.fit import Recipe, fit


def test_blas_threads_restores_the_previous_count():
    assert blas_available()  # NumPy's bundled OpenBLAS is found in this venv
    before = get_blas_threads()
    with blas_threads(1):
        assert get_blas_threads() == 1
    assert get_blas_threads() == before


def test_gradients_do_not_depend_on_the_thread_count():
    m = RNNLM(50, 16, num_layers=2, dtype="float32")
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 50, (4, 7)), rng.integers(0, 50, (4, 7))
    before = get_blas_threads()
    try:
        set_blas_threads(1)
        loss1, g1 = m.loss_and_grads(x, y)
        set_blas_threads(2)
        loss2, g2 = m.loss_and_grads(x, y)
    finally:
        set_blas_threads(before)
    assert abs(loss1 - loss2) < 1e-6
    for name in g1:
        np.testing.assert_allclose(g1[name], g2[name], rtol=1e-4, atol=1e-6)


def _random_corpus(rng: np.random.Generator) -> list[list[str]]:
    """64 sentences over 1,200 words: big enough that OpenBLAS splits the logits product."""
    words = [f"w{i}" for i in range(1200)]
    return [list(rng.choice(words, size=12)) for _ in range(64)]


def test_fit_gives_the_same_weights_whatever_the_callers_blas_threads():
    train = _random_corpus(np.random.default_rng(0))
    vocab = Vocab.build(train)
    recipe = Recipe(hidden_size=32, epochs=2, batch_size=32)
    fitted = {}
    for n in (1, 2):
        with blas_threads(n):
            fitted[n] = fit(recipe, vocab, train).model.params
    for name, p in fitted[1].items():
        np.testing.assert_array_equal(fitted[2][name], p)
