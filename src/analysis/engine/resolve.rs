//! Resolving a query's endpoints: which ENI, subnet, internet address,
//! on-premises network or AWS service sends the packet, and which one must
//! receive it.

use super::*;

pub(super) enum DestErr {
    Query(QueryError),
    /// The destination cannot be addressed from this source; the address is the packet's
    /// destination to show (the ENI's private IPv4, or `::` when an IPv6 query finds none).
    Blocked(Box<Stop>, IpAddr),
}

#[derive(Debug, Clone)]
pub(super) enum Start {
    Eni(usize),
    SubnetHost(usize),
    Internet,
    OnPrem(String),
}

#[derive(Debug, Clone)]
pub(super) struct Source {
    pub(super) at: Start,
    pub(super) addr: IpAddr,
    /// The client's ephemeral port range and default source port.
    pub(super) ephemeral: (PortRange, u16),
}

impl Source {
    /// Whether this source reaches ENI `e` over private addressing.
    pub(super) fn private_reach_to(&self, an: &Analyzer<'_>, e: usize) -> bool {
        let Some(dv) = an.eni_vpc(e) else {
            return false;
        };
        match &self.at {
            Start::Eni(x) => match an.eni_vpc(*x) {
                Some(sv) => sv == dv || vpcs_connected(an, sv, dv),
                None => false,
            },
            Start::SubnetHost(s) => {
                let sv = an.subnets[*s].vpc;
                sv == dv || vpcs_connected(an, sv, dv)
            }
            Start::Internet => false,
            Start::OnPrem(n) => {
                an.d.onprem_networks
                    .iter()
                    .find(|x| &x.name == n)
                    .is_some_and(|x| x.customer_gateway.is_some() || x.dx_connection.is_some())
            }
        }
    }
}

/// Peered (any state: routing explains inactive ones) or attached to a common TGW.
pub(super) fn vpcs_connected(an: &Analyzer<'_>, a: usize, b: usize) -> bool {
    an.connected.get(a * an.vpcs.len() + b).copied().unwrap_or(false)
}

#[derive(Debug, Clone)]
pub(super) struct Dest {
    pub(super) addr: IpAddr,
    pub(super) expect: Expect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Expect {
    Eni(usize),
    SubnetHost(usize),
    Internet,
    OnPrem(String),
    Service(String),
    /// An address no subnet, on-premises network, service or internet host
    /// holds: the packet is walked to wherever routing takes it and stopped
    /// there (Reachability Analyzer accepts any IP destination and answers
    /// NO_ROUTE_TO_DESTINATION or NO_POSSIBLE_DESTINATION).
    Nowhere,
}

/// A hypothetical host of a subnet: its last usable IPv4 address (or an IPv6 one).
pub(super) fn subnet_host(s: &CSubnet, v6: bool) -> Option<IpAddr> {
    for c in &s.cidrs {
        match c {
            IpNet::V4(n) if !v6 => {
                let last = u32::from(n.broadcast()).saturating_sub(1);
                return Some(IpAddr::V4(Ipv4Addr::from(last)));
            }
            IpNet::V6(n) if v6 => {
                let a = u128::from(n.network()) + 0xffff;
                return Some(IpAddr::V6(Ipv6Addr::from(a)));
            }
            _ => {}
        }
    }
    None
}

pub(super) fn v4_contains(c: &ipnet::Ipv4Net, ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => c.contains(&a),
        IpAddr::V6(_) => false,
    }
}

/// The AWS service whose (representative) address is `ip`.
pub(super) fn service_at(d: &Design, ip: IpAddr) -> Option<String> {
    for svc in ["s3", "dynamodb"] {
        if crate::model::index::prefix_list_cidrs(d, svc)
            .iter()
            .chain(&crate::model::index::prefix_list_cidrs_v6(svc))
            .any(|c| c.contains(&ip))
        {
            return Some(svc.to_string());
        }
    }
    crate::model::AWS_SERVICES
        .iter()
        .find(|s| service_address(d, s) == ip)
        .map(|s| s.to_string())
}

impl<'w, 'a> Walk<'w, 'a> {
    pub(super) fn resolve_source(&mut self, from: &Endpoint, v6: bool, text: &str) -> Result<Source, QueryError> {
        let an = self.an;
        let linux = (PortRange { from: 32768, to: 61000 }, 40000);
        let windows = (PortRange { from: 49152, to: 65535 }, 50000);
        let generic = (PortRange::EPHEMERAL, 40000);
        match from {
            Endpoint::Eni { owner, name } => {
                if let EniOwner::Endpoint(..) = owner {
                    // RA VPCE_INTRA_VPC_TRAFFIC: an endpoint cannot initiate connections.
                    return Err(QueryError::NotAnEndpoint {
                        name: name.clone(),
                        kind: "interface endpoint".into(),
                        role: "source",
                        why: "an interface endpoint only answers connections; trace to it instead".into(),
                    });
                }
                let e = an
                    .eni_index(owner)
                    .ok_or_else(|| QueryError::Invalid(name.clone(), "has no network interface".into()))?;
                let eni = &an.idx.enis[e];
                let addr = if v6 {
                    IpAddr::V6(eni.ipv6.ok_or_else(|| {
                        QueryError::Invalid(name.clone(), "has no IPv6 address for an IPv6 query".into())
                    })?)
                } else {
                    IpAddr::V4(eni.private_ip)
                };
                let eph = match &eni.owner {
                    EniOwner::Instance(i) | EniOwner::SecondaryInterface(i, _) => {
                        match an.pos(ObjectKind::Instance, i).map(|x| an.d.instances[x].os) {
                            Some(OsFamily::Windows) => windows,
                            _ => linux,
                        }
                    }
                    _ => generic,
                };
                Ok(Source {
                    at: Start::Eni(e),
                    addr,
                    ephemeral: eph,
                })
            }
            Endpoint::LoadBalancer(lb) => {
                let l = an
                    .idx
                    .load_balancer(an.d, lb)
                    .ok_or_else(|| QueryError::Invalid(lb.clone(), "load balancer not found".into()))?;
                let e = l
                    .subnets
                    .iter()
                    .find_map(|s| an.eni_index(&EniOwner::LoadBalancer(lb.clone(), s.clone())))
                    .ok_or_else(|| QueryError::Invalid(lb.clone(), "the load balancer has no subnet".into()))?;
                Ok(Source {
                    at: Start::Eni(e),
                    addr: IpAddr::V4(an.idx.enis[e].private_ip),
                    ephemeral: generic,
                })
            }
            Endpoint::Subnet(s) => {
                let si = *an
                    .subnet_by_name
                    .get(s)
                    .ok_or_else(|| QueryError::Invalid(s.clone(), "subnet not found".into()))?;
                let addr = subnet_host(&an.subnets[si], v6)
                    .ok_or_else(|| QueryError::Invalid(s.clone(), "the subnet has no IPv6 block".into()))?;
                Ok(Source {
                    at: Start::SubnetHost(si),
                    addr,
                    ephemeral: linux,
                })
            }
            Endpoint::Internet(ip) => Ok(Source {
                at: Start::Internet,
                addr: *ip,
                ephemeral: generic,
            }),
            Endpoint::OnPrem { network, ip } => Ok(Source {
                at: Start::OnPrem(network.clone()),
                addr: *ip,
                ephemeral: generic,
            }),
            Endpoint::Service(s) => Err(QueryError::NotAnEndpoint {
                name: s.clone(),
                kind: "AWS service".into(),
                role: "source",
                why: "services answer connections but do not open them; trace to the service instead".into(),
            }),
            Endpoint::Ip(ip) => {
                if let Some(&e) = an.eni_by_ip.get(ip).and_then(|v| v.first()) {
                    return Ok(Source {
                        at: Start::Eni(e),
                        addr: *ip,
                        ephemeral: generic,
                    });
                }
                if let Some(v) = an.vpc_of_ip(*ip) {
                    if let Some(s) = an.subnet_in_vpc(v, *ip) {
                        return Ok(Source {
                            at: Start::SubnetHost(s),
                            addr: *ip,
                            ephemeral: linux,
                        });
                    }
                }
                if let IpAddr::V4(a) = ip {
                    if let Some(n) =
                        an.d.onprem_networks
                            .iter()
                            .find(|n| n.cidrs.iter().any(|c| c.contains(a)))
                    {
                        return Ok(Source {
                            at: Start::OnPrem(n.name.clone()),
                            addr: *ip,
                            ephemeral: generic,
                        });
                    }
                }
                if is_public(*ip) {
                    return Ok(Source {
                        at: Start::Internet,
                        addr: *ip,
                        ephemeral: generic,
                    });
                }
                // A private address outside every VPC and declared network can only be
                // a host on premises whose prefix is not declared: it sends from the
                // first on-premises network with a VPN or Direct Connect path, and the
                // reply finds no route back unless that path carries the address.
                let in_vpc = an.vpc_of_ip(*ip).is_some();
                if let Some(n) =
                    an.d.onprem_networks
                        .iter()
                        .find(|n| !in_vpc && (n.customer_gateway.is_some() || n.dx_connection.is_some()))
                {
                    let name = n.name.clone();
                    self.note(|| {
                        format!("{ip} is in no declared network: it is sent as a host of on-prem network {name}")
                    });
                    return Ok(Source {
                        at: Start::OnPrem(n.name.clone()),
                        addr: *ip,
                        ephemeral: generic,
                    });
                }
                let why = if in_vpc {
                    "the address is inside a VPC's range but in no subnet, so no host can send from it"
                } else {
                    "the address is in no subnet, declared on-prem network or the internet, and the design has no \
                     on-prem network with a VPN or Direct Connect to send it from"
                };
                Err(QueryError::Invalid(text.into(), why.into()))
            }
        }
    }

    pub(super) fn resolve_dest(&mut self, src: &Source, to: &Endpoint, v6: bool, text: &str) -> Result<Dest, DestErr> {
        let an = self.an;
        match to {
            Endpoint::Eni { owner, name } => {
                let e = an.eni_index(owner).ok_or_else(|| {
                    DestErr::Query(QueryError::Invalid(name.clone(), "has no network interface".into()))
                })?;
                self.dest_eni(src, e, v6)
            }
            Endpoint::LoadBalancer(_) => Err(DestErr::Query(QueryError::Invalid(text.into(), "load balancer".into()))),
            Endpoint::Subnet(s) => {
                let si = *an
                    .subnet_by_name
                    .get(s)
                    .ok_or_else(|| DestErr::Query(QueryError::Invalid(s.clone(), "subnet not found".into())))?;
                let addr = subnet_host(&an.subnets[si], v6).ok_or_else(|| {
                    DestErr::Query(QueryError::Invalid(s.clone(), "the subnet has no IPv6 block".into()))
                })?;
                Ok(Dest {
                    addr,
                    expect: Expect::SubnetHost(si),
                })
            }
            Endpoint::Internet(ip) => Ok(Dest {
                addr: *ip,
                expect: Expect::Internet,
            }),
            Endpoint::OnPrem { network, ip } => Ok(Dest {
                addr: *ip,
                expect: Expect::OnPrem(network.clone()),
            }),
            Endpoint::Service(svc) => {
                // An interface endpoint with private DNS in the source VPC answers for the service.
                let src_vpc = match &src.at {
                    Start::Eni(e) => an.eni_vpc(*e),
                    Start::SubnetHost(s) => Some(an.subnets[*s].vpc),
                    _ => None,
                };
                let src_az = match &src.at {
                    Start::Eni(e) => an.eni_subnet[*e].map(|s| an.subnets[s].az.clone()),
                    Start::SubnetHost(s) => Some(an.subnets[*s].az.clone()),
                    _ => None,
                };
                // Private DNS answers only when the VPC has both DNS support and DNS
                // hostnames on ("To use a private hosted zone, you must set the VPC
                // attributes enableDnsHostnames and enableDnsSupport to true": EC2 API,
                // CreateVpcEndpoint PrivateDnsEnabled). Otherwise the service name
                // resolves to the Region's public addresses (PrivateLink guide, DNS).
                let private_dns_works = |vname: &str| {
                    an.d.vpcs
                        .iter()
                        .find(|x| x.name == vname)
                        .is_some_and(|x| x.dns_support && x.dns_hostnames)
                };
                if let Some(v) = src_vpc.filter(|&v| private_dns_works(&an.vpcs[v].name)) {
                    let vname = &an.vpcs[v].name;
                    for ep in
                        an.d.endpoints
                            .iter()
                            .filter(|ep| &ep.vpc == vname && &ep.service == svc)
                    {
                        if let crate::model::EndpointKind::Interface {
                            subnets, private_dns, ..
                        } = &ep.kind
                        {
                            if !private_dns {
                                continue;
                            }
                            let pick = subnets
                                .iter()
                                .find(|s| an.subnet_by_name.get(*s).map(|&i| an.subnets[i].az.clone()) == src_az)
                                .or(subnets.first());
                            if let Some(sn) = pick {
                                if let Some(e) = an.eni_index(&EniOwner::Endpoint(ep.name.clone(), sn.clone())) {
                                    let epn = ep.name.clone();
                                    self.note(|| format!("{svc} resolves to interface endpoint {epn} (private DNS)"));
                                    return Ok(Dest {
                                        addr: IpAddr::V4(an.idx.enis[e].private_ip),
                                        expect: Expect::Eni(e),
                                    });
                                }
                            }
                        }
                    }
                }
                // Say why an interface endpoint of the source VPC did not answer.
                if let Some(v) = src_vpc {
                    let vpc = &an.vpcs[v].name;
                    let unused = an.d.endpoints.iter().find(|ep| {
                        &ep.vpc == vpc
                            && &ep.service == svc
                            && matches!(ep.kind, crate::model::EndpointKind::Interface { .. })
                    });
                    if let Some(ep) = unused {
                        let (epn, dns_on) = (ep.name.clone(), private_dns_works(vpc));
                        self.note(|| {
                            if dns_on {
                                format!("{svc} resolves to its public addresses: {epn} has private DNS off")
                            } else {
                                format!(
                                    "{svc} resolves to its public addresses: private DNS for {epn} needs the VPC's DNS support and DNS hostnames both on"
                                )
                            }
                        });
                    }
                }
                Ok(Dest {
                    addr: service_address(an.d, svc),
                    expect: Expect::Service(svc.clone()),
                })
            }
            Endpoint::Ip(ip) => {
                // The Amazon DNS resolver sits at the VPC's primary CIDR base + 2, and NACLs
                // and SGs cannot block traffic to it (VPC User Guide, network ACLs: they do not
                // filter traffic to the Route 53 Resolver at VPC+2). The engine has no resolver node, so it would wrongly walk the
                // packet through NACLs to a "subnet host": refuse instead of a wrong verdict.
                if let IpAddr::V4(a) = ip {
                    if let Some(v) =
                        an.d.vpcs
                            .iter()
                            .find(|v| u32::from(v.cidr.network()).wrapping_add(2) == u32::from(*a))
                    {
                        return Err(DestErr::Query(QueryError::Invalid(
                            text.into(),
                            format!(
                                "{a} is the Amazon DNS resolver of {} (VPC base + 2); network ACLs and security groups \
                                 cannot block DNS traffic to it, so it is not traced",
                                v.name
                            ),
                        )));
                    }
                }
                if let Some(&e) = an.eni_by_ip.get(ip).and_then(|v| v.first()) {
                    return Ok(Dest {
                        addr: *ip,
                        expect: Expect::Eni(e),
                    });
                }
                if let IpAddr::V4(a) = ip {
                    if let Some(&e) = an.eni_by_public.get(a) {
                        return Ok(Dest {
                            addr: *ip,
                            expect: Expect::Eni(e),
                        });
                    }
                }
                if let Some(v) = an.vpc_of_ip(*ip) {
                    if let Some(s) = an.subnet_in_vpc(v, *ip) {
                        return Ok(Dest {
                            addr: *ip,
                            expect: Expect::SubnetHost(s),
                        });
                    }
                }
                if let IpAddr::V4(a) = ip {
                    if let Some(n) =
                        an.d.onprem_networks
                            .iter()
                            .find(|n| n.cidrs.iter().any(|c| c.contains(a)))
                    {
                        return Ok(Dest {
                            addr: *ip,
                            expect: Expect::OnPrem(n.name.clone()),
                        });
                    }
                }
                if let Some(s) = service_at(an.d, *ip) {
                    return Ok(Dest {
                        addr: *ip,
                        expect: Expect::Service(s),
                    });
                }
                if is_public(*ip) {
                    return Ok(Dest {
                        addr: *ip,
                        expect: Expect::Internet,
                    });
                }
                // A private address in no subnet (inside a VPC's range or outside every
                // known network) is still a destination: the route table decides where
                // the packet goes and the walk stops where it can go no further.
                Ok(Dest {
                    addr: *ip,
                    expect: Expect::Nowhere,
                })
            }
        }
    }

    /// The address a source uses for ENI `e`: private when it has a private
    /// path (same VPC, peering, TGW, VPN/DX), else the public address.
    pub(super) fn dest_eni(&mut self, src: &Source, e: usize, v6: bool) -> Result<Dest, DestErr> {
        let an = self.an;
        let eni = &an.idx.enis[e];
        let name = || an.eni_name(e);
        if v6 {
            let Some(a) = eni.ipv6 else {
                // No IPv6 address to aim at: the packet shows the unspecified address `::`.
                return Err(DestErr::Blocked(
                    Box::new(
                        self.stop_at(Code::NoHost, an.eni_kind(e), &name())
                            .object(Some(eni.owner.object()))
                            .message(|| format!("{} has no IPv6 address", name()))
                            .hint(|| format!("give {} an IPv6 address (its subnet needs an IPv6 block)", name())),
                    ),
                    IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
                ));
            };
            return Ok(Dest {
                addr: IpAddr::V6(a),
                expect: Expect::Eni(e),
            });
        }
        if src.private_reach_to(an, e) {
            return Ok(Dest {
                addr: IpAddr::V4(eni.private_ip),
                expect: Expect::Eni(e),
            });
        }
        match eni.public_ip {
            Some(p) => Ok(Dest {
                addr: IpAddr::V4(p),
                expect: Expect::Eni(e),
            }),
            None => {
                let from_internet = matches!(src.at, Start::Internet | Start::OnPrem(_));
                if !from_internet {
                    // No private path and no public address: try the private address and let routing explain.
                    return Ok(Dest {
                        addr: IpAddr::V4(eni.private_ip),
                        expect: Expect::Eni(e),
                    });
                }
                // The internet gateway is where such a packet stops: it only translates
                // a public IPv4 address that is associated with an ENI of its VPC and
                // drops the rest (RA IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS; VPC User
                // Guide, "Enable internet access": an instance needs a public IPv4 or
                // Elastic IP to be reached from the internet).
                let hint = format!(
                    "give {} a public IP or Elastic IP in a public subnet, or put a load balancer in front of it",
                    name()
                );
                let vpc = an.eni_vpc(e).map(|v| an.vpcs[v].name.clone()).unwrap_or_default();
                let igw =
                    an.d.internet_gateways
                        .iter()
                        .find(|g| g.vpc.as_deref() == Some(vpc.as_str()));
                let stop = match igw {
                    Some(g) => self
                        .stop_at(Code::NoPublicIpIngress, HopKind::InternetGateway, &g.name)
                        .on(ObjectKind::InternetGateway, &g.name)
                        .message(|| {
                            format!(
                                "{} only translates public addresses of {vpc}'s interfaces; {} has only the private \
                             address {}, which is not reachable from the internet",
                                g.name,
                                name(),
                                eni.private_ip
                            )
                        })
                        .hint(|| hint),
                    None => self
                        .stop_at(Code::IgwNotAttached, HopKind::InternetGateway, &vpc)
                        .on(ObjectKind::Vpc, &vpc)
                        .message(|| {
                            format!(
                                "{vpc} has no internet gateway and {} has only the private address {}",
                                name(),
                                eni.private_ip
                            )
                        })
                        .hint(|| hint),
                };
                Err(DestErr::Blocked(Box::new(stop), IpAddr::V4(eni.private_ip)))
            }
        }
    }
}
