use std::sync::OnceLock;

use super::*;

fn encoder() -> &'static Encoder {
    static ENCODER: OnceLock<Encoder> = OnceLock::new();
    ENCODER.get_or_init(|| Encoder::load(&testkit::model_dir()).expect("the installed model loads"))
}

#[derive(Deserialize)]
struct Reference {
    max_seq_length: usize,
    dim: usize,
    items: Vec<ReferenceItem>,
}

#[derive(Deserialize)]
struct ReferenceItem {
    text: String,
    embedding: Vec<f32>,
}

#[test]
fn matches_sentence_transformers_on_every_reference_text() {
    let Some(shared) = testkit::shared() else {
        return;
    };
    let file = shared.join("reference/minilm-l6-v2-embeddings.json");
    let reference: Reference =
        serde_json::from_slice(&std::fs::read(&file).expect("reference file reads")).unwrap();
    let encoder = encoder();
    assert_eq!(
        encoder.info().max_seq_length,
        reference.max_seq_length,
        "same truncation as the reference"
    );
    assert_eq!(
        encoder.info().dim,
        reference.dim,
        "same vector size as the reference"
    );
    assert_eq!(reference.items.len(), 40, "the reference holds 40 texts");
    let texts: Vec<&str> = reference.items.iter().map(|i| i.text.as_str()).collect();
    let ours = encoder.embed(&texts).unwrap();
    let mut worst = (f32::MAX, String::new());
    for (item, v) in reference.items.iter().zip(&ours) {
        let mut theirs = item.embedding.clone();
        normalise(&mut theirs);
        let cos = dot(v, &theirs);
        if cos < worst.0 {
            worst = (cos, item.text.chars().take(60).collect());
        }
        assert!(
            cos >= 0.999,
            "cosine {cos} < 0.999 with sentence-transformers for {:?}",
            item.text.chars().take(80).collect::<String>()
        );
    }
    eprintln!("parity: worst cosine {} for {:?}", worst.0, worst.1);
}

#[test]
fn a_text_embeds_the_same_alone_and_in_a_padded_batch() {
    // Padding must not leak into the pooled vector: the mask has to exclude it.
    let e = encoder();
    let short = "Negotiation basics";
    let long = "A much longer text about handling objections, discovery calls and pricing questions from procurement teams.";
    let alone = e.embed(&[short]).unwrap();
    let batched = e.embed(&[long, short]).unwrap();
    let cos = dot(&alone[0], &batched[1]);
    assert!(cos > 0.99999, "batching changed the vector (cosine {cos})");
    assert!(
        dot(&batched[0], &batched[1]) < 0.99,
        "different texts give different vectors"
    );
    let norm: f32 = batched[0].iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!(
        (norm - 1.0).abs() < 1e-5,
        "vectors are L2-normalised, norm was {norm}"
    );
}

#[test]
fn similar_meanings_are_closer_than_unrelated_ones() {
    let e = encoder();
    let v = e
        .embed(&[
            "How to handle customer objections about price",
            "Responding when a buyer says the product is too expensive",
            "Configuring a Kubernetes ingress controller",
        ])
        .unwrap();
    assert!(
        dot(&v[0], &v[1]) > dot(&v[0], &v[2]) + 0.2,
        "paraphrases are nearer than unrelated text"
    );
}

#[test]
fn the_model_identity_comes_from_its_weights() {
    let info = encoder().info();
    assert_eq!(info.name, DEFAULT_MODEL_NAME);
    assert_eq!(
        info.version,
        &DEFAULT_MODEL_SHA256[..12],
        "version is the weights' hash prefix"
    );
    assert_eq!(
        info.id(),
        format!("all-MiniLM-L6-v2@{}", &DEFAULT_MODEL_SHA256[..12])
    );
}

/// Copies the installed model into a temp folder named `name`, lets `damage` change it,
/// and returns the load error's message.
fn load_error(name: &str, damage: impl FnOnce(&Path)) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    std::fs::create_dir_all(dir.join("1_Pooling")).unwrap();
    let src = testkit::model_dir();
    for f in [
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
    ] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    damage(&dir);
    match Encoder::load(&dir) {
        Ok(_) => panic!("a damaged model folder loaded"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn damaged_model_folders_are_refused_naming_the_file() {
    fn check(name: &str, damage: impl FnOnce(&Path), file: &str, reason: &str) {
        let msg = load_error(name, damage);
        assert!(msg.contains(file), "the error names {file}: {msg}");
        assert!(msg.contains(reason), "the error says {reason:?}: {msg}");
    }
    let truncate = |d: &Path| {
        let f = d.join("model.safetensors");
        let bytes = std::fs::read(&f).unwrap();
        std::fs::write(&f, &bytes[..bytes.len() / 2]).unwrap();
    };
    // The default model's folder name pins its hash: a truncated download is caught first.
    check(DEFAULT_MODEL_NAME, truncate, "model.safetensors", "sha256");
    // Any other folder: the truncated weights are caught when read.
    check(
        "my-model",
        truncate,
        "model.safetensors",
        "not usable as my-model weights",
    );
    check(
        "my-model",
        |d| std::fs::remove_file(d.join("tokenizer.json")).unwrap(),
        "tokenizer.json",
        "missing",
    );
    check(
        "my-model",
        |d| std::fs::write(d.join("config.json"), r#"{"hidden_size": "big"}"#).unwrap(),
        "config.json",
        "not a valid model configuration",
    );
    check(
        "my-model",
        |d| {
            std::fs::write(
                d.join("1_Pooling/config.json"),
                r#"{"pooling_mode_max_tokens": true}"#,
            )
            .unwrap()
        },
        "1_Pooling/config.json",
        "mean or CLS",
    );
    check(
        "my-model",
        |d| {
            let c = std::fs::read_to_string(d.join("config.json")).unwrap();
            std::fs::write(d.join("config.json"), c.replace("\"gelu\"", "\"relu\"")).unwrap()
        },
        "config.json",
        "not supported",
    );
    check(
        "my-model",
        |d| std::fs::write(d.join("tokenizer.json"), "{").unwrap(),
        "tokenizer.json",
        "not a valid tokenizer",
    );
    check(
        "my-model",
        |d| {
            std::fs::write(
                d.join("sentence_bert_config.json"),
                r#"{"max_seq_length": 4096}"#,
            )
            .unwrap()
        },
        "sentence_bert_config.json",
        "outside",
    );
}

#[test]
fn long_texts_are_truncated_to_the_models_limit_not_refused() {
    let e = encoder();
    let long = "word ".repeat(5000);
    let v = e.embed(&[long.as_str(), ""]).unwrap();
    assert_eq!(
        v[0].len(),
        384,
        "a text far over the limit still gets a vector"
    );
    assert_eq!(
        v[1].len(),
        384,
        "the empty text gets a vector (of [CLS] [SEP])"
    );
    assert_eq!(
        e.token_spans("Hello, world").unwrap().len(),
        3,
        "hello , world: punctuation is its own piece"
    );
}

#[test]
fn locate_takes_the_first_folder_that_holds_a_model() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let real = testkit::model_dir();
    assert_eq!(
        locate(&[empty.clone(), real.clone()]),
        Some(real.clone()),
        "an empty folder is skipped"
    );
    assert_eq!(
        locate(std::slice::from_ref(&empty)),
        None,
        "no model anywhere is None, never a fallback"
    );
    let help = missing_model_help(std::slice::from_ref(&empty));
    assert!(
        help.contains("make setup") && help.contains(&empty.display().to_string()),
        "{help}"
    );
}

#[test]
fn the_polynomial_erf_matches_libm() {
    let mut worst = 0f32;
    for i in -6000..=6000 {
        let x = i as f32 / 1000.0;
        worst = worst.max((bert::erf(x) - libm::erff(x)).abs());
    }
    assert!(
        worst < 2e-6,
        "erf within 2e-6 of libm on [-6, 6], worst {worst}"
    );
}

#[test]
fn the_polynomial_exp_matches_libm() {
    let mut worst = 0f32;
    for i in -87_000..=10_000 {
        let x = i as f32 / 1000.0;
        let want = libm::expf(x);
        worst = worst.max(((bert::exp(x) - want) / want).abs());
    }
    assert!(
        worst < 4e-7,
        "exp within 4e-7 (relative) of libm on [-87, 10], worst {worst}"
    );
}

#[test]
fn the_fused_forward_pass_computes_what_candle_transformers_bert_does() {
    // candle-transformers' BertModel is the straightforward reference; ours fuses ops.
    use candle_transformers::models::bert::BertModel;
    let dir = testkit::model_dir();
    let config: Config = json(&dir.join("config.json")).unwrap();
    let weights = std::fs::read(dir.join("model.safetensors")).unwrap();
    let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu).unwrap();
    let reference = BertModel::load(vb, &config).unwrap();
    let e = encoder();
    let texts = [
        "Short one.",
        "A somewhat longer text about negotiation, pricing and discounts for renewals.",
        "",
    ];
    let ours = e.embed(&texts).unwrap();
    for (text, v) in texts.iter().zip(&ours) {
        let ids = e.tokenizer.encode(*text, true).unwrap().get_ids().to_vec();
        let n = ids.len();
        let input = Tensor::new(ids.as_slice(), &Device::Cpu)
            .unwrap()
            .unsqueeze(0)
            .unwrap();
        let hidden = reference
            .forward(&input, &input.zeros_like().unwrap(), None)
            .unwrap();
        let mut mean = hidden
            .squeeze(0)
            .unwrap()
            .sum(0)
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        mean.iter_mut().for_each(|x| *x /= n as f32);
        normalise(&mut mean);
        let cos = dot(v, &mean);
        assert!(
            cos > 0.99999,
            "{text:?}: fused and reference forward agree (cosine {cos})"
        );
    }
}
