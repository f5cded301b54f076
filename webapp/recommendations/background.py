"""Training in the background: one run at a time, shared by all workers, through the job runner.

The run is a separate process (`flask --app wsgi recommender train --queued`),
so a slow fit never holds a web worker; its state, stage, progress and
outcome are the "training" row of the job runner (webapp.jobs), which every
worker reads. Pages keep serving the last good model and switch to the new
one when it appears.
"""

import os
import subprocess
import sys
from pathlib import Path

from flask import current_app

from webapp import jobs

JOB = "training"


def status() -> jobs.JobStatus:
    """The training job's state, stage, progress and last outcome, as every worker sees it."""
    return jobs.status(JOB)


def start() -> bool:
    """Start a run in a child process unless one is going anywhere; True when this call did."""
    config = current_app.config
    env = dict(os.environ)
    env["DATABASE_URL"] = config["SQLALCHEMY_DATABASE_URI"]
    env["MARQUEE_MODEL_DIR"] = str(config["MODEL_DIR"])
    env["MARQUEE_MODEL_KEEP_VERSIONS"] = str(config["MODEL_KEEP_VERSIONS"])
    env["MARQUEE_INSTANCE_PATH"] = current_app.instance_path
    if config.get("SECRET_KEY"):
        env["SECRET_KEY"] = config["SECRET_KEY"]
    flask = Path(sys.executable).with_name("flask")
    command = [str(flask), "--app", "wsgi", "recommender", "train", "--queued"]
    # Its log lines join this worker's (stderr); its progress goes to the job's row.
    return jobs.spawn(
        JOB,
        command,
        cwd=Path(current_app.root_path).parent,
        env=env,
        stdout=subprocess.DEVNULL,
    )
