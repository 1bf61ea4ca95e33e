//! Calibration speed: fitting BKT per skill on generated answers, Pathforge (`bkt`, and
//! `pathforge calibrate` end to end) beside pyBKT built from source, on the same data.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{ensure, Context, Result};

use crate::{format_duration, measure, run, Row};

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

/// One simulated answer under BKT: right unless slipping when the skill is known, a guess
/// when not; then a chance to learn it. `p` is (learn, guess, slip).
fn answer(rng: &mut Rng, known: &mut bool, p: (f64, f64, f64)) -> bool {
    let (learn, guess, slip) = p;
    let correct = match *known {
        true => rng.next() >= slip,
        false => rng.next() < guess,
    };
    *known = *known || rng.next() < learn;
    correct
}

const SKILLS: usize = 10;
const LEARNERS: usize = 5_000;
const ANSWERS: usize = 10;

/// Writes pyBKT's CSV of `SKILLS` skills × `LEARNERS` learners × `ANSWERS` answers;
/// returns the sequences by skill.
fn generate(path: &Path) -> Result<Vec<Vec<Vec<bool>>>> {
    let mut rng = Rng(7);
    let mut csv = String::from("order_id,user_id,skill_name,correct\n");
    let mut by_skill: Vec<Vec<Vec<bool>>> =
        (0..SKILLS).map(|_| Vec::with_capacity(LEARNERS)).collect();
    let mut order = 0;
    for l in 0..LEARNERS {
        for (s, sequences) in by_skill.iter_mut().enumerate() {
            let (prior, learn, guess, slip) = (
                0.2 + 0.05 * s as f64 % 0.5,
                0.1 + 0.02 * s as f64,
                0.15 + 0.01 * s as f64,
                0.1,
            );
            let mut known = rng.next() < prior;
            let mut answers = Vec::with_capacity(ANSWERS);
            for _ in 0..ANSWERS {
                let correct = answer(&mut rng, &mut known, (learn, guess, slip));
                order += 1;
                csv += &format!("{order},learner-{l},skill-{s},{}\n", u8::from(correct));
                answers.push(correct);
            }
            sequences.push(answers);
        }
    }
    std::fs::write(path, csv)?;
    Ok(by_skill)
}

/// Data shaped like ASSISTments 2009–10 (the public skill-builder set BKT papers use,
/// which cannot be fetched here): 110 skills of very unequal popularity (Zipf), learners
/// practising a handful to dozens of skills each, sequences of 1 to 200 answers with a
/// long tail, parameters varying by skill — 368,373 answers. Learners split 80/20
/// into a training CSV and a held-out one. Returns (train, held-out) sequences by skill.
type BySkill = Vec<Vec<Vec<bool>>>;
fn generate_assistments_like(train: &Path, test: &Path) -> Result<(BySkill, BySkill)> {
    const SKILLS: usize = 110;
    const LEARNERS: usize = 4_000;
    let mut rng = Rng(2009);
    let params: Vec<(f64, f64, f64, f64)> = (0..SKILLS)
        .map(|_| {
            (
                0.05 + 0.65 * rng.next(),
                0.02 + 0.28 * rng.next(),
                0.05 + 0.30 * rng.next(),
                0.03 + 0.22 * rng.next(),
            )
        })
        .collect();
    // Zipf weights: skill k is picked in proportion to 1/(k+1).
    let weights: Vec<f64> = (0..SKILLS).map(|k| 1.0 / (k + 1) as f64).collect();
    let total: f64 = weights.iter().sum();
    let pick = |rng: &mut Rng| {
        let mut x = rng.next() * total;
        for (k, w) in weights.iter().enumerate() {
            x -= w;
            if x <= 0.0 {
                return k;
            }
        }
        SKILLS - 1
    };
    let geometric = |rng: &mut Rng, mean: f64, cap: usize| {
        let mut n = 1;
        while n < cap && rng.next() > 1.0 / mean {
            n += 1;
        }
        n
    };
    let header = "order_id,user_id,skill_name,correct\n";
    let (mut train_csv, mut test_csv) = (String::from(header), String::from(header));
    let mut train_seqs: BySkill = vec![Vec::new(); SKILLS];
    let mut test_seqs: BySkill = vec![Vec::new(); SKILLS];
    let mut order = 0;
    for l in 0..LEARNERS {
        let held_out = l % 5 == 4;
        let mut practised = std::collections::BTreeSet::new();
        for _ in 0..geometric(&mut rng, 18.0, 60) {
            practised.insert(pick(&mut rng));
        }
        for s in practised {
            let (prior, learn, guess, slip) = params[s];
            let mut known = rng.next() < prior;
            let mut answers = Vec::new();
            for _ in 0..geometric(&mut rng, 8.0, 200) {
                let correct = answer(&mut rng, &mut known, (learn, guess, slip));
                order += 1;
                let csv = if held_out {
                    &mut test_csv
                } else {
                    &mut train_csv
                };
                *csv += &format!("{order},learner-{l},skill-{s},{}\n", u8::from(correct));
                answers.push(correct);
            }
            match held_out {
                true => test_seqs[s].push(answers),
                false => train_seqs[s].push(answers),
            }
        }
    }
    std::fs::write(train, train_csv)?;
    std::fs::write(test, test_csv)?;
    Ok((train_seqs, test_seqs))
}

/// Fit speed and held-out AUC on [`generate_assistments_like`] data, ours beside pyBKT's
/// (its compiled build, 5 starts) in the same run.
fn assistments_like_row(pybkt: Option<&Path>, tmp: &Path) -> Result<Row> {
    let (train, test) = (tmp.join("assist-train.csv"), tmp.join("assist-test.csv"));
    let (train_seqs, test_seqs) = generate_assistments_like(&train, &test)?;
    let answers: usize = train_seqs.iter().flatten().map(Vec::len).sum::<usize>()
        + test_seqs.iter().flatten().map(Vec::len).sum::<usize>();
    let options = bkt::Options::default();
    let mut fitted = Vec::new();
    let mut ours = measure(
        &format!(
            "BKT fit (EM), ASSISTments-shaped: 110 skills, {answers} answers, 80% of learners"
        ),
        3,
        || {
            fitted = train_seqs
                .iter()
                .map(|sequences| bkt::fit(sequences, options).params)
                .collect();
            Ok(())
        },
    )?;
    let scored: Vec<(f64, bool)> = test_seqs
        .iter()
        .zip(&fitted)
        .flat_map(|(sequences, &p)| {
            sequences
                .iter()
                .flat_map(move |a| bkt::predict(a, p).into_iter().zip(a.iter().copied()))
        })
        .collect();
    let auc = bkt::auc(&scored);
    ours.note = format!("held-out AUC {auc:.3} (20% of learners)");
    if let Some(python) = pybkt {
        let report = pybkt_fit(python, &train, &test, false)?;
        let theirs = report["seconds"].as_f64().context("pyBKT's fit time")?;
        let their_auc = report["auc"].as_f64().context("pyBKT's AUC")?;
        ours.note = format!(
            "{}; pyBKT 1.4.3 (compiled E-step, 5 starts) {}, held-out AUC {their_auc:.3}: **{:.1}×** pyBKT's speed (goal ≥ 10× at the same AUC)",
            ours.note,
            format_duration(Duration::from_secs_f64(theirs)),
            theirs / ours.median.as_secs_f64()
        );
    }
    Ok(ours)
}

/// pyBKT fitted on `train` and scored on `test` by the script the CLI's cross-check uses:
/// its report (`seconds`, held-out `auc`, parameters).
fn pybkt_fit(python: &Path, train: &Path, test: &Path, forgets: bool) -> Result<serde_json::Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/tests/pybkt_check.py");
    let out = Command::new(python)
        .arg(&script)
        .args([train, test])
        .arg(if forgets { "1" } else { "0" })
        .output()
        .context("running pyBKT")?;
    ensure!(
        out.status.success(),
        "pyBKT: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(serde_json::from_slice(&out.stdout)?)
}

pub fn calibration_rows(cli: &Path, pybkt: Option<&Path>, tmp: &Path) -> Result<Vec<Row>> {
    let csv = tmp.join("answers.csv");
    let by_skill = generate(&csv)?;
    let what = format!("{SKILLS} skills × {LEARNERS} learners × {ANSWERS} answers");
    let mut rows = Vec::new();
    for forgets in [false, true] {
        let options = bkt::Options {
            forgets,
            ..bkt::Options::default()
        };
        let ours = measure(
            &format!(
                "BKT fit (EM), {what}{}",
                if forgets { ", with forgetting" } else { "" }
            ),
            5,
            || {
                for sequences in &by_skill {
                    bkt::fit(sequences, options);
                }
                Ok(())
            },
        )?;
        let mut note = "Pathforge (`bkt`, in-process, 4 starts)".to_owned();
        if let Some(python) = pybkt {
            let mut times = Vec::new();
            for _ in 0..3 {
                let report = pybkt_fit(python, &csv, &csv, forgets)?;
                times.push(report["seconds"].as_f64().context("pyBKT's fit time")?);
            }
            times.sort_by(f64::total_cmp);
            let theirs = Duration::from_secs_f64(times[1]);
            note = format!(
                "{note}; pyBKT 1.4.3 (compiled E-step, 5 starts) {}: {:.1}× pyBKT's speed (goal ≥ 5×)",
                format_duration(theirs),
                theirs.as_secs_f64() / ours.median.as_secs_f64()
            );
        }
        rows.push(Row { note, ..ours });
    }
    rows.push(assistments_like_row(pybkt, tmp)?);
    // End to end: read the CSV, pseudonymise, store, fit — as a user runs it.
    let mut k = 0;
    let mut row = measure(
        &format!("`pathforge calibrate --events` ({what})"),
        3,
        || {
            k += 1;
            let file = tmp.join(format!("calibrate-{k}.pathforge"));
            run(cli, &["init".as_ref(), file.as_os_str()])?;
            for s in 0..SKILLS {
                let slug = format!("skill-{s}");
                run(
                    cli,
                    &[
                        "taxonomy".as_ref(),
                        "add".as_ref(),
                        file.as_os_str(),
                        slug.as_ref(),
                        slug.as_ref(),
                    ],
                )?;
            }
            run(
                cli,
                &[
                    "calibrate".as_ref(),
                    file.as_os_str(),
                    "--events".as_ref(),
                    csv.as_os_str(),
                ],
            )
        },
    )?;
    row.note = "new project each run: init, skills, import + pseudonymise + store, fit".to_owned();
    rows.push(row);
    Ok(rows)
}
