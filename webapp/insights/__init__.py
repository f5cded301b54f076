"""Insights: the event log turned into content, marketing and product decisions.

Each topic has its own module of pure computations over a `LogView` (a session
and a time window): demand, supply, segments, artwork_bandit, engagement,
churn, experiments and exposure. `webapp.insights.refresh` runs them all and
keeps the results in the report cache (`webapp.insights.cache`), which is what
the admin pages read: a page view never recomputes a report.

What the home page calls:
    choose_variants(profile_id, title_ids)  artwork variant per title (bandit)
    arm_for(profile_id, experiment_key)      experiment arm, deterministic
    segment_for(profile_id)                  audience segment, from the cache
"""

from webapp.insights.artwork_bandit import choose_variants
from webapp.insights.experiments import arm_for
from webapp.insights.segments import segment_for

__all__ = ["arm_for", "choose_variants", "segment_for"]
