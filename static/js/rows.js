/* Rows and grids of cards, one Tab stop each: a roving tabindex, as in the WAI-ARIA grid
   and carousel patterns. Left/Right move between cards (Up/Down too in a wrapping grid),
   Home/End jump to the ends, and the card in focus scrolls into view. Enter follows the
   card's link; the menu key or Shift+F10 opens its actions (static/js/actions.js). A row's
   "See all" link is one more stop inside the row, after its last card, not a Tab stop.
   Without this script every card stays a Tab stop of its own, so nothing is lost. */
(function () {
  "use strict";
  window.Marquee = window.Marquee || {};
  if (window.Marquee.rows) { return; }

  var GROUPS = "[data-row], .card-grid";
  var STOPS = ".card-link, .row-more";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /* The group's stops in arrow-key order: its cards, then its "See all" link if it has one. */
  function links(group) {
    var cards = Array.prototype.slice.call(group.querySelectorAll(".card-link"));
    var more = group.querySelector(".row-more");
    return more && cards.length ? cards.concat([more]) : cards;
  }

  /* Make `link` the group's one Tab stop. */
  function activate(group, link) {
    links(group).forEach(function (other) { other.tabIndex = other === link ? 0 : -1; });
  }

  /* Give the group exactly one Tab stop: the one it had, or its first card. */
  function refresh(group) {
    var items = links(group);
    if (!items.length) { return; }
    var kept = items.filter(function (link) { return link.getAttribute("tabindex") === "0"; })[0];
    activate(group, kept || items[0]);
    group.querySelectorAll(".card-link").forEach(function (link) {
      link.setAttribute("aria-keyshortcuts", "Shift+F10");
    });
  }

  function move(group, link) {
    activate(group, link);
    link.focus({ preventScroll: true });
    if (link.classList.contains("row-more")) { return; }
    link.scrollIntoView({ block: "nearest", inline: "nearest", behavior: reduceMotion ? "auto" : "smooth" });
  }

  /* In a wrapping grid: the card on the next (or previous) line nearest in x to `from`. */
  function vertical(items, from, down) {
    var here = items[from].getBoundingClientRect();
    var middle = here.left + here.width / 2;
    var line = null;
    var best = null;
    items.forEach(function (link) {
      var box = link.getBoundingClientRect();
      var beyond = down ? box.top > here.bottom - 1 : box.bottom < here.top + 1;
      if (!beyond) { return; }
      if (line === null || (down ? box.top < line - 1 : box.top > line + 1)) { line = box.top; best = null; }
      if (Math.abs(box.top - line) > 1) { return; }
      var gap = Math.abs(box.left + box.width / 2 - middle);
      if (!best || gap < best.gap) { best = { link: link, gap: gap }; }
    });
    return best ? best.link : null;
  }

  var KEYS = ["ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp", "Home", "End"];

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || KEYS.indexOf(event.key) < 0) { return; }
    var link = event.target.closest && event.target.closest(STOPS);
    var group = link && link.closest(GROUPS);
    if (!group) { return; }
    var items = links(group);
    var cards = items.filter(function (stop) { return stop.classList.contains("card-link"); });
    var index = items.indexOf(link);
    var inGrid = group.classList.contains("card-grid");
    var next;
    if (index < 0) { return; }
    if (event.key === "ArrowRight") { next = items[index + 1]; }
    else if (event.key === "ArrowLeft") { next = items[index - 1]; }
    else if (event.key === "Home") { next = cards[0]; }
    else if (event.key === "End") { next = cards[cards.length - 1]; }
    else if (inGrid) { next = vertical(items, index, event.key === "ArrowDown"); }
    else { return; } // Up and Down scroll the page past a row, as everywhere else
    event.preventDefault(); // at a row's end the focus stays put rather than the row sliding away
    if (next) { move(group, next); }
  });

  /* A card focused any other way (a click, a script) becomes its group's Tab stop. */
  document.addEventListener("focusin", function (event) {
    var link = event.target.closest && event.target.closest(STOPS);
    var group = link && link.closest(GROUPS);
    if (group && link.tabIndex !== 0 && links(group).indexOf(link) >= 0) { activate(group, link); }
  });

  function init() {
    document.querySelectorAll(GROUPS).forEach(refresh);
  }

  window.Marquee.rows = { refresh: refresh, groups: GROUPS };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
