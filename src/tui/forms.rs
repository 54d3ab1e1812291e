//! Forms: every text input is a tui-textarea; choices are pickers. Fields
//! validate as they are typed (an invalid CIDR turns red with the reason
//! before Enter). Submitting builds an [`Edit`] value — the form never touches
//! the design — and a refused edit keeps the form open with AWS's reason.

use std::net::Ipv4Addr;
use std::path::PathBuf;

use ipnet::{IpNet, Ipv4Net};
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;
use tui_textarea::TextArea;

use super::form_kinds::{
    free_eip_address, fresh_name, name_stem, object_def, parse_firewall_rules, parse_listeners, split_list, FormDef,
    Part, Spec, Widget, NEW, ORIGINAL,
};
use super::panes::{framed, Ctx};
use super::theme::Theme;
use crate::edit::Edit;
use crate::model::*;
use crate::validate::Severity;
use crate::workspace::Workspace;

/// How a text field is checked as it is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Name,
    /// An IPv4 VPC block: /16 to /28 (VPC User Guide, "VPC CIDR blocks").
    VpcCidr,
    /// An IPv4 subnet block: /16 to /28, no host bits.
    SubnetCidr,
    /// A route destination: a CIDR (v4 or v6) or `pl:NAME`.
    RouteDest,
    Ports,
    /// SG source/destination: CIDR, `sg:NAME`, `pl:NAME`.
    Peer,
    /// NACL rule number 1..=32766 (VPC User Guide, NACL rules).
    RuleNumber,
    /// Any CIDR (v4 or v6).
    Cidr,
    Ipv4,
    Ipv4Opt,
    Free,
    /// A file path.
    Path,
    /// Any non-empty text.
    Required,
    /// An IPv6 block (a VPC's /56, a subnet's /64: the size is the validation's to judge), or empty.
    Ipv6CidrOpt,
    /// Comma-separated VPC blocks (secondary CIDRs), possibly none.
    VpcCidrList,
    /// Comma-separated CIDRs (v4 or v6), possibly none.
    CidrList,
    /// Comma-separated IPv4 CIDRs, possibly none.
    Cidr4List,
    /// Comma-separated IPv4 CIDRs, at least one.
    Cidr4ListRequired,
    /// A prefix list's max entries: 1-1000 (PL-1).
    MaxEntries,
    /// The Amazon side of BGP (VGW, TGW, DX gateway): a private ASN,
    /// 64512-65534 or 4200000000-4294967294 (CreateVpnGateway, CreateTransitGateway).
    AmazonAsn,
    /// A customer gateway's BGP ASN: 1-4294967295 (CreateCustomerGateway
    /// BgpAsn 1-2147483647, BgpAsnExtended above).
    CustomerAsn,
    /// An 802.1Q VLAN for a virtual interface: 1-4094.
    Vlan,
    /// Load-balancer listeners `443:8080, 80`.
    Listeners,
    /// Firewall rules `drop tcp to 10.0.0.0/16 port 22; pass all`.
    FirewallRules,
}

impl Check {
    pub fn run(self, s: &str) -> Result<(), String> {
        let s = s.trim();
        match self {
            Check::Name => {
                if crate::edit::valid_name(s) {
                    Ok(())
                } else if s.is_empty() {
                    Err("a name is required".into())
                } else {
                    Err("use letters, digits, `-`, `_` and `.` (1-64 characters)".into())
                }
            }
            Check::VpcCidr | Check::SubnetCidr => {
                let net: Ipv4Net = s
                    .parse()
                    .map_err(|_| format!("`{s}` is not an IPv4 CIDR block such as 10.0.1.0/24"))?;
                if net.trunc() != net {
                    return Err(format!("host bits set: did you mean {}?", net.trunc()));
                }
                if !(16..=28).contains(&net.prefix_len()) {
                    return Err(format!(
                        "/{} is outside the allowed /16 to /28 (AWS: InvalidSubnet.Range / InvalidVpc.Range)",
                        net.prefix_len()
                    ));
                }
                Ok(())
            }
            Check::RouteDest => s.parse::<RouteDestination>().map(|_| ()),
            Check::Ports => s.parse::<PortRange>().map(|_| ()),
            Check::Peer => s.parse::<SgPeer>().map(|_| ()),
            Check::RuleNumber => match s.parse::<u16>() {
                Ok(n) if (1..=32766).contains(&n) => Ok(()),
                _ => Err("a rule number is 1-32766; lower numbers are evaluated first".into()),
            },
            Check::Cidr => s
                .parse::<IpNet>()
                .map(|_| ())
                .map_err(|_| format!("`{s}` is not a CIDR block such as 0.0.0.0/0 or 10.0.0.0/16")),
            Check::Ipv4 => s
                .parse::<Ipv4Addr>()
                .map(|_| ())
                .map_err(|_| format!("`{s}` is not an IPv4 address")),
            Check::Ipv4Opt if s.is_empty() => Ok(()),
            Check::Ipv4Opt => Check::Ipv4
                .run(s)
                .map_err(|e| format!("{e} (leave empty to auto-assign)")),
            Check::Free => Ok(()),
            Check::Path => {
                if s.is_empty() {
                    Err("a file name is required".into())
                } else {
                    Ok(())
                }
            }
            Check::Required if s.is_empty() => Err("a value is required".into()),
            Check::Required => Ok(()),
            Check::Ipv6CidrOpt if s.is_empty() => Ok(()),
            Check::Ipv6CidrOpt => match s.parse::<ipnet::Ipv6Net>() {
                Ok(n) if n.trunc() == n => Ok(()),
                Ok(n) => Err(format!("host bits set: did you mean {}?", n.trunc())),
                Err(_) => Err(format!(
                    "`{s}` is not an IPv6 block such as 2600:1f18:1234:5600::/56 (or leave empty)"
                )),
            },
            Check::VpcCidrList => {
                split_list(s).try_for_each(|c| Check::VpcCidr.run(c).map_err(|e| format!("{c}: {e}")))
            }
            Check::CidrList => split_list(s).try_for_each(|c| Check::Cidr.run(c)),
            Check::Cidr4List => split_list(s).try_for_each(|c| {
                c.parse::<Ipv4Net>()
                    .map(|_| ())
                    .map_err(|_| format!("`{c}` is not an IPv4 CIDR block such as 192.168.0.0/16"))
            }),
            Check::Cidr4ListRequired if s.is_empty() => Err("at least one CIDR block, e.g. 192.168.0.0/16".into()),
            Check::Cidr4ListRequired => Check::Cidr4List.run(s),
            Check::MaxEntries => match s.parse::<u16>() {
                Ok(n) if (1..=1000).contains(&n) => Ok(()),
                _ => Err("max entries is a number from 1 to 1000".into()),
            },
            Check::AmazonAsn => match s.parse::<u32>() {
                Ok(n) if (64512..=65534).contains(&n) || (4_200_000_000..=4_294_967_294).contains(&n) => Ok(()),
                _ => Err("the Amazon-side ASN must be private: 64512-65534 or 4200000000-4294967294".into()),
            },
            Check::CustomerAsn => match s.parse::<u32>() {
                Ok(n) if n >= 1 => Ok(()),
                _ => Err("a BGP ASN is a number from 1 to 4294967295 (private: 64512-65534)".into()),
            },
            Check::Vlan => match s.parse::<u16>() {
                Ok(n) if (1..=4094).contains(&n) => Ok(()),
                _ => Err("a VLAN is a number from 1 to 4094".into()),
            },
            Check::Listeners => parse_listeners(s).map(|_| ()),
            Check::FirewallRules => parse_firewall_rules(s).map(|_| ()),
        }
    }
}

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
    /// Create (`original` None) or change an object through its fields.
    Object {
        kind: ObjectKind,
        original: Option<String>,
    },
    /// Create, change or remove a part of an object (its parent is chosen in the form).
    Part(Part),
    /// Create or change any object as RON text.
    Ron {
        original: Option<ObjectRef>,
    },
    Route {
        table: String,
        index: Option<usize>,
    },
    SgRule {
        group: String,
        dir: Direction,
        index: Option<usize>,
    },
    NaclRule {
        acl: String,
        dir: Direction,
        index: Option<usize>,
    },
    Associate {
        table: String,
    },
    Disassociate {
        table: String,
    },
    Jump,
    SaveAs,
    Open,
}

/// The result of submitting a form.
#[derive(Debug)]
pub enum Submit {
    Edit(Edit),
    Jump(String),
    SaveAs(PathBuf),
    Open(PathBuf),
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

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(
        ron::extensions::Extensions::IMPLICIT_SOME | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES,
    )
}

/// Parses a RON object (`Subnet(name: …)`), optionally requiring a kind.
pub fn parse_object(text: &str, kind: Option<ObjectKind>) -> Result<Object, String> {
    let obj: Object = ron_options()
        .from_str(text)
        .map_err(|e| format!("line {}:{}: {}", e.position.line, e.position.col, e.code))?;
    if let Some(k) = kind {
        if obj.kind() != k {
            return Err(format!(
                "this editor holds a {}, not a {}",
                k.label(),
                obj.kind().label()
            ));
        }
    }
    if !crate::edit::valid_name(obj.name()) {
        return Err(format!("`{}` is not a valid name", obj.name()));
    }
    Ok(obj)
}

/// An object as RON text, the way the text editor shows it.
pub fn to_ron(obj: &Object) -> String {
    let pretty = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .indentor("  ".to_string());
    ron_options()
        .to_string_pretty(obj, pretty)
        .unwrap_or_else(|e| format!("// cannot show this object as text: {e}"))
}

/// Every kind has a field form (the text editor stays reachable: `e`, or Ctrl-e in a form).
pub const FIELD_FORM_KINDS: &[ObjectKind] = ObjectKind::ALL;

/// The values of a form's fields by label: one string for a text field or a
/// picker, the chosen options of a multi-select.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vals(Vec<(&'static str, Vec<String>)>);

impl Vals {
    /// The value of a field ("" when absent or nothing is chosen).
    pub fn get(&self, label: &str) -> &str {
        self.0
            .iter()
            .find(|(l, _)| *l == label)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }
    /// The chosen options of a multi-select.
    pub fn list(&self, label: &str) -> Vec<String> {
        self.0
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    fn put(&mut self, label: &'static str, values: Vec<String>) {
        match self.0.iter_mut().find(|(l, _)| *l == label) {
            Some(slot) => slot.1 = values,
            None => self.0.push((label, values)),
        }
    }
    pub fn with(mut self, label: &'static str, value: impl Into<String>) -> Vals {
        self.put(label, vec![value.into()]);
        self
    }
    pub fn with_list(mut self, label: &'static str, values: Vec<String>) -> Vals {
        self.put(label, values);
        self
    }
}

/// A finding of the shared validation shown under a field while typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// AWS would refuse the edit (red); otherwise a warning.
    pub refused: bool,
    pub message: String,
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
            Purpose::Object { kind, original: None },
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
            Purpose::Part(part),
            None,
            ws.scratch(),
        )
    }

    /// Points a part form at a parent (the selected transit gateway or connection).
    pub fn select_parent(&mut self, r: &ObjectRef) {
        if let Purpose::Part(p) = self.purpose {
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
        if let (Purpose::Object { kind, .. }, None, "") = (&form.purpose, orig, vals.get("name")) {
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
    pub fn edit_object(r: &ObjectRef, ctx: &Ctx) -> Form {
        let d = ctx.ws.design();
        match d.get(r) {
            Some(obj) => Form::from_def(
                format!("edit {} {}", r.kind.label(), r.name),
                object_def(r.kind),
                Purpose::Object {
                    kind: r.kind,
                    original: Some(r.name.clone()),
                },
                Some(&obj),
                ctx.ws.scratch(),
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
            Purpose::Object { kind, original } => {
                let obj = built.ok().or_else(|| self.original_object(d))?;
                let r = original.as_ref().map(|n| ObjectRef::new(*kind, n.clone()));
                let title = match &r {
                    Some(r) => format!("edit {r} (text)"),
                    None => format!("new {} (text)", kind.label()),
                };
                Some(Form::ron(title, r, to_ron(&obj), Some(*kind)))
            }
            Purpose::Part(_) => {
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
            Purpose::Object {
                kind,
                original: Some(n),
            } => d.get(&ObjectRef::new(*kind, n.clone())),
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
            let Some((_, values)) = vals.0.iter().find(|(l, _)| *l == f.label) else {
                continue;
            };
            match &mut f.input {
                Input::Text { area, .. } => {
                    *area = TextArea::new(vec![values.first().cloned().unwrap_or_default()]);
                    area.move_cursor(tui_textarea::CursorMove::End);
                }
                Input::Choice { options, idx } => {
                    *options = values.clone();
                    *idx = 0;
                }
                Input::Multi { options, chosen, .. } => {
                    *options = values.clone();
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
        live.last = self.vals();
        self.check_live(&mut live);
        self.live = Some(live);
        if self.fields.get(self.focus).is_some_and(|f| f.hidden) {
            self.next_field();
        }
    }

    fn refresh_options(&mut self, d: &Design) {
        let original = match &self.purpose {
            Purpose::Object { original, .. } => original.clone().unwrap_or_default(),
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
        let edit = match self.edit_of(live.def, d) {
            Ok(e) => e,
            Err(e) => {
                self.live_problem = Some(e);
                return;
            }
        };
        // Try the edit on the scratch workspace and take it back: a refused
        // edit leaves it unchanged, an accepted one is undone.
        let (refused, findings) = match live.ws.apply(edit) {
            Ok(applied) => {
                live.ws.undo();
                (false, applied.new_findings)
            }
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

    /// A new or renamed object whose name another object already has (names
    /// are unique design-wide; putting it would replace the other one).
    fn name_clash(&self, idx: &DesignIndex) -> Option<String> {
        let Purpose::Object { original, .. } = &self.purpose else {
            return None;
        };
        let name = self.field("name");
        if original.as_deref() == Some(name.as_str()) {
            return None;
        }
        idx.lookup(&name)
            .first()
            .map(|r| format!("{r} already has this name; names are unique in a design"))
    }

    /// The edit an object or part form describes.
    fn object_edit(&self, d: &Design) -> Result<Edit, String> {
        let live = self.live.as_ref().ok_or("internal: not a field form")?;
        self.edit_of(live.def, d)
    }

    fn edit_of(&self, def: &FormDef, d: &Design) -> Result<Edit, String> {
        let vals = self.vals();
        let obj = (def.build)(&vals, d, self.original_object(d))?;
        match &self.purpose {
            Purpose::Part(part) => {
                let selector = def.reload_on.last().map(|l| vals.get(l)).unwrap_or(NEW);
                let what = match vals.get("name") {
                    "" => vals.get("CIDR"),
                    n => n,
                };
                let (verb, prep) = if selector == NEW {
                    ("added", "to")
                } else if vals.get("keep or remove") == "remove" {
                    ("removed", "from")
                } else {
                    ("changed", "in")
                };
                let label = format!("{verb} {} {what} {prep} {}", part.label(), obj.name());
                Ok(Edit::batch(label, vec![Edit::Put(obj)]))
            }
            Purpose::Object { kind, original } => {
                let mut edits = Vec::new();
                if let Some(orig) = original {
                    if orig != obj.name() {
                        edits.push(Edit::Rename {
                            target: ObjectRef::new(*kind, orig.clone()),
                            to: obj.name().to_string(),
                        });
                    }
                } else if let Object::Vpc(v) = &obj {
                    // A new VPC comes with its main route table, default NACL and default SG.
                    // Created with an IPv6 block, the defaults include the `::/0` rules (AWS).
                    let mut all = Design::new_vpc_objects_with_ipv6(&v.name, v.cidr, v.ipv6_cidr);
                    all.retain(|o| o.kind() != ObjectKind::Vpc);
                    all.push(obj.clone());
                    let label = format!(
                        "added VPC {} {} (with main route table, default NACL and SG)",
                        v.name, v.cidr
                    );
                    return Ok(Edit::batch(label, all.into_iter().map(Edit::Put).collect()));
                }
                if let (Object::NatGateway(n), None) = (&obj, original) {
                    // "Allocate a new Elastic IP": the EIP is created with the NAT gateway.
                    if let Some(eip) = n
                        .elastic_ip
                        .as_ref()
                        .filter(|e| d.elastic_ips.iter().all(|x| &x.name != *e))
                    {
                        edits.push(Edit::Put(Object::ElasticIp(ElasticIp {
                            name: eip.clone(),
                            description: None,
                            address: free_eip_address(d),
                        })));
                    }
                }
                if let (Object::Vpc(v), Some(orig)) = (&obj, original) {
                    // Associating an IPv6 block with an existing VPC: AWS adds rule 101
                    // `::/0` to the default NACL directions that were not modified.
                    if v.ipv6_cidr.is_some() {
                        if let Some(acl) = d.default_nacl_after_ipv6_association(orig, &v.name) {
                            edits.push(Edit::Put(Object::NetworkAcl(acl)));
                        }
                    }
                }
                let summary = Edit::Put(obj.clone()).describe(d);
                edits.push(Edit::Put(obj));
                Ok(if edits.len() == 1 {
                    edits.remove(0)
                } else {
                    Edit::batch(summary, edits)
                })
            }
            _ => Err("internal: not an object form".into()),
        }
    }

    pub fn route(rt: &RouteTable, index: Option<usize>, d: &Design) -> Form {
        let existing = index.and_then(|i| rt.routes.get(i));
        let dest = existing.map(|r| r.dest.to_string()).unwrap_or_default();
        let targets = route_targets(d, &rt.vpc);
        let current = existing.map(|r| target_label(&r.target)).unwrap_or_default();
        Form::new(
            format!("{} route in {}", if index.is_some() { "edit" } else { "add" }, rt.name),
            Purpose::Route {
                table: rt.name.clone(),
                index,
            },
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
        let mut peer_field = Field::text(
            if dir == Direction::Inbound {
                "source"
            } else {
                "destination"
            },
            &peer,
            Check::Peer,
        );
        // Completion: groups of the same VPC, prefix lists, common CIDRs.
        peer_field.suggestions = d
            .security_groups
            .iter()
            .filter(|g| g.vpc == sg.vpc)
            .map(|g| format!("sg:{}", g.name))
            .chain(d.prefix_lists.iter().map(|p| format!("pl:{}", p.name)))
            .chain(AWS_SERVICES.iter().map(|s| format!("pl:{s}")))
            .chain(["0.0.0.0/0".to_string(), "::/0".to_string()])
            .chain(d.vpcs.iter().filter(|v| v.name == sg.vpc).map(|v| v.cidr.to_string()))
            .chain(d.subnets.iter().filter(|s| s.vpc == sg.vpc).map(|s| s.cidr.to_string()))
            .collect();
        let protos = ["tcp", "udp", "icmp", "icmpv6", "all"];
        Form::new(
            format!(
                "{} {dir} rule of {}",
                if index.is_some() { "edit" } else { "add" },
                sg.name
            ),
            Purpose::SgRule {
                group: sg.name.clone(),
                dir,
                index,
            },
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
        let next = rules
            .iter()
            .map(|r| r.number)
            .max()
            .map(|n| (n / 10 + 1) * 10)
            .unwrap_or(100);
        let number = existing.map(|r| r.number).unwrap_or(next.min(32766)).to_string();
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
            Purpose::NaclRule {
                acl: acl.name.clone(),
                dir,
                index,
            },
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
        let subnets: Vec<String> = d
            .subnets
            .iter()
            .filter(|s| s.vpc == rt.vpc && idx.subnet_route_table(d, s).is_none_or(|t| t.name != rt.name))
            .map(|s| s.name.clone())
            .collect();
        Form::new(
            format!("associate a subnet with {}", rt.name),
            Purpose::Associate { table: rt.name.clone() },
            vec![Field::choice("subnet", subnets, "")],
        )
    }

    pub fn disassociate(rt: &RouteTable, d: &Design) -> Form {
        let subnets: Vec<String> = d
            .subnets
            .iter()
            .filter(|s| s.route_table.as_deref() == Some(&rt.name))
            .map(|s| s.name.clone())
            .collect();
        Form::new(
            format!("disassociate a subnet from {}", rt.name),
            Purpose::Disassociate { table: rt.name.clone() },
            vec![Field::choice("subnet", subnets, "")],
        )
    }

    /// Any field still invalid (the first one's label and reason).
    pub fn first_problem(&self) -> Option<String> {
        self.fields
            .iter()
            .find_map(|f| f.problem().map(|p| format!("{}: {p}", f.label)))
    }

    fn field(&self, label: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map(Field::value)
            .unwrap_or_default()
    }

    /// Turns the form into an edit (or another request). Errors are shown inline.
    pub fn submit(&self, ctx: &Ctx) -> Result<Submit, String> {
        if let Some(p) = self.first_problem() {
            return Err(p);
        }
        let d = ctx.ws.design();
        match &self.purpose {
            Purpose::Jump => Ok(Submit::Jump(self.fields[0].value())),
            Purpose::SaveAs => Ok(Submit::SaveAs(PathBuf::from(self.fields[0].value()))),
            Purpose::Open => Ok(Submit::Open(PathBuf::from(self.fields[0].value()))),
            Purpose::Object { .. } | Purpose::Part(_) => {
                if let Some(clash) = self.name_clash(ctx.ws.index()) {
                    return Err(format!("name: {clash}"));
                }
                self.object_edit(d).map(Submit::Edit)
            }
            Purpose::Ron { original } => {
                let obj = parse_object(&self.fields[0].value(), original.as_ref().map(|o| o.kind))?;
                match original {
                    Some(orig) if orig.name != obj.name() => {
                        let summary = format!("edited {orig} as text (renamed to {})", obj.name());
                        Ok(Submit::Edit(Edit::batch(
                            summary,
                            vec![
                                Edit::Rename {
                                    target: orig.clone(),
                                    to: obj.name().to_string(),
                                },
                                Edit::Put(obj),
                            ],
                        )))
                    }
                    Some(_) => Ok(Submit::Edit(Edit::Put(obj))),
                    None => {
                        if d.get(&ObjectRef::new(obj.kind(), obj.name())).is_some() {
                            return Err(format!(
                                "{} {} already exists; pick another name",
                                obj.kind().label(),
                                obj.name()
                            ));
                        }
                        Ok(Submit::Edit(Edit::Put(obj)))
                    }
                }
            }
            Purpose::Route { table, index } => {
                let Some(mut rt) = ctx.ws.index().route_table(d, table).cloned() else {
                    return Err(format!("route table {table} no longer exists"));
                };
                let dest: RouteDestination = self.field("destination").parse()?;
                let target = parse_target_label(&self.field("target"))
                    .ok_or("choose a target (create a gateway first if the list is empty)")?;
                let route = Route::new(dest.clone(), target);
                match index {
                    Some(i) if *i < rt.routes.len() => rt.routes[*i] = route,
                    _ => {
                        if rt.route_to(&dest).is_some() {
                            return Err(format!(
                                "{} already has a route to {dest} (AWS: RouteAlreadyExists) — edit that route instead",
                                rt.name
                            ));
                        }
                        rt.routes.push(route)
                    }
                }
                Ok(Submit::Edit(Edit::Put(Object::RouteTable(rt))))
            }
            Purpose::SgRule { group, dir, index } => {
                let Some(mut sg) = ctx.ws.index().security_group(d, group).cloned() else {
                    return Err(format!("security group {group} no longer exists"));
                };
                let proto: Protocol = self.field("protocol").parse()?;
                let ports_text = self.field("ports");
                let ports = if proto.has_ports() {
                    ports_text.parse::<PortRange>()?
                } else {
                    PortRange::ALL
                };
                let peer_label = if *dir == Direction::Inbound {
                    "source"
                } else {
                    "destination"
                };
                let peer: SgPeer = self.field(peer_label).parse()?;
                let rule = SgRule::new(proto, ports, peer);
                let rules = match dir {
                    Direction::Inbound => &mut sg.inbound,
                    Direction::Outbound => &mut sg.outbound,
                };
                match index {
                    Some(i) if *i < rules.len() => rules[*i] = rule,
                    _ => {
                        if rules.contains(&rule) {
                            return Err("this rule already exists (AWS: InvalidPermission.Duplicate)".into());
                        }
                        rules.push(rule)
                    }
                }
                Ok(Submit::Edit(Edit::Put(Object::SecurityGroup(sg))))
            }
            Purpose::NaclRule { acl, dir, index } => {
                let Some(mut a) = ctx.ws.index().network_acl(d, acl).cloned() else {
                    return Err(format!("network ACL {acl} no longer exists"));
                };
                let number: u16 = self
                    .field("rule #")
                    .parse()
                    .map_err(|_| "the rule number is 1-32766".to_string())?;
                let proto: Protocol = self.field("protocol").parse()?;
                let ports = if proto.has_ports() {
                    self.field("ports").parse::<PortRange>()?
                } else {
                    PortRange::ALL
                };
                let cidr: IpNet = self
                    .field("CIDR")
                    .parse::<IpNet>()
                    .map_err(|_| "the CIDR is not valid".to_string())?
                    .trunc();
                let action = if self.field("action") == "deny" {
                    RuleAction::Deny
                } else {
                    RuleAction::Allow
                };
                let rule = NaclRule {
                    number,
                    action,
                    proto,
                    ports,
                    cidr,
                };
                let rules = match dir {
                    Direction::Inbound => &mut a.inbound,
                    Direction::Outbound => &mut a.outbound,
                };
                let clash = rules
                    .iter()
                    .enumerate()
                    .any(|(i, r)| r.number == number && Some(i) != *index);
                if clash {
                    return Err(format!(
                        "rule number {number} is already used in the {dir} rules (AWS: NetworkAclEntryAlreadyExists)"
                    ));
                }
                match index {
                    Some(i) if *i < rules.len() => rules[*i] = rule,
                    _ => rules.push(rule),
                }
                rules.sort_by_key(|r| r.number);
                Ok(Submit::Edit(Edit::Put(Object::NetworkAcl(a))))
            }
            Purpose::Associate { table } | Purpose::Disassociate { table } => {
                let name = self.field("subnet");
                let Some(mut s) = ctx.ws.index().subnet(d, &name).cloned() else {
                    return Err("no subnet to choose".into());
                };
                let associate = matches!(self.purpose, Purpose::Associate { .. });
                s.route_table = associate.then(|| table.clone());
                let label = if associate {
                    format!("associated subnet {name} with route table {table}")
                } else {
                    format!("disassociated subnet {name} from route table {table} (it now uses the main table)")
                };
                Ok(Submit::Edit(Edit::batch(label, vec![Edit::Put(Object::Subnet(s))])))
            }
        }
    }

    /// Replaces a text field's content.
    pub fn set_text(&mut self, label: &str, value: &str) {
        for f in self.fields.iter_mut().filter(|f| f.label == label) {
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
                Paragraph::new(Span::styled(format!("refused: {err}"), theme.error())).wrap(Wrap { trim: true }),
                Rect::new(inner.x, fy, inner.width, h),
            );
        }
    }
}

/// Every valid route target in a VPC, as picker labels `kind:name`.
pub fn route_targets(d: &Design, vpc: &str) -> Vec<String> {
    let mut out = Vec::new();
    for g in d.internet_gateways.iter().filter(|g| g.vpc.as_deref() == Some(vpc)) {
        out.push(format!("igw:{}", g.name));
    }
    let subnet_in_vpc = |s: &str| d.subnets.iter().any(|x| x.name == s && x.vpc == vpc);
    for n in d.nat_gateways.iter().filter(|n| subnet_in_vpc(&n.subnet)) {
        out.push(format!("nat:{}", n.name));
    }
    for g in d.egress_only_gateways.iter().filter(|g| g.vpc == vpc) {
        out.push(format!("eigw:{}", g.name));
    }
    for p in d.peerings.iter().filter(|p| p.requester == vpc || p.accepter == vpc) {
        out.push(format!("pcx:{}", p.name));
    }
    for t in &d.transit_gateways {
        out.push(format!("tgw:{}", t.name));
    }
    for g in d.vpn_gateways.iter().filter(|g| g.vpc.as_deref() == Some(vpc)) {
        out.push(format!("vgw:{}", g.name));
    }
    for e in d.endpoints.iter().filter(|e| e.vpc == vpc && e.is_gateway()) {
        out.push(format!("vpce:{}", e.name));
    }
    for i in d.instances.iter().filter(|i| subnet_in_vpc(&i.subnet)) {
        out.push(format!("instance:{}", i.name));
    }
    for f in d.firewalls.iter().filter(|f| f.vpc == vpc) {
        for s in &f.subnets {
            if let Some(sub) = d.subnets.iter().find(|x| &x.name == s) {
                out.push(format!("firewall:{}@{}", f.name, sub.az));
            }
        }
    }
    out.push("local".into());
    out
}

pub fn target_label(t: &RouteTarget) -> String {
    match t {
        RouteTarget::Local => "local".into(),
        RouteTarget::FirewallEndpoint(f, az) => format!("firewall:{f}@{az}"),
        other => format!("{}:{}", other.kind_label(), other.object_name().unwrap_or("?")),
    }
}

pub fn parse_target_label(s: &str) -> Option<RouteTarget> {
    if s == "local" {
        return Some(RouteTarget::Local);
    }
    let (kind, name) = s.split_once(':')?;
    let n = name.to_string();
    Some(match kind {
        "igw" => RouteTarget::InternetGateway(n),
        "nat" => RouteTarget::NatGateway(n),
        "eigw" => RouteTarget::EgressOnlyGateway(n),
        "pcx" => RouteTarget::Peering(n),
        "tgw" => RouteTarget::TransitGateway(n),
        "vgw" => RouteTarget::VpnGateway(n),
        "vpce" => RouteTarget::GatewayEndpoint(n),
        "instance" => RouteTarget::Instance(n),
        "eni" => RouteTarget::NetworkInterface(n),
        "firewall" => {
            let (f, az) = name.split_once('@')?;
            RouteTarget::FirewallEndpoint(f.to_string(), az.to_string())
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every design shipped under assets/templates plus the sample.
    fn designs() -> Vec<Design> {
        let mut sample = crate::templates::sample::three_tier();
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

    fn ctx(ws: &Workspace) -> Ctx<'_> {
        Ctx {
            ws,
            selected: None,
            theme: Theme::plain(),
        }
    }

    #[test]
    fn every_object_of_every_template_reads_into_its_form_and_builds_back_unchanged() {
        let mut kinds_seen = std::collections::BTreeSet::new();
        for d in designs() {
            let ws = Workspace::new(d.clone());
            for r in d.object_refs() {
                let form = Form::edit_object(&r, &ctx(&ws));
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
                let mut form = Form::edit_object(&r, &ctx(&ws));
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

    #[test]
    fn object_text_round_trips() {
        let d = crate::templates::sample::three_tier();
        for r in d.object_refs() {
            let obj = d.get(&r).unwrap();
            let text = to_ron(&obj);
            assert_eq!(parse_object(&text, Some(r.kind)).unwrap(), obj, "{r}");
        }
    }

    #[test]
    fn cidr_check_explains_before_submit() {
        assert!(Check::SubnetCidr.run("10.0.1.0/24").is_ok());
        assert!(Check::SubnetCidr
            .run("10.0.1.5/24")
            .unwrap_err()
            .contains("10.0.1.0/24"));
        assert!(Check::SubnetCidr.run("10.0.0.0/29").unwrap_err().contains("/28"));
        assert!(Check::SubnetCidr.run("10.0.300.0/24").is_err());
    }

    #[test]
    fn number_checks_follow_the_aws_ranges() {
        // Amazon-side ASN: private 16-bit 64512-65534 or 32-bit 4200000000-4294967294 (CreateVpnGateway).
        for ok in ["64512", "65534", "4200000000", "4294967294"] {
            assert!(Check::AmazonAsn.run(ok).is_ok(), "{ok}");
        }
        for bad in ["64511", "65535", "4294967295", "x", ""] {
            assert!(Check::AmazonAsn.run(bad).is_err(), "{bad}");
        }
        // Customer gateway: BgpAsn 1-2147483647, BgpAsnExtended up to 4294967295.
        assert!(Check::CustomerAsn.run("65000").is_ok());
        assert!(Check::CustomerAsn.run("4294967295").is_ok());
        assert!(Check::CustomerAsn.run("0").is_err());
        assert!(Check::Vlan.run("4094").is_ok());
        assert!(Check::Vlan.run("4095").is_err());
        assert!(Check::MaxEntries.run("1000").is_ok());
        assert!(Check::MaxEntries.run("0").is_err());
        assert!(Check::Cidr4ListRequired.run("").is_err());
        assert!(Check::Cidr4List.run("10.0.0.0/8, 192.168.0.0/16").is_ok());
        assert!(Check::Cidr4List.run("10.0.0.0/8, ::/0").is_err());
        assert!(Check::VpcCidrList
            .run("10.1.0.0/16 100.64.0.0/29")
            .unwrap_err()
            .contains("/28"));
    }

    #[test]
    fn listeners_and_firewall_rules_parse_and_print_back() {
        use super::super::form_kinds::{firewall_rule_text, listener_text};
        let l = parse_listeners("443:8080, 80, 53/udp").unwrap();
        assert_eq!(l.len(), 3);
        assert_eq!(l[2].proto, Protocol::Udp);
        let text: Vec<String> = l.iter().map(listener_text).collect();
        assert_eq!(text.join(", "), "443:8080, 80, 53/udp");
        assert!(parse_listeners("0").is_err());
        assert!(parse_listeners("443/icmp").is_err());
        let rules =
            parse_firewall_rules("drop tcp from 0.0.0.0/0 to 10.0.0.0/16 port 22; alert domain example.com; pass")
                .unwrap();
        assert_eq!(rules.len(), 3);
        let text: Vec<String> = rules.iter().map(firewall_rule_text).collect();
        assert_eq!(parse_firewall_rules(&text.join("; ")).unwrap(), rules);
        assert!(parse_firewall_rules("block tcp").is_err());
        assert!(parse_firewall_rules("drop to").is_err());
    }

    #[test]
    fn route_target_labels_round_trip() {
        for t in [
            RouteTarget::Local,
            RouteTarget::InternetGateway("igw".into()),
            RouteTarget::FirewallEndpoint("fw".into(), "us-east-1a".into()),
            RouteTarget::NatGateway("n".into()),
        ] {
            assert_eq!(parse_target_label(&target_label(&t)), Some(t));
        }
    }
}
