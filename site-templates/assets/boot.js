// @ts-check
// What every page does first, usually before it is shown (async: it never
// holds the page up). A classic script, so it
// also runs where modules cannot (a page opened from file://).
// - The language: a visitor who chose the other language (the switch in the
//   header, remembered in localStorage) is taken to this page in it, with
//   the same fragment (a code being verified stays).
// - No verdict: where the verify or batch page's module never ran, says so.
// - Offline: once the page has loaded, it registers the service worker
//   (sw.js, at the site's root) that keeps the site working offline.
(function () {
  var KEY = 'certsite.lang';
  var mine = document.documentElement.lang === 'en' ? 'en' : 'zh';
  var chosen = null;
  try {
    chosen = window.localStorage.getItem(KEY);
  } catch (e) {
    // Storage disabled: the language is the page's.
  }
  var other = /** @type {HTMLLinkElement | null} */ (document.querySelector('link[rel="alternate"][hreflang]'));
  if (other && (chosen === 'en' || chosen === 'zh') && chosen !== mine) {
    window.location.replace(other.href + window.location.hash);
    return;
  }
  document.addEventListener('click', function (event) {
    var target = /** @type {Element} */ (event.target);
    var link = /** @type {HTMLAnchorElement | null} */ (target.closest && target.closest('a[data-lang-switch]'));
    if (!link) return;
    try {
      window.localStorage.setItem(KEY, mine === 'en' ? 'zh' : 'en');
    } catch (e) {
      // Not remembered: this page's switch still works.
    }
    link.href = link.href.split('#')[0] + window.location.hash;
  });
  // The verify and batch pages' module sets data-client when it starts. Where
  // it never did (an engine older than ES2020 cannot parse it, or it did not
  // download), the page says why it gives no verdict instead of waiting forever.
  window.addEventListener('load', function () {
    var failed = document.getElementById('client-failed');
    var box = failed && document.getElementById(failed.getAttribute('data-for') || '');
    if (!failed || !box || document.documentElement.hasAttribute('data-client')) return;
    while (box.firstChild) box.removeChild(box.firstChild);
    while (failed.firstChild) box.appendChild(failed.firstChild);
    if (box.hasAttribute('data-verdict')) box.setAttribute('data-verdict', 'unsupported');
  });
  var script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
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
