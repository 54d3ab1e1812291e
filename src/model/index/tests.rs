use std::hash::Hasher;

use ipnet::Ipv4Net;

use super::*;
use crate::create::synthetic::{generate, GenParams, PeeringMode};
use proptest::prelude::*;

/// The straightforward index the fast one replaced, kept as the oracle:
/// names by scanning every object, addresses with per-name maps.
mod oracle {
    use super::super::*;
    use ipnet::Ipv4Net;
    use std::collections::HashMap;

    pub(super) fn names(d: &Design) -> HashMap<String, Vec<ObjectRef>> {
        let mut by_name: HashMap<String, Vec<ObjectRef>> = HashMap::new();
        for r in d.object_refs() {
            by_name.entry(r.name.clone()).or_default().push(r);
        }
        for tgw in &d.transit_gateways {
            for n in tgw
                .route_tables
                .iter()
                .map(|t| &t.name)
                .chain(tgw.attachments.iter().map(|a| &a.name))
            {
                by_name
                    .entry(n.clone())
                    .or_default()
                    .push(ObjectRef::new(ObjectKind::TransitGateway, tgw.name.clone()));
            }
        }
        for inst in &d.instances {
            for eni in &inst.secondary_interfaces {
                by_name
                    .entry(eni.name.clone())
                    .or_default()
                    .push(ObjectRef::new(ObjectKind::Instance, inst.name.clone()));
            }
        }
        by_name
    }

    pub(super) fn enis(d: &Design) -> (Vec<Eni>, Vec<String>) {
        struct Pending {
            owner: EniOwner,
            subnet: String,
            fixed: Option<Ipv4Addr>,
            public: Option<Ipv4Addr>,
            auto_public: bool,
            ipv6: Option<Ipv6Addr>,
            sgs: Vec<String>,
            sdc: bool,
        }
        let eip = |name: &Option<String>| {
            name.as_ref()
                .and_then(|n| d.elastic_ips.iter().find(|e| &e.name == n))
                .map(|e| e.address)
        };
        let mut pending: Vec<Pending> = Vec::new();
        for i in &d.instances {
            let subnet_maps = d
                .subnets
                .iter()
                .find(|s| s.name == i.subnet)
                .is_some_and(|s| s.map_public_ip);
            let public = eip(&i.elastic_ip);
            pending.push(Pending {
                owner: EniOwner::Instance(i.name.clone()),
                subnet: i.subnet.clone(),
                fixed: i.private_ip,
                public,
                auto_public: public.is_none() && i.public_ip.unwrap_or(subnet_maps),
                ipv6: i.ipv6,
                sgs: i.security_groups.clone(),
                sdc: i.source_dest_check,
            });
            for e in &i.secondary_interfaces {
                pending.push(Pending {
                    owner: EniOwner::SecondaryInterface(i.name.clone(), e.name.clone()),
                    subnet: e.subnet.clone(),
                    fixed: e.private_ip,
                    public: None,
                    auto_public: false,
                    ipv6: None,
                    sgs: e.security_groups.clone(),
                    sdc: e.source_dest_check,
                });
            }
        }
        for (k, n) in d.nat_gateways.iter().enumerate() {
            // A regional NAT gateway has no interface in a subnet of the design.
            let Some(subnet) = n.subnet.clone().filter(|_| !n.is_regional()) else {
                continue;
            };
            // A NAT gateway whose Elastic IP an instance or an earlier public NAT
            // gateway holds fails (Resource.AlreadyAssociated): no public address.
            let taken = n.elastic_ip.is_some()
                && (d.instances.iter().any(|i| i.elastic_ip == n.elastic_ip)
                    || d.nat_gateways[..k]
                        .iter()
                        .any(|o| o.connectivity == NatConnectivity::Public && o.elastic_ip == n.elastic_ip));
            pending.push(Pending {
                owner: EniOwner::NatGateway(n.name.clone()),
                subnet,
                fixed: n.private_ip,
                public: if n.connectivity == NatConnectivity::Public && !taken {
                    eip(&n.elastic_ip)
                } else {
                    None
                },
                auto_public: false,
                ipv6: None,
                sgs: Vec::new(),
                sdc: false,
            });
        }
        for lb in &d.load_balancers {
            for s in &lb.subnets {
                pending.push(Pending {
                    owner: EniOwner::LoadBalancer(lb.name.clone(), s.clone()),
                    subnet: s.clone(),
                    fixed: None,
                    public: None,
                    auto_public: lb.scheme == LoadBalancerScheme::InternetFacing,
                    ipv6: None,
                    sgs: lb.security_groups.clone(),
                    sdc: true,
                });
            }
        }
        for ep in &d.endpoints {
            if let EndpointKind::Interface {
                subnets,
                security_groups,
                ..
            } = &ep.kind
            {
                for s in subnets {
                    pending.push(Pending {
                        owner: EniOwner::Endpoint(ep.name.clone(), s.clone()),
                        subnet: s.clone(),
                        fixed: None,
                        public: None,
                        auto_public: false,
                        ipv6: None,
                        sgs: security_groups.clone(),
                        sdc: true,
                    });
                }
            }
        }
        for fw in &d.firewalls {
            for s in &fw.subnets {
                pending.push(Pending {
                    owner: EniOwner::Firewall(fw.name.clone(), s.clone()),
                    subnet: s.clone(),
                    fixed: None,
                    public: None,
                    auto_public: false,
                    ipv6: None,
                    sgs: Vec::new(),
                    sdc: false,
                });
            }
        }
        for tgw in &d.transit_gateways {
            for a in &tgw.attachments {
                if let TgwAttachmentKind::Vpc { subnets, .. } = &a.kind {
                    for s in subnets {
                        pending.push(Pending {
                            owner: EniOwner::TgwAttachment(tgw.name.clone(), a.name.clone(), s.clone()),
                            subnet: s.clone(),
                            fixed: None,
                            public: None,
                            auto_public: false,
                            ipv6: None,
                            sgs: Vec::new(),
                            sdc: false,
                        });
                    }
                }
            }
        }

        let mut subnet_cidr: HashMap<&str, Ipv4Net> = HashMap::new();
        for s in &d.subnets {
            subnet_cidr.entry(s.name.as_str()).or_insert(s.cidr);
        }
        let mut used: HashMap<&str, std::collections::HashSet<Ipv4Addr>> = HashMap::new();
        for p in &pending {
            if let Some(ip) = p.fixed {
                used.entry(p.subnet.as_str()).or_default().insert(ip);
            }
        }
        let mut cursor: HashMap<String, u64> = HashMap::new();
        let mut public_counter: u32 = 0;
        let mut exhausted = std::collections::BTreeSet::new();
        let mut enis = Vec::with_capacity(pending.len());
        for p in &pending {
            let ip = match p.fixed {
                Some(ip) => ip,
                None => {
                    let cidr = subnet_cidr.get(p.subnet.as_str()).copied();
                    let taken = used.entry(p.subnet.as_str()).or_default();
                    let next = cursor.entry(p.subnet.clone()).or_insert(0);
                    let mut found = None;
                    if let Some(cidr) = cidr {
                        while let Some(ip) = cidr::nth_usable(cidr, *next) {
                            *next += 1;
                            if taken.insert(ip) {
                                found = Some(ip);
                                break;
                            }
                        }
                    }
                    match found {
                        Some(ip) => ip,
                        None => {
                            if cidr.is_some() {
                                exhausted.insert(p.subnet.clone());
                            }
                            Ipv4Addr::UNSPECIFIED
                        }
                    }
                }
            };
            let public = p.public.or_else(|| {
                p.auto_public.then(|| {
                    public_counter += 1;
                    // Auto-assigned public IPv4 addresses come from Amazon's pool; the
                    // design does not know them, so they are numbered from 54.160.0.0.
                    Ipv4Addr::from(u32::from(Ipv4Addr::new(54, 160, 0, 0)) + public_counter)
                })
            });
            enis.push(Eni {
                owner: p.owner.clone(),
                subnet: p.subnet.clone(),
                private_ip: ip,
                fixed: p.fixed.is_some(),
                public_ip: public,
                ipv6: p.ipv6,
                security_groups: p.sgs.clone(),
                source_dest_check: p.sdc,
            });
        }
        (enis, exhausted.into_iter().collect())
    }
}

/// Every observable answer of the index equals the oracle's.
fn assert_matches_oracle(d: &Design, idx: &DesignIndex) {
    let names = oracle::names(d);
    let mut got: Vec<&str> = idx.names().collect();
    got.sort_unstable();
    let mut want: Vec<&str> = names.keys().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(got, want);
    for (n, refs) in &names {
        assert_eq!(idx.lookup(n), refs.as_slice(), "lookup {n}");
    }
    let (enis, exhausted) = oracle::enis(d);
    assert_eq!(idx.enis, enis);
    assert_eq!(idx.exhausted_subnets, exhausted);
    for e in &enis {
        assert!(idx.eni(&e.owner).is_some_and(|x| x.owner == e.owner));
        let want: Vec<&Eni> = enis.iter().filter(|x| x.private_ip == e.private_ip).collect();
        if !e.private_ip.is_unspecified() {
            assert_eq!(idx.enis_with_ip(e.private_ip).collect::<Vec<_>>(), want);
        }
    }
    let mut subnets: Vec<&str> = d.subnets.iter().map(|s| s.name.as_str()).collect();
    subnets.extend(enis.iter().map(|e| e.subnet.as_str()));
    subnets.push("no-such-subnet");
    for s in subnets {
        let want: Vec<&Eni> = enis.iter().filter(|e| e.subnet == s).collect();
        assert_eq!(idx.enis_in_subnet(s).collect::<Vec<_>>(), want, "subnet {s}");
    }
    let mut sgs: Vec<&str> = d.security_groups.iter().map(|g| g.name.as_str()).collect();
    sgs.extend(enis.iter().flat_map(|e| e.security_groups.iter().map(String::as_str)));
    sgs.push("no-such-sg");
    for g in sgs {
        let want: Vec<&Eni> = enis
            .iter()
            .filter(|e| e.security_groups.iter().any(|x| x == g))
            .collect();
        assert_eq!(idx.enis_with_sg(g).collect::<Vec<_>>(), want, "sg {g}");
    }
}

/// Names to rename `r` to: a new one, and one that a reference to a
/// missing object of its kind already holds (the reference then resolves).
pub(crate) fn rename_targets(d: &Design, r: &ObjectRef) -> Vec<String> {
    let mut names = vec![format!("{}-renamed", r.name)];
    let mut dangling = None;
    d.for_each_reference(|_, _, target, name| {
        if dangling.is_none() && crate::model::ref_matches(target, r.kind) && d.position(r.kind, name).is_none() {
            dangling = Some(name.clone());
        }
    });
    names.extend(dangling);
    names
}

/// `d` with `r` renamed to `to` (every reference following it), the object
/// under its new name and what the rename touched; `None` when the rename
/// is refused.
pub(crate) fn renamed(d: &Design, r: &ObjectRef, to: &str) -> Option<(Design, Object, crate::edit::Renaming)> {
    let mut after = d.clone();
    let rename = crate::edit::Edit::Rename {
        target: r.clone(),
        to: to.to_string(),
    };
    let (_, renaming) = rename.apply_noting(&mut after).ok()?;
    let object = after.get(&ObjectRef::new(r.kind, to)).expect("renamed");
    Some((after, object, renaming.expect("a rename tells what it touched")))
}

/// A copy of the design's first instance named `stray`, in a subnet no
/// object holds (`ghost`), with no fixed, public or Elastic address of its
/// own and no secondary interface: renaming a subnet to `ghost` places it.
pub(crate) fn stray_instance(d: &Design) -> Option<crate::model::Instance> {
    let mut stray = d.instances.first()?.clone();
    stray.name = "stray".into();
    stray.subnet = "ghost".into();
    stray.private_ip = None;
    // Follows its subnet's setting: none while the subnet does not resolve.
    stray.public_ip = None;
    stray.elastic_ip = None;
    stray.secondary_interfaces.clear();
    Some(stray)
}

/// A generated design bent in ways real files are: fixed addresses that
/// collide with automatic ones, dangling subnets and groups, duplicate
/// names, secondary interfaces, full subnets, load balancers, endpoints.
pub(crate) fn messy_design(seed: u64, tweaks: &[u8]) -> Design {
    let mut d = generate(&GenParams {
        vpcs: 2,
        azs: 2,
        tiers: 2,
        instances: 3,
        tgw: seed % 2 == 0,
        peering: PeeringMode::Ring,
        seed,
    })
    .expect("small parameters are in range");
    for (n, t) in tweaks.iter().enumerate() {
        let k = n % d.instances.len().max(1);
        let s = n % d.subnets.len().max(1);
        match t % 10 {
            0 => {
                let cidr = d.subnets[s].cidr;
                if let Some(i) = d.instances.get_mut(k) {
                    i.subnet = d.subnets[s].name.clone();
                    i.private_ip = cidr::nth_usable(cidr, u64::from(*t % 4));
                }
            }
            1 => {
                if let Some(i) = d.instances.get_mut(k) {
                    i.subnet = "nowhere".into();
                }
            }
            2 => {
                if let Some(i) = d.instances.get_mut(k) {
                    i.secondary_interfaces.push(NetworkInterface {
                        owner: None,
                        name: format!("eni-{n}"),
                        subnet: d.subnets[s].name.clone(),
                        private_ip: None,
                        security_groups: vec!["ghost-sg".into()],
                        source_dest_check: false,
                    });
                }
            }
            3 => {
                let mut dup = d.subnets[s].clone();
                dup.cidr = "10.200.0.0/28".parse().expect("literal");
                d.subnets.push(dup);
            }
            4 => {
                let net = d.subnets[s].cidr.network();
                d.subnets[s].cidr = Ipv4Net::new(net, 28).expect("/28 is valid");
            }
            5 => {
                if let Some(i) = d.instances.get_mut(k) {
                    let sg = i.security_groups.first().cloned().unwrap_or_default();
                    i.security_groups.push(sg);
                    i.security_groups.push("ghost-sg".into());
                }
            }
            6 => d.load_balancers.push(LoadBalancer {
                name: format!("lb-{n}"),
                description: None,
                kind: LoadBalancerKind::Application,
                scheme: LoadBalancerScheme::InternetFacing,
                subnets: vec![d.subnets[s].name.clone(), "nowhere".into()],
                security_groups: vec![d.security_groups[0].name.clone()],
                listeners: Vec::new(),
                targets: Vec::new(),
                cross_zone: false,
            }),
            7 => d.endpoints.push(Endpoint {
                name: format!("vpce-{n}"),
                description: None,
                vpc: d.subnets[s].vpc.clone(),
                service: "sqs".into(),
                kind: EndpointKind::Interface {
                    subnets: vec![d.subnets[s].name.clone()],
                    security_groups: vec![d.security_groups[0].name.clone()],
                    private_dns: true,
                },
                addresses: Vec::new(),
            }),
            8 => {
                if let Some(i) = d.instances.get_mut(k) {
                    i.elastic_ip = d.elastic_ips.first().map(|e| e.name.clone());
                    i.public_ip = Some(n % 2 == 0);
                }
            }
            _ => {
                let g = d.security_groups[n % d.security_groups.len()].clone();
                d.security_groups.push(g);
            }
        }
    }
    d
}

#[test]
fn generated_designs_match_the_oracle() {
    for p in [GenParams::small(), GenParams::default()] {
        let d = generate(&p).unwrap();
        assert_matches_oracle(&d, &DesignIndex::new(&d));
    }
    let d = crate::create::templates::sample::three_tier();
    assert_matches_oracle(&d, &DesignIndex::new(&d));
}

#[test]
fn fx_hasher_distinguishes_lengths_and_contents() {
    use std::hash::Hash;
    let h = |s: &str| {
        let mut x = FxHasher::default();
        s.hash(&mut x);
        x.finish()
    };
    assert_ne!(h("a"), h("a\0"));
    assert_ne!(h("web-1"), h("web-2"));
    assert_eq!(h("subnet-app-a"), h("subnet-app-a"));
    // Names that differ only in their last characters must spread over
    // the low bits hashbrown uses to pick buckets.
    let names: Vec<String> = (0..4000)
        .map(|i| format!("v{:03}-app-b-{:02}", i / 40, i % 40))
        .collect();
    let low: std::collections::HashSet<u64> = names.iter().map(|n| h(n) & 0x3fff).collect();
    assert!(
        low.len() > 3000,
        "{} distinct low-bit buckets for 4000 names",
        low.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn index_matches_the_oracle_on_messy_designs(seed in 0u64..1000, tweaks in proptest::collection::vec(0u8..=255, 0..12)) {
        let d = messy_design(seed, &tweaks);
        assert_matches_oracle(&d, &DesignIndex::new(&d));
    }
}

/// Applies one `after_insert`/`after_remove` and checks its promise: when it
/// follows, the index equals a rebuild; when it does not, it is unchanged
/// (and is then rebuilt, as the workspace does). Returns whether it followed.
fn follow(idx: &mut DesignIndex, d: &Design, f: impl FnOnce(&mut DesignIndex) -> bool) -> bool {
    let before = idx.clone();
    let followed = f(idx);
    let fresh = DesignIndex::new(d);
    if followed {
        assert_eq!(*idx, fresh, "the followed index differs from a rebuild");
    } else {
        assert_eq!(*idx, before, "an index that did not follow changed");
        *idx = fresh;
    }
    followed
}

/// Inserts `o` at `at` of its list (clamped) and lets the index follow.
fn insert(d: &mut Design, idx: &mut DesignIndex, at: usize, o: Object) -> bool {
    let kind = o.kind();
    let at = at.min(d.count(kind));
    d.insert_at(at, o);
    follow(idx, d, |x| x.after_insert(d, kind, at))
}

/// Removes the first object `r` names and lets the index follow.
fn remove(d: &mut Design, idx: &mut DesignIndex, r: &ObjectRef) -> Option<(usize, Object, bool)> {
    let (at, o) = d.remove(r)?;
    let followed = follow(idx, d, |x| x.after_remove(d, at, &o));
    Some((at, o, followed))
}

/// Renames the object `r` names to `to` (every reference following) and
/// lets the index follow; `None` when the design refuses the rename.
fn rename(d: &mut Design, idx: &mut DesignIndex, r: &ObjectRef, to: &str) -> Option<bool> {
    let edit = crate::edit::Edit::Rename {
        target: r.clone(),
        to: to.to_string(),
    };
    edit.apply(d).ok()?;
    let now = ObjectRef::new(r.kind, to);
    let (at, object) = (d.position(r.kind, to)?, d.get(&now)?);
    Some(follow(idx, d, |x| x.after_rename(d, &object, at, &r.name)))
}

/// One VPC, two AZs, three tiers, two instances per subnet: a NAT gateway
/// (automatic address, Elastic IP) in each public subnet.
fn small_design() -> Design {
    generate(&GenParams {
        vpcs: 1,
        azs: 2,
        tiers: 3,
        instances: 2,
        tgw: true,
        peering: PeeringMode::None,
        seed: 7,
    })
    .expect("small parameters are in range")
}

/// A copy of the instance at `k` under a new name, with an automatic private address.
fn instance_copy(d: &Design, k: usize, name: &str) -> Instance {
    let mut i = d.instances[k].clone();
    i.name = name.into();
    i.private_ip = None;
    i
}

// VPC User Guide, "Subnet CIDR blocks": the automatic addresses of a subnet
// are handed out in order, so an instance listed before a NAT gateway in the
// same subnet moves the NAT gateway's address on by one.
#[test]
fn an_instance_inserted_before_a_nat_gateway_moves_its_automatic_address() {
    let mut d = small_design();
    let mut idx = DesignIndex::new(&d);
    let nat = d.nat_gateways[0].clone();
    let owner = EniOwner::NatGateway(nat.name.clone());
    let before = idx.eni(&owner).unwrap().private_ip;
    let k = d
        .instances
        .iter()
        .position(|i| Some(&i.subnet) == nat.subnet.as_ref())
        .unwrap();
    let copy = instance_copy(&d, k, "web-new");
    let at = d.instances.len();
    assert!(insert(&mut d, &mut idx, at, Object::Instance(copy)));
    let after = idx.eni(&owner).unwrap().private_ip;
    assert_eq!(u32::from(after), u32::from(before) + 1);
    let r = ObjectRef::new(ObjectKind::Instance, "web-new");
    assert!(remove(&mut d, &mut idx, &r).unwrap().2);
    assert_eq!(idx.eni(&owner).unwrap().private_ip, before);
}

// EC2 User Guide, "Public IPv4 addresses": an auto-assigned public address
// comes from Amazon's pool, numbered here over every interface in order and
// then the regional NAT gateways' addresses (VPC User Guide, "Regional NAT
// gateways"), so one more at the front renumbers all the others.
#[test]
fn an_auto_public_instance_inserted_first_renumbers_later_public_addresses() {
    let mut d = small_design();
    let vpc = d.vpcs[0].name.clone();
    d.nat_gateways.push(NatGateway::regional("nat-regional", vpc));
    let mut idx = DesignIndex::new(&d);
    let original = idx.clone();
    let pool = |ip: &Ipv4Addr| ip.octets()[..2] == [54, 160];
    let last_public = |idx: &DesignIndex| idx.enis.iter().rev().find_map(|e| e.public_ip.filter(pool));
    let regional = |idx: &DesignIndex| idx.regional_nat_addresses[0].public_ip;
    let (last, nat) = (last_public(&idx).unwrap(), regional(&idx));
    let k = d
        .instances
        .iter()
        .position(|i| d.subnets.iter().any(|s| s.name == i.subnet && s.map_public_ip));
    let mut copy = instance_copy(&d, k.unwrap(), "web-first");
    copy.public_ip = Some(true);
    assert!(insert(&mut d, &mut idx, 0, Object::Instance(copy)));
    assert_eq!(u32::from(last_public(&idx).unwrap()), u32::from(last) + 1);
    assert_eq!(u32::from(regional(&idx)), u32::from(nat) + 1);
    let r = ObjectRef::new(ObjectKind::Instance, "web-first");
    assert!(remove(&mut d, &mut idx, &r).unwrap().2);
    assert_eq!(idx, original);
}

#[test]
fn secondary_interfaces_follow_their_instance() {
    let mut d = small_design();
    let other_subnet = d.subnets[1].name.clone();
    let sg = d.security_groups[0].name.clone();
    let eni = |name: &str, subnet: &str| NetworkInterface {
        owner: None,
        name: name.into(),
        subnet: subnet.into(),
        private_ip: None,
        security_groups: vec![sg.clone(), "ghost-sg".into()],
        source_dest_check: false,
    };
    let (shared, own_subnet) = (eni("eni-shared", &other_subnet), d.instances[1].subnet.clone());
    d.instances[1].secondary_interfaces = vec![eni("eni-x", &own_subnet), shared.clone()];
    d.instances[4].secondary_interfaces = vec![shared];
    let mut idx = DesignIndex::new(&d);
    let original = idx.clone();
    // A copy between the two keeps the interface names: three instances now
    // hold an interface named `eni-shared`, listed in instance order.
    let copy = instance_copy(&d, 1, "a-copy");
    assert!(insert(&mut d, &mut idx, 3, Object::Instance(copy)));
    let holders: Vec<&str> = idx.lookup("eni-shared").iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        holders,
        [d.instances[1].name.as_str(), "a-copy", d.instances[5].name.as_str()]
    );
    assert!(idx
        .eni(&EniOwner::SecondaryInterface("a-copy".into(), "eni-x".into()))
        .is_some());
    let r = ObjectRef::new(ObjectKind::Instance, "a-copy");
    assert!(remove(&mut d, &mut idx, &r).unwrap().2);
    assert_eq!(idx, original);
    // Removing and restoring an instance with secondary interfaces in the middle.
    let r = ObjectRef::new(ObjectKind::Instance, d.instances[1].name.clone());
    let (at, o, followed) = remove(&mut d, &mut idx, &r).unwrap();
    assert!(followed);
    assert!(idx.lookup("eni-x").is_empty());
    assert!(insert(&mut d, &mut idx, at, o));
    assert_eq!(idx, original);
}

// VPC User Guide, "Subnet CIDR blocks": a /28 has 16 addresses, of which AWS
// reserves five; the twelfth interface finds none.
#[test]
fn a_subnet_that_runs_out_of_addresses_is_exhausted_until_an_instance_leaves() {
    let mut d = small_design();
    let k = 0;
    let subnet = d.instances[k].subnet.clone();
    let s = d.subnets.iter().position(|x| x.name == subnet).unwrap();
    d.subnets[s].cidr = Ipv4Net::new(d.subnets[s].cidr.network(), 28).unwrap();
    let mut idx = DesignIndex::new(&d);
    let mut n = 0;
    while idx.enis_in_subnet(&subnet).count() < 11 {
        let copy = instance_copy(&d, k, &format!("fill-{n}"));
        assert!(insert(&mut d, &mut idx, k, Object::Instance(copy)));
        assert!(idx.exhausted_subnets.is_empty());
        n += 1;
    }
    let copy = instance_copy(&d, k, "one-too-many");
    assert!(insert(&mut d, &mut idx, 0, Object::Instance(copy)));
    assert_eq!(idx.exhausted_subnets, std::slice::from_ref(&subnet));
    // The last interface of the subnet in order went without an address.
    let last = idx.enis_in_subnet(&subnet).last().unwrap();
    assert!(last.private_ip.is_unspecified());
    let r = ObjectRef::new(ObjectKind::Instance, "fill-0");
    assert!(remove(&mut d, &mut idx, &r).unwrap().2);
    assert!(idx.exhausted_subnets.is_empty());
}

#[test]
fn duplicate_names_follow_or_rebuild_exactly() {
    let mut d = small_design();
    let mut idx = DesignIndex::new(&d);
    // An instance named like a VPC: the name stands for both, VPC first.
    let vpc = d.vpcs[0].name.clone();
    let named_like_vpc = instance_copy(&d, 0, &vpc);
    assert!(insert(&mut d, &mut idx, 2, Object::Instance(named_like_vpc)));
    let kinds: Vec<ObjectKind> = idx.lookup(&vpc).iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [ObjectKind::Vpc, ObjectKind::Instance]);
    // A route table named like an instance, before every other table.
    let mut rt = d.route_tables[0].clone();
    rt.name = d.instances[3].name.clone();
    assert!(insert(&mut d, &mut idx, 0, Object::RouteTable(rt.clone())));
    // A second one of that name, then the first removed: positions stay exact.
    assert!(insert(&mut d, &mut idx, 3, Object::RouteTable(rt.clone())));
    assert!(
        remove(
            &mut d,
            &mut idx,
            &ObjectRef::new(ObjectKind::RouteTable, rt.name.clone())
        )
        .unwrap()
        .2
    );
    assert_eq!(idx.route_table(&d, &rt.name).map(|t| &t.name), Some(&rt.name));
    // An instance named like another shares its interfaces' owners: rebuilt.
    let twin = instance_copy(&d, 5, &d.instances[5].name.clone());
    assert!(!insert(&mut d, &mut idx, 0, Object::Instance(twin)));
    let r = ObjectRef::new(ObjectKind::Instance, d.instances[0].name.clone());
    assert!(!remove(&mut d, &mut idx, &r).unwrap().2);
    // Two secondary interfaces of one name share an owner: rebuilt.
    let mut twice = instance_copy(&d, 1, "twice");
    let e = NetworkInterface {
        owner: None,
        name: "eni-twice".into(),
        subnet: twice.subnet.clone(),
        private_ip: None,
        security_groups: Vec::new(),
        source_dest_check: true,
    };
    twice.secondary_interfaces = vec![e.clone(), e];
    assert!(!insert(&mut d, &mut idx, 1, Object::Instance(twice)));
}

#[test]
fn an_instance_holding_a_nat_gateways_elastic_ip_is_rebuilt() {
    // Whether the NAT gateway fails (Resource.AlreadyAssociated) depends on it.
    let mut d = small_design();
    let mut idx = DesignIndex::new(&d);
    let mut copy = instance_copy(&d, 0, "eip-holder");
    copy.elastic_ip = d.nat_gateways[0].elastic_ip.clone();
    assert!(!insert(&mut d, &mut idx, 0, Object::Instance(copy)));
}

#[test]
fn security_groups_follow_with_the_interfaces_that_carry_their_name() {
    let mut d = small_design();
    d.instances[0].security_groups.push("ghost-sg".into());
    let mut idx = DesignIndex::new(&d);
    let original = idx.clone();
    // A namesake at the front is now the group the name stands for.
    let mut twin = d.security_groups[1].clone();
    let name = twin.name.clone();
    let carriers = idx.enis_with_sg(&name).count();
    assert!(carriers > 0);
    twin.description = Some("twin".into());
    assert!(insert(&mut d, &mut idx, 0, Object::SecurityGroup(twin)));
    let group = idx.security_group(&d, &name).unwrap();
    assert_eq!(group.description.as_deref(), Some("twin"));
    assert_eq!(idx.enis_with_sg(&name).count(), carriers);
    let r = ObjectRef::new(ObjectKind::SecurityGroup, name);
    assert!(remove(&mut d, &mut idx, &r).unwrap().2);
    assert_eq!(idx, original);
    // A group under a name only an interface used so far.
    let mut ghost = d.security_groups[0].clone();
    ghost.name = "ghost-sg".into();
    assert!(insert(&mut d, &mut idx, 1, Object::SecurityGroup(ghost)));
    assert_eq!(idx.enis_with_sg("ghost-sg").count(), 1);
    let r = ObjectRef::new(ObjectKind::SecurityGroup, "ghost-sg");
    assert!(remove(&mut d, &mut idx, &r).unwrap().2);
    assert_eq!(idx, original);
}

#[test]
fn a_subnet_added_under_a_name_an_instance_already_named_gives_it_an_address() {
    let mut d = small_design();
    let mut early = instance_copy(&d, 2, "early");
    early.subnet = "subnet-later".into();
    d.instances.push(early);
    let mut idx = DesignIndex::new(&d);
    let original = idx.clone();
    let owner = EniOwner::Instance("early".into());
    assert!(idx.eni(&owner).unwrap().private_ip.is_unspecified());
    let mut s = d.subnets[1].clone();
    assert!(!s.map_public_ip);
    s.name = "subnet-later".into();
    s.cidr = "10.99.0.0/28".parse().unwrap();
    assert!(insert(&mut d, &mut idx, 1, Object::Subnet(s.clone())));
    assert_eq!(idx.eni(&owner).unwrap().private_ip, Ipv4Addr::new(10, 99, 0, 4));
    let r = ObjectRef::new(ObjectKind::Subnet, "subnet-later");
    assert!(remove(&mut d, &mut idx, &r).unwrap().2);
    assert_eq!(idx, original);
    // With automatic public addresses on, the instance would take one from
    // the pool and renumber the others: rebuilt.
    s.map_public_ip = true;
    assert!(!insert(&mut d, &mut idx, 1, Object::Subnet(s)));
    // A namesake in front of a subnet takes over its interfaces: rebuilt.
    let twin = d.subnets[0].clone();
    assert!(!insert(&mut d, &mut idx, 0, Object::Subnet(twin)));
}

// VPC User Guide, "Regional NAT gateways": in automatic mode the NAT gateway
// has an address in every AZ where its VPC has subnets.
#[test]
fn subnets_that_give_or_take_a_regional_nat_gateway_an_az_are_rebuilt() {
    let mut d = small_design();
    let vpc = d.vpcs[0].name.clone();
    d.nat_gateways.push(NatGateway::regional("nat-regional", vpc));
    let mut idx = DesignIndex::new(&d);
    let mut s = d.subnets[1].clone();
    s.name = "same-az".into();
    assert!(insert(&mut d, &mut idx, 2, Object::Subnet(s.clone())));
    assert!(
        remove(&mut d, &mut idx, &ObjectRef::new(ObjectKind::Subnet, "same-az"))
            .unwrap()
            .2
    );
    s.name = "new-az".into();
    s.az = "us-east-1f".into();
    assert!(!insert(&mut d, &mut idx, 2, Object::Subnet(s.clone())));
    assert!(
        !remove(&mut d, &mut idx, &ObjectRef::new(ObjectKind::Subnet, "new-az"))
            .unwrap()
            .2
    );
    // Moving a subnet to another AZ in place moves the addresses too.
    let old = Object::Subnet(d.subnets[1].clone());
    let new = Object::Subnet(Subnet {
        az: "us-east-1f".into(),
        ..d.subnets[1].clone()
    });
    d.put(new.clone());
    assert!(!follow(&mut idx, &d, |x| x.update_in_place(&d, &old, &new)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    /// Random inserts of copies (new names) of objects of any kind at any
    /// position, removals, removed objects put back where they were, and
    /// renames (to new names and to names references already hold):
    /// after each, the index either followed and equals a rebuild, or
    /// refused and is unchanged.
    #[test]
    fn inserts_removals_and_renames_follow_or_leave_the_index_unchanged(
        seed in 0u64..1000,
        tweaks in proptest::collection::vec(0u8..=255, 0..12),
        ops in proptest::collection::vec((0u8..4, 0usize..10_000, 0usize..10_000), 1..24),
    ) {
        let mut d = messy_design(seed, &tweaks);
        if seed % 3 == 0 {
            let vpc = d.vpcs[0].name.clone();
            d.nat_gateways.push(NatGateway::regional("nat-regional", vpc));
        }
        let mut idx = DesignIndex::new(&d);
        let mut removed: Vec<(usize, Object)> = Vec::new();
        for (n, (op, a, b)) in ops.into_iter().enumerate() {
            let refs = d.object_refs();
            match op {
                0 => {
                    let kind = if a % 3 == 0 {
                        ObjectKind::Instance
                    } else {
                        ObjectKind::ALL[a / 3 % ObjectKind::ALL.len()]
                    };
                    let of_kind: Vec<&ObjectRef> = refs.iter().filter(|r| r.kind == kind).collect();
                    let Some(mut o) = of_kind.get(b % of_kind.len().max(1)).and_then(|r| d.get(r)) else {
                        continue;
                    };
                    o.set_name(format!("copy-{n}"));
                    // Mostly new interface names too; sometimes the copied ones.
                    if let Object::Instance(i) = &mut o {
                        if b % 3 != 0 {
                            for (k, e) in i.secondary_interfaces.iter_mut().enumerate() {
                                e.name = format!("copy-{n}-eni-{k}");
                            }
                        }
                    }
                    let at = b / 3 % (d.count(kind) + 1);
                    insert(&mut d, &mut idx, at, o);
                }
                1 => {
                    let Some(r) = refs.get(a % refs.len().max(1)) else { continue };
                    if let Some((at, o, _)) = remove(&mut d, &mut idx, r) {
                        removed.push((at, o));
                    }
                }
                2 => {
                    if removed.is_empty() {
                        continue;
                    }
                    let (at, o) = removed.remove(a % removed.len());
                    insert(&mut d, &mut idx, at, o);
                }
                _ => {
                    // A new name, or one a (dangling) reference already holds.
                    let Some(r) = refs.get(a % refs.len().max(1)) else { continue };
                    let mut referenced = Vec::new();
                    d.for_each_reference(|_, _, _, name| referenced.push(name.clone()));
                    let to = match referenced.get(b % referenced.len().max(1)) {
                        Some(name) if b % 4 == 0 => name.clone(),
                        _ => format!("renamed-{n}"),
                    };
                    rename(&mut d, &mut idx, r, &to);
                }
            }
        }
    }
}

/// Renaming an instance, a subnet, a security group and a NAT gateway moves
/// their names through the index without a rebuild (the interfaces that
/// name them included), and renaming them back restores it.
#[test]
fn renames_follow_without_a_rebuild() {
    let mut d = small_design();
    let mut idx = DesignIndex::new(&d);
    let targets = [
        ObjectRef::new(ObjectKind::Instance, &d.instances[1].name),
        ObjectRef::new(ObjectKind::Subnet, &d.subnets[0].name),
        ObjectRef::new(ObjectKind::SecurityGroup, &d.security_groups[0].name),
        ObjectRef::new(ObjectKind::NatGateway, &d.nat_gateways[0].name),
    ];
    for r in targets {
        let to = format!("{}-renamed", r.name);
        assert_eq!(rename(&mut d, &mut idx, &r, &to), Some(true), "renaming {r}");
        let back = ObjectRef::new(r.kind, &to);
        assert_eq!(
            rename(&mut d, &mut idx, &back, &r.name),
            Some(true),
            "renaming {r} back"
        );
    }
}
