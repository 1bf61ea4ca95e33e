//! Splits a module's text into passages the model reads whole, so a long module is
//! matched piece by piece and every tag can point at the sentences that earned it.
//!
//! Passages are runs of whole sentences up to a token budget, within one paragraph (a
//! paragraph is a topical unit; only very short ones, like headings, join the next).
//! Inside a paragraph each passage repeats the last sentence of the one before
//! (overlap), so an idea that straddles a boundary is seen whole once. A sentence longer
//! than the budget is cut at token boundaries.

use unicode_segmentation::UnicodeSegmentation;

/// A piece of a module's body, located by char offsets (Unicode scalar values, the
/// same indices `Array.from(text)` gives in the UI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A paragraph shorter than `max_tokens / SHORT_PARAGRAPH` (a heading, a one-line
/// intro) joins the next one instead of standing alone.
const SHORT_PARAGRAPH: usize = 4;

/// Sentence spans of `body` as char offsets, with surrounding whitespace trimmed and
/// blank sentences dropped.
fn sentences(body: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut chars_before = 0;
    let mut byte_cursor = 0;
    for (byte, sentence) in body.split_sentence_bound_indices() {
        chars_before += body[byte_cursor..byte].chars().count();
        byte_cursor = byte;
        let lead = sentence.len() - sentence.trim_start().len();
        let trimmed = sentence.trim();
        if !trimmed.is_empty() {
            let start = chars_before + sentence[..lead].chars().count();
            out.push((start, start + trimmed.chars().count()));
        }
    }
    out
}

/// Passages of `body`, each at most `max_tokens` tokens by `token_spans` (the
/// tokeniser's char spans of the whole body), and at most `max_passages` of them.
/// Returns the passages and whether the body was cut short.
pub fn passages(
    body: &str,
    token_spans: &[(usize, usize)],
    max_tokens: usize,
    max_passages: usize,
) -> (Vec<Passage>, bool) {
    let chars: Vec<char> = body.chars().collect();
    // Token counts per sentence: tokens whose first char falls inside it.
    let sentences = sentences(body);
    // (start, end, tokens, starts a paragraph)
    let mut pieces: Vec<(usize, usize, usize, bool)> = Vec::new();
    let mut t = 0;
    let mut previous_end = 0;
    for &(start, end) in &sentences {
        let gap: String = chars[previous_end..start].iter().collect();
        let para = previous_end == 0 || gap.matches('\n').count() >= 2;
        previous_end = end;
        while t < token_spans.len() && token_spans[t].0 < start {
            t += 1;
        }
        let first = t;
        while t < token_spans.len() && token_spans[t].0 < end {
            t += 1;
        }
        let tokens = &token_spans[first..t];
        if tokens.len() <= max_tokens {
            pieces.push((start, end, tokens.len(), para));
        } else {
            // Cut an overlong sentence at token boundaries.
            for (k, chunk) in tokens.chunks(max_tokens).enumerate() {
                let s = chunk[0].0;
                let e = chunk[chunk.len() - 1].1.min(end);
                pieces.push((s, e, chunk.len(), para && k == 0));
            }
        }
    }

    let mut out = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        if out.len() == max_passages {
            return (out, true);
        }
        let mut j = i;
        let mut tokens = 0;
        while j < pieces.len()
            && (j == i
                || (tokens + pieces[j].2 <= max_tokens
                    && !(pieces[j].3 && tokens >= max_tokens / SHORT_PARAGRAPH)))
        {
            tokens += pieces[j].2;
            j += 1;
        }
        let (start, end) = (pieces[i].0, pieces[j - 1].1);
        out.push(Passage {
            start,
            end,
            text: chars[start..end].iter().collect(),
        });
        // Overlap by one sentence when the passage holds more than one and that sentence
        // is short enough to leave room for new text.
        let next_starts_paragraph = j < pieces.len() && pieces[j].3;
        i = if j - i > 1 && pieces[j - 1].2 * 2 <= max_tokens && !next_starts_paragraph {
            j - 1
        } else {
            j
        };
        if j == pieces.len() {
            break;
        }
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whitespace-separated words as "tokens", for tests that need no model.
    fn word_spans(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text.chars().chain(std::iter::once(' ')).enumerate() {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    out.push((s, i));
                    start = None
                }
                _ => {}
            }
        }
        out
    }

    fn check(body: &str, max_tokens: usize, max_passages: usize, expected: &[&str], cut: bool) {
        let (got, truncated) = passages(body, &word_spans(body), max_tokens, max_passages);
        let texts: Vec<&str> = got.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts, expected,
            "passages of {body:?} with {max_tokens} tokens each"
        );
        assert_eq!(truncated, cut, "whether {body:?} was cut short");
        let chars: Vec<char> = body.chars().collect();
        for p in &got {
            let located: String = chars[p.start..p.end].iter().collect();
            assert_eq!(located, p.text, "offsets locate the passage in the body");
        }
    }

    #[test]
    fn sentences_are_packed_with_one_sentence_of_overlap() {
        check("", 10, 10, &[], false);
        check("   \n\n  ", 10, 10, &[], false);
        check(
            "One two. Three four.",
            10,
            10,
            &["One two. Three four."],
            false,
        );
        check(
            "A b c. D e f. G h i. J k l.",
            6,
            10,
            &["A b c. D e f.", "D e f. G h i.", "G h i. J k l."],
            false,
        );
        // A sentence over the budget is cut at token boundaries.
        check("a b c d e f g", 3, 10, &["a b c", "d e f", "g"], false);
        // The bound on passages holds and says so.
        check(
            "A b c. D e f. G h i. J k l.",
            3,
            2,
            &["A b c.", "D e f."],
            true,
        );
    }

    #[test]
    fn paragraphs_are_not_merged_except_short_ones() {
        let first = "One two three four five six seven eight.";
        let second = "Nine ten eleven twelve.";
        // Two real paragraphs fit in 20 tokens together, but stay apart.
        check(
            &format!("{first}\n\n{second}"),
            20,
            10,
            &[first, second],
            false,
        );
        // A heading (2 tokens < 20/4) joins the paragraph after it.
        check(
            &format!("# Title\n\n{first}"),
            20,
            10,
            &[&format!("# Title\n\n{first}")],
            false,
        );
        // Within a paragraph, sentences still pack.
        check(
            &format!("{first} {second}"),
            20,
            10,
            &[&format!("{first} {second}")],
            false,
        );
    }

    #[test]
    fn offsets_count_chars_not_bytes() {
        // "é" and "—" are several bytes each; offsets are in chars, as the UI slices them.
        check(
            "Café visits — première étape. Deuxième phrase ici.",
            5,
            10,
            &["Café visits — première étape.", "Deuxième phrase ici."],
            false,
        );
        check(
            "# Heading\n\nFirst line.\n- bullet one",
            3,
            10,
            &["# Heading", "First line.", "- bullet one"],
            false,
        );
    }
}
