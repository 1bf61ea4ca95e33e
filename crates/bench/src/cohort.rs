//! 100,000 simulated learners through a 200-module, 20-skill track under a signed rule
//! bundle (placement, remediation per unit, re-engagement, certification, and the unlock
//! rules the graph derives): the figure that says a designer can try a bundle out on a
//! realistic cohort in seconds, and the memory the streaming aggregation keeps.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use engine::{Project, SimulationRequest};
use model::{Actor, Timestamp};

use crate::{peak_memory, Row};

const UNITS: usize = 20;
/// Per unit: 8 lessons, an assessment, a remediation module.
const PER_UNIT: usize = 10;
const LEARNERS: u32 = 100_000;

fn path(unit: usize, i: usize) -> String {
    format!("unit-{unit:02}/m{i:02}.md")
}

fn write_library(dir: &Path) -> Result<()> {
    let mut manifest = String::new();
    for u in 0..UNITS {
        manifest += &format!(
            "[[skill]]\nslug = \"skill-{u:02}\"\nname = \"Skill {u}\"\ndescription = \"Unit {u}'s skill.\"\n\n"
        );
    }
    let targets: Vec<String> = (0..UNITS)
        .map(|u| format!("{{ skill = \"skill-{u:02}\" }}"))
        .collect();
    manifest += &format!(
        "[[track]]\nslug = \"everything\"\nname = \"Everything\"\ntargets = [{}]\n\n",
        targets.join(", ")
    );
    manifest += "[[rule]]\nid = \"assign\"\nkind = \"assignment\"\nexplanation = \"Everyone takes the track.\"\nwhen = { department = \"sales\" }\ntrack = \"everything\"\n\n";
    let skip: Vec<String> = (1..8).map(|i| format!("\"{}\"", path(0, i))).collect();
    manifest += &format!(
        "[[rule]]\nid = \"place\"\nkind = \"placement\"\nexplanation = \"Strong starters skip unit 0's lessons.\"\nassessment = \"{}\"\nbands = [{{ min = 0, max = 69 }}, {{ min = 70, max = 100, skip = [{}] }}]\n\n",
        path(0, 0),
        skip.join(", ")
    );
    for u in 0..UNITS {
        manifest += &format!(
            "[[rule]]\nid = \"remediate-{u:02}\"\nkind = \"remediation\"\nexplanation = \"Below 70%: review, then retake.\"\nassessment = \"{}\"\nbelow = 70\nassign = [\"{}\"]\nretake_after_days = 2\n\n",
            path(u, 8),
            path(u, 9)
        );
    }
    manifest += "[[rule]]\nid = \"nudge\"\nkind = \"reengagement\"\nexplanation = \"Idle a week: remind; a week later, the manager.\"\nidle_days = 7\nmanager_after_days = 7\n\n";
    let required: Vec<String> = (0..UNITS).map(|u| format!("\"{}\"", path(u, 8))).collect();
    manifest += &format!(
        "[[rule]]\nid = \"certify\"\nkind = \"certification_readiness\"\nexplanation = \"Every unit assessment passed.\"\nrequired = [{}]\n\n",
        required.join(", ")
    );
    manifest += "[cohort]\nbkt = { learn = 0.3, guess = 0.2, slip = 0.1, forget = 0.01 }\n";
    for (name, share, prior, minutes, dropout) in [
        ("New hires", 0.5, 0.15, 240, 0.03),
        ("Experienced", 0.3, 0.55, 180, 0.02),
        ("Part-time", 0.2, 0.3, 90, 0.05),
    ] {
        manifest += &format!(
            "[[cohort.segments]]\nname = \"{name}\"\nshare = {share}\nattributes = {{ department = \"sales\" }}\nprior = {prior}\nweekly_minutes = {minutes}\ndropout_per_week = {dropout}\nreengage_response = 0.5\n\n"
        );
    }
    let mut previous: Option<String> = None;
    for u in 0..UNITS {
        std::fs::create_dir_all(dir.join(format!("unit-{u:02}")))?;
        for i in 0..PER_UNIT {
            let p = path(u, i);
            std::fs::write(
                dir.join(&p),
                format!(
                    "---\ntitle: \"Unit {u} part {i}\"\nduration_minutes: {}\ntags: [skill-{u:02}]\n---\nUnit {u}, part {i}.\n",
                    10 + (u * 7 + i * 3) % 30
                ),
            )?;
            if let Some(before) = &previous {
                manifest += &format!("[[requires]]\nmodule = \"{p}\"\nafter = [\"{before}\"]\n");
            }
            previous = Some(p);
        }
    }
    std::fs::write(dir.join("pathforge.toml"), manifest)?;
    Ok(())
}

pub fn simulation_rows(tmp: &Path) -> Result<Vec<Row>> {
    let library = tmp.join("cohort-library");
    write_library(&library)?;
    let me = Actor::System;
    let mut p = Project::create(&tmp.join("cohort.pathforge"), Timestamp(0))?;
    let report = p.import_library(&library, &me, Timestamp(1))?;
    ensure!(
        report.total as usize == UNITS * PER_UNIT,
        "every module imported: {report:?}"
    );
    let (id, files) = p.bundle_files()?;
    let key = bundle::generate_key()?;
    let bytes = bundle::build(&id, "1.0.0", "bench", &files, &key, 0, None)?;
    let file = tmp.join("cohort-1.0.0.pathforge-bundle.zip");
    std::fs::write(&file, bytes)?;
    let rules = p.rules()?.rules.len();
    let request = SimulationRequest {
        cohort: None,
        learners: LEARNERS,
        seed: 1,
        bundles: vec![file],
    };
    let start = Instant::now();
    let mut static_done: Option<Duration> = None;
    let sim = p.run_simulation(&request, &mut |at| {
        if at.done >= u64::from(LEARNERS) && static_done.is_none() {
            static_done = Some(start.elapsed());
        }
        true
    })?;
    let total = start.elapsed();
    let static_took = static_done.unwrap_or_default();
    let [fixed, bundled] = &sim.runs[..] else {
        anyhow::bail!("two runs expected");
    };
    let path_len = bundled.report.funnel.len();
    ensure!(
        path_len == UNITS * PER_UNIT,
        "the track holds every module: {path_len}"
    );
    ensure!(
        bundled.report.placement_rate > 0.0 && bundled.report.remediation_rate > 0.0,
        "the bundle places and remediates"
    );
    Ok(vec![
        Row {
            what: format!("simulate {LEARNERS} learners, 200-module 20-skill track, static path"),
            runs: 1,
            median: static_took,
            note: format!("completion {:.1}%", fixed.report.completion_rate * 100.0),
        },
        Row {
            what: format!("simulate {LEARNERS} learners, same track under a rule bundle"),
            runs: 1,
            median: total - static_took,
            note: format!(
                "goal < 5 s; {rules} rules; completion {:.1}%, placed {:.1}%, remediated {:.1}%; peak {}",
                bundled.report.completion_rate * 100.0,
                bundled.report.placement_rate * 100.0,
                bundled.report.remediation_rate * 100.0,
                peak_memory()
            ),
        },
    ])
}
