"""One finding of an insights page: what the figures say, and what to do about it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    says: str  # what the figures show
    action: str  # what to do about it
