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
                let correct = if known {
                    rng.next() >= slip
                } else {
                    rng.next() < guess
                };
                known = known || rng.next() < learn;
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
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/tests/pybkt_check.py");
            let mut times = Vec::new();
            for _ in 0..3 {
                let out = Command::new(python)
                    .arg(&script)
                    .args([&csv, &csv])
                    .arg(if forgets { "1" } else { "0" })
                    .output()
                    .context("running pyBKT")?;
                ensure!(
                    out.status.success(),
                    "pyBKT: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
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
