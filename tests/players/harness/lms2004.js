// The LMS half of a SCORM 2004 player, run in the browser beside scorm-again: what every
// LMS that embeds scorm-again does (scorm-again takes the activity tree as settings, "which
// must be extracted by the LMS from the package's imsmanifest.xml") — here, read from the
// export's imsmanifest.xml with the browser's DOMParser — and the controls a scripted
// learner uses. Nothing here decides whether a navigation is allowed: scorm-again does.
'use strict';

const SS = 'http://www.imsglobal.org/xsd/imsss';
const CP = 'http://www.imsglobal.org/xsd/imscp_v1p1';

function kids(el, ns, name) {
  return [...el.children].filter((c) => c.localName === name && c.namespaceURI === ns);
}
function flag(el, name) {
  const v = el.getAttribute(name);
  return v === null ? undefined : v === 'true';
}
function defined(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function condition(c) {
  const threshold = c.getAttribute('measureThreshold');
  return defined({
    condition: c.getAttribute('condition'),
    operator: c.getAttribute('operator') === 'not' ? 'not' : undefined,
    referencedObjective: c.getAttribute('referencedObjective') || undefined,
    parameters: threshold === null ? undefined : { threshold: Number(threshold) },
  });
}

function rules(container, name) {
  return kids(container, SS, name).map((r) => {
    const conditions = kids(r, SS, 'ruleConditions')[0];
    return {
      action: kids(r, SS, 'ruleAction')[0].getAttribute('action'),
      conditionCombination: conditions.getAttribute('conditionCombination') || 'all',
      conditions: kids(conditions, SS, 'ruleCondition').map(condition),
    };
  });
}

function objective(o) {
  const min = kids(o, SS, 'minNormalizedMeasure')[0];
  return defined({
    objectiveID: o.getAttribute('objectiveID'),
    satisfiedByMeasure: flag(o, 'satisfiedByMeasure'),
    minNormalizedMeasure: min ? Number(min.textContent) : undefined,
    mapInfo: kids(o, SS, 'mapInfo').map((m) =>
      defined({
        targetObjectiveID: m.getAttribute('targetObjectiveID'),
        readSatisfiedStatus: flag(m, 'readSatisfiedStatus'),
        readNormalizedMeasure: flag(m, 'readNormalizedMeasure'),
        writeSatisfiedStatus: flag(m, 'writeSatisfiedStatus'),
        writeNormalizedMeasure: flag(m, 'writeNormalizedMeasure'),
      }),
    ),
  });
}

function sequencing(el) {
  const seq = kids(el, SS, 'sequencing')[0];
  if (!seq) return {};
  const out = {};
  const control = kids(seq, SS, 'controlMode')[0];
  if (control) {
    out.sequencingControls = defined({
      choice: flag(control, 'choice'),
      choiceExit: flag(control, 'choiceExit'),
      flow: flag(control, 'flow'),
      forwardOnly: flag(control, 'forwardOnly'),
    });
  }
  const seqRules = kids(seq, SS, 'sequencingRules')[0];
  if (seqRules) {
    out.sequencingRules = {
      preConditionRules: rules(seqRules, 'preConditionRule'),
      exitConditionRules: rules(seqRules, 'exitConditionRule'),
      postConditionRules: rules(seqRules, 'postConditionRule'),
    };
  }
  const delivery = kids(seq, SS, 'deliveryControls')[0];
  if (delivery) {
    out.deliveryControls = defined({
      tracked: flag(delivery, 'tracked'),
      completionSetByContent: flag(delivery, 'completionSetByContent'),
      objectiveSetByContent: flag(delivery, 'objectiveSetByContent'),
    });
  }
  const objectives = kids(seq, SS, 'objectives')[0];
  if (objectives) {
    const primary = kids(objectives, SS, 'primaryObjective')[0];
    if (primary) out.primaryObjective = objective(primary);
    out.objectives = kids(objectives, SS, 'objective').map(objective);
  }
  return out;
}

function activity(item) {
  const title = kids(item, CP, 'title')[0]?.textContent ?? '';
  const children = kids(item, CP, 'item').map(activity);
  return {
    id: item.getAttribute('identifier'),
    title,
    ...(children.length ? { children } : {}),
    ...sequencing(item),
  };
}

/** The activity tree of the default organization of `xml` (an imsmanifest.xml), and
 * each item's launch file (its resource's href). */
function activityTree(xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const error = doc.querySelector('parsererror');
  if (error) throw new Error(`imsmanifest.xml: ${error.textContent}`);
  const orgs = doc.getElementsByTagNameNS(CP, 'organizations')[0];
  const id = orgs.getAttribute('default');
  const org = kids(orgs, CP, 'organization').find((o) => o.getAttribute('identifier') === id);
  const href = new Map(
    [...doc.getElementsByTagNameNS(CP, 'resource')].map((r) => [r.getAttribute('identifier'), r.getAttribute('href')]),
  );
  const hrefs = {};
  for (const item of doc.getElementsByTagNameNS(CP, 'item')) {
    const ref = item.getAttribute('identifierref');
    if (ref) hrefs[item.getAttribute('identifier')] = href.get(ref);
  }
  return {
    tree: {
      id: org.getAttribute('identifier'),
      title: kids(org, CP, 'title')[0]?.textContent ?? '',
      children: kids(org, CP, 'item').map(activity),
      ...sequencing(org),
    },
    hrefs,
  };
}

/** One learner's session: a fresh API on the package's manifest. */
window.pf = {
  errors: [],
  delivered: [],
  /** With `withoutRules`, the manifest's sequencing rules are left out: the control that
   * shows a refusal comes from the export's rules, not from the player. */
  async open(manifestUrl, withoutRules = false) {
    const xml = await (await fetch(manifestUrl)).text();
    const { tree, hrefs } = activityTree(xml);
    this.hrefs = hrefs;
    if (withoutRules) {
      const strip = (a) => {
        delete a.sequencingRules;
        (a.children ?? []).forEach(strip);
      };
      strip(tree);
    }
    this.tree = tree;
    this.current = null;
    this.api = new window.Scorm2004API({
      logLevel: 5,
      sequencing: {
        activityTree: tree,
        eventListeners: {
          onActivityDelivery: (a) => {
            // Each delivery is a new attempt with a fresh run-time session, the same
            // activity again included (a SCO that terminated cannot initialise twice).
            if (this.current) this.api.reset();
            this.current = a.id;
            this.delivered.push(a.id);
          },
          onSequencingError: (e, context) => this.errors.push(`${e} ${context ?? ''}`),
        },
      },
    });
    window.API_1484_11 = this.api;
    return tree;
  },
  /** Launches the delivered activity `id` as an LMS does: its launch file in the
   * content frame, which finds the API on this window. Resolves to the page's title. */
  launch(id) {
    return window.pfLaunch(`/package/${this.hrefs[id]}`);
  },
  navigate(request, target) {
    const before = this.current;
    const ok = this.api.processNavigationRequest(request, target);
    return { ok, from: before, to: this.current };
  },
  /** The learner finishes the current activity as content would report it. */
  finish({ scaled, passed }) {
    const api = this.api;
    api.lmsInitialize('');
    api.lmsSetValue('cmi.completion_status', 'completed');
    if (scaled !== undefined && scaled !== null) api.lmsSetValue('cmi.score.scaled', String(scaled));
    if (passed !== undefined && passed !== null) api.lmsSetValue('cmi.success_status', passed ? 'passed' : 'failed');
    api.lmsFinish('');
  },
};
