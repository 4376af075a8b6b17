/**
 * The html report of `incc graph --format html` in a real browser: Debian's headless Chromium
 * (/usr/bin/chromium, `apt-get install chromium`; .ci/run installs it), driven by playwright-core. The page
 * must show the diagram and the table without a console error or a request for anything outside the
 * file, open a collapsed block on a click, and show lint findings beside their layers. Screenshots go to
 * test-output/graph/ as artifacts.
 *
 * Without /usr/bin/chromium the browser tests are skipped, with a message saying so (with CI=true they fail).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { incc, repoRoot } from './helpers/cli.js';
import { testWith } from './helpers/components.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const available = existsSync(CHROMIUM);
const outDir = join(repoRoot, 'test-output', 'graph');
mkdirSync(outDir, { recursive: true });

// With CI=true a missing Chromium fails these tests (.ci/run installs it); elsewhere they are skipped.
const browserTest = testWith(
  CHROMIUM,
  available,
  "install Debian's chromium: apt-get install -y chromium",
  'test/graph-html.test.ts',
);

/** `incc graph ARGS --format html --out test-output/graph/NAME`: the file's path. */
function report(name: string, args: string[]): string {
  const out = join(outDir, name);
  const r = incc(['graph', ...args, '--format', 'html', '--out', out]);
  if (r.status !== 0) throw new Error(`incc graph exited ${r.status}: ${r.stderr}`);
  return out;
}

interface Watched {
  page: Page;
  errors: string[];
  /** Requests for anything but the report itself. */
  requests: string[];
}

async function open(browser: Browser, file: string): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(file).href;
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('request', (r) => {
    if (r.url().split('#')[0] !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests };
}

describe('the html report in headless Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!available) return;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  browserTest(
    'Inception-v3: the diagram and the table show, a collapsed block opens on a click; no console error, ' +
      'nothing fetched',
    async () => {
      const file = report('inception_v3-report.html', ['stdlib/inception_v3.incp']);
      const { page, errors, requests } = await open(browser!, file);

      // The diagram: an inline SVG of a real size, with its boxes.
      const diagram = page.locator('#diagram svg.incc-graph');
      await diagram.waitFor({ state: 'visible' });
      const box = await diagram.boundingBox();
      expect(box!.width).toBeGreaterThan(150);
      expect(box!.height).toBeGreaterThan(500);
      expect(await page.locator('#diagram svg .node.block').count()).toBe(11);
      expect(await page.locator('#diagram svg .node.layer').count()).toBe(10);
      expect(await page.locator('#diagram svg path.edge').count()).toBe(20);
      // The text is laid out where the layout put it: a box's label fits its box (the font is monospaced).
      const fits = await page.evaluate(() => {
        const out: string[] = [];
        for (const g of Array.from(document.querySelectorAll('#diagram svg .node'))) {
          const rect = g.querySelector('rect')!.getBBox();
          for (const t of Array.from(g.querySelectorAll('text'))) {
            const b = (t as SVGTextElement).getBBox();
            if (b.width > rect.width + 1)
              out.push(
                `${g.getAttribute('data-node') ?? g.getAttribute('data-instance')}: '${t.textContent}' ` +
                  `${b.width.toFixed(1)} > ${rect.width}`,
              );
          }
        }
        return out;
      });
      expect(fits).toEqual([]);

      // The table: one row per layer, visible.
      const table = page.locator('table.summary');
      await table.waitFor({ state: 'visible' });
      expect(await page.locator('table.summary tbody tr').count()).toBe(125);
      expect(await page.locator('table.summary tbody tr#layer-mixed5').textContent()).toContain('17x17x768');

      await page.screenshot({ path: join(outDir, 'inception_v3-report.png') });

      // A click on the collapsed mixed5 opens its section, with the block drawn layer by layer.
      const details = page.locator('details#block-mixed5');
      expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      await page.locator('#diagram a[data-expand="mixed5"]').click();
      await page.waitForFunction(() => (document.getElementById('block-mixed5') as HTMLDetailsElement).open);
      const inner = details.locator('svg.incc-graph');
      await inner.waitFor({ state: 'visible' });
      expect(await inner.locator('.node.layer').count()).toBe(12);
      expect(await inner.locator('.node.layer.op-concat').getAttribute('data-arity')).toBe('4');
      await page.screenshot({ path: join(outDir, 'inception_v3-report-mixed5.png') });

      // A click on a layer selects its row in the table.
      await inner.locator('.node.layer[data-node="mixed5/branch7x7/conv2"]').click();
      await page.waitForSelector('tr.selected');
      expect(await page.locator('tr.selected').getAttribute('data-node')).toBe('mixed5/branch7x7/conv2');

      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    },
  );

  browserTest('lint findings: the layer outlined on the diagram, the message in its row', async () => {
    const source = join(outDir, 'lint-browser.incp');
    writeFileSync(
      source,
      'network LintCase() {\n  input 35x35x64\n  stem: conv 3x3 64\n  wide: conv 5x5 96\n  gap\n  dense 10\n}\n',
    );
    const file = report('lint-report.html', [relative(repoRoot, source)]);
    const { page, errors, requests } = await open(browser!, file);
    const node = page.locator('#diagram svg .node.lint[data-node="wide"]');
    await node.waitFor({ state: 'visible' });
    // Outlined in red, thicker than the others.
    const stroke = await node.locator('rect').evaluate((r) => {
      const s = getComputedStyle(r);
      return { color: s.stroke, width: s.strokeWidth };
    });
    expect(stroke).toEqual({ color: 'rgb(209, 36, 47)', width: '3px' });
    // The message beside it, on the diagram and in the table row.
    const note = page.locator('#diagram svg .note[data-node="wide"][data-rule="large-unfactorized-kernel"]');
    await note.waitFor({ state: 'visible' });
    expect(await note.textContent()).toContain('unfactorized');
    const row = page.locator('tr#layer-wide');
    expect(await row.getAttribute('class')).toBe('flagged');
    expect(await row.locator('td.findings').textContent()).toMatch(
      /warning large-unfactorized-kernel: conv 5x5 wide on 35x35x64 is unfactorized/,
    );
    await page.screenshot({ path: join(outDir, 'lint-report.png') });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
