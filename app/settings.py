"""The server's settings and limits in one object, read from UNROLLED_* environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Server settings; every limit a user can hit is here and in docs/protocol.md."""

    model_config = SettingsConfigDict(env_prefix="UNROLLED_")

    root: Path = ROOT
    templates_dir: Path = ROOT / "templates"
    static_dir: Path = ROOT / "static"
    models_dir: Path = ROOT / "models"
    data_dir: Path = ROOT / "data"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
