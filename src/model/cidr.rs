//! CIDR arithmetic the AWS rules need: containment, overlap, reserved and
//! usable addresses. Pure functions over `ipnet` types.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// Whether `outer` contains every address of `inner` (equal blocks included).
pub fn contains(outer: Ipv4Net, inner: Ipv4Net) -> bool {
    outer.prefix_len() <= inner.prefix_len() && outer.contains(&inner.network())
}

/// Whether two IPv4 blocks share at least one address.
pub fn overlaps(a: Ipv4Net, b: Ipv4Net) -> bool {
    contains(a, b) || contains(b, a)
}

/// Whether two blocks of any family share an address (different families never do).
pub fn overlaps_any(a: IpNet, b: IpNet) -> bool {
    match (a, b) {
        (IpNet::V4(a), IpNet::V4(b)) => overlaps(a, b),
        (IpNet::V6(a), IpNet::V6(b)) => overlaps_v6(a, b),
        _ => false,
    }
}

pub fn contains_v6(outer: Ipv6Net, inner: Ipv6Net) -> bool {
    outer.prefix_len() <= inner.prefix_len() && outer.contains(&inner.network())
}

pub fn overlaps_v6(a: Ipv6Net, b: Ipv6Net) -> bool {
    contains_v6(a, b) || contains_v6(b, a)
}

/// Number of addresses in a block.
pub fn size(net: Ipv4Net) -> u64 {
    1u64 << (32 - u32::from(net.prefix_len()))
}

/// Addresses AWS lets you use in a subnet: all but the first four and the last
/// (VPC User Guide, subnet sizing: network, VPC router, DNS, future use, broadcast).
pub fn usable_addresses(subnet: Ipv4Net) -> u64 {
    size(subnet).saturating_sub(5)
}

/// Whether `ip` is one of the five addresses AWS reserves in `subnet`.
pub fn is_reserved(subnet: Ipv4Net, ip: Ipv4Addr) -> bool {
    if !subnet.contains(&ip) {
        return false;
    }
    let offset = u32::from(ip) - u32::from(subnet.network());
    offset < 4 || ip == subnet.broadcast()
}

/// Whether `ip` is a reserved address of an IPv6 subnet (first four and last).
pub fn is_reserved_v6(subnet: Ipv6Net, ip: Ipv6Addr) -> bool {
    if !subnet.contains(&ip) {
        return false;
    }
    let offset = u128::from(ip) - u128::from(subnet.network());
    offset < 4 || ip == subnet.broadcast()
}

/// The `n`-th usable address of a subnet (0-based, skipping the reserved ones).
pub fn nth_usable(subnet: Ipv4Net, n: u64) -> Option<Ipv4Addr> {
    if n >= usable_addresses(subnet) {
        return None;
    }
    let base = u64::from(u32::from(subnet.network()));
    u32::try_from(base + 4 + n).ok().map(Ipv4Addr::from)
}

/// RFC 1918 private space.
pub fn is_rfc1918(ip: Ipv4Addr) -> bool {
    ip.is_private()
}

/// RFC 6598 shared address space 100.64.0.0/10.
pub fn is_rfc6598(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    o[0] == 100 && (o[1] & 0xC0) == 64
}

/// Whether a block was typed with host bits set (`10.0.1.5/24`).
pub fn has_host_bits(net: IpNet) -> bool {
    net.addr() != net.network()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v4(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn reserved_five_addresses_of_a_slash_24() {
        let s = v4("10.0.1.0/24");
        for last in [0u8, 1, 2, 3, 255] {
            assert!(is_reserved(s, Ipv4Addr::new(10, 0, 1, last)), "{last}");
        }
        assert!(!is_reserved(s, Ipv4Addr::new(10, 0, 1, 4)));
        assert_eq!(usable_addresses(s), 251);
        assert_eq!(usable_addresses(v4("10.0.0.0/28")), 11);
        assert_eq!(nth_usable(s, 0), Some(Ipv4Addr::new(10, 0, 1, 4)));
        assert_eq!(nth_usable(s, 250), Some(Ipv4Addr::new(10, 0, 1, 254)));
        assert_eq!(nth_usable(s, 251), None);
    }

    #[test]
    fn rfc6598_is_100_64_slash_10() {
        assert!(is_rfc6598(Ipv4Addr::new(100, 64, 0, 1)));
        assert!(is_rfc6598(Ipv4Addr::new(100, 127, 255, 255)));
        assert!(!is_rfc6598(Ipv4Addr::new(100, 128, 0, 0)));
    }

    fn arb_net() -> impl Strategy<Value = Ipv4Net> {
        // Small address space so overlaps are common: 10.0.0.0/20, prefixes /20–/28.
        (0u32..4096, 20u8..=28)
            .prop_map(|(off, len)| Ipv4Net::new(Ipv4Addr::from(0x0A00_0000 + off), len).unwrap().trunc())
    }

    fn addresses(n: Ipv4Net) -> std::ops::RangeInclusive<u32> {
        u32::from(n.network())..=u32::from(n.broadcast())
    }

    proptest! {
        /// Oracle: containment and overlap agree with enumerating every address.
        #[test]
        fn containment_and_overlap_match_brute_force(a in arb_net(), b in arb_net()) {
            let (ra, rb) = (addresses(a), addresses(b));
            let brute_contains = rb.clone().all(|ip| ra.contains(&ip));
            let brute_overlap = rb.clone().any(|ip| ra.contains(&ip));
            prop_assert_eq!(contains(a, b), brute_contains);
            prop_assert_eq!(overlaps(a, b), brute_overlap);
        }

        /// Oracle: the reserved set is exactly {first four, last}, usable = size − 5.
        #[test]
        fn reserved_addresses_match_brute_force(net in arb_net()) {
            let all: Vec<u32> = addresses(net).collect();
            let reserved: Vec<u32> = all.iter().copied().filter(|ip| is_reserved(net, Ipv4Addr::from(*ip))).collect();
            let expected: Vec<u32> = all[..4].iter().copied().chain(std::iter::once(*all.last().unwrap())).collect();
            prop_assert_eq!(reserved, expected);
            prop_assert_eq!(usable_addresses(net), all.len() as u64 - 5);
        }
    }
}
