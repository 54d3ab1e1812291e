//! Planner operations checked against brute force over address spaces /16–/28.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use proptest::prelude::*;
use vpcd::create::planner::{self, Level};

fn net(addr: u32, prefix: u8) -> Ipv4Net {
    Ipv4Net::new(Ipv4Addr::from(addr), prefix).unwrap().trunc()
}

fn lo(n: Ipv4Net) -> u64 {
    u64::from(u32::from(n.network()))
}
fn hi(n: Ipv4Net) -> u64 {
    u64::from(u32::from(n.broadcast()))
}

/// A VPC-sized space (/16–/28) somewhere in 10.0.0.0/8 and random subnets inside it.
fn space_and_subnets() -> impl Strategy<Value = (Ipv4Net, Vec<Ipv4Net>)> {
    (16u8..=28, any::<u32>()).prop_flat_map(|(p, seed)| {
        let space = net(0x0A00_0000 | (seed & 0x00FF_FFFF), p);
        let subnet = (p..=28u8, any::<u32>()).prop_map(move |(sp, off)| {
            let span = 1u64 << (32 - u32::from(p));
            net((lo(space) + u64::from(off) % span) as u32, sp)
        });
        (Just(space), prop::collection::vec(subnet, 0..6))
    })
}

/// Subnets that do not overlap each other (drop later ones that do), as a VPC would hold.
fn disjoint(subnets: &[Ipv4Net]) -> Vec<Ipv4Net> {
    let mut out: Vec<Ipv4Net> = Vec::new();
    for s in subnets {
        if !out.iter().any(|o| vpcd::model::cidr::overlaps(*o, *s)) {
            out.push(*s);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The map tiles the space exactly: blocks in order, no gaps or overlaps,
    /// free blocks hold no used address, counts equal brute force.
    #[test]
    fn address_map_tiles_the_space((space, subnets) in space_and_subnets()) {
        let subnets = disjoint(&subnets);
        let named: Vec<(String, Ipv4Net)> = subnets.iter().enumerate().map(|(i, s)| (format!("s{i}"), *s)).collect();
        let refs: Vec<(&str, Ipv4Net)> = named.iter().map(|(n, c)| (n.as_str(), *c)).collect();
        let map = planner::map_space(space, &refs);
        let mut cursor = lo(space);
        for b in &map.blocks {
            prop_assert_eq!(lo(b.cidr), cursor);
            cursor = hi(b.cidr) + 1;
            if b.subnet.is_none() {
                prop_assert!(!subnets.iter().any(|s| vpcd::model::cidr::overlaps(*s, b.cidr)));
            }
        }
        prop_assert_eq!(cursor, hi(space) + 1);
        let brute_used = (lo(space)..=hi(space))
            .filter(|a| subnets.iter().any(|s| (lo(*s)..=hi(*s)).contains(a)))
            .count() as u64;
        prop_assert_eq!(map.used_addresses, brute_used);
        prop_assert_eq!(map.free_addresses, hi(space) - lo(space) + 1 - brute_used);
        // Joining free runs keeps exactly the free addresses.
        let joined: u64 = planner::join_free(&map).iter().map(|b| hi(*b) - lo(*b) + 1).sum();
        prop_assert_eq!(joined, map.free_addresses);
    }

    /// next_free returns the lowest aligned block of the size that overlaps no subnet.
    #[test]
    fn next_free_matches_brute_force((space, subnets) in space_and_subnets(), extra in 0u8..=12) {
        let prefix = (space.prefix_len() + extra).min(28);
        let brute = space
            .subnets(prefix)
            .unwrap()
            .find(|c| !subnets.iter().any(|s| vpcd::model::cidr::overlaps(*s, *c)));
        prop_assert_eq!(planner::next_free(&[space], &subnets, prefix), brute);
    }

    /// Allocating N blocks equals taking next_free N times, and the blocks are disjoint.
    #[test]
    fn allocation_is_first_fit_and_disjoint((space, subnets) in space_and_subnets(), extra in 1u8..=4, count in 1usize..=4) {
        let prefix = (space.prefix_len() + extra).min(28);
        match planner::allocate(&[space], &subnets, prefix, count) {
            Ok(blocks) => {
                prop_assert_eq!(blocks.len(), count);
                let mut used = subnets.clone();
                for b in &blocks {
                    prop_assert_eq!(Some(*b), planner::next_free(&[space], &used, prefix));
                    prop_assert!(!used.iter().any(|u| vpcd::model::cidr::overlaps(*u, *b)));
                    used.push(*b);
                }
            }
            Err(_) => {
                let free = space
                    .subnets(prefix)
                    .unwrap()
                    .filter(|c| !subnets.iter().any(|s| vpcd::model::cidr::overlaps(*s, *c)))
                    .count();
                prop_assert!(free < count);
            }
        }
    }

    /// Splitting gives n equal, aligned, disjoint blocks inside the original; a power-of-two split joins back.
    #[test]
    fn split_then_join_round_trips(p in 16u8..=28, seed in any::<u32>(), n in 1u64..=20) {
        let block = net(seed, p);
        match planner::split(block, n) {
            Ok(parts) => {
                prop_assert_eq!(parts.len() as u64, n);
                let len = parts[0].prefix_len();
                prop_assert!(len <= 28);
                // Largest equal size that yields n parts.
                prop_assert!((1u64 << (len - p)) >= n && (len == p || (1u64 << (len - p - 1)) < n));
                for (i, part) in parts.iter().enumerate() {
                    prop_assert_eq!(part.prefix_len(), len);
                    prop_assert!(vpcd::model::cidr::contains(block, *part));
                    prop_assert_eq!(lo(*part), lo(block) + i as u64 * (hi(*part) - lo(*part) + 1));
                }
                if n.is_power_of_two() {
                    prop_assert_eq!(planner::join(&parts).unwrap(), block);
                }
            }
            Err(_) => prop_assert!(u32::from(p) + (64 - (n - 1).leading_zeros()) > 28),
        }
    }

    /// The host sizing is the largest prefix whose size − 5 reserved addresses holds the hosts.
    #[test]
    fn host_sizing_matches_brute_force(hosts in 0u64..70_000) {
        let brute = (16u8..=28).rev().find(|p| (1u64 << (32 - u32::from(*p))) - 5 >= hosts);
        prop_assert_eq!(planner::prefix_for_hosts(hosts).ok(), brute);
    }

    /// Joining two blocks works exactly when they are adjacent siblings of one block.
    #[test]
    fn join_pairs_matches_brute_force(p in 17u8..=28, a in any::<u32>(), b in any::<u32>()) {
        let (x, y) = (net(0x0A00_0000 | (a & 0xFFFF), p), net(0x0A00_0000 | (b & 0xFFFF), p));
        let parent = net(u32::from(x.network()), p - 1);
        let siblings = x != y && vpcd::model::cidr::contains(parent, x) && vpcd::model::cidr::contains(parent, y);
        prop_assert_eq!(planner::join(&[x, y]).ok(), siblings.then_some(parent));
    }
}

#[test]
fn secondary_cidr_checks_follow_the_rules() {
    let d = vpcd::create::templates::find("peering-triangle").unwrap().design();
    let vpc_a = d.vpcs.iter().find(|v| v.name == "vpc-a").unwrap();
    let has = |cidr: &str, rule: &str| {
        planner::check_secondary_cidr(&d, vpc_a, cidr.parse().unwrap())
            .iter()
            .any(|f| f.rule == rule && f.level == Level::Error)
    };
    // The rule codes are the validator's, so the planner and `vpcd check` agree.
    let ok = planner::check_secondary_cidr(&d, vpc_a, "10.4.0.0/16".parse().unwrap());
    assert!(ok.iter().all(|f| f.level != Level::Error), "{ok:?}");
    assert!(planner::add_secondary_cidr(&d, vpc_a, "10.4.0.0/16".parse().unwrap()).is_ok());
    assert!(
        has("192.168.0.0/16", "vpc-cidr-restricted"),
        "RFC 1918 mixing is restricted (VCIDR-3)"
    );
    assert!(
        has("10.2.128.0/17", "peering-overlap"),
        "overlaps the active peer vpc-b (VCIDR-7)"
    );
    assert!(
        has("10.1.0.0/17", "vpc-cidr-overlap"),
        "overlaps its own primary (VCIDR-2)"
    );
    assert!(has("10.5.0.0/15", "vpc-cidr-size"), "larger than /16 (VCIDR-1)");
    // rt-a routes 10.2.0.0/16 via pcx-a-b: a block that is the same or larger is refused (VCIDR-5).
    assert!(has("10.2.0.0/16", "vpc-cidr-covers-route"));
    assert!(planner::add_secondary_cidr(&d, vpc_a, "192.168.0.0/16".parse().unwrap()).is_err());

    // A requester with a pending peering cannot add blocks (VCIDR-6).
    let mut pending = d.clone();
    pending.peerings[0].status = vpcd::model::PeeringStatus::PendingAcceptance;
    let a = pending.vpcs.iter().find(|v| v.name == "vpc-a").unwrap();
    let f = planner::check_secondary_cidr(&pending, a, "10.4.0.0/16".parse().unwrap());
    assert!(
        f.iter()
            .any(|f| f.rule == "vpc-cidr-pending-peering" && f.level == Level::Error),
        "{f:?}"
    );
}

#[test]
fn overlaps_with_on_prem_and_tgw_neighbours_are_reported() {
    let mut d = vpcd::create::templates::find("transit-hub-spoke").unwrap().design();
    d.vpcs.iter_mut().find(|v| v.name == "dev").unwrap().cidr = "10.1.0.0/16".parse().unwrap();
    let prod = d.vpcs.iter().find(|v| v.name == "prod").unwrap();
    let o = planner::external_overlaps(&d, prod);
    assert!(
        o.iter()
            .any(|o| o.rule == "tgw-overlapping-vpcs" && o.with.contains("dev")),
        "{o:?}"
    );

    let d = vpcd::create::templates::find("single-public-subnet").unwrap().design();
    let web = &d.vpcs[0];
    let f = planner::check_secondary_cidr(&d, web, "203.0.113.0/24".parse().unwrap());
    assert!(
        f.iter()
            .any(|f| f.rule == "onprem-overlap" && f.level == Level::Warning),
        "{f:?}"
    );
}

#[test]
fn allocate_across_azs_gives_one_block_per_az() {
    let d = vpcd::create::templates::find("three-tier-alb").unwrap().design();
    let vpc = &d.vpcs[0];
    let blocks = planner::allocate_across_azs(&d, vpc, 200).unwrap();
    // 200 hosts need a /24 (251 usable); 10.0.0.0/24 and 10.0.1.0/24 are taken by public-a/b.
    assert_eq!(
        blocks,
        vec![
            ("us-east-1a".to_string(), "10.0.2.0/24".parse().unwrap()),
            ("us-east-1b".to_string(), "10.0.3.0/24".parse().unwrap())
        ]
    );
}
