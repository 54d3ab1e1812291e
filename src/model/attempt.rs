//! A practice attempt saved from the designer's practice mode.
//!
//! An attempt is a design whose `intents` are the exercise's objectives, plus
//! this record: what the exercise was and how far the student got (hints
//! taken, time spent). Reopening the file resumes practice mode where it
//! stopped, and `vpcd exercise ATTEMPT.ron` grades it with the hints' cost.

use serde::{Deserialize, Serialize};

/// A hint; taking it costs `cost` points of the score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    pub text: String,
    #[serde(default = "ten")]
    pub cost: u32,
}

fn ten() -> u32 {
    10
}

/// The practice state saved with an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PracticeAttempt {
    /// The bundled exercise id (`nat-per-az`), or the exercise's title when it
    /// came from a file or the problem generator.
    pub exercise: String,
    pub title: String,
    #[serde(default)]
    pub concept: String,
    #[serde(default)]
    pub brief: String,
    /// The exercise's hints, in order; the first `hints_used` were taken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<Hint>,
    #[serde(default)]
    pub hints_used: usize,
    /// Time spent on the attempt so far, in seconds.
    #[serde(default)]
    pub elapsed_secs: u64,
    /// When every objective first held, in seconds from the start (the timer
    /// stops there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solved_after_secs: Option<u64>,
}
