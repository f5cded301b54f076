"""Findings of the Trailers page (webapp.insights.trailer_report), in the style of the others
(webapp.insights.findings): which kind of cut leads to plays, and where segments disagree."""

from webapp.insights.finding import Finding


def trailers(p: dict) -> list[Finding]:
    """Which kind of trailer cut leads to plays, overall and where segments disagree."""
    out = []
    cuts = [c for c in p["by_cut"] if c["impressions"] > 0]
    if len(cuts) >= 2:
        best = max(cuts, key=lambda c: c["rate"])
        worst = min(cuts, key=lambda c: c["rate"])
        apart = best["low"] > worst["high"]
        out.append(
            Finding(
                f"“{best['cut']}” previews are followed by a play in the same session "
                f"{best['rate']:.1%} of the time against {worst['rate']:.1%} for “{worst['cut']}”",
                f"cut more trailers like “{best['cut']}”"
                if apart
                else "the intervals overlap: keep exploring before cutting more of one kind",
            )
        )
    picks = {seg: cut for seg, cut in p["best_cut"].items() if seg != "Everyone"}
    if len(set(picks.values())) >= 2:
        listed = "; ".join(f"{seg}: “{cut}”" for seg, cut in sorted(picks.items()))
        out.append(
            Finding(
                f"Segments play after different cuts ({listed})",
                "keep choosing the cut per segment rather than one trailer for everyone",
            )
        )
    return out
