//! Errors and warnings from the shared validation; Enter jumps to the object.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{framed, scroll_to, step, Ctx, Msg, Pane, Region};
use crate::tui::keymap::{Action, Context};
use crate::validate::Severity;

#[derive(Default)]
pub struct DiagnosticsPane {
    cursor: usize,
    offset: usize,
    height: usize,
}

impl Pane for DiagnosticsPane {
    fn title(&self, ctx: &Ctx) -> String {
        let diags = ctx.ws.diagnostics();
        let e = diags.iter().filter(|d| d.severity == Severity::Error).count();
        let w = diags.iter().filter(|d| d.severity == Severity::Warning).count();
        let i = diags.len() - e - w;
        format!("Diagnostics · {e} errors, {w} warnings, {i} infos")
    }
    fn context(&self) -> Context {
        Context::Diagnostics
    }
    fn region(&self) -> Region {
        Region::Bottom
    }
    fn weight(&self) -> u16 {
        2
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx, focused: bool) {
        let t = ctx.theme;
        let inner = framed(frame, area, self.title(ctx), focused, &t);
        let diags = ctx.ws.diagnostics();
        self.height = inner.height as usize;
        self.cursor = self.cursor.min(diags.len().saturating_sub(1));
        self.offset = scroll_to(self.offset, self.cursor, self.height);
        if diags.is_empty() {
            frame.render_widget(
                Paragraph::new(Span::styled("✓ no findings: AWS would accept this design", t.ok())),
                inner,
            );
            return;
        }
        let lines: Vec<Line> = diags
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(self.height)
            .map(|(i, d)| {
                let (mark, style) = match d.severity {
                    Severity::Error => ("✗ error  ", t.error()),
                    Severity::Warning => ("⚠ warning", t.warning()),
                    Severity::Info => ("ℹ info   ", t.dim()),
                };
                let mut line = Line::from(vec![
                    Span::styled(mark, style),
                    Span::raw(format!(" {}: {}", d.path, d.message)),
                    Span::styled(
                        if d.hint.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", d.hint)
                        },
                        t.dim(),
                    ),
                ]);
                if i == self.cursor {
                    line = line.style(t.selected(focused));
                }
                line
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        let diags = ctx.ws.diagnostics();
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Home | Action::End => {
                self.cursor = step(self.cursor, diags.len(), action, self.height);
                Msg::Consumed
            }
            Action::Enter => match diags.get(self.cursor).and_then(|d| d.object.clone()) {
                Some(o) => Msg::Jump(o),
                None => Msg::Status("this finding is about the whole design".into()),
            },
            _ => Msg::Ignored,
        }
    }

    fn click(&mut self, row: u16, _ctx: &Ctx) -> Msg {
        self.cursor = self.offset + row as usize;
        Msg::Consumed
    }

    fn clamp(&mut self, ctx: &Ctx) {
        self.cursor = self.cursor.min(ctx.ws.diagnostics().len().saturating_sub(1));
    }
}
