// Admin title form: show only the fields and ratings that fit the chosen kind.
// Without JavaScript every field stays visible and the server still checks the choice.
(function () {
  "use strict";
  var kind = document.querySelector("[data-title-kind]");
  if (!kind) return;
  var rating = document.querySelector("[data-title-rating]");

  function sync() {
    var value = kind.value;
    document.querySelectorAll("[data-kind-only]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kind-only") !== value;
    });
    if (!rating) return;
    var group = value === "series" ? "Series" : "Films";
    rating.querySelectorAll("optgroup").forEach(function (og) {
      // NR sits in the Films group but suits both kinds.
      og.querySelectorAll("option").forEach(function (opt) {
        opt.disabled = og.label !== group && opt.value !== "NR";
      });
    });
    var selected = rating.options[rating.selectedIndex];
    if (selected && selected.disabled) rating.value = "NR";
  }

  kind.addEventListener("change", sync);
  sync();
})();
