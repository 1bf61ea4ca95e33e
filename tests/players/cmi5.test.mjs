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
import { libraryBeside, libraryProject, sampleLibraries, sampleProject, ROOT } from './lib/pathforge.mjs';
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

// ADL's public CATAPULT pre/post-test package (tests/fixtures/catapult), carried into the
// export as it is (`--carry-items`) and uploaded as one zip: its AUs are real cmi5 content,
// each with its own cmi5 client, so here nothing plays the AU's part — the test answers the
// quiz as a learner would, and the AU reports to Ralph. A remediation rule written beside
// the package asks 50% of the first post-test; the AU's own pass mark is 80%.
const CATAPULT = join(ROOT, 'tests/fixtures/catapult/pre_post_test_framed.zip');
const GEOLOGY = 'pre_post_test_framed.zip/https://w3id.org/xapi/cmi5/catapult/lts/course/geology-intro-preposttest';

test('a carried cmi5 package: its own AUs report to Ralph, judged by the masteryScore the rules set', async () => {
  const library = libraryBeside(
    CATAPULT,
    `[[rule]]
id = "remediate-geology"
kind = "remediation"
explanation = "Below 50% on the first post-test: the content again, then a retake."
assessment = "${GEOLOGY}/block1/post"
below = 50
assign = ["${GEOLOGY}/block1/content"]
retake_after_days = 1
`,
  );
  const project = libraryProject('catapult', library);
  const out = project.uploadTo('cmi5', '--carry-items');
  const coverage = JSON.parse(await readFile(join(out, 'coverage.json'), 'utf8'));
  assert.deepEqual(coverage.text_only, [], 'every AU of the package is carried, none is text only');
  const lms = await startLms(out, ralph);
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('dialog', async (d) => {
    problems.push(`alert: ${d.message()}`);
    await d.dismiss();
  });
  try {
    await page.goto(`${lms.url}/package/cmi5.xml`);
    const { course, aus: units } = await aus(page, await readFile(join(out, 'cmi5.xml'), 'utf8'));
    const post = units.find((u) => u.url.endsWith('/post1.html'));
    assert.deepEqual(
      [post.moveOn, post.masteryScore],
      ['Passed', 0.5],
      'the post-test keeps its own moveOn and takes the masteryScore the rule asks',
    );
    let learner = 0;
    const take = async (au, answer) => {
      const actor = { objectType: 'Agent', account: { homePage: 'https://pathforge.invalid/learners', name: `geologist-${learner++}` } };
      const { url, registration } = lms.launch(au, actor, course);
      // Until Ralph holds `verb` for this launch (the AU's statements are its own).
      const until = async (verb) => {
        for (let i = 0; i < 100; i++) {
          if ((await lms.recorded(registration)).some((s) => VERB(s) === verb)) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.fail(`${au.title}: the AU never sent ${verb}`);
      };
      await page.goto(url);
      await until('initialized');
      await answer();
      // Its own Exit button's handler: the AU sends terminated and the session ends.
      // `course` is the page's own (a script-level `let`, so not on `window`).
      await page.evaluate(() => course.exit());
      await until('terminated');
      return lms.recorded(registration);
    };
    // The quiz as the learner answers it: the first question (3 kinds of rock) right or
    // wrong, the second (the outermost layer) wrong.
    const quiz = (firstRight) => async () => {
      await page.waitForSelector('#q0');
      await page.evaluate((right) => {
        document.getElementById('q0').value = right ? '3' : '7';
        document.getElementById('q1').value = 'upper_mantle';
        course.submitAnswers();
      }, firstRight);
      await page.waitForSelector('#score-panel.full-overlay-visible');
    };
    // The control: the same AU launched without a masteryScore in LMS.LaunchData judges by
    // its own 80%, so the pass at 50% comes from the exported one.
    const own = { ...post, masteryScore: null };
    for (const [au, firstRight, verdict] of [
      [post, true, 'passed'],
      [post, false, 'failed'],
      [own, true, 'failed'],
    ]) {
      const recorded = await take(au, quiz(firstRight));
      const judged = recorded.find((s) => ['passed', 'failed'].includes(VERB(s)));
      const at = au.masteryScore === null ? 'its own pass mark, 0.8' : 'the exported masteryScore 0.5';
      assert.deepEqual(
        [VERB(judged), judged.result.score.scaled],
        [verdict, firstRight ? 0.5 : 0],
        `the post-test's own script scored ${firstRight ? 'one of two' : 'none'} right and judged it at ${at}`,
      );
      assert.equal(satisfied(post.moveOn, recorded), verdict === 'passed', `moveOn ${post.moveOn} is satisfied only by the pass`);
      assert.equal(
        judged.object.id,
        'https://w3id.org/xapi/cmi5/catapult/lts/course/geology-intro-preposttest/block1/post',
        'the verdict is about the AU its publisher named: records made before it was carried carry on',
      );
      assert.ok(
        ['initialized', 'terminated'].every((v) => recorded.map(VERB).includes(v)),
        `the AU opened and closed its session itself: ${recorded.map(VERB)}`,
      );
    }
    // The content AU launches with its own query (index.html?pages=1) and the cmi5 launch
    // parameters beside it.
    const content = units.find((u) => u.url.endsWith('index.html?pages=1'));
    const recorded = await take(content, () => page.waitForSelector('#navmenuitems li'));
    assert.ok(recorded.map(VERB).includes('initialized'), `the content AU initialized from its carried files: ${recorded.map(VERB)}`);
    assert.deepEqual(problems, [], 'no script error or alert in the carried AUs');
    console.log(`catapult (carried): ${units.length} AUs; the post-test's own script judged 0.5 passed at the exported masteryScore (failed at its own 0.8) and 0 failed, statements recorded by Ralph`);
  } finally {
    await page.close();
    lms.close();
  }
});
