"""Long-range accuracy of every shipped next-word model on a hand-written set, beside the
Kneser-Ney 3-gram, overall and by the cue's distance: the figure that says whether a model
carries the cue on sentences the grammar does not make.

    .venv/bin/python bench/bench_long_range.py                        # data/long_range_dev.tsv
    .venv/bin/python bench/bench_long_range.py data/long_range_novel.tsv

data/long_range_dev.tsv is the development set: a recipe or a grammar change may be chosen on
it. data/long_range_novel.tsv is the test set that docs/models.md reports: never choose on it.
Trains nothing; reads models/*.npz and models/remedies/*.npz (the RNN, deep, tanh, LSTM, GRU).

The blank models are measured on the same sentences twice: with the dependent word blanked (the
words before it decide) and with the cue blanked (only the words after it name it), beside the
left-only LM (models/<lang>-lm.npz reading the words before the blank).
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rnn_core.cli import read_model  # noqa: E402
from rnn_core.fit import DISTANCE_BINS, accuracy_by_distance, dependent_hits  # noqa: E402
from rnn_core.remedies import read_long_range_cases  # noqa: E402
from rnn_core.text import BLANK, UNK_ID  # noqa: E402
from scripts import make_models  # noqa: E402
from scripts.make_models import load_corpus  # noqa: E402


def percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.0f}%"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="?", default=str(ROOT / "data" / "long_range_dev.tsv"))
    args = parser.parse_args(argv)
    path = Path(args.cases)
    bins = " | ".join(f"{lo}-{hi}" for lo, hi in DISTANCE_BINS)
    print(f"{path.name}: top-1 accuracy at the dependent word (cases per distance bin {bins})")
    for lang in ("en", "zh"):
        cases = read_long_range_cases(path, lang)
        if not cases.cases:
            continue
        corpus = load_corpus(ROOT / "data", lang)
        unknown = sum(
            int((np.array(corpus.vocab.encode(tokens)) == UNK_ID).any())
            for tokens, _ in cases.cases
        )
        three = dependent_hits(corpus.ngrams[3].distributions, corpus.vocab, cases.cases)
        rows = [("3-gram (KN)", three)]
        files = sorted((ROOT / "models").glob(f"{lang}-*.npz"))
        files += sorted((ROOT / "models" / "remedies").glob(f"{lang}-*.npz"))
        blank_files = []
        for file in files:
            checkpoint, vocab = read_model(file)
            if checkpoint.model.config.bidirectional:
                blank_files.append(file)  # a blank filler: measured below
                continue
            model = checkpoint.model
            hits = dependent_hits(lambda x, m=model: m.forward(x)[0], vocab, cases.cases)
            rows.append((file.stem, hits))
        counts = [n for *_, n in accuracy_by_distance(three, cases.distances)]
        print(
            f"\n{lang}: {len(cases.cases)} cases ({unknown} with an unknown word), "
            f"by distance {counts}, families {dict(Counter(cases.families))}"
        )
        for name, hits in rows:
            by = accuracy_by_distance(hits, cases.distances)
            families = {
                f: percent(hits[np.array(cases.families) == f].mean())
                for f in dict.fromkeys(cases.families)
            }
            print(
                f"  {name:12s} {percent(hits.mean()):>5s}   by distance "
                + " ".join(f"{percent(share):>5s}" for _, _, share, _ in by)
                + f"   {families}"
            )
        for file in blank_files:
            blank_sides(file, ROOT / "models" / f"{lang}-lm.npz", path, lang)


def blank_sides(blank_file: Path, lm_file: Path, path: Path, lang: str) -> None:
    """Top-1 at the blank, the blank model beside the left-only LM (make_models.blank_sides),
    with the dependent word blanked (the left side decides) and the cue blanked (the right)."""
    blank, vocab = read_model(blank_file)
    lm, _ = read_model(lm_file)
    cases = read_long_range_cases(path, lang)
    blanks = []
    for (tokens, dep), distance in zip(cases.cases, cases.distances, strict=True):
        for side, at in (
            ("left (dependent word blanked)", dep),
            ("right (cue blanked)", dep - distance),
        ):
            blanks.append(([*tokens[:at], BLANK, *tokens[at + 1 :]], [tokens[at]], side))
    for side, (both, left, n) in make_models.blank_sides(
        blank.model, lm.model, vocab, blanks
    ).items():
        print(
            f"  {blank_file.stem:12s} {side}: bidirectional {percent(both)}, "
            f"left-only {lm_file.stem} {percent(left)} ({n} blanks)"
        )


if __name__ == "__main__":
    main()
