//! Drawing a form: labels, inputs, the note under each field (its problem,
//! what the validation says, or a hint), completions, and the form's
//! footer. Scrolls so the focused field shows on short terminals.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{Field, Form, Input};
use crate::tui::panes::framed;
use crate::tui::theme::Theme;

impl Form {
    /// The line under a field: its problem, what the validation says, or a hint.
    fn note(f: &Field, focused: bool) -> Option<(String, bool)> {
        match (f.problem(), &f.finding, focused) {
            (Some(p), _, _) => Some((format!("✗ {p}"), true)),
            (None, Some(x), _) if x.refused => Some((format!("✗ {}", x.message), true)),
            (None, Some(x), _) => Some((format!("⚠ {}", x.message), false)),
            (None, None, true) if matches!(f.input, Input::Multi { .. }) => {
                Some(("←/→ move, Space toggles".to_string(), false))
            }
            (None, None, true) if matches!(f.input, Input::Choice { .. }) => {
                Some(("←/→ or a letter to choose".to_string(), false))
            }
            _ => None,
        }
    }

    /// Rows a field takes on screen: its input, the note under it (two rows
    /// when long), completions.
    fn rows(f: &Field, focused: bool, ron_height: u16, width: u16) -> u16 {
        let input = match f.input {
            Input::Ron { .. } => ron_height,
            _ => 1,
        };
        let long = Form::note(f, focused).is_some_and(|(t, _)| t.chars().count() > usize::from(width));
        input + 1 + u16::from(long) + u16::from(focused && !f.visible_suggestions().is_empty())
    }

    pub fn render(&mut self, frame: &mut Frame, screen: Rect, theme: &Theme) {
        let multiline = self.fields.iter().any(|f| matches!(f.input, Input::Ron { .. }));
        let width = screen.width.saturating_sub(4).min(if multiline { 100 } else { 76 });
        let ron_height = screen.height.saturating_sub(12).max(6);
        let footer = u16::from(self.live_problem.is_some()) + if self.error.is_some() { 2 } else { 0 };
        let label_w: u16 = 20;
        let note_w = width.saturating_sub(2 + label_w);
        let shown: Vec<usize> = (0..self.fields.len()).filter(|&i| !self.fields[i].hidden).collect();
        let body: u16 = shown
            .iter()
            .map(|&i| Form::rows(&self.fields[i], i == self.focus, ron_height, note_w))
            .sum();
        let height = (body + 2 + footer.max(1)).min(screen.height.saturating_sub(2));
        let area = Rect {
            x: screen.x + (screen.width.saturating_sub(width)) / 2,
            y: screen.y + (screen.height.saturating_sub(height)) / 2,
            width,
            height,
        };
        frame.render_widget(Clear, area);
        let inner = framed(frame, area, self.title.clone(), true, theme);
        let bottom = (inner.y + inner.height).saturating_sub(footer);
        // Scroll so the focused field shows on short terminals.
        let mut first = 0;
        let room = bottom.saturating_sub(inner.y);
        while first < shown.len() {
            let need: u16 = shown[first..]
                .iter()
                .take_while(|&&i| i <= self.focus)
                .map(|&i| Form::rows(&self.fields[i], i == self.focus, ron_height, note_w))
                .sum();
            if need <= room {
                break;
            }
            first += 1;
        }
        let mut y = inner.y;
        for &i in &shown[first..] {
            let focus = self.focus;
            let f = &mut self.fields[i];
            if y >= bottom {
                break;
            }
            let focused = i == focus;
            let label_style = if focused { theme.key() } else { theme.normal() };
            let problem = f.problem();
            let refused = f.finding.as_ref().is_some_and(|x| x.refused);
            let suggestions: Vec<String> = if focused {
                f.visible_suggestions().into_iter().cloned().collect()
            } else {
                Vec::new()
            };
            let is_ron = matches!(f.input, Input::Ron { .. });
            if !is_ron {
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        format!("{:>w$} ", f.label, w = label_w as usize - 1),
                        label_style,
                    )),
                    Rect::new(inner.x, y, label_w.min(inner.width), 1),
                );
            }
            let vx = if is_ron { inner.x } else { inner.x + label_w };
            let vw = inner.width.saturating_sub(vx - inner.x);
            let bad = problem.is_some() || refused;
            match &mut f.input {
                Input::Text { area: ta, .. } => {
                    let style = match (bad, f.fresh) {
                        (true, _) => theme.error(),
                        (false, true) => theme.dim(),
                        (false, false) => theme.normal(),
                    };
                    ta.set_style(style);
                    ta.set_cursor_line_style(ratatui::style::Style::default());
                    ta.set_cursor_style(if focused {
                        ratatui::style::Style::default().add_modifier(ratatui::style::Modifier::REVERSED)
                    } else {
                        style
                    });
                    frame.render_widget(&*ta, Rect::new(vx, y, vw, 1));
                }
                Input::Choice { options, idx } => {
                    let text = match options.get(*idx) {
                        Some(o) => format!("‹ {o} ›  ({}/{})", *idx + 1, options.len()),
                        None => "(nothing to choose — create one first)".into(),
                    };
                    let style = match (focused, bad) {
                        (_, true) => theme.error(),
                        (true, false) => theme.selected(true),
                        (false, false) => theme.normal(),
                    };
                    frame.render_widget(Paragraph::new(Span::styled(text, style)), Rect::new(vx, y, vw, 1));
                }
                Input::Multi {
                    options,
                    chosen,
                    cursor,
                    groups,
                } => {
                    let items: Vec<String> = options
                        .iter()
                        .zip(chosen.iter())
                        .enumerate()
                        .map(|(j, (o, c))| {
                            let mark = if *c { "[x]" } else { "[ ]" };
                            match groups
                                .get(j)
                                .and_then(|g| g.rsplit('-').next())
                                .filter(|g| !g.is_empty())
                            {
                                Some(az) => format!("{mark} {o} ({az})"),
                                None => format!("{mark} {o}"),
                            }
                        })
                        .collect();
                    // Keep the cursor in view: drop items from the left while it would not fit.
                    let width_of =
                        |a: usize, b: usize| -> usize { items[a..=b].iter().map(|s| s.chars().count() + 2).sum() };
                    let mut start = 0;
                    while start < *cursor && width_of(start, *cursor) + 2 > vw as usize {
                        start += 1;
                    }
                    let mut spans = Vec::new();
                    if start > 0 {
                        spans.push(Span::styled("… ", theme.dim()));
                    }
                    for (j, item) in items.iter().enumerate().skip(start) {
                        let style = if focused && j == *cursor {
                            theme.selected(true)
                        } else if bad {
                            theme.error()
                        } else {
                            theme.normal()
                        };
                        spans.push(Span::styled(item.clone(), style));
                        spans.push(Span::raw("  "));
                    }
                    if options.is_empty() {
                        spans.push(Span::styled("(none to choose)", theme.dim()));
                    }
                    frame.render_widget(Paragraph::new(Line::from(spans)), Rect::new(vx, y, vw, 1));
                }
                Input::Ron { area: ta, .. } => {
                    let h = ron_height.min(bottom.saturating_sub(y).saturating_sub(1)).max(1);
                    ta.set_cursor_line_style(ratatui::style::Style::default());
                    ta.set_style(theme.normal());
                    frame.render_widget(&*ta, Rect::new(vx, y, vw, h));
                    y += h - 1;
                }
            }
            y += 1;
            if y < bottom {
                if let Some((text, bad)) = Form::note(f, focused) {
                    let style = match (bad, text.starts_with('⚠')) {
                        (true, _) => theme.error(),
                        (false, true) => theme.warning(),
                        (false, false) => theme.dim(),
                    };
                    let h = if text.chars().count() > usize::from(vw) { 2 } else { 1 };
                    let h = h.min(bottom - y);
                    frame.render_widget(
                        Paragraph::new(Span::styled(text, style)).wrap(Wrap { trim: true }),
                        Rect::new(vx, y, vw, h),
                    );
                    y += h;
                } else {
                    y += 1;
                }
            }
            if !suggestions.is_empty() && y < bottom {
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        format!("Ctrl-n completes: {}", suggestions.join("  ")),
                        theme.accent(),
                    )),
                    Rect::new(vx, y, vw, 1),
                );
                y += 1;
            }
        }
        let mut fy = bottom;
        if let Some(p) = &self.live_problem {
            frame.render_widget(
                Paragraph::new(Span::styled(format!("✗ {p}"), theme.error())),
                Rect::new(inner.x, fy, inner.width, 1),
            );
            fy += 1;
        }
        if let Some(err) = &self.error {
            let h = 2.min((inner.y + inner.height).saturating_sub(fy));
            frame.render_widget(
                Paragraph::new(Span::styled(
                    match self.purpose {
                        // A path that cannot be read or written is not a refusal by AWS.
                        super::Purpose::File(_) => format!("error: {err}"),
                        _ => format!("refused: {err}"),
                    },
                    theme.error(),
                ))
                .wrap(Wrap { trim: true }),
                Rect::new(inner.x, fy, inner.width, h),
            );
        }
    }
}
