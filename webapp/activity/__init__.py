"""Recording what profiles do: the event log and the current state it implies.

`record_events(profile, {"events": [...]}, user_agent=...)` is the one way
events are written. It validates the whole batch first (EventError names the
field at fault; nothing is written), checks every title and episode is
visible to the profile, then in ONE transaction appends the events and
updates current state with single upserts/deletes (no read-modify-write, so
two tabs playing at once cannot corrupt progress).

Semantics, event by event (what the demo seed writes directly must match):

Every event row
    profile_id from the session (never the payload); occurred_at = server UTC
    now (naive UTC), plus i microseconds for the i-th event of the batch so
    the batch's order is kept; device = tv | tablet |
    mobile | desktop from the User-Agent; page, row_key, row_pos, col_pos,
    artwork_variant, local_hour (0-23), local_weekday (0 = Monday),
    session_id, model_version as sent by the page.

Playback: play_start, heartbeat, pause, seek, complete, abandon
    value = position in seconds (clamped to the duration); duration = the
    catalog's length of the film or episode in seconds (runtime_minutes * 60;
    100 min for a film without a runtime), never the browser's.
    "Done" = type complete, or position >= 90 % of the duration.
    Film: WatchState(profile, title) upserted: episode_id NULL, position,
        duration, completed = done (so a rewatch from 0 clears it),
        times_completed += 1 when completed goes False -> True, hidden =
        False, started_at kept from the first event, updated_at = now.
    Episode: EpisodeProgress(profile, episode) upserted: position, duration,
        completed = already completed OR done (sticky), updated_at = now.
        WatchState(profile, series):
        - not done: episode_id = this episode, its position and duration,
          completed False;
        - done and a next episode exists (season order, then episode order):
          episode_id = next episode, position 0, duration of the next,
          completed False;
        - done on the last episode: episode_id = this episode, its position,
          completed True, times_completed += 1 on the False -> True change.
        hidden = False, updated_at = now, as for films.

rate (value -1 thumbs down, 1 thumbs up, 2 love it)
    Rating(profile, title) upserted with value and updated_at = now.
unrate
    Rating row deleted.
list_add
    ListItem(profile, title) inserted; if it exists it is left alone
    (added_at keeps the first date).
list_remove
    ListItem row deleted.
impression, click, search (title_id NULL, text = query, value = result
count), search_click (text = query)
    Event row only.
startup, rebuffer, rendition_switch, playback_error (playback quality; an
episode_id is allowed)
    Event row only. value = seconds to the first frame (startup), seconds of
    one stall (rebuffer), the new rendition's height (rendition_switch), the
    video element's error code if any (playback_error, text = what failed).

Paused history (Profile.history_paused)
    No event rows and no playback state (WatchState, EpisodeProgress) are
    written. Ratings and My List still change, because the viewer asked for
    them explicitly; the privacy page says so.

Deleting history (webapp.activity.history) removes event rows and current
state rows for real, and sends the `history_deleted` signal.
"""

from webapp.activity import erasures  # noqa: F401  (notes erasures of deleted profiles)
from webapp.activity.recorder import Recorded, record_events
from webapp.activity.schema import MAX_BATCH, EventError

__all__ = ["MAX_BATCH", "EventError", "Recorded", "record_events"]
