// @ts-check
// The page's words, from the string table of its language
// (site-templates/i18n/<lang>.json), which the build joins into each page's
// script as strings.js. Only text: every string is inserted with
// textContent, never as HTML. Signed data (names, occupations) is shown as
// signed, marked as Chinese on a page in another language.
import { CITIES, KINDS, LEVEL_NAMES } from './code.js';
import { el } from './dom.js';
import { TABLE } from './strings.js';

/** @typedef {import('./dom.js').Child} Child */

/** The scripts' words. */
export const t = TABLE.script;
/** Whether the page is in Chinese, the language of the data. */
const chinese = TABLE.lang.startsWith('zh');

/**
 * `template` with each `{name}` replaced by `values[name]`, as text.
 * @param {string} template
 * @param {Record<string, string | number | undefined>} [values]
 * @returns {string}
 */
export function say(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

/**
 * `template` with each `{name}` replaced, as a list of text and nodes for
 * `el`: a value that is a node (see `data`) keeps its markup.
 * @param {string} template
 * @param {Record<string, Child>} [values]
 * @returns {Child[]}
 */
export function sayNodes(template, values = {}) {
  return template.split(/(\{\w+\})/).map((part) => {
    const key = /^\{(\w+)\}$/.exec(part)?.[1];
    return key && key in values ? values[key] : part;
  });
}

/**
 * Signed data as signed: on a page in another language, marked as Chinese.
 * @param {string | number} text
 * @returns {string | HTMLSpanElement}
 */
export function data(text) {
  return chinese ? String(text) : el('span', { lang: 'zh-CN' }, String(text));
}

/**
 * A level (1-5) as the page's language names it.
 * @param {number} level
 * @returns {string}
 */
export const levelName = (level) => TABLE.levels?.[level - 1] ?? LEVEL_NAMES[level - 1];

/**
 * A city (1-14) as the page's language names it.
 * @param {number} n
 * @returns {string}
 */
export const cityName = (n) => TABLE.cities[CITIES[n - 1]] ?? CITIES[n - 1];

/**
 * An institution kind (1-6) as the page's language names it.
 * @param {number} n
 * @returns {string}
 */
export const kindName = (n) => TABLE.kinds[KINDS[n - 1]] ?? KINDS[n - 1];

/**
 * The title and text of a verdict: a broken rule or altered data is said as such.
 * @param {{ verdict: import('./verify.js').VerdictName, reason?: string }} result
 * @returns {string[]}
 */
export function titleFor(result) {
  if (result.reason === 'record-invalid') return t.recordInvalid;
  if (result.reason === 'data-altered' || result.reason === 'snapshot-invalid') return t.dataAltered;
  return t.verdicts[result.verdict];
}

/**
 * What is wrong with a code (a CodeError), in the page's language.
 * @param {import('./code.js').CodeError} error
 * @returns {string}
 */
export function codeMessage(error) {
  if (chinese || !t.code) return error.message;
  const words = t.code;
  const field = words.fields[error.key] ?? error.key;
  const expected = say(words.expected[error.expectedKey] ?? '', { route: error.route, year: String((error.first ?? 0) % 100).padStart(2, '0'), first: error.first });
  const found = String(error.key).endsWith('length') ? say(words.characters, { n: error.value }) : error.value;
  if (error.start === 0) return say(words.whole, { field, found, expected });
  const template = error.start === error.end ? words.position : words.positions;
  return say(template, { from: error.start, to: error.end, field, found, expected });
}
