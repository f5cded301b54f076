"""Experiments and the arm each profile is in, decided on each page load.

`arm_for(profile_id, key)` hashes "key:profile_id" (SHA-256) into [0, 1) and
walks the experiment's arm weights, so a profile always lands in the same arm
of an experiment, and arms of different experiments are independent.
"""

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Experiment:
    key: str
    arms: tuple[str, ...]
    weights: tuple[float, ...]
    description: str


EXPERIMENTS = {
    "diversity": Experiment(
        "diversity",
        ("control", "diverse"),
        (0.5, 0.5),
        "Home rows as ranked (control) against rows re-ranked for genre diversity and calibration (diverse).",
    ),
}


def arm_for(profile_id: int, experiment_key: str) -> str:
    """The arm of `experiment_key` this profile is in (stable across runs and processes)."""
    experiment = EXPERIMENTS.get(experiment_key)
    if experiment is None:
        raise ValueError(
            f"Unknown experiment {experiment_key!r}; known: {', '.join(sorted(EXPERIMENTS))}."
        )
    digest = hashlib.sha256(f"{experiment_key}:{int(profile_id)}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    total = sum(experiment.weights)
    edge = 0.0
    for arm, weight in zip(experiment.arms, experiment.weights, strict=True):
        edge += weight / total
        if point < edge:
            return arm
    return experiment.arms[-1]
