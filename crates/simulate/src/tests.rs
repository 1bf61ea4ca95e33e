//! The simulator on a tiny curriculum: determinism, the rules' effect, fairness against the
//! static path.

use model::Segment;

use super::*;

fn module(
    key: &str,
    minutes: u32,
    skills: &[usize],
    assessment: bool,
    placement: bool,
) -> SimModule {
    SimModule {
        key: key.to_owned(),
        title: key.to_uppercase(),
        minutes,
        skills: skills.to_vec(),
        assessment,
        placement,
    }
}

fn rule_set() -> rules::RuleSet {
    serde_json::from_str(
        r#"{"schema": "pathforge.rules/v1", "rules": [
        {"id": "place", "kind": "placement", "explanation": "Place", "assessment": "pre.md",
         "bands": [{"min": 0, "max": 59}, {"min": 60, "max": 100, "skip": ["a.md"]}]},
        {"id": "fix", "kind": "remediation", "explanation": "Review", "assessment": "quiz.md", "below": 70, "assign": ["b.md"], "retake_after_days": 2},
        {"id": "nudge", "kind": "reengagement", "explanation": "Nudge", "idle_days": 7, "manager_after_days": 7}
    ]}"#,
    )
    .unwrap()
}

fn segment(name: &str, prior: f64, dropout: f64) -> Segment {
    Segment {
        name: name.to_owned(),
        share: 1.0,
        attributes: model::Attributes::default(),
        prior,
        speed: 1.0,
        weekly_minutes: 120,
        dropout_per_week: dropout,
        reengage_response: 0.5,
    }
}

/// Runs `f` on a full Input built over the tiny curriculum and `cohort`.
fn with_input<T>(cohort: &Cohort, f: impl FnOnce(&Input<'_>) -> T) -> T {
    let modules = vec![
        module("pre.md", 15, &[0, 1], true, true),
        module("a.md", 30, &[0], false, false),
        module("b.md", 30, &[1], false, false),
        module("quiz.md", 20, &[0, 1], true, false),
    ];
    let infos: Vec<rules::ModuleInfo> = modules
        .iter()
        .map(|m| rules::ModuleInfo {
            key: m.key.clone(),
            id: m.key.clone(),
            title: m.title.clone(),
            tags: vec![],
        })
        .collect();
    let tracks = vec![SimTrack {
        slug: "t".into(),
        name: "T".into(),
        path: vec![0, 1, 2, 3],
        support: vec![],
    }];
    let slugs = vec!["t".to_owned()];
    let edges = [(0, 1), (1, 2), (2, 3)];
    let curriculum = rules::Curriculum {
        modules: &infos,
        tracks: &slugs,
        edges: &edges,
    };
    let set = rule_set();
    let input = Input {
        modules: &modules,
        tracks: &tracks,
        skills: 2,
        rules: &set,
        curriculum: &curriculum,
        cohort,
        skill_bkt: &[],
        pass_mark: 70.0,
    };
    f(&input)
}

#[test]
fn runs_are_reproducible_whatever_the_thread_count() {
    let cohort = Cohort {
        segments: vec![segment("all", 0.4, 0.05)],
        bkt: Bkt::default(),
    };
    // More learners than one wave of chunks, and not a multiple of a chunk: the float
    // sums cross chunk and wave boundaries.
    let learners = CHUNK * WAVE * 2 + 77;
    with_input(&cohort, |input| {
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| simulate(input, Policy::Rules, learners, 42))
        };
        let one = on(1);
        assert_eq!(
            one,
            on(3),
            "the same seed gives the same report on 1 or 3 threads"
        );
        assert_eq!(one.learners as usize, learners, "every learner is counted");
        let other = simulate(input, Policy::Rules, learners, 43);
        assert_ne!(one, other, "another seed gives another run");
    });
}

#[test]
fn progress_is_reported_and_a_cancel_stops_the_run() {
    let cohort = Cohort {
        segments: vec![segment("all", 0.4, 0.05)],
        bkt: Bkt::default(),
    };
    let learners = CHUNK * WAVE * 3;
    with_input(&cohort, |input| {
        let mut seen = Vec::new();
        let report = run(input, Policy::Rules, learners, 1, &mut |done| {
            seen.push(done);
            true
        });
        assert_eq!(
            seen,
            vec![CHUNK * WAVE, CHUNK * WAVE * 2, learners],
            "one report per wave of chunks, the last at the full count"
        );
        assert_eq!(
            report,
            Some(simulate(input, Policy::Rules, learners, 1)),
            "reporting progress changes nothing in the result"
        );
        let mut calls = 0;
        let cancelled = run(input, Policy::Rules, learners, 1, &mut |_| {
            calls += 1;
            false
        });
        assert_eq!(cancelled, None, "a cancel gives no report");
        assert_eq!(
            calls, 1,
            "the run stops at the first report after the cancel"
        );
    });
}

#[test]
fn the_heat_map_cells_add_up_and_each_module_names_a_learner_to_look_at() {
    let cohort = Cohort {
        segments: vec![segment("new", 0.2, 0.1), segment("senior", 0.8, 0.02)],
        bkt: Bkt::default(),
    };
    with_input(&cohort, |input| {
        let r = simulate(input, Policy::Rules, 3000, 5);
        for m in &r.funnel {
            assert_eq!(
                m.started_by_segment.iter().sum::<u32>(),
                m.started,
                "{}: the segments' starters are all the starters",
                m.key
            );
            assert!(
                m.struggled_by_segment
                    .iter()
                    .zip(&m.started_by_segment)
                    .all(|(s, t)| s <= t),
                "{}: nobody struggles with a module they did not start: {m:?}",
                m.key
            );
            let Some(n) = m.example_learner else {
                assert_eq!(
                    m.dropped + m.failed,
                    0,
                    "{}: no example only when nobody struggled",
                    m.key
                );
                continue;
            };
            let j = journey(input, Policy::Rules, 5, n);
            let title = input
                .modules
                .iter()
                .find(|x| x.key == m.key)
                .unwrap()
                .title
                .clone();
            let struggled = j.steps.iter().any(|s| {
                s.what.contains(&title)
                    && (s.what.starts_with("stopped coming")
                        || (s.what.starts_with("scored") && !s.decisions.is_empty()))
            }) || matches!(&j.ending, Ending::DroppedOut { module, .. } if module == &m.key)
                || j.steps
                    .iter()
                    .any(|s| s.what.contains(&title) && s.what.contains("(attempt 2)"));
            assert!(
                struggled,
                "{}: the example learner {n} dropped out on it or failed it: {:#?}",
                m.key, j.steps
            );
        }
        let total: u32 = r.competent_per_day.iter().sum();
        assert_eq!(
            total, r.completed,
            "the histogram counts every competent learner"
        );
        let p50 = r.time_to_competency.as_ref().unwrap().p50;
        let mut below = 0;
        for (day, n) in r.competent_per_day.iter().enumerate() {
            if (day as f64) < p50.floor() {
                below += n;
            }
        }
        assert!(
            f64::from(below) <= f64::from(r.completed) * 0.5,
            "no more than half finish before the median day"
        );
    });
}

#[test]
fn a_journey_tells_what_the_learner_did_and_what_the_rules_decided() {
    let cohort = Cohort {
        segments: vec![segment("all", 0.5, 0.0)],
        bkt: Bkt::default(),
    };
    with_input(&cohort, |input| {
        let j = journey(input, Policy::Rules, 11, 0);
        assert!(
            j.steps[0].what.starts_with("enrolled (all)"),
            "a journey starts at enrolment: {:?}",
            j.steps[0]
        );
        assert!(
            j.steps.windows(2).all(|w| w[0].day <= w[1].day),
            "steps are in day order: {:#?}",
            j.steps
        );
        assert!(
            j.steps.iter().any(|s| s.what.contains("“PRE.MD”")),
            "the placement test is taken: {:#?}",
            j.steps
        );
        let decisions: usize = j.steps.iter().map(|s| s.decisions.len()).sum();
        assert_eq!(
            decisions,
            trace(input, 11, 0).len(),
            "every rule decision is attached to the step that caused it"
        );
        assert!(
            matches!(
                j.ending,
                Ending::Competent { .. } | Ending::NotCompetent { .. }
            ),
            "with no drop-off, nobody drops out: {:?}",
            j.ending
        );
        let fixed = journey(input, Policy::Static, 11, 0);
        assert!(
            fixed.steps.iter().all(|s| s.decisions.is_empty()),
            "the static path has no rules deciding anything"
        );
    });
}

#[test]
fn the_rules_place_remediate_and_reengage() {
    let cohort = Cohort {
        segments: vec![segment("all", 0.5, 0.08)],
        bkt: Bkt::default(),
    };
    with_input(&cohort, |input| {
        let fixed = simulate(input, Policy::Static, 4000, 7);
        let adaptive = simulate(input, Policy::Rules, 4000, 7);
        assert_eq!(
            fixed.hours_saved_by_placement, 0.0,
            "the static path places nobody"
        );
        assert!(
            adaptive.hours_saved_by_placement > 0.0,
            "placement skips module a for strong starters"
        );
        assert!(
            adaptive.completion_rate > fixed.completion_rate,
            "re-engagement brings idle learners back: {} vs {}",
            adaptive.completion_rate,
            fixed.completion_rate
        );
        let quiz = adaptive.funnel.iter().find(|m| m.key == "quiz.md").unwrap();
        assert!(
            quiz.failed > 0,
            "some learners fail the quiz and are remediated"
        );
        let b_started = |r: &Report| {
            r.funnel
                .iter()
                .find(|m| m.key == "b.md")
                .map_or(0, |m| m.started)
        };
        assert!(b_started(&adaptive) > 0, "remediation sends learners to b");
        let t = adaptive
            .time_to_competency
            .clone()
            .expect("some learners finish");
        assert!(
            t.p10 <= t.p50 && t.p50 <= t.p90,
            "percentiles are ordered: {t:?}"
        );
    });
}

#[test]
fn fairness_compares_the_rules_with_the_static_path_not_segments_with_each_other() {
    let check = |cohort: Cohort, why: &str, expect: &dyn Fn(&[FairnessGap]) -> bool| {
        with_input(&cohort, |input| {
            let baseline = simulate(input, Policy::Static, 4000, 3);
            let rules = simulate(input, Policy::Rules, 4000, 3);
            let gaps = fairness(&baseline, &rules);
            assert_eq!(
                gaps.len(),
                2,
                "{why}: a completion measure for each of two segments: {gaps:#?}"
            );
            for g in &gaps {
                assert!(
                    !g.flagged || g.low > 0.0,
                    "{why}: a flag means the whole interval is above zero: {g:?}"
                );
            }
            assert!(expect(&gaps), "{why}: {gaps:#?}");
        });
    };
    check(
        Cohort {
            segments: vec![
                segment("well prepared", 0.95, 0.01),
                segment("underserved", 0.05, 0.3),
            ],
            bkt: Bkt::default(),
        },
        "segments far apart in prior knowledge and drop-out: a gap the static path has \
         too, which the rules do not widen, is not flagged (it was, on every segment)",
        &|gaps| gaps.iter().all(|g| g.static_gap.abs() > 0.15 && !g.flagged),
    );
    check(
        Cohort {
            segments: vec![segment("a", 0.5, 0.02), segment("b", 0.5, 0.02)],
            bkt: Bkt::default(),
        },
        "identical segments",
        &|gaps| gaps.iter().all(|g| !g.flagged && g.static_gap.abs() < 0.05),
    );
}

#[test]
fn cohorts_the_simulator_cannot_run_are_refused_with_the_reason() {
    let base = || Cohort {
        segments: vec![segment("new", 0.2, 0.05)],
        bkt: Bkt::default(),
    };
    let check = |why: &str, edit: &dyn Fn(&mut Cohort), needle: &str| {
        let mut cohort = base();
        edit(&mut cohort);
        let err = cohort
            .check()
            .expect_err(&format!("{why}: the cohort must be refused"));
        assert!(err.contains(needle), "{why}: {err:?} should say {needle:?}");
    };
    assert_eq!(base().check(), Ok(()), "a plain cohort is fine");
    check(
        "no segment to draw learners from",
        &|c| c.segments.clear(),
        "at least one segment",
    );
    check(
        "a negative share",
        &|c| c.segments[0].share = -1.0,
        "share is -1",
    );
    check(
        "shares adding to 0",
        &|c| c.segments[0].share = 0.0,
        "add up to 0",
    );
    check(
        "TOML's nan",
        &|c| c.segments[0].share = f64::NAN,
        "share is NaN",
    );
    check(
        "a prior over 1",
        &|c| c.segments[0].prior = 1.5,
        "prior is 1.5",
    );
    check(
        "no study time",
        &|c| c.segments[0].weekly_minutes = 0,
        "weekly_minutes is 0",
    );
    check(
        "infinite speed",
        &|c| c.segments[0].speed = f64::INFINITY,
        "speed is inf",
    );
    check(
        "a dropout over 1",
        &|c| c.segments[0].dropout_per_week = 2.0,
        "dropout_per_week",
    );
    check("a bad BKT slip", &|c| c.bkt.slip = -0.1, "bkt.slip");
    check(
        "a nameless segment",
        &|c| c.segments[0].name = " ".into(),
        "needs a name",
    );
}

/// One module of a [`case`]: key, minutes, skills, scored.
type CaseModule<'a> = (&'a str, u32, &'a [usize], bool);

/// Both policies' reports for one segment with `prior` (no drop-out) walking `modules` in
/// order, under `rules` (a JSON array); `support` lists modules on the path only because
/// a later one requires them.
fn case(
    modules: &[CaseModule<'_>],
    support: &[usize],
    rules: &str,
    prior: f64,
) -> (Report, Report) {
    let modules: Vec<SimModule> = modules
        .iter()
        .map(|(key, minutes, skills, scored)| module(key, *minutes, skills, *scored, false))
        .collect();
    let infos: Vec<rules::ModuleInfo> = modules
        .iter()
        .map(|m| rules::ModuleInfo {
            key: m.key.clone(),
            id: m.key.clone(),
            title: m.title.clone(),
            tags: vec![],
        })
        .collect();
    let tracks = vec![SimTrack {
        slug: "t".into(),
        name: "T".into(),
        path: (0..modules.len()).collect(),
        support: support.to_vec(),
    }];
    let slugs = vec!["t".to_owned()];
    let edges: Vec<(usize, usize)> = (1..modules.len()).map(|i| (i - 1, i)).collect();
    let curriculum = rules::Curriculum {
        modules: &infos,
        tracks: &slugs,
        edges: &edges,
    };
    let set: rules::RuleSet = serde_json::from_str(&format!(
        r#"{{"schema": "pathforge.rules/v1", "rules": {rules}}}"#
    ))
    .expect("the case's rules read");
    let cohort = Cohort {
        segments: vec![segment("all", prior, 0.0)],
        bkt: Bkt::default(),
    };
    let input = Input {
        modules: &modules,
        tracks: &tracks,
        skills: 2,
        rules: &set,
        curriculum: &curriculum,
        cohort: &cohort,
        skill_bkt: &[],
        pass_mark: 70.0,
    };
    (
        simulate(&input, Policy::Static, 4000, 3),
        simulate(&input, Policy::Rules, 4000, 3),
    )
}

fn started(r: &Report, key: &str) -> u32 {
    r.funnel
        .iter()
        .find(|m| m.key == key)
        .map_or(0, |m| m.started)
}

const LESSON_QUIZ_REVIEW: [CaseModule<'static>; 3] = [
    ("a.md", 30, &[0], false),
    ("quiz.md", 20, &[0], true),
    ("review.md", 30, &[0], false),
];

fn remediation(below: u32) -> String {
    format!(
        r#"[{{"id": "fix", "kind": "remediation", "explanation": "Review", "assessment": "quiz.md",
             "below": {below}, "assign": ["review.md"], "retake_after_days": 2}}]"#
    )
}

#[test]
fn a_remediation_threshold_is_the_pass_mark_and_moves_the_kpis() {
    let (static_low, rules_low) = case(&LESSON_QUIZ_REVIEW, &[], &remediation(50), 0.3);
    let (static_high, rules_high) = case(&LESSON_QUIZ_REVIEW, &[], &remediation(90), 0.3);
    assert!(
        rules_high.remediation_rate > rules_low.remediation_rate + 0.1,
        "a higher threshold remediates more: {} vs {}",
        rules_high.remediation_rate,
        rules_low.remediation_rate
    );
    let pass = |r: &Report| r.first_attempt_pass_rate.expect("a scored module");
    assert!(
        pass(&static_high) < pass(&static_low) - 0.1,
        "the static path passes at the rule's threshold too, not a fixed 70%: {} vs {}",
        pass(&static_high),
        pass(&static_low)
    );
}

#[test]
fn remediation_modules_go_only_to_learners_a_rule_assigns_them_to() {
    let (fixed, ruled) = case(&LESSON_QUIZ_REVIEW, &[], &remediation(75), 0.9);
    assert_eq!(
        started(&fixed, "review.md"),
        4000,
        "the static path sends everyone through the review module"
    );
    let assigned = (ruled.remediation_rate * 4000.0).round() as u32;
    assert!(
        started(&ruled, "review.md") <= assigned && assigned < 4000,
        "under the rules only the {assigned} learners remediated take it, not all: {}",
        started(&ruled, "review.md")
    );
}

#[test]
fn category_scores_reach_the_rules_and_a_category_remediation_fires() {
    let modules: [CaseModule<'_>; 3] = [
        ("a.md", 30, &[0, 1], false),
        ("quiz.md", 20, &[0, 1], true),
        ("review.md", 30, &[1], false),
    ];
    let by_category = |below: u32| {
        format!(
            r#"[{{"id": "fix-price", "kind": "remediation", "explanation": "Price questions", "assessment": "quiz.md",
                 "category": "price", "below": {below}, "assign": ["review.md"], "retake_after_days": 2}}]"#
        )
    };
    let (_, none) = case(&modules, &[], "[]", 0.3);
    let (_, low) = case(&modules, &[], &by_category(40), 0.3);
    let (_, high) = case(&modules, &[], &by_category(90), 0.3);
    assert_eq!(none.remediation_rate, 0.0, "no rule, no remediation");
    assert!(
        low.remediation_rate > 0.0,
        "the runtime gets the category's score and remediates on it"
    );
    assert!(
        high.remediation_rate > low.remediation_rate + 0.1,
        "a higher category threshold remediates more: {} vs {}",
        high.remediation_rate,
        low.remediation_rate
    );
}

#[test]
fn an_any_of_unlock_spares_the_alternative_an_all_of_needs() {
    let modules: [CaseModule<'_>; 3] = [
        ("a.md", 60, &[0], false),
        ("b.md", 60, &[0], false),
        ("c.md", 30, &[1], false),
    ];
    let unlock = |group: &str| {
        format!(
            r#"[{{"id": "open-c", "kind": "unlock", "explanation": "After a or b", "module": "c.md",
                 "requires": ["a.md", "b.md"], "group": "{group}"}}]"#
        )
    };
    let (_, all) = case(&modules, &[0, 1], &unlock("all-of"), 0.3);
    let (_, any) = case(&modules, &[0, 1], &unlock("any-of"), 0.3);
    assert_eq!(started(&all, "b.md"), 4000, "all-of: everyone takes both");
    assert_eq!(
        started(&any, "b.md"),
        0,
        "any-of: once a opens c, nobody needs b"
    );
    let days = |r: &Report| {
        r.time_to_competency
            .as_ref()
            .expect("competent learners")
            .p50
    };
    assert!(
        days(&any) < days(&all),
        "and competency comes sooner: {} vs {} days",
        days(&any),
        days(&all)
    );
}

#[test]
fn a_certificate_ages_and_a_recertification_rule_re_enrols() {
    let modules: [CaseModule<'_>; 2] = [("a.md", 30, &[0], false), ("quiz.md", 20, &[0], true)];
    let rules = |months: Option<u32>| {
        let certify = r#"{"id": "ready", "kind": "certification_readiness", "explanation": "Quiz passed",
             "required": ["quiz.md"]}"#;
        match months {
            None => format!("[{certify}]"),
            Some(m) => format!(
                r#"[{certify}, {{"id": "again", "kind": "recertification", "explanation": "Yearly",
                     "track": "t", "older_than_months": {m}, "refresher": ["a.md"]}}]"#
            ),
        }
    };
    let (fixed, none) = case(&modules, &[], &rules(None), 0.5);
    let (_, yearly) = case(&modules, &[], &rules(Some(12)), 0.5);
    let (_, never) = case(&modules, &[], &rules(Some(200)), 0.5);
    assert_eq!(
        none.recertification_rate, 0.0,
        "no rule, nobody re-enrolled"
    );
    assert_eq!(
        fixed.recertification_rate, 0.0,
        "the static path certifies nobody"
    );
    assert!(
        yearly.recertification_rate > 0.3,
        "certified learners are re-enrolled a year on: {}",
        yearly.recertification_rate
    );
    assert!(
        yearly.recertification_rate <= yearly.completion_rate,
        "only certified learners are"
    );
    assert_eq!(
        never.recertification_rate, 0.0,
        "a certificate valid for 200 months does not age within the simulated ten years"
    );
}
