//! The trace being looked at — the query, the what-if failures, the answer
//! on the current design and the current hop — as view state of the app.
//!
//! The app owns one session and lends it to every pane through
//! [`crate::tui::panes::Ctx::trace`]: the trace panel runs queries and steps
//! through the hops, the diagram draws the path and the current hop, and any
//! pane can ask for a query to be opened ([`crate::tui::panes::Msg::OpenTrace`]).
//! It sits in a `RefCell` because the trace panel changes it while it handles
//! keys and idle ticks, when every pane holds the context only by reference;
//! the design itself still changes only through the workspace.

use std::rc::Rc;

use crate::analysis::query::parse_failures;
use crate::analysis::{self, Hop, Query, Trace};
use crate::model::TraceQuery;
use crate::workspace::Workspace;

#[derive(Debug, Clone, Default)]
pub struct TraceSession {
    /// The query last run, if any.
    pub query: Option<TraceQuery>,
    /// What-if failures (`az:NAME` or a component name).
    pub failures: Vec<String>,
    /// How the failures read (`AZ us-east-1a down`, `nat-a removed`).
    pub failure_labels: Vec<String>,
    /// The answer to the query, while it runs on the design.
    pub trace: Option<Rc<Trace>>,
    /// The current hop: an index into the forward hops, then the return hops.
    pub current: Option<usize>,
    /// The query last opened from outside the trace panel, which the
    /// panel shows (its inputs, from the first hop) when it sees a new one.
    pub opened: Option<Opened>,
    /// In practice mode, which fixes the student has paid for (the app
    /// keeps it current from the practice session); `None` when not practising.
    pub practice: Option<FixGate>,
}

/// What practice mode lets the trace panel show of a blocked trace's fix.
/// The fix is what a practice hint sells, so a trace must not give it away:
/// a trace of an objective shows it once a hint was bought for that
/// objective; any other trace once any hint was bought.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixGate {
    /// Each flow objective's query and whether a hint was bought for it.
    pub objectives: Vec<(TraceQuery, bool)>,
    /// Whether any hint has been bought.
    pub any_hint: bool,
}

impl FixGate {
    /// Whether the fix of a trace of `q` may show.
    pub fn allows(&self, q: &TraceQuery) -> bool {
        let same = |o: &TraceQuery| o.from == q.from && o.to == q.to && o.proto == q.proto && o.port == q.port;
        let mut matching = self.objectives.iter().filter(|(o, _)| same(o)).peekable();
        if matching.peek().is_none() {
            return self.any_hint;
        }
        matching.any(|(_, bought)| *bought)
    }
}

/// A query opened from outside the trace panel.
#[derive(Debug, Clone)]
pub struct Opened {
    /// Counts the queries opened, so the panel tells a new one from the last.
    pub serial: u64,
    pub query: TraceQuery,
    /// Why the query does not run (the panel shows it under the inputs).
    pub error: Option<String>,
}

impl TraceSession {
    /// The number of hops, forward then return.
    pub fn hop_count(&self) -> usize {
        self.trace
            .as_ref()
            .map(|t| t.forward.len() + t.return_path.len())
            .unwrap_or(0)
    }

    /// The hop at `current`, counting forward hops then return hops.
    pub fn current_hop(&self) -> Option<&Hop> {
        let i = self.current?;
        let t = self.trace.as_ref()?;
        t.forward
            .get(i)
            .or_else(|| t.return_path.get(i.checked_sub(t.forward.len())?))
    }

    /// Whether the trace panel may show the blocking hop's fix: always,
    /// except in practice mode before a hint was bought ([`FixGate`]).
    pub fn fix_visible(&self) -> bool {
        match (&self.practice, &self.query) {
            (None, _) => true,
            (Some(gate), Some(q)) => gate.allows(q),
            (Some(gate), None) => gate.any_hint,
        }
    }

    /// Sets the what-if failures (and how they read).
    pub fn set_failures(&mut self, failures: Vec<String>, ws: &Workspace) {
        self.failure_labels = parse_failures(ws.design(), &failures)
            .iter()
            .map(ToString::to_string)
            .collect();
        self.failures = failures;
    }

    /// Runs `q` on the workspace's design under the session's failures.
    pub fn evaluate(&self, ws: &Workspace, q: &TraceQuery) -> Result<Trace, String> {
        let d = ws.design();
        let failures = parse_failures(d, &self.failures);
        if failures.is_empty() {
            // The workspace's analysis of this revision: compiled once, patched by edits.
            return ws.trace(&Query::from(q)).map_err(|e| e.to_string());
        }
        analysis::trace_with_failures(d, ws.index(), q, &failures).map_err(|e| e.to_string())
    }

    /// Makes `t` (the answer to `q`) the current trace, from its first hop.
    pub fn show(&mut self, q: TraceQuery, t: Trace) {
        self.query = Some(q);
        self.trace = Some(Rc::new(t));
        self.current = Some(0);
    }

    /// Opens a query asked for outside the trace panel (a practice
    /// objective), with what-if failures, and runs it.
    pub fn open(&mut self, ws: &Workspace, q: &TraceQuery, failures: &[String]) {
        self.set_failures(failures.to_vec(), ws);
        let error = match self.evaluate(ws, q) {
            Ok(t) => {
                self.show(q.clone(), t);
                None
            }
            Err(e) => Some(e),
        };
        let serial = self.opened.as_ref().map_or(1, |o| o.serial + 1);
        self.opened = Some(Opened {
            serial,
            query: q.clone(),
            error,
        });
    }
}
