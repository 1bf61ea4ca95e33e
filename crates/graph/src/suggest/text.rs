//! What the suggester reads in a text: its words and their TF-IDF weights, the lines that
//! speak of order, the terms it defines and the titles it names.

use std::collections::{HashMap, HashSet};

const STOPWORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "are",
    "but",
    "not",
    "you",
    "your",
    "with",
    "this",
    "that",
    "they",
    "their",
    "them",
    "have",
    "has",
    "was",
    "were",
    "will",
    "can",
    "what",
    "when",
    "which",
    "who",
    "how",
    "why",
    "from",
    "into",
    "than",
    "then",
    "there",
    "these",
    "those",
    "about",
    "each",
    "one",
    "two",
    "our",
    "all",
    "any",
    "its",
    "also",
    "more",
    "most",
    "some",
    "such",
    "only",
    "own",
    "same",
    "other",
    "out",
    "use",
    "used",
    "using",
    "just",
    "does",
    "did",
    "doing",
    "should",
    "would",
    "could",
    "may",
    "might",
    "must",
    "been",
    "being",
    "here",
    "over",
    "under",
    "after",
    "before",
    "module",
    "modules",
    "complete",
    "answer",
    "question",
    "questions",
    "guide",
];

pub(super) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '-')
        .map(|w| w.trim_matches('-').to_lowercase())
        .filter(|w| w.chars().count() >= 3 && !STOPWORDS.contains(&w.as_str()))
}

/// A text's words as sparse unit-length TF-IDF weights, sorted by word number.
pub(super) type Weights = Vec<(u32, f64)>;

/// The texts' TF-IDF weights, and the words numbered (the number indexes the list).
pub(super) fn tfidf(texts: &[String]) -> (Vec<Weights>, Vec<String>) {
    let mut vocabulary: Vec<String> = Vec::new();
    let mut number: HashMap<String, u32> = HashMap::new();
    let counts: Vec<HashMap<u32, f64>> = texts
        .iter()
        .map(|t| {
            let mut c = HashMap::new();
            for w in words(t) {
                let id = *number.entry(w).or_insert_with_key(|w| {
                    vocabulary.push(w.clone());
                    vocabulary.len() as u32 - 1
                });
                *c.entry(id).or_insert(0.0) += 1.0;
            }
            c
        })
        .collect();
    let mut df = vec![0.0; vocabulary.len()];
    for c in &counts {
        for w in c.keys() {
            df[*w as usize] += 1.0;
        }
    }
    let n = texts.len() as f64;
    let weights = counts
        .iter()
        .map(|c| {
            let mut v: Weights = c
                .iter()
                .map(|(w, tf)| {
                    (
                        *w,
                        (1.0 + tf.ln()) * ((1.0 + n) / (1.0 + df[*w as usize])).ln(),
                    )
                })
                .collect();
            v.sort_unstable_by_key(|x| x.0);
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt().max(1e-12);
            v.iter_mut().for_each(|x| x.1 /= norm);
            v
        })
        .collect();
    (weights, vocabulary)
}

/// The weight of word `w` in `v`, 0 when absent.
pub(super) fn weight(v: &Weights, w: u32) -> f64 {
    v.binary_search_by_key(&w, |x| x.0).map_or(0.0, |i| v[i].1)
}

/// Words that mark a line as speaking of what comes first.
const ORDER_CUES: &[&str] = &[
    "before",
    "prerequisite",
    "requires",
    "required",
    "complete",
    "after",
    "builds on",
    "build on",
    "assumes",
    "familiar",
    "first",
];

/// The lines (and sentences) of a text that speak of order, lower-cased and joined.
pub(super) fn order_lines(body: &str) -> String {
    body.to_lowercase()
        .split(['\n', '.'])
        .filter(|l| ORDER_CUES.iter().any(|c| l.contains(c)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Terms a text defines: bold terms (`**term**`) and "X is/means/refers to" openings.
pub(super) fn defined_terms(body: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for part in body.split("**").skip(1).step_by(2) {
        let term = part.trim().trim_end_matches(':').to_lowercase();
        if (3..40).contains(&term.len()) {
            out.insert(term);
        }
    }
    out
}

/// For each text, the modules whose (lower-cased) title of three characters or more
/// occurs in it as whole words ("calculus i" is not named by "calculus ii" or "calculus
/// is"): one automaton of every title, one pass over each text.
pub(super) fn titles_in(titles: &[String], texts: &[String]) -> Vec<HashSet<usize>> {
    let mut by_title: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, t) in titles.iter().enumerate() {
        if t.chars().count() >= 3 {
            by_title.entry(t.as_str()).or_default().push(i);
        }
    }
    let patterns: Vec<(&str, Vec<usize>)> = by_title.into_iter().collect();
    if patterns.is_empty() {
        return vec![HashSet::new(); texts.len()];
    }
    let finder = aho_corasick::AhoCorasick::new(patterns.iter().map(|p| p.0))
        .expect("titles make an automaton");
    texts
        .iter()
        .map(|text| {
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            finder
                .find_overlapping_iter(text)
                .filter(|m| {
                    !word(text[..m.start()].chars().next_back())
                        && !word(text[m.end()..].chars().next())
                })
                .flat_map(|m| patterns[m.pattern().as_usize()].1.iter().copied())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_named_only_as_whole_words() {
        fn check(text: &str, named: &[usize], why: &str) {
            let titles = ["calculus i", "calculus ii", "lab 1", "sql"].map(String::from);
            let found = titles_in(&titles, &[text.to_owned()]);
            let mut found: Vec<usize> = found[0].iter().copied().collect();
            found.sort_unstable();
            assert_eq!(found, named, "{text:?}: {why}");
        }
        check(
            "take calculus i first",
            &[0],
            "the title alone, between spaces",
        );
        check(
            "after calculus ii.",
            &[1],
            "“calculus i” is only the start of a word here",
        );
        check(
            "calculus is hard",
            &[],
            "“calculus i” followed by a letter is another word",
        );
        check(
            "see lab 10 and mysql",
            &[],
            "a title inside a longer number or word is not named",
        );
        check(
            "(lab 1) then sql;",
            &[2, 3],
            "punctuation and the text's ends are boundaries",
        );
        check(
            "é calculus i",
            &[0],
            "a multi-byte letter before the space is handled",
        );
    }
}
