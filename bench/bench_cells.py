"""The tutorial's remedies for vanishing gradients side by side on the built-in corpus: the
textbook tanh RNN (Xavier W), the ReLU RNN with W = I (the shipped recipe), the LSTM and the
GRU, each trained with the built-in LM's schedule (scripts/make_models.py LM_RECIPE) and
measured on held-out perplexity and on data/long_range_novel.tsv (sentences the grammar cannot
make), overall and by the cue's distance.

    python bench/bench_cells.py [--languages en,zh] [--cells tanh,relu,lstm,gru] [--epochs N]
                                [--jobs 2] [--out /tmp/unrolled-cells]

The models are written to --out (never into the repository) for a later look.
"""

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rnn_core.io import save  # noqa: E402
from scripts import make_models as mm  # noqa: E402

CELL_RECIPES = {
    "tanh": replace(mm.LM_RECIPE, activation="tanh", init="xavier"),
    "relu": mm.LM_RECIPE,
    "lstm": replace(mm.LM_RECIPE, cell="lstm", activation="tanh", init="xavier"),
    "gru": replace(mm.LM_RECIPE, cell="gru", activation="tanh", init="xavier"),
}
BINS = ((1, 8), (9, 14), (15, 40))  # the cue's distance (tokens from cue to dependent word)


def measure(name: str, language: str, cell: str, epochs: int, out: str) -> dict:
    recipe = replace(CELL_RECIPES[cell], epochs=epochs)
    built_in = mm.BuiltIn(name, language, "lm", recipe)
    corpus = mm._corpus(mm.DATA_DIR, language)
    fitted, report = mm.train_and_measure(built_in, corpus)
    save(Path(out) / f"{name}.npz", fitted.model, vocab=corpus.vocab)
    distances = np.array([position - cue for position, cue in _cues(language)])
    hits = report.novel_hits
    by_bin = {}
    for lo, hi in BINS:
        chosen = (distances >= lo) & (distances <= hi)
        by_bin[f"{lo}-{hi}"] = (
            float(hits[chosen].mean()) if chosen.any() else None,
            int(chosen.sum()),
        )
    return {
        "name": name,
        "valid": report.valid_perplexity,
        "novel": report.novel_accuracy,
        "long_range": report.long_range_accuracy,
        "by_bin": by_bin,
        "check": report.check_passed,
        "seconds": report.seconds,
    }


def _cues(language: str) -> list[tuple[int, int]]:
    """(dependent index, cue index) of every novel row of the language, in file order."""
    rows = []
    lines = (mm.DATA_DIR / "long_range_novel.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for line in lines:
        lang, _source, _family, _sentence, cue_index, _cue, dep_index, _dep = line.split("\t")
        if lang == language:
            rows.append((int(dep_index), int(cue_index)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="en,zh")
    parser.add_argument("--cells", default="tanh,relu,lstm,gru")
    parser.add_argument("--epochs", type=int, default=mm.LM_RECIPE.epochs)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default="/tmp/unrolled-cells")
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    tasks = [
        (measure, f"{language}-{cell}", language, cell, args.epochs, args.out)
        for language in args.languages.split(",")
        for cell in args.cells.split(",")
    ]
    results = mm._in_parallel(args.jobs, tasks)
    header = "model       held-out ppl  novel acc  " + "  ".join(f"d {b[0]}-{b[1]}" for b in BINS)
    print(header + "  long-range (grammar)  checks  seconds")
    for r in results:
        bins = "  ".join(
            f"{(acc if acc is not None else float('nan')):6.0%} ({n})"
            for acc, n in r["by_bin"].values()
        )
        checks = "passed" if r["check"] else "failed"
        print(
            f"{r['name']:<11} {r['valid']:12.2f} {r['novel']:10.1%}  {bins}  "
            f"{r['long_range']:20.1%}  {checks:>6}  {r['seconds']:7.0f}"
        )


if __name__ == "__main__":
    main()
