//! Property tests of validation rules against brute-force oracles.

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};
use proptest::prelude::*;
use vpcd::model::*;
use vpcd::validate::{self, CATALOGUE};

/// A VPC 10.0.0.0/16 with the given subnets (named s0, s1, …) and nothing else.
fn design_with_subnets(cidrs: &[Ipv4Net]) -> Design {
    let mut d = Design::default();
    for o in Design::new_vpc_objects("v", "10.0.0.0/16".parse().unwrap()) {
        d.put(o);
    }
    for (i, c) in cidrs.iter().enumerate() {
        d.subnets.push(Subnet {
            name: format!("s{i}"),
            description: None,
            vpc: "v".into(),
            az: "us-east-1a".into(),
            cidr: *c,
            ipv6_cidr: None,
            map_public_ip: false,
            route_table: None,
            network_acl: None,
            tier: None,
        });
    }
    d
}

fn arb_subnet() -> impl Strategy<Value = Ipv4Net> {
    // A small space (10.0.0.0/22) so overlaps are common; /24 to /28.
    (0u32..1024, 24u8..=28).prop_map(|(off, len)| Ipv4Net::new(Ipv4Addr::from(0x0A00_0000 + off), len).unwrap().trunc())
}

fn range(n: Ipv4Net) -> std::ops::RangeInclusive<u32> {
    u32::from(n.network())..=u32::from(n.broadcast())
}

/// A 0..16 address universe for NACL rules: 10.0.0.0/28 and its sub-blocks.
fn arb_nacl_cidr() -> impl Strategy<Value = IpNet> {
    (0u32..16, 28u8..=32)
        .prop_map(|(off, len)| IpNet::V4(Ipv4Net::new(Ipv4Addr::from(0x0A00_0000 + off), len).unwrap().trunc()))
}

fn arb_rule() -> impl Strategy<Value = NaclRule> {
    (
        1u16..20,
        prop::bool::ANY,
        prop_oneof![Just(Protocol::Tcp), Just(Protocol::Udp), Just(Protocol::All)],
        0u16..8,
        0u16..8,
        arb_nacl_cidr(),
    )
        .prop_map(|(n, allow, proto, a, b, cidr)| NaclRule {
            number: n * 10,
            action: if allow { RuleAction::Allow } else { RuleAction::Deny },
            proto,
            ports: PortRange {
                from: a.min(b),
                to: a.max(b),
            },
            cidr,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// SUB-3 oracle: a subnet is reported as overlapping iff it shares an address
    /// with another subnet of the VPC (enumerating every address).
    #[test]
    fn subnet_overlap_matches_brute_force(cidrs in prop::collection::vec(arb_subnet(), 1..7)) {
        let d = design_with_subnets(&cidrs);
        let diags = validate::validate(&d);
        let flagged: std::collections::HashSet<String> = diags
            .iter()
            .filter(|x| x.code == "subnet-overlap")
            .filter_map(|x| x.object.as_ref().map(|o| o.name.clone()))
            .collect();
        let overlaps = |i: usize, j: usize| range(cidrs[i]).any(|a| range(cidrs[j]).contains(&a));
        let any_pair = (0..cidrs.len()).any(|i| (0..cidrs.len()).any(|j| i != j && overlaps(i, j)));
        prop_assert_eq!(!flagged.is_empty(), any_pair);
        for name in &flagged {
            let i: usize = name[1..].parse().unwrap();
            prop_assert!((0..cidrs.len()).any(|j| j != i && overlaps(i, j)), "{} flagged but overlaps nothing", name);
        }
        // Every finding is catalogued with the catalogue's severity and blocking flag.
        for x in &diags {
            let rule = CATALOGUE.iter().find(|r| r.code == x.code).expect("catalogued");
            prop_assert_eq!(rule.severity, x.severity);
            prop_assert_eq!(rule.blocking, x.blocks_edit);
        }
    }

    /// L-17 soundness: a NACL rule reported as shadowed is never the first
    /// match of any packet (brute force over a small packet space).
    #[test]
    fn shadowed_nacl_rules_never_decide(rules in prop::collection::vec(arb_rule(), 1..6)) {
        let mut d = design_with_subnets(&[]);
        let mut acl = NetworkAcl::custom("acl", "v");
        acl.inbound = rules.clone();
        d.network_acls.push(acl);
        let diags = validate::validate(&d);
        let mut sorted = rules.clone();
        sorted.sort_by_key(|r| r.number);
        for x in diags.iter().filter(|x| x.code == "nacl-shadowed-rule") {
            let number: u16 = x.path.rsplit(' ').next().unwrap().parse().unwrap();
            for proto in [Protocol::Tcp, Protocol::Udp] {
                for port in 0..8u16 {
                    for host in 0..16u8 {
                        let addr = std::net::IpAddr::V4(Ipv4Addr::new(10, 0, 0, host));
                        let first = sorted.iter().find(|r| {
                            r.cidr.contains(&addr) && r.proto.matches(proto) && r.effective_ports().contains(port)
                        });
                        prop_assert!(first.is_none_or(|r| r.number != number || sorted.iter().filter(|o| o.number == number).count() > 1),
                            "rule {} reported shadowed but decides {} {} {}", number, proto, port, addr);
                    }
                }
            }
        }
    }
}
