//! Drawing the trace panel: the verdict and notes above, the hop table
//! (with flow logs) or a picker below, and the query inputs.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::*;
use crate::cli::style::plural;

impl TracePane {
    pub(super) fn verdict_lines(&self, session: &TraceSession, t: &Theme, width: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        if !session.failures.is_empty() {
            out.push(Line::from(Span::styled(
                fit(
                    &format!(
                        "WHAT-IF (hypothetical, design unchanged): {}",
                        session.failure_labels.join(", ")
                    ),
                    width,
                ),
                t.warning().add_modifier(Modifier::BOLD),
            )));
        }
        if let Some(s) = &self.stale {
            out.push(Line::from(Span::styled(fit(&format!("✗ {s}"), width), t.error())));
        }
        if let Some(tr) = &session.trace {
            match &tr.blocked {
                None if tr.reachable => out.push(Line::from(vec![
                    Span::styled("✓ reachable", t.ok().add_modifier(Modifier::BOLD)),
                    Span::styled(
                        fit(
                            &format!(
                                " · {} forward hops, {} return hops",
                                tr.forward.len(),
                                tr.return_path.len()
                            ),
                            width.saturating_sub(11),
                        ),
                        t.dim(),
                    ),
                ])),
                None => out.push(Line::from(Span::styled(fit("✗ not reachable", width), t.error()))),
                Some(b) => {
                    let dir = b.direction.map(|d| format!(" {d}")).unwrap_or_default();
                    let leg = match b.leg {
                        Leg::Forward => "request",
                        Leg::Return => "reply",
                    };
                    let mark = if b.code == analysis::Code::Unsupported {
                        "?"
                    } else {
                        "✗"
                    };
                    // The explanation and the fix wrap: a student needs every word.
                    let head = format!("{mark} blocked: {leg} stopped at {}{dir} · {}", b.component, b.code);
                    for l in wrap(&head, width, "", "  ") {
                        out.push(Line::from(Span::styled(l, t.error())));
                    }
                    for l in wrap(&b.message, width, "  ", "  ") {
                        out.push(Line::from(Span::styled(l, t.error())));
                    }
                    out.extend(fix_lines(session, &b.hint, t, width));
                }
            }
        }
        match self.mark {
            Some(Mark::NowReachable) => out.push(Line::from(Span::styled(
                fit("▲ now reachable after your edit", width),
                t.ok().add_modifier(Modifier::BOLD),
            ))),
            Some(Mark::NowBlocked) => out.push(Line::from(Span::styled(
                fit("▼ now blocked after your edit", width),
                t.error(),
            ))),
            Some(Mark::Unchanged) => out.push(Line::from(Span::styled(
                fit("= verdict unchanged after your edit", width),
                t.dim(),
            ))),
            None => {}
        }
        out
    }

    pub(super) fn note_lines(&self, t: &Theme, width: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        let list = |title: String, changes: &[FlowChange], out: &mut Vec<Line<'static>>| {
            out.push(Line::from(Span::styled(fit(&title, width), t.title())));
            for c in changes.iter().take(NOTE_LINES) {
                let style = if c.opened { t.warning() } else { t.accent() };
                out.push(Line::from(Span::styled(fit(&format!("  {c}"), width), style)));
            }
            if changes.len() > NOTE_LINES {
                out.push(Line::from(Span::styled(
                    fit(
                        &format!("  … and {} more (vpcd diff lists all)", changes.len() - NOTE_LINES),
                        width,
                    ),
                    t.dim(),
                )));
            }
        };
        match &self.note {
            Some(Note::Edit(changes)) => {
                let opened = changes.iter().filter(|c| c.opened).count();
                list(
                    format!(
                        "Δ your edit opened {} and closed {} (c dismisses):",
                        plural(opened, "flow"),
                        plural(changes.len() - opened, "flow")
                    ),
                    changes,
                    &mut out,
                );
            }
            Some(Note::TooLarge { endpoints, verdicts }) => {
                let size = if *verdicts > 0 {
                    format!("{endpoints} endpoints, {verdicts} verdicts")
                } else {
                    format!("{endpoints} endpoints")
                };
                out.push(Line::from(Span::styled(
                    fit(
                        &format!(
                            "Δ no automatic reachability diff: the design is too large ({size}); save and run `vpcd diff OLD NEW` (c dismisses)"
                        ),
                        width,
                    ),
                    t.dim(),
                )));
            }
            Some(Note::Pending) => out.push(Line::from(Span::styled(
                fit("Δ checking which flows your edit opened or closed…", width),
                t.dim(),
            ))),
            None => {}
        }
        match &self.whatif_diff {
            Some(Ok(changes)) if !changes.is_empty() => list(
                format!(
                    "what-if changes {} among named endpoints:",
                    plural(changes.len(), "flow")
                ),
                changes,
                &mut out,
            ),
            Some(Ok(_)) => out.push(Line::from(Span::styled(
                fit("what-if: no flow among the named endpoints changes", width),
                t.dim(),
            ))),
            Some(Err(e)) => out.push(Line::from(Span::styled(fit(&format!("what-if: {e}"), width), t.dim()))),
            None => {}
        }
        out
    }

    /// The current hop's whole text (Enter on a hop; Esc closes): where it
    /// is on the path, the deciding rule or route, the packet before and
    /// after, and for the blocking hop its explanation and fix — wrapped.
    pub(super) fn detail_lines(&self, session: &TraceSession, t: &Theme, width: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        let (Some(tr), Some(i), Some(h)) = (&session.trace, session.current, session.current_hop()) else {
            return out;
        };
        let total = tr.forward.len() + tr.return_path.len();
        let (leg, n) = if i < tr.forward.len() {
            ("forward (request)", i + 1)
        } else {
            ("return (reply)", i + 1 - tr.forward.len())
        };
        let dir = h.direction.map(|d| format!(" {d}")).unwrap_or_default();
        let verdict = if h.passed { "passed" } else { "stopped here" };
        let title = format!(
            "hop {} of {total} · {leg} #{n} · {} {}{dir} · {verdict}",
            i + 1,
            h.kind.label(),
            h.id
        );
        let style = if h.passed { t.title() } else { t.error() };
        for l in wrap(&title, width, "", "  ") {
            out.push(Line::from(Span::styled(l, style)));
        }
        let field = |label: &str, value: &str, style: Style, out: &mut Vec<Line<'static>>| {
            let pad = " ".repeat(label.chars().count());
            for l in wrap(value, width, label, &pad) {
                out.push(Line::from(Span::styled(l, style)));
            }
        };
        field("decided by: ", &h.detail, t.normal(), &mut out);
        field("packet in:  ", &h.packet_in.to_string(), t.normal(), &mut out);
        field("packet out: ", &h.packet_out.to_string(), t.normal(), &mut out);
        if let Some(b) = tr.blocked.as_ref().filter(|_| !h.passed) {
            field(
                "why:        ",
                &format!("{} · {}", b.code, b.message),
                t.error(),
                &mut out,
            );
            out.extend(fix_lines(session, &b.hint, t, width));
        }
        out.push(Line::from(Span::styled(
            fit("n/p: next / previous hop · ↑/↓ scroll · Esc closes", width),
            t.dim(),
        )));
        out
    }

    /// The hop table (and flow logs and notes): lines plus the row of the current hop.
    /// The hop table, notes and flow logs, with the rows of the current hop and of the flow logs.
    /// The current hop's rows are a range: its table row plus the detail and packet lines under it.
    pub(super) fn body_lines(&self, session: &TraceSession, t: &Theme, width: usize, focused: bool) -> Body {
        let mut out: Vec<Line<'static>> = Vec::new();
        let mut hop_rows: Vec<(usize, usize)> = Vec::new();
        let mut current_row = None;
        let mut logs_row = None;
        let Some(tr) = &session.trace else {
            if session.query.is_none() && self.stale.is_none() {
                out.push(Line::from(Span::styled(
                    fit(
                        "t types a query (Tab: next field, Ctrl-n completes) · r: remembered queries",
                        width,
                    ),
                    t.dim(),
                )));
            }
            return Body {
                lines: out,
                current: None,
                logs: None,
                hop_rows,
            };
        };
        let wide = width >= 100;
        let comp_w = if wide { 24 } else { 20 };
        let pkt_w = if wide { 44 } else { 0 };
        let detail_w = width.saturating_sub(4 + comp_w + pkt_w + usize::from(wide));
        let header = if wide {
            format!(
                "  # {} {} {}",
                fit("component", comp_w - 1),
                fit("decided by", detail_w),
                "packet after the hop"
            )
        } else {
            format!("  # {} {}", fit("component", comp_w - 1), "decided by")
        };
        let mut idx = 0usize;
        for (title, hops) in [("forward (request)", &tr.forward), ("return (reply)", &tr.return_path)] {
            if hops.is_empty() {
                continue;
            }
            out.push(Line::from(Span::styled(fit(title, width), t.title())));
            if idx == 0 {
                out.push(Line::from(Span::styled(fit(&header, width), t.dim())));
            }
            for (i, h) in hops.iter().enumerate() {
                let is_current = session.current == Some(idx);
                hop_rows.push((out.len(), idx));
                out.push(hop_line(
                    h,
                    i + 1,
                    is_current,
                    comp_w,
                    detail_w,
                    pkt_w,
                    width,
                    t,
                    focused,
                ));
                if is_current {
                    let row = out.len() - 1;
                    // The whole deciding rule when the column cut it.
                    if h.detail.chars().count() > detail_w {
                        for l in wrap(&h.detail, width, "     ", "     ") {
                            out.push(Line::from(Span::styled(l, t.accent())));
                        }
                    }
                    if !wide {
                        let pkt = if h.packet_in != h.packet_out {
                            format!("{} ⇒ {}", h.packet_in, h.packet_out)
                        } else {
                            format!("packet: {}", h.packet_out)
                        };
                        for l in wrap(&pkt, width, "     ", "     ") {
                            out.push(Line::from(Span::styled(l, t.accent())));
                        }
                    }
                    current_row = Some((row, out.len() - 1));
                }
                idx += 1;
            }
        }
        for n in &tr.notes {
            out.push(Line::from(Span::styled(fit(&format!("note: {n}"), width), t.dim())));
        }
        if self.flow_logs {
            logs_row = Some(out.len());
            if tr.flow_logs.is_empty() {
                out.push(Line::from(Span::styled(
                    fit(
                        "flow logs: no flow log captures the ENIs on this path (add one to the VPC, subnet or ENI)",
                        width,
                    ),
                    t.dim(),
                )));
            } else {
                out.push(Line::from(Span::styled(
                    fit("flow-log records (version 2) the ENIs on the path would write:", width),
                    t.title(),
                )));
                for r in &tr.flow_logs {
                    out.push(Line::from(fit(&format!("  {}: {}", r.flow_log, r.line()), width)));
                }
            }
        } else if !tr.flow_logs.is_empty() {
            out.push(Line::from(Span::styled(
                fit(
                    &format!("f shows {}", plural(tr.flow_logs.len(), "flow-log record")),
                    width,
                ),
                t.dim(),
            )));
        }
        Body {
            lines: out,
            current: current_row,
            logs: logs_row,
            hop_rows,
        }
    }

    pub(super) fn picker_lines(&self, t: &Theme, width: usize, focused: bool) -> (Vec<Line<'static>>, usize) {
        let mut out = Vec::new();
        let Some(p) = &self.picker else {
            return (out, 0);
        };
        let title = match p.kind {
            PickerKind::Remembered => "remembered queries (Enter runs, d forgets, Esc closes):",
            PickerKind::WhatIf => "what-if: fail which component? (Enter picks, Esc closes)",
        };
        out.push(Line::from(Span::styled(fit(title, width), t.title())));
        if p.items.is_empty() {
            out.push(Line::from(Span::styled(
                fit("none yet: run a query and press s to remember it", width),
                t.dim(),
            )));
        }
        for (i, (label, _)) in p.items.iter().enumerate() {
            let mut l = Line::from(fit(&format!("  {label}"), width));
            if i == p.cursor {
                l = l.style(t.selected(focused));
            }
            out.push(l);
        }
        (out, p.cursor + 1)
    }

    pub(super) fn render_inputs(&mut self, frame: &mut Frame, area: Rect, t: &Theme) {
        // Row 1: from, to; row 2: proto, port, sport.
        let half = area.width / 2;
        let mut place = |i: usize, x: u16, y: u16, w: u16, frame: &mut Frame| {
            let label = format!("{} ", FIELDS[i]);
            let lw = label.chars().count() as u16;
            let style = if i == self.field { t.key() } else { t.dim() };
            frame.render_widget(
                Paragraph::new(Span::styled(label, style)),
                Rect::new(x, y, lw.min(w), 1),
            );
            let input = &mut self.inputs[i];
            input.set_cursor_line_style(Style::default());
            input.set_style(Style::default().add_modifier(Modifier::UNDERLINED));
            input.set_cursor_style(if i == self.field {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            });
            let r = Rect::new(x + lw.min(w), y, w.saturating_sub(lw + 1), 1);
            frame.render_widget(&*input, r);
        };
        place(0, area.x, area.y, half, frame);
        place(1, area.x + half, area.y, area.width - half, frame);
        if area.height > 1 {
            let third = area.width / 3;
            place(2, area.x, area.y + 1, third, frame);
            place(3, area.x + third, area.y + 1, third, frame);
            place(4, area.x + 2 * third, area.y + 1, area.width - 2 * third, frame);
        }
    }
}

/// The blocking hop's fix, wrapped — unless practice mode keeps it for a
/// hint (the fix is what a practice hint sells).
fn fix_lines(session: &TraceSession, hint: &str, t: &Theme, width: usize) -> Vec<Line<'static>> {
    if hint.is_empty() {
        return Vec::new();
    }
    let (text, style) = if session.fix_visible() {
        (hint, t.normal())
    } else {
        (
            "hidden while practising: a hint (Enter in the practice pane) shows it",
            t.dim(),
        )
    };
    wrap(text, width, "fix: ", "     ")
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                let rest: String = l.chars().skip(5).collect();
                Line::from(vec![Span::styled("fix: ", t.key()), Span::styled(rest, style)])
            } else {
                Line::from(Span::styled(l, style))
            }
        })
        .collect()
}

/// The scrollable part of the pane.
pub(super) struct Body {
    pub(super) lines: Vec<Line<'static>>,
    /// The current hop's first and last line (its row, then detail and packet).
    pub(super) current: Option<(usize, usize)>,
    /// The first flow-log line.
    pub(super) logs: Option<usize>,
    /// (line, hop index) of every hop row.
    pub(super) hop_rows: Vec<(usize, usize)>,
}

#[allow(clippy::too_many_arguments)]
fn hop_line(
    h: &Hop,
    n: usize,
    current: bool,
    comp_w: usize,
    detail_w: usize,
    pkt_w: usize,
    width: usize,
    t: &Theme,
    focused: bool,
) -> Line<'static> {
    let mark = if !h.passed {
        "✗"
    } else if current {
        "▶"
    } else {
        " "
    };
    let comp = format!("{} {}", h.kind.label(), h.id);
    let mut s = format!("{mark}{n:>2} {} {}", fit(&comp, comp_w - 1), fit(&h.detail, detail_w));
    if pkt_w > 0 {
        s.push(' ');
        s.push_str(&fit(&h.packet_out.to_string(), pkt_w));
    }
    let mut style = if h.passed { t.normal() } else { t.error() };
    if current {
        style = style.patch(t.selected(true));
        if !focused {
            style = style.add_modifier(Modifier::BOLD);
        }
    }
    Line::from(Span::styled(fit(&s, width), style))
}
