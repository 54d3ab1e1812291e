//! Modals: forms, pickers and lists, confirmations and help, drawn over the
//! panes and given keys first; what a chosen entry or a confirmed question does.

use super::*;

/// What a confirmation does on "yes" (and on "no", for the quit guard).
#[derive(Debug)]
pub(super) enum Pending {
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
    /// A design from the "VPC and more" wizard.
    Generated(Box<Design>),
    /// Files an export or the report writes over (all or none).
    Write {
        files: Vec<(PathBuf, String)>,
        notes: Vec<String>,
    },
    /// A design imported from a folder, with the summary the status line shows.
    Imported {
        design: Box<Design>,
        summary: String,
    },
}

#[derive(Debug, Clone)]
pub(super) enum Choice {
    Action(Action),
    Kind(ObjectKind),
    /// A part of an object: a TGW route table, attachment or route, a DX virtual interface.
    Part(crate::forms::kinds::Part),
    File(PathBuf),
    TypePath,
    /// A built-in template (`crate::create::templates`).
    Template(&'static str),
    /// The "VPC and more" wizard form.
    Wizard,
    /// In the list of orphaned recovery files: leave them all.
    KeepOrphans,
    /// Restore the orphan at this index of `App::orphans`.
    Orphan(usize),
    /// Delete every listed orphan (after a confirm).
    DeleteOrphans,
    /// The kind of the pane at this index (a route in the Routes pane):
    /// the pane answers [`Action::AddHere`].
    PaneAdd(usize),
    /// A bundled exercise by id.
    Exercise(&'static str),
    /// A generated practice problem on a topic (`None`: any).
    Problem(Option<&'static str>),
}

pub(super) struct ListModal {
    pub(super) title: String,
    pub(super) query: TextArea<'static>,
    pub(super) items: Vec<(String, String, Choice)>,
    pub(super) filtered: Vec<usize>,
    pub(super) cursor: usize,
}

impl ListModal {
    pub(super) fn new(title: &str, items: Vec<(String, String, Choice)>) -> Self {
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
    pub(super) fn refilter(&mut self) {
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

pub(super) enum Modal {
    Form(Box<Form>),
    Confirm { prompt: String, pending: Pending },
    List(Box<ListModal>),
    Help { context: Context, scroll: u16 },
    Wizard(Box<WizardForm>),
}

impl App {
    pub(super) fn modal_key(&mut self, key: Key, ev: KeyEvent) {
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
                    Some(Action::ClearField) => form.clear_field(),
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
                        let result = form.submit(&self.ws);
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
                                self.save_as(&path);
                                return;
                            }
                            Ok(Submit::Open(path)) => {
                                self.request_open(path);
                                return;
                            }
                            Ok(Submit::File(task, path)) => match self.run_file_task(task, path) {
                                Ok(()) => return,
                                Err(msg) => form.error = Some(msg),
                            },
                        }
                    }
                    _ => form.input(ev),
                }
                self.modal = Some(Modal::Form(form));
            }
            Modal::Wizard(mut form) => match form.handle(keymap::lookup(Context::Form, key), ev) {
                wizard_form::Outcome::Open => self.modal = Some(Modal::Wizard(form)),
                wizard_form::Outcome::Cancelled => self.status = Status::Info("cancelled".into()),
                wizard_form::Outcome::Create(design) => {
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

    pub(super) fn choose(&mut self, choice: Choice) {
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
            Choice::PaneAdd(i) => {
                if i < self.panes.len() {
                    let msg = self.with_pane(i, |p, ctx| p.handle(Action::AddHere, ctx));
                    self.apply_msg(msg);
                }
            }
            Choice::File(p) => self.request_open(p),
            Choice::Exercise(id) => {
                if self.ws.is_dirty() {
                    self.status = Status::Error("unsaved changes: save (Ctrl-s) before opening an exercise".into());
                    return;
                }
                match crate::practice::exercise::bundled(id) {
                    Some(Ok(ex)) => self.open_exercise(ex),
                    Some(Err(e)) => self.status = Status::Error(e.to_string()),
                    None => self.status = Status::Error(format!("no bundled exercise {id}")),
                }
            }
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
            Choice::Wizard => self.open_wizard(),
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
                    crate::forms::Check::Path,
                ))))
            }
        }
    }

    /// New objects default to the selected VPC / subnet where the form has that field.
    pub(super) fn prefill_from_selection(&self, form: &mut Form) {
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

    pub(super) fn open_wizard(&mut self) {
        let region = self.ws.design().region.clone();
        self.modal = Some(Modal::Wizard(Box::new(WizardForm::new(&region))));
    }

    pub(super) fn confirm(&mut self, pending: Pending, yes: bool) {
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
                        self.load_design(design, Some(&path));
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
                if let (true, Some(t)) = (yes, crate::create::templates::find(name)) {
                    self.remove_recovery();
                    self.ws = Workspace::new(t.design());
                    self.leave_practice();
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
                    self.leave_practice();
                    self.switch_recovery();
                    self.selected = None;
                    self.status = Status::Info(format!("new design {name} from VPC and more: Ctrl-s saves it"));
                    self.after_change();
                }
            }
            Pending::Write { files, notes } => {
                if !yes {
                    self.status = Status::Info("cancelled: nothing written".into());
                } else if let Err(e) = self.write_now(&files, &notes) {
                    self.status = Status::Error(e);
                }
            }
            Pending::Imported { design, summary } => {
                if yes {
                    self.open_imported(*design, summary);
                } else {
                    self.status = Status::Info("cancelled: the imported design is not opened".into());
                }
            }
            Pending::NewDesign => {
                if yes {
                    let d = self.ws.design();
                    let azs: Vec<&str> = d.azs.iter().map(String::as_str).collect();
                    let fresh = Design::empty("untitled", &d.region.clone(), &azs);
                    self.remove_recovery();
                    self.ws = Workspace::new(fresh);
                    self.leave_practice();
                    self.switch_recovery();
                    self.selected = None;
                    self.status = Status::Info("new empty design: press `a` to add a VPC".into());
                    self.after_change();
                }
            }
        }
    }

    pub(super) fn draw_modal(&mut self, frame: &mut Frame, body: Rect) {
        let t = self.opts.theme;
        match &mut self.modal {
            None => {}
            Some(Modal::Form(f)) => f.render(frame, body, &t),
            Some(Modal::Wizard(g)) => g.render(frame, body, &t),
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
                    Some(Choice::Template(name)) => crate::create::templates::find(name),
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
                    crate::tui::preview::render_design(frame, bottom, &tpl.design());
                }
                let [q, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
                frame.render_widget(Paragraph::new(Span::styled("> ", t.key())), q);
                list.query.set_cursor_line_style(ratatui::style::Style::default());
                frame.render_widget(&list.query, Rect::new(q.x + 2, q.y, q.width.saturating_sub(2), 1));
                let height = rest.height as usize;
                let offset = panes::scroll_to(0, list.cursor, height);
                // The label column fits the longest label (up to half the width),
                // and two spaces always part a label from its description.
                let label_w = list
                    .items
                    .iter()
                    .map(|(l, _, _)| l.chars().count())
                    .max()
                    .unwrap_or(0)
                    .min(usize::from(rest.width) / 2);
                let lines: Vec<Line> = list
                    .filtered
                    .iter()
                    .enumerate()
                    .skip(offset)
                    .take(height)
                    .map(|(row, &i)| {
                        let (label, desc, _) = &list.items[i];
                        let mut l = Line::from(vec![
                            Span::raw(format!("{}  ", fit(label, label_w))),
                            Span::styled(desc.clone(), t.dim()),
                        ]);
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
                    lines.push(Line::from(vec![
                        Span::styled(format!("{} ", fit(&keys, 25)), t.key()),
                        Span::raw(desc),
                    ]));
                }
                // Commands without a key, after the keys: what `:` reaches.
                lines.push(Line::raw(""));
                lines.push(Line::styled("command palette (`:`) only", t.title()));
                let name_w = keymap::PALETTE_ONLY
                    .iter()
                    .map(|(a, _)| a.name().chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(25);
                for (action, desc) in keymap::PALETTE_ONLY {
                    lines.push(Line::from(vec![
                        Span::styled(format!("{} ", fit(action.name(), name_w)), t.key()),
                        Span::raw(*desc),
                    ]));
                }
                let max = (lines.len() as u16).saturating_sub(area.height.saturating_sub(2));
                *scroll = (*scroll).min(max);
                let blk = block("help (Esc closes, ↑/↓ scroll)".into(), true, &t);
                frame.render_widget(Paragraph::new(lines).block(blk).scroll((*scroll, 0)), area);
            }
        }
    }
}

pub(super) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}
