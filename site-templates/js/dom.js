// @ts-check
// Building page content from text only: strings never parse as HTML, so a hostile
// name in the data can never become markup.

/**
 * A child of `el` or `fill`: text (a number as text), a node, or nothing
 * (skipped). Lists are spread one level deep.
 * @typedef {string | number | Node | null | undefined | false} Child
 */

/**
 * An element with attributes and children (strings become text nodes).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = String(v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

/**
 * Marks the page's module as running, first thing: boot.js says "cannot
 * verify in this browser" on a page where it never did.
 */
export function clientStarted() {
  document.documentElement.dataset.client = 'running';
}

/**
 * Replaces the content of `node`.
 * @param {Element} node
 * @param {...(Child | Child[])} children
 */
export function fill(node, ...children) {
  // Emptied as text, not with replaceChildren (Chromium 86).
  node.textContent = '';
  for (const child of children.flat()) if (child) node.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
}
