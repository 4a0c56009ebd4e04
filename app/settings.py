"""The server's settings and limits in one object, read from UNROLLED_* environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from rnn_core.corpus import MAX_CORPUS_BYTES

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Server settings; every limit a user can hit is here and in docs/protocol.md."""

    model_config = SettingsConfigDict(env_prefix="UNROLLED_")

    templates_dir: Path = ROOT / "templates"
    static_dir: Path = ROOT / "static"
    models_dir: Path = ROOT / "models"
    data_dir: Path = ROOT / "data"
    default_language: str = "en"
    node: str = ""  # this process's name in a cluster: its session tokens start with "node."
    persist_dir: Path | None = None  # if set: session models saved at shutdown, restored at start

    # limits (docs/protocol.md lists them; hello.limits sends them to the page)
    max_message_bytes: int = 65536
    max_frame_bytes: int = 8_000_000
    max_tokens: int = 64  # a sentence's words
    max_char_tokens: int = 256  # a sentence's characters, for a character model
    max_text_chars: int = 4000
    max_hidden: int = 512
    max_layers: int = 4
    max_vocab: int = 20000
    max_corpus_bytes: int = MAX_CORPUS_BYTES  # the CLI's limit too (rnn_core.corpus): one number
    max_model_bytes: int = 64_000_000  # one model's weights (so its download uploads back)
    max_total_model_bytes: int = 2_000_000_000  # the weights every session holds of its own
    max_outbox_bytes: int = 32_000_000  # frames waiting for a client that does not read
    max_inbox: int = 64  # messages waiting for their turn in one session
    max_sessions: int = 100
    max_sessions_per_client: int = 40  # one IP (a classroom behind one NAT needs room)
    idle_timeout_s: float = 60.0  # a dropped connection's reconnect grace
    allowed_origins: list[str] = []  # WebSocket and upload origins besides the page's own
    train_max_seconds: float = 600.0
    progress_hz: float = 10.0
    matrix_max_hidden: int = 64
    max_top_k: int = 50
    gradcheck_max_hidden: int = 16
    gradcheck_max_T: int = 12
    vanishing_max_T: int = 200
    max_batch_cells: int = 20_000_000
    # A run on an uploaded corpus trains a fresh model: unless the learner configured one, with
    # Adam, which passes the 2-gram on such a corpus in a few epochs (SGD at the one-step η
    # barely moves a fresh model).
    corpus_optimizer: str = "adam"
    corpus_lr: float = 0.01

    # scheduling
    workers: int = 4
    train_workers: int = 1
    heavy_workers: int = 1  # gradcheck, vanishing, bptt passes, reading uploads
    blas_threads: int = 1
    train_slice_s: float = 0.05
    generated_every_s: float = 2.0  # a training run's progress frames renew their drawn sentence
    reap_every_s: float = 30.0
    switch_interval_s: float = 0.001

    def token_limit(self, unit: str) -> int:
        """A sentence's most tokens for a model of this unit (words or characters)."""
        return self.max_char_tokens if unit == "char" else self.max_tokens


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
