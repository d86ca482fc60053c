// 一点通: 长辈模式 (large text, remembered on this device), kiosk mode (?kiosk=1, remembered
// for this browser session: bigger targets, off-site links disabled, back to the county home
// after a few idle minutes) and the poster's print button. Every page works without it.
(function () {
  "use strict";
  var ELDER = "ydt-elder", KIOSK = "ydt-kiosk", IDLE_MS = 3 * 60 * 1000;
  var root = document.documentElement;
  function load(store, key) { try { return store.getItem(key) === "1"; } catch (e) { return false; } }
  function save(store, key, on) { try { store.setItem(key, on ? "1" : "0"); } catch (e) { /* private mode */ } }

  if (load(window.localStorage, ELDER)) root.classList.add("elder");
  var flag = new URLSearchParams(location.search).get("kiosk");
  if (flag !== null) save(window.sessionStorage, KIOSK, flag === "1");
  var kiosk = load(window.sessionStorage, KIOSK);
  if (kiosk) root.classList.add("kiosk");

  function elderButtons() {
    var btns = document.querySelectorAll("[data-elder]");
    btns.forEach(function (b) {
      b.hidden = false;
      b.setAttribute("aria-pressed", String(root.classList.contains("elder")));
      b.addEventListener("click", function () {
        var on = !root.classList.contains("elder");
        root.classList.toggle("elder", on);
        save(window.localStorage, ELDER, on);
        btns.forEach(function (x) { x.setAttribute("aria-pressed", String(on)); });
      });
    });
  }

  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      if (kiosk) return;
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
  }

  function kioskMode() {
    // Links to other hosts become plain text: a kiosk must not wander off the site.
    document.querySelectorAll("a[href]").forEach(function (a) {
      var url;
      try { url = new URL(a.getAttribute("href"), location.href); } catch (e) { return; }
      if (url.protocol === "tel:" || url.protocol === "mailto:" || url.origin !== location.origin) {
        a.removeAttribute("href");
        a.removeAttribute("target");
        a.classList.add("offsite");
      }
    });
    var body = document.body;
    var home = new URL(body.getAttribute("data-home") || "./", location.href);
    var timer = 0;
    function reset() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (location.pathname !== home.pathname || location.search) location.href = home.href;
        else window.scrollTo(0, 0);
      }, IDLE_MS);
    }
    ["pointerdown", "keydown", "scroll", "touchstart"].forEach(function (ev) {
      window.addEventListener(ev, reset, { passive: true });
    });
    reset();
  }

  document.addEventListener("DOMContentLoaded", function () {
    elderButtons();
    printButtons();
    if (kiosk) kioskMode();
  });
})();
