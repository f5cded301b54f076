/* Thumbs and My List buttons (title pages and card menus): change without reloading the page.
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

  /* A card's actions are a small menu over its poster: Play, My List, the three thumbs and,
     in Continue Watching, Remove. It opens from the "more" button under the poster (shown on
     hover and focus) or from the card's link with the menu key or Shift+F10; arrow keys move
     inside it, Escape closes it and returns to the card. None of it is a Tab stop of its own,
     so a row stays one Tab stop (static/js/rows.js). Built on first approach, so pages of
     hundreds of cards stay light. */
  var menuCount = 0;

  function menuItem(tag, label, icon) {
    var item = document.createElement(tag);
    item.className = "card-menu-item";
    item.tabIndex = -1;
    if (tag === "button") { item.type = "button"; }
    var mark = document.createElement("span");
    mark.className = "card-menu-icon";
    mark.setAttribute("aria-hidden", "true");
    mark.innerHTML = icon;
    item.appendChild(mark);
    item.appendChild(document.createTextNode(label));
    return item;
  }

  function rateItem(label, icon, value) {
    var item = menuItem("button", label, icon);
    item.title = label;
    item.setAttribute("data-action", "rate");
    item.setAttribute("data-value", String(value));
    item.setAttribute("aria-pressed", "false");
    return item;
  }

  function cardName(card) {
    var nameEl = card.querySelector(".card-name");
    return nameEl ? nameEl.textContent : "";
  }

  function buildMenu(card) {
    var id = card.getAttribute("data-title-id");
    var menu = document.createElement("div");
    menu.className = "card-menu";
    menu.id = "card-menu-" + (++menuCount);
    menu.hidden = true;
    menu.setAttribute("role", "group");
    menu.setAttribute("aria-label", "Actions for " + cardName(card));
    menu.setAttribute("data-actions", "");
    menu.setAttribute("data-title-id", id);
    var play = menuItem("a", "Play", "&#9654;");
    play.href = "/watch/" + id;
    menu.appendChild(play);
    var list = menuItem("button", "My List", '<span data-when="off">+</span><span data-when="on">&#10003;</span>');
    list.classList.add("list-button");
    list.setAttribute("data-action", "list");
    list.setAttribute("aria-pressed", "false");
    menu.appendChild(list);
    menu.appendChild(rateItem("Not for me", THUMB_DOWN, -1));
    menu.appendChild(rateItem("I like this", THUMB_UP, 1));
    menu.appendChild(rateItem("Love this!", THUMB_UP + THUMB_UP, 2));
    var hide = card.querySelector("[data-hide-url]");
    if (hide) {
      var remove = menuItem("button", "Remove from Continue Watching", "&times;");
      remove.addEventListener("click", function () { hide.click(); });
      menu.appendChild(remove);
    }
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("data-action-status", "");
    menu.appendChild(live);
    card.appendChild(menu);
    showState(menu);
    return menu;
  }

  function addMore(card) {
    if (card.querySelector(".card-more")) { return; }
    var more = document.createElement("button");
    more.type = "button";
    more.className = "card-more";
    more.tabIndex = -1;
    more.setAttribute("aria-expanded", "false");
    more.setAttribute("aria-label", "More for " + cardName(card));
    more.title = "More (Shift+F10)";
    more.innerHTML = '<span aria-hidden="true">&#8943;</span>';
    card.appendChild(more);
  }

  function items(menu) {
    return Array.prototype.slice.call(menu.querySelectorAll(".card-menu-item"));
  }

  function openMenu(card) {
    addMore(card);
    var menu = card.querySelector(".card-menu") || buildMenu(card);
    var more = card.querySelector(".card-more");
    document.querySelectorAll(".card-menu:not([hidden])").forEach(function (other) {
      if (other !== menu) { closeMenu(other, false); }
    });
    menu.hidden = false;
    more.setAttribute("aria-expanded", "true");
    more.setAttribute("aria-controls", menu.id);
    items(menu)[0].focus();
  }

  function closeMenu(menu, refocus) {
    if (menu.hidden) { return; }
    var card = menu.closest(".card");
    menu.hidden = true;
    var more = card.querySelector(".card-more");
    if (more) { more.setAttribute("aria-expanded", "false"); }
    var link = card.querySelector(".card-link");
    if (refocus && link) { link.focus(); }
  }

  function onApproach(ev) {
    var card = ev.target.closest && ev.target.closest(".card[data-title-id]");
    if (card) { addMore(card); }
  }
  document.addEventListener("focusin", onApproach);
  document.addEventListener("mouseover", onApproach);

  document.addEventListener("click", function (ev) {
    var more = ev.target.closest && ev.target.closest(".card-more");
    if (more) {
      var menu = more.parentElement.querySelector(".card-menu");
      if (menu && !menu.hidden) { closeMenu(menu, true); } else { openMenu(more.closest(".card")); }
      return;
    }
    document.querySelectorAll(".card-menu:not([hidden])").forEach(function (open) {
      if (!open.contains(ev.target)) { closeMenu(open, false); }
    });
  });

  document.addEventListener("keydown", function (ev) {
    var target = ev.target;
    var menuKey = ev.key === "ContextMenu" || (ev.shiftKey && ev.key === "F10");
    if (menuKey && target.closest && target.closest(".card[data-title-id] .card-link")) {
      ev.preventDefault();
      openMenu(target.closest(".card"));
      return;
    }
    var menu = target.closest && target.closest(".card-menu");
    if (!menu) { return; }
    var list = items(menu);
    var at = list.indexOf(target);
    var next = null;
    if (ev.key === "Escape" || menuKey) { ev.preventDefault(); closeMenu(menu, true); return; }
    if (ev.key === "ArrowDown" || ev.key === "ArrowRight") { next = list[(at + 1) % list.length]; }
    else if (ev.key === "ArrowUp" || ev.key === "ArrowLeft") { next = list[(at - 1 + list.length) % list.length]; }
    else if (ev.key === "Home") { next = list[0]; }
    else if (ev.key === "End") { next = list[list.length - 1]; }
    if (next) { ev.preventDefault(); ev.stopPropagation(); next.focus(); }
  });

  /* The menu key also raises the browser's own menu on some systems: not over an open card menu. */
  document.addEventListener("contextmenu", function (ev) {
    var card = ev.target.closest && ev.target.closest(".card[data-title-id]");
    var menu = card && card.querySelector(".card-menu");
    if (menu && !menu.hidden) { ev.preventDefault(); }
  });

  /* Leaving the card (Tab, a click elsewhere) closes its menu. */
  document.addEventListener("focusout", function (ev) {
    var menu = ev.target.closest && ev.target.closest(".card") && ev.target.closest(".card").querySelector(".card-menu");
    if (!menu || menu.hidden) { return; }
    var card = menu.closest(".card");
    if (ev.relatedTarget && card.contains(ev.relatedTarget)) { return; }
    closeMenu(menu, false);
  });

  /* On touch screens there is no hover: every card shows its "more" button from the start. */
  function touchMore() {
    if (window.matchMedia && window.matchMedia("(hover: none)").matches) {
      document.querySelectorAll(".card[data-title-id]").forEach(addMore);
    }
  }

  window.Marquee.actions = { hydrate: hydrate };
  function init() { hydrate(); touchMore(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
