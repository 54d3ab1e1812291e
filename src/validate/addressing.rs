//! Addressing: VPC and subnet CIDR blocks (VPC-*, VCIDR-*, SUB-*), host bits
//! (CIDR-2), reserved, fixed and exhausted addresses (IP-*), overlaps with
//! declared on-premises ranges (L-08).

use super::context::HashMap;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};

use crate::model::index::Eni;
use crate::model::limits::hard;
use crate::model::*;

use super::context::{oref, sub_path, ValidationPass};
use super::findings::Keyed;

/// Ranges no VPC block may use (VPC-3, VPC-4): link-local, loopback, multicast, "this network", reserved.
const UNUSABLE_RANGES: &[(&str, &str)] = &[
    ("169.254.0.0/16", "link-local"),
    ("127.0.0.0/8", "loopback"),
    ("224.0.0.0/4", "multicast"),
    ("0.0.0.0/8", "\"this network\""),
    ("240.0.0.0/4", "reserved"),
];

/// Which part of the address space a VPC block is in, for the VCIDR-3 restriction table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AddressClass {
    Rfc1918Ten,
    Rfc1918OneSevenTwo,
    Rfc1918OneNineTwo,
    Benchmark198,
    PublicOrShared,
}

/// The VPC User Guide's secondary-CIDR restriction table (2023 snapshot, VCIDR-3),
/// as data: a VPC that already has a block of the class may NOT add a block
/// overlapping these ranges. Re-verify against current AWS docs before relying on
/// it (aws-cdk#36111 argues AWS allows more mixing).
const RESTRICTIONS: &[(AddressClass, &[&str])] = &[
    (
        AddressClass::Rfc1918Ten,
        &["172.16.0.0/12", "192.168.0.0/16", "198.19.0.0/16"],
    ),
    (
        AddressClass::Rfc1918OneSevenTwo,
        &["10.0.0.0/8", "192.168.0.0/16", "172.31.0.0/16", "198.19.0.0/16"],
    ),
    (
        AddressClass::Rfc1918OneNineTwo,
        &["10.0.0.0/8", "172.16.0.0/12", "198.19.0.0/16"],
    ),
    (
        AddressClass::Benchmark198,
        &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
    ),
    (
        AddressClass::PublicOrShared,
        &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "198.19.0.0/16"],
    ),
];

fn net(s: &str) -> Option<Ipv4Net> {
    s.parse().ok()
}

fn class_of(block: Ipv4Net) -> AddressClass {
    let within = |s: &str| net(s).is_some_and(|n| cidr::contains(n, block.trunc()));
    if within("10.0.0.0/8") {
        AddressClass::Rfc1918Ten
    } else if within("172.16.0.0/12") {
        AddressClass::Rfc1918OneSevenTwo
    } else if within("192.168.0.0/16") {
        AddressClass::Rfc1918OneNineTwo
    } else if within("198.19.0.0/16") {
        AddressClass::Benchmark198
    } else {
        AddressClass::PublicOrShared
    }
}

/// The restricted range a new secondary block hits, given the VPC's existing blocks.
fn restricted_by(existing: &[Ipv4Net], new: Ipv4Net) -> Option<(Ipv4Net, &'static str)> {
    for e in existing {
        let class = class_of(*e);
        for (c, forbidden) in RESTRICTIONS {
            if *c != class {
                continue;
            }
            for f in forbidden.iter() {
                if let Some(f_net) = net(f) {
                    if cidr::overlaps(f_net, new.trunc()) {
                        return Some((*e, f));
                    }
                }
            }
        }
    }
    None
}

fn host_bits(cx: &ValidationPass<'_>, object: &ObjectRef, what: &str, c: IpNet) {
    if cidr::has_host_bits(c) {
        cx.emit(
            "host-bits-set",
            object,
            sub_path(object, what),
            format!("{c} has host bits set; AWS stores it as {}", c.trunc()),
            format!("did you mean {}?", c.trunc()),
        );
    }
}

pub(super) fn vpc_blocks(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for vpc in &d.vpcs {
        let r = oref(ObjectKind::Vpc, &vpc.name);
        let blocks: Vec<Ipv4Net> = vpc.ipv4_cidrs().collect();
        for (i, block) in blocks.iter().copied().enumerate() {
            let what = if i == 0 {
                "primary CIDR".to_string()
            } else {
                format!("secondary CIDR {block}")
            };
            let plen = block.prefix_len();
            if !hard::IPV4_BLOCK_PREFIX_LENS.contains(&plen) {
                cx.emit(
                    "vpc-cidr-size",
                    &r,
                    sub_path(&r, &what),
                    format!("{block} is a /{plen}; AWS allows VPC blocks from /16 to /28"),
                    "use a prefix length between /16 (65,536 addresses) and /28 (16)".into(),
                );
            }
            host_bits(cx, &r, &what, IpNet::V4(block));
            for (range, label) in UNUSABLE_RANGES {
                if let Some(n) = net(range) {
                    if cidr::overlaps(n, block.trunc()) {
                        cx.emit(
                            "vpc-cidr-unusable-range",
                            &r,
                            sub_path(&r, &what),
                            format!("{block} is in the {label} range {range}, which no VPC can use"),
                            "use RFC 1918 space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) or 100.64.0.0/10".into(),
                        );
                    }
                }
            }
            let ip = block.network();
            if !cidr::is_rfc1918(ip)
                && !cidr::is_rfc6598(ip)
                && !UNUSABLE_RANGES
                    .iter()
                    .any(|(s, _)| net(s).is_some_and(|n| n.contains(&ip)))
            {
                cx.emit(
                    "vpc-cidr-public-range",
                    &r,
                    sub_path(&r, &what),
                    format!("{block} is publicly routable space used privately; those internet addresses become unreachable from the VPC"),
                    "prefer RFC 1918 space unless you own this range".into(),
                );
            }
            if net("172.17.0.0/16").is_some_and(|n| cidr::overlaps(n, block.trunc())) {
                cx.emit(
                    "vpc-cidr-docker-range",
                    &r,
                    sub_path(&r, &what),
                    format!(
                        "{block} overlaps 172.17.0.0/16, the default Docker bridge (also used by Cloud9 and SageMaker)"
                    ),
                    "pick another range, e.g. 10.x.0.0/16".into(),
                );
            }
            if i == 0 {
                continue;
            }
            // VCIDR-2: a secondary block must not overlap any block already associated.
            if let Some(other) = blocks[..i].iter().find(|o| cidr::overlaps(o.trunc(), block.trunc())) {
                cx.emit(
                    "vpc-cidr-overlap",
                    &r,
                    sub_path(&r, &what),
                    format!("{block} overlaps the VPC's block {other}"),
                    "add a block that overlaps none of the VPC's blocks".into(),
                );
            }
            if let Some((existing, forbidden)) = restricted_by(&blocks[..i], block) {
                cx.emit(
                    "vpc-cidr-restricted",
                    &r,
                    sub_path(&r, &what),
                    format!("{block} is restricted: a VPC with {existing} cannot add a block in {forbidden}"),
                    "use a block from the same private range as the VPC's CIDR, a public range or 100.64.0.0/10".into(),
                );
            }
            // VCIDR-5: not the same as or larger than a route destination of the VPC's tables.
            let tables = cx.rts_by_vpc().get(vpc.name.as_str()).cloned().unwrap_or_default();
            for rt in tables {
                for route in &rt.routes {
                    let Some(IpNet::V4(dest)) = route.dest.cidr() else {
                        continue;
                    };
                    let middlebox = matches!(
                        route.target,
                        RouteTarget::Local
                            | RouteTarget::NatGateway(_)
                            | RouteTarget::Instance(_)
                            | RouteTarget::NetworkInterface(_)
                            | RouteTarget::FirewallEndpoint(..)
                    );
                    if !middlebox && cidr::contains(block.trunc(), dest.trunc()) {
                        cx.emit(
                            "vpc-cidr-covers-route",
                            &r,
                            sub_path(&r, &what),
                            format!(
                                "{block} equals or contains the destination of route {dest} → {} in {}",
                                route.target, rt.name
                            ),
                            "choose a block smaller than and not containing existing route destinations, or remove the route first".into(),
                        );
                    }
                }
            }
        }
        if let Some(v6) = vpc.ipv6_cidr {
            if v6.prefix_len() != 56 {
                cx.emit(
                    "vpc-ipv6-size",
                    &r,
                    sub_path(&r, "IPv6 CIDR"),
                    format!("{v6} is a /{}; an Amazon-provided IPv6 block is a /56", v6.prefix_len()),
                    "use a /56".into(),
                );
            }
            host_bits(cx, &r, "IPv6 CIDR", IpNet::V6(v6));
        }
    }
}

pub(super) fn subnet_blocks(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for s in &d.subnets {
        let r = oref(ObjectKind::Subnet, &s.name);
        let plen = s.cidr.prefix_len();
        if !hard::IPV4_BLOCK_PREFIX_LENS.contains(&plen) {
            cx.on(
                "subnet-size",
                &r,
                format!("{} is a /{plen}; AWS allows subnets from /16 to /28", s.cidr),
                "use a prefix length between /16 (65,531 usable addresses) and /28 (11 usable)",
            );
        }
        host_bits(cx, &r, "CIDR", IpNet::V4(s.cidr));
        let Some(vpc) = cx.idx.vpc(d, &s.vpc) else { continue };
        // SUB-1: inside exactly one VPC block (a block spanning two adjacent VPC blocks is invalid).
        if !vpc.ipv4_cidrs().any(|c| cidr::contains(c.trunc(), s.cidr.trunc())) {
            let blocks: Vec<String> = vpc.ipv4_cidrs().map(|c| c.to_string()).collect();
            cx.on(
                "subnet-outside-vpc",
                &r,
                format!(
                    "{} is not inside {}'s CIDR blocks ({})",
                    s.cidr,
                    vpc.name,
                    blocks.join(", ")
                ),
                format!("choose a block inside {}", blocks.join(" or ")),
            );
        }
        if let Some(v6) = s.ipv6_cidr {
            if v6.prefix_len() != 64 {
                cx.emit(
                    "subnet-ipv6-size",
                    &r,
                    sub_path(&r, "IPv6 CIDR"),
                    format!("{v6} is a /{}; subnet IPv6 blocks are /64", v6.prefix_len()),
                    "use a /64 inside the VPC's /56".into(),
                );
            }
            match vpc.ipv6_cidr {
                None => cx.emit(
                    "subnet-ipv6-outside-vpc",
                    &r,
                    sub_path(&r, "IPv6 CIDR"),
                    format!("{} has no IPv6 block, so the subnet cannot have {v6}", vpc.name),
                    "associate a /56 IPv6 block with the VPC first".into(),
                ),
                Some(vb) if !cidr::contains_v6(vb.trunc(), v6.trunc()) => cx.emit(
                    "subnet-ipv6-outside-vpc",
                    &r,
                    sub_path(&r, "IPv6 CIDR"),
                    format!("{v6} is not inside {}'s IPv6 block {vb}", vpc.name),
                    format!("choose a /64 inside {vb}"),
                ),
                Some(_) => {}
            }
        }
    }
}

/// Overlap inside one VPC (SUB-3, SUB-6). Sorted by start address, a block
/// overlaps a later one iff it contains the later one's start, so this is
/// O(n log n) plus the overlaps found.
pub(super) fn subnet_overlaps(cx: &ValidationPass<'_>) {
    let groups: Vec<Vec<&Subnet>> = cx.subnets_by_vpc().values().cloned().collect();
    for subnets in groups {
        let mut v4: Vec<(IpNet, &Subnet)> = subnets.iter().map(|s| (IpNet::V4(s.cidr.trunc()), *s)).collect();
        let mut v6: Vec<(IpNet, &Subnet)> = subnets
            .iter()
            .filter_map(|s| s.ipv6_cidr.map(|c| (IpNet::V6(c.trunc()), *s)))
            .collect();
        for (list, code, what) in [
            (&mut v4, "subnet-overlap", "CIDR"),
            (&mut v6, "subnet-ipv6-overlap", "IPv6 CIDR"),
        ] {
            list.sort_by_key(|(c, s)| (c.network(), c.prefix_len(), s.name.clone()));
            for (i, (a, sa)) in list.iter().enumerate() {
                for (b, sb) in &list[i + 1..] {
                    if !a.contains(&b.network()) {
                        break;
                    }
                    // Reported on both subnets, each naming the other, so
                    // a refused new subnet names the existing one it hits
                    // (AWS: InvalidSubnet.Conflict on the new subnet).
                    for (own, mine, other, theirs) in [(sb, b, sa, a), (sa, a, sb, b)] {
                        let r = oref(ObjectKind::Subnet, &own.name);
                        cx.emit(
                            code,
                            &r,
                            sub_path(&r, what),
                            format!("{mine} overlaps subnet {} ({theirs})", other.name),
                            "subnets of one VPC must not overlap; pick a free block (the planner lists them)".into(),
                        );
                    }
                }
            }
        }
    }
}

fn eni_path(e: &Eni) -> String {
    match &e.owner {
        index::EniOwner::SecondaryInterface(i, n) => format!("instance {i} › interface {n}"),
        other => other.object().to_string(),
    }
}

/// IP-1..4 for every interface, filed by the VPC of its subnet: an address
/// is unique per VPC (`ip-in-use` names the first holder within the VPC), so
/// a VPC's findings depend on its own interfaces alone.
pub(super) fn fixed_addresses(cx: &ValidationPass<'_>, out: &mut Keyed) {
    let mut holders = HashMap::default();
    for e in &cx.idx.enis {
        interface_address(cx, e, &mut holders, out);
    }
}

/// The VPCs an instance's interfaces are in, with their findings re-derived.
pub(super) fn fixed_addresses_around(cx: &ValidationPass<'_>, i: &Instance, _: bool, out: &mut Keyed) -> Vec<String> {
    let (d, idx) = (cx.d, cx.idx);
    let vpcs: BTreeSet<&str> = instance_subnets(i)
        .filter_map(|s| idx.subnet(d, s))
        .map(|s| s.vpc.as_str())
        .collect();
    for vpc in &vpcs {
        // The VPC's interfaces in interface order: those of every subnet
        // name whose first subnet (the one the index resolves) is in it.
        let mut names: Vec<&str> = d
            .subnets
            .iter()
            .filter(|s| s.vpc == *vpc)
            .map(|s| s.name.as_str())
            .filter(|n| idx.subnet(d, n).is_some_and(|s| s.vpc == *vpc))
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut enis: Vec<&Eni> = names.iter().flat_map(|n| idx.enis_in_subnet(n)).collect();
        // They all live in one vector: address order is interface order.
        enis.sort_by_key(|e| std::ptr::from_ref::<Eni>(e) as usize);
        let mut holders = HashMap::default();
        for e in enis {
            interface_address(cx, e, &mut holders, out);
        }
    }
    vpcs.into_iter().map(str::to_string).collect()
}

/// The subnets an instance's interfaces name (primary first).
fn instance_subnets(i: &Instance) -> impl Iterator<Item = &str> {
    std::iter::once(i.subnet.as_str()).chain(i.secondary_interfaces.iter().map(|e| e.subnet.as_str()))
}

fn interface_address<'a>(
    cx: &ValidationPass<'a>,
    e: &'a Eni,
    holders: &mut HashMap<(&'a str, Ipv4Addr), &'a Eni>,
    out: &mut Keyed,
) {
    let (d, idx) = (cx.d, cx.idx);
    let Some(subnet) = idx.subnet(d, &e.subnet) else {
        return;
    };
    cx.keyed(
        out,
        || subnet.vpc.clone(),
        |cx| {
            if e.fixed {
                if !subnet.cidr.trunc().contains(&e.private_ip) {
                    cx.emit(
                        "ip-outside-subnet",
                        &e.owner.object(),
                        eni_path(e),
                        format!(
                            "{} does not fall within subnet {} ({})",
                            e.private_ip, subnet.name, subnet.cidr
                        ),
                        format!("pick an address inside {} or leave it to be assigned", subnet.cidr),
                    );
                } else if cidr::is_reserved(subnet.cidr.trunc(), e.private_ip) {
                    let first = cidr::nth_usable(subnet.cidr.trunc(), 0);
                    cx.emit(
                        "ip-reserved",
                        &e.owner.object(),
                        eni_path(e),
                        format!(
                            "{} is in subnet {}'s reserved range (AWS keeps the first four addresses and the last)",
                            e.private_ip, subnet.name
                        ),
                        match first {
                            Some(f) => format!("use {f} or a later address below {}", subnet.cidr.trunc().broadcast()),
                            None => "the subnet has no usable address".into(),
                        },
                    );
                }
            }
            if e.private_ip.is_unspecified() {
                return;
            }
            // IP-4: one address per VPC (overlapping VPCs may reuse it).
            match holders.entry((subnet.vpc.as_str(), e.private_ip)) {
                std::collections::hash_map::Entry::Occupied(first) => cx.emit(
                    "ip-in-use",
                    &e.owner.object(),
                    eni_path(e),
                    format!("{} is already used by {}", e.private_ip, eni_path(first.get())),
                    "pick a free address, or leave it to be assigned".into(),
                ),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(e);
                }
            }
        },
    );
}

/// An instance's IPv6 address inside its subnet's block, outside the reserved addresses.
pub(super) fn instance_ipv6(cx: &ValidationPass<'_>) {
    let (d, idx) = (cx.d, cx.idx);
    for i in &d.instances {
        let Some(v6) = i.ipv6 else { continue };
        let Some(subnet) = idx.subnet(d, &i.subnet) else {
            continue;
        };
        let r = oref(ObjectKind::Instance, &i.name);
        match subnet.ipv6_cidr {
            Some(block) if block.trunc().contains(&v6) => {
                if cidr::is_reserved_v6(block.trunc(), v6) {
                    cx.emit(
                        "ip-reserved",
                        &r,
                        sub_path(&r, "IPv6"),
                        format!("{v6} is one of the five reserved addresses of {block}"),
                        "use an address after the first four of the /64".into(),
                    );
                }
            }
            _ => cx.emit(
                "ip-outside-subnet",
                &r,
                sub_path(&r, "IPv6"),
                format!(
                    "{v6} is not inside subnet {}'s IPv6 block{}",
                    subnet.name,
                    subnet
                        .ipv6_cidr
                        .map(|b| format!(" {b}"))
                        .unwrap_or_else(|| " (it has none)".into())
                ),
                "give the subnet a /64 and pick an address inside it".into(),
            ),
        }
    }
}

/// IP-5 and address pressure, filed by subnet name: a subnet's findings
/// depend on the interfaces in it alone.
pub(super) fn capacity(cx: &ValidationPass<'_>, out: &mut Keyed) {
    for name in &cx.idx.exhausted_subnets {
        exhausted(cx, name, out);
    }
    for s in &cx.d.subnets {
        pressure(cx, s, out);
    }
}

/// The subnets an instance's interfaces are in, with their findings re-derived.
pub(super) fn capacity_around(cx: &ValidationPass<'_>, i: &Instance, _: bool, out: &mut Keyed) -> Vec<String> {
    let names: BTreeSet<&str> = instance_subnets(i).collect();
    for name in &names {
        if cx.idx.exhausted_subnets.iter().any(|x| x == name) {
            exhausted(cx, name, out);
        }
        for s in cx.d.subnets.iter().filter(|s| s.name == *name) {
            pressure(cx, s, out);
        }
    }
    names.into_iter().map(str::to_string).collect()
}

fn exhausted(cx: &ValidationPass<'_>, name: &str, out: &mut Keyed) {
    let Some(s) = cx.idx.subnet(cx.d, name) else { return };
    let n = cx.idx.enis_in_subnet(name).count();
    cx.keyed(
        out,
        || name.to_string(),
        |cx| {
            cx.on(
                "subnet-exhausted",
                &oref(ObjectKind::Subnet, name),
                format!(
                    "{n} network interfaces need addresses but {} ({}) has {} usable",
                    s.name,
                    s.cidr,
                    cidr::usable_addresses(s.cidr.trunc())
                ),
                "use a larger subnet (a /24 has 251 usable addresses) or place some interfaces elsewhere",
            );
        },
    );
}

fn pressure(cx: &ValidationPass<'_>, s: &Subnet, out: &mut Keyed) {
    let usable = cidr::usable_addresses(s.cidr.trunc());
    if usable == 0 {
        return;
    }
    let used = cx.idx.enis_in_subnet(&s.name).count() as u64;
    if used <= usable && used * 10 > usable * 8 {
        cx.keyed(
            out,
            || s.name.clone(),
            |cx| {
                cx.on(
                    "subnet-address-pressure",
                    &oref(ObjectKind::Subnet, &s.name),
                    format!("{used} of {usable} usable addresses are used"),
                    "leave room to grow: use a larger subnet for this tier",
                );
            },
        );
    }
}

pub(super) fn onprem_overlap(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for vpc in &d.vpcs {
        for block in vpc.ipv4_cidrs() {
            for n in &d.onprem_networks {
                if let Some(c) = n.cidrs.iter().find(|c| cidr::overlaps(c.trunc(), block.trunc())) {
                    let r = oref(ObjectKind::Vpc, &vpc.name);
                    cx.on(
                        "onprem-overlap",
                        &r,
                        format!("{block} overlaps on-premises network {} ({c})", n.name),
                        "give the VPC a range that is not used on premises, or hybrid routing will be ambiguous",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn restriction_table_follows_the_vpc_user_guide() {
        assert!(restricted_by(&[n("10.0.0.0/16")], n("192.168.0.0/24")).is_some());
        assert!(restricted_by(&[n("10.0.0.0/16")], n("10.1.0.0/16")).is_none());
        assert!(restricted_by(&[n("10.0.0.0/16")], n("100.64.0.0/16")).is_none());
        assert!(restricted_by(&[n("172.16.0.0/16")], n("172.31.0.0/16")).is_some());
        assert!(restricted_by(&[n("172.16.0.0/16")], n("172.20.0.0/16")).is_none());
        assert!(restricted_by(&[n("100.64.0.0/16")], n("10.0.0.0/16")).is_some());
        assert!(restricted_by(&[n("52.0.0.0/16")], n("100.64.0.0/16")).is_none());
        assert!(restricted_by(&[n("198.19.0.0/16")], n("10.0.0.0/16")).is_some());
    }
}
