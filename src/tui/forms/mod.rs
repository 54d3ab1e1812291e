//! Form state: every text input is a tui-textarea; choices are pickers.
//! Fields validate as they are typed (an invalid CIDR turns red with the
//! reason before Enter). What each kind's form asks for, the checks and the
//! building of edits from values are the library's ([`crate::forms`]);
//! submitting yields an [`Edit`] value — the form never touches the design —
//! and a refused edit keeps the form open with AWS's reason. Drawing is in
//! `draw.rs`.

use std::path::PathBuf;

use ratatui::crossterm::event::KeyEvent;
use tui_textarea::TextArea;

use crate::edit::Edit;
use crate::forms::build::{
    next_nacl_rule_number, sg_peer_label, sg_peer_suggestions, subnets_associated, subnets_to_associate, text_edit,
};
use crate::forms::kinds::{fresh_name, name_stem, object_def, FormDef, Part, Spec, Widget, ORIGINAL};
use crate::forms::{parse_object, route_targets, target_label, to_ron};
use crate::forms::{Check, Finding, Row, Subject, Vals};
use crate::model::*;
use crate::validate::Severity;
use crate::workspace::Workspace;

mod draw;

pub enum Input {
    Text {
        area: TextArea<'static>,
        check: Check,
    },
    Choice {
        options: Vec<String>,
        idx: usize,
    },
    /// Several choices, toggled with Space.
    Multi {
        options: Vec<String>,
        chosen: Vec<bool>,
        cursor: usize,
        /// Per option, a group of which at most one may be chosen (a
        /// subnet's AZ where AWS takes one subnet per AZ); empty: no limit.
        groups: Vec<String>,
    },
    /// A multi-line RON editor for any object kind.
    Ron {
        area: TextArea<'static>,
        kind: Option<ObjectKind>,
    },
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Input::Text { area, .. } | Input::Ron { area, .. } => write!(f, "{:?}", area.lines()),
            Input::Choice { options, idx } => write!(f, "{:?}", options.get(*idx)),
            Input::Multi { options, chosen, .. } => write!(f, "{options:?} {chosen:?}"),
        }
    }
}

#[derive(Debug)]
pub struct Field {
    pub label: &'static str,
    pub input: Input,
    /// Completion candidates (SG peers).
    pub suggestions: Vec<String>,
    /// The declaration the field comes from (object and part forms).
    spec: Option<&'static Spec>,
    /// Not shown for the values chosen so far (interface-only fields of a gateway endpoint).
    pub hidden: bool,
    /// What the shared validation says about the value, as typed.
    pub finding: Option<Finding>,
    /// A default offered for a new object: the first typed character replaces it.
    pub fresh: bool,
}

impl Field {
    fn text(label: &'static str, value: &str, check: Check) -> Field {
        let mut area = TextArea::new(vec![value.to_string()]);
        area.move_cursor(tui_textarea::CursorMove::End);
        Field {
            label,
            input: Input::Text { area, check },
            suggestions: Vec::new(),
            spec: None,
            hidden: false,
            finding: None,
            fresh: false,
        }
    }
    fn from_spec(spec: &'static Spec) -> Field {
        let mut f = match spec.widget {
            Widget::Text(check) => Field::text(spec.label, "", check),
            Widget::Pick(_) => Field::choice(spec.label, Vec::new(), ""),
            Widget::Multi(_) | Widget::SubnetsPerAz(_) => Field::multi(spec.label, Vec::new(), &[]),
        };
        f.spec = Some(spec);
        f
    }
    fn choice(label: &'static str, options: Vec<String>, current: &str) -> Field {
        let idx = options.iter().position(|o| o == current).unwrap_or(0);
        Field {
            input: Input::Choice { options, idx },
            ..Field::text(label, "", Check::Free)
        }
    }
    fn multi(label: &'static str, options: Vec<String>, chosen: &[String]) -> Field {
        let flags = options.iter().map(|o| chosen.contains(o)).collect();
        Field {
            input: Input::Multi {
                options,
                chosen: flags,
                cursor: 0,
                groups: Vec::new(),
            },
            ..Field::text(label, "", Check::Free)
        }
    }

    /// The field's current value (choice label, or text).
    pub fn value(&self) -> String {
        match &self.input {
            Input::Text { area, .. } => area.lines().join("").trim().to_string(),
            Input::Ron { area, .. } => area.lines().join("\n"),
            Input::Choice { options, idx } => options.get(*idx).cloned().unwrap_or_default(),
            Input::Multi { options, chosen, .. } => options
                .iter()
                .zip(chosen)
                .filter(|(_, c)| **c)
                .map(|(o, _)| o.clone())
                .collect::<Vec<_>>()
                .join(","),
        }
    }
    fn values(&self) -> Vec<String> {
        match &self.input {
            Input::Multi { options, chosen, .. } => options
                .iter()
                .zip(chosen)
                .filter(|(_, c)| **c)
                .map(|(o, _)| o.clone())
                .collect(),
            _ => vec![self.value()],
        }
    }

    /// The live check result of a text field.
    pub fn problem(&self) -> Option<String> {
        match &self.input {
            Input::Text { area, check } => check.run(&area.lines().join("")).err(),
            Input::Ron { area, kind } => parse_object(&area.lines().join("\n"), *kind).err(),
            _ => None,
        }
    }

    fn visible_suggestions(&self) -> Vec<&String> {
        let typed = self.value().to_lowercase();
        self.suggestions
            .iter()
            .filter(|s| s.to_lowercase().starts_with(&typed) && s.to_lowercase() != typed)
            .take(6)
            .collect()
    }
}

/// What a form is for; decides how its fields become an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Create or change an object (or a part of one) through its fields.
    Fields(Subject),
    /// Create or change any object as RON text.
    Ron {
        original: Option<ObjectRef>,
    },
    /// Add or change a route, a rule or an association.
    Row(Row),
    Jump,
    SaveAs,
    Open,
    /// A path for an export, the report or an import (the command palette).
    File(FileTask),
    /// A new name for the design.
    RenameDesign,
}

/// What the command palette writes or reads at a path it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileTask {
    /// A folder of `.tf` files (`vpcd export terraform`).
    ExportTerraform,
    /// One template (`vpcd export cloudformation`).
    ExportCloudFormation,
    /// The Markdown design review (`vpcd report`).
    WriteReport,
    /// A folder of AWS CLI `describe-*` JSON, opened as a new design (`vpcd import aws`).
    ImportAws,
    /// A folder of Terraform, opened as a new design (`vpcd import terraform`).
    ImportTerraform,
}

/// The result of submitting a form.
#[derive(Debug)]
pub enum Submit {
    Edit(Edit),
    Jump(String),
    SaveAs(PathBuf),
    Open(PathBuf),
    File(FileTask, PathBuf),
}

#[derive(Debug)]
pub struct Form {
    pub title: String,
    pub purpose: Purpose,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last submit was refused (shown inline; the form stays open).
    pub error: Option<String>,
    /// What the workspace would answer to the values as typed, where no
    /// single field explains it.
    pub live_problem: Option<String>,
    live: Option<Box<Live>>,
}

/// What keeps an object form live: its definition and a scratch copy of the
/// workspace that answers "what would the workspace say?" as you type.
struct Live {
    def: &'static FormDef,
    ws: Workspace,
    /// The values at the last sync (to see which field changed).
    last: Vals,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Live({:?})", self.def)
    }
}

impl Form {
    fn new(title: impl Into<String>, purpose: Purpose, fields: Vec<Field>) -> Form {
        Form {
            title: title.into(),
            purpose,
            fields,
            focus: 0,
            error: None,
            live_problem: None,
            live: None,
        }
    }

    pub fn single(title: &str, purpose: Purpose, label: &'static str, value: &str, check: Check) -> Form {
        Form::new(title, purpose, vec![Field::text(label, value, check)])
    }

    /// A form for a new object of a kind.
    pub fn create(kind: ObjectKind, d: &Design) -> Form {
        Form::create_in(kind, Workspace::new(d.clone()))
    }

    /// A form for a new object of a kind, checked against a copy of `ws`
    /// (cheaper than [`Form::create`] on large designs: nothing is re-validated).
    pub fn create_for(kind: ObjectKind, ws: &Workspace) -> Form {
        Form::create_in(kind, ws.scratch())
    }

    fn create_in(kind: ObjectKind, ws: Workspace) -> Form {
        Form::from_def(
            format!("new {}", kind.label()),
            object_def(kind),
            Purpose::Fields(Subject::Object { kind, original: None }),
            None,
            ws,
        )
    }

    /// A form for a part of an object (a TGW attachment, route table or
    /// route, a Direct Connect virtual interface): new, or an existing one
    /// chosen in the form.
    pub fn create_part(part: Part, ws: &Workspace) -> Form {
        Form::from_def(
            format!("{} (new or existing)", part.label()),
            part.def(),
            Purpose::Fields(Subject::Part(part)),
            None,
            ws.scratch(),
        )
    }

    /// Points a part form at a parent (the selected transit gateway or connection).
    pub fn select_parent(&mut self, r: &ObjectRef) {
        if let Purpose::Fields(Subject::Part(p)) = self.purpose {
            let (kind, label) = p.parent();
            if r.kind == kind {
                self.preselect(label, &r.name);
            }
        }
    }

    fn from_def(title: String, def: &'static FormDef, purpose: Purpose, orig: Option<&Object>, ws: Workspace) -> Form {
        let d = ws.design();
        let fields = def.fields.iter().map(Field::from_spec).collect();
        let mut form = Form::new(title, purpose, fields);
        let mut vals = (def.read)(d, orig, &Vals::default());
        if let (Purpose::Fields(Subject::Object { kind, .. }), None, "") = (&form.purpose, orig, vals.get("name")) {
            vals = vals.with("name", fresh_name(d, name_stem(*kind)));
        }
        form.load(&vals);
        if orig.is_none() {
            for f in &mut form.fields {
                f.fresh = matches!(&f.input, Input::Text { area, .. } if !area.lines().concat().is_empty());
            }
        }
        form.live = Some(Box::new(Live {
            def,
            ws,
            last: Vals::default(),
        }));
        form.sync();
        form
    }

    fn ron(title: String, original: Option<ObjectRef>, text: String, kind: Option<ObjectKind>) -> Form {
        let area = TextArea::new(text.lines().map(String::from).collect());
        let mut field = Field::text("object", "", Check::Free);
        field.input = Input::Ron { area, kind };
        Form::new(title, Purpose::Ron { original }, vec![field])
    }

    /// Edits any object as text.
    pub fn edit_as_text(r: &ObjectRef, d: &Design) -> Form {
        let text = d.get(r).map(|o| to_ron(&o)).unwrap_or_default();
        Form::ron(format!("edit {r} (text)"), Some(r.clone()), text, Some(r.kind))
    }

    /// The field form of an object (its text editor stays one key away).
    pub fn edit_object(r: &ObjectRef, ws: &Workspace) -> Form {
        let d = ws.design();
        match d.get(r) {
            Some(obj) => Form::from_def(
                format!("edit {} {}", r.kind.label(), r.name),
                object_def(r.kind),
                Purpose::Fields(Subject::Object {
                    kind: r.kind,
                    original: Some(r.name.clone()),
                }),
                Some(&obj),
                ws.scratch(),
            ),
            None => Form::edit_as_text(r, d),
        }
    }

    /// The same object in the text editor (the "advanced" view): what the
    /// fields describe so far, or the object being edited.
    pub fn as_text(&self) -> Option<Form> {
        let live = self.live.as_ref()?;
        let d = live.ws.design();
        let built = (live.def.build)(&self.vals(), d, self.original_object(d));
        match &self.purpose {
            Purpose::Fields(Subject::Object { kind, original }) => {
                let obj = built.ok().or_else(|| self.original_object(d))?;
                let r = original.as_ref().map(|n| ObjectRef::new(*kind, n.clone()));
                let title = match &r {
                    Some(r) => format!("edit {r} (text)"),
                    None => format!("new {} (text)", kind.label()),
                };
                Some(Form::ron(title, r, to_ron(&obj), Some(*kind)))
            }
            Purpose::Fields(Subject::Part(_)) => {
                let obj = built.ok()?;
                let r = ObjectRef::new(obj.kind(), obj.name());
                Some(Form::ron(
                    format!("edit {r} (text)"),
                    Some(r),
                    to_ron(&obj),
                    Some(obj.kind()),
                ))
            }
            _ => None,
        }
    }

    fn original_object(&self, d: &Design) -> Option<Object> {
        match &self.purpose {
            Purpose::Fields(subject) => subject.original_object(d),
            _ => None,
        }
    }

    /// The current values of every field.
    pub fn vals(&self) -> Vals {
        let mut v = Vals::default();
        for f in &self.fields {
            v.put(f.label, f.values());
        }
        v
    }

    /// Puts values into the fields they name (pickers keep the value until
    /// the next sync maps it onto their options).
    fn load(&mut self, vals: &Vals) {
        for f in &mut self.fields {
            let Some(values) = vals.values(f.label) else {
                continue;
            };
            match &mut f.input {
                Input::Text { area, .. } => {
                    *area = TextArea::new(vec![values.first().cloned().unwrap_or_default()]);
                    area.move_cursor(tui_textarea::CursorMove::End);
                }
                Input::Choice { options, idx } => {
                    *options = values.to_vec();
                    *idx = 0;
                }
                Input::Multi { options, chosen, .. } => {
                    *options = values.to_vec();
                    *chosen = vec![true; values.len()];
                }
                Input::Ron { .. } => {}
            }
        }
    }

    /// Recomputes what the fields offer from the design and the values
    /// chosen so far (subnets of the chosen VPC, services of the chosen
    /// endpoint type, …), re-reads a part when its parent or selector
    /// changed, and runs the live checks.
    fn sync(&mut self) {
        let Some(mut live) = self.live.take() else {
            return;
        };
        self.refresh_options(live.ws.design());
        let vals = self.vals();
        if live.def.reload_on.iter().any(|l| vals.get(l) != live.last.get(l)) {
            let fresh = (live.def.read)(live.ws.design(), None, &vals);
            self.load(&fresh);
            self.refresh_options(live.ws.design());
        }
        let first_sync = live.last == Vals::default();
        self.suggest_subnet_cidr(live.ws.design(), first_sync);
        live.last = self.vals();
        self.check_live(&mut live);
        self.live = Some(live);
        if self.fields.get(self.focus).is_some_and(|f| f.hidden) {
            self.next_field();
        }
    }

    /// A new subnet's IPv4 CIDR starts as the chosen VPC's next free /24
    /// (a suggestion: the first typed character replaces it), and follows the
    /// VPC while it is still the suggestion. A /24 is the console's usual
    /// subnet size; AWS takes /16 to /28 (VPC User Guide, "Subnet CIDR blocks").
    fn suggest_subnet_cidr(&mut self, d: &Design, first_sync: bool) {
        if self.purpose
            != (Purpose::Fields(Subject::Object {
                kind: ObjectKind::Subnet,
                original: None,
            }))
        {
            return;
        }
        let vpc_name = self.vals().get("VPC").to_string();
        let Some(field) = self.fields.iter_mut().find(|f| f.label == "IPv4 CIDR") else {
            return;
        };
        let empty = field.value().is_empty();
        if !(field.fresh || (empty && first_sync)) {
            return;
        }
        let block = d
            .vpcs
            .iter()
            .find(|v| v.name == vpc_name)
            .and_then(|v| crate::create::planner::next_free_in_vpc(d, v, 24).ok().flatten());
        if let (Some(block), Input::Text { area, .. }) = (block, &mut field.input) {
            *area = TextArea::new(vec![block.to_string()]);
            area.move_cursor(tui_textarea::CursorMove::End);
            field.fresh = true;
        }
    }

    fn refresh_options(&mut self, d: &Design) {
        let original = match &self.purpose {
            Purpose::Fields(Subject::Object { original, .. }) => original.clone().unwrap_or_default(),
            _ => String::new(),
        };
        let mut vals = Vals::default().with(ORIGINAL, original);
        for f in &mut self.fields {
            if let Some(spec) = f.spec {
                f.hidden = !spec.visible(&vals);
                match (spec.widget, &mut f.input) {
                    (Widget::Pick(source), Input::Choice { options, idx }) => {
                        let current = options.get(*idx).cloned();
                        *options = source(d, &vals);
                        *idx = current.and_then(|c| options.iter().position(|o| *o == c)).unwrap_or(0);
                    }
                    (
                        Widget::Multi(source) | Widget::SubnetsPerAz(source),
                        Input::Multi {
                            options,
                            chosen,
                            cursor,
                            groups,
                        },
                    ) => {
                        let current: Vec<String> = options
                            .iter()
                            .zip(chosen.iter())
                            .filter(|(_, c)| **c)
                            .map(|(o, _)| o.clone())
                            .collect();
                        *options = source(d, &vals);
                        *chosen = options.iter().map(|o| current.contains(o)).collect();
                        *groups = match spec.widget {
                            Widget::SubnetsPerAz(_) => options
                                .iter()
                                .map(|o| {
                                    d.subnets
                                        .iter()
                                        .find(|s| &s.name == o)
                                        .map(|s| s.az.clone())
                                        .unwrap_or_default()
                                })
                                .collect(),
                            _ => Vec::new(),
                        };
                        *cursor = (*cursor).min(options.len().saturating_sub(1));
                    }
                    _ => {}
                }
            }
            vals.put(f.label, f.values());
        }
    }

    /// Asks the shared model and validation about the values typed so far:
    /// a name already taken, and what the workspace would answer to the edit
    /// (refusals in red, new warnings in yellow, under the field they concern).
    fn check_live(&mut self, live: &mut Live) {
        for f in &mut self.fields {
            f.finding = None;
        }
        self.live_problem = None;
        if self.fields.iter().any(|f| !f.hidden && f.problem().is_some()) {
            return;
        }
        let d = live.ws.design();
        if let Some(clash) = self.name_clash(live.ws.index()) {
            self.attach("name", true, clash);
            return;
        }
        let edit = match self.object_edit(d) {
            Ok(e) => e,
            Err(e) => {
                self.live_problem = Some(e);
                return;
            }
        };
        // Ask the scratch workspace what applying the edit would answer; it
        // stays as it was either way.
        let (refused, findings) = match live.ws.probe(edit) {
            Ok(applied) => (false, applied.new_findings),
            Err(rejected) => {
                self.live_problem = Some(format!("AWS would refuse this: {}", rejected.message));
                (true, rejected.reasons)
            }
        };
        let mut all_placed = true;
        for diag in findings.iter().filter(|f| f.severity != Severity::Info) {
            let mut text = diag.message.clone();
            if let Some(code) = diag.aws_code.filter(|_| refused) {
                text.push_str(&format!(" (AWS: {code})"));
            }
            let field = self
                .fields
                .iter()
                .find(|f| !f.hidden && f.spec.is_some_and(|s| s.codes.contains(&diag.code)))
                .map(|f| f.label);
            match field {
                Some(label) => self.attach(label, refused, text),
                None => all_placed = false,
            }
        }
        if refused && all_placed {
            // Every reason already shows under its field.
            self.live_problem = None;
        }
    }

    fn attach(&mut self, label: &str, refused: bool, message: String) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.label == label && f.finding.is_none()) {
            f.finding = Some(Finding { refused, message });
        }
    }

    /// A new or renamed object whose name another object already has.
    fn name_clash(&self, idx: &DesignIndex) -> Option<String> {
        match &self.purpose {
            Purpose::Fields(subject) => subject.name_clash(&self.vals(), idx),
            _ => None,
        }
    }

    /// The edit an object or part form describes.
    fn object_edit(&self, d: &Design) -> Result<Edit, String> {
        match &self.purpose {
            Purpose::Fields(subject) => subject.edit(&self.vals(), d),
            _ => Err("internal: not a field form".into()),
        }
    }

    pub fn route(rt: &RouteTable, index: Option<usize>, d: &Design) -> Form {
        let existing = index.and_then(|i| rt.routes.get(i));
        let dest = existing.map(|r| r.dest.to_string()).unwrap_or_default();
        let targets = route_targets(d, &rt.vpc);
        let current = existing.map(|r| target_label(&r.target)).unwrap_or_default();
        Form::new(
            format!("{} route in {}", if index.is_some() { "edit" } else { "add" }, rt.name),
            Purpose::Row(Row::Route {
                table: rt.name.clone(),
                index,
            }),
            vec![
                Field::text("destination", &dest, Check::RouteDest),
                Field::choice("target", targets, &current),
            ],
        )
    }

    pub fn sg_rule(sg: &SecurityGroup, dir: Direction, index: Option<usize>, d: &Design) -> Form {
        let rules = match dir {
            Direction::Inbound => &sg.inbound,
            Direction::Outbound => &sg.outbound,
        };
        let existing = index.and_then(|i| rules.get(i));
        let proto = existing.map(|r| r.proto.to_string()).unwrap_or("tcp".into());
        let ports = existing.map(|r| r.ports.to_string()).unwrap_or_default();
        let peer = existing.map(|r| r.peer.to_string()).unwrap_or_default();
        let mut peer_field = Field::text(sg_peer_label(dir), &peer, Check::Peer);
        peer_field.suggestions = sg_peer_suggestions(d, &sg.vpc, dir);
        let protos = ["tcp", "udp", "icmp", "icmpv6", "all"];
        Form::new(
            format!(
                "{} {dir} rule of {}",
                if index.is_some() { "edit" } else { "add" },
                sg.name
            ),
            Purpose::Row(Row::SgRule {
                group: sg.name.clone(),
                dir,
                index,
            }),
            vec![
                Field::choice("protocol", protos.iter().map(|s| s.to_string()).collect(), &proto),
                Field::text("ports", &ports, Check::Ports),
                peer_field,
            ],
        )
    }

    pub fn nacl_rule(acl: &NetworkAcl, dir: Direction, index: Option<usize>) -> Form {
        let rules = acl.rules(dir);
        let existing = index.and_then(|i| rules.get(i));
        let number = existing
            .map(|r| r.number)
            .unwrap_or_else(|| next_nacl_rule_number(rules))
            .to_string();
        let action = existing.map(|r| r.action.to_string()).unwrap_or("allow".into());
        let proto = existing.map(|r| r.proto.to_string()).unwrap_or("tcp".into());
        let ports = existing.map(|r| r.ports.to_string()).unwrap_or_default();
        let cidr = existing.map(|r| r.cidr.to_string()).unwrap_or("0.0.0.0/0".into());
        let protos = ["tcp", "udp", "icmp", "icmpv6", "all"];
        Form::new(
            format!(
                "{} {dir} rule of {}",
                if index.is_some() { "edit" } else { "add" },
                acl.name
            ),
            Purpose::Row(Row::NaclRule {
                acl: acl.name.clone(),
                dir,
                index,
            }),
            vec![
                Field::text("rule #", &number, Check::RuleNumber),
                Field::choice("action", vec!["allow".into(), "deny".into()], &action),
                Field::choice("protocol", protos.iter().map(|s| s.to_string()).collect(), &proto),
                Field::text("ports", &ports, Check::Ports),
                Field::text("CIDR", &cidr, Check::Cidr),
            ],
        )
    }

    pub fn associate(rt: &RouteTable, d: &Design, idx: &DesignIndex) -> Form {
        let subnets = subnets_to_associate(rt, d, idx);
        Form::new(
            format!("associate a subnet with {}", rt.name),
            Purpose::Row(Row::Associate { table: rt.name.clone() }),
            vec![Field::choice("subnet", subnets, "")],
        )
    }

    pub fn disassociate(rt: &RouteTable, d: &Design) -> Form {
        let subnets = subnets_associated(rt, d);
        Form::new(
            format!("disassociate a subnet from {}", rt.name),
            Purpose::Row(Row::Disassociate { table: rt.name.clone() }),
            vec![Field::choice("subnet", subnets, "")],
        )
    }

    /// Any field still invalid (the first one's label and reason).
    pub fn first_problem(&self) -> Option<String> {
        self.fields
            .iter()
            .find_map(|f| f.problem().map(|p| format!("{}: {p}", f.label)))
    }

    /// Turns the form into an edit (or another request). Errors are shown inline.
    pub fn submit(&self, ws: &Workspace) -> Result<Submit, String> {
        if let Some(p) = self.first_problem() {
            return Err(p);
        }
        let d = ws.design();
        match &self.purpose {
            Purpose::Jump => Ok(Submit::Jump(self.fields[0].value())),
            Purpose::SaveAs => Ok(Submit::SaveAs(PathBuf::from(self.fields[0].value()))),
            Purpose::Open => Ok(Submit::Open(PathBuf::from(self.fields[0].value()))),
            Purpose::File(task) => Ok(Submit::File(*task, PathBuf::from(self.fields[0].value()))),
            Purpose::RenameDesign => {
                let name = self.fields[0].value();
                if !crate::edit::valid_name(&name) {
                    return Err(crate::edit::EditError::BadName(name).to_string());
                }
                let mut info = crate::edit::DesignInfo::of(d);
                info.name = name;
                Ok(Submit::Edit(Edit::SetInfo(info)))
            }
            Purpose::Fields(_) => {
                if let Some(clash) = self.name_clash(ws.index()) {
                    return Err(format!("name: {clash}"));
                }
                self.object_edit(d).map(Submit::Edit)
            }
            Purpose::Ron { original } => text_edit(original.as_ref(), &self.fields[0].value(), d).map(Submit::Edit),
            Purpose::Row(row) => row.edit(&self.vals(), d, ws.index()).map(Submit::Edit),
        }
    }

    /// Replaces a text field's content (a value given, no longer a suggestion).
    pub fn set_text(&mut self, label: &str, value: &str) {
        for f in self.fields.iter_mut().filter(|f| f.label == label) {
            f.fresh = false;
            if let Input::Text { area, .. } = &mut f.input {
                *area = TextArea::new(vec![value.to_string()]);
                area.move_cursor(tui_textarea::CursorMove::End);
            }
        }
        self.sync();
    }

    /// Sets a picker to a value when the value is one of its options.
    pub fn preselect(&mut self, label: &str, value: &str) {
        for f in self.fields.iter_mut().filter(|f| f.label == label) {
            if let Input::Choice { options, idx } = &mut f.input {
                if let Some(i) = options.iter().position(|o| o == value) {
                    *idx = i;
                }
            }
        }
        self.sync();
    }

    /// The options a picker or multi-select offers now.
    pub fn options(&self, label: &str) -> Vec<String> {
        match self.fields.iter().find(|f| f.label == label).map(|f| &f.input) {
            Some(Input::Choice { options, .. } | Input::Multi { options, .. }) => options.clone(),
            _ => Vec::new(),
        }
    }

    /// Whether a field shows for the values chosen so far.
    pub fn shows(&self, label: &str) -> bool {
        self.fields.iter().any(|f| f.label == label && !f.hidden)
    }

    pub fn is_multiline(&self) -> bool {
        matches!(self.fields.get(self.focus).map(|f| &f.input), Some(Input::Ron { .. }))
    }

    /// Moves the focus to the next (or previous) field that shows.
    fn step(&mut self, forward: bool) {
        let n = self.fields.len();
        for k in 1..=n {
            let i = if forward {
                (self.focus + k) % n
            } else {
                (self.focus + n * k - k) % n
            };
            if !self.fields[i].hidden {
                self.focus = i;
                return;
            }
        }
    }
    pub fn next_field(&mut self) {
        self.step(true);
    }
    pub fn prev_field(&mut self) {
        self.step(false);
    }
    /// Left/Right on a picker.
    pub fn cycle(&mut self, forward: bool) -> bool {
        let moved = match self.fields.get_mut(self.focus).map(|f| &mut f.input) {
            Some(Input::Choice { options, idx }) if !options.is_empty() => {
                *idx = if forward {
                    (*idx + 1) % options.len()
                } else {
                    (*idx + options.len() - 1) % options.len()
                };
                true
            }
            Some(Input::Multi { options, cursor, .. }) if !options.is_empty() => {
                *cursor = if forward {
                    (*cursor + 1) % options.len()
                } else {
                    (*cursor + options.len() - 1) % options.len()
                };
                return true;
            }
            _ => false,
        };
        if moved {
            self.error = None;
            self.sync();
        }
        moved
    }
    /// Accepts the first completion of the focused field.
    pub fn complete(&mut self) -> bool {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return false;
        };
        let Some(first) = field.visible_suggestions().first().map(|s| s.to_string()) else {
            return false;
        };
        if let Input::Text { area, .. } = &mut field.input {
            *area = TextArea::new(vec![first]);
            area.move_cursor(tui_textarea::CursorMove::End);
            self.sync();
            return true;
        }
        false
    }

    /// Ctrl-u, as in a shell: empties the focused text field (in the
    /// multi-line editor, the line up to the cursor).
    pub fn clear_field(&mut self) {
        self.error = None;
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        field.fresh = false;
        match &mut field.input {
            Input::Text { area, .. } => *area = TextArea::default(),
            Input::Ron { area, .. } => {
                area.delete_line_by_head();
            }
            Input::Choice { .. } | Input::Multi { .. } => return,
        }
        self.sync();
    }

    /// A key the keymap did not bind: typing into the focused input.
    pub fn input(&mut self, key: KeyEvent) {
        self.error = None;
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        let fresh = std::mem::take(&mut field.fresh);
        match &mut field.input {
            Input::Text { area, .. } | Input::Ron { area, .. } => {
                // Typing over a suggested default replaces it; arrows keep it to edit.
                let typing = matches!(key.code, ratatui::crossterm::event::KeyCode::Char(_))
                    && !key.modifiers.contains(ratatui::crossterm::event::KeyModifiers::CONTROL);
                if fresh && typing {
                    *area = TextArea::default();
                }
                area.input(key);
            }
            Input::Choice { options, idx } => {
                // Typing a letter jumps to the next option starting with it.
                if let ratatui::crossterm::event::KeyCode::Char(c) = key.code {
                    let n = options.len();
                    if let Some(i) = (1..=n)
                        .map(|k| (*idx + k) % n.max(1))
                        .find(|&i| options[i].to_lowercase().starts_with(c.to_ascii_lowercase()))
                    {
                        *idx = i;
                    }
                }
            }
            Input::Multi {
                chosen, cursor, groups, ..
            } => {
                if key.code == ratatui::crossterm::event::KeyCode::Char(' ') && *cursor < chosen.len() {
                    let on = !chosen[*cursor];
                    // One per group (AZ): choosing a subnet drops the other one of its AZ.
                    if on {
                        if let Some(g) = groups.get(*cursor).filter(|g| !g.is_empty()) {
                            for (i, c) in chosen.iter_mut().enumerate() {
                                if groups.get(i) == Some(g) {
                                    *c = false;
                                }
                            }
                        }
                    }
                    chosen[*cursor] = on;
                }
            }
        }
        self.sync();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::kinds::NEW;

    /// Every design shipped under assets/templates plus the sample.
    fn designs() -> Vec<Design> {
        let mut sample = crate::create::templates::sample::three_tier();
        sample.put(Object::PrefixList(PrefixList {
            name: "pl-office".into(),
            description: None,
            entries: vec!["192.0.2.0/24".parse().unwrap(), "2001:db8::/32".parse().unwrap()],
            max_entries: 5,
        }));
        sample.put(Object::FlowLog(FlowLog {
            name: "fl-app".into(),
            description: None,
            scope: FlowLogScope::Subnet("app-a".into()),
            traffic: FlowLogTraffic::Reject,
        }));
        let mut out = vec![sample];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/templates");
        let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for p in paths {
            out.push(crate::io::load(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())));
        }
        out
    }

    #[test]
    fn every_object_of_every_template_reads_into_its_form_and_builds_back_unchanged() {
        let mut kinds_seen = std::collections::BTreeSet::new();
        for d in designs() {
            let ws = Workspace::new(d.clone());
            for r in d.object_refs() {
                let form = Form::edit_object(&r, &ws);
                assert!(form.live.is_some(), "{r} has no field form");
                assert_eq!(form.first_problem(), None, "{r} in {}", d.name);
                let edit = form
                    .object_edit(&d)
                    .unwrap_or_else(|e| panic!("{r} in {}: {e}", d.name));
                assert_eq!(edit, Edit::Put(d.get(&r).unwrap()), "{r} in {}", d.name);
                kinds_seen.insert(r.kind);
            }
        }
        assert_eq!(kinds_seen.len(), ObjectKind::ALL.len(), "a kind no template exercises");
    }

    #[test]
    fn renaming_any_object_in_its_form_changes_only_its_name() {
        for d in designs() {
            let ws = Workspace::new(d.clone());
            for r in d.object_refs() {
                let mut form = Form::edit_object(&r, &ws);
                form.set_text("name", "renamed-in-form");
                let Ok(Edit::Batch { edits, .. }) = form.object_edit(&d) else {
                    panic!("{r}: no batch")
                };
                let mut expected = d.get(&r).unwrap();
                expected.set_name("renamed-in-form".into());
                assert_eq!(edits.last(), Some(&Edit::Put(expected)), "{r} in {}", d.name);
            }
        }
    }

    #[test]
    fn every_existing_part_reads_into_its_form_and_builds_back_unchanged() {
        let mut parts_seen = 0;
        for d in designs() {
            for part in Part::ALL {
                let (kind, parent_label) = part.parent();
                let def = part.def();
                let selector = def.reload_on[def.reload_on.len() - 1];
                for parent in d.object_refs().into_iter().filter(|r| r.kind == kind) {
                    let mut form = Form::create_part(*part, &Workspace::new(d.clone()));
                    form.preselect(parent_label, &parent.name);
                    if *part == Part::TgwRoute {
                        for table in form.options("route table") {
                            form.preselect("route table", &table);
                            for route in form.options(selector).into_iter().filter(|o| o != NEW) {
                                form.preselect(selector, &route);
                                let edit = form.object_edit(&d).unwrap();
                                assert_eq!(edit.describe(&d).split(' ').next(), Some("changed"));
                                assert_unchanged(&edit, &d, &parent);
                                parts_seen += 1;
                            }
                        }
                        continue;
                    }
                    for existing in form.options(selector).into_iter().filter(|o| o != NEW) {
                        form.preselect(selector, &existing);
                        let edit = form
                            .object_edit(&d)
                            .unwrap_or_else(|e| panic!("{part:?} {existing}: {e}"));
                        assert_unchanged(&edit, &d, &parent);
                        parts_seen += 1;
                    }
                }
            }
        }
        assert!(parts_seen > 5, "{parts_seen}");
    }

    fn assert_unchanged(edit: &Edit, d: &Design, parent: &ObjectRef) {
        let Edit::Batch { edits, .. } = edit else {
            panic!("{edit:?}")
        };
        assert_eq!(edits, &vec![Edit::Put(d.get(parent).unwrap())]);
    }
}
