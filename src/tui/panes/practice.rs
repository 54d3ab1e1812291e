//! Practice mode: an exercise's brief, the live checklist of its objectives
//! (✓/✗ with the reason, re-evaluated after every edit, undo and redo), the
//! score and "solved" state, and hints on request (Enter reveals the next one).
//! The state lives in [`crate::practice::session::Session`].

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{framed, step, Ctx, Msg, Pane, Region};
use crate::practice::exercise::Exercise;
use crate::practice::session::Session;
use crate::practice::Status;
use crate::tui::keymap::{Action, Context};

pub struct PracticePane {
    pub session: Session,
    cursor: usize,
    height: usize,
    /// Enter was pressed once: the next Enter spends the hint's points, any
    /// other key cancels (a hint costs points, so one stray key must not).
    hint_armed: bool,
    /// Whether the timer is shown (`T` hides it).
    timer: bool,
    /// The practice record a solve is written to (`None`: not recorded).
    record: Option<std::path::PathBuf>,
    /// What happened to the record on the last solve, shown under the summary.
    recorded: Option<String>,
}

impl PracticePane {
    pub fn new(exercise: Exercise) -> Self {
        Self::resuming(Session::new(exercise))
    }

    /// The pane on a session already under way (a saved attempt reopened).
    pub fn resuming(session: Session) -> Self {
        PracticePane {
            session,
            cursor: 0,
            height: 0,
            hint_armed: false,
            timer: true,
            record: None,
            recorded: None,
        }
    }

    /// Records solves in the practice record at `path` (`vpcd exercise --progress`).
    pub fn recording_to(mut self, path: Option<std::path::PathBuf>) -> Self {
        self.record = path;
        self
    }

    /// Re-evaluates, and on the first solve writes the practice record.
    fn refresh(&mut self, ctx: &Ctx) {
        self.session.refresh(ctx.ws);
        if !self.session.take_new_solve() {
            return;
        }
        let Some(path) = &self.record else { return };
        let ex = &self.session.exercise;
        let id = self.session.id().to_string();
        let r = self.session.report();
        let result = crate::practice::progress::Progress::load(path).and_then(|mut p| {
            p.record_solve(&id, &ex.title, r.score, r.hints_used, self.session.elapsed().as_secs());
            p.save(path)
        });
        self.recorded = Some(match result {
            Ok(()) => "recorded in your practice record (vpcd exercise --progress)".to_string(),
            Err(e) => format!("could not record the solve: {e}"),
        });
    }
}

impl Pane for PracticePane {
    fn title(&self, _ctx: &Ctx) -> String {
        let r = self.session.report();
        format!(
            "Practice · {} · {}/{} · score {}{}",
            self.session.exercise.title,
            r.passed,
            r.total,
            r.score,
            if r.solved { " · SOLVED" } else { "" }
        )
    }
    fn context(&self) -> Context {
        Context::Practice
    }
    fn region(&self) -> Region {
        Region::Right
    }
    fn weight(&self) -> u16 {
        3
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx, focused: bool) {
        self.refresh(ctx);
        let t = ctx.theme;
        let inner = framed(frame, area, self.title(ctx), focused, &t);
        self.height = inner.height as usize;
        let r = self.session.report();
        let ex = &self.session.exercise;
        let left = ex.hints.len() - self.session.hints_shown().len();
        // Score and hint prompt first, then hints taken, the checklist, and the
        // brief last, so a short pane still shows what matters while editing.
        let mut lines: Vec<Line> = vec![Line::from(vec![
            Span::styled(
                format!(
                    "{}/{} objectives · score {}{}",
                    r.passed,
                    r.total,
                    r.score,
                    if r.solved { " · SOLVED" } else { "" }
                ),
                if r.solved { t.ok() } else { t.title() },
            ),
            Span::styled(
                if self.hint_armed {
                    // The price and the score it leaves, so the two lines agree.
                    let cost = ex.hints.get(self.session.hints_shown().len()).map_or(0, |h| h.cost);
                    let after = r.score.saturating_sub(cost);
                    format!(" · Enter again: hint −{cost}, score → {after}; other keys cancel")
                } else if left > 0 {
                    format!(" · Enter: reveal a hint ({left} left)")
                } else {
                    String::new()
                },
                t.dim(),
            ),
            Span::styled(
                if self.timer {
                    let s = self.session.elapsed().as_secs();
                    format!(" · time {}:{:02} (T hides)", s / 60, s % 60)
                } else {
                    String::new()
                },
                t.dim(),
            ),
        ])];
        for (i, h) in self.session.hints_shown().iter().enumerate() {
            lines.push(Line::from(vec![
                Span::styled(format!("hint {} (−{}): ", i + 1, h.cost), t.key()),
                Span::raw(h.text.clone()),
            ]));
        }
        let checklist = self.session.checklist();
        self.cursor = self.cursor.min(checklist.len().saturating_sub(1));
        for (i, e) in checklist.iter().enumerate() {
            let style = match e.status {
                Status::Pass => t.ok(),
                Status::Fail => t.error(),
                Status::Error => t.warning(),
            };
            let mut line = Line::from(vec![
                Span::styled(format!("{} ", e.status.mark()), style),
                Span::raw(e.intent.clone()),
            ]);
            if i == self.cursor {
                line = line.style(t.selected(focused));
            }
            lines.push(line);
            if i == self.cursor {
                lines.push(Line::from(Span::styled(format!("    {}", e.reason), t.dim())));
            }
        }
        if self.session.solved() {
            lines.push(Line::from(Span::styled(
                format!("✓ {}", self.session.summary()),
                t.ok(),
            )));
            if let Some(note) = &self.recorded {
                lines.push(Line::from(Span::styled(note.clone(), t.dim())));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(ex.concept.clone(), t.accent())));
        lines.push(Line::from(ex.brief.clone()));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }

    fn key_input(&mut self, ev: &ratatui::crossterm::event::KeyEvent, _ctx: &Ctx) -> Msg {
        // While a hint is asked for, any key but Enter cancels (and does nothing else).
        if self.hint_armed && ev.code != ratatui::crossterm::event::KeyCode::Enter {
            self.hint_armed = false;
            return Msg::Status("no hint taken".into());
        }
        Msg::Ignored
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        self.refresh(ctx);
        let armed = std::mem::take(&mut self.hint_armed);
        if armed && action != Action::Enter {
            return Msg::Status("no hint taken".into());
        }
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Home | Action::End => {
                self.cursor = step(self.cursor, self.session.checklist().len(), action, self.height);
                Msg::Consumed
            }
            // One key opens the objective in the trace panel (the app focuses it).
            Action::TraceObjective => match self.session.trace_of(self.cursor) {
                Some((query, failures)) => Msg::OpenTrace { query, failures },
                None => Msg::Status("this objective is not a flow: nothing to trace".into()),
            },
            Action::Enter if !armed => match self.session.exercise.hints.get(self.session.hints_shown().len()) {
                Some(h) => {
                    self.hint_armed = true;
                    Msg::Status(format!(
                        "a hint costs {} points of the score: Enter again to take it, any other key cancels",
                        h.cost
                    ))
                }
                None => Msg::Status("no hints left".into()),
            },
            Action::ToggleTimer => {
                self.timer = !self.timer;
                Msg::Status(format!(
                    "practice timer {}",
                    if self.timer { "shown" } else { "hidden" }
                ))
            }
            Action::Enter => match self.session.reveal_hint_for(self.cursor) {
                Some(h) => Msg::Status(format!("hint (−{} points): {}", h.cost, h.text)),
                None => Msg::Status("no hints left".into()),
            },
            _ => Msg::Ignored,
        }
    }

    fn is_practice(&self) -> bool {
        true
    }
    fn practice(&self) -> Option<&Session> {
        Some(&self.session)
    }

    fn clamp(&mut self, ctx: &Ctx) {
        self.refresh(ctx);
        self.cursor = self.cursor.min(self.session.checklist().len().saturating_sub(1));
    }
}

/// The choices of "practice: new problem": a random topic first, then each topic
/// of the fault catalogue, as (label, description, topic).
pub fn problem_choices() -> Vec<(String, String, Option<&'static str>)> {
    let mut out = vec![(
        "random".to_string(),
        "a generated troubleshooting problem on any topic".to_string(),
        None,
    )];
    for t in crate::practice::faults::topics() {
        let n = crate::practice::faults::FAULTS.iter().filter(|f| f.topic == t).count();
        out.push((
            t.to_string(),
            format!("a generated problem about {t} ({n} fault kinds)"),
            Some(t),
        ));
    }
    out
}

/// A new generated problem on `topic` (any when `None`), seeded from the clock so
/// each one differs; the seed is in the exercise's concept line.
pub fn new_problem(topic: Option<&str>) -> Result<Exercise, String> {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(1);
    crate::practice::generate::generate(&crate::practice::generate::Options {
        topic: topic.map(str::to_string),
        seed,
        ..Default::default()
    })
}
