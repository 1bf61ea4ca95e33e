//! The suggestion model: the features of a pair of modules, the two logistic parts over
//! them (are the two related? which comes first?) and the weights `bench --fit-suggest`
//! fitted.

/// What the model knows of one ordered pair `before → after`.
///
/// The first four are symmetric: they say whether the two modules are related at all.
/// The rest are antisymmetric (swapping the pair negates each): they say which way.
/// `linked` and `role` read the prerequisites the project already has; with none drawn
/// they are 0, and the fitted models give them no weight: only a project's own edges
/// teach what they are worth there ([`Model::learned_from`], [`Model::learned_pairs_from`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Features {
    /// Cosine similarity of the two modules.
    pub similarity: f64,
    /// Closeness in the library, 1 / (1 + distance / 8); 0 when the library is in
    /// alphabetical order of titles, which says nothing about teaching order, or the two
    /// are in different libraries.
    pub nearby: f64,
    /// Jaccard similarity of the two modules' skills.
    pub shared_skills: f64,
    /// How many of the project's prerequisites the two already take part in:
    /// ½ (ln(1 + edges from `before`) + ln(1 + edges into it) + the same of `after`). A
    /// module many edges lead to or from tends to gain more (preferential attachment, in
    /// link prediction's words).
    pub linked: f64,
    /// How much closer `before` is to the whole library than `after` (mean similarity to
    /// every other module, in standard deviations): prerequisites tend to be the general
    /// ones.
    pub generality: f64,
    /// How much higher `before` ranks among `after`'s nearest modules than the reverse
    /// (1 / (1 + rank), nearest 32 only).
    pub neighbours: f64,
    /// How much closer `before` is to `after`'s five nearest modules than the reverse.
    pub local_generality: f64,
    /// RefD: how much more `after` uses `before`'s key terms than the reverse.
    pub refd: f64,
    /// 1 when `before`'s title words are all in `after`'s longer title, −1 the reverse.
    pub title_inside: f64,
    /// 1 when `after`'s text names `before`'s title, −1 the reverse.
    pub mentions: f64,
    /// 1 when `after` names `before`'s title in a line that speaks of order
    /// ("Before this module: complete …", "Prerequisite: …", "builds on …"), −1 the reverse.
    pub stated: f64,
    /// Terms `before` defines that `after` uses, minus the reverse (each at most 3, / 3).
    pub uses: f64,
    /// 1 when `before` comes first in the library, −1 otherwise; 0 in one in alphabetical
    /// order of titles, and where the order is only files sorted by name (`order.rs`).
    pub order: f64,
    /// ln of `after`'s title length in words minus ln of `before`'s.
    pub title_length: f64,
    /// 1 when `before`'s level is lower, −1 when higher, 0 when either is unknown.
    pub level: f64,
    /// How much more `before` already comes first in the project's prerequisites than
    /// `after` does: ½ (ln(1 + edges from `before`) + ln(1 + edges into `after`) − ln(1 +
    /// edges from `after`) − ln(1 + edges into `before`)). With `linked`, the two halves of
    /// directed preferential attachment, ln(1 + from `before`) + ln(1 + into `after`).
    pub role: f64,
}

/// The features' names, in [`Features::values`] order (the bench writes them as columns).
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "similarity",
    "nearby",
    "shared_skills",
    "linked",
    "generality",
    "neighbours",
    "local_generality",
    "refd",
    "title_inside",
    "mentions",
    "stated",
    "uses",
    "order",
    "title_length",
    "level",
    "role",
];

/// How many features a pair has.
pub const FEATURES: usize = 16;

/// How many of [`FEATURE_NAMES`] are symmetric (the pair part); the rest are direction.
pub const PAIR_FEATURES: usize = 4;

/// How many weights the direction part has.
pub const DIRECTION_FEATURES: usize = FEATURES - PAIR_FEATURES;

impl Features {
    /// The features of the reverse pair: the symmetric ones as they are, the others
    /// negated.
    pub fn reversed(&self) -> Features {
        Features {
            similarity: self.similarity,
            nearby: self.nearby,
            shared_skills: self.shared_skills,
            linked: self.linked,
            generality: -self.generality,
            neighbours: -self.neighbours,
            local_generality: -self.local_generality,
            refd: -self.refd,
            title_inside: -self.title_inside,
            mentions: -self.mentions,
            stated: -self.stated,
            uses: -self.uses,
            order: -self.order,
            title_length: -self.title_length,
            level: -self.level,
            role: -self.role,
        }
    }

    pub fn values(&self) -> [f64; FEATURES] {
        [
            self.similarity,
            self.nearby,
            self.shared_skills,
            self.linked,
            self.generality,
            self.neighbours,
            self.local_generality,
            self.refd,
            self.title_inside,
            self.mentions,
            self.stated,
            self.uses,
            self.order,
            self.title_length,
            self.level,
            self.role,
        ]
    }
}

/// A two-part logistic model. `direction` weighs the antisymmetric features into the
/// log-odds that, of two related modules, `before` is the prerequisite (no intercept:
/// a pair with no signal is even). `pair` weighs an intercept and [`PAIR_INPUTS`] into the
/// log-odds that the two are related by a prerequisite at all. Confidence is the product
/// of the two probabilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    pub pair: [f64; PAIR_INPUTS.len() + 1],
    pub direction: [f64; DIRECTION_FEATURES],
}

/// What the pair part reads: the symmetric features; whether either module names the
/// other (at all, and as what comes first), has its title inside the other's, or uses terms the other defines (each
/// direction's signal, either way round); and how clear the direction is.
pub const PAIR_INPUTS: [&str; 9] = [
    "similarity",
    "nearby",
    "shared_skills",
    "named",
    "stated",
    "title_overlap",
    "defined_used",
    "|direction|",
    "linked",
];

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Model {
    /// Log-odds that `before` (not `after`) is the prerequisite, if they are related.
    pub fn direction(&self, f: &Features) -> f64 {
        self.direction_terms(f).iter().sum()
    }

    pub(super) fn direction_terms(&self, f: &Features) -> [f64; DIRECTION_FEATURES] {
        let v = f.values();
        let mut out = [0.0; DIRECTION_FEATURES];
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.direction[i] * v[PAIR_FEATURES + i];
        }
        out
    }

    /// The pair part's inputs, in [`PAIR_INPUTS`] order.
    pub fn pair_inputs(&self, f: &Features) -> [f64; PAIR_INPUTS.len()] {
        [
            f.similarity,
            f.nearby,
            f.shared_skills,
            f.mentions.abs(),
            f.stated.abs(),
            f.title_inside.abs(),
            (f.uses != 0.0) as u8 as f64,
            self.direction(f).abs(),
            f.linked,
        ]
    }

    /// Log-odds that the two modules are related by a prerequisite, either way.
    pub fn pair(&self, f: &Features) -> f64 {
        self.pair[0]
            + self
                .pair_inputs(f)
                .iter()
                .zip(&self.pair[1..])
                .map(|(x, w)| x * w)
                .sum::<f64>()
    }

    /// Of two related modules, the probability that `before` comes first.
    pub fn first(&self, f: &Features) -> f64 {
        sigmoid(self.direction(f))
    }

    /// The model's probability that `before → after` is a prerequisite edge.
    pub fn confidence(&self, f: &Features) -> f64 {
        sigmoid(self.pair(f)) * self.first(f)
    }
}

/// The model when modules are compared by their embedding vectors, fitted by
/// `bench --fit-suggest` on the tuning datasets (README, "Suggestion quality"): two
/// public ones and our sample libraries, the only ones with skills, declared levels and
/// defined terms; the held-out LectureBank sets and course catalogues played no part. RefD is left out
/// ([`LEFT_OUT_DIRECTION`]): on sets of names only it measures title overlap, backwards.
pub const VECTOR_MODEL: Model = Model {
    pair: [-6.56, 5.16, 1.21, 1.21, 1.16, 0.85, 0.59, -0.02, 0.41, 0.00],
    direction: [
        0.72, 1.32, 2.99, 0.00, 2.19, 0.64, 2.73, 1.08, 2.66, 1.12, 1.04, 0.00,
    ],
};

/// The model when modules are compared by their words (no vectors cached), fitted the
/// same way.
pub const WORD_MODEL: Model = Model {
    pair: [-4.83, 4.15, 1.41, 1.92, 1.54, 0.91, 1.06, -0.01, 0.28, 0.00],
    direction: [
        0.84, 0.41, 2.08, 0.00, 2.18, 0.36, 3.95, 2.44, 3.25, 2.80, 1.27, 0.00,
    ],
};

/// Direction weights left at zero (index into [`Model::direction`]): RefD.
pub const LEFT_OUT_DIRECTION: [usize; 1] = [REFD];

/// RefD's index in [`Model::direction`].
pub(super) const REFD: usize = 3;
