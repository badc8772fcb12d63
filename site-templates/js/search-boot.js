// @ts-check
// Loads the search module only where it can work: fetch and ES modules need
// http(s); opened from file:// the directory page stays a plain static page.
if (/^https?:$/.test(window.location.protocol)) import('./search-page.js');
