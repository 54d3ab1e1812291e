//! Derived facts about a design, computed once per snapshot: name lookups,
//! each subnet's effective route table and NACL, subnet kinds, the address of
//! every network interface, and each route table's effective routes.

use std::collections::hash_map::Entry;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::cidr;
use super::*;

mod addresses;
mod hash;
mod incremental;
mod names;
mod owners;
mod routes;

use names::{NameEntry, NESTED};

pub use hash::{FxHashMap, FxHasher};
pub use routes::EffectiveRoute;

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
    /// The name of the design object that owns the interface.
    pub fn name(&self) -> &str {
        match self {
            EniOwner::Instance(n)
            | EniOwner::SecondaryInterface(n, _)
            | EniOwner::NatGateway(n)
            | EniOwner::LoadBalancer(n, _)
            | EniOwner::Endpoint(n, _)
            | EniOwner::Firewall(n, _)
            | EniOwner::TgwAttachment(n, _, _) => n,
        }
    }

    /// The subnet named in the owner, for the owners placed per subnet
    /// (load balancer nodes, endpoint, firewall and attachment interfaces).
    pub fn subnet(&self) -> Option<&str> {
        match self {
            EniOwner::LoadBalancer(_, s)
            | EniOwner::Endpoint(_, s)
            | EniOwner::Firewall(_, s)
            | EniOwner::TgwAttachment(_, _, s) => Some(s),
            EniOwner::Instance(_) | EniOwner::SecondaryInterface(..) | EniOwner::NatGateway(_) => None,
        }
    }

    /// The owner with the object of `kind` named `from` renamed `to`, when
    /// it names that object (as its owner, or as the subnet it is placed in).
    pub fn renamed(&self, kind: ObjectKind, from: &str, to: &str) -> Option<EniOwner> {
        let owns = self.kind() == kind && self.name() == from;
        let placed = kind == ObjectKind::Subnet && self.subnet() == Some(from);
        if !owns && !placed {
            return None;
        }
        let mut owner = self.clone();
        let (name, subnet) = match &mut owner {
            EniOwner::Instance(n) | EniOwner::SecondaryInterface(n, _) | EniOwner::NatGateway(n) => (n, None),
            EniOwner::LoadBalancer(n, s)
            | EniOwner::Endpoint(n, s)
            | EniOwner::Firewall(n, s)
            | EniOwner::TgwAttachment(n, _, s) => (n, Some(s)),
        };
        if owns {
            *name = to.to_string();
        }
        if let (true, Some(s)) = (placed, subnet) {
            *s = to.to_string();
        }
        Some(owner)
    }

    /// The kind of the design object that owns the interface.
    pub fn kind(&self) -> ObjectKind {
        match self {
            EniOwner::Instance(_) | EniOwner::SecondaryInterface(..) => ObjectKind::Instance,
            EniOwner::NatGateway(_) => ObjectKind::NatGateway,
            EniOwner::LoadBalancer(..) => ObjectKind::LoadBalancer,
            EniOwner::Endpoint(..) => ObjectKind::Endpoint,
            EniOwner::Firewall(..) => ObjectKind::Firewall,
            EniOwner::TgwAttachment(..) => ObjectKind::TransitGateway,
        }
    }

    /// The design object that owns the interface.
    pub fn object(&self) -> ObjectRef {
        ObjectRef::new(self.kind(), self.name())
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

/// Name → position maps and derived facts for one design snapshot.
///
/// Built in one pass over the design with no per-object scans; the
/// workspace keeps it up to date across edits ([`DesignIndex::update_in_place`],
/// [`DesignIndex::after_insert`], [`DesignIndex::after_remove`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesignIndex {
    by_name: FxHashMap<String, NameEntry>,
    /// All interfaces, in a stable order.
    pub enis: Vec<Eni>,
    eni_by_owner: owners::OwnerTable,
    /// (private IP, interface) sorted: equal-range lookups.
    eni_by_ip: Vec<(Ipv4Addr, u32)>,
    /// (subnet position, interface) sorted, for interfaces whose subnet exists.
    eni_by_subnet: Vec<(u32, u32)>,
    /// (security-group position, interface) sorted, for groups that exist.
    eni_by_sg: Vec<(u32, u32)>,
    /// The interfaces with an auto-assigned public address, in order: the
    /// `n`th of them holds the `n + 1`th address of the pool.
    auto_public: Vec<u32>,
    /// Subnets whose auto-assigned addresses ran out (more interfaces than usable addresses).
    pub exhausted_subnets: Vec<String>,
    /// The public address of each regional NAT gateway in each AZ it serves,
    /// by NAT gateway then AZ.
    pub regional_nat_addresses: Vec<RegionalNatAddress>,
}

/// The address a regional NAT gateway translates traffic from one AZ to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionalNatAddress {
    pub nat: String,
    pub az: String,
    pub public_ip: Ipv4Addr,
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
        let nested = d
            .transit_gateways
            .iter()
            .map(|t| t.route_tables.len() + t.attachments.len())
            .sum::<usize>()
            + d.instances.iter().map(|i| i.secondary_interfaces.len()).sum::<usize>();
        idx.by_name
            .reserve(ObjectKind::ALL.iter().map(|k| d.count(*k)).sum::<usize>() + nested);
        let mut add = |name: &str, r: ObjectRef, p: u32| match idx.by_name.entry(name.to_string()) {
            Entry::Vacant(v) => {
                v.insert(NameEntry::One(r, p));
            }
            Entry::Occupied(mut o) => o.get_mut().push(r, p),
        };
        // Object names first, in `object_refs` order, then the nested names.
        macro_rules! names {
            ($($field:ident => $kind:ident),*) => {$(
                for (i, o) in d.$field.iter().enumerate() {
                    add(&o.name, ObjectRef::new(ObjectKind::$kind, o.name.clone()), i as u32);
                }
            )*};
        }
        names!(vpcs => Vpc, subnets => Subnet, route_tables => RouteTable, internet_gateways => InternetGateway,
             egress_only_gateways => EgressOnlyGateway, nat_gateways => NatGateway, elastic_ips => ElasticIp,
             security_groups => SecurityGroup, network_acls => NetworkAcl, instances => Instance,
             load_balancers => LoadBalancer, peerings => Peering, endpoints => Endpoint, prefix_lists => PrefixList,
             vpn_gateways => VpnGateway, customer_gateways => CustomerGateway, vpn_connections => VpnConnection,
             dx_gateways => DxGateway, dx_connections => DxConnection, onprem_networks => OnPremNetwork,
             transit_gateways => TransitGateway, firewalls => Firewall, flow_logs => FlowLog,
             endpoint_services => EndpointService);
        for tgw in &d.transit_gateways {
            for t in &tgw.route_tables {
                add(
                    &t.name,
                    ObjectRef::new(ObjectKind::TransitGateway, tgw.name.clone()),
                    NESTED,
                );
            }
            for a in &tgw.attachments {
                add(
                    &a.name,
                    ObjectRef::new(ObjectKind::TransitGateway, tgw.name.clone()),
                    NESTED,
                );
            }
        }
        for inst in &d.instances {
            for eni in &inst.secondary_interfaces {
                add(
                    &eni.name,
                    ObjectRef::new(ObjectKind::Instance, inst.name.clone()),
                    NESTED,
                );
            }
        }
        idx.assign_addresses(d);
        idx
    }

    /// Objects (of any kind) with this name. Names of TGW route tables and
    /// attachments and of secondary interfaces map to their owner.
    pub fn lookup(&self, name: &str) -> &[ObjectRef] {
        self.by_name.get(name).map(NameEntry::refs).unwrap_or(&[])
    }

    /// Every name with the objects it stands for (see [`DesignIndex::lookup`]).
    pub fn names_with_refs(&self) -> impl Iterator<Item = (&str, &[ObjectRef])> {
        self.by_name.iter().map(|(n, e)| (n.as_str(), e.refs()))
    }

    /// Every name in the design (for completion and "did you mean").
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    /// Position of the first object of `kind` named `name` in its list.
    pub fn position(&self, kind: ObjectKind, name: &str) -> Option<usize> {
        let e = self.by_name.get(name)?;
        e.refs()
            .iter()
            .zip(e.positions())
            .find(|(r, p)| **p != NESTED && r.kind == kind)
            .map(|(_, p)| *p as usize)
    }

    pub fn vpc<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Vpc> {
        self.position(ObjectKind::Vpc, name).map(|i| &d.vpcs[i])
    }
    pub fn subnet<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Subnet> {
        self.position(ObjectKind::Subnet, name).map(|i| &d.subnets[i])
    }
    pub fn route_table<'d>(&self, d: &'d Design, name: &str) -> Option<&'d RouteTable> {
        self.position(ObjectKind::RouteTable, name).map(|i| &d.route_tables[i])
    }
    pub fn network_acl<'d>(&self, d: &'d Design, name: &str) -> Option<&'d NetworkAcl> {
        self.position(ObjectKind::NetworkAcl, name).map(|i| &d.network_acls[i])
    }
    pub fn security_group<'d>(&self, d: &'d Design, name: &str) -> Option<&'d SecurityGroup> {
        self.position(ObjectKind::SecurityGroup, name)
            .map(|i| &d.security_groups[i])
    }
    pub fn instance<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Instance> {
        self.position(ObjectKind::Instance, name).map(|i| &d.instances[i])
    }
    /// The interface a route's `NetworkInterface(n)` target names: an
    /// instance's own name stands for its primary interface (`(instance,
    /// None)`), a secondary interface's name for that interface (`(its
    /// instance, Some(n))`).
    pub fn interface_target<'d>(&self, d: &'d Design, n: &'d str) -> Option<(&'d Instance, Option<&'d str>)> {
        if let Some(i) = self.instance(d, n) {
            return Some((i, None));
        }
        d.instances
            .iter()
            .find(|i| i.secondary_interfaces.iter().any(|e| e.name == n))
            .map(|i| (i, Some(n)))
    }
    pub fn internet_gateway<'d>(&self, d: &'d Design, name: &str) -> Option<&'d InternetGateway> {
        self.position(ObjectKind::InternetGateway, name)
            .map(|i| &d.internet_gateways[i])
    }
    pub fn nat_gateway<'d>(&self, d: &'d Design, name: &str) -> Option<&'d NatGateway> {
        self.position(ObjectKind::NatGateway, name).map(|i| &d.nat_gateways[i])
    }
    /// The public address regional NAT gateway `nat` translates traffic from `az` to.
    pub fn regional_nat_address(&self, nat: &str, az: &str) -> Option<Ipv4Addr> {
        self.regional_nat_addresses
            .iter()
            .find(|a| a.nat == nat && a.az == az)
            .map(|a| a.public_ip)
    }
    /// The regional NAT gateway address `ip` is, if it is one.
    pub fn regional_nat_at(&self, ip: Ipv4Addr) -> Option<&RegionalNatAddress> {
        self.regional_nat_addresses.iter().find(|a| a.public_ip == ip)
    }
    pub fn elastic_ip<'d>(&self, d: &'d Design, name: &str) -> Option<&'d ElasticIp> {
        self.position(ObjectKind::ElasticIp, name).map(|i| &d.elastic_ips[i])
    }
    pub fn peering<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Peering> {
        self.position(ObjectKind::Peering, name).map(|i| &d.peerings[i])
    }
    pub fn endpoint<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Endpoint> {
        self.position(ObjectKind::Endpoint, name).map(|i| &d.endpoints[i])
    }
    pub fn transit_gateway<'d>(&self, d: &'d Design, name: &str) -> Option<&'d TransitGateway> {
        self.position(ObjectKind::TransitGateway, name)
            .map(|i| &d.transit_gateways[i])
    }
    pub fn vpn_gateway<'d>(&self, d: &'d Design, name: &str) -> Option<&'d VpnGateway> {
        self.position(ObjectKind::VpnGateway, name).map(|i| &d.vpn_gateways[i])
    }
    pub fn load_balancer<'d>(&self, d: &'d Design, name: &str) -> Option<&'d LoadBalancer> {
        self.position(ObjectKind::LoadBalancer, name)
            .map(|i| &d.load_balancers[i])
    }
    pub fn firewall<'d>(&self, d: &'d Design, name: &str) -> Option<&'d Firewall> {
        self.position(ObjectKind::Firewall, name).map(|i| &d.firewalls[i])
    }
    pub fn prefix_list<'d>(&self, d: &'d Design, name: &str) -> Option<&'d PrefixList> {
        self.position(ObjectKind::PrefixList, name).map(|i| &d.prefix_lists[i])
    }
    pub fn onprem_network<'d>(&self, d: &'d Design, name: &str) -> Option<&'d OnPremNetwork> {
        self.position(ObjectKind::OnPremNetwork, name)
            .map(|i| &d.onprem_networks[i])
    }

    /// [`Design::vpc_owner`] by name lookup instead of a scan of the VPCs
    /// (validation and the tree ask it once per instance).
    pub fn vpc_owner<'d>(&self, d: &'d Design, vpc: &str) -> Option<&'d str> {
        let owner = self.vpc(d, vpc).and_then(|v| v.owner.as_deref());
        d.accounts.resolve(owner)
    }

    /// [`Design::subnet_owner`] by name lookup.
    pub fn subnet_owner<'d>(&self, d: &'d Design, subnet: &str) -> Option<&'d str> {
        match self.subnet(d, subnet) {
            Some(s) => self.vpc_owner(d, &s.vpc),
            None => d.accounts.home.as_deref(),
        }
    }

    /// [`Design::owner_in_subnet`] by name lookup.
    pub fn owner_in_subnet<'d>(&self, d: &'d Design, owner: Option<&'d str>, subnet: &str) -> Option<&'d str> {
        match owner {
            Some(o) => Some(o),
            None => self.subnet_owner(d, subnet),
        }
    }

    /// [`Design::security_group_owner`] by name lookup.
    pub fn security_group_owner<'d>(&self, d: &'d Design, group: &str) -> Option<&'d str> {
        match self.security_group(d, group) {
            Some(g) => match g.owner.as_deref() {
                Some(o) => Some(o),
                None => self.vpc_owner(d, &g.vpc),
            },
            None => d.accounts.home.as_deref(),
        }
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
        // VPC User Guide, "Subnet types": an isolated subnet has no routes to
        // destinations outside its VPC; a subnet that has some (to a transit
        // gateway, a peering, an endpoint, an inspection appliance) but no
        // direct route to an internet gateway is private.
        let vpc = self.vpc(d, &subnet.vpc);
        let inside = |r: &Route| match (&r.dest, vpc) {
            (RouteDestination::Cidr(IpNet::V4(n)), Some(v)) => v.ipv4_cidrs().any(|c| c.contains(n)),
            (RouteDestination::Cidr(IpNet::V6(n)), Some(v)) => v.ipv6_cidr.is_some_and(|c| c.contains(n)),
            _ => false,
        };
        if rt.routes.iter().all(inside) {
            SubnetKind::Isolated
        } else {
            SubnetKind::Private
        }
    }

    pub fn eni(&self, owner: &EniOwner) -> Option<&Eni> {
        self.eni_by_owner.get(&self.enis, owner).map(|i| &self.enis[i])
    }

    /// The position of an owner's interface in [`DesignIndex::enis`], which
    /// tables keyed by interface position (the analysis's) follow.
    pub fn eni_position(&self, owner: &EniOwner) -> Option<usize> {
        self.eni_by_owner.get(&self.enis, owner)
    }

    /// Interfaces holding a private IPv4 address (several when VPCs overlap).
    pub fn enis_with_ip(&self, ip: Ipv4Addr) -> impl Iterator<Item = &Eni> {
        equal_range(&self.eni_by_ip, ip)
            .iter()
            .map(|(_, i)| &self.enis[*i as usize])
    }

    /// Whether any interface names the subnet: as its subnet, or as where
    /// its owner is placed (a load balancer node, an endpoint's, firewall's
    /// or attachment's interface), whether or not the subnet exists.
    pub fn interface_names_subnet(&self, subnet: &str) -> bool {
        self.enis
            .iter()
            .any(|e| e.subnet == subnet || e.owner.subnet() == Some(subnet))
    }

    /// Interfaces in a subnet, in interface order.
    pub fn enis_in_subnet<'a>(&'a self, subnet: &'a str) -> impl Iterator<Item = &'a Eni> + 'a {
        let pos = self.position(ObjectKind::Subnet, subnet);
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
        let pos = self.position(ObjectKind::SecurityGroup, sg);
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
            .filter_map(|g| self.position(ObjectKind::SecurityGroup, g))
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
                    match self.eni_by_owner.get(&self.enis, owner) {
                        Some(i) => found.push(i),
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
            // A regional NAT gateway has an address in each AZ its VPC has subnets in.
            (Object::Subnet(o), Object::Subnet(n)) => {
                o.cidr == n.cidr
                    && o.map_public_ip == n.map_public_ip
                    && ((o.vpc == n.vpc && o.az == n.az) || !d.nat_gateways.iter().any(NatGateway::is_regional))
            }
            (Object::NatGateway(o), Object::NatGateway(n)) => {
                o.availability_mode == n.availability_mode
                    && o.vpc == n.vpc
                    && o.subnet == n.subnet
                    && o.private_ip == n.private_ip
                    && o.connectivity == n.connectivity
                    && o.elastic_ip == n.elastic_ip
            }
            (Object::ElasticIp(o), Object::ElasticIp(n)) => o.address == n.address,
            (Object::LoadBalancer(o), Object::LoadBalancer(n)) => {
                o.subnets == n.subnets
                    && o.scheme == n.scheme
                    && o.kind == n.kind
                    && o.security_groups == n.security_groups
            }
            // A chosen interface address that changes moves an address: rebuild.
            (Object::Endpoint(o), Object::Endpoint(n)) if o.addresses != n.addresses => false,
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
                (
                    EndpointKind::GatewayLoadBalancer { subnet: s1 },
                    EndpointKind::GatewayLoadBalancer { subnet: s2 },
                ) => s1 == s2,
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
            | (Object::EndpointService(_), _)
            | (Object::FlowLog(_), _) => true,
            _ => false,
        }
    }
}

/// The CIDR blocks a prefix-list name stands for: a customer list of the
/// design, or an AWS-managed list (`s3`, `dynamodb`).
pub fn prefix_list_cidrs(d: &Design, name: &str) -> Vec<IpNet> {
    if let Some(pl) = d.prefix_lists.iter().find(|p| p.name == name) {
        return pl.entries.clone();
    }
    parse_nets(super::aws_prefix_list(name))
}

/// The IPv6 blocks of an AWS-managed prefix list (S3's, which a dual-stack
/// gateway endpoint routes); none for other names.
pub fn prefix_list_cidrs_v6(name: &str) -> Vec<IpNet> {
    parse_nets(super::aws_prefix_list_v6(name))
}

/// The blocks of a built-in AWS-managed list (none for an unknown name).
fn parse_nets(list: Option<&[&str]>) -> Vec<IpNet> {
    list.map(|l| l.iter().filter_map(|s| s.parse().ok()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests;
