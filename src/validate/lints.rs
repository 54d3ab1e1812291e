//! Design-wide lints: L-23 (IPv6 exposure of a private subnet), L-31
//! (default route for one address family only), and the NAT gateway lints
//! every exam asks about: a private subnet routed to a NAT gateway in another
//! AZ, and a NAT gateway no route uses.

use crate::model::*;

use super::context::{oref, HashSet, ValidationPass};

pub(super) fn check(cx: &ValidationPass<'_>) {
    dual_stack(cx);
    nat_cross_az(cx);
    nat_unused(cx);
}

fn dual_stack(cx: &ValidationPass<'_>) {
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

/// Whether a route's destination is internet-bound IPv4 traffic: the default
/// route 0.0.0.0/0, or the two halves 0.0.0.0/1 and 128.0.0.0/1 some designs
/// use instead (they win over a 0.0.0.0/0 by longest prefix match).
fn internet_bound(dest: &RouteDestination) -> bool {
    matches!(dest, RouteDestination::Cidr(ipnet::IpNet::V4(c)) if c.prefix_len() <= 1)
}

/// `nat-cross-az`: a subnet whose route table sends internet-bound traffic to
/// a NAT gateway in another AZ. "If you have resources in multiple
/// Availability Zones and they share one NAT gateway, and if the NAT
/// gateway's Availability Zone is down, resources in the other Availability
/// Zones lose internet access" — AWS's advice is a NAT gateway per AZ with
/// each AZ routed to its own (Amazon VPC User Guide, "NAT gateway basics");
/// traffic crossing AZs is also billed per GB each way (Amazon EC2 pricing,
/// "Data transfer within the same AWS Region"). This also fires when only
/// one AZ uses the NAT gateway — the case `single-nat-multi-az` leaves alone.
fn nat_cross_az(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for s in &d.subnets {
        let Some(rt) = cx.subnet_rt().get(s.name.as_str()).copied() else {
            continue;
        };
        let mut seen: Vec<&str> = Vec::new();
        for route in rt.routes.iter().filter(|r| internet_bound(&r.dest)) {
            let RouteTarget::NatGateway(n) = &route.target else {
                continue;
            };
            if seen.contains(&n.as_str()) {
                continue;
            }
            seen.push(n.as_str());
            // A regional NAT gateway is in every AZ of its VPC: traffic from
            // each AZ is translated in that AZ (VPC User Guide, "Regional NAT
            // gateways"), so no route to it crosses AZs.
            let Some(nat_az) = cx
                .idx
                .nat_gateway(d, n)
                .filter(|g| !g.is_regional())
                .and_then(|g| g.subnet.as_deref())
                .and_then(|g| cx.idx.subnet(d, g))
                .map(|ns| ns.az.as_str())
            else {
                continue;
            };
            if nat_az == s.az {
                continue;
            }
            cx.on(
                "nat-cross-az",
                &oref(ObjectKind::Subnet, &s.name),
                format!(
                    "{} ({}) sends {} through {} to NAT gateway {n} in {nat_az}: if {nat_az} fails, {} loses its internet access, and its internet traffic crosses AZs (billed per GB)",
                    s.name, s.az, route.dest, rt.name, s.name
                ),
                format!(
                    "create a NAT gateway in a public subnet of {} and route {}'s {} to it (one NAT gateway per AZ)",
                    s.az, s.name, route.dest
                ),
            );
        }
    }
}

/// `nat-unused`: a NAT gateway that no route table's route targets. It
/// forwards nothing but is billed for every hour it exists, and a public one
/// also for its public IPv4 address (Amazon VPC pricing, "NAT gateway
/// pricing"; public IPv4 addresses are charged per hour since 2024-02-01).
fn nat_unused(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let routed: HashSet<&str> = d
        .route_tables
        .iter()
        .flat_map(|rt| &rt.routes)
        .filter_map(|r| match &r.target {
            RouteTarget::NatGateway(n) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    for nat in d.nat_gateways.iter().filter(|n| !routed.contains(n.name.as_str())) {
        let billed = match (nat.connectivity, nat.is_regional()) {
            (NatConnectivity::Public, true) => {
                "it is billed by the hour in each AZ it serves, and so are its public IPv4 addresses"
            }
            (NatConnectivity::Public, false) => "it is billed by the hour, and so is its public IPv4 address",
            (NatConnectivity::Private, _) => "it is billed by the hour",
        };
        cx.on(
            "nat-unused",
            &oref(ObjectKind::NatGateway, &nat.name),
            format!("no route table sends traffic to NAT gateway {}, yet {billed}", nat.name),
            format!(
                "route the private subnets' 0.0.0.0/0 to {}{}, or delete it{}",
                nat.name,
                if nat.is_regional() { "" } else { " (in its AZ)" },
                if nat.connectivity == NatConnectivity::Public && !nat.is_regional() {
                    " and release its Elastic IP"
                } else {
                    ""
                }
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::create::templates::sample;
    use crate::model::*;
    use crate::validate::{validate, Diagnostic, Severity};

    fn hits(d: &Design, code: &str) -> Vec<Diagnostic> {
        validate(d).into_iter().filter(|x| x.code == code).collect()
    }

    fn nat_route(d: &mut Design, table: &str, nat: &str) {
        let rt = d.route_tables.iter_mut().find(|r| r.name == table).unwrap();
        for r in rt
            .routes
            .iter_mut()
            .filter(|r| matches!(r.target, RouteTarget::NatGateway(_)))
        {
            r.target = RouteTarget::NatGateway(nat.into());
        }
    }

    /// VPC User Guide, "NAT gateway basics": a NAT gateway per AZ, each AZ
    /// routed to its own — the sample's layout — triggers neither lint.
    #[test]
    fn one_nat_gateway_per_az_used_by_its_own_az_is_clean() {
        let d = sample::three_tier();
        assert!(hits(&d, "nat-cross-az").is_empty());
        assert!(hits(&d, "nat-unused").is_empty());
    }

    #[test]
    fn nat_cross_az_fires_for_each_subnet_routed_to_another_azs_nat_gateway() {
        // Both AZs on nat-a: app-b (us-east-1b) crosses, app-a does not.
        let mut d = sample::three_tier();
        nat_route(&mut d, "rt-app-b", "nat-a");
        let found = hits(&d, "nat-cross-az");
        assert_eq!(found.len(), 1, "{found:#?}");
        let f = &found[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.object, Some(ObjectRef::new(ObjectKind::Subnet, "app-b")));
        assert!(
            f.message.contains("nat-a") && f.message.contains("us-east-1a"),
            "{}",
            f.message
        );
        assert!(!f.hint.is_empty());
    }

    #[test]
    fn nat_cross_az_fires_when_only_one_az_uses_the_nat_gateway() {
        // Swapped: each NAT gateway serves one AZ — the other one. single-nat-multi-az
        // is silent, yet an AZ failure still cuts the other AZ.
        let mut d = sample::three_tier();
        nat_route(&mut d, "rt-app-a", "nat-b");
        nat_route(&mut d, "rt-app-b", "nat-a");
        assert!(hits(&d, "single-nat-multi-az").is_empty());
        let mut subnets: Vec<String> = hits(&d, "nat-cross-az")
            .into_iter()
            .filter_map(|f| f.object.map(|o| o.name))
            .collect();
        subnets.sort();
        assert_eq!(subnets, ["app-a", "app-b"]);
    }

    #[test]
    fn a_split_default_route_counts_as_internet_bound_and_a_narrow_one_does_not() {
        let mut d = sample::three_tier();
        let rt = d.route_tables.iter_mut().find(|r| r.name == "rt-db").unwrap();
        rt.routes.push(Route::new(
            RouteDestination::Cidr("192.168.0.0/16".parse().unwrap()),
            RouteTarget::NatGateway("nat-a".into()),
        ));
        // A private range through a NAT gateway is not internet-bound traffic.
        assert!(hits(&d, "nat-cross-az").is_empty());
        let rt = d.route_tables.iter_mut().find(|r| r.name == "rt-db").unwrap();
        rt.routes.push(Route::new(
            RouteDestination::Cidr("128.0.0.0/1".parse().unwrap()),
            RouteTarget::NatGateway("nat-a".into()),
        ));
        let found = hits(&d, "nat-cross-az");
        assert!(
            found
                .iter()
                .any(|f| f.object == Some(ObjectRef::new(ObjectKind::Subnet, "db-b"))),
            "{found:#?}"
        );
        assert!(!found
            .iter()
            .any(|f| f.object == Some(ObjectRef::new(ObjectKind::Subnet, "db-a"))));
    }

    #[test]
    fn nat_unused_fires_for_a_nat_gateway_no_route_targets() {
        let mut d = sample::three_tier();
        nat_route(&mut d, "rt-app-b", "nat-a");
        let found = hits(&d, "nat-unused");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].object, Some(ObjectRef::new(ObjectKind::NatGateway, "nat-b")));
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("public IPv4"), "{}", found[0].message);
        assert!(found[0].hint.contains("release its Elastic IP"), "{}", found[0].hint);
        // A route to it in any table, even one no subnet uses yet, counts as a use.
        let rt = d.route_tables.iter_mut().find(|r| r.name == "rt-db").unwrap();
        rt.routes.push(Route::new(
            RouteDestination::Cidr("0.0.0.0/0".parse().unwrap()),
            RouteTarget::NatGateway("nat-b".into()),
        ));
        assert!(hits(&d, "nat-unused").is_empty());
    }
}
