/* The header search box: suggestions (titles, people, genres) as the viewer types,
   following the ARIA combobox pattern: arrows move, Enter opens, Escape closes.
   Without a chosen suggestion, Enter submits the form to the results page. */
(function () {
  "use strict";

  /* The results page logs its search once shown, through the events API: a same-origin
     POST with the CSRF token, so a link from another site cannot plant a search in a
     viewer's history (GET /search writes nothing). The count feeds the zero-results report. */
  function logResults() {
    var shown = document.querySelector("[data-search-query][data-search-results]");
    var query = shown && shown.getAttribute("data-search-query");
    if (!query || !window.Marquee || !window.Marquee.events) { return; }
    var found = parseInt(shown.getAttribute("data-search-results"), 10);
    window.Marquee.events.send([{ type: "search", text: query.slice(0, 200),
      value: isNaN(found) ? 0 : found }], shown);
  }
  /* events.js is deferred too, after this script; by DOMContentLoaded every deferred
     script has run. */
  if (window.Marquee && window.Marquee.events) {
    logResults();
  } else {
    document.addEventListener("DOMContentLoaded", logResults);
  }

  var form = document.querySelector("[data-search-box]");
  if (!form) { return; }
  var input = form.querySelector('input[name="q"]');
  var list = form.querySelector('[role="listbox"]');
  var url = form.getAttribute("data-suggest-url");
  var DEBOUNCE_MS = 120;
  var timer = null;
  var controller = null;
  var active = -1;
  var lastQuery = "";

  function options() { return Array.prototype.slice.call(list.querySelectorAll('[role="option"]')); }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var opts = options();
    if (!opts.length) { return; }
    active = (index + opts.length) % opts.length;
    opts.forEach(function (opt, i) { opt.setAttribute("aria-selected", String(i === active)); });
    input.setAttribute("aria-activedescendant", opts[active].id);
    opts[active].scrollIntoView({ block: "nearest" });
  }

  function group(label) {
    var li = document.createElement("li");
    li.className = "search-group";
    li.setAttribute("role", "presentation");
    li.textContent = label;
    return li;
  }

  function option(id, text, meta, href, kind, titleId, aiLabel) {
    var li = document.createElement("li");
    li.id = "search-option-" + id;
    li.className = "search-option";
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.dataset.href = href;
    li.dataset.kind = kind;
    if (titleId) { li.dataset.titleId = String(titleId); }
    var name = document.createElement("span");
    name.className = "search-option-name";
    name.textContent = text;
    li.appendChild(name);
    if (aiLabel) {
      // The badge's text is read with the option's name: "Title, AI-generated".
      var badge = document.createElement("span");
      badge.className = "badge badge-ai search-option-ai";
      badge.textContent = aiLabel;
      li.appendChild(badge);
    }
    if (meta) {
      var small = document.createElement("span");
      small.className = "search-option-meta";
      small.textContent = meta;
      li.appendChild(small);
    }
    return li;
  }

  function show(data) {
    list.textContent = "";
    var n = 0;
    if (data.corrected) {
      var note = group("Showing results for " + data.corrected);
      note.className = "search-note";
      list.appendChild(note);
    }
    if (data.titles.length) {
      list.appendChild(group("Titles"));
      data.titles.forEach(function (t) {
        var meta = [t.kind === "series" ? "Series" : "Film", t.year].filter(Boolean).join(" · ");
        list.appendChild(option(n++, t.name, meta, t.url, "title", t.id, t.ai_label));
      });
    }
    if (data.people.length) {
      list.appendChild(group("People"));
      data.people.forEach(function (p) { list.appendChild(option(n++, p.name, "", p.url, "person")); });
    }
    if (data.genres.length) {
      list.appendChild(group("Genres"));
      data.genres.forEach(function (g) { list.appendChild(option(n++, g.name, "Genre", g.url, "genre")); });
    }
    list.appendChild(option(n++, "See all results for “" + data.query + "”", "", data.search_url, "all"));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  function fetchSuggestions() {
    var q = input.value.trim();
    if (q === lastQuery) { return; }
    lastQuery = q;
    if (q.length < 2) { close(); return; }
    if (controller) { controller.abort(); }
    controller = new AbortController();
    fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin", signal: controller.signal })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && input.value.trim() === q) { show(data); } })
      .catch(function () {});
  }

  function choose(opt) {
    if (opt.dataset.titleId && window.Marquee && window.Marquee.events) {
      window.Marquee.events.log({ type: "search_click", title_id: parseInt(opt.dataset.titleId, 10),
        text: input.value.trim().slice(0, 200), row_key: "search-suggestions" }, form);
      window.Marquee.events.flush(true);
    }
    window.location.assign(opt.dataset.href);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { ev.preventDefault(); if (list.hidden) { lastQuery = ""; fetchSuggestions(); } else { highlight(active + 1); } }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(active - 1); }
    else if (ev.key === "Escape") { close(); }
    else if (ev.key === "Enter" && active >= 0 && !list.hidden) { ev.preventDefault(); choose(options()[active]); }
  });
  list.addEventListener("mousedown", function (ev) {
    var opt = ev.target.closest('[role="option"]');
    if (opt) { ev.preventDefault(); choose(opt); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
