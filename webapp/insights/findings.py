"""Plain-language findings that open each insights page: what the figures say, and what to do.

Every finding is computed from the cached report's own figures (the same
ones its tables show), so a different log gives different findings; a page
whose figures say nothing clear yet gets fewer or none. Differences below
MIN_POINTS percentage points are not called out.
"""

from collections.abc import Callable

from webapp.insights.finding import Finding
from webapp.insights.trailer_findings import trailers

MIN_POINTS = 5.0
MAX_FINDINGS = 3
# Growth is called out only from a base of at least this share of all hours (no "+10,000 %").
MIN_GROWTH_BASE = 0.01
# A device is singled out for slow starts when its p95 is this much above everyone's.
SLOW_DEVICE = 1.25
FEW_STALLS = 0.005  # rebuffer ratio under which stalling needs no action
DEVICE_NAMES = {"tv": "TV"}


def _pct(value: float) -> str:
    return f"{value * 100:.0f} %"


def _upper(text: str) -> str:
    """The text with its first letter in capitals (the rest as it is: "My List")."""
    return text[:1].upper() + text[1:]


def _count(n: int, noun: str) -> str:
    """How many of a thing, the noun in the plural unless there is one: "1 profile", "3 errors"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _device(name: str) -> str:
    return DEVICE_NAMES.get(name, name)


def _points(a: float, b: float) -> float:
    return (a - b) * 100


def demand(p: dict) -> list[Finding]:
    rows = [g for g in p["genres"] if g["hours"] > 0]
    out = []
    if len(rows) >= 2:
        average = sum(g["completion"] for g in rows) / len(rows)
        best = max(rows, key=lambda g: g["completion"])
        worst = min(rows, key=lambda g: g["completion"])
        if _points(best["completion"], average) >= MIN_POINTS:
            out.append(
                Finding(
                    f"{best['name']} is watched to the end "
                    f"{_points(best['completion'], average):.0f} points more than the average "
                    f"genre ({_pct(best['completion'])} against {_pct(average)})",
                    f"commission more {best['name']}",
                )
            )
        if _points(average, worst["completion"]) >= MIN_POINTS:
            out.append(
                Finding(
                    f"{worst['name']} is finished {_points(average, worst['completion']):.0f} "
                    f"points less often than the average genre",
                    "find out what puts viewers off before buying more of it",
                )
            )
    base = MIN_GROWTH_BASE * p["total_hours"]
    rising = [
        g
        for g in rows
        if g["growth"] is not None and g["growth"] > 0.1 and g["hours_before"] >= base
    ]
    if rising:
        top = max(rising, key=lambda g: g["growth"])
        out.append(
            Finding(
                f"{top['name']} viewing grew {top['growth'] * 100:.0f} % in the last 28 days "
                f"({top['hours_recent']:.1f} h against {top['hours_before']:.1f} h)",
                "give it a home-page row while it is rising",
            )
        )
    return out


def supply(p: dict) -> list[Finding]:
    rows = [g for g in p["genres"] if g["gap"] is not None]
    out = []
    if rows:
        top = max(rows, key=lambda g: g["gap"])
        if top["gap"] >= 1.2:
            out.append(
                Finding(
                    f"{top['name']} draws {top['gap']:.1f}× the viewing its share of the catalog "
                    f"suggests ({_pct(top['hours_share'])} of hours from "
                    f"{_pct(top['catalog_share'])} of titles)",
                    f"acquire more {top['name']} titles",
                )
            )
        low = [g for g in rows if g["catalog_share"] >= 0.05]
        bottom = min(low, key=lambda g: g["gap"]) if low else None
        if bottom is not None and bottom["gap"] <= 0.8:
            out.append(
                Finding(
                    f"{bottom['name']} is {_pct(bottom['catalog_share'])} of the catalog but "
                    f"{_pct(bottom['hours_share'])} of viewing hours",
                    "buy less of it, or promote the best of what is there",
                )
            )
    if p["zero_result_searches"]:
        miss = p["zero_result_searches"][0]
        out.append(
            Finding(
                f"“{miss['query']}” found nothing {_times(miss['searches'])} "
                f"({_count(miss['profiles'], 'profile')})",
                "license such titles, or teach search the word",
            )
        )
    return out


def segments(p: dict) -> list[Finding]:
    segs = p["segments"]
    if not segs:
        return []
    largest = max(segs, key=lambda s: s["size"])
    out = [
        Finding(
            f"The largest segment, {largest['label']}, is {_pct(largest['share'])} of clustered "
            f"profiles and watches {largest['hours_per_profile_week']:.1f} h a week each",
            "plan the main home-page rows around its taste",
        )
    ]
    lifts = [(s, g) for s in segs for g in s["top_genres"] if g[2] is not None]
    if lifts:
        seg, genre = max(lifts, key=lambda sg: sg[1][2])
        if genre[2] >= 1.5:
            out.append(
                Finding(
                    f"{seg['label']} watches {genre[0]} {genre[2]:.1f}× as much as everyone (lift)",
                    f"aim {genre[0]} releases and trailers at this segment",
                )
            )
    return out


def artwork(p: dict) -> list[Finding]:
    out = []
    replay = p["replay"]
    if replay["gain"] is not None:
        clear = replay["policy_low"] > replay["uniform_rate"]
        out.append(
            Finding(
                f"Personalized artwork is estimated to change play rate by "
                f"{replay['gain'] * 100:+.0f} % against random artwork"
                + ("" if clear else ", but the interval still includes random"),
                "keep the bandit on" if clear else "keep exploring before relying on it",
            )
        )
    styles = [c for c in p["by_style"] if c["impressions"] > 0]
    if len(styles) >= 2:
        best = max(styles, key=lambda c: c["rate"])
        worst = min(styles, key=lambda c: c["rate"])
        apart = best["low"] > worst["high"]
        out.append(
            Finding(
                f"{_upper(best['style'])} artwork is played after {best['rate']:.1%} of "
                f"impressions against {worst['rate']:.1%} for {worst['style']}",
                f"commission {best['style']} artwork first"
                if apart
                else "the intervals overlap: not yet a reason to change what is commissioned",
            )
        )
    return out


def engagement(p: dict) -> list[Finding]:
    out = []
    parts = [d for d in p["dayparts"] if d["sittings"] > 0]
    if len(parts) >= 2:
        best = max(parts, key=lambda d: d["completion"])
        worst = min(parts, key=lambda d: d["completion"])
        if _points(best["completion"], worst["completion"]) >= MIN_POINTS:
            out.append(
                Finding(
                    f"Viewers finish {_pct(best['completion'])} of what they start in the "
                    f"{best['name']} and {_pct(worst['completion'])} in the {worst['name']}",
                    f"schedule premieres and notifications for the {best['name']}",
                )
            )
    devices = [d for d in p["devices"] if d["hours"] > 0]
    if devices:
        top = _device(max(devices, key=lambda d: d["hours_share"])["name"])
        share = max(d["hours_share"] for d in devices)
        out.append(
            Finding(
                f"{_upper(top)} carries {_pct(share)} of viewing hours",
                f"try player and home-page changes on {top} first",
            )
        )
    week1 = [(c["week"], c["retention"][1]) for c in p["cohorts"] if c["retention"][1:2]]
    week1 = [(w, r) for w, r in week1 if r is not None]
    if len(week1) >= 2:
        week, latest = week1[-1]
        before = sum(r for _, r in week1[:-1]) / (len(week1) - 1)
        worse = _points(before, latest) >= MIN_POINTS
        out.append(
            Finding(
                f"{_pct(latest)} of profiles who joined the week of {week} came back the week "
                f"after, against {_pct(before)} for earlier weeks",
                "review the first-week experience" if worse else "onboarding holds: keep it",
            )
        )
    return out


def churn(p: dict) -> list[Finding]:
    out = []
    if p["auc"] is not None:
        good = p["auc"] >= 0.7
        out.append(
            Finding(
                f"The churn model ranks a leaver above a stayer {_pct(p['auc'])} of the time "
                f"(ROC AUC {p['auc']:.2f})",
                "use its list for outreach" if good else "treat its list as a hint only",
            )
        )
    if p["coefficients"]:
        name, weight = max(p["coefficients"], key=lambda c: abs(c[1]))
        out.append(
            Finding(
                f"{_upper(name)} is the strongest sign of "
                f"{'leaving' if weight > 0 else 'staying'} (coefficient {weight:+.2f})",
                "watch it on at-risk profiles" if weight > 0 else "encourage more of it",
            )
        )
    high = [r for r in p["at_risk"] if r["risk"] >= 0.5]
    if high:
        out.append(
            Finding(
                f"{_count(len(high), 'profile')} seen this week "
                f"{'has' if len(high) == 1 else 'have'} a risk of leaving of 50 % or more",
                "reach out with picks from their favourite genres",
            )
        )
    return out


def experiments(p: dict) -> list[Finding]:
    out = []
    for key, report in p.items():
        for arm in report["arms"]:
            diff = arm["play_rate_diff"]
            if not diff:
                continue
            d, low, high = (v * 100 for v in diff)
            interval = f"95 % interval {low:+.1f} to {high:+.1f}"
            if low > 0:
                out.append(
                    Finding(
                        f"In {key}, {arm['arm']} raises play rate by {d:.1f} points ({interval})",
                        f"roll {arm['arm']} out",
                    )
                )
            elif high < 0:
                out.append(
                    Finding(
                        f"In {key}, {arm['arm']} lowers play rate by {-d:.1f} points ({interval})",
                        f"stop {arm['arm']}",
                    )
                )
            else:
                out.append(
                    Finding(
                        f"In {key}, {arm['arm']} is {d:+.1f} points from control, "
                        f"within chance ({interval})",
                        "keep the experiment running",
                    )
                )
    return out


def exposure(p: dict) -> list[Finding]:
    out = []
    if not p["impressions"]:
        return out  # nothing was shown: there is no exposure to speak of
    if p["by_decile"]:
        top = p["by_decile"][0]
        over = top["impressions_share"] > top["viewing_share"]
        out.append(
            Finding(
                f"The most watched tenth of titles gets {_pct(top['impressions_share'])} of "
                f"impressions and {_pct(top['viewing_share'])} of viewing",
                "give the long tail more room in rows"
                if over
                else "hits earn their place: keep them prominent",
            )
        )
    unseen = 1 - p["figures"]["coverage"]
    if unseen * 100 >= MIN_POINTS:
        out.append(
            Finding(
                f"{_pct(unseen)} of the catalog was never shown to anyone",
                "put those titles into genre and “new to you” rows, or retire them",
            )
        )
    return out


def quality(p: dict) -> list[Finding]:
    out = []
    overall = p["overall"]
    timed = [d for d in p["devices"] if d["startup_p95"] is not None]
    if timed and overall["startup_p95"] is not None:
        slow = max(timed, key=lambda d: d["startup_p95"])
        name, p95 = _device(slow["name"]), overall["startup_p95"]
        if slow["startup_p95"] >= SLOW_DEVICE * p95:
            out.append(
                Finding(
                    f"On {name}, the slowest 5 % of starts take {slow['startup_p95']:.1f} s or "
                    f"more (p95), against {p95:.1f} s on all devices",
                    f"start {name} on a lower rendition",
                )
            )
        else:
            out.append(
                Finding(
                    f"95 % of starts take under {p95:.1f} s (p95), and no device is far behind "
                    f"(the slowest, {name}, {slow['startup_p95']:.1f} s)",
                    "startup is even across devices: look at stalls and errors first",
                )
            )
    stalled = [d for d in p["devices"] if d["rebuffer_ratio"] is not None]
    if stalled:
        worst = max(stalled, key=lambda d: d["rebuffer_ratio"])
        name = _device(worst["name"])
        if worst["rebuffer_ratio"] >= FEW_STALLS:
            out.append(
                Finding(
                    f"{_upper(name)} viewers spend {worst['rebuffer_ratio']:.1%} of their "
                    f"viewing time stalled",
                    f"add a smaller rendition or cap {name}'s starting bitrate",
                )
            )
        else:
            out.append(
                Finding(
                    f"Video stalls for under {FEW_STALLS:.1%} of viewing time on every device "
                    f"(at most {worst['rebuffer_ratio']:.2%}, on {name})",
                    "the ladder needs no change for stalls",
                )
            )
    if p["errors_by_kind"]:
        top = p["errors_by_kind"][0]
        out.append(
            Finding(
                f"“{top['kind']}” errors hit {top['rate']:.1%} of play attempts "
                f"({_count(top['errors'], 'error')})",
                "fix this kind first",
            )
        )
    return out


FINDERS: dict[str, Callable[[dict], list[Finding]]] = {
    "demand": demand,
    "supply": supply,
    "segments": segments,
    "artwork": artwork,
    "trailers": trailers,
    "engagement": engagement,
    "churn": churn,
    "experiments": experiments,
    "exposure": exposure,
    "quality": quality,
}


def findings_for(page: str, payload: dict) -> list[Finding]:
    """The page's first few findings, in the order its figures are laid out."""
    finder = FINDERS.get(page)
    return finder(payload)[:MAX_FINDINGS] if finder else []
