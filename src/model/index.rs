//! Derived facts about a design, computed once per snapshot: name lookups,
//! each subnet's effective route table and NACL, subnet kinds, the address of
//! every network interface, and each route table's effective routes.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net};

use super::cidr;
use super::*;

/// Who owns a network interface.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EniOwner {
    /// An instance's primary interface.
    Instance(String),
    /// A named secondary interface of an instance (`instance`, `eni`).
    SecondaryInterface(String, String),
    NatGateway(String),
    /// A load balancer node in a subnet.
    LoadBalancer(String, String),
    /// An interface endpoint's ENI in a subnet.
    Endpoint(String, String),
    /// A Network Firewall endpoint in a subnet.
    Firewall(String, String),
    /// A transit gateway VPC attachment's ENI in a subnet (TGW, attachment, subnet).
    TgwAttachment(String, String, String),
}

impl EniOwner {
    /// The design object that owns the interface.
    pub fn object(&self) -> ObjectRef {
        match self {
            EniOwner::Instance(n) | EniOwner::SecondaryInterface(n, _) => {
                ObjectRef::new(ObjectKind::Instance, n.clone())
            }
            EniOwner::NatGateway(n) => ObjectRef::new(ObjectKind::NatGateway, n.clone()),
            EniOwner::LoadBalancer(n, _) => ObjectRef::new(ObjectKind::LoadBalancer, n.clone()),
            EniOwner::Endpoint(n, _) => ObjectRef::new(ObjectKind::Endpoint, n.clone()),
            EniOwner::Firewall(n, _) => ObjectRef::new(ObjectKind::Firewall, n.clone()),
            EniOwner::TgwAttachment(t, _, _) => ObjectRef::new(ObjectKind::TransitGateway, t.clone()),
        }
    }
}

/// A network interface with its resolved addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eni {
    pub owner: EniOwner,
    pub subnet: String,
    pub private_ip: Ipv4Addr,
    /// Whether the private address was fixed in the design (else auto-assigned).
    pub fixed: bool,
    pub public_ip: Option<Ipv4Addr>,
    pub ipv6: Option<Ipv6Addr>,
    pub security_groups: Vec<String>,
    pub source_dest_check: bool,
}

/// One route as the route table really holds it, implicit and learned routes included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveRoute {
    pub dest: RouteDestination,
    pub target: RouteTarget,
    pub origin: RouteOrigin,
    pub state: RouteState,
    /// Why the route is a blackhole, when it is.
    pub blackhole_reason: Option<String>,
}

/// Name → position maps and derived facts for one design snapshot.
#[derive(Debug, Clone, Default)]
pub struct DesignIndex {
    by_name: HashMap<String, Vec<ObjectRef>>,
    positions: HashMap<ObjectRef, usize>,
    /// All interfaces, in a stable order.
    pub enis: Vec<Eni>,
    eni_by_owner: HashMap<EniOwner, usize>,
    eni_by_ip: HashMap<Ipv4Addr, Vec<usize>>,
    /// Subnets whose auto-assigned addresses ran out (more interfaces than usable addresses).
    pub exhausted_subnets: Vec<String>,
}

impl DesignIndex {
    pub fn new(d: &Design) -> Self {
        let mut idx = DesignIndex::default();
        for r in d.object_refs() {
            let pos = idx.positions.len();
            let _ = pos;
            idx.by_name.entry(r.name.clone()).or_default().push(r.clone());
        }
        macro_rules! pos {
            ($($field:ident => $kind:ident),*) => {$(
                for (i, o) in d.$field.iter().enumerate() {
                    idx.positions.entry(ObjectRef::new(ObjectKind::$kind, o.name.clone())).or_insert(i);
                }
            )*};
        }
        pos!(vpcs => Vpc, subnets => Subnet, route_tables => RouteTable, internet_gateways => InternetGateway,
             egress_only_gateways => EgressOnlyGateway, nat_gateways => NatGateway, elastic_ips => ElasticIp,
             security_groups => SecurityGroup, network_acls => NetworkAcl, instances => Instance,
             load_balancers => LoadBalancer, peerings => Peering, endpoints => Endpoint, prefix_lists => PrefixList,
             vpn_gateways => VpnGateway, customer_gateways => CustomerGateway, vpn_connections => VpnConnection,
             dx_gateways => DxGateway, dx_connections => DxConnection, onprem_networks => OnPremNetwork,
             transit_gateways => TransitGateway, firewalls => Firewall, flow_logs => FlowLog);
        for tgw in &d.transit_gateways {
            for t in &tgw.route_tables {
                idx.by_name
                    .entry(t.name.clone())
                    .or_default()
                    .push(ObjectRef::new(ObjectKind::TransitGateway, tgw.name.clone()));
            }
            for a in &tgw.attachments {
                idx.by_name
                    .entry(a.name.clone())
                    .or_default()
                    .push(ObjectRef::new(ObjectKind::TransitGateway, tgw.name.clone()));
            }
        }
        for inst in &d.instances {
            for eni in &inst.secondary_interfaces {
                idx.by_name
                    .entry(eni.name.clone())
                    .or_default()
                    .push(ObjectRef::new(ObjectKind::Instance, inst.name.clone()));
            }
        }
        idx.assign_addresses(d);
        idx
    }

    /// Objects (of any kind) with this name. Names of TGW route tables and
    /// attachments and of secondary interfaces map to their owner.
    pub fn lookup(&self, name: &str) -> &[ObjectRef] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every name in the design (for completion and "did you mean").
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    fn pos(&self, kind: ObjectKind, name: &str) -> Option<usize> {
        self.positions.get(&ObjectRef::new(kind, name)).copied()
    }

    pub fn vpc<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Vpc> {
        self.pos(ObjectKind::Vpc, name).map(|i| &d.vpcs[i])
    }
    pub fn subnet<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Subnet> {
        self.pos(ObjectKind::Subnet, name).map(|i| &d.subnets[i])
    }
    pub fn route_table<'d>(&self, d: &'d Design, name: &str) -> Option<&'d RouteTable> {
        self.pos(ObjectKind::RouteTable, name).map(|i| &d.route_tables[i])
    }
    pub fn network_acl<'d>(&self, d: &'d Design, name: &str) -> Option<&'d NetworkAcl> {
        self.pos(ObjectKind::NetworkAcl, name).map(|i| &d.network_acls[i])
    }
    pub fn security_group<'d>(&self, d: &'d Design, name: &str) -> Option<&'d SecurityGroup> {
        self.pos(ObjectKind::SecurityGroup, name).map(|i| &d.security_groups[i])
    }
    pub fn instance<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Instance> {
        self.pos(ObjectKind::Instance, name).map(|i| &d.instances[i])
    }
    pub fn internet_gateway<'d>(&self, d: &'d Design, name: &str) -> Option<&'d InternetGateway> {
        self.pos(ObjectKind::InternetGateway, name)
            .map(|i| &d.internet_gateways[i])
    }
    pub fn nat_gateway<'d>(&self, d: &'d Design, name: &str) -> Option<&'d NatGateway> {
        self.pos(ObjectKind::NatGateway, name).map(|i| &d.nat_gateways[i])
    }
    pub fn elastic_ip<'d>(&self, d: &'d Design, name: &str) -> Option<&'d ElasticIp> {
        self.pos(ObjectKind::ElasticIp, name).map(|i| &d.elastic_ips[i])
    }
    pub fn peering<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Peering> {
        self.pos(ObjectKind::Peering, name).map(|i| &d.peerings[i])
    }
    pub fn endpoint<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Endpoint> {
        self.pos(ObjectKind::Endpoint, name).map(|i| &d.endpoints[i])
    }
    pub fn transit_gateway<'d>(&self, d: &'d Design, name: &str) -> Option<&'d TransitGateway> {
        self.pos(ObjectKind::TransitGateway, name)
            .map(|i| &d.transit_gateways[i])
    }
    pub fn vpn_gateway<'d>(&self, d: &'d Design, name: &str) -> Option<&'d VpnGateway> {
        self.pos(ObjectKind::VpnGateway, name).map(|i| &d.vpn_gateways[i])
    }
    pub fn load_balancer<'d>(&self, d: &'d Design, name: &str) -> Option<&'d LoadBalancer> {
        self.pos(ObjectKind::LoadBalancer, name).map(|i| &d.load_balancers[i])
    }
    pub fn firewall<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Firewall> {
        self.pos(ObjectKind::Firewall, name).map(|i| &d.firewalls[i])
    }
    pub fn prefix_list<'d>(&self, d: &'d Design, name: &str) -> Option<&'d PrefixList> {
        self.pos(ObjectKind::PrefixList, name).map(|i| &d.prefix_lists[i])
    }
    pub fn onprem_network<'d>(&self, d: &'d Design, name: &str) -> Option<&'d OnPremNetwork> {
        self.pos(ObjectKind::OnPremNetwork, name).map(|i| &d.onprem_networks[i])
    }

    /// The route table a subnet uses: its explicit association, else its VPC's main table.
    pub fn subnet_route_table<'d>(&self, d: &'d Design, subnet: &Subnet) -> Option<&'d RouteTable> {
        match &subnet.route_table {
            Some(rt) => self.route_table(d, rt),
            None => self
                .vpc(d, &subnet.vpc)
                .and_then(|v| self.route_table(d, &v.main_route_table)),
        }
    }

    /// The network ACL a subnet uses: its explicit association, else its VPC's default NACL.
    pub fn subnet_network_acl<'d>(&self, d: &'d Design, subnet: &Subnet) -> Option<&'d NetworkAcl> {
        match &subnet.network_acl {
            Some(acl) => self.network_acl(d, acl),
            None => self
                .vpc(d, &subnet.vpc)
                .and_then(|v| self.network_acl(d, &v.default_network_acl)),
        }
    }

    /// Subnets that use a route table (explicitly, or implicitly as the main table).
    pub fn subnets_using_route_table<'d>(&self, d: &'d Design, rt: &str) -> Vec<&'d Subnet> {
        d.subnets
            .iter()
            .filter(|s| self.subnet_route_table(d, s).is_some_and(|t| t.name == rt))
            .collect()
    }

    /// Public, private (via NAT), VPN-only or isolated, from the subnet's routes.
    pub fn subnet_kind(&self, d: &Design, subnet: &Subnet) -> SubnetKind {
        let Some(rt) = self.subnet_route_table(d, subnet) else {
            return SubnetKind::Isolated;
        };
        let targets = || rt.routes.iter().map(|r| &r.target);
        if targets().any(|t| matches!(t, RouteTarget::InternetGateway(_))) {
            return SubnetKind::Public;
        }
        let nat_default = rt.routes.iter().any(|r| {
            r.dest == RouteDestination::Cidr(any_v4())
                && match &r.target {
                    RouteTarget::NatGateway(_) => true,
                    RouteTarget::Instance(i) => {
                        self.instance(d, i).is_some_and(|i| i.role == InstanceRole::NatInstance)
                    }
                    _ => false,
                }
        });
        if nat_default {
            return SubnetKind::Private;
        }
        if targets().any(|t| matches!(t, RouteTarget::VpnGateway(_))) || !rt.propagating_vgws.is_empty() {
            return SubnetKind::VpnOnly;
        }
        SubnetKind::Isolated
    }

    pub fn eni(&self, owner: &EniOwner) -> Option<&Eni> {
        self.eni_by_owner.get(owner).map(|i| &self.enis[*i])
    }

    /// Interfaces holding a private IPv4 address (several when VPCs overlap).
    pub fn enis_with_ip(&self, ip: Ipv4Addr) -> impl Iterator<Item = &Eni> {
        self.eni_by_ip.get(&ip).into_iter().flatten().map(|i| &self.enis[*i])
    }

    /// Interfaces in a subnet.
    pub fn enis_in_subnet<'a>(&'a self, subnet: &'a str) -> impl Iterator<Item = &'a Eni> + 'a {
        self.enis.iter().filter(move |e| e.subnet == subnet)
    }

    /// Interfaces carrying a security group.
    pub fn enis_with_sg<'a>(&'a self, sg: &'a str) -> impl Iterator<Item = &'a Eni> + 'a {
        self.enis
            .iter()
            .filter(move |e| e.security_groups.iter().any(|g| g == sg))
    }

    /// Resolves every interface's private address. Fixed addresses are kept;
    /// the others take the next free usable address of their subnet, in file order.
    fn assign_addresses(&mut self, d: &Design) {
        struct Pending {
            owner: EniOwner,
            subnet: String,
            fixed: Option<Ipv4Addr>,
            public: Option<Ipv4Addr>,
            auto_public: bool,
            ipv6: Option<Ipv6Addr>,
            sgs: Vec<String>,
            sdc: bool,
        }
        let eip = |name: &Option<String>| {
            name.as_ref()
                .and_then(|n| d.elastic_ips.iter().find(|e| &e.name == n))
                .map(|e| e.address)
        };
        let mut pending: Vec<Pending> = Vec::new();
        for i in &d.instances {
            let subnet_maps = d
                .subnets
                .iter()
                .find(|s| s.name == i.subnet)
                .is_some_and(|s| s.map_public_ip);
            let public = eip(&i.elastic_ip);
            pending.push(Pending {
                owner: EniOwner::Instance(i.name.clone()),
                subnet: i.subnet.clone(),
                fixed: i.private_ip,
                public,
                auto_public: public.is_none() && i.public_ip.unwrap_or(subnet_maps),
                ipv6: i.ipv6,
                sgs: i.security_groups.clone(),
                sdc: i.source_dest_check,
            });
            for e in &i.secondary_interfaces {
                pending.push(Pending {
                    owner: EniOwner::SecondaryInterface(i.name.clone(), e.name.clone()),
                    subnet: e.subnet.clone(),
                    fixed: e.private_ip,
                    public: None,
                    auto_public: false,
                    ipv6: None,
                    sgs: e.security_groups.clone(),
                    sdc: e.source_dest_check,
                });
            }
        }
        for n in &d.nat_gateways {
            pending.push(Pending {
                owner: EniOwner::NatGateway(n.name.clone()),
                subnet: n.subnet.clone(),
                fixed: n.private_ip,
                public: if n.connectivity == NatConnectivity::Public {
                    eip(&n.elastic_ip)
                } else {
                    None
                },
                auto_public: false,
                ipv6: None,
                sgs: Vec::new(),
                sdc: false,
            });
        }
        for lb in &d.load_balancers {
            for s in &lb.subnets {
                pending.push(Pending {
                    owner: EniOwner::LoadBalancer(lb.name.clone(), s.clone()),
                    subnet: s.clone(),
                    fixed: None,
                    public: None,
                    auto_public: lb.scheme == LoadBalancerScheme::InternetFacing,
                    ipv6: None,
                    sgs: lb.security_groups.clone(),
                    sdc: true,
                });
            }
        }
        for ep in &d.endpoints {
            if let EndpointKind::Interface {
                subnets,
                security_groups,
                ..
            } = &ep.kind
            {
                for s in subnets {
                    pending.push(Pending {
                        owner: EniOwner::Endpoint(ep.name.clone(), s.clone()),
                        subnet: s.clone(),
                        fixed: None,
                        public: None,
                        auto_public: false,
                        ipv6: None,
                        sgs: security_groups.clone(),
                        sdc: true,
                    });
                }
            }
        }
        for fw in &d.firewalls {
            for s in &fw.subnets {
                pending.push(Pending {
                    owner: EniOwner::Firewall(fw.name.clone(), s.clone()),
                    subnet: s.clone(),
                    fixed: None,
                    public: None,
                    auto_public: false,
                    ipv6: None,
                    sgs: Vec::new(),
                    sdc: false,
                });
            }
        }
        for tgw in &d.transit_gateways {
            for a in &tgw.attachments {
                if let TgwAttachmentKind::Vpc { subnets, .. } = &a.kind {
                    for s in subnets {
                        pending.push(Pending {
                            owner: EniOwner::TgwAttachment(tgw.name.clone(), a.name.clone(), s.clone()),
                            subnet: s.clone(),
                            fixed: None,
                            public: None,
                            auto_public: false,
                            ipv6: None,
                            sgs: Vec::new(),
                            sdc: false,
                        });
                    }
                }
            }
        }

        let subnet_cidr: HashMap<&str, Ipv4Net> = d.subnets.iter().map(|s| (s.name.as_str(), s.cidr)).collect();
        let mut used: HashMap<&str, std::collections::HashSet<Ipv4Addr>> = HashMap::new();
        for p in &pending {
            if let Some(ip) = p.fixed {
                used.entry(p.subnet.as_str()).or_default().insert(ip);
            }
        }
        let mut cursor: HashMap<String, u64> = HashMap::new();
        let mut public_counter: u32 = 0;
        let mut exhausted = std::collections::BTreeSet::new();
        let mut enis = Vec::with_capacity(pending.len());
        for p in &pending {
            let ip = match p.fixed {
                Some(ip) => ip,
                None => {
                    let cidr = subnet_cidr.get(p.subnet.as_str()).copied();
                    let taken = used.entry(p.subnet.as_str()).or_default();
                    let next = cursor.entry(p.subnet.clone()).or_insert(0);
                    let mut found = None;
                    if let Some(cidr) = cidr {
                        while let Some(ip) = cidr::nth_usable(cidr, *next) {
                            *next += 1;
                            if taken.insert(ip) {
                                found = Some(ip);
                                break;
                            }
                        }
                    }
                    match found {
                        Some(ip) => ip,
                        None => {
                            if cidr.is_some() {
                                exhausted.insert(p.subnet.clone());
                            }
                            Ipv4Addr::UNSPECIFIED
                        }
                    }
                }
            };
            let public = p.public.or_else(|| {
                p.auto_public.then(|| {
                    public_counter += 1;
                    // Auto-assigned public IPv4 addresses come from Amazon's pool; the
                    // design does not know them, so they are numbered from 54.160.0.0.
                    Ipv4Addr::from(u32::from(Ipv4Addr::new(54, 160, 0, 0)) + public_counter)
                })
            });
            enis.push(Eni {
                owner: p.owner.clone(),
                subnet: p.subnet.clone(),
                private_ip: ip,
                fixed: p.fixed.is_some(),
                public_ip: public,
                ipv6: p.ipv6,
                security_groups: p.sgs.clone(),
                source_dest_check: p.sdc,
            });
        }
        for (i, e) in enis.iter().enumerate() {
            self.eni_by_owner.insert(e.owner.clone(), i);
            if !e.private_ip.is_unspecified() {
                self.eni_by_ip.entry(e.private_ip).or_default().push(i);
            }
        }
        self.enis = enis;
        self.exhausted_subnets = exhausted.into_iter().collect();
    }

    /// The routes a route table really holds: the implicit local routes, the
    /// stored static routes, routes added by gateway endpoints and routes
    /// propagated from VGWs, each with its state (VPC User Guide, route tables).
    pub fn effective_routes(&self, d: &Design, rt: &RouteTable) -> Vec<EffectiveRoute> {
        let mut out = Vec::new();
        let vpc = self.vpc(d, &rt.vpc);
        if let Some(vpc) = vpc {
            let mut locals: Vec<IpNet> = vpc.ipv4_cidrs().map(IpNet::V4).collect();
            if let Some(v6) = vpc.ipv6_cidr {
                locals.push(IpNet::V6(v6));
            }
            for c in locals {
                let dest = RouteDestination::Cidr(c);
                // A stored route on a VPC CIDR replaces the local target (middlebox routing).
                if rt.routes.iter().any(|r| r.dest == dest) {
                    continue;
                }
                out.push(EffectiveRoute {
                    dest,
                    target: RouteTarget::Local,
                    origin: RouteOrigin::Local,
                    state: RouteState::Active,
                    blackhole_reason: None,
                });
            }
        }
        for r in &rt.routes {
            let reason = self.blackhole_reason(d, &rt.vpc, &r.target);
            out.push(EffectiveRoute {
                dest: r.dest.clone(),
                target: r.target.clone(),
                origin: if r.target == RouteTarget::Local {
                    RouteOrigin::Local
                } else {
                    RouteOrigin::Static
                },
                state: if reason.is_some() {
                    RouteState::Blackhole
                } else {
                    RouteState::Active
                },
                blackhole_reason: reason,
            });
        }
        for ep in &d.endpoints {
            if let EndpointKind::Gateway { route_tables, .. } = &ep.kind {
                if route_tables.iter().any(|t| t == &rt.name) {
                    out.push(EffectiveRoute {
                        dest: RouteDestination::PrefixList(ep.service.clone()),
                        target: RouteTarget::GatewayEndpoint(ep.name.clone()),
                        origin: RouteOrigin::Endpoint,
                        state: RouteState::Active,
                        blackhole_reason: None,
                    });
                }
            }
        }
        for vgw_name in &rt.propagating_vgws {
            let Some(vgw) = self.vpn_gateway(d, vgw_name) else {
                continue;
            };
            if vgw.vpc.as_deref() != Some(rt.vpc.as_str()) {
                continue;
            }
            for prefix in self.vgw_learned_prefixes(d, vgw_name) {
                out.push(EffectiveRoute {
                    dest: RouteDestination::Cidr(IpNet::V4(prefix)),
                    target: RouteTarget::VpnGateway(vgw_name.clone()),
                    origin: RouteOrigin::Propagated,
                    state: RouteState::Active,
                    blackhole_reason: None,
                });
            }
        }
        out
    }

    /// Prefixes a VGW learns from its VPN connections (static routes, or the
    /// on-prem networks behind a BGP customer gateway) and its Direct Connect
    /// private VIFs, deduplicated. Down links advertise nothing.
    pub fn vgw_learned_prefixes(&self, d: &Design, vgw: &str) -> Vec<Ipv4Net> {
        let mut out: Vec<Ipv4Net> = Vec::new();
        for vpn in &d.vpn_connections {
            if vpn.termination != VpnTermination::VpnGateway(vgw.to_string()) || !vpn.is_up() {
                continue;
            }
            match &vpn.routing {
                VpnRouting::Static(routes) => out.extend(routes.iter().copied()),
                VpnRouting::Bgp => {
                    for n in d
                        .onprem_networks
                        .iter()
                        .filter(|n| n.customer_gateway.as_deref() == Some(vpn.customer_gateway.as_str()))
                    {
                        out.extend(n.cidrs.iter().copied());
                    }
                }
            }
        }
        for dx in d.dx_connections.iter().filter(|c| c.up) {
            let reaches_vgw = dx.virtual_interfaces.iter().any(|vif| {
                vif.kind == VifKind::Private
                    && (vif.vpn_gateway.as_deref() == Some(vgw)
                        || vif.dx_gateway.as_ref().is_some_and(|g| {
                            d.dx_gateways
                                .iter()
                                .any(|x| &x.name == g && x.vpn_gateways.iter().any(|v| v == vgw))
                        }))
            });
            if reaches_vgw {
                for n in d
                    .onprem_networks
                    .iter()
                    .filter(|n| n.dx_connection.as_deref() == Some(dx.name.as_str()))
                {
                    out.extend(n.cidrs.iter().copied());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Why a route target in a VPC's table cannot carry traffic, if it cannot
    /// (a deleted or detached gateway, a peering that is not active, …).
    pub fn blackhole_reason(&self, d: &Design, vpc: &str, target: &RouteTarget) -> Option<String> {
        match target {
            RouteTarget::Local => None,
            RouteTarget::InternetGateway(n) => match self.internet_gateway(d, n) {
                None => Some(format!("internet gateway {n} does not exist")),
                Some(g) if g.vpc.as_deref() != Some(vpc) => {
                    Some(format!("internet gateway {n} is not attached to {vpc}"))
                }
                Some(_) => None,
            },
            RouteTarget::EgressOnlyGateway(n) => match d.egress_only_gateways.iter().find(|g| &g.name == n) {
                None => Some(format!("egress-only gateway {n} does not exist")),
                Some(g) if g.vpc != vpc => Some(format!("egress-only gateway {n} belongs to {}", g.vpc)),
                Some(_) => None,
            },
            RouteTarget::NatGateway(n) => match self.nat_gateway(d, n) {
                None => Some(format!(
                    "NAT gateway {n} does not exist (deleted NAT gateways leave blackhole routes)"
                )),
                Some(_) => None,
            },
            RouteTarget::Instance(n) => match self.instance(d, n) {
                None => Some(format!("instance {n} does not exist")),
                Some(_) => None,
            },
            RouteTarget::NetworkInterface(n) => {
                if d.instances
                    .iter()
                    .any(|i| i.secondary_interfaces.iter().any(|e| &e.name == n))
                {
                    None
                } else {
                    Some(format!("network interface {n} does not exist"))
                }
            }
            RouteTarget::Peering(n) => match self.peering(d, n) {
                None => Some(format!("peering connection {n} does not exist")),
                Some(p) if p.status != PeeringStatus::Active => {
                    Some(format!("peering connection {n} is {}", p.status.label()))
                }
                Some(_) => None,
            },
            RouteTarget::TransitGateway(n) => match self.transit_gateway(d, n) {
                None => Some(format!("transit gateway {n} does not exist")),
                Some(t) => {
                    let attached = t
                        .attachments
                        .iter()
                        .any(|a| matches!(&a.kind, TgwAttachmentKind::Vpc { vpc: v, .. } if v == vpc));
                    (!attached).then(|| format!("transit gateway {n} has no attachment for {vpc}"))
                }
            },
            RouteTarget::VpnGateway(n) => match self.vpn_gateway(d, n) {
                None => Some(format!("virtual private gateway {n} does not exist")),
                Some(g) if g.vpc.as_deref() != Some(vpc) => {
                    Some(format!("virtual private gateway {n} is not attached to {vpc}"))
                }
                Some(_) => None,
            },
            RouteTarget::GatewayEndpoint(n) => match self.endpoint(d, n) {
                None => Some(format!("endpoint {n} does not exist")),
                Some(_) => None,
            },
            RouteTarget::FirewallEndpoint(n, az) => match self.firewall(d, n) {
                None => Some(format!("firewall {n} does not exist")),
                Some(fw) => {
                    let has_az = fw
                        .subnets
                        .iter()
                        .any(|s| self.subnet(d, s).is_some_and(|s| &s.az == az));
                    (!has_az).then(|| format!("firewall {n} has no endpoint in {az}"))
                }
            },
        }
    }
}

/// The CIDR blocks a prefix-list name stands for: a customer list of the
/// design, or an AWS-managed list (`s3`, `dynamodb`).
pub fn prefix_list_cidrs(d: &Design, name: &str) -> Vec<IpNet> {
    if let Some(pl) = d.prefix_lists.iter().find(|p| p.name == name) {
        return pl.entries.clone();
    }
    super::aws_prefix_list(name)
        .map(|l| l.iter().filter_map(|s| s.parse().ok()).collect())
        .unwrap_or_default()
}
