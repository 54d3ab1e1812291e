//! Derived facts about a design, computed once per snapshot: name lookups,
//! each subnet's effective route table and NACL, subnet kinds, the address of
//! every network interface, and each route table's effective routes.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
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

/// FxHash, the hasher rustc uses: several times faster than the default
/// SipHash on the short names used as keys here. (SipHash's flooding
/// resistance buys nothing for a local design file.)
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        // The multiply leaves the best-mixed bits at the top, but hashbrown
        // picks buckets with the low bits: rotate them down (as rustc-hash 2
        // does). Without this, names differing only at the end collide.
        self.hash.rotate_left(26)
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The objects one name stands for, with each one's position in its list
/// (`NESTED` for TGW route tables/attachments and secondary interfaces,
/// which map to their owner).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct NameEntry {
    refs: Vec<ObjectRef>,
    positions: Vec<u32>,
}

const NESTED: u32 = u32::MAX;

/// Name → position maps and derived facts for one design snapshot.
///
/// Built in one pass over the design with no per-object scans; the
/// workspace keeps it up to date across edits ([`DesignIndex::update_in_place`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesignIndex {
    by_name: FxHashMap<String, NameEntry>,
    /// All interfaces, in a stable order.
    pub enis: Vec<Eni>,
    eni_by_owner: FxHashMap<EniOwner, usize>,
    /// (private IP, interface) sorted: equal-range lookups.
    eni_by_ip: Vec<(Ipv4Addr, u32)>,
    /// (subnet position, interface) sorted, for interfaces whose subnet exists.
    eni_by_subnet: Vec<(u32, u32)>,
    /// (security-group position, interface) sorted, for groups that exist.
    eni_by_sg: Vec<(u32, u32)>,
    /// Subnets whose auto-assigned addresses ran out (more interfaces than usable addresses).
    pub exhausted_subnets: Vec<String>,
}

/// The entries of a sorted pair table whose key is `key`.
fn equal_range<K: Ord + Copy>(table: &[(K, u32)], key: K) -> &[(K, u32)] {
    let start = table.partition_point(|(k, _)| *k < key);
    let len = table[start..].partition_point(|(k, _)| *k == key);
    &table[start..start + len]
}

impl DesignIndex {
    pub fn new(d: &Design) -> Self {
        let mut idx = DesignIndex::default();
        idx.by_name
            .reserve(d.vpcs.len() + d.subnets.len() + d.instances.len() + d.security_groups.len() + 64);
        // Object names first, in `object_refs` order, then the nested names.
        macro_rules! names {
            ($($field:ident => $kind:ident),*) => {$(
                for (i, o) in d.$field.iter().enumerate() {
                    let e = idx.by_name.entry(o.name.clone()).or_default();
                    e.refs.push(ObjectRef::new(ObjectKind::$kind, o.name.clone()));
                    e.positions.push(i as u32);
                }
            )*};
        }
        names!(vpcs => Vpc, subnets => Subnet, route_tables => RouteTable, internet_gateways => InternetGateway,
             egress_only_gateways => EgressOnlyGateway, nat_gateways => NatGateway, elastic_ips => ElasticIp,
             security_groups => SecurityGroup, network_acls => NetworkAcl, instances => Instance,
             load_balancers => LoadBalancer, peerings => Peering, endpoints => Endpoint, prefix_lists => PrefixList,
             vpn_gateways => VpnGateway, customer_gateways => CustomerGateway, vpn_connections => VpnConnection,
             dx_gateways => DxGateway, dx_connections => DxConnection, onprem_networks => OnPremNetwork,
             transit_gateways => TransitGateway, firewalls => Firewall, flow_logs => FlowLog);
        let mut nested = |name: &str, owner: ObjectRef| {
            let e = idx.by_name.entry(name.to_string()).or_default();
            e.refs.push(owner);
            e.positions.push(NESTED);
        };
        for tgw in &d.transit_gateways {
            for t in &tgw.route_tables {
                nested(&t.name, ObjectRef::new(ObjectKind::TransitGateway, tgw.name.clone()));
            }
            for a in &tgw.attachments {
                nested(&a.name, ObjectRef::new(ObjectKind::TransitGateway, tgw.name.clone()));
            }
        }
        for inst in &d.instances {
            for eni in &inst.secondary_interfaces {
                nested(&eni.name, ObjectRef::new(ObjectKind::Instance, inst.name.clone()));
            }
        }
        idx.assign_addresses(d);
        idx
    }

    /// Objects (of any kind) with this name. Names of TGW route tables and
    /// attachments and of secondary interfaces map to their owner.
    pub fn lookup(&self, name: &str) -> &[ObjectRef] {
        self.by_name.get(name).map(|e| e.refs.as_slice()).unwrap_or(&[])
    }

    /// Every name with the objects it stands for (see [`DesignIndex::lookup`]).
    pub fn names_with_refs(&self) -> impl Iterator<Item = (&str, &[ObjectRef])> {
        self.by_name.iter().map(|(n, e)| (n.as_str(), e.refs.as_slice()))
    }

    /// Every name in the design (for completion and "did you mean").
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    /// Position of the first object of `kind` named `name` in its list.
    fn pos(&self, kind: ObjectKind, name: &str) -> Option<usize> {
        let e = self.by_name.get(name)?;
        e.refs
            .iter()
            .zip(&e.positions)
            .find(|(r, p)| **p != NESTED && r.kind == kind)
            .map(|(_, p)| *p as usize)
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
        equal_range(&self.eni_by_ip, ip)
            .iter()
            .map(|(_, i)| &self.enis[*i as usize])
    }

    /// Interfaces in a subnet, in interface order.
    pub fn enis_in_subnet<'a>(&'a self, subnet: &'a str) -> impl Iterator<Item = &'a Eni> + 'a {
        let pos = self.pos(ObjectKind::Subnet, subnet);
        let indexed = pos.map(|p| {
            equal_range(&self.eni_by_subnet, p as u32)
                .iter()
                .map(|(_, i)| &self.enis[*i as usize])
        });
        // Interfaces naming a subnet that does not exist are not indexed.
        let scan = pos
            .is_none()
            .then(|| self.enis.iter().filter(move |e| e.subnet == subnet));
        indexed.into_iter().flatten().chain(scan.into_iter().flatten())
    }

    /// Interfaces carrying a security group, in interface order.
    pub fn enis_with_sg<'a>(&'a self, sg: &'a str) -> impl Iterator<Item = &'a Eni> + 'a {
        let pos = self.pos(ObjectKind::SecurityGroup, sg);
        let indexed = pos.map(|p| {
            equal_range(&self.eni_by_sg, p as u32)
                .iter()
                .map(|(_, i)| &self.enis[*i as usize])
        });
        let scan = pos.is_none().then(|| {
            self.enis
                .iter()
                .filter(move |e| e.security_groups.iter().any(|g| g == sg))
        });
        indexed.into_iter().flatten().chain(scan.into_iter().flatten())
    }

    /// (group position, interface) pairs of one interface, deduplicated.
    fn sg_pairs(&self, eni: usize) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = self.enis[eni]
            .security_groups
            .iter()
            .filter_map(|g| self.pos(ObjectKind::SecurityGroup, g))
            .map(|p| (p as u32, eni as u32))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Brings the index up to date after `old` was replaced in place by `new`
    /// (same kind and name, same position) without a rebuild, when the change
    /// cannot move any name, position or address. Returns `false` when it
    /// cannot, and the caller must rebuild with [`DesignIndex::new`]; the index
    /// is then unchanged.
    pub fn update_in_place(&mut self, d: &Design, old: &Object, new: &Object) -> bool {
        if old.kind() != new.kind() || old.name() != new.name() {
            return false;
        }
        match (old, new) {
            // Only security groups and source/dest check changed: patch the interfaces.
            (Object::Instance(o), Object::Instance(n)) => {
                let secondary = |i: &Instance| -> Vec<(String, String, Option<Ipv4Addr>)> {
                    i.secondary_interfaces
                        .iter()
                        .map(|e| (e.name.clone(), e.subnet.clone(), e.private_ip))
                        .collect()
                };
                let same_addresses = o.subnet == n.subnet
                    && o.private_ip == n.private_ip
                    && o.public_ip == n.public_ip
                    && o.elastic_ip == n.elastic_ip
                    && o.ipv6 == n.ipv6
                    && secondary(o) == secondary(n);
                if !same_addresses {
                    return false;
                }
                let mut owners = vec![(
                    EniOwner::Instance(n.name.clone()),
                    &n.security_groups,
                    n.source_dest_check,
                )];
                for e in &n.secondary_interfaces {
                    owners.push((
                        EniOwner::SecondaryInterface(n.name.clone(), e.name.clone()),
                        &e.security_groups,
                        e.source_dest_check,
                    ));
                }
                let mut found = Vec::with_capacity(owners.len());
                for (owner, _, _) in &owners {
                    match self.eni_by_owner.get(owner) {
                        Some(i) => found.push(*i),
                        None => return false,
                    }
                }
                for (i, (_, sgs, sdc)) in found.into_iter().zip(owners) {
                    if self.enis[i].security_groups == *sgs && self.enis[i].source_dest_check == sdc {
                        continue;
                    }
                    let before = self.sg_pairs(i);
                    self.enis[i].security_groups = sgs.clone();
                    self.enis[i].source_dest_check = sdc;
                    let after = self.sg_pairs(i);
                    for p in before {
                        if let Ok(at) = self.eni_by_sg.binary_search(&p) {
                            self.eni_by_sg.remove(at);
                        }
                    }
                    for p in after {
                        if let Err(at) = self.eni_by_sg.binary_search(&p) {
                            self.eni_by_sg.insert(at, p);
                        }
                    }
                }
                let _ = d;
                true
            }
            (Object::Subnet(o), Object::Subnet(n)) => o.cidr == n.cidr && o.map_public_ip == n.map_public_ip,
            (Object::NatGateway(o), Object::NatGateway(n)) => {
                o.subnet == n.subnet
                    && o.private_ip == n.private_ip
                    && o.connectivity == n.connectivity
                    && o.elastic_ip == n.elastic_ip
            }
            (Object::ElasticIp(o), Object::ElasticIp(n)) => o.address == n.address,
            (Object::LoadBalancer(o), Object::LoadBalancer(n)) => {
                o.subnets == n.subnets && o.scheme == n.scheme && o.security_groups == n.security_groups
            }
            (Object::Endpoint(o), Object::Endpoint(n)) => match (&o.kind, &n.kind) {
                (EndpointKind::Gateway { .. }, EndpointKind::Gateway { .. }) => true,
                (
                    EndpointKind::Interface {
                        subnets: s1,
                        security_groups: g1,
                        ..
                    },
                    EndpointKind::Interface {
                        subnets: s2,
                        security_groups: g2,
                        ..
                    },
                ) => s1 == s2 && g1 == g2,
                _ => false,
            },
            (Object::Firewall(o), Object::Firewall(n)) => o.subnets == n.subnets,
            (Object::TransitGateway(o), Object::TransitGateway(n)) => {
                let tables = |t: &TransitGateway| t.route_tables.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
                let same_attachments = o.attachments.len() == n.attachments.len()
                    && o.attachments
                        .iter()
                        .zip(&n.attachments)
                        .all(|(a, b)| a.name == b.name && a.kind == b.kind);
                tables(o) == tables(n) && same_attachments
            }
            // The index holds nothing else about these kinds than names and positions.
            (Object::Vpc(_), _)
            | (Object::RouteTable(_), _)
            | (Object::InternetGateway(_), _)
            | (Object::EgressOnlyGateway(_), _)
            | (Object::SecurityGroup(_), _)
            | (Object::NetworkAcl(_), _)
            | (Object::Peering(_), _)
            | (Object::PrefixList(_), _)
            | (Object::VpnGateway(_), _)
            | (Object::CustomerGateway(_), _)
            | (Object::VpnConnection(_), _)
            | (Object::DxGateway(_), _)
            | (Object::DxConnection(_), _)
            | (Object::OnPremNetwork(_), _)
            | (Object::FlowLog(_), _) => true,
            _ => false,
        }
    }

    /// Resolves every interface's private address. Fixed addresses are kept;
    /// the others take the next free usable address of their subnet, in file order.
    fn assign_addresses(&mut self, d: &Design) {
        struct Pending<'d> {
            owner: EniOwner,
            subnet: &'d str,
            fixed: Option<Ipv4Addr>,
            public: Option<Ipv4Addr>,
            auto_public: bool,
            ipv6: Option<Ipv6Addr>,
            sgs: &'d [String],
            sdc: bool,
        }
        let eip = |name: &Option<String>| {
            name.as_ref()
                .and_then(|n| self.pos(ObjectKind::ElasticIp, n))
                .map(|i| d.elastic_ips[i].address)
        };
        let subnet_of = |name: &str| self.pos(ObjectKind::Subnet, name);
        let mut pending: Vec<Pending> = Vec::with_capacity(d.instances.len() + d.nat_gateways.len());
        for i in &d.instances {
            let subnet_maps = subnet_of(&i.subnet).is_some_and(|s| d.subnets[s].map_public_ip);
            let public = eip(&i.elastic_ip);
            pending.push(Pending {
                owner: EniOwner::Instance(i.name.clone()),
                subnet: &i.subnet,
                fixed: i.private_ip,
                public,
                auto_public: public.is_none() && i.public_ip.unwrap_or(subnet_maps),
                ipv6: i.ipv6,
                sgs: &i.security_groups,
                sdc: i.source_dest_check,
            });
            for e in &i.secondary_interfaces {
                pending.push(Pending {
                    owner: EniOwner::SecondaryInterface(i.name.clone(), e.name.clone()),
                    subnet: &e.subnet,
                    fixed: e.private_ip,
                    public: None,
                    auto_public: false,
                    ipv6: None,
                    sgs: &e.security_groups,
                    sdc: e.source_dest_check,
                });
            }
        }
        for n in &d.nat_gateways {
            pending.push(Pending {
                owner: EniOwner::NatGateway(n.name.clone()),
                subnet: &n.subnet,
                fixed: n.private_ip,
                public: if n.connectivity == NatConnectivity::Public {
                    eip(&n.elastic_ip)
                } else {
                    None
                },
                auto_public: false,
                ipv6: None,
                sgs: &[],
                sdc: false,
            });
        }
        for lb in &d.load_balancers {
            for s in &lb.subnets {
                pending.push(Pending {
                    owner: EniOwner::LoadBalancer(lb.name.clone(), s.clone()),
                    subnet: s,
                    fixed: None,
                    public: None,
                    auto_public: lb.scheme == LoadBalancerScheme::InternetFacing,
                    ipv6: None,
                    sgs: &lb.security_groups,
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
                        subnet: s,
                        fixed: None,
                        public: None,
                        auto_public: false,
                        ipv6: None,
                        sgs: security_groups,
                        sdc: true,
                    });
                }
            }
        }
        for fw in &d.firewalls {
            for s in &fw.subnets {
                pending.push(Pending {
                    owner: EniOwner::Firewall(fw.name.clone(), s.clone()),
                    subnet: s,
                    fixed: None,
                    public: None,
                    auto_public: false,
                    ipv6: None,
                    sgs: &[],
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
                            subnet: s,
                            fixed: None,
                            public: None,
                            auto_public: false,
                            ipv6: None,
                            sgs: &[],
                            sdc: false,
                        });
                    }
                }
            }
        }

        // Per existing subnet: the fixed addresses in it and the auto-assignment
        // cursor. Auto-assigned addresses only move forward, so an automatic
        // address can only collide with a fixed one, never with an earlier automatic one.
        let subnet_pos: Vec<Option<usize>> = pending.iter().map(|p| subnet_of(p.subnet)).collect();
        let mut fixed_in: Vec<Vec<Ipv4Addr>> = vec![Vec::new(); d.subnets.len()];
        for (p, s) in pending.iter().zip(&subnet_pos) {
            if let (Some(ip), Some(s)) = (p.fixed, s) {
                fixed_in[*s].push(ip);
            }
        }
        for f in &mut fixed_in {
            f.sort_unstable();
        }
        let mut cursor: Vec<u64> = vec![0; d.subnets.len()];
        let mut public_counter: u32 = 0;
        let mut exhausted = std::collections::BTreeSet::new();
        let mut enis = Vec::with_capacity(pending.len());
        for (p, s) in pending.into_iter().zip(subnet_pos.iter().copied()) {
            let ip = match (p.fixed, s) {
                (Some(ip), _) => ip,
                (None, None) => Ipv4Addr::UNSPECIFIED,
                (None, Some(s)) => {
                    let cidr = d.subnets[s].cidr;
                    let next = &mut cursor[s];
                    let mut found = None;
                    while let Some(ip) = cidr::nth_usable(cidr, *next) {
                        *next += 1;
                        if fixed_in[s].binary_search(&ip).is_err() {
                            found = Some(ip);
                            break;
                        }
                    }
                    found.unwrap_or_else(|| {
                        exhausted.insert(p.subnet);
                        Ipv4Addr::UNSPECIFIED
                    })
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
                owner: p.owner,
                subnet: p.subnet.to_string(),
                private_ip: ip,
                fixed: p.fixed.is_some(),
                public_ip: public,
                ipv6: p.ipv6,
                security_groups: p.sgs.to_vec(),
                source_dest_check: p.sdc,
            });
        }
        self.exhausted_subnets = exhausted.into_iter().map(str::to_string).collect();
        self.eni_by_owner.reserve(enis.len());
        for (i, e) in enis.iter().enumerate() {
            self.eni_by_owner.insert(e.owner.clone(), i);
            if !e.private_ip.is_unspecified() {
                self.eni_by_ip.push((e.private_ip, i as u32));
            }
            if let Some(s) = subnet_pos[i] {
                self.eni_by_subnet.push((s as u32, i as u32));
            }
        }
        self.enis = enis;
        self.eni_by_ip.sort_unstable();
        self.eni_by_subnet.sort_unstable();
        let mut by_sg = Vec::with_capacity(self.enis.len());
        for i in 0..self.enis.len() {
            by_sg.extend(self.sg_pairs(i));
        }
        by_sg.sort_unstable();
        self.eni_by_sg = by_sg;
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
                // An instance's name stands for its primary interface, as validation accepts it.
                if d.instances
                    .iter()
                    .any(|i| &i.name == n || i.secondary_interfaces.iter().any(|e| &e.name == n))
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::generate::{generate, GenParams, PeeringMode};
    use proptest::prelude::*;

    /// The straightforward index the fast one replaced, kept as the oracle:
    /// names by scanning every object, addresses with per-name maps.
    mod oracle {
        use super::super::*;
        use std::collections::HashMap;

        pub(super) fn names(d: &Design) -> HashMap<String, Vec<ObjectRef>> {
            let mut by_name: HashMap<String, Vec<ObjectRef>> = HashMap::new();
            for r in d.object_refs() {
                by_name.entry(r.name.clone()).or_default().push(r);
            }
            for tgw in &d.transit_gateways {
                for n in tgw
                    .route_tables
                    .iter()
                    .map(|t| &t.name)
                    .chain(tgw.attachments.iter().map(|a| &a.name))
                {
                    by_name
                        .entry(n.clone())
                        .or_default()
                        .push(ObjectRef::new(ObjectKind::TransitGateway, tgw.name.clone()));
                }
            }
            for inst in &d.instances {
                for eni in &inst.secondary_interfaces {
                    by_name
                        .entry(eni.name.clone())
                        .or_default()
                        .push(ObjectRef::new(ObjectKind::Instance, inst.name.clone()));
                }
            }
            by_name
        }

        pub(super) fn enis(d: &Design) -> (Vec<Eni>, Vec<String>) {
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

            let mut subnet_cidr: HashMap<&str, Ipv4Net> = HashMap::new();
            for s in &d.subnets {
                subnet_cidr.entry(s.name.as_str()).or_insert(s.cidr);
            }
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
            (enis, exhausted.into_iter().collect())
        }
    }

    /// Every observable answer of the index equals the oracle's.
    fn assert_matches_oracle(d: &Design, idx: &DesignIndex) {
        let names = oracle::names(d);
        let mut got: Vec<&str> = idx.names().collect();
        got.sort_unstable();
        let mut want: Vec<&str> = names.keys().map(String::as_str).collect();
        want.sort_unstable();
        assert_eq!(got, want);
        for (n, refs) in &names {
            assert_eq!(idx.lookup(n), refs.as_slice(), "lookup {n}");
        }
        let (enis, exhausted) = oracle::enis(d);
        assert_eq!(idx.enis, enis);
        assert_eq!(idx.exhausted_subnets, exhausted);
        for e in &enis {
            assert!(idx.eni(&e.owner).is_some_and(|x| x.owner == e.owner));
            let want: Vec<&Eni> = enis.iter().filter(|x| x.private_ip == e.private_ip).collect();
            if !e.private_ip.is_unspecified() {
                assert_eq!(idx.enis_with_ip(e.private_ip).collect::<Vec<_>>(), want);
            }
        }
        let mut subnets: Vec<&str> = d.subnets.iter().map(|s| s.name.as_str()).collect();
        subnets.extend(enis.iter().map(|e| e.subnet.as_str()));
        subnets.push("no-such-subnet");
        for s in subnets {
            let want: Vec<&Eni> = enis.iter().filter(|e| e.subnet == s).collect();
            assert_eq!(idx.enis_in_subnet(s).collect::<Vec<_>>(), want, "subnet {s}");
        }
        let mut sgs: Vec<&str> = d.security_groups.iter().map(|g| g.name.as_str()).collect();
        sgs.extend(enis.iter().flat_map(|e| e.security_groups.iter().map(String::as_str)));
        sgs.push("no-such-sg");
        for g in sgs {
            let want: Vec<&Eni> = enis
                .iter()
                .filter(|e| e.security_groups.iter().any(|x| x == g))
                .collect();
            assert_eq!(idx.enis_with_sg(g).collect::<Vec<_>>(), want, "sg {g}");
        }
    }

    /// A generated design bent in ways real files are: fixed addresses that
    /// collide with automatic ones, dangling subnets and groups, duplicate
    /// names, secondary interfaces, full subnets, load balancers, endpoints.
    pub(crate) fn messy_design(seed: u64, tweaks: &[u8]) -> Design {
        let mut d = generate(&GenParams {
            vpcs: 2,
            azs: 2,
            tiers: 2,
            instances: 3,
            tgw: seed % 2 == 0,
            peering: PeeringMode::Ring,
            seed,
        })
        .expect("small parameters are in range");
        for (n, t) in tweaks.iter().enumerate() {
            let k = n % d.instances.len().max(1);
            let s = n % d.subnets.len().max(1);
            match t % 10 {
                0 => {
                    let cidr = d.subnets[s].cidr;
                    if let Some(i) = d.instances.get_mut(k) {
                        i.subnet = d.subnets[s].name.clone();
                        i.private_ip = cidr::nth_usable(cidr, u64::from(*t % 4));
                    }
                }
                1 => {
                    if let Some(i) = d.instances.get_mut(k) {
                        i.subnet = "nowhere".into();
                    }
                }
                2 => {
                    if let Some(i) = d.instances.get_mut(k) {
                        i.secondary_interfaces.push(NetworkInterface {
                            name: format!("eni-{n}"),
                            subnet: d.subnets[s].name.clone(),
                            private_ip: None,
                            security_groups: vec!["ghost-sg".into()],
                            source_dest_check: false,
                        });
                    }
                }
                3 => {
                    let mut dup = d.subnets[s].clone();
                    dup.cidr = "10.200.0.0/28".parse().expect("literal");
                    d.subnets.push(dup);
                }
                4 => {
                    let net = d.subnets[s].cidr.network();
                    d.subnets[s].cidr = Ipv4Net::new(net, 28).expect("/28 is valid");
                }
                5 => {
                    if let Some(i) = d.instances.get_mut(k) {
                        let sg = i.security_groups.first().cloned().unwrap_or_default();
                        i.security_groups.push(sg);
                        i.security_groups.push("ghost-sg".into());
                    }
                }
                6 => d.load_balancers.push(LoadBalancer {
                    name: format!("lb-{n}"),
                    description: None,
                    kind: LoadBalancerKind::Application,
                    scheme: LoadBalancerScheme::InternetFacing,
                    subnets: vec![d.subnets[s].name.clone(), "nowhere".into()],
                    security_groups: vec![d.security_groups[0].name.clone()],
                    listeners: Vec::new(),
                    targets: Vec::new(),
                }),
                7 => d.endpoints.push(Endpoint {
                    name: format!("vpce-{n}"),
                    description: None,
                    vpc: d.subnets[s].vpc.clone(),
                    service: "sqs".into(),
                    kind: EndpointKind::Interface {
                        subnets: vec![d.subnets[s].name.clone()],
                        security_groups: vec![d.security_groups[0].name.clone()],
                        private_dns: true,
                    },
                }),
                8 => {
                    if let Some(i) = d.instances.get_mut(k) {
                        i.elastic_ip = d.elastic_ips.first().map(|e| e.name.clone());
                        i.public_ip = Some(n % 2 == 0);
                    }
                }
                _ => {
                    let g = d.security_groups[n % d.security_groups.len()].clone();
                    d.security_groups.push(g);
                }
            }
        }
        d
    }

    #[test]
    fn generated_designs_match_the_oracle() {
        for p in [GenParams::small(), GenParams::default()] {
            let d = generate(&p).unwrap();
            assert_matches_oracle(&d, &DesignIndex::new(&d));
        }
        let d = crate::templates::sample::three_tier();
        assert_matches_oracle(&d, &DesignIndex::new(&d));
    }

    #[test]
    fn fx_hasher_distinguishes_lengths_and_contents() {
        use std::hash::Hash;
        let h = |s: &str| {
            let mut x = FxHasher::default();
            s.hash(&mut x);
            x.finish()
        };
        assert_ne!(h("a"), h("a\0"));
        assert_ne!(h("web-1"), h("web-2"));
        assert_eq!(h("subnet-app-a"), h("subnet-app-a"));
        // Names that differ only in their last characters must spread over
        // the low bits hashbrown uses to pick buckets.
        let names: Vec<String> = (0..4000)
            .map(|i| format!("v{:03}-app-b-{:02}", i / 40, i % 40))
            .collect();
        let low: std::collections::HashSet<u64> = names.iter().map(|n| h(n) & 0x3fff).collect();
        assert!(
            low.len() > 3000,
            "{} distinct low-bit buckets for 4000 names",
            low.len()
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn index_matches_the_oracle_on_messy_designs(seed in 0u64..1000, tweaks in proptest::collection::vec(0u8..=255, 0..12)) {
            let d = messy_design(seed, &tweaks);
            assert_matches_oracle(&d, &DesignIndex::new(&d));
        }
    }
}
