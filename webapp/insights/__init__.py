"""Insights: the event log turned into content, marketing and product decisions.

Each topic has its own module of pure computations over a `LogView` (a session
and a time window): demand, supply, segments, artwork_bandit, engagement,
churn, experiments and exposure. `webapp.insights.refresh` runs them all and
keeps the results in the report cache (`webapp.insights.cache`), which is what
the admin pages read: a page view never recomputes a report. The choices made
on each page load (segment, experiment arm, artwork) are
`webapp.personalization`'s; these modules only report them.
"""
