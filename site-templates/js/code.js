// @ts-check
// Certificate codes (证书编码, 附件5) and filing numbers (机构备案号):
// the same rules and the same messages as the Rust side (generator/core/domain/code.rs),
// checked against tests/vectors/statements.json.
import { normalizeInput } from './typed.js';

/** The 14 cities in the notice's own order (01 沈阳 … 14 葫芦岛). */
export const CITIES = ['沈阳市', '大连市', '鞍山市', '抚顺市', '本溪市', '丹东市', '锦州市', '营口市', '阜新市', '辽阳市', '铁岭市', '朝阳市', '盘锦市', '葫芦岛市'];
/** Institution kinds, 第10位 1-6. */
export const KINDS = ['央企辽宁分公司', '省属企业', '市属企业', '技工院校', '行业协会', '其他'];
/** Level names by digit - 1. */
export const LEVEL_NAMES = ['一级/高级技师', '二级/技师', '三级/高级工', '四级/中级工', '五级/初级工'];
/** @type {Record<string, string>} */
const CATEGORY = { Y: '企业用人单位', S: '第三方评价机构' };

/**
 * The part of a code an error is about, as the page's words name it
 * (`code.fields`).
 * @typedef {'category' | 'route' | 'province' | 'city' | 'kind' | 'order' | 'year' | 'level' | 'serial' | 'length' | 'filing_length'} CodeField
 */

/**
 * A code error: 1-based positions, field, what was found and expected, in
 * the Rust side's words. `key` names the field, `value` is what was found
 * and `expectedKey` what was expected, in no language, for a page to say it
 * in another (i18n.js).
 */
export class CodeError extends Error {
  /**
   * @param {number} start first position, 0 for the whole code
   * @param {number} end last position
   * @param {string} field
   * @param {string} found
   * @param {string} expected
   * @param {CodeField} key
   * @param {string | number} value
   * @param {CodeField | 'digit' | 'kind_route'} [expectedKey]
   */
  constructor(start, end, field, found, expected, key, value, expectedKey = key) {
    const pos = start === 0 ? '' : start === end ? `第${start}位` : `第${start}-${end}位`;
    super(start === 0 ? `${field}为 ${found}，应为 ${expected}` : `${pos}（${field}）为 ${found}，应为 ${expected}`);
    this.start = start;
    this.end = end;
    this.field = field;
    this.found = found;
    this.expected = expected;
    this.key = key;
    this.value = value;
    this.expectedKey = expectedKey;
    /** @type {string | undefined} The filing route a kind disagrees with (kind_route). */
    this.route = undefined;
    /** @type {number | undefined} The site's earliest year of issue (year). */
    this.first = undefined;
  }
}

/**
 * What a filing number says (附件5 第1-13位).
 * @typedef {object} Filing
 * @property {string} filing_no
 * @property {string} category
 * @property {string} category_name
 * @property {string} route
 * @property {string} province
 * @property {string} province_name
 * @property {string} city
 * @property {string} city_code
 * @property {string} institution_kind
 * @property {string} institution_serial
 */

/**
 * What a certificate code says: its filing number's fields, then the year,
 * level and serial.
 * @typedef {Filing & { code: string, year: number, level: number, level_name: string, serial: number }} ParsedCode
 */

/**
 * The number at 1-based positions `start`-`end` of the characters `s`.
 * @param {string[]} s
 * @param {number} start
 * @param {number} end
 * @param {string} field
 * @param {CodeField} key
 * @returns {number}
 */
function digits(s, start, end, field, key) {
  let value = 0;
  for (let pos = start; pos <= end; pos++) {
    const c = s[pos - 1];
    if (!/^[0-9]$/.test(c)) throw new CodeError(pos, pos, field, `“${c}”`, '数字 0-9', key, `“${c}”`, 'digit');
    value = value * 10 + Number(c);
  }
  return value;
}

/** @type {(s: string[], start: number, end: number) => string} */
const text = (s, start, end) => s.slice(start - 1, end).join('');

/**
 * @param {string[]} s
 * @returns {Filing & { order: number }}
 */
function filingFields(s) {
  const letter = s[0];
  if (!(letter in CATEGORY)) {
    throw new CodeError(1, 1, '机构类别代码', `“${letter}”`, 'Y（企业用人单位）或 S（第三方评价机构）', 'category', `“${letter}”`);
  }
  const route = digits(s, 2, 5, '备案途径代码', 'route');
  const province = digits(s, 6, 7, '省级代码', 'province');
  if (province !== 21) throw new CodeError(6, 7, '省级代码', text(s, 6, 7), '21（辽宁省）', 'province', text(s, 6, 7));
  const city = digits(s, 8, 9, '机构所在市代码', 'city');
  if (city < 1 || city > 14) {
    throw new CodeError(8, 9, '机构所在市代码', text(s, 8, 9), '01-14（01 沈阳 … 11 铁岭、12 朝阳、13 盘锦、14 葫芦岛）', 'city', text(s, 8, 9));
  }
  const kind = digits(s, 10, 10, '机构类型', 'kind');
  if (kind < 1 || kind > 6) {
    throw new CodeError(10, 10, '机构类型', text(s, 10, 10), '1-6（1 央企辽宁分公司、2 省属企业、3 市属企业、4 技工院校、5 行业协会、6 其他）', 'kind', text(s, 10, 10));
  }
  const order = digits(s, 11, 13, '机构备案顺序号', 'order');
  if (order === 0) throw new CodeError(11, 13, '机构备案顺序号', '000', '001-999（按备案先后顺序赋码）', 'order', '000');
  if (route !== 0 && kind !== 1) {
    const r = String(route).padStart(4, '0');
    const error = new CodeError(10, 10, '机构类型', `${kind}（${KINDS[kind - 1]}）`, `1（央企辽宁分公司），因第2-5位备案途径代码为 ${r}（央企驻辽分支机构）`, 'kind', String(kind), 'kind_route');
    error.route = r;
    throw error;
  }
  const filingNo = text(s, 1, 13);
  return {
    filing_no: filingNo,
    category: letter,
    category_name: CATEGORY[letter],
    route: text(s, 2, 5),
    province: '21',
    province_name: '辽宁省',
    city: CITIES[city - 1],
    city_code: text(s, 8, 9),
    institution_kind: KINDS[kind - 1],
    institution_serial: text(s, 8, 13),
    order,
  };
}

/**
 * @param {string[]} s
 * @param {number} want
 * @param {string} field
 * @param {string} shape
 * @param {'length' | 'filing_length'} key
 */
function checkLength(s, want, field, shape, key) {
  if (s.length !== want) throw new CodeError(0, 0, field, `${s.length} 位`, `${want} 位（${shape}）`, key, s.length);
}

/**
 * Parses a 13-character filing number; throws CodeError.
 * @param {string} raw
 * @returns {Filing & { order: number }}
 */
export function parseFiling(raw) {
  const s = [...normalizeInput(raw)];
  checkLength(s, 13, '机构备案号长度', '1位字母+12位数字', 'filing_length');
  return filingFields(s);
}

/**
 * Parses a 22-character certificate code; throws CodeError.
 * @param {string} raw
 * @returns {ParsedCode}
 */
export function parseCode(raw) {
  const s = [...normalizeInput(raw)];
  checkLength(s, 22, '证书编号长度', '1位字母+21位数字', 'length');
  const f = filingFields(s);
  const yy = digits(s, 14, 15, '核发年份', 'year');
  // 附件5 gives the last two digits of the year and no earliest year: a
  // site's own limit is checkIssueYear.
  const year = 2000 + yy;
  const level = digits(s, 16, 16, '等级代码', 'level');
  if (level < 1 || level > 5) throw new CodeError(16, 16, '等级代码', text(s, 16, 16), '1-5', 'level', text(s, 16, 16));
  const serial = digits(s, 17, 22, '证书序列码', 'serial');
  if (serial === 0) throw new CodeError(17, 22, '证书序列码', '000000', '000001-999999', 'serial', '000000');
  const { order, ...rest } = f;
  return { code: s.join(''), ...rest, year, level, level_name: LEVEL_NAMES[level - 1], serial };
}

/**
 * Refuses a code issued before `first`, the earliest year of issue the site
 * publishes (`earliest_issue_year` in certsite.toml, 0 for none). The notice
 * sets no such year; a site sets one so that a mistyped year is named before
 * anything is fetched. Throws CodeError.
 * @param {ParsedCode} code
 * @param {number} first
 */
export function checkIssueYear(code, first) {
  if (code.year >= first) return;
  const yy = String(code.year % 100).padStart(2, '0');
  const error = new CodeError(14, 15, '核发年份', yy, `${String(first % 100).padStart(2, '0')} 及以后（本站收录 ${first} 年起核发的证书）`, 'year', yy);
  error.first = first;
  throw error;
}
