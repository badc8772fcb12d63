// @ts-check
// The home page's lookup form: the code goes into the verify page's URL
// fragment, which the browser never sends to the host. A classic script,
// not a module, so the home page also works opened from file://.
(function () {
  var form = document.querySelector('form.lookup');
  if (!form) return;
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    // The same normalisation as code.js: NFKC, no white space, upper case.
    var code = /** @type {HTMLInputElement} */ (document.getElementById('code')).value.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
    window.location.href = /** @type {HTMLFormElement} */ (form).getAttribute('action') + '#' + encodeURIComponent(code);
  });
})();
