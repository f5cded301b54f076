"""Training in the background: one run at a time, shared by all workers, through the job runner.

The run is a separate process (`flask --app wsgi recommender train --queued`),
so a slow fit never holds a web worker; its state, stage, progress and
outcome are the "training" row of the job runner (webapp.jobs), which every
worker reads. Pages keep serving the last good model and switch to the new
one when it appears.
"""

from datetime import datetime

from webapp import jobs

JOB = "training"


def status() -> jobs.JobStatus:
    """The training job's state, stage, progress and last outcome, as every worker sees it."""
    return jobs.status(JOB)


def start(due_before: datetime | None = None) -> bool:
    """Start a run in a child process unless one is going anywhere; True when this call did.

    `due_before`: only when the last run started before then (the schedule, webapp.schedule).
    """
    return jobs.spawn_flask(JOB, ["recommender", "train", "--queued"], due_before)
