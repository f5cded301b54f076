/* The simulated player: a timeline that advances in real time (times the chosen speed),
   with play/pause, seek, ±10 s and next episode. Progress goes to the server as
   heartbeats every ~10 s while playing, and on pause, seek and when the page is hidden
   or left (those last ones with sendBeacon so they survive the page closing). */
(function () {
  "use strict";
  var root = document.getElementById("player");
  if (!root || !window.Marquee || !window.Marquee.events) { return; }
  var events = window.Marquee.events;

  var HEARTBEAT_MS = 10000;
  var COMPLETE_AT = 0.9;
  var UP_NEXT_SECONDS = 10;

  var titleId = parseInt(root.dataset.titleId, 10);
  var episodeId = root.dataset.episodeId ? parseInt(root.dataset.episodeId, 10) : null;
  var duration = parseFloat(root.dataset.duration) || 0;
  var position = Math.min(parseFloat(root.dataset.start) || 0, duration);
  var nextUrl = root.dataset.nextUrl || "";

  var toggle = root.querySelector("[data-player-toggle]");
  var seekBar = root.querySelector("[data-player-seek]");
  var timeLabel = root.querySelector("[data-player-time]");
  var speedSelect = root.querySelector("[data-player-speed]");
  var stateLabel = root.querySelector("[data-player-state]");
  var upNext = root.querySelector("[data-player-upnext]");

  var playing = false;
  var started = false;
  var completed = false;
  var speed = 1;
  var lastTick = 0;
  var lastBeat = 0;
  var frame = null;
  var countdown = null;

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m));
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function report(type, useBeacon) {
    var event = { type: type, title_id: titleId, value: Math.round(position * 10) / 10, duration: duration };
    if (episodeId) { event.episode_id = episodeId; }
    lastBeat = performance.now();
    return events.send([event], root, useBeacon);
  }

  function render() {
    seekBar.value = String(Math.floor(position));
    var text = clock(position) + " / " + clock(duration);
    timeLabel.textContent = text;
    seekBar.setAttribute("aria-valuetext", text);
    toggle.textContent = playing ? "Pause" : (position >= duration ? "Replay" : (started || position > 0 ? "Resume" : "Play"));
    toggle.setAttribute("aria-pressed", playing ? "true" : "false");
  }

  function say(text) { stateLabel.textContent = text; }

  function tick(now) {
    if (!playing) { return; }
    var elapsed = (now - lastTick) / 1000;
    lastTick = now;
    position = Math.min(duration, position + elapsed * speed);
    if (!completed && position >= COMPLETE_AT * duration) {
      completed = true;
      report("complete", false);
    } else if (now - lastBeat >= HEARTBEAT_MS) {
      report("heartbeat", false);
    }
    render();
    if (position >= duration) { finish(); return; }
    frame = requestAnimationFrame(tick);
  }

  function play() {
    if (playing) { return; }
    if (position >= duration) { position = 0; completed = false; }
    playing = true;
    lastTick = performance.now();
    report(started ? "heartbeat" : "play_start", false);
    started = true;
    say("Playing");
    cancelUpNext();
    frame = requestAnimationFrame(tick);
    render();
  }

  function pause(useBeacon) {
    if (!playing) { return; }
    playing = false;
    if (frame) { cancelAnimationFrame(frame); frame = null; }
    report("pause", useBeacon);
    say("Paused");
    render();
  }

  function seek(to) {
    position = Math.max(0, Math.min(duration, to));
    if (position < COMPLETE_AT * duration) { completed = false; }
    if (started) { report("seek", false); }
    say("At " + clock(position));
    render();
  }

  function finish() {
    playing = false;
    if (frame) { cancelAnimationFrame(frame); frame = null; }
    report("heartbeat", false);
    render();
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

  toggle.addEventListener("click", function () { if (playing) { pause(false); } else { play(); } });
  root.querySelectorAll("[data-player-skip]").forEach(function (button) {
    button.addEventListener("click", function () { seek(position + parseFloat(button.dataset.playerSkip)); });
  });
  seekBar.addEventListener("change", function () { seek(parseFloat(seekBar.value)); });
  speedSelect.addEventListener("change", function () { speed = parseFloat(speedSelect.value) || 1; });

  document.addEventListener("keydown", function (ev) {
    if (ev.target.closest && ev.target.closest("input, select, textarea")) { return; }
    if (ev.key === " " || ev.key === "k") {
      if (ev.target.tagName === "BUTTON" || ev.target.tagName === "A") { return; }
      ev.preventDefault();
      if (playing) { pause(false); } else { play(); }
    } else if (ev.key === "ArrowLeft" || ev.key === "j") { seek(position - 10); }
    else if (ev.key === "ArrowRight" || ev.key === "l") { seek(position + 10); }
    else if (ev.key === "Escape") { cancelUpNext(); }
  });

  /* Leaving or hiding the page: one last position, sent so that it survives the unload. */
  function leave() {
    if (!started) { return; }
    if (playing) {
      var now = performance.now();
      position = Math.min(duration, position + ((now - lastTick) / 1000) * speed);
      lastTick = now;
    }
    report("heartbeat", true);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { leave(); }
  });
  window.addEventListener("pagehide", leave);

  render();
})();
