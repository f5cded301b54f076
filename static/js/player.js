/* The player: an HTML5 <video> playing the title's signed HLS ladder, through hls.js where the
   browser has Media Source Extensions (else native HLS, else the progressive MP4).
   Watch tracking comes from the element: play_start on the first frame, pause, seek, a
   heartbeat every HEARTBEAT_MS while playing, complete on `ended`, abandon when the page is
   left (sent with sendBeacon, so it survives the unload). Playback quality goes to the same
   events API: startup time, each rebuffer, rendition switches and errors. */
(function () {
  "use strict";
  var root = document.getElementById("player");
  var video = root && root.querySelector("[data-player-video]");
  if (!video || !window.Marquee || !window.Marquee.events) { return; }
  var events = window.Marquee.events;

  var HEARTBEAT_MS = 12000;
  var UP_NEXT_SECONDS = 10;
  var SKIP_SECONDS = 10;
  var VOLUME_STEP = 0.1;

  var titleId = parseInt(root.dataset.titleId, 10);
  var episodeId = root.dataset.episodeId ? parseInt(root.dataset.episodeId, 10) : null;
  var start = parseFloat(root.dataset.start) || 0;
  var nextUrl = root.dataset.nextUrl || "";
  var masterUrl = video.dataset.masterUrl;

  var screen = root.querySelector("[data-player-screen]");
  var toggle = root.querySelector("[data-player-toggle]");
  var seekBar = root.querySelector("[data-player-seek]");
  var timeLabel = root.querySelector("[data-player-time]");
  var stateLabel = root.querySelector("[data-player-state]");
  var upNext = root.querySelector("[data-player-upnext]");
  var muteButton = root.querySelector("[data-player-mute]");
  var volumeBar = root.querySelector("[data-player-volume]");
  var qualityMenu = root.querySelector("[data-player-quality-menu]");
  var qualitySelect = root.querySelector("[data-player-quality]");
  var captionsSelect = root.querySelector("[data-player-captions]");
  var fullscreenButton = root.querySelector("[data-player-fullscreen]");

  var hls = null;
  var started = false;
  var ended = false;
  var leaving = false;
  var seekingFromResume = false;
  var lastBeat = 0;
  var playRequestedAt = null;
  var stallStartedAt = null;
  var countdown = null;

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m));
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function position() { return Math.round((video.currentTime || 0) * 10) / 10; }

  function item(event) {
    event.title_id = titleId;
    if (episodeId) { event.episode_id = episodeId; }
    return event;
  }

  /* Watch tracking: sent at once (the answer says it was recorded). */
  function report(type, useBeacon) {
    lastBeat = performance.now();
    var event = item({ type: type, value: position() });
    if (isFinite(video.duration)) { event.duration = Math.round(video.duration * 10) / 10; }
    return events.send([event], root, useBeacon);
  }

  /* Quality events: batched with the page's other events, flushed when the page is left. */
  function quality(type, value, text) {
    var event = item({ type: type });
    if (value !== null && value !== undefined) { event.value = Math.round(value * 1000) / 1000; }
    if (text) { event.text = String(text).slice(0, 200); }
    events.log(event, root);
  }

  function say(text) { stateLabel.textContent = text; }

  function render() {
    var duration = isFinite(video.duration) ? video.duration : 0;
    if (duration && String(seekBar.max) !== String(duration)) { seekBar.max = String(duration); }
    if (!seekBar.matches(":active")) { seekBar.value = String(video.currentTime || 0); }
    var text = clock(video.currentTime) + " / " + clock(duration);
    timeLabel.textContent = text;
    seekBar.setAttribute("aria-valuetext", text);
    var playing = !video.paused && !video.ended;
    toggle.textContent = playing ? "Pause" : (video.ended ? "Replay" : (started || start > 0 ? "Resume" : "Play"));
    toggle.setAttribute("aria-pressed", playing ? "true" : "false");
    muteButton.textContent = video.muted ? "Unmute" : "Mute";
    muteButton.setAttribute("aria-pressed", video.muted ? "true" : "false");
    volumeBar.value = String(video.muted ? 0 : video.volume);
  }

  /* Attach the ladder: hls.js wherever there is MSE (even beside native HLS, which offers no
     quality choice and reports no renditions), else the page's own sources: native HLS, or
     the progressive MP4. */
  function attach() {
    if (window.Hls && window.Hls.isSupported()) {
      hls = new window.Hls({ startPosition: start > 0 ? start : -1, capLevelToPlayerSize: true });
      hls.on(window.Hls.Events.MANIFEST_PARSED, function () {
        if (qualityMenu) { qualityMenu.hidden = false; }
      });
      hls.on(window.Hls.Events.LEVEL_SWITCHED, function (_name, data) {
        var level = hls.levels[data.level];
        if (level) { quality("rendition_switch", level.height, level.height + "p"); }
      });
      hls.on(window.Hls.Events.ERROR, function (_name, data) {
        if (!data.fatal) { return; }
        quality("playback_error", null, "hls " + data.type + ": " + data.details);
        if (data.type === window.Hls.ErrorTypes.NETWORK_ERROR) { hls.startLoad(); }
        else if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) { hls.recoverMediaError(); }
        else { say("This video cannot be played here."); }
      });
      hls.loadSource(masterUrl);
      hls.attachMedia(video);
    } else {
      video.preload = "auto";
      if (start > 0) {
        video.addEventListener("loadedmetadata", function () {
          seekingFromResume = true;
          video.currentTime = start;
        }, { once: true });
      }
      video.load();
    }
  }

  /* byViewer: pressed by the viewer (startup counts from then), not the page's own autoplay
     (startup counts from navigation). */
  function play(byViewer) {
    cancelUpNext();
    if (byViewer && playRequestedAt === null && !started) { playRequestedAt = performance.now(); }
    var promise = video.play();
    if (promise && promise.catch) {
      promise.catch(function () {
        say(start > 0 ? "Ready to resume" : "Ready to play");
        render();
      });
    }
  }

  function seekTo(to) {
    var duration = isFinite(video.duration) ? video.duration : 0;
    video.currentTime = Math.max(0, duration ? Math.min(duration - 0.1, to) : to);
  }

  function changeVolume(delta) {
    video.muted = false;
    video.volume = Math.max(0, Math.min(1, video.volume + delta));
    say("Volume " + Math.round(video.volume * 100) + " %");
  }

  function fullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (screen.requestFullscreen) { screen.requestFullscreen(); }
  }

  /* The element's own events: the one source of what happened. */
  video.addEventListener("playing", function () {
    if (stallStartedAt !== null) {
      quality("rebuffer", (performance.now() - stallStartedAt) / 1000, null);
      stallStartedAt = null;
    }
    if (!started) {
      started = true;
      // From the request to play (or navigation, when it played by itself) to the first frame.
      var from = playRequestedAt === null ? 0 : playRequestedAt;
      quality("startup", (performance.now() - from) / 1000, playRequestedAt === null ? "autoplay" : "click");
      report("play_start", false);
    } else if (ended) {
      ended = false;
      report("play_start", false);
    }
    say("Playing");
    render();
  });
  video.addEventListener("waiting", function () {
    if (started && !video.seeking && stallStartedAt === null) {
      stallStartedAt = performance.now();
      say("Buffering…");
    }
  });
  video.addEventListener("pause", function () {
    if (leaving || video.ended || !started) { render(); return; }
    report("pause", false);
    say("Paused");
    render();
  });
  video.addEventListener("seeked", function () {
    if (seekingFromResume) { seekingFromResume = false; render(); return; }
    stallStartedAt = null;
    if (started) { report("seek", false); }
    render();
  });
  video.addEventListener("timeupdate", function () {
    if (started && !video.paused && performance.now() - lastBeat >= HEARTBEAT_MS) {
      report("heartbeat", false);
    }
    render();
  });
  video.addEventListener("ended", function () {
    ended = true;
    report("complete", false);
    render();
    finish();
  });
  video.addEventListener("error", function () {
    var error = video.error;
    if (!error || hls) { return; }
    quality("playback_error", error.code, "video " + error.code + (error.message ? ": " + error.message : ""));
    say("This video cannot be played here.");
  });
  video.addEventListener("volumechange", render);
  video.addEventListener("loadedmetadata", render);
  video.addEventListener("click", function () { if (video.paused) { play(true); } else { video.pause(); } });

  function finish() {
    if (!nextUrl) { say("Finished"); return; }
    var left = UP_NEXT_SECONDS;
    upNext.hidden = false;
    var show = function () { upNext.textContent = "Next episode in " + left + " s. Press Escape to stay."; };
    show();
    countdown = setInterval(function () {
      left -= 1;
      if (left <= 0) { cancelUpNext(); window.location.assign(nextUrl); return; }
      show();
    }, 1000);
  }

  function cancelUpNext() {
    if (countdown) { clearInterval(countdown); countdown = null; }
    if (upNext) { upNext.hidden = true; }
  }

  /* Controls. */
  toggle.addEventListener("click", function () { if (video.paused) { play(true); } else { video.pause(); } });
  root.querySelectorAll("[data-player-skip]").forEach(function (button) {
    button.addEventListener("click", function () { seekTo(video.currentTime + parseFloat(button.dataset.playerSkip)); });
  });
  seekBar.addEventListener("change", function () { seekTo(parseFloat(seekBar.value)); });
  muteButton.addEventListener("click", function () { video.muted = !video.muted; });
  volumeBar.addEventListener("input", function () {
    video.volume = parseFloat(volumeBar.value);
    video.muted = video.volume === 0;
  });
  fullscreenButton.addEventListener("click", fullscreen);
  if (qualitySelect) {
    qualitySelect.addEventListener("change", function () {
      if (!hls) { return; }
      var height = parseInt(qualitySelect.value, 10);
      var index = -1;
      hls.levels.forEach(function (level, i) { if (level.height === height) { index = i; } });
      hls.currentLevel = isNaN(height) ? -1 : index;
      say("Quality: " + qualitySelect.options[qualitySelect.selectedIndex].text);
    });
  }
  if (captionsSelect) {
    captionsSelect.addEventListener("change", function () {
      var on = captionsSelect.value !== "off";
      for (var i = 0; i < video.textTracks.length; i += 1) {
        video.textTracks[i].mode = on ? "showing" : "hidden";
      }
    });
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    if (ev.target.closest && ev.target.closest("input:not([type=range]), select, textarea")) { return; }
    var key = ev.key;
    if (key === " " || key === "k") {
      if (ev.target.tagName === "BUTTON" || ev.target.tagName === "A") { return; }
      ev.preventDefault();
      if (video.paused) { play(true); } else { video.pause(); }
    } else if (key === "ArrowLeft" || key === "j") { ev.preventDefault(); seekTo(video.currentTime - SKIP_SECONDS); }
    else if (key === "ArrowRight" || key === "l") { ev.preventDefault(); seekTo(video.currentTime + SKIP_SECONDS); }
    else if (key === "ArrowUp") { ev.preventDefault(); changeVolume(VOLUME_STEP); }
    else if (key === "ArrowDown") { ev.preventDefault(); changeVolume(-VOLUME_STEP); }
    else if (key === "f") { fullscreen(); }
    else if (key === "m") { video.muted = !video.muted; }
    else if (key === "Escape") { cancelUpNext(); }
  });

  /* Seek previews: the sprite tile of the time under the pointer, from the thumbnails VTT. */
  var preview = root.querySelector("[data-player-preview]");
  var previewImage = root.querySelector("[data-player-preview-image]");
  var previewTime = root.querySelector("[data-player-preview-time]");
  var cues = [];

  function vttSeconds(stamp) {
    var parts = stamp.split(":").map(parseFloat);
    return parts.reduce(function (total, part) { return total * 60 + part; }, 0);
  }

  function loadThumbnails() {
    var url = root.dataset.thumbnailsUrl;
    if (!url) { return; }
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (text) {
      var base = new URL(url, window.location.href);
      var pattern = /([\d:.]+) --> ([\d:.]+)\s*\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)/g;
      var match;
      while ((match = pattern.exec(text)) !== null) {
        cues.push({
          start: vttSeconds(match[1]), end: vttSeconds(match[2]),
          image: new URL(match[3], base).href,
          x: +match[4], y: +match[5], w: +match[6], h: +match[7]
        });
      }
    }).catch(function () { cues = []; });
  }

  seekBar.addEventListener("mousemove", function (ev) {
    var duration = isFinite(video.duration) ? video.duration : 0;
    if (!duration) { return; }
    var box = seekBar.getBoundingClientRect();
    var ratio = Math.max(0, Math.min(1, (ev.clientX - box.left) / box.width));
    var at = ratio * duration;
    var cue = cues.find(function (c) { return at >= c.start && at < c.end; });
    previewTime.textContent = clock(at);
    if (cue) {
      previewImage.style.width = cue.w + "px";
      previewImage.style.height = cue.h + "px";
      previewImage.style.backgroundImage = "url(\"" + cue.image + "\")";
      previewImage.style.backgroundPosition = "-" + cue.x + "px -" + cue.y + "px";
    }
    previewImage.hidden = !cue;
    preview.style.left = (ratio * box.width) + "px";
    preview.hidden = false;
  });
  seekBar.addEventListener("mouseleave", function () { preview.hidden = true; });

  /* Leaving: a hidden page may never come back, so its position goes out now; leaving the
     page for good ends the viewing as abandoned (unless it was watched to the end). */
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && started && !ended) { report("heartbeat", true); }
  });
  window.addEventListener("pagehide", function () {
    if (!started || ended || leaving) { return; }
    leaving = true;
    report("abandon", true);
    if (stallStartedAt !== null) {
      quality("rebuffer", (performance.now() - stallStartedAt) / 1000, "left while buffering");
      events.flush(true);
    }
  });

  attach();
  loadThumbnails();
  render();
  play(false);
})();
