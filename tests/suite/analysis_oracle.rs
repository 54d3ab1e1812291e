//! Property test: the engine agrees with a deliberately simple, independently
//! written evaluator on random small designs (one VPC, a few subnets, random
//! routes, NACL and SG rules, instances with or without Elastic IPs).
//!
//! The oracle knows nothing of the engine: no indexes, no compiled tables.
//! NACLs are evaluated by trying every rule number 1..=32766 in turn (first
//! match wins, else deny); routes by trying every prefix length from 32 down;
//! SGs by scanning every rule of every group. It encodes AWS's documented
//! behaviour directly (VPC User Guide: "How route priority works", "Network ACL rules",
//! "Security group rules", "Internet gateways"):
//! * same subnet: SG out + SG in, no NACL, reply free (stateful SGs);
//! * across subnets: SG out, NACL out, local route, NACL in, SG in, then the
//!   reply through both NACLs on the client's ephemeral port (40000);
//! * internet: IGW attached, public IP, route 0.0.0.0/0 → an active IGW on the
//!   instance's subnet for the reply (or the request), NACLs both ways;
//! * a subnet routed 0.0.0.0/0 to the VPC's regional NAT gateway: outbound to
//!   the internet with or without a public IP when the IGW is attached (the
//!   gateway leaves by it), NACLs both ways, nothing inbound (VPC User Guide,
//!   "Regional NAT gateways for automatic multi-AZ expansion").
//!
//! A second property checks security-group references across transit gateways
//! (two VPCs, two gateways with random referencing flags) the same way.

use crate::analysis_support;

use std::net::{IpAddr, Ipv4Addr};

use analysis_support::*;
use proptest::prelude::*;
use vpcd::model::*;

const CIDRS: &[&str] = &[
    "0.0.0.0/0",
    "10.0.0.0/16",
    "10.0.0.0/24",
    "10.0.1.0/24",
    "10.0.2.0/23",
    "198.51.100.0/24",
];
const PORTS: &[&str] = &["22", "80", "443", "1024-65535", "32768-65535", "0-1023", "all"];
const QUERY_PORTS: &[u16] = &[22, 80, 443];
const NACL_NUMBERS: &[u16] = &[10, 50, 100, 110, 120, 200];
const INTERNET: [&str; 2] = ["198.51.100.7", "203.0.113.9"];

#[derive(Debug, Clone)]
struct NaclR {
    allow: bool,
    all: bool,
    ports: usize,
    cidr: usize,
}

#[derive(Debug, Clone)]
struct SgR {
    all: bool,
    ports: usize,
    /// CIDR index, or a group (index into the 3 groups) when >= CIDRS.len().
    peer: usize,
}

#[derive(Debug, Clone)]
struct SubnetSpec {
    nacl_in: Vec<(u16, NaclR)>,
    nacl_out: Vec<(u16, NaclR)>,
    /// 0 none, 1 0.0.0.0/0 → igw, 2 0.0.0.0/0 → deleted NAT (blackhole),
    /// 3 0.0.0.0/0 → the regional NAT gateway `nat-r`.
    default_route: u8,
    /// (sg index, has EIP) per instance.
    instances: Vec<(usize, bool)>,
}

#[derive(Debug, Clone)]
struct Spec {
    igw_attached: bool,
    subnets: Vec<SubnetSpec>,
    sgs: Vec<(Vec<SgR>, Option<Vec<SgR>>)>,
}

/// Biased towards permissive rules so that about half of the flows get through.
fn port_pick() -> impl Strategy<Value = usize> {
    prop_oneof![2 => Just(PORTS.len() - 1), 1 => Just(3usize), 2 => 0..PORTS.len()]
}

fn cidr_pick() -> impl Strategy<Value = usize> {
    prop_oneof![3 => Just(0usize), 2 => 0..CIDRS.len()]
}

fn nacl_r() -> impl Strategy<Value = NaclR> {
    (
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.5),
        port_pick(),
        cidr_pick(),
    )
        .prop_map(|(allow, all, ports, cidr)| NaclR {
            allow,
            all,
            ports,
            cidr,
        })
}

fn nacl_rules() -> impl Strategy<Value = Vec<(u16, NaclR)>> {
    (
        prop::sample::subsequence(NACL_NUMBERS.to_vec(), 1..=4),
        prop::collection::vec(nacl_r(), 4),
    )
        .prop_map(|(nums, rules)| nums.into_iter().zip(rules).collect())
}

fn sg_r() -> impl Strategy<Value = SgR> {
    (
        prop::bool::weighted(0.3),
        port_pick(),
        prop_oneof![2 => Just(0usize), 2 => 0..CIDRS.len() + 3],
    )
        .prop_map(|(all, ports, peer)| SgR { all, ports, peer })
}

fn spec() -> impl Strategy<Value = Spec> {
    let subnet = (
        nacl_rules(),
        nacl_rules(),
        prop_oneof![1 => Just(0u8), 4 => Just(1u8), 1 => Just(2u8), 2 => Just(3u8)],
        prop::collection::vec((0usize..3, prop::bool::weighted(0.6)), 1..=2),
    )
        .prop_map(|(nacl_in, nacl_out, default_route, instances)| SubnetSpec {
            nacl_in,
            nacl_out,
            default_route,
            instances,
        });
    let sg = (
        prop::collection::vec(sg_r(), 1..=3),
        prop::option::weighted(0.3, prop::collection::vec(sg_r(), 0..=2)),
    );
    (
        prop::bool::weighted(0.9),
        prop::collection::vec(subnet, 2..=3),
        prop::collection::vec(sg, 3),
    )
        .prop_map(|(igw_attached, subnets, sgs)| Spec {
            igw_attached,
            subnets,
            sgs,
        })
}

fn sg_text(r: &SgR) -> String {
    let proto = if r.all { "all" } else { "tcp" };
    let peer = if r.peer < CIDRS.len() {
        CIDRS[r.peer].to_string()
    } else {
        format!("sg:sg{}", r.peer - CIDRS.len())
    };
    if r.all {
        format!("{proto} {peer}")
    } else {
        format!("{proto} {} {peer}", PORTS[r.ports])
    }
}

fn nacl_text(n: u16, r: &NaclR) -> String {
    let action = if r.allow { "allow" } else { "deny" };
    if r.all {
        format!("{n} {action} all {}", CIDRS[r.cidr])
    } else {
        format!("{n} {action} tcp {} {}", PORTS[r.ports], CIDRS[r.cidr])
    }
}

/// Instance names, in order, with (subnet index, sg index, eip).
fn instances(s: &Spec) -> Vec<(String, usize, usize, bool)> {
    let mut out = Vec::new();
    for (si, sub) in s.subnets.iter().enumerate() {
        for (k, (sg, eip)) in sub.instances.iter().enumerate() {
            out.push((format!("i{si}{k}"), si, *sg, *eip));
        }
    }
    out
}

fn ip_of(si: usize, k: usize) -> Ipv4Addr {
    Ipv4Addr::new(10, 0, si as u8, 10 + k as u8)
}

fn build(s: &Spec) -> Design {
    let mut b = B::new().vpc("v", "10.0.0.0/16");
    if s.igw_attached {
        b = b.igw("igw", "v");
    } else {
        b.d.internet_gateways.push(InternetGateway {
            name: "igw".into(),
            description: None,
            vpc: None,
            edge_route_table: None,
        });
    }
    for (gi, (inb, outb)) in s.sgs.iter().enumerate() {
        let inb: Vec<String> = inb.iter().map(sg_text).collect();
        let outb: Vec<String> = match outb {
            None => vec!["all 0.0.0.0/0".into()],
            Some(r) => r.iter().map(sg_text).collect(),
        };
        let inb: Vec<&str> = inb.iter().map(String::as_str).collect();
        let outb: Vec<&str> = outb.iter().map(String::as_str).collect();
        b = b.sg(&format!("sg{gi}"), "v", &inb, &outb);
    }
    if s.subnets.iter().any(|x| x.default_route == 3) {
        b = b.regional_nat("nat-r", "v");
    }
    for (si, sub) in s.subnets.iter().enumerate() {
        let routes: Vec<(&str, &str)> = match sub.default_route {
            1 => vec![("0.0.0.0/0", "igw:igw")],
            2 => vec![("0.0.0.0/0", "nat:gone")],
            3 => vec![("0.0.0.0/0", "nat:nat-r")],
            _ => vec![],
        };
        let rt = format!("rt{si}");
        let acl = format!("acl{si}");
        let inr: Vec<String> = sub.nacl_in.iter().map(|(n, r)| nacl_text(*n, r)).collect();
        let outr: Vec<String> = sub.nacl_out.iter().map(|(n, r)| nacl_text(*n, r)).collect();
        let inr: Vec<&str> = inr.iter().map(String::as_str).collect();
        let outr: Vec<&str> = outr.iter().map(String::as_str).collect();
        b = b.rt(&rt, "v", &routes).nacl(&acl, "v", &inr, &outr).subnet(
            &format!("s{si}"),
            "v",
            AZ_A,
            &format!("10.0.{si}.0/24"),
            &rt,
            Some(&acl),
        );
        for (k, (sg, eip)) in sub.instances.iter().enumerate() {
            b = b.inst(
                &format!("i{si}{k}"),
                &format!("s{si}"),
                &ip_of(si, k).to_string(),
                &[&format!("sg{sg}")],
            );
            if *eip {
                b = b.with_eip(&format!("54.0.{si}.{}", 10 + k));
            }
        }
    }
    b.build()
}

// ---------------------------------------------------------------------------
// The oracle.

fn cidr_has(c: &str, ip: Ipv4Addr) -> bool {
    let (net, len) = c.split_once('/').unwrap();
    let net: Ipv4Addr = net.parse().unwrap();
    let len: u32 = len.parse().unwrap();
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    (u32::from(ip) & mask) == (u32::from(net) & mask)
}

fn port_in(range: &str, port: u16) -> bool {
    if range == "all" {
        return true;
    }
    match range.split_once('-') {
        Some((a, b)) => a.parse::<u16>().unwrap() <= port && port <= b.parse::<u16>().unwrap(),
        None => range.parse::<u16>().unwrap() == port,
    }
}

/// Brute force: try every rule number in order.
fn nacl_allows(rules: &[(u16, NaclR)], peer: Ipv4Addr, port: u16) -> bool {
    for n in 1..=32766u16 {
        if let Some((_, r)) = rules.iter().find(|(x, _)| *x == n) {
            let proto_ok = true; // every query is TCP; "all" and "tcp" both match it
            let port_ok = r.all || port_in(PORTS[r.ports], port);
            if proto_ok && port_ok && cidr_has(CIDRS[r.cidr], peer) {
                return r.allow;
            }
        }
    }
    false
}

/// Any rule of the group admits the peer (a group rule admits members' private IPs).
fn sg_allows(rules: &[SgR], peer: Ipv4Addr, peer_groups: &[usize], port: u16) -> bool {
    rules.iter().any(|r| {
        let port_ok = r.all || port_in(PORTS[r.ports], port);
        let peer_ok = if r.peer < CIDRS.len() {
            cidr_has(CIDRS[r.peer], peer)
        } else {
            peer_groups.contains(&(r.peer - CIDRS.len()))
        };
        port_ok && peer_ok
    })
}

fn sg_out_rules(s: &Spec, g: usize) -> Vec<SgR> {
    match &s.sgs[g].1 {
        None => vec![SgR {
            all: true,
            ports: 0,
            peer: 0,
        }],
        Some(r) => r.clone(),
    }
}

#[derive(Debug, Clone, Copy)]
enum Ep {
    Inst(usize),
    Internet(usize),
}

fn oracle(s: &Spec, from: Ep, to: Ep, port: u16) -> bool {
    let insts = instances(s);
    let eph = 40000u16;
    let info = |i: usize| {
        let (_, si, sg, eip) = &insts[i];
        let k = insts[..i].iter().filter(|x| x.1 == *si).count();
        (ip_of(*si, k), *si, *sg, *eip)
    };
    let route_to_igw = |si: usize| s.igw_attached && s.subnets[si].default_route == 1;
    let route_to_regional_nat = |si: usize| s.igw_attached && s.subnets[si].default_route == 3;
    match (from, to) {
        (Ep::Inst(a), Ep::Inst(b)) => {
            let (ia, sa, ga, _) = info(a);
            let (ib, sb, gb, _) = info(b);
            if !sg_allows(&sg_out_rules(s, ga), ib, &[gb], port) {
                return false;
            }
            if !sg_allows(&s.sgs[gb].0, ia, &[ga], port) {
                return false;
            }
            if sa == sb {
                return true;
            }
            nacl_allows(&s.subnets[sa].nacl_out, ib, port)
                && nacl_allows(&s.subnets[sb].nacl_in, ia, port)
                && nacl_allows(&s.subnets[sb].nacl_out, ia, eph)
                && nacl_allows(&s.subnets[sa].nacl_in, ib, eph)
        }
        (Ep::Inst(a), Ep::Internet(h)) => {
            let (_, sa, ga, eip) = info(a);
            let host: Ipv4Addr = INTERNET[h].parse().unwrap();
            sg_allows(&sg_out_rules(s, ga), host, &[], port)
                && nacl_allows(&s.subnets[sa].nacl_out, host, port)
                && ((route_to_igw(sa) && eip) || route_to_regional_nat(sa))
                && nacl_allows(&s.subnets[sa].nacl_in, host, eph)
        }
        (Ep::Internet(h), Ep::Inst(b)) => {
            let (_, sb, gb, eip) = info(b);
            let host: Ipv4Addr = INTERNET[h].parse().unwrap();
            eip && s.igw_attached
                && nacl_allows(&s.subnets[sb].nacl_in, host, port)
                && sg_allows(&s.subnets_sg_in(gb), host, &[], port)
                && nacl_allows(&s.subnets[sb].nacl_out, host, eph)
                && route_to_igw(sb)
        }
        (Ep::Internet(_), Ep::Internet(_)) => true,
    }
}

impl Spec {
    fn subnets_sg_in(&self, g: usize) -> Vec<SgR> {
        self.sgs[g].0.clone()
    }
}

fn ep_name(s: &Spec, e: Ep) -> String {
    match e {
        Ep::Inst(i) => instances(s)[i].0.clone(),
        Ep::Internet(h) => format!("internet:{}", INTERNET[h]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn engine_agrees_with_brute_force_oracle(
        s in spec(),
        from_pick in 0usize..8,
        to_pick in 0usize..8,
        port_pick in 0..QUERY_PORTS.len(),
    ) {
        let n = instances(&s).len();
        let pick = |p: usize| if p < n { Ep::Inst(p) } else { Ep::Internet(p % 2) };
        let (from, to) = (pick(from_pick % (n + 2)), pick(to_pick % (n + 2)));
        if let (Ep::Inst(a), Ep::Inst(b)) = (from, to) {
            prop_assume!(a != b);
        }
        prop_assume!(!matches!((from, to), (Ep::Internet(_), Ep::Internet(_))));
        let port = QUERY_PORTS[port_pick];
        let d = build(&s);
        let t = trace(&d, &ep_name(&s, from), &ep_name(&s, to), "tcp", Some(port));
        let expected = oracle(&s, from, to, port);
        prop_assert_eq!(t.reachable, expected, "{}", t.to_text());
        // The verdict-only fast path agrees with the full trace.
        let idx = DesignIndex::new(&d);
        let an = vpcd::analysis::Analyzer::new(&d, &idx);
        let (f, to_ep) = (an.endpoint(&ep_name(&s, from)).unwrap(), an.endpoint(&ep_name(&s, to)).unwrap());
        prop_assert_eq!(an.reachable(&f, &to_ep, Protocol::Tcp, Some(port)), expected);
        let _ = IpAddr::V4(Ipv4Addr::LOCALHOST);
    }
}

// ---------------------------------------------------------------------------
// Security-group references across transit gateways.
//
// Two VPCs, `a` (10.0.0.0/16) and `b` (10.1.0.0/16), both attached to two
// transit gateways with random security-group referencing flags (gateway, each
// VPC attachment); the route tables send 10.0.0.0/8 to one of them. A host of
// `a` queries a host of `b` whose groups hold random inbound rules (CIDRs, or
// groups of either VPC). The oracle is the Transit Gateways guide's rule read
// literally ("Security group referencing"): an inbound rule naming a group of
// the other VPC admits that group's members only when the gateway the packet
// crosses and both its VPC attachments enable referencing; a rule naming a group
// of the destination's own VPC admits only its members, none of which is in `a`.

const TGW_CIDRS: &[&str] = &["0.0.0.0/0", "10.0.0.0/16", "10.0.1.0/24", "10.1.0.0/16", "192.0.2.0/24"];
/// Groups: 0, 1 in `a`; 2 in `b`.
const TGW_GROUPS: [(&str, &str); 3] = [("ga0", "a"), ("ga1", "a"), ("gb", "b")];

#[derive(Debug, Clone)]
struct TgwSpec {
    /// Per gateway: (gateway flag, att-a flag, att-b flag).
    flags: [(bool, bool, bool); 2],
    /// Which gateway the route tables use.
    via: usize,
    /// The client's groups (indexes into the `a` groups 0..2), at least one.
    client_groups: Vec<usize>,
    /// Inbound rules of `gb`, the server's group: (port, peer); a peer below
    /// TGW_CIDRS.len() is a CIDR, else a group index.
    rules: Vec<(usize, usize)>,
}

fn tgw_spec() -> impl Strategy<Value = TgwSpec> {
    let flags = (
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.8),
    );
    (
        [flags, flags],
        0usize..2,
        prop::sample::subsequence(vec![0usize, 1], 1..=2),
        prop::collection::vec((0..PORTS.len(), prop_oneof![1 => 0..TGW_CIDRS.len(), 3 => Just(TGW_CIDRS.len()), 2 => TGW_CIDRS.len()..TGW_CIDRS.len() + 3]), 1..=3),
    )
        .prop_map(|(flags, via, client_groups, rules)| TgwSpec {
            flags,
            via,
            client_groups,
            rules,
        })
}

fn tgw_rule_text((port, peer): (usize, usize)) -> String {
    let peer = if peer < TGW_CIDRS.len() {
        TGW_CIDRS[peer].to_string()
    } else {
        format!("sg:{}", TGW_GROUPS[peer - TGW_CIDRS.len()].0)
    };
    format!("tcp {} {peer}", PORTS[port])
}

fn tgw_build(s: &TgwSpec) -> Design {
    let gw = ["tgw0", "tgw1"][s.via];
    let server_in: Vec<String> = s.rules.iter().map(|&r| tgw_rule_text(r)).collect();
    let server_in: Vec<&str> = server_in.iter().map(String::as_str).collect();
    let client_groups: Vec<&str> = s.client_groups.iter().map(|&g| TGW_GROUPS[g].0).collect();
    let mut d = B::new()
        .vpc("a", "10.0.0.0/16")
        .vpc("b", "10.1.0.0/16")
        .rt("rt-a", "a", &[("10.0.0.0/8", &format!("tgw:{gw}"))])
        .rt("rt-b", "b", &[("10.0.0.0/8", &format!("tgw:{gw}"))])
        .subnet("sa", "a", AZ_A, "10.0.1.0/24", "rt-a", None)
        .subnet("sb", "b", AZ_A, "10.1.1.0/24", "rt-b", None)
        .sg("ga0", "a", &[], &["all 0.0.0.0/0"])
        .sg("ga1", "a", &[], &["all 0.0.0.0/0"])
        .sg("gb", "b", &server_in, &["all 0.0.0.0/0"])
        .inst("client", "sa", "10.0.1.10", &client_groups)
        .inst("server", "sb", "10.1.1.10", &["gb"])
        .build();
    for (i, &(on, att_a, att_b)) in s.flags.iter().enumerate() {
        let att = |name: String, vpc: &str, subnet: &str, refs: bool| TgwAttachment {
            name,
            kind: TgwAttachmentKind::Vpc {
                vpc: vpc.into(),
                subnets: vec![subnet.into()],
            },
            association: None,
            propagations: Vec::new(),
            appliance_mode: false,
            sg_referencing: refs,
        };
        d.transit_gateways.push(TransitGateway {
            name: format!("tgw{i}"),
            description: None,
            asn: 64512,
            default_association: true,
            default_propagation: true,
            default_route_table: Some(format!("tgw{i}-rt")),
            sg_referencing: on,
            route_tables: vec![TgwRouteTable {
                name: format!("tgw{i}-rt"),
                routes: Vec::new(),
            }],
            attachments: vec![
                att(format!("tgw{i}-att-a"), "a", "sa", att_a),
                att(format!("tgw{i}-att-b"), "b", "sb", att_b),
            ],
        });
    }
    d
}

fn tgw_oracle(s: &TgwSpec, port: u16) -> bool {
    let client: Ipv4Addr = "10.0.1.10".parse().unwrap();
    let (on, att_a, att_b) = s.flags[s.via];
    let carried = on && att_a && att_b;
    s.rules.iter().any(|&(p, peer)| {
        port_in(PORTS[p], port)
            && if peer < TGW_CIDRS.len() {
                cidr_has(TGW_CIDRS[peer], client)
            } else {
                let g = peer - TGW_CIDRS.len();
                TGW_GROUPS[g].1 == "a" && carried && s.client_groups.contains(&g)
            }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn engine_agrees_with_oracle_on_sg_references_across_transit_gateways(
        s in tgw_spec(),
        port_pick in 0..QUERY_PORTS.len(),
    ) {
        let port = QUERY_PORTS[port_pick];
        let d = tgw_build(&s);
        let t = trace(&d, "client", "server", "tcp", Some(port));
        let expected = tgw_oracle(&s, port);
        prop_assert_eq!(t.reachable, expected, "{}", t.to_text());
        let idx = DesignIndex::new(&d);
        let an = vpcd::analysis::Analyzer::new(&d, &idx);
        let (f, to) = (an.endpoint("client").unwrap(), an.endpoint("server").unwrap());
        prop_assert_eq!(an.reachable(&f, &to, Protocol::Tcp, Some(port)), expected);
    }
}
