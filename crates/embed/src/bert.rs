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
    /// The same parameters as plain vectors, for the fused residual + norm.
    add_norm: AddNorm,
}

impl Norm {
    fn load(vb: VarBuilder, size: usize, eps: f64) -> Result<Norm> {
        let (weight, bias) = (vb.get(size, "weight")?, vb.get(size, "bias")?);
        Ok(Norm {
            add_norm: AddNorm {
                weight: weight.to_vec1()?,
                bias: bias.to_vec1()?,
                eps: eps as f32,
            },
            weight,
            bias,
            eps: eps as f32,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        candle_nn::ops::layer_norm(x, &self.weight, &self.bias, self.eps)
    }

    /// `layer_norm(x + input_bias + residual)` in one pass over rows (`input_bias`: the
    /// bias of the linear that made `x`, left out of its matmul).
    fn add(&self, x: &Tensor, input_bias: &[f32], residual: &Tensor) -> Result<Tensor> {
        x.apply_op2_no_bwd(
            residual,
            &AddNormOp {
                norm: &self.add_norm,
                input_bias,
            },
        )
    }
}

struct Linear {
    /// (in, out), contiguous: the layout gemm reads fastest as a right-hand side.
    weight_t: Tensor,
    bias: Tensor,
    /// The bias as a plain vector, for the ops that fuse it.
    bias_vec: Vec<f32>,
}

impl Linear {
    fn load(vb: VarBuilder, inputs: usize, outputs: usize) -> Result<Linear> {
        let bias = vb.get(outputs, "bias")?;
        Ok(Linear {
            weight_t: vb.get((outputs, inputs), "weight")?.t()?.contiguous()?,
            bias_vec: bias.to_vec1()?,
            bias,
        })
    }

    /// Several linears over the same input as one (their outputs side by side).
    fn concat(parts: &[Linear]) -> Result<Linear> {
        let w: Vec<&Tensor> = parts.iter().map(|l| &l.weight_t).collect();
        let b: Vec<&Tensor> = parts.iter().map(|l| &l.bias).collect();
        let bias = Tensor::cat(&b, 0)?;
        Ok(Linear {
            weight_t: Tensor::cat(&w, 1)?.contiguous()?,
            bias_vec: bias.to_vec1()?,
            bias,
        })
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
        for layer in &self.layers {
            // (b·w, 3h) → (b·w, h), every head at once, padding skipped, biases fused.
            let attention = Attention {
                scale: 1.0 / (hs as f32).sqrt(),
                lens,
                width,
                heads,
                head_size: hs,
                bias: &layer.qkv.bias_vec,
            };
            let context = layer.qkv.matmul(&x)?.apply_op1_no_bwd(&attention)?;
            let attended = layer.attention_out.matmul(&context)?;
            x = layer
                .attention_norm
                .add(&attended, &layer.attention_out.bias_vec, &x)?;
            let inner = layer
                .intermediate
                .matmul(&x)?
                .apply_op2_no_bwd(&layer.intermediate.bias, &BiasGelu)?;
            let out = layer.output.matmul(&inner)?;
            x = layer.output_norm.add(&out, &layer.output.bias_vec, &x)?;
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

/// Scaled dot-product self-attention of every head, from the QKV projection (b·w, 3h:
/// each row its query, key and value side by side) to the context (b·w, h) the output
/// projection reads: per text, per head, scores against the real keys only, softmax,
/// weighted values. Rows past a text's length (padding) are left at zero: no real row
/// attends to them, and pooling ignores them. Fusing it skips the (b, heads, w, w) score
/// tensor and four layout copies; each text is one task, compiled for the widest SIMD the
/// CPU has (pulp picks AVX-512, AVX2+FMA or baseline at run time).
struct Attention<'a> {
    scale: f32,
    lens: &'a [usize],
    width: usize,
    heads: usize,
    head_size: usize,
    /// The QKV projection's bias (3h), left out of its matmul.
    bias: &'a [f32],
}

impl CustomOp1 for Attention<'_> {
    fn name(&self) -> &'static str {
        "fused-attention"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let qkv = contiguous(s, l)?;
        let h = self.heads * self.head_size;
        let (rows, cols) = l.shape().dims2()?;
        if cols != 3 * h || rows != self.lens.len() * self.width {
            candle_core::bail!(
                "attention expects ({}, {}), got ({rows}, {cols})",
                self.lens.len() * self.width,
                3 * h
            );
        }
        let mut out = vec![0f32; rows * h];
        out.par_chunks_mut(self.width * h)
            .zip(qkv.par_chunks(self.width * 3 * h))
            .zip(self.lens)
            .for_each(|((out, qkv), &len)| {
                pulp::Arch::new().dispatch(TextAttention {
                    op: self,
                    qkv,
                    out,
                    n: len.clamp(1, self.width),
                })
            });
        Ok((CpuStorage::F32(out), Shape::from((rows, h))))
    }
}

/// One text's attention, all heads (see [`Attention`]).
struct TextAttention<'a> {
    op: &'a Attention<'a>,
    qkv: &'a [f32],
    out: &'a mut [f32],
    /// Real tokens.
    n: usize,
}

/// Lanes processed together: two AVX2 or one AVX-512 register.
const LANES: usize = 16;

impl pulp::WithSimd for TextAttention<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let TextAttention { op, qkv, out, n } = self;
        let (hs, h) = (op.head_size, op.heads * op.head_size);
        // Keys transposed (head_size × n, rows padded to whole groups of four lane blocks
        // with zeros), so a query's scores are lanes of multiply-adds along the keys.
        let padded = n.div_ceil(4 * LANES) * 4 * LANES;
        let mut keys = vec![0f32; hs * padded];
        let mut scores = vec![0f32; padded];
        let mut query = vec![0f32; hs];
        for head in 0..op.heads {
            let (qo, ko, vo) = (head * hs, h + head * hs, 2 * h + head * hs);
            let key_bias = &op.bias[ko..][..hs];
            for t in 0..n {
                let key = &qkv[t * 3 * h + ko..][..hs];
                for (d, (&k, &b)) in key.iter().zip(key_bias).enumerate() {
                    keys[d * padded + t] = k + b;
                }
            }
            let (query_bias, value_bias) = (&op.bias[qo..][..hs], &op.bias[vo..][..hs]);
            for i in 0..n {
                for ((q, &x), &b) in query
                    .iter_mut()
                    .zip(&qkv[i * 3 * h + qo..][..hs])
                    .zip(query_bias)
                {
                    *q = (x + b) * op.scale;
                }
                // Four blocks of keys at a time: four independent multiply-add chains.
                for (quad, scores) in scores.chunks_exact_mut(4 * LANES).enumerate() {
                    let mut acc = [[0f32; LANES]; 4];
                    for (d, &q) in query.iter().enumerate() {
                        let row = &keys[d * padded + quad * 4 * LANES..][..4 * LANES];
                        for b in 0..4 {
                            for l in 0..LANES {
                                acc[b][l] = q.mul_add(row[b * LANES + l], acc[b][l]);
                            }
                        }
                    }
                    for (s, acc) in scores.chunks_exact_mut(LANES).zip(&acc) {
                        s.copy_from_slice(acc);
                    }
                }
                let real = &mut scores[..n];
                let max = lane_max(real);
                for s in real.iter_mut() {
                    *s = exp(*s - max);
                }
                let inv = 1.0 / sum(real);
                real.iter_mut().for_each(|p| *p *= inv);
                // The context, a lane block of the head at a time, summed in registers over
                // the keys (four independent chains, by key).
                let context = &mut out[i * h + head * hs..][..hs];
                let value = |t: usize, c: usize| &qkv[t * 3 * h + vo + c * LANES..][..LANES];
                let whole = hs / LANES * LANES;
                for (c, context) in context[..whole].chunks_exact_mut(LANES).enumerate() {
                    let mut acc = [[0f32; LANES]; 4];
                    let quads = n / 4 * 4;
                    for t in (0..quads).step_by(4) {
                        for u in 0..4 {
                            let (p, v) = (real[t + u], value(t + u, c));
                            for l in 0..LANES {
                                acc[u][l] = p.mul_add(v[l], acc[u][l]);
                            }
                        }
                    }
                    for (t, &p) in real.iter().enumerate().skip(quads) {
                        let v = value(t, c);
                        for l in 0..LANES {
                            acc[0][l] = p.mul_add(v[l], acc[0][l]);
                        }
                    }
                    for (l, x) in context.iter_mut().enumerate() {
                        *x = (acc[0][l] + acc[1][l]) + (acc[2][l] + acc[3][l]);
                    }
                }
                // A head size that is not whole lanes: the rest, plainly.
                for (d, x) in context.iter_mut().enumerate().skip(whole) {
                    *x = real
                        .iter()
                        .enumerate()
                        .map(|(t, &p)| p * qkv[t * 3 * h + vo + d])
                        .sum::<f32>();
                }
                // The value bias, once: the weights sum to 1.
                for (x, &b) in context.iter_mut().zip(value_bias) {
                    *x += b;
                }
            }
        }
    }
}

/// The largest value, in independent lanes (so it vectorises), then across them.
#[inline(always)]
fn lane_max(x: &[f32]) -> f32 {
    let mut acc = [f32::MIN; LANES];
    let chunks = x.chunks_exact(LANES);
    let mut tail = f32::MIN;
    for &v in chunks.remainder() {
        tail = if v > tail { v } else { tail };
    }
    for c in chunks {
        for l in 0..LANES {
            acc[l] = if c[l] > acc[l] { c[l] } else { acc[l] };
        }
    }
    acc.iter().fold(tail, |m, &v| if v > m { v } else { m })
}

/// A sum in independent lanes (so it vectorises), then across them.
#[inline(always)]
fn sum(x: &[f32]) -> f32 {
    let mut acc = [0f32; LANES];
    let chunks = x.chunks_exact(LANES);
    let tail: f32 = chunks.remainder().iter().sum();
    for c in chunks {
        for l in 0..LANES {
            acc[l] += c[l];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// e^x for f32 (Cephes' `expf`: range reduction by ln 2, a degree-5 polynomial, within
/// 2 ulp of libm on [-87, 88]); plain arithmetic and bit moves, so it vectorises where
/// libm's `expf` is a call per value. Inputs here are ≤ 0 (softmax after the max).
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.3, 88.7);
    let k = (x * std::f32::consts::LOG2_E + 0.5).floor();
    let r = x - k * 0.693_359_4 - k * -2.121_944_4e-4;
    let p = 1.987_569_1e-4_f32;
    let p = p * r + 1.398_199_9e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 5e-1;
    let e = p * r * r + r + 1.0;
    e * f32::from_bits(((k as i32 + 127) as u32) << 23)
}

/// Rows handed to one task by the row-wise fused ops.
const ROWS: usize = 16;

/// `layer_norm(x + residual)` over the last dim, mean and variance in two passes.
#[derive(Debug, Clone)]
struct AddNorm {
    weight: Vec<f32>,
    bias: Vec<f32>,
    eps: f32,
}

/// [`AddNorm`] with the bias of the linear before it.
struct AddNormOp<'a> {
    norm: &'a AddNorm,
    input_bias: &'a [f32],
}

impl CustomOp2 for AddNormOp<'_> {
    fn name(&self) -> &'static str {
        "add-norm"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (x, residual) = (contiguous(s1, l1)?, contiguous(s2, l2)?);
        let h = self.norm.weight.len();
        if x.len() != residual.len() || x.len() % h != 0 || self.input_bias.len() != h {
            candle_core::bail!("add-norm: shapes differ or rows are not {h} wide");
        }
        let mut dst = vec![0f32; x.len()];
        dst.par_chunks_mut(h * ROWS)
            .zip(x.par_chunks(h * ROWS).zip(residual.par_chunks(h * ROWS)))
            .for_each(|(dst, (x, residual))| {
                pulp::Arch::new().dispatch(AddNormRows {
                    op: self,
                    dst,
                    x,
                    residual,
                })
            });
        Ok((CpuStorage::F32(dst), l1.shape().clone()))
    }
}

struct AddNormRows<'a> {
    op: &'a AddNormOp<'a>,
    dst: &'a mut [f32],
    x: &'a [f32],
    residual: &'a [f32],
}

impl pulp::WithSimd for AddNormRows<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let AddNormRows {
            op,
            dst,
            x,
            residual,
        } = self;
        let norm = op.norm;
        let h = norm.weight.len();
        for ((d, x), r) in dst
            .chunks_exact_mut(h)
            .zip(x.chunks_exact(h))
            .zip(residual.chunks_exact(h))
        {
            for (((d, &x), &r), &b) in d.iter_mut().zip(x).zip(r).zip(op.input_bias) {
                *d = x + b + r;
            }
            let mean = sum(d) / h as f32;
            let mut squares = [0f32; LANES];
            let chunks = d.chunks_exact(LANES);
            let mut tail = 0f32;
            for &v in chunks.remainder() {
                tail += (v - mean) * (v - mean);
            }
            for c in chunks {
                for l in 0..LANES {
                    let v = c[l] - mean;
                    squares[l] += v * v;
                }
            }
            let var = (squares.iter().sum::<f32>() + tail) / h as f32;
            let inv = 1.0 / (var + norm.eps).sqrt();
            for ((d, &w), &b) in d.iter_mut().zip(&norm.weight).zip(&norm.bias) {
                *d = (*d - mean) * inv * w + b;
            }
        }
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
        dst.par_chunks_mut(bias.len() * ROWS)
            .zip(x.par_chunks(bias.len() * ROWS))
            .for_each(|(dst, x)| pulp::Arch::new().dispatch(BiasGeluRows { dst, x, bias }));
        Ok((CpuStorage::F32(dst), l1.shape().clone()))
    }
}

struct BiasGeluRows<'a> {
    dst: &'a mut [f32],
    x: &'a [f32],
    bias: &'a [f32],
}

impl pulp::WithSimd for BiasGeluRows<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let BiasGeluRows { dst, x, bias } = self;
        for (d, x) in dst
            .chunks_exact_mut(bias.len())
            .zip(x.chunks_exact(bias.len()))
        {
            for ((d, &x), &b) in d.iter_mut().zip(x).zip(bias) {
                let v = x + b;
                *d = 0.5 * v * (1.0 + erf(v * std::f32::consts::FRAC_1_SQRT_2));
            }
        }
    }
}

/// erf for f32 as a rational polynomial (Eigen's `generic_fast_erf_float`, also used by
/// TensorFlow/XLA): within a few ulp of libm on [-4, 4], ±1 beyond, and it vectorises
/// (plain multiply-adds: `mul_add` would call libm's `fmaf` without the `fma` feature).
#[inline(always)]
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

#[cfg(test)]
mod kernel_tests {
    //! The fused kernels on every instruction set this CPU has (pulp picks the widest at
    //! run time; the others must compute the same), against plain reference code.

    use super::*;
    use pulp::Simd;

    /// Deterministic pseudo-random values in [-1, 1).
    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    /// One text's attention, written plainly.
    fn reference(qkv: &[f32], bias: &[f32], n: usize, heads: usize, hs: usize) -> Vec<f32> {
        let h = heads * hs;
        let at = |t: usize, c: usize| qkv[t * 3 * h + c] + bias[c];
        let mut out = vec![0f32; n * h];
        for head in 0..heads {
            for i in 0..n {
                let scores: Vec<f32> = (0..n)
                    .map(|t| {
                        (0..hs)
                            .map(|d| at(i, head * hs + d) * at(t, h + head * hs + d))
                            .sum::<f32>()
                            / (hs as f32).sqrt()
                    })
                    .collect();
                let max = scores.iter().cloned().fold(f32::MIN, f32::max);
                let e: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
                let total: f32 = e.iter().sum();
                for d in 0..hs {
                    out[i * h + head * hs + d] = (0..n)
                        .map(|t| e[t] / total * at(t, 2 * h + head * hs + d))
                        .sum();
                }
            }
        }
        out
    }

    /// Runs `op` compiled for `level` (scalar, avx2, avx512); false when the CPU lacks it.
    fn on_level(level: &str, op: impl pulp::WithSimd<Output = ()>) -> bool {
        match level {
            "scalar" => {
                Simd::vectorize(pulp::Scalar::new(), op);
                true
            }
            "avx2" => pulp::x86::V3::try_new()
                .map(|s| Simd::vectorize(s, op))
                .is_some(),
            _ => pulp::x86::V4::try_new()
                .map(|s| Simd::vectorize(s, op))
                .is_some(),
        }
    }

    fn close(a: &[f32], b: &[f32]) -> f32 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    }

    #[test]
    fn attention_agrees_with_plain_code_on_every_instruction_set() {
        // 37 tokens (not whole lanes) padded to 40; head sizes in whole lanes and not.
        for hs in [32, 24] {
            let (heads, n, width) = (3, 37, 40);
            let h = heads * hs;
            let qkv = values(width * 3 * h, hs as u64);
            let bias = values(3 * h, 7);
            let lens = [n];
            let op = Attention {
                scale: 1.0 / (hs as f32).sqrt(),
                lens: &lens,
                width,
                heads,
                head_size: hs,
                bias: &bias,
            };
            let want = reference(&qkv, &bias, n, heads, hs);
            let run = |level: &str| {
                let mut out = vec![0f32; width * h];
                let text = TextAttention {
                    op: &op,
                    qkv: &qkv,
                    out: &mut out,
                    n,
                };
                let ran = on_level(level, text);
                ran.then_some(out)
            };
            for level in ["scalar", "avx2", "avx512"] {
                let Some(got) = run(level) else {
                    eprintln!(
                        "attention kernel: this CPU has no {level}; that level is not checked here"
                    );
                    continue;
                };
                let worst = close(&got[..n * h], &want);
                assert!(
                    worst < 1e-5,
                    "head size {hs}, {level}: the fused attention computes plain attention (worst difference {worst})"
                );
                assert!(
                    got[n * h..].iter().all(|&x| x == 0.0),
                    "head size {hs}, {level}: padding rows stay zero"
                );
            }
        }
    }

    #[test]
    fn add_norm_agrees_with_plain_code_on_every_instruction_set() {
        let h = 40; // not whole lanes
        let norm = AddNorm {
            weight: values(h, 1),
            bias: values(h, 2),
            eps: 1e-12,
        };
        let input_bias = values(h, 3);
        let op = AddNormOp {
            norm: &norm,
            input_bias: &input_bias,
        };
        let (x, residual) = (values(3 * h, 4), values(3 * h, 5));
        let mut want = vec![0f32; 3 * h];
        for r in 0..3 {
            let v: Vec<f32> = (0..h)
                .map(|c| x[r * h + c] + input_bias[c] + residual[r * h + c])
                .collect();
            let mean = v.iter().sum::<f32>() / h as f32;
            let var = v.iter().map(|a| (a - mean) * (a - mean)).sum::<f32>() / h as f32;
            for c in 0..h {
                want[r * h + c] =
                    (v[c] - mean) / (var + norm.eps).sqrt() * norm.weight[c] + norm.bias[c];
            }
        }
        for level in ["scalar", "avx2", "avx512"] {
            let mut dst = vec![0f32; 3 * h];
            let rows = AddNormRows {
                op: &op,
                dst: &mut dst,
                x: &x,
                residual: &residual,
            };
            let ran = on_level(level, rows);
            if !ran {
                eprintln!(
                    "add-norm kernel: this CPU has no {level}; that level is not checked here"
                );
                continue;
            }
            let worst = close(&dst, &want);
            assert!(
                worst < 1e-5,
                "{level}: residual + layer norm as written plainly (worst {worst})"
            );
        }
    }
}
