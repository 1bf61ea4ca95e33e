//! Guesses a module's level (beginner / intermediate / advanced) from signals a designer
//! can check: where it sits in the prerequisite graph, words like "introduction" or
//! "advanced", and how hard its prose is to read. Each signal adds points; the sum picks
//! the level, and every signal is shown with its points.

use unicode_segmentation::UnicodeSegmentation;

/// One reason behind a level guess.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// Short stable name: `prerequisite-depth`, `cue`, `readability`, `vocabulary`.
    pub name: &'static str,
    /// What was seen, in words.
    pub detail: String,
    /// Negative pushes towards beginner, positive towards advanced.
    pub points: f32,
}

/// The guess: level name and the signals that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub level: model::Level,
    pub score: f32,
    pub signals: Vec<Signal>,
}

/// Where a module sits in its library's prerequisite graph: the longest chain of
/// prerequisites before it, and the longest chain in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Depth {
    pub depth: usize,
    pub max: usize,
}

const BEGINNER_CUES: &[&str] = &[
    "introduction to",
    "introduction",
    "introductory",
    "basics",
    "fundamentals",
    "getting started",
    "overview",
    "101",
    "first steps",
    "primer",
    "beginner",
];
const ADVANCED_CUES: &[&str] = &[
    "advanced",
    "deep dive",
    "expert",
    "mastering",
    "mastery",
    "in depth",
    "complex",
    "certification",
];

fn syllables(word: &str) -> usize {
    // Vowel groups, minus a silent final "e": the usual Flesch approximation.
    let w: Vec<char> = word
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    let vowel = |c: char| "aeiouy".contains(c);
    let mut groups = 0;
    let mut prev = false;
    for &c in &w {
        let v = vowel(c);
        if v && !prev {
            groups += 1;
        }
        prev = v;
    }
    if w.len() > 2 && w.ends_with(&['e']) && !w.ends_with(&['l', 'e']) && groups > 1 {
        groups -= 1;
    }
    groups.max(1)
}

fn contains_cue(text: &str, cue: &str) -> bool {
    // Whole words only, so a cue never fires inside a longer word.
    let words: Vec<&str> = text.unicode_words().collect();
    let cue_words: Vec<&str> = cue.split(' ').collect();
    words.windows(cue_words.len()).any(|w| {
        w.iter()
            .zip(&cue_words)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
    })
}

/// Guesses the level of a module from its title, body and place in the graph.
pub fn guess(title: &str, body: &str, depth: Option<Depth>) -> Guess {
    let mut signals = Vec::new();
    if let Some(Depth { depth, max }) = depth {
        if max > 0 {
            let at = depth as f32 / max as f32;
            let points = if at <= 0.2 {
                -1.0
            } else if at >= 0.75 {
                1.0
            } else {
                0.0
            };
            signals.push(Signal {
                name: "prerequisite-depth",
                detail: format!(
                    "{depth} prerequisite step(s) before it, of at most {max} in the library"
                ),
                points,
            });
        }
    }
    for (cues, points, label) in [
        (BEGINNER_CUES, -1.0, "introductory"),
        (ADVANCED_CUES, 1.0, "advanced"),
    ] {
        if let Some(cue) = cues.iter().find(|c| contains_cue(title, c)) {
            signals.push(Signal {
                name: "cue",
                detail: format!("title says {cue:?} ({label})"),
                points,
            });
        } else if let Some(cue) = cues.iter().find(|c| contains_cue(body, c)) {
            signals.push(Signal {
                name: "cue",
                detail: format!("text says {cue:?} ({label})"),
                points: points / 2.0,
            });
        }
    }
    let words: Vec<&str> = body
        .unicode_words()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    if words.len() >= 30 {
        // Counted only for real text: unicode-segmentation 1.13's sentence iterator
        // overflows in `size_hint` on empty input.
        let sentences = body
            .unicode_sentences()
            .filter(|s| s.chars().any(char::is_alphabetic))
            .count()
            .max(1);
        let syl: usize = words.iter().map(|w| syllables(w)).sum();
        let grade = 0.39 * words.len() as f32 / sentences as f32
            + 11.8 * syl as f32 / words.len() as f32
            - 15.59;
        let points = if grade < 8.0 {
            -0.5
        } else if grade > 13.0 {
            0.5
        } else {
            0.0
        };
        signals.push(Signal {
            name: "readability",
            detail: format!("Flesch–Kincaid grade {grade:.1}"),
            points,
        });
        let hard = words.iter().filter(|w| syllables(w) >= 3).count() as f32 / words.len() as f32;
        let points = if hard < 0.10 {
            -0.5
        } else if hard > 0.20 {
            0.5
        } else {
            0.0
        };
        signals.push(Signal {
            name: "vocabulary",
            detail: format!("{:.0}% of words have three or more syllables", hard * 100.0),
            points,
        });
    }
    let score: f32 = signals.iter().map(|s| s.points).sum();
    let level = if score <= -1.0 {
        model::Level::Beginner
    } else if score >= 1.0 {
        model::Level::Advanced
    } else {
        model::Level::Intermediate
    };
    Guess {
        level,
        score,
        signals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Level;

    #[test]
    fn signals_add_up_to_a_level() {
        fn check(title: &str, body: &str, depth: Option<Depth>, level: Level, names: &[&str]) {
            let g = guess(title, body, depth);
            assert_eq!(g.level, level, "{title:?}: {:?}", g.signals);
            let got: Vec<&str> = g.signals.iter().map(|s| s.name).collect();
            assert_eq!(got, names, "signals shown for {title:?}");
        }
        let easy = "We sell dashboards. You show the demo. The buyer asks a question. You answer it well. Then you book the next call. It is not hard to do this. Most people learn it in a day. Keep the steps short and clear for them.";
        let hard = "Organisational procurement considerations necessitate comprehensive documentation of contractual obligations, indemnification provisions, and regulatory compliance responsibilities, particularly regarding international data transfers and subprocessor authorisation.";
        check(
            "Introduction to selling",
            easy,
            Some(Depth { depth: 0, max: 8 }),
            Level::Beginner,
            &["prerequisite-depth", "cue", "readability", "vocabulary"],
        );
        check(
            "Advanced enterprise procurement",
            &format!("{hard} {hard}"),
            Some(Depth { depth: 8, max: 8 }),
            Level::Advanced,
            &["prerequisite-depth", "cue", "readability", "vocabulary"],
        );
        check(
            "Pricing",
            "Short.",
            Some(Depth { depth: 4, max: 8 }),
            Level::Intermediate,
            &["prerequisite-depth"],
        );
        check("Pricing", "Short.", None, Level::Intermediate, &[]);
    }

    #[test]
    fn cues_match_whole_words() {
        assert!(contains_cue("An Introduction to BANT", "introduction to"));
        assert!(
            !contains_cue("Reintroductions", "introduction"),
            "inside another word is not a cue"
        );
        assert_eq!(syllables("banana"), 3, "one syllable per vowel group");
        assert_eq!(syllables("the"), 1);
        assert_eq!(syllables("make"), 1, "a silent final e is not a syllable");
    }
}
