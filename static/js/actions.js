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

  /* This profile's thumbs and My List for every card on the page, fetched once, on demand. */
  var pageStates = null;
  function loadStates() {
    if (pageStates) { return pageStates; }
    var ids = Array.from(new Set(Array.prototype.map.call(
      document.querySelectorAll("[data-title-id]"), function (el) { return el.getAttribute("data-title-id"); })));
    var requests = [];
    for (var start = 0; start < ids.length; start += 200) {
      requests.push(fetch("/api/titles/state?ids=" + ids.slice(start, start + 200).join(","), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { titles: {} }; })
        .catch(function () { return { titles: {} }; }));
    }
    pageStates = Promise.all(requests).then(function (parts) {
      return parts.reduce(function (all, part) { return Object.assign(all, part.titles); }, {});
    });
    return pageStates;
  }

  function showState(box) {
    loadStates().then(function (states) {
      var state = states[box.getAttribute("data-title-id")];
      if (state) { showRating(box, state.rating); showListed(box, state.in_list); }
    });
  }

  function hydrate() {
    document.querySelectorAll("[data-actions][data-hydrate]").forEach(showState);
  }

  /* The same drawn thumbs as templates/macros/actions.html (no emoji font needed). */
  var THUMB_PATH = "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06" +
    "L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05" +
    "c.09-.23.14-.47.14-.73v-2z";
  function thumbSvg(down) {
    return '<svg class="thumb-icon" viewBox="0 0 24 24" width="16" height="16" focusable="false"' +
      (down ? ' transform="rotate(180)"' : "") + '><path fill="currentColor" d="' + THUMB_PATH + '"/></svg>';
  }
  var THUMB_UP = thumbSvg(false);
  var THUMB_DOWN = thumbSvg(true);

  function button(action, label, icon, value) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "action-button compact " + (action === "list" ? "list-button" : "rate-button");
    b.setAttribute("data-action", action);
    b.setAttribute("aria-pressed", "false");
    if (value !== undefined) { b.setAttribute("data-value", String(value)); b.title = label; }
    b.innerHTML = icon;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = label;
    b.appendChild(hidden);
    return b;
  }

  /* Cards get their Play, My List and thumbs controls when first hovered or focused, so the
     page itself stays small; keyboard users reach them with Tab right after the card's link. */
  function addCardControls(card) {
    if (card.querySelector("[data-actions]")) { return; }
    var id = card.getAttribute("data-title-id");
    var nameEl = card.querySelector(".card-name");
    var name = nameEl ? nameEl.textContent : "";
    var box = document.createElement("div");
    box.className = "card-actions";
    box.setAttribute("data-actions", "");
    box.setAttribute("data-title-id", id);
    var play = document.createElement("a");
    play.className = "action-button compact";
    play.href = "/watch/" + id;
    play.innerHTML = '<span aria-hidden="true">&#9654;</span>';
    var playLabel = document.createElement("span");
    playLabel.className = "visually-hidden";
    playLabel.textContent = "Play " + name;
    play.appendChild(playLabel);
    box.appendChild(play);
    box.appendChild(button("list", "My List", '<span aria-hidden="true" data-when="off">+</span><span aria-hidden="true" data-when="on">&#10003;</span>'));
    var rate = document.createElement("span");
    rate.className = "rate-group";
    rate.setAttribute("role", "group");
    rate.setAttribute("aria-label", "Rate " + name);
    rate.appendChild(button("rate", "Not for me", '<span aria-hidden="true">' + THUMB_DOWN + "</span>", -1));
    rate.appendChild(button("rate", "I like this", '<span aria-hidden="true">' + THUMB_UP + "</span>", 1));
    rate.appendChild(button("rate", "Love this!", '<span aria-hidden="true">' + THUMB_UP + THUMB_UP + "</span>", 2));
    box.appendChild(rate);
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("data-action-status", "");
    box.appendChild(live);
    card.appendChild(box);
    showState(box);
  }

  function onApproach(ev) {
    var card = ev.target.closest && ev.target.closest(".card[data-title-id]");
    if (card) { addCardControls(card); }
  }
  document.addEventListener("focusin", onApproach);
  document.addEventListener("mouseover", onApproach);

  window.Marquee.actions = { hydrate: hydrate };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", hydrate); }
  else { hydrate(); }
})();
