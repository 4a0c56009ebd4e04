"""Turns rnn_core results into protocol frames: selection and serialisation only, no math.

Every function here is synchronous and runs in a worker thread (app.sessions.Pool).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np
from pydantic import BaseModel

from app.errors import ProtocolError
from app.models import LM
from app.protocol import (
    Blank,
    BpttBackward,
    BpttForward,
    BpttStart,
    BpttTotals,
    BuiltinModel,
    DistanceBin,
    Drawn,
    Frame,
    Generate,
    GenerateFrame,
    Gradcheck,
    GradcheckFrame,
    Guess,
    PredictFrame,
    RemediesFrame,
    RemedyModel,
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
    guesses,
    guesses_rows,
    trace_pass,
    vec,
)
from rnn_core.generate import continuation
from rnn_core.labs import gradcheck_lab, sgd_step_lab, softmax_lab, vanishing_lab
from rnn_core.ngram import NGramLM
from rnn_core.remedies import remedy_view
from rnn_core.text import (
    BLANK,
    BOS,
    EOS,
    SPECIALS,
    UNK,
    UNK_ID,
    Vocab,
    tokenize,
    training_pair_ids,
)
from rnn_core.text import training_pairs as tutorial_pairs
from rnn_core.views import (
    all_finite,
    label_loss,
    mean_loss,
    running_product,
)


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


def _span(used: range) -> dict:
    """Input positions (0 = <s>) → the token span [start, end) they cover (`Span` fields)."""
    return {"start": max(used.start - 1, 0), "end": max(used.stop - 1, 0)}


def _positions(
    vocab: Vocab,
    labels: list[str],
    y: np.ndarray,
    dists: dict[str, np.ndarray],
    ngrams: tuple[NGramLM, NGramLM],
    k: int,
    hide_unk: bool = False,
) -> list[dict]:
    """Predictions at every input position t = 0..T (after <s> and tokens[0:t])."""
    top = {name: guesses_rows(vocab, d, k, hide_unk) for name, d in dists.items()}
    next_p = {name: d[np.arange(len(y)), y].tolist() for name, d in dists.items()}
    loss = label_loss(next_p["rnn"]).tolist()  # (T+1,) −log o_t[y_t]
    sentence_p = running_product(next_p["rnn"]).tolist()  # (T+1,) o_1[y_1] … o_t[y_t]
    return [
        {
            "t": t,
            "context": {
                "rnn": {"start": 0, "end": t},
                "bigram": _span(ngrams[0].context_used(t)),
                "trigram": _span(ngrams[1].context_used(t)),
            },
            "rnn": top["rnn"][t],
            "bigram": top["bigram"][t],
            "trigram": top["trigram"][t],
            "next": {"word": labels[t], "id": int(y[t]), "p": next_p["rnn"][t]},
            "next_p": {name: p[t] for name, p in next_p.items()},
            "loss": loss[t],
            "sentence_p": sentence_p[t],
        }
        for t in range(len(labels))
    ]


def predictions(
    lm: LM, tokens: list[str], ngrams: tuple[NGramLM, NGramLM], k: int, hide_unk: bool = False
) -> tuple[list[dict], np.ndarray, dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """Positions, RNN outputs o (T+1, V), states (chain -> (T+1, H)) and a gated model's gates
    and c_t (chain -> name -> (T+1, H); {} for an RNN) of a sentence."""
    inputs, labels = tutorial_pairs(tokens)
    x, y = lm.vocab.encode(inputs), lm.vocab.encode(labels)  # (T+1,), (T+1,)
    o, states, inside = lm.model.forward_inside(x)  # (T+1, V), chain -> (T+1, H)
    dists = {"rnn": o, "bigram": ngrams[0].distributions(x), "trigram": ngrams[1].distributions(x)}
    return _positions(lm.vocab, labels, y, dists, ngrams, k, hide_unk), o, states, inside


def _sentence_loss(positions: list[dict]) -> dict:
    """PredictFrame.loss and .perplexity: the mean −log o_t[y_t] of the sentence and its exp."""
    mean, perplexity = mean_loss([p["next"]["p"] for p in positions])
    return {"loss": mean, "perplexity": perplexity}


def _inside(inside: dict[str, dict[str, np.ndarray]]) -> dict | None:
    """PredictFrame.inside: a gated model's gates and c_t as lists; None for an RNN."""
    if not inside:
        return None
    return {key: {name: vec(a) for name, a in parts.items()} for key, parts in inside.items()}


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
    ids = lm.vocab.encode(tokens)
    common = {
        "model": lm.name,
        "language": lm.language,
        "unit": lm.unit,
        "tokens": tokens,
        "ids": vec(ids),
        "unknown": [i == UNK_ID and t != UNK for i, t in zip(ids.tolist(), tokens, strict=True)],
    }
    if lm.model.config.bidirectional:
        return _blank_frame(lm, tokens, top_k_words, full, left_only, common, hide_unk)
    positions, o, states, inside = predictions(lm, tokens, ngrams, top_k_words, hide_unk)
    inputs, labels = tutorial_pairs(tokens)
    return PredictFrame.model_construct(
        **common,
        inputs=inputs,
        labels=labels,
        positions=positions,
        **_sentence_loss(positions),
        states={key: vec(s) for key, s in states.items()},
        inside=_inside(inside),
        full=vec(o) if full else None,
        blank=None,
        nonfinite=not all_finite(o, *states.values()),
    )


def drawn_words(lm: LM, prompt: list[str], rng: np.random.Generator, **options) -> list[Drawn]:
    """Words the model draws after the prompt (rnn_core.generate.continuation's options)."""
    draws = continuation(lm.model, lm.vocab, prompt, rng=rng, **options)
    return [Drawn(word=lm.vocab.word(d.id), id=d.id, p_model=d.p_model, p=d.p) for d in draws]


def drawn_text(lm: LM, seed: int, length: int = 30) -> str:
    """A sentence the model draws from <s> (training's live sample line, min-char-rnn's habit)."""
    words = [w.word for w in drawn_words(lm, [], np.random.default_rng(seed), length=length)]
    return lm.join([w for w in words if w != EOS])


def generate_frame(lm: LM, msg: Generate, seed: int, max_tokens: int) -> GenerateFrame:
    """The `generate` answer: up to msg.length words after the prompt."""
    prompt = [] if msg.text is None else read_tokens(msg.text, lm, max_tokens, msg.cut)
    if BLANK in prompt:
        raise ProtocolError(
            "blank_prompt", "a prompt to continue cannot hold a blank (____)", "text"
        )
    words = drawn_words(
        lm,
        prompt,
        np.random.default_rng(seed),
        length=msg.length,
        temperature=msg.temperature,
        top_k=msg.top_k,
        allow_unk=msg.allow_unk,
    )
    ended = bool(words) and words[-1].word == EOS
    text = lm.join(prompt + [w.word for w in words[: len(words) - ended]])
    return GenerateFrame(
        model=lm.name,
        language=lm.language,
        prompt=prompt,
        words=words,
        ended=ended,
        text=text,
        prompt_text=lm.join(prompt),
        seed=seed,
        temperature=msg.temperature,
        top_k=msg.top_k,
    )


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
    models, position = [], len(tokens) - 1 if t is None else t
    for role, lm in remedies:
        accuracy, bins = measure(lm)
        view = remedy_view(lm.model, lm.vocab, tokens, position)
        config = lm.model.config
        top_id, top_p = view.top
        models.append(
            RemedyModel(
                role=role,
                model=lm.name,
                cell=config.cell,
                activation=config.activation,
                init=config.init,
                hidden_size=config.hidden_size,
                strip=view.strip.tolist(),
                relative=view.relative.tolist(),
                reach=view.reach,
                verdict=view.verdict,
                p_label=view.p_label,
                top=Guess(word=lm.vocab.word(top_id), id=top_id, p=top_p),
                accuracy=accuracy,
                by_distance=[
                    DistanceBin(lo=lo, hi=hi, accuracy=acc, cases=n) for lo, hi, acc, n in bins
                ],
            )
        )
    return RemediesFrame(
        language=first.language,
        tokens=tokens,
        inputs=[BOS, *tokens],
        t=position,
        label=tokens[position],
        models=models,
    )


def _blank_frame(
    lm: LM,
    tokens: list[str],
    k: int,
    full: bool,
    left_only: LM | None,
    common: dict,
    hide_unk: bool = False,
) -> PredictFrame:
    """The blank's distribution from a bidirectional model, and a left-only model's guess."""
    if BLANK not in tokens:
        raise ProtocolError(
            "no_blank", "write ____ where the word to fill is", "text", params={"blanks": 0}
        )
    index = tokens.index(BLANK)
    inputs = [BOS, *tokens, EOS]
    o, states, inside = lm.model.forward_inside(lm.vocab.encode(inputs))  # (T+2, V), (T+2, H)
    dist = o[index + 1]  # (V,) the blank's slot
    left = None
    if left_only is not None:
        o_left, _ = left_only.model.forward(left_only.vocab.encode([BOS, *tokens[:index]]))
        left = guesses(left_only.vocab, o_left[-1], k, hide_unk)
    blank = Blank.model_construct(
        index=index,
        rnn=guesses(lm.vocab, dist, k, hide_unk),
        left_only=left,
        left_only_model=left_only.name if left_only is not None else None,
        full=vec(dist) if full else None,
    )
    return PredictFrame.model_construct(
        **common,
        inputs=inputs,
        labels=[],
        positions=[],
        loss=None,
        perplexity=None,
        states={key: vec(s) for key, s in states.items()},
        inside=_inside(inside),
        full=None,
        blank=blank,
        nonfinite=not all_finite(o, *states.values()),
    )


# ---------------------------------------------------------------- bptt


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
        schema = {ForwardStep: BpttForward, BackwardStep: BpttBackward, PassTotals: BpttTotals}
        return schema[type(step)].model_construct(**step.to_dict())


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
