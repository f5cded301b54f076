"""Liveness and readiness endpoints for load balancers and process managers."""

from flask import Blueprint

bp = Blueprint("health", __name__)

from webapp.health import routes  # noqa: F401
