"""Between a session and the engine: reads a sentence as the session's model reads it, within
the server's limits, calls the engine's frame makers (rnn_core.frames, rnn_core.labs,
rnn_core.remedies) and wraps the records they return in their protocol models. No arithmetic:
app/ imports no NumPy (tests/app/test_structure.py).

Every function here is synchronous and runs in a worker thread (app.sessions.Pool).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from pydantic import BaseModel

from app.errors import ProtocolError
from app.models import LM
from app.protocol import (
    BpttBackward,
    BpttForward,
    BpttStart,
    BpttTotals,
    BuiltinModel,
    Frame,
    Generate,
    GenerateFrame,
    Gradcheck,
    GradcheckFrame,
    PredictFrame,
    RemediesFrame,
    SoftmaxFrame,
    TrainStep,
    Vanishing,
    VanishingFrame,
    VocabFrame,
)
from rnn_core.frames import (
    BackwardStep,
    BpttFrames,
    ForwardStep,
    PassTotals,
    Reader,
    blank_record,
    generate_record,
    predict_record,
    trace_pass,
)
from rnn_core.labs import gradcheck_lab, sgd_step_lab, softmax_lab, vanishing_lab
from rnn_core.ngram import NGramLM
from rnn_core.remedies import remedies_record
from rnn_core.text import (
    BLANK,
    SPECIALS,
    Vocab,
    tokenize,
    training_pair_ids,
)
from rnn_core.text import training_pairs as tutorial_pairs


def read_tokens(text: str, lm: LM, max_tokens: int, cut: bool = False) -> list[str]:
    """A sentence as lm reads it (its language and unit), within the token limit (a longer
    one is an error, or cut to its first max_tokens tokens when asked)."""
    try:
        tokens = tokenize(text, lm.language, unit=lm.unit)
    except ValueError as exc:
        raise ProtocolError("empty", str(exc), "text") from None
    if len(tokens) > max_tokens and not cut:
        raise ProtocolError(
            "too_long",
            f"the sentence has {len(tokens)} tokens; the limit is {max_tokens}",
            "text",
            params={"tokens": len(tokens), "limit": max_tokens, "unit": lm.unit},
        )
    blanks = tokens.count(BLANK)
    if blanks > 1:
        raise ProtocolError(
            "no_blank",
            f"write exactly one ____: this sentence has {blanks}",
            "text",
            params={"blanks": blanks},
        )
    return tokens[:max_tokens]


def schema_fields(source: object, schema: type[BaseModel]) -> dict:
    """The fields of a dataclass (a model's config, a session's settings) that `schema` lists."""
    return {
        f.name: getattr(source, f.name) for f in fields(source) if f.name in schema.model_fields
    }


def builtin_info(lm: LM) -> BuiltinModel:
    """The entry of a built-in model in `hello.models` and GET /api/models."""
    return BuiltinModel(
        name=lm.name,
        language=lm.language,
        kind=lm.kind,
        **schema_fields(lm.model.config, BuiltinModel),
    )


# ---------------------------------------------------------------- predict


def predict_frame(
    lm: LM,
    text: str,
    top_k_words: int,
    full: bool,
    ngrams: tuple[NGramLM, NGramLM] | None,
    left_only: LM | None,
    max_tokens: int,
    cut: bool = False,
    hide_unk: bool = False,
) -> PredictFrame:
    """The `predict` answer for a unidirectional model (ngrams) or a bidirectional one (blank);
    hide_unk: no <unk> among the top words."""
    tokens = read_tokens(text, lm, max_tokens, cut)
    if not lm.model.config.bidirectional:
        record = predict_record(reader(lm), tokens, ngrams, top_k_words, full, hide_unk)
    elif BLANK not in tokens:
        raise ProtocolError(
            "no_blank", "write ____ where the word to fill is", "text", params={"blanks": 0}
        )
    else:
        left = None if left_only is None else reader(left_only)
        record = blank_record(reader(lm), tokens, top_k_words, left, full, hide_unk)
    return PredictFrame.model_construct(**record.to_dict())


def reader(lm: LM) -> Reader:
    """A model of the server's, as the engine's predictions name their reader."""
    return Reader(lm.model, lm.vocab, lm.name, lm.language, lm.unit)


def positions(lm: LM, tokens: list[str], ngrams: tuple[NGramLM, NGramLM], k: int) -> list[dict]:
    """The predictions at every position of a sentence (training's live sample)."""
    return predict_record(reader(lm), tokens, ngrams, k).positions


def drawn_text(lm: LM, seed: int, length: int = 30) -> str:
    """A sentence the model draws from <s> (training's live sample line, min-char-rnn's habit)."""
    return generate_record(reader(lm), [], seed, length).text


def generate_frame(lm: LM, msg: Generate, seed: int, max_tokens: int) -> GenerateFrame:
    """The `generate` answer: up to msg.length words after the prompt."""
    prompt = [] if msg.text is None else read_tokens(msg.text, lm, max_tokens, msg.cut)
    if BLANK in prompt:
        raise ProtocolError(
            "blank_prompt", "a prompt to continue cannot hold a blank (____)", "text"
        )
    record = generate_record(
        reader(lm), prompt, seed, msg.length, msg.temperature, msg.top_k, msg.allow_unk
    )
    return GenerateFrame.model_construct(**record.to_dict())


def remedies_frame(
    remedies: list[tuple[str, LM]],
    measure: Callable[[LM], tuple],
    text: str,
    t: int | None,
    max_tokens: int,
) -> RemediesFrame:
    """The `remedies` answer: each (role, model) on the sentence, with its long-range accuracy
    (`measure`: the registry's, cached per model); the first model's tokenizer reads the text
    (every model of a language reads the corpus's words)."""
    first = remedies[0][1]
    tokens = read_tokens(text, first, max_tokens)
    if BLANK in tokens:
        raise ProtocolError(
            "blank_prompt", "follow the error back from a word, not a blank", "text"
        )
    if len(tokens) < 2:
        raise ProtocolError(
            "too_short", "write at least two words: a cue and a word after it", "text"
        )
    if t is not None and t > len(tokens) - 1:
        raise ProtocolError("invalid", f"t must be 1..{len(tokens) - 1} for this sentence", "t")
    record = remedies_record([(role, reader(lm), measure(lm)) for role, lm in remedies], tokens, t)
    return RemediesFrame.model_construct(**record.to_dict())


# ---------------------------------------------------------------- bptt


# the wire frame of each kind of step the engine makes
STEP_SCHEMA = {ForwardStep: BpttForward, BackwardStep: BpttBackward, PassTotals: BpttTotals}


@dataclass
class HeldPass:
    """A session's held bptt pass: the engine's frames of one traced pass (rnn_core.frames) and
    the position of the last frame sent (-1 before the first)."""

    frames: BpttFrames
    pos: int = -1

    @property
    def tokens(self) -> list[str]:
        return self.frames.tokens

    @property
    def count(self) -> int:
        """Frames of the pass: T forward, T backward, totals."""
        return self.frames.count

    def start_frame(self, mode: str, speed: float) -> BpttStart:
        """The bptt_start frame, with the mode and pace the learner asked for."""
        return BpttStart.model_construct(**self.frames.start().to_dict(), mode=mode, speed=speed)

    def frame(self, pos: int) -> Frame:
        """The frame at position pos (0..count-1), as the engine made it."""
        step = self.frames.frame(pos)
        return STEP_SCHEMA[type(step)].model_construct(**step.to_dict())


def bptt_pass(
    lm: LM, text: str, truncate: int | None, max_tokens: int, limit: int, cut: bool = False
) -> HeldPass:
    """Trace the tutorial's pairs (<s> w1 … wT → w1 … wT </s>) of a sentence."""
    tokens = read_tokens(text, lm, max_tokens, cut)
    inputs, labels = tutorial_pairs(tokens)
    return HeldPass(
        trace_pass(lm.model, lm.vocab, tokens, inputs, labels, truncate, limit, lm.name)
    )


# ---------------------------------------------------------------- small answers


def softmax_frame(z: list[float], label: int | None) -> SoftmaxFrame:
    """The tutorial's softmax and −log o[label] (natural log)."""
    if label is not None and label >= len(z):
        raise ProtocolError("bad_message", f"label must be 0..{len(z) - 1}", "label")
    return SoftmaxFrame.model_construct(**softmax_lab(z, label).to_dict())


def vocab_frame(vocab: Vocab, offset: int, limit: int) -> VocabFrame:
    """A page of the vocabulary, id order."""
    words = vocab.to_list()
    return VocabFrame(
        size=len(words),
        offset=offset,
        words=words[offset : offset + limit],
        special=dict(zip(("pad", "unk", "bos", "eos", "blank"), SPECIALS, strict=True)),
    )


# ---------------------------------------------------------------- labs


def gradcheck_frame(msg: Gradcheck) -> GradcheckFrame:
    """Central differences against BPTT for every weight of a small random model."""
    record = gradcheck_lab(
        msg.hidden, msg.layers, msg.bidirectional, msg.activation, msg.T, msg.seed, msg.tutorial
    )
    return GradcheckFrame.model_construct(**record.to_dict())


def vanishing_frame(msg: Vanishing) -> VanishingFrame:
    """A unit δ_T (seeded) carried back through 式3 along the forward pass over random words."""
    record = vanishing_lab(
        msg.hidden, msg.activation, msg.init, msg.radius, msg.T, msg.clip, msg.seed
    )
    return VanishingFrame.model_construct(**record.to_dict())


# ---------------------------------------------------------------- one SGD step


def train_step_frame(
    lm: LM,
    text: str,
    lr: float,
    clip: float | None,
    truncate: int | None,
    max_tokens: int,
    limit: int,
) -> TrainStep:
    """The tutorial's update W ← W − η ∇W E (every weight) on one sentence, before and after."""
    tokens = read_tokens(text, lm, max_tokens)
    x, y = training_pair_ids(tokens, lm.vocab)  # (T,), (T,)
    record = sgd_step_lab(lm.model, tokens, x, y, lr, clip, truncate, limit)
    return TrainStep.model_construct(**record.to_dict())
