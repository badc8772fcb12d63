// What every page does first. A classic script, so it also runs where
// modules cannot (a page opened from file://): registers the service worker
// (sw.js, at the site's root) that keeps the site working offline.
(function () {
  var script = document.currentScript;
  if (!script || !('serviceWorker' in navigator) || !/^https?:$/.test(window.location.protocol)) return;
  // This file is assets/boot.<hash>.js: the site's root is one level up.
  var worker = new URL('../sw.js', script.src).href;
  // After the page has loaded: storing the site must not slow the first lookup.
  window.addEventListener('load', function () {
    navigator.serviceWorker.register(worker).catch(function () {
      // No offline copy (private mode, storage full): the site works online as before.
    });
  });
})();
