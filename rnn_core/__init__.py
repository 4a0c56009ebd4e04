"""rnn_core: the exact NumPy RNN language model behind Unrolled (see docs/engine.md)."""

from .activations import ACTIVATIONS, Activation, get_activation
from .gradcheck import (
    GradCheckResult,
    gradient_check,
    nonlinear_gradient_check,
    tutorial_gradient_check,
)
from .losses import IGNORE_INDEX, cross_entropy, softmax, softmax_cross_entropy
from .model import RNNLM, ChainTrace, RNNConfig, Trace, is_finite

__all__ = [
    "ACTIVATIONS",
    "IGNORE_INDEX",
    "RNNLM",
    "Activation",
    "ChainTrace",
    "GradCheckResult",
    "RNNConfig",
    "Trace",
    "cross_entropy",
    "get_activation",
    "gradient_check",
    "is_finite",
    "nonlinear_gradient_check",
    "softmax",
    "softmax_cross_entropy",
    "tutorial_gradient_check",
]
