/* Card controls (Play, My List, thumbs) are drawn when a card is first hovered
   or focused, from the one #card-actions-template, and their state is fetched
   for that card alone. A home page of hundreds of cards stays light; the
   clicks themselves are handled by actions.js, which listens on the document. */
(function () {
  "use strict";

  function applyState(box, state) {
    box.querySelectorAll('[data-action="rate"]').forEach(function (button) {
      button.setAttribute("aria-pressed", String(Number(button.getAttribute("data-value")) === state.rating));
    });
    box.querySelectorAll('[data-action="list"]').forEach(function (button) {
      button.setAttribute("aria-pressed", String(Boolean(state.in_list)));
    });
  }

  function fill(card) {
    var slot = card.querySelector("[data-lazy-actions]");
    var template = document.getElementById("card-actions-template");
    if (!slot || !template || slot.hasAttribute("data-filled")) { return; }
    slot.setAttribute("data-filled", "");
    var box = template.content.firstElementChild.cloneNode(true);
    var id = slot.getAttribute("data-title-id");
    var name = (card.querySelector(".card-name") || {}).textContent || "";
    box.removeAttribute("data-hydrate");
    box.setAttribute("data-title-id", id);
    var play = box.querySelector("a");
    if (play) {
      play.setAttribute("href", slot.getAttribute("data-play"));
      var label = play.querySelector(".visually-hidden");
      if (label) { label.textContent = "Play " + name; }
    }
    slot.replaceWith(box);
    fetch("/api/titles/state?ids=" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { titles: {} }; })
      .then(function (data) { if (data.titles && data.titles[id]) { applyState(box, data.titles[id]); } })
      .catch(function () {});
  }

  function onEnter(ev) {
    var card = ev.target && ev.target.closest ? ev.target.closest(".card") : null;
    if (card) { fill(card); }
  }

  document.addEventListener("pointerover", onEnter, { passive: true });
  document.addEventListener("focusin", onEnter);
})();
