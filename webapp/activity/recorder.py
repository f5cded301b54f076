"""Recording a batch of events: validate, log, and update current state in one transaction."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from webapp.activity import state
from webapp.activity.device import device_class
from webapp.activity.episodes import (
    EpisodeSlot,
    episode_order,
    film_seconds,
    is_complete,
    next_episode,
)
from webapp.activity.partitions import ensure_months
from webapp.activity.schema import EventError, parse_batch
from webapp.activity.vocabulary import (
    COMPLETE,
    LIST_ADD,
    LIST_REMOVE,
    MY_LIST,
    PLAYBACK,
    RATE,
    RATINGS,
    UNRATE,
)
from webapp.catalog.visibility import restrict
from webapp.database import commit_with_retries
from webapp.extensions import db
from webapp.models import Episode, Event, Profile, Title
from webapp.models.base import utcnow


@dataclass
class Recorded:
    accepted: int  # events in the batch, all valid
    stored: int  # rows written to the event log (0 while history is paused)
    paused: bool

    def as_json(self) -> dict:
        return {"accepted": self.accepted, "stored": self.stored, "paused": self.paused}


@dataclass
class _Item:
    """What the catalog says about the thing an event is about."""

    title_id: int
    is_series: bool
    seconds: float  # of the film, or of the episode the event names


def record_events(
    profile: Profile,
    payload,
    *,
    user_agent: str | None = None,
    now: datetime | None = None,
    commit: bool = True,
) -> Recorded:
    """Validate a batch (dict with "events") and record it for this profile, all or nothing.

    Raises EventError (nothing written) when any event is malformed or names a
    title or episode the profile cannot see.
    """
    events = parse_batch(payload)
    now = now or utcnow()
    items = _lookup(profile, events)
    profile_id = profile.id
    paused = bool(profile.history_paused)
    device = device_class(user_agent)
    # One microsecond apart, so that the batch's order survives in occurred_at.
    moments = [now + timedelta(microseconds=i) for i in range(len(events))]

    def write() -> int:
        stored = 0
        if not paused:
            rows = [
                _event_row(profile_id, event, items, device, at)
                for event, at in zip(events, moments)
            ]
            ensure_months(db.session.connection(), (moments[0], moments[-1]))
            db.session.execute(insert(Event.__table__), rows)
            stored = len(rows)
        _apply_choices(profile_id, events, moments)
        if not paused:
            _apply_playback(profile_id, events, items, moments)
        return stored

    if commit:
        # Another tab of the profile may hold the same rows: a lost deadlock runs
        # the whole batch again, and only a committed try is ever stored.
        stored = commit_with_retries(write)
    else:
        try:
            stored = write()
        except Exception:
            db.session.rollback()
            raise
    return Recorded(accepted=len(events), stored=stored, paused=paused)


def _lookup(profile: Profile, events: list[dict]) -> dict[tuple[int, int | None], _Item]:
    """Check every title and episode is visible to the profile; two queries for the batch."""
    title_ids = {e["title_id"] for e in events if e["title_id"] is not None}
    titles = {}
    if title_ids:
        rows = db.session.execute(
            restrict(
                select(Title.id, Title.kind, Title.runtime_minutes).where(Title.id.in_(title_ids)),
                profile,
            )
        )
        titles = {r.id: r for r in rows}
    episode_ids = {e["episode_id"] for e in events if e["episode_id"] is not None}
    episodes = {}
    if episode_ids:
        rows = db.session.execute(
            select(Episode.id, Episode.title_id, Episode.runtime_minutes).where(
                Episode.id.in_(episode_ids)
            )
        )
        episodes = {r.id: r for r in rows}
    items: dict[tuple[int, int | None], _Item] = {}
    for i, event in enumerate(events):
        title_id, episode_id = event["title_id"], event["episode_id"]
        if title_id is None:
            continue
        title = titles.get(title_id)
        if title is None:
            raise EventError(f"events[{i}].title_id", "no such title")
        series = title.kind == "series"
        if episode_id is not None:
            episode = episodes.get(episode_id)
            if episode is None or episode.title_id != title_id:
                raise EventError(f"events[{i}].episode_id", "no such episode of this title")
            seconds = float((episode.runtime_minutes or 30) * 60)
        elif series and event["type"] in PLAYBACK:
            raise EventError(f"events[{i}].episode_id", "is required when playing a series")
        else:
            seconds = film_seconds(title) if not series else 0.0
        items[(title_id, episode_id)] = _Item(title_id, series, seconds)
    return items


def _event_row(profile_id: int, event: dict, items, device: str, now: datetime) -> dict:
    row = dict(event)
    row.update(profile_id=profile_id, occurred_at=now, device=device)
    item = items.get((event["title_id"], event["episode_id"]))
    if event["type"] in PLAYBACK and item is not None:
        # The catalog's duration, not the browser's; positions never run past it.
        row["duration"] = item.seconds
        row["value"] = min(event["value"], item.seconds)
    return row


def _apply_choices(profile_id: int, events: list[dict], moments: list[datetime]) -> None:
    """Thumbs and My List: per title, the last event of the batch decides.

    These are choices the viewer makes on purpose, so they apply even while
    history is paused.
    """
    last_rating: dict[int, tuple[dict, datetime]] = {}
    last_list: dict[int, tuple[dict, datetime]] = {}
    for event, at in zip(events, moments):
        if event["type"] in RATINGS:
            last_rating[event["title_id"]] = (event, at)
        elif event["type"] in MY_LIST:
            last_list[event["title_id"]] = (event, at)
    state.save_ratings(
        [
            {"profile_id": profile_id, "title_id": t, "value": int(e["value"]), "updated_at": at}
            for t, (e, at) in last_rating.items()
            if e["type"] == RATE
        ]
    )
    state.remove_ratings(
        profile_id, [t for t, (e, _) in last_rating.items() if e["type"] == UNRATE]
    )
    state.add_to_list(
        [
            {"profile_id": profile_id, "title_id": t, "added_at": at}
            for t, (e, at) in last_list.items()
            if e["type"] == LIST_ADD
        ]
    )
    state.remove_from_list(
        profile_id, [t for t, (e, _) in last_list.items() if e["type"] == LIST_REMOVE]
    )


def _apply_playback(profile_id: int, events: list[dict], items, moments: list[datetime]) -> None:
    """Resume points and episode progress, in event order (see the package docstring)."""
    watch_rows, episode_rows = [], []
    orders: dict[int, list[EpisodeSlot]] = {}
    for event, at in zip(events, moments):
        if event["type"] not in PLAYBACK:
            continue
        title_id, episode_id = event["title_id"], event["episode_id"]
        item = items[(title_id, episode_id)]
        duration = item.seconds
        position = min(event["value"], duration)
        done = event["type"] == COMPLETE or is_complete(position, duration)
        row = {
            "profile_id": profile_id,
            "title_id": title_id,
            "episode_id": episode_id,
            "position": position,
            "duration": duration,
            "completed": done,
            "at": at,
        }
        if item.is_series:
            episode_rows.append(
                {
                    "profile_id": profile_id,
                    "episode_id": episode_id,
                    "position": position,
                    "duration": duration,
                    "completed": done,
                    "updated_at": at,
                }
            )
            following = None
            if done:
                if title_id not in orders:
                    orders[title_id] = episode_order(title_id)
                following = next_episode(orders[title_id], episode_id)
            if following is not None:
                # On to the next episode: that is where the series resumes.
                row.update(
                    episode_id=following.id,
                    position=0.0,
                    duration=following.seconds,
                    completed=False,
                )
        watch_rows.append(row)
    state.save_watch_states(watch_rows)
    state.save_episode_progress(episode_rows)
