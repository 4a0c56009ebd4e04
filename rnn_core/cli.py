"""The command line: python -m rnn_core {train, eval, predict, generate} (docs/cli.md).

    train CORPUS.txt --out model.npz [--unit --cell --hidden --layers --bidirectional --activation
          --init --epochs --lr --optimizer --clip --batch-size --word-dropout --dropout --keep-bias
          --pretrain-epochs --seed --valid-fraction --language --max-vocab --min-count --patience
          --minutes --force]
                          train/held-out perplexity beside the 2-gram and 3-gram
    eval MODEL.npz CORPUS.txt [--train TRAIN.txt]    the RNN's perplexity beside the n-grams'
    predict MODEL.npz "a sentence" [--top-k]         top-k next words at every position
                                                     (fillers of each ____ for a blank model)
    generate MODEL.npz [--prompt --temperature --top-k --length --seed]

Every subcommand takes --json (one JSON object on stdout). Bad input (a corpus that is binary,
not UTF-8, empty or over MAX_CORPUS_BYTES; an unknown flag; a model file that is not ours or is
corrupt) prints one line "rnn_core: error: ..." on stderr and exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import numpy as np
from tqdm import tqdm

from .activations import ACTIVATIONS
from .corpus import MAX_CORPUS_BYTES, Corpus, CorpusError, read_corpus, split_held_out
from .fit import (
    DEFAULT_RECIPE,
    OnStep,
    Progress,
    Recipe,
    fill_blanks,
    fit,
    interpolated_perplexity,
    next_words_everywhere,
    ngram_models,
    ngram_perplexity,
    perplexity,
)
from .gated import CELLS
from .generate import continuation
from .init import INIT_SCHEMES
from .io import Checkpoint, ModelFormatError, load, save
from .model import DTYPES, RNNLM
from .optim import OPTIMIZERS
from .text import (
    BLANK,
    MIN_COUNT,
    UNITS,
    Language,
    Unit,
    Vocab,
    detect_language,
    join_tokens,
    tokenize,
    unit_of,
)

EXIT_USAGE = 2
GENERATE_LENGTH = {"word": 30, "char": 120}  # generate's default --length, by the model's unit


class CliError(Exception):
    """A problem with the user's input: reported as one line and exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error raises CliError (one line) instead of printing the usage."""

    def error(self, message: str) -> NoReturn:
        raise CliError(message)


# ---------------------------------------------------------------- reading the user's files


def read_corpus_file(path: Path, language: Language | None, unit: Unit = "word") -> Corpus:
    """A corpus file read by rnn_core.corpus's rule (the server's too); CliError naming the
    problem and the line (missing, a folder, too large, binary, not UTF-8, empty) otherwise."""
    if not path.exists():
        raise CliError(f"no such corpus file: {path}")
    if not path.is_file():
        raise CliError(f"{path} is not a file")
    size = path.stat().st_size
    if size > MAX_CORPUS_BYTES:  # before reading it
        raise CliError(
            f"{path} is too large: {size:,} bytes (the limit is {MAX_CORPUS_BYTES:,} bytes, "
            f"{MAX_CORPUS_BYTES / 1e6:g} MB)"
        )
    try:
        return read_corpus(path.read_bytes(), language=language, unit=unit)
    except CorpusError as err:
        raise CliError(f"{path}: {err.message}") from None


def held_out_every(valid_fraction: float) -> int:
    """Every how many sentences one is held out for a valid_fraction (0: none)."""
    return max(2, round(1 / valid_fraction)) if valid_fraction else 0


def read_model(path: Path) -> tuple[Checkpoint, Vocab]:
    """A model file with its vocabulary; CliError if it is not ours, corrupt or has no vocab."""
    try:
        checkpoint = load(path)
    except ModelFormatError as err:
        message = str(err)
        raise CliError(message if str(path) in message else f"{path}: {message}") from None
    if checkpoint.vocab is None:
        raise CliError(f"{path} holds no vocabulary: it cannot read text")
    return checkpoint, Vocab.from_list(checkpoint.vocab)


def model_language(checkpoint: Checkpoint, text: str) -> Language:
    """The model's language (extra["language"]), else the language of the text."""
    language = checkpoint.extra.get("language")
    return language if language in ("en", "zh") else detect_language(text)


def check_out_path(out: Path, force: bool) -> None:
    """Refuse an --out that is not .npz, lies in a missing folder, or exists (without --force)."""
    if out.suffix != ".npz":
        raise CliError(f"--out must name a .npz file, not {out}")
    if not out.parent.is_dir():
        raise CliError(f"the folder of --out does not exist: {out.parent}")
    if out.exists() and not force:
        raise CliError(f"{out} exists; add --force to overwrite it")


def resolve_corpus(name: str) -> Path:
    """A corpus path stored in a model's extra: absolute, or relative to the working folder
    (the built-in models name data/<lang>/train.txt, read from the repository's root)."""
    return Path(name)


# ---------------------------------------------------------------- output


@contextmanager
def progress_bar(desc: str) -> Iterator[OnStep]:
    """A tqdm bar on stderr (hidden when stderr is not a terminal) fed by fit()'s on_step."""
    with tqdm(desc=desc, unit="step", leave=False, disable=None, file=sys.stderr) as bar:

        def on_step(progress: Progress, total: int) -> None:
            bar.total = total
            bar.update(1)
            tokens = f"{progress.tokens_per_s / 1000:.1f}k"
            bar.set_postfix(loss=f"{progress.loss:.3f}", tokens_per_s=tokens, refresh=False)

        yield on_step


def emit(args: argparse.Namespace, result: dict, text: str) -> None:
    """Print the result as JSON (--json) or as text for people."""
    print(json.dumps(result, ensure_ascii=False) if args.json else text)


def _rounded(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def perplexity_table(rows: dict[str, dict[str, float | None]]) -> str:
    """Rows model → {split: perplexity} as an aligned text table."""
    splits = list(next(iter(rows.values())))
    width = max(10, *(len(name) + 2 for name in rows))
    lines = ["".ljust(width) + "".join(s.rjust(10) for s in splits)]
    for name, values in rows.items():
        cells = ("-" if v is None else f"{v:.2f}" for v in values.values())
        lines.append(name.ljust(width) + "".join(c.rjust(10) for c in cells))
    return "\n".join(lines)


# ---------------------------------------------------------------- subcommands


def recipe_from(args: argparse.Namespace) -> Recipe:
    """The training recipe given on the command line."""
    activation = args.activation or ("tanh" if args.cell != "rnn" else DEFAULT_RECIPE.activation)
    if args.cell != "rnn" and activation != "tanh":
        raise CliError(
            f"--cell {args.cell} has σ gates and tanh inside: drop --activation {activation}"
        )
    return Recipe(
        hidden_size=args.hidden,
        cell=args.cell,
        num_layers=args.layers,
        bidirectional=args.bidirectional,
        activation=activation,
        init=args.init,
        epochs=args.epochs,
        lr=args.lr,
        optimizer=args.optimizer,
        clip=args.clip if args.clip > 0 else None,
        batch_size=args.batch_size,
        seed=args.seed,
        dtype=args.dtype,
        patience=args.patience,
        minutes=args.minutes,
        word_dropout=args.word_dropout,
        dropout=args.dropout,
        keep_bias=args.keep_bias,
        pretrain_epochs=args.pretrain_epochs,
    )


def model_kind(model: RNNLM) -> str:
    """blank (bidirectional), deep (stacked layers) or lm: the server's rule."""
    if model.config.bidirectional:
        return "blank"
    return "deep" if model.config.num_layers > 1 else "lm"


def perplexity_rows(
    model: RNNLM, vocab: Vocab, train: list[list[str]], valid: list[list[str]]
) -> dict[str, dict[str, float | None]]:
    """Train/held-out perplexity of the RNN and, for a next-word model, of both n-grams."""
    rows = {"RNN": {"train": perplexity(model, vocab, train), "valid": None}}
    if valid:
        rows["RNN"]["valid"] = perplexity(model, vocab, valid)
    if model.config.bidirectional:
        return rows
    ngrams = ngram_models(vocab, train)
    for order, ngram in ngrams.items():
        rows[f"{order}-gram"] = {
            "train": ngram_perplexity(ngram, vocab, train),
            "valid": ngram_perplexity(ngram, vocab, valid) if valid else None,
        }

    # Mikolov et al. (2010): the RNN and Kneser-Ney, half each, word by word
    def mixed(sentences: list[list[str]]) -> float:
        return interpolated_perplexity(model, ngrams[3], vocab, sentences)

    rows["RNN + 3-gram"] = {"train": mixed(train), "valid": mixed(valid) if valid else None}
    return rows


def cmd_train(args: argparse.Namespace) -> None:
    """Train a model on a corpus, save it, report its perplexity beside the n-grams'."""
    check_out_path(args.out, args.force)
    corpus = read_corpus_file(args.corpus, args.language, args.unit)
    language = corpus.language
    train, valid = split_held_out(corpus.sentences, held_out_every(args.valid_fraction))
    vocab = Vocab.build(train, min_count=args.min_count, max_size=args.max_vocab)
    recipe = recipe_from(args)

    def on_epoch(epoch: int, ppl: float) -> None:
        tqdm.write(f"epoch {epoch}: held-out perplexity {ppl:.2f}", file=sys.stderr)

    with progress_bar("training") as on_step:
        fitted = fit(recipe, vocab, train, on_step, valid or None, on_epoch)
    rows = perplexity_rows(fitted.model, vocab, train, valid)
    kind = model_kind(fitted.model)
    rnn = rows["RNN"]
    extra = {
        "language": language,
        "unit": args.unit,
        "kind": kind,
        "corpus": str(args.corpus.resolve()),
        "valid_fraction": args.valid_fraction,
        "train_perplexity": rnn["train"],
        "valid_perplexity": rnn["valid"],
        "recipe": recipe.to_dict(),
        "steps": fitted.steps,
        "min_count": args.min_count,
        "max_vocab": args.max_vocab,
        "valid_perplexities": fitted.valid_perplexities,  # after each epoch
        "best_epoch": fitted.best_epoch,  # the epoch whose weights were saved
        "stopped": fitted.stopped,  # epochs | patience | minutes
    }
    save(
        args.out,
        fitted.model,
        vocab=vocab.to_list(),
        optimizer=fitted.optimizer,
        trainer_state=fitted.trainer_state,
        extra=extra,
    )
    result = {
        "out": str(args.out),
        "language": language,
        "unit": args.unit,
        "kind": kind,
        "vocab_size": len(vocab),
        "sentences": {"train": len(train), "valid": len(valid)},
        "perplexity": {k: {s: _rounded(v) for s, v in r.items()} for k, r in rows.items()},
    }
    what = "at the blank (every word blanked once)" if recipe.bidirectional else "next word"
    text = (
        f"trained {args.out} ({language}, {kind}): {len(train)} sentences, {len(valid)} held "
        f"out, {len(vocab)} words\nperplexity, {what}:\n"
        f"{perplexity_table(rows)}"
    )
    emit(args, result, text)


def cmd_eval(args: argparse.Namespace) -> None:
    """The model's perplexity on a corpus beside the 2-gram's and 3-gram's."""
    checkpoint, vocab = read_model(args.model)
    language = checkpoint.extra.get("language")
    unit = unit_of(checkpoint.extra)
    corpus = read_corpus_file(args.corpus, language if language in ("en", "zh") else None, unit)
    language, sentences = corpus.language, corpus.sentences
    model = checkpoint.model
    rnn = perplexity(model, vocab, sentences)
    rows: dict[str, dict[str, float | None]] = {"RNN": {"perplexity": rnn}}
    note = ""
    if model.config.bidirectional:
        note = "blank-filling model: perplexity at the blank, every word blanked once\n"
    else:
        train = _baseline_sentences(checkpoint, args.train, language, unit)
        if train is None:
            note = "no n-gram baselines: the training corpus is unknown (give --train)\n"
        else:
            ngrams = ngram_models(vocab, train)
            for order, ngram in ngrams.items():
                rows[f"{order}-gram"] = {"perplexity": ngram_perplexity(ngram, vocab, sentences)}
            mixed = interpolated_perplexity(model, ngrams[3], vocab, sentences)
            rows["RNN + 3-gram"] = {"perplexity": mixed}
    unknown = sum(token not in vocab for tokens in sentences for token in tokens)
    result = {
        "model": str(args.model),
        "corpus": str(args.corpus),
        "sentences": len(sentences),
        "unknown_words": unknown,
        "perplexity": {k: _rounded(r["perplexity"]) for k, r in rows.items()},
    }
    text = (
        f"{len(sentences)} sentences, {unknown} words outside the vocabulary\n{note}"
        f"{perplexity_table(rows)}"
    )
    emit(args, result, text)


def _baseline_sentences(
    checkpoint: Checkpoint, train_path: Path | None, language: Language, unit: Unit
) -> list[list[str]] | None:
    """The n-grams' training sentences: all of --train, else the training part of the corpus
    named in the model's extra (split as `train` split it), None when that file is gone."""
    valid_fraction = 0.0
    if train_path is None:
        name = checkpoint.extra.get("corpus")
        train_path = resolve_corpus(name) if isinstance(name, str) else None
        if train_path is None or not train_path.is_file():
            return None
        valid_fraction = float(checkpoint.extra.get("valid_fraction", 0.0))
    corpus = read_corpus_file(train_path, language, unit)
    return split_held_out(corpus.sentences, held_out_every(valid_fraction))[0]


def cmd_predict(args: argparse.Namespace) -> None:
    """Top-k next words at every position, or each blank's top-k fillers (bidirectional)."""
    checkpoint, vocab = read_model(args.model)
    language = model_language(checkpoint, args.sentence)
    tokens = _tokens(args.sentence, language, unit_of(checkpoint.extra))
    model = checkpoint.model
    if model.config.bidirectional:
        blanks = [i for i, t in enumerate(tokens) if t == BLANK]
        tops = fill_blanks(model, vocab, tokens, args.top_k)
        rows = [{"position": i, "read": BLANK, "top": tops[n]} for n, i in enumerate(blanks)]
        label = "blank"
    else:
        tops = next_words_everywhere(model, vocab, tokens, args.top_k)
        read = ["<s>", *tokens]
        rows = [{"position": t, "read": read[t], "top": tops[t]} for t in range(len(read))]
        label = "after"
    for row in rows:
        row["known"] = row["read"] in vocab
        row["top"] = [{"word": w, "p": round(p, 4)} for w, p in row["top"]]
    width = max(len(r["read"]) for r in rows)
    text = "\n".join(
        f"{label} {r['read'].ljust(width)}{'' if r['known'] else ' (unknown)'} → "
        + ", ".join(f"{t['word']} {t['p']:.2f}" for t in r["top"])
        for r in rows
    )
    emit(args, {"model": str(args.model), "tokens": tokens, "predictions": rows}, text)


def _tokens(text: str, language: Language, unit: Unit) -> list[str]:
    try:
        return tokenize(text, language, unit=unit)
    except ValueError as err:
        raise CliError(str(err)) from None


def cmd_generate(args: argparse.Namespace) -> None:
    """Sample a sentence word by word after a prompt."""
    checkpoint, vocab = read_model(args.model)
    language = model_language(checkpoint, args.prompt)
    unit = unit_of(checkpoint.extra)
    prompt = _tokens(args.prompt, language, unit) if args.prompt.strip() else []
    length = args.length or GENERATE_LENGTH[unit]
    draws = continuation(
        checkpoint.model,
        vocab,
        prompt,
        length,
        np.random.default_rng(args.seed),
        args.temperature,
        args.top_k,
        args.allow_unk,
    )
    words = [w for w in vocab.decode([d.id for d in draws]) if w != "</s>"]
    text = join_tokens([*prompt, *words], language, unit)
    emit(args, {"prompt": prompt, "generated": words, "text": text}, text)


# ---------------------------------------------------------------- argument parsing


def _positive_int(low: int, high: int):
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not an integer") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in {low}..{high}")
        return number

    return parse


def _float_in(low: float, high: float, low_open: bool = False):
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
        if not (low < number <= high if low_open else low <= number <= high):
            bracket = "(" if low_open else "["
            raise argparse.ArgumentTypeError(f"{value} is not in {bracket}{low}, {high}]")
        return number

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The parser of `python -m rnn_core`."""
    parser = _Parser(prog="python -m rnn_core", description="Train and use Unrolled's RNN LMs.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON object")
    r = DEFAULT_RECIPE

    train = commands.add_parser("train", parents=[common], help="train a model on a corpus")
    train.add_argument("corpus", type=Path, help="UTF-8 text, one sentence per line, ≤ 8 MB")
    train.add_argument("--out", type=Path, required=True, help="the .npz file to write")
    train.add_argument("--hidden", type=_positive_int(1, 512), default=r.hidden_size)
    train.add_argument("--layers", type=_positive_int(1, 4), default=r.num_layers)
    train.add_argument("--bidirectional", action="store_true", help="train to fill blanks")
    train.add_argument("--cell", choices=list(CELLS), default=r.cell, help="rnn (式2), lstm or gru")
    train.add_argument(
        "--activation", choices=list(ACTIVATIONS), help=f"the RNN's f (default {r.activation})"
    )
    train.add_argument("--init", choices=list(INIT_SCHEMES), default=r.init)
    train.add_argument("--epochs", type=_positive_int(1, 1000), default=r.epochs)
    train.add_argument("--lr", type=_float_in(0, 100, low_open=True), default=r.lr)
    train.add_argument("--optimizer", choices=list(OPTIMIZERS), default=r.optimizer)
    train.add_argument("--clip", type=_float_in(0, 1e6), default=r.clip, help="0: no clipping")
    train.add_argument("--batch-size", type=_positive_int(1, 4096), default=r.batch_size)
    train.add_argument(
        "--word-dropout",
        type=_float_in(0, 0.9),
        default=r.word_dropout,
        help="share of input words read as <unk> while training (a regulariser)",
    )
    train.add_argument(
        "--dropout",
        type=_float_in(0, 0.9),
        default=r.dropout,
        help="share of the hidden units V and the layer above read as 0 while training "
        "(non-recurrent dropout, a regulariser)",
    )
    train.add_argument(
        "--keep-bias",
        type=_float_in(-20, 20),
        default=r.keep_bias,
        help="a gated cell's keep-gate bias at the start: b_f of the LSTM (default 1), b_z of "
        "the GRU (default 0); 3 keeps about 95 %% of the state per step",
    )
    train.add_argument(
        "--pretrain-epochs",
        type=_positive_int(0, 1000),
        default=r.pretrain_epochs,
        help="with --bidirectional and one layer: epochs each chain first learns next words in "
        f"its own direction (at η {r.pretrain_lr}), so that it carries words far before learning "
        "blanks",
    )
    train.add_argument("--seed", type=_positive_int(0, 2**31 - 1), default=0)
    train.add_argument("--valid-fraction", type=_float_in(0, 0.5), default=0.1)
    train.add_argument("--language", choices=["en", "zh"], help="default: detected")
    train.add_argument(
        "--unit", choices=list(UNITS), default="word", help="a token is a word or a character"
    )
    train.add_argument("--max-vocab", type=_positive_int(10, 1_000_000), default=20_000)
    train.add_argument(
        "--min-count",
        type=_positive_int(1, 1_000_000),
        default=MIN_COUNT,
        help=f"words seen fewer times are <unk>, so <unk> is trained (default {MIN_COUNT})",
    )
    train.add_argument(
        "--patience",
        type=_positive_int(0, 1000),
        default=2,
        help="stop after this many epochs without a better held-out perplexity (0: never); "
        "the best epoch's weights are kept",
    )
    train.add_argument(
        "--minutes", type=_float_in(0, 10_000, low_open=True), default=None, help="time budget"
    )
    train.add_argument("--dtype", choices=list(DTYPES), default=r.dtype)
    train.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    train.set_defaults(run=cmd_train)

    ev = commands.add_parser("eval", parents=[common], help="perplexity beside the n-grams'")
    ev.add_argument("model", type=Path)
    ev.add_argument("corpus", type=Path)
    ev.add_argument(
        "--train",
        type=Path,
        help="the n-grams' training corpus (default: the model's own, when it still exists)",
    )
    ev.set_defaults(run=cmd_eval)

    pr = commands.add_parser("predict", parents=[common], help="top-k words at every position")
    pr.add_argument("model", type=Path)
    pr.add_argument("sentence", help="write ____ for a blank (bidirectional models)")
    pr.add_argument("--top-k", type=_positive_int(1, 100), default=5)
    pr.set_defaults(run=cmd_predict)

    ge = commands.add_parser("generate", parents=[common], help="sample text")
    ge.add_argument("model", type=Path)
    ge.add_argument("--prompt", default="", help="the beginning of the sentence")
    ge.add_argument("--temperature", type=_float_in(0, 100, low_open=True), default=1.0)
    ge.add_argument("--top-k", type=_positive_int(1, 1_000_000), default=None)
    ge.add_argument(
        "--length",
        type=_positive_int(1, 1000),
        default=None,
        help="tokens at most (default: 30 words, 120 characters)",
    )
    ge.add_argument("--seed", type=_positive_int(0, 2**31 - 1), default=0)
    ge.add_argument("--allow-unk", action="store_true", help="let <unk> be drawn (off: never)")
    ge.set_defaults(run=cmd_generate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; 0 on success, 2 with one line on stderr for bad input."""
    try:
        args = build_parser().parse_args(argv)
        args.run(args)
    except CliError as err:
        return _fail(str(err))
    except (ValueError, FloatingPointError, OSError) as err:
        return _fail(str(err) or type(err).__name__)
    except KeyboardInterrupt:
        print("rnn_core: interrupted", file=sys.stderr)
        return 130
    return 0


def _fail(message: str) -> int:
    print(f"rnn_core: error: {message.splitlines()[0] if message else 'failed'}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
