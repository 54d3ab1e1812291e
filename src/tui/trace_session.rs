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
