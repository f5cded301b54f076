"""Words the insights pages use: statistical terms in one plain line each, and a report's age.

Pages show a term's line as a tooltip where the term appears (a table header
names its term on its Column; templates call the `term` macro), so a reader
never has to look a word up.
"""

TERMS = {
    "percentile": "The value under which that share of measurements fall: p95 = 95 % of "
    "starts were at least this fast.",
    "median": "The middle value: half the measurements are below it, half above.",
    "rebuffer ratio": "Seconds spent stalled, waiting for video, per second watched.",
    "lift": "How many times more a group does something than everyone does: 2.0 = twice as much.",
    "confidence interval": "The range the true figure most likely lies in given how much data "
    "there is; a 95 % interval misses it 1 time in 20.",
    "Wilson interval": "A 95 % confidence interval for a rate that stays sensible with few "
    "trials (it never goes below 0 % or above 100 %).",
    "p-value": "How often a difference this large would appear by chance if there were no real "
    "difference; below 0.05 is usually taken as real.",
    "shrinkage": "Pulling an estimate from little data towards its group's average, so a title "
    "with few impressions is not judged on luck.",
    "Thompson sampling": "Choosing each option with the probability that it is the best, given "
    "the results so far: good options get most of the traffic, others still get tried.",
    "ROC AUC": "How often the model ranks a profile that left above one that stayed: 0.5 is "
    "guessing, 1.0 is perfect.",
    "calibration": "Whether predicted rates come true: of profiles given 30 %, about 30 % "
    "should leave.",
    "coefficient": "How much one standard deviation more of a feature moves the predicted "
    "odds; positive = more likely to leave.",
    "silhouette": "How clearly profiles belong to their own segment rather than the next one: "
    "-1 to 1, higher is clearer.",
    "k-means": "Grouping profiles so each is closest to its own group's average taste.",
    "cohort": "Profiles that joined in the same week, followed together over the weeks after.",
    "decile": "One tenth of the titles, ranked by how many viewers they had.",
    "Gini": "Inequality of exposure: 0 = every title shown equally, towards 1 = a few titles "
    "get everything.",
    "novelty": "How unfamiliar shown titles are: higher = less watched titles.",
    "intra-list diversity": "How different the titles within one row are in genre: 0 = all "
    "alike, 1 = nothing shared.",
    "control": "The arm that keeps the current behaviour; every other arm is compared with it.",
}


def updated_ago(seconds: float) -> str:
    """A report's age in words: "Updated 12 minutes ago"."""
    minutes = int(max(seconds, 0) // 60)
    if minutes < 1:
        return "Updated just now"
    if minutes < 60:
        count, unit = minutes, "minute"
    elif minutes < 24 * 60:
        count, unit = minutes // 60, "hour"
    else:
        count, unit = minutes // (24 * 60), "day"
    return f"Updated {count} {unit}{'' if count == 1 else 's'} ago"
