/* Marquee page behaviour: rows scrolled by their buttons, the account menu, removing a
   card from Continue Watching. Arrow keys within rows are static/js/rows.js.
   No inline scripts: everything hooks up from data- attributes. */
(function () {
  "use strict";

  function setupRow(row) {
    var track = row.querySelector("[data-row-track]");
    if (!track) return;
    var buttons = row.querySelectorAll("[data-row-scroll]");

    function update() {
      var max = track.scrollWidth - track.clientWidth - 2;
      buttons.forEach(function (button) {
        var dir = Number(button.getAttribute("data-row-scroll"));
        button.hidden = dir < 0 ? track.scrollLeft <= 2 : track.scrollLeft >= max;
      });
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var dir = Number(button.getAttribute("data-row-scroll"));
        track.scrollBy({ left: dir * track.clientWidth * 0.9, behavior: "smooth" });
      });
    });

    track.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  }

  function closeMenusOnOutsideClick() {
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) menu.removeAttribute("open");
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
        menu.removeAttribute("open");
        var summary = menu.querySelector("summary");
        if (summary) summary.focus();
      });
    });
  }

  function init() {
    document.querySelectorAll("[data-row]").forEach(setupRow);
    closeMenusOnOutsideClick();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

/* "Remove from Continue Watching": a POST with the page's CSRF token, then the card goes
   and the focus moves to its neighbour, so a keyboard user stays in the row. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-hide-url]");
    if (!button) return;
    event.preventDefault();
    var meta = document.querySelector('meta[name="csrf-token"]');
    fetch(button.getAttribute("data-hide-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": meta ? meta.content : "", "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) return;
      var cell = button.closest(".row-cell") || button.closest(".card");
      if (!cell) return;
      var track = cell.parentElement;
      var hadFocus = cell.contains(document.activeElement);
      var neighbour = cell.nextElementSibling || cell.previousElementSibling;
      cell.remove();
      var rows = window.Marquee && window.Marquee.rows;
      if (rows && track) rows.refresh(track.closest(rows.groups) || track);
      var link = neighbour && neighbour.querySelector(".card-link");
      if (hadFocus && link) link.focus();
    }).catch(function () {});
  });
})();

/* The viewer's time zone in a cookie, so the home page knows the local time of day.
   Only a plain IANA name ("Europe/Paris") is sent; the server checks it again. */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone || zone.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-\/]*$/.test(zone)) return;
  var cookie = "tz=" + zone;
  if (document.cookie.split("; ").indexOf(cookie) >= 0) return;
  document.cookie = cookie + "; path=/; max-age=31536000; SameSite=Lax" +
    (location.protocol === "https:" ? "; Secure" : "");
})();
