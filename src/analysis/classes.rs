//! Verdicts for many endpoint pairs at once: endpoints that every rule treats
//! alike share one walk.
//!
//! Two instances are *equivalent* when nothing the engine reads tells them
//! apart except their names and addresses: the same instance settings (subnet,
//! security groups, OS, role, source/destination check, public-address
//! setting, interfaces), no object in the design names either of them (a route
//! to it, a load-balancer target, an Elastic IP …), and no address range
//! anywhere in the design (routes, SG and NACL rules, prefix lists, VPC and
//! subnet blocks, on-premises networks, firewall rules — every CIDR or address
//! the design holds) nor any special range the engine knows (RFC 1918, shared
//! space, link-local, AWS service ranges …) contains some of their addresses
//! but not others. A walk from `a` to `b` then decides exactly as a walk from
//! any `a'` equivalent to `a` to any `b'` equivalent to `b`, so the verdict of
//! one pair of classes is computed once.
//!
//! The check is conservative: any doubt (a range that cuts through a class, a
//! duplicated address, a what-if failure) leaves the endpoints ungrouped, and
//! pairs within one class are always walked one by one. The property test
//! below compares the grouped matrix with the pair-by-pair one on generated
//! and deliberately messy designs.

use std::collections::hash_map::Entry;
use std::net::IpAddr;

use ipnet::IpNet;

use super::endpoint::Endpoint;
use super::fast::{fx_map, FxMap};
use super::{Analyzer, Code};
use crate::model::index::EniOwner;
use crate::model::{Design, Protocol, RefTarget, AWS_SERVICES};

/// Ranges the engine treats specially by address (public vs private,
/// link-local, multicast …): a class must not straddle them either.
const SPECIAL_RANGES: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
    "2001:db8::/32",
];

/// Every address range and address written anywhere in the design, plus the
/// engine's special ranges and the AWS service ranges — except an
/// instance's own fixed primary addresses (`private_ip`, `ipv6`): the engine
/// reads those only as the address of that instance's interface, looked up
/// exactly (and a duplicated address is refused below), never as a range a
/// rule or a route matches. Counting them would split every class holding
/// one instance with a fixed address into singletons.
fn design_ranges(d: &Design) -> Vec<IpNet> {
    let mut out: Vec<IpNet> = SPECIAL_RANGES.iter().filter_map(|s| s.parse().ok()).collect();
    for svc in AWS_SERVICES {
        if let Some(list) = crate::model::aws_prefix_list(svc) {
            out.extend(list.iter().filter_map(|s| s.parse::<IpNet>().ok()));
        }
        out.extend(crate::model::index::prefix_list_cidrs_v6(svc));
    }
    let mut bare = d.clone();
    for i in &mut bare.instances {
        i.private_ip = None;
        i.ipv6 = None;
    }
    // Walk the serialised design: every string or field that reads as an
    // address or a block counts, whatever object it belongs to. This keeps
    // the grouping sound when the model gains new address-carrying fields.
    if let Ok(v) = serde_json::to_value(&bare) {
        collect_ranges(&v, &mut out);
    }
    out
}

/// The first and last addresses of a set of ranges, sorted per family, to
/// answer "does some range cut this span" in two binary searches instead of
/// a scan of every range (a large design holds tens of thousands).
#[derive(Default)]
struct Boundaries {
    /// (first addresses, last addresses) of the IPv4 ranges, then of the IPv6 ones.
    v4: (Vec<u128>, Vec<u128>),
    v6: (Vec<u128>, Vec<u128>),
}

fn bits(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

impl Boundaries {
    fn new(ranges: &[IpNet]) -> Boundaries {
        let mut b = Boundaries::default();
        for n in ranges {
            let side = if n.network().is_ipv4() { &mut b.v4 } else { &mut b.v6 };
            side.0.push(bits(n.network()));
            side.1.push(bits(n.broadcast()));
        }
        for side in [&mut b.v4, &mut b.v6] {
            side.0.sort_unstable();
            side.1.sort_unstable();
        }
        b
    }

    /// Whether some range holds some but not all addresses of `[lo, hi]`
    /// (what [`cuts`] says of one range): exactly when a range starts in
    /// `(lo, hi]` or ends in `[lo, hi)`.
    fn cut(&self, lo: IpAddr, hi: IpAddr) -> bool {
        let (firsts, lasts) = if lo.is_ipv4() { &self.v4 } else { &self.v6 };
        let (lo, hi) = (bits(lo), bits(hi));
        let s = firsts.partition_point(|&f| f <= lo);
        let e = lasts.partition_point(|&l| l < lo);
        firsts.get(s).is_some_and(|&f| f <= hi) || lasts.get(e).is_some_and(|&l| l < hi)
    }
}

fn collect_ranges(v: &serde_json::Value, out: &mut Vec<IpNet>) {
    match v {
        serde_json::Value::String(s) => {
            if let Ok(n) = s.parse::<IpNet>() {
                out.push(n);
            } else if let Ok(a) = s.parse::<IpAddr>() {
                out.push(IpNet::from(a));
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| collect_ranges(x, out)),
        serde_json::Value::Object(map) => map.values().for_each(|x| collect_ranges(x, out)),
        _ => {}
    }
}

/// Whether `net` holds some but maybe not all addresses in `[lo, hi]`
/// (conservative: any partial overlap of the span counts). The definition
/// [`Boundaries::cut`] answers for many ranges at once.
#[cfg(test)]
fn cuts(net: &IpNet, lo: IpAddr, hi: IpAddr) -> bool {
    let (first, last) = (net.network(), net.broadcast());
    if first.is_ipv4() != lo.is_ipv4() {
        return false;
    }
    let disjoint = last < lo || first > hi;
    let covers = first <= lo && hi <= last;
    !disjoint && !covers
}

/// The instances some object of the design names (a route to one, a
/// load-balancer target, an Elastic IP …): a walk may pass them as a
/// middlebox, so they never stand for one another.
pub(super) fn referenced_instances(d: &Design) -> FxMap<&str, ()> {
    let mut named: FxMap<&str, ()> = fx_map();
    d.for_each_reference(|_, _, target, name| {
        if matches!(
            target,
            RefTarget::Object(crate::model::ObjectKind::Instance) | RefTarget::InstanceOrInterface
        ) {
            named.insert(name.as_str(), ());
        }
    });
    named
}

/// The class of each endpoint of `all`: equal ids walk alike (see the module
/// documentation); ungroupable endpoints get ids of their own.
pub(super) fn classes(an: &Analyzer<'_>, all: &[&Endpoint]) -> Vec<usize> {
    let d = an.design();
    let idx = an.index();
    let mut ids = Vec::with_capacity(all.len());
    let mut next = 0usize;
    let mut fresh = || {
        next += 1;
        next - 1
    };
    if an.has_failures() {
        return all.iter().map(|_| fresh()).collect();
    }
    // Instances some object names (routes, targets, EIPs …) are singletons.
    let named = referenced_instances(d);
    // Group candidate instances by their settings without name and addresses.
    let mut by_key: FxMap<String, usize> = fx_map();
    let mut members: Vec<Vec<(usize, Vec<IpAddr>)>> = Vec::new();
    let mut group_of: Vec<Option<usize>> = Vec::with_capacity(all.len());
    for (i, ep) in all.iter().enumerate() {
        let key = match ep {
            Endpoint::Eni {
                owner: EniOwner::Instance(name),
                ..
            } if !named.contains_key(name.as_str()) => {
                idx.instance(d, name).zip(idx.eni(&EniOwner::Instance(name.clone())))
            }
            _ => None,
        }
        .map(|(inst, eni)| {
            let mut p = inst.clone();
            p.name = String::new();
            p.private_ip = None;
            let has_v6 = p.ipv6.take().is_some();
            let addrs: Vec<IpAddr> = std::iter::once(IpAddr::V4(eni.private_ip))
                .chain(eni.ipv6.map(IpAddr::V6))
                .chain(eni.public_ip.map(IpAddr::V4))
                .collect();
            (
                format!(
                    "{p:?}|{has_v6}|{}|{}|{:?}|{}",
                    eni.public_ip.is_some(),
                    eni.ipv6.is_some(),
                    eni.security_groups,
                    eni.subnet
                ),
                addrs,
            )
        });
        match key {
            Some((k, addrs)) if !addrs.iter().any(IpAddr::is_unspecified) => {
                let g = match by_key.entry(k) {
                    Entry::Occupied(e) => *e.get(),
                    Entry::Vacant(e) => {
                        members.push(Vec::new());
                        *e.insert(members.len() - 1)
                    }
                };
                // An endpoint listed twice (a row and a column) is one member.
                if !members[g].iter().any(|(j, _)| all[*j] == *ep) {
                    members[g].push((i, addrs));
                }
                group_of.push(Some(g));
            }
            _ => group_of.push(None),
        }
    }
    // A group is one class when no range cuts it and no address is shared.
    let ranges = Boundaries::new(&design_ranges(d));
    let sound: Vec<bool> = members
        .iter()
        .map(|m| {
            if m.len() < 2 {
                return true;
            }
            let width = m[0].1.len();
            if m.iter().any(|(_, a)| a.len() != width) {
                return false;
            }
            // Each address slot (private v4, v6, public v4) separately.
            (0..width).all(|slot| {
                let mut addrs: Vec<IpAddr> = m.iter().map(|(_, a)| a[slot]).collect();
                addrs.sort_unstable();
                let unique = addrs.windows(2).all(|w| w[0] != w[1]);
                let shared = addrs.iter().any(|a| match a {
                    IpAddr::V4(v4) => idx.enis_with_ip(*v4).nth(1).is_some(),
                    IpAddr::V6(_) => false,
                });
                let (lo, hi) = (addrs[0], addrs[addrs.len() - 1]);
                unique && !shared && !ranges.cut(lo, hi)
            })
        })
        .collect();
    let mut class_of_group: Vec<Option<usize>> = vec![None; members.len()];
    for g in &group_of {
        let id = match g {
            Some(g) if sound[*g] => *class_of_group[*g].get_or_insert_with(&mut fresh),
            _ => fresh(),
        };
        ids.push(id);
    }
    ids
}

/// The verdict of every `from` × `to` pair, row-major: `None` when
/// reachable, else the blocking code — exactly what [`Analyzer::verdict`]
/// answers pair by pair, with one walk per pair of endpoint classes.
pub fn verdicts(
    an: &Analyzer<'_>,
    from: &[Endpoint],
    to: &[Endpoint],
    proto: Protocol,
    port: Option<u16>,
) -> Vec<Option<Code>> {
    verdicts_with_progress(an, from, to, proto, port, &mut |_, _| {})
}

/// [`verdicts`], reporting `(rows done, rows)` after each source endpoint.
pub fn verdicts_with_progress(
    an: &Analyzer<'_>,
    from: &[Endpoint],
    to: &[Endpoint],
    proto: Protocol,
    port: Option<u16>,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<Option<Code>> {
    let mut out = Vec::with_capacity(from.len() * to.len());
    for_each_row(an, from, to, proto, port, &mut |i, row| {
        out.extend_from_slice(row);
        progress(i + 1, from.len());
    });
    out
}

/// The verdicts of [`verdicts`] one source row at a time: `row(i, verdicts
/// from from[i] to every to[j])`. Only the current source class's verdicts
/// per destination class are kept between rows, so memory grows with the
/// classes, never with the pairs: consecutive sources of one class (a
/// subnet's instances, as designs list them) share their walks, and a source
/// whose class differs from the previous row's starts afresh.
pub fn for_each_row(
    an: &Analyzer<'_>,
    from: &[Endpoint],
    to: &[Endpoint],
    proto: Protocol,
    port: Option<u16>,
    row: &mut dyn FnMut(usize, &[Option<Code>]),
) {
    let all: Vec<&Endpoint> = from.iter().chain(to).collect();
    let ids = classes(an, &all);
    let (from_ids, to_ids) = ids.split_at(from.len());
    let width = to_ids.iter().max().map_or(0, |m| m + 1);
    // The current source class and its verdict per destination class (`None`: not walked yet).
    let mut current: Option<usize> = None;
    let mut known: Vec<Option<Option<Code>>> = vec![None; width];
    let mut cells = Vec::with_capacity(to.len());
    for (i, (f, &cf)) in from.iter().zip(from_ids).enumerate() {
        if current != Some(cf) {
            current = Some(cf);
            known.fill(None);
        }
        cells.clear();
        for (t, &ct) in to.iter().zip(to_ids) {
            let walk = || an.verdict_code(f, t, proto, port);
            let v = if cf == ct {
                // Within one class the two ends are related: walk each pair.
                walk()
            } else {
                *known[ct].get_or_insert_with(walk)
            };
            cells.push(v);
        }
        row(i, &cells);
    }
}

/// One cell of a matrix over endpoint classes: how many ordered pairs of
/// distinct endpoints it stands for, how many of them are reachable, and a
/// code that blocks some of them (the first met).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassCell {
    pub pairs: usize,
    pub reachable: usize,
    pub code: Option<Code>,
}

/// The endpoints of `eps` grouped into classes: each a list of positions in
/// `eps`, in order of first member. Endpoints listed twice are one member.
pub(super) fn endpoint_classes(an: &Analyzer<'_>, eps: &[Endpoint]) -> Vec<Vec<usize>> {
    let refs: Vec<&Endpoint> = eps.iter().collect();
    let ids = classes(an, &refs);
    let mut index: FxMap<usize, usize> = fx_map();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (k, id) in ids.into_iter().enumerate() {
        let c = *index.entry(id).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        members[c].push(k);
    }
    members
}

/// Row `ci` of the class × class matrix of [`endpoint_classes`] into `out`:
/// one verdict-only walk per pair of classes, and one per pair within a class.
pub(super) fn class_row(
    an: &Analyzer<'_>,
    eps: &[Endpoint],
    members: &[Vec<usize>],
    ci: usize,
    proto: Protocol,
    port: Option<u16>,
    out: &mut Vec<ClassCell>,
) {
    out.clear();
    let froms = &members[ci];
    for (cj, tos) in members.iter().enumerate() {
        if ci != cj {
            let code = an.verdict_code(&eps[froms[0]], &eps[tos[0]], proto, port);
            let pairs = froms.len() * tos.len();
            out.push(ClassCell {
                pairs,
                reachable: if code.is_none() { pairs } else { 0 },
                code,
            });
            continue;
        }
        let mut cell = ClassCell {
            pairs: 0,
            reachable: 0,
            code: None,
        };
        for &i in froms {
            for &j in tos {
                if i == j {
                    continue;
                }
                cell.pairs += 1;
                match an.verdict_code(&eps[i], &eps[j], proto, port) {
                    None => cell.reachable += 1,
                    Some(c) => {
                        cell.code.get_or_insert(c);
                    }
                }
            }
        }
        out.push(cell);
    }
}

/// The endpoints of `eps` grouped into classes (see [`endpoint_classes`])
/// and the class × class cells, row-major (see [`class_row`]). Reports
/// `(classes done, classes)`.
pub fn class_matrix(
    an: &Analyzer<'_>,
    eps: &[Endpoint],
    proto: Protocol,
    port: Option<u16>,
    progress: &mut dyn FnMut(usize, usize),
) -> (Vec<Vec<usize>>, Vec<ClassCell>) {
    let members = endpoint_classes(an, eps);
    let n = members.len();
    let mut cells = Vec::with_capacity(n * n);
    let mut row = Vec::with_capacity(n);
    for ci in 0..n {
        class_row(an, eps, &members, ci, proto, port, &mut row);
        cells.extend_from_slice(&row);
        progress(ci + 1, n);
    }
    (members, cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DesignIndex;
    use proptest::prelude::*;

    fn endpoints(an: &Analyzer<'_>, d: &Design) -> Vec<Endpoint> {
        let mut names: Vec<String> = d.instances.iter().map(|i| i.name.clone()).collect();
        names.extend(d.load_balancers.iter().map(|l| l.name.clone()));
        names.push("internet".into());
        names.extend(d.onprem_networks.iter().map(|n| format!("onprem:{}", n.name)));
        names.iter().filter_map(|n| an.endpoint(n).ok()).collect()
    }

    fn pairwise(an: &Analyzer<'_>, eps: &[Endpoint], proto: Protocol, port: Option<u16>) -> Vec<Option<Code>> {
        eps.iter()
            .flat_map(|f| eps.iter().map(move |t| (f, t)))
            .map(|(f, t)| an.verdict(f, t, proto, port).map(|b| b.code))
            .collect()
    }

    #[test]
    fn generated_designs_group_instances_and_keep_every_verdict() {
        let d = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        let idx = DesignIndex::new(&d);
        let an = Analyzer::new(&d, &idx);
        let eps = endpoints(&an, &d);
        // As `verdicts` sees them: every endpoint both as a row and a column.
        let refs: Vec<&Endpoint> = eps.iter().chain(&eps).collect();
        let ids = classes(&an, &refs);
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        // Ungrouped, each of the 2n entries would be a class of its own.
        assert!(
            distinct.len() < eps.len(),
            "{} classes for {} endpoints listed twice",
            distinct.len(),
            eps.len()
        );
        for (proto, port) in [
            (Protocol::Tcp, Some(443)),
            (Protocol::Tcp, Some(22)),
            (Protocol::Udp, Some(53)),
        ] {
            assert_eq!(verdicts(&an, &eps, &eps, proto, port), pairwise(&an, &eps, proto, port));
        }
    }

    #[test]
    fn a_rule_for_one_address_splits_its_class() {
        let mut d = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        let idx = DesignIndex::new(&d);
        let victim = d.instances[1].name.clone();
        let ip = idx.eni(&EniOwner::Instance(victim)).unwrap().private_ip;
        // Allow SSH to one instance only, through its group.
        let sg = d.instances[1].security_groups[0].clone();
        let g = d.security_groups.iter_mut().find(|g| g.name == sg).unwrap();
        g.inbound.push(crate::model::SgRule::new(
            Protocol::Tcp,
            crate::model::PortRange::single(22),
            crate::model::SgPeer::Cidr(IpNet::from(IpAddr::V4(ip))),
        ));
        let idx = DesignIndex::new(&d);
        let an = Analyzer::new(&d, &idx);
        let eps = endpoints(&an, &d);
        assert_eq!(
            verdicts(&an, &eps, &eps, Protocol::Tcp, Some(22)),
            pairwise(&an, &eps, Protocol::Tcp, Some(22))
        );
    }

    #[test]
    fn an_instance_with_a_fixed_address_stays_in_its_class() {
        let mut d = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        let idx = DesignIndex::new(&d);
        // Fix one instance at the address AWS gave it: nothing else changes.
        let name = d.instances[2].name.clone();
        let ip = idx.eni(&EniOwner::Instance(name.clone())).unwrap().private_ip;
        d.instances[2].private_ip = Some(ip);
        let idx = DesignIndex::new(&d);
        let an = Analyzer::new(&d, &idx);
        let eps = endpoints(&an, &d);
        let refs: Vec<&Endpoint> = eps.iter().collect();
        let ids = classes(&an, &refs);
        let k = eps
            .iter()
            .position(|e| matches!(e, Endpoint::Eni { name: n, .. } if *n == name))
            .unwrap();
        assert!(
            ids.iter().filter(|&&c| c == ids[k]).count() > 1,
            "{name} at its own fixed address is grouped with its peers"
        );
        assert_eq!(
            verdicts(&an, &eps, &eps, Protocol::Tcp, Some(443)),
            pairwise(&an, &eps, Protocol::Tcp, Some(443))
        );
    }

    fn ip(family6: bool, x: u32) -> IpAddr {
        if family6 {
            IpAddr::V6(std::net::Ipv6Addr::from((0x2001_0db8_u128 << 96) | u128::from(x)))
        } else {
            IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 | x))
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// The sorted boundaries say exactly what scanning every range with `cuts` says.
        #[test]
        fn boundaries_cut_exactly_where_some_range_cuts(
            nets in proptest::collection::vec((any::<bool>(), 0u32..4096, 20u8..=32), 0..24),
            lo in 0u32..4096,
            width in 0u32..600,
            family6 in any::<bool>(),
        ) {
            let ranges: Vec<IpNet> = nets
                .iter()
                .filter_map(|&(six, x, len)| IpNet::new(ip(six, x), if six { len + 96 } else { len }).ok())
                .map(|n| n.trunc())
                .collect();
            let (lo, hi) = (ip(family6, lo), ip(family6, lo + width));
            prop_assert_eq!(
                Boundaries::new(&ranges).cut(lo, hi),
                ranges.iter().any(|n| cuts(n, lo, hi))
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// The grouped matrix equals the pair-by-pair matrix on messy designs
        /// (broken references, odd rules, duplicates) for random protocols and ports.
        #[test]
        fn grouped_verdicts_equal_pairwise_verdicts(
            seed in 0u64..1000,
            tweaks in proptest::collection::vec(0u8..=255, 0..6),
            proto in prop_oneof![Just(Protocol::Tcp), Just(Protocol::Udp), Just(Protocol::Icmp), Just(Protocol::All)],
            port in prop_oneof![Just(None), (0u16..3).prop_map(|i| Some([22u16, 443, 5432][usize::from(i)]))],
        ) {
            let d = crate::model::index::tests::messy_design(seed, &tweaks);
            let idx = DesignIndex::new(&d);
            let an = Analyzer::new(&d, &idx);
            let eps = endpoints(&an, &d);
            prop_assert_eq!(verdicts(&an, &eps, &eps, proto, port), pairwise(&an, &eps, proto, port));
        }

        /// Each class cell counts exactly the reachable pairs of its members
        /// (pair by pair), and every endpoint is in one class.
        #[test]
        fn class_cells_count_the_pairwise_verdicts(
            seed in 0u64..1000,
            tweaks in proptest::collection::vec(0u8..=255, 0..6),
            port in prop_oneof![Just(22u16), Just(443), Just(5432)],
        ) {
            let d = crate::model::index::tests::messy_design(seed, &tweaks);
            let idx = DesignIndex::new(&d);
            let an = Analyzer::new(&d, &idx);
            let mut eps = endpoints(&an, &d);
            eps.dedup();
            let (members, cells) = class_matrix(&an, &eps, Protocol::Tcp, Some(port), &mut |_, _| {});
            let mut all: Vec<usize> = members.iter().flatten().copied().collect();
            all.sort_unstable();
            prop_assert_eq!(all, (0..eps.len()).collect::<Vec<_>>());
            let flat = pairwise(&an, &eps, Protocol::Tcp, Some(port));
            let n = eps.len();
            for (ci, froms) in members.iter().enumerate() {
                for (cj, tos) in members.iter().enumerate() {
                    let (mut pairs, mut reachable) = (0, 0);
                    for &i in froms {
                        for &j in tos {
                            if i != j {
                                pairs += 1;
                                reachable += usize::from(flat[i * n + j].is_none());
                            }
                        }
                    }
                    let c = cells[ci * members.len() + cj];
                    prop_assert_eq!((c.pairs, c.reachable), (pairs, reachable));
                }
            }
        }
    }
}
