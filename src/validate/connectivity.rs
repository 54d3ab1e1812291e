//! Connectivity between networks: VPC peering (PCX-1..5, L-06, L-14), VPC
//! endpoints (VPCE-1..4, L-22), transit gateways (TGW-1..5, L-25, L-26),
//! VPN / Direct Connect (CloudHub, VIFs) and prefix lists (PL-1).

use std::collections::BTreeSet;

use super::context::{HashMap, HashSet};

use ipnet::IpNet;

use crate::model::index::EniOwner;
use crate::model::*;

use super::context::{oref, sub_path, ValidationPass};

fn blocks(vpc: &Vpc) -> Vec<IpNet> {
    let mut out: Vec<IpNet> = vpc.ipv4_cidrs().map(|c| IpNet::V4(c.trunc())).collect();
    if let Some(v6) = vpc.ipv6_cidr {
        out.push(IpNet::V6(v6.trunc()));
    }
    out
}

/// A peering that exists or is being requested (not rejected, failed or deleted).
fn live(p: &Peering) -> bool {
    matches!(p.status, PeeringStatus::Active | PeeringStatus::PendingAcceptance)
}

pub(super) fn peerings(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let mut pairs: HashMap<(&str, &str), &str> = HashMap::default();
    for p in &d.peerings {
        let r = oref(ObjectKind::Peering, &p.name);
        if p.requester == p.accepter {
            cx.on(
                "peering-self",
                &r,
                format!("{} peers {} with itself", p.name, p.requester),
                "peer two different VPCs",
            );
            continue;
        }
        if !live(p) {
            continue;
        }
        let key = if p.requester < p.accepter {
            (p.requester.as_str(), p.accepter.as_str())
        } else {
            (p.accepter.as_str(), p.requester.as_str())
        };
        if let Some(first) = pairs.get(&key) {
            cx.on(
                "peering-duplicate",
                &r,
                format!("{} and {} are already peered by {first}", p.requester, p.accepter),
                format!("use {first}; two VPCs have at most one peering connection"),
            );
        } else {
            pairs.insert(key, &p.name);
        }
        let (Some(a), Some(b)) = (cx.idx.vpc(d, &p.requester), cx.idx.vpc(d, &p.accepter)) else {
            continue;
        };
        let (ba, bb) = (blocks(a), blocks(b));
        if let Some((x, y)) = ba
            .iter()
            .flat_map(|x| bb.iter().map(move |y| (x, y)))
            .find(|(x, y)| cidr::overlaps_any(**x, **y))
        {
            cx.on(
                "peering-overlap",
                &r,
                format!("{}'s {x} overlaps {}'s {y}; AWS fails this peering request", a.name, b.name),
                "peer only VPCs whose blocks (primary, secondary and IPv6) do not overlap; readdress one VPC or use PrivateLink",
            );
        }
    }
}

pub(super) fn peering_routes(cx: &ValidationPass<'_>) {
    let d = cx.d;
    // For each peering, which of its VPCs have a route through it back toward the other side.
    let mut routed: HashMap<&str, HashSet<&str>> = HashMap::default();
    let mut outside = Vec::new();
    for rt in &d.route_tables {
        for route in &rt.routes {
            let RouteTarget::Peering(pn) = &route.target else {
                continue;
            };
            let Some(p) = cx.idx.peering(d, pn) else { continue };
            let Some(peer) = p.other_side(&rt.vpc).and_then(|v| cx.idx.vpc(d, v)) else {
                continue;
            };
            routed.entry(pn.as_str()).or_default().insert(rt.vpc.as_str());
            if let Some(dest) = route.dest.cidr() {
                let dest = dest.trunc();
                let inside = blocks(peer).iter().any(|b| match (b, dest) {
                    (IpNet::V4(b), IpNet::V4(x)) => cidr::contains(*b, x),
                    (IpNet::V6(b), IpNet::V6(x)) => cidr::contains_v6(*b, x),
                    _ => false,
                });
                if !inside {
                    outside.push((rt.name.clone(), route.dest.clone(), pn.clone(), peer.name.clone()));
                }
            }
        }
    }
    for (rt, dest, pn, peer) in outside {
        let r = oref(ObjectKind::RouteTable, &rt);
        cx.emit(
            "peering-route-outside-peer",
            &r,
            sub_path(&r, format!("route {dest}")),
            format!("{dest} via {pn} covers addresses outside {peer}'s blocks; peering is not transitive, so they are dropped"),
            format!("route only {peer}'s blocks (or parts of them) through {pn}"),
        );
    }
    for p in &d.peerings {
        if p.status != PeeringStatus::Active || p.requester == p.accepter {
            continue;
        }
        let r = oref(ObjectKind::Peering, &p.name);
        let sides = routed.get(p.name.as_str());
        let has = |v: &str| sides.is_some_and(|s| s.contains(v));
        match (has(&p.requester), has(&p.accepter)) {
            (true, true) => {}
            (false, false) => cx.on(
                "peering-unused",
                &r,
                format!(
                    "no route table of {} or {} routes through {}",
                    p.requester, p.accepter, p.name
                ),
                "add routes to the peer's CIDR via the peering in both VPCs, or delete it",
            ),
            (a, _) => {
                let (with, without) = if a {
                    (&p.requester, &p.accepter)
                } else {
                    (&p.accepter, &p.requester)
                };
                cx.on(
                    "peering-one-sided-route",
                    &r,
                    format!(
                        "{with} routes to {without} through {}, but {without} has no route back",
                        p.name
                    ),
                    format!(
                        "add a route to {with}'s CIDR via {} in {without}'s route tables",
                        p.name
                    ),
                );
            }
        }
    }
}

pub(super) fn endpoints(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for ep in &d.endpoints {
        let r = oref(ObjectKind::Endpoint, &ep.name);
        // SubnetConfigurations choose the address of an interface the endpoint has
        // in that subnet; one for another subnet (or a gateway endpoint) is unused.
        let used: &[String] = match &ep.kind {
            EndpointKind::Interface { subnets, .. } => subnets,
            _ => &[],
        };
        for a in ep.addresses.iter().filter(|a| !used.contains(&a.subnet)) {
            cx.emit(
                "endpoint-address-unused",
                &r,
                sub_path(&r, format!("address in {}", a.subnet)),
                format!(
                    "{} is chosen for {}'s interface in {}, but the endpoint has no interface there",
                    a.ipv4, ep.name, a.subnet
                ),
                "add the subnet to the endpoint, or remove the address".into(),
            );
        }
        match &ep.kind {
            EndpointKind::Gateway {
                route_tables,
                ip_address_type,
                ..
            } => {
                // IpAddressType on CreateVpcEndpoint: S3's gateway endpoint can be
                // dual-stack (PrivateLink Guide, "Gateway endpoints", IP address type);
                // DynamoDB's "support only IPv4 traffic" (PrivateLink Guide, "Gateway
                // endpoints for Amazon DynamoDB", Considerations).
                if !ip_address_type.is_ipv4() && ep.service == "dynamodb" {
                    cx.on(
                        "endpoint-ip-address-type",
                        &r,
                        format!(
                            "a gateway endpoint for {} cannot be {}: only s3's gateway endpoint is dual-stack",
                            ep.service,
                            ip_address_type.aws_name()
                        ),
                        "set the IP address type to ipv4, or use an interface endpoint for IPv6",
                    );
                }
                if ep.service != "s3" && ep.service != "dynamodb" {
                    cx.on(
                        "endpoint-gateway-service",
                        &r,
                        format!("there is no gateway endpoint for `{}`", ep.service),
                        "gateway endpoints exist for s3 and dynamodb only; use an interface endpoint for other services",
                    );
                }
                if route_tables.is_empty() {
                    cx.on(
                        "endpoint-gateway-no-route-table",
                        &r,
                        format!(
                            "gateway endpoint {} is on no route table, so no subnet uses it",
                            ep.name
                        ),
                        "add the route tables of the subnets that should reach the service",
                    );
                }
                for t in route_tables {
                    if let Some(rt) = cx.idx.route_table(d, t) {
                        if rt.vpc != ep.vpc {
                            cx.emit(
                                "endpoint-route-table-other-vpc",
                                &r,
                                sub_path(&r, format!("route table {t}")),
                                format!("route table {t} belongs to {}, the endpoint to {}", rt.vpc, ep.vpc),
                                format!("choose route tables of {}", ep.vpc),
                            );
                        }
                    }
                }
            }
            // Checked with the endpoint services (`privatelink.rs`).
            EndpointKind::GatewayLoadBalancer { .. } => {}
            EndpointKind::Interface {
                subnets, private_dns, ..
            } => {
                let mut azs: HashMap<&str, &str> = HashMap::default();
                for s in subnets {
                    let Some(sub) = cx.idx.subnet(d, s) else { continue };
                    if sub.vpc != ep.vpc {
                        cx.emit(
                            "endpoint-subnet-other-vpc",
                            &r,
                            sub_path(&r, format!("subnet {s}")),
                            format!("subnet {s} belongs to {}, the endpoint to {}", sub.vpc, ep.vpc),
                            format!("choose subnets of {}", ep.vpc),
                        );
                    }
                    if let Some(first) = azs.insert(sub.az.as_str(), s.as_str()) {
                        cx.emit(
                            "endpoint-subnets-same-az",
                            &r,
                            sub_path(&r, format!("subnet {s}")),
                            format!("{s} and {first} are both in {}", sub.az),
                            "an interface endpoint takes one subnet per AZ".into(),
                        );
                    }
                }
                if *private_dns {
                    if let Some(vpc) = cx.idx.vpc(d, &ep.vpc) {
                        if !vpc.dns_support || !vpc.dns_hostnames {
                            cx.on(
                                "endpoint-private-dns-without-dns",
                                &r,
                                format!(
                                    "{} has private DNS on, but {} has DNS support {} and DNS hostnames {}",
                                    ep.name,
                                    vpc.name,
                                    if vpc.dns_support { "on" } else { "off" },
                                    if vpc.dns_hostnames { "on" } else { "off" }
                                ),
                                format!("turn on DNS support and DNS hostnames for {}", vpc.name),
                            );
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn transit_gateways(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for tgw in &d.transit_gateways {
        let r = oref(ObjectKind::TransitGateway, &tgw.name);
        let tables: HashSet<&str> = tgw.route_tables.iter().map(|t| t.name.as_str()).collect();
        let attachments: HashSet<&str> = tgw.attachments.iter().map(|a| a.name.as_str()).collect();
        let mut vpcs: HashMap<&str, &str> = HashMap::default();
        let mut attached_blocks: Vec<(IpNet, &str)> = Vec::new();
        for a in &tgw.attachments {
            let path = sub_path(&r, format!("attachment {}", a.name));
            for t in a.association.iter().chain(&a.propagations) {
                if !tables.contains(t.as_str()) && d.transit_gateways.iter().any(|o| o.route_table(t).is_some()) {
                    cx.emit(
                        "tgw-route-table-other-tgw",
                        &r,
                        path.clone(),
                        format!("route table {t} belongs to another transit gateway"),
                        format!("associate and propagate only with route tables of {}", tgw.name),
                    );
                }
            }
            let TgwAttachmentKind::Vpc { vpc, subnets } = &a.kind else {
                continue;
            };
            if let Some(first) = vpcs.insert(vpc.as_str(), a.name.as_str()) {
                cx.emit(
                    "tgw-duplicate-vpc-attachment",
                    &r,
                    path.clone(),
                    format!("{vpc} is already attached to {} by {first}", tgw.name),
                    format!("use {first}; a VPC has one attachment per transit gateway"),
                );
            }
            if subnets.is_empty() {
                cx.emit(
                    "tgw-attachment-no-subnet",
                    &r,
                    path.clone(),
                    format!("attachment {} has no subnet", a.name),
                    format!("add one subnet of {vpc} per AZ the attachment should serve"),
                );
            }
            let mut azs: HashMap<&str, &str> = HashMap::default();
            for s in subnets {
                let Some(sub) = cx.idx.subnet(d, s) else { continue };
                if &sub.vpc != vpc {
                    cx.emit(
                        "tgw-attachment-subnet-other-vpc",
                        &r,
                        path.clone(),
                        format!("subnet {s} belongs to {}, the attachment to {vpc}", sub.vpc),
                        format!("choose subnets of {vpc}"),
                    );
                }
                if let Some(first) = azs.insert(sub.az.as_str(), s.as_str()) {
                    cx.emit(
                        "tgw-attachment-subnets-same-az",
                        &r,
                        path.clone(),
                        format!("{s} and {first} are both in {}", sub.az),
                        "a transit gateway attachment takes one subnet per AZ".into(),
                    );
                }
            }
            // L-26: instances in AZs the attachment does not cover.
            let mut uncovered = BTreeSet::new();
            for s in cx.subnets_by_vpc().get(vpc.as_str()).map(Vec::as_slice).unwrap_or(&[]) {
                if azs.contains_key(s.az.as_str()) {
                    continue;
                }
                let has_workload = cx
                    .idx
                    .enis_in_subnet(&s.name)
                    .any(|e| matches!(e.owner, EniOwner::Instance(_)));
                if has_workload {
                    uncovered.insert(s.az.as_str());
                }
            }
            if !uncovered.is_empty() && !subnets.is_empty() {
                let list: Vec<&str> = uncovered.into_iter().collect();
                cx.emit(
                    "tgw-az-coverage",
                    &r,
                    path.clone(),
                    format!(
                        "instances of {vpc} in {} cannot use {}: the attachment has no subnet there",
                        list.join(", "),
                        tgw.name
                    ),
                    "add one attachment subnet in each AZ that has workloads".into(),
                );
            }
            // RA's TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED: the attachment subnets hand
            // TGW traffic to a stateful firewall endpoint or appliance in several AZs, but
            // without appliance mode the TGW keeps each direction of a flow in the AZ it
            // entered from (TGW guide, transit-gateway-appliance-scenario; Network Firewall
            // guide, vpc-config-tgw-multi-az: "you must enable appliance mode").
            if !a.appliance_mode && azs.len() >= 2 {
                let middlebox = subnets.iter().find_map(|s| {
                    let sub = cx.idx.subnet(d, s)?;
                    let rt = cx.idx.subnet_route_table(d, sub)?;
                    rt.routes
                        .iter()
                        .find(|r| {
                            matches!(
                                r.target,
                                RouteTarget::FirewallEndpoint(..)
                                    | RouteTarget::Instance(_)
                                    | RouteTarget::NetworkInterface(_)
                            )
                        })
                        .map(|r| (rt.name.as_str(), &r.target))
                });
                if let Some((rt, target)) = middlebox {
                    cx.emit(
                        "tgw-appliance-mode-off",
                        &r,
                        path.clone(),
                        format!(
                            "attachment {} spans {} AZs and its route table {rt} sends TGW traffic to {target}, but appliance mode is off: the reply of a cross-AZ flow reaches another AZ's appliance, which has no state for it",
                            a.name,
                            azs.len()
                        ),
                        format!("enable appliance mode on {}", a.name),
                    );
                }
            }
            if let Some(v) = cx.idx.vpc(d, vpc) {
                for b in blocks(v) {
                    if let Some((_, other)) = attached_blocks
                        .iter()
                        .find(|(x, o)| *o != vpc.as_str() && cidr::overlaps_any(*x, b))
                    {
                        cx.emit(
                            "tgw-overlapping-vpcs",
                            &r,
                            path.clone(),
                            format!("{vpc}'s {b} overlaps {other}, also attached to {}; the overlapping CIDR is not propagated", tgw.name),
                            "attach only VPCs with distinct address ranges".into(),
                        );
                    }
                    attached_blocks.push((b, vpc.as_str()));
                }
            }
        }
        for t in &tgw.route_tables {
            let mut seen = HashSet::default();
            for route in &t.routes {
                let path = sub_path(&r, format!("route table {} › route {}", t.name, route.cidr));
                if !seen.insert(route.cidr.trunc()) {
                    cx.emit(
                        "tgw-duplicate-static-route",
                        &r,
                        path.clone(),
                        format!("{} already has a static route to {}", t.name, route.cidr),
                        "keep one static route per prefix; replace its target instead".into(),
                    );
                }
                if let TgwRouteTarget::Attachment(a) = &route.target {
                    if !attachments.contains(a.as_str()) && d.transit_gateways.iter().any(|o| o.attachment(a).is_some())
                    {
                        cx.emit(
                            "tgw-route-target-other-tgw",
                            &r,
                            path,
                            format!("attachment {a} belongs to another transit gateway"),
                            format!("target an attachment of {}", tgw.name),
                        );
                    }
                }
            }
        }
    }
}

pub(super) fn hybrid(cx: &ValidationPass<'_>) {
    let d = cx.d;
    software_vpns(cx);
    // CloudHub: BGP customer gateways on one VGW need unique ASNs.
    let mut asns: HashMap<(&str, u32), &str> = HashMap::default();
    for vpn in &d.vpn_connections {
        let r = oref(ObjectKind::VpnConnection, &vpn.name);
        let VpnTermination::VpnGateway(vgw) = &vpn.termination else {
            continue;
        };
        if let Some(g) = cx.idx.vpn_gateway(d, vgw) {
            if g.vpc.is_none() {
                cx.on(
                    "vgw-detached",
                    &r,
                    format!("{} terminates on {vgw}, which is attached to no VPC", vpn.name),
                    format!("attach {vgw} to a VPC"),
                );
            }
        }
        if vpn.routing != VpnRouting::Bgp {
            continue;
        }
        let Some(cgw) = d.customer_gateways.iter().find(|c| c.name == vpn.customer_gateway) else {
            continue;
        };
        if let Some(first) = asns.insert((vgw.as_str(), cgw.asn), vpn.name.as_str()) {
            if first != vpn.name {
                cx.on(
                    "vpn-cloudhub-duplicate-asn",
                    &r,
                    format!(
                        "{} and {first} reach {vgw} from customer gateways with the same BGP ASN {}",
                        vpn.name, cgw.asn
                    ),
                    "give each site's customer gateway its own ASN so VPN CloudHub can route between sites",
                );
            }
        }
    }
    for dx in &d.dx_connections {
        let r = oref(ObjectKind::DxConnection, &dx.name);
        let mut vlans: HashMap<u16, &str> = HashMap::default();
        for vif in &dx.virtual_interfaces {
            let path = sub_path(&r, format!("virtual interface {}", vif.name));
            if let Some(first) = vlans.insert(vif.vlan, vif.name.as_str()) {
                cx.emit(
                    "dx-vif-duplicate-vlan",
                    &r,
                    path.clone(),
                    format!("VLAN {} is already used by {first}", vif.vlan),
                    "give each virtual interface of a connection its own VLAN".into(),
                );
            }
            let problem = match (vif.kind, &vif.dx_gateway, &vif.vpn_gateway) {
                (VifKind::Private, Some(_), None) | (VifKind::Private, None, Some(_)) => None,
                (VifKind::Private, _, _) => Some("a private VIF lands on exactly one of a DX gateway or a VGW"),
                (VifKind::Transit, Some(_), None) => None,
                (VifKind::Transit, _, _) => {
                    Some("a transit VIF lands on a DX gateway (associated with a transit gateway), not a VGW")
                }
                (VifKind::Public, None, None) => None,
                (VifKind::Public, _, _) => Some("a public VIF reaches AWS public endpoints and lands on no gateway"),
            };
            if let Some(p) = problem {
                cx.emit(
                    "dx-vif-target-invalid",
                    &r,
                    path.clone(),
                    format!("virtual interface {} is misconfigured: {p}", vif.name),
                    p.to_string(),
                );
            }
            if let (VifKind::Private, Some(v)) = (vif.kind, &vif.vpn_gateway) {
                if cx.idx.vpn_gateway(d, v).is_some_and(|g| g.vpc.is_none()) {
                    cx.emit(
                        "vgw-detached",
                        &r,
                        path,
                        format!(
                            "virtual interface {} lands on {v}, which is attached to no VPC",
                            vif.name
                        ),
                        format!("attach {v} to a VPC"),
                    );
                }
            }
        }
    }
}

pub(super) fn prefix_lists(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for pl in &d.prefix_lists {
        if pl.entries.len() > usize::from(pl.max_entries) {
            cx.on(
                "prefix-list-too-many-entries",
                &oref(ObjectKind::PrefixList, &pl.name),
                format!(
                    "{} holds {} entries but its max entries is {}",
                    pl.name,
                    pl.entries.len(),
                    pl.max_entries
                ),
                "raise max entries (it counts against route and rule quotas) or remove entries",
            );
        }
    }
}

/// Software VPN appliances (the transit VPC pattern; Amazon Virtual Private
/// Cloud Connectivity Options whitepaper, "Software Site-to-Site VPN"): an
/// instance that terminates tunnels routes packets that are not its own, so
/// its source/destination check must be off (EC2 User Guide,
/// "Source/destination checking"), and it is a customer gateway, whose
/// address must be static (Site-to-Site VPN guide, "Customer gateway
/// devices": a static public IP address), so it needs an Elastic IP.
fn software_vpns(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for i in d.instances.iter().filter(|i| d.is_software_vpn(&i.name)) {
        let r = oref(ObjectKind::Instance, &i.name);
        let tunnels: Vec<&str> = d
            .instance_tunnels(&i.name)
            .iter()
            .map(|t| t.connection.name.as_str())
            .collect();
        if i.source_dest_check {
            cx.on(
                "software-vpn-source-dest-check",
                &r,
                format!(
                    "{} terminates {} but its source/destination check is on: EC2 drops what it forwards between a tunnel and its VPC",
                    i.name,
                    tunnels.join(", ")
                ),
                format!("turn off the source/destination check of {}", i.name),
            );
        }
        if i.elastic_ip.is_none() {
            cx.on(
                "software-vpn-no-elastic-ip",
                &r,
                format!(
                    "{} terminates {} but has no Elastic IP: a tunnel's far end needs a static public address",
                    i.name,
                    tunnels.join(", ")
                ),
                format!(
                    "associate an Elastic IP with {} (and give a spoke's customer gateway that address)",
                    i.name
                ),
            );
        }
    }
}
