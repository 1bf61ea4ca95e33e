// Every sample library's cmi5 export, each AU launched in Debian's headless Chromium as an
// LMS launches it (launch URL, fetch URL, LMS.LaunchData from cmi5.xml) and driven by
// @xapi/cmi5 — the cmi5 client library AUs use — against Ralph, a real LRS. Each AU with a
// masteryScore is taken by one learner just below it and one exactly at it: the LRS must
// record failed and passed, the LMS's moveOn must be satisfied only by the pass, and the
// masteryScore must be the one the rules' coverage reports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { launch } from './lib/browser.mjs';
import { satisfied, startLms } from './lib/lms-cmi5.mjs';
import { sampleLibraries, sampleProject, ROOT } from './lib/pathforge.mjs';
import { startRalph } from './lib/ralph.mjs';

let browser;
let ralph;
before(async () => {
  browser = await launch();
  ralph = await startRalph();
});
after(async () => {
  await browser?.close();
  ralph?.stop();
});

const VERB = (s) => s.verb.id.replace('http://adlnet.gov/expapi/verbs/', '');

/** The AUs of a cmi5.xml, read with the browser's DOMParser. */
async function aus(page, xml) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    if (doc.querySelector('parsererror')) throw new Error('cmi5.xml does not parse');
    const course = doc.getElementsByTagName('course')[0].getAttribute('id');
    return {
      course,
      aus: [...doc.getElementsByTagName('au')].map((au) => ({
        id: au.getAttribute('id'),
        title: au.getElementsByTagName('title')[0].textContent.trim(),
        moveOn: au.getAttribute('moveOn') ?? 'NotApplicable',
        masteryScore: au.hasAttribute('masteryScore') ? Number(au.getAttribute('masteryScore')) : null,
        url: au.getElementsByTagName('url')[0].textContent.trim(),
      })),
    };
  }, xml);
}

for (const library of sampleLibraries()) {
  test(`${library}: each cmi5 AU runs in @xapi/cmi5 against Ralph and its masteryScore and moveOn hold`, async () => {
    const project = sampleProject(library);
    const out = project.exportTo('cmi5');
    const lms = await startLms(out, ralph, {
      '/cmi5/': join(ROOT, 'tests/players/node_modules/@xapi/cmi5/dist'),
    });
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${lms.url}/package/cmi5.xml`);
      const { course, aus: units } = await aus(page, await readFile(join(out, 'cmi5.xml'), 'utf8'));
      assert.ok(units.length > 0, 'the course has AUs');
      const byTitle = new Map(project.modules.map((m) => [m.title, m.source_path]));

      // The masteryScores are the thresholds the rules say (coverage: "partial").
      const mastery = new Map(units.map((u) => [byTitle.get(u.title), u.masteryScore]));
      for (const rule of project.rules.filter((r) => r.kind === 'remediation')) {
        assert.equal(mastery.get(rule.assessment), rule.below / 100, `${rule.id}: below ${rule.below}% remediates, so ${rule.assessment} passes at ${rule.below / 100}`);
      }

      let launches = 0;
      for (const au of units) {
        const scores = au.masteryScore === null ? [0.8] : [Math.max(0, Math.round((au.masteryScore - 0.01) * 100) / 100), au.masteryScore];
        for (const score of scores) {
          const actor = { objectType: 'Agent', account: { homePage: 'https://pathforge.invalid/learners', name: `learner-${launches}` } };
          const { url, registration } = lms.launch(au, actor, course);
          await page.goto(url);
          await page.addScriptTag({ url: `${lms.url}/cmi5/Cmi5.umd.js` });
          const sent = await page.evaluate(async (s) => {
            const cmi5 = new window.Cmi5();
            await cmi5.initialize();
            return cmi5.moveOn({ score: s });
          }, score);
          launches += 1;
          const recorded = await lms.recorded(registration);
          const verbs = recorded.map(VERB).sort();
          const passes = au.masteryScore !== null && score >= au.masteryScore;
          const fails = au.masteryScore !== null && !passes;
          const want = ['completed', 'initialized', 'terminated', ...(passes ? ['passed'] : []), ...(fails ? ['failed'] : [])].sort();
          assert.deepEqual(verbs, want, `${au.title} at ${score} (masteryScore ${au.masteryScore}): Ralph recorded what the AU sent`);
          assert.equal(sent.length, recorded.length - 1, `${au.title}: every moveOn statement reached Ralph (besides initialized)`);
          const judged = recorded.find((s) => ['passed', 'failed'].includes(VERB(s)));
          if (judged) {
            assert.equal(judged.result.score.scaled, score, `${au.title}: the score is recorded`);
            assert.equal(judged.context.extensions['https://w3id.org/xapi/cmi5/context/extensions/masteryscore'], au.masteryScore, `${au.title}: the masteryScore from cmi5.xml reached the AU through LMS.LaunchData`);
          }
          assert.equal(satisfied(au.moveOn, recorded), au.moveOn !== 'Passed' || passes, `${au.title}: moveOn ${au.moveOn} is satisfied only as cmi5 says, at ${score}`);
          for (const s of recorded) {
            assert.equal(s.context.registration, registration, `${au.title}: statements carry the launch's registration`);
          }
        }
      }
      assert.deepEqual(problems, [], 'no script error in an AU page');
      console.log(`${library}: ${units.length} AUs, ${launches} launches through @xapi/cmi5, statements recorded by Ralph`);
    } finally {
      await page.close();
      lms.close();
    }
  });
}
