// The statistics page's charts in headless Chromium, in Chinese and
// English, at phone width (390 px) and desktop width (1280 px): each chart
// is an image with an accessible name, every label of it is inside its
// figure (so on the screen) and clear of its neighbours, and the figures
// its text alternative states are those of the tables under it; the
// monthly table, unfolded, passes axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { useDemoSite, watchConsole } from './site.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const demo = useDemoSite();

/** What each language's text alternatives say, as patterns. */
const WORDS = {
  zh: {
    total: /共 ([\d,]+) 份/,
    year: /(\d{4})年 ([\d,]+) 份/g,
    busiest: /最多的月份是.*，([\d,]+) 份。$/,
    top: /最多的是(.*?)(；|。$)/,
    none: /；([^；]*)没有。$/,
    item: /^(.+) ([\d,]+) 份$/,
    levels: /；(.*)。$/,
    sep: '、',
  },
  en: {
    total: /([\d,]+) in all/,
    year: /([\d,]+) in (\d{4})/g,
    busiest: /the most in one month: ([\d,]+), in /,
    top: /the most from (.*?)(; none from|\.$)/,
    none: /; none from (.*)\.$/,
    item: /^(.+?):? \(?([\d,]+)\)?$/,
    levels: /in all; (.*)\.$/,
    sep: ', ',
  },
};

const number = (text) => Number(text.replaceAll(',', ''));

/** A table's rows as [heading, numbers…], and its total row. */
function table(page, selector) {
  return page.evaluate((sel) => {
    const rows = (section) => [...document.querySelectorAll(`${sel} ${section} tr`)].map((tr) => [...tr.children].map((c) => c.textContent.trim()));
    return { rows: rows('tbody'), sum: rows('tfoot')[0] };
  }, selector);
}

/** The chart's accessible name, as Chromium computes it, after checking it names the chart. */
async function nameOf(page, id) {
  const title = await page.locator(`#${id}-title`).textContent();
  assert.ok(title.length > 20, `${id}: a text alternative, not just a name`);
  assert.equal(await page.getByRole('img', { name: title, exact: true }).count(), 1, `${id} is an image named by its title`);
  return title;
}

async function check(lang, width) {
  const page = await demo.browser.newPage({ viewport: { width, height: 844 } });
  const problems = watchConsole(page);
  await page.goto(`${demo.site.url}${lang === 'en' ? 'en/' : ''}stats/index.html`);
  const w = WORDS[lang];
  const where = `(${lang}, ${width} px)`;

  // Three charts, each an image, each inside the page and its text clear of its neighbours.
  assert.deepEqual(await page.locator('main svg[role="img"]').evaluateAll((svgs) => svgs.map((s) => s.getAttribute('aria-labelledby'))), ['chart-levels-title', 'chart-cities-title', 'chart-months-title']);
  const layout = await page.evaluate(() => {
    const out = [];
    for (const svg of document.querySelectorAll('main svg[role="img"]')) {
      const frame = svg.closest('figure').getBoundingClientRect();
      // A text's box runs from the font's ascent to its descent, 19 px for
      // 13 px type: its glyphs stay 2 px inside, top and bottom.
      const boxes = [...svg.querySelectorAll('text > tspan, text:not(:has(tspan))')].map((t) => {
        const { left, right, top, bottom, height } = t.getBoundingClientRect();
        return { text: t.textContent, box: { left, right, top: top + 2, bottom: bottom - 2, height } };
      });
      for (const { text, box } of boxes) {
        if (box.left < frame.left || box.right > frame.right) out.push(`${text} is outside its figure (${box.left}–${box.right} of ${frame.left}–${frame.right})`);
        if (box.height < 12) out.push(`${text} is ${box.height} px high`);
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i].box, boxes[j].box];
          const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
          if (!apart) out.push(`${boxes[i].text} overlaps ${boxes[j].text}`);
        }
      }
    }
    return { problems: out, sideways: document.documentElement.scrollWidth - window.innerWidth };
  });
  assert.deepEqual(layout.problems, [], where);
  assert.ok(layout.sideways <= 0, `the page scrolls sideways by ${layout.sideways} px ${where}`);

  // By level: every level's figure and the total are the total row's.
  const occupations = await table(page, '#table-occupation');
  const levels = await nameOf(page, 'chart-levels');
  assert.equal(number(levels.match(w.total)[1]), number(occupations.sum.at(-1)), where);
  const perLevel = levels.match(w.levels)[1].split(w.sep).map((item) => number(item.match(w.item)[2]));
  assert.deepEqual(perLevel, occupations.sum.slice(1, 6).map(number), where);

  // By city: the total, the three largest cities with theirs, and those with none (absent from the table).
  const cities = await table(page, '#table-city');
  const byCity = new Map(cities.rows.map((r) => [r[0], number(r.at(-1))]));
  const citiesAlt = await nameOf(page, 'chart-cities');
  assert.equal(number(citiesAlt.match(w.total)[1]), number(cities.sum.at(-1)), where);
  const top = citiesAlt.match(w.top)[1].split(w.sep).map((item) => item.match(w.item).slice(1, 3));
  const largest = [...byCity].sort((a, b) => b[1] - a[1]).slice(0, 3);
  assert.deepEqual(top.map(([name, n]) => [name, number(n)]), largest, where);
  const none = citiesAlt.match(w.none)[1].split(w.sep);
  assert.equal(none.length + byCity.size, 14, where);
  for (const city of none) assert.ok(!byCity.has(city), `${city} has certificates ${where}`);

  // By month: the total, each year's figure (the year table's), the busiest month (the month table's).
  const years = await table(page, '#table-year');
  const months = await table(page, '#months table');
  const monthsAlt = await nameOf(page, 'chart-months');
  assert.equal(number(monthsAlt.match(w.total)[1]), number(years.sum.at(-1)), where);
  const perYear = [...monthsAlt.matchAll(w.year)].map((m) => (lang === 'zh' ? [m[1], number(m[2])] : [m[2], number(m[1])]));
  assert.deepEqual(perYear, years.rows.map((r) => [r[0], number(r.at(-1))]), where);
  assert.deepEqual(months.rows.map((r) => [r[0], number(r.at(-1))]), perYear, where);
  const cells = months.rows.flatMap((r) => r.slice(1, 13)).filter((c) => c !== '—').map(number);
  assert.equal(number(monthsAlt.match(w.busiest)[1]), Math.max(...cells), where);

  // Each chart links to its table.
  for (const id of ['table-occupation', 'table-city', 'table-year']) {
    assert.equal(await page.locator(`figure.chart figcaption a[href="#${id}"]`).count(), 1, `${id} ${where}`);
  }
  // The monthly figures, unfolded: no axe violation, nothing sideways but their own region.
  await page.click('#months summary');
  assert.ok(await page.locator('#months table').isVisible(), where);
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  assert.deepEqual(violations, [], where);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), where);
  assert.deepEqual(problems, []);
  await page.close();
}

for (const lang of ['zh', 'en']) {
  for (const width of [390, 1280]) {
    test(`the stats page's charts at ${width} px in ${lang === 'zh' ? 'Chinese' : 'English'}: named, inside their figures, their figures the tables'`, () => check(lang, width));
  }
}
