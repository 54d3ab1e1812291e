//! Each network interface's private address: fixed addresses kept, the
//! others given the next free usable address of their subnet (AWS reserves
//! the first four and the last address of every subnet: VPC User Guide,
//! "Subnet CIDR blocks").

use std::net::{Ipv4Addr, Ipv6Addr};

use super::*;

/// One interface before its private address is resolved.
pub(super) struct Pending<'d> {
    pub(super) owner: EniOwner,
    pub(super) subnet: &'d str,
    pub(super) fixed: Option<Ipv4Addr>,
    /// An Elastic IP's address.
    pub(super) public: Option<Ipv4Addr>,
    /// Whether it gets an auto-assigned public address (when it has no Elastic IP).
    pub(super) auto_public: bool,
    pub(super) ipv6: Option<Ipv6Addr>,
    pub(super) sgs: &'d [String],
    pub(super) sdc: bool,
}

impl Pending<'_> {
    /// Whether the interface takes a number from the auto-assigned public pool.
    pub(super) fn takes_auto_public(&self) -> bool {
        self.public.is_none() && self.auto_public
    }

    /// The interface with `private_ip` and `public_ip` as resolved.
    pub(super) fn into_eni(self, private_ip: Ipv4Addr, public_ip: Option<Ipv4Addr>) -> Eni {
        Eni {
            owner: self.owner,
            subnet: self.subnet.to_string(),
            private_ip,
            fixed: self.fixed.is_some(),
            public_ip,
            ipv6: self.ipv6,
            security_groups: self.sgs.to_vec(),
            source_dest_check: self.sdc,
        }
    }
}

/// The `n`th auto-assigned public address (counted from 1). Auto-assigned
/// public IPv4 addresses come from Amazon's pool; the design does not know
/// them, so they are numbered from 54.160.0.0.
pub(super) fn auto_public_address(n: u32) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(Ipv4Addr::new(54, 160, 0, 0)) + n)
}

impl DesignIndex {
    /// The address of the Elastic IP `name` names, if it exists.
    fn elastic_ip_address(&self, d: &Design, name: &Option<String>) -> Option<Ipv4Addr> {
        name.as_ref()
            .and_then(|n| self.position(ObjectKind::ElasticIp, n))
            .map(|i| d.elastic_ips[i].address)
    }

    /// An instance's interfaces, primary first, as [`DesignIndex::assign_addresses`] lists them.
    pub(super) fn instance_interfaces<'d>(&self, d: &'d Design, i: &'d Instance, out: &mut Vec<Pending<'d>>) {
        let subnet_maps = self
            .position(ObjectKind::Subnet, &i.subnet)
            .is_some_and(|s| d.subnets[s].map_public_ip);
        let public = self.elastic_ip_address(d, &i.elastic_ip);
        out.push(Pending {
            owner: EniOwner::Instance(i.name.clone()),
            subnet: &i.subnet,
            fixed: i.private_ip,
            public,
            auto_public: public.is_none() && i.public_ip.unwrap_or(subnet_maps),
            ipv6: i.ipv6,
            sgs: &i.security_groups,
            sdc: i.source_dest_check,
        });
        for e in &i.secondary_interfaces {
            out.push(Pending {
                owner: EniOwner::SecondaryInterface(i.name.clone(), e.name.clone()),
                subnet: &e.subnet,
                fixed: e.private_ip,
                public: None,
                auto_public: false,
                ipv6: None,
                sgs: &e.security_groups,
                sdc: e.source_dest_check,
            });
        }
    }

    /// Resolves every interface's private address. Fixed addresses are kept;
    /// the others take the next free usable address of their subnet, in file order.
    pub(super) fn assign_addresses(&mut self, d: &Design) {
        let eip = |name: &Option<String>| self.elastic_ip_address(d, name);
        let subnet_of = |name: &str| self.position(ObjectKind::Subnet, name);
        let mut pending: Vec<Pending> = Vec::with_capacity(d.instances.len() + d.nat_gateways.len());
        for i in &d.instances {
            self.instance_interfaces(d, i, &mut pending);
        }
        // A NAT gateway whose Elastic IP another resource holds fails and has no public address.
        let failed: Vec<&str> = if d.nat_gateways.iter().any(|n| n.elastic_ip.is_some()) {
            super::super::nat_eip_conflicts(d).into_iter().map(|c| c.nat).collect()
        } else {
            Vec::new()
        };
        // A regional NAT gateway has no interface in a subnet of the design
        // (its addresses are numbered below); a zonal one without a subnet is
        // refused by validation.
        for n in d.nat_gateways.iter().filter(|n| !n.is_regional()) {
            let Some(subnet) = n.subnet.as_deref() else {
                continue;
            };
            pending.push(Pending {
                owner: EniOwner::NatGateway(n.name.clone()),
                subnet,
                fixed: n.private_ip,
                public: if n.connectivity == NatConnectivity::Public && !failed.contains(&n.name.as_str()) {
                    eip(&n.elastic_ip)
                } else {
                    None
                },
                auto_public: false,
                ipv6: None,
                sgs: &[],
                sdc: false,
            });
        }
        for lb in &d.load_balancers {
            for s in &lb.subnets {
                pending.push(Pending {
                    owner: EniOwner::LoadBalancer(lb.name.clone(), s.clone()),
                    subnet: s,
                    fixed: None,
                    public: None,
                    auto_public: lb.scheme == LoadBalancerScheme::InternetFacing
                        && lb.kind != LoadBalancerKind::Gateway,
                    ipv6: None,
                    sgs: &lb.security_groups,
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
                        subnet: s,
                        fixed: ep.address_in(s),
                        public: None,
                        auto_public: false,
                        ipv6: None,
                        sgs: security_groups,
                        sdc: true,
                    });
                }
            }
            // A Gateway Load Balancer endpoint is one ENI without security groups; it
            // forwards traffic not addressed to it, so no source/destination check.
            if let EndpointKind::GatewayLoadBalancer { subnet } = &ep.kind {
                pending.push(Pending {
                    owner: EniOwner::Endpoint(ep.name.clone(), subnet.clone()),
                    subnet,
                    fixed: None,
                    public: None,
                    auto_public: false,
                    ipv6: None,
                    sgs: &[],
                    sdc: false,
                });
            }
        }
        for fw in &d.firewalls {
            for s in &fw.subnets {
                pending.push(Pending {
                    owner: EniOwner::Firewall(fw.name.clone(), s.clone()),
                    subnet: s,
                    fixed: None,
                    public: None,
                    auto_public: false,
                    ipv6: None,
                    sgs: &[],
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
                            subnet: s,
                            fixed: None,
                            public: None,
                            auto_public: false,
                            ipv6: None,
                            sgs: &[],
                            sdc: false,
                        });
                    }
                }
            }
        }

        // Per existing subnet: the fixed addresses in it and the auto-assignment
        // cursor. Auto-assigned addresses only move forward, so an automatic
        // address can only collide with a fixed one, never with an earlier automatic one.
        // Consecutive interfaces mostly share a subnet: the last answer is kept.
        let mut last: Option<(&str, Option<usize>)> = None;
        let subnet_pos: Vec<Option<usize>> = pending
            .iter()
            .map(|p| match last {
                Some((name, s)) if name == p.subnet => s,
                _ => {
                    let s = subnet_of(p.subnet);
                    last = Some((p.subnet, s));
                    s
                }
            })
            .collect();
        let mut fixed_in: Vec<Vec<Ipv4Addr>> = vec![Vec::new(); d.subnets.len()];
        for (p, s) in pending.iter().zip(&subnet_pos) {
            if let (Some(ip), Some(s)) = (p.fixed, s) {
                fixed_in[*s].push(ip);
            }
        }
        for f in &mut fixed_in {
            f.sort_unstable();
        }
        let mut cursor: Vec<u64> = vec![0; d.subnets.len()];
        let mut public_counter: u32 = 0;
        let mut auto_public = Vec::new();
        let mut exhausted = std::collections::BTreeSet::new();
        let mut enis = Vec::with_capacity(pending.len());
        for (p, s) in pending.into_iter().zip(subnet_pos.iter().copied()) {
            let ip = match (p.fixed, s) {
                (Some(ip), _) => ip,
                (None, None) => Ipv4Addr::UNSPECIFIED,
                (None, Some(s)) => {
                    let cidr = d.subnets[s].cidr;
                    let next = &mut cursor[s];
                    let mut found = None;
                    while let Some(ip) = cidr::nth_usable(cidr, *next) {
                        *next += 1;
                        if fixed_in[s].binary_search(&ip).is_err() {
                            found = Some(ip);
                            break;
                        }
                    }
                    found.unwrap_or_else(|| {
                        exhausted.insert(p.subnet);
                        Ipv4Addr::UNSPECIFIED
                    })
                }
            };
            let public = if p.takes_auto_public() {
                public_counter += 1;
                auto_public.push(enis.len() as u32);
                Some(auto_public_address(public_counter))
            } else {
                p.public
            };
            enis.push(p.into_eni(ip, public));
        }
        self.auto_public = auto_public;
        self.exhausted_subnets = exhausted.into_iter().map(str::to_string).collect();
        // A regional NAT gateway in automatic mode gets an Amazon-provided
        // address in every AZ where its VPC has subnets, and follows them as
        // they come and go (EC2 API reference, `NatGateway.AutoProvisionZones`).
        // Like auto-assigned public addresses, the design cannot know them: they
        // are numbered on from the same pool, after every interface, so adding a
        // regional NAT gateway renumbers nothing else.
        let mut regional = Vec::new();
        for n in d.nat_gateways.iter().filter(|n| n.is_regional()) {
            let Some(vpc) = n.vpc.as_deref() else {
                continue;
            };
            let azs: std::collections::BTreeSet<&str> = d
                .subnets
                .iter()
                .filter(|s| s.vpc == vpc)
                .map(|s| s.az.as_str())
                .collect();
            for az in azs {
                public_counter += 1;
                regional.push(RegionalNatAddress {
                    nat: n.name.clone(),
                    az: az.to_string(),
                    public_ip: auto_public_address(public_counter),
                });
            }
        }
        self.regional_nat_addresses = regional;
        self.eni_by_owner.reserve(&enis, enis.len());
        for (i, e) in enis.iter().enumerate() {
            self.eni_by_owner.insert(&enis, i);
            if !e.private_ip.is_unspecified() {
                self.eni_by_ip.push((e.private_ip, i as u32));
            }
            if let Some(s) = subnet_pos[i] {
                self.eni_by_subnet.push((s as u32, i as u32));
            }
        }
        self.enis = enis;
        // Both tables are a few long sorted runs (interfaces come subnet by
        // subnet), which the stable sort merges in close to one pass.
        self.eni_by_ip.sort();
        self.eni_by_subnet.sort();
        // What `sg_pairs` gives each interface, with the last group's position kept.
        let mut by_sg = Vec::with_capacity(self.enis.len());
        let mut last: Option<(&str, Option<usize>)> = None;
        for (i, e) in self.enis.iter().enumerate() {
            for g in &e.security_groups {
                let p = match last {
                    Some((name, p)) if name == g => p,
                    _ => {
                        let p = self.position(ObjectKind::SecurityGroup, g);
                        last = Some((g, p));
                        p
                    }
                };
                if let Some(p) = p {
                    by_sg.push((p as u32, i as u32));
                }
            }
        }
        by_sg.sort_unstable();
        by_sg.dedup();
        self.eni_by_sg = by_sg;
    }
}
