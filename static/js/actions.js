/* Thumbs and My List buttons (title pages and cards): change without reloading the page.
   Card controls start blank; their state for every card on the page comes in one request. */
(function () {
  "use strict";
  window.Marquee = window.Marquee || {};
  if (window.Marquee.actions) { return; }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function intOrNull(value) {
    var n = parseInt(value, 10);
    return isNaN(n) ? null : n;
  }

  /* Where the action happened, from the card (or title page) it belongs to. */
  function where(box) {
    var ctx = window.Marquee.events ? window.Marquee.events.context(box) : {};
    var card = box.closest(".card[data-title-id]");
    if (card) {
      ctx.row_key = card.getAttribute("data-row-key") || undefined;
      ctx.row_pos = intOrNull(card.getAttribute("data-row-pos")) ?? undefined;
      ctx.col_pos = intOrNull(card.getAttribute("data-col-pos")) ?? undefined;
      ctx.artwork_variant = intOrNull(card.getAttribute("data-variant")) ?? undefined;
    }
    Object.keys(ctx).forEach(function (k) { if (ctx[k] === null || ctx[k] === undefined) { delete ctx[k]; } });
    return ctx;
  }

  function call(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.message || "That did not work."); }
        return data;
      });
    });
  }

  function showRating(box, rating) {
    box.querySelectorAll('[data-action="rate"]').forEach(function (button) {
      button.setAttribute("aria-pressed", String(parseInt(button.dataset.value, 10) === rating));
    });
  }

  function showListed(box, listed) {
    box.querySelectorAll('[data-action="list"]').forEach(function (button) {
      button.setAttribute("aria-pressed", String(listed));
    });
  }

  function status(box, text) {
    var live = box.querySelector("[data-action-status]");
    if (live) { live.textContent = text; }
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("[data-actions] [data-action]");
    if (!button) { return; }
    ev.preventDefault();
    var box = button.closest("[data-actions]");
    var titleId = box.getAttribute("data-title-id");
    var pressed = button.getAttribute("aria-pressed") === "true";
    var body = where(box);
    var request;
    if (button.dataset.action === "rate") {
      var url = "/api/titles/" + titleId + "/rating";
      if (pressed) { request = call("DELETE", url, body); }
      else { body.value = parseInt(button.dataset.value, 10); request = call("PUT", url, body); }
      request.then(function (data) {
        showRating(box, data.rating);
        status(box, data.rating === null ? "Rating removed" : "Rated " + button.title);
      });
    } else {
      request = call(pressed ? "DELETE" : "PUT", "/api/titles/" + titleId + "/list", body);
      request.then(function (data) {
        showListed(box, data.in_list);
        status(box, data.in_list ? "Added to My List" : "Removed from My List");
      });
    }
    request.catch(function (err) { status(box, err.message); });
  });

  /* Fill in the state of card controls, in one request for the whole page. */
  function hydrate() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-actions][data-hydrate]"));
    var ids = Array.from(new Set(boxes.map(function (b) { return b.getAttribute("data-title-id"); })));
    for (var start = 0; start < ids.length; start += 200) {
      fetch("/api/titles/state?ids=" + ids.slice(start, start + 200).join(","), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { titles: {} }; })
        .then(function (data) {
          boxes.forEach(function (box) {
            var state = data.titles[box.getAttribute("data-title-id")];
            if (state) { showRating(box, state.rating); showListed(box, state.in_list); }
          });
        }).catch(function () {});
    }
  }

  window.Marquee.actions = { hydrate: hydrate };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", hydrate); }
  else { hydrate(); }
})();
