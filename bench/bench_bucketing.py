"""What length bucketing saves on real text: padded cells and real tokens/s, with and without.

    python bench/bench_bucketing.py [--steps 40] [--languages en,zh] [--units word,char]

On the Debian Reference sentences bench_realtext.py extracts (apt-get install
debian-reference-en debian-reference-zh-cn; skipped with a message when missing), the CLI's
default model (rnn_core.fit.DEFAULT_RECIPE) trains the same number of steps three ways in one
run, one after the other: batches drawn at random (no bucketing: every batch padded to its
longest sentence), "sorted" (the CLI's and the server's way for a next-word model: batches of
similar length) and "exact" (one length per batch, a bidirectional model's way). It prints the
share of padded positions in the batches (the softmax and BPTT skip padded targets, but the
forward and the recurrence still run over them) and the real (scored) tokens per second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_realtext import corpus_file, realtext_parser, source_missing  # noqa: E402

from rnn_core.blas import set_blas_threads  # noqa: E402
from rnn_core.corpus import read_corpus  # noqa: E402
from rnn_core.fit import DEFAULT_RECIPE, new_model, training_pairs  # noqa: E402
from rnn_core.optim import make_optimizer  # noqa: E402
from rnn_core.text import MIN_COUNT, PAD_ID, Vocab  # noqa: E402
from rnn_core.train import Trainer, bucketed_batches  # noqa: E402


def padded_share(lengths: list[int], batch_size: int, bucket: str | None) -> float:
    """The share of padded positions over one epoch of batches."""
    batches = bucketed_batches(lengths, batch_size, bucket, np.random.default_rng(0))
    real = sum(lengths)
    cells = sum(len(b) * max(lengths[i] for i in b) for b in batches)
    return 1 - real / cells


def tokens_per_s(pairs, vocab_size: int, bucket: str | None, steps: int) -> float:
    """Scored tokens per second of `steps` training steps of the default model."""
    recipe = DEFAULT_RECIPE
    model = new_model(recipe, vocab_size)
    trainer = Trainer(
        model,
        make_optimizer(recipe.optimizer, lr=recipe.lr),
        pairs,
        batch_size=recipe.batch_size,
        clip=recipe.clip,
        seed=0,
        pad_id=PAD_ID,
        dropout=recipe.dropout,
        bucket=bucket,
    )
    tokens, start = 0, time.perf_counter()
    for progress in trainer.run(steps=steps):
        tokens += progress.tokens
    return tokens / (time.perf_counter() - start)


def main() -> None:
    parser = realtext_parser(__doc__)
    parser.add_argument("--steps", type=int, default=40, help="training steps per way")
    args = parser.parse_args()
    if source_missing():
        return
    set_blas_threads(1)
    print(f"the CLI's default model: {DEFAULT_RECIPE}")
    print(
        f"{'lang':4} {'unit':4} {'sentences':>9} {'way':>7} {'padded':>7} {'tokens/s':>9} "
        f"{'× random':>9}"
    )
    for language in args.languages.split(","):
        raw = corpus_file(language).read_bytes()
        for unit in args.units.split(","):
            corpus = read_corpus(raw, language=language, unit=unit)  # as the CLI: no line cut
            vocab = Vocab.build(corpus.sentences, min_count=MIN_COUNT)
            model = new_model(DEFAULT_RECIPE, len(vocab))
            pairs = training_pairs(model, vocab, corpus.sentences, 1, 0)
            lengths = [len(x) for x, _ in pairs]
            rates = {}
            for bucket in (None, "sorted", "exact"):
                share = padded_share(lengths, DEFAULT_RECIPE.batch_size, bucket)
                rates[bucket] = tokens_per_s(pairs, len(vocab), bucket, args.steps)
                print(
                    f"{language:4} {unit:4} {len(pairs):9d} {bucket or 'random':>7} "
                    f"{100 * share:6.1f}% {rates[bucket]:9.0f} {rates[bucket] / rates[None]:9.2f}"
                )


if __name__ == "__main__":
    main()
