//! Security groups and network ACLs, rule by rule.

use ipnet::IpNet;

use super::super::json;
use super::Builder;
use crate::model::*;

/// A protocol as AWS prints it (`-1`, `tcp`, `6`, `icmpv6`, `58`, `50`, …).
pub(crate) fn protocol(p: Option<&str>) -> Option<Protocol> {
    p.unwrap_or("-1").trim().parse::<Protocol>().ok()
}

/// The ports of a rule: for TCP and UDP the range (`-1` or absent is all
/// ports); other protocols have no ports (VPC User Guide, "Security group rules").
fn ports(proto: Protocol, from: Option<i64>, to: Option<i64>) -> PortRange {
    if !proto.has_ports() {
        return PortRange::ALL;
    }
    match (from, to) {
        (Some(f), Some(t)) if (0..=65535).contains(&f) && (0..=65535).contains(&t) && f <= t => PortRange {
            from: f as u16,
            to: t as u16,
        },
        _ => PortRange::ALL,
    }
}

pub(super) fn build(b: &mut Builder<'_>) {
    security_groups(b);
    network_acls(b);
}

fn security_groups(b: &mut Builder<'_>) {
    for g in &b.m.security_groups {
        let inbound = sg_rules(b, g, &g.ip_permissions, "inbound");
        let outbound = sg_rules(b, g, &g.ip_permissions_egress, "outbound");
        let mut sg = SecurityGroup {
            owner: None,
            name: b.name(&g.group_id),
            group_name: None,
            description: g.description.clone().filter(|d| !d.is_empty()),
            vpc: b.name(&g.vpc_id),
            inbound,
            outbound,
        };
        // Keep AWS's GroupName where the design name would not give it back
        // (every VPC's default group is `default`, and export names it so).
        if g.group_name != "default" && sg.aws_group_name() != g.group_name.as_str() {
            sg.group_name = Some(g.group_name.clone());
        }
        b.d.security_groups.push(sg);
    }
}

fn sg_rules(b: &mut Builder<'_>, g: &json::SecurityGroup, perms: &[json::IpPermission], dir: &str) -> Vec<SgRule> {
    let mut out = Vec::new();
    for p in perms {
        let shown = format!(
            "{} {dir} {} {}",
            g.group_id,
            p.ip_protocol.as_deref().unwrap_or("-1"),
            match (p.from_port, p.to_port) {
                (Some(f), Some(t)) if f != t => format!("{f}-{t}"),
                (Some(f), _) => f.to_string(),
                _ => "all".into(),
            }
        );
        let Some(proto) = protocol(p.ip_protocol.as_deref()) else {
            b.report.skip(
                &shown,
                "security group rule",
                "its protocol is not a protocol number vpcd reads",
            );
            continue;
        };
        if matches!(proto, Protocol::Icmp | Protocol::Icmpv6) && p.from_port.is_some_and(|t| t >= 0) {
            b.report.approximate(
                &shown,
                "security group rule",
                "it allows one ICMP type/code; vpcd does not model ICMP types, so it allows all ICMP",
            );
        }
        let ports = ports(proto, p.from_port, p.to_port);
        let mut push = |peer: SgPeer, description: &Option<String>| {
            let mut r = SgRule::new(proto, ports, peer);
            r.description = description.clone().filter(|d| !d.is_empty());
            out.push(r);
        };
        for r in &p.ip_ranges {
            match r.cidr_ip.as_deref().and_then(|c| c.parse::<IpNet>().ok()) {
                Some(c) => push(SgPeer::Cidr(c.trunc()), &r.description),
                None => b.report.skip(
                    &shown,
                    "security group rule",
                    "a source/destination is not an IPv4 CIDR block",
                ),
            }
        }
        for r in &p.ipv6_ranges {
            match r.cidr_ipv6.as_deref().and_then(|c| c.parse::<IpNet>().ok()) {
                Some(c) => push(SgPeer::Cidr(c.trunc()), &r.description),
                None => b.report.skip(
                    &shown,
                    "security group rule",
                    "a source/destination is not an IPv6 CIDR block",
                ),
            }
        }
        for r in &p.prefix_list_ids {
            push(SgPeer::PrefixList(b.name(&r.prefix_list_id)), &r.description);
        }
        for pair in &p.user_id_group_pairs {
            let Some(gid) = &pair.group_id else {
                b.report
                    .skip(&shown, "security group rule", "it names a group without its id");
                continue;
            };
            if b.known(gid) {
                // Same VPC, a peered VPC or another account's VPC: vpcd matches
                // the group's members wherever they are (VPC Peering Guide,
                // "Reference peer security groups").
                push(SgPeer::Group(b.name(gid)), &pair.description);
            } else {
                let owner = pair
                    .user_id
                    .as_deref()
                    .map(|u| format!(" of account {u}"))
                    .unwrap_or_default();
                b.report.skip(
                    &shown,
                    "security group rule",
                    &format!("it references security group {gid}{owner}, which is not in this import; the rule is left out, so flows it allows show as blocked"),
                );
            }
        }
    }
    out
}

fn network_acls(b: &mut Builder<'_>) {
    for acl in &b.m.network_acls {
        let mut inbound = Vec::new();
        let mut outbound = Vec::new();
        for e in &acl.entries {
            let shown = format!(
                "{} {} rule {}",
                acl.network_acl_id,
                if e.egress == Some(true) { "outbound" } else { "inbound" },
                e.rule_number
            );
            // Rule 32767 is the implicit deny every NACL ends with; vpcd adds it itself
            // (VPC User Guide, "Network ACL rules": the rule numbered `*`).
            if e.rule_number >= 32767 {
                continue;
            }
            if !(1..=32766).contains(&e.rule_number) {
                b.report
                    .skip(&shown, "network ACL rule", "its rule number is outside 1-32766");
                continue;
            }
            let Some(proto) = protocol(e.protocol.as_deref()) else {
                b.report.skip(
                    &shown,
                    "network ACL rule",
                    "its protocol is not a protocol number vpcd reads",
                );
                continue;
            };
            let cidr = e
                .cidr_block
                .as_deref()
                .or(e.ipv6_cidr_block.as_deref())
                .and_then(|c| c.parse::<IpNet>().ok());
            let Some(cidr) = cidr else {
                b.report
                    .skip(&shown, "network ACL rule", "it has no CIDR block vpcd can read");
                continue;
            };
            if let Some(t) = e.icmp_type_code.as_ref().filter(|t| t.r#type >= 0) {
                if matches!(proto, Protocol::Icmp | Protocol::Icmpv6) {
                    b.report.approximate(
                        &shown,
                        "network ACL rule",
                        &format!(
                            "it matches ICMP type {} code {}; vpcd does not model ICMP types, so it matches all ICMP",
                            t.r#type, t.code
                        ),
                    );
                }
            }
            let action = if e.rule_action.eq_ignore_ascii_case("allow") {
                RuleAction::Allow
            } else {
                RuleAction::Deny
            };
            let rule = NaclRule {
                number: e.rule_number as u16,
                action,
                proto,
                ports: ports(
                    proto,
                    e.port_range.as_ref().map(|p| p.from),
                    e.port_range.as_ref().map(|p| p.to),
                ),
                cidr: cidr.trunc(),
            };
            if e.egress == Some(true) {
                outbound.push(rule);
            } else {
                inbound.push(rule);
            }
        }
        inbound.sort_by_key(|r| r.number);
        outbound.sort_by_key(|r| r.number);
        b.d.network_acls.push(NetworkAcl {
            name: b.name(&acl.network_acl_id),
            description: None,
            vpc: b.name(&acl.vpc_id),
            inbound,
            outbound,
        });
    }
}
