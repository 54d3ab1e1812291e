//! The application: the workspace (the only thing that changes the design)
//! plus view state. Events become actions through the keymap, routed modal →
//! focused pane → global; the first consumer wins.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;
use tui_textarea::TextArea;

use super::forms::{Form, Purpose, Submit};
use super::generator::{self, GeneratorForm};
use super::keymap::{self, Action, Context, Key};
use super::panes::{self, block, fit, Ctx, Msg, Pane, Region};
use super::theme::Theme;
use crate::edit::Edit;
use crate::io::recovery::{Entry, Recovery};
use crate::model::{Design, ObjectKind, ObjectRef};
use crate::workspace::Workspace;

mod recovery;

/// Smallest terminal the designer draws in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// Idle time after a change before the recovery file is written.
pub const AUTOSAVE_IDLE: Duration = Duration::from_secs(3);

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

/// What a confirmation does on "yes" (and on "no", for the quit guard).
#[derive(Debug)]
enum Pending {
    Edit(Box<Edit>),
    /// Quit guard: yes = save and quit, no = quit without saving.
    Quit,
    /// Restore this recovery file (no: delete it).
    Restore(Box<Entry>),
    /// Delete the orphaned recovery files listed on start.
    DeleteOrphans,
    Open(PathBuf),
    NewDesign,
    Template(&'static str),
    /// A design from the "VPC and more" generator.
    Generated(Box<Design>),
}

#[derive(Debug, Clone)]
enum Choice {
    Action(Action),
    Kind(ObjectKind),
    /// A part of an object: a TGW route table, attachment or route, a DX virtual interface.
    Part(super::form_kinds::Part),
    File(PathBuf),
    TypePath,
    /// A built-in template (`crate::templates`).
    Template(&'static str),
    /// The "VPC and more" generator form.
    Generator,
    /// A generated practice problem on a topic (`None`: any).
    Problem(Option<&'static str>),
    /// In the list of orphaned recovery files: leave them all.
    KeepOrphans,
    /// Restore the orphan at this index of `App::orphans`.
    Orphan(usize),
    /// Delete every listed orphan (after a confirm).
    DeleteOrphans,
}

struct ListModal {
    title: String,
    query: TextArea<'static>,
    items: Vec<(String, String, Choice)>,
    filtered: Vec<usize>,
    cursor: usize,
}

impl ListModal {
    fn new(title: &str, items: Vec<(String, String, Choice)>) -> Self {
        let mut m = ListModal {
            title: title.to_string(),
            query: TextArea::default(),
            items,
            filtered: Vec::new(),
            cursor: 0,
        };
        m.refilter();
        m
    }
    fn refilter(&mut self) {
        let q = self.query.lines().join("");
        let mut scored: Vec<(i32, usize)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, (label, desc, _))| {
                keymap::fuzzy_score(&q, label)
                    .or_else(|| keymap::fuzzy_score(&q, desc).map(|s| s - 5))
                    .map(|s| (s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.filtered = scored.into_iter().map(|(_, i)| i).collect();
        self.cursor = self.cursor.min(self.filtered.len().saturating_sub(1));
    }
}

enum Modal {
    Form(Box<Form>),
    Confirm { prompt: String, pending: Pending },
    List(Box<ListModal>),
    Help { context: Context, scroll: u16 },
    Generator(Box<GeneratorForm>),
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
    autosaved_rev: Option<u64>,
    /// This design's recovery file; `None` when autosave is off.
    recovery: Option<Recovery>,
    /// Orphaned recovery files listed on start.
    orphans: Vec<Entry>,
    /// Said after the terminal is restored (what the exit kept or discarded).
    farewell: Vec<String>,
    /// Where the left button was last seen during a drag (pane, column, row).
    drag_at: Option<(usize, u16, u16)>,
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
            status: Status::Info("Welcome: ↑/↓ move, Tab switches panes, `a` adds, `?` shows every key".into()),
            quit: false,
            opts,
            rects: Vec::new(),
            last_change: None,
            autosaved_rev: None,
            recovery,
            orphans: Vec::new(),
            farewell: Vec::new(),
            drag_at: None,
        };
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
            theme: self.opts.theme,
        };
        f(self.panes[i].as_mut(), &ctx)
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            ws: &self.ws,
            selected: self.selected.as_ref(),
            theme: self.opts.theme,
        }
    }

    /// The keymap context that currently receives keys.
    pub fn context(&self) -> Context {
        match &self.modal {
            Some(Modal::Form(_) | Modal::Generator(_)) => Context::Form,
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
            Some(Modal::Generator(g)) => Some(g.title.clone()),
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

    fn modal_key(&mut self, key: Key, ev: KeyEvent) {
        let Some(modal) = self.modal.take() else {
            return;
        };
        match modal {
            Modal::Form(mut form) => {
                let multiline = form.is_multiline();
                let action = keymap::lookup(Context::Form, key).filter(|a| {
                    // In the text editor, Enter and arrows edit text; Ctrl-s applies.
                    !(multiline
                        && matches!(
                            a,
                            Action::Submit | Action::NextField | Action::PrevField | Action::Left | Action::Right
                        )
                        && key.mods.is_empty())
                });
                match action {
                    Some(Action::Cancel) => {
                        self.status = Status::Info("cancelled".into());
                        return;
                    }
                    Some(Action::NextField) => form.next_field(),
                    Some(Action::PrevField) => form.prev_field(),
                    Some(Action::Complete) => {
                        form.complete();
                    }
                    // The advanced view: the object the fields describe, as RON text.
                    Some(Action::EditRon) => match form.as_text() {
                        Some(text) => form = Box::new(text),
                        None => form.input(ev),
                    },
                    Some(a @ (Action::Left | Action::Right)) => {
                        if !form.cycle(a == Action::Right) {
                            form.input(ev);
                        }
                    }
                    Some(Action::Submit) => {
                        let result = form.submit(&self.ctx());
                        match result {
                            Err(e) => form.error = Some(e),
                            Ok(Submit::Edit(edit)) => match self.apply_edit(edit) {
                                Ok(()) => return,
                                Err(msg) => form.error = Some(msg),
                            },
                            Ok(Submit::Jump(q)) => {
                                self.jump(&q);
                                return;
                            }
                            Ok(Submit::SaveAs(path)) => {
                                let path = self.resolve_save_path(path);
                                self.save_to(&path);
                                return;
                            }
                            Ok(Submit::Open(path)) => {
                                self.request_open(path);
                                return;
                            }
                        }
                    }
                    _ => form.input(ev),
                }
                self.modal = Some(Modal::Form(form));
            }
            Modal::Generator(mut form) => match form.handle(keymap::lookup(Context::Form, key), ev) {
                generator::Outcome::Open => self.modal = Some(Modal::Generator(form)),
                generator::Outcome::Cancelled => self.status = Status::Info("cancelled".into()),
                generator::Outcome::Create(design) => {
                    if self.ws.is_dirty() {
                        self.modal = Some(Modal::Confirm {
                            prompt: format!(
                                "Discard unsaved changes and start from the generated VPC {}? (y/n)",
                                design.name
                            ),
                            pending: Pending::Generated(design),
                        });
                    } else {
                        self.confirm(Pending::Generated(design), true);
                    }
                }
            },
            Modal::Confirm { prompt, pending } => match keymap::lookup(Context::Confirm, key) {
                Some(Action::Yes) => self.confirm(pending, true),
                Some(Action::No) => self.confirm(pending, false),
                Some(Action::Cancel) => {
                    if matches!(pending, Pending::Restore(..)) {
                        // Esc on the recovery offer keeps the file for next time.
                        self.status = Status::Info("recovery kept for later: the file is not deleted".into());
                    } else {
                        self.status = Status::Info("cancelled".into());
                    }
                }
                _ => self.modal = Some(Modal::Confirm { prompt, pending }),
            },
            Modal::List(mut list) => match keymap::lookup(Context::List, key) {
                Some(Action::Cancel) => {
                    if list.items.iter().any(|(_, _, c)| matches!(c, Choice::KeepOrphans)) {
                        self.choose(Choice::KeepOrphans);
                    }
                }
                Some(Action::Up) => {
                    list.cursor = list.cursor.saturating_sub(1);
                    self.modal = Some(Modal::List(list));
                }
                Some(Action::Down) => {
                    list.cursor = (list.cursor + 1).min(list.filtered.len().saturating_sub(1));
                    self.modal = Some(Modal::List(list));
                }
                Some(Action::Submit) => {
                    let choice = list.filtered.get(list.cursor).map(|&i| list.items[i].2.clone());
                    match choice {
                        Some(c) => self.choose(c),
                        None => self.modal = Some(Modal::List(list)),
                    }
                }
                _ => {
                    list.query.input(ev);
                    list.refilter();
                    self.modal = Some(Modal::List(list));
                }
            },
            Modal::Help { context, scroll } => match keymap::lookup(Context::Help, key) {
                Some(Action::Cancel) => {}
                Some(Action::Down) => {
                    self.modal = Some(Modal::Help {
                        context,
                        scroll: scroll.saturating_add(1),
                    })
                }
                Some(Action::Up) => {
                    self.modal = Some(Modal::Help {
                        context,
                        scroll: scroll.saturating_sub(1),
                    })
                }
                _ => self.modal = Some(Modal::Help { context, scroll }),
            },
        }
    }

    fn choose(&mut self, choice: Choice) {
        match choice {
            Choice::Action(a) => self.run_action(a),
            Choice::Kind(k) => {
                let mut form = Form::create_for(k, &self.ws);
                self.prefill_from_selection(&mut form);
                self.modal = Some(Modal::Form(Box::new(form)));
            }
            Choice::Part(p) => {
                let mut form = Form::create_part(p, &self.ws);
                self.prefill_from_selection(&mut form);
                if let Some(sel) = &self.selected {
                    form.select_parent(sel);
                }
                self.modal = Some(Modal::Form(Box::new(form)));
            }
            Choice::File(p) => self.request_open(p),
            Choice::Template(name) => {
                if self.ws.is_dirty() {
                    self.modal = Some(Modal::Confirm {
                        prompt: format!("Discard unsaved changes and start from the template {name}? (y/n)"),
                        pending: Pending::Template(name),
                    });
                } else {
                    self.confirm(Pending::Template(name), true);
                }
            }
            Choice::Generator => self.open_generator(),
            Choice::Problem(topic) => {
                if self.ws.is_dirty() {
                    self.status = Status::Error("unsaved changes: save (Ctrl-s) before a new practice problem".into());
                    return;
                }
                match panes::practice::new_problem(topic) {
                    Ok(ex) => {
                        self.panes.retain(|p| !p.is_practice());
                        self.open_exercise(ex);
                    }
                    Err(e) => self.status = Status::Error(e),
                }
            }
            Choice::KeepOrphans => {
                self.status = Status::Info(format!(
                    "kept {} recovery file(s) for later; `vpcd` without a file lists them again",
                    self.orphans.len()
                ));
                self.orphans.clear();
            }
            Choice::Orphan(i) => {
                let orphans = std::mem::take(&mut self.orphans);
                if let Some(e) = orphans.get(i) {
                    self.restore(e);
                }
            }
            Choice::DeleteOrphans => {
                self.modal = Some(Modal::Confirm {
                    prompt: format!(
                        "Delete {} recovery file(s) of sessions that ended? Their unsaved work is lost. (y/n)",
                        self.orphans.len()
                    ),
                    pending: Pending::DeleteOrphans,
                });
            }
            Choice::TypePath => {
                self.modal = Some(Modal::Form(Box::new(Form::single(
                    "open a design file (a new design if it does not exist)",
                    Purpose::Open,
                    "path",
                    &format!("{}/", self.opts.saves_dir.display()),
                    super::forms::Check::Path,
                ))))
            }
        }
    }

    /// New objects default to the selected VPC / subnet where the form has that field.
    fn prefill_from_selection(&self, form: &mut Form) {
        let Some(sel) = &self.selected else {
            return;
        };
        let d = self.ws.design();
        let idx = self.ws.index();
        let subnet = match sel.kind {
            ObjectKind::Subnet => idx.subnet(d, &sel.name),
            ObjectKind::Instance => idx.instance(d, &sel.name).and_then(|i| idx.subnet(d, &i.subnet)),
            _ => None,
        };
        let vpc = match sel.kind {
            ObjectKind::Vpc => Some(sel.name.clone()),
            _ => subnet.map(|s| s.vpc.clone()).or_else(|| match d.get(sel) {
                Some(crate::model::Object::RouteTable(t)) => Some(t.vpc),
                Some(crate::model::Object::SecurityGroup(g)) => Some(g.vpc),
                Some(crate::model::Object::NetworkAcl(a)) => Some(a.vpc),
                _ => None,
            }),
        };
        if let Some(v) = vpc {
            form.preselect("VPC", &v);
            form.preselect("attached to", &v);
        }
        if let Some(s) = subnet {
            form.preselect("subnet", &s.name);
        }
    }

    /// Runs an action from the palette: pane actions go to the focused pane.
    fn run_action(&mut self, action: Action) {
        let is_global = keymap::BINDINGS
            .iter()
            .any(|b| b.context == Context::Global && b.action == action);
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
            Action::FocusNext => self.set_focus((self.focus + 1) % self.panes.len()),
            Action::FocusPrev => self.set_focus((self.focus + self.panes.len() - 1) % self.panes.len()),
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
                    "generator: CIDR, AZs, subnet tiers, NAT, endpoints, IPv6, DNS (live preview)".to_string(),
                    Choice::Generator,
                );
                let items = std::iter::once(generator)
                    .chain(
                        crate::templates::TEMPLATES
                            .iter()
                            .map(|t| (t.name.to_string(), t.description.to_string(), Choice::Template(t.name))),
                    )
                    .collect();
                self.modal = Some(Modal::List(Box::new(ListModal::new(
                    "new from template (type to filter, ↑/↓ preview, Enter creates)",
                    items,
                ))));
            }
            Action::NewVpcAndMore => self.open_generator(),
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
                    super::forms::Check::Free,
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

    fn open_generator(&mut self) {
        let region = self.ws.design().region.clone();
        self.modal = Some(Modal::Generator(Box::new(GeneratorForm::new(&region))));
    }

    fn open_save_as(&mut self) {
        let default = match self.ws.path() {
            Some(p) => p.display().to_string(),
            None => self
                .opts
                .saves_dir
                .join(format!("{}.ron", self.ws.design().name))
                .display()
                .to_string(),
        };
        self.modal = Some(Modal::Form(Box::new(Form::single(
            "save as",
            Purpose::SaveAs,
            "path",
            &default,
            super::forms::Check::Path,
        ))));
    }

    fn resolve_save_path(&self, p: PathBuf) -> PathBuf {
        let p = if p.extension().is_none() {
            p.with_extension("ron")
        } else {
            p
        };
        // A bare file name goes to the saves folder.
        if p.parent().is_none_or(|d| d.as_os_str().is_empty()) {
            self.opts.saves_dir.join(p)
        } else {
            p
        }
    }

    fn save_to(&mut self, path: &Path) {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Err(e) = std::fs::create_dir_all(dir) {
                self.status = Status::Error(format!("cannot create {}: {e}", dir.display()));
                return;
            }
        }
        match crate::io::save(path, self.ws.design()) {
            Ok(()) => {
                // The work is in the file now: this design's recovery goes;
                // under a new name the recovery follows the new file.
                self.remove_recovery();
                let renamed = self.ws.path() != Some(path);
                self.ws.set_path(path);
                if renamed {
                    self.switch_recovery();
                }
                self.ws.mark_saved();
                self.status = Status::Info(format!("saved {}", path.display()));
            }
            Err(e) => self.status = Status::Error(e.to_string()),
        }
    }

    fn request_open(&mut self, path: PathBuf) {
        if self.ws.is_dirty() {
            self.modal = Some(Modal::Confirm {
                prompt: format!("Discard unsaved changes and open {}? (y/n)", path.display()),
                pending: Pending::Open(path),
            });
        } else {
            self.confirm(Pending::Open(path), true);
        }
    }

    fn confirm(&mut self, pending: Pending, yes: bool) {
        match pending {
            Pending::Edit(edit) => {
                if yes {
                    if let Err(msg) = self.apply_edit(*edit) {
                        self.status = Status::Error(msg);
                    }
                } else {
                    self.status = Status::Info("cancelled".into());
                }
            }
            Pending::Quit => {
                if yes {
                    match self.ws.path().map(Path::to_path_buf) {
                        Some(p) => {
                            self.save_to(&p);
                            if !self.ws.is_dirty() {
                                self.finish_clean();
                            }
                        }
                        None => self.open_save_as(),
                    }
                } else {
                    let label = self.design_label();
                    match self.remove_recovery() {
                        Some(file) => self.farewell.push(format!(
                            "discarded the unsaved changes to {label} and deleted their recovery file {}",
                            file.display()
                        )),
                        None => self.farewell.push(format!("discarded the unsaved changes to {label}")),
                    }
                    self.quit = true;
                }
            }
            Pending::Restore(entry) => {
                if yes {
                    self.restore(&entry);
                } else {
                    self.delete_orphans(std::slice::from_ref(&entry));
                    self.status = Status::Info(format!("deleted the recovery file {}", entry.file.display()));
                }
            }
            Pending::DeleteOrphans => {
                let orphans = std::mem::take(&mut self.orphans);
                if yes {
                    self.delete_orphans(&orphans);
                } else {
                    self.status = Status::Info("kept the recovery files".into());
                }
            }
            Pending::Open(path) => {
                if !yes {
                    self.status = Status::Info("cancelled".into());
                    return;
                }
                match open_design(&path) {
                    Ok((design, existed)) => {
                        // The user chose to discard the unsaved work.
                        self.remove_recovery();
                        self.ws = Workspace::new(design).with_path(&path);
                        self.switch_recovery();
                        self.selected = None;
                        self.status = Status::Info(if existed {
                            format!("opened {}", path.display())
                        } else {
                            format!("new design; Ctrl-s creates {}", path.display())
                        });
                        self.after_change();
                        self.offer_recovery();
                    }
                    Err(e) => self.status = Status::Error(e),
                }
            }
            Pending::Template(name) => {
                if let (true, Some(t)) = (yes, crate::templates::find(name)) {
                    self.remove_recovery();
                    self.ws = Workspace::new(t.design());
                    self.switch_recovery();
                    self.selected = None;
                    self.status = Status::Info(format!("new design from the template {name}: Ctrl-s saves it"));
                    self.after_change();
                }
            }
            Pending::Generated(design) => {
                if yes {
                    let name = design.name.clone();
                    self.remove_recovery();
                    self.ws = Workspace::new(*design);
                    self.switch_recovery();
                    self.selected = None;
                    self.status = Status::Info(format!("new design {name} from the generator: Ctrl-s saves it"));
                    self.after_change();
                }
            }
            Pending::NewDesign => {
                if yes {
                    let d = self.ws.design();
                    let azs: Vec<&str> = d.azs.iter().map(String::as_str).collect();
                    let fresh = Design::empty("untitled", &d.region.clone(), &azs);
                    self.remove_recovery();
                    self.ws = Workspace::new(fresh);
                    self.switch_recovery();
                    self.selected = None;
                    self.status = Status::Info("new empty design: press `a` to add a VPC".into());
                    self.after_change();
                }
            }
        }
    }

    fn finish_clean(&mut self) {
        self.remove_recovery();
        self.quit = true;
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
        // Solves go to the practice record beside the recovery folder (the user's state directory).
        let record = self
            .opts
            .recovery
            .as_ref()
            .and_then(|p| p.parent())
            .map(|dir| dir.join("progress.ron"));
        self.panes.push(Box::new(
            panes::practice::PracticePane::new(exercise).recording_to(record),
        ));
        self.focus = self.panes.len() - 1;
        self.status = Status::Info(format!(
            "Practice: {title}. Edit the design until every objective holds; Enter in the checklist reveals a hint"
        ));
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
            Msg::AddObject => {
                let mut items: Vec<_> = ObjectKind::ALL
                    .iter()
                    .map(|k| {
                        let how = if super::forms::FIELD_FORM_KINDS.contains(k) {
                            "form"
                        } else {
                            "text template"
                        };
                        (k.label().to_string(), how.to_string(), Choice::Kind(*k))
                    })
                    .collect();
                items.extend(super::form_kinds::Part::ALL.iter().map(|p| {
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
                let taker =
                    (0..self.panes.len()).find(|&i| self.with_pane(i, |p, ctx| p.open_trace(&query, &failures, ctx)));
                match taker {
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

    /// Called regularly by the event loop: writes the recovery file once the
    /// user has been idle for [`AUTOSAVE_IDLE`] after a change.
    pub fn tick(&mut self, now: Instant) {
        for i in 0..self.panes.len() {
            self.with_pane(i, |p, ctx| p.tick(now, ctx));
        }
        if !self.ws.is_dirty() || self.autosaved_rev == Some(self.ws.revision()) {
            return;
        }
        if self.last_change.is_none_or(|t| now.duration_since(t) >= AUTOSAVE_IDLE) {
            let _ = self.write_recovery();
        }
    }

    // ---------------------------------------------------------------- drawing

    pub fn draw(&mut self, frame: &mut Frame) {
        let area = frame.area();
        let t = self.opts.theme;
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let msg = format!(
                "vpcd needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}; this one is {}×{}. Enlarge it (q quits).",
                area.width, area.height
            );
            frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
            return;
        }
        let [title, body, status, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.draw_title(frame, title);
        self.rects = self.layout(body);
        // The trace pane's path goes to the diagram through the app, every frame.
        let path = self.panes.iter().find_map(|p| p.published_path());
        for p in &mut self.panes {
            p.show_path(path.clone());
        }
        let ctx = Ctx {
            ws: &self.ws,
            selected: self.selected.as_ref(),
            theme: t,
        };
        for (i, r) in &self.rects {
            let focused = *i == self.focus && self.modal.is_none();
            self.panes[*i].render(frame, *r, &ctx, focused);
        }
        let (text, style) = match &self.status {
            Status::Info(s) => (s.clone(), t.normal()),
            Status::Error(s) => (s.clone(), t.error()),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(fit(&text, status.width as usize), style)),
            status,
        );
        let hints = keymap::hints(self.context());
        let mut spans = Vec::new();
        for (k, name) in hints {
            spans.push(Span::styled(k, t.key()));
            spans.push(Span::raw(format!(" {name}  ")));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), footer);
        self.draw_modal(frame, body);
    }

    fn draw_title(&self, frame: &mut Frame, area: Rect) {
        let t = self.opts.theme;
        let d = self.ws.design();
        let path = self
            .ws
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "(not saved yet)".into());
        let dirty = if self.ws.is_dirty() { " ● unsaved" } else { "" };
        let line = Line::from(vec![
            Span::styled(" vpcd ", t.title().add_modifier(ratatui::style::Modifier::REVERSED)),
            Span::raw(format!(" {} · {} · {path}", d.name, d.region)),
            Span::styled(dirty, t.warning()),
        ]);
        frame.render_widget(Paragraph::new(line), area);
    }

    /// Places every pane: all visible from 110×34 up; below that the tree
    /// plus the focused pane (Tab cycles through the others).
    fn layout(&self, body: Rect) -> Vec<(usize, Rect)> {
        let in_region =
            |r: Region| -> Vec<usize> { (0..self.panes.len()).filter(|&i| self.panes[i].region() == r).collect() };
        let left = in_region(Region::Left);
        let full = body.width >= 110 && body.height >= 30;
        let mut out = Vec::new();
        if !full {
            let tree_w = (body.width * 2 / 5).clamp(30, 46);
            let [l, r] = Layout::horizontal([Constraint::Length(tree_w), Constraint::Min(0)]).areas(body);
            if let Some(&t) = left.first() {
                out.push((t, l));
            }
            let shown = if self.panes[self.focus].region() == Region::Left {
                (0..self.panes.len()).find(|&i| self.panes[i].region() != Region::Left)
            } else {
                Some(self.focus)
            };
            if let Some(s) = shown {
                out.push((s, r));
            }
            return out;
        }
        let bottom = in_region(Region::Bottom);
        let center = in_region(Region::Center);
        let right = in_region(Region::Right);
        let bottom_h = if bottom.is_empty() {
            0
        } else if self.panes[self.focus].region() == Region::Bottom {
            // A focused bottom pane (the trace's hop table) gets room to work.
            (body.height * 2 / 5).clamp(6, 18)
        } else {
            (body.height / 4).clamp(6, 10)
        };
        let [top, bot] = Layout::vertical([Constraint::Min(0), Constraint::Length(bottom_h)]).areas(body);
        let left_w = (body.width * 2 / 7).clamp(30, 48);
        let right_w = if right.is_empty() {
            0
        } else {
            (body.width * 3 / 10).clamp(30, 44)
        };
        let [l, c, r] = Layout::horizontal([
            Constraint::Length(left_w),
            Constraint::Min(0),
            Constraint::Length(right_w),
        ])
        .areas(top);
        let stack = |ids: &[usize], area: Rect, vertical: bool, out: &mut Vec<(usize, Rect)>| {
            if ids.is_empty() {
                return;
            }
            // In the bottom strip the focused pane gets twice its share of the width.
            let grow = |i: usize| if !vertical && i == self.focus { 2 } else { 1 };
            let constraints: Vec<Constraint> = ids
                .iter()
                .map(|&i| Constraint::Fill(self.panes[i].weight() * grow(i)))
                .collect();
            let areas = if vertical {
                Layout::vertical(constraints).split(area)
            } else {
                Layout::horizontal(constraints).split(area)
            };
            for (&i, a) in ids.iter().zip(areas.iter()) {
                out.push((i, *a));
            }
        };
        stack(&left, l, true, &mut out);
        stack(&center, c, true, &mut out);
        stack(&right, r, true, &mut out);
        stack(&bottom, bot, false, &mut out);
        out
    }

    fn draw_modal(&mut self, frame: &mut Frame, body: Rect) {
        let t = self.opts.theme;
        match &mut self.modal {
            None => {}
            Some(Modal::Form(f)) => f.render(frame, body, &t),
            Some(Modal::Generator(g)) => g.render(frame, body, &t),
            Some(Modal::Confirm { prompt, .. }) => {
                let w = body.width.saturating_sub(8).min(70);
                let lines = (prompt.chars().count() as u16 / w.saturating_sub(2).max(1)) + 1;
                let area = centered(body, w, lines + 2);
                frame.render_widget(Clear, area);
                let blk = block("confirm".into(), true, &t);
                frame.render_widget(
                    Paragraph::new(prompt.clone()).wrap(Wrap { trim: true }).block(blk),
                    area,
                );
            }
            Some(Modal::List(list)) => {
                let highlighted = list.filtered.get(list.cursor).map(|&i| &list.items[i].2);
                let preview = match highlighted {
                    Some(Choice::Template(name)) => crate::templates::find(name),
                    _ => None,
                };
                let h = (list.items.len() as u16 + 3).min(body.height.saturating_sub(2)).max(5);
                let area = match preview {
                    // Templates get the whole screen: the list on top, the diagram below.
                    Some(_) => centered(body, body.width.saturating_sub(4), body.height.saturating_sub(2)),
                    None => centered(body, body.width.saturating_sub(8).min(70), h),
                };
                frame.render_widget(Clear, area);
                let blk = block(list.title.clone(), true, &t);
                let mut inner = blk.inner(area);
                frame.render_widget(blk, area);
                if let Some(tpl) = preview {
                    let list_h = (list.items.len() as u16 + 1).min(inner.height / 2);
                    let [top, sep, bottom] =
                        Layout::vertical([Constraint::Length(list_h), Constraint::Length(1), Constraint::Min(0)])
                            .areas(inner);
                    inner = top;
                    frame.render_widget(
                        Paragraph::new(Span::styled(format!("preview of {}", tpl.name), t.title())),
                        sep,
                    );
                    super::preview::render_design(frame, bottom, &tpl.design());
                }
                let [q, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
                frame.render_widget(Paragraph::new(Span::styled("> ", t.key())), q);
                list.query.set_cursor_line_style(ratatui::style::Style::default());
                frame.render_widget(&list.query, Rect::new(q.x + 2, q.y, q.width.saturating_sub(2), 1));
                let height = rest.height as usize;
                let offset = panes::scroll_to(0, list.cursor, height);
                let lines: Vec<Line> = list
                    .filtered
                    .iter()
                    .enumerate()
                    .skip(offset)
                    .take(height)
                    .map(|(row, &i)| {
                        let (label, desc, _) = &list.items[i];
                        let mut l = Line::from(vec![Span::raw(fit(label, 28)), Span::styled(desc.clone(), t.dim())]);
                        if row == list.cursor {
                            l = l.style(t.selected(true));
                        }
                        l
                    })
                    .collect();
                frame.render_widget(Paragraph::new(lines), rest);
            }
            Some(Modal::Help { context, scroll }) => {
                let area = centered(
                    body,
                    body.width.saturating_sub(6).min(96),
                    body.height.saturating_sub(2),
                );
                frame.render_widget(Clear, area);
                let mut lines = Vec::new();
                let mut last = String::new();
                for hl in keymap::help_lines(*context) {
                    let ctx = hl.context.label().to_string();
                    let (keys, desc) = (hl.keys, hl.description);
                    if ctx != last {
                        if !last.is_empty() {
                            lines.push(Line::raw(""));
                        }
                        lines.push(Line::styled(format!("{ctx} keys"), t.title()));
                        last = ctx;
                    }
                    lines.push(Line::from(vec![Span::styled(fit(&keys, 26), t.key()), Span::raw(desc)]));
                }
                let max = (lines.len() as u16).saturating_sub(area.height.saturating_sub(2));
                *scroll = (*scroll).min(max);
                let blk = block("help (Esc closes, ↑/↓ scroll)".into(), true, &t);
                frame.render_widget(Paragraph::new(lines).block(blk).scroll((*scroll, 0)), area);
            }
        }
    }
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
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

/// Opens a design file, or a new empty design named after it when it does not exist.
pub fn open_design(path: &Path) -> Result<(Design, bool), String> {
    if path.exists() {
        crate::io::load(path).map(|d| (d, true)).map_err(|e| e.to_string())
    } else {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| crate::edit::valid_name(s))
            .unwrap_or("untitled");
        Ok((Design::empty(name, "us-east-1", &["us-east-1a", "us-east-1b"]), false))
    }
}

fn list_designs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
