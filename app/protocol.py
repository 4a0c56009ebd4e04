"""The WebSocket protocol: every client message and every server frame as a pydantic v2 model.

docs/protocol.md shows each one with a JSON example. Client messages carry `type` and `id`;
server frames carry `type`, `re` (the id of the message they answer, null when unsolicited)
and `seq` (a per-connection counter that starts at 0 and has no gaps).

Conventions shared by every frame:
- time steps `t` and `k` are 1-based (as the tutorial writes them); vocabulary ids, one-hot
  indices and softmax labels are 0-based;
- a "chain" key names one recurrent chain: "1", "1'", "2", "2'", ... (layer, ' = backward chain);
- a number that is NaN or ±inf is sent as null and the frame's `nonfinite` flag is true;
- matrices are lists of rows; a matrix too large to send (hidden size above
  `limits.matrix_max_hidden`) is null and the frame's `matrices` flag is false (norms still sent).
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from rnn_core import ACTIVATIONS
from rnn_core.gated import CELLS
from rnn_core.text import UNITS

# strict: an id is echoed back as `re` exactly as sent, so true or 1.0 is refused, not made 1
RequestId = (
    Annotated[str, Field(min_length=1, max_length=64, strict=True)]
    | Annotated[int, Field(ge=-(2**53), le=2**53, strict=True)]
)
Number = float | None
Vector = list[Number]
Matrix = list[Vector]
Activation = Literal[tuple(ACTIVATIONS)]  # the engine's list (rnn_core.options())
Cell = Literal[tuple(CELLS)]  # rnn (式2) or a gated lstm / gru (rnn_core.options())
Unit = Literal[tuple(UNITS)]  # a token is a word or a character (rnn_core.options())
Seed = Annotated[int, Field(ge=0, le=2**32 - 1)]
ModelName = Annotated[str, Field(min_length=1, max_length=64)]
# at most limits.max_text_chars characters (checked by app.service.parse, with the code too_long)
Sentence = Annotated[str, Field(min_length=1)]
Logit = Annotated[float, Field(ge=-1e6, le=1e6)]


class Message(BaseModel):
    """Base of every client → server message."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: RequestId


# ---------------------------------------------------------------- client → server messages


class Resume(Message):
    """Attach this connection to an earlier session (same as connecting with ?session=TOKEN)."""

    type: Literal["resume"]
    session: Annotated[str, Field(min_length=1, max_length=128)]


class Ping(Message):
    """Round-trip check; answered by `pong`."""

    type: Literal["ping"]


class Predict(Message):
    """Next-word predictions for every position of `text` (RNN, 2-gram, 3-gram)."""

    type: Literal["predict"]
    text: Sentence
    top_k: Annotated[int, Field(ge=1)] = 5  # at most limits.max_top_k
    full: bool = False
    model: ModelName | None = None
    cut: bool = False  # read only the first limits.max_tokens tokens of a longer sentence
    hide_unk: bool = False  # no <unk> among the top words (the probabilities stay the model's)


class Bptt(Message):
    """One forward and backward pass on `text`, held by the server as a list of frames."""

    type: Literal["bptt"]
    text: Sentence
    mode: Literal["stream", "step"] = "step"
    speed: Annotated[float, Field(gt=0, le=100)] = 4.0
    truncate: Annotated[int, Field(ge=1, le=1000)] | None = None
    model: ModelName | None = None
    cut: bool = False  # read only the first limits.max_tokens tokens of a longer sentence


class Step(Message):
    """Move through the held bptt pass: one frame forward/backward, or jump to position `to`."""

    type: Literal["step"]
    dir: Literal["forward", "backward"] | None = None
    to: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def exactly_one(self) -> "Step":
        """Either `dir` or `to`, not both and not neither."""
        if (self.dir is None) == (self.to is None):
            raise ValueError("give exactly one of 'dir' and 'to'")
        return self


class Play(Message):
    """Stream the held bptt pass from the current position on, paced at `speed` frames/s."""

    type: Literal["play"]
    speed: Annotated[float, Field(gt=0, le=100)] | None = None


class Pause(Message):
    """Stop streaming the held bptt pass; the position is kept."""

    type: Literal["pause"]


class Train(Message):
    """Control training, or apply one SGD step to one sentence (`action: "step"`)."""

    type: Literal["train"]
    action: Literal["start", "pause", "resume", "stop", "step"]
    corpus: Literal["builtin", "uploaded"] = "builtin"
    epochs: Annotated[int, Field(ge=1, le=1000)] = 5
    batch_size: Annotated[int, Field(ge=1, le=512)] = 16
    max_seconds: Annotated[float, Field(gt=0)] | None = None
    # the least wall-clock seconds the run takes (its steps spread evenly over them, so a class
    # can watch it); 0 or null: as fast as the server can
    pace_s: Annotated[float, Field(ge=0, le=300)] | None = None
    text: Sentence | None = None
    sample: Sentence | None = None

    @model_validator(mode="after")
    def step_needs_text(self) -> "Train":
        """`step` trains on `text`, so it must be there."""
        if self.action == "step" and self.text is None:
            raise ValueError("action 'step' needs 'text'")
        return self


class Configure(Message):
    """Replace the session's model: a new one with these settings, or the built-in `model`."""

    type: Literal["configure"]
    model: ModelName | None = None
    language: Literal["en", "zh"] | None = None
    unit: Unit = "word"  # a fresh model reads words or characters of the built-in corpus
    cell: Cell = "rnn"  # lstm and gru need activation tanh (σ gates, tanh inside)
    hidden_size: Annotated[int, Field(ge=1)] = 32
    num_layers: Annotated[int, Field(ge=1)] = 1
    bidirectional: bool = False
    activation: Activation = "tanh"
    bias: bool = True
    init: Annotated[str, Field(min_length=1, max_length=32)] = "xavier"
    radius: Annotated[float, Field(gt=0, le=100)] | None = None
    # None: Adam for a fresh model, SGD for a built-in one; a run on an uploaded corpus then
    # picks its own (Settings.corpus_optimizer)
    optimizer: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    lr: Annotated[float, Field(gt=0, le=100)] | None = None  # None: η for that kind of model
    clip: Annotated[float, Field(gt=0)] | None = 5.0
    truncate: Annotated[int, Field(ge=1, le=1000)] | None = None
    seed: Seed = 0


class Gradcheck(Message):
    """Numeric against analytic gradient for every weight of a small random model."""

    type: Literal["gradcheck"]
    activation: Activation = "tanh"
    bidirectional: bool = False
    layers: Annotated[int, Field(ge=1)] = 1
    hidden: Annotated[int, Field(ge=1)] = 4
    T: Annotated[int, Field(ge=1)] = 4
    seed: Seed = 0
    tutorial: bool = False


class Vanishing(Message):
    """‖δ_k‖ for every k of one long sequence through a random W of spectral radius `radius`."""

    type: Literal["vanishing"]
    activation: Activation = "tanh"
    radius: Annotated[float, Field(gt=0, le=100)] = 1.0
    T: Annotated[int, Field(ge=1)] = 50
    hidden: Annotated[int, Field(ge=1)] = 32
    clip: Annotated[float, Field(gt=0)] | None = None
    init: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    seed: Seed = 0


class Softmax(Message):
    """The softmax / cross-entropy playground: o = softmax(z), loss = −log o[label]."""

    type: Literal["softmax"]
    z: Annotated[list[Logit], Field(min_length=1, max_length=1000)]
    label: Annotated[int, Field(ge=0)] | None = None


class Generate(Message):
    """Sample words after `text` (none: a sentence from <s>) until </s> or `length` words."""

    type: Literal["generate"]
    text: Sentence | None = None
    temperature: Annotated[float, Field(ge=0.05, le=5.0)] = 1.0
    top_k: Annotated[int, Field(ge=1)] | None = None  # null: every word
    length: Annotated[int, Field(ge=1)] = 30  # at most limits.max_tokens
    allow_unk: bool = False  # <unk> names no word, so it is never drawn unless asked
    seed: Seed | None = None  # null: a new seed, sent back in the frame
    model: ModelName | None = None
    cut: bool = False


class Remedies(Message):
    """The tutorial's remedies side by side on `text`: how far back the error at position `t`
    (default: the one predicting the last word) reaches in each model, and their long-range
    accuracy by the cue's distance."""

    type: Literal["remedies"]
    text: Sentence
    t: Annotated[int, Field(ge=1)] | None = None


class VocabRequest(Message):
    """A page of the session model's vocabulary (id → word)."""

    type: Literal["vocab"]
    offset: Annotated[int, Field(ge=0)] = 0
    limit: Annotated[int, Field(ge=1, le=50000)] = 50000


ClientMessage = Annotated[
    Resume
    | Ping
    | Predict
    | Bptt
    | Step
    | Play
    | Pause
    | Train
    | Configure
    | Gradcheck
    | Vanishing
    | Softmax
    | Generate
    | Remedies
    | VocabRequest,
    Field(discriminator="type"),
]
CLIENT_MESSAGE = TypeAdapter(ClientMessage)
MESSAGE_TYPES = (
    "resume ping predict bptt step play pause train configure gradcheck vanishing softmax generate"
    " remedies vocab"
).split()


# ---------------------------------------------------------------- pieces of frames


class Part(BaseModel):
    """Base of the parts of frames (no extra keys, NaN allowed: it is encoded as null)."""

    model_config = ConfigDict(extra="forbid")


class ModelInfo(Part):
    """What the page needs to know about a model to draw it."""

    name: str
    origin: Literal["builtin", "configured", "uploaded", "trained"]
    language: str
    unit: Unit
    cell: Cell
    vocab_size: int
    hidden_size: int
    num_layers: int
    bidirectional: bool
    activation: str
    bias: bool
    init: str
    radius: Number
    optimizer: str
    lr: float
    clip: Number
    truncate: int | None
    seed: int
    chains: list[str]
    params: dict[str, list[int]]


class BuiltinModel(Part):
    """One entry of the built-in model list."""

    name: str
    language: str
    kind: Literal["lm", "blank", "deep"]
    cell: Cell
    vocab_size: int
    hidden_size: int
    num_layers: int
    bidirectional: bool
    activation: str


class Limits(Part):
    """The server's limits (the same values as in Settings)."""

    max_message_bytes: int
    max_frame_bytes: int
    max_tokens: int
    max_char_tokens: int
    max_text_chars: int
    max_hidden: int
    max_layers: int
    max_vocab: int
    max_corpus_bytes: int
    max_model_bytes: int
    max_sessions: int
    idle_timeout_s: float
    train_max_seconds: float
    progress_hz: float
    matrix_max_hidden: int
    max_top_k: int
    gradcheck_max_hidden: int
    gradcheck_max_T: int
    vanishing_max_T: int
    max_batch_cells: int


class Guess(Part):
    """One candidate word and its probability."""

    word: str
    id: int
    p: Number


class Drawn(Part):
    """One generated word: its probability under the model (o_t) and as drawn from (after
    temperature, top-k and the words never drawn)."""

    word: str
    id: int
    p_model: Number
    p: Number


class Span(Part):
    """Token positions [start, end) that a model can see when predicting (0-based tokens)."""

    start: int
    end: int


class ErrorEntry(Part):
    """One component of an output error: o_t − y_t of one position (predict), or e_t =
    (o_t − y_t)/N, the share of the mean loss's gradient that starts BPTT (bptt frames)."""

    word: str
    id: int
    value: Number


class Position(Part):
    """Predictions after having read tokens[0:t] (t = 0 is right after the start word s)."""

    t: int
    context: dict[Literal["rnn", "bigram", "trigram"], Span]
    rnn: list[Guess]
    bigram: list[Guess]
    trigram: list[Guess]
    next: Guess | None
    next_p: dict[Literal["rnn", "bigram", "trigram"], Number] | None
    loss: Number  # −log o_t[y_t], the RNN's cross-entropy at t
    sentence_p: Number  # o_1[y_1] … o_t[y_t], the sentence's probability so far
    error: list[ErrorEntry]  # o_t − y_t at the label, then at the top guesses that are not it


class Blank(Part):
    """The bidirectional model's distribution for the blank, and a left-only model's guess."""

    index: int
    rnn: list[Guess]
    left_only: list[Guess] | None
    left_only_model: str | None
    full: Vector | None


class GateStep(Part):
    """One gate q of a gated chain at t: net_q = U_q x_t + W_q h_{t-1} (+ b_q), value = σ(net_q)
    (tanh for the candidates c̃, h̃). The GRU candidate's W_h h_{t-1} enters as r_t ∘ (W_h h_{t-1})
    (`reset`); every other gate's `reset` is null."""

    net: Vector
    value: Vector
    Ux: Vector
    Ws: Vector
    b: Vector | None
    reset: Vector | None


class ForwardChain(Part):
    """One chain at time t of the forward pass (式2): net = Ux + Ws (+ b), s = f(net).

    A gated chain (LSTM, GRU) has s = h_t, s_prev = h_{t-1}, and its net, Ux, Ws, b every gate's
    stacked in gated.GATE_NAMES order (G·H); `gates` has them by name, c and c_prev the LSTM's
    c_t and c_{t-1}. An RNN chain's gates, c and c_prev are null."""

    t: int
    net: Vector
    s: Vector
    s_prev: Vector
    Ux: Vector
    Ws: Vector
    b: Vector | None
    gates: dict[str, GateStep] | None = None
    c: Vector | None = None
    c_prev: Vector | None = None


class BackwardChain(Part):
    """One chain at the step the backward pass has reached (式3, 式4, 式5, 式6, 式8)."""

    t: int
    delta: Vector
    delta_out: Vector
    delta_time: Vector
    delta_up: Vector
    delta_norm: Number
    delta_out_norm: Number
    delta_time_norm: Number
    delta_up_norm: Number
    dW: Matrix | None
    dW_norm: Number
    dU: Matrix | None
    dU_index: int | None
    dU_col: Vector | None
    dU_norm: Number
    dW_sum: Matrix | None
    dW_sum_norm: Number
    truncated: bool
    # gated chains: delta is δ_h = ∂E/∂h_k (its shares as above); delta_gates δ_q = ∂E/∂net_q by
    # gate; delta_c the LSTM's δ_c = ∂E/∂c_k; carry the share the gated path brings back with no
    # W and no f′: f_{k+1} ∘ δ_{c,k+1} within δ_c (LSTM), z_{k+1} ∘ δ_{h,k+1} within δ_h (GRU)
    delta_gates: dict[str, Vector] | None = None
    delta_c: Vector | None = None
    delta_c_norm: Number = None
    carry: Vector | None = None
    carry_norm: Number = None


class Grad(Part):
    """A total gradient (or weight) with its Frobenius norm."""

    norm: Number
    matrix: Matrix | Vector | None


class WeightChange(Part):
    """One weight before and after an SGD step."""

    shape: list[int]
    norm_before: Number
    norm_after: Number
    change_norm: Number
    grad_norm: Number
    before: Matrix | Vector | None
    after: Matrix | Vector | None
    change: Matrix | Vector | None  # after − before


class CheckedWeight(Part):
    """Gradient check of one weight: `passed` when its error is below the check's tolerance."""

    max_rel_error: Number
    passed: bool
    samples: list[list[Number]]


# ---------------------------------------------------------------- server → client frames


class Frame(BaseModel):
    """Base of every server frame."""

    model_config = ConfigDict(extra="forbid")

    re: RequestId | None = None
    seq: int = 0


class Hello(Frame):
    """First frame of every connection (and the answer to `resume`)."""

    type: Literal["hello"] = "hello"
    session: str
    resumed: bool
    version: str
    model: ModelInfo
    models: list[BuiltinModel]
    limits: Limits
    training: Literal["idle", "running", "paused"]


class Pong(Frame):
    """Answer to `ping`."""

    type: Literal["pong"] = "pong"


class Ack(Frame):
    """Answer to a control message that produces no other frame (`pause`)."""

    type: Literal["ack"] = "ack"
    of: str
    pos: int | None = None


class PredictFrame(Frame):
    """Answer to `predict`."""

    type: Literal["predict"] = "predict"
    model: str
    language: str
    unit: Unit  # what one token is: a word or a character
    tokens: list[str]
    ids: list[int]
    unknown: list[bool]
    inputs: list[str]
    labels: list[str]
    positions: list[Position]
    loss: Number  # the mean of the positions' loss (−log o_t[y_t]); null for a blank model
    perplexity: Number  # exp(loss)
    states: dict[str, Matrix]
    # gated models: chain → gate name (and "c", the LSTM's c_t) → (T+1, H); null for an RNN
    inside: dict[str, dict[str, Matrix]] | None = None
    full: Matrix | None
    blank: Blank | None
    nonfinite: bool


class BpttStart(Frame):
    """A bptt pass is ready; `count` frames follow (forward T, backward T, totals 1)."""

    type: Literal["bptt_start"] = "bptt_start"
    model: str
    mode: Literal["stream", "step"]
    speed: float
    tokens: list[str]
    inputs: list[str]
    labels: list[str]
    x: list[int]
    y: list[int]
    T: int
    n_scored: int
    chains: list[str]
    count: int
    truncate: int | None
    beta_W: dict[str, Number]
    beta_f: dict[str, Number]
    bound: dict[str, Vector]
    matrices: bool
    nonfinite: bool
    note: str | None


class BpttForward(Frame):
    """Forward step t (式2 then 式1)."""

    type: Literal["bptt_forward"] = "bptt_forward"
    pos: int
    count: int
    t: int
    word: str
    x: int
    label: str
    y: int
    chains: dict[str, ForwardChain]
    top: list[Guess]
    p_label: Number
    loss_t: Number
    sentence_p: Number
    error: list[ErrorEntry]
    nonfinite: bool


class BpttBackward(Frame):
    """Backward step: k counts down T..1 for forward chains (a backward chain's own t goes up)."""

    type: Literal["bptt_backward"] = "bptt_backward"
    pos: int
    count: int
    k: int
    chains: dict[str, BackwardChain]
    matrices: bool
    nonfinite: bool


class BpttTotals(Frame):
    """The end of the pass: total gradients, loss and the bound of ‖δ‖."""

    type: Literal["bptt_totals"] = "bptt_totals"
    pos: int
    count: int
    loss: Number
    grads: dict[str, Grad]
    delta_norm: dict[str, Vector]
    bound: dict[str, Vector]
    beta_W: dict[str, Number]
    beta_f: dict[str, Number]
    matrices: bool
    nan_at: int | None
    nonfinite: bool
    note: str | None
    truncation_gap: dict[str, Number] | None
    # gated chains: ‖carry_t‖ for t = 1..T (the share the gated path brought back); null for an RNN
    carry_norm: dict[str, Vector] | None = None
    delta_c_norm: dict[str, Vector] | None = None  # LSTM chains: ‖δ_c,t‖ for t = 1..T


class TrainState(Frame):
    """Answer to train start/pause/resume/stop: the training state now."""

    type: Literal["train_state"] = "train_state"
    state: Literal["idle", "running", "paused"]
    corpus: Literal["builtin", "uploaded"] | None


class Progress(Frame):
    """Training progress, at most `limits.progress_hz` per second; coalesced: newest wins."""

    type: Literal["progress"] = "progress"
    step: int
    epoch: int
    epochs: int
    fraction: float
    loss: Number
    perplexity: Number
    grad_norms: dict[str, Number]
    clipped: bool
    clip_count: int
    tokens_per_s: float
    elapsed: float
    eta_s: float | None  # seconds the run still needs at its rate and pace (null at step 0)
    sample: list[Position] | None
    generated: str | None  # a sentence the model draws from <s> (renewed every few seconds)
    nan_at: int | None
    nonfinite: bool


class TrainDone(Frame):
    """Training ended; perplexities beside the n-gram baselines."""

    type: Literal["train_done"] = "train_done"
    reason: Literal["finished", "stopped", "time_limit", "nan"]
    steps: int
    epochs: int
    elapsed: float
    train_perplexity: Number
    valid_perplexity: Number
    bigram_valid_perplexity: Number
    trigram_valid_perplexity: Number
    nan_at: int | None
    model: ModelInfo
    message: str | None


class TrainStep(Frame):
    """Answer to train {action: "step"}: one SGD step on one sentence, every weight before/after."""

    type: Literal["train_step"] = "train_step"
    tokens: list[str]
    lr: float
    loss_before: Number
    loss_after: Number
    clipped: bool
    weights: dict[str, WeightChange]
    matrices: bool
    nan_at: int | None
    nonfinite: bool
    note: str | None


class Configured(Frame):
    """Answer to `configure` (also sent unsolicited when a model is uploaded over HTTP)."""

    type: Literal["configured"] = "configured"
    model: ModelInfo


class GradcheckFrame(Frame):
    """Answer to `gradcheck`."""

    type: Literal["gradcheck"] = "gradcheck"
    weights: dict[str, CheckedWeight]
    worst: Number
    passed: bool
    tutorial: dict[str, dict[str, Number | bool | str]] | None


class VanishingFrame(Frame):
    """Answer to `vanishing`: k = 1..T."""

    type: Literal["vanishing"] = "vanishing"
    T: int
    delta_norm: Vector
    ratio: Vector
    bound: Vector
    beta_W: Number
    beta_f: Number
    beta: Number  # β_W β_f
    nan_at: int | None
    nonfinite: bool
    grad_norm: Number
    clipped_grad_norm: Number


class SoftmaxFrame(Frame):
    """Answer to `softmax`."""

    type: Literal["softmax"] = "softmax"
    z: list[float]
    o: Vector
    label: int | None
    loss: Number


class GenerateFrame(Frame):
    """Answer to `generate`: the prompt's tokens, the drawn words, and the text they make."""

    type: Literal["generate"] = "generate"
    model: str
    language: str
    prompt: list[str]
    words: list[Drawn]
    ended: bool  # the last draw was </s>
    text: str  # prompt and words joined as the language writes them (</s> left out)
    prompt_text: str  # the prompt's part of `text`: the drawn words are text[len(prompt_text):]
    seed: int
    temperature: float
    top_k: int | None


class DistanceBin(Part):
    """Long-range accuracy for cues lo..hi tokens before their dependent word."""

    lo: int
    hi: int
    accuracy: Number | None  # null: no case at this distance
    cases: int


class RemedyModel(Part):
    """One remedy on the sentence (rnn_core.remedies.RemedyView) and on the long-range set."""

    role: Literal["tanh", "relu", "lstm", "gru"]
    model: str
    cell: str
    activation: str
    init: str
    hidden_size: int
    strip: list[Number]  # ‖∂E_t/∂x_k‖ for every input k (0 after t)
    relative: list[Number | None]  # strip / strip[t]: the share of the error at t reaching k
    reach: Number | None  # strip[1] / strip[t]
    verdict: Literal["reaches", "fades", "vanishes"]
    p_label: Number  # o_t of the dependent word
    top: Guess  # o_t's most likely word
    accuracy: Number | None  # on the hand-written long-range sentences (null: none)
    by_distance: list[DistanceBin]


class RemediesFrame(Frame):
    """Answer to `remedies`: inputs <s> w1 … wT; the error at t (label `label`) followed back."""

    type: Literal["remedies"] = "remedies"
    language: str
    tokens: list[str]
    inputs: list[str]
    t: int
    label: str
    models: list[RemedyModel]


class VocabFrame(Frame):
    """Answer to `vocab`."""

    type: Literal["vocab"] = "vocab"
    size: int
    offset: int
    words: list[str]
    special: dict[str, str]


class Error(Frame):
    """Anything invalid; the connection stays open and the session unchanged."""

    type: Literal["error"] = "error"
    code: str
    message: str
    field: str | None = None
    params: dict[str, int | str] | None = None  # the numbers of the message, for the page's words


ServerFrame = Annotated[
    Hello
    | Pong
    | Ack
    | PredictFrame
    | BpttStart
    | BpttForward
    | BpttBackward
    | BpttTotals
    | TrainState
    | Progress
    | TrainDone
    | TrainStep
    | Configured
    | GradcheckFrame
    | VanishingFrame
    | SoftmaxFrame
    | GenerateFrame
    | RemediesFrame
    | VocabFrame
    | Error,
    Field(discriminator="type"),
]
SERVER_FRAME = TypeAdapter(ServerFrame)

ERROR_CODES = {
    "bad_json": "the message is not valid JSON (NaN and Infinity are not JSON)",
    "bad_message": "the message does not match its schema (field says where)",
    "unknown_type": "no such message type",
    "too_large": "the message is larger than limits.max_message_bytes",
    "too_long": "the sentence has more than limits.max_tokens tokens (or max_text_chars chars)",
    "empty": "the sentence (or corpus) has no tokens",
    "not_text": "an uploaded corpus is binary or not UTF-8",
    "no_blank": "a bidirectional model needs exactly one ____ in the sentence",
    "blank_prompt": "a prompt to continue (generate, remedies) cannot hold a blank",
    "too_short": "remedies needs at least two words: a cue and a word after it",
    "limit": "a number is above one of the limits",
    "invalid": "the engine refused the settings (its message says why)",
    "unknown_model": "no built-in model with that name",
    "no_pass": "step/play/pause without a bptt pass",
    "no_corpus": "train on 'uploaded' before a corpus was uploaded",
    "busy": "max_sessions are open, or max_sessions_per_client of this address; try again later",
    "forbidden_origin": "an upload from a page of another origin (see allowed_origins)",
    "unknown_session": "no session with that token (expired or never existed)",
    "training": "the message needs training to be stopped first",
    "not_training": "pause/resume/stop while no training runs",
    "frame_too_large": "the answer would exceed limits.max_frame_bytes; nothing was sent",
    "internal": "a server error; the message was logged, the session is unchanged",
}
