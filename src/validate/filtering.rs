//! Security groups and network ACLs: SG-2..9, NACL-1..7 and lints L-03, L-04,
//! L-07, L-16, L-17, L-18, L-19, L-30.

use super::context::{HashMap, HashSet};
use std::net::IpAddr;

use ipnet::IpNet;

use crate::model::limits::hard;
use crate::model::*;

use super::context::{oref, sub_path, ValidationPass};
use super::findings::Keyed;

/// SSH, RDP and common database ports (L-03): MySQL, PostgreSQL, SQL Server,
/// Oracle, MongoDB, Redis, Elasticsearch.
pub(super) const ADMIN_PORTS: &[(u16, &str)] = &[
    (22, "SSH"),
    (3389, "RDP"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (27017, "MongoDB"),
    (6379, "Redis"),
    (9200, "Elasticsearch"),
];

fn proto_covers(outer: Protocol, inner: Protocol) -> bool {
    outer == Protocol::All || outer == inner
}

/// Whether AWS accepts `c` in a VPC security group's name (EC2 API,
/// CreateSecurityGroup: "a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*").
fn group_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c)
}

/// SG-1: a group's AWS name is valid, not `default` for a custom group, and
/// unique within its VPC without regard to case (CreateSecurityGroup;
/// `web` and `WEB` clash in one VPC, the same name in two VPCs is fine).
fn security_group_names(cx: &ValidationPass<'_>, default_sgs: &HashSet<&str>) {
    let d = cx.d;
    let mut taken: HashMap<(&str, String), &str> = HashMap::default();
    for sg in &d.security_groups {
        let r = oref(ObjectKind::SecurityGroup, &sg.name);
        let is_default = default_sgs.contains(sg.name.as_str());
        let aws = if is_default {
            std::borrow::Cow::Borrowed("default")
        } else {
            sg.aws_group_name()
        };
        let set = if sg.group_name.is_some() {
            "its group name"
        } else {
            "the AWS name derived from its design name"
        };
        if !is_default {
            let bad: Vec<char> = aws.chars().filter(|c| !group_name_char(*c)).collect();
            let why = if aws.is_empty() {
                Some("is empty".to_string())
            } else if aws.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("sg-")) {
                Some("starts with sg-, which AWS keeps for group ids".to_string())
            } else if aws.chars().count() > 255 {
                Some(format!("is {} characters long; AWS allows 255", aws.chars().count()))
            } else if !bad.is_empty() {
                Some(format!(
                    "contains {:?}, which AWS refuses in a group name",
                    bad.iter().collect::<String>()
                ))
            } else {
                None
            };
            if let Some(why) = why {
                cx.on(
                    "sg-group-name-invalid",
                    &r,
                    format!("{}: {set} `{aws}` {why}", sg.name),
                    "set a group name of letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* that does not start with sg-",
                );
            } else if aws.eq_ignore_ascii_case("default") {
                cx.on(
                    "sg-group-name-reserved",
                    &r,
                    format!("{}: {set} `{aws}` is the name of the VPC's default group", sg.name),
                    "give the group another name; every VPC already has a group named default",
                );
            }
        }
        match taken.entry((sg.vpc.as_str(), aws.to_lowercase())) {
            std::collections::hash_map::Entry::Occupied(first) => cx.on(
                "sg-group-name-duplicate",
                &r,
                format!(
                    "{} and {} are both named `{aws}` in {} (AWS compares group names without regard to case)",
                    first.get(),
                    sg.name,
                    sg.vpc
                ),
                "give one of them another group name",
            ),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(&sg.name);
            }
        }
    }
}

pub(super) fn security_groups(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let default_sgs: HashSet<&str> = d.vpcs.iter().map(|v| v.default_security_group.as_str()).collect();
    security_group_names(cx, &default_sgs);
    for sg in &d.security_groups {
        let r = oref(ObjectKind::SecurityGroup, &sg.name);
        for (dir, rules) in [(Direction::Inbound, &sg.inbound), (Direction::Outbound, &sg.outbound)] {
            let mut seen = HashSet::default();
            let mut duplicates = HashSet::default();
            for (i, rule) in rules.iter().enumerate() {
                let path = || sub_path(&r, format!("{dir} {rule}"));
                if !seen.insert((rule.proto, rule.effective_ports(), &rule.peer)) {
                    duplicates.insert(i);
                    cx.emit(
                        "sg-duplicate-rule",
                        &r,
                        path(),
                        format!("the {dir} rule {rule} already exists in {}", sg.name),
                        "remove the duplicate; a group holds each permission once".into(),
                    );
                    continue;
                }
                if !rule.proto.has_ports()
                    && !matches!(rule.proto, Protocol::Icmp | Protocol::Icmpv6)
                    && !rule.ports.is_all()
                {
                    cx.emit(
                        "sg-ports-ignored",
                        &r,
                        path(),
                        format!(
                            "ports {} are ignored for protocol {}: AWS allows every port",
                            rule.ports, rule.proto
                        ),
                        "use tcp or udp to restrict ports, or drop the port range".into(),
                    );
                }
                // A rule whose group is gone, whose peering was deleted, or whose
                // transit gateway path lost security-group referencing stays as a
                // stale rule that matches nothing (VPC User Guide, "Work with stale
                // security group rules"; DescribeStaleSecurityGroups: "across a
                // transit gateway where the transit gateway has been deleted (or the
                // transit gateway security group referencing feature has been
                // disabled)"). Creating such a rule is refused (sg-reference-other-vpc,
                // checked on the edit).
                if let SgPeer::Group(g) = &rule.peer {
                    let why = match cx.idx.security_group(d, g) {
                        None => Some(format!("{g} does not exist (deleted)")),
                        Some(other) if !cx.vpcs_share_sg_space(&sg.vpc, &other.vpc, dir) => Some(format!(
                            "{g} is in {}, which is neither an active same-Region peer of {} nor{} attached with it to a transit gateway with security-group referencing on (gateway and both attachments)",
                            other.vpc,
                            sg.vpc,
                            if dir == Direction::Outbound { " (for an inbound rule)" } else { "" }
                        )),
                        Some(_) => None,
                    };
                    if let Some(why) = why {
                        cx.emit(
                            "sg-reference-stale",
                            &r,
                            path(),
                            format!("stale rule, matches nothing: {why}"),
                            format!(
                                "delete the rule, reference a group of {} or of an actively peered VPC in this Region, enable security-group referencing on the shared transit gateway, or use a CIDR",
                                sg.vpc
                            ),
                        );
                    }
                }
                if dir == Direction::Inbound {
                    if let SgPeer::Cidr(c) = &rule.peer {
                        if c.prefix_len() == 0 && proto_covers(rule.proto, Protocol::Tcp) {
                            let open: Vec<String> = ADMIN_PORTS
                                .iter()
                                .filter(|(p, _)| rule.effective_ports().contains(*p))
                                .map(|(p, n)| format!("{n} {p}"))
                                .collect();
                            if !open.is_empty() {
                                cx.emit(
                                    "sg-world-open-admin-port",
                                    &r,
                                    path(),
                                    format!("{} is open to {c} on {}", sg.name, open.join(", ")),
                                    "allow admin and database ports only from known ranges or other security groups (e.g. a bastion's group)".into(),
                                );
                            }
                        }
                    }
                }
            }
            // L-18: covered by another rule with the same peer (indexed, not
            // every rule against every other: groups may hold thousands).
            for i in redundant_rules(rules, &duplicates) {
                let rule = &rules[i];
                cx.emit(
                    "sg-redundant-rule",
                    &r,
                    sub_path(&r, format!("{dir} {rule}")),
                    format!("{rule} is already allowed by a wider {dir} rule of {}", sg.name),
                    "remove the narrower rule".into(),
                );
            }
        }
    }
}

/// Groups in use (L-10 unused groups; the default group with rules in use):
/// apart from the rules, since interfaces come and go far more often. Filed
/// by group name: a group's findings depend on the interfaces carrying it.
pub(super) fn security_group_usage(cx: &ValidationPass<'_>, out: &mut Keyed) {
    let default_sgs = default_groups(cx);
    for sg in &cx.d.security_groups {
        group_usage(cx, sg, &default_sgs, out);
    }
}

/// The groups an instance's interfaces carry (by name), with their findings re-derived.
pub(super) fn security_group_usage_around(
    cx: &ValidationPass<'_>,
    i: &Instance,
    _: bool,
    out: &mut Keyed,
) -> Vec<String> {
    let mut names: Vec<&str> = i
        .security_groups
        .iter()
        .chain(i.secondary_interfaces.iter().flat_map(|e| &e.security_groups))
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    names.dedup();
    let default_sgs = default_groups(cx);
    for sg in
        cx.d.security_groups
            .iter()
            .filter(|g| names.binary_search(&g.name.as_str()).is_ok())
    {
        group_usage(cx, sg, &default_sgs, out);
    }
    names.into_iter().map(str::to_string).collect()
}

fn default_groups<'a>(cx: &ValidationPass<'a>) -> HashSet<&'a str> {
    cx.d.vpcs.iter().map(|v| v.default_security_group.as_str()).collect()
}

fn group_usage(cx: &ValidationPass<'_>, sg: &SecurityGroup, default_sgs: &HashSet<&str>, out: &mut Keyed) {
    let r = || oref(ObjectKind::SecurityGroup, &sg.name);
    let in_use = cx.sg_in_use(&sg.name);
    if default_sgs.contains(sg.name.as_str()) {
        if in_use && !sg.inbound.is_empty() {
            cx.keyed(
                out,
                || sg.name.clone(),
                |cx| {
                    cx.on(
                        "default-sg-in-use",
                        &r(),
                        format!("{} is the default group, has inbound rules and is used by interfaces", sg.name),
                        "give workloads their own security groups and leave the default group without rules (CIS AWS benchmark)",
                    );
                },
            );
        }
    } else if !in_use {
        cx.keyed(
            out,
            || sg.name.clone(),
            |cx| {
                cx.on(
                    "sg-unused",
                    &r(),
                    format!("{} is attached to no network interface", sg.name),
                    "attach it to an instance, load balancer or endpoint, or delete it",
                );
            },
        );
    }
}

/// Indices of the rules another rule of the same list covers (L-18): same
/// peer, a protocol that includes this one (`all` includes every protocol)
/// and a port range that contains this one, without being the same rule.
/// Exact duplicates are reported as such, not here.
///
/// Near-linear: rules are grouped by peer and protocol; within a group,
/// ranges sorted by start (and by end, widest first) are covered exactly
/// when an earlier distinct range reaches at least as far.
pub(super) fn redundant_rules(rules: &[SgRule], duplicates: &HashSet<usize>) -> Vec<usize> {
    // A rule for all protocols (so all ports) covers every other rule of its peer.
    let all_protocols: HashSet<&SgPeer> = rules
        .iter()
        .filter(|r| r.proto == Protocol::All)
        .map(|r| &r.peer)
        .collect();
    let mut groups: HashMap<(&SgPeer, Protocol), Vec<(PortRange, usize)>> = HashMap::default();
    for (i, rule) in rules.iter().enumerate() {
        // An `all` rule is never covered: only another `all` rule could, and that would be a duplicate.
        if rule.proto != Protocol::All && !duplicates.contains(&i) {
            groups
                .entry((&rule.peer, rule.proto))
                .or_default()
                .push((rule.effective_ports(), i));
        }
    }
    let mut out = Vec::new();
    for ((peer, _), mut ranges) in groups {
        if all_protocols.contains(peer) {
            out.extend(ranges.iter().map(|&(_, i)| i));
            continue;
        }
        ranges.sort_by(|a, b| a.0.from.cmp(&b.0.from).then(b.0.to.cmp(&a.0.to)));
        // The farthest end among the distinct ranges before the current one;
        // all of them start no later than it.
        let mut reach: Option<u16> = None;
        for same in ranges.chunk_by(|a, b| a.0 == b.0) {
            let range = same[0].0;
            if reach.is_some_and(|to| to >= range.to) {
                out.extend(same.iter().map(|&(_, i)| i));
            }
            reach = Some(reach.map_or(range.to, |to| to.max(range.to)));
        }
    }
    out.sort_unstable();
    out
}

/// SG-8: an interface's groups must be of its own VPC. Filed by the
/// interface's owner: an owner's findings depend on its interfaces alone.
pub(super) fn interface_groups(cx: &ValidationPass<'_>, out: &mut Keyed) {
    for e in &cx.idx.enis {
        interface_group_vpcs(cx, &|| e.owner.object(), &e.subnet, &e.security_groups, out);
    }
}

/// An instance's findings, re-derived from its interfaces (when inserted).
pub(super) fn interface_groups_around(
    cx: &ValidationPass<'_>,
    i: &Instance,
    inserted: bool,
    out: &mut Keyed,
) -> Vec<String> {
    let owner = || oref(ObjectKind::Instance, &i.name);
    if inserted {
        interface_group_vpcs(cx, &owner, &i.subnet, &i.security_groups, out);
        for e in &i.secondary_interfaces {
            interface_group_vpcs(cx, &owner, &e.subnet, &e.security_groups, out);
        }
    }
    vec![owner().to_string()]
}

fn interface_group_vpcs(
    cx: &ValidationPass<'_>,
    owner: &dyn Fn() -> ObjectRef,
    subnet: &str,
    groups: &[String],
    out: &mut Keyed,
) {
    let d = cx.d;
    let Some(vpc) = cx.subnet_vpc(subnet) else { return };
    for g in groups {
        let Some(sg) = cx.idx.security_group(d, g) else {
            continue;
        };
        if sg.vpc == vpc {
            continue;
        }
        let obj = owner();
        cx.keyed(
            out,
            || obj.to_string(),
            |cx| {
                cx.emit(
                    "eni-sg-other-vpc",
                    &obj,
                    sub_path(&obj, format!("security group {g}")),
                    format!("security group {g} belongs to {}, the interface to {vpc}", sg.vpc),
                    format!("use security groups of {vpc}"),
                );
            },
        );
    }
}

fn family(c: &IpNet) -> u8 {
    match c {
        IpNet::V4(_) => 4,
        IpNet::V6(_) => 6,
    }
}

/// First-match evaluation of one direction of a NACL (NACL-9).
fn nacl_allows(rules: &[&NaclRule], proto: Protocol, port: u16, addr: IpAddr) -> bool {
    for r in rules {
        if r.cidr.contains(&addr) && r.proto.matches(proto) && r.effective_ports().contains(port) {
            return r.action == RuleAction::Allow;
        }
    }
    false
}

/// Representative client ephemeral ports: Linux 32768–61000 (VPC User Guide, network ACLs,
/// "Ephemeral ports"), Windows 49152–65535. 40000 comes first: it is the port a trace's
/// client uses ([`crate::analysis`]), so a finding and a trace of the same flow name
/// the same port.
const EPHEMERAL_SAMPLES: [u16; 5] = [40000, 32768, 49152, 61000, 65535];

fn looks_like_return_rule(r: &NaclRule) -> bool {
    let p = r.effective_ports();
    r.proto.has_ports() && p.from >= 1024 && p.to >= 61000
}

pub(super) fn network_acls(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for acl in &d.network_acls {
        let r = oref(ObjectKind::NetworkAcl, &acl.name);
        let mut sorted: HashMap<Direction, Vec<&NaclRule>> = HashMap::default();
        for dir in [Direction::Inbound, Direction::Outbound] {
            let rules = acl.rules(dir);
            let mut numbers = HashSet::default();
            for rule in rules {
                let path = || sub_path(&r, format!("{dir} rule {}", rule.number));
                if !hard::NACL_RULE_NUMBERS.contains(&rule.number) {
                    cx.emit(
                        "nacl-rule-number-range",
                        &r,
                        path(),
                        format!(
                            "rule number {} is outside 1–32766 (32767 and above are AWS's `*` rules)",
                            rule.number
                        ),
                        "number rules from 1 to 32766, leaving gaps (100, 110, …) to insert later".into(),
                    );
                }
                if !numbers.insert(rule.number) {
                    cx.emit(
                        "nacl-duplicate-rule-number",
                        &r,
                        path(),
                        format!("{dir} already has a rule number {}", rule.number),
                        "use a free rule number; IPv4 and IPv6 entries share one numbering per direction".into(),
                    );
                }
                if cidr::has_host_bits(rule.cidr) {
                    cx.emit(
                        "host-bits-set",
                        &r,
                        path(),
                        format!(
                            "{} has host bits set; AWS stores it as {}",
                            rule.cidr,
                            rule.cidr.trunc()
                        ),
                        format!("did you mean {}?", rule.cidr.trunc()),
                    );
                }
            }
            let mut list: Vec<&NaclRule> = rules.iter().collect();
            list.sort_by_key(|x| x.number);
            // L-17: a rule fully covered by a lower-numbered one never decides anything.
            for (i, b) in list.iter().enumerate() {
                if let Some(a) = list[..i].iter().find(|a| {
                    a.number != b.number
                        && family(&a.cidr) == family(&b.cidr)
                        && proto_covers(a.proto, b.proto)
                        && a.effective_ports().covers(b.effective_ports())
                        && a.cidr.trunc().contains(&b.cidr.trunc().network())
                        && a.cidr.prefix_len() <= b.cidr.prefix_len()
                }) {
                    cx.emit(
                        "nacl-shadowed-rule",
                        &r,
                        sub_path(&r, format!("{dir} rule {}", b.number)),
                        format!(
                            "{dir} {b} never matches: rule {} ({}) matches all its traffic first",
                            a.number, a.action
                        ),
                        "remove it, or give it a lower number than the rule that hides it".into(),
                    );
                }
            }
            sorted.insert(dir, list);
        }
        ephemeral_returns(cx, &r, &sorted);
    }
}

/// A network ACL that is no VPC's default and that no subnet is associated
/// with decides nothing. Apart from [`network_acls`], which reads only the
/// ACLs' rules: a subnet added or removed re-runs only this.
pub(super) fn unused_network_acls(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let defaults: HashSet<&str> = d.vpcs.iter().map(|v| v.default_network_acl.as_str()).collect();
    for acl in &d.network_acls {
        if !defaults.contains(acl.name.as_str()) && !cx.nacl_users().contains_key(acl.name.as_str()) {
            cx.on(
                "nacl-unused",
                &oref(ObjectKind::NetworkAcl, &acl.name),
                format!("{} is associated with no subnet", acl.name),
                "associate it with the subnets it was written for, or delete it",
            );
        }
    }
}

/// L-16: NACLs are stateless; a request allowed one way needs its reply
/// (to the client's ephemeral port) allowed the other way.
fn ephemeral_returns(cx: &ValidationPass<'_>, r: &ObjectRef, sorted: &HashMap<Direction, Vec<&NaclRule>>) {
    let empty = Vec::new();
    for (dir, back) in [
        (Direction::Inbound, Direction::Outbound),
        (Direction::Outbound, Direction::Inbound),
    ] {
        let requests = sorted.get(&dir).unwrap_or(&empty);
        let replies = sorted.get(&back).unwrap_or(&empty);
        for rule in requests {
            if rule.action != RuleAction::Allow || looks_like_return_rule(rule) {
                continue;
            }
            let proto = match rule.proto {
                Protocol::Tcp | Protocol::All => Protocol::Tcp,
                Protocol::Udp => Protocol::Udp,
                _ => continue,
            };
            let c = rule.cidr.trunc();
            let probes = [c.network(), c.broadcast()];
            let missing = probes
                .iter()
                .flat_map(|a| EPHEMERAL_SAMPLES.iter().map(move |p| (*a, *p)))
                .find(|(a, p)| !nacl_allows(replies, proto, *p, *a));
            if let Some((addr, port)) = missing {
                cx.emit(
                    "nacl-missing-ephemeral-return",
                    r,
                    sub_path(r, format!("{dir} rule {}", rule.number)),
                    format!(
                        "{dir} rule {} allows {} {} {} {c}, but {back} replies ({proto} to the client's ephemeral port {port} at {addr}) are denied",
                        rule.number,
                        rule.proto,
                        rule.effective_ports(),
                        if dir == Direction::Inbound { "from" } else { "to" },
                    ),
                    format!(
                        "add an {back} allow rule for {proto} 1024-65535 {} {c} (NACLs are stateless)",
                        if back == Direction::Inbound { "from" } else { "to" }
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// L-18 as first written: every rule against every other.
    fn covered_pairwise(rules: &[SgRule], duplicates: &HashSet<usize>) -> Vec<usize> {
        (0..rules.len())
            .filter(|i| !duplicates.contains(i))
            .filter(|&i| {
                let rule = &rules[i];
                rules.iter().enumerate().any(|(j, o)| {
                    j != i
                        && o.peer == rule.peer
                        && proto_covers(o.proto, rule.proto)
                        && o.effective_ports().covers(rule.effective_ports())
                        && (o.proto, o.effective_ports()) != (rule.proto, rule.effective_ports())
                })
            })
            .collect()
    }

    fn rule(proto: u8, from: u16, len: u16, peer: u8) -> SgRule {
        let proto = [Protocol::Tcp, Protocol::Udp, Protocol::All, Protocol::Icmp][usize::from(proto % 4)];
        SgRule {
            proto,
            ports: PortRange {
                from,
                to: from.saturating_add(len),
            },
            peer: SgPeer::Cidr(format!("10.{peer}.0.0/16").parse().unwrap()),
            description: None,
        }
    }

    proptest! {
        #[test]
        fn the_indexed_check_finds_exactly_the_pairwise_ones(
            raw in proptest::collection::vec((0u8..4, 0u16..40, 0u16..12, 0u8..3), 0..40)
        ) {
            let rules: Vec<SgRule> = raw.iter().map(|&(p, f, l, peer)| rule(p, f, l, peer)).collect();
            let mut seen = HashSet::default();
            let duplicates: HashSet<usize> = rules
                .iter()
                .enumerate()
                .filter(|(_, r)| !seen.insert((r.proto, r.effective_ports(), r.peer.clone())))
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(redundant_rules(&rules, &duplicates), covered_pairwise(&rules, &duplicates));
        }
    }
}
