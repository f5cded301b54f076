"""Simulated playback: films and episodes watched, paused, abandoned or completed.

A mixin of webapp.seed.simulate.ViewerSimulation. Playback endings: "complete"
at 90 % or more; "pause" when the viewer means to come back (the title stays
in Continue Watching); "abandon" when the viewer gives up. Heartbeats are
sparse (one per 10 minutes watched). Thumbs and My List tidying follow a
sitting.
"""

import math

import numpy as np

from webapp.activity import vocabulary as ev
from webapp.seed.viewing_state import DAY, PlayState, _sigmoid

HEARTBEAT_EVERY = 600.0  # seconds of content between heartbeats
# Playback quality by device: median startup seconds, and stalls per ten minutes watched.
QUALITY_STARTUP_MEDIAN = {"tv": 1.8, "desktop": 0.9, "tablet": 1.2, "mobile": 1.4}
QUALITY_STALL_CHANCE = {"tv": 0.05, "desktop": 0.03, "tablet": 0.08, "mobile": 0.15}
COMPLETE_AT = 0.9


class PlaybackBehaviour:
    """Playback, thumbs and My List tidying of ViewerSimulation."""

    def play(self, index: int, t: float, z: np.ndarray, end: float) -> float:
        if self.view.is_series[index] and self.view.episodes[index]:
            return self.play_series(index, t, z, end)
        return self.play_film(index, t, z, end)

    def _plan_playback(
        self, start: float, duration: float, match: float, t: float, end: float, ease: float
    ) -> tuple[float, str]:
        """Where playback stops and how: complete, pause (to come back) or abandon."""
        rng, viewer = self.rng, self.viewer
        resumed = 0.8 if start > 0 else 0.0
        if rng.random() < _sigmoid(1.4 * match + 0.8 * viewer.patience + ease + resumed):
            stop, ending = duration * float(rng.uniform(0.93, 1.0)), ev.COMPLETE
        else:
            share = rng.uniform(0.02, 0.3) if match < 0 else rng.uniform(0.1, 0.85)
            stop = min(max(start + 60.0, duration * float(share)), duration * 0.89)
            comeback = _sigmoid(0.6 * match + 0.6 * viewer.patience - 1.2)
            ending = ev.PAUSE if rng.random() < comeback else ev.ABANDON
        if stop - start > end - t:
            stop = min(start + max(300.0, end - t), duration * 0.89)
            ending = ev.PAUSE
        return max(stop, start), ending

    def playback_quality(
        self, index: int, episode_id: int | None, t: float, seconds: float
    ) -> None:
        """Startup time and the odd rebuffer of one sitting, as the player logs them.

        Drawn from their own generator so the rest of the simulation is unchanged.
        Startup is slower on TVs and phones; phones rebuffer more often.
        """
        rng = np.random.default_rng([self.viewer.index, int(abs(t) * 10), 31337])
        device = self.session[1]
        median = QUALITY_STARTUP_MEDIAN.get(device, 1.0)
        common = {"episode_id": episode_id, "page": "player"}
        startup = min(float(rng.lognormal(math.log(median), 0.45)), 30.0)
        self.emit(t - 1.0, ev.STARTUP, index, value=round(startup, 3), text="click", **common)
        stall_chance = QUALITY_STALL_CHANCE.get(device, 0.06)
        for _ in range(int(rng.poisson(stall_chance * max(seconds, 0) / 600))):
            at = t + float(rng.uniform(0, max(seconds, 1)))
            stall = min(float(rng.lognormal(math.log(1.2), 0.7)), 60.0)
            self.emit(at, ev.REBUFFER, index, value=round(stall, 3), **common)

    def playback(
        self,
        index: int,
        episode_id: int | None,
        t: float,
        start: float,
        stop: float,
        duration: float,
        ending: str,
    ) -> float:
        """Events of one sitting: play_start, sparse heartbeats, the odd pause/seek, the end."""
        rng = self.rng
        common = {"episode_id": episode_id, "duration": duration, "page": "watch"}
        t += 2.0
        self.emit(t, ev.PLAY_START, index, value=round(start, 1), **common)
        self.playback_quality(index, episode_id, t, stop - start)
        marks = [
            (float(m), ev.HEARTBEAT)
            for m in np.arange(
                (math.floor(start / HEARTBEAT_EVERY) + 1) * HEARTBEAT_EVERY, stop, HEARTBEAT_EVERY
            )
        ]
        if stop > start + 120 and rng.random() < 0.2:
            marks.append((float(rng.uniform(start + 60, stop)), ev.PAUSE))
        if stop > start + 120 and rng.random() < 0.12:
            marks.append((float(rng.uniform(start + 60, stop)), ev.SEEK))
        position = start
        for mark, kind in sorted(marks):
            if mark <= position:
                continue
            t += mark - position
            position = mark
            if kind == ev.SEEK:
                jump = float(rng.choice([-10.0, 30.0, 90.0, 240.0]))
                position = min(max(position + jump, 0.0), stop)
                self.emit(t, ev.SEEK, index, value=round(position, 1), **common)
            else:
                self.emit(t, kind, index, value=round(position, 1), **common)
                if kind == ev.PAUSE:
                    t += float(rng.uniform(30, 600))
        t += max(stop - position, 0.0)
        self.emit(t, ending, index, value=round(stop, 1), **common)
        return t

    def play_film(self, index: int, t: float, z: np.ndarray, end: float) -> float:
        state = self.watch.get(index)
        duration = float(self.view.runtime[index])
        resuming = (
            state is not None and not state.completed and state.position < COMPLETE_AT * duration
        )
        start = state.position if resuming else 0.0
        match = float(z[index])
        stop, ending = self._plan_playback(start, duration, match, t, end, ease=0.4)
        t0 = t
        t = self.playback(index, None, t, start, stop, duration, ending)
        if state is None:
            state = self.watch[index] = PlayState(started_at=t0 + 2, updated_at=t)
        state.position, state.duration, state.updated_at = round(stop, 1), duration, t
        state.completed = ending == ev.COMPLETE
        if state.completed:
            state.times_completed += 1
        self.set_status(
            index, {ev.COMPLETE: "completed", ev.PAUSE: "progress"}.get(ending, "abandoned")
        )
        return self.after_playback(index, t, match, ending, finished=state.completed)

    def play_series(self, index: int, t: float, z: np.ndarray, end: float) -> float:
        """Episodes in order from where the profile is, binge-watching while it likes the show."""
        rng = self.rng
        episodes = self.view.episodes[index]
        order = {eid: k for k, (eid, _) in enumerate(episodes)}
        state = self.watch.get(index)
        if state is None or state.completed or state.episode_id not in order:
            k, start = 0, 0.0
        else:
            k = order[state.episode_id]
            start = state.position if state.position < COMPLETE_AT * state.duration else 0.0
        if state is None:
            state = self.watch[index] = PlayState(started_at=t + 2, updated_at=t)
        match = float(z[index])
        ending, finished = ev.PAUSE, False
        while True:
            episode_id, duration = episodes[k]
            stop, ending = self._plan_playback(start, duration, match, t, end, ease=1.0)
            t = self.playback(index, episode_id, t, start, stop, duration, ending)
            progress = self.episode_progress.setdefault(episode_id, {"completed": False})
            progress.update(position=round(stop, 1), duration=duration, updated_at=t)
            progress["completed"] = progress["completed"] or ending == ev.COMPLETE
            state.updated_at = t
            if ending != ev.COMPLETE:
                state.episode_id, state.position, state.duration = (
                    episode_id,
                    round(stop, 1),
                    duration,
                )
                state.completed = False
                break
            if k + 1 == len(episodes):
                state.episode_id, state.position, state.duration = (
                    episode_id,
                    round(stop, 1),
                    duration,
                )
                state.completed, finished = True, True
                state.times_completed += 1
                break
            k, start = k + 1, 0.0
            state.episode_id, state.position, state.duration = episodes[k][0], 0.0, episodes[k][1]
            state.completed = False
            t += float(rng.uniform(5, 20))  # autoplay countdown
            keep_going = _sigmoid(0.8 * match + 0.6 + 0.3 * self.viewer.series_affinity)
            if t >= end or rng.random() >= keep_going:
                ending = ev.PAUSE
                break
        self.set_status(
            index, {ev.ABANDON: "abandoned"}.get(ending, "completed" if finished else "progress")
        )
        return self.after_playback(index, t, match, ending, finished=finished)

    def set_status(self, index: int, status: str) -> None:
        self.status[index] = status
        self.completed[index] = status == "completed"

    def after_playback(
        self, index: int, t: float, match: float, ending: str, finished: bool
    ) -> float:
        """Thumbs and My List tidying that follow a sitting."""
        rng = self.rng
        value = None
        quality = float(self.view.quality[index])
        series = bool(self.view.is_series[index])
        if (finished and rng.random() < 0.45) or (
            series and ending != ev.ABANDON and rng.random() < 0.12
        ):
            # Chosen titles already match well (z around 2), so thumbs are relative to that.
            score = 0.8 * (match - 2.0) + 0.5 * quality + float(rng.normal(0, 0.7))
            value = 2 if score > 0.7 else 1 if score > -0.6 else -1 if score < -1.1 else None
        elif ending == ev.ABANDON and rng.random() < 0.3 and match < 1.0:
            value = -1
        if value is not None:
            t += float(rng.uniform(2, 15))
            self.emit(t, ev.RATE, index, page="title", value=float(value))
            self.ratings[index] = (value, t)
        if finished and index in self.my_list and rng.random() < 0.5:
            t += float(rng.uniform(2, 10))
            self.emit(t, ev.LIST_REMOVE, index, page="title")
            del self.my_list[index]
        return t

    def tidy_up(self, t: float) -> None:
        """Now and then: take back a rating, or clear an old My List entry."""
        rng = self.rng
        if self.ratings and rng.random() < 0.02:
            index = sorted(self.ratings)[int(rng.integers(len(self.ratings)))]
            self.emit(t + 1, ev.UNRATE, index, page="title")
            del self.ratings[index]
        if self.my_list and rng.random() < 0.05:
            index = min(self.my_list, key=lambda i: (self.my_list[i], i))
            if t - self.my_list[index] > 14 * DAY:
                self.emit(t + 2, ev.LIST_REMOVE, index, page="my-list")
                del self.my_list[index]
