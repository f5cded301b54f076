"""The hybrid model as metadata and named arrays (``to_arrays``) and back (``from_arrays``).

Only fitted state is stored; what scoring derives from it (ridge feature
slices, the popularity prior, release years, EASE's user-space ``X'``) is
rebuilt on load. Files of an older format never reach this module:
``recommender.artifacts`` refuses them with a message to retrain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ..content import ContentModel
from .cold import set_prior, set_years
from .head import use_dual

if TYPE_CHECKING:
    from .model import HybridRecommender

__all__ = ["from_arrays", "to_arrays"]

_SPARSE = ("F", "Fc", "M")
_DENSE = (
    "B",
    "ease_d",
    "dual_kinv",
    "dual_d",
    "cf_items",
    "R",
    "ridge_cols",
    "pop_coef",
    "Rc",
    "cold_cols",
)


def to_arrays(m: HybridRecommender) -> tuple[dict, dict[str, np.ndarray]]:
    """(metadata, arrays) of a fitted model."""
    meta, arrays = m._index_arrays()
    arrays.update({name: getattr(m, name) for name in _DENSE})
    for name in _SPARSE:
        s = getattr(m, name)
        arrays.update(
            {f"{name}_indptr": s.indptr, f"{name}_indices": s.indices, f"{name}_data": s.data}
        )
    meta.update(
        content=m._content.get_state(),
        cold_content=m._cold_content.get_state(),
        n_features=int(m.F.shape[1]),
        n_cold_features=int(m.Fc.shape[1]),
        content_scale=m.content_scale,
        cold_scale=m.cold_scale,
        cf_spread=m.cf_spread,
    )
    return meta, arrays


def _csr(arrays: Mapping[str, np.ndarray], name: str, shape: tuple[int, int]) -> sp.csr_matrix:
    return sp.csr_matrix(
        (arrays[f"{name}_data"], arrays[f"{name}_indices"], arrays[f"{name}_indptr"]), shape=shape
    )


def from_arrays(
    cls: type[HybridRecommender], meta: Mapping, arrays: Mapping[str, np.ndarray]
) -> HybridRecommender:
    """The model that :func:`to_arrays` wrote."""
    m = cls._from_index(meta, arrays)
    for name in _DENSE:
        setattr(m, name, arrays[name])
    m.cf_items, m.ridge_cols, m.cold_cols = (
        np.asarray(m.cf_items),
        np.asarray(m.ridge_cols),
        np.asarray(m.cold_cols),
    )
    m._set_cf(m.cf_items)
    use_dual(m)
    n = len(m.item_ids)
    m.F = _csr(arrays, "F", (n, meta["n_features"]))
    m.Fc = _csr(arrays, "Fc", (n, meta["n_cold_features"]))
    m.M = _csr(arrays, "M", (len(m.noncf_items), len(m.cf_items)))
    m._content = ContentModel.from_state(meta["content"])
    m._cold_content = ContentModel.from_state(meta["cold_content"])
    m.content_scale = float(meta["content_scale"])
    m.cold_scale = float(meta["cold_scale"])
    m.cf_spread = float(meta["cf_spread"])
    m._set_ridge_features()
    set_prior(m)
    set_years(m)
    return m
