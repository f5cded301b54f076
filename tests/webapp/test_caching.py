"""The per-app caches under threads: builds of different keys run side by side, one key is built
once however many ask for it, and a build overtaken by an emptying is not kept."""

import threading

import pytest

from webapp.caching import AppCaches

WAIT = 10  # seconds a thread waits for the other before the test gives up on it


@pytest.fixture
def caches():
    return AppCaches(
        {
            "CATALOG_CACHE_SECONDS": 600,
            "TRENDING_CACHE_SECONDS": 600,
            "HOME_PAGE_CACHE_ENTRIES": 16,
            "CARD_CACHE_ENTRIES": 16,
        }
    )


def _in_threads(*targets):
    errors = []

    def run(target):
        try:
            target()
        except Exception as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert not any(t.is_alive() for t in threads), "a build never finished"
    assert errors == []


def test_two_keys_are_built_at_the_same_time(caches):
    """Each build waits until the other has started: were one key's build holding the lock,
    the other could not start and the meeting would time out."""
    both_building = threading.Barrier(2, timeout=WAIT)
    got = {}

    def page(name):
        def build():
            both_building.wait()
            return f"rows of {name}"

        return lambda: got.setdefault(name, caches.get_or_build(caches.pages, name, build))

    _in_threads(page("alex"), page("sam"))
    assert got == {"alex": "rows of alex", "sam": "rows of sam"}
    assert caches.get(caches.pages, "alex") == "rows of alex"


def test_one_key_asked_twice_at_once_is_built_once(caches):
    started, release = threading.Event(), threading.Event()
    builds, got = [], []

    def build():
        builds.append(1)
        started.set()
        release.wait(WAIT)
        return "trending row"

    def first():
        got.append(caches.get_or_build(caches.trending, "trending", build))

    def second():
        started.wait(WAIT)
        release.set()  # the first build may finish now; this caller waits for it or reads it
        got.append(caches.get_or_build(caches.trending, "trending", build))

    _in_threads(first, second)
    assert builds == [1] and got == ["trending row", "trending row"]


def test_a_build_overtaken_by_a_catalog_change_is_not_kept(caches):
    def build():
        caches.clear_catalog()  # an edit commits while the index is being built
        return "index of the old catalog"

    assert caches.get_or_build(caches.catalog, "index", build) == "index of the old catalog"
    assert caches.get(caches.catalog, "index") is None
    assert caches.get_or_build(caches.catalog, "index", lambda: "new index") == "new index"
    assert caches.get(caches.catalog, "index") == "new index"


def test_a_failed_build_leaves_the_key_free_for_the_next_caller(caches):
    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        caches.get_or_build(caches.pages, "alex", broken)
    assert caches.get_or_build(caches.pages, "alex", lambda: "rows") == "rows"
