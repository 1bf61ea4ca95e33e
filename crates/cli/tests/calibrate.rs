//! `pathforge calibrate` against pyBKT on answers generated here: the same parameters
//! within ±0.02 and the same held-out AUC within 0.005, with and without forgetting; and
//! the learners' ids never reach the project file.
//!
//! pyBKT runs from `target/pybkt-venv` (built from source by `.ci/setup`, so its compiled
//! E-step is used); the test fails, saying what to run, when it is missing.

mod common;

use common::*;

fn pybkt_python() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/pybkt-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: pyBKT is needed for this cross-check; run `make setup` (.ci/setup builds it)",
        python.display()
    );
    python
}

/// SplitMix64, so the data is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The skills and the parameters their answers are drawn from.
const SKILLS: [(&str, bkt::Params); 3] = [
    (
        "pricing",
        bkt::Params {
            prior: 0.3,
            learn: 0.2,
            guess: 0.15,
            slip: 0.1,
            forget: 0.02,
        },
    ),
    (
        "negotiation",
        bkt::Params {
            prior: 0.15,
            learn: 0.25,
            guess: 0.25,
            slip: 0.08,
            forget: 0.04,
        },
    ),
    (
        "discovery",
        bkt::Params {
            prior: 0.5,
            learn: 0.12,
            guess: 0.2,
            slip: 0.12,
            forget: 0.03,
        },
    ),
];

/// Writes `learners` learners' answers (10 per skill, skills interleaved) as pyBKT's CSV;
/// returns each learner's sequences by skill for the AUC.
fn write_answers(
    path: &Path,
    first: usize,
    learners: usize,
    rng: &mut Rng,
) -> Vec<(usize, Vec<bool>)> {
    let mut csv = String::from("order_id,user_id,skill_name,correct\n");
    let mut order = first * 100;
    let mut sequences = Vec::new();
    for l in first..first + learners {
        let user = format!("learner-{l:05}@example.com");
        let mut known: Vec<bool> = SKILLS.iter().map(|(_, p)| rng.next() < p.prior).collect();
        let mut answers: Vec<Vec<bool>> = vec![Vec::new(); SKILLS.len()];
        for _ in 0..10 {
            for (s, (slug, p)) in SKILLS.iter().enumerate() {
                let correct = match known[s] {
                    true => rng.next() >= p.slip,
                    false => rng.next() < p.guess,
                };
                known[s] = match known[s] {
                    true => rng.next() >= p.forget,
                    false => rng.next() < p.learn,
                };
                order += 1;
                csv += &format!("{order},{user},{slug},{}\n", u8::from(correct));
                answers[s].push(correct);
            }
        }
        sequences.extend(answers.into_iter().enumerate());
    }
    std::fs::write(path, csv).unwrap();
    sequences
}

#[test]
fn calibration_matches_pybkt_and_keeps_learner_ids_out_of_the_project() {
    let python = pybkt_python();
    let tmp = tempfile::tempdir().unwrap();
    let (train, test) = (tmp.path().join("train.csv"), tmp.path().join("test.csv"));
    let mut rng = Rng(2026);
    write_answers(&train, 0, 4000, &mut rng);
    let held_out = write_answers(&test, 4000, 1000, &mut rng);

    for forgets in [false, true] {
        let file = tmp.path().join(format!("p-{forgets}.pathforge"));
        assert!(pathforge(&[&"init", &file]).status.success());
        for (slug, _) in SKILLS {
            let out = pathforge(&[&"taxonomy", &"add", &file, &slug, &slug]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> =
            vec![&"calibrate", &file, &"--events", &train, &"--json"];
        if forgets {
            args.push(&"--forgets");
        }
        let out = pathforge(&args);
        assert!(
            out.status.success(),
            "calibrate works: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ours: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

        let check = Command::new(&python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pybkt_check.py"))
            .args([&train, &test])
            .arg(if forgets { "1" } else { "0" })
            .output()
            .expect("pyBKT runs");
        assert!(
            check.status.success(),
            "pyBKT: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let theirs: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();

        let mut scored = Vec::new();
        let mut widest: f64 = 0.0;
        for (s, (slug, _)) in SKILLS.iter().enumerate() {
            let fit = ours["fits"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["skill"] == *slug)
                .unwrap_or_else(|| panic!("{slug} is calibrated: {ours}"));
            let get = |v: &serde_json::Value| bkt::Params {
                prior: v["prior"].as_f64().unwrap(),
                learn: v["learn"].as_f64().unwrap(),
                guess: v["guess"].as_f64().unwrap(),
                slip: v["slip"].as_f64().unwrap(),
                forget: v["forget"].as_f64().unwrap(),
            };
            for name in ["prior", "learn", "guess", "slip", "forget"] {
                let (a, b) = (
                    fit[name].as_f64().unwrap(),
                    theirs["params"][slug][name].as_f64().unwrap(),
                );
                widest = widest.max((a - b).abs());
                assert!(
                    (a - b).abs() <= 0.02,
                    "forgets {forgets}, {slug}: {name} {a:.4} is not within 0.02 of pyBKT's {b:.4}"
                );
            }
            let p = get(fit);
            for (_, answers) in held_out.iter().filter(|(k, _)| *k == s) {
                scored.extend(
                    bkt::predict(answers, p)
                        .into_iter()
                        .zip(answers.iter().copied()),
                );
            }
        }
        let (auc, their_auc) = (bkt::auc(&scored), theirs["auc"].as_f64().unwrap());
        assert!(
            (auc - their_auc).abs() <= 0.005,
            "forgets {forgets}: held-out AUC {auc:.4} is not within 0.005 of pyBKT's {their_auc:.4}"
        );
        eprintln!(
            "forgets {forgets}: widest parameter gap {widest:.4}; AUC {auc:.4} vs pyBKT {their_auc:.4}"
        );

        // Privacy: the project holds pseudonyms, never the learners' ids.
        let out = pathforge(&[&"modules", &file]);
        assert!(out.status.success());
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("learner-00042@example.com") && !text.contains("@example.com"),
            "no learner id is stored in the project file"
        );
    }
}

/// Reading the same answers twice stores them once, and the words say so (#25 item 8:
/// duplicates were reported as imported).
#[test]
fn answers_read_again_are_counted_as_already_there_not_imported() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample_project(tmp.path());
    let answers = tmp.path().join("answers.csv");
    std::fs::write(
        &answers,
        "learner,skill,correct,order\nana,negotiation,1,1\nana,negotiation,0,2\nben,negotiation,1,1\n",
    )
    .unwrap();
    let words = |why: &str| {
        let out = pathforge(&[&"calibrate", &file, &"--events", &answers]);
        assert!(out.status.success(), "{why}: {}", stderr(&out));
        stdout(&out)
    };
    let first = words("first read");
    assert!(
        first.contains("Read 3 answers of 2 learners: 3 new, 0 already in the project"),
        "{first}"
    );
    let again = words("second read");
    assert!(
        again.contains("Read 3 answers of 2 learners: 0 new, 3 already in the project"),
        "the same file again adds nothing and says so: {again}"
    );
}

#[test]
fn answers_on_skills_the_project_lacks_are_named_then_added_mapped_or_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample_project(tmp.path());
    let answers = tmp.path().join("answers.csv");
    let mut log = String::from("learner,skill,correct,order\n");
    for (n, skill) in ["negotiation", "skill-7", "skill-8", "Price Objections"]
        .iter()
        .enumerate()
    {
        for learner in ["ana", "ben"] {
            log += &format!("{learner},{skill},{},{n}\n", n % 2);
        }
    }
    std::fs::write(&answers, &log).unwrap();
    let calibrate = |extra: &[&dyn AsRef<std::ffi::OsStr>]| {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> =
            vec![&"calibrate", &file, &"--events", &answers, &"--json"];
        args.extend_from_slice(extra);
        pathforge(&args)
    };
    let skills = |why: &str| {
        let out = pathforge(&[&"taxonomy", &"show", &file, &"--json"]);
        assert!(out.status.success(), "{why}: {}", stderr(&out));
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        list.as_array().unwrap().len()
    };
    let log_entries = || {
        let out = pathforge(&[&"log", &file, &"--json"]);
        let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        log.as_array().unwrap().len()
    };
    let (taxonomy, entries) = (skills("before"), log_entries());

    let out = calibrate(&[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "refused by default: {}",
        stderr(&out)
    );
    let body: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("3 of the log's skills are not skills of the project (6 answers): \"Price Objections\", \"skill-7\", \"skill-8\"")
            && message.contains("--add-skills")
            && message.contains("--map CSV")
            && message.contains("--skip-unknown"),
        "every unknown skill at once, with the answers they hold and the ways out: {message}"
    );
    assert_eq!(body["error"]["kind"], "bad_input", "{body}");
    assert_eq!(
        (skills("refused"), log_entries()),
        (taxonomy, entries),
        "a refused log leaves the project as it was"
    );

    let out = calibrate(&[&"--skip-unknown"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["imported"]["skipped"],
        serde_json::json!({ "Price Objections": 2, "skill-7": 2, "skill-8": 2 }),
        "skipping counts what it left out, per skill"
    );
    assert_eq!(
        report["imported"]["answers"], 2,
        "only the known skill's answers are read"
    );

    let mapping = tmp.path().join("map.csv");
    std::fs::write(&mapping, "from,to\nPrice Objections,objection-handling\n").unwrap();
    let out = calibrate(&[&"--map", &mapping, &"--add-skills"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["imported"]["skills_added"],
        serde_json::json!(["skill-7", "skill-8"]),
        "the mapped skill lands on the project's own; the rest are added"
    );
    assert_eq!(
        skills("added"),
        taxonomy + 2,
        "two skills more in the taxonomy"
    );
    let fitted: Vec<&str> = report["fits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["skill"].as_str().unwrap())
        .collect();
    for slug in ["objection-handling", "skill-7", "skill-8", "negotiation"] {
        assert!(fitted.contains(&slug), "{slug} is fitted: {fitted:?}");
    }
    let out = pathforge(&[&"log", &file, &"--json"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let added: Vec<&serde_json::Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "skill.added" && e["after"]["from"] == "answers")
        .collect();
    assert_eq!(added.len(), 2, "each added skill is logged: {log}");

    std::fs::write(&mapping, "from,to\nPrice Objections,no-such-skill\n").unwrap();
    let out = calibrate(&[&"--map", &mapping]);
    let body: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert!(
        body["error"]["message"].as_str().unwrap().contains("the mapping sends \"Price Objections\" to \"no-such-skill\", which is not a skill of the project"),
        "a mapping to nothing is named: {}",
        stderr(&out)
    );
}
