"""Train a model on tokenized sentences and measure it: the recipe behind the CLI and make_models.

No file I/O here (that is cli.py's and make_models.py's job): sentences come in as token lists.

- A unidirectional model learns the tutorial's pairs (s w1 … wT → w1 … wT e) with rnn_core.Trainer.
- A bidirectional model learns to fill a blank (text.blank_pair: only the blank is scored). Its
  batches hold sentences of one length only (Trainer's bucket="exact"), because right-padding
  would feed the backward chain padding before the sentence's last word, which never happens when
  it reads one sentence; a unidirectional model's batches are of nearly one length ("sorted").
  With `pretrain_epochs`, its chains first learn next words in their own directions (`pretrained`).
- The n-gram baselines (2-gram and 3-gram Kneser-Ney) are fitted on the same training sentences
  and vocabulary, so their perplexities sit beside the RNN's.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from .blas import blas_threads
from .gated import set_keep_bias
from .generate import next_word_distribution
from .model import RNNLM, RNNConfig
from .ngram import NGramLM
from .optim import Optimizer, make_optimizer
from .text import BLANK, BLANK_ID, BOS, BOS_ID, EOS_ID, PAD_ID, Vocab, blank_pair, training_pair_ids
from .train import Pair, Progress, Trainer, evaluate

Sentences = Sequence[Sequence[str]]
OnStep = Callable[[Progress, int], None]  # (the step's Progress, total steps of the run)
OnEpoch = Callable[[int, float], None]  # (epoch, 1-based; held-out perplexity after it)


@dataclass(frozen=True)
class Recipe:
    """Everything that decides a trained model, given the corpus: architecture and schedule."""

    hidden_size: int = 32
    cell: str = "rnn"  # rnn, lstm or gru (a gated cell needs activation tanh)
    num_layers: int = 1
    bidirectional: bool = False
    activation: str = "relu"
    init: str = "identity"
    epochs: int = 20
    lr: float = 0.003
    optimizer: str = "adam"
    clip: float | None = 5.0
    batch_size: int = 32
    seed: int = 0
    dtype: str = "float32"
    blanks_per_sentence: int = 4  # bidirectional only: blanked positions drawn per sentence
    word_dropout: float = 0.0  # share of input words read as <unk> while training
    dropout: float = 0.0  # share of the states' units V and the layer above read as 0 (training)
    # gated cells: the keep gate's bias at the start, b_f (LSTM) or b_z (GRU); None: 1 / 0
    keep_bias: float | None = None
    lr_final: float = 1.0  # the learning rate falls linearly to lr × lr_final by the last step
    patience: int = 0  # stop after this many epochs without a better held-out perplexity (0: never)
    minutes: float | None = None  # stop after this much training time (None: no budget)
    # bidirectional only: each chain first learns next words in its own direction (pretrained)
    pretrain_epochs: int = 0
    pretrain_lr: float = 0.001

    def to_dict(self) -> dict:
        """JSON-ready, for a model file's extra."""
        return asdict(self)

    def model_config(self, vocab_size: int) -> RNNConfig:
        """The description of the model this recipe trains on a vocabulary of vocab_size."""
        return RNNConfig(
            vocab_size,
            self.hidden_size,
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
            activation=self.activation,
            seed=self.seed,
            dtype=self.dtype,
            init=self.init,
            cell=self.cell,
        )


# The command line's recipe when no flag says otherwise, for a user's real text: a GRU of 384
# units, Xavier W, Adam at η 0.002 and dropout 0.5 on h (the limit on a corpus of a few hundred
# kB is over-fitting, not time), up to 50 epochs with early stopping (--patience 2). Measured
# 2026-12-01 on the Debian Reference (bench/bench_realtext.py --minutes 8, docs/performance.md):
# held-out perplexity below the Kneser-Ney 3-gram's for words (en 42.7 against 44.3, zh 51.8
# against 53.7) and characters (en 3.4 against 6.6, zh 13.5 against 15.5). The IRNN of 64 units
# the CLI used before lost to KN with words by 52-56 % (69.0 against 44.3, 81.9 against 53.7).
DEFAULT_RECIPE = Recipe(
    hidden_size=384,
    cell="gru",
    activation="tanh",
    init="xavier",
    epochs=50,
    lr=0.002,
    dropout=0.5,
)


@dataclass
class Fitted:
    """A trained model with its optimizer and trainer state, ready to save; with held-out
    sentences, the weights are those of the best epoch."""

    model: RNNLM
    optimizer: Optimizer
    trainer_state: dict | None
    steps: int
    valid_perplexities: list[float] = field(default_factory=list)  # after each epoch
    best_epoch: int | None = None  # 1-based, the epoch whose weights were kept
    stopped: str = "epochs"  # epochs | patience | minutes


def lm_pairs(sentences: Sentences, vocab: Vocab) -> list[Pair]:
    """The tutorial's next-word pair (x (T+1,), y (T+1,)) of every sentence."""
    return [training_pair_ids(tokens, vocab) for tokens in sentences]


def blank_training_pairs(
    sentences: Sentences, vocab: Vocab, per_sentence: int, rng: np.random.Generator
) -> list[Pair]:
    """Up to `per_sentence` blank-filling pairs per sentence, at positions drawn without repeat."""
    pairs = []
    for tokens in sentences:
        count = min(per_sentence, len(tokens))
        for position in sorted(rng.choice(len(tokens), size=count, replace=False).tolist()):
            pairs.append(blank_pair(tokens, position, vocab))
    return pairs


def every_blank_pair(sentences: Sentences, vocab: Vocab) -> list[Pair]:
    """Every word of every sentence blanked once: the held-out set of a blank-filling model."""
    return [blank_pair(tokens, p, vocab) for tokens in sentences for p in range(len(tokens))]


def new_model(recipe: Recipe, vocab_size: int) -> RNNLM:
    """An untrained RNNLM built from the recipe."""
    model = RNNLM.new(recipe.model_config(vocab_size))
    if recipe.keep_bias is not None:
        if recipe.cell == "rnn":
            raise ValueError("keep_bias is for the gated cells (lstm, gru)")
        for key in model.config.chain_keys:
            set_keep_bias(recipe.cell, model.params[f"b{key}"], recipe.keep_bias)
    return model


def pretrained(recipe: Recipe, vocab: Vocab, train: Sentences) -> RNNLM:
    """A one-layer bidirectional model whose chains start as next-word LMs, for blank filling.

    Filled from the right, a blank needs the backward chain to carry a word back over many steps;
    trained on blanks alone it learns that from a few scored slots per sentence and does not
    (measured 2026-12-02 on data/long_range_dev.tsv with the cue blanked: 9 %, the left-only LM's
    7 %). So the forward chain first learns the tutorial's next-word pairs and the backward chain
    the same pairs of the sentences reversed (which is what it reads), each as a unidirectional
    model of the recipe for `pretrain_epochs` at `pretrain_lr`; their weights become the chains
    (U1 W1 b1 and V, U1' W1' b1' and V', c the sum of both), with the <blank> column of U1, U1'
    at 0 (a blank is read as no word) and the </s> column of U1' the backward model's <s> column
    (the backward chain reads </s> first). Blank training then starts from there.
    """
    if not recipe.bidirectional or recipe.num_layers != 1:
        raise ValueError("pretrain_epochs is for a one-layer bidirectional model")
    one_way = replace(
        recipe,
        bidirectional=False,
        epochs=recipe.pretrain_epochs,
        lr=recipe.pretrain_lr,
        lr_final=1.0,
        pretrain_epochs=0,
        patience=0,
        minutes=None,
    )
    forward = _fit(one_way, vocab, train, None, None, None).model
    backward = _fit(one_way, vocab, [tokens[::-1] for tokens in train], None, None, None).model
    model = new_model(recipe, len(vocab))
    for name, value in forward.params.items():
        if name == "c":
            model.params["c"][...] = value + backward.params["c"]
            continue
        model.params[name][...] = value
        model.params[f"{name}'"][...] = backward.params[name]
    for name in ("U1", "U1'"):
        model.params[name][:, BLANK_ID] = 0
    # The backward chain reads </s> first where its one-way model read <s> first.
    model.params["U1'"][:, EOS_ID] = backward.params["U1"][:, BOS_ID]
    return model


def fit(
    recipe: Recipe,
    vocab: Vocab,
    train: Sentences,
    on_step: OnStep | None = None,
    valid: Sentences | None = None,
    on_epoch: OnEpoch | None = None,
) -> Fitted:
    """Train a new model on the training sentences as the recipe says.

    With held-out sentences (`valid`), their perplexity is measured after every epoch
    (on_epoch(epoch, perplexity) hears it), the weights of the best epoch are the ones kept,
    and recipe.patience epochs without a better one stop the run early; recipe.minutes stops it
    when the time is up (after the step under way).

    Runs with one BLAS thread whatever the caller's setting: OpenBLAS rounds a product split over
    two threads differently, and over thousands of steps that grows into other weights, so the
    same recipe and corpus would give another model on another core count (`make models` would
    not reproduce the shipped files). One thread was also the faster on the 2-core machine.
    """
    with blas_threads(1):
        return _fit(recipe, vocab, train, on_step, valid, on_epoch)


def _fit(
    recipe: Recipe,
    vocab: Vocab,
    train: Sentences,
    on_step: OnStep | None,
    valid: Sentences | None,
    on_epoch: OnEpoch | None,
) -> Fitted:
    if recipe.pretrain_epochs:
        model = pretrained(recipe, vocab, train)
    else:
        model = new_model(recipe, len(vocab))
    optimizer = make_optimizer(recipe.optimizer, lr=recipe.lr)
    trainer = Trainer(
        model,
        optimizer,
        training_pairs(model, vocab, train, recipe.blanks_per_sentence, recipe.seed),
        batch_size=recipe.batch_size,
        clip=recipe.clip,
        seed=recipe.seed,
        pad_id=PAD_ID,
        word_dropout=recipe.word_dropout,
        dropout=recipe.dropout,
        bucket=bucket_for(model),
    )
    total = recipe.epochs * trainer.batches_per_epoch
    per_epoch = trainer.batches_per_epoch
    valid_pairs = training_pairs(model, vocab, valid, recipe.blanks_per_sentence, recipe.seed + 1)
    deadline = None if recipe.minutes is None else time.monotonic() + 60 * recipe.minutes
    fitted = Fitted(model, optimizer, None, 0)
    best_ppl, best_params = math.inf, None
    for progress in trainer.run(epochs=recipe.epochs):
        if progress.nan_at is not None:
            raise FloatingPointError(f"training diverged at step {progress.nan_at}; lower --lr")
        optimizer.lr = scheduled_lr(recipe, progress.step, total)
        if on_step is not None:
            on_step(progress, total)
        out_of_time = deadline is not None and time.monotonic() > deadline
        if valid_pairs and (progress.step % per_epoch == 0 or out_of_time):
            ppl = evaluate(model, valid_pairs, batch_size=256, pad_id=PAD_ID).perplexity
            fitted.valid_perplexities.append(ppl)
            if on_epoch is not None:
                on_epoch(len(fitted.valid_perplexities), ppl)
            if ppl < best_ppl:
                best_ppl, fitted.best_epoch = ppl, len(fitted.valid_perplexities)
                best_params = {k: v.copy(order="K") for k, v in model.params.items()}
            since_best = len(fitted.valid_perplexities) - (fitted.best_epoch or 0)
            if recipe.patience and since_best >= recipe.patience:
                fitted.stopped = "patience"
                break
        if out_of_time:
            fitted.stopped = "minutes"
            break
    if best_params is not None:
        model.params.update(best_params)
    fitted.trainer_state, fitted.steps = trainer.state_dict(), trainer.step_count
    return fitted


def training_pairs(
    model: RNNLM, vocab: Vocab, sentences: Sentences | None, blanks_per_sentence: int, seed: int
) -> list[Pair]:
    """What a model of this kind learns from the sentences: the tutorial's next-word pairs, or
    for a bidirectional model blank-filling pairs (blanks_per_sentence per sentence, drawn with
    default_rng(seed))."""
    if not sentences:
        return []
    if not model.config.bidirectional:
        return lm_pairs(sentences, vocab)
    rng = np.random.default_rng(seed)
    return blank_training_pairs(sentences, vocab, blanks_per_sentence, rng)


def bucket_for(model: RNNLM) -> str:
    """How a model's batches are grouped by length: one length per batch for a bidirectional
    model (right-padding would feed its backward chain padding before the sentence's last
    word), nearly one for a unidirectional one (its padding follows every real step)."""
    return "exact" if model.config.bidirectional else "sorted"


def scheduled_lr(recipe: Recipe, step: int, total: int) -> float:
    """The learning rate after `step` of `total` updates: linear from lr to lr × lr_final."""
    return recipe.lr * (1 - (1 - recipe.lr_final) * min(step / max(total, 1), 1.0))


def perplexity(model: RNNLM, vocab: Vocab, sentences: Sentences) -> float:
    """The model's perplexity: next-word for a unidirectional model, blank-filling (every word
    blanked once) for a bidirectional one."""
    if model.config.bidirectional:
        pairs = every_blank_pair(sentences, vocab)
    else:
        pairs = lm_pairs(sentences, vocab)
    return evaluate(model, pairs, batch_size=256, pad_id=PAD_ID).perplexity


# the RNN's share in interpolated_perplexity: fixed, never tuned on the sentences it is measured on
INTERPOLATION_WEIGHT = 0.5


def interpolated_perplexity(
    model: RNNLM,
    ngram: NGramLM,
    vocab: Vocab,
    sentences: Sentences,
    weight: float = INTERPOLATION_WEIGHT,
) -> float:
    """Perplexity of the mixture weight·P_RNN + (1 − weight)·P_ngram of a next-word model and an
    n-gram, word by word (</s> included), as Mikolov et al. (2010) combine an RNN LM with a
    Kneser-Ney model. The two make different mistakes, so the mixture can beat both."""
    if model.config.bidirectional:
        raise ValueError("interpolation needs a next-word (unidirectional) model")
    if not 0.0 <= weight <= 1.0:
        raise ValueError("weight must be in [0, 1]")
    logs = []
    for tokens in sentences:
        x, y = training_pair_ids(tokens, vocab)  # (T+1,), (T+1,)
        rows = np.arange(len(y))  # (T+1,)
        p_rnn = model.forward(x)[0][rows, y].astype(np.float64)  # (T+1,)
        p_ngram = ngram.distributions(x)[rows, y]  # (T+1,)
        logs.append(np.log(weight * p_rnn + (1.0 - weight) * p_ngram))
    return float(np.exp(-np.concatenate(logs).mean()))


def ngram_models(vocab: Vocab, train: Sentences) -> dict[int, NGramLM]:
    """The 2-gram and 3-gram Kneser-Ney baselines fitted on the training sentences."""
    ids = [vocab.encode(tokens) for tokens in train]
    return {order: NGramLM(len(vocab), order).fit(ids) for order in (2, 3)}


def ngram_perplexity(ngram: NGramLM, vocab: Vocab, sentences: Sentences) -> float:
    """Perplexity of a fitted n-gram model on tokenized sentences."""
    return ngram.perplexity([vocab.encode(tokens) for tokens in sentences])


def next_words(model: RNNLM, vocab: Vocab, tokens: Sequence[str], k: int = 5) -> list[tuple]:
    """The k likeliest words after reading <s> and `tokens`: [(word, probability), ...]."""
    o = next_word_distribution(model, vocab.encode([BOS, *tokens]))  # (N,)
    return _top(o, vocab, k)


def next_words_everywhere(model: RNNLM, vocab: Vocab, tokens: Sequence[str], k: int = 5):
    """For every prefix <s> w1 … wt (t = 0..T): the k likeliest next words (unidirectional)."""
    probs, _ = model.forward(vocab.encode([BOS, *tokens]))  # (T+1, N)
    return [_top(o, vocab, k) for o in probs]


def fill_blanks(model: RNNLM, vocab: Vocab, tokens: Sequence[str], k: int = 5) -> list[list]:
    """For each <blank> in `tokens`: the k likeliest fillers of a bidirectional model."""
    if BLANK not in tokens:
        raise ValueError("the sentence has no blank: write ____ where a word is missing")
    x = vocab.encode([BOS, *tokens, "</s>"])  # (T+2,)
    probs, _ = model.forward(x)  # (T+2, N)
    return [_top(probs[t], vocab, k) for t in np.flatnonzero(x == BLANK_ID).tolist()]


def _top(o: np.ndarray, vocab: Vocab, k: int) -> list[tuple[str, float]]:
    best = np.argsort(-o, kind="stable")[:k]  # (k,)
    return [(vocab.word(i), float(o[i])) for i in best.tolist()]


# The cue's distance (tokens from the cue to its dependent word) in bins, for the remedies'
# comparison: near, middle, far (the novel set's distances run 3-31).
DISTANCE_BINS = ((1, 8), (9, 14), (15, 40))


def accuracy_by_distance(
    hits: np.ndarray, distances: Sequence[int], bins: Sequence[tuple[int, int]] = DISTANCE_BINS
) -> list[tuple[int, int, float | None, int]]:
    """(lo, hi, share of hits, cases) for every bin of cue distance lo..hi (None: no case)."""
    distances = np.asarray(distances)  # (cases,)
    out = []
    for lo, hi in bins:
        chosen = (distances >= lo) & (distances <= hi)  # (cases,)
        n = int(chosen.sum())
        out.append((lo, hi, float(hits[chosen].mean()) if n else None, n))
    return out


def dependent_hits(
    predict: Callable[[np.ndarray], np.ndarray], vocab: Vocab, cases: Sequence[tuple[list, int]]
) -> np.ndarray:
    """For each (tokens, position) case: is the word at `position` the argmax of predict(x)?

    x = <s> w1 … wT; predict returns (T+1, N) next-word distributions. Returns (cases,) bool.
    """
    hits = np.zeros(len(cases), dtype=bool)  # (cases,)
    for i, (tokens, position) in enumerate(cases):
        x, y = training_pair_ids(tokens, vocab)  # (T+1,), (T+1,)
        hits[i] = np.argmax(predict(x)[position]) == y[position]
    return hits
