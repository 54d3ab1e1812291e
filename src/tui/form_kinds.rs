//! The field forms of every object kind, as data: one [`FormDef`] per kind
//! (and per part of an object — transit-gateway route tables, attachments
//! and routes, Direct Connect virtual interfaces). A definition lists its
//! fields ([`Spec`]: text with a syntax check, picker or multi-select whose
//! options come from the design and the values chosen so far), how to read
//! an object into values, and how to build the object back. The machinery in
//! `forms.rs` does everything else: rendering, typing, filtering candidates,
//! live checks against the shared validation, submitting through the
//! workspace.

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};

use super::forms::{Check, Vals};
use crate::model::*;

/// Where a picker's options come from: the design and the values chosen so far.
pub type OptionsFn = fn(&Design, &Vals) -> Vec<String>;

#[derive(Clone, Copy)]
pub enum Widget {
    Text(Check),
    Pick(OptionsFn),
    Multi(OptionsFn),
    /// A multi-select of subnets where AWS takes at most one per AZ: choosing
    /// a subnet drops the other one of its AZ.
    SubnetsPerAz(OptionsFn),
}

/// One field of a form.
#[derive(Clone, Copy)]
pub struct Spec {
    pub label: &'static str,
    pub widget: Widget,
    /// Shown only while another field holds one of these values.
    pub when: Option<(&'static str, &'static [&'static str])>,
    /// Hidden while another field holds one of these values.
    pub unless: Option<(&'static str, &'static [&'static str])>,
    /// Validation codes whose findings are shown under this field.
    pub codes: &'static [&'static str],
}

const fn spec(label: &'static str, widget: Widget) -> Spec {
    Spec {
        label,
        widget,
        when: None,
        unless: None,
        codes: &[],
    }
}
const fn text(label: &'static str, check: Check) -> Spec {
    spec(label, Widget::Text(check))
}
const fn pick(label: &'static str, options: OptionsFn) -> Spec {
    spec(label, Widget::Pick(options))
}
const fn multi(label: &'static str, options: OptionsFn) -> Spec {
    spec(label, Widget::Multi(options))
}
const fn per_az(label: &'static str, options: OptionsFn) -> Spec {
    spec(label, Widget::SubnetsPerAz(options))
}

impl Spec {
    const fn when(mut self, field: &'static str, values: &'static [&'static str]) -> Spec {
        self.when = Some((field, values));
        self
    }
    const fn unless(mut self, field: &'static str, values: &'static [&'static str]) -> Spec {
        self.unless = Some((field, values));
        self
    }
    /// Whether the field shows, given the values so far.
    pub fn visible(&self, v: &Vals) -> bool {
        self.when.is_none_or(|(f, vs)| vs.contains(&v.get(f)))
            && self.unless.is_none_or(|(f, vs)| !vs.contains(&v.get(f)))
    }
    const fn codes(mut self, codes: &'static [&'static str]) -> Spec {
        self.codes = codes;
        self
    }
}

/// How values are read from the design.
pub type ReadFn = fn(&Design, Option<&Object>, &Vals) -> Vals;
/// How values become the object to put (for a part: its updated parent).
pub type BuildFn = fn(&Vals, &Design, Option<Object>) -> Result<Object, String>;

/// A form, as data.
pub struct FormDef {
    /// What the title calls the thing edited.
    pub noun: &'static str,
    pub fields: &'static [Spec],
    /// The values of an object being edited (`Some`), or the defaults of a
    /// new one; part forms read from the parent and selector in the values.
    pub read: ReadFn,
    pub build: BuildFn,
    /// Fields whose change re-reads the values (a part form's parent and selector).
    pub reload_on: &'static [&'static str],
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spec({})", self.label)
    }
}

impl std::fmt::Debug for FormDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FormDef({})", self.noun)
    }
}

// ---------------------------------------------------------------- constants

pub const NONE_MAIN: &str = "(main table)";
pub const NONE_DEFAULT: &str = "(default NACL)";
pub const NONE_DETACHED: &str = "(detached)";
pub const NEW_EIP: &str = "(allocate a new Elastic IP)";
pub const NONE: &str = "(none)";
pub const NEW: &str = "(new)";
/// The name of the object a form edits, as it was when the form opened
/// (present in the values option sources see; empty for a new object).
pub const ORIGINAL: &str = "(original name)";
const YES_NO: &[&str] = &["no", "yes"];
const NAME_CODES: &[&str] = &["duplicate-name"];

// ---------------------------------------------------------- option sources

/// Model types with a name, for option lists.
pub trait Named {
    fn name(&self) -> &str;
}
macro_rules! named_types {
    ($($t:ty),*) => { $(impl Named for $t { fn name(&self) -> &str { &self.name } })* };
}
named_types!(
    Vpc,
    Subnet,
    RouteTable,
    SecurityGroup,
    NetworkAcl,
    Instance,
    ElasticIp,
    VpnGateway,
    CustomerGateway,
    VpnConnection,
    DxGateway,
    DxConnection,
    TransitGateway,
    TgwRouteTable,
    TgwAttachment,
    VirtualInterface
);

/// The names of the items that pass `keep`.
fn names<T: Named>(items: &[T], keep: impl Fn(&T) -> bool) -> Vec<String> {
    items.iter().filter(|x| keep(x)).map(|x| x.name().to_string()).collect()
}

fn strs(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}
fn with_first(first: &str, rest: impl IntoIterator<Item = String>) -> Vec<String> {
    std::iter::once(first.to_string()).chain(rest).collect()
}
fn yes_no(_: &Design, _: &Vals) -> Vec<String> {
    strs(YES_NO)
}
fn no_yes(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["yes", "no"])
}
fn up_down(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["up", "down"])
}
fn vpcs(d: &Design, _: &Vals) -> Vec<String> {
    names(&d.vpcs, |_| true)
}
fn vpcs_or_detached(d: &Design, v: &Vals) -> Vec<String> {
    let mut out = vpcs(d, v);
    out.push(NONE_DETACHED.into());
    out
}
/// The accepter of a peering: any VPC but the requester (PCX-3: no self-peering).
fn other_vpcs(d: &Design, v: &Vals) -> Vec<String> {
    let requester = v.get("requester VPC");
    names(&d.vpcs, |x| x.name != requester)
}
fn azs(d: &Design, _: &Vals) -> Vec<String> {
    d.azs.clone()
}
fn all_subnets(d: &Design, _: &Vals) -> Vec<String> {
    names(&d.subnets, |_| true)
}
fn vpc_subnets(d: &Design, v: &Vals) -> Vec<String> {
    let vpc = v.get("VPC");
    names(&d.subnets, |s| s.vpc == vpc)
}
/// The VPC of the subnet chosen in the form's "subnet" field.
fn subnet_vpc<'a>(d: &'a Design, v: &Vals) -> &'a str {
    let s = v.get("subnet");
    d.subnets
        .iter()
        .find(|x| x.name == s)
        .map(|x| x.vpc.as_str())
        .unwrap_or("")
}
fn vpc_sgs(d: &Design, v: &Vals) -> Vec<String> {
    let vpc = v.get("VPC");
    names(&d.security_groups, |g| g.vpc == vpc)
}
/// Security groups of the chosen subnet's VPC (SG-8: an interface's groups are of its VPC).
fn subnet_vpc_sgs(d: &Design, v: &Vals) -> Vec<String> {
    let vpc = subnet_vpc(d, v);
    names(&d.security_groups, |g| g.vpc == vpc)
}
fn vpc_route_tables(d: &Design, v: &Vals) -> Vec<String> {
    let vpc = v.get("VPC");
    names(&d.route_tables, |t| t.vpc == vpc)
}
fn vpc_route_tables_or_main(d: &Design, v: &Vals) -> Vec<String> {
    with_first(NONE_MAIN, vpc_route_tables(d, v))
}
fn vpc_acls_or_default(d: &Design, v: &Vals) -> Vec<String> {
    let vpc = v.get("VPC");
    with_first(
        NONE_DEFAULT,
        d.network_acls.iter().filter(|a| a.vpc == vpc).map(|a| a.name.clone()),
    )
}
fn vpc_instances(d: &Design, v: &Vals) -> Vec<String> {
    let subnets = vpc_subnets(d, v);
    names(&d.instances, |i| subnets.contains(&i.subnet))
}
/// VGWs attached to the chosen VPC: the only ones a table can propagate from usefully.
fn vpc_vgws(d: &Design, v: &Vals) -> Vec<String> {
    let vpc = v.get("VPC");
    names(&d.vpn_gateways, |g| g.vpc.as_deref() == Some(vpc))
}
fn eips_for_nat(d: &Design, v: &Vals) -> Vec<String> {
    let mut out = strs(&[NEW_EIP, NONE]);
    out.extend(unassociated_eips(d, v));
    out
}
/// Elastic IPs not associated with anything else (EIP-1 / NAT-4: one association each),
/// plus the one the edited object holds.
fn unassociated_eips(d: &Design, v: &Vals) -> Vec<String> {
    let me = v.get(ORIGINAL);
    let used: std::collections::HashSet<&str> = d
        .nat_gateways
        .iter()
        .filter(|n| n.name != me)
        .filter_map(|n| n.elastic_ip.as_deref())
        .chain(
            d.instances
                .iter()
                .filter(|i| i.name != me)
                .filter_map(|i| i.elastic_ip.as_deref()),
        )
        .collect();
    names(&d.elastic_ips, |e| !used.contains(e.name.as_str()))
}
fn eips_or_none(d: &Design, v: &Vals) -> Vec<String> {
    with_first(NONE, unassociated_eips(d, v))
}
fn roles(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["web", "app", "db", "bastion", "nat-instance", "other"])
}
fn public_ip_choices(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["subnet default", "yes", "no"])
}
fn nat_connectivity(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["public", "private"])
}
fn tenancies(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["default", "dedicated"])
}
fn lb_types(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["application", "network"])
}
fn lb_schemes(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["internet-facing", "internal"])
}
fn peering_statuses(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["active", "pending-acceptance", "rejected", "failed", "deleted"])
}
fn endpoint_types(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["gateway", "interface"])
}
/// Gateway endpoints exist only for S3 and DynamoDB (VPCE-1); every service has an interface endpoint.
fn endpoint_services(_: &Design, v: &Vals) -> Vec<String> {
    if v.get("type") == "gateway" {
        strs(&["s3", "dynamodb"])
    } else {
        strs(AWS_SERVICES)
    }
}
fn cgws(d: &Design, _: &Vals) -> Vec<String> {
    names(&d.customer_gateways, |_| true)
}
fn cgws_or_none(d: &Design, v: &Vals) -> Vec<String> {
    with_first(NONE, cgws(d, v))
}
fn vgws(d: &Design, _: &Vals) -> Vec<String> {
    names(&d.vpn_gateways, |_| true)
}
fn tgws(d: &Design, _: &Vals) -> Vec<String> {
    names(&d.transit_gateways, |_| true)
}
fn tgws_or_none(d: &Design, v: &Vals) -> Vec<String> {
    with_first(NONE, tgws(d, v))
}
/// A VPN connection terminates on a virtual private gateway or a transit gateway.
fn vpn_terminations(d: &Design, _: &Vals) -> Vec<String> {
    d.vpn_gateways
        .iter()
        .map(|g| format!("vgw:{}", g.name))
        .chain(d.transit_gateways.iter().map(|t| format!("tgw:{}", t.name)))
        .collect()
}
fn vpn_routings(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["bgp", "static"])
}
fn dx_connections_or_none(d: &Design, _: &Vals) -> Vec<String> {
    with_first(NONE, d.dx_connections.iter().map(|c| c.name.clone()))
}
/// Direct Connect port speeds (dedicated and hosted connections).
fn dx_bandwidths(_: &Design, _: &Vals) -> Vec<String> {
    strs(&[
        "50Mbps", "100Mbps", "200Mbps", "300Mbps", "400Mbps", "500Mbps", "1Gbps", "2Gbps", "5Gbps", "10Gbps", "25Gbps",
        "100Gbps", "400Gbps",
    ])
}
fn firewall_actions(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["pass", "drop", "alert"])
}
fn flow_scopes(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["vpc", "subnet", "instance"])
}
fn flow_resources(d: &Design, v: &Vals) -> Vec<String> {
    match v.get("scope") {
        "subnet" => all_subnets(d, v),
        "instance" => names(&d.instances, |_| true),
        _ => vpcs(d, v),
    }
}
fn flow_traffic(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["all", "accept", "reject"])
}

// ------------------------------------------------------------- small helpers

fn need(v: &Vals, label: &str) -> Result<String, String> {
    let s = v.get(label);
    if s.is_empty() || s == NONE {
        Err(format!("choose a {label} first (create one if the list is empty)"))
    } else {
        Ok(s.to_string())
    }
}
fn opt(v: &Vals, label: &str, none: &str) -> Option<String> {
    let s = v.get(label);
    (!s.is_empty() && s != none).then(|| s.to_string())
}
fn yes(v: &Vals, label: &str) -> bool {
    v.get(label) == "yes"
}
fn yn(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}
fn parse<T: std::str::FromStr>(v: &Vals, label: &str) -> Result<T, String> {
    let s = v.get(label);
    s.parse().map_err(|_| format!("{label}: `{s}` is not valid"))
}
/// A comma-separated list (CIDRs, prefixes); empty gives an empty list.
fn parse_list<T: std::str::FromStr>(v: &Vals, label: &str) -> Result<Vec<T>, String> {
    split_list(v.get(label))
        .map(|s| s.parse().map_err(|_| format!("{label}: `{s}` is not valid")))
        .collect()
}
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty())
}
fn join<T: ToString>(items: &[T]) -> String {
    items.iter().map(T::to_string).collect::<Vec<_>>().join(", ")
}
/// The values of a form start with the object's name (a new one gets a
/// suggested name from the form machinery).
fn named(o: Option<&Object>) -> Vals {
    Vals::default().with("name", o.map(|o| o.name().to_string()).unwrap_or_default())
}
fn described(orig: &Option<Object>) -> Option<String> {
    orig.as_ref().and_then(|o| o.description().map(String::from))
}
pub fn fresh_name(d: &Design, base: &str) -> String {
    let taken: std::collections::HashSet<String> = d.object_refs().into_iter().map(|r| r.name).collect();
    (1..)
        .map(|i| format!("{base}-{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| base.to_string())
}

/// An unused address for a new Elastic IP, from the 52.0.0.0/16 pool vpcd
/// uses for simulated allocations.
pub fn free_eip_address(d: &Design) -> Ipv4Addr {
    (10u32..65_000)
        .map(|i| Ipv4Addr::new(52, 0, (i / 250) as u8, (i % 250 + 1) as u8))
        .find(|a| d.elastic_ips.iter().all(|e| e.address != *a))
        .unwrap_or(Ipv4Addr::new(52, 0, 255, 254))
}

// ------------------------------------------------------------------ objects

/// The stem of a suggested name for a new object (`subnet-1`, `tgw-2`).
pub fn name_stem(kind: ObjectKind) -> &'static str {
    match kind {
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
    }
}

/// The form definition of an object kind.
pub fn object_def(kind: ObjectKind) -> &'static FormDef {
    match kind {
        ObjectKind::Vpc => &VPC,
        ObjectKind::Subnet => &SUBNET,
        ObjectKind::RouteTable => &ROUTE_TABLE,
        ObjectKind::InternetGateway => &IGW,
        ObjectKind::EgressOnlyGateway => &EIGW,
        ObjectKind::NatGateway => &NAT,
        ObjectKind::ElasticIp => &EIP,
        ObjectKind::SecurityGroup => &SG,
        ObjectKind::NetworkAcl => &NACL,
        ObjectKind::Instance => &INSTANCE,
        ObjectKind::LoadBalancer => &LB,
        ObjectKind::Peering => &PEERING,
        ObjectKind::Endpoint => &ENDPOINT,
        ObjectKind::PrefixList => &PREFIX_LIST,
        ObjectKind::VpnGateway => &VGW,
        ObjectKind::CustomerGateway => &CGW,
        ObjectKind::VpnConnection => &VPN,
        ObjectKind::DxGateway => &DXGW,
        ObjectKind::DxConnection => &DX,
        ObjectKind::OnPremNetwork => &ONPREM,
        ObjectKind::TransitGateway => &TGW,
        ObjectKind::Firewall => &FIREWALL,
        ObjectKind::FlowLog => &FLOW_LOG,
    }
}

const NAME: Spec = text("name", Check::Name).codes(NAME_CODES);

macro_rules! get {
    ($orig:expr, $variant:ident) => {
        match $orig {
            Some(Object::$variant(x)) => Some(x),
            _ => None,
        }
    };
}

static VPC: FormDef = FormDef {
    noun: "VPC",
    fields: &[
        NAME,
        text("IPv4 CIDR", Check::VpcCidr).codes(&[
            "vpc-cidr-size",
            "vpc-cidr-unusable-range",
            "vpc-cidr-public-range",
            "vpc-cidr-docker-range",
            "onprem-overlap",
        ]),
        text("secondary CIDRs", Check::VpcCidrList).codes(&[
            "vpc-cidr-overlap",
            "vpc-cidr-restricted",
            "vpc-cidr-covers-route",
            "vpc-cidr-pending-peering",
        ]),
        pick("tenancy", tenancies),
        pick("DNS support", no_yes),
        pick("DNS hostnames", yes_no).codes(&["endpoint-private-dns-without-dns"]),
    ],
    read: |d, o, _| {
        let v = get!(o, Vpc);
        named(o)
            .with(
                "IPv4 CIDR",
                v.map(|v| v.cidr.to_string()).unwrap_or_else(|| free_vpc_block(d)),
            )
            .with(
                "secondary CIDRs",
                v.map(|v| join(&v.secondary_cidrs)).unwrap_or_default(),
            )
            .with(
                "tenancy",
                if v.is_some_and(|v| v.tenancy == Tenancy::Dedicated) {
                    "dedicated"
                } else {
                    "default"
                },
            )
            .with("DNS support", yn(v.is_none_or(|v| v.dns_support)))
            .with("DNS hostnames", yn(v.is_some_and(|v| v.dns_hostnames)))
    },
    build: |v, _, orig| {
        let name = v.get("name").to_string();
        let cidr: Ipv4Net = parse(v, "IPv4 CIDR")?;
        let mut vpc = match orig {
            Some(Object::Vpc(x)) => x,
            _ => match Design::new_vpc_objects(&name, cidr).pop() {
                Some(Object::Vpc(x)) => x,
                _ => return Err("internal: no VPC object".into()),
            },
        };
        vpc.name = name;
        vpc.cidr = cidr;
        vpc.secondary_cidrs = parse_list(v, "secondary CIDRs")?;
        vpc.tenancy = if v.get("tenancy") == "dedicated" {
            Tenancy::Dedicated
        } else {
            Tenancy::Default
        };
        vpc.dns_support = yes(v, "DNS support");
        vpc.dns_hostnames = yes(v, "DNS hostnames");
        Ok(Object::Vpc(vpc))
    },
    reload_on: &[],
};

/// 10.N.0.0/16 not used by any VPC yet (the form's default for a new VPC).
fn free_vpc_block(d: &Design) -> String {
    (0u8..=255)
        .map(|n| Ipv4Net::new(Ipv4Addr::new(10, n, 0, 0), 16).unwrap_or_default())
        .find(|b| {
            !d.vpcs
                .iter()
                .any(|v| v.ipv4_cidrs().any(|c| c.contains(b) || b.contains(&c)))
        })
        .map(|b| b.to_string())
        .unwrap_or_else(|| "10.0.0.0/16".into())
}

static SUBNET: FormDef = FormDef {
    noun: "subnet",
    fields: &[
        NAME,
        pick("VPC", vpcs),
        pick("AZ", azs).codes(&["subnet-az-unknown"]),
        text("IPv4 CIDR", Check::SubnetCidr).codes(&[
            "subnet-size",
            "subnet-outside-vpc",
            "subnet-overlap",
            "host-bits-set",
        ]),
        pick("auto public IP", yes_no).codes(&["private-subnet-maps-public-ip"]),
        pick("route table", vpc_route_tables_or_main).codes(&["route-table-other-vpc"]),
        pick("network ACL", vpc_acls_or_default).codes(&["nacl-other-vpc"]),
    ],
    read: |_, o, _| {
        let s = get!(o, Subnet);
        named(o)
            .with("VPC", s.map(|s| s.vpc.clone()).unwrap_or_default())
            .with("AZ", s.map(|s| s.az.clone()).unwrap_or_default())
            .with("IPv4 CIDR", s.map(|s| s.cidr.to_string()).unwrap_or_default())
            .with("auto public IP", yn(s.is_some_and(|s| s.map_public_ip)))
            .with("route table", s.and_then(|s| s.route_table.clone()).unwrap_or_default())
            .with("network ACL", s.and_then(|s| s.network_acl.clone()).unwrap_or_default())
    },
    build: |v, _, orig| {
        let cidr: Ipv4Net = parse(v, "IPv4 CIDR")?;
        let mut s = get!(orig, Subnet).unwrap_or(Subnet {
            name: String::new(),
            description: None,
            vpc: String::new(),
            az: String::new(),
            cidr,
            ipv6_cidr: None,
            map_public_ip: false,
            route_table: None,
            network_acl: None,
            tier: None,
        });
        s.name = v.get("name").to_string();
        s.vpc = need(v, "VPC")?;
        s.az = need(v, "AZ")?;
        s.cidr = cidr;
        s.map_public_ip = yes(v, "auto public IP");
        s.route_table = opt(v, "route table", NONE_MAIN);
        s.network_acl = opt(v, "network ACL", NONE_DEFAULT);
        Ok(Object::Subnet(s))
    },
    reload_on: &[],
};

static ROUTE_TABLE: FormDef = FormDef {
    noun: "route table",
    fields: &[
        NAME,
        pick("VPC", vpcs),
        multi("propagating VGWs", vpc_vgws).codes(&["route-propagation-vgw-detached"]),
    ],
    read: |_, o, _| {
        let t = get!(o, RouteTable);
        named(o)
            .with("VPC", t.map(|t| t.vpc.clone()).unwrap_or_default())
            .with_list(
                "propagating VGWs",
                t.map(|t| t.propagating_vgws.clone()).unwrap_or_default(),
            )
    },
    build: |v, _, orig| {
        let mut t = get!(orig, RouteTable).unwrap_or_else(|| RouteTable::new("", ""));
        t.name = v.get("name").to_string();
        t.vpc = need(v, "VPC")?;
        t.propagating_vgws = v.list("propagating VGWs");
        Ok(Object::RouteTable(t))
    },
    reload_on: &[],
};

static IGW: FormDef = FormDef {
    noun: "internet gateway",
    fields: &[
        NAME,
        pick("attached to", vpcs_or_detached).codes(&["igw-multiple-per-vpc", "igw-detach-with-public-ips"]),
    ],
    read: |_, o, _| {
        let g = get!(o, InternetGateway);
        named(o).with(
            "attached to",
            match g {
                Some(g) => g.vpc.clone().unwrap_or(NONE_DETACHED.into()),
                None => String::new(),
            },
        )
    },
    build: |v, _, orig| {
        Ok(Object::InternetGateway(InternetGateway {
            name: v.get("name").to_string(),
            description: described(&orig),
            vpc: opt(v, "attached to", NONE_DETACHED),
        }))
    },
    reload_on: &[],
};

static NAT: FormDef = FormDef {
    noun: "NAT gateway",
    fields: &[
        NAME,
        pick("subnet", all_subnets).codes(&["nat-no-igw", "nat-without-igw-route"]),
        pick("connectivity", nat_connectivity),
        pick("Elastic IP", eips_for_nat).codes(&[
            "nat-public-without-eip",
            "nat-private-with-eip",
            "eip-multiple-associations",
        ]),
    ],
    read: |_, o, _| {
        let n = get!(o, NatGateway);
        named(o)
            .with("subnet", n.map(|n| n.subnet.clone()).unwrap_or_default())
            .with(
                "connectivity",
                match n.map(|n| n.connectivity) {
                    Some(NatConnectivity::Private) => "private",
                    _ => "public",
                },
            )
            .with(
                "Elastic IP",
                match n {
                    Some(n) => n.elastic_ip.clone().unwrap_or(NONE.into()),
                    None => NEW_EIP.into(),
                },
            )
    },
    build: |v, _, orig| {
        let name = v.get("name").to_string();
        let mut n = get!(orig, NatGateway).unwrap_or(NatGateway {
            name: String::new(),
            description: None,
            subnet: String::new(),
            connectivity: NatConnectivity::Public,
            elastic_ip: None,
            private_ip: None,
        });
        n.subnet = need(v, "subnet")?;
        n.connectivity = if v.get("connectivity") == "private" {
            NatConnectivity::Private
        } else {
            NatConnectivity::Public
        };
        // A new Elastic IP is created beside the NAT gateway by the form (see `Form::edit`).
        n.elastic_ip = match v.get("Elastic IP") {
            NEW_EIP => Some(format!("{name}-eip")),
            e if e == NONE || e.is_empty() => None,
            e => Some(e.to_string()),
        };
        n.name = name;
        Ok(Object::NatGateway(n))
    },
    reload_on: &[],
};

static EIP: FormDef = FormDef {
    noun: "Elastic IP",
    fields: &[NAME, text("address", Check::Ipv4)],
    read: |d, o, _| {
        let e = get!(o, ElasticIp);
        named(o).with(
            "address",
            e.map(|e| e.address).unwrap_or_else(|| free_eip_address(d)).to_string(),
        )
    },
    build: |v, _, orig| {
        Ok(Object::ElasticIp(ElasticIp {
            name: v.get("name").to_string(),
            description: described(&orig),
            address: parse(v, "address")?,
        }))
    },
    reload_on: &[],
};

/// Kinds whose form is a name and a VPC (rules and the rest are edited elsewhere).
macro_rules! name_and_vpc_form {
    ($static:ident, $variant:ident, $noun:literal, $codes:expr, $new:expr) => {
        static $static: FormDef = FormDef {
            noun: $noun,
            fields: &[NAME, pick("VPC", vpcs).codes($codes)],
            read: |_, o, _| {
                named(o).with(
                    "VPC",
                    get!(o, $variant).map(|x| x.vpc.clone()).unwrap_or_default(),
                )
            },
            build: |v, _, orig| {
                let mut x = get!(orig, $variant).unwrap_or_else($new);
                x.name = v.get("name").to_string();
                x.vpc = need(v, "VPC")?;
                Ok(Object::$variant(x))
            },
            reload_on: &[],
        };
    };
}

name_and_vpc_form!(SG, SecurityGroup, "security group", &[], || SecurityGroup::custom(
    "", ""
));
name_and_vpc_form!(NACL, NetworkAcl, "network ACL", &[], || NetworkAcl::custom("", ""));
name_and_vpc_form!(
    EIGW,
    EgressOnlyGateway,
    "egress-only internet gateway",
    &["eigw-multiple-per-vpc"],
    || EgressOnlyGateway {
        name: String::new(),
        description: None,
        vpc: String::new(),
    }
);

static INSTANCE: FormDef = FormDef {
    noun: "instance",
    fields: &[
        NAME,
        pick("role", roles),
        pick("subnet", all_subnets).codes(&["subnet-exhausted"]),
        text("private IP", Check::Ipv4Opt).codes(&["ip-outside-subnet", "ip-reserved", "ip-in-use"]),
        multi("security groups", subnet_vpc_sgs).codes(&["eni-sg-other-vpc", "default-sg-in-use"]),
        pick("public IP", public_ip_choices).codes(&["public-subnet-no-public-ip"]),
        pick("Elastic IP", eips_or_none).codes(&["eip-multiple-associations"]),
        pick("source/dest check", no_yes).codes(&["route-target-source-dest-check"]),
    ],
    read: |_, o, _| {
        let i = get!(o, Instance);
        named(o)
            .with("role", i.map(|i| i.role.to_string()).unwrap_or("other".into()))
            .with("subnet", i.map(|i| i.subnet.clone()).unwrap_or_default())
            .with(
                "private IP",
                i.and_then(|i| i.private_ip)
                    .map(|ip| ip.to_string())
                    .unwrap_or_default(),
            )
            .with_list(
                "security groups",
                i.map(|i| i.security_groups.clone()).unwrap_or_default(),
            )
            .with(
                "public IP",
                match i.and_then(|i| i.public_ip) {
                    None => "subnet default",
                    Some(true) => "yes",
                    Some(false) => "no",
                },
            )
            .with(
                "Elastic IP",
                i.and_then(|i| i.elastic_ip.clone()).unwrap_or(NONE.into()),
            )
            .with("source/dest check", yn(i.is_none_or(|i| i.source_dest_check)))
    },
    build: |v, _, orig| {
        let mut i = get!(orig, Instance).unwrap_or(Instance {
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
        });
        i.name = v.get("name").to_string();
        i.role = match v.get("role") {
            "web" => InstanceRole::Web,
            "app" => InstanceRole::App,
            "db" => InstanceRole::Db,
            "bastion" => InstanceRole::Bastion,
            "nat-instance" => InstanceRole::NatInstance,
            _ => InstanceRole::Other,
        };
        i.subnet = need(v, "subnet")?;
        i.private_ip = match v.get("private IP") {
            "" => None,
            _ => Some(parse(v, "private IP")?),
        };
        i.security_groups = v.list("security groups");
        i.public_ip = match v.get("public IP") {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        i.elastic_ip = opt(v, "Elastic IP", NONE);
        i.source_dest_check = yes(v, "source/dest check");
        Ok(Object::Instance(i))
    },
    reload_on: &[],
};

static LB: FormDef = FormDef {
    noun: "load balancer",
    fields: &[
        NAME,
        pick("type", lb_types),
        pick("scheme", lb_schemes),
        pick("VPC", vpcs),
        per_az("subnets", vpc_subnets).codes(&[
            "alb-single-az",
            "lb-single-az",
            "lb-subnets-same-az",
            "lb-subnet-other-vpc",
        ]),
        multi("security groups", vpc_sgs).codes(&["eni-sg-other-vpc"]),
        text("listeners", Check::Listeners),
        multi("targets", vpc_instances),
    ],
    read: |d, o, _| {
        let lb = get!(o, LoadBalancer);
        // A load balancer's VPC is its subnets' VPC.
        let vpc = lb
            .and_then(|l| l.subnets.first())
            .and_then(|s| d.subnets.iter().find(|x| &x.name == s))
            .map(|s| s.vpc.clone())
            .unwrap_or_default();
        Vals::default()
            .with(
                "name",
                lb.map(|l| l.name.clone()).unwrap_or_else(|| fresh_name(d, "lb")),
            )
            .with(
                "type",
                if lb.is_some_and(|l| l.kind == LoadBalancerKind::Network) {
                    "network"
                } else {
                    "application"
                },
            )
            .with(
                "scheme",
                if lb.is_some_and(|l| l.scheme == LoadBalancerScheme::Internal) {
                    "internal"
                } else {
                    "internet-facing"
                },
            )
            .with("VPC", vpc)
            .with_list("subnets", lb.map(|l| l.subnets.clone()).unwrap_or_default())
            .with_list(
                "security groups",
                lb.map(|l| l.security_groups.clone()).unwrap_or_default(),
            )
            .with(
                "listeners",
                lb.map(|l| l.listeners.iter().map(listener_text).collect::<Vec<_>>().join(", "))
                    .unwrap_or_else(|| "443:8080".into()),
            )
            .with_list("targets", lb.map(|l| l.targets.clone()).unwrap_or_default())
    },
    build: |v, _, orig| {
        let mut lb = get!(orig, LoadBalancer).unwrap_or(LoadBalancer {
            name: String::new(),
            description: None,
            kind: LoadBalancerKind::Application,
            scheme: LoadBalancerScheme::InternetFacing,
            subnets: Vec::new(),
            security_groups: Vec::new(),
            listeners: Vec::new(),
            targets: Vec::new(),
        });
        lb.name = v.get("name").to_string();
        lb.kind = if v.get("type") == "network" {
            LoadBalancerKind::Network
        } else {
            LoadBalancerKind::Application
        };
        lb.scheme = if v.get("scheme") == "internal" {
            LoadBalancerScheme::Internal
        } else {
            LoadBalancerScheme::InternetFacing
        };
        lb.subnets = v.list("subnets");
        if lb.subnets.is_empty() {
            return Err("choose the load balancer's subnets (Space toggles)".into());
        }
        lb.security_groups = v.list("security groups");
        lb.listeners = parse_listeners(v.get("listeners"))?;
        lb.targets = v.list("targets");
        Ok(Object::LoadBalancer(lb))
    },
    reload_on: &[],
};

/// `443:8080/tcp` (port, target port, protocol); the protocol defaults to tcp.
pub fn listener_text(l: &Listener) -> String {
    let base = if l.port == l.target_port {
        l.port.to_string()
    } else {
        format!("{}:{}", l.port, l.target_port)
    };
    if l.proto == Protocol::Tcp {
        base
    } else {
        format!("{base}/{}", l.proto)
    }
}

/// Parses listeners `PORT[:TARGET_PORT][/PROTO]`, comma-separated.
pub fn parse_listeners(s: &str) -> Result<Vec<Listener>, String> {
    let port = |p: &str| -> Result<u16, String> {
        match p.trim().parse::<u16>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(format!(
                "`{p}` is not a port 1-65535 (listeners look like 443:8080, 80)"
            )),
        }
    };
    split_list(s)
        .map(|item| {
            let (ports, proto) = match item.split_once('/') {
                Some((a, p)) => (a, p.parse::<Protocol>()?),
                None => (item, Protocol::Tcp),
            };
            if !matches!(proto, Protocol::Tcp | Protocol::Udp) {
                return Err(format!("a listener is tcp or udp, not {proto}"));
            }
            let (port, target_port) = match ports.split_once(':') {
                Some((a, b)) => (port(a)?, port(b)?),
                None => (port(ports)?, port(ports)?),
            };
            Ok(Listener {
                proto,
                port,
                target_port,
            })
        })
        .collect()
}

static PEERING: FormDef = FormDef {
    noun: "peering connection",
    fields: &[
        NAME,
        pick("requester VPC", vpcs),
        pick("accepter VPC", other_vpcs).codes(&["peering-self", "peering-duplicate", "peering-overlap"]),
        pick("status", peering_statuses).codes(&["vpc-cidr-pending-peering"]),
        pick("cross-account", yes_no),
        pick("cross-region", yes_no).codes(&["sg-reference-other-vpc"]),
    ],
    read: |_, o, _| {
        let p = get!(o, Peering);
        named(o)
            .with("requester VPC", p.map(|p| p.requester.clone()).unwrap_or_default())
            .with("accepter VPC", p.map(|p| p.accepter.clone()).unwrap_or_default())
            .with("status", p.map(|p| p.status.label()).unwrap_or("active"))
            .with("cross-account", yn(p.is_some_and(|p| p.cross_account)))
            .with("cross-region", yn(p.is_some_and(|p| p.cross_region)))
    },
    build: |v, _, orig| {
        Ok(Object::Peering(Peering {
            name: v.get("name").to_string(),
            description: described(&orig),
            requester: need(v, "requester VPC")?,
            accepter: need(v, "accepter VPC")?,
            status: match v.get("status") {
                "pending-acceptance" => PeeringStatus::PendingAcceptance,
                "rejected" => PeeringStatus::Rejected,
                "failed" => PeeringStatus::Failed,
                "deleted" => PeeringStatus::Deleted,
                _ => PeeringStatus::Active,
            },
            cross_account: yes(v, "cross-account"),
            cross_region: yes(v, "cross-region"),
        }))
    },
    reload_on: &[],
};

const GATEWAY: &[&str] = &["gateway"];
const INTERFACE: &[&str] = &["interface"];

static ENDPOINT: FormDef = FormDef {
    noun: "VPC endpoint",
    fields: &[
        NAME,
        pick("VPC", vpcs),
        pick("type", endpoint_types),
        pick("service", endpoint_services).codes(&["endpoint-gateway-service"]),
        multi("route tables", vpc_route_tables)
            .when("type", GATEWAY)
            .codes(&["endpoint-route-table-other-vpc", "endpoint-gateway-no-route-table"]),
        per_az("subnets", vpc_subnets)
            .when("type", INTERFACE)
            .codes(&["endpoint-subnet-other-vpc", "endpoint-subnets-same-az"]),
        multi("security groups", vpc_sgs)
            .when("type", INTERFACE)
            .codes(&["eni-sg-other-vpc"]),
        pick("private DNS", no_yes)
            .when("type", INTERFACE)
            .codes(&["endpoint-private-dns-without-dns"]),
    ],
    read: |_, o, _| {
        let e = get!(o, Endpoint);
        let base = named(o)
            .with("VPC", e.map(|e| e.vpc.clone()).unwrap_or_default())
            .with("service", e.map(|e| e.service.clone()).unwrap_or("s3".into()));
        match e.map(|e| &e.kind) {
            Some(EndpointKind::Interface {
                subnets,
                security_groups,
                private_dns,
            }) => base
                .with("type", "interface")
                .with_list("subnets", subnets.clone())
                .with_list("security groups", security_groups.clone())
                .with("private DNS", yn(*private_dns)),
            Some(EndpointKind::Gateway { route_tables, .. }) => base
                .with("type", "gateway")
                .with_list("route tables", route_tables.clone()),
            None => base.with("type", "gateway").with("private DNS", "yes"),
        }
    },
    build: |v, _, orig| {
        let policy = match get!(&orig, Endpoint).map(|e| &e.kind) {
            Some(EndpointKind::Gateway { policy, .. }) => policy.clone(),
            _ => None,
        };
        let kind = if v.get("type") == "interface" {
            let subnets = v.list("subnets");
            if subnets.is_empty() {
                return Err("an interface endpoint needs a subnet (one per AZ; Space toggles)".into());
            }
            EndpointKind::Interface {
                subnets,
                security_groups: v.list("security groups"),
                private_dns: yes(v, "private DNS"),
            }
        } else {
            EndpointKind::Gateway {
                route_tables: v.list("route tables"),
                policy,
            }
        };
        Ok(Object::Endpoint(Endpoint {
            name: v.get("name").to_string(),
            description: described(&orig),
            vpc: need(v, "VPC")?,
            service: need(v, "service")?,
            kind,
        }))
    },
    reload_on: &[],
};

static PREFIX_LIST: FormDef = FormDef {
    noun: "prefix list",
    fields: &[
        NAME,
        text("entries", Check::CidrList),
        text("max entries", Check::MaxEntries).codes(&["prefix-list-too-many-entries"]),
    ],
    read: |_, o, _| {
        let p = get!(o, PrefixList);
        named(o)
            .with("entries", p.map(|p| join(&p.entries)).unwrap_or_default())
            .with("max entries", p.map(|p| p.max_entries).unwrap_or(10).to_string())
    },
    build: |v, _, orig| {
        Ok(Object::PrefixList(PrefixList {
            name: v.get("name").to_string(),
            description: described(&orig),
            entries: parse_list::<IpNet>(v, "entries")?
                .into_iter()
                .map(|n| n.trunc())
                .collect(),
            max_entries: parse(v, "max entries")?,
        }))
    },
    reload_on: &[],
};

static VGW: FormDef = FormDef {
    noun: "virtual private gateway",
    fields: &[
        NAME,
        pick("attached to", vpcs_or_detached).codes(&["vgw-multiple-per-vpc", "vgw-detached"]),
        text("Amazon ASN", Check::AmazonAsn),
    ],
    read: |_, o, _| {
        let g = get!(o, VpnGateway);
        named(o)
            .with(
                "attached to",
                match g {
                    Some(g) => g.vpc.clone().unwrap_or(NONE_DETACHED.into()),
                    None => String::new(),
                },
            )
            .with("Amazon ASN", g.map(|g| g.asn).unwrap_or(64512).to_string())
    },
    build: |v, _, orig| {
        Ok(Object::VpnGateway(VpnGateway {
            name: v.get("name").to_string(),
            description: described(&orig),
            vpc: opt(v, "attached to", NONE_DETACHED),
            asn: parse(v, "Amazon ASN")?,
        }))
    },
    reload_on: &[],
};

static CGW: FormDef = FormDef {
    noun: "customer gateway",
    fields: &[
        NAME,
        text("IP address", Check::Ipv4),
        text("BGP ASN", Check::CustomerAsn).codes(&["vpn-cloudhub-duplicate-asn"]),
    ],
    read: |_, o, _| {
        let c = get!(o, CustomerGateway);
        named(o)
            .with("IP address", c.map(|c| c.ip.to_string()).unwrap_or_default())
            .with("BGP ASN", c.map(|c| c.asn).unwrap_or(65000).to_string())
    },
    build: |v, _, orig| {
        Ok(Object::CustomerGateway(CustomerGateway {
            name: v.get("name").to_string(),
            description: described(&orig),
            ip: parse(v, "IP address")?,
            asn: parse(v, "BGP ASN")?,
        }))
    },
    reload_on: &[],
};

const STATIC: &[&str] = &["static"];

static VPN: FormDef = FormDef {
    noun: "VPN connection",
    fields: &[
        NAME,
        pick("customer gateway", cgws).codes(&["vpn-cloudhub-duplicate-asn"]),
        pick("terminates on", vpn_terminations).codes(&["vgw-detached"]),
        pick("routing", vpn_routings),
        text("static prefixes", Check::Cidr4List).when("routing", STATIC),
        pick("tunnel 1", up_down),
        pick("tunnel 2", up_down),
    ],
    read: |_, o, _| {
        let c = get!(o, VpnConnection);
        let term = c.map(|c| match &c.termination {
            VpnTermination::VpnGateway(g) => format!("vgw:{g}"),
            VpnTermination::TransitGateway(t) => format!("tgw:{t}"),
        });
        let up = |i: usize| {
            if c.is_none_or(|c| c.tunnels_up[i]) {
                "up"
            } else {
                "down"
            }
        };
        let base = named(o)
            .with(
                "customer gateway",
                c.map(|c| c.customer_gateway.clone()).unwrap_or_default(),
            )
            .with("terminates on", term.unwrap_or_default())
            .with("tunnel 1", up(0))
            .with("tunnel 2", up(1));
        match c.map(|c| &c.routing) {
            Some(VpnRouting::Static(p)) => base.with("routing", "static").with("static prefixes", join(p)),
            _ => base.with("routing", "bgp"),
        }
    },
    build: |v, _, orig| {
        let term = need(v, "terminates on")?;
        let termination = match term.split_once(':') {
            Some(("tgw", t)) => VpnTermination::TransitGateway(t.to_string()),
            Some((_, g)) => VpnTermination::VpnGateway(g.to_string()),
            None => return Err("choose where the VPN terminates".into()),
        };
        let routing = if v.get("routing") == "static" {
            VpnRouting::Static(parse_list(v, "static prefixes")?)
        } else {
            VpnRouting::Bgp
        };
        Ok(Object::VpnConnection(VpnConnection {
            name: v.get("name").to_string(),
            description: described(&orig),
            customer_gateway: need(v, "customer gateway")?,
            termination,
            routing,
            tunnels_up: [v.get("tunnel 1") == "up", v.get("tunnel 2") == "up"],
        }))
    },
    reload_on: &[],
};

static DXGW: FormDef = FormDef {
    noun: "Direct Connect gateway",
    fields: &[
        NAME,
        text("Amazon ASN", Check::AmazonAsn),
        multi("VGWs", vgws).codes(&["vgw-detached"]),
        pick("transit gateway", tgws_or_none),
    ],
    read: |_, o, _| {
        let g = get!(o, DxGateway);
        named(o)
            .with("Amazon ASN", g.map(|g| g.asn).unwrap_or(64512).to_string())
            .with_list("VGWs", g.map(|g| g.vpn_gateways.clone()).unwrap_or_default())
            .with(
                "transit gateway",
                g.and_then(|g| g.transit_gateway.clone()).unwrap_or(NONE.into()),
            )
    },
    build: |v, _, orig| {
        Ok(Object::DxGateway(DxGateway {
            name: v.get("name").to_string(),
            description: described(&orig),
            asn: parse(v, "Amazon ASN")?,
            vpn_gateways: v.list("VGWs"),
            transit_gateway: opt(v, "transit gateway", NONE),
        }))
    },
    reload_on: &[],
};

static DX: FormDef = FormDef {
    noun: "Direct Connect connection",
    fields: &[
        NAME,
        text("location", Check::Required),
        pick("bandwidth", dx_bandwidths),
        pick("state", up_down),
    ],
    read: |_, o, _| {
        let c = get!(o, DxConnection);
        named(o)
            .with("location", c.map(|c| c.location.clone()).unwrap_or("EqDC2".into()))
            .with("bandwidth", c.map(|c| c.bandwidth.clone()).unwrap_or("1Gbps".into()))
            .with("state", if c.is_none_or(|c| c.up) { "up" } else { "down" })
    },
    build: |v, _, orig| {
        let mut c = get!(orig, DxConnection).unwrap_or(DxConnection {
            name: String::new(),
            description: None,
            location: String::new(),
            bandwidth: String::new(),
            up: true,
            virtual_interfaces: Vec::new(),
        });
        c.name = v.get("name").to_string();
        c.location = v.get("location").to_string();
        c.bandwidth = need(v, "bandwidth")?;
        c.up = v.get("state") == "up";
        Ok(Object::DxConnection(c))
    },
    reload_on: &[],
};

static ONPREM: FormDef = FormDef {
    noun: "on-premises network",
    fields: &[
        NAME,
        text("CIDRs", Check::Cidr4ListRequired).codes(&["onprem-overlap"]),
        pick("customer gateway", cgws_or_none),
        pick("Direct Connect", dx_connections_or_none),
    ],
    read: |_, o, _| {
        let n = get!(o, OnPremNetwork);
        named(o)
            .with("CIDRs", n.map(|n| join(&n.cidrs)).unwrap_or_default())
            .with(
                "customer gateway",
                n.and_then(|n| n.customer_gateway.clone()).unwrap_or(NONE.into()),
            )
            .with(
                "Direct Connect",
                n.and_then(|n| n.dx_connection.clone()).unwrap_or(NONE.into()),
            )
    },
    build: |v, _, orig| {
        Ok(Object::OnPremNetwork(OnPremNetwork {
            name: v.get("name").to_string(),
            description: described(&orig),
            cidrs: parse_list(v, "CIDRs")?,
            customer_gateway: opt(v, "customer gateway", NONE),
            dx_connection: opt(v, "Direct Connect", NONE),
        }))
    },
    reload_on: &[],
};

fn own_tgw_tables(d: &Design, v: &Vals) -> Vec<String> {
    let name = v.get(ORIGINAL);
    with_first(
        NONE,
        d.transit_gateways
            .iter()
            .filter(|t| t.name == name)
            .flat_map(|t| t.route_tables.iter().map(|r| r.name.clone())),
    )
}

static TGW: FormDef = FormDef {
    noun: "transit gateway",
    fields: &[
        NAME,
        text("Amazon ASN", Check::AmazonAsn),
        pick("default association", no_yes),
        pick("default propagation", no_yes),
        pick("default route table", own_tgw_tables),
    ],
    read: |_, o, _| {
        let t = get!(o, TransitGateway);
        named(o)
            .with("Amazon ASN", t.map(|t| t.asn).unwrap_or(64512).to_string())
            .with("default association", yn(t.is_none_or(|t| t.default_association)))
            .with("default propagation", yn(t.is_none_or(|t| t.default_propagation)))
            .with(
                "default route table",
                t.and_then(|t| t.default_route_table.clone()).unwrap_or(NONE.into()),
            )
    },
    build: |v, _, orig| {
        let mut t = get!(orig, TransitGateway).unwrap_or(TransitGateway {
            name: String::new(),
            description: None,
            asn: 64512,
            default_association: true,
            default_propagation: true,
            default_route_table: None,
            route_tables: Vec::new(),
            attachments: Vec::new(),
        });
        t.name = v.get("name").to_string();
        t.asn = parse(v, "Amazon ASN")?;
        t.default_association = yes(v, "default association");
        t.default_propagation = yes(v, "default propagation");
        t.default_route_table = opt(v, "default route table", NONE);
        Ok(Object::TransitGateway(t))
    },
    reload_on: &[],
};

static FIREWALL: FormDef = FormDef {
    noun: "network firewall",
    fields: &[
        NAME,
        pick("VPC", vpcs),
        per_az("subnets", vpc_subnets),
        pick("default action", firewall_actions),
        text("rules", Check::FirewallRules),
    ],
    read: |_, o, _| {
        let f = get!(o, Firewall);
        named(o)
            .with("VPC", f.map(|f| f.vpc.clone()).unwrap_or_default())
            .with_list("subnets", f.map(|f| f.subnets.clone()).unwrap_or_default())
            .with(
                "default action",
                match f.map(|f| f.default_action) {
                    Some(FirewallAction::Drop) => "drop",
                    Some(FirewallAction::Alert) => "alert",
                    _ => "pass",
                },
            )
            .with(
                "rules",
                f.map(|f| f.rules.iter().map(firewall_rule_text).collect::<Vec<_>>().join("; "))
                    .unwrap_or_default(),
            )
    },
    build: |v, _, orig| {
        let subnets = v.list("subnets");
        if subnets.is_empty() {
            return Err("a firewall needs a subnet (one per AZ; Space toggles)".into());
        }
        Ok(Object::Firewall(Firewall {
            name: v.get("name").to_string(),
            description: described(&orig),
            vpc: need(v, "VPC")?,
            subnets,
            rules: parse_firewall_rules(v.get("rules"))?,
            default_action: parse_firewall_action(v.get("default action"))?,
        }))
    },
    reload_on: &[],
};

fn parse_firewall_action(s: &str) -> Result<FirewallAction, String> {
    match s {
        "pass" => Ok(FirewallAction::Pass),
        "drop" => Ok(FirewallAction::Drop),
        "alert" => Ok(FirewallAction::Alert),
        other => Err(format!("`{other}` is not a firewall action: pass, drop or alert")),
    }
}

/// A firewall rule as text: `drop tcp from 0.0.0.0/0 to 10.0.0.0/16 port 22`,
/// `drop domain example.com`.
pub fn firewall_rule_text(r: &FirewallRule) -> String {
    let action = match r.action {
        FirewallAction::Pass => "pass",
        FirewallAction::Drop => "drop",
        FirewallAction::Alert => "alert",
    };
    let mut out = vec![action.to_string()];
    if r.proto != Protocol::All {
        out.push(r.proto.to_string());
    }
    if let Some(s) = r.source {
        out.push(format!("from {s}"));
    }
    if let Some(d) = r.destination {
        out.push(format!("to {d}"));
    }
    if let Some(p) = r.ports {
        out.push(format!("port {p}"));
    }
    if let Some(dm) = &r.domain {
        out.push(format!("domain {dm}"));
    }
    out.join(" ")
}

/// Parses `;`-separated firewall rules written as [`firewall_rule_text`] writes them.
pub fn parse_firewall_rules(s: &str) -> Result<Vec<FirewallRule>, String> {
    s.split(';')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|rule| {
            let mut words = rule.split_whitespace();
            let action = parse_firewall_action(words.next().unwrap_or(""))?;
            let mut r = FirewallRule {
                action,
                proto: Protocol::All,
                source: None,
                destination: None,
                ports: None,
                domain: None,
            };
            while let Some(w) = words.next() {
                let mut arg = || words.next().ok_or(format!("`{w}` needs a value in `{rule}`"));
                let cidr = |s: &str| -> Result<IpNet, String> {
                    s.parse::<IpNet>()
                        .map(|n| n.trunc())
                        .map_err(|_| format!("`{s}` is not a CIDR block"))
                };
                match w {
                    "from" => r.source = Some(cidr(arg()?)?),
                    "to" => r.destination = Some(cidr(arg()?)?),
                    "port" | "ports" => r.ports = Some(arg()?.parse()?),
                    "domain" => r.domain = Some(arg()?.to_string()),
                    proto => {
                        r.proto = proto.parse().map_err(|_| {
                            format!("`{proto}` is not a protocol or one of from/to/port/domain (e.g. `drop tcp to 10.0.0.0/16 port 22`)")
                        })?
                    }
                }
            }
            Ok(r)
        })
        .collect()
}

static FLOW_LOG: FormDef = FormDef {
    noun: "flow log",
    fields: &[
        NAME,
        pick("scope", flow_scopes),
        pick("resource", flow_resources),
        pick("traffic", flow_traffic),
    ],
    read: |_, o, _| {
        let f = get!(o, FlowLog);
        let (scope, res) = match f.map(|f| &f.scope) {
            Some(FlowLogScope::Subnet(s)) => ("subnet", s.clone()),
            Some(FlowLogScope::Instance(i)) => ("instance", i.clone()),
            Some(FlowLogScope::Vpc(v)) => ("vpc", v.clone()),
            None => ("vpc", String::new()),
        };
        named(o).with("scope", scope).with("resource", res).with(
            "traffic",
            match f.map(|f| f.traffic) {
                Some(FlowLogTraffic::Accept) => "accept",
                Some(FlowLogTraffic::Reject) => "reject",
                _ => "all",
            },
        )
    },
    build: |v, _, orig| {
        let res = need(v, "resource")?;
        Ok(Object::FlowLog(FlowLog {
            name: v.get("name").to_string(),
            description: described(&orig),
            scope: match v.get("scope") {
                "subnet" => FlowLogScope::Subnet(res),
                "instance" => FlowLogScope::Instance(res),
                _ => FlowLogScope::Vpc(res),
            },
            traffic: match v.get("traffic") {
                "accept" => FlowLogTraffic::Accept,
                "reject" => FlowLogTraffic::Reject,
                _ => FlowLogTraffic::All,
            },
        }))
    },
    reload_on: &[],
};

// -------------------------------------------------------------------- parts

/// Parts of an object with a form of their own: they live inside their
/// parent and are saved by putting the updated parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    TgwRouteTable,
    TgwAttachment,
    TgwRoute,
    DxVirtualInterface,
}

impl Part {
    pub const ALL: &'static [Part] = &[
        Part::TgwRouteTable,
        Part::TgwAttachment,
        Part::TgwRoute,
        Part::DxVirtualInterface,
    ];
    pub fn def(self) -> &'static FormDef {
        match self {
            Part::TgwRouteTable => &TGW_ROUTE_TABLE,
            Part::TgwAttachment => &TGW_ATTACHMENT,
            Part::TgwRoute => &TGW_ROUTE,
            Part::DxVirtualInterface => &DX_VIF,
        }
    }
    pub fn label(self) -> &'static str {
        self.def().noun
    }
    /// The parent kind and the label of the form's parent picker.
    pub fn parent(self) -> (ObjectKind, &'static str) {
        match self {
            Part::DxVirtualInterface => (ObjectKind::DxConnection, "connection"),
            _ => (ObjectKind::TransitGateway, "transit gateway"),
        }
    }
}

const KEEP_REMOVE: &[&str] = &["keep", "remove"];
fn keep_remove(_: &Design, _: &Vals) -> Vec<String> {
    strs(KEEP_REMOVE)
}
const EXISTING: Spec = pick("keep or remove", keep_remove);

fn tgw<'a>(d: &'a Design, v: &Vals) -> Option<&'a TransitGateway> {
    let n = v.get("transit gateway");
    d.transit_gateways.iter().find(|t| t.name == n)
}
fn tgw_tables(d: &Design, v: &Vals) -> Vec<String> {
    tgw(d, v)
        .map(|t| t.route_tables.iter().map(|r| r.name.clone()).collect())
        .unwrap_or_default()
}
fn tgw_tables_or_none(d: &Design, v: &Vals) -> Vec<String> {
    with_first(NONE, tgw_tables(d, v))
}
fn tgw_table_selector(d: &Design, v: &Vals) -> Vec<String> {
    with_first(NEW, tgw_tables(d, v))
}
fn tgw_attachments(d: &Design, v: &Vals) -> Vec<String> {
    tgw(d, v)
        .map(|t| t.attachments.iter().map(|a| a.name.clone()).collect())
        .unwrap_or_default()
}
fn tgw_attachment_selector(d: &Design, v: &Vals) -> Vec<String> {
    with_first(NEW, tgw_attachments(d, v))
}
fn tgw_attachment_types(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["vpc", "vpn", "dx-gateway", "peering"])
}
/// VPN connections that terminate on this transit gateway (their attachment).
fn tgw_vpns(d: &Design, v: &Vals) -> Vec<String> {
    let t = v.get("transit gateway");
    names(&d.vpn_connections, |c| {
        c.termination == VpnTermination::TransitGateway(t.to_string())
    })
}
/// Direct Connect gateways associated with this transit gateway.
fn tgw_dxgws(d: &Design, v: &Vals) -> Vec<String> {
    let t = v.get("transit gateway");
    names(&d.dx_gateways, |g| g.transit_gateway.as_deref() == Some(t))
}
fn other_tgws(d: &Design, v: &Vals) -> Vec<String> {
    let t = v.get("transit gateway");
    names(&d.transit_gateways, |x| x.name != t)
}
fn tgw_routes(d: &Design, v: &Vals) -> Vec<String> {
    let table = v.get("route table");
    with_first(
        NEW,
        tgw(d, v)
            .and_then(|t| t.route_table(table))
            .map(|t| t.routes.iter().map(|r| r.cidr.to_string()).collect::<Vec<_>>())
            .unwrap_or_default(),
    )
}
fn tgw_route_targets(d: &Design, v: &Vals) -> Vec<String> {
    let mut out = tgw_attachments(d, v);
    out.push("blackhole".into());
    out
}

/// Replaces, appends or removes one element of a part list.
fn upsert<T>(
    list: &mut Vec<T>,
    selected: &str,
    name_of: impl Fn(&T) -> String,
    item: T,
    remove: bool,
    what: &str,
) -> Result<(), String> {
    let new_name = name_of(&item);
    let at = list.iter().position(|x| name_of(x) == selected);
    if list
        .iter()
        .enumerate()
        .any(|(i, x)| name_of(x) == new_name && Some(i) != at)
    {
        return Err(format!("{what} {new_name} already exists here; pick another"));
    }
    match (at, remove) {
        (Some(i), true) => {
            list.remove(i);
        }
        (Some(i), false) => list[i] = item,
        (None, _) => list.push(item),
    }
    Ok(())
}

fn tgw_mut(v: &Vals, d: &Design) -> Result<TransitGateway, String> {
    tgw(d, v)
        .cloned()
        .ok_or("choose a transit gateway first (create one if the list is empty)".into())
}

static TGW_ROUTE_TABLE: FormDef = FormDef {
    noun: "transit gateway route table",
    fields: &[
        pick("transit gateway", tgws),
        pick("route table", tgw_table_selector),
        NAME,
        EXISTING.unless("route table", &[NEW]),
    ],
    read: |d, _, v| {
        let table = v.get("route table");
        let existing = tgw(d, v).and_then(|t| t.route_table(table));
        v.clone()
            .with(
                "name",
                existing
                    .map(|t| t.name.clone())
                    .unwrap_or_else(|| fresh_part(tgw_tables(d, v), "tgw-rt")),
            )
            .with("keep or remove", "keep")
    },
    build: |v, d, _| {
        let mut t = tgw_mut(v, d)?;
        let selected = v.get("route table").to_string();
        let new_name = v.get("name").to_string();
        let old = t.route_table(&selected).cloned();
        let remove = v.get("keep or remove") == "remove";
        let item = TgwRouteTable {
            name: new_name.clone(),
            routes: old.map(|o| o.routes).unwrap_or_default(),
        };
        upsert(
            &mut t.route_tables,
            &selected,
            |x| x.name.clone(),
            item,
            remove,
            "route table",
        )?;
        // Renaming a table renames its uses inside the transit gateway.
        if selected != NEW && selected != new_name && !remove {
            let rename = |s: &mut String| {
                if *s == selected {
                    *s = new_name.clone()
                }
            };
            t.default_route_table.iter_mut().for_each(rename);
            for a in &mut t.attachments {
                a.association.iter_mut().for_each(rename);
                a.propagations.iter_mut().for_each(rename);
            }
        }
        Ok(Object::TransitGateway(t))
    },
    reload_on: &["transit gateway", "route table"],
};

fn fresh_part(taken: Vec<String>, base: &str) -> String {
    (1..)
        .map(|i| format!("{base}-{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| base.to_string())
}

static TGW_ATTACHMENT: FormDef = FormDef {
    noun: "transit gateway attachment",
    fields: &[
        pick("transit gateway", tgws),
        pick("attachment", tgw_attachment_selector),
        NAME,
        pick("type", tgw_attachment_types),
        pick("VPC", vpcs)
            .when("type", &["vpc"])
            .codes(&["tgw-duplicate-vpc-attachment", "tgw-overlapping-vpcs"]),
        per_az("subnets", vpc_subnets).when("type", &["vpc"]).codes(&[
            "tgw-attachment-no-subnet",
            "tgw-attachment-subnet-other-vpc",
            "tgw-attachment-subnets-same-az",
            "tgw-az-coverage",
        ]),
        pick("VPN connection", tgw_vpns).when("type", &["vpn"]),
        pick("DX gateway", tgw_dxgws).when("type", &["dx-gateway"]),
        pick("peer TGW", other_tgws).when("type", &["peering"]),
        pick("association", tgw_tables_or_none).codes(&["tgw-route-table-other-tgw"]),
        multi("propagations", tgw_tables),
        pick("appliance mode", yes_no),
        EXISTING.unless("attachment", &[NEW]),
    ],
    read: |d, _, v| {
        let t = tgw(d, v);
        let a = t.and_then(|t| t.attachment(v.get("attachment")));
        let mut out = v.clone().with("keep or remove", "keep");
        let Some(a) = a else {
            // A new attachment is associated with and propagates to the
            // default route table when the TGW has those defaults on (TGW docs).
            let default = t.and_then(|t| t.default_route_table.clone());
            let assoc = t.filter(|t| t.default_association).and(default.clone());
            let prop = t.filter(|t| t.default_propagation).and(default);
            return out
                .with("name", fresh_part(tgw_attachments(d, v), "tgw-att"))
                .with("type", "vpc")
                .with("association", assoc.unwrap_or(NONE.into()))
                .with_list("propagations", prop.into_iter().collect::<Vec<_>>())
                .with("appliance mode", "no");
        };
        out = match &a.kind {
            TgwAttachmentKind::Vpc { vpc, subnets } => out
                .with("type", "vpc")
                .with("VPC", vpc.clone())
                .with_list("subnets", subnets.clone()),
            TgwAttachmentKind::Vpn { connection } => out.with("type", "vpn").with("VPN connection", connection.clone()),
            TgwAttachmentKind::DxGateway { dx_gateway } => {
                out.with("type", "dx-gateway").with("DX gateway", dx_gateway.clone())
            }
            TgwAttachmentKind::Peering { transit_gateway } => {
                out.with("type", "peering").with("peer TGW", transit_gateway.clone())
            }
        };
        out.with("name", a.name.clone())
            .with("association", a.association.clone().unwrap_or(NONE.into()))
            .with_list("propagations", a.propagations.clone())
            .with("appliance mode", yn(a.appliance_mode))
    },
    build: |v, d, _| {
        let mut t = tgw_mut(v, d)?;
        let kind = match v.get("type") {
            "vpn" => TgwAttachmentKind::Vpn {
                connection: need(v, "VPN connection")?,
            },
            "dx-gateway" => TgwAttachmentKind::DxGateway {
                dx_gateway: need(v, "DX gateway")?,
            },
            "peering" => TgwAttachmentKind::Peering {
                transit_gateway: need(v, "peer TGW")?,
            },
            _ => TgwAttachmentKind::Vpc {
                vpc: need(v, "VPC")?,
                subnets: v.list("subnets"),
            },
        };
        let item = TgwAttachment {
            name: v.get("name").to_string(),
            kind,
            association: opt(v, "association", NONE),
            propagations: v.list("propagations"),
            appliance_mode: yes(v, "appliance mode"),
        };
        let remove = v.get("keep or remove") == "remove";
        upsert(
            &mut t.attachments,
            v.get("attachment"),
            |x| x.name.clone(),
            item,
            remove,
            "attachment",
        )?;
        Ok(Object::TransitGateway(t))
    },
    reload_on: &["transit gateway", "attachment"],
};

static TGW_ROUTE: FormDef = FormDef {
    noun: "transit gateway route",
    fields: &[
        pick("transit gateway", tgws),
        pick("route table", tgw_tables),
        pick("route", tgw_routes),
        text("CIDR", Check::Cidr).codes(&["tgw-duplicate-static-route"]),
        pick("target", tgw_route_targets).codes(&["tgw-route-target-other-tgw"]),
        EXISTING.unless("route", &[NEW]),
    ],
    read: |d, _, v| {
        let route = tgw(d, v)
            .and_then(|t| t.route_table(v.get("route table")))
            .and_then(|t| t.routes.iter().find(|r| r.cidr.to_string() == v.get("route")));
        let out = v.clone().with("keep or remove", "keep");
        match route {
            Some(r) => out.with("CIDR", r.cidr.to_string()).with(
                "target",
                match &r.target {
                    TgwRouteTarget::Attachment(a) => a.clone(),
                    TgwRouteTarget::Blackhole => "blackhole".into(),
                },
            ),
            None => out.with("CIDR", ""),
        }
    },
    build: |v, d, _| {
        let mut t = tgw_mut(v, d)?;
        let table_name = need(v, "route table")?;
        let Some(table) = t.route_tables.iter_mut().find(|r| r.name == table_name) else {
            return Err(format!("route table {table_name} is not in this transit gateway"));
        };
        let cidr: IpNet = parse::<IpNet>(v, "CIDR")?.trunc();
        let target = match need(v, "target")?.as_str() {
            "blackhole" => TgwRouteTarget::Blackhole,
            a => TgwRouteTarget::Attachment(a.to_string()),
        };
        let remove = v.get("keep or remove") == "remove";
        upsert(
            &mut table.routes,
            v.get("route"),
            |r| r.cidr.to_string(),
            TgwRoute { cidr, target },
            remove,
            "a route to",
        )
        .map_err(|e| format!("{e} (AWS: RouteAlreadyExists)"))?;
        Ok(Object::TransitGateway(t))
    },
    reload_on: &["transit gateway", "route table", "route"],
};

fn dx<'a>(d: &'a Design, v: &Vals) -> Option<&'a DxConnection> {
    let n = v.get("connection");
    d.dx_connections.iter().find(|c| c.name == n)
}
fn dx_connections(d: &Design, _: &Vals) -> Vec<String> {
    names(&d.dx_connections, |_| true)
}
fn dx_vif_selector(d: &Design, v: &Vals) -> Vec<String> {
    with_first(
        NEW,
        dx(d, v)
            .map(|c| c.virtual_interfaces.iter().map(|i| i.name.clone()).collect::<Vec<_>>())
            .unwrap_or_default(),
    )
}
fn vif_kinds(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["private", "transit", "public"])
}
/// A private VIF lands on a DX gateway or directly on a VGW; a transit VIF on a DX gateway.
fn vif_landings(d: &Design, v: &Vals) -> Vec<String> {
    let gws = d.dx_gateways.iter().map(|g| format!("dxgw:{}", g.name));
    if v.get("type") == "transit" {
        gws.collect()
    } else {
        gws.chain(d.vpn_gateways.iter().map(|g| format!("vgw:{}", g.name)))
            .collect()
    }
}

static DX_VIF: FormDef = FormDef {
    noun: "Direct Connect virtual interface",
    fields: &[
        pick("connection", dx_connections),
        pick("interface", dx_vif_selector),
        NAME,
        pick("type", vif_kinds),
        text("VLAN", Check::Vlan).codes(&["dx-vif-duplicate-vlan"]),
        pick("lands on", vif_landings)
            .when("type", &["private", "transit"])
            .codes(&["dx-vif-target-invalid"]),
        EXISTING.unless("interface", &[NEW]),
    ],
    read: |d, _, v| {
        let c = dx(d, v);
        let vif = c.and_then(|c| c.virtual_interfaces.iter().find(|i| i.name == v.get("interface")));
        let out = v.clone().with("keep or remove", "keep");
        let Some(i) = vif else {
            let taken = c
                .map(|c| c.virtual_interfaces.iter().map(|i| i.name.clone()).collect())
                .unwrap_or_default();
            let vlan = c
                .and_then(|c| c.virtual_interfaces.iter().map(|i| i.vlan).max())
                .map_or(101, |m| m.saturating_add(1).min(4094));
            return out
                .with("name", fresh_part(taken, "vif"))
                .with("type", "private")
                .with("VLAN", vlan.to_string());
        };
        let landing = match (&i.dx_gateway, &i.vpn_gateway) {
            (Some(g), _) => format!("dxgw:{g}"),
            (None, Some(g)) => format!("vgw:{g}"),
            _ => String::new(),
        };
        out.with("name", i.name.clone())
            .with(
                "type",
                match i.kind {
                    VifKind::Private => "private",
                    VifKind::Transit => "transit",
                    VifKind::Public => "public",
                },
            )
            .with("VLAN", i.vlan.to_string())
            .with("lands on", landing)
    },
    build: |v, d, _| {
        let mut c = dx(d, v)
            .cloned()
            .ok_or("choose a Direct Connect connection first (create one if the list is empty)")?;
        let kind = match v.get("type") {
            "transit" => VifKind::Transit,
            "public" => VifKind::Public,
            _ => VifKind::Private,
        };
        let landing = if kind == VifKind::Public {
            String::new()
        } else {
            need(v, "lands on")?
        };
        let item = VirtualInterface {
            name: v.get("name").to_string(),
            kind,
            vlan: parse(v, "VLAN")?,
            dx_gateway: landing.strip_prefix("dxgw:").map(String::from),
            vpn_gateway: landing.strip_prefix("vgw:").map(String::from),
        };
        let remove = v.get("keep or remove") == "remove";
        upsert(
            &mut c.virtual_interfaces,
            v.get("interface"),
            |x| x.name.clone(),
            item,
            remove,
            "virtual interface",
        )?;
        Ok(Object::DxConnection(c))
    },
    reload_on: &["connection", "interface"],
};
