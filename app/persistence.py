"""Optional persistence (UNROLLED_PERSIST_DIR): a planned restart keeps the class's work.

At shutdown every session whose model is its own (configured, trained or uploaded; not a shared
built-in) is saved as an .npz in persist_dir with its token; at start-up those files are loaded
back as sessions waiting for their tabs, which reconnect with their token within the reconnect
grace and find their model. A `kill -9` saves nothing: only what was saved at the last planned
stop comes back. Training runs, held bptt passes and uploaded corpora are not kept.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from app.models import LM, checkpoint_lm
from rnn_core.io import LoadLimits, ModelFormatError, load, save
from rnn_core.optim import Optimizer

if TYPE_CHECKING:
    from app.service import Service

log = logging.getLogger("unrolled.persistence")


def _file_name(token: str) -> str:
    """A file name that does not hold the token (the token itself is inside the file)."""
    return hashlib.sha256(token.encode()).hexdigest()[:32] + ".npz"


def save_sessions(service: Service) -> int:
    """Save every session's own model; returns how many were saved."""
    folder = service.settings.persist_dir
    folder.mkdir(parents=True, exist_ok=True)
    saved = 0
    for session in list(service.sessions.sessions.values()):
        state = session.state
        if state.lm.shared:
            continue
        extra = {**state.lm.file_extra(), "token": session.token, "origin": state.lm.origin}
        with session.lock:
            save(
                folder / _file_name(session.token),
                state.lm.model,
                vocab=state.lm.vocab.to_list(),
                optimizer=state.optimizer,
                extra=extra,
            )
        saved += 1
    log.info("saved %d session models to %s", saved, folder)
    return saved


def load_sessions(service: Service) -> list[tuple[str, LM, Optimizer | None]]:
    """The saved sessions as (token, model, optimizer), each file deleted once read (in a worker
    thread; the lifespan makes their states and registers them on the event loop)."""
    folder, s = service.settings.persist_dir, service.settings
    if not folder.is_dir():
        return []
    limits = LoadLimits(s.max_vocab, s.max_hidden, s.max_layers, s.max_model_bytes)
    restored = []
    for path in sorted(folder.glob("*.npz")):
        try:
            checkpoint = load(path, limits)
            token = str(checkpoint.extra["token"])
            extra = checkpoint.extra
            name = str(extra.get("name", "restored"))[:64]
            origin = str(extra.get("origin", "restored"))
            lm = checkpoint_lm(checkpoint, name, origin, s.default_language)
        except (ModelFormatError, KeyError, TypeError, ValueError) as exc:
            log.error("saved session %s not restored: %s", path.name, exc)
            continue
        finally:
            path.unlink(missing_ok=True)
        restored.append((token, lm, checkpoint.optimizer))
    log.info("restored %d sessions from %s", len(restored), folder)
    return restored
