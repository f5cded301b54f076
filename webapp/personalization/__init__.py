"""Online personalization: what is decided for a profile on each page load.

    choose_variants(profile_id, title_ids)  artwork variant per title (bandit), `artwork`
    arm_for(profile_id, experiment_key)      experiment arm, deterministic, `experiments`
    segment_for(profile_id)                  taste segment at the last refresh, `segments`

The insights refresh (webapp.insights) computes what these read; the home
page and the insights studio both import from here.
"""

from webapp.personalization.artwork import choose_variants
from webapp.personalization.experiments import arm_for
from webapp.personalization.segments import segment_for

__all__ = ["arm_for", "choose_variants", "segment_for"]
