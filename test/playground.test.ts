/**
 * The playground (playground/, built into dist/playground/ by `npm run build`) in a real browser: Debian's
 * headless Chromium driven by playwright-core, the page served by `incc playground --port 0` (a local static
 * server on 127.0.0.1). Without /usr/bin/chromium the browser tests are skipped, saying so (with CI=true they
 * fail). Screenshots and the measured keystroke-to-summary times go to test-output/playground/.
 *
 * The bundle test reads dist/playground.meta.json (esbuild's list of what each bundle holds): no TensorFlow.js,
 * onnxruntime or ONNX protobuf code, and a size bound (README, "Playground", states the size).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bundledCliPath, plainEnv, repoRoot } from './helpers/cli.js';
import { testWith } from './helpers/components.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
const available = existsSync(CHROMIUM);
const outDir = join(repoRoot, 'test-output', 'playground');
mkdirSync(outDir, { recursive: true });
const dist = join(repoRoot, 'dist', 'playground');

const browserTest = testWith(
  CHROMIUM,
  available,
  "install Debian's chromium: apt-get install -y chromium",
  'test/playground.test.ts',
);

/** The most the page may weigh (all files of dist/playground/); the README says what it weighs. */
const MAX_BYTES = 3_000_000;
/** Waiting for the compiler: generous, for a loaded CI machine (the times are measured, not asserted). */
const SLOW = 60_000;

describe('the playground bundle', () => {
  test('holds no TensorFlow.js, onnxruntime or ONNX protobuf code, no Node built-in, and stays under its size', () => {
    const meta = JSON.parse(readFileSync(join(repoRoot, 'dist', 'playground.meta.json'), 'utf8')) as {
      outputs: Record<string, { bytes: number; inputs: string[] }>;
    };
    const inputs = Object.values(meta.outputs).flatMap((o) => o.inputs);
    expect(inputs).toEqual(expect.arrayContaining(['playground/main.ts', 'playground/worker.ts']));
    expect(inputs.some((i) => i.includes('node_modules/elkjs/'))).toBe(true);
    expect(inputs.filter((i) => /@tensorflow|onnxruntime|onnx-proto|protobufjs|^node:/.test(i))).toEqual([]);
    const files = ['index.html', 'playground.css', 'playground.js', 'worker.js'];
    const bytes = files.reduce((sum, f) => sum + statSync(join(dist, f)).size, 0);
    for (const f of ['playground.js', 'worker.js']) {
      expect(readFileSync(join(dist, f), 'utf8')).not.toMatch(/tfjs-core|onnxruntime-web|InferenceSession/);
    }
    process.stdout.write(`playground: ${bytes} bytes in ${files.length} files\n`);
    expect(bytes).toBeLessThan(MAX_BYTES);
    // The package ships it: `incc playground` works after `npm install incc`.
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const listed = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(listed).toEqual(expect.arrayContaining(files.map((f) => `dist/playground/${f}`)));
  });
});

describe('the playground in headless Chromium', () => {
  let browser: Browser | undefined;
  let server: ChildProcess | undefined;
  let url = '';
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    if (!available) return;
    server = spawn(process.execPath, [bundledCliPath, 'playground', '--port', '0'], { env: plainEnv() });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server!.stdout!.on('data', (d: Buffer) => {
        out += String(d);
        const m = /incc playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server!.on('exit', (code) => reject(new Error(`incc playground exited ${code}`)));
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 60_000 });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
    context.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { timeout: SLOW });
    await page.waitForFunction(() => document.getElementById('totals')!.textContent !== '', null, { timeout: SLOW });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGINT');
  });

  const doc = () =>
    page.evaluate(() =>
      (
        window as never as { inccPlayground: { view: { state: { doc: { toString(): string } } } } }
      ).inccPlayground.view.state.doc.toString(),
    );
  const cursorLine = async () => Number(/^Ln (\d+),/.exec((await page.locator('#cursor').textContent()) ?? '')![1]);

  /** Puts the cursor at the end of `line` with the keyboard. */
  async function goToLineEnd(line: number): Promise<void> {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+Home');
    for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    expect(await cursorLine()).toBe(line);
  }

  async function openFromMenu(label: string): Promise<void> {
    await page.locator('#menu').selectOption({ label });
  }

  /** Opens std/inception_v3 from the menu and waits for its summary: 23,851,784 parameters. */
  async function openInceptionV3(): Promise<void> {
    await openFromMenu('Inception-v3 (std/inception_v3)');
    await page.waitForFunction(
      () => document.querySelector('[data-total="params"]')?.textContent === '23,851,784',
      null,
      { timeout: SLOW },
    );
  }

  browserTest(
    'inception_v3 from the menu: 23,851,784 parameters and 5,713,216,096 multiply-adds; the diagram opens mixed5',
    async () => {
      await openInceptionV3();
      expect(await page.locator('[data-total="macs"]').textContent()).toBe('5,713,216,096');
      expect(await page.locator('#summary-rows tr').count()).toBe(125);

      const diagram = page.locator('#diagram-canvas svg.incc-graph[data-network="InceptionV3"][data-scope="network"]');
      await diagram.waitFor({ state: 'attached', timeout: SLOW });
      expect(await diagram.locator('.node.block').count()).toBe(11);
      await page.screenshot({ path: join(outDir, 'playground-1280.png') });
      await diagram.locator('.node.block[data-instance="mixed5"]').click();
      const block = page.locator('#diagram-canvas svg.incc-graph[data-scope="block"][data-instance="mixed5"]');
      await block.waitFor({ state: 'attached', timeout: SLOW });
      expect(await block.locator('.node.layer').count()).toBe(12);
      expect(await block.locator('.node.layer.op-concat').getAttribute('data-arity')).toBe('4');
      // The breadcrumb goes back to the network.
      await page.locator('#crumbs button', { hasText: 'InceptionV3' }).click();
      await diagram.waitFor({ state: 'attached', timeout: SLOW });
    },
  );

  const timings: number[] = [];

  browserTest(
    'typing into a network: the keystroke-to-summary time; cnv 3x3 64 is unknown-layer-kind at its line; ' +
      'fixing it clears it',
    async () => {
      const text = await doc();
      const line = text.split('\n').findIndex((l) => l.trim() === 'conv 3x3 32 valid') + 1;
      expect(line).toBeGreaterThan(1);
      await goToLineEnd(line);
      // Keystroke to summary: each keystroke (a space at the end of a line) and the summary it brings.
      for (let i = 0; i < 5; i++) {
        const before = await page.evaluate(
          () => (window as never as { inccPlayground: { timings: number[] } }).inccPlayground.timings.length,
        );
        await page.keyboard.type(' ');
        await page.waitForFunction(
          (n) => (window as never as { inccPlayground: { timings: number[] } }).inccPlayground.timings.length > n,
          before,
          { timeout: SLOW },
        );
        timings.push(
          await page.evaluate(() =>
            (window as never as { inccPlayground: { timings: number[] } }).inccPlayground.timings.at(-1)!,
          ),
        );
      }
      for (let i = 0; i < 5; i++) await page.keyboard.press('Backspace');
      const compiler = await page.evaluate(() =>
        (window as never as { inccPlayground: { compilerMs: number[] } }).inccPlayground.compilerMs.slice(-5),
      );
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      writeFileSync(
        join(outDir, 'timings.json'),
        `${JSON.stringify({ keystrokeToSummaryMs: timings, compilerMs: compiler }, null, 1)}\n`,
      );
      process.stdout.write(
        `playground: keystroke to summary on inception_v3: median ${median(timings).toFixed(0)} ms ` +
          (`(${timings.map((t) => t.toFixed(0)).join(', ')}); the compiler's share: median ` +
            `${median(compiler).toFixed(0)} ms\n`),
      );

      await page.keyboard.press('Enter');
      await page.keyboard.type('cnv 3x3 6');
      const started = Date.now();
      await page.keyboard.type('4');
      const problem = page.locator(`#problems li[data-code="unknown-layer-kind"][data-line="${line + 1}"]`);
      await problem.waitFor({ state: 'attached', timeout: SLOW });
      process.stdout.write(
        `playground: unknown-layer-kind shown ${Date.now() - started} ms after the last keystroke\n`,
      );
      expect(await problem.textContent()).toContain('`cnv`');
      expect(await page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(outDir, 'playground-diagnostic.png') });

      await page.keyboard.press('Shift+Home');
      await page.keyboard.type('conv 3x3 64');
      await page.waitForFunction(() => document.querySelectorAll('#problems li').length === 0, null, { timeout: SLOW });
      expect(await page.locator('.cm-lintRange-error').count()).toBe(0);
      expect(await page.locator('[data-total="params"]').textContent()).not.toBe('23,851,784');
    },
  );

  browserTest(
    "the language service in the editor: hover shows a layer's shape and counts, completion a layer's options, format",
    async () => {
      await openInceptionV3();
      // The stem's first layer: 3x3x3x32 weights + 32 betas + 2x32 moving statistics = 960 parameters, 149x149x32.
      const stem = page.locator('.cm-line', { hasText: 'conv 3x3/2 32 valid' }).first();
      await stem.hover({ position: { x: 30, y: 8 } });
      const tooltip = page.locator('.cm-tooltip-hover');
      await tooltip.waitFor({ state: 'visible', timeout: SLOW });
      expect(await tooltip.textContent()).toMatch(/conv1\s*149x149x32\s*960/);
      await page.mouse.move(0, 0);

      const line = (await doc()).split('\n').findIndex((l) => l.trim() === 'conv 3x3 32 valid') + 1;
      await goToLineEnd(line);
      await page.keyboard.press('Enter');
      await page.keyboard.type('conv 3x3 64 ');
      await page.keyboard.press('Control+Space');
      const options = page.locator('.cm-tooltip-autocomplete li');
      await options.first().waitFor({ state: 'visible', timeout: SLOW });
      expect(await options.allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^act=/)]));
      await page.keyboard.press('Escape');
      await options.first().waitFor({ state: 'detached', timeout: SLOW });
      // Format (Shift+Alt+F): the extra space goes.
      await page.keyboard.type(' ');
      await page.evaluate(() => (document.getElementById('status')!.textContent = ''));
      await page.keyboard.press('Shift+Alt+F');
      await page.waitForFunction(() => document.getElementById('status')!.textContent !== '', null, { timeout: SLOW });
      expect(await page.locator('#status').textContent()).toBe('formatted');
      expect((await doc()).split('\n')[line]).toBe('  conv 3x3 64');
    },
  );

  browserTest('a lint finding is listed; a click on it moves the cursor to its line', async () => {
    await openFromMenu('lint/large-unfactorized-kernel.before.incp');
    const finding = page.locator('#findings li[data-rule="large-unfactorized-kernel"]').first();
    await finding.waitFor({ state: 'attached', timeout: SLOW });
    const line = Number(await finding.getAttribute('data-line'));
    expect(line).toBeGreaterThan(1);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+Home');
    expect(await cursorLine()).toBe(1);
    await finding.locator('button').click();
    expect(await cursorLine()).toBe(line);
    expect(await page.evaluate(() => document.activeElement?.closest('.cm-editor') !== null)).toBe(true);
  });

  browserTest('colours pass WCAG AA contrast (axe-core)', async () => {
    await page.addScriptTag({ path: join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js') });
    const violations = await page.evaluate(async () => {
      const axe = (
        window as never as {
          axe: {
            run(
              c: Document,
              o: object,
            ): Promise<{
              passes: { nodes: unknown[] }[];
              violations: { id: string; nodes: { target: string[]; failureSummary: string }[] }[];
            }>;
          };
        }
      ).axe;
      const r = await axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } });
      return {
        checked: r.passes.reduce((n, p) => n + p.nodes.length, 0),
        failed: r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(' ')}: ${n.failureSummary}`)),
      };
    });
    expect(violations.failed).toEqual([]);
    expect(violations.checked).toBeGreaterThan(50);
  });

  browserTest('keyboard only: Tab reaches every panel', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const reached = new Set<string>();
    for (let i = 0; i < 120 && reached.size < 6; i++) {
      await page.keyboard.press('Tab');
      const panel = await page.evaluate(() => document.activeElement?.closest('section')?.id ?? '');
      if (panel) reached.add(panel);
    }
    expect([...reached].sort()).toEqual([
      'diagram-panel',
      'editor-panel',
      'lint-panel',
      'problems-panel',
      'rewrite-panel',
      'summary-panel',
    ]);
  });

  browserTest(
    'a shared URL reloads the same source; editing works offline; nothing is fetched after the page loads',
    async () => {
      await page.keyboard.press('Escape');
      await goToLineEnd(1);
      await page.keyboard.type(' // shared');
      const text = await doc();
      await page.waitForFunction(() => location.hash.includes('src='), null, { timeout: SLOW });
      await page.waitForTimeout(500);
      const shared = page.url();
      const other = await context.newPage();
      await other.goto(shared, { timeout: SLOW });
      await other.waitForFunction(
        (t) =>
          (
            window as never as { inccPlayground: { view: { state: { doc: { toString(): string } } } } }
          ).inccPlayground.view.state.doc.toString() === t,
        text,
        { timeout: SLOW },
      );
      await other.close();

      const loaded = requests.length;
      await context.setOffline(true);
      await page.keyboard.type(' offline');
      await page.waitForFunction(() => /updated in/.test(document.getElementById('timing')!.textContent ?? ''), null, {
        timeout: SLOW,
      });
      await page.waitForFunction(
        (t) =>
          (
            window as never as { inccPlayground: { view: { state: { doc: { toString(): string } } } } }
          ).inccPlayground.view.state.doc.toString() !== t,
        text,
      );
      await context.setOffline(false);
      expect(requests.slice(loaded)).toEqual([]);
      expect(requests.every((r) => r.startsWith(url) || r.startsWith('data:') || r.startsWith('blob:'))).toBe(true);
    },
  );

  browserTest('usable at 800 px wide: the panels stack, nothing wider than the window', async () => {
    await page.setViewportSize({ width: 800, height: 900 });
    const editor = (await page.locator('#editor-panel').boundingBox())!;
    const diagram = (await page.locator('#diagram-panel').boundingBox())!;
    const summary = (await page.locator('#summary-panel').boundingBox())!;
    expect(Math.abs(diagram.x - editor.x)).toBeLessThan(2);
    expect(diagram.y).toBeGreaterThan(editor.y + editor.height - 1);
    expect(summary.y).toBeGreaterThan(diagram.y + diagram.height - 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    await page.screenshot({ path: join(outDir, 'playground-800.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
