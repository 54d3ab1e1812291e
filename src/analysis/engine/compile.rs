//! Compiling a design snapshot into lookup tables: route tables as sorted
//! longest-prefix-match tables (VPC User Guide, "Route priority"), address
//! maps from IPs to VPCs, subnets and ENIs, and the [`Analyzer`]'s
//! constructor; plus the small lookups every hop uses.

use super::*;
use crate::model::index::Eni;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct CVpc {
    pub(super) name: String,
    pub(super) cidrs: Vec<IpNet>,
    pub(super) subnets: Vec<usize>,
    pub(super) igw: Option<String>,
    pub(super) eigw: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct CSubnet {
    pub(super) name: String,
    pub(super) vpc: usize,
    pub(super) az: String,
    pub(super) cidrs: Vec<IpNet>,
    pub(super) rt: Option<usize>,
    pub(super) nacl: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct CRoute {
    pub(super) net: IpNet,
    /// Lower wins among equal prefixes: CIDR static/local 0, prefix list 1, propagated 2.
    pub(super) prio: u8,
    pub(super) target: RouteTarget,
    pub(super) origin: RouteOrigin,
    pub(super) blackhole: Option<String>,
    pub(super) dest_text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct CRouteTable {
    pub(super) name: String,
    pub(super) routes: Vec<CRoute>,
}

impl CRouteTable {
    /// Longest-prefix match, then priority (VPC User Guide, route priority).
    pub(super) fn lookup(&self, ip: IpAddr) -> Option<&CRoute> {
        self.routes.iter().find(|r| r.net.contains(&ip))
    }
}

/// Enters interface `i` as a holder of `ip`.
pub(super) fn enter_holder(map: &mut FxMap<IpAddr, Holders>, ip: IpAddr, i: usize) {
    match map.get_mut(&ip) {
        Some(h) => h.insert(i),
        None => {
            map.insert(ip, Holders::One(i));
        }
    }
}

/// The interfaces holding one address, in the index's order: nearly always
/// one (an address repeats only across VPCs with overlapping blocks), held
/// inline so that a pass over every address (positions shifting after an
/// instance is added or removed) reads no memory beyond the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Holders {
    One(usize),
    Many(Vec<usize>),
}

impl Holders {
    /// Adds an interface, keeping the order.
    pub(super) fn insert(&mut self, i: usize) {
        match self {
            Holders::One(j) if *j == i => {}
            Holders::One(j) => *self = Holders::Many(if i < *j { vec![i, *j] } else { vec![*j, i] }),
            Holders::Many(list) => {
                if let Err(at) = list.binary_search(&i) {
                    list.insert(at, i);
                }
            }
        }
    }

    /// Takes an interface out; `true` when none is left.
    pub(super) fn remove(&mut self, i: usize) -> bool {
        match self {
            Holders::One(j) => *j == i,
            Holders::Many(list) => {
                if let Ok(at) = list.binary_search(&i) {
                    list.remove(at);
                }
                match list.as_slice() {
                    [] => true,
                    [only] => {
                        *self = Holders::One(*only);
                        false
                    }
                    _ => false,
                }
            }
        }
    }
}

impl std::ops::Deref for Holders {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        match self {
            Holders::One(i) => std::slice::from_ref(i),
            Holders::Many(list) => list,
        }
    }
}

impl std::ops::DerefMut for Holders {
    fn deref_mut(&mut self) -> &mut [usize] {
        match self {
            Holders::One(i) => std::slice::from_mut(i),
            Holders::Many(list) => list,
        }
    }
}

/// The addresses an interface was entered under in the address maps, so
/// that they can be taken out again without a pass over every address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct EnteredAddresses {
    pub(super) private: Option<Ipv4Addr>,
    pub(super) ipv6: Option<Ipv6Addr>,
    pub(super) public: Option<Ipv4Addr>,
}

impl EnteredAddresses {
    pub(super) fn of(e: &Eni) -> Self {
        EnteredAddresses {
            private: Some(e.private_ip).filter(|ip| !ip.is_unspecified()),
            ipv6: e.ipv6,
            public: e.public_ip,
        }
    }

    /// The addresses for [`Compiled::eni_by_ip`].
    pub(super) fn private_ips(self) -> impl Iterator<Item = IpAddr> {
        self.private
            .map(IpAddr::V4)
            .into_iter()
            .chain(self.ipv6.map(IpAddr::V6))
    }
}

/// The precompiled tables of one design snapshot: route tables as sorted LPM
/// tables, NACLs sorted by rule number, SGs with prefix lists expanded,
/// address maps. Owned, so a workspace can keep it per revision and patch it
/// after an edit ([`Compiled::patch`]) instead of recompiling everything.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    pub(super) vpcs: Vec<CVpc>,
    pub(super) vpc_by_name: FxMap<String, usize>,
    pub(super) subnets: Vec<CSubnet>,
    pub(super) subnet_by_name: FxMap<String, usize>,
    pub(super) rts: Vec<CRouteTable>,
    pub(super) nacls: Vec<CNacl>,
    pub(super) sgs: Vec<CSg>,
    pub(super) sg_by_name: FxMap<String, usize>,
    pub(super) eni_subnet: Vec<Option<usize>>,
    pub(super) eni_by_ip: FxMap<IpAddr, Holders>,
    /// The first interface holding each public address.
    pub(super) eni_by_public: FxMap<Ipv4Addr, usize>,
    /// Each interface's addresses as entered in the two maps above.
    pub(super) eni_addrs: Vec<EnteredAddresses>,
    pub(super) eni_sgs: Vec<Vec<usize>>,
    pub(super) eni_by_owner: FxMap<EniOwner, usize>,
    /// `connected[a * n + b]`: VPCs a and b are peered (any state) or share a TGW.
    pub(super) connected: Vec<bool>,
    /// TGW route table name → routes sorted by prefix length (desc), then priority.
    pub(super) tgw_tables: FxMap<String, Lpm<TgwRoute>>,
    pub(super) vpc_lpm: Lpm<usize>,
    pub(super) names: FxMap<ObjectKind, FxMap<String, usize>>,
    /// Per TGW: attachment by name, and the VPC attachment of each VPC.
    pub(super) tgw_att_by_name: FxMap<String, FxMap<String, usize>>,
    pub(super) tgw_att_by_vpc: FxMap<String, FxMap<usize, usize>>,
    /// NAT gateways in the failed state: name → why (an Elastic IP already in use).
    pub(super) failed_nats: FxMap<String, String>,
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
pub(super) fn compile_route_table(d: &Design, idx: &DesignIndex, rt: &crate::model::RouteTable) -> CRouteTable {
    let mut routes = Vec::new();
    for r in idx.effective_routes(d, rt) {
        let (nets, prio) = match &r.dest {
            RouteDestination::Cidr(c) => (vec![*c], if r.origin == RouteOrigin::Propagated { 2 } else { 0 }),
            RouteDestination::PrefixList(p) => {
                let mut nets = crate::model::index::prefix_list_cidrs(d, p);
                // A dual-stack gateway endpoint's route also covers the service's
                // IPv6 ranges (PrivateLink Guide, "Gateway endpoints", IP address type).
                if let RouteTarget::GatewayEndpoint(ep) = &r.target {
                    if idx.endpoint(d, ep).is_some_and(|e| e.is_dualstack_gateway()) {
                        nets.extend(crate::model::index::prefix_list_cidrs_v6(p));
                    }
                }
                (nets, 1)
            }
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

impl<'a> Analyzer<'a> {
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
        let mut eni_by_ip: FxMap<IpAddr, Holders> = fx_map();
        let mut eni_by_public = fx_map();
        let mut eni_addrs = Vec::with_capacity(idx.enis.len());
        let mut eni_sgs = Vec::with_capacity(idx.enis.len());
        let mut eni_by_owner = fx_map();
        for (i, e) in idx.enis.iter().enumerate() {
            eni_by_owner.insert(e.owner.clone(), i);
            eni_subnet.push(subnet_by_name.get(&e.subnet).copied());
            let addrs = EnteredAddresses::of(e);
            for ip in addrs.private_ips() {
                enter_holder(&mut eni_by_ip, ip, i);
            }
            if let Some(p) = addrs.public {
                eni_by_public.entry(p).or_insert(i);
            }
            eni_addrs.push(addrs);
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
            let vs = t.attached_vpcs();
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
                eni_addrs,
                eni_sgs,
                eni_by_owner,
                connected,
                tgw_tables: fx_map(),
                vpc_lpm: Lpm::default(),
                names: fx_map(),
                tgw_att_by_name: fx_map(),
                tgw_att_by_vpc: fx_map(),
                failed_nats: crate::model::nat_eip_conflicts(d)
                    .into_iter()
                    .map(|c| {
                        let why = format!(
                            "{} failed: Elastic IP {} is already associated with {} (Resource.AlreadyAssociated)",
                            c.nat, c.elastic_ip, c.holder
                        );
                        (c.nat.to_string(), why)
                    })
                    .collect(),
            }),
            down_azs: HashSet::new(),
            down_instances: HashSet::new(),
        }
        .compile_tgw_tables()
    }

    pub(super) fn compile_tgw_tables(mut self) -> Self {
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

    pub(super) fn pos(&self, kind: ObjectKind, name: &str) -> Option<usize> {
        self.names.get(&kind)?.get(name).copied()
    }
    pub(super) fn peering(&self, n: &str) -> Option<&'a crate::model::Peering> {
        self.pos(ObjectKind::Peering, n).map(|i| &self.d.peerings[i])
    }
    pub(super) fn tgw(&self, n: &str) -> Option<&'a crate::model::TransitGateway> {
        self.pos(ObjectKind::TransitGateway, n)
            .map(|i| &self.d.transit_gateways[i])
    }
    pub(super) fn tgw_attachment(
        &self,
        tgw: &'a crate::model::TransitGateway,
        att: &str,
    ) -> Option<&'a crate::model::TgwAttachment> {
        self.tgw_att_by_name
            .get(&tgw.name)?
            .get(att)
            .map(|&i| &tgw.attachments[i])
    }
    pub(super) fn tgw_vpc_attachment(
        &self,
        tgw: &'a crate::model::TransitGateway,
        v: usize,
    ) -> Option<&'a crate::model::TgwAttachment> {
        self.tgw_att_by_vpc
            .get(&tgw.name)?
            .get(&v)
            .map(|&i| &tgw.attachments[i])
    }

    pub(super) fn eni_vpc(&self, e: usize) -> Option<usize> {
        self.eni_subnet.get(e).copied().flatten().map(|s| self.subnets[s].vpc)
    }

    pub(super) fn vpc_of_ip(&self, ip: IpAddr) -> Option<usize> {
        self.vpc_lpm.lookup(ip).and_then(|v| v.first().copied())
    }

    pub(super) fn subnet_in_vpc(&self, v: usize, ip: IpAddr) -> Option<usize> {
        self.vpcs[v]
            .subnets
            .iter()
            .copied()
            .find(|&s| self.subnets[s].cidrs.iter().any(|c| c.contains(&ip)))
    }

    pub(super) fn eni_at(&self, v: usize, ip: IpAddr) -> Option<usize> {
        self.eni_by_ip
            .get(&ip)?
            .iter()
            .copied()
            .find(|&e| self.eni_vpc(e) == Some(v))
    }

    pub(super) fn eni_name(&self, e: usize) -> String {
        match &self.idx.enis[e].owner {
            EniOwner::Instance(n) | EniOwner::NatGateway(n) => n.clone(),
            EniOwner::SecondaryInterface(_, n) => n.clone(),
            EniOwner::LoadBalancer(n, s) | EniOwner::Endpoint(n, s) | EniOwner::Firewall(n, s) => {
                format!("{n}@{s}")
            }
            EniOwner::TgwAttachment(_, a, s) => format!("{a}@{s}"),
        }
    }

    pub(super) fn eni_kind(&self, e: usize) -> HopKind {
        match &self.idx.enis[e].owner {
            EniOwner::Instance(_) => HopKind::Instance,
            EniOwner::SecondaryInterface(..) => HopKind::NetworkInterface,
            EniOwner::NatGateway(_) => HopKind::NatGateway,
            EniOwner::LoadBalancer(..) => HopKind::LoadBalancer,
            EniOwner::Endpoint(n, _) => {
                let gwlbe = self.pos(ObjectKind::Endpoint, n).is_some_and(|i| {
                    matches!(
                        self.d.endpoints[i].kind,
                        crate::model::EndpointKind::GatewayLoadBalancer { .. }
                    )
                });
                if gwlbe {
                    HopKind::GwlbEndpoint
                } else {
                    HopKind::InterfaceEndpoint
                }
            }
            EniOwner::Firewall(..) => HopKind::Firewall,
            EniOwner::TgwAttachment(..) => HopKind::TgwAttachment,
        }
    }

    pub(super) fn eni_down(&self, e: usize) -> bool {
        if self.down_instances.is_empty() && self.down_azs.is_empty() {
            return false; // no what-if: skip hashing the owner's name on every hop
        }
        if let EniOwner::Instance(n) | EniOwner::SecondaryInterface(n, _) = &self.idx.enis[e].owner {
            if self.down_instances.contains(n) {
                return true;
            }
        }
        !self.down_azs.is_empty() && self.eni_subnet[e].is_some_and(|s| self.down_azs.contains(&self.subnets[s].az))
    }

    pub(super) fn eni_index(&self, owner: &EniOwner) -> Option<usize> {
        self.eni_by_owner.get(owner).copied()
    }

    /// Whether private address `ip` belongs to an ENI carrying group `g`, and
    /// `g` may be referenced from a group of `rule_vpc` (same VPC, or a
    /// same-Region active peering: VPC User Guide, security group rules).
    pub(super) fn group_has(&self, g: &str, ip: IpAddr, rule_vpc: &str) -> bool {
        let Some(&gi) = self.sg_by_name.get(g) else {
            return false;
        };
        let g_vpc = &self.sgs[gi].vpc;
        if g_vpc != rule_vpc && !self.same_region_peered(g_vpc, rule_vpc) {
            return false;
        }
        self.member(gi, ip)
    }

    /// Whether private address `ip` belongs to an ENI carrying group `g` of VPC
    /// `from_vpc`, the VPC the packet came from across a transit gateway that
    /// carries security-group references (referencing support on the gateway
    /// and on both VPC attachments; Transit Gateways guide, "Security group
    /// referencing"). The walker decides that the path qualifies.
    pub(super) fn group_has_across_tgw(&self, g: &str, ip: IpAddr, from_vpc: &str) -> bool {
        self.sg_by_name
            .get(g)
            .is_some_and(|&gi| self.sgs[gi].vpc == from_vpc && self.member(gi, ip))
    }

    fn member(&self, gi: usize, ip: IpAddr) -> bool {
        self.eni_by_ip
            .get(&ip)
            .is_some_and(|es| es.iter().any(|&e| self.eni_sgs[e].contains(&gi)))
    }

    pub(super) fn same_region_peered(&self, a: &str, b: &str) -> bool {
        self.d.peerings.iter().any(|p| {
            p.status == PeeringStatus::Active
                && !p.cross_region
                && ((p.requester == a && p.accepter == b) || (p.requester == b && p.accepter == a))
        })
    }
}
