//! Reachability intents need the trace engine (`crate::analysis`), which is
//! built on another branch; until it is merged they are reported as errors
//! (never as a silent pass or fail).

use crate::model::intent::Intent;

use super::{Context, Evaluation, Status};

const NO_ENGINE: &str = "reachability intents need the trace engine, which is not in this build yet";

pub(super) fn evaluate_flow(_cx: &Context<'_>, intent: &Intent) -> Evaluation {
    Evaluation::new(intent, Status::Error, NO_ENGINE)
}

pub(super) fn nothing_reaches(_cx: &Context<'_>, intent: &Intent, _from: &str, _tier: &str) -> Evaluation {
    Evaluation::new(intent, Status::Error, NO_ENGINE)
}
