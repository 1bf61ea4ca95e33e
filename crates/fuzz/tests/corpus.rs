//! Replays the fuzzers' regression corpus (`corpus/TARGET/*`: seeds and every input that
//! once crashed, hung or ran out of memory) through the same functions the fuzzers call,
//! so `make test` fails if one of those bugs comes back.

use std::path::Path;

#[test]
fn every_corpus_input_is_handled_without_a_crash() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut replayed = 0;
    for (name, target) in fuzz::TARGETS {
        let dir = root.join(name);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: every target keeps a corpus: {e}", dir.display()))
            .map(|entry| entry.expect("corpus entries are listable").path())
            .collect();
        inputs.sort();
        assert!(
            !inputs.is_empty(),
            "{}: every target keeps at least one seed, so the replay exercises it",
            dir.display()
        );
        for input in inputs {
            let data = std::fs::read(&input).expect("corpus files are readable");
            // A panic here names the input: the target must return on any bytes.
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(
                outcome.is_ok(),
                "{}: the {name} parser must not panic on this input",
                input.display()
            );
            replayed += 1;
        }
    }
    assert!(
        replayed >= fuzz::TARGETS.len(),
        "each target replays its corpus ({replayed} inputs replayed)"
    );
}

#[test]
fn every_fuzzer_binary_calls_its_target() {
    // The libFuzzer binaries live in targets/fuzz_targets; each must exist and call the
    // function of the same name, so `make fuzz` fuzzes what the corpus replays.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("targets/fuzz_targets");
    let manifest = std::fs::read_to_string(dir.join("../Cargo.toml"))
        .expect("the fuzzers' Cargo.toml is readable");
    for (name, _) in fuzz::TARGETS {
        let source = std::fs::read_to_string(dir.join(format!("{name}.rs")))
            .unwrap_or_else(|e| panic!("{name}: a fuzzer binary exists for every target: {e}"));
        assert!(
            source.contains(&format!("fuzz::{name}(")),
            "{name}.rs must call fuzz::{name}"
        );
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "targets/Cargo.toml must declare the {name} binary"
        );
    }
}
