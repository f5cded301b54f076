"""Online personalization: what is decided for a profile on each page load.

    choose_variants(profile_id, title_ids)  artwork variant per title (bandit), `artwork`
    choose_trailer(profile_id, title_id, v)  trailer cut of a preview (bandit), `trailers`
    arm_for(profile_id, experiment_key)      experiment arm, deterministic, `experiments`
    segment_for(profile_id)                  taste segment at the last refresh, `segments`

Both bandits are one implementation (`bandit`). The insights refresh
(webapp.insights) computes what these read and stores it in personalization's
own store (`store`); the home page and the insights studio both import from
here, and nothing here reads the insights package.
"""

from webapp.personalization.artwork import choose_variants
from webapp.personalization.experiments import arm_for
from webapp.personalization.segments import segment_for
from webapp.personalization.trailers import choose_trailer

__all__ = ["arm_for", "choose_trailer", "choose_variants", "segment_for"]
