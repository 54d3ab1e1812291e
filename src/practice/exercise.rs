//! Exam exercises: a brief, a starting design, objectives (intents), graded
//! hints and a reference solution, in one `.ron` file (`assets/exercises/`).
//!
//! File shape (fields in this order; `exercise` first marks the file kind):
//! ```ron
//! (
//!   exercise: 1,
//!   title: "…", concept: "…", brief: "…",
//!   objectives: [ Reach(from: "app-1", to: "internet", port: 443), … ],
//!   hints: [ (text: "…", cost: 10), … ],     // at most three
//!   start: ( format: 1, name: …, … ),         // a design, often broken on purpose
//!   solution: [ Put(Subnet((…))), Delete((kind: NatGateway, name: "nat-x")), … ],
//! )
//! ```
//! The reference solution is the starting design with the `solution` edits
//! applied (the same [`Edit`] values the designer's undo history holds).
//!
//! Grading evaluates the objectives on a design; the reference solution is
//! only one of the designs that pass.

use serde::{Deserialize, Serialize};

use crate::edit::Edit;
use crate::model::intent::Intent;
use crate::model::{Design, DesignIndex};

use super::{Context, Evaluation};

/// The exercise file format version this build reads.
pub const EXERCISE_VERSION: u32 = 1;

pub use crate::model::attempt::Hint;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Exercise file format version ([`EXERCISE_VERSION`]).
    pub exercise: u32,
    pub title: String,
    /// The exam concept it teaches, e.g. "SAA-C03 · NAT gateways are zonal".
    pub concept: String,
    pub brief: String,
    pub objectives: Vec<Intent>,
    #[serde(default)]
    pub hints: Vec<Hint>,
    /// The design the student starts from.
    pub start: Design,
    /// The reference solution, as edits on `start`.
    pub solution: Vec<Edit>,
}

/// Why an exercise could not be used.
pub type ExerciseError = crate::io::DataFileError;

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// Whether RON text is an exercise (its first field is `exercise:`) rather than a design.
pub fn is_exercise_text(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with("#!") && *l != "(")
        .take(1)
        .any(|l| l.trim_start_matches('(').trim_start().starts_with("exercise:"))
}

impl Exercise {
    /// Parses and checks an exercise; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Exercise, ExerciseError> {
        let ex: Exercise = crate::io::parse_data_file(&ron_options(), text, origin)?;
        ex.check().map_err(|message| ExerciseError::Invalid {
            path: origin.to_string(),
            message,
        })?;
        Ok(ex)
    }

    pub fn load(path: &std::path::Path) -> Result<Exercise, ExerciseError> {
        let text = crate::io::read_data_file(path)?;
        Exercise::parse(&text, &path.display().to_string())
    }

    /// The reference solution: `start` with the `solution` edits applied.
    pub fn reference_solution(&self) -> Result<Design, String> {
        let mut d = self.start.clone();
        for (i, e) in self.solution.iter().enumerate() {
            e.clone()
                .apply(&mut d)
                .map_err(|err| format!("solution edit {}: {err}", i + 1))?;
        }
        Ok(d)
    }

    /// Checks the exercise itself: version, at least one objective, at most
    /// three hints and a solution that applies. (The bundled exercises are
    /// also tested to grade as intended: start fails, solution passes.)
    pub fn check(&self) -> Result<(), String> {
        if self.exercise != EXERCISE_VERSION {
            return Err(format!(
                "exercise format {} is not supported; this vpcd reads version {EXERCISE_VERSION}",
                self.exercise
            ));
        }
        if self.objectives.is_empty() {
            return Err("an exercise needs at least one objective".into());
        }
        if self.hints.len() > 3 {
            return Err(format!(
                "an exercise has at most three hints, this one has {}",
                self.hints.len()
            ));
        }
        self.reference_solution().map(|_| ())
    }
}

/// The result of grading a design against objectives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub objectives: Vec<Evaluation>,
    pub passed: usize,
    pub total: usize,
    /// 0–100: the share of objectives that hold, minus the cost of hints taken
    /// (never below 0).
    pub score: u32,
    pub hints_used: usize,
    /// Every objective holds.
    pub solved: bool,
}

/// Grades a design: evaluates every objective; `hints_used` hints were taken (the first ones).
pub fn grade(objectives: &[Intent], hints: &[Hint], design: &Design, hints_used: usize) -> Report {
    let idx = DesignIndex::new(design);
    let evals = Context::new(design, &idx).evaluate_all(objectives);
    report(evals, hints, hints_used)
}

/// Builds a report from evaluations already made (the TUI re-evaluates after each edit).
pub fn report(evals: Vec<Evaluation>, hints: &[Hint], hints_used: usize) -> Report {
    let total = evals.len();
    let passed = evals.iter().filter(|e| e.holds()).count();
    let penalty: u32 = hints.iter().take(hints_used).map(|h| h.cost).sum();
    let base = (passed * 100).checked_div(total).unwrap_or(0) as u32;
    Report {
        solved: total > 0 && passed == total,
        objectives: evals,
        passed,
        total,
        score: base.saturating_sub(penalty),
        hints_used: hints_used.min(hints.len()),
    }
}

macro_rules! bundled {
    ($($id:literal),* $(,)?) => {
        /// The exercises shipped with vpcd (`assets/exercises/ID.ron`), compiled in.
        pub const BUNDLED: &[(&str, &str)] = &[
            $(($id, include_str!(concat!("../../assets/exercises/", $id, ".ron"))),)*
        ];
    };
}

bundled![
    "public-subnet",
    "nat-placement",
    "nat-per-az",
    "regional-nat",
    "s3-gateway-endpoint",
    "nacl-block-ip",
    "nacl-ephemeral-ports",
    "db-isolation",
    "sg-references",
    "bastion-host",
    "peering-routes",
    "transitive-peering",
    "tgw-segmentation",
    "tgw-sg-reference",
    "interface-endpoint",
    "vpn-only-subnet",
    "ipv6-egress-only",
    "inspection-routing",
    "cost-constrained",
    "privatelink-partner",
    "gwlb-ingress",
    "dx-vpn-backup",
    "prefix-list-branches",
    "dual-stack-web",
    "vpn-cloudhub",
    "flow-log-reject",
    "shared-subnets",
    "transit-vpc-spoke",
];

/// The id of the bundled exercise with this title, if it is one (the practice
/// record keys bundled exercises by id, others by title).
pub fn bundled_id(title: &str) -> Option<&'static str> {
    BUNDLED
        .iter()
        .find(|(i, text)| Exercise::parse(text, i).is_ok_and(|ex| ex.title == title))
        .map(|(i, _)| *i)
}

/// A bundled exercise by id (file stem).
pub fn bundled(id: &str) -> Option<Result<Exercise, ExerciseError>> {
    BUNDLED
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(i, text)| Exercise::parse(text, &format!("assets/exercises/{i}.ron")))
}
