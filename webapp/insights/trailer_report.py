"""Trailer previews, reported next to artwork: how each cut did, per taste segment.

The choice itself is made when a preview is about to play, by
`webapp.personalization.trailers` (the same bandit as artwork). Reward: a
preview impression (a "preview" event, value = the trailer variant's id) is
a success when the same profile starts playing that title later in the same
session (the browser's visit id). `trailer_report` counts the window's
previews, stores the posteriors the choice reads, and describes them per cut
(the cut's name groups the same kind of cut across titles) and segment.
"""

from dataclasses import dataclass

import numpy as np
from sqlalchemy import and_, case, exists, select
from sqlalchemy.orm import aliased

from webapp.activity import vocabulary as ev
from webapp.insights.artwork_bandit import pooled
from webapp.insights.logview import LogView
from webapp.insights.stats import share, wilson_interval
from webapp.models import Event
from webapp.personalization.bandit import EVERYONE, Counts, Model
from webapp.personalization.segments import segment_map
from webapp.personalization.trailers import store_posteriors, trailer_variants


@dataclass
class CutCell:
    segment: str
    cut: str
    impressions: int
    plays: int
    rate: float
    low: float
    high: float
    posterior: float  # the bandit's posterior mean for this kind of cut in this segment


@dataclass
class TrailerReport:
    start: str
    end: str
    impressions: int
    plays: int
    titles: int  # titles with at least one preview shown
    segment_labels: dict[str, str]
    by_cut: list[CutCell]
    by_segment_cut: list[CutCell]
    best_cut: dict[str, str]


def preview_counts(log: LogView, segments: dict[int, int]) -> Counts:
    """Previews and those followed by a play of the title in the same session, per
    (segment, title, variant), with the EVERYONE rows pooled in."""
    play = aliased(Event, name="play")
    played = exists().where(
        and_(
            play.type == ev.PLAY_START,
            play.profile_id == Event.profile_id,
            play.title_id == Event.title_id,
            play.session_id == Event.session_id,
            play.occurred_at >= Event.occurred_at,
        )
    )
    rows = log.session.execute(
        select(
            Event.profile_id,
            Event.title_id,
            Event.value,
            case((and_(Event.session_id.is_not(None), played), 1), else_=0),
        ).where(
            Event.type == ev.PREVIEW,
            log.in_window(),
            Event.title_id.is_not(None),
            Event.value.is_not(None),
        )
    ).all()
    if not rows:
        return Counts.empty()
    table = np.array([(p, t, int(v), k) for p, t, v, k in rows], dtype=np.int64)
    segment = np.array([segments.get(int(p), EVERYONE) for p in table[:, 0]], dtype=np.int64)
    raw = Counts(
        segment, table[:, 1], table[:, 2], np.ones(len(table), dtype=np.int64), table[:, 3]
    )
    return pooled(raw)


def _cells(counts: Counts, model: Model, labels: dict[int, str], by_segment: bool) -> list[CutCell]:
    cut_of = {(t, v): name for t, vs in model.variants.items() for v, name in vs}
    totals: dict[tuple[int, str], list[int]] = {}
    for s, t, v, n, k in counts.rows():
        if by_segment == (s == EVERYONE):
            continue
        total = totals.setdefault((s, cut_of.get((t, v), "removed cut")), [0, 0])
        total[0] += n
        total[1] += k
    out = []
    for (s, cut), (n, k) in sorted(totals.items()):
        low, high = wilson_interval(k, n)
        out.append(
            CutCell(
                labels.get(s, "Everyone"),
                cut,
                n,
                k,
                share(k, n),
                low,
                high,
                model.prior_mean(s, cut),
            )
        )
    return out


def trailer_report(log: LogView, segment_labels: dict[int, str]) -> TrailerReport:
    """Refresh the trailer posteriors and describe them: rates per cut and segment."""
    counts = preview_counts(log, segment_map())
    model = store_posteriors(counts, trailer_variants(log.session))
    labels = {EVERYONE: "Everyone"} | segment_labels
    by_segment = _cells(counts, model, labels, True)
    best: dict[str, CutCell] = {}
    for cell in by_segment:
        if cell.segment not in best or cell.rate > best[cell.segment].rate:
            best[cell.segment] = cell
    everyone = counts.segment == EVERYONE
    return TrailerReport(
        start=log.start.isoformat(),
        end=log.end.isoformat(),
        impressions=int(counts.shown[everyone].sum()),
        plays=int(counts.played[everyone].sum()),
        titles=int(np.unique(counts.title[everyone]).size),
        segment_labels={str(k): v for k, v in labels.items()},
        by_cut=_cells(counts, model, labels, False),
        by_segment_cut=by_segment,
        best_cut={segment: cell.cut for segment, cell in best.items()},
    )
