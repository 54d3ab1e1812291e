//! The routes a route table really holds: implicit local routes, static
//! routes, gateway-endpoint routes and routes propagated from virtual private
//! gateways, each with its state (VPC User Guide, "Route tables").

use ipnet::{IpNet, Ipv4Net};

use super::*;

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

impl DesignIndex {
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

    /// Prefixes a VGW learns from its VPN connections (static routes, or what
    /// a BGP customer gateway advertises: the on-prem networks behind it, and
    /// when it is a software VPN appliance what the appliance routes) and its
    /// Direct Connect private VIFs, deduplicated. Down links advertise nothing.
    pub fn vgw_learned_prefixes(&self, d: &Design, vgw: &str) -> Vec<Ipv4Net> {
        let mut out: Vec<Ipv4Net> = Vec::new();
        for vpn in &d.vpn_connections {
            if vpn.termination != VpnTermination::VpnGateway(vgw.to_string()) || !vpn.is_up() {
                continue;
            }
            out.extend(d.vpn_customer_prefixes(vpn));
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
                if self.interface_target(d, n).is_some() {
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
