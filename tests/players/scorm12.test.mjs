// Every sample library's SCORM 1.2 export launched in scorm-again's SCORM 1.2 run-time in
// Debian's headless Chromium: each item's launch file loads in the content frame beside the
// API, and the SCO's calls (LMSInitialize, lesson_status, LMSCommit, LMSFinish) succeed.
// scorm-again has no evaluator for SCORM 1.2 prerequisites — the LMS evaluates them — so
// they are checked as the manifest carries them: each unlock the coverage calls expressed
// is an `adlcp:prerequisites` AICC script naming exactly the module's prerequisites.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { launch } from './lib/browser.mjs';
import { libraryProject, needsShared, sampleLibraries, sampleProject, sharedPackage, ROOT } from './lib/pathforge.mjs';
import { serve } from './lib/serve.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The SCORM 1.2 harness, scorm-again and the export in `out`, served together. */
function serve12(out) {
  return serve({
    '/scorm-again/': join(ROOT, 'tests/players/node_modules/scorm-again/dist'),
    '/harness/': join(ROOT, 'tests/players/harness'),
    '/package/': out,
  });
}

for (const library of sampleLibraries()) {
  test(`${library}: each SCORM 1.2 item launches in scorm-again and carries the prerequisites the coverage reports`, async () => {
    const project = sampleProject(library);
    const out = project.exportTo('scorm12');
    const coverage = JSON.parse(await readFile(join(out, 'coverage.json'), 'utf8'));
    const server = await serve12(out);
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${server.url}/harness/index12.html`);
      const items = await page.evaluate(async () => {
        const doc = new DOMParser().parseFromString(await (await fetch('/package/imsmanifest.xml')).text(), 'application/xml');
        const href = new Map([...doc.getElementsByTagName('resource')].map((r) => [r.getAttribute('identifier'), r.getAttribute('href')]));
        return [...doc.getElementsByTagName('item')]
          .filter((i) => i.hasAttribute('identifierref'))
          .map((i) => ({
            id: i.getAttribute('identifier'),
            title: i.getElementsByTagName('title')[0].textContent,
            href: href.get(i.getAttribute('identifierref')),
            prerequisites: i.getElementsByTagName('adlcp:prerequisites')[0]?.textContent ?? null,
          }));
      });
      assert.ok(items.length > 0, 'the package has items');
      for (const item of items) {
        const sco = await page.evaluate(async (it) => {
          window.API = new window.Scorm12API({ logLevel: 5 });
          const title = await window.pfLaunch(`/package/${it.href}`);
          const api = window.API;
          const calls = [
            api.LMSInitialize(''),
            api.LMSSetValue('cmi.core.lesson_status', 'completed'),
            api.LMSCommit(''),
            api.LMSFinish(''),
          ];
          return { title, calls, status: api.cmi.core.lesson_status };
        }, item);
        assert.equal(sco.title, item.title, `${item.id}: its launch file loads in the content frame`);
        assert.deepEqual(sco.calls, ['true', 'true', 'true', 'true'], `${item.id}: the SCO's calls succeed in scorm-again`);
        assert.equal(sco.status, 'completed', `${item.id}: scorm-again kept the lesson status`);
      }

      // What the coverage calls expressed is in the manifest, naming the prerequisites.
      const byId = new Map(project.modules.map((m) => [m.id, m]));
      const itemOf = new Map(items.map((i) => [i.title, i]));
      let checked = 0;
      for (const rule of coverage.rules.filter((r) => r.kind === 'unlock' && r.status === 'expressed')) {
        const path = rule.rule.replace(/^unlock:/, '');
        const module = project.modules.find((m) => m.source_path === path);
        const item = itemOf.get(module.title);
        const before = project.edges.filter((e) => e.after === module.id).map((e) => itemOf.get(byId.get(e.before).title).id);
        assert.ok(item.prerequisites, `${path}: the expressed unlock is an adlcp:prerequisites script`);
        const named = item.prerequisites.match(/[A-Za-z][\w.-]*/g).filter((t) => !/^\d/.test(t));
        assert.deepEqual([...new Set(named)].sort(), [...new Set(before)].sort(), `${path}: the script names exactly its prerequisites (${item.prerequisites})`);
        checked += 1;
      }
      assert.deepEqual(problems, [], 'no script error in the player page');
      console.log(`${library}: ${items.length} SCOs launched in scorm-again 1.2, ${checked} expressed prerequisite scripts match the graph`);
    } finally {
      await page.close();
      server.close();
    }
  });
}

// Rustici's public SCORM 1.2 golf package (../shared), carried into a SCORM 1.2 export as it
// is (`--carry-items`): its items are assets, and each loads in the content frame from the
// carried files with its own stylesheet, scripts and images — nothing left behind.
const GOLF12 = sharedPackage('scorm12.zip');

test(
  'a carried SCORM 1.2 package: each of its own pages loads with its scripts and images',
  { skip: needsShared(GOLF12, 'carried pages were NOT loaded') },
  async () => {
    const project = libraryProject('golf12', GOLF12);
    const out = project.exportTo('scorm12', '--carry-items');
    const server = await serve12(out);
    const page = await browser.newPage();
    const problems = [];
    const missing = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => r.status() >= 400 && r.url().includes('/package/') && missing.push(r.url()));
    try {
      await page.goto(`${server.url}/harness/index12.html`);
      const items = await page.evaluate(async () => {
        const doc = new DOMParser().parseFromString(await (await fetch('/package/imsmanifest.xml')).text(), 'application/xml');
        return [...doc.getElementsByTagName('resource')]
          .filter((r) => r.hasAttribute('href'))
          .map((r) => ({ href: r.getAttribute('href'), type: r.getAttribute('adlcp:scormtype') }));
      });
      assert.ok(items.length >= 10 && items.every((i) => i.href.startsWith('items/scorm12/') && i.type === 'asset'), `every item is a carried asset: ${JSON.stringify(items)}`);
      let images = 0;
      for (const item of items) {
        const loaded = await page.evaluate(async (href) => {
          window.API = new window.Scorm12API({ logLevel: 5 });
          const title = await window.pfLaunch(`/package/${href}`);
          const doc = document.getElementById('sco').contentDocument;
          const imgs = [...doc.images];
          await Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; }))));
          return { title, images: imgs.length, broken: imgs.filter((i) => i.naturalWidth === 0).map((i) => i.src) };
        }, item.href);
        assert.ok(loaded.title.length > 0, `${item.href}: the page loads with its own title`);
        assert.deepEqual(loaded.broken, [], `${item.href}: its images load from the carried files`);
        images += loaded.images;
      }
      assert.deepEqual(missing, [], 'nothing a carried page asks for is missing from the export');
      assert.deepEqual(problems, [], 'no script error: each page found its own scripts');
      assert.ok(images > 0, 'the pages have images to load');
      console.log(`golf 1.2 (carried): ${items.length} pages loaded with ${images} images from the carried files`);
    } finally {
      await page.close();
      server.close();
    }
  },
);
