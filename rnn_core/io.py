"""Save and load a model (+ vocabulary, optimizer, trainer state) as .npz, without pickle.

Format (version 2, see docs/model-format.md): every entry is a plain array; dicts are JSON
strings in 0-d unicode arrays, so np.load(..., allow_pickle=False) reads everything. Version 2
adds config.cell (rnn, lstm, gru); a version 1 file (no cell) is read as an RNN.
"""

import io as _io
import json
import math
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO

import numpy as np

from .model import MAX_HIDDEN, MAX_LAYERS, MAX_VOCAB, RNNLM, RNNConfig, param_shapes
from .optim import Optimizer, optimizer_from_config

FORMAT_NAME = "unrolled-rnnlm"
FORMAT_VERSION = 2
READ_VERSIONS = (1, 2)  # version 1: the RNN only, its config has no "cell"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first local header, or an empty zip
NPY_MAGIC = b"\x93NUMPY"
PathOrFile = str | os.PathLike | IO[bytes]


class ModelFormatError(ValueError):
    """The file is not an Unrolled model file, or it is corrupt or from a newer version."""


class ModelTooLarge(ModelFormatError):
    """The file declares a model or arrays beyond the reader's LoadLimits."""


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
    # row-major on disk whatever the order in memory (RNNLM keeps layer 1's U column-major)
    arrays.update({f"param/{name}": np.ascontiguousarray(p) for name, p in model.params.items()})
    if vocab is not None:
        arrays["vocab"] = np.array(list(vocab), dtype=str)
    if optimizer is not None:
        arrays["optimizer"] = _json(optimizer.config())
        arrays.update(
            {f"optim/{k}": np.ascontiguousarray(v) for k, v in optimizer.state_dict().items()}
        )
    if trainer_state is not None:
        arrays["trainer"] = _json(trainer_state)
    np.savez(path_or_file, **arrays)


@dataclass(frozen=True)
class LoadLimits:
    """Ceilings on what a model file declares, checked before anything of that size exists.

    The defaults are the engine's own (RNNConfig's); a server passes tighter ones.
    max_bytes bounds the arrays once unpacked, max_word_chars one vocabulary entry.
    """

    max_vocab: int = MAX_VOCAB
    max_hidden: int = MAX_HIDDEN
    max_layers: int = MAX_LAYERS
    max_bytes: int = 4 << 30
    max_word_chars: int = 256
    max_json_chars: int = 1 << 20


def load(path_or_file: PathOrFile, limits: LoadLimits | None = None) -> Checkpoint:
    """Read a file written by save(); ModelFormatError if it is not ours, is corrupt, or
    declares more than `limits` allow. Every array's shape and type is read from its header and
    checked first; only then are the arrays read."""
    limits = limits or LoadLimits()
    if isinstance(path_or_file, str | os.PathLike):
        try:
            with open(path_or_file, "rb") as fh:  # we close it even when reading fails
                return _load(fh, limits)
        except FileNotFoundError as err:
            raise ModelFormatError(f"no such model file: {path_or_file}") from err
        except IsADirectoryError as err:
            raise ModelFormatError(f"{path_or_file} is a folder, not a model file") from err
    return _load(path_or_file, limits)


def _load(fh: IO[bytes], limits: LoadLimits) -> Checkpoint:
    _check_zip_magic(fh)
    try:
        with zipfile.ZipFile(fh) as archive:
            entries = _Entries(archive, limits)
            return _checkpoint(entries, limits)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as err:
        if isinstance(err, ModelFormatError):
            raise
        raise ModelFormatError(f"not an Unrolled model file or corrupt: {err}") from err


class _Entries:
    """The .npy members of an .npz, their headers read (shape, dtype) and nothing more yet."""

    def __init__(self, archive: zipfile.ZipFile, limits: LoadLimits) -> None:
        self.archive = archive
        self.headers: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
        self.members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                raise ModelFormatError(
                    f"not an Unrolled model file: {info.filename} is not an array"
                )
            total += info.file_size
            if total > limits.max_bytes:
                raise ModelTooLarge(
                    f"the model unpacks to more than {limits.max_bytes} bytes (the limit)"
                )
            name = info.filename.removesuffix(".npy")
            with archive.open(info) as member:
                shape, dtype = _npy_header(member, name)
                data_bytes = info.file_size - member.tell()
            if dtype.hasobject:
                raise ModelFormatError(
                    f"not an Unrolled model file or corrupt: {name} holds Python objects "
                    "(pickle), which are refused"
                )
            declared = math.prod(shape) * dtype.itemsize
            if declared > data_bytes:
                raise ModelFormatError(f"{name} declares more data than the file holds")
            self.headers[name] = (tuple(int(n) for n in shape), dtype)
            self.members[name] = info

    def __contains__(self, name: str) -> bool:
        return name in self.headers

    def shape(self, name: str) -> tuple[int, ...]:
        return self.headers[name][0]

    def dtype(self, name: str) -> np.dtype:
        return self.headers[name][1]

    def read(self, name: str) -> np.ndarray:
        """The array itself (its header was checked when the file was opened)."""
        with self.archive.open(self.members[name]) as member:
            return np.lib.format.read_array(member, allow_pickle=False)

    def text(self, name: str, limit: int) -> str:
        """A 0-d string entry (a marker or a JSON text) of at most `limit` characters."""
        shape, dtype = self.headers[name]
        if shape != () or dtype.kind != "U" or dtype.itemsize > 4 * limit:
            raise ModelFormatError(f"{name} is not a short text (0-d string, ≤ {limit} chars)")
        return str(self.read(name))

    def json(self, name: str, limit: int) -> dict:
        """A JSON entry as a dict."""
        try:
            value = json.loads(self.text(name, limit))
        except (json.JSONDecodeError, RecursionError) as err:
            raise ModelFormatError(f"{name} is not valid JSON: {type(err).__name__}") from None
        if not isinstance(value, dict):
            raise ModelFormatError(f"{name} is not a JSON object")
        return value


def _npy_header(member: IO[bytes], name: str) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype from a .npy header (NumPy's readers cap the header's size)."""
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(member)
    else:
        raise ModelFormatError(f"{name} is a .npy of version {version}, which is not read")
    return shape, dtype


def _checkpoint(entries: _Entries, limits: LoadLimits) -> Checkpoint:
    if "format" not in entries or entries.text("format", 64) != FORMAT_NAME:
        raise ModelFormatError("not an Unrolled model file (no 'unrolled-rnnlm' format marker)")
    version = -1
    if "format_version" in entries:
        if (
            entries.shape("format_version") != ()
            or entries.dtype("format_version").kind not in "iu"
        ):
            raise ModelFormatError("format_version is not an integer")
        version = int(entries.read("format_version"))
    if version not in READ_VERSIONS:
        raise ModelFormatError(
            f"model file format version {version} is not supported (this engine reads "
            f"{' and '.join(map(str, READ_VERSIONS))})"
        )
    try:
        fields = entries.json("config", 4096)
        if version == 1 and isinstance(fields, dict) and "cell" in fields:
            raise ValueError("a version 1 file has no cell")
        config = RNNConfig(**fields)
    except TypeError as err:
        raise ModelFormatError(f"corrupt model file: config: {err}") from None
    except ValueError as err:
        raise ModelFormatError(f"corrupt model file: {err}") from None
    _check_limits(config, limits)
    shapes = param_shapes(config)
    _check_entries(entries, config, shapes, limits)
    try:
        params = {name: entries.read(f"param/{name}") for name in shapes}
        model = RNNLM.from_config(config, params)
        vocab = entries.read("vocab").tolist() if "vocab" in entries else None
        optimizer = None
        if "optimizer" in entries:
            state = {k: entries.read(f"optim/{k}") for k in _optimizer_keys(entries)}
            optimizer = _optimizer(entries.json("optimizer", 4096), state)
        limit = limits.max_json_chars
        trainer = entries.json("trainer", limit) if "trainer" in entries else None
        extra = entries.json("extra", limit) if "extra" in entries else {}
    except (ValueError, TypeError, KeyError) as err:
        if isinstance(err, ModelFormatError):
            raise
        raise ModelFormatError(f"corrupt model file: {err}") from err
    return Checkpoint(model, vocab, optimizer, trainer, extra)


def _check_limits(config: RNNConfig, limits: LoadLimits) -> None:
    if config.vocab_size > limits.max_vocab:
        raise ModelTooLarge(
            f"vocabulary of {config.vocab_size} words; the limit is {limits.max_vocab}"
        )
    if config.hidden_size > limits.max_hidden:
        raise ModelTooLarge(f"hidden size {config.hidden_size}; the limit is {limits.max_hidden}")
    if config.num_layers > limits.max_layers:
        raise ModelTooLarge(f"{config.num_layers} layers; the limit is {limits.max_layers}")


def _check_entries(
    entries: _Entries, config: RNNConfig, shapes: dict[str, tuple[int, ...]], limits: LoadLimits
) -> None:
    """Every weight, the vocabulary and the optimizer state have the shapes the config implies."""
    for name, shape in shapes.items():
        key = f"param/{name}"
        if key not in entries:
            raise ModelFormatError(f"corrupt model file: parameter {name} is missing")
        if entries.shape(key) != shape:
            raise ModelFormatError(
                f"corrupt model file: parameter {name} has shape {entries.shape(key)}, "
                f"expected {shape}"
            )
        if entries.dtype(key).kind not in "fiu":  # float, int, unsigned: real numbers
            raise ModelFormatError(
                f"corrupt model file: parameter {name} holds {entries.dtype(key)}, not real numbers"
            )
    unknown = [k for k in entries.headers if k.startswith("param/") and k[6:] not in shapes]
    if unknown:
        raise ModelFormatError(f"corrupt model file: unexpected parameters: {', '.join(unknown)}")
    if "vocab" in entries:
        vocab_shape, dtype = entries.shape("vocab"), entries.dtype("vocab")
        if vocab_shape != (config.vocab_size,):
            raise ModelFormatError(
                f"corrupt model file: vocab has shape {vocab_shape}, config says "
                f"({config.vocab_size},)"
            )
        if dtype.kind != "U" or dtype.itemsize > 4 * limits.max_word_chars:
            raise ModelFormatError(
                f"corrupt model file: vocab entries must be strings of at most "
                f"{limits.max_word_chars} characters"
            )
    for key in _optimizer_keys(entries):
        param = key.split("/", 1)[-1]
        if param in shapes and entries.shape(f"optim/{key}") != shapes[param]:
            raise ModelFormatError(
                f"corrupt model file: optimizer state {key} has shape "
                f"{entries.shape(f'optim/{key}')}, its weight {shapes[param]}"
            )
        if param not in shapes:
            raise ModelFormatError(f"corrupt model file: optimizer state {key} has no weight")


def _optimizer_keys(entries: _Entries) -> list[str]:
    return [k.removeprefix("optim/") for k in entries.headers if k.startswith("optim/")]


def _optimizer(config: dict, state: dict[str, np.ndarray]) -> Optimizer:
    """The optimizer of a file, its hyper-parameters checked to be numbers."""
    hyper = {k: v for k, v in config.items() if k not in ("name", "steps")}
    if not isinstance(config.get("name"), str) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in hyper.values()
    ):
        raise ModelFormatError("corrupt model file: optimizer hyper-parameters must be numbers")
    if not isinstance(config.get("steps", 0), int):
        raise ModelFormatError("corrupt model file: optimizer steps must be an integer")
    return optimizer_from_config(config, state)


def _check_zip_magic(fh: IO[bytes]) -> None:
    """Refuse what is not a zip (.npz) before reading: for other bytes NumPy would guess pickle
    and its message suggests loading the file unsafely."""
    start = fh.tell()
    magic = fh.read(len(NPY_MAGIC))
    fh.seek(start)
    if not magic:
        raise ModelFormatError(
            "not an Unrolled model file or corrupt: the file is empty (an .npz is a zip of arrays)"
        )
    if magic.startswith(NPY_MAGIC):
        raise ModelFormatError("not an Unrolled model file (a bare .npy array, not an .npz)")
    if not magic.startswith(ZIP_MAGIC):
        raise ModelFormatError(
            "not an Unrolled model file or corrupt: not a zip archive (an .npz is a zip of arrays)"
        )


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
