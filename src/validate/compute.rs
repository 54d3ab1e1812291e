//! Instances and load balancers: public-subnet consistency (L-09) and load
//! balancer placement (ALB needs two AZs; one subnet per AZ; one VPC).

use std::collections::BTreeSet;

use super::context::HashSet;

use crate::model::index::EniOwner;
use crate::model::*;

use super::context::{oref, ValidationPass};

/// Whether a subnet's table sends IPv4 traffic to an internet gateway (a
/// `::/0 → igw` route alone makes a subnet public for IPv6 only).
fn ipv4_public(rt: &RouteTable) -> bool {
    rt.routes
        .iter()
        .any(|r| !r.dest.is_ipv6() && matches!(r.target, RouteTarget::InternetGateway(_)))
}

pub(super) fn public_subnets(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for s in &d.subnets {
        let Some(rt) = cx.subnet_rt().get(s.name.as_str()).copied() else {
            continue;
        };
        let r = oref(ObjectKind::Subnet, &s.name);
        if ipv4_public(rt) {
            let instances: Vec<_> = cx
                .enis_per_subnet()
                .get(s.name.as_str())
                .map(|v| v.iter().filter(|e| matches!(e.owner, EniOwner::Instance(_))).collect())
                .unwrap_or_default();
            if !instances.is_empty() && instances.iter().all(|e| e.public_ip.is_none()) {
                cx.on(
                    "public-subnet-no-public-ip",
                    &r,
                    format!(
                        "{} routes to an internet gateway but none of its {} instances has a public IP",
                        s.name,
                        instances.len()
                    ),
                    "turn on auto-assign public IPv4 for the subnet or give the instances Elastic IPs; otherwise they cannot use the IGW",
                );
            }
        } else if s.map_public_ip {
            cx.on(
                "private-subnet-maps-public-ip",
                &r,
                format!(
                    "{} auto-assigns public IPv4 addresses but has no IPv4 route to an internet gateway",
                    s.name
                ),
                "turn auto-assign off (the addresses are unusable and billed) or route the subnet to the IGW",
            );
        }
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
