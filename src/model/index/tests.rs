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
