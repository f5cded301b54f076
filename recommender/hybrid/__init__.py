"""The hybrid recommender: EASE + content, with titles nobody has played mapped in.

``model`` holds the model and its fitting, ``head`` the titles that enter
EASE, ``cold`` the cold-title model,
``scoring`` the one batched scoring path, ``reasons`` why a title was
picked, ``persist`` its arrays.
"""

from .model import HeadGram, HybridRecommender, head_titles

__all__ = ["HeadGram", "HybridRecommender", "head_titles"]
