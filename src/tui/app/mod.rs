//! The application: the workspace (the only thing that changes the design)
//! plus view state. Events become actions through the keymap, routed modal →
//! focused pane → global; the first consumer wins.
//!
//! This file keeps the state, the routing and the update (messages, edits,
//! selection, mouse, ticks); modals (`modals.rs`), file handling
//! (`files.rs`: save, save as, open), recovery files (`recovery.rs`) and the
//! screen layout and drawing (`layout.rs`) have files of their own.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;
use tui_textarea::TextArea;

use super::forms::{FileTask, Form, Purpose, Submit};
use super::keymap::{self, Action, Context, Key};
use super::panes::{self, block, fit, Ctx, Msg, Pane, Region};
use super::theme::Theme;
use super::trace_session::{FixGate, TraceSession};
use super::wizard_form::{self, WizardForm};
use crate::edit::Edit;
use crate::io::recovery::{Entry, Recovery};
use crate::model::{Design, ObjectKind, ObjectRef};
use crate::workspace::Workspace;

mod files;
mod interop;
mod layout;
mod modals;
mod recovery;

use files::list_designs;
pub use files::open_design;
use modals::{Choice, ListModal, Modal, Pending};

/// Smallest terminal the designer draws in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// The first status line: the fastest ways to start, short enough for 80 columns.
pub const WELCOME: &str = "Start: W VPC and more · N templates · P practice problem · : exercise… · ? keys";
/// Idle time after a change before the recovery file is written.
pub const AUTOSAVE_IDLE: Duration = Duration::from_secs(3);
/// How long input pauses before the work put off while typing is done (the
/// diagram's relayout after an edit): short enough to look immediate, longer
/// than the gap between the keys of a burst (a paste, key repeat).
pub const IDLE: Duration = Duration::from_millis(50);

/// Where files go; tests point these at a temporary directory.
#[derive(Debug, Clone)]
pub struct Options {
    /// Default folder for saves and the open picker.
    pub saves_dir: PathBuf,
    /// The recovery folder (one autosave file per design, see
    /// [`crate::io::recovery`]); `None` disables autosave.
    pub recovery: Option<PathBuf>,
    pub theme: Theme,
}

impl Options {
    /// The defaults: `saves/` in the current directory, the recovery folder
    /// `$XDG_STATE_HOME/vpcd/recovery` or `~/.local/state/vpcd/recovery`.
    pub fn from_env() -> Self {
        Options {
            saves_dir: PathBuf::from(crate::io::SAVES_DIR),
            recovery: crate::io::recovery::default_dir(),
            theme: Theme::from_env(),
        }
    }
}

/// The status line: the last edit's summary or why it was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Info(String),
    Error(String),
}

pub struct App {
    pub ws: Workspace,
    pub selected: Option<ObjectRef>,
    panes: Vec<Box<dyn Pane>>,
    focus: usize,
    modal: Option<Modal>,
    pub status: Status,
    pub quit: bool,
    opts: Options,
    /// Each pane's last drawn area (mouse hit-testing).
    rects: Vec<(usize, Rect)>,
    last_change: Option<Instant>,
    /// When the last key or mouse event arrived (the idle tick waits for a pause).
    last_input: Option<Instant>,
    autosaved_rev: Option<u64>,
    /// This design's recovery file; `None` when autosave is off.
    recovery: Option<Recovery>,
    /// Orphaned recovery files listed on start.
    orphans: Vec<Entry>,
    /// Said after the terminal is restored (what the exit kept or discarded).
    farewell: Vec<String>,
    /// Where the left button was last seen during a drag (pane, column, row).
    drag_at: Option<(usize, u16, u16)>,
    /// The trace being looked at, lent to every pane (the trace panel runs
    /// it, the diagram draws it).
    trace: RefCell<TraceSession>,
}

impl App {
    pub fn new(ws: Workspace, opts: Options) -> App {
        let recovery = App::recovery_for(opts.recovery.as_deref(), ws.path());
        let mut app = App {
            ws,
            selected: None,
            panes: panes::registry(),
            focus: 0,
            modal: None,
            status: Status::Info(WELCOME.into()),
            quit: false,
            opts,
            rects: Vec::new(),
            last_change: None,
            last_input: None,
            autosaved_rev: None,
            recovery,
            orphans: Vec::new(),
            farewell: Vec::new(),
            drag_at: None,
            trace: RefCell::default(),
        };
        // A saved practice attempt resumes practice mode.
        if app.ws.design().practice.is_some() {
            let design = app.ws.design().clone();
            let path = app.ws.path().map(Path::to_path_buf);
            app.load_design(design, path.as_deref());
        }
        // Start on the first VPC so the route and rule panes have something to show.
        if let Some(v) = app.ws.design().vpcs.first() {
            let r = ObjectRef::new(ObjectKind::Vpc, v.name.clone());
            app.select(r);
        }
        app.offer_recovery();
        app
    }

    fn with_pane<R>(&mut self, i: usize, f: impl FnOnce(&mut dyn Pane, &Ctx) -> R) -> R {
        let ctx = Ctx {
            ws: &self.ws,
            selected: self.selected.as_ref(),
            trace: &self.trace,
            theme: self.opts.theme,
        };
        f(self.panes[i].as_mut(), &ctx)
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            ws: &self.ws,
            selected: self.selected.as_ref(),
            trace: &self.trace,
            theme: self.opts.theme,
        }
    }

    /// The keymap context that currently receives keys.
    pub fn context(&self) -> Context {
        match &self.modal {
            Some(Modal::Form(_) | Modal::Wizard(_)) => Context::Form,
            Some(Modal::Confirm { .. }) => Context::Confirm,
            Some(Modal::List(_)) => Context::List,
            Some(Modal::Help { .. }) => Context::Help,
            None => self.panes[self.focus].context(),
        }
    }

    /// Whether a modal is open (tests).
    pub fn modal_title(&self) -> Option<String> {
        match &self.modal {
            Some(Modal::Form(f)) => Some(f.title.clone()),
            Some(Modal::Confirm { prompt, .. }) => Some(prompt.clone()),
            Some(Modal::List(l)) => Some(l.title.clone()),
            Some(Modal::Help { .. }) => Some("help".into()),
            Some(Modal::Wizard(g)) => Some(g.title.clone()),
            None => None,
        }
    }

    pub fn handle_event(&mut self, ev: Event) {
        match ev {
            Event::Key(k) => self.handle_key(k),
            Event::Mouse(m) => self.handle_mouse(m),
            _ => {}
        }
    }

    pub fn handle_key(&mut self, ev: KeyEvent) {
        if ev.kind != KeyEventKind::Press {
            return;
        }
        self.last_input = Some(Instant::now());
        let key = Key::from_event(&ev);
        // Ctrl-c always quits, whatever is open.
        if keymap::lookup(Context::Global, key) == Some(Action::ForceQuit) {
            self.run_global(Action::ForceQuit);
            return;
        }
        if self.modal.is_some() {
            self.modal_key(key, ev);
            return;
        }
        // A pane editing text takes the raw key first.
        let focus = self.focus;
        let msg = self.with_pane(focus, |p, ctx| p.key_input(&ev, ctx));
        if !matches!(msg, Msg::Ignored) {
            self.apply_msg(msg);
            return;
        }
        let ctx_kind = self.panes[self.focus].context();
        if let Some(action) = keymap::lookup(ctx_kind, key) {
            let msg = {
                let ctx = Ctx {
                    ws: &self.ws,
                    selected: self.selected.as_ref(),
                    trace: &self.trace,
                    theme: self.opts.theme,
                };
                self.panes[self.focus].handle(action, &ctx)
            };
            if !matches!(msg, Msg::Ignored) {
                self.apply_msg(msg);
                return;
            }
        }
        if let Some(action) = keymap::lookup(Context::Global, key) {
            self.run_global(action);
        }
    }

    /// Runs an action from the palette: pane actions go to the focused pane.
    fn run_action(&mut self, action: Action) {
        let is_global = keymap::BINDINGS
            .iter()
            .any(|b| b.context == Context::Global && b.action == action)
            || keymap::PALETTE_ONLY.iter().any(|(a, _)| *a == action);
        if is_global {
            self.run_global(action);
            return;
        }
        let focus = self.focus;
        let msg = self.with_pane(focus, |p, ctx| p.handle(action, ctx));
        match msg {
            Msg::Ignored => {
                // Find a pane that takes it.
                let owner = (0..self.panes.len()).find(|&i| {
                    keymap::BINDINGS
                        .iter()
                        .any(|b| b.context == self.panes[i].context() && b.action == action)
                });
                if let Some(i) = owner {
                    self.focus = i;
                    let msg = self.with_pane(i, |p, ctx| p.handle(action, ctx));
                    self.apply_msg(msg);
                }
            }
            other => self.apply_msg(other),
        }
    }

    fn run_global(&mut self, action: Action) {
        match action {
            Action::Quit => {
                if self.ws.is_dirty() {
                    self.modal = Some(Modal::Confirm {
                        prompt: format!(
                            "There are unsaved changes to {}. Save before quitting? (y saves and quits, \
                             n quits without saving and deletes their recovery file, Esc stays)",
                            self.design_label()
                        ),
                        pending: Pending::Quit,
                    });
                } else {
                    self.finish_clean();
                }
            }
            Action::ForceQuit => {
                match self.emergency_save() {
                    Some(msg) => self.farewell.push(msg),
                    None => {
                        self.remove_recovery();
                    }
                }
                self.quit = true;
            }
            Action::Help => {
                self.modal = Some(Modal::Help {
                    context: self.panes[self.focus].context(),
                    scroll: 0,
                })
            }
            Action::Palette => {
                let items = keymap::palette_actions()
                    .into_iter()
                    .map(|(a, desc)| (a.name().to_string(), desc.to_string(), Choice::Action(a)))
                    .collect();
                self.modal = Some(Modal::List(Box::new(ListModal::new(
                    "command palette (type to filter)",
                    items,
                ))));
            }
            Action::FocusNext => self.focus_step(true),
            Action::FocusPrev => self.focus_step(false),
            Action::Undo => {
                match self.ws.undo() {
                    Some(s) => self.status = Status::Info(s),
                    None => self.status = Status::Info("nothing to undo".into()),
                }
                self.after_change();
            }
            Action::Redo => {
                match self.ws.redo() {
                    Some(s) => self.status = Status::Info(s),
                    None => self.status = Status::Info("nothing to redo".into()),
                }
                self.after_change();
            }
            Action::Save => match self.ws.path().map(Path::to_path_buf) {
                Some(p) => self.save_to(&p),
                None => self.open_save_as(),
            },
            Action::SaveAs => self.open_save_as(),
            Action::Open => {
                let mut items: Vec<(String, String, Choice)> = list_designs(&self.opts.saves_dir)
                    .into_iter()
                    .map(|p| {
                        let name = p
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        (name, p.display().to_string(), Choice::File(p))
                    })
                    .collect();
                items.push(("type a path…".into(), "open any file".into(), Choice::TypePath));
                self.modal = Some(Modal::List(Box::new(ListModal::new("open a design", items))));
            }
            Action::PracticeProblem => {
                let items = panes::practice::problem_choices()
                    .into_iter()
                    .map(|(l, d, t)| (l, d, Choice::Problem(t)))
                    .collect();
                self.modal = Some(Modal::List(Box::new(ListModal::new(
                    "practice: new problem (pick a topic)",
                    items,
                ))));
            }
            Action::NewFromTemplate => {
                let generator = (
                    "VPC and more…".to_string(),
                    "wizard: CIDR, AZs, subnet tiers, NAT, endpoints, IPv6, DNS (live preview)".to_string(),
                    Choice::Wizard,
                );
                let items = std::iter::once(generator)
                    .chain(
                        crate::create::templates::TEMPLATES
                            .iter()
                            .map(|t| (t.name.to_string(), t.description.to_string(), Choice::Template(t.name))),
                    )
                    .collect();
                self.modal = Some(Modal::List(Box::new(ListModal::new(
                    "new from template (type to filter, ↑/↓ preview, Enter creates)",
                    items,
                ))));
            }
            Action::NewVpcAndMore => self.open_wizard(),
            Action::AddAny => self.apply_msg(Msg::AddObject(None)),
            Action::ExportTerraform => self.ask_path(FileTask::ExportTerraform),
            Action::ExportCloudFormation => self.ask_path(FileTask::ExportCloudFormation),
            Action::WriteReport => self.ask_path(FileTask::WriteReport),
            Action::ImportAws => self.ask_path(FileTask::ImportAws),
            Action::ImportTerraform => self.ask_path(FileTask::ImportTerraform),
            Action::RenameDesign => {
                let name = self.ws.design().name.clone();
                self.modal = Some(Modal::Form(Box::new(Form::single(
                    "rename the design",
                    Purpose::RenameDesign,
                    "name",
                    &name,
                    crate::forms::Check::Name,
                ))));
            }
            Action::OpenExercise => {
                // The practice record marks what the student has solved (an
                // unreadable record marks nothing).
                let progress = self
                    .progress_path()
                    .and_then(|p| crate::practice::progress::Progress::load(&p).ok())
                    .unwrap_or_default();
                let items = crate::practice::exercise::BUNDLED
                    .iter()
                    .map(|(id, text)| {
                        let mut title = crate::practice::exercise::Exercise::parse(text, id)
                            .map(|ex| ex.title)
                            .unwrap_or_default();
                        if let Some(r) = progress.exercises.get(*id).filter(|r| r.solved) {
                            title = format!("{title}  ✓ solved, best {}", r.best_score);
                        }
                        (id.to_string(), title, Choice::Exercise(id))
                    })
                    .collect();
                self.modal = Some(Modal::List(Box::new(ListModal::new(
                    "practice: open an exercise (type to filter)",
                    items,
                ))));
            }
            Action::TraceQuery => {
                let panel = self
                    .panes
                    .iter()
                    .position(|p| matches!(p.context(), Context::Trace | Context::TraceInput));
                match panel {
                    Some(i) => {
                        self.focus = i;
                        let msg = self.with_pane(i, |p, ctx| p.handle(Action::TraceQuery, ctx));
                        self.apply_msg(msg);
                    }
                    None => self.status = Status::Error("no trace panel to type a query in".into()),
                }
            }
            Action::NewDesign => {
                if self.ws.is_dirty() {
                    self.modal = Some(Modal::Confirm {
                        prompt: "Discard unsaved changes and start a new design? (y/n)".into(),
                        pending: Pending::NewDesign,
                    });
                } else {
                    self.confirm(Pending::NewDesign, true);
                }
            }
            Action::Jump => {
                self.modal = Some(Modal::Form(Box::new(Form::single(
                    "jump to a name, IP or CIDR",
                    Purpose::Jump,
                    "find",
                    "",
                    crate::forms::Check::Free,
                ))))
            }
            Action::EditRon => match &self.selected {
                Some(r) => {
                    self.modal = Some(Modal::Form(Box::new(Form::edit_as_text(r, self.ws.design()))));
                }
                None => self.status = Status::Info("select an object to edit as text".into()),
            },
            _ => {}
        }
    }

    /// Practice mode: starts the exercise's design (unsaved, no path) and adds
    /// the practice pane (brief, live checklist, hints, score), focused.
    pub fn open_exercise(&mut self, exercise: crate::practice::exercise::Exercise) {
        // Practice starts an untitled attempt: the orphan list is not for it.
        if matches!(&self.modal, Some(Modal::List(l)) if l.items.iter().any(|(_, _, c)| matches!(c, Choice::KeepOrphans)))
        {
            self.modal = None;
            self.orphans.clear();
        }
        self.ws.replace_design(exercise.start.clone());
        self.selected = None;
        let title = exercise.title.clone();
        self.start_practice(crate::practice::session::Session::new(exercise));
        self.status = Status::Info(format!(
            "Practice: {title}. Edit the design until every objective holds; Enter in the checklist reveals a hint"
        ));
    }

    /// Tells the trace session which fixes practice mode lets it show
    /// (none before a hint is bought: the fix is what a hint sells).
    fn gate_fixes(&self) {
        let gate = self.panes.iter().find_map(|p| p.practice()).map(|session| {
            let (objectives, any_hint) = session.fix_gate();
            FixGate { objectives, any_hint }
        });
        let mut trace = self.trace.borrow_mut();
        if trace.practice != gate {
            trace.practice = gate;
        }
    }

    /// The practice record: beside the recovery folder (the user's state directory).
    fn progress_path(&self) -> Option<std::path::PathBuf> {
        self.opts
            .recovery
            .as_ref()
            .and_then(|p| p.parent())
            .map(|dir| dir.join("progress.ron"))
    }

    /// Adds the practice pane on `session`, focused, replacing any other.
    pub(super) fn start_practice(&mut self, session: crate::practice::session::Session) {
        self.panes.retain(|p| !p.is_practice());
        // Solves go to the practice record.
        let record = self.progress_path();
        self.panes.push(Box::new(
            panes::practice::PracticePane::resuming(session).recording_to(record),
        ));
        self.focus = self.panes.len() - 1;
    }

    /// Puts a design opened from a file (or restored) in the workspace: a saved
    /// practice attempt resumes practice mode where it stopped; any other
    /// design leaves practice mode.
    pub(super) fn load_design(&mut self, design: Design, path: Option<&Path>) {
        let resumed = crate::practice::session::Session::resume(&design);
        let design = match &resumed {
            Some((_, stripped)) => stripped.clone(),
            None => design,
        };
        self.ws = Workspace::new(design);
        if let Some(p) = path {
            self.ws.set_path(p);
        }
        self.leave_practice();
        if let Some((session, _)) = resumed {
            let title = session.exercise.title.clone();
            self.start_practice(session);
            self.status = Status::Info(format!("Practice resumed: {title}"));
        }
    }

    /// Removes the practice pane (another design replaced the attempt).
    pub(super) fn leave_practice(&mut self) {
        self.panes.retain(|p| !p.is_practice());
        if self.focus >= self.panes.len() {
            self.focus = 0;
        }
    }

    /// The design as it is written to a file: in practice mode, the attempt
    /// (objectives as intents, hints taken, time spent).
    pub(super) fn design_to_save(&self) -> std::borrow::Cow<'_, Design> {
        match self.panes.iter().find_map(|p| p.practice()) {
            Some(session) => std::borrow::Cow::Owned(session.attempt(self.ws.design())),
            None => std::borrow::Cow::Borrowed(self.ws.design()),
        }
    }

    /// Applies an edit through the workspace. On refusal the design is
    /// unchanged and the reason is returned (and shown in the status line).
    pub fn apply_edit(&mut self, edit: Edit) -> Result<(), String> {
        let created = first_created(&edit, self.ws.design());
        match self.ws.apply(edit) {
            Ok(applied) => {
                let mut s = applied.summary;
                let errors = applied
                    .new_findings
                    .iter()
                    .filter(|f| f.severity == crate::validate::Severity::Error)
                    .count();
                let warnings = applied
                    .new_findings
                    .iter()
                    .filter(|f| f.severity == crate::validate::Severity::Warning)
                    .count();
                if errors + warnings > 0 {
                    s.push_str(&format!(" ({errors} new errors, {warnings} new warnings)"));
                }
                self.status = Status::Info(s);
                if let Some(c) = created {
                    self.select(c);
                }
                self.after_change();
                Ok(())
            }
            Err(rejected) => {
                self.status = Status::Error(format!("refused: {}", rejected.message));
                Err(rejected.message)
            }
        }
    }

    /// Re-clamps every selection after an edit, undo, redo or open.
    fn after_change(&mut self) {
        self.last_change = Some(Instant::now());
        if let Some(sel) = &self.selected {
            if self.ws.design().get(sel).is_none() {
                self.selected = None;
            }
        }
        let ctx = Ctx {
            ws: &self.ws,
            selected: self.selected.as_ref(),
            trace: &self.trace,
            theme: self.opts.theme,
        };
        for p in &mut self.panes {
            p.clamp(&ctx);
        }
    }

    fn select(&mut self, r: ObjectRef) {
        self.selected = Some(r);
        let ctx = Ctx {
            ws: &self.ws,
            selected: self.selected.as_ref(),
            trace: &self.trace,
            theme: self.opts.theme,
        };
        for p in &mut self.panes {
            p.on_select(&ctx);
        }
    }

    fn jump(&mut self, query: &str) {
        let found = panes::tree::TreePane::find(query, &self.ctx());
        match found {
            Some(r) => {
                self.status = Status::Info(format!("jumped to {r}"));
                self.select(r);
                self.set_focus(0);
            }
            None => self.status = Status::Error(format!("nothing matches `{query}` (a name, IP or CIDR)")),
        }
    }

    fn set_focus(&mut self, i: usize) {
        if i < self.panes.len() {
            self.focus = i;
        }
    }

    fn apply_msg(&mut self, msg: Msg) {
        match msg {
            Msg::Ignored | Msg::Consumed => {}
            Msg::Select(r) => self.select(r),
            Msg::Jump(r) => {
                self.status = Status::Info(format!("jumped to {r}"));
                self.select(r);
                self.set_focus(0);
            }
            Msg::Apply(edit) => {
                let _ = self.apply_edit(edit);
            }
            Msg::Confirm { prompt, edit } => {
                self.modal = Some(Modal::Confirm {
                    prompt: format!("{prompt} (y/n)"),
                    pending: Pending::Edit(Box::new(edit)),
                })
            }
            Msg::Form(f) => self.modal = Some(Modal::Form(f)),
            Msg::AddObject(first) => {
                // The focused pane's own kind first (a route in the Routes pane).
                let own = first.map(|k| (k.label, k.description, Choice::PaneAdd(self.focus)));
                let mut items: Vec<_> = own.into_iter().collect();
                items.extend(ObjectKind::ALL.iter().map(|k| {
                    let how = if crate::forms::FIELD_FORM_KINDS.contains(k) {
                        "form"
                    } else {
                        "text template"
                    };
                    (k.label().to_string(), how.to_string(), Choice::Kind(*k))
                }));
                items.extend(crate::forms::kinds::Part::ALL.iter().map(|p| {
                    let (parent, _) = p.parent();
                    (
                        p.label().to_string(),
                        format!("part of a {}", parent.label()),
                        Choice::Part(*p),
                    )
                }));
                self.modal = Some(Modal::List(Box::new(ListModal::new(
                    "add what? (type to filter)",
                    items,
                ))));
            }
            Msg::Status(s) => self.status = Status::Info(s),
            Msg::OpenTrace { query, failures } => {
                let panel = self
                    .panes
                    .iter()
                    .position(|p| matches!(p.context(), Context::Trace | Context::TraceInput));
                if panel.is_some() {
                    self.trace.borrow_mut().open(&self.ws, &query, &failures);
                }
                match panel {
                    Some(i) => {
                        self.focus = i;
                        self.status = Status::Info(format!("tracing {}", crate::analysis::Query::from(&query)));
                    }
                    None => self.status = Status::Error("no trace panel to open the query in".into()),
                }
            }
        }
    }

    fn handle_mouse(&mut self, m: MouseEvent) {
        self.last_input = Some(Instant::now());
        if self.modal.is_some() {
            return;
        }
        let hit = self
            .rects
            .iter()
            .find(|(_, r)| r.contains(ratatui::layout::Position::new(m.column, m.row)))
            .map(|(i, r)| (*i, *r));
        let Some((i, r)) = hit else {
            return;
        };
        match m.kind {
            MouseEventKind::Drag(MouseButton::Left) => {
                // Drag pans: the pane moves its content by the pointer's motion.
                if let Some((p, x, y)) = self.drag_at.filter(|(p, _, _)| *p == i) {
                    let (dx, dy) = (i32::from(m.column) - i32::from(x), i32::from(m.row) - i32::from(y));
                    let msg = self.with_pane(p, |pane, ctx| pane.drag(dx, dy, ctx));
                    self.apply_msg(msg);
                }
                self.drag_at = Some((i, m.column, m.row));
            }
            MouseEventKind::Up(MouseButton::Left) => self.drag_at = None,
            MouseEventKind::Down(MouseButton::Left) => {
                self.drag_at = Some((i, m.column, m.row));
                self.focus = i;
                if m.row > r.y && m.row < r.y + r.height.saturating_sub(1) {
                    let row = m.row - r.y - 1;
                    let msg = self.with_pane(i, |p, ctx| p.click(row, ctx));
                    self.apply_msg(msg);
                }
            }
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                let action = if m.kind == MouseEventKind::ScrollUp {
                    Action::Up
                } else {
                    Action::Down
                };
                let msg = self.with_pane(i, |p, ctx| p.handle(action, ctx));
                self.apply_msg(msg);
            }
            _ => {}
        }
    }

    /// Called regularly by the event loop: does the work put off while the
    /// user typed once input has paused for [`IDLE`], and writes the recovery
    /// file once the user has been idle for [`AUTOSAVE_IDLE`] after a change.
    pub fn tick(&mut self, now: Instant) {
        for i in 0..self.panes.len() {
            self.with_pane(i, |p, ctx| p.tick(now, ctx));
        }
        if self.last_input.is_none_or(|t| now.saturating_duration_since(t) >= IDLE) {
            self.idle();
        }
        if !self.ws.is_dirty() || self.autosaved_rev == Some(self.ws.revision()) {
            return;
        }
        if self.last_change.is_none_or(|t| now.duration_since(t) >= AUTOSAVE_IDLE) {
            let _ = self.write_recovery();
        }
    }

    /// The idle tick: the work the panes put off while the user typed (the
    /// diagram's relayout after an edit), so that the next frame is exact.
    pub fn idle(&mut self) {
        for i in 0..self.panes.len() {
            self.with_pane(i, |p, ctx| p.idle(ctx));
        }
    }

    /// Whether a pane has work waiting for the idle tick.
    pub fn has_deferred_work(&self) -> bool {
        self.panes.iter().any(|p| p.deferred())
    }

    // ---------------------------------------------------------------- drawing
}

/// The first object an edit creates (to select it afterwards).
fn first_created(edit: &Edit, d: &Design) -> Option<ObjectRef> {
    match edit {
        Edit::Put(o) => {
            let r = ObjectRef::new(o.kind(), o.name());
            d.get(&r).is_none().then_some(r)
        }
        Edit::Batch { edits, .. } => {
            // Prefer the VPC of a "new VPC" batch, else the last created object.
            let created: Vec<ObjectRef> = edits.iter().filter_map(|e| first_created(e, d)).collect();
            created
                .iter()
                .find(|r| r.kind == ObjectKind::Vpc)
                .cloned()
                .or_else(|| created.last().cloned())
        }
        _ => None,
    }
}
