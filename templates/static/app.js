// 一点通: 长辈模式 (large text), remembered on this device. Works without it too.
(function () {
  var KEY = "ydt-elder";
  var root = document.documentElement;
  function get() { try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; } }
  function set(on) { try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ } }
  if (get()) root.classList.add("elder");
  document.addEventListener("DOMContentLoaded", function () {
    var btns = document.querySelectorAll("[data-elder]");
    btns.forEach(function (b) {
      b.hidden = false;
      b.setAttribute("aria-pressed", String(root.classList.contains("elder")));
      b.addEventListener("click", function () {
        var on = !root.classList.contains("elder");
        root.classList.toggle("elder", on);
        set(on);
        btns.forEach(function (x) { x.setAttribute("aria-pressed", String(on)); });
      });
    });
  });
})();
