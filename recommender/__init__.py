"""Marquee's embedded hybrid recommender (numpy, scipy, scikit-learn only).

Quick start::

    from recommender import Interactions, ItemFeatures, HybridRecommender
    from recommender.artifacts import save_model, load_latest

    model = HybridRecommender().fit(interactions, features)
    model.recommend(user_id, k=20, exclude=blocked, allowed=visible_ids)
    model.recommend_for_history({12: 1.0, 40: 2.0, 7: -1.0}, k=20)
    model.similar_items(12, k=20)
    save_model(model, "instance/models")
    model = load_latest("instance/models")

See ``recommender/README.md`` for the full API, the feedback weighting, the
scaling of memory and time, and the measured results.
"""

from .artifacts import load_latest, load_model, save_model
from .base import BaseRecommender
from .baselines import ItemKNNRecommender, PopularityRecommender
from .data import FEEDBACK_WEIGHTS, Interactions, ItemFeatures, events_to_feedback
from .errors import ModelError
from .histories import Histories
from .hybrid import HeadGram, HybridRecommender, head_titles
from .registry import MODELS
from .results import Recommendation, Source
from .train import train_and_save

__all__ = [
    "FEEDBACK_WEIGHTS",
    "MODELS",
    "BaseRecommender",
    "HeadGram",
    "Histories",
    "HybridRecommender",
    "Interactions",
    "ItemFeatures",
    "ItemKNNRecommender",
    "ModelError",
    "PopularityRecommender",
    "Recommendation",
    "Source",
    "events_to_feedback",
    "head_titles",
    "load_latest",
    "load_model",
    "save_model",
    "train_and_save",
]
