"""Unrolled's web layer: validates, schedules and serialises; the math lives in rnn_core."""

__version__ = "0.1.0"
