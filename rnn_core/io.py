"""Save and load a model (+ vocabulary, optimizer, trainer state) as .npz, without pickle.

Format (version 1, see docs/model-format.md): every entry is a plain array; dicts are JSON
strings in 0-d unicode arrays, so np.load(..., allow_pickle=False) reads everything.
"""

import io as _io
import json
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO

import numpy as np

from .model import RNNLM, RNNConfig
from .optim import Optimizer, optimizer_from_config

FORMAT_NAME = "unrolled-rnnlm"
FORMAT_VERSION = 1
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first local header, or an empty zip
NPY_MAGIC = b"\x93NUMPY"
PathOrFile = str | os.PathLike | IO[bytes]


class ModelFormatError(ValueError):
    """The file is not an Unrolled model file, or it is corrupt or from a newer version."""


@dataclass
class Checkpoint:
    """What load() returns."""

    model: RNNLM
    vocab: list[str] | None = None
    optimizer: Optimizer | None = None
    trainer_state: dict | None = None
    extra: dict = field(default_factory=dict)


def save(
    path_or_file: PathOrFile,
    model: RNNLM,
    vocab: Sequence[str] | None = None,
    optimizer: Optimizer | None = None,
    trainer_state: dict | None = None,
    extra: dict | None = None,
) -> None:
    """Write model weights and config, and optionally vocab (a text.Vocab or its word list),
    optimizer state, trainer state (Trainer.state_dict(): step, shuffle order and rng state) and
    JSON-ready `extra`."""
    if vocab is not None and len(vocab) != model.config.vocab_size:
        raise ValueError(
            f"vocab has {len(vocab)} words but the model's vocab_size is {model.config.vocab_size}"
        )
    arrays: dict[str, np.ndarray] = {
        "format": np.array(FORMAT_NAME),
        "format_version": np.array(FORMAT_VERSION),
        "config": _json(model.config.to_dict()),
        "extra": _json(extra or {}),
    }
    arrays.update({f"param/{name}": p for name, p in model.params.items()})
    if vocab is not None:
        arrays["vocab"] = np.array(list(vocab), dtype=str)
    if optimizer is not None:
        arrays["optimizer"] = _json(optimizer.config())
        arrays.update({f"optim/{k}": v for k, v in optimizer.state_dict().items()})
    if trainer_state is not None:
        arrays["trainer"] = _json(trainer_state)
    np.savez(path_or_file, **arrays)


def load(path_or_file: PathOrFile) -> Checkpoint:
    """Read a file written by save(); ModelFormatError if it is not ours or is corrupt."""
    arrays = _read_arrays(path_or_file)
    if "format" not in arrays or str(arrays["format"]) != FORMAT_NAME:
        raise ModelFormatError("not an Unrolled model file (no 'unrolled-rnnlm' format marker)")
    version = int(arrays["format_version"]) if "format_version" in arrays else -1
    if version != FORMAT_VERSION:
        raise ModelFormatError(
            f"model file format version {version} is not supported (this engine reads "
            f"{FORMAT_VERSION})"
        )
    try:
        config = RNNConfig(**_unjson(arrays, "config"))
        params = {k.removeprefix("param/"): v for k, v in arrays.items() if k.startswith("param/")}
        model = RNNLM.from_config(config, params)
        vocab = arrays["vocab"].tolist() if "vocab" in arrays else None
        if vocab is not None and len(vocab) != config.vocab_size:
            raise ValueError(f"vocab has {len(vocab)} words, config says {config.vocab_size}")
        optimizer = None
        if "optimizer" in arrays:
            state = {
                k.removeprefix("optim/"): v for k, v in arrays.items() if k.startswith("optim/")
            }
            optimizer = optimizer_from_config(_unjson(arrays, "optimizer"), state)
        trainer = _unjson(arrays, "trainer") if "trainer" in arrays else None
        extra = _unjson(arrays, "extra") if "extra" in arrays else {}
    except (ValueError, TypeError, KeyError) as err:
        raise ModelFormatError(f"corrupt model file: {err}") from err
    return Checkpoint(model, vocab, optimizer, trainer, extra)


def _read_arrays(path_or_file: PathOrFile) -> dict[str, np.ndarray]:
    if isinstance(path_or_file, str | os.PathLike):
        try:
            with open(path_or_file, "rb") as fh:  # we close it even when np.load fails
                return _read_npz(fh)
        except FileNotFoundError as err:
            raise ModelFormatError(f"no such model file: {path_or_file}") from err
        except IsADirectoryError as err:
            raise ModelFormatError(f"{path_or_file} is a folder, not a model file") from err
    return _read_npz(path_or_file)


def _read_npz(fh: IO[bytes]) -> dict[str, np.ndarray]:
    _check_zip_magic(fh)
    try:
        npz = np.load(fh, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise ModelFormatError("not an Unrolled model file (a bare .npy array)")
        with npz:
            return {k: npz[k] for k in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as err:
        if isinstance(err, ModelFormatError):
            raise
        raise ModelFormatError(f"not an Unrolled model file or corrupt: {err}") from err


def _check_zip_magic(fh: IO[bytes]) -> None:
    """Refuse what is neither a zip (.npz) nor a .npy before np.load: for any other bytes NumPy
    guesses pickle and its message suggests loading the file unsafely."""
    start = fh.tell()
    magic = fh.read(len(NPY_MAGIC))
    fh.seek(start)
    if not magic:
        raise ModelFormatError("not an Unrolled model file or corrupt: the file is empty")
    if not magic.startswith(ZIP_MAGIC) and not magic.startswith(NPY_MAGIC):
        raise ModelFormatError("not an Unrolled model file or corrupt: not a zip archive")


def _json(obj: dict) -> np.ndarray:
    return np.array(json.dumps(obj, ensure_ascii=False))


def _unjson(arrays: dict[str, np.ndarray], key: str) -> dict:
    value = json.loads(str(arrays[key]))
    if not isinstance(value, dict):
        raise ValueError(f"{key} is not a JSON object")
    return value


def to_bytes(model: RNNLM, **kwargs: object) -> bytes:
    """save() into memory, e.g. for a download."""
    buffer = _io.BytesIO()
    save(buffer, model, **kwargs)
    return buffer.getvalue()
