"""Every model by name: what ``artifacts`` loads and what the contract test checks.

A saved model records its registry name; loading looks the class up here.
Adding a model is one line in :data:`MODELS` (see ``recommender/README.md``).
"""

from __future__ import annotations

from .base import BaseRecommender
from .baselines import ContentRecommender, ItemKNNRecommender, PopularityRecommender
from .hybrid import HybridRecommender

__all__ = ["MODELS", "model_class", "name_of"]

#: Registry name -> model class. Names are stored in model files: never rename one.
MODELS: dict[str, type[BaseRecommender]] = {
    "hybrid": HybridRecommender,
    "popularity": PopularityRecommender,
    "itemknn": ItemKNNRecommender,
    "content": ContentRecommender,
}


def model_class(name: str) -> type[BaseRecommender]:
    """The class registered as ``name``.

    Raises
    ------
    KeyError
        With the known names, when ``name`` is not registered.
    """
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(f"no model named {name!r}; known: {', '.join(sorted(MODELS))}.") from None


def name_of(model: BaseRecommender) -> str:
    """The registry name of ``model``'s class."""
    for name, cls in MODELS.items():
        if type(model) is cls:
            return name
    raise ValueError(f"{type(model).__name__} is not in recommender.registry.MODELS; add it there.")
