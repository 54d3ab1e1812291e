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
}

impl PracticePane {
    pub fn new(exercise: Exercise) -> Self {
        PracticePane {
            session: Session::new(exercise),
            cursor: 0,
            height: 0,
        }
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
        self.session.refresh(ctx.ws);
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
                if left > 0 {
                    format!(" · Enter: reveal a hint ({left} left)")
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
            lines.push(Line::from(Span::styled("✓ solved: every objective holds", t.ok())));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(ex.concept.clone(), t.accent())));
        lines.push(Line::from(ex.brief.clone()));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        self.session.refresh(ctx.ws);
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
            Action::Enter => match self.session.reveal_hint() {
                Some(h) => Msg::Status(format!("hint (−{} points): {}", h.cost, h.text)),
                None => Msg::Status("no hints left".into()),
            },
            _ => Msg::Ignored,
        }
    }

    fn clamp(&mut self, ctx: &Ctx) {
        self.session.refresh(ctx.ws);
        self.cursor = self.cursor.min(self.session.checklist().len().saturating_sub(1));
    }
}
