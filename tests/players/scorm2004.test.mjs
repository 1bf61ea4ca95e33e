// Every sample library's SCORM 2004 export, played in scorm-again (a real SCORM 2004
// run-time with sequencing) inside Debian's headless Chromium. A scripted learner goes
// through the course; at every step the test asks the run-time to deliver each module
// whose prerequisites are not met yet (it must refuse every one the export's coverage
// calls "expressed") and then the next module the rules allow (it must deliver it). A
// second learner goes by flow ("continue") with high scores, a third with low ones: the
// placement skips and remediations the coverage reports must happen as the rules say.
// Each delivered activity's launch file is loaded in the content frame, as an LMS does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { launch } from './lib/browser.mjs';
import { libraryBeside, libraryProject, needsShared, sampleLibraries, sampleProject, sharedPackage, ROOT } from './lib/pathforge.mjs';
import { serve } from './lib/serve.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A page with scorm-again and the LMS harness, serving the export at /package/. */
async function player(exportDir) {
  const server = await serve({
    '/scorm-again/': join(ROOT, 'tests/players/node_modules/scorm-again/dist'),
    '/harness/': join(ROOT, 'tests/players/harness'),
    '/package/': exportDir,
  });
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${server.url}/harness/index.html`);
  return {
    page,
    problems,
    /** A new learner: a fresh API on the package's manifest; the leaves in order. */
    async open(withoutRules = false) {
      return page.evaluate(async (strip) => {
        const tree = await window.pf.open('/package/imsmanifest.xml', strip);
        const leaves = [];
        const walk = (a) => (a.children ? a.children.forEach(walk) : leaves.push({ id: a.id, title: a.title }));
        walk(tree);
        return leaves;
      }, withoutRules);
    },
    navigate: (request, target) => page.evaluate((r, t) => window.pf.navigate(r, t), request, target),
    launch: (id) => page.evaluate((i) => window.pf.launch(i), id),
    finish: (scaled) => page.evaluate((s) => window.pf.finish({ scaled: s, passed: true }), scaled),
    close: async () => {
      await page.close();
      server.close();
    },
  };
}

/** What the project says: each module's path by item, prerequisites with their group,
 * the rules by id and how the export's coverage reports each. */
function expectations(project, leaves, coverage) {
  const byTitle = new Map(project.modules.map((m) => [m.title, m]));
  const byId = new Map(project.modules.map((m) => [m.id, m]));
  const pathOf = new Map();
  for (const leaf of leaves) {
    const m = byTitle.get(leaf.title);
    assert.ok(m, `the package's item ${leaf.id} (“${leaf.title}”) is a module of the project`);
    pathOf.set(leaf.id, m.source_path);
  }
  const requires = new Map();
  for (const e of project.edges) {
    const after = byId.get(e.after).source_path;
    const r = requires.get(after) ?? { group: e.group, before: [] };
    r.before.push(byId.get(e.before).source_path);
    requires.set(after, r);
  }
  const status = new Map(coverage.rules.map((r) => [r.rule, r.status]));
  return { pathOf, requires, status };
}

function met(requirement, done) {
  if (!requirement) return true;
  const have = requirement.before.filter((p) => done.has(p)).length;
  switch (requirement.group.kind) {
    case 'any_of':
      return have >= 1;
    case 'n_of':
      return have >= requirement.group.n;
    default:
      return have === requirement.before.length;
  }
}

/** The modules remediation keeps away from a learner who scored `percent` everywhere. */
function remediationHidden(rules, percent) {
  return new Set(
    rules.filter((r) => r.kind === 'remediation' && percent >= r.below).flatMap((r) => r.assign),
  );
}

async function coverageOf(dir) {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(join(dir, 'coverage.json'), 'utf8'));
}

for (const library of sampleLibraries()) {
  test(`${library}: scorm-again enforces every prerequisite the SCORM 2004 export calls expressed`, async () => {
    const project = sampleProject(library);
    const out = project.exportTo('scorm2004');
    const coverage = await coverageOf(out);
    const p = await player(out);
    try {
      const leaves = await p.open();
      const { pathOf, requires, status } = expectations(project, leaves, coverage);
      const expressed = new Set(
        [...requires.keys()].filter((path) => status.get(`unlock:${path}`) === 'expressed'),
      );
      // Every score is 50%: below every placement band that skips and below most
      // remediation thresholds; remediation hidden at 50% is left out of the walk.
      const hidden = remediationHidden(project.rules, 50);
      const itemOf = new Map([...pathOf].map(([id, path]) => [path, id]));
      const done = new Set();
      let refused = 0;
      let delivered = 0;
      const titleOf = new Map(leaves.map((l) => [l.id, l.title]));
      let step = await p.navigate('start');
      assert.ok(step.ok && step.to, `the run-time starts the course: ${JSON.stringify(step)}`);
      for (;;) {
        const current = pathOf.get(step.to);
        assert.equal(await p.launch(step.to), titleOf.get(step.to), `${current}: its launch file loads in the content frame`);
        assert.ok(
          met(requires.get(current), done),
          `${current} was delivered before its prerequisites (${JSON.stringify(requires.get(current))})`,
        );
        await p.finish(0.5);
        done.add(current);
        delivered += 1;
        for (const path of expressed) {
          if (done.has(path) || met(requires.get(path), done)) continue;
          const tried = await p.navigate('choice', itemOf.get(path));
          assert.ok(
            !tried.ok && tried.to === step.to,
            `after ${[...done].length} modules, the run-time let the learner into ${path} whose prerequisites ${requires.get(path).before.filter((b) => !done.has(b)).join(', ')} are not met — the coverage says this rule is expressed`,
          );
          refused += 1;
        }
        const next = leaves
          .map((l) => l.id)
          .find((id) => !done.has(pathOf.get(id)) && !hidden.has(pathOf.get(id)) && met(requires.get(pathOf.get(id)), done));
        if (!next) break;
        step = await p.navigate('choice', next);
        assert.ok(
          step.ok && step.to === next,
          `the rules allow ${pathOf.get(next)} now (prerequisites met), but the run-time refused it: ${JSON.stringify(step)}`,
        );
      }
      const reachable = leaves.filter((l) => !hidden.has(pathOf.get(l.id))).length;
      assert.equal(delivered, reachable, 'the learner went through every module the rules let them reach');
      assert.ok(expressed.size === 0 || refused > 0, 'refusals were tried for every expressed prerequisite');
      assert.deepEqual(p.problems, [], 'no script error in the player page');
      console.log(`${library}: ${delivered} modules delivered in an allowed order, ${refused} early choices refused, ${expressed.size} expressed prerequisite rules`);

      // The control: the same package without its sequencing rules lets the learner
      // into the first of those modules at once, so the refusals came from the export.
      if (expressed.size > 0) {
        await p.open(true);
        const first = await p.navigate('start');
        await p.finish(0.5);
        const early = [...expressed].find((path) => !met(requires.get(path), new Set([pathOf.get(first.to)])));
        const tried = await p.navigate('choice', itemOf.get(early));
        assert.ok(tried.ok && tried.to === itemOf.get(early), `without the export's rules the run-time lets the learner into ${early}: ${JSON.stringify(tried)}`);
      }
    } finally {
      await p.close();
    }
  });
}

/** A learner who goes by flow ("continue") from the start, finishing each module with
 * the score `scoreOf(path)` gives; the modules delivered, in order. */
async function flow(p, pathOf, scoreOf) {
  const delivered = [];
  let step = await p.navigate('start');
  while (step.ok && step.to && delivered.length <= pathOf.size) {
    const path = pathOf.get(step.to);
    delivered.push(path);
    await p.finish(scoreOf(path));
    step = await p.navigate('continue');
    if (step.to === step.from) break;
  }
  return delivered;
}

for (const library of sampleLibraries()) {
  test(`${library}: placement skips and remediations happen in scorm-again's flow as the coverage reports`, async () => {
    const project = sampleProject(library);
    const out = project.exportTo('scorm2004');
    const coverage = await coverageOf(out);
    const status = new Map(coverage.rules.map((r) => [r.rule, r]));
    for (const rule of project.rules) {
      const c = status.get(rule.id);
      assert.ok(c, `the coverage reports rule ${rule.id}`);
      assert.ok(
        c.status === 'expressed' || c.how.length > 20,
        `rule ${rule.id} is ${c.status}: the report says why (${c.how})`,
      );
    }
    const p = await player(out);
    let checks = 0;
    try {
      const leaves = await p.open();
      const { pathOf } = expectations(project, leaves, coverage);
      for (const rule of project.rules.filter((r) => r.kind === 'placement' && status.get(r.id).status !== 'not_exported')) {
        const skippedSomewhere = new Set(rule.bands.flatMap((b) => b.skip ?? []));
        for (const band of rule.bands) {
          const score = (band.min + Math.min(band.max ?? 100, 100)) / 200;
          const seen = await flow(p, pathOf, (path) => (path === rule.assessment ? score : 0.5));
          await p.open();
          const at = seen.indexOf(rule.assessment);
          assert.ok(at >= 0, `${rule.id}: the flow reaches the assessment ${rule.assessment}: ${seen.join(' → ')}`);
          const afterwards = seen.slice(at + 1);
          for (const skipped of band.skip ?? []) {
            assert.ok(!afterwards.includes(skipped), `${rule.id}: scoring ${score * 100}% skips ${skipped}, but the run-time delivered it: ${seen.join(' → ')}`);
            checks += 1;
          }
          if (band.start_at) {
            assert.ok(afterwards.includes(band.start_at), `${rule.id}: scoring ${score * 100}% goes on at ${band.start_at}: ${seen.join(' → ')}`);
            checks += 1;
          }
          if (!band.skip?.length) {
            for (const m of skippedSomewhere) {
              assert.ok(afterwards.includes(m), `${rule.id}: scoring ${score * 100}% skips nothing, yet ${m} was not delivered: ${seen.join(' → ')}`);
              checks += 1;
            }
          }
        }
      }
      for (const rule of project.rules.filter((r) => r.kind === 'remediation' && status.get(r.id).status !== 'not_exported')) {
        for (const [percent, shown] of [[Math.min(rule.below + 10, 100), false], [Math.max(rule.below - 10, 0), true]]) {
          const seen = await flow(p, pathOf, (path) => (path === rule.assessment ? percent / 100 : 0.5));
          await p.open();
          assert.ok(seen.includes(rule.assessment), `${rule.id}: the flow reaches ${rule.assessment}: ${seen.join(' → ')}`);
          for (const m of rule.assign) {
            assert.equal(seen.includes(m), shown, `${rule.id}: scoring ${percent}% on ${rule.assessment} ${shown ? 'assigns' : 'does not assign'} ${m}: ${seen.join(' → ')}`);
            checks += 1;
          }
        }
      }
      assert.deepEqual(p.problems, [], 'no script error in the player page');
      const scored = project.rules.filter((r) => ['placement', 'remediation'].includes(r.kind)).length;
      console.log(
        scored === 0
          ? `${library}: no placement or remediation rule to play`
          : `${library}: ${checks} outcomes of ${scored} placement and remediation rules held in flow navigation`,
      );
      assert.ok(scored === 0 || checks > 0, 'the rules that read a score were played');
    } finally {
      await p.close();
    }
  });
}

// A public package's own SCOs (Rustici's golf remediation sample, from ../shared), carried
// into the export as they are (`--carry-items`): each launches as its LMS launched it,
// finds scorm-again's API, and its own status and score decide what the export's rules
// let the learner into next. Nothing here reports on the SCO's behalf.
const GOLF = sharedPackage('SequencingSimpleRemediation_SCORM20043rdEdition.zip');

test(
  'a carried package: its own SCOs report to scorm-again, and the prerequisite drawn in Pathforge waits for them',
  { skip: needsShared(GOLF, 'carried SCOs were NOT played') },
  async () => {
    const project = libraryProject('golf', GOLF, [['Playing the Game', 'Playing Quiz']]);
    // Written as the one zip an admin uploads, and played from what that zip unpacks to.
    const out = project.uploadTo('scorm2004', '--carry-items');
    const coverage = await coverageOf(out);
    assert.deepEqual(coverage.text_only, [], 'every item of the package is carried, none is text only');
    const p = await player(out);
    const alerts = [];
    p.page.on('dialog', async (d) => {
      alerts.push(d.message());
      await d.dismiss();
    });
    const missing = [];
    p.page.on('response', (r) => r.status() >= 400 && r.url().includes('/package/') && missing.push(r.url()));
    // What the SCO in the content frame does: its own functions and buttons.
    const sco = (fn) => p.page.evaluate(fn);
    const reported = () => p.page.evaluate(() => window.reported);
    const listen = () =>
      p.page.evaluate(() => {
        window.reported = [];
        window.pf.api.on('SetValue.cmi.*', (element, value) => window.reported.push(`${element}=${value}`));
      });
    try {
      const leaves = await p.open();
      const id = (title) => leaves.find((l) => l.title === title).id;
      await listen();
      let step = await p.navigate('start');
      assert.equal(step.to, id('Playing the Game'), 'the course starts with the content');
      assert.equal(await p.launch(step.to), 'Course Launch Page', "the package's own launcher loads");
      assert.ok(
        await p.page.evaluate(() => window.pf.api.isInitialized()),
        'the SCO found the run-time and initialised itself: the harness did not',
      );
      // Leaves before its last page: incomplete, so the quiz stays shut.
      await sco(() => document.getElementById('sco').contentWindow.doUnload());
      assert.ok((await reported()).includes('cmi.completion_status=incomplete'), `the SCO reported itself incomplete: ${await reported()}`);
      const early = await p.navigate('choice', id('Playing Quiz'));
      assert.ok(!early.ok || early.to !== id('Playing Quiz'), `the quiz opened before its content was completed: ${JSON.stringify(early)}`);

      // A second attempt, to the last page: the SCO marks itself completed and passed.
      step = await p.navigate('choice', id('Playing the Game'));
      assert.ok(step.ok, `the content can be taken again: ${JSON.stringify(step)}`);
      await p.launch(step.to);
      await listen();
      for (let i = 0; i < 10; i += 1) {
        const more = await sco(() => {
          const w = document.getElementById('sco').contentWindow;
          const next = w.document.getElementById('butNext');
          if (next.disabled) return false;
          next.click();
          return true;
        });
        if (!more) break;
      }
      await sco(() => document.getElementById('sco').contentWindow.doUnload());
      const done = await reported();
      assert.ok(
        done.includes('cmi.completion_status=completed') && done.includes('cmi.success_status=passed'),
        `paged to its end, the SCO reported itself completed and passed: ${done}`,
      );
      step = await p.navigate('choice', id('Playing Quiz'));
      assert.ok(step.ok && step.to === id('Playing Quiz'), `the content done, the quiz opens: ${JSON.stringify(step)}`);
      assert.equal(await p.launch(step.to), 'Course Launch Page', 'the quiz launches through the same launcher, with its own parameters');
      await listen();
      // The quiz's own submit handler, as its Submit button calls it, with 40%.
      await sco(() => {
        const w = document.getElementById('sco').contentWindow;
        w.RecordTest(40);
        w.doUnload();
      });
      const scored = await reported();
      assert.ok(
        scored.includes('cmi.score.scaled=0.4') && scored.includes('cmi.success_status=failed'),
        `the quiz reported its own score: ${scored}`,
      );
      // The control: without the export's rules the quiz is open at once.
      await p.open(true);
      await p.navigate('start');
      const open = await p.navigate('choice', id('Playing Quiz'));
      assert.ok(open.ok && open.to === id('Playing Quiz'), `without the rules the quiz is open at once: ${JSON.stringify(open)}`);
      assert.deepEqual(alerts, [], 'no SCO complained that it could not reach the LMS');
      assert.deepEqual(missing, [], 'nothing a carried SCO or its pages asked for is missing from the export');
      assert.deepEqual(p.problems, [], 'no script error in the player page');
      console.log(`golf (carried): ${leaves.length} SCOs of the public package, the drawn prerequisite held until the SCO completed itself, the quiz scored itself`);
    } finally {
      await p.close();
    }
  },
);

test(
  "a carried quiz's own score opens what a minimum-score rule gates, and only at that score",
  { skip: needsShared(GOLF, 'the carried quiz was NOT played') },
  async () => {
    // A designer's library: the public package and a rule written beside it.
    const library = libraryBeside(
      GOLF,
      `[[rule]]
id = "etiquette-after-quiz"
kind = "unlock"
explanation = "Etiquette opens once the playing quiz is passed at 70%."
module = "golf.zip/etuqiette_item"
requires = ["golf.zip/test_1"]
min_score = 70
`,
      'golf.zip',
    );
    const project = libraryProject('golf-rule', library);
    const out = project.exportTo('scorm2004', '--carry-items');
    const coverage = await coverageOf(out);
    const rule = coverage.rules.find((r) => r.rule === 'etiquette-after-quiz');
    assert.equal(rule?.status, 'expressed', `the rule reads a score the carried quiz reports: ${JSON.stringify(rule)}`);
    const p = await player(out);
    const alerts = [];
    p.page.on('dialog', async (d) => {
      alerts.push(d.message());
      await d.dismiss();
    });
    try {
      const leaves = await p.open();
      const id = (title) => leaves.find((l) => l.title === title).id;
      const quiz = async (percent) => {
        const step = await p.navigate('choice', id('Playing Quiz'));
        assert.ok(step.ok && step.to === id('Playing Quiz'), `the quiz can be taken: ${JSON.stringify(step)}`);
        await p.launch(step.to);
        // The quiz's own submit handler, as its Submit button calls it.
        await p.page.evaluate((score) => {
          const w = document.getElementById('sco').contentWindow;
          w.RecordTest(score);
          w.doUnload();
        }, percent);
      };
      await p.navigate('start');
      await quiz(40);
      let tried = await p.navigate('choice', id('Etiquette'));
      assert.ok(!tried.ok || tried.to !== id('Etiquette'), `40% on the real quiz must keep Etiquette shut: ${JSON.stringify(tried)}`);
      await quiz(90);
      tried = await p.navigate('choice', id('Etiquette'));
      assert.ok(tried.ok && tried.to === id('Etiquette'), `90% on the real quiz opens Etiquette: ${JSON.stringify(tried)}`);
      // The control: without the export's rules, Etiquette is open from the start, so the
      // refusal above came from the rule.
      await p.open(true);
      await p.navigate('start');
      tried = await p.navigate('choice', id('Etiquette'));
      assert.ok(tried.ok && tried.to === id('Etiquette'), `without the rules Etiquette is open at once: ${JSON.stringify(tried)}`);
      assert.deepEqual(alerts, [], 'no SCO complained that it could not reach the LMS');
      assert.deepEqual(p.problems, [], 'no script error in the player page');
      console.log('golf (carried, with a rule): the quiz at 40% kept Etiquette shut; at 90% opened it');
    } finally {
      await p.close();
    }
  },
);
