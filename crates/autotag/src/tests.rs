//! Tagging with the real model on small, readable inputs.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::*;

fn encoder() -> &'static embed::Encoder {
    static ENCODER: OnceLock<embed::Encoder> = OnceLock::new();
    ENCODER.get_or_init(|| embed::Encoder::load(&testkit::model_dir()).expect("the model loads"))
}

fn skill<'a>(
    slug: &str,
    name: &'a str,
    description: &'a str,
    examples: &'a [String],
) -> SkillInput<'a> {
    SkillInput {
        id: SkillId(slug.to_owned()),
        name,
        description,
        examples,
    }
}

/// Prepares and analyses one module against `skills` with the real model.
fn tag(title: &str, body: &str, skills: &[SkillInput<'_>]) -> Analysis {
    let e = encoder();
    let p = prepare(
        &ModuleInput {
            id: ModuleId("m".into()),
            title,
            body,
            depth: None,
        },
        &|t| e.token_spans(t).unwrap(),
    );
    let mut texts: Vec<String> = p.texts().map(str::to_owned).collect();
    for s in skills {
        texts.extend(skill_texts(s));
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors: HashMap<String, Vec<f32>> = embed_all(e, &refs).unwrap();
    let profiles: Vec<SkillProfile> = skills
        .iter()
        .map(|s| SkillProfile {
            id: s.id.clone(),
            vectors: skill_texts(s).iter().map(|t| vectors[t].clone()).collect(),
        })
        .collect();
    analyse(&p, &|t| &vectors[t], &profiles)
}

/// A small taxonomy written the way designers write one: a description and an
/// example of the skill in action (paraphrases, not the test texts).
fn skills() -> Vec<SkillInput<'static>> {
    static EXAMPLES: OnceLock<[Vec<String>; 3]> = OnceLock::new();
    let [o, s, f] = EXAMPLES.get_or_init(|| {
        [
            vec!["Handles a buyer's price objection by restating value before any discount.".to_owned()],
            vec!["Completes a customer's vendor security assessment with the trust centre documents.".to_owned()],
            vec!["Reviews the pipeline weekly and commits an accurate quarterly forecast.".to_owned()],
        ]
    });
    vec![
        skill(
            "objections",
            "Objection handling",
            "Responding when a buyer raises concerns about price, risk or competitors.",
            o,
        ),
        skill(
            "security",
            "Security review",
            "Answering security questionnaires, data protection and compliance reviews.",
            s,
        ),
        skill(
            "forecasting",
            "Forecasting",
            "Predicting which deals will close this quarter and keeping the forecast accurate.",
            f,
        ),
    ]
}

#[test]
fn the_skill_a_module_teaches_ranks_first_with_its_passage_as_evidence() {
    let intro = "Welcome to week three of the programme. Sessions start at nine in the main training room on the second floor, and lunch is served at half past twelve. Bring a notebook, a charged laptop and your badge, because the building doors lock automatically after six in the evening.";
    let lesson = "When the buyer says the price is too high, acknowledge the concern, ask what they compare it with, and restate the value before offering any discount.";
    let body = format!("{intro}\n\n{lesson}\n\n{intro}");
    let body = body.as_str();
    let a = tag("Responding to pushback", body, &skills());
    assert_eq!(
        a.ranking[0].0,
        SkillId("objections".into()),
        "objection handling ranks first: {:?}",
        a.ranking
    );
    let top = &a.skills[0];
    assert!(
        top.confidence >= SUGGEST_AT && top.confidence <= 1.0,
        "a suggestion's confidence is in [SUGGEST_AT, 1]: {}",
        top.confidence
    );
    let chars: Vec<char> = body.chars().collect();
    let best: String = chars[top.evidence[0].start as usize..top.evidence[0].end as usize]
        .iter()
        .collect();
    assert!(
        best.contains("price is too high"),
        "the best evidence is the objection passage, not the greeting: {best:?}"
    );
    assert!(
        a.skills
            .iter()
            .all(|s| s.skill != SkillId("forecasting".into())),
        "an unrelated skill is not suggested: {:?}",
        a.skills
    );
    assert!(
        !a.keyphrases.is_empty() && a.keyphrases.len() <= KEYPHRASES,
        "a few keyphrases: {:?}",
        a.keyphrases
    );
}

#[test]
fn a_skill_in_one_section_of_a_long_module_is_still_found() {
    // Many paragraphs about forecasting, one about security: passage matching finds it.
    let filler = "Update the quarterly forecast each Monday: review every open deal and move its close date when the buyer has not confirmed the next step. ".repeat(40);
    let security = "Before signing, the customer's security team sends a security questionnaire. It asks about encryption, data protection and compliance. Answer the security review with the trust documentation. Keep the security questionnaire answers consistent across deals.";
    let body = format!("{filler}\n\n{security}\n\n{filler}");
    let a = tag("Quarter planning", &body, &skills());
    let found: Vec<&str> = a.skills.iter().map(|s| s.skill.as_str()).collect();
    assert!(
        found.contains(&"forecasting") && found.contains(&"security"),
        "both the main and the one-section skill: {found:?} {:?}",
        a.ranking
    );
    assert!(
        a.notes.is_empty(),
        "no notes for a normal module: {:?}",
        a.notes
    );
}

#[test]
fn an_empty_module_is_matched_by_its_title_and_says_so() {
    let quiz = tag("Security questionnaire quiz", "  \n\n ", &skills());
    let found: Vec<(&str, usize)> = quiz
        .skills
        .iter()
        .map(|m| (m.skill.0.as_str(), m.evidence.len()))
        .collect();
    assert_eq!(
        found.first(),
        Some(&("security", 0)),
        "a quiz whose questions are in script still names its subject: matched by its title, \
         with no passage of its (empty) text as evidence: {found:?}"
    );
    assert!(
        quiz.keyphrases.is_empty(),
        "no keyphrases are made up from a title: {:?}",
        quiz.keyphrases
    );
    assert!(
        quiz.notes
            .iter()
            .any(|n| n.contains("empty") && n.contains("title alone")),
        "the note says why there is no evidence: {:?}",
        quiz.notes
    );
    let placeholder = tag("Placeholder", "", &skills());
    assert!(
        placeholder.skills.is_empty(),
        "a title that says nothing of any skill suggests none: {:?}",
        placeholder.skills
    );
}

#[test]
fn a_gigantic_module_is_read_up_to_the_bound_and_says_so() {
    let body = "Forecast calls review pipeline coverage and slipped deals. ".repeat(6000);
    let e = encoder();
    let p = prepare(
        &ModuleInput {
            id: ModuleId("big".into()),
            title: "Big",
            body: &body,
            depth: None,
        },
        &|t| e.token_spans(t).unwrap(),
    );
    assert_eq!(
        p.passages.len(),
        MAX_PASSAGES,
        "at most MAX_PASSAGES passages are read"
    );
    assert!(
        p.notes.iter().any(|n| n.contains("long module")),
        "the note says it was cut: {:?}",
        p.notes
    );
}

#[test]
fn the_fingerprint_changes_with_the_taxonomy_and_the_model() {
    let s = skills();
    let base = fingerprint("m@1", &s);
    assert_eq!(
        base,
        fingerprint("m@1", &skills()),
        "same inputs, same fingerprint"
    );
    assert_ne!(
        base,
        fingerprint("m@2", &s),
        "another model version re-tags"
    );
    let mut edited = skills();
    edited[1].description = "Security questionnaires only.";
    assert_ne!(
        base,
        fingerprint("m@1", &edited),
        "an edited skill description re-tags"
    );
}

#[test]
fn confidence_is_a_monotone_map_into_zero_one() {
    let points: Vec<f32> = [-1.0, 0.0, 0.3, MIDPOINT, 0.7, 1.0]
        .iter()
        .map(|&s| confidence(s))
        .collect();
    assert!(
        points.windows(2).all(|w| w[0] < w[1]),
        "higher similarity, higher confidence: {points:?}"
    );
    assert!(
        points.iter().all(|p| (0.0..=1.0).contains(p)),
        "confidences stay in [0,1]: {points:?}"
    );
    assert!(
        (confidence(MIDPOINT) - 0.5).abs() < 1e-6,
        "the midpoint maps to 0.5"
    );
}

#[test]
fn only_leaf_skills_in_use_are_suggested() {
    let skill = |slug: &str, parent: Option<&str>, retired: bool| model::Skill {
        id: SkillId(slug.into()),
        slug: slug.into(),
        name: slug.into(),
        parent_id: parent.map(|p| SkillId(p.into())),
        description: String::new(),
        examples: Vec::new(),
        retired,
    };
    let skills = [
        skill("selling", None, false),
        skill("discovery", Some("selling"), false),
        skill("old-parent", None, false),
        skill("retired-child", Some("old-parent"), true),
        skill("gone", None, true),
    ];
    let leaves = leaf_skills(&skills);
    let leaves: Vec<&str> = leaves.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(leaves, ["discovery", "old-parent"], "parents with a child in use and retired skills are left out; a parent whose children all retired is a leaf again");
}
