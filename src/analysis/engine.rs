//! The packet walker: a precompiled design snapshot ([`Analyzer`]) and the
//! hop-by-hop evaluation of one packet, forward and back.

use std::borrow::Cow;
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::endpoint::{is_public, service_address, Endpoint};
use super::fast::{fx_map, FxMap, Lpm};
use super::filters::{CNacl, CSg, NaclVerdict};
use super::flowlog::{self, FlowEvent};
use super::{Blocked, Code, Failure, Hop, HopKind, Leg, Packet, Query, QueryError, Trace};
use crate::model::index::{DesignIndex, EniOwner};
use crate::model::{
    Design, Direction, FirewallAction, InstanceRole, LoadBalancerScheme, Object, ObjectKind, ObjectRef, OsFamily,
    PeeringStatus, PortRange, Protocol, RouteDestination, RouteOrigin, RouteState, RouteTarget, TgwAttachment,
    TgwAttachmentKind, TgwRouteTarget, VifKind, VpnRouting, VpnTermination,
};

/// Guard against routing loops (AWS Route Analyzer stops at 64 hops too).
const MAX_STEPS: u32 = 64;

#[derive(Debug, Clone, PartialEq)]
struct CVpc {
    name: String,
    cidrs: Vec<IpNet>,
    subnets: Vec<usize>,
    igw: Option<String>,
    eigw: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct CSubnet {
    name: String,
    vpc: usize,
    az: String,
    cidrs: Vec<IpNet>,
    rt: Option<usize>,
    nacl: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
struct CRoute {
    net: IpNet,
    /// Lower wins among equal prefixes: CIDR static/local 0, prefix list 1, propagated 2.
    prio: u8,
    target: RouteTarget,
    origin: RouteOrigin,
    blackhole: Option<String>,
    dest_text: String,
}

#[derive(Debug, Clone, PartialEq)]
struct CRouteTable {
    name: String,
    routes: Vec<CRoute>,
}

impl CRouteTable {
    /// Longest-prefix match, then priority (VPC User Guide, route priority).
    fn lookup(&self, ip: IpAddr) -> Option<&CRoute> {
        self.routes.iter().find(|r| r.net.contains(&ip))
    }
}

/// Which components are down in a what-if.
#[derive(Debug, Clone, Default)]
pub(crate) struct Down {
    pub azs: Vec<String>,
    pub instances: Vec<String>,
}

/// A design with what-if failures applied: removed components are gone from
/// `design`; instances and AZs that are down are remembered separately.
pub struct FailedDesign {
    pub design: Design,
    pub(crate) down: Down,
}

/// The precompiled tables of one design snapshot: route tables as sorted LPM
/// tables, NACLs sorted by rule number, SGs with prefix lists expanded,
/// address maps. Owned, so a workspace can keep it per revision and patch it
/// after an edit ([`Compiled::patch`]) instead of recompiling everything.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    vpcs: Vec<CVpc>,
    vpc_by_name: FxMap<String, usize>,
    subnets: Vec<CSubnet>,
    subnet_by_name: FxMap<String, usize>,
    rts: Vec<CRouteTable>,
    nacls: Vec<CNacl>,
    sgs: Vec<CSg>,
    sg_by_name: FxMap<String, usize>,
    eni_subnet: Vec<Option<usize>>,
    eni_by_ip: FxMap<IpAddr, Vec<usize>>,
    eni_by_public: FxMap<Ipv4Addr, usize>,
    eni_sgs: Vec<Vec<usize>>,
    eni_by_owner: FxMap<EniOwner, usize>,
    /// `connected[a * n + b]`: VPCs a and b are peered (any state) or share a TGW.
    connected: Vec<bool>,
    /// TGW route table name → routes sorted by prefix length (desc), then priority.
    tgw_tables: FxMap<String, Lpm<TgwRoute>>,
    vpc_lpm: Lpm<usize>,
    names: FxMap<ObjectKind, FxMap<String, usize>>,
    /// Per TGW: attachment by name, and the VPC attachment of each VPC.
    tgw_att_by_name: FxMap<String, FxMap<String, usize>>,
    tgw_att_by_vpc: FxMap<String, FxMap<usize, usize>>,
}

impl Compiled {
    /// Compiles a design snapshot (what [`Analyzer::new`] does).
    pub fn new(d: &Design, idx: &DesignIndex) -> Compiled {
        Analyzer::new(d, idx).tables.into_owned()
    }

    /// Brings the tables up to date after `old` was replaced in place by
    /// `new` (same kind, name and position; `d` and `idx` are the design
    /// after the edit) when only that object's own compiled form can change:
    /// a security group, a network ACL or a route table. Returns `false`
    /// (tables unchanged) for any other edit: the caller recompiles.
    pub fn patch(&mut self, d: &Design, idx: &DesignIndex, old: &Object, new: &Object) -> bool {
        if old.kind() != new.kind() || old.name() != new.name() {
            return false;
        }
        let name = new.name();
        match new {
            Object::SecurityGroup(_) => {
                let Some(pos) = d.security_groups.iter().position(|g| g.name == name) else {
                    return false;
                };
                if self.sgs.len() != d.security_groups.len() {
                    return false;
                }
                self.sgs[pos] = CSg::compile(d, &d.security_groups[pos]);
                true
            }
            Object::NetworkAcl(_) => {
                let Some(pos) = d.network_acls.iter().position(|a| a.name == name) else {
                    return false;
                };
                if self.nacls.len() != d.network_acls.len() {
                    return false;
                }
                self.nacls[pos] = CNacl::compile(&d.network_acls[pos]);
                true
            }
            Object::RouteTable(_) => {
                let Some(pos) = d.route_tables.iter().position(|r| r.name == name) else {
                    return false;
                };
                if self.rts.len() != d.route_tables.len() {
                    return false;
                }
                self.rts[pos] = compile_route_table(d, idx, &d.route_tables[pos]);
                true
            }
            _ => false,
        }
    }
}

/// A route table's effective routes, longest prefix first, then priority.
fn compile_route_table(d: &Design, idx: &DesignIndex, rt: &crate::model::RouteTable) -> CRouteTable {
    let mut routes = Vec::new();
    for r in idx.effective_routes(d, rt) {
        let (nets, prio) = match &r.dest {
            RouteDestination::Cidr(c) => (vec![*c], if r.origin == RouteOrigin::Propagated { 2 } else { 0 }),
            RouteDestination::PrefixList(p) => (crate::model::index::prefix_list_cidrs(d, p), 1),
        };
        for net in nets {
            routes.push(CRoute {
                net: net.trunc(),
                prio,
                target: r.target.clone(),
                origin: r.origin,
                blackhole: if r.state == RouteState::Blackhole {
                    Some(r.blackhole_reason.clone().unwrap_or_else(|| "blackhole".into()))
                } else {
                    None
                },
                dest_text: r.dest.to_string(),
            });
        }
    }
    routes.sort_by(|a, b| b.net.prefix_len().cmp(&a.net.prefix_len()).then(a.prio.cmp(&b.prio)));
    CRouteTable {
        name: rt.name.clone(),
        routes,
    }
}

/// A design snapshot ready for queries: the design, its index and its
/// compiled tables (built here, or borrowed from a workspace's cache with
/// [`Analyzer::with_compiled`]). Every query reuses them.
pub struct Analyzer<'a> {
    d: &'a Design,
    idx: &'a DesignIndex,
    tables: Cow<'a, Compiled>,
    down_azs: HashSet<String>,
    down_instances: HashSet<String>,
}

impl std::ops::Deref for Analyzer<'_> {
    type Target = Compiled;
    fn deref(&self) -> &Compiled {
        &self.tables
    }
}

impl<'a> Analyzer<'a> {
    /// An analyzer over tables compiled earlier for exactly this design and
    /// index (e.g. kept by the workspace per revision).
    pub fn with_compiled(d: &'a Design, idx: &'a DesignIndex, tables: &'a Compiled) -> Analyzer<'a> {
        Analyzer {
            d,
            idx,
            tables: Cow::Borrowed(tables),
            down_azs: HashSet::new(),
            down_instances: HashSet::new(),
        }
    }

    pub fn new(d: &'a Design, idx: &'a DesignIndex) -> Analyzer<'a> {
        let mut vpcs = Vec::with_capacity(d.vpcs.len());
        let mut vpc_by_name = fx_map();
        for (i, v) in d.vpcs.iter().enumerate() {
            let mut cidrs: Vec<IpNet> = v.ipv4_cidrs().map(IpNet::V4).collect();
            if let Some(c6) = v.ipv6_cidr {
                cidrs.push(IpNet::V6(c6));
            }
            vpc_by_name.insert(v.name.clone(), i);
            vpcs.push(CVpc {
                name: v.name.clone(),
                cidrs,
                subnets: Vec::new(),
                igw: d
                    .internet_gateways
                    .iter()
                    .find(|g| g.vpc.as_deref() == Some(v.name.as_str()))
                    .map(|g| g.name.clone()),
                eigw: d
                    .egress_only_gateways
                    .iter()
                    .find(|g| g.vpc == v.name)
                    .map(|g| g.name.clone()),
            });
        }
        let mut rts = Vec::with_capacity(d.route_tables.len());
        let mut rt_by_name = fx_map();
        for (i, rt) in d.route_tables.iter().enumerate() {
            rt_by_name.insert(rt.name.clone(), i);
            rts.push(compile_route_table(d, idx, rt));
        }
        let mut nacl_by_name = fx_map();
        let nacls: Vec<CNacl> = d
            .network_acls
            .iter()
            .enumerate()
            .map(|(i, a)| {
                nacl_by_name.insert(a.name.clone(), i);
                CNacl::compile(a)
            })
            .collect();
        let mut sg_by_name = fx_map();
        let sgs: Vec<CSg> = d
            .security_groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                sg_by_name.insert(g.name.clone(), i);
                CSg::compile(d, g)
            })
            .collect();
        let mut subnets = Vec::with_capacity(d.subnets.len());
        let mut subnet_by_name = fx_map();
        for (i, s) in d.subnets.iter().enumerate() {
            let Some(&v) = vpc_by_name.get(&s.vpc) else {
                continue;
            };
            let mut cidrs = vec![IpNet::V4(s.cidr)];
            if let Some(c6) = s.ipv6_cidr {
                cidrs.push(IpNet::V6(c6));
            }
            let rt = match &s.route_table {
                Some(n) => rt_by_name.get(n).copied(),
                None => rt_by_name.get(&d.vpcs[v].main_route_table).copied(),
            };
            let nacl = match &s.network_acl {
                Some(n) => nacl_by_name.get(n).copied(),
                None => nacl_by_name.get(&d.vpcs[v].default_network_acl).copied(),
            };
            let ci = subnets.len();
            let _ = i;
            subnet_by_name.insert(s.name.clone(), ci);
            vpcs[v].subnets.push(ci);
            subnets.push(CSubnet {
                name: s.name.clone(),
                vpc: v,
                az: s.az.clone(),
                cidrs,
                rt,
                nacl,
            });
        }
        let mut eni_subnet = Vec::with_capacity(idx.enis.len());
        let mut eni_by_ip: FxMap<IpAddr, Vec<usize>> = fx_map();
        let mut eni_by_public = fx_map();
        let mut eni_sgs = Vec::with_capacity(idx.enis.len());
        let mut eni_by_owner = fx_map();
        for (i, e) in idx.enis.iter().enumerate() {
            eni_by_owner.insert(e.owner.clone(), i);
            eni_subnet.push(subnet_by_name.get(&e.subnet).copied());
            if !e.private_ip.is_unspecified() {
                eni_by_ip.entry(IpAddr::V4(e.private_ip)).or_default().push(i);
            }
            if let Some(v6) = e.ipv6 {
                eni_by_ip.entry(IpAddr::V6(v6)).or_default().push(i);
            }
            if let Some(p) = e.public_ip {
                eni_by_public.entry(p).or_insert(i);
            }
            eni_sgs.push(
                e.security_groups
                    .iter()
                    .filter_map(|g| sg_by_name.get(g).copied())
                    .collect(),
            );
        }
        let n = vpcs.len();
        let mut connected = vec![false; n * n];
        let mut link = |a: &str, b: &str| {
            if let (Some(&x), Some(&y)) = (vpc_by_name.get(a), vpc_by_name.get(b)) {
                connected[x * n + y] = true;
                connected[y * n + x] = true;
            }
        };
        for p in &d.peerings {
            link(&p.requester, &p.accepter);
        }
        for t in &d.transit_gateways {
            let vs: Vec<&str> = t
                .attachments
                .iter()
                .filter_map(|a| match &a.kind {
                    TgwAttachmentKind::Vpc { vpc, .. } => Some(vpc.as_str()),
                    _ => None,
                })
                .collect();
            for a in &vs {
                for b in &vs {
                    link(a, b);
                }
            }
        }
        Analyzer {
            d,
            idx,
            tables: Cow::Owned(Compiled {
                vpcs,
                vpc_by_name,
                subnets,
                subnet_by_name,
                rts,
                nacls,
                sgs,
                sg_by_name,
                eni_subnet,
                eni_by_ip,
                eni_by_public,
                eni_sgs,
                eni_by_owner,
                connected,
                tgw_tables: fx_map(),
                vpc_lpm: Lpm::default(),
                names: fx_map(),
                tgw_att_by_name: fx_map(),
                tgw_att_by_vpc: fx_map(),
            }),
            down_azs: HashSet::new(),
            down_instances: HashSet::new(),
        }
        .compile_tgw_tables()
    }

    fn compile_tgw_tables(mut self) -> Self {
        let d = self.d;
        let mut tables = fx_map();
        for t in &d.transit_gateways {
            for rt in &t.route_tables {
                let mut routes = tgw_routes(&self, t, &rt.name);
                routes.sort_by_key(|r| r.prio);
                let mut lpm = Lpm::default();
                for r in routes {
                    lpm.insert(r.cidr, r);
                }
                tables.insert(rt.name.clone(), lpm);
            }
            for (i, a) in t.attachments.iter().enumerate() {
                self.tables
                    .to_mut()
                    .tgw_att_by_name
                    .entry(t.name.clone())
                    .or_default()
                    .insert(a.name.clone(), i);
                if let TgwAttachmentKind::Vpc { vpc, .. } = &a.kind {
                    if let Some(&v) = self.vpc_by_name.get(vpc) {
                        self.tables
                            .to_mut()
                            .tgw_att_by_vpc
                            .entry(t.name.clone())
                            .or_default()
                            .entry(v)
                            .or_insert(i);
                    }
                }
            }
        }
        self.tables.to_mut().tgw_tables = tables;
        let mut vpc_lpm = Lpm::default();
        for (i, v) in self.vpcs.iter().enumerate() {
            for c in &v.cidrs {
                vpc_lpm.insert(*c, i);
            }
        }
        self.tables.to_mut().vpc_lpm = vpc_lpm;
        let mut names: FxMap<ObjectKind, FxMap<String, usize>> = fx_map();
        macro_rules! names {
            ($($field:ident => $kind:ident),*) => {$(
                for (i, o) in d.$field.iter().enumerate() {
                    names.entry(ObjectKind::$kind).or_default().entry(o.name.clone()).or_insert(i);
                }
            )*};
        }
        names!(peerings => Peering, transit_gateways => TransitGateway, endpoints => Endpoint,
               firewalls => Firewall, vpn_gateways => VpnGateway, instances => Instance,
               load_balancers => LoadBalancer);
        self.tables.to_mut().names = names;
        self
    }

    fn pos(&self, kind: ObjectKind, name: &str) -> Option<usize> {
        self.names.get(&kind)?.get(name).copied()
    }
    fn peering(&self, n: &str) -> Option<&'a crate::model::Peering> {
        self.pos(ObjectKind::Peering, n).map(|i| &self.d.peerings[i])
    }
    fn tgw(&self, n: &str) -> Option<&'a crate::model::TransitGateway> {
        self.pos(ObjectKind::TransitGateway, n)
            .map(|i| &self.d.transit_gateways[i])
    }
    fn tgw_attachment(
        &self,
        tgw: &'a crate::model::TransitGateway,
        att: &str,
    ) -> Option<&'a crate::model::TgwAttachment> {
        self.tgw_att_by_name
            .get(&tgw.name)?
            .get(att)
            .map(|&i| &tgw.attachments[i])
    }
    fn tgw_vpc_attachment(
        &self,
        tgw: &'a crate::model::TransitGateway,
        v: usize,
    ) -> Option<&'a crate::model::TgwAttachment> {
        self.tgw_att_by_vpc
            .get(&tgw.name)?
            .get(&v)
            .map(|&i| &tgw.attachments[i])
    }

    /// Marks the instances and AZs a what-if took down (use with an analyzer
    /// built on `failed.design`).
    pub fn with_failures(mut self, failed: &FailedDesign) -> Self {
        self.down_azs = failed.down.azs.iter().cloned().collect();
        self.down_instances = failed.down.instances.iter().cloned().collect();
        self
    }

    /// Whether a what-if took instances or AZs down.
    pub(crate) fn has_failures(&self) -> bool {
        !self.down_azs.is_empty() || !self.down_instances.is_empty()
    }

    pub fn design(&self) -> &'a Design {
        self.d
    }

    pub fn index(&self) -> &'a DesignIndex {
        self.idx
    }

    /// Parses an endpoint string against this snapshot.
    pub fn endpoint(&self, s: &str) -> Result<Endpoint, QueryError> {
        Endpoint::parse(self.d, self.idx, s)
    }

    /// Full trace with hops, return path, flow-log records and notes.
    pub fn trace(&self, q: &Query) -> Result<Trace, QueryError> {
        let from = self.endpoint(&q.from)?;
        let to = self.endpoint(&q.to)?;
        self.trace_endpoints(q, &from, &to)
    }

    /// Full trace between already parsed endpoints (`q.from`/`q.to` are only echoed).
    pub fn trace_endpoints(&self, q: &Query, from: &Endpoint, to: &Endpoint) -> Result<Trace, QueryError> {
        let mut w = Walk::new(self, true);
        let out = w.run(from, to, q)?;
        let mut flow_logs = Vec::new();
        if !w.events.is_empty() {
            flow_logs = flowlog::records(self.d, self.idx, &w.events);
        }
        Ok(Trace {
            from: q.from.clone(),
            to: q.to.clone(),
            proto: q.proto,
            port: q.port,
            sport: out.sport,
            reachable: out.blocked.is_none(),
            forward: std::mem::take(&mut w.fwd_hops),
            return_path: std::mem::take(&mut w.hops),
            blocked: out.blocked,
            flow_logs,
            notes: std::mem::take(&mut w.notes),
        })
    }

    /// Verdict only (no hops, notes or flow logs): the fast path for matrices
    /// and scope queries.
    pub fn reachable(&self, from: &Endpoint, to: &Endpoint, proto: Protocol, port: Option<u16>) -> bool {
        let q = Query {
            from: String::new(),
            to: String::new(),
            proto,
            port,
            sport: None,
        };
        let mut w = Walk::new(self, false);
        matches!(w.run(from, to, &q), Ok(RunOut { blocked: None, .. }))
    }

    /// Verdict and blocking reason without hops.
    pub fn verdict(&self, from: &Endpoint, to: &Endpoint, proto: Protocol, port: Option<u16>) -> Option<Blocked> {
        let q = Query {
            from: String::new(),
            to: String::new(),
            proto,
            port,
            sport: None,
        };
        let mut w = Walk::new(self, false);
        match w.run(from, to, &q) {
            Ok(o) => o.blocked,
            Err(e) => Some(Blocked {
                component: String::new(),
                kind: HopKind::Internet,
                object: None,
                direction: None,
                leg: Leg::Forward,
                code: Code::Unsupported,
                message: e.to_string(),
                hint: String::new(),
            }),
        }
    }

    fn eni_vpc(&self, e: usize) -> Option<usize> {
        self.eni_subnet.get(e).copied().flatten().map(|s| self.subnets[s].vpc)
    }

    fn vpc_of_ip(&self, ip: IpAddr) -> Option<usize> {
        self.vpc_lpm.lookup(ip).and_then(|v| v.first().copied())
    }

    fn subnet_in_vpc(&self, v: usize, ip: IpAddr) -> Option<usize> {
        self.vpcs[v]
            .subnets
            .iter()
            .copied()
            .find(|&s| self.subnets[s].cidrs.iter().any(|c| c.contains(&ip)))
    }

    fn eni_at(&self, v: usize, ip: IpAddr) -> Option<usize> {
        self.eni_by_ip
            .get(&ip)?
            .iter()
            .copied()
            .find(|&e| self.eni_vpc(e) == Some(v))
    }

    fn eni_name(&self, e: usize) -> String {
        match &self.idx.enis[e].owner {
            EniOwner::Instance(n) | EniOwner::NatGateway(n) => n.clone(),
            EniOwner::SecondaryInterface(_, n) => n.clone(),
            EniOwner::LoadBalancer(n, s) | EniOwner::Endpoint(n, s) | EniOwner::Firewall(n, s) => {
                format!("{n}@{s}")
            }
            EniOwner::TgwAttachment(_, a, s) => format!("{a}@{s}"),
        }
    }

    fn eni_kind(&self, e: usize) -> HopKind {
        match &self.idx.enis[e].owner {
            EniOwner::Instance(_) => HopKind::Instance,
            EniOwner::SecondaryInterface(..) => HopKind::NetworkInterface,
            EniOwner::NatGateway(_) => HopKind::NatGateway,
            EniOwner::LoadBalancer(..) => HopKind::LoadBalancer,
            EniOwner::Endpoint(..) => HopKind::InterfaceEndpoint,
            EniOwner::Firewall(..) => HopKind::Firewall,
            EniOwner::TgwAttachment(..) => HopKind::TgwAttachment,
        }
    }

    fn eni_down(&self, e: usize) -> bool {
        if let EniOwner::Instance(n) | EniOwner::SecondaryInterface(n, _) = &self.idx.enis[e].owner {
            if self.down_instances.contains(n) {
                return true;
            }
        }
        !self.down_azs.is_empty() && self.eni_subnet[e].is_some_and(|s| self.down_azs.contains(&self.subnets[s].az))
    }

    fn eni_index(&self, owner: &EniOwner) -> Option<usize> {
        self.eni_by_owner.get(owner).copied()
    }

    /// Whether private address `ip` belongs to an ENI carrying group `g`, and
    /// `g` may be referenced from a group of `rule_vpc` (same VPC, or a
    /// same-Region active peering: VPC User Guide, security group rules).
    fn group_has(&self, g: &str, ip: IpAddr, rule_vpc: &str) -> bool {
        let Some(&gi) = self.sg_by_name.get(g) else {
            return false;
        };
        let g_vpc = &self.sgs[gi].vpc;
        if g_vpc != rule_vpc && !self.same_region_peered(g_vpc, rule_vpc) {
            return false;
        }
        self.eni_by_ip
            .get(&ip)
            .is_some_and(|es| es.iter().any(|&e| self.eni_sgs[e].contains(&gi)))
    }

    fn same_region_peered(&self, a: &str, b: &str) -> bool {
        self.d.peerings.iter().any(|p| {
            p.status == PeeringStatus::Active
                && !p.cross_region
                && ((p.requester == a && p.accepter == b) || (p.requester == b && p.accepter == a))
        })
    }

    /// Prefixes each on-prem link (VPN connection, DX connection) carries,
    /// and which AWS gateway it lands on.
    fn onprem_links(&self) -> Vec<Link> {
        let d = self.d;
        let mut out = Vec::new();
        for vpn in &d.vpn_connections {
            let prefixes: Vec<ipnet::Ipv4Net> = match &vpn.routing {
                VpnRouting::Static(r) => r.clone(),
                VpnRouting::Bgp => d
                    .onprem_networks
                    .iter()
                    .filter(|n| n.customer_gateway.as_deref() == Some(vpn.customer_gateway.as_str()))
                    .flat_map(|n| n.cidrs.iter().copied())
                    .collect(),
            };
            let lands = match &vpn.termination {
                VpnTermination::VpnGateway(v) => LinkEnd::Vgw(v.clone()),
                VpnTermination::TransitGateway(t) => LinkEnd::Tgw(t.clone()),
            };
            out.push(Link {
                name: vpn.name.clone(),
                dx: false,
                up: vpn.is_up(),
                prefixes,
                lands: vec![lands],
                networks: d
                    .onprem_networks
                    .iter()
                    .filter(|n| n.customer_gateway.as_deref() == Some(vpn.customer_gateway.as_str()))
                    .map(|n| n.name.clone())
                    .collect(),
            });
        }
        for dx in &d.dx_connections {
            let networks: Vec<String> = d
                .onprem_networks
                .iter()
                .filter(|n| n.dx_connection.as_deref() == Some(dx.name.as_str()))
                .map(|n| n.name.clone())
                .collect();
            let prefixes: Vec<ipnet::Ipv4Net> = d
                .onprem_networks
                .iter()
                .filter(|n| n.dx_connection.as_deref() == Some(dx.name.as_str()))
                .flat_map(|n| n.cidrs.iter().copied())
                .collect();
            let mut lands = Vec::new();
            for vif in &dx.virtual_interfaces {
                match vif.kind {
                    VifKind::Private => {
                        if let Some(v) = &vif.vpn_gateway {
                            lands.push(LinkEnd::Vgw(v.clone()));
                        }
                        if let Some(g) = &vif.dx_gateway {
                            if let Some(gw) = d.dx_gateways.iter().find(|x| &x.name == g) {
                                lands.extend(gw.vpn_gateways.iter().map(|v| LinkEnd::Vgw(v.clone())));
                            }
                        }
                    }
                    VifKind::Transit => {
                        if let Some(g) = &vif.dx_gateway {
                            lands.push(LinkEnd::DxgwTgw(g.clone()));
                        }
                    }
                    VifKind::Public => {}
                }
            }
            out.push(Link {
                name: dx.name.clone(),
                dx: true,
                up: dx.up,
                prefixes,
                lands,
                networks,
            });
        }
        out
    }
}

#[derive(Debug, Clone)]
struct Link {
    name: String,
    dx: bool,
    up: bool,
    prefixes: Vec<ipnet::Ipv4Net>,
    lands: Vec<LinkEnd>,
    networks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum LinkEnd {
    Vgw(String),
    Tgw(String),
    /// A transit VIF on a DX gateway, associated with a TGW.
    DxgwTgw(String),
}

/// Where a delivered packet ended up.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    Eni(usize),
    SubnetHost(usize),
    Internet,
    OnPrem(String),
    /// An AWS service, reached through a gateway endpoint (`Some((vpc, endpoint))`) or the internet.
    Service(String, Option<(usize, String)>),
}

#[derive(Debug, Clone)]
struct Arrival {
    place: Place,
    pkt: Packet,
}

/// Where a packet that consults a route table came from (edge-to-edge rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A host of this VPC (or a NAT/appliance/firewall of it forwarding).
    Local,
    /// Arrived from a transit gateway attachment.
    Tgw,
}

#[derive(Debug, Clone)]
struct Stop {
    code: Code,
    kind: HopKind,
    component: String,
    object: Option<ObjectRef>,
    direction: Option<Direction>,
    message: String,
    hint: String,
}

type Step = Result<Arrival, Box<Stop>>;

/// A failed LB target leg: forward hops, return hops, notes, the stop, the leg.
type TargetFailure = (Vec<Hop>, Vec<Hop>, Vec<String>, Box<Stop>, Leg);

/// A translation a stateful device remembers for the reply.
#[derive(Debug, Clone)]
struct Session {
    /// The translator's ENI (NAT gateway or NAT instance).
    eni: usize,
    inside: (IpAddr, u16),
    outside: (IpAddr, u16),
}

struct RunOut {
    blocked: Option<Blocked>,
    sport: u16,
}

/// One packet's walk through the design.
struct Walk<'w, 'a> {
    an: &'w Analyzer<'a>,
    rec: bool,
    leg: Leg,
    hops: Vec<Hop>,
    fwd_hops: Vec<Hop>,
    notes: Vec<String>,
    events: Vec<FlowEvent>,
    sessions: Vec<Session>,
    eigw_sessions: Vec<IpAddr>,
    steps: u32,
    /// SG membership survives (false after a middlebox/NAT: SG_REFERENCES_NOT_PRESERVED).
    sg_ident: bool,
    /// The client's ephemeral range when the source port was not given (for partial-range warnings).
    client_range: Option<(PortRange, IpAddr, u16)>,
    /// Appliance-mode TGW attachments: the attachment subnet a flow is pinned to.
    tgw_pins: Vec<(&'a TgwAttachment, FlowKey, usize)>,
    /// Network Firewall endpoints (ENIs) the request crossed: only they hold the flow's state.
    fw_state: Vec<usize>,
    /// The last VPC a packet entered from a transit gateway: (leg, VPC, TGW name, attachment).
    tgw_entry: Option<(Leg, usize, &'a str, &'a TgwAttachment)>,
    /// The attachment subnet the first appliance-mode attachment must pick (a re-run
    /// standing for another result of AWS's flow hash).
    hash_pick: Option<(&'a TgwAttachment, usize)>,
    /// The other subnets the flow hash could have picked at the first appliance-mode pin.
    hash_alternatives: Vec<(&'a TgwAttachment, usize)>,
}

/// A flow's addresses and ports, the same for a request and its reply.
type FlowKey = ((IpAddr, u16), (IpAddr, u16));

fn flow_key(p: Packet) -> FlowKey {
    let (a, b) = ((p.src, p.sport), (p.dst, p.dport));
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn obj(kind: ObjectKind, name: &str) -> Option<ObjectRef> {
    Some(ObjectRef::new(kind, name))
}

impl<'w, 'a> Walk<'w, 'a> {
    fn new(an: &'w Analyzer<'a>, rec: bool) -> Self {
        Walk {
            an,
            rec,
            leg: Leg::Forward,
            hops: Vec::new(),
            fwd_hops: Vec::new(),
            notes: Vec::new(),
            events: Vec::new(),
            sessions: Vec::new(),
            eigw_sessions: Vec::new(),
            steps: 0,
            sg_ident: true,
            client_range: None,
            tgw_pins: Vec::new(),
            fw_state: Vec::new(),
            tgw_entry: None,
            hash_pick: None,
            hash_alternatives: Vec::new(),
        }
    }

    /// The attachment subnet an appliance-mode attachment pinned this flow to.
    fn pinned_subnet(&self, att: &TgwAttachment, pkt: Packet) -> Option<usize> {
        let key = flow_key(pkt);
        self.tgw_pins
            .iter()
            .find(|(a, k, _)| std::ptr::eq(*a, att) && *k == key)
            .map(|&(_, _, ts)| ts)
    }

    #[allow(clippy::too_many_arguments)]
    fn hop(
        &mut self,
        kind: HopKind,
        id: &str,
        detail: impl FnOnce() -> String,
        object: impl FnOnce() -> Option<ObjectRef>,
        direction: Option<Direction>,
        pin: Packet,
        pout: Packet,
    ) {
        if self.rec {
            self.hops.push(Hop {
                kind,
                id: id.to_string(),
                detail: detail(),
                object: object(),
                direction,
                passed: true,
                packet_in: pin,
                packet_out: pout,
            });
        }
    }

    fn note(&mut self, f: impl FnOnce() -> String) {
        if self.rec {
            let n = f();
            if !self.notes.contains(&n) {
                self.notes.push(n);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn stop(
        &mut self,
        code: Code,
        kind: HopKind,
        component: &str,
        object: Option<ObjectRef>,
        direction: Option<Direction>,
        pkt: Packet,
        message: String,
        hint: String,
    ) -> Box<Stop> {
        if self.rec {
            self.hops.push(Hop {
                kind,
                id: component.to_string(),
                detail: message.clone(),
                object: object.clone(),
                direction,
                passed: false,
                packet_in: pkt,
                packet_out: pkt,
            });
        }
        Box::new(Stop {
            code,
            kind,
            component: component.to_string(),
            object,
            direction,
            message,
            hint,
        })
    }

    fn event(&mut self, e: usize, pkt: Packet, accept: bool) {
        if self.rec {
            self.events.push(FlowEvent { eni: e, pkt, accept });
        }
    }

    fn tick(&mut self, pkt: Packet) -> Result<(), Box<Stop>> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(self.stop(
                Code::Loop,
                HopKind::RouteTable,
                "routing",
                None,
                None,
                pkt,
                format!("the packet passed more than {MAX_STEPS} components: a routing loop"),
                "check routes that point back and forth between middleboxes, TGW tables or VPCs".into(),
            ));
        }
        Ok(())
    }

    // ------------------------------------------------------------------
    // Query set-up

    /// Runs the query. An appliance-mode attachment pins a flow to the AZ AWS's flow
    /// hash picks, which vpcd cannot know: when the flow passes with the AZ it entered
    /// from, it is run again with every other AZ of that attachment, and the first
    /// failure is the verdict (a flow that hashes there fails in AWS).
    fn run(&mut self, from: &Endpoint, to: &Endpoint, q: &Query) -> Result<RunOut, QueryError> {
        let out = self.run_once(from, to, q)?;
        if out.blocked.is_some() {
            return Ok(out);
        }
        for (att, x) in std::mem::take(&mut self.hash_alternatives) {
            let mut alt = Walk::new(self.an, self.rec);
            alt.hash_pick = Some((att, x));
            let o = alt.run_once(from, to, q)?;
            if o.blocked.is_some() {
                let (n, sn, az) = (&att.name, &self.an.subnets[x].name, &self.an.subnets[x].az);
                alt.note(|| {
                    format!(
                        "appliance mode on {n}: AWS picks the AZ of a flow by a hash; this flow passes in the AZ it \
                         entered from but fails when it is hashed to {sn} ({az}), shown here"
                    )
                });
                *self = alt;
                return Ok(o);
            }
        }
        Ok(out)
    }

    fn run_once(&mut self, from: &Endpoint, to: &Endpoint, q: &Query) -> Result<RunOut, QueryError> {
        let v6 = matches!(from, Endpoint::Internet(IpAddr::V6(_)) | Endpoint::Ip(IpAddr::V6(_)))
            || matches!(to, Endpoint::Internet(IpAddr::V6(_)) | Endpoint::Ip(IpAddr::V6(_)));
        if q.proto.has_ports() && q.port.is_none() {
            return Err(QueryError::Invalid(
                q.to.clone(),
                format!("{} needs a destination port (--port)", q.proto),
            ));
        }
        let src = self.resolve_source(from, v6, &q.from)?;
        let (range, default_sport) = src.ephemeral;
        let sport = if q.proto.has_ports() {
            q.sport.unwrap_or(default_sport)
        } else {
            0
        };
        let dport = if q.proto.has_ports() { q.port.unwrap_or(0) } else { 0 };
        if q.sport.is_none() && q.proto.has_ports() {
            self.client_range = Some((range, src.addr, sport));
        }

        // Load balancer as destination: client → LB node, then LB node → a target.
        if let Endpoint::LoadBalancer(lb) = to {
            return self.run_lb(&src, lb, q, sport, dport, v6);
        }
        let dst = match self.resolve_dest(&src, to, v6, &q.to) {
            Ok(d) => d,
            Err(DestErr::Query(e)) => return Err(e),
            Err(DestErr::Blocked(stop, dst)) => {
                // The packet shown is the one the source would send: to the address the
                // destination does have (its private IPv4), never back to the source.
                let p = Packet {
                    src: src.addr,
                    dst,
                    proto: q.proto,
                    sport,
                    dport,
                };
                self.start_hop(&src, p);
                let s = self.stop(
                    stop.code,
                    stop.kind,
                    &stop.component,
                    stop.object.clone(),
                    None,
                    p,
                    stop.message.clone(),
                    stop.hint.clone(),
                );
                return Ok(self.finish(Some(s), sport));
            }
        };
        let pkt = Packet {
            src: src.addr,
            dst: dst.addr,
            proto: q.proto,
            sport,
            dport,
        };
        let blocked = self.round_trip(&src, &dst, pkt);
        Ok(self.finish(blocked.err(), sport))
    }

    fn finish(&mut self, stop: Option<Box<Stop>>, sport: u16) -> RunOut {
        if self.leg == Leg::Forward {
            self.fwd_hops = std::mem::take(&mut self.hops);
        }
        RunOut {
            blocked: stop.map(|s| Blocked {
                component: s.component,
                kind: s.kind,
                object: s.object,
                direction: s.direction,
                leg: self.leg,
                code: s.code,
                message: s.message,
                hint: s.hint,
            }),
            sport,
        }
    }

    /// Forward walk, then the reply back to the client.
    fn round_trip(&mut self, src: &Source, dst: &Dest, pkt: Packet) -> Result<(), Box<Stop>> {
        self.leg = Leg::Forward;
        self.start_hop(src, pkt);
        let arrival = self.launch(src, pkt)?;
        self.accept_arrival(dst, &arrival)?;
        self.fwd_hops = std::mem::take(&mut self.hops);
        self.leg = Leg::Return;
        self.steps = 0;
        let reply = arrival.pkt.reply();
        self.reply_start_hop(&arrival, reply);
        let back = self.launch_reply(&arrival, reply)?;
        self.accept_reply(src, pkt, &back)
    }

    fn start_hop(&mut self, src: &Source, pkt: Packet) {
        if !self.rec {
            return;
        }
        let (kind, id, object) = match &src.at {
            Start::Eni(e) => {
                let e = *e;
                (
                    self.an.eni_kind(e),
                    self.an.eni_name(e),
                    Some(self.an.idx.enis[e].owner.object()),
                )
            }
            Start::SubnetHost(s) => (
                HopKind::SubnetHost,
                self.an.subnets[*s].name.clone(),
                obj(ObjectKind::Subnet, &self.an.subnets[*s].name),
            ),
            Start::Internet => (HopKind::Internet, "internet".to_string(), None),
            Start::OnPrem(n) => (HopKind::OnPrem, n.clone(), obj(ObjectKind::OnPremNetwork, n)),
        };
        let addr = pkt.src;
        self.hop(kind, &id, || format!("source {addr}"), || object, None, pkt, pkt);
    }

    fn reply_start_hop(&mut self, arrival: &Arrival, pkt: Packet) {
        if !self.rec {
            return;
        }
        let (kind, id, object) = self.place_label(&arrival.place);
        self.hop(kind, &id, || "sends the reply".to_string(), || object, None, pkt, pkt);
    }

    fn place_label(&self, p: &Place) -> (HopKind, String, Option<ObjectRef>) {
        match p {
            Place::Eni(e) => (
                self.an.eni_kind(*e),
                self.an.eni_name(*e),
                Some(self.an.idx.enis[*e].owner.object()),
            ),
            Place::SubnetHost(s) => (
                HopKind::SubnetHost,
                self.an.subnets[*s].name.clone(),
                obj(ObjectKind::Subnet, &self.an.subnets[*s].name),
            ),
            Place::Internet => (HopKind::Internet, "internet".into(), None),
            Place::OnPrem(n) => (HopKind::OnPrem, n.clone(), obj(ObjectKind::OnPremNetwork, n)),
            Place::Service(s, _) => (HopKind::Service, s.clone(), None),
        }
    }

    fn launch(&mut self, src: &Source, pkt: Packet) -> Step {
        match &src.at {
            Start::Eni(e) => self.send_from_eni(*e, pkt),
            Start::SubnetHost(s) => self.leave_subnet(*s, pkt, Origin::Local, None),
            Start::Internet => self.send_from_internet(pkt),
            Start::OnPrem(n) => self.send_from_onprem(n, pkt),
        }
    }

    fn launch_reply(&mut self, arrival: &Arrival, reply: Packet) -> Step {
        match &arrival.place {
            Place::Eni(e) => self.send_from_eni(*e, reply),
            Place::SubnetHost(s) => self.leave_subnet(*s, reply, Origin::Local, None),
            Place::Internet => self.send_from_internet(reply),
            Place::OnPrem(n) => self.send_from_onprem(n, reply),
            Place::Service(svc, via) => match via {
                Some((v, ep)) => {
                    let svc = svc.clone();
                    self.hop(
                        HopKind::GatewayEndpoint,
                        ep,
                        || format!("reply from {svc} back into the VPC"),
                        || obj(ObjectKind::Endpoint, ep),
                        None,
                        reply,
                        reply,
                    );
                    self.deliver_in_vpc(*v, reply, None)
                }
                None => self.send_from_internet(reply),
            },
        }
    }

    /// Did the request arrive where it was sent?
    fn accept_arrival(&mut self, dst: &Dest, a: &Arrival) -> Result<(), Box<Stop>> {
        let ok = match (&dst.expect, &a.place) {
            (Expect::Eni(e), Place::Eni(x)) => e == x,
            (Expect::SubnetHost(s), Place::SubnetHost(x)) => s == x,
            (Expect::Internet, Place::Internet) => true,
            (Expect::OnPrem(n), Place::OnPrem(x)) => n == x,
            (Expect::Service(s), Place::Service(x, _)) => s == x,
            _ => false,
        };
        if ok {
            if !self.rec {
                return Ok(());
            }
            let (kind, id, object) = self.place_label(&a.place);
            let pkt = a.pkt;
            self.hop(kind, &id, || "delivered".to_string(), || object, None, pkt, pkt);
            return Ok(());
        }
        let (kind, id, object) = self.place_label(&a.place);
        Err(self.stop(
            Code::NoHost,
            kind,
            &id,
            object,
            None,
            a.pkt,
            format!("the packet for {} is delivered to {id} instead", a.pkt.dst),
            "check that the destination address is the one you meant (overlapping CIDRs?)".into(),
        ))
    }

    /// Did the reply reach the client, from the address and port it sent to?
    fn accept_reply(&mut self, src: &Source, request: Packet, back: &Arrival) -> Result<(), Box<Stop>> {
        let at_client = match (&src.at, &back.place) {
            (Start::Eni(e), Place::Eni(x)) => e == x,
            (Start::SubnetHost(s), Place::SubnetHost(x)) => s == x,
            (Start::Internet, Place::Internet) => true,
            (Start::OnPrem(n), Place::OnPrem(x)) => n == x,
            _ => false,
        };
        let p = back.pkt;
        let translated_ok =
            p.src == request.dst && p.sport == request.dport && p.dst == request.src && p.dport == request.sport;
        if at_client && translated_ok && !self.rec {
            return Ok(());
        }
        let (kind, id, object) = self.place_label(&back.place);
        if !at_client {
            return Err(self.stop(
                Code::AsymmetricReturn,
                kind,
                &id,
                object,
                None,
                back.pkt,
                format!("the reply is delivered to {id}, not to the client"),
                "make the reply route back the way the request came".into(),
            ));
        }
        if !translated_ok {
            return Err(self.stop(
                Code::AsymmetricReturn,
                kind,
                &id,
                object,
                None,
                p,
                format!(
                    "the reply arrives from {} but the client sent to {}: it took a different translator",
                    p.src, request.dst
                ),
                "route the reply back through the gateway the request used".into(),
            ));
        }
        self.hop(kind, &id, || "reply received".to_string(), || object, None, p, p);
        Ok(())
    }

    // ------------------------------------------------------------------
    // Leaving an ENI / subnet

    fn send_from_eni(&mut self, e: usize, pkt: Packet) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        if an.eni_down(e) {
            return Err(self.eni_down_stop(e, pkt, "place a redundant instance in another AZ"));
        }
        let Some(s) = an.eni_subnet[e] else {
            let name = an.eni_name(e);
            return Err(self.stop(
                Code::NoHost,
                an.eni_kind(e),
                &name,
                None,
                None,
                pkt,
                format!("{name} is in a subnet that does not exist"),
                "fix the subnet reference".into(),
            ));
        };
        self.sg_check(e, Direction::Outbound, pkt)?;
        self.leave_subnet(s, pkt, Origin::Local, Some(e))
    }

    /// Security-group check at ENI `e`. Stateful: replies pass unchecked.
    fn sg_check(&mut self, e: usize, dir: Direction, pkt: Packet) -> Result<(), Box<Stop>> {
        let an = self.an;
        let groups = &an.eni_sgs[e];
        if groups.is_empty() {
            if an.idx.enis[e].security_groups.is_empty() {
                return Ok(()); // NAT gateways, firewall and TGW ENIs have no SGs
            }
            let name = an.eni_name(e);
            return Err(self.stop(
                Code::SgNoMatchingRule,
                HopKind::SecurityGroup,
                &name,
                None,
                Some(dir),
                pkt,
                format!("{name}'s security groups do not exist"),
                "attach an existing security group".into(),
            ));
        }
        if self.leg == Leg::Return {
            if !self.rec {
                return Ok(());
            }
            let names: Vec<&str> = groups.iter().map(|&g| an.sgs[g].name.as_str()).collect();
            let id = names.join(",");
            self.hop(
                HopKind::SecurityGroup,
                &id,
                || format!("{id} {dir}: reply to an allowed connection (stateful)"),
                || obj(ObjectKind::SecurityGroup, names[0]),
                Some(dir),
                pkt,
                pkt,
            );
            return Ok(());
        }
        let ident = self.sg_ident;
        for &g in groups {
            let sg = &an.sgs[g];
            let vpc = sg.vpc.as_str();
            let gm = |name: &str, ip: IpAddr| ident && an.group_has(name, ip, vpc);
            if let Some(r) = sg.rules(dir).iter().find(|r| r.matches(dir, &pkt, &gm)) {
                let name = &sg.name;
                let text = &r.text;
                self.hop(
                    HopKind::SecurityGroup,
                    name,
                    || format!("{name} {dir} {text}"),
                    || obj(ObjectKind::SecurityGroup, name),
                    Some(dir),
                    pkt,
                    pkt,
                );
                return Ok(());
            }
        }
        // Would a group reference have matched had membership survived?
        let lost_ref = !ident
            && groups.iter().any(|&g| {
                let sg = &an.sgs[g];
                let vpc = sg.vpc.as_str();
                let gm = |name: &str, ip: IpAddr| an.group_has(name, ip, vpc);
                sg.rules(dir).iter().any(|r| r.matches(dir, &pkt, &gm))
            });
        let names: Vec<String> = groups.iter().map(|&g| an.sgs[g].name.clone()).collect();
        let id = names.join(",");
        let (peer, word) = match dir {
            Direction::Inbound => (pkt.src, "from"),
            Direction::Outbound => (pkt.dst, "to"),
        };
        let what = if pkt.proto.has_ports() {
            format!("{} {}", pkt.proto, pkt.dport)
        } else {
            pkt.proto.to_string()
        };
        self.event(e, pkt, false);
        let no_rules = groups.iter().all(|&g| an.sgs[g].rules(dir).is_empty());
        let message = if lost_ref {
            format!(
                "{id} {dir}: the rule that references a security group does not match because the packet passed a NAT or middlebox (SG membership is not preserved)"
            )
        } else if no_rules {
            format!("{id} has no {dir} rules")
        } else {
            format!("{id} {dir}: no rule allows {what} {word} {peer}")
        };
        let hint = match dir {
            Direction::Inbound => format!("add an inbound rule to {} allowing {what} from {peer}", names[0]),
            Direction::Outbound => format!("add an outbound rule to {} allowing {what} to {peer}", names[0]),
        };
        Err(self.stop(
            Code::SgNoMatchingRule,
            HopKind::SecurityGroup,
            &id,
            obj(ObjectKind::SecurityGroup, &names[0]),
            Some(dir),
            pkt,
            message,
            hint,
        ))
    }

    /// NACL check of subnet `s` in direction `dir`.
    fn nacl_check(&mut self, s: usize, dir: Direction, pkt: Packet, eni: Option<usize>) -> Result<(), Box<Stop>> {
        let an = self.an;
        let Some(ni) = an.subnets[s].nacl else {
            return Ok(()); // a subnet without a NACL is reported by validation
        };
        let acl = &an.nacls[ni];
        let v = acl.eval(dir, &pkt);
        let allowed = matches!(v, NaclVerdict::AllowedByRule(_));
        if let Some(e) = eni {
            self.event(e, pkt, allowed);
        }
        if allowed {
            self.check_partial_range(ni, dir, pkt);
            let name = &acl.name;
            self.hop(
                HopKind::NetworkAcl,
                name,
                || acl.describe(dir, v),
                || obj(ObjectKind::NetworkAcl, name),
                Some(dir),
                pkt,
                pkt,
            );
            return Ok(());
        }
        let (code, rule) = match v {
            NaclVerdict::DeniedByRule(n) => (Code::NaclRuleDenies, format!("rule {n} denies")),
            _ => (Code::NaclImplicitDeny, "no rule allows".to_string()),
        };
        let peer = match dir {
            Direction::Inbound => format!("from {}", pkt.src),
            Direction::Outbound => format!("to {}", pkt.dst),
        };
        let what = if pkt.proto.has_ports() {
            format!("{} {}", pkt.proto, pkt.dport)
        } else {
            pkt.proto.to_string()
        };
        let reply = if self.leg == Leg::Return {
            " (the reply: NACLs are stateless)"
        } else {
            ""
        };
        let message = format!("{} {dir}: {rule} {what} {peer}{reply}", acl.name);
        let ports_hint = if self.leg == Leg::Return && pkt.proto.has_ports() {
            format!("{} 1024-65535", pkt.proto)
        } else {
            what.clone()
        };
        let hint = match v {
            NaclVerdict::DeniedByRule(n) => format!(
                "rule {n} matches first; add an allow for {ports_hint} {peer} with a lower number, or narrow rule {n}"
            ),
            _ => format!("add an {dir} allow rule to {} for {ports_hint} {peer}", acl.name),
        };
        let name = acl.name.clone();
        Err(self.stop(
            code,
            HopKind::NetworkAcl,
            &name,
            obj(ObjectKind::NetworkAcl, &name),
            Some(dir),
            pkt,
            message,
            hint,
        ))
    }

    /// Warns when a NACL admits the client's chosen ephemeral port but not its whole range.
    fn check_partial_range(&mut self, ni: usize, dir: Direction, pkt: Packet) {
        if !self.rec || self.leg != Leg::Return {
            return;
        }
        let Some((range, client, port)) = self.client_range else {
            return;
        };
        if pkt.dport != port || pkt.dst != client {
            return;
        }
        let acl = &self.an.nacls[ni];
        let peer = match dir {
            Direction::Inbound => pkt.src,
            Direction::Outbound => pkt.dst,
        };
        let allowed = acl.allowed_ports(dir, pkt.proto, peer, range);
        if allowed != vec![range] {
            let name = acl.name.clone();
            self.note(|| {
                format!(
                    "{name} {dir} admits only part of the client's ephemeral range {}-{}: connections from other source ports fail",
                    range.from, range.to
                )
            });
        }
    }

    /// The packet leaves subnet `s` (from ENI `eni`, or a hypothetical host):
    /// same-subnet delivery, else NACL outbound and the route table.
    fn leave_subnet(&mut self, s: usize, pkt: Packet, origin: Origin, eni: Option<usize>) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        let sub = &an.subnets[s];
        // NACLs (and route tables) do not apply between hosts of one subnet
        // (VPC User Guide, network ACLs; Batfish LAN path).
        if sub.cidrs.iter().any(|c| c.contains(&pkt.dst)) && origin == Origin::Local {
            let name = sub.name.clone();
            self.note(|| {
                format!("{name}: source and destination share the subnet, so no network ACL or route table applies")
            });
            if let Some(e) = eni {
                self.event(e, pkt, true);
            }
            return self.deliver_in_subnet(s, pkt, Some(s));
        }
        self.nacl_check(s, Direction::Outbound, pkt, eni)?;
        self.route(s, pkt, origin)
    }

    fn route(&mut self, s: usize, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let sub = &an.subnets[s];
        let vpc = sub.vpc;
        let Some(rti) = sub.rt else {
            let name = sub.name.clone();
            return Err(self.stop(
                Code::NoRoute,
                HopKind::RouteTable,
                &name,
                obj(ObjectKind::Subnet, &name),
                None,
                pkt,
                format!("{name} has no route table"),
                "associate a route table".into(),
            ));
        };
        let rt = &an.rts[rti];
        let Some(route) = rt.lookup(pkt.dst) else {
            return Err(self.no_route(rt, vpc, pkt));
        };
        if let Some(reason) = &route.blackhole {
            let rt_name = rt.name.clone();
            if let RouteTarget::Peering(p) = &route.target {
                if an.peering(p).is_some() {
                    let msg = format!("{rt_name}: {} → {p}: {reason}", route.dest_text);
                    return Err(self.stop(
                        Code::PeeringNotActive,
                        HopKind::Peering,
                        p,
                        obj(ObjectKind::Peering, p),
                        None,
                        pkt,
                        msg,
                        format!("accept the peering connection {p} (it must be active)"),
                    ));
                }
            }
            let msg = format!(
                "{rt_name}: {} → {} is a blackhole: {reason}",
                route.dest_text, route.target
            );
            return Err(self.stop(
                Code::BlackholeRoute,
                HopKind::RouteTable,
                &rt_name,
                obj(ObjectKind::RouteTable, &rt_name),
                None,
                pkt,
                msg,
                format!(
                    "point {} in {rt_name} at a working target, or delete the route",
                    route.dest_text
                ),
            ));
        }
        let (dest_text, target) = (&route.dest_text, &route.target);
        let origin_text = match route.origin {
            RouteOrigin::Propagated => " (propagated)",
            _ => "",
        };
        let rt_name = &rt.name;
        self.hop(
            HopKind::RouteTable,
            rt_name,
            || format!("{rt_name}: {dest_text} → {target}{origin_text}"),
            || obj(ObjectKind::RouteTable, rt_name),
            None,
            pkt,
            pkt,
        );
        match target {
            RouteTarget::Local => self.deliver_in_vpc(vpc, pkt, Some(s)),
            RouteTarget::InternetGateway(g) => self.igw_out(vpc, g, pkt, origin),
            RouteTarget::EgressOnlyGateway(g) => self.eigw_out(g, pkt),
            RouteTarget::NatGateway(n) => match an.eni_index(&EniOwner::NatGateway(n.clone())) {
                Some(e) => self.arrive_at_eni(e, pkt, Some(s), origin),
                None => Err(self.missing(n, pkt)),
            },
            RouteTarget::Instance(i) => match an.eni_index(&EniOwner::Instance(i.clone())) {
                Some(e) => self.arrive_at_eni(e, pkt, Some(s), origin),
                None => Err(self.missing(i, pkt)),
            },
            RouteTarget::NetworkInterface(n) => {
                // An instance's own name stands for its primary interface.
                let eni = if an.d.instances.iter().any(|i| &i.name == n) {
                    an.eni_index(&EniOwner::Instance(n.clone()))
                } else {
                    an.d.instances
                        .iter()
                        .find(|i| i.secondary_interfaces.iter().any(|x| &x.name == n))
                        .and_then(|i| an.eni_index(&EniOwner::SecondaryInterface(i.name.clone(), n.clone())))
                };
                match eni {
                    Some(e) => self.arrive_at_eni(e, pkt, Some(s), origin),
                    None => Err(self.missing(n, pkt)),
                }
            }
            RouteTarget::Peering(p) => self.peering_out(vpc, p, pkt, origin),
            RouteTarget::TransitGateway(t) => self.tgw_from_vpc(vpc, s, t, pkt),
            RouteTarget::VpnGateway(g) => self.vgw_out(vpc, g, pkt, origin),
            RouteTarget::GatewayEndpoint(ep) => self.gateway_endpoint(vpc, ep, pkt, origin),
            RouteTarget::FirewallEndpoint(fw, az) => {
                let e = an.d.firewalls.iter().find(|f| &f.name == fw).and_then(|f| {
                    f.subnets.iter().find_map(|sn| {
                        let si = an.subnet_by_name.get(sn)?;
                        (an.subnets[*si].az == *az)
                            .then(|| an.eni_index(&EniOwner::Firewall(fw.clone(), sn.clone())))
                            .flatten()
                    })
                });
                match e {
                    Some(e) => self.arrive_at_eni(e, pkt, Some(s), origin),
                    None => Err(self.missing(fw, pkt)),
                }
            }
        }
    }

    /// The stop for an interface a what-if failure took down.
    fn eni_down_stop(&mut self, e: usize, pkt: Packet, hint: &str) -> Box<Stop> {
        let an = self.an;
        let name = an.eni_name(e);
        self.stop(
            Code::ComponentFailed,
            an.eni_kind(e),
            &name,
            Some(an.idx.enis[e].owner.object()),
            None,
            pkt,
            format!("{name} is down in this what-if"),
            hint.into(),
        )
    }

    fn missing(&mut self, name: &str, pkt: Packet) -> Box<Stop> {
        self.stop(
            Code::BlackholeRoute,
            HopKind::RouteTable,
            name,
            None,
            None,
            pkt,
            format!("the route target {name} does not exist"),
            "point the route at an existing target".into(),
        )
    }

    fn no_route(&mut self, rt: &CRouteTable, vpc: usize, pkt: Packet) -> Box<Stop> {
        let an = self.an;
        let name = rt.name.clone();
        // A gateway endpoint for this destination exists in the VPC but is not on this table?
        let vpc_name = &an.vpcs[vpc].name;
        let ep = an.d.endpoints.iter().find(|ep| {
            ep.is_gateway()
                && &ep.vpc == vpc_name
                && crate::model::index::prefix_list_cidrs(an.d, &ep.service)
                    .iter()
                    .any(|c| c.contains(&pkt.dst))
        });
        if let Some(ep) = ep {
            let epn = ep.name.clone();
            return self.stop(
                Code::EndpointNotOnRouteTable,
                HopKind::RouteTable,
                &name,
                obj(ObjectKind::RouteTable, &name),
                None,
                pkt,
                format!(
                    "{name} has no route for {}: gateway endpoint {epn} ({}) is not associated with {name}",
                    pkt.dst, ep.service
                ),
                format!("add {name} to the route tables of endpoint {epn}"),
            );
        }
        let family = if pkt.dst.is_ipv6() { "::/0" } else { "0.0.0.0/0" };
        self.stop(
            Code::NoRoute,
            HopKind::RouteTable,
            &name,
            obj(ObjectKind::RouteTable, &name),
            None,
            pkt,
            format!("{name} has no route for {}", pkt.dst),
            format!(
                "add a route in {name} covering {} (e.g. {family} → a gateway) or a more specific one",
                pkt.dst
            ),
        )
    }

    // ------------------------------------------------------------------
    // Arriving in a VPC / subnet / ENI

    /// Delivery by the VPC router to the subnet holding `pkt.dst`.
    /// `from` is the subnet the packet comes from (None: from a gateway).
    fn deliver_in_vpc(&mut self, v: usize, pkt: Packet, from: Option<usize>) -> Step {
        let an = self.an;
        match an.subnet_in_vpc(v, pkt.dst) {
            Some(s) => self.deliver_in_subnet(s, pkt, from),
            None => {
                let name = an.vpcs[v].name.clone();
                Err(self.stop(
                    Code::NoHost,
                    HopKind::SubnetHost,
                    &name,
                    obj(ObjectKind::Vpc, &name),
                    None,
                    pkt,
                    format!("no subnet of {name} holds {}", pkt.dst),
                    "check the destination address".into(),
                ))
            }
        }
    }

    fn deliver_in_subnet(&mut self, s: usize, pkt: Packet, from: Option<usize>) -> Step {
        let an = self.an;
        let v = an.subnets[s].vpc;
        match an.eni_at(v, pkt.dst) {
            Some(e) if an.eni_subnet[e] == Some(s) => self.arrive_at_eni(e, pkt, from, Origin::Local),
            _ => {
                if from != Some(s) {
                    self.nacl_check(s, Direction::Inbound, pkt, None)?;
                }
                Ok(Arrival {
                    place: Place::SubnetHost(s),
                    pkt,
                })
            }
        }
    }

    /// The packet is handed to ENI `e` (as its destination or as a route target).
    fn arrive_at_eni(&mut self, e: usize, pkt: Packet, from: Option<usize>, origin: Origin) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        let Some(s) = an.eni_subnet[e] else {
            return Err(self.missing(&an.eni_name(e), pkt));
        };
        if an.eni_down(e) {
            return Err(self.eni_down_stop(e, pkt, "add redundancy in another AZ"));
        }
        if from != Some(s) {
            self.nacl_check(s, Direction::Inbound, pkt, Some(e))?;
        }
        let eni = &an.idx.enis[e];
        let addressed = pkt.dst == IpAddr::V4(eni.private_ip) || Some(pkt.dst) == eni.ipv6.map(IpAddr::V6);
        match &eni.owner {
            EniOwner::NatGateway(n) => self.nat_gateway(e, n, s, pkt, addressed, origin),
            EniOwner::Firewall(fw, _) => self.firewall(e, fw, s, pkt, origin),
            EniOwner::TgwAttachment(..) => Err(self.missing(&an.eni_name(e), pkt)),
            _ if addressed => {
                self.sg_check(e, Direction::Inbound, pkt)?;
                self.event(e, pkt, true);
                // A NAT instance receiving the reply of a translated connection.
                if let Some(i) = self
                    .sessions
                    .iter()
                    .position(|x| x.eni == e && x.outside == (pkt.dst, pkt.dport))
                {
                    if self.leg == Leg::Return {
                        let sess = self.sessions.remove(i);
                        let out = Packet {
                            dst: sess.inside.0,
                            dport: sess.inside.1,
                            ..pkt
                        };
                        let name = an.eni_name(e);
                        self.hop(
                            HopKind::Appliance,
                            &name,
                            || format!("{name}: NAT instance translates the reply back"),
                            || Some(eni.owner.object()),
                            None,
                            pkt,
                            out,
                        );
                        return self.leave_subnet(s, out, Origin::Local, Some(e));
                    }
                }
                Ok(Arrival {
                    place: Place::Eni(e),
                    pkt,
                })
            }
            _ => self.appliance(e, s, pkt, origin),
        }
    }

    /// An instance forwarding traffic not addressed to it: a NAT instance or a
    /// middlebox (VPC User Guide, NAT instances; route tables, middlebox routing).
    fn appliance(&mut self, e: usize, s: usize, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let eni = &an.idx.enis[e];
        let name = an.eni_name(e);
        self.sg_check(e, Direction::Inbound, pkt)?;
        if eni.source_dest_check {
            self.event(e, pkt, false);
            return Err(self.stop(
                Code::SourceDestCheck,
                HopKind::Appliance,
                &name,
                Some(eni.owner.object()),
                None,
                pkt,
                format!(
                    "{name} receives traffic for {} but its source/destination check is on",
                    pkt.dst
                ),
                format!("disable the source/destination check on {name}"),
            ));
        }
        let is_nat = matches!(&eni.owner, EniOwner::Instance(i) if an.pos(ObjectKind::Instance, i).is_some_and(|x| an.d.instances[x].role == InstanceRole::NatInstance));
        self.sg_ident = false;
        let out = if is_nat && self.leg == Leg::Forward {
            let out = Packet {
                src: IpAddr::V4(eni.private_ip),
                ..pkt
            };
            self.sessions.push(Session {
                eni: e,
                inside: (pkt.src, pkt.sport),
                outside: (out.src, out.sport),
            });
            out
        } else {
            pkt
        };
        let what = if is_nat {
            "NAT instance: source address translated"
        } else {
            "forwards (middlebox)"
        };
        self.hop(
            HopKind::Appliance,
            &name,
            || format!("{name}: {what}; source/destination check off"),
            || Some(eni.owner.object()),
            None,
            pkt,
            out,
        );
        self.event(e, pkt, true);
        if self.leg == Leg::Forward {
            self.sg_check(e, Direction::Outbound, out)?;
        }
        let _ = origin;
        self.leave_subnet(s, out, Origin::Local, Some(e))
    }

    // ------------------------------------------------------------------
    // NAT gateway

    fn nat_gateway(&mut self, e: usize, n: &str, s: usize, pkt: Packet, addressed: bool, origin: Origin) -> Step {
        let an = self.an;
        let eni = &an.idx.enis[e];
        if addressed {
            // The reply to a translated connection.
            if let Some(i) = self
                .sessions
                .iter()
                .position(|x| x.eni == e && x.outside == (pkt.dst, pkt.dport))
            {
                let sess = self.sessions.remove(i);
                let out = Packet {
                    dst: sess.inside.0,
                    dport: sess.inside.1,
                    ..pkt
                };
                self.hop(
                    HopKind::NatGateway,
                    n,
                    || format!("{n}: translates the reply back to {}", sess.inside.0),
                    || obj(ObjectKind::NatGateway, n),
                    None,
                    pkt,
                    out,
                );
                self.event(e, pkt, true);
                return self.leave_subnet(s, out, Origin::Local, Some(e));
            }
            self.event(e, pkt, false);
            return Err(self.stop(
                Code::UnsolicitedInbound,
                HopKind::NatGateway,
                n,
                obj(ObjectKind::NatGateway, n),
                None,
                pkt,
                format!("{n} drops connections initiated from outside (no matching NAT session)"),
                "a NAT gateway is outbound-only; use a load balancer or a public instance for inbound".into(),
            ));
        }
        if self.leg == Leg::Return {
            return Err(self.stop(
                Code::AsymmetricReturn,
                HopKind::NatGateway,
                n,
                obj(ObjectKind::NatGateway, n),
                None,
                pkt,
                format!("the reply is routed through {n}, which did not carry the request: it would be translated to a new source and dropped by the client"),
                "route the reply back through the gateway the request came in (e.g. put the server in a public subnet)".into(),
            ));
        }
        let vpc = an.subnets[s].vpc;
        let src_local = an.vpcs[vpc].cidrs.iter().any(|c| c.contains(&pkt.src)) || origin == Origin::Tgw;
        if !src_local {
            return Err(self.stop(
                Code::NatCannotBeUsed,
                HopKind::NatGateway,
                n,
                obj(ObjectKind::NatGateway, n),
                None,
                pkt,
                format!("{n} only serves traffic from its own VPC, not from peering, VPN or Direct Connect"),
                "give the other network its own NAT gateway".into(),
            ));
        }
        if !matches!(pkt.proto, Protocol::Tcp | Protocol::Udp | Protocol::Icmp) {
            return Err(self.stop(
                Code::NatCannotBeUsed,
                HopKind::NatGateway,
                n,
                obj(ObjectKind::NatGateway, n),
                None,
                pkt,
                format!("{n} supports only TCP, UDP and ICMP, not {}", pkt.proto),
                "use TCP, UDP or ICMP".into(),
            ));
        }
        if pkt.is_v6() {
            return Err(self.stop(
                Code::NatCannotBeUsed,
                HopKind::NatGateway,
                n,
                obj(ObjectKind::NatGateway, n),
                None,
                pkt,
                format!("{n} translates IPv4 only; IPv6 needs an egress-only internet gateway"),
                "route ::/0 to an egress-only internet gateway".into(),
            ));
        }
        // Source NAT to the NAT gateway's private IP and a port in 1024–65535
        // (VPC User Guide, NAT gateways). Pick a port the NAT subnet's NACL
        // admits for the reply; warn when it admits only part of the range.
        let nat_ip = IpAddr::V4(eni.private_ip);
        let mut nat_port = pkt.sport;
        if pkt.proto.has_ports() {
            if let Some(ni) = an.subnets[s].nacl {
                let acl = &an.nacls[ni];
                let allowed = acl.allowed_ports(Direction::Inbound, pkt.proto, pkt.dst, PortRange::EPHEMERAL);
                if allowed.is_empty() {
                    let acl_name = acl.name.clone();
                    let proto = pkt.proto;
                    let dst = pkt.dst;
                    self.note(|| {
                        format!(
                            "{acl_name} inbound admits no port of 1024-65535 from {dst}: {n}'s replies will be dropped"
                        )
                    });
                    let _ = proto;
                } else {
                    if !allowed.iter().any(|r| r.contains(nat_port)) {
                        nat_port = allowed[0].from;
                    }
                    if allowed != vec![PortRange::EPHEMERAL] {
                        let acl_name = acl.name.clone();
                        self.note(|| format!("warning: {acl_name} inbound admits only part of 1024-65535, the ports {n} picks from: some connections will fail"));
                    }
                }
            }
            if !PortRange::EPHEMERAL.contains(nat_port) {
                nat_port = 1024;
            }
        }
        let out = Packet {
            src: nat_ip,
            sport: nat_port,
            ..pkt
        };
        self.sessions.push(Session {
            eni: e,
            inside: (pkt.src, pkt.sport),
            outside: (nat_ip, nat_port),
        });
        self.sg_ident = false;
        self.hop(
            HopKind::NatGateway,
            n,
            || format!("{n}: source NAT to {nat_ip}"),
            || obj(ObjectKind::NatGateway, n),
            None,
            pkt,
            out,
        );
        self.event(e, pkt, true);
        self.leave_subnet(s, out, Origin::Local, Some(e))
    }

    // ------------------------------------------------------------------
    // Network Firewall

    fn firewall(&mut self, e: usize, fw: &str, s: usize, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let Some(f) = an.idx.firewall(an.d, fw) else {
            return Err(self.missing(fw, pkt));
        };
        if self.leg == Leg::Forward {
            let mut decision = (f.default_action, "default action".to_string());
            let mut domain_rules = false;
            for (i, r) in f.rules.iter().enumerate() {
                if r.domain.is_some() {
                    domain_rules = true;
                    continue;
                }
                // A `--proto all` query asks about all traffic: a drop rule for any one
                // protocol takes part of it away (same rule as NACL denies, filters::rule_applies).
                let proto_ok = r.proto.matches(pkt.proto)
                    || (r.action == FirewallAction::Drop && pkt.proto == crate::model::Protocol::All);
                let m = proto_ok
                    && r.source.is_none_or(|c| c.contains(&pkt.src))
                    && r.destination.is_none_or(|c| c.contains(&pkt.dst))
                    && r.ports.is_none_or(|p| !pkt.proto.has_ports() || p.contains(pkt.dport));
                if m {
                    decision = (r.action, format!("rule {}", i + 1));
                    break;
                }
            }
            if domain_rules {
                self.note(|| format!("{fw}: domain rules are not evaluated (the trace has no host name)"));
            }
            let (action, which) = decision;
            if action == FirewallAction::Drop {
                return Err(self.stop(
                    Code::FirewallDrop,
                    HopKind::Firewall,
                    fw,
                    obj(ObjectKind::Firewall, fw),
                    None,
                    pkt,
                    format!("{fw}: {which} drops {pkt}"),
                    format!("add a pass rule to {fw} for this flow"),
                ));
            }
            let verb = if action == FirewallAction::Alert {
                "alert (pass)"
            } else {
                "pass"
            };
            self.fw_state.push(e);
            self.appliance_mode_advice(s, fw);
            self.hop(
                HopKind::Firewall,
                fw,
                || format!("{fw}: {which} {verb}"),
                || obj(ObjectKind::Firewall, fw),
                None,
                pkt,
                pkt,
            );
        } else {
            self.firewall_state(e, fw, s, pkt)?;
            self.hop(
                HopKind::Firewall,
                fw,
                || format!("{fw}: reply of an allowed flow (stateful)"),
                || obj(ObjectKind::Firewall, fw),
                None,
                pkt,
                pkt,
            );
        }
        self.sg_ident = false;
        self.event(e, pkt, true);
        // The firewall subnet's route table decides next (reference §1: firewall endpoints).
        self.nacl_check(s, Direction::Outbound, pkt, Some(e))?;
        self.route(s, pkt, origin)
    }

    /// A reply reaching Network Firewall endpoint `e`: if the request crossed
    /// another endpoint of the same firewall (another AZ), this one has no
    /// state for the flow and drops the reply. Each endpoint is a separate
    /// stateful engine in its AZ; the TGW guide's appliance scenario
    /// (transit-gateway-appliance-scenario.html) describes exactly this drop
    /// when appliance mode is off. A reply through a firewall the request
    /// never crossed is not judged here (it is passed, as before).
    fn firewall_state(&mut self, e: usize, fw: &str, s: usize, pkt: Packet) -> Result<(), Box<Stop>> {
        let an = self.an;
        let same_fw = |x: usize| matches!(&an.idx.enis[x].owner, EniOwner::Firewall(f, _) if f == fw);
        if self.fw_state.contains(&e) || !self.fw_state.iter().any(|&x| same_fw(x)) {
            return Ok(());
        }
        let az = an.subnets[s].az.clone();
        let mut seen: Vec<&str> = self
            .fw_state
            .iter()
            .filter(|&&x| same_fw(x))
            .filter_map(|&x| an.eni_subnet[x].map(|y| an.subnets[y].az.as_str()))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        let seen = seen.join(", ");
        let vpc = an.subnets[s].vpc;
        let via_tgw = self
            .entered_without_appliance_mode(vpc)
            .map(|(t, att)| (t, att.name.as_str()));
        let (why, hint) = match via_tgw {
            Some((t, att)) => (
                format!(
                    "; appliance mode is off on {att}, so {t} sent the reply into {} in the AZ it came from ({az})",
                    an.vpcs[vpc].name
                ),
                format!(
                    "enable appliance mode on the inspection VPC attachment {att} so that {t} keeps both directions \
                     of a flow on one AZ's endpoint (AWS Reachability Analyzer: TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED)"
                ),
            ),
            None => (
                String::new(),
                format!("route the reply back through the {fw} endpoint the request used ({seen})"),
            ),
        };
        Err(self.stop(
            Code::FirewallAsymmetric,
            HopKind::Firewall,
            fw,
            obj(ObjectKind::Firewall, fw),
            None,
            pkt,
            format!(
                "{fw}: the reply reaches the endpoint in {az}, but the request crossed the endpoint in {seen}; \
                 this endpoint has no state for the flow and drops it{why}"
            ),
            hint,
        ))
    }

    /// In this leg the packet entered VPC `vpc` from a TGW attachment without
    /// appliance mode: (TGW name, attachment).
    fn entered_without_appliance_mode(&self, vpc: usize) -> Option<(&'a str, &'a TgwAttachment)> {
        self.tgw_entry
            .filter(|&(leg, v, _, att)| leg == self.leg && v == vpc && !att.appliance_mode)
            .map(|(_, _, t, att)| (t, att))
    }

    /// AWS Reachability Analyzer's additional detail
    /// TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED: a request reached a stateful
    /// firewall in a VPC it entered from a TGW attachment without appliance mode.
    fn appliance_mode_advice(&mut self, s: usize, fw: &str) {
        if let Some((t, att)) = self.entered_without_appliance_mode(self.an.subnets[s].vpc) {
            let att = &att.name;
            self.note(|| {
                format!(
                    "{fw} is reached through {t} attachment {att} without appliance mode: a reply coming back \
                     from another AZ would reach another endpoint and be dropped (enable appliance mode on {att})"
                )
            });
        }
    }

    // ------------------------------------------------------------------
    // Internet gateway, egress-only gateway, the internet

    fn igw_out(&mut self, v: usize, g: &str, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let mut out = pkt;
        if let IpAddr::V4(dst) = pkt.dst {
            if dst.is_private() || crate::model::cidr::is_rfc6598(dst) {
                return Err(self.stop(
                    Code::IgwPrivateDestination,
                    HopKind::InternetGateway,
                    g,
                    obj(ObjectKind::InternetGateway, g),
                    None,
                    pkt,
                    format!("{g} drops traffic to the private address {dst}"),
                    format!("route {dst} to a peering, TGW or VGW instead of the internet gateway"),
                ));
            }
            // 1:1 NAT: the source must be the private IP of an ENI of this VPC with a public IP.
            let public = match pkt.src {
                IpAddr::V4(_) => an.eni_at(v, pkt.src).and_then(|e| an.idx.enis[e].public_ip),
                IpAddr::V6(_) => None,
            };
            let Some(public) = public else {
                let who = an
                    .eni_at(v, pkt.src)
                    .map(|e| an.eni_name(e))
                    .unwrap_or_else(|| pkt.src.to_string());
                let (msg, hint) = if origin == Origin::Tgw || an.eni_at(v, pkt.src).is_none() {
                    (
                        format!("{g} only translates addresses of ENIs in its own VPC; {who} is not one"),
                        "send the traffic through a NAT gateway in this VPC first".to_string(),
                    )
                } else {
                    (
                        format!("{who} has no public IPv4 address, so {g} cannot translate it"),
                        format!("assign an Elastic IP to {who} (or enable auto-assign public IP), or route through a NAT gateway"),
                    )
                };
                return Err(self.stop(
                    Code::NoPublicIp,
                    HopKind::InternetGateway,
                    g,
                    obj(ObjectKind::InternetGateway, g),
                    None,
                    pkt,
                    msg,
                    hint,
                ));
            };
            out.src = IpAddr::V4(public);
        }
        let src = pkt.src;
        let new_src = out.src;
        self.hop(
            HopKind::InternetGateway,
            g,
            || {
                if src == new_src {
                    format!("{g}: to the internet (IPv6, no translation)")
                } else {
                    format!("{g}: 1:1 NAT {src} → {new_src}")
                }
            },
            || obj(ObjectKind::InternetGateway, g),
            None,
            pkt,
            out,
        );
        self.internet_deliver(out, Some(v))
    }

    fn eigw_out(&mut self, g: &str, pkt: Packet) -> Step {
        if !pkt.is_v6() {
            return Err(self.stop(
                Code::NoRoute,
                HopKind::EgressOnlyGateway,
                g,
                obj(ObjectKind::EgressOnlyGateway, g),
                None,
                pkt,
                format!("{g} carries IPv6 only"),
                "use a NAT gateway for IPv4".into(),
            ));
        }
        if self.leg == Leg::Forward {
            self.eigw_sessions.push(pkt.src);
        }
        self.hop(
            HopKind::EgressOnlyGateway,
            g,
            || format!("{g}: IPv6 out (stateful; replies allowed back)"),
            || obj(ObjectKind::EgressOnlyGateway, g),
            None,
            pkt,
            pkt,
        );
        self.internet_deliver(pkt, None)
    }

    /// The packet is on the internet: deliver to a public address of the design, an on-prem
    /// network reachable over the internet, an AWS service, or an internet host.
    fn internet_deliver(&mut self, pkt: Packet, from_vpc: Option<usize>) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        let target_vpc = match pkt.dst {
            IpAddr::V4(a) => an.eni_by_public.get(&a).and_then(|&e| an.eni_vpc(e)),
            IpAddr::V6(_) => an.vpc_of_ip(pkt.dst),
        };
        if let Some(tv) = target_vpc {
            if Some(tv) == from_vpc && self.leg == Leg::Forward {
                return Err(self.stop(
                    Code::Unsupported,
                    HopKind::InternetGateway,
                    "internet",
                    None,
                    None,
                    pkt,
                    format!(
                        "{} is a public address of the same VPC: hairpin through the internet gateway is not modelled",
                        pkt.dst
                    ),
                    "trace to the private address (or the instance name) instead".into(),
                ));
            }
            return self.internet_inbound(pkt);
        }
        if let IpAddr::V4(a) = pkt.dst {
            if let Some(n) =
                an.d.onprem_networks
                    .iter()
                    .find(|n| n.cidrs.iter().any(|c| c.contains(&a)))
            {
                return Ok(Arrival {
                    place: Place::OnPrem(n.name.clone()),
                    pkt,
                });
            }
        }
        if let Some(svc) = service_at(an.d, pkt.dst) {
            return Ok(Arrival {
                place: Place::Service(svc, None),
                pkt,
            });
        }
        Ok(Arrival {
            place: Place::Internet,
            pkt,
        })
    }

    /// A packet from the internet (or a public on-prem host) towards the design.
    fn send_from_internet(&mut self, pkt: Packet) -> Step {
        self.internet_deliver(pkt, None)
    }

    fn internet_inbound(&mut self, pkt: Packet) -> Step {
        let an = self.an;
        let (e, v) = match pkt.dst {
            IpAddr::V4(a) => match an.eni_by_public.get(&a).and_then(|&e| an.eni_vpc(e).map(|v| (e, v))) {
                Some(x) => x,
                None => {
                    return Ok(Arrival {
                        place: Place::Internet,
                        pkt,
                    })
                }
            },
            IpAddr::V6(_) => {
                let Some(v) = an.vpc_of_ip(pkt.dst) else {
                    return Ok(Arrival {
                        place: Place::Internet,
                        pkt,
                    });
                };
                (usize::MAX, v)
            }
        };
        let vpc_name = an.vpcs[v].name.clone();
        // IPv6 replies come back through the egress-only gateway the request left by.
        if pkt.is_v6() && self.leg == Leg::Return && self.eigw_sessions.contains(&pkt.dst) {
            if let Some(g) = an.vpcs[v].eigw.clone() {
                self.hop(
                    HopKind::EgressOnlyGateway,
                    &g,
                    || format!("{g}: reply to an outbound connection"),
                    || obj(ObjectKind::EgressOnlyGateway, &g),
                    None,
                    pkt,
                    pkt,
                );
                return self.deliver_in_vpc(v, pkt, None);
            }
        }
        let Some(g) = an.vpcs[v].igw.clone() else {
            if pkt.is_v6() {
                if let Some(eg) = an.vpcs[v].eigw.clone() {
                    return Err(self.stop(
                        Code::UnsolicitedInbound,
                        HopKind::EgressOnlyGateway,
                        &eg,
                        obj(ObjectKind::EgressOnlyGateway, &eg),
                        None,
                        pkt,
                        format!("{eg} is egress-only: connections initiated from the internet are dropped"),
                        "attach an internet gateway and route ::/0 to it if the host must accept inbound IPv6".into(),
                    ));
                }
            }
            return Err(self.stop(
                Code::IgwNotAttached,
                HopKind::Internet,
                "internet",
                obj(ObjectKind::Vpc, &vpc_name),
                None,
                pkt,
                format!("{vpc_name} has no internet gateway attached"),
                format!("attach an internet gateway to {vpc_name}"),
            ));
        };
        let mut out = pkt;
        if pkt.dst.is_ipv4() {
            out.dst = IpAddr::V4(an.idx.enis[e].private_ip);
        }
        let (d0, d1) = (pkt.dst, out.dst);
        self.hop(
            HopKind::InternetGateway,
            &g,
            || {
                if d0 == d1 {
                    format!("{g}: from the internet (IPv6, no translation)")
                } else {
                    format!("{g}: 1:1 NAT {d0} → {d1}")
                }
            },
            || obj(ObjectKind::InternetGateway, &g),
            None,
            pkt,
            out,
        );
        // No route-table hop on the way in (RA published hop order; no edge association modelled).
        self.deliver_in_vpc(v, out, None)
    }

    // ------------------------------------------------------------------
    // Peering

    fn peering_out(&mut self, v: usize, p: &str, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let Some(pcx) = an.peering(p) else {
            return Err(self.missing(p, pkt));
        };
        let vname = an.vpcs[v].name.clone();
        let Some(other) = pcx.other_side(&vname).and_then(|o| an.vpc_by_name.get(o).copied()) else {
            return Err(self.stop(
                Code::BlackholeRoute,
                HopKind::Peering,
                p,
                obj(ObjectKind::Peering, p),
                None,
                pkt,
                format!("{p} does not connect {vname}"),
                "use a peering connection of this VPC".into(),
            ));
        };
        let other_name = an.vpcs[other].name.clone();
        if origin == Origin::Tgw {
            return Err(self.stop(
                Code::EdgeToEdge,
                HopKind::Peering,
                p,
                obj(ObjectKind::Peering, p),
                None,
                pkt,
                format!("traffic that entered {vname} from a transit gateway cannot continue over {p}"),
                format!("attach {other_name} to the transit gateway instead"),
            ));
        }
        // A peering carries a packet only if its destination is in the peer VPC
        // (RA PCX_REQUIRES_ADDRESS_IN_VPC_CIDR): no transitive peering, no edge-to-edge.
        if !an.vpcs[other].cidrs.iter().any(|c| c.contains(&pkt.dst)) {
            let in_other_vpc = an.vpc_of_ip(pkt.dst).map(|x| an.vpcs[x].name.clone());
            let (code, msg, hint) = match in_other_vpc {
                Some(third) => (
                    Code::NotTransitive,
                    format!(
                        "{p} carries only traffic for {other_name}'s CIDRs; {} is in {third}: peering is not transitive",
                        pkt.dst
                    ),
                    format!("peer {vname} with {third} directly (or use a transit gateway)"),
                ),
                None => (
                    Code::EdgeToEdge,
                    format!(
                        "{p} carries only traffic for {other_name}'s CIDRs; {} is beyond it: no edge-to-edge routing through the peer's gateways",
                        pkt.dst
                    ),
                    format!("give {vname} its own internet/NAT/VPN/endpoint path"),
                ),
            };
            return Err(self.stop(
                code,
                HopKind::Peering,
                p,
                obj(ObjectKind::Peering, p),
                None,
                pkt,
                msg,
                hint,
            ));
        }
        let cross = pcx.cross_region;
        self.hop(
            HopKind::Peering,
            p,
            || {
                format!(
                    "{p}: {vname} → {other_name}{}",
                    if cross { " (inter-Region)" } else { "" }
                )
            },
            || obj(ObjectKind::Peering, p),
            None,
            pkt,
            pkt,
        );
        // Entering over a peering: delivered by the VPC router, no route-table hop.
        self.deliver_in_vpc(other, pkt, None)
    }

    // ------------------------------------------------------------------
    // Transit gateway

    fn tgw_from_vpc(&mut self, v: usize, s: usize, t: &str, pkt: Packet) -> Step {
        let an = self.an;
        let Some(tgw) = an.tgw(t) else {
            return Err(self.missing(t, pkt));
        };
        let vname = &an.vpcs[v].name;
        let Some(att) = an.tgw_vpc_attachment(tgw, v) else {
            return Err(self.stop(
                Code::BlackholeRoute,
                HopKind::TransitGateway,
                t,
                obj(ObjectKind::TransitGateway, t),
                None,
                pkt,
                format!("{t} has no attachment for {vname}"),
                format!("attach {vname} to {t}"),
            ));
        };
        let TgwAttachmentKind::Vpc { subnets, .. } = &att.kind else {
            return Err(self.missing(t, pkt));
        };
        let az = &an.subnets[s].az;
        let ts = subnets
            .iter()
            .filter_map(|n| an.subnet_by_name.get(n).copied())
            .find(|&x| an.subnets[x].az == *az && (an.down_azs.is_empty() || !an.down_azs.contains(&an.subnets[x].az)));
        let Some(ts) = ts else {
            let an_name = att.name.clone();
            return Err(self.stop(
                Code::TgwNoAttachmentInAz,
                HopKind::TgwAttachment,
                &an_name,
                obj(ObjectKind::TransitGateway, t),
                None,
                pkt,
                format!("{an_name} has no subnet in {az}, so subnets in {az} cannot use {t}"),
                format!("add a subnet in {az} to the TGW attachment {an_name}"),
            ));
        };
        // The TGW attachment subnet's NACL checks traffic entering it (TGW guide, NACLs).
        self.nacl_check(ts, Direction::Inbound, pkt, None)?;
        let att_name = &att.name;
        let tsn = &an.subnets[ts].name;
        self.hop(
            HopKind::TgwAttachment,
            att_name,
            || format!("{att_name}: {vname} → {t} (via {tsn})"),
            || obj(ObjectKind::TransitGateway, t),
            None,
            pkt,
            pkt,
        );
        self.tgw_route(t, att_name, pkt, Some(az))
    }

    /// Routes a packet that entered TGW `t` from attachment `att`.
    fn tgw_route(&mut self, t: &str, att: &str, pkt: Packet, az: Option<&str>) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        let Some(tgw) = an.tgw(t) else {
            return Err(self.missing(t, pkt));
        };
        let Some(a) = an.tgw_attachment(tgw, att) else {
            return Err(self.missing(att, pkt));
        };
        let Some(rt_name) = a.association.as_ref() else {
            return Err(self.stop(
                Code::TgwNoAssociation,
                HopKind::TgwAttachment,
                att,
                obj(ObjectKind::TransitGateway, t),
                None,
                pkt,
                format!("{att} is not associated with a route table of {t}"),
                format!("associate {att} with a TGW route table"),
            ));
        };
        let best = an
            .tgw_tables
            .get(rt_name)
            .and_then(|routes| routes.lookup(pkt.dst))
            .and_then(|v| v.first());
        let Some(best) = best else {
            return Err(self.stop(
                Code::TgwNoRoute,
                HopKind::TgwRouteTable,
                rt_name,
                obj(ObjectKind::TransitGateway, t),
                None,
                pkt,
                format!("TGW route table {rt_name} has no route for {}", pkt.dst),
                "propagate the destination attachment into this table or add a static route".into(),
            ));
        };
        let Some(target) = best.target.as_ref() else {
            return Err(self.stop(
                Code::TgwBlackhole,
                HopKind::TgwRouteTable,
                rt_name,
                obj(ObjectKind::TransitGateway, t),
                None,
                pkt,
                format!("TGW route table {rt_name}: {} is a blackhole route", best.cidr),
                "remove the blackhole route or add a more specific route".into(),
            ));
        };
        let origin = best.origin;
        self.hop(
            HopKind::TgwRouteTable,
            rt_name,
            || format!("{rt_name}: {} → {target} ({origin})", best.cidr),
            || obj(ObjectKind::TransitGateway, t),
            None,
            pkt,
            pkt,
        );
        let Some(dst_att) = an.tgw_attachment(tgw, target) else {
            return Err(self.missing(target, pkt));
        };
        match &dst_att.kind {
            TgwAttachmentKind::Vpc { vpc, subnets } => {
                let Some(&v) = an.vpc_by_name.get(vpc) else {
                    return Err(self.missing(vpc, pkt));
                };
                let live = || {
                    subnets
                        .iter()
                        .filter_map(|n| an.subnet_by_name.get(n).copied())
                        .filter(|&x| an.down_azs.is_empty() || !an.down_azs.contains(&an.subnets[x].az))
                };
                // AZ affinity (TGW guide, "How transit gateways work" → "Availability
                // Zones" and "Appliance mode"; transit-gateway-appliance-scenario):
                // * appliance mode on the destination attachment: the TGW picks one
                //   of its ENIs (AWS: by a flow hash) for the whole life of the flow,
                //   both directions. vpcd pins the ENI the request used; for the
                //   request itself it takes the rule below.
                // * otherwise the TGW keeps the traffic in the AZ it entered from, if
                //   the destination attachment has a subnet there, else another AZ
                //   (the destination's own AZ when the address is in that VPC).
                let az_of = |x: usize| an.subnets[x].az.as_str();
                let dst_az = an.subnet_in_vpc(v, pkt.dst).map(az_of);
                let is_live = |x: usize| live().any(|y| y == x);
                let (pinned, hashed) = if dst_att.appliance_mode {
                    let pinned = self.pinned_subnet(dst_att, pkt).filter(|&x| is_live(x));
                    let hashed = self
                        .hash_pick
                        .filter(|&(a, x)| pinned.is_none() && std::ptr::eq(a, dst_att) && is_live(x))
                        .map(|(_, x)| x);
                    (pinned, hashed)
                } else {
                    (None, None)
                };
                let ts = pinned
                    .or(hashed)
                    .or_else(|| live().find(|&x| az.is_some() && Some(az_of(x)) == az))
                    .or_else(|| live().find(|&x| dst_az.is_some() && Some(az_of(x)) == dst_az))
                    .or_else(|| live().next());
                let Some(ts) = ts else {
                    let n = dst_att.name.clone();
                    return Err(self.stop(
                        Code::TgwNoAttachmentInAz,
                        HopKind::TgwAttachment,
                        &n,
                        obj(ObjectKind::TransitGateway, t),
                        None,
                        pkt,
                        format!("{n} has no available subnet"),
                        format!("add a subnet to {n}"),
                    ));
                };
                if let (Some(a), Some(b)) = (az, Some(an.subnets[ts].az.as_str())) {
                    if a != b {
                        self.note(|| format!("the path crosses from {a} to {b} at the transit gateway"));
                    }
                }
                let n = dst_att.name.clone();
                let tsn = an.subnets[ts].name.clone();
                if dst_att.appliance_mode && pinned.is_none() {
                    self.tgw_pins.push((dst_att, flow_key(pkt), ts));
                    if self.hash_pick.is_none() && self.hash_alternatives.is_empty() {
                        self.hash_alternatives = live().filter(|&x| x != ts).map(|x| (dst_att, x)).collect();
                    }
                    let ts_az = az_of(ts);
                    self.note(|| {
                        format!(
                            "appliance mode on {n}: {t} keeps this flow on {tsn} ({ts_az}) in both directions \
                             (AWS picks the AZ by a flow hash; vpcd checks every AZ of {n})"
                        )
                    });
                }
                self.tgw_entry = Some((self.leg, v, &tgw.name, dst_att));
                self.hop(
                    HopKind::TgwAttachment,
                    &n,
                    || format!("{n}: {t} → {vpc} (via {tsn})"),
                    || obj(ObjectKind::TransitGateway, t),
                    None,
                    pkt,
                    pkt,
                );
                self.note(|| {
                    "AWS Reachability Analyzer checks only the forward path across a transit gateway; vpcd checks both"
                        .to_string()
                });
                self.enter_from_tgw(v, ts, pkt)
            }
            TgwAttachmentKind::Vpn { connection } => {
                let Some(vpn) = an.d.vpn_connections.iter().find(|c| &c.name == connection) else {
                    return Err(self.missing(connection, pkt));
                };
                if !vpn.is_up() {
                    return Err(self.stop(
                        Code::VpnDown,
                        HopKind::VpnConnection,
                        connection,
                        obj(ObjectKind::VpnConnection, connection),
                        None,
                        pkt,
                        format!("both tunnels of {connection} are down"),
                        "bring a tunnel up or add a Direct Connect path".into(),
                    ));
                }
                let cgw = vpn.customer_gateway.clone();
                self.deliver_onprem_via(connection, HopKind::VpnConnection, pkt, |n| {
                    n.customer_gateway.as_deref() == Some(cgw.as_str())
                })
            }
            TgwAttachmentKind::DxGateway { dx_gateway } => {
                let links = an.onprem_links();
                let link = links.iter().find(|l| {
                    l.dx && l.up
                        && l.lands.contains(&LinkEnd::DxgwTgw(dx_gateway.clone()))
                        && l.prefixes.iter().any(|c| v4_contains(c, pkt.dst))
                });
                match link {
                    Some(l) => {
                        let nets = l.networks.clone();
                        let name = l.name.clone();
                        self.deliver_onprem_via(&name, HopKind::DxConnection, pkt, |n| nets.contains(&n.name))
                    }
                    None => Err(self.stop(
                        Code::NoOnPremRoute,
                        HopKind::TgwAttachment,
                        &dst_att.name,
                        obj(ObjectKind::DxGateway, dx_gateway),
                        None,
                        pkt,
                        format!("no working Direct Connect link behind {dx_gateway} reaches {}", pkt.dst),
                        "check the Direct Connect connection and its transit VIF".into(),
                    )),
                }
            }
            TgwAttachmentKind::Peering { transit_gateway } => {
                let Some(peer) = an.tgw(transit_gateway) else {
                    return Err(self.missing(transit_gateway, pkt));
                };
                let back = peer
                    .attachments
                    .iter()
                    .find(|a| matches!(&a.kind, TgwAttachmentKind::Peering { transit_gateway: x } if x == t));
                let Some(back) = back else {
                    return Err(self.stop(
                        Code::TgwNoRoute,
                        HopKind::TransitGateway,
                        transit_gateway,
                        obj(ObjectKind::TransitGateway, transit_gateway),
                        None,
                        pkt,
                        format!("{transit_gateway} has no peering attachment back to {t}"),
                        "create the peering attachment on both transit gateways".into(),
                    ));
                };
                let (pt, pa) = (peer.name.clone(), back.name.clone());
                self.hop(
                    HopKind::TransitGateway,
                    &pt,
                    || format!("{t} → {pt} (TGW peering)"),
                    || obj(ObjectKind::TransitGateway, &pt),
                    None,
                    pkt,
                    pkt,
                );
                self.tgw_route(&pt, &pa, pkt, None)
            }
        }
    }

    /// The packet leaves the TGW into VPC `v` through attachment subnet `ts`.
    fn enter_from_tgw(&mut self, v: usize, ts: usize, pkt: Packet) -> Step {
        let an = self.an;
        let in_vpc = an.vpcs[v].cidrs.iter().any(|c| c.contains(&pkt.dst));
        // The attachment subnet's route table matters only when the destination is
        // outside the VPC or its local route is overridden (inspection / egress VPCs).
        let local = an.subnets[ts]
            .rt
            .and_then(|r| an.rts[r].lookup(pkt.dst))
            .is_some_and(|r| r.target == RouteTarget::Local);
        if in_vpc && local {
            let dst_subnet = an.subnet_in_vpc(v, pkt.dst);
            if dst_subnet != Some(ts) {
                self.nacl_check(ts, Direction::Outbound, pkt, None)?;
            }
            return self.deliver_in_vpc(v, pkt, Some(ts));
        }
        self.nacl_check(ts, Direction::Outbound, pkt, None)?;
        self.route(ts, pkt, Origin::Tgw)
    }

    // ------------------------------------------------------------------
    // VGW, VPN, Direct Connect, on-prem

    fn vgw_out(&mut self, v: usize, g: &str, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let vname = an.vpcs[v].name.clone();
        if origin == Origin::Tgw || !an.vpcs[v].cidrs.iter().any(|c| c.contains(&pkt.src)) {
            return Err(self.stop(
                Code::EdgeToEdge,
                HopKind::VpnGateway,
                g,
                obj(ObjectKind::VpnGateway, g),
                None,
                pkt,
                format!("{g} only carries traffic from {vname}'s own addresses"),
                "attach the other network to the VPN directly (or use a transit gateway)".into(),
            ));
        }
        self.hop(
            HopKind::VpnGateway,
            g,
            || format!("{g}: {vname} → on-premises"),
            || obj(ObjectKind::VpnGateway, g),
            None,
            pkt,
            pkt,
        );
        self.vgw_to_onprem(g, pkt)
    }

    /// Chooses the VPN or DX link of VGW `g` for the destination: longest
    /// prefix, then Direct Connect over VPN for the same prefix.
    fn vgw_to_onprem(&mut self, g: &str, pkt: Packet) -> Step {
        let an = self.an;
        let links = an.onprem_links();
        let lands = LinkEnd::Vgw(g.to_string());
        let mut best: Option<(&Link, u8)> = None;
        let mut down: Option<&Link> = None;
        for l in links.iter().filter(|l| l.lands.contains(&lands)) {
            let Some(plen) = l
                .prefixes
                .iter()
                .filter(|c| v4_contains(c, pkt.dst))
                .map(|c| c.prefix_len())
                .max()
            else {
                continue;
            };
            if !l.up {
                down = Some(l);
                continue;
            }
            let better = match best {
                None => true,
                Some((b, bl)) => plen > bl || (plen == bl && l.dx && !b.dx),
            };
            if better {
                best = Some((l, plen));
            }
        }
        let Some((link, _)) = best else {
            if let Some(l) = down {
                let n = l.name.clone();
                let kind = if l.dx {
                    HopKind::DxConnection
                } else {
                    HopKind::VpnConnection
                };
                return Err(self.stop(
                    Code::VpnDown,
                    kind,
                    &n,
                    None,
                    None,
                    pkt,
                    format!("{n} is down"),
                    "restore the link or add a redundant VPN / Direct Connect connection".into(),
                ));
            }
            return Err(self.stop(
                Code::NoOnPremRoute,
                HopKind::VpnGateway,
                g,
                obj(ObjectKind::VpnGateway, g),
                None,
                pkt,
                format!("no VPN or Direct Connect link of {g} carries {}", pkt.dst),
                "add the on-prem prefix to the VPN's static routes or advertise it over BGP".into(),
            ));
        };
        let nets = link.networks.clone();
        let name = link.name.clone();
        let kind = if link.dx {
            HopKind::DxConnection
        } else {
            HopKind::VpnConnection
        };
        if link.dx {
            let has_vpn = links.iter().any(|l| {
                !l.dx && l.up && l.lands.contains(&lands) && l.prefixes.iter().any(|c| v4_contains(c, pkt.dst))
            });
            if has_vpn {
                self.note(|| format!("{name}: Direct Connect is preferred over the VPN for the same prefix"));
            }
        }
        self.deliver_onprem_via(&name, kind, pkt, |n| nets.contains(&n.name))
    }

    fn deliver_onprem_via(
        &mut self,
        link: &str,
        kind: HopKind,
        pkt: Packet,
        f: impl Fn(&crate::model::OnPremNetwork) -> bool,
    ) -> Step {
        let an = self.an;
        let objk = if kind == HopKind::DxConnection {
            ObjectKind::DxConnection
        } else {
            ObjectKind::VpnConnection
        };
        let net =
            an.d.onprem_networks
                .iter()
                .filter(|n| f(n))
                .find(|n| n.cidrs.iter().any(|c| v4_contains(c, pkt.dst)));
        let Some(net) = net else {
            return Err(self.stop(
                Code::NoOnPremRoute,
                kind,
                link,
                obj(objk, link),
                None,
                pkt,
                format!("no on-prem network behind {link} holds {}", pkt.dst),
                "add the address to an on-premises network".into(),
            ));
        };
        let nn = net.name.clone();
        self.hop(
            kind,
            link,
            || format!("{link} → {nn}"),
            || obj(objk, link),
            None,
            pkt,
            pkt,
        );
        Ok(Arrival {
            place: Place::OnPrem(nn),
            pkt,
        })
    }

    /// A packet from on-prem network `n`: over Direct Connect (preferred) or
    /// VPN to a VGW or TGW, or over the internet when it has no private link.
    fn send_from_onprem(&mut self, n: &str, pkt: Packet) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        let links = an.onprem_links();
        let mine: Vec<&Link> = links.iter().filter(|l| l.networks.iter().any(|x| x == n)).collect();
        if mine.is_empty() {
            if is_public(pkt.src) {
                self.hop(
                    HopKind::Internet,
                    "internet",
                    || format!("{n} has no VPN or Direct Connect: over the internet"),
                    || None,
                    None,
                    pkt,
                    pkt,
                );
                return self.send_from_internet(pkt);
            }
            return Err(self.stop(
                Code::NoOnPremRoute,
                HopKind::OnPrem,
                n,
                obj(ObjectKind::OnPremNetwork, n),
                None,
                pkt,
                format!("{n} uses private addresses and has no VPN or Direct Connect connection"),
                format!("connect {n} with a site-to-site VPN or Direct Connect"),
            ));
        }
        // Which AWS gateway can deliver the destination?
        let dst_vpc = an.vpc_of_ip(pkt.dst);
        let mut candidates: Vec<(&Link, &LinkEnd)> = Vec::new();
        for l in &mine {
            for end in &l.lands {
                let ok = match end {
                    LinkEnd::Vgw(g) => {
                        let vgw_vpc = an.idx.vpn_gateway(an.d, g).and_then(|x| x.vpc.clone());
                        let to_vpc = dst_vpc.is_some_and(|v| vgw_vpc.as_deref() == Some(an.vpcs[v].name.as_str()));
                        // CloudHub: another site behind the same VGW.
                        let to_site = links.iter().any(|o| {
                            o.name != l.name
                                && o.lands.contains(end)
                                && o.prefixes.iter().any(|c| v4_contains(c, pkt.dst))
                        });
                        to_vpc || to_site
                    }
                    LinkEnd::Tgw(_) | LinkEnd::DxgwTgw(_) => true,
                };
                if ok {
                    candidates.push((l, end));
                }
            }
        }
        // Prefer links that are up, then Direct Connect over VPN.
        candidates.sort_by_key(|(l, _)| (!l.up, !l.dx));
        let Some(&(link, end)) = candidates.first() else {
            return Err(self.stop(
                Code::NoOnPremRoute,
                HopKind::OnPrem,
                n,
                obj(ObjectKind::OnPremNetwork, n),
                None,
                pkt,
                format!("no VPN or Direct Connect link of {n} leads to {}", pkt.dst),
                "attach the destination VPC's VGW (or a TGW) to the on-prem link".into(),
            ));
        };
        let kind = if link.dx {
            HopKind::DxConnection
        } else {
            HopKind::VpnConnection
        };
        let objk = if link.dx {
            ObjectKind::DxConnection
        } else {
            ObjectKind::VpnConnection
        };
        let lname = link.name.clone();
        if !link.up {
            return Err(self.stop(
                Code::VpnDown,
                kind,
                &lname,
                obj(objk, &lname),
                None,
                pkt,
                format!("{lname} is down"),
                "restore the link or add a redundant connection".into(),
            ));
        }
        self.hop(
            kind,
            &lname,
            || format!("{n} → AWS over {lname}"),
            || obj(objk, &lname),
            None,
            pkt,
            pkt,
        );
        match end.clone() {
            LinkEnd::Vgw(g) => {
                let vgw_vpc = an.idx.vpn_gateway(an.d, &g).and_then(|x| x.vpc.clone());
                let v = vgw_vpc.as_deref().and_then(|x| an.vpc_by_name.get(x).copied());
                if let Some(v) = v {
                    if an.vpcs[v].cidrs.iter().any(|c| c.contains(&pkt.dst)) {
                        let vn = an.vpcs[v].name.clone();
                        self.hop(
                            HopKind::VpnGateway,
                            &g,
                            || format!("{g}: into {vn}"),
                            || obj(ObjectKind::VpnGateway, &g),
                            None,
                            pkt,
                            pkt,
                        );
                        // Entering from a VGW: delivered by the VPC router (no route-table hop).
                        return self.deliver_in_vpc(v, pkt, None);
                    }
                }
                self.hop(
                    HopKind::VpnGateway,
                    &g,
                    || format!("{g}: CloudHub to another site"),
                    || obj(ObjectKind::VpnGateway, &g),
                    None,
                    pkt,
                    pkt,
                );
                self.vgw_to_onprem(&g, pkt)
            }
            LinkEnd::Tgw(t) => {
                let att = an.idx.transit_gateway(an.d, &t).and_then(|tg| {
                    tg.attachments
                        .iter()
                        .find(|a| matches!(&a.kind, TgwAttachmentKind::Vpn { connection } if *connection == lname))
                        .map(|a| a.name.clone())
                });
                match att {
                    Some(a) => self.tgw_route(&t, &a, pkt, None),
                    None => Err(self.stop(
                        Code::TgwNoAssociation,
                        HopKind::TransitGateway,
                        &t,
                        obj(ObjectKind::TransitGateway, &t),
                        None,
                        pkt,
                        format!("{t} has no attachment for {lname}"),
                        format!("attach {lname} to {t}"),
                    )),
                }
            }
            LinkEnd::DxgwTgw(g) => {
                let hit = an.d.transit_gateways.iter().find_map(|tg| {
                    tg.attachments
                        .iter()
                        .find(|a| matches!(&a.kind, TgwAttachmentKind::DxGateway { dx_gateway } if *dx_gateway == g))
                        .map(|a| (tg.name.clone(), a.name.clone()))
                });
                match hit {
                    Some((t, a)) => self.tgw_route(&t, &a, pkt, None),
                    None => Err(self.stop(
                        Code::TgwNoAssociation,
                        HopKind::TransitGateway,
                        &g,
                        obj(ObjectKind::DxGateway, &g),
                        None,
                        pkt,
                        format!("Direct Connect gateway {g} is not attached to a transit gateway"),
                        format!("attach {g} to a transit gateway"),
                    )),
                }
            }
        }
    }

    // ------------------------------------------------------------------
    // Gateway endpoints

    fn gateway_endpoint(&mut self, v: usize, ep: &str, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let Some(e) = an.idx.endpoint(an.d, ep) else {
            return Err(self.missing(ep, pkt));
        };
        if origin == Origin::Tgw || !an.vpcs[v].cidrs.iter().any(|c| c.contains(&pkt.src)) {
            return Err(self.stop(
                Code::EndpointNotUsableFromOutside,
                HopKind::GatewayEndpoint,
                ep,
                obj(ObjectKind::Endpoint, ep),
                None,
                pkt,
                format!("gateway endpoint {ep} cannot be used by traffic from outside its VPC (peering, TGW, VPN, DX)"),
                format!("use an interface endpoint for {} to serve other networks", e.service),
            ));
        }
        if !matches!(pkt.proto, Protocol::Tcp | Protocol::Icmp) {
            return Err(self.stop(
                Code::EndpointProtocol,
                HopKind::GatewayEndpoint,
                ep,
                obj(ObjectKind::Endpoint, ep),
                None,
                pkt,
                format!("gateway endpoint {ep} carries only TCP and ICMP, not {}", pkt.proto),
                "use TCP".into(),
            ));
        }
        let svc = e.service.clone();
        self.hop(
            HopKind::GatewayEndpoint,
            ep,
            || format!("{ep}: to {svc} (gateway endpoint)"),
            || obj(ObjectKind::Endpoint, ep),
            None,
            pkt,
            pkt,
        );
        Ok(Arrival {
            place: Place::Service(svc, Some((v, ep.to_string()))),
            pkt,
        })
    }

    // ------------------------------------------------------------------
    // Load balancers

    /// Ends a trace at a load balancer before the client's packet gets in:
    /// `stop` is the code, message and hint.
    fn stop_at_lb_entry(
        &mut self,
        src: &Source,
        lb: &str,
        q: &Query,
        sport: u16,
        dport: u16,
        (code, message, hint): (Code, String, String),
    ) -> RunOut {
        let p = Packet {
            src: src.addr,
            dst: src.addr,
            proto: q.proto,
            sport,
            dport,
        };
        self.start_hop(src, p);
        let s = self.stop(
            code,
            HopKind::LoadBalancer,
            lb,
            obj(ObjectKind::LoadBalancer, lb),
            None,
            p,
            message,
            hint,
        );
        self.finish(Some(s), sport)
    }

    fn run_lb(
        &mut self,
        src: &Source,
        lb: &str,
        q: &Query,
        sport: u16,
        dport: u16,
        v6: bool,
    ) -> Result<RunOut, QueryError> {
        let an = self.an;
        let Some(l) = an.idx.load_balancer(an.d, lb) else {
            return Err(QueryError::Invalid(lb.into(), "load balancer not found".into()));
        };
        // The LB node in the client's AZ if there is one, else the first.
        let client_az = match &src.at {
            Start::Eni(e) => an.eni_subnet[*e].map(|s| an.subnets[s].az.clone()),
            Start::SubnetHost(s) => Some(an.subnets[*s].az.clone()),
            _ => None,
        };
        let nodes: Vec<usize> = l
            .subnets
            .iter()
            .filter_map(|s| an.eni_index(&EniOwner::LoadBalancer(lb.into(), s.clone())))
            .filter(|&e| !an.eni_down(e))
            .collect();
        let node = nodes
            .iter()
            .copied()
            .find(|&e| client_az.is_some() && an.eni_subnet[e].map(|s| an.subnets[s].az.clone()) == client_az)
            .or_else(|| nodes.first().copied());
        let Some(node) = node else {
            let stop = (
                Code::LbNoTarget,
                format!("{lb} has no available node"),
                "place the load balancer in subnets of available AZs".to_string(),
            );
            return Ok(self.stop_at_lb_entry(src, lb, q, sport, dport, stop));
        };
        let public = matches!(src.at, Start::Internet | Start::OnPrem(_)) && !src.private_reach_to(an, node);
        let node_eni = &an.idx.enis[node];
        let addr = if public {
            match node_eni.public_ip {
                Some(p) if l.scheme == LoadBalancerScheme::InternetFacing => IpAddr::V4(p),
                _ => {
                    let stop = (
                        Code::NoPublicIp,
                        format!("{lb} is internal: it has no public address"),
                        "make the load balancer internet-facing".to_string(),
                    );
                    return Ok(self.stop_at_lb_entry(src, lb, q, sport, dport, stop));
                }
            }
        } else {
            IpAddr::V4(node_eni.private_ip)
        };
        let _ = v6;
        let pkt = Packet {
            src: src.addr,
            dst: addr,
            proto: q.proto,
            sport,
            dport,
        };
        // Leg 1: client → LB node.
        self.leg = Leg::Forward;
        self.start_hop(src, pkt);
        let arrival = match self.launch(src, pkt) {
            Ok(a) => a,
            Err(s) => return Ok(self.finish(Some(s), sport)),
        };
        if arrival.place != Place::Eni(node) {
            let s = self.stop(
                Code::NoHost,
                HopKind::LoadBalancer,
                lb,
                obj(ObjectKind::LoadBalancer, lb),
                None,
                arrival.pkt,
                format!("the packet for {lb} was delivered elsewhere"),
                String::new(),
            );
            return Ok(self.finish(Some(s), sport));
        }
        let listener = l
            .listeners
            .iter()
            .find(|x| x.port == dport && (x.proto.matches(q.proto) || q.proto.matches(x.proto)));
        let Some(listener) = listener.cloned() else {
            let s = self.stop(
                Code::LbNoListener,
                HopKind::LoadBalancer,
                lb,
                obj(ObjectKind::LoadBalancer, lb),
                None,
                arrival.pkt,
                format!("{lb} has no listener for {} {dport}", q.proto),
                format!("add a listener on {} {dport} to {lb}", q.proto),
            );
            return Ok(self.finish(Some(s), sport));
        };
        let node_ip = IpAddr::V4(node_eni.private_ip);
        if l.kind == crate::model::LoadBalancerKind::Network {
            // An NLB preserves the client's IP for instance targets by default (ELB guide,
            // client IP preservation; RA additional detail ASSUMPTION_PRESERVE_CLIENT_IP_*,
            // reference §1.2): the targets' SGs and NACLs then see the client, not the node.
            // This trace models the node as the source, so say what it does not check.
            let client = arrival.pkt.src;
            self.note(|| {
                format!(
                    "{lb} is a Network Load Balancer: with client IP preservation (the default for instance targets) \
                     targets see {client}, not {node_ip}; this trace checks {node_ip}, so make sure the targets' \
                     security groups and NACLs also admit {client}"
                )
            });
        }
        // Leg 2: the LB opens a new connection to a target (first reachable target wins).
        let mut first_fail: Option<TargetFailure> = None;
        let client_hops = std::mem::take(&mut self.hops);
        let client_notes = self.notes.clone();
        let mut chosen: Option<(Vec<Hop>, Vec<Hop>)> = None;
        for t in &l.targets {
            let Some(te) = an.eni_index(&EniOwner::Instance(t.clone())) else {
                continue;
            };
            let target_ip = IpAddr::V4(an.idx.enis[te].private_ip);
            let tpkt = Packet {
                src: node_ip,
                dst: target_ip,
                proto: listener.proto,
                sport: lb_source_port(an, node, te, node_ip, target_ip, listener.proto),
                dport: listener.target_port,
            };
            self.leg = Leg::Forward;
            self.hops.clear();
            self.steps = 0;
            self.sg_ident = true;
            let lb_name = lb.to_string();
            let tname = t.clone();
            let tport = listener.target_port;
            self.hop(
                HopKind::LoadBalancer,
                lb,
                || {
                    format!(
                        "{lb_name}: listener {} {} → target {tname}:{tport}",
                        listener.proto, listener.port
                    )
                },
                || obj(ObjectKind::LoadBalancer, &lb_name),
                None,
                arrival.pkt,
                tpkt,
            );
            let node_src = Source {
                at: Start::Eni(node),
                addr: node_ip,
                ephemeral: (PortRange::EPHEMERAL, tpkt.sport),
            };
            let dest = Dest {
                addr: tpkt.dst,
                expect: Expect::Eni(te),
            };
            // The LB is the client of this leg and picks its source port from
            // 1024–65535 (VPC-UG NACL ephemeral ports: "ELB: 1024–65535", reference
            // §3.12), so warn when a NACL on the reply path admits only part of it.
            let saved_range = self.client_range.replace((node_src.ephemeral.0, node_ip, tpkt.sport));
            let r = (|| -> Result<(), Box<Stop>> {
                let a = self.launch(&node_src, tpkt)?;
                self.accept_arrival(&dest, &a)?;
                self.fwd_hops = std::mem::take(&mut self.hops);
                self.leg = Leg::Return;
                self.steps = 0;
                let reply = a.pkt.reply();
                self.reply_start_hop(&a, reply);
                let back = self.launch_reply(&a, reply)?;
                self.accept_reply(&node_src, tpkt, &back)?;
                Ok(())
            })();
            self.client_range = saved_range;
            match r {
                Ok(()) => {
                    let fwd = std::mem::take(&mut self.fwd_hops);
                    let ret = std::mem::take(&mut self.hops);
                    chosen = Some((fwd, ret));
                    break;
                }
                Err(stop) => {
                    if first_fail.is_none() {
                        let (fwd, ret) = if self.leg == Leg::Forward {
                            (std::mem::take(&mut self.hops), Vec::new())
                        } else {
                            (std::mem::take(&mut self.fwd_hops), std::mem::take(&mut self.hops))
                        };
                        first_fail = Some((fwd, ret, self.notes.clone(), stop, self.leg));
                    }
                }
            }
        }
        let Some((t_fwd, t_ret)) = chosen else {
            let mut fwd = client_hops;
            let Some((f, r, notes, stop, leg)) = first_fail else {
                self.hops = fwd;
                self.notes = client_notes;
                self.leg = Leg::Forward;
                let s = self.stop(
                    Code::LbNoTarget,
                    HopKind::LoadBalancer,
                    lb,
                    obj(ObjectKind::LoadBalancer, lb),
                    None,
                    arrival.pkt,
                    format!("{lb} has no registered targets"),
                    format!("register targets with {lb}"),
                );
                return Ok(self.finish(Some(s), sport));
            };
            self.notes = notes;
            fwd.extend(f);
            self.fwd_hops = fwd;
            self.hops = r;
            self.leg = leg;
            return Ok(RunOut {
                blocked: Some(Blocked {
                    component: stop.component,
                    kind: stop.kind,
                    object: stop.object,
                    direction: stop.direction,
                    leg,
                    code: stop.code,
                    message: stop.message,
                    hint: stop.hint,
                }),
                sport,
            });
        };
        let mut fwd = client_hops;
        fwd.extend(t_fwd);
        // Leg 1 return: the LB node replies to the client.
        self.leg = Leg::Return;
        self.steps = 0;
        self.hops = t_ret;
        self.sg_ident = true;
        let reply = arrival.pkt.reply();
        self.reply_start_hop(&arrival, reply);
        let r = self
            .launch_reply(&arrival, reply)
            .and_then(|back| self.accept_reply(src, pkt, &back));
        self.fwd_hops = fwd;
        let blocked = r.err().map(|s| Blocked {
            component: s.component,
            kind: s.kind,
            object: s.object,
            direction: s.direction,
            leg: Leg::Return,
            code: s.code,
            message: s.message,
            hint: s.hint,
        });
        Ok(RunOut { blocked, sport })
    }

    // ------------------------------------------------------------------
    // Endpoint resolution

    fn resolve_source(&mut self, from: &Endpoint, v6: bool, text: &str) -> Result<Source, QueryError> {
        let an = self.an;
        let linux = (PortRange { from: 32768, to: 60999 }, 40000);
        let windows = (PortRange { from: 49152, to: 65535 }, 50000);
        let generic = (PortRange::EPHEMERAL, 40000);
        match from {
            Endpoint::Eni { owner, name } => {
                if let EniOwner::Endpoint(..) = owner {
                    // RA VPCE_INTRA_VPC_TRAFFIC: an endpoint cannot initiate connections.
                    return Err(QueryError::NotAnEndpoint {
                        name: name.clone(),
                        kind: "interface endpoint".into(),
                        role: "source",
                        why: "an interface endpoint only answers connections; trace to it instead".into(),
                    });
                }
                let e = an
                    .eni_index(owner)
                    .ok_or_else(|| QueryError::Invalid(name.clone(), "has no network interface".into()))?;
                let eni = &an.idx.enis[e];
                let addr = if v6 {
                    IpAddr::V6(eni.ipv6.ok_or_else(|| {
                        QueryError::Invalid(name.clone(), "has no IPv6 address for an IPv6 query".into())
                    })?)
                } else {
                    IpAddr::V4(eni.private_ip)
                };
                let eph = match &eni.owner {
                    EniOwner::Instance(i) | EniOwner::SecondaryInterface(i, _) => {
                        match an.pos(ObjectKind::Instance, i).map(|x| an.d.instances[x].os) {
                            Some(OsFamily::Windows) => windows,
                            _ => linux,
                        }
                    }
                    _ => generic,
                };
                Ok(Source {
                    at: Start::Eni(e),
                    addr,
                    ephemeral: eph,
                })
            }
            Endpoint::LoadBalancer(lb) => {
                let l = an
                    .idx
                    .load_balancer(an.d, lb)
                    .ok_or_else(|| QueryError::Invalid(lb.clone(), "load balancer not found".into()))?;
                let e = l
                    .subnets
                    .iter()
                    .find_map(|s| an.eni_index(&EniOwner::LoadBalancer(lb.clone(), s.clone())))
                    .ok_or_else(|| QueryError::Invalid(lb.clone(), "the load balancer has no subnet".into()))?;
                Ok(Source {
                    at: Start::Eni(e),
                    addr: IpAddr::V4(an.idx.enis[e].private_ip),
                    ephemeral: generic,
                })
            }
            Endpoint::Subnet(s) => {
                let si = *an
                    .subnet_by_name
                    .get(s)
                    .ok_or_else(|| QueryError::Invalid(s.clone(), "subnet not found".into()))?;
                let addr = subnet_host(&an.subnets[si], v6)
                    .ok_or_else(|| QueryError::Invalid(s.clone(), "the subnet has no IPv6 block".into()))?;
                Ok(Source {
                    at: Start::SubnetHost(si),
                    addr,
                    ephemeral: linux,
                })
            }
            Endpoint::Internet(ip) => Ok(Source {
                at: Start::Internet,
                addr: *ip,
                ephemeral: generic,
            }),
            Endpoint::OnPrem { network, ip } => Ok(Source {
                at: Start::OnPrem(network.clone()),
                addr: *ip,
                ephemeral: generic,
            }),
            Endpoint::Service(s) => Err(QueryError::NotAnEndpoint {
                name: s.clone(),
                kind: "AWS service".into(),
                role: "source",
                why: "services answer connections but do not open them; trace to the service instead".into(),
            }),
            Endpoint::Ip(ip) => {
                if let Some(&e) = an.eni_by_ip.get(ip).and_then(|v| v.first()) {
                    return Ok(Source {
                        at: Start::Eni(e),
                        addr: *ip,
                        ephemeral: generic,
                    });
                }
                if let Some(v) = an.vpc_of_ip(*ip) {
                    if let Some(s) = an.subnet_in_vpc(v, *ip) {
                        return Ok(Source {
                            at: Start::SubnetHost(s),
                            addr: *ip,
                            ephemeral: linux,
                        });
                    }
                }
                if let IpAddr::V4(a) = ip {
                    if let Some(n) =
                        an.d.onprem_networks
                            .iter()
                            .find(|n| n.cidrs.iter().any(|c| c.contains(a)))
                    {
                        return Ok(Source {
                            at: Start::OnPrem(n.name.clone()),
                            addr: *ip,
                            ephemeral: generic,
                        });
                    }
                }
                if is_public(*ip) {
                    return Ok(Source {
                        at: Start::Internet,
                        addr: *ip,
                        ephemeral: generic,
                    });
                }
                Err(QueryError::Invalid(
                    text.into(),
                    "the address is in no subnet, on-prem network or the internet".into(),
                ))
            }
        }
    }

    fn resolve_dest(&mut self, src: &Source, to: &Endpoint, v6: bool, text: &str) -> Result<Dest, DestErr> {
        let an = self.an;
        match to {
            Endpoint::Eni { owner, name } => {
                let e = an.eni_index(owner).ok_or_else(|| {
                    DestErr::Query(QueryError::Invalid(name.clone(), "has no network interface".into()))
                })?;
                self.dest_eni(src, e, v6)
            }
            Endpoint::LoadBalancer(_) => Err(DestErr::Query(QueryError::Invalid(text.into(), "load balancer".into()))),
            Endpoint::Subnet(s) => {
                let si = *an
                    .subnet_by_name
                    .get(s)
                    .ok_or_else(|| DestErr::Query(QueryError::Invalid(s.clone(), "subnet not found".into())))?;
                let addr = subnet_host(&an.subnets[si], v6).ok_or_else(|| {
                    DestErr::Query(QueryError::Invalid(s.clone(), "the subnet has no IPv6 block".into()))
                })?;
                Ok(Dest {
                    addr,
                    expect: Expect::SubnetHost(si),
                })
            }
            Endpoint::Internet(ip) => Ok(Dest {
                addr: *ip,
                expect: Expect::Internet,
            }),
            Endpoint::OnPrem { network, ip } => Ok(Dest {
                addr: *ip,
                expect: Expect::OnPrem(network.clone()),
            }),
            Endpoint::Service(svc) => {
                // An interface endpoint with private DNS in the source VPC answers for the service.
                let src_vpc = match &src.at {
                    Start::Eni(e) => an.eni_vpc(*e),
                    Start::SubnetHost(s) => Some(an.subnets[*s].vpc),
                    _ => None,
                };
                let src_az = match &src.at {
                    Start::Eni(e) => an.eni_subnet[*e].map(|s| an.subnets[s].az.clone()),
                    Start::SubnetHost(s) => Some(an.subnets[*s].az.clone()),
                    _ => None,
                };
                if let Some(v) = src_vpc {
                    let vname = &an.vpcs[v].name;
                    for ep in
                        an.d.endpoints
                            .iter()
                            .filter(|ep| &ep.vpc == vname && &ep.service == svc)
                    {
                        if let crate::model::EndpointKind::Interface {
                            subnets, private_dns, ..
                        } = &ep.kind
                        {
                            if !private_dns {
                                continue;
                            }
                            let pick = subnets
                                .iter()
                                .find(|s| an.subnet_by_name.get(*s).map(|&i| an.subnets[i].az.clone()) == src_az)
                                .or(subnets.first());
                            if let Some(sn) = pick {
                                if let Some(e) = an.eni_index(&EniOwner::Endpoint(ep.name.clone(), sn.clone())) {
                                    let epn = ep.name.clone();
                                    self.note(|| format!("{svc} resolves to interface endpoint {epn} (private DNS)"));
                                    return Ok(Dest {
                                        addr: IpAddr::V4(an.idx.enis[e].private_ip),
                                        expect: Expect::Eni(e),
                                    });
                                }
                            }
                        }
                    }
                }
                Ok(Dest {
                    addr: service_address(an.d, svc),
                    expect: Expect::Service(svc.clone()),
                })
            }
            Endpoint::Ip(ip) => {
                // The Amazon DNS resolver sits at the VPC's primary CIDR base + 2, and NACLs
                // and SGs cannot block traffic to it (VPC-UG network ACLs; reference §3.11,
                // VR §17). The engine has no resolver node, so it would wrongly walk the
                // packet through NACLs to a "subnet host": refuse instead of a wrong verdict.
                if let IpAddr::V4(a) = ip {
                    if let Some(v) =
                        an.d.vpcs
                            .iter()
                            .find(|v| u32::from(v.cidr.network()).wrapping_add(2) == u32::from(*a))
                    {
                        return Err(DestErr::Query(QueryError::Invalid(
                            text.into(),
                            format!(
                                "{a} is the Amazon DNS resolver of {} (VPC base + 2); network ACLs and security groups \
                                 cannot block DNS traffic to it, so it is not traced",
                                v.name
                            ),
                        )));
                    }
                }
                if let Some(&e) = an.eni_by_ip.get(ip).and_then(|v| v.first()) {
                    return Ok(Dest {
                        addr: *ip,
                        expect: Expect::Eni(e),
                    });
                }
                if let IpAddr::V4(a) = ip {
                    if let Some(&e) = an.eni_by_public.get(a) {
                        return Ok(Dest {
                            addr: *ip,
                            expect: Expect::Eni(e),
                        });
                    }
                }
                if let Some(v) = an.vpc_of_ip(*ip) {
                    if let Some(s) = an.subnet_in_vpc(v, *ip) {
                        return Ok(Dest {
                            addr: *ip,
                            expect: Expect::SubnetHost(s),
                        });
                    }
                }
                if let IpAddr::V4(a) = ip {
                    if let Some(n) =
                        an.d.onprem_networks
                            .iter()
                            .find(|n| n.cidrs.iter().any(|c| c.contains(a)))
                    {
                        return Ok(Dest {
                            addr: *ip,
                            expect: Expect::OnPrem(n.name.clone()),
                        });
                    }
                }
                if let Some(s) = service_at(an.d, *ip) {
                    return Ok(Dest {
                        addr: *ip,
                        expect: Expect::Service(s),
                    });
                }
                if is_public(*ip) {
                    return Ok(Dest {
                        addr: *ip,
                        expect: Expect::Internet,
                    });
                }
                Err(DestErr::Query(QueryError::Invalid(
                    text.into(),
                    "the address is in no subnet, on-prem network or the internet".into(),
                )))
            }
        }
    }

    /// The address a source uses for ENI `e`: private when it has a private
    /// path (same VPC, peering, TGW, VPN/DX), else the public address.
    fn dest_eni(&mut self, src: &Source, e: usize, v6: bool) -> Result<Dest, DestErr> {
        let an = self.an;
        let eni = &an.idx.enis[e];
        let name = || an.eni_name(e);
        if v6 {
            let Some(a) = eni.ipv6 else {
                // No IPv6 address to aim at: the packet shows the unspecified address `::`.
                return Err(DestErr::Blocked(
                    Box::new(Stop {
                        code: Code::NoHost,
                        kind: an.eni_kind(e),
                        component: name(),
                        object: Some(eni.owner.object()),
                        direction: None,
                        message: format!("{} has no IPv6 address", name()),
                        hint: format!("give {} an IPv6 address (its subnet needs an IPv6 block)", name()),
                    }),
                    IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
                ));
            };
            return Ok(Dest {
                addr: IpAddr::V6(a),
                expect: Expect::Eni(e),
            });
        }
        if src.private_reach_to(an, e) {
            return Ok(Dest {
                addr: IpAddr::V4(eni.private_ip),
                expect: Expect::Eni(e),
            });
        }
        match eni.public_ip {
            Some(p) => Ok(Dest {
                addr: IpAddr::V4(p),
                expect: Expect::Eni(e),
            }),
            None => {
                let from_internet = matches!(src.at, Start::Internet | Start::OnPrem(_));
                if !from_internet {
                    // No private path and no public address: try the private address and let routing explain.
                    return Ok(Dest {
                        addr: IpAddr::V4(eni.private_ip),
                        expect: Expect::Eni(e),
                    });
                }
                Err(DestErr::Blocked(
                    Box::new(Stop {
                        code: Code::NoPublicIp,
                        kind: an.eni_kind(e),
                        component: name(),
                        object: Some(eni.owner.object()),
                        direction: None,
                        message: format!(
                            "{} has only the private address {}, which is not reachable from the internet",
                            name(),
                            eni.private_ip
                        ),
                        hint: format!(
                        "give {} a public IP or Elastic IP in a public subnet, or put a load balancer in front of it",
                        name()
                    ),
                    }),
                    IpAddr::V4(eni.private_ip),
                ))
            }
        }
    }
}

/// The source port a load balancer node uses toward a target. AWS load balancers pick
/// it from 1024–65535 (VPC-UG NACL ephemeral ports: "ELB: 1024–65535", reference §3.12),
/// so, like the NAT gateway, take a port the stateless NACLs on the reply path admit —
/// the target subnet's outbound and the node subnet's inbound — preferring 40000. When
/// they admit only part of the range the trace is reachable and `check_partial_range`
/// adds the warning; when they admit no port of it, 40000 is kept and the reply is blocked.
fn lb_source_port(
    an: &Analyzer,
    node: usize,
    target: usize,
    node_ip: IpAddr,
    target_ip: IpAddr,
    proto: Protocol,
) -> u16 {
    const PREFERRED: u16 = 40000;
    if !proto.has_ports() {
        return 0;
    }
    let (Some(ns), Some(ts)) = (an.eni_subnet[node], an.eni_subnet[target]) else {
        return PREFERRED;
    };
    if ns == ts {
        return PREFERRED; // NACLs do not apply within one subnet (reference §3.11)
    }
    let admitted = |s: usize, dir: Direction, peer: IpAddr| match an.subnets[s].nacl {
        Some(ni) => an.nacls[ni].allowed_ports(dir, proto, peer, PortRange::EPHEMERAL),
        None => vec![PortRange::EPHEMERAL],
    };
    let out = admitted(ts, Direction::Outbound, node_ip);
    let inb = admitted(ns, Direction::Inbound, target_ip);
    let both: Vec<PortRange> = out
        .iter()
        .flat_map(|a| {
            inb.iter().filter(|b| a.overlaps(**b)).map(move |b| PortRange {
                from: a.from.max(b.from),
                to: a.to.min(b.to),
            })
        })
        .collect();
    if both.is_empty() || both.iter().any(|r| r.contains(PREFERRED)) {
        return PREFERRED;
    }
    both.iter().map(|r| r.from).min().unwrap_or(PREFERRED)
}

enum DestErr {
    Query(QueryError),
    /// The destination cannot be addressed from this source; the address is the packet's
    /// destination to show (the ENI's private IPv4, or `::` when an IPv6 query finds none).
    Blocked(Box<Stop>, IpAddr),
}

#[derive(Debug, Clone)]
enum Start {
    Eni(usize),
    SubnetHost(usize),
    Internet,
    OnPrem(String),
}

#[derive(Debug, Clone)]
struct Source {
    at: Start,
    addr: IpAddr,
    /// The client's ephemeral port range and default source port.
    ephemeral: (PortRange, u16),
}

impl Source {
    /// Whether this source reaches ENI `e` over private addressing.
    fn private_reach_to(&self, an: &Analyzer<'_>, e: usize) -> bool {
        let Some(dv) = an.eni_vpc(e) else {
            return false;
        };
        match &self.at {
            Start::Eni(x) => match an.eni_vpc(*x) {
                Some(sv) => sv == dv || vpcs_connected(an, sv, dv),
                None => false,
            },
            Start::SubnetHost(s) => {
                let sv = an.subnets[*s].vpc;
                sv == dv || vpcs_connected(an, sv, dv)
            }
            Start::Internet => false,
            Start::OnPrem(n) => {
                an.d.onprem_networks
                    .iter()
                    .find(|x| &x.name == n)
                    .is_some_and(|x| x.customer_gateway.is_some() || x.dx_connection.is_some())
            }
        }
    }
}

/// Peered (any state: routing explains inactive ones) or attached to a common TGW.
fn vpcs_connected(an: &Analyzer<'_>, a: usize, b: usize) -> bool {
    an.connected.get(a * an.vpcs.len() + b).copied().unwrap_or(false)
}

#[derive(Debug, Clone)]
struct Dest {
    addr: IpAddr,
    expect: Expect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Eni(usize),
    SubnetHost(usize),
    Internet,
    OnPrem(String),
    Service(String),
}

/// A hypothetical host of a subnet: its last usable IPv4 address (or an IPv6 one).
fn subnet_host(s: &CSubnet, v6: bool) -> Option<IpAddr> {
    for c in &s.cidrs {
        match c {
            IpNet::V4(n) if !v6 => {
                let last = u32::from(n.broadcast()).saturating_sub(1);
                return Some(IpAddr::V4(Ipv4Addr::from(last)));
            }
            IpNet::V6(n) if v6 => {
                let a = u128::from(n.network()) + 0xffff;
                return Some(IpAddr::V6(Ipv6Addr::from(a)));
            }
            _ => {}
        }
    }
    None
}

fn v4_contains(c: &ipnet::Ipv4Net, ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => c.contains(&a),
        IpAddr::V6(_) => false,
    }
}

/// The AWS service whose (representative) address is `ip`.
fn service_at(d: &Design, ip: IpAddr) -> Option<String> {
    for svc in ["s3", "dynamodb"] {
        if crate::model::index::prefix_list_cidrs(d, svc)
            .iter()
            .any(|c| c.contains(&ip))
        {
            return Some(svc.to_string());
        }
    }
    crate::model::AWS_SERVICES
        .iter()
        .find(|s| service_address(d, s) == ip)
        .map(|s| s.to_string())
}

#[derive(Debug, Clone, PartialEq)]
struct TgwRoute {
    cidr: IpNet,
    /// `None` = blackhole.
    target: Option<String>,
    /// Lower wins on equal prefixes: static 0, VPC 1, DX 2, VPN 3, peering 4.
    prio: u8,
    origin: &'static str,
}

/// A TGW route table's routes: static plus propagated (TGW guide, route
/// priority: static > VPC > DX gateway > VPN for the same prefix).
fn tgw_routes(an: &Analyzer<'_>, tgw: &crate::model::TransitGateway, table: &str) -> Vec<TgwRoute> {
    let d = an.d;
    let mut out = Vec::new();
    if let Some(t) = tgw.route_table(table) {
        for r in &t.routes {
            out.push(TgwRoute {
                cidr: r.cidr.trunc(),
                target: match &r.target {
                    TgwRouteTarget::Attachment(a) => Some(a.clone()),
                    TgwRouteTarget::Blackhole => None,
                },
                prio: 0,
                origin: "static",
            });
        }
    }
    for a in &tgw.attachments {
        if !a.propagations.iter().any(|p| p == table) {
            continue;
        }
        match &a.kind {
            TgwAttachmentKind::Vpc { vpc, .. } => {
                if let Some(&v) = an.vpc_by_name.get(vpc) {
                    for c in &an.vpcs[v].cidrs {
                        out.push(TgwRoute {
                            cidr: *c,
                            target: Some(a.name.clone()),
                            prio: 1,
                            origin: "propagated",
                        });
                    }
                }
            }
            TgwAttachmentKind::Vpn { connection } => {
                if let Some(vpn) = d.vpn_connections.iter().find(|c| &c.name == connection) {
                    let prefixes: Vec<ipnet::Ipv4Net> = match &vpn.routing {
                        VpnRouting::Static(r) => r.clone(),
                        VpnRouting::Bgp => d
                            .onprem_networks
                            .iter()
                            .filter(|n| n.customer_gateway.as_deref() == Some(vpn.customer_gateway.as_str()))
                            .flat_map(|n| n.cidrs.iter().copied())
                            .collect(),
                    };
                    for p in prefixes {
                        out.push(TgwRoute {
                            cidr: IpNet::V4(p),
                            target: Some(a.name.clone()),
                            prio: 3,
                            origin: "propagated",
                        });
                    }
                }
            }
            TgwAttachmentKind::DxGateway { dx_gateway } => {
                for dx in &d.dx_connections {
                    let transit = dx
                        .virtual_interfaces
                        .iter()
                        .any(|v| v.kind == VifKind::Transit && v.dx_gateway.as_deref() == Some(dx_gateway.as_str()));
                    if !transit {
                        continue;
                    }
                    for n in d
                        .onprem_networks
                        .iter()
                        .filter(|n| n.dx_connection.as_deref() == Some(dx.name.as_str()))
                    {
                        for c in &n.cidrs {
                            out.push(TgwRoute {
                                cidr: IpNet::V4(*c),
                                target: Some(a.name.clone()),
                                prio: 2,
                                origin: "propagated",
                            });
                        }
                    }
                }
            }
            TgwAttachmentKind::Peering { .. } => {}
        }
    }
    out
}

/// Applies what-if failures to a copy of the design.
pub(crate) fn apply_failures(d: &Design, idx: &DesignIndex, failures: &[Failure]) -> Result<FailedDesign, QueryError> {
    let mut design = d.clone();
    let mut down = Down::default();
    for f in failures {
        match f {
            Failure::AzDown(az) => {
                if !d.azs.contains(az) && !d.subnets.iter().any(|s| &s.az == az) {
                    return Err(QueryError::UnknownFailure {
                        name: az.clone(),
                        suggestions: super::endpoint::closest_among(az, d.azs.iter().map(String::as_str)),
                    });
                }
                let in_az: HashSet<String> = d
                    .subnets
                    .iter()
                    .filter(|s| &s.az == az)
                    .map(|s| s.name.clone())
                    .collect();
                design.nat_gateways.retain(|n| !in_az.contains(&n.subnet));
                for lb in &mut design.load_balancers {
                    lb.subnets.retain(|s| !in_az.contains(s));
                }
                for fw in &mut design.firewalls {
                    fw.subnets.retain(|s| !in_az.contains(s));
                }
                for ep in &mut design.endpoints {
                    if let crate::model::EndpointKind::Interface { subnets, .. } = &mut ep.kind {
                        subnets.retain(|s| !in_az.contains(s));
                    }
                }
                down.azs.push(az.clone());
            }
            Failure::Component(name) => {
                let (base, tunnel) = match name.rsplit_once(':') {
                    Some((b, t)) if t == "1" || t == "2" => (b, Some(t == "2")),
                    _ => (name.as_str(), None),
                };
                let refs = idx.lookup(base);
                let Some(r) = refs.first() else {
                    return Err(QueryError::UnknownFailure {
                        name: name.clone(),
                        suggestions: super::endpoint::closest_names(d, idx, name),
                    });
                };
                match r.kind {
                    ObjectKind::NatGateway => design.nat_gateways.retain(|n| n.name != base),
                    ObjectKind::VpnConnection => {
                        if let Some(c) = design.vpn_connections.iter_mut().find(|c| c.name == base) {
                            match tunnel {
                                Some(second) => c.tunnels_up[usize::from(second)] = false,
                                None => c.tunnels_up = [false, false],
                            }
                        }
                    }
                    ObjectKind::DxConnection => {
                        if let Some(c) = design.dx_connections.iter_mut().find(|c| c.name == base) {
                            c.up = false;
                        }
                    }
                    ObjectKind::Peering => {
                        if let Some(p) = design.peerings.iter_mut().find(|p| p.name == base) {
                            p.status = PeeringStatus::Deleted;
                        }
                    }
                    ObjectKind::InternetGateway => {
                        if let Some(g) = design.internet_gateways.iter_mut().find(|g| g.name == base) {
                            g.vpc = None;
                        }
                    }
                    ObjectKind::VpnGateway => {
                        if let Some(g) = design.vpn_gateways.iter_mut().find(|g| g.name == base) {
                            g.vpc = None;
                        }
                    }
                    ObjectKind::Firewall => design.firewalls.retain(|f| f.name != base),
                    ObjectKind::Endpoint => design.endpoints.retain(|e| e.name != base),
                    ObjectKind::Instance => down.instances.push(r.name.clone()),
                    ObjectKind::TransitGateway => {
                        if r.name == base {
                            design.transit_gateways.retain(|t| t.name != base);
                        } else {
                            for t in &mut design.transit_gateways {
                                t.attachments.retain(|a| a.name != base);
                            }
                        }
                    }
                    ObjectKind::LoadBalancer => design.load_balancers.retain(|l| l.name != base),
                    other => {
                        return Err(QueryError::NotAnEndpoint {
                            name: name.clone(),
                            kind: other.label().into(),
                            role: "failure",
                            why: "fail an AZ, NAT gateway, VPN connection or tunnel (NAME:1), Direct Connect \
                                  connection, peering, gateway, TGW attachment, firewall, endpoint or instance"
                                .into(),
                        })
                    }
                }
            }
        }
    }
    Ok(FailedDesign { design, down })
}
