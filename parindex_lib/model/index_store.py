"""Each unit's index as a run built it, stored once for the run's pages.

``parindex run`` builds every unit's :class:`~parindex_lib.model.index.PARIndex` once (checking it) and
stores them in ``indices.pickle`` beside the standardised tables; each page takes its unit's index from
there instead of building it again. An index is used only by a page that asks for the very same thing
(unit, level, year, period, target, bound, scheme) from the very same tables (``scores.csv`` and
``tasks.csv``, by file version): a page with other parameters, or after a new ``parindex standardise``,
builds its own. The file is read once per process and file version, like the scores.
"""

from __future__ import annotations

import copyreg
import pickle
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from parindex_lib.io import file_version, write_atomic
from parindex_lib.model.index import PARIndex

INDICES_FILE = "indices.pickle"


@dataclass(frozen=True)
class IndexKey:
    """What an index was built for: the arguments of :meth:`PARIndex.from_scores` that decide it."""

    unit: str
    level: str
    year: int
    period: str
    target: float
    bound: str
    scheme: str = ""  # empty: the unit's own scheme


_READ: dict[tuple, dict] = {}

# A scheme keeps what its file gave in a read-only mapping, which pickle cannot take as it is: carried as a
# dict and made read-only again when read back.
def read_only(mapping: dict) -> MappingProxyType:
    """``mapping`` made read-only again (how a pickled read-only mapping is read back)."""
    return MappingProxyType(mapping)


copyreg.pickle(MappingProxyType, lambda proxy: (read_only, (dict(proxy),)))


def _pickled(index: PARIndex) -> bytes | None:
    try:
        return pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    except (TypeError, AttributeError, pickle.PicklingError):
        return None  # not stored: its pages build it themselves (slower, the same pages)


def save_indices(path: str | Path, indices: dict[IndexKey, PARIndex], scores_path: str | Path,
                 tasks_path: str | Path) -> Path:
    """Store ``indices`` for the tables at ``scores_path`` and ``tasks_path`` (as they are now) atomically."""
    # Each index pickled on its own: a kernel reads the file once (bytes only, fast at any scale) and a page
    # unpickles its own unit's index alone.
    blobs = {key: blob for key, index in indices.items() if (blob := _pickled(index)) is not None}
    payload = {"made_from": (file_version(scores_path), file_version(tasks_path)), "indices": blobs}
    return write_atomic(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


def load_indices(path: str | Path) -> dict | None:
    """The stored file (``made_from`` and ``indices``), read once per file version; None when absent or
    unreadable (then each page builds its own)."""
    path = Path(path)
    key = file_version(path)
    if key is None:
        return None
    if key not in _READ:
        try:
            payload = pickle.loads(path.read_bytes())  # noqa: S301 - written by this project's own run
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # unreadable or from another version of the library: the page builds its own
        _READ.clear()  # one run's file at a time
        _READ[key] = payload
    return _READ[key]


def stored_index(path: str | Path | None, key: IndexKey, scores_path: str | Path,
                 tasks_path: str | Path) -> PARIndex | None:
    """The index a run stored for ``key`` from these very tables; None when there is none (build it)."""
    if not path:
        return None
    payload = load_indices(path)
    if payload is None or payload.get("made_from") != (file_version(scores_path), file_version(tasks_path)):
        return None
    blob = payload.get("indices", {}).get(key)
    return None if blob is None else pickle.loads(blob)  # noqa: S301 - written by this project's own run
