"""rnn_core: the exact NumPy RNN language model behind Unrolled (see docs/engine.md)."""

from .activations import ACTIVATIONS, Activation, get_activation
from .generate import (
    Draw,
    adjust_distribution,
    continuation,
    next_word_distribution,
    not_drawn,
    sample,
)
from .gradcheck import (
    GradCheckResult,
    gradient_check,
    nonlinear_gradient_check,
    tutorial_gradient_check,
)
from .io import Checkpoint, ModelFormatError, load, save
from .losses import IGNORE_INDEX, cross_entropy, softmax, softmax_cross_entropy
from .model import RNNLM, ChainTrace, RNNConfig, Trace, is_finite
from .ngram import NGramLM
from .optim import SGD, Adagrad, Adam, Momentum, Optimizer, clip_grad_norm, make_optimizer
from .text import (
    Vocab,
    blank_pair,
    blank_pairs,
    detect_language,
    tokenize,
    training_pair_ids,
    training_pairs,
)
from .train import EvalResult, Progress, Trainer, evaluate, next_word_pairs, pad_batch


def options() -> dict[str, list[str]]:
    """The engine's choices, the one list every menu and check uses: cells and their gates,
    activations f, W's
    initialisations and optimizers; the units a token can be (word, char) and the character
    model's space; and the code point ranges that make a text Chinese."""
    from .gated import CELLS, GATE_NAMES
    from .init import INIT_SCHEMES
    from .optim import OPTIMIZERS
    from .text import HAN_RANGES, SPACE, UNITS

    return {
        "activations": list(ACTIVATIONS),
        "cells": list(CELLS),  # rnn (式2), or the gated lstm / gru (tanh inside: no activation)
        "gates": {cell: list(names) for cell, names in GATE_NAMES.items()},
        "inits": list(INIT_SCHEMES),
        "optimizers": list(OPTIMIZERS),
        "units": list(UNITS),
        "space": SPACE,
        "han_ranges": [list(r) for r in HAN_RANGES],
    }


__all__ = [
    "ACTIVATIONS",
    "IGNORE_INDEX",
    "RNNLM",
    "SGD",
    "Activation",
    "Adagrad",
    "Adam",
    "ChainTrace",
    "Checkpoint",
    "EvalResult",
    "GradCheckResult",
    "ModelFormatError",
    "Momentum",
    "NGramLM",
    "Optimizer",
    "Progress",
    "RNNConfig",
    "Trace",
    "Trainer",
    "options",
    "Vocab",
    "Draw",
    "adjust_distribution",
    "continuation",
    "blank_pair",
    "blank_pairs",
    "clip_grad_norm",
    "cross_entropy",
    "detect_language",
    "evaluate",
    "get_activation",
    "gradient_check",
    "is_finite",
    "load",
    "make_optimizer",
    "next_word_distribution",
    "not_drawn",
    "next_word_pairs",
    "nonlinear_gradient_check",
    "pad_batch",
    "sample",
    "save",
    "softmax",
    "softmax_cross_entropy",
    "tokenize",
    "training_pair_ids",
    "training_pairs",
    "tutorial_gradient_check",
]
