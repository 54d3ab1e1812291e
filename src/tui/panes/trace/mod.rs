//! The trace panel: one packet's journey hop by hop.
//!
//! `t` (from any pane) types a query: source, destination, protocol, port,
//! optional source port — Tab and Shift-Tab move between them, Ctrl-n (or →
//! at the end of the input) completes, an empty field runs with the grey
//! default it shows, Esc puts the query back as it was — and Enter runs it. The forward and return hops show as a
//! table with the deciding rule or route and the packet after each hop, under
//! the verdict (✓ reachable, or ✗ the blocking hop with its explanation code
//! and fix — wrapped, never cut; in practice mode the fix shows only once a
//! hint is bought, see [`TraceSession::fix_visible`]). Enter opens the
//! current hop's full text. `n`/`p` step through the hops, Space plays them; the path and the
//! current hop are drawn on the diagram (both panes read the app's
//! [`TraceSession`] from the pane context). After every edit, undo or redo the trace re-runs
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
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_textarea::TextArea;

use super::{fit, framed, scroll_to, step, wrap, Ctx, Msg, Pane, Region};
use crate::analysis::query::{
    self, candidates, common_prefix, endpoint_names, failure_choices, field_defaults, parse_failures, parse_fields,
    with_defaults, FIELDS, PROTOCOLS,
};
use crate::analysis::{self, FlowChange, Hop, Leg, Trace};
use crate::edit::Edit;
use crate::model::{Design, TraceQuery};
use crate::tui::keymap::{self, Action, Context, Key};
use crate::tui::theme::Theme;
use crate::tui::trace_session::TraceSession;

mod draw;
use draw::Body;

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
    /// The inputs as they were when editing began (Esc puts them back).
    before_edit: Option<Vec<String>>,
    /// The current hop's full text is open in the body (Enter; Esc closes).
    detail: bool,
    /// Why the typed query cannot run (the QueryError text).
    error: Option<String>,
    /// Completion candidates frozen while Tab cycles through them.
    cycle: Option<(Vec<String>, usize)>,
    names: Option<(u64, Rc<Vec<String>>)>,
    /// The last query opened from outside the panel that the inputs show.
    seen_opened: u64,
    /// Why the query stopped running after an edit (an endpoint deleted …).
    stale: Option<String>,
    traced_rev: Option<u64>,
    mark: Option<Mark>,
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
        // The endpoints have no default, so no grey text; the other fields'
        // grey defaults are set while drawing, from what is typed.
        let inputs = FIELDS.iter().map(|_| TextArea::default()).collect();
        TracePane {
            inputs,
            field: 0,
            editing: false,
            before_edit: None,
            detail: false,
            error: None,
            cycle: None,
            names: None,
            seen_opened: 0,
            stale: None,
            traced_rev: None,
            mark: None,
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
    /// Shows a query another pane opened in the session (its inputs, from
    /// the first hop, or why it does not run).
    fn take_opened(&mut self, ctx: &Ctx) {
        let (serial, query, error, what_if) = {
            let s = ctx.trace.borrow();
            match &s.opened {
                Some(o) if o.serial != self.seen_opened => {
                    (o.serial, o.query.clone(), o.error.clone(), !s.failures.is_empty())
                }
                _ => return,
            }
        };
        self.seen_opened = serial;
        self.fill(&query);
        self.editing = false;
        self.before_edit = Some(self.values());
        self.detail = false;
        self.error = None;
        self.whatif_diff = what_if.then(|| self.whatif(ctx));
        match error {
            None => self.shown(ctx),
            Some(e) => {
                self.editing = true;
                self.error = Some(e);
            }
        }
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

    fn values(&self) -> Vec<String> {
        self.inputs.iter().map(text).collect()
    }

    /// Starts typing the query at `field`, remembering it as it is for Esc.
    fn start_editing(&mut self, field: usize) {
        if !self.editing {
            self.before_edit = Some(self.values());
        }
        self.editing = true;
        self.field = field.min(FIELDS.len() - 1);
        self.cycle = None;
        self.picker = None;
        self.detail = false;
    }

    /// Stops typing and puts the inputs back as they were before.
    fn cancel_editing(&mut self) {
        if let Some(values) = self.before_edit.take() {
            for (t, v) in self.inputs.iter_mut().zip(values) {
                set_text(t, &v);
            }
        }
        self.editing = false;
        self.error = None;
    }

    /// The grey default of every field, for what is typed now.
    fn update_placeholders(&mut self, ctx: &Ctx) {
        let grey = field_defaults(ctx.ws.design(), ctx.ws.index(), &self.values());
        for (t, g) in self.inputs.iter_mut().zip(grey) {
            if t.placeholder_text() != g {
                t.set_placeholder_text(g);
            }
        }
    }

    /// Whether the cursor of the focused input is after its last character.
    fn at_end(&self) -> bool {
        let t = &self.inputs[self.field];
        let (row, col) = t.cursor();
        t.lines().get(row).is_none_or(|l| col >= l.chars().count())
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
        ctx.trace.borrow().evaluate(ctx.ws, q)
    }

    /// Runs the typed query (empty fields take their grey defaults). On bad
    /// input the error shows inline and editing continues.
    fn submit(&mut self, ctx: &Ctx) -> Msg {
        let values = with_defaults(ctx.ws.design(), ctx.ws.index(), &self.values());
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
                self.before_edit = None;
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
        ctx.trace.borrow_mut().show(q, t);
        self.shown(ctx);
    }

    /// The panel's view of a trace just shown: from the top, nothing playing.
    fn shown(&mut self, ctx: &Ctx) {
        self.stale = None;
        self.traced_rev = Some(ctx.ws.revision());
        self.mark = None;
        self.follow = true;
        self.playing = false;
        self.scroll = 0;
        self.picker = None;
        self.detail = false;
        self.retrace_since = None;
    }

    /// Re-runs the current query on the current design and marks a changed verdict.
    fn retrace(&mut self, ctx: &Ctx) {
        self.retrace_since = None;
        let Some(q) = ctx.trace.borrow().query.clone() else {
            return;
        };
        let before = ctx.trace.borrow().trace.as_ref().map(|t| t.reachable);
        self.traced_rev = Some(ctx.ws.revision());
        let answer = self.evaluate(ctx, &q);
        let mut session = ctx.trace.borrow_mut();
        match answer {
            Ok(t) => {
                self.mark = Some(match (before, t.reachable) {
                    (Some(false) | None, true) => Mark::NowReachable,
                    (Some(true), false) => Mark::NowBlocked,
                    _ => Mark::Unchanged,
                });
                let hops = t.forward.len() + t.return_path.len();
                session.current = session.current.map(|c| c.min(hops.saturating_sub(1)));
                session.trace = Some(Rc::new(t));
                self.stale = None;
            }
            Err(e) => {
                session.trace = None;
                session.current = None;
                self.playing = false;
                self.mark = None;
                self.stale = Some(format!("the query no longer runs after your edit: {e}"));
            }
        }
        if !session.failures.is_empty() {
            self.whatif_since = Some(Instant::now());
        }
    }

    fn whatif(&self, ctx: &Ctx) -> Result<Vec<FlowChange>, String> {
        let d = ctx.ws.design();
        match diff_budget(d, ctx.ws.index()) {
            Ok(v) if v <= WHATIF_MAX_VERDICTS => {}
            _ => {
                return Err("too many flows for an automatic what-if diff; run `vpcd trace --fail` per flow".into());
            }
        }
        let failures = parse_failures(d, &ctx.trace.borrow().failures);
        analysis::diff_under_failures(d, ctx.ws.index(), &failures).map_err(|e| e.to_string())
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
                let failures = if value.is_empty() { Vec::new() } else { vec![value] };
                let what_if = !failures.is_empty();
                ctx.trace.borrow_mut().set_failures(failures, ctx.ws);
                if ctx.trace.borrow().query.is_some() {
                    self.retrace(ctx);
                    self.mark = None;
                }
                self.whatif_since = None;
                self.whatif_diff = what_if.then(|| self.whatif(ctx));
                Msg::Status(if !what_if {
                    "what-if cleared: tracing the design as it is".into()
                } else {
                    format!("what-if (hypothetical, the design is unchanged): {label}")
                })
            }
        }
    }

    fn step_hop(&mut self, forward: bool, ctx: &Ctx) {
        let mut session = ctx.trace.borrow_mut();
        let n = session.hop_count();
        if n == 0 {
            session.current = None;
            return;
        }
        session.current = Some(match (session.current, forward) {
            (None, _) => 0,
            (Some(c), true) => (c + 1).min(n - 1),
            (Some(c), false) => c.saturating_sub(1),
        });
        self.follow = true;
        if self.detail {
            self.scroll = 0;
        }
    }
}

impl Pane for TracePane {
    fn title(&self, ctx: &Ctx) -> String {
        let s = ctx.trace.borrow();
        let what_if = if s.failures.is_empty() { "" } else { " · WHAT-IF" };
        match (&s.query, &s.trace) {
            (Some(q), Some(t)) => format!(
                "Trace · {} · {}{what_if}",
                query::label(q),
                if t.reachable { "✓ reachable" } else { "✗ blocked" }
            ),
            (Some(q), None) => format!("Trace · {}{what_if}", query::label(q)),
            _ => format!("Trace{what_if} (t: query, r: remembered)"),
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
        self.take_opened(ctx);
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
            self.update_placeholders(ctx);
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
                        let mut spans = vec![Span::styled("Ctrl-n: ", t.key())];
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
        } else if let Some(q) = &ctx.trace.borrow().query {
            let line = Line::from(vec![
                Span::styled(fit(&query::label(q), width.saturating_sub(18)), t.title()),
                Span::styled(" (t edits)", t.dim()),
            ]);
            frame.render_widget(Paragraph::new(line), Rect::new(inner.x, y, inner.width, 1));
            y += 1;
        }
        let session = ctx.trace.borrow();
        // A hop's full text takes the whole body: the verdict is in it already.
        let detail = self.detail && self.picker.is_none() && session.current_hop().is_some();
        let mut head = if detail {
            Vec::new()
        } else {
            self.verdict_lines(&session, &t, width)
        };
        if !detail {
            head.extend(self.note_lines(&t, width));
        }
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
        } else if self.detail && session.current_hop().is_some() {
            let l = self.detail_lines(&session, &t, width);
            self.scroll = self.scroll.min(l.len().saturating_sub(1));
            (l, self.scroll)
        } else {
            let Body {
                lines: l,
                current: current_row,
                logs: logs_row,
                hop_rows,
            } = self.body_lines(&session, &t, width, focused);
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
        self.take_opened(ctx);
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
            Action::TraceQuery => {
                self.start_editing(0);
                Msg::Consumed
            }
            Action::EditQuery => {
                self.start_editing(self.field);
                Msg::Consumed
            }
            // Enter opens the current hop's full text; with no trace it types a query.
            Action::Enter => {
                if ctx.trace.borrow().current_hop().is_some() {
                    self.detail = true;
                    self.scroll = 0;
                } else {
                    self.start_editing(0);
                }
                Msg::Consumed
            }
            Action::Cancel if self.detail => {
                self.detail = false;
                self.follow = true;
                Msg::Consumed
            }
            // From the palette while not editing.
            Action::Submit => self.submit(ctx),
            Action::NextHop => {
                self.playing = false;
                self.step_hop(true, ctx);
                Msg::Consumed
            }
            Action::PrevHop => {
                self.playing = false;
                self.step_hop(false, ctx);
                Msg::Consumed
            }
            Action::PlayHops => {
                let mut session = ctx.trace.borrow_mut();
                if session.hop_count() == 0 {
                    return Msg::Status("run a trace first (Enter types a query)".into());
                }
                self.playing = !self.playing;
                if self.playing {
                    // Start over when at the end.
                    if session.current.is_none_or(|c| c + 1 >= session.hop_count()) {
                        session.current = Some(0);
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
            Action::RememberQuery => match &ctx.trace.borrow().query {
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

    fn click(&mut self, row: u16, ctx: &Ctx) -> Msg {
        self.take_opened(ctx);
        // A click on a hop row makes it the current hop.
        if let Some(&(_, hop)) = self.clickable.iter().find(|(r, _)| *r == usize::from(row)) {
            ctx.trace.borrow_mut().current = Some(hop);
            self.playing = false;
        }
        Msg::Consumed
    }

    fn key_input(&mut self, ev: &KeyEvent, ctx: &Ctx) -> Msg {
        self.take_opened(ctx);
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
            // → accepts the completion at the end of the input, and moves the cursor elsewhere.
            Some(Action::AcceptCompletion) if self.at_end() => {
                self.complete(ctx);
                return Msg::Consumed;
            }
            Some(Action::NextField) => self.field = (self.field + 1) % FIELDS.len(),
            Some(Action::PrevField) => self.field = (self.field + FIELDS.len() - 1) % FIELDS.len(),
            Some(Action::Cancel) => self.cancel_editing(),
            _ => {
                self.inputs[self.field].input(*ev);
                self.error = None;
            }
        }
        self.cycle = None;
        Msg::Consumed
    }

    fn clamp(&mut self, ctx: &Ctx) {
        self.take_opened(ctx);
        let ws = ctx.ws;
        let d = ws.design();
        if ws.is_fresh() {
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
        let has_query = ctx.trace.borrow().query.is_some();
        if has_query && self.traced_rev != Some(ws.revision()) {
            if d.instances.len() + d.subnets.len() <= IMMEDIATE_RETRACE_OBJECTS {
                self.retrace(ctx);
            } else {
                self.retrace_since = Some(Instant::now());
            }
        }
    }

    fn tick(&mut self, now: Instant, ctx: &Ctx) {
        self.take_opened(ctx);
        self.collect_diff();
        if self
            .whatif_since
            .is_some_and(|t| now.saturating_duration_since(t) >= DIFF_IDLE)
        {
            self.whatif_since = None;
            let what_if = !ctx.trace.borrow().failures.is_empty();
            self.whatif_diff = what_if.then(|| self.whatif(ctx));
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
            let mut session = ctx.trace.borrow_mut();
            let n = session.hop_count();
            match session.current {
                Some(c) if c + 1 < n => session.current = Some(c + 1),
                None if n > 0 => session.current = Some(0),
                _ => self.playing = false,
            }
            self.last_play = Some(now);
            self.follow = true;
        }
        // Also when the pane is not drawn (a small terminal shows one pane at a
        // time): the next edit is compared with the design as it is now.
        self.ensure_baseline(ctx);
    }
}
