//! The subnet planner: a VPC's address space as used and free blocks, and the
//! exact CIDR arithmetic architects do by hand — split a block into halves,
//! quarters or N equal subnets, join adjacent blocks, size a subnet by host
//! count (AWS reserves five addresses in every subnet, IP-1/IP-2), find the
//! next free block of a size, allocate one block per AZ, and check a secondary
//! CIDR against AWS's rules (VCIDR-1..8) before adding it.
//!
//! All arithmetic is on `u64` address ranges so nothing overflows at the top
//! of the IPv4 space.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::Serialize;

use crate::model::{cidr, Design, Object, PeeringStatus, Vpc};
use crate::validate::Severity;

/// Smallest and largest subnet / VPC block AWS allows (SUB-2, VPC-1), from
/// [`crate::model::limits::hard::IPV4_BLOCK_PREFIX_LENS`].
pub const MIN_PREFIX: u8 = *crate::model::limits::hard::IPV4_BLOCK_PREFIX_LENS.start();
pub const MAX_PREFIX: u8 = *crate::model::limits::hard::IPV4_BLOCK_PREFIX_LENS.end();

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("no VPC named `{0}`")]
    UnknownVpc(String),
    #[error("the design has no VPC")]
    NoVpc,
    #[error("the design has several VPCs ({0}); choose one with --vpc")]
    AmbiguousVpc(String),
    #[error("{0}")]
    Invalid(String),
}

fn invalid(msg: impl Into<String>) -> PlanError {
    PlanError::Invalid(msg.into())
}

fn start(n: Ipv4Net) -> u64 {
    u64::from(u32::from(n.network()))
}

fn end(n: Ipv4Net) -> u64 {
    u64::from(u32::from(n.broadcast()))
}

fn make(addr: u64, prefix: u8) -> Option<Ipv4Net> {
    let a = u32::try_from(addr).ok()?;
    Ipv4Net::new(Ipv4Addr::from(a), prefix).ok()
}

fn block_size(prefix: u8) -> u64 {
    1u64 << (32 - u32::from(prefix))
}

/// The fewest CIDR blocks that exactly cover the inclusive range `[lo, hi]`
/// (each the largest aligned block that starts at the cursor and fits).
pub fn range_to_cidrs(lo: u64, hi: u64) -> Vec<Ipv4Net> {
    let mut out = Vec::new();
    let mut cur = lo;
    while cur <= hi && cur <= u64::from(u32::MAX) {
        let remaining = hi - cur + 1;
        // Largest power of two dividing `cur` (2^32 for 0) and not exceeding what remains.
        let align = if cur == 0 {
            1u64 << 32
        } else {
            1u64 << cur.trailing_zeros()
        };
        let mut size = align.min(1u64 << (63 - remaining.leading_zeros()));
        size = size.min(1u64 << 32);
        let prefix = 32 - size.trailing_zeros() as u8;
        if let Some(n) = make(cur, prefix) {
            out.push(n);
        }
        cur += size;
    }
    out
}

/// One block of a VPC's address map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    pub cidr: Ipv4Net,
    /// The subnet occupying the block; `None` = free.
    pub subnet: Option<String>,
    /// Usable addresses if this block were (or is) a subnet (size − 5), 0 for blocks larger than /16.
    pub usable: u64,
}

/// One IPv4 block of a VPC with its subnets and free space, in address order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpaceMap {
    pub cidr: Ipv4Net,
    pub blocks: Vec<Block>,
    pub used_addresses: u64,
    pub free_addresses: u64,
}

/// The address map of a VPC: one [`SpaceMap`] per IPv4 block (primary first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressMap {
    pub vpc: String,
    pub spaces: Vec<SpaceMap>,
}

fn usable_if_subnet(n: Ipv4Net) -> u64 {
    if (MIN_PREFIX..=MAX_PREFIX).contains(&n.prefix_len()) {
        cidr::usable_addresses(n)
    } else {
        0
    }
}

/// Picks the VPC: the named one, or the only one.
pub fn pick_vpc<'d>(d: &'d Design, name: Option<&str>) -> Result<&'d Vpc, PlanError> {
    match name {
        Some(n) => d
            .vpcs
            .iter()
            .find(|v| v.name == n)
            .ok_or_else(|| PlanError::UnknownVpc(n.to_string())),
        None => match d.vpcs.as_slice() {
            [] => Err(PlanError::NoVpc),
            [one] => Ok(one),
            many => Err(PlanError::AmbiguousVpc(
                many.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", "),
            )),
        },
    }
}

/// The subnets of a VPC as (name, cidr).
fn vpc_subnets<'d>(d: &'d Design, vpc: &str) -> Vec<(&'d str, Ipv4Net)> {
    d.subnets
        .iter()
        .filter(|s| s.vpc == vpc)
        .map(|s| (s.name.as_str(), s.cidr.trunc()))
        .collect()
}

/// Maps one address space: used blocks as they are, the gaps between them as
/// the fewest CIDR blocks. Used blocks that overlap each other are all listed.
pub fn map_space(space: Ipv4Net, used: &[(&str, Ipv4Net)]) -> SpaceMap {
    let space = space.trunc();
    let mut inside: Vec<(&str, Ipv4Net)> = used
        .iter()
        .filter(|(_, c)| cidr::contains(space, *c))
        .copied()
        .collect();
    inside.sort_by_key(|(n, c)| (start(*c), c.prefix_len(), n.to_string()));
    let mut blocks = Vec::new();
    let mut cursor = start(space);
    let mut used_addresses = 0u64;
    for (name, c) in &inside {
        if start(*c) > cursor {
            for f in range_to_cidrs(cursor, start(*c) - 1) {
                blocks.push(Block {
                    cidr: f,
                    subnet: None,
                    usable: usable_if_subnet(f),
                });
            }
        }
        blocks.push(Block {
            cidr: *c,
            subnet: Some(name.to_string()),
            usable: usable_if_subnet(*c),
        });
        if end(*c) + 1 > cursor {
            used_addresses += end(*c) + 1 - cursor.max(start(*c));
            cursor = end(*c) + 1;
        }
    }
    if cursor <= end(space) {
        for f in range_to_cidrs(cursor, end(space)) {
            blocks.push(Block {
                cidr: f,
                subnet: None,
                usable: usable_if_subnet(f),
            });
        }
    }
    SpaceMap {
        cidr: space,
        blocks,
        used_addresses,
        free_addresses: cidr::size(space) - used_addresses,
    }
}

/// The address map of a VPC.
pub fn address_map(d: &Design, vpc: &Vpc) -> AddressMap {
    let used = vpc_subnets(d, &vpc.name);
    AddressMap {
        vpc: vpc.name.clone(),
        spaces: vpc.ipv4_cidrs().map(|c| map_space(c, &used)).collect(),
    }
}

fn ceil_log2(n: u64) -> u32 {
    if n <= 1 {
        0
    } else {
        64 - (n - 1).leading_zeros()
    }
}

/// Splits a block into `n` equal subnets: the largest equal size that gives at
/// least `n` (the next power of two), returning the first `n`. Subnets must
/// stay /28 or larger (SUB-2).
pub fn split(block: Ipv4Net, n: u64) -> Result<Vec<Ipv4Net>, PlanError> {
    let block = block.trunc();
    if n == 0 {
        return Err(invalid("split into at least one subnet"));
    }
    let bits = ceil_log2(n);
    let prefix = u32::from(block.prefix_len()) + bits;
    if prefix > u32::from(MAX_PREFIX) {
        let most = if block.prefix_len() <= MAX_PREFIX {
            1u64 << (MAX_PREFIX - block.prefix_len())
        } else {
            0
        };
        return Err(invalid(format!(
            "{block} cannot hold {n} subnets: they would be /{prefix}, smaller than AWS's minimum /28 (SUB-2); at most {most} fit"
        )));
    }
    let prefix = prefix as u8;
    let size = block_size(prefix);
    Ok((0..n).filter_map(|i| make(start(block) + i * size, prefix)).collect())
}

pub fn halves(block: Ipv4Net) -> Result<Vec<Ipv4Net>, PlanError> {
    split(block, 2)
}

pub fn quarters(block: Ipv4Net) -> Result<Vec<Ipv4Net>, PlanError> {
    split(block, 4)
}

/// Joins blocks into one: they must not overlap and their union must be
/// exactly one CIDR block (e.g. 10.0.0.0/25 + 10.0.0.128/25 = 10.0.0.0/24).
pub fn join(blocks: &[Ipv4Net]) -> Result<Ipv4Net, PlanError> {
    let mut v: Vec<Ipv4Net> = blocks.iter().map(|b| b.trunc()).collect();
    v.sort_by_key(|b| start(*b));
    let first = *v.first().ok_or_else(|| invalid("nothing to join"))?;
    let mut cursor = start(first);
    for b in &v {
        if start(*b) < cursor {
            return Err(invalid(format!("{b} overlaps another block being joined")));
        }
        if start(*b) > cursor {
            return Err(invalid(format!(
                "the blocks are not adjacent: there is a gap before {b}"
            )));
        }
        cursor = end(*b) + 1;
    }
    match range_to_cidrs(start(first), cursor - 1).as_slice() {
        [one] => Ok(*one),
        parts => Err(invalid(format!(
            "the union is not one CIDR block: it is {} (a block must start on a multiple of its size)",
            parts.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(" + ")
        ))),
    }
}

/// Joins every run of adjacent free blocks of a map into the fewest CIDR blocks.
pub fn join_free(map: &SpaceMap) -> Vec<Ipv4Net> {
    let mut out = Vec::new();
    let mut run: Option<(u64, u64)> = None;
    for b in &map.blocks {
        match (&b.subnet, run) {
            (None, Some((lo, hi))) if start(b.cidr) == hi + 1 => run = Some((lo, end(b.cidr))),
            (None, prev) => {
                if let Some((lo, hi)) = prev {
                    out.extend(range_to_cidrs(lo, hi));
                }
                run = Some((start(b.cidr), end(b.cidr)));
            }
            (Some(_), prev) => {
                if let Some((lo, hi)) = prev {
                    out.extend(range_to_cidrs(lo, hi));
                }
                run = None;
            }
        }
    }
    if let Some((lo, hi)) = run {
        out.extend(range_to_cidrs(lo, hi));
    }
    out
}

/// The smallest subnet (largest prefix, /16–/28) with at least `hosts` usable
/// addresses, counting AWS's five reserved addresses (IP-1, IP-2: usable = 2^(32−p) − 5).
pub fn prefix_for_hosts(hosts: u64) -> Result<u8, PlanError> {
    (MIN_PREFIX..=MAX_PREFIX)
        .rev()
        .find(|p| block_size(*p) - 5 >= hosts)
        .ok_or_else(|| {
            invalid(format!(
                "{hosts} hosts do not fit in one subnet: the largest, a /16, has 65,531 usable addresses"
            ))
        })
}

/// The lowest-addressed block of `prefix` inside one of `spaces` (in order)
/// that overlaps none of `used`.
pub fn next_free(spaces: &[Ipv4Net], used: &[Ipv4Net], prefix: u8) -> Option<Ipv4Net> {
    if prefix > 32 {
        return None;
    }
    let size = block_size(prefix);
    let mut used: Vec<(u64, u64)> = used.iter().map(|u| (start(u.trunc()), end(u.trunc()))).collect();
    used.sort();
    for space in spaces {
        let space = space.trunc();
        if space.prefix_len() > prefix {
            continue;
        }
        let mut cand = start(space);
        while cand + size - 1 <= end(space) {
            let hi = cand + size - 1;
            // The furthest end of any used range overlapping [cand, hi].
            let blocking = used
                .iter()
                .filter(|(s, e)| *s <= hi && *e >= cand)
                .map(|(_, e)| *e)
                .max();
            match blocking {
                None => return make(cand, prefix),
                Some(e) => cand = (e + 1).div_ceil(size) * size,
            }
        }
    }
    None
}

/// The next free block of `prefix` in a VPC.
pub fn next_free_in_vpc(d: &Design, vpc: &Vpc, prefix: u8) -> Result<Option<Ipv4Net>, PlanError> {
    if !(MIN_PREFIX..=MAX_PREFIX).contains(&prefix) {
        return Err(invalid(format!("a subnet must be /16 to /28 (SUB-2), not /{prefix}")));
    }
    let spaces: Vec<Ipv4Net> = vpc.ipv4_cidrs().collect();
    let used: Vec<Ipv4Net> = vpc_subnets(d, &vpc.name).into_iter().map(|(_, c)| c).collect();
    Ok(next_free(&spaces, &used, prefix))
}

/// One block of `prefix` per AZ, lowest addresses first, each avoiding
/// `used` and the blocks allocated before it (first fit: equal-sized aligned
/// blocks packed from the bottom leave the largest free blocks intact).
pub fn allocate(spaces: &[Ipv4Net], used: &[Ipv4Net], prefix: u8, count: usize) -> Result<Vec<Ipv4Net>, PlanError> {
    let mut taken = used.to_vec();
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        match next_free(spaces, &taken, prefix) {
            Some(b) => {
                taken.push(b);
                out.push(b);
            }
            None => {
                return Err(invalid(format!(
                    "only {i} free /{prefix} blocks are left; {count} were asked for"
                )))
            }
        }
    }
    Ok(out)
}

/// Allocates one subnet per AZ of the design in a VPC, sized for `hosts` each.
pub fn allocate_across_azs(d: &Design, vpc: &Vpc, hosts: u64) -> Result<Vec<(String, Ipv4Net)>, PlanError> {
    let prefix = prefix_for_hosts(hosts)?;
    let spaces: Vec<Ipv4Net> = vpc.ipv4_cidrs().collect();
    let used: Vec<Ipv4Net> = vpc_subnets(d, &vpc.name).into_iter().map(|(_, c)| c).collect();
    let blocks = allocate(&spaces, &used, prefix, d.azs.len())?;
    Ok(d.azs.iter().cloned().zip(blocks).collect())
}

/// How bad a planner finding is (the validator's severities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// AWS refuses it.
    Error,
    /// Legal but it will hurt (overlaps, quotas).
    Warning,
    Info,
}

/// A planner finding: the validation rule code (see `vpcd check`) and its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub level: Level,
    pub rule: &'static str,
    pub message: String,
    pub hint: String,
    /// The error code AWS answers when it refuses the block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_code: Option<&'static str>,
}

/// Checks adding `new` as a secondary IPv4 block of `vpc`. The rules are the
/// validator's (one source of truth, same codes and wording as `vpcd check`):
/// the block is added to a copy of the design and every diagnostic it
/// introduces is reported — size (VCIDR-1), overlap (VCIDR-2), the restriction
/// table (VCIDR-3), quotas (VCIDR-4), route destinations (VCIDR-5), peers
/// (VCIDR-7), on-prem and TGW overlaps (L-08, TGW-5). The one rule that is about
/// the action rather than the resulting state, VCIDR-6 (a requester with a
/// pending peering cannot add blocks), is checked here.
pub fn check_secondary_cidr(d: &Design, vpc: &Vpc, new: Ipv4Net) -> Vec<Finding> {
    let key = |x: &crate::validate::Diagnostic| (x.code, x.path.clone(), x.message.clone());
    let before: std::collections::HashSet<_> = crate::validate::validate(d).iter().map(key).collect();
    let mut after_design = d.clone();
    if let Some(v) = after_design.vpcs.iter_mut().find(|v| v.name == vpc.name) {
        v.secondary_cidrs.push(new);
    }
    let mut out: Vec<Finding> = crate::validate::validate(&after_design)
        .into_iter()
        .filter(|x| !before.contains(&key(x)))
        .map(|x| Finding {
            level: match x.severity {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warning,
                Severity::Info => Level::Info,
            },
            rule: x.code,
            message: x.message,
            hint: x.hint,
            aws_code: x.aws_code,
        })
        .collect();
    for pcx in &d.peerings {
        if pcx.status == PeeringStatus::PendingAcceptance && pcx.requester == vpc.name {
            out.push(Finding {
                level: Level::Error,
                rule: "vpc-cidr-pending-peering",
                aws_code: crate::validate::rule("vpc-cidr-pending-peering").and_then(|r| r.aws_code),
                message: format!(
                    "{} requested peering {}, which is pending acceptance; a requester cannot add CIDR blocks until it is accepted or deleted",
                    vpc.name, pcx.name
                ),
                hint: format!("accept or delete {} first", pcx.name),
            });
        }
    }
    // VPCs behind one Direct Connect gateway must not overlap (VCIDR-8).
    for o in external_overlaps_of(d, vpc, &[new.trunc()]) {
        if o.rule == "dx-gateway-overlap" {
            out.push(Finding {
                level: Level::Warning,
                rule: "dx-gateway-overlap",
                aws_code: None,
                message: o.message(),
                hint: "VPCs behind one Direct Connect gateway need distinct address space".into(),
            });
        }
    }
    out.sort_by_key(|f| f.level != Level::Error);
    out
}

/// The edit that adds the secondary block, or the findings that refuse it.
pub fn add_secondary_cidr(d: &Design, vpc: &Vpc, new: Ipv4Net) -> Result<crate::edit::Edit, Vec<Finding>> {
    let findings = check_secondary_cidr(d, vpc, new);
    if findings.iter().any(|f| f.level == Level::Error) {
        return Err(findings);
    }
    let mut v = vpc.clone();
    v.secondary_cidrs.push(new.trunc());
    Ok(crate::edit::Edit::Put(Object::Vpc(v)))
}

/// A VPC block that overlaps a range the VPC may have to reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overlap {
    pub rule: &'static str,
    pub vpc_cidr: Ipv4Net,
    /// What it overlaps: "on-premises network office", "peered VPC b (pcx-1)", …
    pub with: String,
    pub other_cidr: Ipv4Net,
}

impl Overlap {
    pub fn message(&self) -> String {
        format!("{} overlaps {} of {}", self.vpc_cidr, self.other_cidr, self.with)
    }
}

/// Overlaps of a VPC's blocks with declared on-prem ranges (`onprem-overlap`, L-08), peered VPCs
/// (PCX-1), VPCs on the same transit gateway (TGW-5) or DX gateway (VCIDR-8).
pub fn external_overlaps(d: &Design, vpc: &Vpc) -> Vec<Overlap> {
    let blocks: Vec<Ipv4Net> = vpc.ipv4_cidrs().collect();
    external_overlaps_of(d, vpc, &blocks)
}

fn external_overlaps_of(d: &Design, vpc: &Vpc, blocks: &[Ipv4Net]) -> Vec<Overlap> {
    let mut others: Vec<(&'static str, String, Ipv4Net)> = Vec::new();
    for n in &d.onprem_networks {
        for c in &n.cidrs {
            others.push(("onprem-overlap", format!("on-premises network {}", n.name), *c));
        }
    }
    let vpc_blocks = |name: &str| -> Vec<Ipv4Net> {
        d.vpcs
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.ipv4_cidrs().collect())
            .unwrap_or_default()
    };
    for pcx in &d.peerings {
        if let Some(peer) = pcx.other_side(&vpc.name) {
            for c in vpc_blocks(peer) {
                others.push(("peering-overlap", format!("peered VPC {peer} ({})", pcx.name), c));
            }
        }
    }
    for tgw in &d.transit_gateways {
        let attached = tgw.attached_vpcs();
        if attached.contains(&vpc.name.as_str()) {
            for other in attached.iter().filter(|v| **v != vpc.name) {
                for c in vpc_blocks(other) {
                    others.push((
                        "tgw-overlapping-vpcs",
                        format!("VPC {other} on transit gateway {}", tgw.name),
                        c,
                    ));
                }
            }
        }
    }
    for dxgw in &d.dx_gateways {
        let vpcs: Vec<&str> = dxgw
            .vpn_gateways
            .iter()
            .filter_map(|g| d.vpn_gateways.iter().find(|v| &v.name == g))
            .filter_map(|g| g.vpc.as_deref())
            .collect();
        if vpcs.contains(&vpc.name.as_str()) {
            for other in vpcs.iter().filter(|v| **v != vpc.name) {
                for c in vpc_blocks(other) {
                    others.push((
                        "dx-gateway-overlap",
                        format!("VPC {other} behind DX gateway {}", dxgw.name),
                        c,
                    ));
                }
            }
        }
    }
    let mut out = Vec::new();
    for b in blocks {
        for (rule, with, c) in &others {
            if cidr::overlaps(*b, *c) {
                out.push(Overlap {
                    rule,
                    vpc_cidr: *b,
                    with: with.clone(),
                    other_cidr: *c,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn hosts_sizing_counts_the_five_reserved_addresses() {
        // A /28 has 16 − 5 = 11 usable addresses; 12 hosts need a /27 (27 usable).
        assert_eq!(prefix_for_hosts(11).unwrap(), 28);
        assert_eq!(prefix_for_hosts(12).unwrap(), 27);
        assert_eq!(prefix_for_hosts(251).unwrap(), 24);
        assert_eq!(prefix_for_hosts(252).unwrap(), 23);
        assert_eq!(prefix_for_hosts(0).unwrap(), 28);
        assert_eq!(prefix_for_hosts(65_531).unwrap(), 16);
        assert!(prefix_for_hosts(65_532).is_err());
    }

    #[test]
    fn split_and_join_are_inverse() {
        let parts = quarters(n("10.0.0.0/22")).unwrap();
        assert_eq!(
            parts,
            vec![n("10.0.0.0/24"), n("10.0.1.0/24"), n("10.0.2.0/24"), n("10.0.3.0/24")]
        );
        assert_eq!(join(&parts).unwrap(), n("10.0.0.0/22"));
        assert_eq!(split(n("10.0.0.0/24"), 3).unwrap().len(), 3);
        assert!(split(n("10.0.0.0/27"), 4).is_err());
        assert!(
            join(&[n("10.0.1.0/24"), n("10.0.2.0/24")]).is_err(),
            "not aligned as one /23"
        );
        assert!(join(&[n("10.0.0.0/24"), n("10.0.2.0/24")]).is_err(), "gap");
    }

    #[test]
    fn range_to_cidrs_covers_the_top_of_the_space() {
        assert_eq!(range_to_cidrs(0, u64::from(u32::MAX)), vec![n("0.0.0.0/0")]);
        assert_eq!(
            range_to_cidrs(start(n("10.0.1.0/24")), end(n("10.0.2.0/24"))),
            vec![n("10.0.1.0/24"), n("10.0.2.0/24")]
        );
    }
}
