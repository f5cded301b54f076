/* Insights charts: each <canvas data-chart="ID"> is drawn from <script type="application/json" id="ID">.
   The numbers are also in the table beside every chart, so nothing depends on this script. */
(function () {
  "use strict";

  var PALETTE = ["#e50914", "#3a86ff", "#f5c518", "#1db954", "#8338ec", "#fb5607", "#06d6a0", "#ff006e"];

  function percent(value) {
    return (value * 100).toFixed(value < 0.1 ? 1 : 0) + " %";
  }

  function build(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") { return; }
    var spec;
    try { spec = JSON.parse(source.textContent); } catch (err) { return; }
    var datasets = spec.datasets.map(function (set, i) {
      var colour = PALETTE[i % PALETTE.length];
      return {
        label: set.label, data: set.data, backgroundColor: colour, borderColor: colour,
        borderWidth: spec.type === "line" ? 2 : 0, pointRadius: spec.type === "line" ? 0 : undefined, tension: 0.2
      };
    });
    var tick = spec.percent ? percent : undefined;
    var valueAxis = { beginAtZero: true, ticks: { color: "#a3a3a3", callback: tick }, grid: { color: "#333" } };
    var labelAxis = { ticks: { color: "#a3a3a3", autoSkip: true, maxRotation: 60 }, grid: { display: false } };
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {
          legend: { display: datasets.length > 1, labels: { color: "#e5e5e5" } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = ctx.parsed[spec.horizontal ? "x" : "y"];
                return ctx.dataset.label + ": " + (spec.percent ? percent(v) : v.toLocaleString());
              }
            }
          }
        },
        scales: spec.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis }
      }
    });
  }

  function start() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i++) { build(canvases[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
