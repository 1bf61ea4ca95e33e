//! BERT's forward pass for sentence embeddings, on candle tensors, with the slow parts
//! fused: one matmul for Q, K and V; scale, padding mask and softmax in one parallel pass;
//! bias and erf-GELU in one parallel pass with a polynomial erf. candle-transformers'
//! `BertModel` computes the same function one generic op at a time (a sequential libm
//! `erf`, five passes for a softmax); the tests keep it as the reference.

use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, CustomOp1, CustomOp2, Layout, Module, Result, Shape, Tensor};
use candle_nn::{Embedding, VarBuilder};
use candle_transformers::models::bert::Config;
use rayon::prelude::*;

struct Norm {
    weight: Tensor,
    bias: Tensor,
    eps: f32,
}

impl Norm {
    fn load(vb: VarBuilder, size: usize, eps: f64) -> Result<Norm> {
        Ok(Norm {
            weight: vb.get(size, "weight")?,
            bias: vb.get(size, "bias")?,
            eps: eps as f32,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        candle_nn::ops::layer_norm(x, &self.weight, &self.bias, self.eps)
    }
}

struct Linear {
    /// (in, out), contiguous: the layout gemm reads fastest as a right-hand side.
    weight_t: Tensor,
    bias: Tensor,
}

impl Linear {
    fn load(vb: VarBuilder, inputs: usize, outputs: usize) -> Result<Linear> {
        Ok(Linear {
            weight_t: vb.get((outputs, inputs), "weight")?.t()?.contiguous()?,
            bias: vb.get(outputs, "bias")?,
        })
    }

    /// Several linears over the same input as one (their outputs side by side).
    fn concat(parts: &[Linear]) -> Result<Linear> {
        let w: Vec<&Tensor> = parts.iter().map(|l| &l.weight_t).collect();
        let b: Vec<&Tensor> = parts.iter().map(|l| &l.bias).collect();
        Ok(Linear {
            weight_t: Tensor::cat(&w, 1)?.contiguous()?,
            bias: Tensor::cat(&b, 0)?,
        })
    }

    /// x (rows, in) → (rows, out), bias added.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        x.matmul(&self.weight_t)?.broadcast_add(&self.bias)
    }

    /// x (rows, in) → (rows, out) without the bias (for ops that fuse it).
    fn matmul(&self, x: &Tensor) -> Result<Tensor> {
        x.matmul(&self.weight_t)
    }
}

struct Layer {
    qkv: Linear,
    attention_out: Linear,
    attention_norm: Norm,
    intermediate: Linear,
    output: Linear,
    output_norm: Norm,
}

/// A BERT encoder ready to embed.
pub struct Bert {
    words: Embedding,
    positions: Tensor,
    token_type: Tensor,
    norm: Norm,
    layers: Vec<Layer>,
    heads: usize,
    head_size: usize,
    hidden: usize,
}

impl Bert {
    pub fn load(vb: VarBuilder, c: &Config) -> Result<Bert> {
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            vb
        };
        let h = c.hidden_size;
        let e = vb.pp("embeddings");
        let words = Embedding::new(e.get((c.vocab_size, h), "word_embeddings.weight")?, h);
        let positions = e.get((c.max_position_embeddings, h), "position_embeddings.weight")?;
        let token_type = e
            .get((c.type_vocab_size, h), "token_type_embeddings.weight")?
            .get(0)?;
        let norm = Norm::load(e.pp("LayerNorm"), h, c.layer_norm_eps)?;
        let mut layers = Vec::with_capacity(c.num_hidden_layers);
        for i in 0..c.num_hidden_layers {
            let l = vb.pp(format!("encoder.layer.{i}"));
            let a = l.pp("attention");
            let s = a.pp("self");
            layers.push(Layer {
                qkv: Linear::concat(&[
                    Linear::load(s.pp("query"), h, h)?,
                    Linear::load(s.pp("key"), h, h)?,
                    Linear::load(s.pp("value"), h, h)?,
                ])?,
                attention_out: Linear::load(a.pp("output.dense"), h, h)?,
                attention_norm: Norm::load(a.pp("output.LayerNorm"), h, c.layer_norm_eps)?,
                intermediate: Linear::load(l.pp("intermediate.dense"), h, c.intermediate_size)?,
                output: Linear::load(l.pp("output.dense"), c.intermediate_size, h)?,
                output_norm: Norm::load(l.pp("output.LayerNorm"), h, c.layer_norm_eps)?,
            });
        }
        if c.hidden_act != candle_transformers::models::bert::HiddenAct::Gelu {
            candle_core::bail!(
                "only erf GELU (\"gelu\") is supported, not {:?}",
                c.hidden_act
            );
        }
        Ok(Bert {
            words,
            positions,
            token_type,
            norm,
            layers,
            heads: c.num_attention_heads,
            head_size: h / c.num_attention_heads,
            hidden: h,
        })
    }

    /// Hidden states (batch, width, hidden) of `ids` (batch, width), where row `b` holds
    /// `lens[b]` real tokens followed by padding.
    pub fn forward(&self, ids: &Tensor, lens: &[usize]) -> Result<Tensor> {
        let (batch, width) = ids.dims2()?;
        let (h, heads, hs) = (self.hidden, self.heads, self.head_size);
        let x = self.words.forward(ids)?;
        let x = x
            .broadcast_add(&self.positions.narrow(0, 0, width)?)?
            .broadcast_add(&self.token_type)?;
        let mut x = self.norm.forward(&x)?.reshape((batch * width, h))?;
        let softmax = MaskedSoftmax {
            scale: 1.0 / (hs as f32).sqrt(),
            lens: lens.to_vec(),
            heads,
        };
        for layer in &self.layers {
            // (b·w, 3h) → (3, b, heads, w, hs)
            let qkv = layer
                .qkv
                .forward(&x)?
                .reshape((batch, width, 3, heads, hs))?
                .permute((2, 0, 3, 1, 4))?
                .contiguous()?;
            let (q, k, v) = (qkv.get(0)?, qkv.get(1)?, qkv.get(2)?);
            let scores = q.matmul(&k.t()?)?; // (b, heads, w, w)
            let probs = scores.apply_op1_no_bwd(&softmax)?;
            let context = probs
                .matmul(&v)? // (b, heads, w, hs)
                .transpose(1, 2)?
                .contiguous()?
                .reshape((batch * width, h))?;
            let attended = layer.attention_out.forward(&context)?;
            x = layer.attention_norm.forward(&(attended + &x)?)?;
            let inner = layer
                .intermediate
                .matmul(&x)?
                .apply_op2_no_bwd(&layer.intermediate.bias, &BiasGelu)?;
            let out = layer.output.forward(&inner)?;
            x = layer.output_norm.forward(&(out + &x)?)?;
        }
        x.reshape((batch, width, h))
    }
}

fn contiguous<'a>(s: &'a CpuStorage, l: &Layout) -> Result<&'a [f32]> {
    let CpuStorage::F32(data) = s else {
        candle_core::bail!("expected f32, got {:?}", s.dtype());
    };
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&data[a..b]),
        None => candle_core::bail!("expected a contiguous tensor"),
    }
}

/// Softmax over the last dim of attention scores (batch, heads, w, w), after scaling,
/// with the keys past a row's length (padding) given zero weight.
struct MaskedSoftmax {
    scale: f32,
    lens: Vec<usize>,
    heads: usize,
}

impl CustomOp1 for MaskedSoftmax {
    fn name(&self) -> &'static str {
        "masked-softmax"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let src = contiguous(s, l)?;
        let dims = l.shape().dims();
        let w = dims[dims.len() - 1];
        let rows_per_item = self.heads * w;
        let mut dst = vec![0f32; src.len()];
        dst.par_chunks_mut(w)
            .zip(src.par_chunks(w))
            .enumerate()
            .for_each(|(row, (d, s))| {
                let n = self.lens[row / rows_per_item].clamp(1, w);
                let max = s[..n].iter().fold(f32::MIN, |m, &x| m.max(x)) * self.scale;
                let mut sum = 0.0;
                for (d, &x) in d[..n].iter_mut().zip(&s[..n]) {
                    *d = (x * self.scale - max).exp();
                    sum += *d;
                }
                let inv = 1.0 / sum;
                d[..n].iter_mut().for_each(|d| *d *= inv);
            });
        Ok((CpuStorage::F32(dst), l.shape().clone()))
    }
}

/// `gelu(x + bias)` with the exact (erf) GELU, bias broadcast over rows.
struct BiasGelu;

impl CustomOp2 for BiasGelu {
    fn name(&self) -> &'static str {
        "bias-gelu"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let x = contiguous(s1, l1)?;
        let bias = contiguous(s2, l2)?;
        let mut dst = vec![0f32; x.len()];
        dst.par_chunks_mut(bias.len())
            .zip(x.par_chunks(bias.len()))
            .for_each(|(d, x)| {
                for ((d, &x), &b) in d.iter_mut().zip(x).zip(bias) {
                    let v = x + b;
                    *d = 0.5 * v * (1.0 + erf(v * std::f32::consts::FRAC_1_SQRT_2));
                }
            });
        Ok((CpuStorage::F32(dst), l1.shape().clone()))
    }
}

/// erf for f32 as a rational polynomial (Eigen's `generic_fast_erf_float`, also used by
/// TensorFlow/XLA): within a few ulp of libm on [-4, 4], ±1 beyond, and it vectorises
/// (plain multiply-adds: `mul_add` would call libm's `fmaf` without the `fma` feature).
pub(crate) fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let p = -2.726_142_3e-10_f32;
    let p = p * x2 + 2.770_681_4e-8;
    let p = p * x2 + -2.101_024e-6;
    let p = p * x2 + -5.692_506_4e-5;
    let p = p * x2 + -7.349_906e-4;
    let p = p * x2 + -2.954_6e-3;
    let p = p * x2 + -1.609_603_3e-2;
    let q = -1.456_607_2e-5_f32;
    let q = q * x2 + -2.133_740_6e-4;
    let q = q * x2 + -1.682_827e-3;
    let q = q * x2 + -7.373_329e-3;
    let q = q * x2 + -1.426_474e-2;
    x * p / q
}
