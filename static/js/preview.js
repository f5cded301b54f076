/* Marquee muted previews: the home hero and the title page play a trailer cut over their art.

   Each `video[data-preview-url]` stays empty (preload none) until half of it is on screen;
   then the page asks /media/preview/<title> which cut this profile gets (the server's bandit
   chooses, and answers 204 when there is nothing the profile may see), plays it muted and
   looping through native HLS, hls.js (loaded only then) or the progressive MP4, and logs one
   "preview" event when frames first move. Off screen it pauses; with prefers-reduced-motion
   it never starts, and the art stays as the poster. */
(function () {
  "use strict";
  var SEEN_RATIO = 0.5;
  var HLS_TYPE = "application/vnd.apple.mpegurl";
  var hlsLoading = null;

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  /* hls.js, fetched once and only for a page that plays a preview without native HLS. */
  function loadHls(src) {
    if (window.Hls) { return Promise.resolve(window.Hls); }
    if (!src) { return Promise.resolve(null); }
    if (!hlsLoading) {
      hlsLoading = new Promise(function (resolve) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () { resolve(window.Hls || null); };
        script.onerror = function () { resolve(null); };
        document.head.appendChild(script);
      });
    }
    return hlsLoading;
  }

  function attach(video, preview) {
    if (video.canPlayType(HLS_TYPE)) {
      video.src = preview.master_url;
      return Promise.resolve();
    }
    return loadHls(video.getAttribute("data-hls-src")).then(function (Hls) {
      if (Hls && Hls.isSupported()) {
        var hls = new Hls({ capLevelToPlayerSize: true, startLevel: -1 });
        hls.loadSource(preview.master_url);
        hls.attachMedia(video);
        hls.on(Hls.Events.ERROR, function (_event, data) {
          if (data && data.fatal) { hls.destroy(); video.src = preview.progressive_url; }
        });
      } else {
        video.src = preview.progressive_url;
      }
    });
  }

  function logShown(video, preview) {
    var titleId = parseInt(video.getAttribute("data-title-id"), 10);
    if (!window.Marquee || !window.Marquee.events || !titleId) { return; }
    window.Marquee.events.send([{ type: "preview", title_id: titleId, value: preview.variant_id }], video);
  }

  function start(video) {
    if (video.getAttribute("data-preview-state")) { return; }
    video.setAttribute("data-preview-state", "loading");
    fetch(video.getAttribute("data-preview-url"), { credentials: "same-origin" })
      .then(function (response) { return response.status === 200 ? response.json() : null; })
      .then(function (preview) {
        if (!preview) { video.setAttribute("data-preview-state", "none"); return null; }
        video.muted = true;
        video.defaultMuted = true;
        video.loop = true;
        video.playsInline = true;
        video.poster = preview.poster_url;
        video.setAttribute("data-variant", String(preview.variant_id));
        video.addEventListener("playing", function once() {
          video.removeEventListener("playing", once);
          video.closest("[data-preview-holder]").classList.add("is-previewing");
          video.setAttribute("data-preview-state", "playing");
          logShown(video, preview);
        });
        return attach(video, preview).then(function () {
          video.preload = "auto";
          var playing = video.play();
          if (playing && playing.catch) { playing.catch(function () {}); }
        });
      })
      .catch(function () { video.setAttribute("data-preview-state", "none"); });
  }

  function init() {
    var videos = document.querySelectorAll("video[data-preview-url]");
    if (!videos.length || reducedMotion() || !("IntersectionObserver" in window)) { return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var video = entry.target;
        if (entry.isIntersecting) {
          if (!video.getAttribute("data-preview-state")) { start(video); }
          else if (video.paused && video.getAttribute("data-preview-state") === "playing") {
            var again = video.play();
            if (again && again.catch) { again.catch(function () {}); }
          }
        } else if (!video.paused) {
          video.pause();
        }
      });
    }, { threshold: SEEN_RATIO });
    videos.forEach(function (video) { observer.observe(video); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
