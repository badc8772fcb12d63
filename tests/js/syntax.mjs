// The syntax the browser client may use: ECMAScript 2020, what Chromium 80,
// Safari 14 and Firefox 78 parse (issue 22). A script with newer syntax
// (`??=`, class fields, private `#names`, static blocks, top-level await,
// the RegExp `d` and `v` flags, …) does not run there at all: one such line
// takes a whole page's script down. acorn parses as the standard of the
// year it is given, and refuses anything newer. Lookbehind, `(?<=` and
// `(?<!`, is ES2018 but came to Safari only in 16.4: refused here as well.
import { parse } from 'acorn';

/** The standard the client keeps to. */
export const ECMA_VERSION = 2020;

/**
 * Where `pattern` (a regular expression's source) has a lookbehind, or -1.
 * @param {string} pattern
 * @returns {number}
 */
function lookbehind(pattern) {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i)) return i;
  }
  return -1;
}

/**
 * What in `source` the oldest engines cannot parse, as `file:line:column:
 * message` (1-based, an editor's), or null when it is all ES2020.
 * @param {string} source
 * @param {string} file named in the message
 * @param {'module' | 'script'} sourceType how the page loads it
 * @returns {string | null}
 */
export function newerSyntax(source, file, sourceType) {
  /** @type {string | null} */
  let found = null;
  try {
    parse(source, {
      ecmaVersion: ECMA_VERSION,
      sourceType,
      locations: true,
      onToken(token) {
        if (found || token.type.label !== 'regexp') return;
        const at = lookbehind(token.value.pattern);
        // The pattern starts after the opening slash, on the token's line.
        if (at >= 0) found = `${file}:${token.loc.start.line}:${token.loc.start.column + 2 + at}: lookbehind in a regular expression (Safari 16.4)`;
      },
    });
  } catch (e) {
    if (!(e instanceof SyntaxError) || !e.loc) throw e;
    // acorn ends its message with the position, 0-based column: said once, as an editor does.
    return `${file}:${e.loc.line}:${e.loc.column + 1}: ${e.message.replace(/ \(\d+:\d+\)$/, '')} (not ECMAScript ${ECMA_VERSION})`;
  }
  return found;
}

/** An attribute's text: the build writes `/` as `&#x2f;`. */
const attributeText = (text) =>
  text.replace(/&#x([0-9a-f]+);|&#([0-9]+);|&amp;/gi, (m, hex, dec) => (m === '&amp;' ? '&' : String.fromCodePoint(hex ? parseInt(hex, 16) : Number(dec))));

/**
 * How each script a page loads with a tag runs, by its URL as written in
 * `html`: `<script type="module" src>` a module, any other `<script src>` a
 * classic script (parsed in sloppy mode, without import or export).
 * @param {string} html
 * @returns {Map<string, 'module' | 'script'>}
 */
export function scriptTags(html) {
  const out = new Map();
  for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) {
    const src = /\bsrc="([^"]*)"/.exec(tag)?.[1];
    if (src) out.set(attributeText(src), /\btype="module"/.test(tag) ? 'module' : 'script');
  }
  return out;
}
