//! Design-wide IPv6 and dual-stack lints: L-23 (IPv6 exposure of a private
//! subnet) and L-31 (default route for one address family only).

use crate::model::*;

use super::context::{oref, ValidationPass};

pub(super) fn check(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for s in &d.subnets {
        if s.ipv6_cidr.is_none() {
            continue;
        }
        let Some(rt) = cx.subnet_rt().get(s.name.as_str()).copied() else {
            continue;
        };
        let default_v4 = rt.routes.iter().find(|r| r.dest == RouteDestination::Cidr(any_v4()));
        let default_v6 = rt.routes.iter().find(|r| r.dest == RouteDestination::Cidr(any_v6()));
        let r = oref(ObjectKind::Subnet, &s.name);
        if let Some(v6) = default_v6 {
            let v4_public = default_v4.is_some_and(|x| matches!(x.target, RouteTarget::InternetGateway(_)));
            if matches!(v6.target, RouteTarget::InternetGateway(_)) && !v4_public {
                cx.on(
                    "ipv6-exposure",
                    &r,
                    format!(
                        "{} is private for IPv4 but routes ::/0 to internet gateway {}: its IPv6 hosts are reachable from the internet",
                        s.name, v6.target
                    ),
                    "route ::/0 to an egress-only internet gateway (there is no IPv6-to-IPv6 NAT; a NAT gateway only translates IPv6 clients to IPv4 destinations, NAT64)",
                );
            }
        }
        match (default_v4.is_some(), default_v6.is_some()) {
            (true, false) | (false, true) => {
                let (has, lacks) = if default_v4.is_some() {
                    ("0.0.0.0/0", "::/0")
                } else {
                    ("::/0", "0.0.0.0/0")
                };
                cx.on(
                    "dual-stack-default-route-mismatch",
                    &r,
                    format!("dual-stack subnet {} has a {has} route but no {lacks} route", s.name),
                    format!("add {lacks} (IPv6: to an egress-only or internet gateway; IPv4: to a NAT or internet gateway) so both families leave the VPC"),
                );
            }
            _ => {}
        }
    }
}
