"""Kneser-Ney n-gram baseline: proper distributions, hand-computed values, sane perplexities."""

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_core.ngram import NGramLM
from rnn_core.text import BLANK_ID, BOS_ID, EOS_ID, PAD_ID, UNK_ID, Vocab, training_pair_ids

A, B, C = 5, 6, 7  # word ids after the five specials; V = 8
TINY = [[A, B], [A, B, C], [B, C]]  # <s> a b </s>, <s> a b c </s>, <s> b c </s>
TOL = 1e-12

# Unigram level of TINY, shared by both orders. Continuation counts N1+(• w):
# a {<s>} 1, b {a, <s>} 2, c {b} 1, </s> {b, c} 2; sum 6; n1 = 2, n2 = 2 so D1 = 2/(2+4) = 1/3.
# The interpolation mass D1 · 4 types / 6 = 2/9 is spread over the 5 predictable words
# (<unk>, </s>, a, b, c), 2/45 each.
P1 = {
    A: (1 - F(1, 3)) / 6 + F(2, 45),
    B: (2 - F(1, 3)) / 6 + F(2, 45),
    C: (1 - F(1, 3)) / 6 + F(2, 45),
    EOS_ID: (2 - F(1, 3)) / 6 + F(2, 45),
    UNK_ID: F(2, 45),
}


def test_unigram_level_matches_hand_computed_kneser_ney():
    m = NGramLM(8, order=2).fit(TINY)
    assert sum(P1.values()) == 1
    p = m.next_distribution([])
    for w, expected in P1.items():
        assert p[w] == pytest.approx(float(expected), abs=TOL)


def test_bigram_probabilities_match_hand_computed_kneser_ney():
    # Raw bigram counts: <s>a 2, ab 2, b</s> 1, bc 2, c</s> 2, <s>b 1; n1 = 2, n2 = 4, D2 = 0.2.
    m = NGramLM(8, order=2).fit(TINY)
    D2 = F(1, 5)
    assert m.discounts == {1: pytest.approx(1 / 3), 2: pytest.approx(0.2)}
    # context b: a(b c) = 2, a(b </s>) = 1, total 3, 2 types.
    assert m.prob(C, [BOS_ID, A, B]) == pytest.approx(
        float((2 - D2) / 3 + D2 * 2 / 3 * P1[C]), abs=TOL
    )
    assert m.prob(A, [B]) == pytest.approx(float(D2 * 2 / 3 * P1[A]), abs=TOL)
    # context <s>: a(<s> a) = 2, a(<s> b) = 1.
    assert m.prob(B, [BOS_ID]) == pytest.approx(float((1 - D2) / 3 + D2 * 2 / 3 * P1[B]), abs=TOL)


def test_trigram_uses_continuation_counts_below_and_raw_counts_after_start():
    # Trigrams: <s>ab 2, ab</s> 1, abc 1, bc</s> 2, <s>bc 1; n1 = 3, n2 = 2, D3 = 3/7.
    # Bigram level: continuation counts ab 1, b</s> 1, bc 2, c</s> 1, and raw counts for
    # bigrams starting with <s>: <s>a 2, <s>b 1; n1 = 4, n2 = 2, D2 = 1/2.
    m = NGramLM(8, order=3).fit(TINY)
    D3, D2 = F(3, 7), F(1, 2)
    assert m.discounts[3] == pytest.approx(3 / 7) and m.discounts[2] == pytest.approx(0.5)
    p2_c_given_b = (2 - D2) / 3 + D2 * 2 / 3 * P1[C]
    p3_c_given_ab = (1 - D3) / 2 + D3 * 2 / 2 * p2_c_given_b
    assert m.prob(C, [BOS_ID, A, B]) == pytest.approx(float(p3_c_given_ab), abs=TOL)
    # At the sentence start a 3-gram sees only <s>: the raw-count bigram level.
    p2_a_given_s = (2 - D2) / 3 + D2 * 2 / 3 * P1[A]
    assert m.prob(A, [BOS_ID]) == pytest.approx(float(p2_a_given_s), abs=TOL)


def test_unseen_context_backs_off_to_the_unigram_level():
    m = NGramLM(8, order=3).fit(TINY)
    np.testing.assert_allclose(m.next_distribution([UNK_ID]), m.next_distribution([]))
    assert m.matched_order([UNK_ID]) == 1
    assert m.matched_order([BOS_ID, A]) == 3
    assert m.matched_order([C, A]) == 2


corpora = st.lists(
    st.lists(st.integers(UNK_ID, 11).filter(lambda i: i not in (BOS_ID, EOS_ID, BLANK_ID)),
             min_size=1, max_size=8),
    min_size=1, max_size=12,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    corpus=corpora,
    order=st.sampled_from([2, 3]),
    context=st.lists(st.integers(0, 11), max_size=4),
)
def test_next_distribution_sums_to_one_with_specials_impossible(corpus, order, context):
    m = NGramLM(12, order=order).fit(corpus)
    p = m.next_distribution(context)
    assert p.shape == (12,)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_array_equal(p[[PAD_ID, BOS_ID, BLANK_ID]], 0.0)
    others = np.delete(p, [PAD_ID, BOS_ID, BLANK_ID])
    assert (others > 0).all()


@settings(max_examples=40, deadline=None)
@given(corpus=corpora, order=st.sampled_from([2, 3]))
def test_vectorised_perplexity_equals_exp_mean_cross_entropy_of_distributions(corpus, order):
    m = NGramLM(12, order=order).fit(corpus)
    sentence = corpus[0]
    x = np.array([BOS_ID, *sentence])  # (T,)
    y = np.array([*sentence, EOS_ID])  # (T,)
    dists = m.distributions(x)  # (T, V)
    assert dists.shape == (len(x), 12)
    expected = np.exp(-np.log(dists[np.arange(len(y)), y]).mean())
    assert m.perplexity([sentence]) == pytest.approx(expected, rel=1e-10)


def _grammar_corpus(rng: np.random.Generator, n: int) -> list[list[int]]:
    """Sentences subject (5..9) · verb (10..12) · object fixed by the subject · </s>."""
    subjects = rng.integers(5, 10, size=n)
    verbs = rng.integers(10, 13, size=n)
    return [[int(s), int(v), int(s) + 8] for s, v in zip(subjects, verbs, strict=True)]


def test_three_gram_beats_two_gram_on_a_two_word_dependency():
    rng = np.random.default_rng(0)
    train, held_out = _grammar_corpus(rng, 400), _grammar_corpus(rng, 100)
    bigram = NGramLM(18, order=2).fit(train).perplexity(held_out)
    trigram = NGramLM(18, order=3).fit(train).perplexity(held_out)
    # The object needs the subject two words back: 5 choices for a 2-gram, ~1 for a 3-gram.
    assert trigram < 0.75 * bigram


def test_perplexity_on_own_text_is_lower_than_on_shuffled_text():
    rng = np.random.default_rng(1)
    train = _grammar_corpus(rng, 300)
    shuffled = [list(rng.permutation(s)) for s in train]
    for order in (2, 3):
        m = NGramLM(18, order=order).fit(train)
        assert m.perplexity(train) < 0.5 * m.perplexity(shuffled)


def test_works_on_the_vocabulary_and_pairs_from_text():
    sentences = [["我", "昨天", "上学", "迟到", "了"], ["我", "今天", "上学", "了"]]
    vocab = Vocab.build(sentences)
    m = NGramLM(len(vocab), order=2).fit([vocab.encode(s) for s in sentences])
    x, _ = training_pair_ids(sentences[0], vocab)
    dists = m.distributions(x)  # (6, V)
    assert dists[0].argmax() == vocab.index("我")
    assert dists[2].argmax() == vocab.index("上学")


def test_context_used_is_one_word_for_bigram_and_two_for_trigram():
    assert list(NGramLM(8, order=2).context_used(5)) == [5]
    assert list(NGramLM(8, order=3).context_used(5)) == [4, 5]
    assert list(NGramLM(8, order=3).context_used(0)) == [0]


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="order"):
        NGramLM(8, order=4)
    with pytest.raises(RuntimeError, match="fit"):
        NGramLM(8).next_distribution([BOS_ID])
    with pytest.raises(ValueError, match="at least one sentence"):
        NGramLM(8).fit([])
    with pytest.raises(ValueError, match="<blank>"):
        NGramLM(8).fit([[A, BLANK_ID]])
    with pytest.raises(ValueError, match="0..7"):
        NGramLM(8).fit([[A, 8]])
    with pytest.raises(ValueError, match="0..7"):
        NGramLM(8).fit(TINY).next_distribution([9])
