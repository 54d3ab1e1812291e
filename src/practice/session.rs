//! A practice session: the state behind the designer's practice mode, with no
//! terminal types. It holds an exercise, the hints revealed so far and
//! the live checklist. The checklist is re-evaluated whenever the workspace's
//! revision changes (every edit, undo and redo).

use std::time::{Duration, Instant};

use crate::model::attempt::PracticeAttempt;
use crate::model::{Design, TraceQuery};
use crate::workspace::Workspace;

use super::exercise::{self, Exercise, Hint, Report};
use super::{Context, Evaluation};

#[derive(Debug, Clone)]
pub struct Session {
    pub exercise: Exercise,
    /// The bundled exercise id, or the title for others: found once, as
    /// finding it parses every bundled exercise (saves and autosaves ask).
    id: String,
    hints_shown: usize,
    /// The objectives a hint was bought for (the one selected when it was
    /// taken): their traces may show the fix. A resumed attempt does not
    /// know which objective its earlier hints were for, so every objective
    /// counts as hinted once it has any.
    hinted: std::collections::BTreeSet<usize>,
    /// A hint was taken without saying for which objective (or before a
    /// resumed attempt was saved): every objective counts as hinted.
    hinted_all: bool,
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
        let id = exercise::bundled_id(&exercise.title).map_or_else(|| exercise.title.clone(), str::to_string);
        Session {
            id,
            exercise,
            hints_shown: 0,
            hinted: Default::default(),
            hinted_all: false,
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

    /// The exercise's id in the practice record: the bundled id, else its title.
    pub fn id(&self) -> &str {
        &self.id
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
        self.hinted_all = true;
        Some(hint)
    }

    /// Reveals the next hint, bought while objective `objective` was
    /// selected: from then on that objective's trace shows its fix.
    pub fn reveal_hint_for(&mut self, objective: usize) -> Option<&Hint> {
        let hint = self.exercise.hints.get(self.hints_shown)?;
        self.hints_shown += 1;
        self.hinted.insert(objective);
        Some(hint)
    }

    /// Whether a hint was bought for objective `i` (or, in a resumed attempt
    /// that took hints before, for any objective).
    pub fn hinted(&self, i: usize) -> bool {
        self.hinted_all || self.hinted.contains(&i)
    }

    /// What the trace panel may show of a trace's fix in this session:
    /// each flow objective's query with whether a hint was bought for it.
    pub fn fix_gate(&self) -> (Vec<(TraceQuery, bool)>, bool) {
        let objectives = (0..self.checklist.len())
            .filter_map(|i| self.trace_of(i).map(|(q, _)| (q, self.hinted(i))))
            .collect();
        (objectives, self.hints_shown > 0)
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
    /// objectives as intents, so `vpcd exercise ATTEMPT` grades it, and the
    /// practice record (exercise, hints taken, time), so reopening it resumes
    /// practice mode.
    pub fn attempt(&self, design: &Design) -> Design {
        let mut d = design.clone();
        d.intents = self.exercise.objectives.clone();
        let ex = &self.exercise;
        d.practice = Some(PracticeAttempt {
            exercise: self.id.clone(),
            title: ex.title.clone(),
            concept: ex.concept.clone(),
            brief: ex.brief.clone(),
            hints: ex.hints.clone(),
            hints_used: self.hints_shown,
            elapsed_secs: self.elapsed().as_secs(),
            solved_after_secs: self.solved_after.map(|d| d.as_secs()),
        });
        d
    }

    /// Resumes a saved attempt: the session on `design` (its intents are the
    /// objectives), with the hints already taken and the timer where it
    /// stopped. `None` when the design is not an attempt. The design to edit
    /// is returned without the record (the session holds it until the next save).
    pub fn resume(design: &Design) -> Option<(Session, Design)> {
        let record = design.practice.clone()?;
        let mut start = design.clone();
        start.practice = None;
        let exercise = Exercise {
            exercise: exercise::EXERCISE_VERSION,
            title: record.title,
            concept: record.concept,
            brief: record.brief,
            objectives: design.intents.clone(),
            hints: record.hints,
            start: start.clone(),
            // The reference solution is not saved with a student's attempt.
            solution: Vec::new(),
        };
        let elapsed = Duration::from_secs(record.elapsed_secs);
        let now = Instant::now();
        let session = Session {
            id: record.exercise,
            hints_shown: record.hints_used.min(exercise.hints.len()),
            hinted: Default::default(),
            hinted_all: record.hints_used > 0,
            exercise,
            evaluated_revision: None,
            checklist: Vec::new(),
            started: now.checked_sub(elapsed).unwrap_or(now),
            solved_after: record.solved_after_secs.map(Duration::from_secs),
            new_solve: false,
        };
        Some((session, start))
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
        let record = attempt
            .practice
            .as_ref()
            .expect("an attempt carries its practice record");
        assert_eq!((record.exercise.as_str(), record.hints_used), ("public-subnet", n));
        assert!(s.trace_of(0).is_some(), "a flow objective opens in the trace panel");
        assert!(s.trace_of(4).is_none(), "a structural one does not");
    }

    #[test]
    fn a_saved_attempt_resumes_with_its_hints_score_and_timer() {
        let ex = exercise::bundled("nat-per-az").unwrap().unwrap();
        let mut s = Session::new(ex.clone());
        let mut ws = s.start();
        s.reveal_hint();
        // Half-way: the first solution edit only.
        ws.apply(ex.solution[0].clone()).unwrap();
        s.refresh(&ws);
        let before = s.report();
        let saved = s.attempt(ws.design());
        // Through the file format and back.
        let text = crate::io::to_ron_string(&saved).unwrap();
        let loaded = crate::io::parse(&text, "attempt.ron").unwrap();
        let (mut resumed, design) = Session::resume(&loaded).expect("an attempt resumes");
        assert!(design.practice.is_none(), "the session holds the record while editing");
        let ws2 = Workspace::new(design);
        resumed.refresh(&ws2);
        let after = resumed.report();
        assert_eq!(
            (after.passed, after.total, after.score, after.hints_used),
            (before.passed, before.total, before.score, 1)
        );
        assert_eq!(resumed.hints_shown(), &ex.hints[..1]);
        assert_eq!(resumed.exercise.title, ex.title);
        assert!(resumed.elapsed() >= Duration::from_secs(saved.practice.unwrap().elapsed_secs));
        // A plain design is not an attempt.
        assert!(Session::resume(&ex.start).is_none());
    }
}
