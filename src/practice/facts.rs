//! Structural facts ([`Fact`]): read from the configuration, no traffic.

use std::collections::BTreeSet;

use crate::model::intent::Fact;
use crate::model::*;

use super::Status;

fn tier_subnets<'d>(d: &'d Design, tier: &str) -> Vec<&'d Subnet> {
    d.subnets.iter().filter(|s| s.tier.as_deref() == Some(tier)).collect()
}

fn unknown_tier(d: &Design, tier: &str) -> (Status, String) {
    let mut tiers: Vec<&str> = d.subnets.iter().filter_map(|s| s.tier.as_deref()).collect();
    tiers.sort();
    tiers.dedup();
    (
        Status::Error,
        format!(
            "no subnet has tier `{tier}` (tiers in this design: {})",
            if tiers.is_empty() {
                "none".to_string()
            } else {
                tiers.join(", ")
            }
        ),
    )
}

/// Whether a route target leads to the internet (IGW, EIGW, NAT gateway or NAT instance).
fn internet_target(d: &Design, idx: &DesignIndex, t: &RouteTarget) -> bool {
    match t {
        RouteTarget::InternetGateway(_) | RouteTarget::EgressOnlyGateway(_) | RouteTarget::NatGateway(_) => true,
        RouteTarget::Instance(i) => idx.instance(d, i).is_some_and(|i| i.role == InstanceRole::NatInstance),
        _ => false,
    }
}

pub(super) fn evaluate(d: &Design, idx: &DesignIndex, fact: &Fact) -> (Status, String) {
    let verdict = |bad: Vec<String>, ok: String| {
        if bad.is_empty() {
            (Status::Pass, ok)
        } else {
            (Status::Fail, bad.join("; "))
        }
    };
    match fact {
        Fact::EachAzWithPrivateSubnetsHasNat => {
            let mut bad = Vec::new();
            let mut private = 0;
            for s in &d.subnets {
                if idx.subnet_kind(d, s) != SubnetKind::Private {
                    continue;
                }
                let Some(rt) = idx.subnet_route_table(d, s) else {
                    continue;
                };
                let default = RouteDestination::Cidr(any_v4());
                let Some(route) = rt.route_to(&default) else { continue };
                // Private subnets whose egress is a NAT device; one that sends
                // its default route elsewhere (a transit gateway, an
                // inspection endpoint) has its egress outside this fact.
                let nat_device = match &route.target {
                    RouteTarget::NatGateway(_) => true,
                    RouteTarget::Instance(i) => idx.instance(d, i).is_some_and(|i| i.role == InstanceRole::NatInstance),
                    _ => false,
                };
                if !nat_device {
                    continue;
                }
                private += 1;
                let nat_az = match &route.target {
                    // A regional NAT gateway translates each AZ's traffic in
                    // that AZ (VPC User Guide, "Regional NAT gateways"): it is
                    // in the subnet's own AZ by construction.
                    RouteTarget::NatGateway(n) => idx.nat_gateway(d, n).and_then(|n| {
                        if n.is_regional() {
                            Some(s.az.clone())
                        } else {
                            n.subnet.as_deref().and_then(|x| idx.subnet(d, x)).map(|s| s.az.clone())
                        }
                    }),
                    RouteTarget::Instance(i) => idx
                        .instance(d, i)
                        .and_then(|i| idx.subnet(d, &i.subnet))
                        .map(|s| s.az.clone()),
                    _ => None,
                };
                match nat_az {
                    Some(az) if az == s.az => {}
                    Some(az) => bad.push(format!(
                        "{} ({}) sends 0.0.0.0/0 to {} in {az}: losing {az} cuts its egress",
                        s.name, s.az, route.target
                    )),
                    None => bad.push(format!(
                        "{} sends 0.0.0.0/0 to {}, which does not exist",
                        s.name, route.target
                    )),
                }
            }
            verdict(
                bad,
                format!("each of the {private} private subnet(s) uses a NAT gateway in its own AZ (or a regional one)"),
            )
        }
        Fact::TierHasNoInternetRoute(tier) => {
            let subnets = tier_subnets(d, tier);
            if subnets.is_empty() {
                return unknown_tier(d, tier);
            }
            let mut bad = Vec::new();
            for s in subnets {
                if let Some(rt) = idx.subnet_route_table(d, s) {
                    for r in rt.routes.iter().filter(|r| internet_target(d, idx, &r.target)) {
                        bad.push(format!("{} uses {} with route {r}", s.name, rt.name));
                    }
                }
            }
            verdict(bad, format!("no {tier} subnet routes to an IGW, EIGW or NAT"))
        }
        Fact::TierHasNoPublicIp(tier) => {
            let subnets = tier_subnets(d, tier);
            if subnets.is_empty() {
                return unknown_tier(d, tier);
            }
            let mut bad = Vec::new();
            for s in subnets {
                for e in idx.enis_in_subnet(&s.name) {
                    if let Some(ip) = e.public_ip {
                        bad.push(format!("{} in {} has public IPv4 {ip}", e.owner.object().name, s.name));
                    }
                }
            }
            verdict(bad, format!("no interface in the {tier} tier has a public IPv4"))
        }
        Fact::NoSgOpenToWorld(port) => {
            let mut bad = Vec::new();
            for sg in &d.security_groups {
                for r in &sg.inbound {
                    let world = matches!(r.peer, SgPeer::Cidr(c) if c.prefix_len() == 0);
                    if world && r.proto.matches(Protocol::Tcp) && r.effective_ports().contains(*port) {
                        bad.push(format!("{} allows inbound {r}", sg.name));
                    }
                }
            }
            verdict(
                bad,
                format!("no security group allows tcp/{port} from 0.0.0.0/0 or ::/0"),
            )
        }
        Fact::TierSpansAzs { tier, azs } => {
            let subnets = tier_subnets(d, tier);
            if subnets.is_empty() {
                return unknown_tier(d, tier);
            }
            let set: BTreeSet<&str> = subnets.iter().map(|s| s.az.as_str()).collect();
            let list = set.iter().copied().collect::<Vec<_>>().join(", ");
            if set.len() >= *azs {
                (
                    Status::Pass,
                    format!("the {tier} tier is in {} AZs ({list})", set.len()),
                )
            } else {
                (
                    Status::Fail,
                    format!("the {tier} tier is only in {} AZ(s) ({list}); {azs} needed", set.len()),
                )
            }
        }
        Fact::SgSourceIsGroup { group, port, source } => {
            let Some(sg) = idx.security_group(d, group) else {
                return (Status::Error, format!("there is no security group `{group}`"));
            };
            if idx.security_group(d, source).is_none() {
                return (Status::Error, format!("there is no security group `{source}`"));
            }
            let admitting: Vec<&SgRule> = sg
                .inbound
                .iter()
                .filter(|r| r.proto.matches(Protocol::Tcp) && r.effective_ports().contains(*port))
                .collect();
            if admitting.is_empty() {
                return (
                    Status::Fail,
                    format!("{group} has no inbound rule admitting tcp/{port}"),
                );
            }
            let bad: Vec<String> = admitting
                .iter()
                .filter(|r| r.peer != SgPeer::Group(source.clone()))
                .map(|r| format!("{group} also admits tcp/{port} from {}", r.peer))
                .collect();
            verdict(bad, format!("{group} admits tcp/{port} only from sg:{source}"))
        }
        Fact::MainRouteTablesArePrivate => {
            let mut bad = Vec::new();
            for v in &d.vpcs {
                if let Some(rt) = idx.route_table(d, &v.main_route_table) {
                    for r in rt
                        .routes
                        .iter()
                        .filter(|r| matches!(r.target, RouteTarget::InternetGateway(_)))
                    {
                        bad.push(format!("main route table {} of {} has {r}", rt.name, v.name));
                    }
                }
            }
            verdict(bad, "no main route table routes to an internet gateway".into())
        }
        Fact::OnlyFrom {
            instance,
            port,
            sources,
        } => only_from(d, idx, instance, *port, sources),
        Fact::NoAllowAllNaclRule(tier) => {
            let subnets = tier_subnets(d, tier);
            if subnets.is_empty() {
                return unknown_tier(d, tier);
            }
            let mut acls: Vec<&str> = subnets
                .iter()
                .filter_map(|s| idx.subnet_network_acl(d, s).map(|a| a.name.as_str()))
                .collect();
            acls.sort();
            acls.dedup();
            let mut bad = Vec::new();
            for acl in acls.iter().filter_map(|a| idx.network_acl(d, a)) {
                for (dir, rules) in [("inbound", &acl.inbound), ("outbound", &acl.outbound)] {
                    for r in rules.iter().filter(|r| opens_everything(r)) {
                        bad.push(format!(
                            "{} {dir} rule {} allows {} {} {}",
                            acl.name,
                            r.number,
                            r.proto,
                            r.effective_ports(),
                            r.cidr
                        ));
                    }
                }
            }
            verdict(
                bad,
                format!(
                    "no NACL of the {tier} tier ({}) has an allow-all rule for the internet",
                    acls.join(", ")
                ),
            )
        }
        Fact::LaunchedBy { instance, account } => {
            if idx.instance(d, instance).is_none() {
                return (Status::Error, format!("there is no instance `{instance}`"));
            }
            if d.accounts.account(account).is_none() {
                return (Status::Error, format!("the design has no account `{account}`"));
            }
            let owner = d.instance_owner(instance);
            if owner == Some(account.as_str()) {
                (Status::Pass, format!("{instance} belongs to {account}"))
            } else {
                (
                    Status::Fail,
                    format!("{instance} belongs to {}, not {account}", Accounts::label(owner)),
                )
            }
        }
        Fact::ApplianceMode(att) => {
            let found = d
                .transit_gateways
                .iter()
                .find_map(|t| t.attachment(att).map(|a| (t, a)));
            match found {
                None => (Status::Error, format!("there is no transit gateway attachment `{att}`")),
                // Appliance mode is an option of VPC attachments only (TGW guide, VPC attachments).
                Some((t, a)) if !matches!(a.kind, crate::model::TgwAttachmentKind::Vpc { .. }) => (
                    Status::Error,
                    format!(
                        "{att} on {} is not a VPC attachment: appliance mode applies to VPC attachments",
                        t.name
                    ),
                ),
                Some((t, a)) if a.appliance_mode => {
                    (Status::Pass, format!("{att} on {} has appliance mode on", t.name))
                }
                Some((t, _)) => (
                    Status::Fail,
                    format!(
                        "{att} on {} has appliance mode off: return traffic may use another AZ's appliance",
                        t.name
                    ),
                ),
            }
        }
    }
}

/// An allow rule for the whole internet (`/0`) that opens every port: all
/// protocols, or every TCP or UDP port (a rule for 1-65535 is as open as 0-65535).
fn opens_everything(r: &NaclRule) -> bool {
    let every_port = |p: PortRange| p.from <= 1 && p.to == u16::MAX;
    r.action == RuleAction::Allow
        && r.cidr.prefix_len() == 0
        && (r.proto == Protocol::All || (r.proto.has_ports() && every_port(r.ports)))
}

/// [`Fact::OnlyFrom`]: every SG rule of the instance admitting tcp/`port` has a
/// source inside `sources`.
fn only_from(d: &Design, idx: &DesignIndex, instance: &str, port: u16, sources: &[String]) -> (Status, String) {
    let Some(inst) = idx.instance(d, instance) else {
        return (Status::Error, format!("there is no instance `{instance}`"));
    };
    let mut allowed_cidrs: Vec<ipnet::IpNet> = Vec::new();
    let mut allowed_groups: Vec<&str> = Vec::new();
    for s in sources {
        if let Some(g) = s.strip_prefix("sg:") {
            if idx.security_group(d, g).is_none() {
                return (Status::Error, format!("there is no security group `{g}`"));
            }
            allowed_groups.push(g);
        } else {
            match s.parse::<ipnet::IpNet>() {
                Ok(c) => allowed_cidrs.push(c.trunc()),
                Err(_) => return (Status::Error, format!("`{s}` is neither a CIDR nor `sg:NAME`")),
            }
        }
    }
    let mut groups: Vec<&str> = inst.security_groups.iter().map(String::as_str).collect();
    for nic in &inst.secondary_interfaces {
        groups.extend(nic.security_groups.iter().map(String::as_str));
    }
    groups.sort();
    groups.dedup();
    let mut admitting = 0;
    let mut bad = Vec::new();
    for sg in groups.iter().filter_map(|g| idx.security_group(d, g)) {
        for r in sg
            .inbound
            .iter()
            .filter(|r| r.proto.matches(Protocol::Tcp) && r.effective_ports().contains(port))
        {
            admitting += 1;
            let inside = match &r.peer {
                SgPeer::Cidr(c) => allowed_cidrs.iter().any(|a| a.contains(c)),
                SgPeer::Group(g) => allowed_groups.contains(&g.as_str()),
                // A customer-managed list is inside when every entry is; an
                // AWS-managed list (a service's public ranges) never is.
                SgPeer::PrefixList(p) => d
                    .prefix_lists
                    .iter()
                    .find(|l| &l.name == p)
                    .is_some_and(|l| l.entries.iter().all(|e| allowed_cidrs.iter().any(|a| a.contains(e)))),
            };
            if !inside {
                let size = match &r.peer {
                    SgPeer::Cidr(ipnet::IpNet::V4(c)) => {
                        format!(" ({} addresses)", 1u64 << (32 - u32::from(c.prefix_len())))
                    }
                    _ => String::new(),
                };
                bad.push(format!("{} admits tcp/{port} from {}{size}", sg.name, r.peer));
            }
        }
    }
    if admitting == 0 {
        return (
            Status::Fail,
            format!("no security group of {instance} admits tcp/{port}"),
        );
    }
    if bad.is_empty() {
        (
            Status::Pass,
            format!("{instance} admits tcp/{port} only from {}", sources.join(", ")),
        )
    } else {
        bad.push(format!("allowed sources: {}", sources.join(", ")));
        (Status::Fail, bad.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::templates::sample::three_tier;

    fn eval(d: &Design, f: Fact) -> (Status, String) {
        evaluate(d, &DesignIndex::new(d), &f)
    }

    #[test]
    fn sample_has_a_nat_per_az_and_a_private_db_tier() {
        let d = three_tier();
        assert_eq!(eval(&d, Fact::EachAzWithPrivateSubnetsHasNat).0, Status::Pass);
        assert_eq!(eval(&d, Fact::TierHasNoInternetRoute("db".into())).0, Status::Pass);
        assert_eq!(eval(&d, Fact::TierHasNoPublicIp("db".into())).0, Status::Pass);
        assert_eq!(eval(&d, Fact::NoSgOpenToWorld(22)).0, Status::Pass);
        assert_eq!(eval(&d, Fact::NoSgOpenToWorld(443)).0, Status::Fail);
        assert_eq!(eval(&d, Fact::MainRouteTablesArePrivate).0, Status::Pass);
        let spans = Fact::TierSpansAzs {
            tier: "app".into(),
            azs: 2,
        };
        assert_eq!(eval(&d, spans).0, Status::Pass);
        let sg = Fact::SgSourceIsGroup {
            group: "sg-db".into(),
            port: 5432,
            source: "sg-app".into(),
        };
        assert_eq!(eval(&d, sg).0, Status::Pass);
    }

    #[test]
    fn shared_nat_across_azs_fails_and_names_the_subnet() {
        let mut d = three_tier();
        let rt = d.route_tables.iter_mut().find(|r| r.name == "rt-app-b").unwrap();
        rt.routes[0].target = RouteTarget::NatGateway("nat-a".into());
        let (status, reason) = eval(&d, Fact::EachAzWithPrivateSubnetsHasNat);
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("app-b") && reason.contains("nat-a"), "{reason}");
    }

    #[test]
    fn appliance_mode_fact_reads_the_vpc_attachment() {
        let mut d = crate::create::templates::find("inspection-firewall").unwrap().design();
        let fact = || Fact::ApplianceMode("att-inspection".into());
        assert_eq!(eval(&d, fact()).0, Status::Pass);
        let att = &mut d.transit_gateways[0].attachments[0];
        att.appliance_mode = false;
        let (status, reason) = eval(&d, fact());
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("appliance mode off"), "{reason}");
        // Only VPC attachments have the option.
        d.transit_gateways[0].attachments[0].kind = crate::model::TgwAttachmentKind::Vpn {
            connection: "vpn-x".into(),
        };
        assert_eq!(eval(&d, fact()).0, Status::Error);
    }

    #[test]
    fn launched_by_reads_the_owner_or_the_subnets_vpc_owner() {
        let mut d = crate::create::templates::find("shared-vpc").unwrap().design();
        let fact = |i: &str, a: &str| Fact::LaunchedBy {
            instance: i.into(),
            account: a.into(),
        };
        assert_eq!(eval(&d, fact("app-1", "app-team")).0, Status::Pass);
        assert_eq!(eval(&d, fact("db-1", "app-team")).0, Status::Fail);
        // Without an owner of its own the instance is the VPC owner's.
        d.instances.iter_mut().find(|i| i.name == "app-1").unwrap().owner = None;
        let (status, reason) = eval(&d, fact("app-1", "app-team"));
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("network"), "{reason}");
        assert_eq!(eval(&d, fact("app-9", "app-team")).0, Status::Error);
        assert_eq!(eval(&d, fact("app-1", "nobody")).0, Status::Error);
    }

    #[test]
    fn unknown_names_are_errors_not_failures() {
        let d = three_tier();
        assert_eq!(eval(&d, Fact::TierHasNoInternetRoute("dbx".into())).0, Status::Error);
        let sg = Fact::SgSourceIsGroup {
            group: "sg-nope".into(),
            port: 1,
            source: "sg-app".into(),
        };
        assert_eq!(eval(&d, sg).0, Status::Error);
        assert_eq!(eval(&d, Fact::ApplianceMode("att-x".into())).0, Status::Error);
    }
}
