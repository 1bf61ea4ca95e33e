//! Ad-hoc: texts/second on generated module-length texts (`make bench` has the real one).
// The same allocator as the binaries (see crates/cli/src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("model dir"));
    let n: usize = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(200);
    let e = embed::Encoder::load(&dir).unwrap();
    let words = [
        "sales",
        "discovery",
        "pricing",
        "objection",
        "negotiation",
        "forecast",
        "pipeline",
        "customer",
        "value",
        "procurement",
        "security",
        "stakeholder",
        "the",
        "a",
        "of",
        "and",
        "to",
        "in",
    ];
    let texts: Vec<String> = (0..n)
        .map(|i| {
            (0..(60 + (i * 37) % 260))
                .map(|j| words[(i * 7 + j * 13) % words.len()])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
    let t = std::time::Instant::now();
    let v = e.embed(&refs).unwrap();
    let s = t.elapsed().as_secs_f64();
    println!(
        "{} texts in {:.2}s = {:.1} texts/s (dim {})",
        v.len(),
        s,
        n as f64 / s,
        v[0].len()
    );
}
