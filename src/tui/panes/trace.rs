//! The trace panel: one packet's journey hop by hop.
//!
//! Type a query (source, destination, protocol, port, optional source port;
//! Tab completes names), Enter runs it. The forward and return hops show as a
//! table with the deciding rule or route and the packet after each hop, under
//! the verdict (✓ reachable, or ✗ the blocking hop with its explanation code
//! and fix). `n`/`p` step through the hops, Space plays them; the path and the
//! current hop are drawn on the diagram (published through the app, see
//! [`Pane::published_path`]). After every edit, undo or redo the trace re-runs
//! and the panel says whether the verdict changed; a short note lists the
//! flows among the design's named endpoints the edit opened or closed
//! (computed when the user is idle, and only on designs small enough for the
//! all-pairs diff — larger ones point to `vpcd diff`). `w` fails a component
//! (what-if, clearly labelled hypothetical), `f` shows the flow-log records,
//! `r` picks a remembered query, `s` remembers the current one in the design.

use std::rc::Rc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_textarea::TextArea;

use super::{fit, framed, scroll_to, step, Ctx, Msg, Pane, PathView, Region};
use crate::analysis::query::{
    self, candidates, common_prefix, endpoint_names, failure_choices, parse_failures, parse_fields, FIELDS, PROTOCOLS,
};
use crate::analysis::{self, FlowChange, Hop, Leg, Query, Trace};
use crate::edit::Edit;
use crate::model::{Design, TraceQuery};
use crate::tui::keymap::{self, Action, Context, Key};
use crate::tui::theme::Theme;

/// The inputs, in order.
/// Time between two hops when playing.
pub const PLAY_STEP: Duration = Duration::from_millis(450);
/// Idle time after an edit before the reachability diff runs.
pub const DIFF_IDLE: Duration = Duration::from_millis(300);
/// Idle time after an edit before a deferred re-trace runs (large designs).
pub const RETRACE_IDLE: Duration = Duration::from_millis(120);
/// Designs with more named endpoints than this get no automatic diff.
pub const DIFF_MAX_ENDPOINTS: usize = 400;
/// Nor do designs whose diff would compute more verdicts than this (about
/// 4 µs each in a release build: ~1.6 s on a worker thread).
pub const DIFF_MAX_VERDICTS: usize = 400_000;
/// Up to this many verdicts (~20 ms) the diff runs on the idle tick itself;
/// above, on a worker thread whose result a later tick collects, so the
/// interface never stalls.
pub const DIFF_SYNC_VERDICTS: usize = 5_000;
/// The what-if diff runs when the user picks a failure (and on the idle tick
/// after an edit): up to this many verdicts (~200 ms).
pub const WHATIF_MAX_VERDICTS: usize = 50_000;
/// Up to this many objects (instances + subnets) the trace re-runs right
/// after an edit; above, on the next idle tick (building the analyzer takes
/// tens of ms on 12,000 instances, which must not sit on every keystroke).
pub const IMMEDIATE_RETRACE_OBJECTS: usize = 2_000;
/// Flow changes listed in the note before "… and N more".
const NOTE_LINES: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PickerKind {
    Remembered,
    WhatIf,
}

struct Picker {
    kind: PickerKind,
    /// (label, value): a remembered query's index, or a failure spec ("" = none).
    items: Vec<(String, String)>,
    cursor: usize,
}

/// How the verdict moved with the last edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    NowReachable,
    NowBlocked,
    Unchanged,
}

/// The dismissable reachability note.
#[derive(Debug, Clone)]
enum Note {
    /// Flows the last edit(s) opened or closed.
    Edit(Vec<FlowChange>),
    /// The design is too large for an automatic diff.
    TooLarge { endpoints: usize, verdicts: usize },
    /// A worker thread is computing the diff.
    Pending,
}

/// A reachability diff running on a worker thread.
struct DiffJob {
    handle: std::thread::JoinHandle<Vec<FlowChange>>,
}

pub struct TracePane {
    inputs: Vec<TextArea<'static>>,
    field: usize,
    editing: bool,
    /// Why the typed query cannot run (the QueryError text).
    error: Option<String>,
    /// Completion candidates frozen while Tab cycles through them.
    cycle: Option<(Vec<String>, usize)>,
    names: Option<(u64, Rc<Vec<String>>)>,
    query: Option<TraceQuery>,
    /// What-if failures (`az:NAME` or a component name).
    failures: Vec<String>,
    /// How the failures read (`AZ us-east-1a down`, `nat-a removed`).
    failure_labels: Vec<String>,
    trace: Option<Rc<Trace>>,
    /// Why the query stopped running after an edit (an endpoint deleted …).
    stale: Option<String>,
    traced_rev: Option<u64>,
    mark: Option<Mark>,
    current: Option<usize>,
    playing: bool,
    last_play: Option<Instant>,
    flow_logs: bool,
    /// Scroll to the current hop (or the flow logs) at the next frame.
    follow: bool,
    reveal_logs: bool,
    scroll: usize,
    height: usize,
    /// Where the scrolling body starts (rows below the pane's top) and which
    /// rows show which hop, from the last frame (mouse clicks).
    body_top: usize,
    clickable: Vec<(usize, usize)>,
    picker: Option<Picker>,
    retrace_since: Option<Instant>,
    /// The design the next diff compares with (small designs only).
    baseline: Option<(u64, Design)>,
    diff_since: Option<Instant>,
    note: Option<Note>,
    job: Option<DiffJob>,
    /// The what-if diff is stale since an edit; recomputed when idle.
    whatif_since: Option<Instant>,
    /// The "too large for an automatic diff" note was dismissed: not shown again.
    quiet_too_large: bool,
    /// What the what-if failures close, when set.
    whatif_diff: Option<Result<Vec<FlowChange>, String>>,
}

impl Default for TracePane {
    fn default() -> Self {
        let inputs = FIELDS
            .iter()
            .map(|f| {
                let mut t = TextArea::default();
                t.set_placeholder_text(match *f {
                    "from" => "source (Tab completes)",
                    "to" => "destination",
                    "proto" => "tcp",
                    "port" => "443",
                    _ => "auto",
                });
                t
            })
            .collect();
        TracePane {
            inputs,
            field: 0,
            editing: false,
            error: None,
            cycle: None,
            names: None,
            query: None,
            failures: Vec::new(),
            failure_labels: Vec::new(),
            trace: None,
            stale: None,
            traced_rev: None,
            mark: None,
            current: None,
            playing: false,
            last_play: None,
            flow_logs: false,
            follow: false,
            reveal_logs: false,
            scroll: 0,
            height: 0,
            body_top: 0,
            clickable: Vec::new(),
            picker: None,
            retrace_since: None,
            baseline: None,
            diff_since: None,
            note: None,
            job: None,
            whatif_since: None,
            quiet_too_large: false,
            whatif_diff: None,
        }
    }
}

fn set_text(t: &mut TextArea<'static>, s: &str) {
    t.select_all();
    t.cut();
    t.insert_str(s);
}

fn text(t: &TextArea<'_>) -> String {
    t.lines().join("").trim().to_string()
}

/// Whether the automatic reachability diff fits the idle budget on this design.
/// `Ok(verdicts)` when it does.
fn diff_budget(d: &Design, idx: &crate::model::DesignIndex) -> Result<usize, Note> {
    let endpoints = d.instances.len() + d.load_balancers.len() + 1 + d.onprem_networks.len();
    if endpoints > DIFF_MAX_ENDPOINTS {
        return Err(Note::TooLarge { endpoints, verdicts: 0 });
    }
    let verdicts = analysis::diff_cost(d, idx);
    if verdicts > DIFF_MAX_VERDICTS {
        return Err(Note::TooLarge { endpoints, verdicts });
    }
    Ok(verdicts)
}

impl TracePane {
    /// The query last run, if any.
    pub fn query(&self) -> Option<&TraceQuery> {
        self.query.as_ref()
    }

    /// The current trace, if the query runs.
    pub fn trace(&self) -> Option<&Trace> {
        self.trace.as_deref()
    }

    fn hop_count(&self) -> usize {
        self.trace
            .as_ref()
            .map(|t| t.forward.len() + t.return_path.len())
            .unwrap_or(0)
    }

    fn names(&mut self, ctx: &Ctx) -> Rc<Vec<String>> {
        let rev = ctx.ws.revision();
        match &self.names {
            Some((r, n)) if *r == rev => n.clone(),
            _ => {
                let n = Rc::new(endpoint_names(ctx.ws.design()));
                self.names = Some((rev, n.clone()));
                n
            }
        }
    }

    fn field_candidates(&mut self, ctx: &Ctx) -> Vec<String> {
        let typed = text(&self.inputs[self.field]);
        match self.field {
            0 | 1 => {
                let names = self.names(ctx);
                candidates(&typed, &names)
            }
            2 => candidates(&typed, &PROTOCOLS.map(String::from)),
            3 => {
                let to = text(&self.inputs[1]);
                let d = ctx.ws.design();
                let ports = query::port_suggestions(d, ctx.ws.index(), &to);
                candidates(&typed, &ports)
            }
            _ => Vec::new(),
        }
    }

    fn complete(&mut self, ctx: &Ctx) {
        if let Some((list, i)) = &mut self.cycle {
            if !list.is_empty() {
                *i = (*i + 1) % list.len();
                let s = list[*i].clone();
                set_text(&mut self.inputs[self.field], &s);
            }
            return;
        }
        let list = self.field_candidates(ctx);
        let typed = text(&self.inputs[self.field]);
        match list.len() {
            0 => self.error = Some(format!("{}: nothing matches `{typed}`", FIELDS[self.field])),
            1 => {
                set_text(&mut self.inputs[self.field], &list[0]);
                self.error = None;
            }
            _ => {
                let prefix = common_prefix(&list);
                if prefix.chars().count() > typed.chars().count() && list.iter().all(|c| c.starts_with(&prefix)) {
                    set_text(&mut self.inputs[self.field], &prefix);
                } else {
                    set_text(&mut self.inputs[self.field], &list[0]);
                    self.cycle = Some((list, 0));
                }
                self.error = None;
            }
        }
    }

    fn fill(&mut self, q: &TraceQuery) {
        let values = [
            q.from.clone(),
            q.to.clone(),
            q.proto.to_string(),
            q.port.map(|p| p.to_string()).unwrap_or_default(),
            q.sport.map(|p| p.to_string()).unwrap_or_default(),
        ];
        for (t, v) in self.inputs.iter_mut().zip(values) {
            set_text(t, &v);
        }
    }

    fn evaluate(&self, ctx: &Ctx, q: &TraceQuery) -> Result<Trace, String> {
        let d = ctx.ws.design();
        let failures = parse_failures(d, &self.failures);
        if failures.is_empty() {
            // The workspace's analysis of this revision: compiled once, patched by edits.
            return ctx.ws.trace(&Query::from(q)).map_err(|e| e.to_string());
        }
        analysis::trace_with_failures(d, ctx.ws.index(), q, &failures).map_err(|e| e.to_string())
    }

    /// Runs the typed query. On bad input the error shows inline and editing continues.
    fn submit(&mut self, ctx: &Ctx) -> Msg {
        let values: Vec<String> = self.inputs.iter().map(text).collect();
        let q = match parse_fields(&values) {
            Ok(q) => q,
            Err(e) => {
                self.error = Some(e);
                return Msg::Consumed;
            }
        };
        match self.evaluate(ctx, &q) {
            Ok(t) => {
                self.editing = false;
                self.error = None;
                let summary = t.summary();
                self.show(ctx, q, t);
                Msg::Status(summary)
            }
            Err(e) => {
                self.error = Some(e);
                Msg::Consumed
            }
        }
    }

    /// Makes `t` (the answer to `q`) the current trace, from its first hop.
    fn show(&mut self, ctx: &Ctx, q: TraceQuery, t: Trace) {
        self.query = Some(q);
        self.trace = Some(Rc::new(t));
        self.stale = None;
        self.traced_rev = Some(ctx.ws.revision());
        self.mark = None;
        self.current = Some(0);
        self.follow = true;
        self.playing = false;
        self.scroll = 0;
        self.picker = None;
        self.retrace_since = None;
    }

    /// Re-runs the current query on the current design and marks a changed verdict.
    fn retrace(&mut self, ctx: &Ctx) {
        self.retrace_since = None;
        let Some(q) = self.query.clone() else {
            return;
        };
        let before = self.trace.as_ref().map(|t| t.reachable);
        self.traced_rev = Some(ctx.ws.revision());
        match self.evaluate(ctx, &q) {
            Ok(t) => {
                self.mark = Some(match (before, t.reachable) {
                    (Some(false) | None, true) => Mark::NowReachable,
                    (Some(true), false) => Mark::NowBlocked,
                    _ => Mark::Unchanged,
                });
                let hops = t.forward.len() + t.return_path.len();
                self.current = self.current.map(|c| c.min(hops.saturating_sub(1)));
                self.trace = Some(Rc::new(t));
                self.stale = None;
            }
            Err(e) => {
                self.trace = None;
                self.current = None;
                self.playing = false;
                self.mark = None;
                self.stale = Some(format!("the query no longer runs after your edit: {e}"));
            }
        }
        if !self.failures.is_empty() {
            self.whatif_since = Some(Instant::now());
        }
    }

    fn set_failures(&mut self, failures: Vec<String>, ctx: &Ctx) {
        let d = ctx.ws.design();
        self.failure_labels = parse_failures(d, &failures).iter().map(ToString::to_string).collect();
        self.failures = failures;
    }

    fn whatif(&self, ctx: &Ctx) -> Result<Vec<FlowChange>, String> {
        let d = ctx.ws.design();
        match diff_budget(d, ctx.ws.index()) {
            Ok(v) if v <= WHATIF_MAX_VERDICTS => {}
            _ => {
                return Err("too many flows for an automatic what-if diff; run `vpcd trace --fail` per flow".into());
            }
        }
        analysis::diff_under_failures(d, ctx.ws.index(), &parse_failures(d, &self.failures)).map_err(|e| e.to_string())
    }

    /// Runs the pending reachability diff against the baseline.
    fn run_diff(&mut self, ctx: &Ctx) {
        if self.job.is_some() {
            // One at a time: the next tick after it finishes diffs the rest.
            return;
        }
        self.diff_since = None;
        let ws = ctx.ws;
        let d = ws.design();
        let verdicts = match diff_budget(d, ws.index()) {
            Ok(v) => v,
            Err(note) => {
                if !self.quiet_too_large {
                    self.note = Some(note);
                }
                self.baseline = None;
                return;
            }
        };
        let Some((_, old)) = self.baseline.take() else {
            self.baseline = Some((ws.revision(), d.clone()));
            return;
        };
        if verdicts <= DIFF_SYNC_VERDICTS {
            let changes = analysis::diff_designs_with_egress(&old, d);
            self.note = (!changes.is_empty()).then_some(Note::Edit(changes));
        } else {
            let new = d.clone();
            let spawned = std::thread::Builder::new()
                .name("vpcd-diff".into())
                .spawn(move || analysis::diff_designs_with_egress(&old, &new));
            match spawned {
                Ok(handle) => {
                    self.job = Some(DiffJob { handle });
                    self.note = Some(Note::Pending);
                }
                Err(_) => self.note = None,
            }
        }
        self.baseline = Some((ws.revision(), d.clone()));
    }

    /// Collects a finished worker diff.
    fn collect_diff(&mut self) {
        if !self.job.as_ref().is_some_and(|j| j.handle.is_finished()) {
            return;
        }
        if let Some(job) = self.job.take() {
            // A panicking diff shows nothing rather than taking the designer down.
            let changes = job.handle.join().unwrap_or_default();
            if matches!(self.note, Some(Note::Pending)) || self.note.is_none() {
                self.note = (!changes.is_empty()).then_some(Note::Edit(changes));
            }
        }
    }

    /// Keeps the baseline on the design as the user sees it before an edit.
    fn ensure_baseline(&mut self, ctx: &Ctx) {
        let ws = ctx.ws;
        if self.diff_since.is_some() {
            return;
        }
        let fresh = self.baseline.as_ref().is_some_and(|(r, _)| *r == ws.revision());
        if !fresh && diff_budget(ws.design(), ws.index()).is_ok() {
            self.baseline = Some((ws.revision(), ws.design().clone()));
        }
    }

    fn open_picker(&mut self, kind: PickerKind, ctx: &Ctx) {
        let d = ctx.ws.design();
        let items = match kind {
            PickerKind::Remembered => d
                .traces
                .iter()
                .enumerate()
                .map(|(i, q)| (query::label(q), i.to_string()))
                .collect(),
            PickerKind::WhatIf => failure_choices(d),
        };
        self.picker = Some(Picker { kind, items, cursor: 0 });
    }

    fn choose(&mut self, ctx: &Ctx) -> Msg {
        let Some(p) = self.picker.take() else {
            return Msg::Consumed;
        };
        let Some((label, value)) = p.items.get(p.cursor).cloned() else {
            return Msg::Consumed;
        };
        match p.kind {
            PickerKind::Remembered => {
                let q = value
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| ctx.ws.design().traces.get(i).cloned());
                match q {
                    Some(q) => {
                        self.fill(&q);
                        match self.evaluate(ctx, &q) {
                            Ok(t) => {
                                let s = t.summary();
                                self.show(ctx, q, t);
                                Msg::Status(s)
                            }
                            Err(e) => {
                                self.error = Some(e);
                                self.editing = true;
                                Msg::Consumed
                            }
                        }
                    }
                    None => Msg::Consumed,
                }
            }
            PickerKind::WhatIf => {
                self.set_failures(if value.is_empty() { Vec::new() } else { vec![value] }, ctx);
                if self.query.is_some() {
                    self.retrace(ctx);
                    self.mark = None;
                }
                self.whatif_since = None;
                self.whatif_diff = (!self.failures.is_empty()).then(|| self.whatif(ctx));
                Msg::Status(if self.failures.is_empty() {
                    "what-if cleared: tracing the design as it is".into()
                } else {
                    format!("what-if (hypothetical, the design is unchanged): {label}")
                })
            }
        }
    }

    fn step_hop(&mut self, forward: bool) {
        let n = self.hop_count();
        if n == 0 {
            self.current = None;
            return;
        }
        self.current = Some(match (self.current, forward) {
            (None, _) => 0,
            (Some(c), true) => (c + 1).min(n - 1),
            (Some(c), false) => c.saturating_sub(1),
        });
        self.follow = true;
    }

    // ------------------------------------------------------------- drawing

    fn verdict_lines(&self, t: &Theme, width: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        if !self.failures.is_empty() {
            out.push(Line::from(Span::styled(
                fit(
                    &format!(
                        "WHAT-IF (hypothetical, design unchanged): {}",
                        self.failure_labels.join(", ")
                    ),
                    width,
                ),
                t.warning().add_modifier(Modifier::BOLD),
            )));
        }
        if let Some(s) = &self.stale {
            out.push(Line::from(Span::styled(fit(&format!("✗ {s}"), width), t.error())));
        }
        if let Some(tr) = &self.trace {
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
                    out.push(Line::from(Span::styled(
                        fit(
                            &format!("{mark} blocked: {leg} stopped at {}{dir} · {}", b.component, b.code),
                            width,
                        ),
                        t.error(),
                    )));
                    out.push(Line::from(Span::styled(
                        fit(&format!("  {}", b.message), width),
                        t.error(),
                    )));
                    if !b.hint.is_empty() {
                        out.push(Line::from(vec![
                            Span::styled("fix: ", t.key()),
                            Span::raw(fit(&b.hint, width.saturating_sub(5))),
                        ]));
                    }
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

    fn note_lines(&self, t: &Theme, width: usize) -> Vec<Line<'static>> {
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
                        "Δ your edit opened {opened} and closed {} flows (c dismisses):",
                        changes.len() - opened
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
                format!("what-if changes {} flows among named endpoints:", changes.len()),
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

    /// The hop table (and flow logs and notes): lines plus the row of the current hop.
    /// The hop table, notes and flow logs, with the rows of the current hop and of the flow logs.
    /// The current hop's rows are a range: its table row plus the detail and packet lines under it.
    fn body_lines(&self, t: &Theme, width: usize, focused: bool) -> Body {
        let mut out: Vec<Line<'static>> = Vec::new();
        let mut hop_rows: Vec<(usize, usize)> = Vec::new();
        let mut current_row = None;
        let mut logs_row = None;
        let Some(tr) = &self.trace else {
            if self.query.is_none() && self.stale.is_none() {
                out.push(Line::from(Span::styled(
                    fit(
                        "Enter types a query (from, to, proto, port; Tab completes) · r: remembered queries",
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
                let is_current = self.current == Some(idx);
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
                        out.push(Line::from(Span::styled(
                            fit(&format!("     {}", h.detail), width),
                            t.accent(),
                        )));
                    }
                    if !wide {
                        let pkt = if h.packet_in != h.packet_out {
                            format!("     {} ⇒ {}", h.packet_in, h.packet_out)
                        } else {
                            format!("     packet: {}", h.packet_out)
                        };
                        out.push(Line::from(Span::styled(fit(&pkt, width), t.accent())));
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
                fit(&format!("f shows {} flow-log records", tr.flow_logs.len()), width),
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

    fn picker_lines(&self, t: &Theme, width: usize, focused: bool) -> (Vec<Line<'static>>, usize) {
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

    fn render_inputs(&mut self, frame: &mut Frame, area: Rect, t: &Theme) {
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

/// The scrollable part of the pane.
struct Body {
    lines: Vec<Line<'static>>,
    /// The current hop's first and last line (its row, then detail and packet).
    current: Option<(usize, usize)>,
    /// The first flow-log line.
    logs: Option<usize>,
    /// (line, hop index) of every hop row.
    hop_rows: Vec<(usize, usize)>,
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

impl Pane for TracePane {
    fn title(&self, _ctx: &Ctx) -> String {
        let what_if = if self.failures.is_empty() { "" } else { " · WHAT-IF" };
        match (&self.query, &self.trace) {
            (Some(q), Some(t)) => format!(
                "Trace · {} · {}{what_if}",
                query::label(q),
                if t.reachable { "✓ reachable" } else { "✗ blocked" }
            ),
            (Some(q), None) => format!("Trace · {}{what_if}", query::label(q)),
            _ => format!("Trace{what_if} (Enter: query, r: remembered)"),
        }
    }
    fn context(&self) -> Context {
        if self.editing {
            Context::TraceInput
        } else {
            Context::Trace
        }
    }
    fn region(&self) -> Region {
        Region::Bottom
    }
    fn weight(&self) -> u16 {
        2
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx, focused: bool) {
        self.ensure_baseline(ctx);
        let t = ctx.theme;
        let inner = framed(frame, area, self.title(ctx), focused, &t);
        if inner.height == 0 || inner.width == 0 {
            return;
        }
        let width = inner.width as usize;
        let mut y = inner.y;
        let bottom = inner.y + inner.height;
        if self.editing {
            let rows = 2.min(bottom - y);
            self.render_inputs(frame, Rect::new(inner.x, y, inner.width, rows), &t);
            y += rows;
            if y < bottom {
                let line = match &self.error {
                    Some(e) => Line::from(Span::styled(fit(&format!("✗ {e}"), width), t.error())),
                    None => {
                        let (list, cur) = match &self.cycle {
                            Some((l, i)) => (l.clone(), Some(*i)),
                            None => (self.field_candidates(ctx), None),
                        };
                        let mut spans = vec![Span::styled("Tab: ", t.key())];
                        for (i, c) in list.iter().take(12).enumerate() {
                            let style = if Some(i) == cur { t.selected(true) } else { t.dim() };
                            spans.push(Span::styled(c.clone(), style));
                            spans.push(Span::raw(" "));
                        }
                        if list.len() > 12 {
                            spans.push(Span::styled(format!("… {} more", list.len() - 12), t.dim()));
                        }
                        if list.is_empty() {
                            spans.push(Span::styled("no completion", t.dim()));
                        }
                        Line::from(spans)
                    }
                };
                frame.render_widget(Paragraph::new(line), Rect::new(inner.x, y, inner.width, 1));
                y += 1;
            }
        } else if let Some(q) = &self.query {
            let line = Line::from(vec![
                Span::styled(fit(&query::label(q), width.saturating_sub(18)), t.title()),
                Span::styled(" (Enter edits)", t.dim()),
            ]);
            frame.render_widget(Paragraph::new(line), Rect::new(inner.x, y, inner.width, 1));
            y += 1;
        }
        let mut head = self.verdict_lines(&t, width);
        head.extend(self.note_lines(&t, width));
        // Keep at least 3 rows for the table.
        let room = usize::from(bottom.saturating_sub(y));
        let head_rows = head.len().min(room.saturating_sub(3).max(room.min(2)));
        head.truncate(head_rows);
        if !head.is_empty() {
            let h = head.len() as u16;
            frame.render_widget(Paragraph::new(head), Rect::new(inner.x, y, inner.width, h));
            y += h;
        }
        if y >= bottom {
            return;
        }
        let body = Rect::new(inner.x, y, inner.width, bottom - y);
        self.height = usize::from(body.height);
        self.body_top = usize::from(y - inner.y);
        self.clickable.clear();
        let (lines, offset) = if self.picker.is_some() {
            // The list scrolls just enough to show the highlighted entry.
            let (l, row) = self.picker_lines(&t, width, focused);
            (l, (row + 1).saturating_sub(self.height))
        } else {
            let Body {
                lines: l,
                current: current_row,
                logs: logs_row,
                hop_rows,
            } = self.body_lines(&t, width, focused);
            if let (true, Some(r)) = (self.reveal_logs, logs_row) {
                self.scroll = r;
            } else if let (true, Some((first, last))) = (self.follow, current_row) {
                // The lines under the current hop (detail, packet) stay visible too.
                self.scroll = scroll_to(self.scroll, last, self.height);
                self.scroll = scroll_to(self.scroll, first, self.height);
            }
            self.reveal_logs = false;
            self.follow = false;
            self.scroll = self.scroll.min(l.len().saturating_sub(1));
            // Screen row (within the pane) → hop, for clicks.
            self.clickable = hop_rows
                .into_iter()
                .filter(|(line, _)| *line >= self.scroll && *line < self.scroll + self.height)
                .map(|(line, hop)| (self.body_top + line - self.scroll, hop))
                .collect();
            (l, self.scroll)
        };
        let visible: Vec<Line> = lines.into_iter().skip(offset).take(self.height).collect();
        frame.render_widget(Paragraph::new(visible), body);
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        if let Some(p) = &mut self.picker {
            match action {
                Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Home | Action::End => {
                    p.cursor = step(p.cursor, p.items.len(), action, self.height);
                    return Msg::Consumed;
                }
                Action::EditQuery | Action::Enter | Action::Submit => return self.choose(ctx),
                Action::Cancel => {
                    self.picker = None;
                    return Msg::Consumed;
                }
                Action::Delete if p.kind == PickerKind::Remembered => {
                    let i = p.cursor;
                    let mut traces = ctx.ws.design().traces.clone();
                    if i < traces.len() {
                        traces.remove(i);
                        self.picker = None;
                        return Msg::Apply(Edit::SetTraces(traces));
                    }
                    return Msg::Consumed;
                }
                _ => self.picker = None,
            }
        }
        match action {
            Action::EditQuery | Action::Enter => {
                self.editing = true;
                self.cycle = None;
                Msg::Consumed
            }
            // From the palette while not editing.
            Action::Submit => self.submit(ctx),
            Action::NextHop => {
                self.playing = false;
                self.step_hop(true);
                Msg::Consumed
            }
            Action::PrevHop => {
                self.playing = false;
                self.step_hop(false);
                Msg::Consumed
            }
            Action::PlayHops => {
                if self.hop_count() == 0 {
                    return Msg::Status("run a trace first (Enter types a query)".into());
                }
                self.playing = !self.playing;
                if self.playing {
                    // Start over when at the end.
                    if self.current.is_none_or(|c| c + 1 >= self.hop_count()) {
                        self.current = Some(0);
                    }
                    self.last_play = None;
                }
                Msg::Consumed
            }
            Action::Up => {
                self.scroll = self.scroll.saturating_sub(1);
                Msg::Consumed
            }
            Action::Down => {
                self.scroll += 1;
                Msg::Consumed
            }
            Action::PageUp => {
                self.scroll = self.scroll.saturating_sub(self.height.max(1));
                Msg::Consumed
            }
            Action::PageDown => {
                self.scroll += self.height.max(1);
                Msg::Consumed
            }
            Action::RememberQuery => match &self.query {
                None => Msg::Status("run a query first, then s remembers it".into()),
                Some(q) if ctx.ws.design().traces.contains(q) => {
                    Msg::Status(format!("{} is already remembered", query::label(q)))
                }
                Some(q) => {
                    let mut traces = ctx.ws.design().traces.clone();
                    traces.push(q.clone());
                    Msg::Apply(Edit::SetTraces(traces))
                }
            },
            Action::RecallQuery => {
                self.open_picker(PickerKind::Remembered, ctx);
                Msg::Consumed
            }
            Action::WhatIf => {
                self.open_picker(PickerKind::WhatIf, ctx);
                Msg::Consumed
            }
            Action::ToggleFlowLogs => {
                self.flow_logs = !self.flow_logs;
                self.reveal_logs = self.flow_logs;
                Msg::Consumed
            }
            Action::DismissNote => {
                if matches!(self.note, Some(Note::TooLarge { .. })) {
                    self.quiet_too_large = true;
                }
                self.note = None;
                self.whatif_diff = None;
                Msg::Consumed
            }
            _ => Msg::Ignored,
        }
    }

    fn click(&mut self, row: u16, _ctx: &Ctx) -> Msg {
        // A click on a hop row makes it the current hop.
        if let Some(&(_, hop)) = self.clickable.iter().find(|(r, _)| *r == usize::from(row)) {
            self.current = Some(hop);
            self.playing = false;
        }
        Msg::Consumed
    }

    fn key_input(&mut self, ev: &KeyEvent, ctx: &Ctx) -> Msg {
        if !self.editing {
            return Msg::Ignored;
        }
        let key = Key::from_event(ev);
        match keymap::lookup(Context::TraceInput, key) {
            Some(Action::Submit) => return self.submit(ctx),
            Some(Action::Complete) => {
                self.complete(ctx);
                return Msg::Consumed;
            }
            Some(Action::NextField) => self.field = (self.field + 1) % FIELDS.len(),
            Some(Action::PrevField) => self.field = (self.field + FIELDS.len() - 1) % FIELDS.len(),
            Some(Action::Cancel) => {
                self.editing = false;
                self.error = None;
            }
            _ => {
                self.inputs[self.field].input(*ev);
                self.error = None;
            }
        }
        self.cycle = None;
        Msg::Consumed
    }

    fn clamp(&mut self, ctx: &Ctx) {
        let ws = ctx.ws;
        let d = ws.design();
        if ws.revision() == 0 {
            // A new or opened design: nothing to compare with.
            self.baseline = None;
            self.note = None;
            self.diff_since = None;
        } else if self.baseline.is_some() || diff_budget(d, ws.index()).is_err() {
            self.diff_since = Some(Instant::now());
        }
        if let Some(p) = &mut self.picker {
            if p.kind == PickerKind::Remembered {
                p.items.truncate(d.traces.len());
            }
            p.cursor = p.cursor.min(p.items.len().saturating_sub(1));
        }
        if self.query.is_some() && self.traced_rev != Some(ws.revision()) {
            if d.instances.len() + d.subnets.len() <= IMMEDIATE_RETRACE_OBJECTS {
                self.retrace(ctx);
            } else {
                self.retrace_since = Some(Instant::now());
            }
        }
    }

    fn tick(&mut self, now: Instant, ctx: &Ctx) {
        self.collect_diff();
        if self
            .whatif_since
            .is_some_and(|t| now.saturating_duration_since(t) >= DIFF_IDLE)
        {
            self.whatif_since = None;
            self.whatif_diff = (!self.failures.is_empty()).then(|| self.whatif(ctx));
        }
        if self
            .retrace_since
            .is_some_and(|t| now.saturating_duration_since(t) >= RETRACE_IDLE)
        {
            self.retrace(ctx);
        }
        if self
            .diff_since
            .is_some_and(|t| now.saturating_duration_since(t) >= DIFF_IDLE)
        {
            self.run_diff(ctx);
        }
        if self.playing
            && self
                .last_play
                .is_none_or(|t| now.saturating_duration_since(t) >= PLAY_STEP)
        {
            let n = self.hop_count();
            match self.current {
                Some(c) if c + 1 < n => self.current = Some(c + 1),
                None if n > 0 => self.current = Some(0),
                _ => self.playing = false,
            }
            self.last_play = Some(now);
            self.follow = true;
        }
        // Also when the pane is not drawn (a small terminal shows one pane at a
        // time): the next edit is compared with the design as it is now.
        self.ensure_baseline(ctx);
    }

    fn published_path(&self) -> Option<PathView> {
        self.trace.as_ref().map(|t| PathView {
            trace: t.clone(),
            current: self.current,
        })
    }

    fn open_trace(&mut self, query: &TraceQuery, failures: &[String], ctx: &Ctx) -> bool {
        self.fill(query);
        self.set_failures(failures.to_vec(), ctx);
        self.editing = false;
        self.error = None;
        self.whatif_diff = (!self.failures.is_empty()).then(|| self.whatif(ctx));
        match self.evaluate(ctx, query) {
            Ok(t) => self.show(ctx, query.clone(), t),
            Err(e) => {
                self.editing = true;
                self.error = Some(e);
            }
        }
        true
    }
}
