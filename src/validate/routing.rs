//! Route tables, routes and associations: RT-1..4, RTE-1..10, NACL-6 and the
//! VPC's default objects; lints L-05 (blackholes) and L-20 (main table → IGW).

use super::context::{HashMap, HashSet};

use ipnet::IpNet;

use crate::model::DesignIndex;
use crate::model::*;

use super::context::{oref, sub_path, ValidationPass};

pub(super) fn associations(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for s in &d.subnets {
        let r = oref(ObjectKind::Subnet, &s.name);
        if let Some(rt) = s.route_table.as_deref().and_then(|n| cx.idx.route_table(d, n)) {
            if rt.vpc != s.vpc {
                cx.emit(
                    "route-table-other-vpc",
                    &r,
                    sub_path(&r, "route table"),
                    format!("route table {} belongs to {}, the subnet to {}", rt.name, rt.vpc, s.vpc),
                    format!("associate a route table of {} (or none, to use its main table)", s.vpc),
                );
            }
        }
        if let Some(acl) = s.network_acl.as_deref().and_then(|n| cx.idx.network_acl(d, n)) {
            if acl.vpc != s.vpc {
                cx.emit(
                    "nacl-other-vpc",
                    &r,
                    sub_path(&r, "network ACL"),
                    format!(
                        "network ACL {} belongs to {}, the subnet to {}",
                        acl.name, acl.vpc, s.vpc
                    ),
                    format!(
                        "associate a network ACL of {} (or none, to use its default NACL)",
                        s.vpc
                    ),
                );
            }
        }
    }
}

pub(super) fn vpc_defaults(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for vpc in &d.vpcs {
        let r = oref(ObjectKind::Vpc, &vpc.name);
        let checks = [
            (
                "main route table",
                cx.idx.route_table(d, &vpc.main_route_table).map(|t| t.vpc.as_str()),
            ),
            (
                "default network ACL",
                cx.idx.network_acl(d, &vpc.default_network_acl).map(|t| t.vpc.as_str()),
            ),
            (
                "default security group",
                cx.idx
                    .security_group(d, &vpc.default_security_group)
                    .map(|t| t.vpc.as_str()),
            ),
        ];
        for (what, owner) in checks {
            // A missing one is a dangling reference (reported by integrity).
            if let Some(owner) = owner {
                if owner != vpc.name {
                    cx.emit(
                        "vpc-default-object-invalid",
                        &r,
                        sub_path(&r, what),
                        format!("the {what} belongs to {owner}, not {}", vpc.name),
                        format!("every VPC has its own {what}; pick one of {}", vpc.name),
                    );
                }
            }
        }
    }
}

/// Targets a route on (or inside) a VPC block may use: middlebox routing (RTE-5, RTE-6).
fn middlebox_target(d: &Design, t: &RouteTarget) -> bool {
    match t {
        RouteTarget::NatGateway(_)
        | RouteTarget::Instance(_)
        | RouteTarget::NetworkInterface(_)
        | RouteTarget::FirewallEndpoint(..) => true,
        // A Gateway Load Balancer endpoint is a middlebox target too (VPC User Guide,
        // "Routing for a middlebox appliance": routes to a GWLB endpoint).
        RouteTarget::GatewayEndpoint(e) => d.is_gwlb_endpoint(e),
        _ => false,
    }
}

/// Whether the target object exists at all.
pub(super) fn target_exists(d: &Design, idx: &DesignIndex, interfaces: &HashMap<&str, &str>, t: &RouteTarget) -> bool {
    match t {
        RouteTarget::Local => true,
        RouteTarget::InternetGateway(n) => idx.internet_gateway(d, n).is_some(),
        RouteTarget::EgressOnlyGateway(n) => idx.lookup(n).iter().any(|o| o.kind == ObjectKind::EgressOnlyGateway),
        RouteTarget::NatGateway(n) => idx.nat_gateway(d, n).is_some(),
        RouteTarget::Instance(n) => idx.instance(d, n).is_some(),
        RouteTarget::NetworkInterface(n) => interfaces.contains_key(n.as_str()) || idx.instance(d, n).is_some(),
        RouteTarget::Peering(n) => idx.peering(d, n).is_some(),
        RouteTarget::TransitGateway(n) => idx.transit_gateway(d, n).is_some(),
        RouteTarget::VpnGateway(n) => idx.vpn_gateway(d, n).is_some(),
        RouteTarget::GatewayEndpoint(n) => idx.endpoint(d, n).is_some(),
        RouteTarget::FirewallEndpoint(n, _) => idx.firewall(d, n).is_some(),
    }
}

/// Where the target lives, when that is not the table's VPC (RTE-3).
pub(super) fn target_foreign_vpc(
    d: &Design,
    idx: &DesignIndex,
    interfaces: &HashMap<&str, &str>,
    vpc: &str,
    t: &RouteTarget,
) -> Option<String> {
    let subnet_vpc = |subnet: &str| idx.subnet(d, subnet).map(|s| s.vpc.as_str());
    fn other<'o>(owner: Option<&'o str>, vpc: &str) -> Option<&'o str> {
        owner.filter(|o| *o != vpc)
    }
    match t {
        RouteTarget::InternetGateway(n) => other(idx.internet_gateway(d, n).and_then(|g| g.vpc.as_deref()), vpc)
            .map(|o| format!("internet gateway {n} is attached to {o}")),
        RouteTarget::EgressOnlyGateway(n) => other(
            d.egress_only_gateways
                .iter()
                .find(|g| &g.name == n)
                .map(|g| g.vpc.as_str()),
            vpc,
        )
        .map(|o| format!("egress-only gateway {n} belongs to {o}")),
        // A zonal NAT gateway is in its subnet's VPC (by look-up: a scan of the
        // subnets for every route to one is quadratic in a large design).
        RouteTarget::NatGateway(n) => other(
            idx.nat_gateway(d, n).and_then(|g| match g.availability_mode {
                NatAvailability::Regional => g.vpc.as_deref(),
                NatAvailability::Zonal => subnet_vpc(g.subnet.as_deref()?),
            }),
            vpc,
        )
        .map(|o| format!("NAT gateway {n} is in {o}")),
        RouteTarget::Instance(n) => other(idx.instance(d, n).and_then(|i| subnet_vpc(&i.subnet)), vpc)
            .map(|o| format!("instance {n} is in {o}")),
        RouteTarget::NetworkInterface(n) => other(
            interfaces
                .get(n.as_str())
                .and_then(|s| subnet_vpc(s))
                .or_else(|| idx.instance(d, n).and_then(|i| subnet_vpc(&i.subnet))),
            vpc,
        )
        .map(|o| format!("network interface {n} is in {o}")),
        RouteTarget::Peering(n) => idx
            .peering(d, n)
            .filter(|p| p.other_side(vpc).is_none())
            .map(|p| format!("peering {n} connects {} and {}, not {vpc}", p.requester, p.accepter)),
        RouteTarget::VpnGateway(n) => other(idx.vpn_gateway(d, n).and_then(|g| g.vpc.as_deref()), vpc)
            .map(|o| format!("virtual private gateway {n} is attached to {o}")),
        RouteTarget::GatewayEndpoint(n) => idx.endpoint(d, n).and_then(|e| {
            if matches!(e.kind, EndpointKind::GatewayLoadBalancer { .. }) {
                other(Some(e.vpc.as_str()), vpc).map(|o| format!("Gateway Load Balancer endpoint {n} is in {o}"))
            } else if !e.is_gateway() {
                Some(format!(
                    "endpoint {n} is an interface endpoint; only gateway endpoints are route targets"
                ))
            } else {
                other(Some(e.vpc.as_str()), vpc).map(|o| format!("endpoint {n} belongs to {o}"))
            }
        }),
        RouteTarget::FirewallEndpoint(n, _) => {
            other(idx.firewall(d, n).map(|f| f.vpc.as_str()), vpc).map(|o| format!("firewall {n} belongs to {o}"))
        }
        RouteTarget::Local | RouteTarget::TransitGateway(_) => None,
    }
}

const RESERVED_V4: &str = "169.254.168.0/22";
const RESERVED_V6: &str = "fd00:ec2::/32";

pub(super) fn routes(cx: &ValidationPass<'_>) {
    routes_of(cx, |_| true);
}

/// [`routes`] for the route tables `checked` picks: every finding of the
/// group is about one table, from that table's routes and what they name.
pub(super) fn routes_of(cx: &ValidationPass<'_>, checked: impl Fn(&RouteTable) -> bool) {
    let d = cx.d;
    let enis: HashMap<&str, &NetworkInterface> = d
        .instances
        .iter()
        .flat_map(|i| i.secondary_interfaces.iter().map(|e| (e.name.as_str(), e)))
        .collect();
    let interfaces: HashMap<&str, &str> = enis.iter().map(|(n, e)| (*n, e.subnet.as_str())).collect();
    // Gateway-endpoint routes per table (VPCE-2: they take the table's one prefix-list slot).
    let mut endpoint_routes: HashMap<&str, Vec<&Endpoint>> = HashMap::default();
    for ep in &d.endpoints {
        if let EndpointKind::Gateway { route_tables, .. } = &ep.kind {
            for rt in route_tables {
                endpoint_routes.entry(rt.as_str()).or_default().push(ep);
            }
        }
    }
    let reserved_v4: Option<IpNet> = RESERVED_V4.parse().ok();
    let reserved_v6: Option<IpNet> = RESERVED_V6.parse().ok();
    let main_tables: HashSet<&str> = d.vpcs.iter().map(|v| v.main_route_table.as_str()).collect();
    for rt in d.route_tables.iter().filter(|rt| checked(rt)) {
        let r = oref(ObjectKind::RouteTable, &rt.name);
        let vpc = cx.idx.vpc(d, &rt.vpc);
        let mut seen: HashSet<&RouteDestination> = HashSet::default();
        for route in &rt.routes {
            let path = || sub_path(&r, format!("route {}", route.dest));
            if !seen.insert(&route.dest) {
                cx.emit(
                    "route-duplicate-destination",
                    &r,
                    path(),
                    format!("{} already has a route to {}", rt.name, route.dest),
                    "a table holds one route per destination: replace the existing route's target instead".into(),
                );
            }
            if let Some(c) = route.dest.cidr() {
                if cidr::has_host_bits(c) {
                    cx.emit(
                        "host-bits-set",
                        &r,
                        path(),
                        format!("{c} has host bits set; AWS stores it as {}", c.trunc()),
                        format!("did you mean {}?", c.trunc()),
                    );
                }
                let reserved = match c {
                    IpNet::V4(_) => reserved_v4,
                    IpNet::V6(_) => reserved_v6,
                };
                if let Some(res) = reserved {
                    if cidr::overlaps_any(res, c.trunc()) && c.prefix_len() >= res.prefix_len() {
                        cx.emit(
                            "route-reserved-destination",
                            &r,
                            path(),
                            format!("{c} is inside {res}, which AWS reserves and never routes"),
                            "route a different destination".into(),
                        );
                    }
                }
            }
            if matches!(route.target, RouteTarget::EgressOnlyGateway(_)) && !route.dest.is_ipv6() {
                cx.emit(
                    "route-eigw-ipv4",
                    &r,
                    path(),
                    format!("{} is not an IPv6 destination; an egress-only gateway carries IPv6 only", route.dest),
                    "use ::/0 (or another IPv6 block) with the egress-only gateway; IPv4 egress goes through a NAT gateway".into(),
                );
            }
            local_rules(cx, &r, &path, rt, vpc, route);
            // A missing target is a blackhole (AWS lets NAT gateways, peerings, instances,
            // endpoints … be deleted and keeps their routes, DEL-8); *creating* a route to a
            // missing target is refused, which `EditCheck` (transitions.rs) checks per edit.
            // IGWs and VGWs can be detached and re-attached elsewhere, so a route to one
            // attached to another VPC is a blackhole here and refused only when created.
            let reattachable = matches!(
                route.target,
                RouteTarget::InternetGateway(_) | RouteTarget::VpnGateway(_)
            );
            let foreign = if reattachable {
                None
            } else {
                target_foreign_vpc(d, cx.idx, &interfaces, &rt.vpc, &route.target)
            };
            if let Some(why) = foreign {
                cx.emit(
                    "route-target-other-vpc",
                    &r,
                    path(),
                    format!(
                        "{why}: route table {} and the target belong to different networks",
                        rt.name
                    ),
                    format!("use a target attached to or inside {}", rt.vpc),
                );
                continue;
            }
            if let Some(reason) = cx.idx.blackhole_reason(d, &rt.vpc, &route.target) {
                cx.emit(
                    "route-blackhole",
                    &r,
                    path(),
                    format!("route {} is a blackhole: {reason}", route),
                    "re-attach or recreate the target, or delete the route".into(),
                );
            }
            let sdc = match &route.target {
                RouteTarget::Instance(n) => cx.idx.instance(d, n).map(|i| i.source_dest_check),
                RouteTarget::NetworkInterface(n) => enis.get(n.as_str()).map(|e| e.source_dest_check),
                _ => None,
            };
            if sdc == Some(true) {
                cx.emit(
                    "route-target-source-dest-check",
                    &r,
                    path(),
                    format!(
                        "{} has source/destination check on, so it drops traffic not addressed to itself",
                        route.target
                    ),
                    "turn source/destination check off on a NAT instance or appliance".into(),
                );
            }
        }
        if let Some(eps) = endpoint_routes.get(rt.name.as_str()) {
            let mut services: HashMap<&str, &str> = HashMap::default();
            for ep in eps {
                let dest = RouteDestination::PrefixList(ep.service.clone());
                let clash = services
                    .insert(ep.service.as_str(), ep.name.as_str())
                    .map(|other| format!("gateway endpoint {other}"))
                    .or_else(|| rt.route_to(&dest).map(|route| format!("the route {route}")));
                if let Some(clash) = clash {
                    cx.emit(
                        "route-duplicate-destination",
                        &r,
                        sub_path(&r, format!("route {dest}")),
                        format!(
                            "endpoint {} adds a route to {dest}, which {clash} already takes",
                            ep.name
                        ),
                        "a table holds one route per prefix list: use one gateway endpoint per service per table"
                            .into(),
                    );
                }
            }
        }
        for vgw in &rt.propagating_vgws {
            if let Some(g) = cx.idx.vpn_gateway(d, vgw) {
                if g.vpc.as_deref() != Some(rt.vpc.as_str()) {
                    cx.emit(
                        "route-propagation-vgw-detached",
                        &r,
                        sub_path(&r, format!("propagation from {vgw}")),
                        format!(
                            "virtual private gateway {vgw} is not attached to {}, so nothing propagates",
                            rt.vpc
                        ),
                        format!("attach {vgw} to {} or stop propagating from it", rt.vpc),
                    );
                }
            }
        }
        let is_main = main_tables.contains(rt.name.as_str());
        if is_main {
            if let Some(route) = rt
                .routes
                .iter()
                .find(|x| matches!(x.target, RouteTarget::InternetGateway(_)))
            {
                cx.on(
                    "main-route-table-igw",
                    &r,
                    format!("the main route table routes {route}, so every new subnet is public"),
                    "keep the main table private and associate public subnets with a custom table that routes to the IGW",
                );
            }
        } else if !cx.rt_subnets().contains_key(rt.name.as_str())
            && !d
                .internet_gateways
                .iter()
                .any(|g| g.edge_route_table.as_deref() == Some(rt.name.as_str()))
        {
            cx.on(
                "route-table-unused",
                &r,
                format!("route table {} is associated with no subnet", rt.name),
                "associate it with a subnet or delete it",
            );
        }
    }
}

/// RTE-4..6: routes on or inside the VPC's own blocks.
fn local_rules(
    cx: &ValidationPass<'_>,
    r: &ObjectRef,
    path: &dyn Fn() -> String,
    rt: &RouteTable,
    vpc: Option<&Vpc>,
    route: &Route,
) {
    let Some(vpc) = vpc else { return };
    let Some(dest) = route.dest.cidr().map(|c| c.trunc()) else {
        if route.target == RouteTarget::Local {
            cx.emit(
                "route-local-target-invalid",
                r,
                path(),
                format!("{} cannot target local", route.dest),
                "local is only the target of the VPC's own blocks".into(),
            );
        }
        return;
    };
    let mut blocks: Vec<IpNet> = vpc.ipv4_cidrs().map(|c| IpNet::V4(c.trunc())).collect();
    if let Some(v6) = vpc.ipv6_cidr {
        blocks.push(IpNet::V6(v6.trunc()));
    }
    let equal = blocks.contains(&dest);
    let inside = blocks
        .iter()
        .any(|b| b.prefix_len() < dest.prefix_len() && cidr::overlaps_any(*b, dest));
    if route.target == RouteTarget::Local {
        if !equal {
            cx.emit(
                "route-local-target-invalid",
                r,
                path(),
                format!("{dest} is not one of {}'s blocks, so it cannot target local", vpc.name),
                format!(
                    "local routes exist only for {}",
                    blocks.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        return;
    }
    if equal && !middlebox_target(cx.d, &route.target) {
        cx.emit(
            "route-local-unsupported-target",
            r,
            path(),
            format!(
                "{dest} is {}'s own block; its route may only target local, a NAT gateway, an instance/ENI or a firewall endpoint, not {}",
                vpc.name,
                route.target.kind_label()
            ),
            "Route target is not supported: remove the route to keep the local route".into(),
        );
    } else if inside {
        let subnet_match = cx.subnets_by_vpc().get(rt.vpc.as_str()).is_some_and(|subs| {
            subs.iter()
                .any(|s| IpNet::V4(s.cidr.trunc()) == dest || s.ipv6_cidr.is_some_and(|c| IpNet::V6(c.trunc()) == dest))
        });
        if !subnet_match || !middlebox_target(cx.d, &route.target) {
            cx.emit(
                "route-more-specific-than-local",
                r,
                path(),
                format!(
                    "{dest} is inside {}'s local range; such a route must equal a whole subnet CIDR and target a NAT gateway, instance/ENI or firewall endpoint (this one {})",
                    vpc.name,
                    if subnet_match { format!("targets {}", route.target.kind_label()) } else { "matches no subnet".into() }
                ),
                "route an entire subnet CIDR of this VPC to a middlebox, or a destination outside the VPC".into(),
            );
        }
    }
}
