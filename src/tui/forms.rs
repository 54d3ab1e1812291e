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

use super::panes::{block, Ctx};
use super::theme::Theme;
use crate::edit::Edit;
use crate::model::*;

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
}

impl Field {
    fn text(label: &'static str, value: &str, check: Check) -> Field {
        let mut area = TextArea::new(vec![value.to_string()]);
        area.move_cursor(tui_textarea::CursorMove::End);
        Field {
            label,
            input: Input::Text { area, check },
            suggestions: Vec::new(),
        }
    }
    fn choice(label: &'static str, options: Vec<String>, current: &str) -> Field {
        let idx = options.iter().position(|o| o == current).unwrap_or(0);
        Field {
            label,
            input: Input::Choice { options, idx },
            suggestions: Vec::new(),
        }
    }
    fn multi(label: &'static str, options: Vec<String>, chosen: &[String]) -> Field {
        let flags = options.iter().map(|o| chosen.contains(o)).collect();
        Field {
            label,
            input: Input::Multi {
                options,
                chosen: flags,
                cursor: 0,
            },
            suggestions: Vec::new(),
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
}

fn names<'a>(it: impl Iterator<Item = &'a String>) -> Vec<String> {
    it.cloned().collect()
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

/// A unique name `base-N`.
fn fresh_name(d: &Design, base: &str) -> String {
    let taken = |n: &str| d.object_refs().iter().any(|r| r.name == n);
    (1..)
        .map(|i| format!("{base}-{i}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| base.to_string())
}

/// A RON template for creating an object of a kind that has no field form.
pub fn template(kind: ObjectKind, d: &Design) -> String {
    let vpc = d
        .vpcs
        .first()
        .map(|v| v.name.clone())
        .unwrap_or_else(|| "my-vpc".into());
    let vpc2 = d
        .vpcs
        .get(1)
        .map(|v| v.name.clone())
        .unwrap_or_else(|| "other-vpc".into());
    let subnet = d
        .subnets
        .first()
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "my-subnet".into());
    let base = match kind {
        ObjectKind::Vpc => "vpc",
        ObjectKind::Subnet => "subnet",
        ObjectKind::RouteTable => "rt",
        ObjectKind::InternetGateway => "igw",
        ObjectKind::EgressOnlyGateway => "eigw",
        ObjectKind::NatGateway => "nat",
        ObjectKind::ElasticIp => "eip",
        ObjectKind::SecurityGroup => "sg",
        ObjectKind::NetworkAcl => "acl",
        ObjectKind::Instance => "instance",
        ObjectKind::LoadBalancer => "lb",
        ObjectKind::Peering => "pcx",
        ObjectKind::Endpoint => "vpce",
        ObjectKind::PrefixList => "pl",
        ObjectKind::VpnGateway => "vgw",
        ObjectKind::CustomerGateway => "cgw",
        ObjectKind::VpnConnection => "vpn",
        ObjectKind::DxGateway => "dxgw",
        ObjectKind::DxConnection => "dx",
        ObjectKind::OnPremNetwork => "onprem",
        ObjectKind::TransitGateway => "tgw",
        ObjectKind::Firewall => "fw",
        ObjectKind::FlowLog => "flowlog",
    };
    let name = fresh_name(d, base);
    match kind {
        ObjectKind::LoadBalancer => format!(
            "LoadBalancer(\n  name: \"{name}\",\n  kind: Application,\n  scheme: InternetFacing,\n  subnets: [\"{subnet}\"],\n  security_groups: [],\n  listeners: [(proto: Tcp, port: 443, target_port: 8080)],\n  targets: [],\n)"
        ),
        ObjectKind::Peering => format!(
            "Peering(\n  name: \"{name}\",\n  requester: \"{vpc}\",\n  accepter: \"{vpc2}\",\n  status: Active,\n)"
        ),
        ObjectKind::Endpoint => format!(
            "Endpoint(\n  name: \"{name}\",\n  vpc: \"{vpc}\",\n  service: \"s3\",\n  kind: Gateway(route_tables: []),\n)"
        ),
        ObjectKind::PrefixList => format!("PrefixList(\n  name: \"{name}\",\n  entries: [\"192.0.2.0/24\"],\n  max_entries: 10,\n)"),
        ObjectKind::VpnGateway => format!("VpnGateway(\n  name: \"{name}\",\n  vpc: \"{vpc}\",\n  asn: 64512,\n)"),
        ObjectKind::CustomerGateway => {
            format!("CustomerGateway(\n  name: \"{name}\",\n  ip: \"198.51.100.10\",\n  asn: 65000,\n)")
        }
        ObjectKind::VpnConnection => format!(
            "VpnConnection(\n  name: \"{name}\",\n  customer_gateway: \"cgw-1\",\n  termination: VpnGateway(\"vgw-1\"),\n  routing: Bgp,\n)"
        ),
        ObjectKind::DxGateway => format!("DxGateway(\n  name: \"{name}\",\n  vpn_gateways: [],\n)"),
        ObjectKind::DxConnection => format!(
            "DxConnection(\n  name: \"{name}\",\n  location: \"EqDC2\",\n  bandwidth: \"1Gbps\",\n  virtual_interfaces: [],\n)"
        ),
        ObjectKind::OnPremNetwork => format!("OnPremNetwork(\n  name: \"{name}\",\n  cidrs: [\"192.168.0.0/16\"],\n)"),
        ObjectKind::TransitGateway => format!(
            "TransitGateway(\n  name: \"{name}\",\n  asn: 64512,\n  route_tables: [],\n  attachments: [],\n)"
        ),
        ObjectKind::Firewall => format!(
            "Firewall(\n  name: \"{name}\",\n  vpc: \"{vpc}\",\n  subnets: [\"{subnet}\"],\n  rules: [],\n  default_action: Pass,\n)"
        ),
        ObjectKind::FlowLog => format!("FlowLog(\n  name: \"{name}\",\n  scope: Vpc(\"{vpc}\"),\n  traffic: All,\n)"),
        other => {
            // Kinds with a field form still get a text template (for `e` on a new object).
            let mut f = Form::new_object(other, d);
            f.fields[0] = Field::text("name", &name, Check::Name);
            if other == ObjectKind::Subnet {
                f.set_text("IPv4 CIDR", "10.0.99.0/24");
            }
            match f.build_object(d) {
                Ok(obj) => to_ron(&obj),
                Err(_) => format!("{other:?}(\n  name: \"{name}\",\n)"),
            }
        }
    }
}

/// Kinds that have a field form (the others are created as text).
pub const FIELD_FORM_KINDS: &[ObjectKind] = &[
    ObjectKind::Vpc,
    ObjectKind::Subnet,
    ObjectKind::RouteTable,
    ObjectKind::InternetGateway,
    ObjectKind::EgressOnlyGateway,
    ObjectKind::NatGateway,
    ObjectKind::ElasticIp,
    ObjectKind::SecurityGroup,
    ObjectKind::NetworkAcl,
    ObjectKind::Instance,
];

const NONE_MAIN: &str = "(main table)";
const NONE_DEFAULT: &str = "(default NACL)";
const NONE_DETACHED: &str = "(detached)";
const NEW_EIP: &str = "(allocate a new Elastic IP)";
const NO_EIP: &str = "(none)";

impl Form {
    fn new(title: impl Into<String>, purpose: Purpose, fields: Vec<Field>) -> Form {
        Form {
            title: title.into(),
            purpose,
            fields,
            focus: 0,
            error: None,
        }
    }

    pub fn single(title: &str, purpose: Purpose, label: &'static str, value: &str, check: Check) -> Form {
        Form::new(title, purpose, vec![Field::text(label, value, check)])
    }

    /// A creation form for a kind: fields where the kind has a form, else a text template.
    pub fn create(kind: ObjectKind, d: &Design) -> Form {
        if FIELD_FORM_KINDS.contains(&kind) {
            Form::new_object(kind, d)
        } else {
            Form::ron(format!("new {}", kind.label()), None, template(kind, d), Some(kind))
        }
    }

    fn ron(title: String, original: Option<ObjectRef>, text: String, kind: Option<ObjectKind>) -> Form {
        let area = TextArea::new(text.lines().map(String::from).collect());
        Form::new(
            title,
            Purpose::Ron { original },
            vec![Field {
                label: "object",
                input: Input::Ron { area, kind },
                suggestions: Vec::new(),
            }],
        )
    }

    /// Edits any object as text.
    pub fn edit_as_text(r: &ObjectRef, d: &Design) -> Form {
        let text = d.get(r).map(|o| to_ron(&o)).unwrap_or_default();
        Form::ron(format!("edit {r} (text)"), Some(r.clone()), text, Some(r.kind))
    }

    /// The best editor for an object: its field form, else text.
    pub fn edit_object(r: &ObjectRef, ctx: &Ctx) -> Form {
        let d = ctx.ws.design();
        match d.get(r) {
            Some(obj) if FIELD_FORM_KINDS.contains(&r.kind) => Form::object_form(r.kind, Some(&obj), d),
            _ => Form::edit_as_text(r, d),
        }
    }

    fn new_object(kind: ObjectKind, d: &Design) -> Form {
        Form::object_form(kind, None, d)
    }

    fn object_form(kind: ObjectKind, obj: Option<&Object>, d: &Design) -> Form {
        let vpcs = names(d.vpcs.iter().map(|v| &v.name));
        let first_vpc = vpcs.first().cloned().unwrap_or_default();
        let name = obj.map(|o| o.name().to_string()).unwrap_or_default();
        let mut fields = vec![Field::text("name", &name, Check::Name)];
        match (kind, obj) {
            (ObjectKind::Vpc, o) => {
                let cidr = match o {
                    Some(Object::Vpc(v)) => v.cidr.to_string(),
                    _ => "10.0.0.0/16".into(),
                };
                fields.push(Field::text("IPv4 CIDR", &cidr, Check::VpcCidr));
            }
            (ObjectKind::Subnet, o) => {
                let s = match o {
                    Some(Object::Subnet(s)) => Some(s),
                    _ => None,
                };
                let vpc = s.map(|s| s.vpc.clone()).unwrap_or(first_vpc.clone());
                fields.push(Field::choice("VPC", vpcs.clone(), &vpc));
                let az = s.map(|s| s.az.clone()).unwrap_or_default();
                fields.push(Field::choice("AZ", d.azs.clone(), &az));
                let cidr = s.map(|s| s.cidr.to_string()).unwrap_or_default();
                fields.push(Field::text("IPv4 CIDR", &cidr, Check::SubnetCidr));
                let public = if s.is_some_and(|s| s.map_public_ip) {
                    "yes"
                } else {
                    "no"
                };
                fields.push(Field::choice("auto public IP", vec!["no".into(), "yes".into()], public));
                let mut rts = vec![NONE_MAIN.to_string()];
                rts.extend(names(d.route_tables.iter().map(|t| &t.name)));
                let rt = s.and_then(|s| s.route_table.clone()).unwrap_or(NONE_MAIN.into());
                fields.push(Field::choice("route table", rts, &rt));
                let mut acls = vec![NONE_DEFAULT.to_string()];
                acls.extend(names(d.network_acls.iter().map(|a| &a.name)));
                let acl = s.and_then(|s| s.network_acl.clone()).unwrap_or(NONE_DEFAULT.into());
                fields.push(Field::choice("network ACL", acls, &acl));
            }
            (
                ObjectKind::RouteTable
                | ObjectKind::SecurityGroup
                | ObjectKind::NetworkAcl
                | ObjectKind::EgressOnlyGateway,
                o,
            ) => {
                let vpc = match o {
                    Some(Object::RouteTable(t)) => t.vpc.clone(),
                    Some(Object::SecurityGroup(g)) => g.vpc.clone(),
                    Some(Object::NetworkAcl(a)) => a.vpc.clone(),
                    Some(Object::EgressOnlyGateway(g)) => g.vpc.clone(),
                    _ => first_vpc.clone(),
                };
                fields.push(Field::choice("VPC", vpcs.clone(), &vpc));
            }
            (ObjectKind::InternetGateway, o) => {
                let mut opts = vpcs.clone();
                opts.push(NONE_DETACHED.into());
                let vpc = match o {
                    Some(Object::InternetGateway(g)) => g.vpc.clone().unwrap_or(NONE_DETACHED.into()),
                    _ => first_vpc.clone(),
                };
                fields.push(Field::choice("attached to", opts, &vpc));
            }
            (ObjectKind::NatGateway, o) => {
                let n = match o {
                    Some(Object::NatGateway(n)) => Some(n),
                    _ => None,
                };
                let subnets = names(d.subnets.iter().map(|s| &s.name));
                fields.push(Field::choice(
                    "subnet",
                    subnets,
                    n.map(|n| n.subnet.as_str()).unwrap_or(""),
                ));
                let conn = match n.map(|n| n.connectivity) {
                    Some(NatConnectivity::Private) => "private",
                    _ => "public",
                };
                fields.push(Field::choice(
                    "connectivity",
                    vec!["public".into(), "private".into()],
                    conn,
                ));
                let mut eips = vec![NEW_EIP.to_string(), NO_EIP.to_string()];
                eips.extend(names(d.elastic_ips.iter().map(|e| &e.name)));
                let eip = n
                    .map(|n| n.elastic_ip.clone().unwrap_or(NO_EIP.into()))
                    .unwrap_or(NEW_EIP.into());
                fields.push(Field::choice("Elastic IP", eips, &eip));
            }
            (ObjectKind::ElasticIp, o) => {
                let addr = match o {
                    Some(Object::ElasticIp(e)) => e.address.to_string(),
                    _ => free_eip_address(d).to_string(),
                };
                fields.push(Field::text("address", &addr, Check::Ipv4));
            }
            (ObjectKind::Instance, o) => {
                let i = match o {
                    Some(Object::Instance(i)) => Some(i),
                    _ => None,
                };
                let roles = ["web", "app", "db", "bastion", "nat-instance", "other"];
                let role = i.map(|i| i.role.to_string()).unwrap_or("other".into());
                fields.push(Field::choice(
                    "role",
                    roles.iter().map(|s| s.to_string()).collect(),
                    &role,
                ));
                let subnets = names(d.subnets.iter().map(|s| &s.name));
                fields.push(Field::choice(
                    "subnet",
                    subnets,
                    i.map(|i| i.subnet.as_str()).unwrap_or(""),
                ));
                let ip = i
                    .and_then(|i| i.private_ip)
                    .map(|ip| ip.to_string())
                    .unwrap_or_default();
                fields.push(Field::text("private IP", &ip, Check::Ipv4Opt));
                let sgs = names(d.security_groups.iter().map(|g| &g.name));
                fields.push(Field::multi(
                    "security groups",
                    sgs,
                    i.map(|i| i.security_groups.as_slice()).unwrap_or(&[]),
                ));
                let public = match i.and_then(|i| i.public_ip) {
                    None => "subnet default",
                    Some(true) => "yes",
                    Some(false) => "no",
                };
                fields.push(Field::choice(
                    "public IP",
                    vec!["subnet default".into(), "yes".into(), "no".into()],
                    public,
                ));
            }
            _ => {}
        }
        let title = match obj {
            Some(o) => format!("edit {} {}", kind.label(), o.name()),
            None => format!("new {}", kind.label()),
        };
        Form::new(
            title,
            Purpose::Object {
                kind,
                original: obj.map(|o| o.name().to_string()),
            },
            fields,
        )
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

    /// Builds the object described by an object form.
    fn build_object(&self, d: &Design) -> Result<Object, String> {
        let Purpose::Object { kind, original } = &self.purpose else {
            return Err("not an object form".into());
        };
        let name = self.field("name");
        let orig = original.as_ref().and_then(|n| d.get(&ObjectRef::new(*kind, n.clone())));
        let cidr4 = |label: &str| -> Result<Ipv4Net, String> {
            let s = self.field(label);
            s.parse().map_err(|_| format!("`{s}` is not an IPv4 CIDR"))
        };
        let need = |label: &str| -> Result<String, String> {
            let v = self.field(label);
            if v.is_empty() {
                Err(format!("choose a {label} first (create one if the list is empty)"))
            } else {
                Ok(v)
            }
        };
        Ok(match kind {
            ObjectKind::Vpc => match orig {
                Some(Object::Vpc(mut v)) => {
                    v.name = name;
                    v.cidr = cidr4("IPv4 CIDR")?;
                    Object::Vpc(v)
                }
                _ => {
                    let objs = Design::new_vpc_objects(&name, cidr4("IPv4 CIDR")?);
                    objs.into_iter()
                        .find(|o| o.kind() == ObjectKind::Vpc)
                        .ok_or("internal: no VPC object")?
                }
            },
            ObjectKind::Subnet => {
                let mut s = match orig {
                    Some(Object::Subnet(s)) => s,
                    _ => Subnet {
                        name: String::new(),
                        description: None,
                        vpc: String::new(),
                        az: String::new(),
                        cidr: cidr4("IPv4 CIDR")?,
                        ipv6_cidr: None,
                        map_public_ip: false,
                        route_table: None,
                        network_acl: None,
                        tier: None,
                    },
                };
                s.name = name;
                s.vpc = need("VPC")?;
                s.az = need("AZ")?;
                s.cidr = cidr4("IPv4 CIDR")?;
                s.map_public_ip = self.field("auto public IP") == "yes";
                let rt = self.field("route table");
                s.route_table = (rt != NONE_MAIN && !rt.is_empty()).then_some(rt);
                let acl = self.field("network ACL");
                s.network_acl = (acl != NONE_DEFAULT && !acl.is_empty()).then_some(acl);
                Object::Subnet(s)
            }
            ObjectKind::RouteTable => {
                let mut t = match orig {
                    Some(Object::RouteTable(t)) => t,
                    _ => RouteTable::new("", ""),
                };
                t.name = name;
                t.vpc = need("VPC")?;
                Object::RouteTable(t)
            }
            ObjectKind::SecurityGroup => {
                let mut g = match orig {
                    Some(Object::SecurityGroup(g)) => g,
                    _ => SecurityGroup::custom("", ""),
                };
                g.name = name;
                g.vpc = need("VPC")?;
                Object::SecurityGroup(g)
            }
            ObjectKind::NetworkAcl => {
                let mut a = match orig {
                    Some(Object::NetworkAcl(a)) => a,
                    _ => NetworkAcl::custom("", ""),
                };
                a.name = name;
                a.vpc = need("VPC")?;
                Object::NetworkAcl(a)
            }
            ObjectKind::EgressOnlyGateway => Object::EgressOnlyGateway(EgressOnlyGateway {
                name,
                description: orig.and_then(|o| o.description().map(String::from)),
                vpc: need("VPC")?,
            }),
            ObjectKind::InternetGateway => {
                let vpc = self.field("attached to");
                Object::InternetGateway(InternetGateway {
                    name,
                    description: orig.and_then(|o| o.description().map(String::from)),
                    vpc: (vpc != NONE_DETACHED && !vpc.is_empty()).then_some(vpc),
                })
            }
            ObjectKind::NatGateway => {
                let mut n = match orig {
                    Some(Object::NatGateway(n)) => n,
                    _ => NatGateway {
                        name: String::new(),
                        description: None,
                        subnet: String::new(),
                        connectivity: NatConnectivity::Public,
                        elastic_ip: None,
                        private_ip: None,
                    },
                };
                n.subnet = need("subnet")?;
                n.connectivity = if self.field("connectivity") == "private" {
                    NatConnectivity::Private
                } else {
                    NatConnectivity::Public
                };
                let eip = self.field("Elastic IP");
                n.elastic_ip = if eip == NEW_EIP {
                    Some(format!("{name}-eip"))
                } else if eip == NO_EIP || eip.is_empty() {
                    None
                } else {
                    Some(eip)
                };
                n.name = name;
                Object::NatGateway(n)
            }
            ObjectKind::ElasticIp => Object::ElasticIp(ElasticIp {
                name,
                description: orig.and_then(|o| o.description().map(String::from)),
                address: self
                    .field("address")
                    .parse()
                    .map_err(|_| "the address is not an IPv4 address".to_string())?,
            }),
            ObjectKind::Instance => {
                let mut i = match orig {
                    Some(Object::Instance(i)) => i,
                    _ => Instance {
                        name: String::new(),
                        description: None,
                        role: InstanceRole::Other,
                        os: OsFamily::Linux,
                        subnet: String::new(),
                        private_ip: None,
                        public_ip: None,
                        elastic_ip: None,
                        ipv6: None,
                        security_groups: Vec::new(),
                        source_dest_check: true,
                        secondary_interfaces: Vec::new(),
                    },
                };
                i.name = name;
                i.role = match self.field("role").as_str() {
                    "web" => InstanceRole::Web,
                    "app" => InstanceRole::App,
                    "db" => InstanceRole::Db,
                    "bastion" => InstanceRole::Bastion,
                    "nat-instance" => InstanceRole::NatInstance,
                    _ => InstanceRole::Other,
                };
                i.subnet = need("subnet")?;
                let ip = self.field("private IP");
                i.private_ip = if ip.is_empty() {
                    None
                } else {
                    Some(ip.parse().map_err(|_| format!("`{ip}` is not an IPv4 address"))?)
                };
                i.security_groups = self
                    .fields
                    .iter()
                    .find(|f| f.label == "security groups")
                    .map(Field::values)
                    .unwrap_or_default();
                i.public_ip = match self.field("public IP").as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                };
                Object::Instance(i)
            }
            other => return Err(format!("{} has no field form; edit it as text", other.label())),
        })
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
            Purpose::Object { kind, original } => {
                let obj = self.build_object(d)?;
                let mut edits = Vec::new();
                let mut put = obj.clone();
                if let Some(orig) = original {
                    if orig != obj.name() {
                        edits.push(Edit::Rename {
                            target: ObjectRef::new(*kind, orig.clone()),
                            to: obj.name().to_string(),
                        });
                    }
                } else if *kind == ObjectKind::Vpc {
                    // A new VPC comes with its main route table, default NACL and default SG.
                    let Object::Vpc(v) = &obj else {
                        return Err("internal: expected a VPC".into());
                    };
                    let all = Design::new_vpc_objects(&v.name, v.cidr);
                    let label = format!(
                        "added VPC {} {} (with main route table, default NACL and SG)",
                        v.name, v.cidr
                    );
                    return Ok(Submit::Edit(Edit::batch(
                        label,
                        all.into_iter().map(Edit::Put).collect(),
                    )));
                }
                if let Object::NatGateway(n) = &mut put {
                    if original.is_none() {
                        if let Some(eip) = &n.elastic_ip {
                            if d.elastic_ips.iter().all(|e| &e.name != eip) {
                                edits.push(Edit::Put(Object::ElasticIp(ElasticIp {
                                    name: eip.clone(),
                                    description: None,
                                    address: free_eip_address(d),
                                })));
                            }
                        }
                    }
                }
                let summary = Edit::Put(put.clone()).describe(d);
                edits.push(Edit::Put(put));
                Ok(Submit::Edit(if edits.len() == 1 {
                    edits.remove(0)
                } else {
                    Edit::batch(summary, edits)
                }))
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
            if let Input::Text { check, .. } = f.input {
                *f = Field::text(f.label, value, check);
            }
        }
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
    }

    pub fn is_multiline(&self) -> bool {
        matches!(self.fields.get(self.focus).map(|f| &f.input), Some(Input::Ron { .. }))
    }

    pub fn next_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }
    pub fn prev_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }
    /// Left/Right on a picker.
    pub fn cycle(&mut self, forward: bool) -> bool {
        match self.fields.get_mut(self.focus).map(|f| &mut f.input) {
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
                true
            }
            _ => false,
        }
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
        match &mut field.input {
            Input::Text { area, .. } | Input::Ron { area, .. } => {
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
            Input::Multi { chosen, cursor, .. } => {
                if key.code == ratatui::crossterm::event::KeyCode::Char(' ') {
                    if let Some(c) = chosen.get_mut(*cursor) {
                        *c = !*c;
                    }
                }
            }
        }
    }

    pub fn render(&mut self, frame: &mut Frame, screen: Rect, theme: &Theme) {
        let multiline = self.fields.iter().any(|f| matches!(f.input, Input::Ron { .. }));
        let width = screen.width.saturating_sub(4).min(if multiline { 100 } else { 72 });
        let mut height: u16 = 2 + 2;
        for f in &self.fields {
            height += match &f.input {
                Input::Ron { .. } => screen.height.saturating_sub(12).max(6),
                _ => 2,
            };
            if !f.visible_suggestions().is_empty() {
                height += 1;
            }
        }
        let height = height.min(screen.height.saturating_sub(2));
        let area = Rect {
            x: screen.x + (screen.width.saturating_sub(width)) / 2,
            y: screen.y + (screen.height.saturating_sub(height)) / 2,
            width,
            height,
        };
        frame.render_widget(Clear, area);
        let blk = block(self.title.clone(), true, theme);
        let inner = blk.inner(area);
        frame.render_widget(blk, area);
        let label_w: u16 = 17;
        let mut y = inner.y;
        let bottom = inner.y + inner.height;
        for (i, f) in self.fields.iter_mut().enumerate() {
            if y >= bottom {
                break;
            }
            let focused = i == self.focus;
            let label_style = if focused { theme.key() } else { theme.normal() };
            let problem = f.problem();
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
            match &mut f.input {
                Input::Text { area: ta, .. } => {
                    let style = if problem.is_some() {
                        theme.error()
                    } else {
                        theme.normal()
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
                    let style = if focused { theme.selected(true) } else { theme.normal() };
                    frame.render_widget(Paragraph::new(Span::styled(text, style)), Rect::new(vx, y, vw, 1));
                }
                Input::Multi {
                    options,
                    chosen,
                    cursor,
                } => {
                    let mut spans = Vec::new();
                    for (j, (o, c)) in options.iter().zip(chosen.iter()).enumerate() {
                        let mark = if *c { "[x]" } else { "[ ]" };
                        let style = if focused && j == *cursor {
                            theme.selected(true)
                        } else {
                            theme.normal()
                        };
                        spans.push(Span::styled(format!("{mark} {o}"), style));
                        spans.push(Span::raw("  "));
                    }
                    if options.is_empty() {
                        spans.push(Span::styled("(none exist yet)", theme.dim()));
                    }
                    frame.render_widget(
                        Paragraph::new(Line::from(spans)).wrap(Wrap { trim: true }),
                        Rect::new(vx, y, vw, 1),
                    );
                }
                Input::Ron { area: ta, .. } => {
                    let h = (bottom.saturating_sub(y)).saturating_sub(3).max(1);
                    ta.set_cursor_line_style(ratatui::style::Style::default());
                    ta.set_style(theme.normal());
                    frame.render_widget(&*ta, Rect::new(vx, y, vw, h));
                    y += h - 1;
                }
            }
            y += 1;
            if y < bottom {
                let (text, style) = match (&problem, focused) {
                    (Some(p), _) => (format!("✗ {p}"), theme.error()),
                    (None, true) if matches!(f.input, Input::Multi { .. }) => {
                        ("←/→ move, Space toggles".to_string(), theme.dim())
                    }
                    (None, true) if matches!(f.input, Input::Choice { .. }) => {
                        ("←/→ or a letter to choose".to_string(), theme.dim())
                    }
                    _ => (String::new(), theme.dim()),
                };
                frame.render_widget(Paragraph::new(Span::styled(text, style)), Rect::new(vx, y, vw, 1));
                y += 1;
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
        if let Some(err) = &self.error {
            let h = 2.min(bottom.saturating_sub(y));
            frame.render_widget(
                Paragraph::new(Span::styled(format!("refused: {err}"), theme.error())).wrap(Wrap { trim: true }),
                Rect::new(inner.x, bottom.saturating_sub(h), inner.width, h),
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

/// An unused address for a new Elastic IP, from the documentation-free
/// 52.94.0.0/16-style pool vpcd uses for simulated allocations.
fn free_eip_address(d: &Design) -> Ipv4Addr {
    (10u32..65_000)
        .map(|i| Ipv4Addr::new(52, 0, (i / 250) as u8, (i % 250 + 1) as u8))
        .find(|a| d.elastic_ips.iter().all(|e| e.address != *a))
        .unwrap_or(Ipv4Addr::new(52, 0, 255, 254))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_as_its_kind() {
        let d = crate::model::sample::three_tier();
        for &kind in ObjectKind::ALL {
            let t = template(kind, &d);
            let obj = parse_object(&t, Some(kind)).unwrap_or_else(|e| panic!("{kind:?}: {e}\n{t}"));
            assert_eq!(obj.kind(), kind);
        }
    }

    #[test]
    fn object_text_round_trips() {
        let d = crate::model::sample::three_tier();
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
