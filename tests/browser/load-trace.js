#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
// Loads a trace JSON into speedscope (served from localhost) in headless
// Chromium and reports what speedscope shows: its import error if any, the
// profiles (one per thread) and, in the Sandwich view, the function names.
//
//   node load-trace.js TRACE.json [--screenshot OUT.png] [--expect NAME]...
//          [--profiles N] [--select SUBSTRING]
// Exit: 0 imported and every --expect name shown, 1 not, 2 setup failure.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

function args() {
  const a = { expect: [], trace: null, screenshot: null, profiles: 0, select: null };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '--screenshot') a.screenshot = v[++i];
    else if (v[i] === '--expect') a.expect.push(v[++i]);
    else if (v[i] === '--profiles') a.profiles = parseInt(v[++i], 10);
    else if (v[i] === '--select') a.select = v[++i];
    else a.trace = v[i];
  }
  return a;
}

function serve(root, trace) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
                  '.wasm': 'application/wasm', '.json': 'application/json' };
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url.split('?')[0].split('#')[0]);
    const file = url === '/trace.json' ? trace : path.join(root, path.normalize(url));
    if (!file.startsWith(root) && file !== trace) { res.writeHead(403); return res.end(); }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); return res.end(); }
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const a = args();
  if (!a.trace) { console.error('usage: load-trace.js TRACE.json ...'); process.exit(2); }
  let chromium;
  try { ({ chromium } = require('playwright-core')); } catch (e) {
    console.error('playwright-core missing: npm install in tests/browser'); process.exit(2);
  }
  const root = path.join(__dirname, 'node_modules', 'speedscope', 'dist', 'release');
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    console.error('speedscope missing: npm install in tests/browser'); process.exit(2);
  }
  const server = await serve(root, path.resolve(a.trace));
  const port = server.address().port;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let rc = 0;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    const errors = [];
    page.on('pageerror', e => errors.push(String(e)));
    page.on('dialog', async d => { errors.push('dialog: ' + d.message()); await d.dismiss(); });
    await page.goto(`http://127.0.0.1:${port}/index.html#profileURL=/trace.json`);
    // Once imported, speedscope's title names the thread ("... (tid N)"),
    // followed by "(k/N)" when there are several.
    await page.waitForFunction(() => /\(tid \d+\)/.test(document.body.innerText) ||
                               /error|wrong|unable/i.test(document.body.innerText),
                               null, { timeout: 30000 });
    await page.waitForTimeout(300);
    const text = await page.evaluate(() => document.body.innerText);
    const m = text.match(/\((\d+)\s*\/\s*(\d+)\)/);
    const profiles = m ? parseInt(m[2], 10) : /\(tid \d+\)/.test(text) ? 1 : 0;
    console.log(`profiles: ${profiles}`);
    if (/something went wrong|unable to import|error/i.test(text) || errors.length) {
      console.log(`import error: ${errors.join('; ') || text.slice(0, 300)}`);
      rc = 1;
    }
    if (a.profiles && profiles < a.profiles) {
      console.log(`expected at least ${a.profiles} profiles`);
      rc = 1;
    }
    // Pick a thread (profile) by name with the profile selector, if asked.
    if (a.select) {
      for (let k = 0; k < profiles; k++) {
        const t = await page.evaluate(() => document.body.innerText);
        if (t.includes(a.select)) break;
        await page.keyboard.press('n');
        await page.waitForTimeout(200);
      }
    }
    await page.waitForTimeout(500);
    if (a.screenshot) await page.screenshot({ path: a.screenshot });
    if (a.expect.length) {
      await page.keyboard.press('3'); // speedscope's Sandwich view: a table of names
      await page.waitForTimeout(500);
      for (const name of a.expect) {
        // The table only renders visible rows: filter it with the search
        // box (Ctrl+F) so the row, if speedscope has it, is on screen.
        await page.keyboard.press('Control+f');
        await page.keyboard.press('Control+a');
        await page.keyboard.type(name);
        await page.waitForTimeout(300);
        const shown = await page.evaluate(() => document.body.innerText);
        const ok = shown.includes(name) && shown.split(name).length > 2;
        console.log(`${ok ? 'shown' : 'MISSING'}: ${name}`);
        if (!ok) rc = 1;
      }
    }
  } catch (e) {
    console.log(`browser test failed: ${e.message}`);
    rc = 1;
  } finally {
    await browser.close();
    server.close();
  }
  process.exit(rc);
}

main();
