//! Errors and warnings from the shared validation, each shown whole (the
//! message and hint wrap); Enter jumps to the object.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{framed, scroll_to, wrap, Ctx, ListView, Msg, Pane, Region};
use crate::tui::keymap::{Action, Context};
use crate::validate::Severity;

/// Columns under the severity mark where a finding's wrapped lines start.
const INDENT: usize = 10;

#[derive(Default)]
pub struct DiagnosticsPane {
    /// The selected finding; `offset` counts screen rows, not findings.
    view: ListView,
    /// The first row of each finding at the last frame, then the row after the last.
    rows: Vec<usize>,
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
        let height = inner.height as usize;
        self.view.height = height;
        self.view.clamp(diags.len());
        if diags.is_empty() {
            self.rows.clear();
            frame.render_widget(
                Paragraph::new(Span::styled("✓ no findings: AWS would accept this design", t.ok())),
                inner,
            );
            return;
        }
        // Every finding whole: its message and hint wrap under the severity.
        let width = inner.width as usize;
        let mut lines: Vec<Line> = Vec::new();
        let mut starts = Vec::with_capacity(diags.len());
        for (i, d) in diags.iter().enumerate() {
            starts.push(lines.len());
            let (mark, style) = match d.severity {
                Severity::Error => ("✗ error  ", t.error()),
                Severity::Warning => ("⚠ warning", t.warning()),
                Severity::Info => ("ℹ info   ", t.dim()),
            };
            let indent = " ".repeat(INDENT);
            let mut item: Vec<Line> = Vec::new();
            for (n, l) in wrap(
                &format!("{}: {}", d.path, d.message),
                width,
                &format!("{mark} "),
                &indent,
            )
            .into_iter()
            .enumerate()
            {
                if n == 0 {
                    let rest: String = l.chars().skip(mark.chars().count()).collect();
                    item.push(Line::from(vec![Span::styled(mark, style), Span::raw(rest)]));
                } else {
                    item.push(Line::from(l));
                }
            }
            if !d.hint.is_empty() {
                let first = format!("{indent}— ");
                let rest = " ".repeat(INDENT + 2);
                item.extend(
                    wrap(&d.hint, width, &first, &rest)
                        .into_iter()
                        .map(|l| Line::from(Span::styled(l, t.dim()))),
                );
            }
            if i == self.view.cursor {
                item = item.into_iter().map(|l| l.style(t.selected(focused))).collect();
            }
            lines.extend(item);
        }
        starts.push(lines.len());
        // Scroll by rows so the selected finding is wholly in view (its first row when taller).
        let (first, last) = (starts[self.view.cursor], starts[self.view.cursor + 1].saturating_sub(1));
        self.view.offset = scroll_to(self.view.offset, last, height);
        self.view.offset = scroll_to(self.view.offset, first, height);
        self.rows = starts;
        let visible: Vec<Line> = lines.into_iter().skip(self.view.offset).take(height).collect();
        frame.render_widget(Paragraph::new(visible), inner);
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
        let row = self.view.offset + usize::from(row);
        if let Some(i) = self.rows.windows(2).position(|w| row >= w[0] && row < w[1]) {
            self.view.cursor = i;
        }
        Msg::Consumed
    }

    fn clamp(&mut self, ctx: &Ctx) {
        self.view.clamp(ctx.ws.diagnostics().len());
    }
}
