"""The RNN against Kneser-Ney on real text nobody wrote for this project.

    apt-get install debian-reference-en debian-reference-zh-cn   # once
    python bench/bench_realtext.py [--minutes 3] [--recipes default,irnn] [--languages en,zh]
                                   [--units word,char]

Extracts the Debian Reference (HTML in /usr/share/debian-reference) into one sentence per line,
under /tmp/unrolled-realtext (never into the repository), then trains each recipe with the
project's own CLI (`python -m rnn_core train --json`, a time budget per run) and prints, side by
side, the held-out perplexity of the RNN and of the project's 2-gram and Kneser-Ney 3-gram on the
same split, vocabulary and <unk> rule, and of the two mixed half and half token by token
(rnn_core.fit.interpolated_perplexity, Mikolov et al. 2010), for word and character models
(`--unit char`: the n-grams are then of characters too, and perplexity is per character).
docs/performance.md keeps the figures.
"""

from __future__ import annotations

import argparse
import html.parser
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/debian-reference")
WORK = Path("/tmp/unrolled-realtext")
MAX_BYTES = 4_800_000  # the CLI reads a corpus of at most 5 MB
RECIPES = {
    # the CLI's defaults (what a new user gets): since 2026-12-01 the GRU 384 with dropout 0.5
    "default": [],
    # the CLI's defaults before: the IRNN of the built-in models, 64 units, η 0.01
    "irnn": [
        *("--cell", "rnn", "--hidden", "64", "--activation", "relu", "--init", "identity"),
        *("--lr", "0.01", "--dropout", "0"),
    ],
    # larger, tanh, Adam: what issue 11's "tuned" run used
    "tuned": ["--hidden", "128", "--activation", "tanh", "--init", "xavier", "--optimizer", "adam"],
    # the gated cells (docs/engine.md): σ gates and a tanh candidate, Xavier W
    "gru": ["--cell", "gru", "--hidden", "128", "--init", "xavier"],
    "lstm": ["--cell", "lstm", "--hidden", "128", "--init", "xavier"],
    "gru256": ["--cell", "gru", "--hidden", "256", "--init", "xavier"],
    "gru256slow": ["--cell", "gru", "--hidden", "256", "--init", "xavier", "--lr", "0.003"],
    "gru256wd": ["--cell", "gru", "--hidden", "256", "--init", "xavier", "--word-dropout", "0.2"],
    "gru384slow": ["--cell", "gru", "--hidden", "384", "--init", "xavier", "--lr", "0.002"],
    # non-recurrent dropout on h (Zaremba et al. 2014): the remedy for over-fitting 0.4 MB
    "gru256d3": ["--cell", "gru", "--hidden", "256", "--init", "xavier", "--dropout", "0.3"],
    "gru256d5": ["--cell", "gru", "--hidden", "256", "--init", "xavier", "--dropout", "0.5"],
    "gru384d5": [
        *("--cell", "gru", "--hidden", "384", "--init", "xavier", "--dropout", "0.5"),
        *("--lr", "0.002"),
    ],
}


class _Text(html.parser.HTMLParser):
    """The visible text of an HTML page, block by block (no scripts, styles or code listings)."""

    SKIP = {"script", "style", "pre", "code", "tt", "kbd", "samp"}
    BLOCK = {"p", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "div", "br", "tr"}

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._now: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.SKIP:
            self._skip += 1
        if tag in self.BLOCK:
            self._flush()

    def handle_endtag(self, tag) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in self.BLOCK:
            self._flush()

    def handle_data(self, data) -> None:
        if not self._skip:
            self._now.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._now).split())
        if text:
            self.blocks.append(text)
        self._now = []


def sentences(language: str) -> list[str]:
    """The Debian Reference in `language` ("en" or "zh"), one sentence per item."""
    suffix = "en" if language == "en" else "zh-cn"
    out: list[str] = []
    for page in sorted(SOURCE.glob(f"*.{suffix}.html")):
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        parser.close()
        for block in parser.blocks:
            if language == "en":
                parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", block)
                keep = [p for p in parts if len(p.split()) >= 4]
            else:
                parts = re.split(r"(?<=[。！？；])", block)
                keep = [p for p in parts if len(re.findall(r"[\u4e00-\u9fff]", p)) >= 4]
            out.extend(keep)
    return out


def corpus_file(language: str) -> Path:
    """Write the language's sentences (at most MAX_BYTES) to WORK and return the path."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"debian-reference-{language}.txt"
    lines, size = [], 0
    for line in sentences(language):
        size += len(line.encode("utf-8")) + 1
        if size > MAX_BYTES:
            break
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def train(corpus: Path, language: str, unit: str, recipe: str, minutes: float) -> dict:
    """One CLI run with a time budget; its JSON report, with the run's wall-clock seconds."""
    out = WORK / f"{language}-{unit}-{recipe}.npz"
    command = [
        sys.executable,
        "-m",
        "rnn_core",
        "train",
        str(corpus),
        "--json",
        "--force",
        "--out",
        str(out),
        "--language",
        language,
        "--unit",
        unit,
        "--minutes",
        str(minutes),
        "--patience",
        "2",
        "--epochs",
        "50",
        *RECIPES[recipe],
    ]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["seconds"] = time.perf_counter() - started
    return report


def realtext_parser(doc: str) -> argparse.ArgumentParser:
    """The options every real-text bench takes: the languages and the units."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--languages", default="en,zh")
    parser.add_argument("--units", default="word,char")
    return parser


def source_missing() -> bool:
    """Whether the Debian Reference is not installed (then the bench says so and skips)."""
    if SOURCE.is_dir():
        return False
    need = "apt-get install debian-reference-en debian-reference-zh-cn"
    print(f"skipped: {SOURCE} is missing ({need})")
    return True


def main() -> None:
    parser = realtext_parser(__doc__)
    parser.add_argument("--minutes", type=float, default=3.0, help="time budget of each run")
    parser.add_argument("--recipes", default="default,irnn")
    args = parser.parse_args()
    if source_missing():
        return
    rows = []
    for language in args.languages.split(","):
        corpus = corpus_file(language)
        n = len(corpus.read_text(encoding="utf-8").splitlines())
        print(f"{language}: {n} sentences, {corpus.stat().st_size / 1e6:.1f} MB in {corpus}")
        for unit in args.units.split(","):
            for recipe in args.recipes.split(","):
                report = train(corpus, language, unit, recipe, args.minutes)
                rows.append((language, unit, recipe, report))
    print()
    print(
        "lang unit recipe     vocab   held-out perplexity: RNN   2-gram  KN 3-gram  RNN+KN  "
        "RNN/KN  RNN+KN/KN  seconds"
    )
    for language, unit, recipe, r in rows:
        ppl = r["perplexity"]
        rnn, bigram, trigram = ppl["RNN"]["valid"], ppl["2-gram"]["valid"], ppl["3-gram"]["valid"]
        mixed = ppl["RNN + 3-gram"]["valid"]
        print(
            f"{language:4s} {unit:4s} {recipe:9s} {r['vocab_size']:6d} {rnn:26.1f} {bigram:8.1f} "
            f"{trigram:10.1f} {mixed:7.1f} {rnn / trigram:7.2f} {mixed / trigram:10.2f} "
            f"{r['seconds']:8.0f}"
        )


if __name__ == "__main__":
    main()
