//! Internet, egress-only and NAT gateways, virtual private gateway attachment,
//! Elastic IPs: IGW-1, EIGW-1, NAT-1..4; lints L-01, L-02, L-04.

use std::collections::BTreeSet;

use super::context::{HashMap, HashSet};

use crate::model::*;

use super::context::{oref, ValidationPass};

pub(super) fn one_per_vpc(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let mut extra: Vec<(&'static str, ObjectRef, String, String)> = Vec::new();
    for (vpc, igws) in cx.igws_by_vpc() {
        for g in igws.iter().skip(1) {
            extra.push((
                "igw-multiple-per-vpc",
                oref(ObjectKind::InternetGateway, &g.name),
                format!("{vpc} already has internet gateway {} attached", igws[0].name),
                format!(
                    "a VPC has at most one internet gateway: route through {} instead",
                    igws[0].name
                ),
            ));
        }
    }
    let mut eigw: HashMap<&str, &str> = HashMap::default();
    for g in &d.egress_only_gateways {
        if let Some(first) = eigw.insert(g.vpc.as_str(), g.name.as_str()) {
            eigw.insert(g.vpc.as_str(), first);
            extra.push((
                "eigw-multiple-per-vpc",
                oref(ObjectKind::EgressOnlyGateway, &g.name),
                format!("{} already has egress-only internet gateway {first}", g.vpc),
                format!("a VPC has at most one egress-only internet gateway: use {first}"),
            ));
        }
    }
    let mut vgw: HashMap<&str, &str> = HashMap::default();
    for g in &d.vpn_gateways {
        let Some(v) = g.vpc.as_deref() else { continue };
        if let Some(first) = vgw.insert(v, g.name.as_str()) {
            vgw.insert(v, first);
            extra.push((
                "vgw-multiple-per-vpc",
                oref(ObjectKind::VpnGateway, &g.name),
                format!("{v} already has virtual private gateway {first} attached"),
                format!("a VPC has at most one VGW: terminate further VPNs on {first}, or use a transit gateway"),
            ));
        }
    }
    extra.sort_by(|a, b| a.1.cmp(&b.1));
    for (code, r, msg, hint) in extra {
        cx.on(code, &r, msg, hint);
    }
}

fn default_route_to_igw(rt: &RouteTable) -> bool {
    rt.routes
        .iter()
        .any(|r| r.dest == RouteDestination::Cidr(any_v4()) && matches!(r.target, RouteTarget::InternetGateway(_)))
}

pub(super) fn nat_gateways(cx: &ValidationPass<'_>) {
    let d = cx.d;
    // Subnets whose table sends 0.0.0.0/0 to each NAT gateway (L-02).
    let mut served_azs: HashMap<&str, BTreeSet<&str>> = HashMap::default();
    for s in &d.subnets {
        if let Some(rt) = cx.subnet_rt().get(s.name.as_str()) {
            for route in &rt.routes {
                if let (RouteDestination::Cidr(c), RouteTarget::NatGateway(n)) = (&route.dest, &route.target) {
                    if c.prefix_len() == 0 {
                        served_azs.entry(n.as_str()).or_default().insert(s.az.as_str());
                    }
                }
            }
        }
    }
    for nat in &d.nat_gateways {
        let r = oref(ObjectKind::NatGateway, &nat.name);
        if nat.is_regional() {
            regional_nat_gateway(cx, nat, &r);
            continue;
        }
        let Some(subnet_name) = nat.subnet.as_deref() else {
            cx.on(
                "nat-missing-placement",
                &r,
                format!("zonal NAT gateway {} has no subnet", nat.name),
                "place it in a public subnet, or make it regional (one NAT gateway for the VPC, no subnet)",
            );
            continue;
        };
        if let Some(v) = &nat.vpc {
            cx.on(
                "nat-regional-zonal-parameter",
                &r,
                format!(
                    "zonal NAT gateway {} names VPC {v}: only a regional NAT gateway takes a VPC",
                    nat.name
                ),
                "remove the VPC (a zonal NAT gateway is in its subnet's VPC), or make it regional",
            );
        }
        let subnet = cx.idx.subnet(d, subnet_name);
        match (nat.connectivity, &nat.elastic_ip) {
            (NatConnectivity::Public, None) => cx.on(
                "nat-public-without-eip",
                &r,
                format!("public NAT gateway {} has no Elastic IP", nat.name),
                "allocate an Elastic IP and associate it, or make the NAT gateway private",
            ),
            (NatConnectivity::Private, Some(e)) => cx.on(
                "nat-private-with-eip",
                &r,
                format!("private NAT gateway {} cannot use Elastic IP {e}", nat.name),
                "remove the Elastic IP, or make the NAT gateway public",
            ),
            _ => {}
        }
        if nat.connectivity == NatConnectivity::Public {
            if let Some(s) = subnet {
                if !cx.igws_by_vpc().contains_key(s.vpc.as_str()) {
                    cx.on(
                        "nat-no-igw",
                        &r,
                        format!(
                            "{} has no internet gateway attached, so public NAT gateway {} fails",
                            s.vpc, nat.name
                        ),
                        format!("attach an internet gateway to {}", s.vpc),
                    );
                } else if !cx
                    .subnet_rt()
                    .get(s.name.as_str())
                    .is_some_and(|rt| default_route_to_igw(rt))
                {
                    cx.on(
                        "nat-without-igw-route",
                        &r,
                        format!(
                            "{} is in subnet {}, whose route table has no 0.0.0.0/0 route to the internet gateway",
                            nat.name, s.name
                        ),
                        "place public NAT gateways in a public subnet (one whose table routes 0.0.0.0/0 to the IGW)",
                    );
                }
            }
        }
        if let Some(azs) = served_azs.get(nat.name.as_str()) {
            if azs.len() > 1 {
                let list: Vec<&str> = azs.iter().copied().collect();
                cx.on(
                    "single-nat-multi-az",
                    &r,
                    format!("{} serves private subnets in {} AZs ({})", nat.name, azs.len(), list.join(", ")),
                    "create one NAT gateway per AZ and route each AZ's private subnets to its own; an AZ failure otherwise cuts every AZ and cross-AZ traffic is billed",
                );
            }
        }
    }
}

/// A regional NAT gateway (VPC User Guide, "Regional NAT gateways for
/// automatic multi-AZ expansion"): created with a VPC and no subnet
/// (CreateNatGateway `VpcId`), public only ("Regional NAT gateways do not offer
/// private connectivity"), its addresses Amazon-provided in automatic mode — so
/// `AllocationId`, `SubnetId` and `PrivateIpAddress`, zonal parameters, are
/// refused. The API reference names no error code per combination; AWS's
/// common `InvalidParameterCombination` ("an incorrect combination of
/// parameters") is the one it documents for this. It serves every AZ of its
/// VPC, so the one-NAT-per-AZ advice (`single-nat-multi-az`) does not apply.
fn regional_nat_gateway(cx: &ValidationPass<'_>, nat: &NatGateway, r: &ObjectRef) {
    let d = cx.d;
    let mut zonal_parameters = Vec::new();
    if let Some(s) = &nat.subnet {
        zonal_parameters.push(format!("subnet {s}"));
    }
    if let Some(e) = &nat.elastic_ip {
        zonal_parameters.push(format!("Elastic IP {e}"));
    }
    if let Some(ip) = &nat.private_ip {
        zonal_parameters.push(format!("private IP {ip}"));
    }
    if !zonal_parameters.is_empty() {
        cx.on(
            "nat-regional-zonal-parameter",
            r,
            format!(
                "regional NAT gateway {} cannot take {}: it belongs to its VPC and AWS provides its addresses in each AZ",
                nat.name,
                zonal_parameters.join(", ")
            ),
            "remove them, or make the NAT gateway zonal",
        );
    }
    if nat.connectivity == NatConnectivity::Private {
        cx.on(
            "nat-regional-private",
            r,
            format!(
                "regional NAT gateway {} cannot be private: regional NAT gateways are public only",
                nat.name
            ),
            "make it public, or use a zonal private NAT gateway for private connectivity",
        );
    }
    let Some(vpc) = nat.vpc.as_deref() else {
        cx.on(
            "nat-missing-placement",
            r,
            format!("regional NAT gateway {} has no VPC", nat.name),
            "name the VPC it serves",
        );
        return;
    };
    // Its traffic leaves by the route table AWS creates for it, whose default
    // route is the VPC's internet gateway; without one the NAT gateway fails
    // like a zonal public one (failure code Gateway.NotAttached, EC2 API
    // reference `NatGateway.FailureCode`). The regional page does not say
    // this in words; every example it and the Terraform provider give
    // attaches an internet gateway first.
    if nat.connectivity == NatConnectivity::Public
        && cx.idx.vpc(d, vpc).is_some()
        && !cx.igws_by_vpc().contains_key(vpc)
    {
        cx.on(
            "nat-no-igw",
            r,
            format!(
                "{vpc} has no internet gateway attached, so regional NAT gateway {} fails",
                nat.name
            ),
            format!("attach an internet gateway to {vpc}"),
        );
    }
}

pub(super) fn elastic_ips(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let mut users: HashMap<&str, Vec<ObjectRef>> = HashMap::default();
    for i in &d.instances {
        if let Some(e) = &i.elastic_ip {
            users.entry(e).or_default().push(oref(ObjectKind::Instance, &i.name));
        }
    }
    for n in &d.nat_gateways {
        if let Some(e) = &n.elastic_ip {
            users.entry(e).or_default().push(oref(ObjectKind::NatGateway, &n.name));
        }
    }
    // AWS accepts CreateNatGateway with an Elastic IP in use and then fails the
    // NAT gateway (failure code Resource.AlreadyAssociated): an error that does
    // not block the edit, like a public NAT gateway without an IGW (NAT-3).
    let failed_nats = if d.nat_gateways.iter().any(|n| n.elastic_ip.is_some()) {
        nat_eip_conflicts(d)
    } else {
        Vec::new()
    };
    for c in &failed_nats {
        cx.on(
            "nat-eip-in-use",
            &oref(ObjectKind::NatGateway, c.nat),
            format!(
                "Elastic IP {} is already associated with {}, so NAT gateway {} fails",
                c.elastic_ip, c.holder, c.nat
            ),
            format!("allocate a new Elastic IP for {}", c.nat),
        );
    }
    for eip in &d.elastic_ips {
        let r = oref(ObjectKind::ElasticIp, &eip.name);
        match users.get(eip.name.as_str()) {
            None => cx.on(
                "eip-unused",
                &r,
                format!(
                    "Elastic IP {} ({}) is associated with nothing and is billed",
                    eip.name, eip.address
                ),
                "associate it with an instance or NAT gateway, or release it",
            ),
            // AssociateAddress refuses an address another instance holds; a NAT gateway
            // that asks for it fails instead (nat-eip-in-use above).
            Some(list) if list.iter().filter(|o| o.kind == ObjectKind::Instance).count() > 1 => {
                let names: Vec<String> = list
                    .iter()
                    .filter(|o| o.kind == ObjectKind::Instance)
                    .map(|o| o.to_string())
                    .collect();
                cx.on(
                    "eip-multiple-associations",
                    &r,
                    format!("Elastic IP {} is associated with {}", eip.name, names.join(" and ")),
                    "an Elastic IP is associated with one resource at a time: allocate another",
                );
            }
            Some(_) => {}
        }
    }
}

pub(super) fn unused_igws(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let used: HashSet<&str> = d
        .route_tables
        .iter()
        .flat_map(|rt| rt.routes.iter())
        .filter_map(|r| match &r.target {
            RouteTarget::InternetGateway(n) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    for g in &d.internet_gateways {
        if let Some(vpc) = &g.vpc {
            if !used.contains(g.name.as_str()) {
                cx.on(
                    "igw-unused",
                    &oref(ObjectKind::InternetGateway, &g.name),
                    format!("{} is attached to {vpc} but no route uses it", g.name),
                    "add 0.0.0.0/0 → this gateway to the public subnets' route table, or detach it",
                );
            }
        }
    }
}
