//! A practice session: the state behind the designer's practice mode, with no
//! terminal types. It holds an exercise, the hints revealed so far and
//! the live checklist. The checklist is re-evaluated whenever the workspace's
//! revision changes (every edit, undo and redo).

use std::time::{Duration, Instant};

use crate::model::{Design, TraceQuery};
use crate::workspace::Workspace;

use super::exercise::{self, Exercise, Hint, Report};
use super::{Context, Evaluation};

#[derive(Debug, Clone)]
pub struct Session {
    pub exercise: Exercise,
    hints_shown: usize,
    evaluated_revision: Option<u64>,
    checklist: Vec<Evaluation>,
    /// When the attempt started, for the practice timer.
    started: Instant,
    /// How long it took, frozen at the first solve.
    solved_after: Option<Duration>,
    /// Set when an evaluation finds the exercise solved for the first time;
    /// taken by [`Session::take_new_solve`] (to record it and show the summary).
    new_solve: bool,
}

impl Session {
    pub fn new(exercise: Exercise) -> Self {
        Session {
            exercise,
            hints_shown: 0,
            evaluated_revision: None,
            checklist: Vec::new(),
            started: Instant::now(),
            solved_after: None,
            new_solve: false,
        }
    }

    /// A workspace on the exercise's starting design, with the checklist evaluated.
    pub fn start(&mut self) -> Workspace {
        let ws = Workspace::new(self.exercise.start.clone());
        self.evaluated_revision = None;
        self.refresh(&ws);
        ws
    }

    /// Re-evaluates the objectives if the workspace changed since the last
    /// evaluation. Returns whether it re-evaluated.
    pub fn refresh(&mut self, ws: &Workspace) -> bool {
        if self.evaluated_revision == Some(ws.revision()) {
            return false;
        }
        let cx = Context::new(ws.design(), ws.index())
            .with_diagnostics(ws.diagnostics().to_vec())
            .with_analysis(ws.analysis_tables());
        self.checklist = cx.evaluate_all(&self.exercise.objectives);
        self.evaluated_revision = Some(ws.revision());
        if self.solved() && self.solved_after.is_none() {
            self.solved_after = Some(self.started.elapsed());
            self.new_solve = true;
        }
        true
    }

    /// Time spent on the attempt: running until the first solve, then frozen.
    pub fn elapsed(&self) -> Duration {
        self.solved_after.unwrap_or_else(|| self.started.elapsed())
    }

    /// Whether the exercise has been solved since the last call (once per attempt).
    pub fn take_new_solve(&mut self) -> bool {
        std::mem::take(&mut self.new_solve)
    }

    /// One line summing up a solved attempt: time, score, hints, objectives.
    pub fn summary(&self) -> String {
        let r = self.report();
        let t = self.elapsed().as_secs();
        format!(
            "solved in {}m{:02}s · score {} · {} hint(s) taken · {} objectives hold",
            t / 60,
            t % 60,
            r.score,
            r.hints_used,
            r.total
        )
    }

    /// The objectives with their current ✓/✗ and reasons, in exercise order.
    pub fn checklist(&self) -> &[Evaluation] {
        &self.checklist
    }

    /// Reveals the next hint (each costs its points); `None` when none are left.
    pub fn reveal_hint(&mut self) -> Option<&Hint> {
        let hint = self.exercise.hints.get(self.hints_shown)?;
        self.hints_shown += 1;
        Some(hint)
    }

    /// The hints revealed so far.
    pub fn hints_shown(&self) -> &[Hint] {
        &self.exercise.hints[..self.hints_shown.min(self.exercise.hints.len())]
    }

    /// Score, passed/total and solved state of the current checklist.
    pub fn report(&self) -> Report {
        exercise::report(self.checklist.clone(), &self.exercise.hints, self.hints_shown)
    }

    /// Whether every objective holds.
    pub fn solved(&self) -> bool {
        !self.checklist.is_empty() && self.checklist.iter().all(Evaluation::holds)
    }

    /// The trace query behind objective `i` (with its what-if failures), to
    /// open it in the trace panel; `None` for non-flow objectives.
    pub fn trace_of(&self, i: usize) -> Option<(TraceQuery, Vec<String>)> {
        let e = self.checklist.get(i)?;
        e.query.clone().map(|q| (q, e.down.clone()))
    }

    /// The design to save as an attempt: the current design carrying the
    /// objectives as intents, so `vpcd exercise ATTEMPT` grades it.
    pub fn attempt(&self, design: &Design) -> Design {
        let mut d = design.clone();
        d.intents = self.exercise.objectives.clone();
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklist_updates_after_an_edit_that_fixes_an_objective() {
        let ex = exercise::bundled("nat-per-az").unwrap().unwrap();
        let mut s = Session::new(ex);
        let mut ws = s.start();
        let failing = |s: &Session| s.checklist().iter().filter(|e| !e.holds()).count();
        let before = failing(&s);
        assert!(before >= 2 && !s.solved());
        assert!(!s.refresh(&ws), "no change, no re-evaluation");
        // Fix it with the reference solution's edits, one at a time.
        for e in s.exercise.solution.clone() {
            ws.apply(e).unwrap();
            assert!(s.refresh(&ws));
        }
        assert!(s.solved(), "{:#?}", s.checklist());
        assert_eq!(s.report().score, 100);
        assert!(s.take_new_solve(), "the first solve is reported once");
        assert!(!s.take_new_solve());
        assert!(s.summary().contains("score 100"), "{}", s.summary());
        // Undo brings the failure back.
        ws.undo();
        s.refresh(&ws);
        assert!(!s.solved());
        let fixed_again = failing(&s);
        assert!(fixed_again >= 1);
        ws.redo();
        assert!(s.refresh(&ws));
        assert!(s.solved());
    }

    #[test]
    fn hints_cost_points_and_run_out() {
        let ex = exercise::bundled("public-subnet").unwrap().unwrap();
        let n = ex.hints.len();
        let mut s = Session::new(ex);
        let ws = s.start();
        for _ in 0..n {
            assert!(s.reveal_hint().is_some());
        }
        assert!(s.reveal_hint().is_none());
        assert_eq!(s.hints_shown().len(), n);
        assert_eq!(s.report().hints_used, n);
        let attempt = s.attempt(ws.design());
        assert_eq!(attempt.intents, s.exercise.objectives);
        assert!(s.trace_of(0).is_some(), "a flow objective opens in the trace panel");
        assert!(s.trace_of(4).is_none(), "a structural one does not");
    }
}
