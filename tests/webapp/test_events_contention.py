"""Event batches racing for the same rows: a lost deadlock is retried, an outage is still a 503.

Several tabs of one profile report at once; each batch touches the same
resume points in its own order. The database may pick one of them as a
deadlock victim: the viewer must not see an error for it, and no event may be
stored twice or lost.
"""

import threading

import psycopg
import pytest
from sqlalchemy import event, func, select

from tests.conftest import AuthActions, on_backends
from tests.webapp.catalog_factory import build_catalog, make_account
from webapp.extensions import db
from webapp.models import Event, WatchState

THREADS = 8
BATCHES_PER_THREAD = 12
AWAY = "can't reach its database right now"


@pytest.fixture
def household(app):
    """A catalog of films and one signed-up profile: (film ids, profile id, email)."""
    with app.app_context():
        made = build_catalog(n_kid=12)
        films = sorted(t for name, t in made.titles.items() if name != "Cartel Days")
        _, (profile_id,) = make_account("tabs@example.com", [{"name": "Sam"}])
    return films, profile_id, "tabs@example.com"


def _tab(app, profile_id: int, email: str):
    """A browser tab of the profile: its own client and sign-in session."""
    client = app.test_client()
    AuthActions(client).as_viewer(profile_id)
    return client


def _batch(films: list[int], tag: str, position: float) -> dict:
    return {
        "events": [
            {"type": "heartbeat", "title_id": film, "value": position, "session_id": tag}
            for film in films
        ]
    }


def _stored_by_tag(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(Event.session_id, func.count()).group_by(Event.session_id)
        ).all()
    return dict(rows)


def test_overlapping_batches_in_opposite_orders_all_succeed_once(app, household):
    films, profile_id, email = household
    tabs = [_tab(app, profile_id, email) for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    answers: dict[str, int] = {}
    failures: list[str] = []

    def play(n: int) -> None:
        # Half the tabs walk the titles forwards, half backwards: opposite lock orders.
        order = films if n % 2 == 0 else films[::-1]
        start.wait()
        for b in range(BATCHES_PER_THREAD):
            tag = f"tab{n}-batch{b}"
            response = tabs[n].post("/api/events", json=_batch(order, tag, 60.0 + b))
            answers[tag] = response.status_code
            if response.status_code != 200:
                failures.append(f"{tag}: {response.status_code} {response.get_data(as_text=True)}")
            elif response.get_json()["stored"] != len(films):
                failures.append(f"{tag}: acknowledged {response.get_json()}")

    workers = [threading.Thread(target=play, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert failures == []
    assert len(answers) == THREADS * BATCHES_PER_THREAD
    # Every acknowledged batch is in the log exactly once, each of its events once.
    assert _stored_by_tag(app) == {tag: len(films) for tag in answers}
    with app.app_context():
        states = db.session.scalar(
            select(func.count()).select_from(WatchState).where(WatchState.profile_id == profile_id)
        )
    assert states == len(films)


# These raise psycopg's own errors: PostgreSQL only.
postgres_only = on_backends("app", "postgresql")


class FailOnce:
    """Raise a driver error the first `times` times a statement on watch_states runs."""

    def __init__(self, app, error: Exception, times: int = 1):
        self.error, self.left, self.raised = error, times, 0
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self)

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if self.left and statement.lstrip().upper().startswith("INSERT INTO WATCH_STATES"):
            self.left -= 1
            self.raised += 1
            raise self.error

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self)


@pytest.fixture
def inject(app):
    made: list[FailOnce] = []

    def arm(error: Exception, times: int = 1) -> FailOnce:
        made.append(FailOnce(app, error, times))
        return made[-1]

    yield arm
    for hook in made:
        hook.remove()


@postgres_only
def test_a_deadlock_victim_is_retried_and_stored_once(app, household, inject):
    films, profile_id, email = household
    client = _tab(app, profile_id, email)
    hook = inject(psycopg.errors.DeadlockDetected("deadlock detected"))

    response = client.post("/api/events", json=_batch(films[:3], "victim", 120.0))

    assert hook.raised == 1, "the deadlock was injected"
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["stored"] == 3
    assert _stored_by_tag(app) == {"victim": 3}


@postgres_only
def test_a_serialization_failure_is_retried_too(app, household, inject):
    films, profile_id, email = household
    client = _tab(app, profile_id, email)
    hook = inject(psycopg.errors.SerializationFailure("could not serialize access"), times=2)

    response = client.post("/api/events", json=_batch(films[:2], "serial", 30.0))

    assert hook.raised == 2
    assert response.status_code == 200
    assert _stored_by_tag(app) == {"serial": 2}


@postgres_only
def test_endless_deadlocks_give_up_with_a_busy_answer_and_store_nothing(app, household, inject):
    films, profile_id, email = household
    client = _tab(app, profile_id, email)
    attempts = app.config["DATABASE_RETRY_ATTEMPTS"]
    hook = inject(psycopg.errors.DeadlockDetected("deadlock detected"), times=attempts + 5)

    response = client.post("/api/events", json=_batch(films[:2], "doomed", 30.0))

    assert hook.raised == attempts, "a bounded number of tries"
    assert response.status_code == 503 and response.headers.get("Retry-After")
    message = response.get_json()["message"]
    assert AWAY not in message and "busy" in message
    assert _stored_by_tag(app) == {}


@postgres_only
def test_a_lost_connection_is_not_retried_and_still_answers_503(app, household, inject):
    films, profile_id, email = household
    client = _tab(app, profile_id, email)
    hook = inject(psycopg.errors.AdminShutdown("terminating connection"), times=5)

    response = client.post("/api/events", json=_batch(films[:2], "outage", 30.0))

    assert hook.raised == 1
    assert response.status_code == 503 and AWAY in response.get_json()["message"]
    assert _stored_by_tag(app) == {}
