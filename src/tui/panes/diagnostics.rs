//! Errors and warnings from the shared validation; Enter jumps to the object.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{framed, Ctx, ListView, Msg, Pane, Region};
use crate::tui::keymap::{Action, Context};
use crate::validate::Severity;

#[derive(Default)]
pub struct DiagnosticsPane {
    view: ListView,
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
        self.view.fit(diags.len(), inner.height as usize);
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
            .skip(self.view.offset)
            .take(self.view.height)
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
                if i == self.view.cursor {
                    line = line.style(t.selected(focused));
                }
                line
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        let diags = ctx.ws.diagnostics();
        if self.view.step(action, diags.len()) {
            return Msg::Consumed;
        }
        match action {
            Action::Enter => match diags.get(self.view.cursor).and_then(|d| d.object.clone()) {
                Some(o) => Msg::Jump(o),
                None => Msg::Status("this finding is about the whole design".into()),
            },
            _ => Msg::Ignored,
        }
    }

    fn click(&mut self, row: u16, _ctx: &Ctx) -> Msg {
        self.view.click(row);
        Msg::Consumed
    }

    fn clamp(&mut self, ctx: &Ctx) {
        self.view.clamp(ctx.ws.diagnostics().len());
    }
}
