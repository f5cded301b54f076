/* Marquee event logging: impressions of cards actually on screen, clicks, and a small
   API other scripts use (Marquee.events.log / send). Events are batched and posted to
   /api/events with the CSRF token; when the page is hidden or left, what is queued goes
   out with navigator.sendBeacon, which cannot set headers, so the token rides in the body. */
(function () {
  "use strict";
  window.Marquee = window.Marquee || {};
  if (window.Marquee.events) { return; }

  var ENDPOINT = "/api/events";
  var MAX_BATCH = 20;
  var FLUSH_MS = 5000;
  var SEEN_RATIO = 0.5;
  var queue = [];
  var timer = null;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function sessionId() {
    var key = "marquee-session";
    try {
      var id = window.sessionStorage.getItem(key);
      if (!id) {
        id = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID()
          : String(Date.now()) + "-" + String(Math.random()).slice(2, 10);
        window.sessionStorage.setItem(key, id);
      }
      return id;
    } catch (err) {
      return null;
    }
  }

  function pageName(el) {
    var holder = (el && el.closest && el.closest("[data-page]")) || document.querySelector("[data-page]");
    if (holder) { return holder.getAttribute("data-page"); }
    return (window.location.pathname.split("/")[1] || "home").slice(0, 40);
  }

  /* When and where: the viewer's local hour and weekday (0 = Monday), the visit id. */
  function context(el) {
    var now = new Date();
    var ctx = {
      local_hour: now.getHours(),
      local_weekday: (now.getDay() + 6) % 7,
      session_id: sessionId(),
      page: pageName(el)
    };
    var model = el && el.closest && el.closest("[data-model-version]");
    if (model) { ctx.model_version = model.getAttribute("data-model-version"); }
    return ctx;
  }

  function intOrNull(value) {
    if (value === null || value === undefined || value === "") { return null; }
    var n = parseInt(value, 10);
    return isNaN(n) ? null : n;
  }

  /* Placement of a card: row, row position, column position, artwork variant. */
  function placement(card) {
    return {
      title_id: intOrNull(card.getAttribute("data-title-id")),
      row_key: card.getAttribute("data-row-key") || null,
      row_pos: intOrNull(card.getAttribute("data-row-pos")),
      col_pos: intOrNull(card.getAttribute("data-col-pos")),
      artwork_variant: intOrNull(card.getAttribute("data-variant"))
    };
  }

  function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      if (source[key] !== null && source[key] !== undefined && target[key] === undefined) {
        target[key] = source[key];
      }
    });
    return target;
  }

  function post(events, useBeacon) {
    if (!events.length) { return Promise.resolve(null); }
    if (useBeacon && navigator.sendBeacon) {
      var body = JSON.stringify({ events: events, csrf_token: csrfToken() });
      var blob = new Blob([body], { type: "text/plain;charset=UTF-8" });
      if (navigator.sendBeacon(ENDPOINT, blob)) { return Promise.resolve(null); }
    }
    return fetch(ENDPOINT, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ events: events })
    }).then(function (response) { return response.json(); }).catch(function () { return null; });
  }

  function flush(useBeacon) {
    if (timer) { clearTimeout(timer); timer = null; }
    while (queue.length) {
      post(queue.splice(0, MAX_BATCH), useBeacon);
    }
  }

  /* Queue one event (batched); context is filled in from the element it concerns. */
  function log(event, el) {
    queue.push(merge(event, context(el)));
    if (queue.length >= MAX_BATCH) { flush(false); }
    else if (!timer) { timer = setTimeout(function () { flush(false); }, FLUSH_MS); }
  }

  /* Send events now (playback): returns the server's answer, or null. */
  function send(events, el, useBeacon) {
    return post(events.map(function (e) { return merge(e, context(el)); }), useBeacon);
  }

  /* Impressions: a card counts once per page view, when half of it is on screen. */
  var seen = new WeakSet();
  var observer = ("IntersectionObserver" in window) ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting || seen.has(entry.target)) { return; }
      seen.add(entry.target);
      observer.unobserve(entry.target);
      var place = placement(entry.target);
      if (place.title_id) { log(merge({ type: "impression" }, place), entry.target); }
    });
  }, { threshold: SEEN_RATIO }) : null;

  function watchCards(root) {
    if (!observer) { return; }
    (root || document).querySelectorAll(".card[data-title-id]").forEach(function (card) {
      if (!seen.has(card)) { observer.observe(card); }
    });
  }

  /* Clicks on a card's link; on the search page they are search clicks with the query. */
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest(".card a.card-link");
    if (!link) { return; }
    var card = link.closest(".card[data-title-id]");
    if (!card) { return; }
    var event = placement(card);
    var search = card.closest("[data-search-query]");
    event.type = search ? "search_click" : "click";
    if (search) { event.text = search.getAttribute("data-search-query").slice(0, 200); }
    log(event, card);
    flush(true);
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(true); }
  });
  window.addEventListener("pagehide", function () { flush(true); });

  window.Marquee.events = { log: log, send: send, flush: flush, context: context, watch: watchCards, csrfToken: csrfToken };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { watchCards(); });
  } else {
    watchCards();
  }
})();
