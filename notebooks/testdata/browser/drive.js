// drive.js drives Chromium through JupyterLab as a user would, for GoKD's browser test (notebooks/lab_test.go):
// it clicks into cells and presses Shift+Enter, moves the slice viewer with the keyboard, clicks its layer
// check boxes, saves with Ctrl+S, and records what the page showed: element screenshots (PNG) and a JSON report.
// It judges nothing but timeouts; the Go test reads the report and the screenshots and decides.
//
// Configuration, from the environment:
//   GOKD_LAB_URL       JupyterLab's base URL (http://127.0.0.1:PORT)
//   GOKD_LAB_TOKEN     its token
//   GOKD_LAB_NOTEBOOK  the notebook, relative to JupyterLab's root folder
//   GOKD_LAB_OUT       folder for the screenshots and <phase>.json
//   GOKD_LAB_PHASE     "live": run the cells, drive the viewer, watch the progress display, save;
//                      "reopened": open the saved notebook (untrusted in a fresh server) without running anything
//   GOKD_LAB_CELLS     JSON {"run": [cell indexes run first], "viewer": i, "train": j}
//   GOKD_CHROMIUM      the Chromium executable
//   GOKD_LAB_CELL_MS   time limit of one cell in milliseconds
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`drive.js: ${name} is not set`);
  return v;
};
const base = env('GOKD_LAB_URL');
const token = env('GOKD_LAB_TOKEN');
const notebook = env('GOKD_LAB_NOTEBOOK');
const outDir = env('GOKD_LAB_OUT');
const phase = env('GOKD_LAB_PHASE');
const cells = JSON.parse(env('GOKD_LAB_CELLS'));
const cellMs = +(process.env.GOKD_LAB_CELL_MS || 600000);

const report = { phase, steps: [], cells: {}, progress: [], console: [] };
const writeReport = () =>
  fs.writeFileSync(path.join(outDir, `${phase}.json`), JSON.stringify(report, null, 1));
const log = (msg) => console.log(`[drive ${phase}] ${msg}`);

async function main() {
  const browser = await chromium.launch({
    executablePath: env('GOKD_CHROMIUM'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => { if (m.type() === 'error') report.console.push(m.text()); });
    page.on('pageerror', (e) => report.console.push(`page error: ${e.message}`));
    const url = `${base}/lab/tree/${notebook}?token=${token}`;
    log(`opening ${base}/lab/tree/${notebook}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120000 });
    await page.locator('.jp-NotebookPanel .jp-Cell').first().waitFor({ timeout: 120000 });
    await waitKernel(page);
    await shot(page, page.locator('.jp-NotebookPanel'), 'opened');
    if (phase === 'live') {
      await live(page);
    } else {
      await reopened(page);
    }
  } finally {
    writeReport();
    await browser.close();
  }
}

// waitKernel waits until the notebook shows the GoNB kernel and its status is neither starting nor dead. GoNB
// reports no status before its first execution, so JupyterLab shows "Unknown" until then: that counts as ready
// (a cell run now is queued until the kernel answers; runCell then fails if it never does).
async function waitKernel(page) {
  const t0 = Date.now();
  await page.waitForFunction(() => {
    const name = document.querySelector('.jp-NotebookPanel .jp-KernelName');
    const status = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
    return name && /go/i.test(name.textContent) && status &&
      /^(idle|busy|unknown)$/.test(status.getAttribute('data-status'));
  }, null, { timeout: 180000, polling: 250 }).catch(async (e) => {
    const name = await page.locator('.jp-NotebookPanel .jp-KernelName').textContent().catch(() => '?');
    throw new Error(`the GoNB kernel did not start (kernel shown: ${name}): ${e.message}`);
  });
  report.kernelMs = Date.now() - t0;
  report.kernel = (await page.locator('.jp-NotebookPanel .jp-KernelName').textContent()).trim();
  report.kernelStatus = await page.locator('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator').getAttribute('data-status');
  log(`kernel ${report.kernel} ready after ${report.kernelMs} ms (status ${report.kernelStatus})`);
}

const cell = (page, i) => page.locator('.jp-NotebookPanel .jp-Notebook .jp-Cell').nth(i);

// runCell clicks into cell i's editor and presses Shift+Enter, as a user does, then waits for its execution count.
// While it runs, watch (if given) is called every 100 ms.
async function runCell(page, i, watch) {
  const c = cell(page, i);
  await c.scrollIntoViewIfNeeded();
  await c.locator('.jp-InputArea-editor').click();
  await page.keyboard.press('Shift+Enter');
  const prompt = c.locator('.jp-InputArea-prompt');
  const t0 = Date.now();
  for (;;) {
    const text = (await prompt.textContent()).trim();
    if (/\[\d+\]/.test(text)) break;
    if (Date.now() - t0 > cellMs) throw new Error(`cell ${i} still running after ${cellMs} ms (prompt ${text})`);
    if (watch) await watch(Date.now() - t0);
    await page.waitForTimeout(watch ? 100 : 300); // Watched cells are sampled often: a fast backend trains in seconds.
  }
  const ms = Date.now() - t0;
  const output = c.locator('.jp-OutputArea');
  const text = (await output.count()) ? await output.first().innerText() : '';
  const stderr = await c.locator('[data-mime-type="application/vnd.jupyter.stderr"]').allInnerTexts();
  report.cells[i] = { ms, text: text.slice(0, 4000), stderr };
  log(`cell ${i} ran in ${ms} ms`);
  return c;
}

// shot saves a screenshot of locator as out/<step>.png and records it.
async function shot(page, locator, step, extra) {
  const file = `${phase}-${String(report.steps.length).padStart(2, '0')}-${step}.png`;
  await locator.screenshot({ path: path.join(outDir, file) });
  report.steps.push({ step, file, ...(extra || {}) });
  log(`step ${step}: ${file} ${extra ? JSON.stringify(extra) : ''}`);
}

// viewerState reads what the viewer in cell c shows: label, slider, images and their visibility.
async function viewerState(c) {
  return c.locator('.gokd-viewer').first().evaluate((root) => {
    // An untrusted notebook's sanitiser moves ids to data-jupyter-id.
    const id = root.id || root.getAttribute('data-jupyter-id');
    const byId = (s) => root.querySelector(`[id="${id}-${s}"], [data-jupyter-id="${id}-${s}"]`);
    const visible = (el) => !!el && el.getBoundingClientRect().width > 0 &&
      getComputedStyle(el).display !== 'none' && getComputedStyle(el).visibility !== 'hidden';
    const base = byId('base');
    const slider = byId('slider');
    const layers = [...root.querySelectorAll(`img[id^="${id}-layer-"], img[data-jupyter-id^="${id}-layer-"]`)].map((img) => ({
      alt: img.alt, visible: visible(img), src: (img.getAttribute('src') || '').length,
    }));
    const toggles = [...root.querySelectorAll('input[type="checkbox"]')].map((b) => ({
      checked: b.checked, disabled: b.disabled,
    }));
    const strip = root.querySelector('.gokd-viewer-strip');
    const live = root.querySelector('.gokd-viewer-live');
    const note = root.querySelector('.gokd-viewer-note');
    return {
      id,
      label: (byId('label') || {}).textContent || null,
      slider: slider ? { value: slider.value, disabled: slider.disabled, visible: visible(slider) } : null,
      base: base ? { visible: visible(base), naturalWidth: base.naturalWidth, src: (base.getAttribute('src') || '').slice(-40) } : null,
      layers, toggles, live: visible(live), note: visible(note) ? note.textContent : null,
      scripts: root.querySelectorAll('script').length,
      strip: strip ? { visible: visible(strip), scrollLeft: strip.scrollLeft, scrollWidth: strip.scrollWidth,
        frames: strip.querySelectorAll('.gokd-viewer-frame').length } : null,
    };
  });
}

async function live(page) {
  for (const i of cells.run) await runCell(page, i);

  // The viewer: an image shows; the slider's arrow keys, the viewer's own arrow keys and a layer box change it.
  const c = await runCell(page, cells.viewer);
  const viewer = c.locator('.gokd-viewer').first();
  await viewer.waitFor({ timeout: 30000 });
  const stage = viewer.locator('img[id$="-base"]').locator('xpath=..');
  await shot(page, stage, 'viewer-initial', await viewerState(c));
  const slider = viewer.locator('input[type="range"]');
  await slider.focus();
  for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
  await shot(page, stage, 'viewer-slider-right3', await viewerState(c));
  await stage.click(); // Focuses the viewer (tabindex 0): its own arrow keys.
  for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowLeft');
  await shot(page, stage, 'viewer-keys-left5', await viewerState(c));
  await viewer.locator('input[type="checkbox"]').first().click();
  await shot(page, stage, 'viewer-layer0-off', await viewerState(c));
  await viewer.locator('input[type="checkbox"]').first().click();
  await shot(page, stage, 'viewer-layer0-on', await viewerState(c));
  await shot(page, viewer, 'viewer-whole', await viewerState(c));

  // The live progress display: its step counter is sampled while the training cell runs.
  let shots = 0;
  const t = cell(page, cells.train);
  await runCell(page, cells.train, async (ms) => {
    const text = await t.locator('.jp-OutputArea').first().innerText().catch(() => '');
    const m = /step (\d+)\/(\d+)/.exec(text);
    if (m) {
      const last = report.progress[report.progress.length - 1];
      if (!last || last.step !== +m[1]) report.progress.push({ ms, step: +m[1], total: +m[2], text: text.split('\n')[0] });
      if (shots < 2 && +m[1] >= (shots + 1) * +m[2] / 3) {
        shots++;
        await shot(page, t.locator('.jp-OutputArea').first(), `progress-live-${shots}`, { text: text.split('\n')[0] });
      }
    }
  });
  await shot(page, t, 'progress-finished', { text: (await t.locator('.jp-OutputArea').first().innerText()).slice(0, 300) });

  // Save (Ctrl+S in command mode) and wait for the tab to lose its unsaved mark.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+s');
  await page.waitForFunction(() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty'), null, { timeout: 60000 });
  report.saved = true;
  log('saved');

  // Reload the page: the same server signed the notebook when it saved it, so it reopens trusted.
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.locator('.jp-NotebookPanel .jp-Cell').first().waitFor({ timeout: 120000 });
  await waitKernel(page);
  const r = cell(page, cells.viewer);
  await r.scrollIntoViewIfNeeded();
  await r.locator('.gokd-viewer').first().waitFor({ timeout: 30000 });
  await page.waitForTimeout(1000);
  await shot(page, r.locator('.gokd-viewer').first(), 'viewer-reloaded', await viewerState(r));
}

async function reopened(page) {
  // Nothing runs: what the saved outputs show by themselves in a notebook this server never signed.
  const c = cell(page, cells.viewer);
  await c.scrollIntoViewIfNeeded();
  const viewer = c.locator('.gokd-viewer').first();
  await viewer.waitFor({ timeout: 30000 });
  report.trainOutput = (await cell(page, cells.train).locator('.jp-OutputArea').first().innerText()).slice(0, 300);
  report.trainImages = await cell(page, cells.train).locator('.jp-OutputArea img').evaluateAll(
    (imgs) => imgs.map((i) => ({ alt: i.alt, naturalWidth: i.naturalWidth })));
  await shot(page, viewer, 'viewer-reopened', await viewerState(c));
  const stage = viewer.locator('img[id$="-base"]').locator('xpath=..');
  // The live controls, if shown: try the slider's arrow keys.
  const slider = viewer.locator('input[type="range"]');
  if (await slider.isVisible()) {
    await slider.focus().catch(() => {});
    for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
    await shot(page, stage, 'viewer-reopened-slider-right3', await viewerState(c));
  }
  // The script-free slice strip, if shown: scroll it as a user does (wheel, Shift+wheel, arrow keys).
  const strip = viewer.locator('.gokd-viewer-strip');
  if (await strip.count() && await strip.isVisible()) {
    await shot(page, strip, 'strip-initial', await viewerState(c));
    await strip.hover();
    await page.mouse.wheel(400, 0);
    await page.waitForTimeout(500);
    await shot(page, strip, 'strip-wheel', await viewerState(c));
    // A mouse's vertical wheel with Shift held scrolls sideways.
    await page.keyboard.down('Shift');
    await page.mouse.wheel(0, 400);
    await page.keyboard.up('Shift');
    await page.waitForTimeout(500);
    await shot(page, strip, 'strip-shift-wheel', await viewerState(c));
    // The arrow keys after a click: recorded, not required (the sanitiser strips tabindex, so the strip cannot
    // take the keyboard focus; JupyterLab keeps it).
    await strip.click();
    for (let k = 0; k < 8; k++) await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(500);
    await shot(page, strip, 'strip-keys', await viewerState(c));
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`drive.js (${phase}): ${e.stack || e}`);
  report.error = String(e.message || e);
  try { writeReport(); } catch (_) { /* the error above is what matters */ }
  process.exit(1);
});
