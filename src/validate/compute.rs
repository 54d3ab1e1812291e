//! Instances and load balancers: public-subnet consistency (L-09) and load
//! balancer placement (ALB needs two AZs; one subnet per AZ; one VPC).

use std::collections::BTreeSet;

use super::context::HashSet;

use crate::model::index::EniOwner;
use crate::model::*;

use super::context::{oref, ValidationPass};
use super::findings::Keyed;

/// Whether a subnet's table sends IPv4 traffic to an internet gateway (a
/// `::/0 → igw` route alone makes a subnet public for IPv6 only).
fn ipv4_public(rt: &RouteTable) -> bool {
    rt.routes
        .iter()
        .any(|r| !r.dest.is_ipv6() && matches!(r.target, RouteTarget::InternetGateway(_)))
}

/// L-09, filed by subnet name: a subnet's findings depend on its table and
/// the instances in it alone.
pub(super) fn public_subnets(cx: &ValidationPass<'_>, out: &mut Keyed) {
    for s in &cx.d.subnets {
        // The table of the last subnet of the name, as `subnet_rt` keeps it.
        let rt = cx.subnet_rt().get(s.name.as_str()).copied();
        public_subnet(cx, s, rt, out);
    }
}

/// The subnet an instance is in (by name), with its findings re-derived.
pub(super) fn public_subnets_around(cx: &ValidationPass<'_>, i: &Instance, _: bool, out: &mut Keyed) -> Vec<String> {
    let (d, idx) = (cx.d, cx.idx);
    let named: Vec<&Subnet> = d.subnets.iter().filter(|s| s.name == i.subnet).collect();
    let rt = named.iter().rev().find_map(|s| idx.subnet_route_table(d, s));
    for s in named {
        public_subnet(cx, s, rt, out);
    }
    vec![i.subnet.clone()]
}

fn public_subnet(cx: &ValidationPass<'_>, s: &Subnet, rt: Option<&RouteTable>, out: &mut Keyed) {
    let Some(rt) = rt else { return };
    let r = || oref(ObjectKind::Subnet, &s.name);
    if ipv4_public(rt) {
        let instances: Vec<_> = cx
            .idx
            .enis_in_subnet(&s.name)
            .filter(|e| matches!(e.owner, EniOwner::Instance(_)))
            .collect();
        if !instances.is_empty() && instances.iter().all(|e| e.public_ip.is_none()) {
            cx.keyed(
                out,
                || s.name.clone(),
                |cx| {
                    cx.on(
                        "public-subnet-no-public-ip",
                        &r(),
                        format!(
                            "{} routes to an internet gateway but none of its {} instances has a public IP",
                            s.name,
                            instances.len()
                        ),
                        "turn on auto-assign public IPv4 for the subnet or give the instances Elastic IPs; otherwise they cannot use the IGW",
                    );
                },
            );
        }
    } else if s.map_public_ip {
        cx.keyed(
            out,
            || s.name.clone(),
            |cx| {
                cx.on(
                    "private-subnet-maps-public-ip",
                    &r(),
                    format!(
                        "{} auto-assigns public IPv4 addresses but has no IPv4 route to an internet gateway",
                        s.name
                    ),
                    "turn auto-assign off (the addresses are unusable and billed) or route the subnet to the IGW",
                );
            },
        );
    }
}

pub(super) fn load_balancers(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for lb in &d.load_balancers {
        let r = oref(ObjectKind::LoadBalancer, &lb.name);
        let subnets: Vec<&Subnet> = lb.subnets.iter().filter_map(|s| cx.idx.subnet(d, s)).collect();
        let vpcs: BTreeSet<&str> = subnets.iter().map(|s| s.vpc.as_str()).collect();
        if vpcs.len() > 1 {
            let list: Vec<&str> = vpcs.iter().copied().collect();
            cx.on(
                "lb-subnet-other-vpc",
                &r,
                format!("{}'s subnets are in several VPCs ({})", lb.name, list.join(", ")),
                "a load balancer lives in one VPC: pick subnets of one VPC",
            );
        }
        let mut azs = HashSet::default();
        for s in &subnets {
            if !azs.insert(s.az.as_str()) {
                cx.on(
                    "lb-subnets-same-az",
                    &r,
                    format!("{} lists two subnets in {} (one is {})", lb.name, s.az, s.name),
                    "a load balancer takes one subnet per AZ: pick subnets in different AZs",
                );
            }
        }
        if azs.len() < 2 && !subnets.is_empty() {
            let (code, hint) = match lb.kind {
                LoadBalancerKind::Application => (
                    "alb-single-az",
                    "AWS requires an Application Load Balancer to have subnets in at least two AZs: add a subnet of another AZ",
                ),
                LoadBalancerKind::Network | LoadBalancerKind::Gateway => (
                    "lb-single-az",
                    "add a subnet in a second AZ so the load balancer survives an AZ failure",
                ),
            };
            cx.on(code, &r, format!("{} has subnets in only one AZ", lb.name), hint);
        }
    }
}
