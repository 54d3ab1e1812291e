//! The field forms of every object kind, as data: one [`FormDef`] per kind
//! (and per part of an object — transit-gateway route tables, attachments
//! and routes, Direct Connect virtual interfaces). A definition lists its
//! fields ([`Spec`]: text with a syntax check, picker or multi-select whose
//! options come from the design and the values chosen so far), how to read
//! an object into values, and how to build the object back. The definitions
//! of objects are in `vpc.rs` and `connect.rs`, those of parts in
//! `parts.rs`; [`super::build`] turns values into edits, and the terminal
//! UI's form machinery does the rest (typing, drawing, live checks against
//! a scratch workspace).

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};

use super::{Check, Vals};
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
pub const NONE_EDGE: &str = "(no edge association)";
pub const NEW_EIP: &str = "(allocate a new Elastic IP)";
/// A regional NAT gateway is in no subnet.
pub const NONE_REGIONAL: &str = "(none: regional)";
pub const NONE: &str = "(none)";
/// The multi-select of the subnets a route table or NACL form associates.
pub const SUBNETS: &str = "associated subnets";
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
    VirtualInterface,
    LoadBalancer,
    Endpoint
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
fn endpoint_ip_address_types(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["ipv4", "dualstack"])
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
/// "(default NACL)" first, then the VPC's other NACLs. The default NACL is
/// not listed again under its own name: a subnet is associated with it
/// unless associated with another (VPC User Guide, "Control subnet traffic
/// with network access control lists"), so the two would mean the same. It
/// stays listed only for a subnet already associated with it by name.
fn vpc_acls_or_default(d: &Design, v: &Vals) -> Vec<String> {
    let vpc = v.get("VPC");
    let chosen = v.get("network ACL");
    let default = d
        .vpcs
        .iter()
        .find(|x| x.name == vpc)
        .map(|x| x.default_network_acl.as_str());
    with_first(
        NONE_DEFAULT,
        d.network_acls
            .iter()
            .filter(|a| a.vpc == vpc && (Some(a.name.as_str()) != default || a.name == chosen))
            .map(|a| a.name.clone()),
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
fn nat_availability(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["zonal", "regional"])
}
/// The subnets, then "none" for a regional NAT gateway (last, so that a new
/// NAT gateway starts in a subnet, zonal being the default).
fn subnets_or_regional(d: &Design, v: &Vals) -> Vec<String> {
    let mut out = all_subnets(d, v);
    out.push(NONE_REGIONAL.into());
    out
}

fn tenancies(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["default", "dedicated"])
}
fn lb_types(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["application", "network", "gateway"])
}
/// Route tables of the internet gateway's VPC for an edge association (VPC User
/// Guide, "Gateway route tables"), or none.
fn igw_edge_tables(d: &Design, v: &Vals) -> Vec<String> {
    let vpc = v.get("attached to");
    with_first(NONE_EDGE, names(&d.route_tables, |t| t.vpc == vpc))
}
fn lb_schemes(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["internet-facing", "internal"])
}
fn peering_statuses(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["active", "pending-acceptance", "rejected", "failed", "deleted"])
}
fn endpoint_types(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["gateway", "interface", "gateway-load-balancer"])
}
/// Gateway endpoints exist only for S3 and DynamoDB (VPCE-1); every service has an
/// interface endpoint, and so has each of the design's NLB-backed endpoint services;
/// a Gateway Load Balancer endpoint connects to a GWLB-backed endpoint service.
fn endpoint_services(d: &Design, v: &Vals) -> Vec<String> {
    let backed_by = |kind: LoadBalancerKind| {
        d.endpoint_services
            .iter()
            .filter(|s| {
                d.load_balancers
                    .iter()
                    .any(|l| l.name == s.load_balancer && l.kind == kind)
            })
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
    };
    match v.get("type") {
        "gateway" => strs(&["s3", "dynamodb"]),
        "gateway-load-balancer" => backed_by(LoadBalancerKind::Gateway),
        _ => {
            let mut out = backed_by(LoadBalancerKind::Network);
            out.extend(strs(AWS_SERVICES));
            out
        }
    }
}
/// Load balancers an endpoint service can front: Network and Gateway Load Balancers.
fn service_load_balancers(d: &Design, _: &Vals) -> Vec<String> {
    names(&d.load_balancers, |l| l.kind != LoadBalancerKind::Application)
}
/// The consumer endpoints of the endpoint service being edited.
/// The endpoints connected to the service: those naming it as it is typed, and
/// those naming it as it was when the form opened, so renaming the service in
/// its form keeps the connections it has accepted.
fn service_consumers(d: &Design, v: &Vals) -> Vec<String> {
    let svc = v.get("name");
    let original = v.get(ORIGINAL);
    names(&d.endpoints, |e| {
        e.service == svc || (!original.is_empty() && e.service == original)
    })
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
        // A software VPN appliance (transit VPC): an instance with an Elastic IP.
        .chain(
            d.instances
                .iter()
                .filter(|i| i.elastic_ip.is_some())
                .map(|i| format!("instance:{}", i.name)),
        )
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
/// An optional value: empty gives `None`.
fn parse_opt<T: std::str::FromStr>(v: &Vals, label: &str) -> Result<Option<T>, String> {
    match v.get(label) {
        "" => Ok(None),
        _ => parse(v, label).map(Some),
    }
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
        ObjectKind::EndpointService => "vpce-svc",
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
        ObjectKind::EndpointService => &ENDPOINT_SERVICE,
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

mod connect;
mod endpoint_service;
mod parts;
mod vpc;

use connect::*;
pub use connect::{endpoint_addresses_text, firewall_rule_text, parse_endpoint_addresses, parse_firewall_rules};
use endpoint_service::*;
pub use parts::Part;
use vpc::*;
pub use vpc::{listener_text, parse_listeners};

#[cfg(test)]
mod picker_tests {
    use super::*;

    #[test]
    fn the_nacl_picker_lists_the_default_nacl_once() {
        let d = crate::create::templates::sample::three_tier();
        let vpc = &d.vpcs[0];
        let v = Vals::default().with("VPC", vpc.name.clone());
        let options = vpc_acls_or_default(&d, &v);
        assert_eq!(options[0], NONE_DEFAULT);
        assert!(!options.contains(&vpc.default_network_acl), "{options:?}");
        let others = d.network_acls.iter().filter(|a| a.vpc == vpc.name).count() - 1;
        assert_eq!(options.len(), 1 + others, "{options:?}");
        // A subnet associated with it by name keeps that choice visible.
        let v = v.with("network ACL", vpc.default_network_acl.clone());
        assert!(vpc_acls_or_default(&d, &v).contains(&vpc.default_network_acl));
    }
}
