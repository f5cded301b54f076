"""Versioned model files: atomic writes, memory-mapped reads, no pickle.

Layout of a models directory::

    models/
      20261128T130501123456Z-1a2b3c/     one directory per version
        meta.json                          model name (registry), parameters, metadata
        manifest.json                      file -> size and SHA-256
        B.npy, item_ids.npy, ...           one .npy array per file
        context__lifts.npy, ...            optional: the context re-ranker (``model.context``)

Writing: everything goes to a hidden temporary directory beside the target,
each file is flushed and ``fsync``-ed, the manifest is written last, then the
directory is renamed into place (atomic on POSIX) and the parent directory is
``fsync``-ed. A crash leaves either the old set of versions or the new one,
never a half-written version; stale temporary directories are ignored.

Reading: the manifest is checked first (every file present with the recorded
size; SHA-256 verified unless ``verify_checksums=False``), then arrays are
opened with ``np.load(mmap_mode="r", allow_pickle=False)``, so that several
gunicorn workers share the same page cache. Any missing, truncated or corrupt
file, or a file of another format version, raises
:class:`~recommender.errors.ModelError` with a message to retrain.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from .base import BaseRecommender
from .context import ContextModel
from .errors import ModelError
from .registry import model_class, name_of

__all__ = ["FORMAT_VERSION", "list_versions", "load_latest", "load_model", "save_model"]

#: Version 2: the model is named by its registry name, and every array of the
#: hybrid (EASE's diagonal and user-space factors, the cold description) is
#: always present. Older files are refused; retraining writes a new one.
FORMAT_VERSION = 2
# Arrays of the optional context re-ranker.
CONTEXT_PREFIX = "context__"
log = logging.getLogger(__name__)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(path: Path, writer) -> None:
    with path.open("wb") as fh:
        writer(fh)
        fh.flush()
        os.fsync(fh.fileno())


def save_model(model: BaseRecommender, models_dir: str | os.PathLike) -> Path:
    """Write ``model`` as a new version directory under ``models_dir``.

    Parameters
    ----------
    model : BaseRecommender
        A fitted model.
    models_dir : path
        Created if missing.

    Returns
    -------
    Path
        The version directory (``models_dir / model.version``).
    """
    if model.version is None:
        raise ValueError("the model is not fitted; call fit() before save_model().")
    root = Path(models_dir)
    root.mkdir(parents=True, exist_ok=True)
    final = root / model.version
    if final.exists():
        raise ValueError(f"{final} already exists; versions are immutable, refit to get a new one.")
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        manifest = {}
        meta, arrays = model.to_arrays()
        for name, arr in arrays.items():
            fname = f"{name}.npy"
            _write(
                tmp / fname,
                lambda fh, a=arr: np.save(fh, np.ascontiguousarray(a), allow_pickle=False),
            )
        meta = dict(meta, model=name_of(model), format_version=FORMAT_VERSION)
        context = getattr(model, "context", None)
        if context is not None:
            for name, arr in context.to_arrays().items():
                _write(
                    tmp / f"{CONTEXT_PREFIX}{name}.npy",
                    lambda fh, a=arr: np.save(fh, np.ascontiguousarray(a), allow_pickle=False),
                )
            meta["context"] = context.to_meta()
        _write(tmp / "meta.json", lambda fh: fh.write(json.dumps(meta).encode()))
        for f in sorted(tmp.iterdir()):
            manifest[f.name] = {"size": f.stat().st_size, "sha256": _sha256(f)}
        _write(tmp / "manifest.json", lambda fh: fh.write(json.dumps(manifest, indent=1).encode()))
        _fsync_dir(tmp)
        os.rename(tmp, final)
        _fsync_dir(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def load_model(
    path: str | os.PathLike, verify_checksums: bool = True, mmap: bool = True
) -> BaseRecommender:
    """Load one version directory written by :func:`save_model`.

    Raises
    ------
    ModelError
        If a file is missing, truncated or corrupt, or the format is unknown.
    """
    path = Path(path)
    mpath = path / "manifest.json"
    try:
        manifest = json.loads(mpath.read_text())
    except FileNotFoundError:
        raise ModelError(f"{mpath} is missing: {path} is not a complete model; retrain.") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"{mpath} is unreadable ({exc}); retrain the model.") from None
    for fname, info in manifest.items():
        f = path / fname
        if not f.is_file():
            raise ModelError(f"{f} is missing; the model directory is incomplete, retrain.")
        size = f.stat().st_size
        if size != info["size"]:
            raise ModelError(
                f"{f} has {size} bytes, expected {info['size']}: truncated or corrupt; retrain."
            )
        if verify_checksums and _sha256(f) != info["sha256"]:
            raise ModelError(f"{f} fails its SHA-256 check: corrupt; retrain the model.")
    try:
        meta = json.loads((path / "meta.json").read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path / 'meta.json'} is unreadable ({exc}); retrain.") from None
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path} has model format {meta.get('format_version')}, this code reads "
            f"format {FORMAT_VERSION}; retrain the model to replace it."
        )
    try:
        cls = model_class(meta.get("model"))
    except KeyError as exc:
        raise ModelError(f"{path}: {exc.args[0]} Retrain the model.") from None
    arrays = {}
    try:
        for fname in manifest:
            if fname.endswith(".npy"):
                arrays[fname[:-4]] = np.load(
                    path / fname, mmap_mode="r" if mmap else None, allow_pickle=False
                )
        context = {
            k[len(CONTEXT_PREFIX) :]: arrays.pop(k)
            for k in list(arrays)
            if k.startswith(CONTEXT_PREFIX)
        }
        model = cls.from_arrays(meta, arrays)
        model.context = (
            ContextModel.from_stored(meta["context"], context) if "context" in meta else None
        )
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise ModelError(f"{path} could not be loaded ({exc}); retrain the model.") from None
    return model


def list_versions(models_dir: str | os.PathLike) -> list[Path]:
    """Version directories, newest first (temporary directories excluded)."""
    root = Path(models_dir)
    if not root.is_dir():
        return []
    return sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
        reverse=True,
    )


def load_latest(models_dir: str | os.PathLike, verify_checksums: bool = True) -> BaseRecommender:
    """The newest version that loads cleanly; broken newer versions are logged and skipped.

    Raises
    ------
    ModelError
        If ``models_dir`` holds no loadable model.
    """
    errors = []
    for path in list_versions(models_dir):
        try:
            return load_model(path, verify_checksums=verify_checksums)
        except ModelError as exc:
            log.error("skipping model %s: %s", path.name, exc)
            errors.append(str(exc))
    if not errors:
        raise ModelError(f"no model in {models_dir}; train one first.")
    raise ModelError(f"no loadable model in {models_dir}: " + " | ".join(errors))
