//! Keyphrases the KeyBERT way: candidate word n-grams from the module's own text, ranked
//! by how close their embedding is to the whole module's, then picked with maximal
//! marginal relevance so the list is not five spellings of one idea.

use std::collections::HashMap;

use unicode_segmentation::UnicodeSegmentation;

/// How many candidates are embedded per module (the most frequent ones).
pub const MAX_CANDIDATES: usize = 40;

fn is_stopword(word: &str) -> bool {
    use std::sync::OnceLock;
    static WORDS: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    WORDS
        .get_or_init(|| stop_words::get("en").iter().copied().collect())
        .contains(word)
}

/// Candidate phrases of 1–3 words that neither start nor end with a stop word, never
/// cross a sentence or clause, and are not bare numbers; the `MAX_CANDIDATES` most
/// frequent, longer phrases first on ties, in a stable order.
pub fn candidates(text: &str) -> Vec<String> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new(); // phrase → (count, first seen)
    let mut seen = 0;
    for clause in text.split(|c: char| ".,;:!?()[]{}\"|\n•—–".contains(c)) {
        let words: Vec<String> = clause.unicode_words().map(|w| w.to_lowercase()).collect();
        for n in 1..=3 {
            for window in words.windows(n) {
                let (first, last) = (&window[0], &window[n - 1]);
                if is_stopword(first) || is_stopword(last) {
                    continue;
                }
                if window
                    .iter()
                    .any(|w| w.chars().all(|c| c.is_ascii_digit()) || w.chars().count() < 2)
                {
                    continue;
                }
                let phrase = window.join(" ");
                let entry = counts.entry(phrase).or_insert((0, seen));
                entry.0 += 1;
                seen += 1;
            }
        }
    }
    let mut ranked: Vec<(String, usize, usize)> =
        counts.into_iter().map(|(p, (c, f))| (p, c, f)).collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.0.split(' ').count().cmp(&a.0.split(' ').count()))
            .then(a.2.cmp(&b.2))
    });
    ranked.truncate(MAX_CANDIDATES);
    ranked.into_iter().map(|(p, _, _)| p).collect()
}

/// Maximal marginal relevance: picks `k` of `candidates` (unit vectors) that are close
/// to `doc` and far from each other; `diversity` in [0,1] trades the two. Returns
/// indices with their relevance (cosine to `doc`), in pick order.
pub fn mmr(doc: &[f32], candidates: &[&[f32]], k: usize, diversity: f32) -> Vec<(usize, f32)> {
    let relevance: Vec<f32> = candidates.iter().map(|c| embed::dot(doc, c)).collect();
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < k.min(candidates.len()) {
        let best = (0..candidates.len())
            .filter(|i| !picked.contains(i))
            .map(|i| {
                let redundancy = picked
                    .iter()
                    .map(|&j| embed::dot(candidates[i], candidates[j]))
                    .fold(f32::MIN, f32::max);
                let redundancy = if picked.is_empty() { 0.0 } else { redundancy };
                (i, (1.0 - diversity) * relevance[i] - diversity * redundancy)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((i, _)) => picked.push(i),
            None => break,
        }
    }
    picked.into_iter().map(|i| (i, relevance[i])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_skip_stop_words_numbers_and_clause_breaks() {
        let c = candidates(
            "Handling price objections is hard. Price objections come late, and the price objections of procurement teams differ. Step 3 of 10.",
        );
        assert_eq!(
            c[0], "price objections",
            "the most frequent two-word phrase leads: {c:?}"
        );
        assert!(c.contains(&"procurement teams".to_owned()), "{c:?}");
        assert!(
            !c.iter()
                .any(|p| p.starts_with("the ") || p.ends_with(" of")),
            "no phrase starts or ends with a stop word: {c:?}"
        );
        assert!(
            !c.iter().any(|p| p.contains("hard price")),
            "no phrase crosses a sentence: {c:?}"
        );
        assert!(
            !c.iter()
                .any(|p| p.split(' ').any(|w| w == "3" || w == "10")),
            "no bare numbers: {c:?}"
        );
        assert!(candidates("").is_empty(), "no text, no candidates");
    }

    #[test]
    fn mmr_prefers_relevant_then_different() {
        let doc = [1.0, 0.0, 0.0];
        let a = [0.96, 0.28, 0.0]; // very relevant
        let a2 = [0.95, 0.31, 0.0]; // almost the same as a
        let b = [0.8, 0.0, 0.6]; // relevant and different
        let picks = mmr(&doc, &[&a, &a2, &b], 2, 0.5);
        let order: Vec<usize> = picks.iter().map(|p| p.0).collect();
        assert_eq!(
            order,
            vec![0, 2],
            "the near-duplicate of the first pick loses to a different phrase"
        );
        assert!(
            (picks[0].1 - 0.96).abs() < 1e-6,
            "relevance is the cosine to the document"
        );
        assert_eq!(mmr(&doc, &[], 5, 0.5), vec![], "no candidates, no picks");
    }
}
