//! What the diagram shows, independent of how it is drawn: VPCs with their
//! AZ columns, subnets and the interfaces in them, the gateways on each VPC's
//! border, and the links between VPCs and to the outside. Both the character
//! layout and the DOT export are drawn from this one graph.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::Arc;

use crate::model::index::{EffectiveRoute, EniOwner};
use crate::model::*;

/// A thing drawn inside a subnet: an instance, NAT gateway, endpoint, load
/// balancer node, firewall endpoint or transit gateway attachment interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub object: ObjectRef,
    /// The name shown (`web-1`, `web-1/eth1` for a secondary interface).
    pub label: String,
    /// A short kind tag (`NAT`, `VPCE`, `ALB`, …); empty for instances.
    pub tag: &'static str,
    pub private_ip: Ipv4Addr,
    pub public_ip: Option<Ipv4Addr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetNode {
    pub object: ObjectRef,
    pub cidr: String,
    pub kind: SubnetKind,
    pub tier: Option<String>,
    /// Shared with another account through AWS RAM (VPC sharing).
    pub shared: bool,
    pub members: Vec<Member>,
    /// Where its route table sends traffic that leaves the subnet's VPC
    /// router: one arrow per target. Shared by the subnets of one route
    /// table (a peering mesh's tables hold a hundred arrows each).
    pub routes: Arc<[RouteArrow]>,
}

/// Something a route sends traffic to, as the diagram names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteHop {
    /// The drawn object standing for the target (a secondary interface → its
    /// instance, a firewall endpoint → its firewall).
    pub object: ObjectRef,
    pub name: String,
    /// A short kind tag: `IGW`, `NAT`, `TGW`, `peering`, …
    pub tag: &'static str,
}

/// The routes of a subnet's effective route table that share one target,
/// local routes left out: the subnet's way out of its VPC (VPC User Guide,
/// "Route tables"), drawn as an arrow in the subnet's box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteArrow {
    /// The destinations in route table order (`0.0.0.0/0`, `10.1.0.0/16`, `pl-s3`).
    pub dests: Vec<String>,
    pub to: RouteHop,
    /// Where a NAT gateway sends what it translates for the first destination:
    /// its own subnet's route (a zonal NAT gateway) or the VPC's internet
    /// gateway (a regional one).
    pub then: Option<RouteHop>,
    /// A route of the group is a blackhole (its target is gone or detached).
    pub blackhole: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzColumn {
    pub az: String,
    pub subnets: Vec<SubnetNode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GatewayKind {
    Internet,
    EgressOnly,
    Vpn,
    /// A gateway endpoint (S3/DynamoDB): reached through route tables, not a subnet.
    Endpoint,
    /// A regional NAT gateway: the VPC's own, in no subnet (VPC User Guide,
    /// "Regional NAT gateways for automatic multi-AZ expansion").
    RegionalNat,
}

impl GatewayKind {
    pub fn tag(self) -> &'static str {
        match self {
            GatewayKind::Internet => "IGW",
            GatewayKind::EgressOnly => "EIGW",
            GatewayKind::Vpn => "VGW",
            GatewayKind::Endpoint => "VPCE",
            GatewayKind::RegionalNat => "NAT",
        }
    }
}

/// A connection from a virtual private gateway or transit gateway to on-premises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HybridLink {
    /// The VPN connection or Direct Connect connection.
    pub object: ObjectRef,
    /// `vpn-office VPN 2/2 up`, `dx-1 DX down`.
    pub label: String,
    pub up: bool,
    /// The on-premises networks reached over it.
    pub onprem: Vec<ObjectRef>,
}

/// A gateway drawn on a VPC's border.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    pub object: ObjectRef,
    pub kind: GatewayKind,
    /// For a gateway endpoint, its service (`s3`).
    pub service: Option<String>,
    /// For a VGW: its VPN and Direct Connect links.
    pub hybrid: Vec<HybridLink>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcNode {
    pub object: ObjectRef,
    pub cidr: String,
    pub gateways: Vec<Gateway>,
    pub azs: Vec<AzColumn>,
}

impl VpcNode {
    pub fn subnet_count(&self) -> usize {
        self.azs.iter().map(|a| a.subnets.len()).sum()
    }
    pub fn subnets(&self) -> impl Iterator<Item = &SubnetNode> {
        self.azs.iter().flat_map(|a| a.subnets.iter())
    }
}

/// A link between VPCs, drawn in the channel to the right of the VPC boxes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcLink {
    /// The peering connection or transit gateway.
    pub object: ObjectRef,
    /// `pcx-a-b peering`, `tgw-core TGW`.
    pub label: String,
    /// Whether the link carries traffic (an active peering).
    pub active: bool,
    /// Indexes into [`Topology::vpcs`] (two for a peering, any number for a TGW).
    pub vpcs: Vec<usize>,
    /// A transit gateway's VPN / Direct Connect attachments.
    pub hybrid: Vec<HybridLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Topology {
    pub vpcs: Vec<VpcNode>,
    pub links: Vec<VpcLink>,
    /// On-premises networks with no VPN or Direct Connect path: reached over the internet.
    pub internet_onprem: Vec<ObjectRef>,
}

fn tag_of(owner: &EniOwner, d: &Design, idx: &DesignIndex) -> &'static str {
    match owner {
        EniOwner::Instance(_) | EniOwner::SecondaryInterface(..) => "",
        EniOwner::NatGateway(_) => "NAT",
        EniOwner::LoadBalancer(n, _) => match idx.load_balancer(d, n).map(|l| l.kind) {
            Some(LoadBalancerKind::Network) => "NLB",
            Some(LoadBalancerKind::Gateway) => "GWLB",
            _ => "ALB",
        },
        EniOwner::Endpoint(..) => "VPCE",
        EniOwner::Firewall(..) => "FW",
        EniOwner::TgwAttachment(..) => "TGW",
    }
}

fn label_of(owner: &EniOwner, d: &Design, idx: &DesignIndex) -> String {
    match owner {
        EniOwner::Instance(n) => match idx.instance(d, n).map(|i| i.role) {
            Some(InstanceRole::NatInstance) => format!("{n} (NAT instance)"),
            _ => n.clone(),
        },
        EniOwner::SecondaryInterface(i, e) => format!("{i}/{e}"),
        EniOwner::NatGateway(n) => n.clone(),
        EniOwner::LoadBalancer(n, _) => n.clone(),
        EniOwner::Endpoint(n, _) => match idx.endpoint(d, n) {
            Some(e) => format!("{n} {}", e.service),
            None => n.clone(),
        },
        EniOwner::Firewall(n, _) => n.clone(),
        EniOwner::TgwAttachment(_, a, _) => a.clone(),
    }
}

/// Order of subnet rows inside a VPC: public first, then private, VPN-only, isolated.
fn kind_rank(k: SubnetKind) -> u8 {
    match k {
        SubnetKind::Public => 0,
        SubnetKind::Private => 1,
        SubnetKind::VpnOnly => 2,
        SubnetKind::Isolated => 3,
    }
}

/// The key that puts subnets of the same tier on the same row across AZ columns.
pub fn row_key(s: &SubnetNode) -> (u8, String) {
    (kind_rank(s.kind), s.tier.clone().unwrap_or_default())
}

/// The on-premises networks behind a customer gateway or Direct Connect connection.
struct OnPremIndex {
    by_cgw: HashMap<String, Vec<ObjectRef>>,
    by_dx: HashMap<String, Vec<ObjectRef>>,
}

impl OnPremIndex {
    fn new(d: &Design) -> Self {
        let mut by_cgw: HashMap<String, Vec<ObjectRef>> = HashMap::new();
        let mut by_dx: HashMap<String, Vec<ObjectRef>> = HashMap::new();
        for n in &d.onprem_networks {
            let r = ObjectRef::new(ObjectKind::OnPremNetwork, n.name.clone());
            if let Some(c) = &n.customer_gateway {
                by_cgw.entry(c.clone()).or_default().push(r.clone());
            }
            if let Some(x) = &n.dx_connection {
                by_dx.entry(x.clone()).or_default().push(r);
            }
        }
        OnPremIndex { by_cgw, by_dx }
    }
}

fn vpn_link(v: &VpnConnection, onprem: &OnPremIndex) -> HybridLink {
    let up = v.tunnels_up.iter().filter(|t| **t).count();
    HybridLink {
        object: ObjectRef::new(ObjectKind::VpnConnection, v.name.clone()),
        label: format!("{} VPN {up}/2 up", v.name),
        up: up > 0,
        onprem: onprem.by_cgw.get(&v.customer_gateway).cloned().unwrap_or_default(),
    }
}

fn dx_link(x: &DxConnection, onprem: &OnPremIndex) -> HybridLink {
    HybridLink {
        object: ObjectRef::new(ObjectKind::DxConnection, x.name.clone()),
        label: format!("{} DX {}", x.name, if x.up { "up" } else { "down" }),
        up: x.up,
        onprem: onprem.by_dx.get(&x.name).cloned().unwrap_or_default(),
    }
}

/// VPN and Direct Connect links that end on a virtual private gateway. A VPN
/// whose customer gateway is a software VPN instance of another VPC (the
/// transit VPC pattern) is a link between VPCs, not to on-premises.
fn vgw_links(d: &Design, vgw: &str, onprem: &OnPremIndex) -> Vec<HybridLink> {
    let mut out: Vec<HybridLink> = d
        .vpn_connections
        .iter()
        .filter(|v| matches!(&v.termination, VpnTermination::VpnGateway(g) if g == vgw))
        .filter(|v| d.customer_gateway_instance(&v.customer_gateway).is_none())
        .map(|v| vpn_link(v, onprem))
        .collect();
    let dxgws: Vec<&str> = d
        .dx_gateways
        .iter()
        .filter(|g| g.vpn_gateways.iter().any(|v| v == vgw))
        .map(|g| g.name.as_str())
        .collect();
    for x in &d.dx_connections {
        let reaches = x.virtual_interfaces.iter().any(|vif| {
            vif.kind == VifKind::Private
                && (vif.vpn_gateway.as_deref() == Some(vgw)
                    || vif.dx_gateway.as_deref().is_some_and(|g| dxgws.contains(&g)))
        });
        if reaches {
            out.push(dx_link(x, onprem));
        }
    }
    out
}

/// VPN and Direct Connect attachments of a transit gateway.
fn tgw_links(d: &Design, tgw: &TransitGateway, onprem: &OnPremIndex) -> Vec<HybridLink> {
    let mut out = Vec::new();
    for a in &tgw.attachments {
        match &a.kind {
            TgwAttachmentKind::Vpn { connection } => {
                if let Some(v) = d.vpn_connections.iter().find(|v| &v.name == connection) {
                    out.push(vpn_link(v, onprem));
                }
            }
            TgwAttachmentKind::DxGateway { dx_gateway } => {
                for x in &d.dx_connections {
                    let reaches = x
                        .virtual_interfaces
                        .iter()
                        .any(|vif| vif.kind == VifKind::Transit && vif.dx_gateway.as_deref() == Some(dx_gateway));
                    if reaches {
                        out.push(dx_link(x, onprem));
                    }
                }
            }
            TgwAttachmentKind::Vpc { .. } | TgwAttachmentKind::Peering { .. } => {}
        }
    }
    // A VPN terminating on the TGW without an explicit attachment entry is still attached.
    for v in &d.vpn_connections {
        if matches!(&v.termination, VpnTermination::TransitGateway(t) if *t == tgw.name)
            && !out.iter().any(|l| l.object.name == v.name)
        {
            out.push(vpn_link(v, onprem));
        }
    }
    out
}

/// How a route destination is labelled on an arrow: a CIDR as written, a
/// prefix list as `pl-NAME` (AWS names managed prefix lists `pl-…`).
fn dest_label(dest: &RouteDestination) -> String {
    match dest {
        RouteDestination::Cidr(c) => c.to_string(),
        RouteDestination::PrefixList(p) => format!("pl-{p}"),
    }
}

/// The drawn object, name and tag of a route's target; `None` for the local target.
fn route_hop(d: &Design, idx: &DesignIndex, target: &RouteTarget) -> Option<RouteHop> {
    let hop = |kind: ObjectKind, name: &str, tag: &'static str| RouteHop {
        object: ObjectRef::new(kind, name),
        name: name.to_string(),
        tag,
    };
    Some(match target {
        RouteTarget::Local => return None,
        RouteTarget::InternetGateway(n) => hop(ObjectKind::InternetGateway, n, "IGW"),
        RouteTarget::EgressOnlyGateway(n) => hop(ObjectKind::EgressOnlyGateway, n, "EIGW"),
        RouteTarget::NatGateway(n) => hop(ObjectKind::NatGateway, n, "NAT"),
        RouteTarget::Instance(n) => hop(ObjectKind::Instance, n, "instance"),
        RouteTarget::NetworkInterface(n) => {
            // A named secondary interface is drawn as `instance/eni` in its subnet.
            let owner = match idx.interface_target(d, n) {
                Some((i, Some(_))) => Some(i.name.as_str()),
                _ => None,
            };
            RouteHop {
                object: ObjectRef::new(ObjectKind::Instance, owner.unwrap_or(n)),
                name: owner.map_or_else(|| n.clone(), |i| format!("{i}/{n}")),
                tag: "ENI",
            }
        }
        RouteTarget::Peering(n) => hop(ObjectKind::Peering, n, "peering"),
        RouteTarget::TransitGateway(n) => hop(ObjectKind::TransitGateway, n, "TGW"),
        RouteTarget::VpnGateway(n) => hop(ObjectKind::VpnGateway, n, "VGW"),
        RouteTarget::GatewayEndpoint(n) => hop(ObjectKind::Endpoint, n, "VPCE"),
        RouteTarget::FirewallEndpoint(n, az) => RouteHop {
            object: ObjectRef::new(ObjectKind::Firewall, n.clone()),
            name: format!("{n}@{az}"),
            tag: "FW",
        },
    })
}

/// The route of a table that carries `dest`: the longest prefix holding the
/// destination's first address, or the same prefix list (VPC User Guide,
/// "Route priority").
fn route_for<'r>(routes: &'r [EffectiveRoute], dest: &RouteDestination) -> Option<&'r EffectiveRoute> {
    match dest {
        RouteDestination::Cidr(c) => routes
            .iter()
            .filter(|r| r.dest.cidr().is_some_and(|rc| rc.contains(&c.network())))
            .max_by_key(|r| r.dest.cidr().map_or(0, |rc| rc.prefix_len())),
        RouteDestination::PrefixList(_) => routes.iter().find(|r| &r.dest == dest),
    }
}

/// Where a NAT gateway sends the traffic it translates for `dest`.
fn nat_next_hop(d: &Design, idx: &DesignIndex, nat: &str, dest: &RouteDestination) -> Option<RouteHop> {
    let n = idx.nat_gateway(d, nat)?;
    match (&n.subnet, &n.vpc) {
        (Some(s), _) => {
            let subnet = idx.subnet(d, s)?;
            let rt = idx.subnet_route_table(d, subnet)?;
            let routes = idx.effective_routes(d, rt);
            let r = route_for(&routes, dest)?;
            // A route back to the same NAT gateway would be a loop, not a next hop.
            match &r.target {
                RouteTarget::NatGateway(x) if x == nat => None,
                t => route_hop(d, idx, t),
            }
        }
        // A regional NAT gateway leaves by its VPC's internet gateway.
        (None, Some(v)) => d
            .internet_gateways
            .iter()
            .find(|g| g.vpc.as_deref() == Some(v.as_str()))
            .and_then(|g| route_hop(d, idx, &RouteTarget::InternetGateway(g.name.clone()))),
        (None, None) => None,
    }
}

/// The arrows of a route table: its effective routes (static, gateway
/// endpoint and propagated ones) grouped by target, local routes left out.
fn route_arrows(d: &Design, idx: &DesignIndex, rt: &RouteTable) -> Vec<RouteArrow> {
    let routes = idx.effective_routes(d, rt);
    let mut out: Vec<(RouteTarget, RouteArrow)> = Vec::new();
    for r in &routes {
        let blackhole = r.state == RouteState::Blackhole;
        if let Some((_, a)) = out.iter_mut().find(|(t, _)| *t == r.target) {
            a.dests.push(dest_label(&r.dest));
            a.blackhole |= blackhole;
            continue;
        }
        let Some(to) = route_hop(d, idx, &r.target) else {
            continue;
        };
        let then = match &r.target {
            RouteTarget::NatGateway(n) => nat_next_hop(d, idx, n, &r.dest),
            _ => None,
        };
        out.push((
            r.target.clone(),
            RouteArrow {
                dests: vec![dest_label(&r.dest)],
                to,
                then,
                blackhole,
            },
        ));
    }
    out.into_iter().map(|(_, a)| a).collect()
}

impl Topology {
    /// Extracts the drawable graph of a design.
    pub fn new(d: &Design, idx: &DesignIndex) -> Self {
        let onprem = OnPremIndex::new(d);
        let mut vpc_pos: HashMap<&str, usize> = HashMap::new();
        let mut vpcs: Vec<VpcNode> = Vec::with_capacity(d.vpcs.len());
        for v in &d.vpcs {
            vpc_pos.entry(v.name.as_str()).or_insert(vpcs.len());
            let mut cidr = v.cidr.to_string();
            if !v.secondary_cidrs.is_empty() {
                cidr.push_str(&format!(" +{}", v.secondary_cidrs.len()));
            }
            vpcs.push(VpcNode {
                object: ObjectRef::new(ObjectKind::Vpc, v.name.clone()),
                cidr,
                gateways: Vec::new(),
                azs: Vec::new(),
            });
        }

        // Interfaces per subnet, in index order (file order).
        let mut members: HashMap<&str, Vec<Member>> = HashMap::new();
        for eni in &idx.enis {
            members.entry(eni.subnet.as_str()).or_default().push(Member {
                object: eni.owner.object(),
                label: label_of(&eni.owner, d, idx),
                tag: tag_of(&eni.owner, d, idx),
                private_ip: eni.private_ip,
                public_ip: eni.public_ip,
            });
        }

        // Subnets into AZ columns, in the design's AZ order (unknown AZs after).
        // A route table's arrows are worked out once, however many subnets use it.
        let mut arrows_by_table: HashMap<&str, Arc<[RouteArrow]>> = HashMap::new();
        for s in &d.subnets {
            let Some(&vi) = vpc_pos.get(s.vpc.as_str()) else {
                continue;
            };
            let node = SubnetNode {
                object: ObjectRef::new(ObjectKind::Subnet, s.name.clone()),
                cidr: s.cidr.to_string(),
                kind: idx.subnet_kind(d, s),
                tier: s.tier.clone(),
                shared: d.accounts.is_shared(&s.name),
                members: members.remove(s.name.as_str()).unwrap_or_default(),
                routes: match idx.subnet_route_table(d, s) {
                    Some(rt) => arrows_by_table
                        .entry(rt.name.as_str())
                        .or_insert_with(|| route_arrows(d, idx, rt).into())
                        .clone(),
                    None => Arc::from([]),
                },
            };
            let azs = &mut vpcs[vi].azs;
            match azs.iter_mut().find(|a| a.az == s.az) {
                Some(col) => col.subnets.push(node),
                None => azs.push(AzColumn {
                    az: s.az.clone(),
                    subnets: vec![node],
                }),
            }
        }
        let az_rank = |az: &str| d.azs.iter().position(|a| a == az).unwrap_or(usize::MAX);
        for v in &mut vpcs {
            v.azs
                .sort_by(|a, b| az_rank(&a.az).cmp(&az_rank(&b.az)).then_with(|| a.az.cmp(&b.az)));
            for col in &mut v.azs {
                // Stable: file order within a row key.
                col.subnets.sort_by_key(row_key);
            }
        }

        // Border gateways.
        let mut push_gw = |vpc: &str, gw: Gateway| {
            if let Some(&vi) = vpc_pos.get(vpc) {
                vpcs[vi].gateways.push(gw);
            }
        };
        for g in &d.internet_gateways {
            if let Some(vpc) = &g.vpc {
                push_gw(
                    vpc,
                    Gateway {
                        object: ObjectRef::new(ObjectKind::InternetGateway, g.name.clone()),
                        kind: GatewayKind::Internet,
                        service: None,
                        hybrid: Vec::new(),
                    },
                );
            }
        }
        for g in &d.egress_only_gateways {
            push_gw(
                &g.vpc,
                Gateway {
                    object: ObjectRef::new(ObjectKind::EgressOnlyGateway, g.name.clone()),
                    kind: GatewayKind::EgressOnly,
                    service: None,
                    hybrid: Vec::new(),
                },
            );
        }
        for g in &d.vpn_gateways {
            if let Some(vpc) = &g.vpc {
                push_gw(
                    vpc,
                    Gateway {
                        object: ObjectRef::new(ObjectKind::VpnGateway, g.name.clone()),
                        kind: GatewayKind::Vpn,
                        service: None,
                        hybrid: vgw_links(d, &g.name, &onprem),
                    },
                );
            }
        }
        for n in d.nat_gateways.iter().filter(|n| n.is_regional()) {
            if let Some(vpc) = &n.vpc {
                push_gw(
                    vpc,
                    Gateway {
                        object: ObjectRef::new(ObjectKind::NatGateway, n.name.clone()),
                        kind: GatewayKind::RegionalNat,
                        service: Some("regional".into()),
                        hybrid: Vec::new(),
                    },
                );
            }
        }
        for e in d.endpoints.iter().filter(|e| e.is_gateway()) {
            push_gw(
                &e.vpc,
                Gateway {
                    object: ObjectRef::new(ObjectKind::Endpoint, e.name.clone()),
                    kind: GatewayKind::Endpoint,
                    service: Some(e.service.clone()),
                    hybrid: Vec::new(),
                },
            );
        }

        // Links between VPCs.
        let mut links = Vec::new();
        for p in &d.peerings {
            let (Some(&a), Some(&b)) = (vpc_pos.get(p.requester.as_str()), vpc_pos.get(p.accepter.as_str())) else {
                continue;
            };
            let active = p.status == PeeringStatus::Active;
            let label = if active {
                format!("{} peering", p.name)
            } else {
                format!("{} peering {}", p.name, p.status.label())
            };
            links.push(VpcLink {
                object: ObjectRef::new(ObjectKind::Peering, p.name.clone()),
                label,
                active,
                vpcs: vec![a, b],
                hybrid: Vec::new(),
            });
        }
        for t in &d.transit_gateways {
            let mut attached: Vec<usize> = t
                .attachments
                .iter()
                .filter_map(|a| match &a.kind {
                    TgwAttachmentKind::Vpc { vpc, .. } => vpc_pos.get(vpc.as_str()).copied(),
                    _ => None,
                })
                .collect();
            attached.sort_unstable();
            attached.dedup();
            links.push(VpcLink {
                object: ObjectRef::new(ObjectKind::TransitGateway, t.name.clone()),
                label: format!("{} TGW", t.name),
                active: true,
                vpcs: attached,
                hybrid: tgw_links(d, t, &onprem),
            });
        }

        // PrivateLink: an endpoint service and the other VPCs whose endpoints
        // connect to it. Nothing is routed between them; consumers open
        // connections to the provider, never the reverse (PrivateLink guide).
        let vpc_of_subnet = |n: &String| {
            d.subnets
                .iter()
                .find(|x| &x.name == n)
                .and_then(|x| vpc_pos.get(x.vpc.as_str()).copied())
        };
        for s in &d.endpoint_services {
            let Some(provider) = d
                .load_balancers
                .iter()
                .find(|l| l.name == s.load_balancer)
                .and_then(|l| l.subnets.first())
                .and_then(vpc_of_subnet)
            else {
                continue;
            };
            let mut consumers: Vec<usize> = d
                .endpoints
                .iter()
                .filter(|e| e.service == s.name)
                .filter_map(|e| vpc_pos.get(e.vpc.as_str()).copied())
                .filter(|&v| v != provider)
                .collect();
            if consumers.is_empty() {
                continue;
            }
            consumers.push(provider);
            consumers.sort_unstable();
            consumers.dedup();
            links.push(VpcLink {
                object: ObjectRef::new(ObjectKind::EndpointService, s.name.clone()),
                label: format!("{} PrivateLink", s.name),
                active: true,
                vpcs: consumers,
                hybrid: Vec::new(),
            });
        }
        // Transit VPC: a spoke's VPN connection whose customer gateway is a
        // software VPN instance joins the spoke to the instance's VPC.
        for v in &d.vpn_connections {
            let VpnTermination::VpnGateway(g) = &v.termination else {
                continue;
            };
            let Some(hub) = d.customer_gateway_instance(&v.customer_gateway) else {
                continue;
            };
            let spoke = d
                .vpn_gateways
                .iter()
                .find(|x| &x.name == g)
                .and_then(|x| x.vpc.as_deref())
                .and_then(|x| vpc_pos.get(x).copied());
            let hub_vpc = vpc_of_subnet(&hub.subnet);
            let (Some(spoke), Some(hub_vpc)) = (spoke, hub_vpc) else {
                continue;
            };
            let link = vpn_link(v, &onprem);
            let mut vpcs = vec![spoke, hub_vpc];
            vpcs.sort_unstable();
            // The lane's label is short (the channel is narrow): tunnels are
            // counted only when one is down.
            let up = v.tunnels_up.iter().filter(|t| **t).count();
            let label = if up == v.tunnels_up.len() {
                format!("{} VPN", v.name)
            } else {
                format!("{} VPN {up}/2 up", v.name)
            };
            links.push(VpcLink {
                object: link.object,
                label,
                active: link.up,
                vpcs,
                hybrid: Vec::new(),
            });
        }

        // On-prem networks not reached by any VPN or DX link shown.
        let mut reached: Vec<&ObjectRef> = Vec::new();
        for v in &vpcs {
            for g in &v.gateways {
                for h in &g.hybrid {
                    reached.extend(h.onprem.iter());
                }
            }
        }
        for l in &links {
            for h in &l.hybrid {
                reached.extend(h.onprem.iter());
            }
        }
        let internet_onprem = d
            .onprem_networks
            .iter()
            .map(|n| ObjectRef::new(ObjectKind::OnPremNetwork, n.name.clone()))
            .filter(|r| !reached.contains(&r))
            .collect();

        Topology {
            vpcs,
            links,
            internet_onprem,
        }
    }
}

/// A one-line description of an on-premises network: `office 203.0.113.0/24`.
pub fn onprem_label(d: &Design, r: &ObjectRef) -> String {
    match d.onprem_networks.iter().find(|n| n.name == r.name) {
        Some(n) => {
            let cidrs: Vec<String> = n.cidrs.iter().map(|c| c.to_string()).collect();
            format!("{} {}", n.name, cidrs.join(" "))
        }
        None => r.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_has_one_vpc_two_azs_and_the_igw_on_its_border() {
        let d = crate::create::templates::sample::three_tier();
        let idx = DesignIndex::new(&d);
        let t = Topology::new(&d, &idx);
        assert_eq!(t.vpcs.len(), 1);
        let v = &t.vpcs[0];
        assert_eq!(
            v.azs.iter().map(|a| a.az.as_str()).collect::<Vec<_>>(),
            ["us-east-1a", "us-east-1b"]
        );
        assert_eq!(v.gateways[0].object.name, "igw-shop");
        // Public subnets come first in each AZ column.
        assert_eq!(v.azs[0].subnets[0].object.name, "pub-a");
        assert_eq!(v.azs[0].subnets[0].kind, SubnetKind::Public);
        let pub_a: Vec<&str> = v.azs[0].subnets[0].members.iter().map(|m| m.label.as_str()).collect();
        assert!(pub_a.contains(&"web-1") && pub_a.contains(&"bastion") && pub_a.contains(&"nat-a"));
        // The office is not behind a VPN or DX: reached over the internet.
        assert_eq!(t.internet_onprem.len(), 1);
    }
}
