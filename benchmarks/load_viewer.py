"""One simulated viewer for benchmarks/load.py: a signed-in profile using the site as a browser does.

Each visit is a compressed browsing session: the home page (its impressions
posted as static/js/events.js batches them, a few poster images, the card
states actions.js fetches on hover), a click on a card (sent as a beacon,
CSRF token in the body), the title page, a thumb and a My List toggle
(actions.js requests), the player (play_start, heartbeats, maybe a seek to the
end and complete, then pause, one request each as player.js sends them), and
a search typed into the header box (suggest requests, then the results page).

The viewer records latency and errors per endpoint, and what the server
acknowledged: events per visit id (the session_id the events carry), search
pages served (each logs one search event), and the last rating and My List
state it was told about per title, so that the database can be checked
against all of it afterwards. Nothing is retried: a failed request is an error.
"""

import html
import http.client
import json
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
CARD = re.compile(
    r'<article class="card[^"]*" data-title-id="(\d+)" data-row-key="([^"]*)" '
    r'data-row-pos="(\d*)" data-col-pos="(\d*)" data-variant="(\d+)">'
    r'<a class="card-link" href="([^"]+)"><img class="card-art" src="([^"]+)" alt="([^"]*)"'
)
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
MODEL = re.compile(r'data-model-version="([^"]*)"')
PLAYER = re.compile(
    r'data-title-id="(\d+)"\s+data-episode-id="(\d*)"\s+data-start="([\d.]+)"\s+'
    r'data-duration="([\d.]+)"'
)
LIST_PRESSED = re.compile(r'data-action="list"\s+aria-pressed="(true|false)"')
RATE_PRESSED = re.compile(r'data-action="rate" data-value="(-?\d)"\s+aria-pressed="true"')
WORD = re.compile(r"[A-Za-z]{4,}")
MAX_BATCH = 20  # events.js flushes its queue at 20 events
ON_SCREEN = 30  # cards of the first rows a desktop window shows
POSTERS = 6  # poster images a visit loads that the browser has not cached yet
SPEEDS = (1, 1, 2, 8, 60)  # the player's speed menu, plain speed most often


@dataclass
class Tally:
    """What one viewer saw and what the server acknowledged to it."""

    latencies: dict = field(default_factory=dict)  # endpoint -> [ms]
    errors: dict = field(default_factory=dict)  # endpoint -> count
    failures: list = field(default_factory=list)  # (began, ended, endpoint, what)
    acked: dict = field(default_factory=dict)  # session_id -> events the server stored
    visits: int = 0
    searches: int = 0  # search pages served (one search event each)
    ratings: dict = field(default_factory=dict)  # title id -> last acknowledged value or None
    listed: dict = field(default_factory=dict)  # title id -> last acknowledged My List state
    uncertain: set = field(default_factory=set)  # titles whose rating or list call failed
    models: list = field(default_factory=list)  # (time, page, model version) per page served

    def as_dict(self) -> dict:
        return {**self.__dict__, "uncertain": sorted(self.uncertain)}


class Browser:
    """Requests with the session cookie; one connection each, as gunicorn's sync workers close them."""

    def __init__(self, port: int, cookie: str, tally: Tally):
        self.port, self.cookie, self.tally = port, cookie, tally
        self.csrf = ""

    def call(
        self,
        endpoint: str,
        method: str,
        path: str,
        body=None,
        content_type=None,
        csrf: bool = False,
    ) -> tuple[int, str] | None:
        """(status, text) or None when it failed; failures are counted, never retried."""
        headers = {"Cookie": self.cookie, "User-Agent": USER_AGENT}
        if content_type:
            headers["Content-Type"] = content_type
        if csrf:
            headers["X-CSRFToken"] = self.csrf
        began, clock = time.time(), time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            conn.close()
        except (OSError, http.client.HTTPException) as exc:
            self._failed(endpoint, began, type(exc).__name__)
            return None
        self.tally.latencies.setdefault(endpoint, []).append(1000 * (time.perf_counter() - clock))
        self._keep_cookie(response)
        if response.status >= 400:
            self._failed(endpoint, began, f"HTTP {response.status}")
            return None
        return response.status, text

    def _failed(self, endpoint: str, began: float, what: str) -> None:
        self.tally.errors[endpoint] = self.tally.errors.get(endpoint, 0) + 1
        self.tally.failures.append((began, time.time(), endpoint, what))

    def _keep_cookie(self, response) -> None:
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]

    def post_events(self, events: list[dict], session_id: str, beacon: bool = False) -> None:
        """POST /api/events as events.js does: fetch with the header, or a beacon with the token in the body."""
        if beacon:
            body = json.dumps({"events": events, "csrf_token": self.csrf})
            got = self.call("events", "POST", "/api/events", body, "text/plain;charset=UTF-8")
        else:
            body = json.dumps({"events": events})
            got = self.call("events", "POST", "/api/events", body, "application/json", csrf=True)
        if got is not None:
            stored = json.loads(got[1])["stored"]
            self.tally.acked[session_id] = self.tally.acked.get(session_id, 0) + stored


@dataclass
class Card:
    title_id: int
    row_key: str
    row_pos: int | None
    col_pos: int | None
    variant: int
    href: str
    poster: str
    name: str

    def placement(self) -> dict:
        return {
            "title_id": self.title_id,
            "row_key": self.row_key or None,
            "row_pos": self.row_pos,
            "col_pos": self.col_pos,
            "artwork_variant": self.variant,
        }


def parse_cards(page: str, limit: int = 200) -> list[Card]:
    cards = []
    for m in CARD.finditer(page):
        row_pos, col_pos = (int(x) if x else None for x in (m.group(3), m.group(4)))
        cards.append(
            Card(
                int(m.group(1)),
                m.group(2),
                row_pos,
                col_pos,
                int(m.group(5)),
                html.unescape(m.group(6)),
                html.unescape(m.group(7)),
                html.unescape(m.group(8)),
            )
        )
        if len(cards) == limit:
            break
    return cards


class Viewer:
    """Visits in a loop until told to stop, pausing `think` seconds on average between steps."""

    def __init__(self, port: int, cookie: str, name: str, seed: int, think: float):
        self.tally = Tally()
        self.browser = Browser(port, cookie, self.tally)
        self.name, self.rng, self.think = name, random.Random(seed), think
        self.cached_posters: set[str] = set()
        self.session_id = ""

    def context(self, page: str, model: str | None = None) -> dict:
        now = time.localtime()
        ctx = {
            "local_hour": now.tm_hour,
            "local_weekday": now.tm_wday,
            "session_id": self.session_id,
            "page": page,
        }
        if model:
            ctx["model_version"] = model
        return ctx

    def pause(self) -> None:
        time.sleep(self.rng.uniform(0, 2 * self.think))

    def run(self, stop, out) -> None:
        try:
            while not stop.is_set():
                self.tally.visits += 1
                self.session_id = f"{self.name}-{self.tally.visits}"
                self.visit(stop)
        finally:
            # The viewers share the machine with the server: their own CPU time is reported.
            out.put({**self.tally.as_dict(), "name": self.name, "cpu": time.process_time()})

    def visit(self, stop) -> None:
        steps = (self.home, self.title_page, self.player, self.search)
        state: dict = {}
        for step in steps:
            if stop.is_set():
                return
            if step(state) is False:
                return
            self.pause()

    def _page(self, endpoint: str, path: str, page_name: str) -> str | None:
        got = self.browser.call(endpoint, "GET", path)
        if got is None or got[0] != 200:
            return None
        text = got[1]
        token = CSRF.search(text)
        if token:
            self.browser.csrf = token.group(1)
        model = MODEL.search(text)
        if model:
            self.tally.models.append((time.time(), page_name, model.group(1)))
        return text

    def home(self, state: dict):
        page = self._page("home", "/", "home")
        if page is None:
            return False
        model = MODEL.search(page)
        model = model.group(1) if model else None
        cards = parse_cards(page)
        if not cards:
            return False
        seen = [
            dict(type="impression", **c.placement(), **self.context("home", model))
            for c in cards[:ON_SCREEN]
        ]
        self.browser.post_events(seen[:MAX_BATCH], self.session_id)
        for card in [c for c in cards[:ON_SCREEN] if c.poster not in self.cached_posters][:POSTERS]:
            if self.browser.call("artwork", "GET", card.poster) is not None:
                self.cached_posters.add(card.poster)
        ids = ",".join(dict.fromkeys(str(c.title_id) for c in cards))
        self.browser.call("state", "GET", f"/api/titles/state?ids={ids}")
        self.pause()
        chosen = self.rng.choice(cards[:ON_SCREEN])
        click = dict(type="click", **chosen.placement(), **self.context("home", model))
        # The click flushes what is still queued as a beacon (events.js).
        self.browser.post_events(seen[MAX_BATCH:] + [click], self.session_id, beacon=True)
        state.update(card=chosen, names=[c.name for c in cards[:ON_SCREEN]])

    def title_page(self, state: dict):
        card: Card = state["card"]
        page = self._page("title", card.href, "title")
        if page is None:
            return False
        listed = LIST_PRESSED.search(page)
        rated = RATE_PRESSED.search(page)
        self.pause()
        self.rate(card.title_id, int(rated.group(1)) if rated else None)
        self.pause()
        self.toggle_list(card.title_id, bool(listed and listed.group(1) == "true"))

    def rate(self, title_id: int, current: int | None) -> None:
        value = self.rng.choices((1, 2, -1), weights=(5, 3, 2))[0]
        body = self.context("title")
        url = f"/api/titles/{title_id}/rating"
        if value == current:  # pressing the lit thumb takes the rating away
            got = self.browser.call(
                "rating", "DELETE", url, json.dumps(body), "application/json", True
            )
            value = None
        else:
            got = self.browser.call(
                "rating", "PUT", url, json.dumps({**body, "value": value}), "application/json", True
            )
        self._settled(got, title_id, self.tally.ratings, value)

    def toggle_list(self, title_id: int, in_list: bool) -> None:
        got = self.browser.call(
            "list",
            "DELETE" if in_list else "PUT",
            f"/api/titles/{title_id}/list",
            json.dumps(self.context("title")),
            "application/json",
            True,
        )
        self._settled(got, title_id, self.tally.listed, not in_list)

    def _settled(self, got, title_id: int, states: dict, value) -> None:
        if got is None:
            self.tally.uncertain.add(title_id)
            return
        states[title_id] = value
        self.tally.acked[self.session_id] = self.tally.acked.get(self.session_id, 0) + 1

    def player(self, state: dict):
        card: Card = state["card"]
        page = self._page("player", f"/watch/{card.title_id}", "player")
        if page is None:
            return False
        m = PLAYER.search(page)
        if m is None:
            return False
        title_id, episode, start, duration = (
            int(m.group(1)),
            m.group(2),
            float(m.group(3)),
            float(m.group(4)),
        )
        position = 0.0 if start >= duration else start
        speed = self.rng.choice(SPEEDS)

        def report(kind: str) -> None:
            event = {
                "type": kind,
                "title_id": title_id,
                "value": round(position, 1),
                "duration": duration,
            }
            if episode:
                event["episode_id"] = int(episode)
            self.browser.post_events([{**event, **self.context("player")}], self.session_id)

        report("play_start")
        completed = False
        for beat in range(self.rng.randint(3, 6)):
            self.pause()
            if beat == 1 and self.rng.random() < 0.25:  # skips to the credits
                position = 0.92 * duration
                report("seek")
                continue
            # Each beat stands for the player's 10 s heartbeat interval at the chosen speed.
            position = min(duration, position + 10.0 * speed)
            if not completed and position >= 0.9 * duration:
                completed = True
                report("complete")
            else:
                report("heartbeat")
        report("pause")

    def search(self, state: dict):
        words = [w for name in state.get("names", []) for w in WORD.findall(name)]
        if not words:
            return
        word = self.rng.choice(words).lower()
        for typed in sorted({word[:3], word[:5], word}, key=len):  # the box asks as it is typed
            self.browser.call("suggest", "GET", f"/api/search/suggest?q={quote(typed)}")
        self.pause()
        if self._page("search", f"/search?q={quote(word)}", "search") is not None:
            self.tally.searches += 1


def run_viewer(port: int, cookie: str, name: str, seed: int, think: float, stop, out) -> None:
    """Process entry point."""
    Viewer(port, cookie, name, seed, think).run(stop, out)
