//! Gateways out of a VPC: NAT gateways (source translation, sessions for
//! the reply), internet and egress-only internet gateways, the internet
//! itself, and gateway endpoints for S3 and DynamoDB.

use super::*;

impl<'w, 'a> Walk<'w, 'a> {
    pub(super) fn nat_gateway(
        &mut self,
        e: usize,
        n: &str,
        s: usize,
        pkt: Packet,
        addressed: bool,
        origin: Origin,
    ) -> Step {
        let an = self.an;
        let eni = &an.idx.enis[e];
        if addressed {
            // The reply to a translated connection.
            if let Some(i) = self
                .sessions
                .iter()
                .position(|x| x.eni == e && x.outside == (pkt.dst, pkt.dport))
            {
                let sess = self.sessions.remove(i);
                let out = self.nat_reply_back(n, pkt, sess.inside);
                self.event(e, pkt, true);
                return self.leave_subnet(s, out, Origin::Local, Some(e));
            }
            self.event(e, pkt, false);
            return Err(self.nat_unsolicited(n, pkt));
        }
        if let Some(why) = an.failed_nats.get(n) {
            // AWS creates the NAT gateway and then fails it; a failed NAT gateway forwards nothing.
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NatFailed, HopKind::NatGateway, n)
                    .on(ObjectKind::NatGateway, n)
                    .message(|| why.clone())
                    .hint(|| format!("give {n} an Elastic IP of its own (allocate a new one)")),
            ));
        }
        if self.leg == Leg::Return {
            return Err(self.stop(pkt, self.stop_at(Code::AsymmetricReturn, HopKind::NatGateway, n).on(ObjectKind::NatGateway, n).message(|| format!("the reply is routed through {n}, which did not carry the request: it would be translated to a new source and dropped by the client")).hint(|| "route the reply back through the gateway the request came in (e.g. put the server in a public subnet)".into())));
        }
        let vpc = an.subnets[s].vpc;
        self.nat_admits(n, vpc, pkt, origin)?;
        // Source NAT to the NAT gateway's private IP and a port in 1024–65535
        // (VPC User Guide, NAT gateways). Pick a port the NAT subnet's NACL
        // admits for the reply; warn when it admits only part of the range.
        let nat_ip = IpAddr::V4(eni.private_ip);
        let mut nat_port = pkt.sport;
        if pkt.proto.has_ports() {
            if let Some(ni) = an.subnets[s].nacl {
                let acl = &an.nacls[ni];
                let allowed = acl.allowed_ports(Direction::Inbound, pkt.proto, pkt.dst, PortRange::EPHEMERAL);
                if allowed.is_empty() {
                    let acl_name = acl.name.clone();
                    let proto = pkt.proto;
                    let dst = pkt.dst;
                    self.note(|| {
                        format!(
                            "{acl_name} inbound admits no port of 1024-65535 from {dst}: {n}'s replies will be dropped"
                        )
                    });
                    let _ = proto;
                } else {
                    if !allowed.iter().any(|r| r.contains(nat_port)) {
                        nat_port = allowed[0].from;
                    }
                    if allowed != vec![PortRange::EPHEMERAL] {
                        let acl_name = acl.name.clone();
                        self.note(|| format!("warning: {acl_name} inbound admits only part of 1024-65535, the ports {n} picks from: some connections will fail"));
                    }
                }
            }
            if !PortRange::EPHEMERAL.contains(nat_port) {
                nat_port = 1024;
            }
        }
        let out = Packet {
            src: nat_ip,
            sport: nat_port,
            ..pkt
        };
        self.sessions.push(Session {
            eni: e,
            inside: (pkt.src, pkt.sport),
            outside: (nat_ip, nat_port),
        });
        self.sg_ident = false;
        self.hop(
            At::new(HopKind::NatGateway, n),
            pkt,
            out,
            || format!("{n}: source NAT to {nat_ip}"),
            || obj(ObjectKind::NatGateway, n),
        );
        self.event(e, pkt, true);
        self.leave_subnet(s, out, Origin::Local, Some(e))
    }

    /// What any NAT gateway refuses to translate: traffic from outside its VPC
    /// (RA `NGW_REQUIRES_SOURCE_IN_VPC`), protocols other than TCP, UDP and
    /// ICMP, and IPv6 (VPC User Guide, "NAT gateway basics").
    fn nat_admits(&mut self, n: &str, vpc: usize, pkt: Packet, origin: Origin) -> Result<(), Box<Stop>> {
        let an = self.an;
        let src_local = an.vpcs[vpc].cidrs.iter().any(|c| c.contains(&pkt.src)) || origin == Origin::Tgw;
        if !src_local {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NatCannotBeUsed, HopKind::NatGateway, n)
                    .on(ObjectKind::NatGateway, n)
                    .message(|| {
                        format!("{n} only serves traffic from its own VPC, not from peering, VPN or Direct Connect")
                    })
                    .hint(|| "give the other network its own NAT gateway".into()),
            ));
        }
        if !matches!(pkt.proto, Protocol::Tcp | Protocol::Udp | Protocol::Icmp) {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NatCannotBeUsed, HopKind::NatGateway, n)
                    .on(ObjectKind::NatGateway, n)
                    .message(|| format!("{n} supports only TCP, UDP and ICMP, not {}", pkt.proto))
                    .hint(|| "use TCP, UDP or ICMP".into()),
            ));
        }
        if pkt.is_v6() {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NatCannotBeUsed, HopKind::NatGateway, n)
                    .on(ObjectKind::NatGateway, n)
                    .message(|| format!("{n} translates IPv4 only; IPv6 needs an egress-only internet gateway"))
                    .hint(|| "route ::/0 to an egress-only internet gateway".into()),
            ));
        }
        Ok(())
    }

    /// A regional NAT gateway (VPC User Guide, "Regional NAT gateways for
    /// automatic multi-AZ expansion"): one NAT gateway for the VPC that is in
    /// every AZ where the VPC has subnets, so traffic from any AZ is translated
    /// in that AZ, to the gateway's address there, and leaves by the route
    /// table AWS creates for the gateway, whose default route is the VPC's
    /// internet gateway. It has no interface in a subnet of the design, so no
    /// network ACL of the design applies to it. The guide says nothing of
    /// editing that route table; vpcd models it as AWS creates it (local and
    /// 0.0.0.0/0 → internet gateway).
    pub(super) fn regional_nat(&mut self, vpc: usize, s: usize, n: &str, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let Some(nat) = an.idx.nat_gateway(an.d, n) else {
            return Err(self.missing(n, pkt));
        };
        if nat.vpc.as_deref() != Some(an.vpcs[vpc].name.as_str()) {
            // A route to another VPC's NAT gateway is refused when it is made.
            return Err(self.missing(n, pkt));
        }
        if self.leg == Leg::Return {
            return Err(self.stop(pkt, self.stop_at(Code::AsymmetricReturn, HopKind::NatGateway, n).on(ObjectKind::NatGateway, n).message(|| format!("the reply is routed through {n}, which did not carry the request: it would be translated to a new source and dropped by the client")).hint(|| "route the reply back through the gateway the request came in (e.g. put the server in a public subnet)".into())));
        }
        self.nat_admits(n, vpc, pkt, origin)?;
        let az = an.subnets[s].az.clone();
        let Some(public) = an.idx.regional_nat_address(n, &az) else {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NatCannotBeUsed, HopKind::NatGateway, n)
                    .on(ObjectKind::NatGateway, n)
                    .message(|| format!("{n} has no address in {az}"))
                    .hint(|| format!("add a subnet of {} in {az}", an.vpcs[vpc].name)),
            ));
        };
        let Some(g) = an.vpcs[vpc].igw.clone() else {
            let vpc_name = an.vpcs[vpc].name.clone();
            return Err(self.stop(
                pkt,
                self.stop_at(Code::IgwNotAttached, HopKind::NatGateway, n)
                    .on(ObjectKind::Vpc, &vpc_name)
                    .message(|| format!(
                        "{n} sends its traffic to the internet gateway of {vpc_name}, which has none: the NAT gateway fails"
                    ))
                    .hint(|| format!("attach an internet gateway to {vpc_name}")),
            ));
        };
        if let IpAddr::V4(dst) = pkt.dst {
            if dst.is_private() || crate::model::cidr::is_rfc6598(dst) {
                return Err(self.stop(
                    pkt,
                    self.stop_at(Code::IgwPrivateDestination, HopKind::InternetGateway, &g)
                        .on(ObjectKind::InternetGateway, &g)
                        .message(|| format!(
                            "{n}'s route table sends everything outside the VPC to {g}, which drops traffic to the private address {dst}"
                        ))
                        .hint(|| format!(
                            "route {dst} to a peering, TGW or VGW instead, or through a zonal NAT gateway whose subnet routes it there"
                        )),
                ));
            }
        }
        // Source NAT to the gateway's address in this AZ and a port in 1024–65535.
        let nat_ip = IpAddr::V4(public);
        let nat_port = if pkt.proto.has_ports() && !PortRange::EPHEMERAL.contains(pkt.sport) {
            1024
        } else {
            pkt.sport
        };
        let out = Packet {
            src: nat_ip,
            sport: nat_port,
            ..pkt
        };
        self.regional_sessions.push(RegionalSession {
            nat: n.to_string(),
            vpc,
            inside: (pkt.src, pkt.sport),
            outside: (nat_ip, nat_port),
        });
        self.sg_ident = false;
        self.hop(
            At::new(HopKind::NatGateway, n),
            pkt,
            out,
            || format!("{n} (regional NAT gateway, in {az}): source NAT to {nat_ip}"),
            || obj(ObjectKind::NatGateway, n),
        );
        self.hop(
            At::new(HopKind::InternetGateway, &g),
            out,
            out,
            || format!("{g}: to the internet from {n}'s address {nat_ip}"),
            || obj(ObjectKind::InternetGateway, &g),
        );
        self.internet_deliver(out, Some(vpc))
    }

    /// A packet from the internet to a regional NAT gateway's address: the
    /// reply of a connection it translated, or dropped.
    fn regional_nat_inbound(&mut self, n: &str, pkt: Packet) -> Step {
        let found = if self.leg == Leg::Return {
            self.regional_sessions
                .iter()
                .position(|x| x.nat == n && x.outside == (pkt.dst, pkt.dport))
        } else {
            None
        };
        let Some(i) = found else {
            return Err(self.nat_unsolicited(n, pkt));
        };
        let sess = self.regional_sessions.remove(i);
        let an = self.an;
        if let Some(g) = an.vpcs[sess.vpc].igw.clone() {
            self.hop(
                At::new(HopKind::InternetGateway, &g),
                pkt,
                pkt,
                || format!("{g}: from the internet to {n}"),
                || obj(ObjectKind::InternetGateway, &g),
            );
        }
        let out = self.nat_reply_back(n, pkt, sess.inside);
        self.deliver_in_vpc(sess.vpc, out, None)
    }

    /// A reply reaching NAT gateway `n` on a translated connection goes back to
    /// the inside address and port the session recorded; zonal and regional alike.
    fn nat_reply_back(&mut self, n: &str, pkt: Packet, inside: (IpAddr, u16)) -> Packet {
        let out = Packet {
            dst: inside.0,
            dport: inside.1,
            ..pkt
        };
        self.hop(
            At::new(HopKind::NatGateway, n),
            pkt,
            out,
            || format!("{n}: translates the reply back to {}", inside.0),
            || obj(ObjectKind::NatGateway, n),
        );
        out
    }

    /// A NAT gateway is outbound-only: a packet that matches no session of
    /// `n` is dropped (VPC User Guide, "NAT gateway basics").
    fn nat_unsolicited(&mut self, n: &str, pkt: Packet) -> Box<Stop> {
        self.stop(
            pkt,
            self.stop_at(Code::UnsolicitedInbound, HopKind::NatGateway, n)
                .on(ObjectKind::NatGateway, n)
                .message(|| format!("{n} drops connections initiated from outside (no matching NAT session)"))
                .hint(|| "a NAT gateway is outbound-only; use a load balancer or a public instance for inbound".into()),
        )
    }

    pub(super) fn igw_out(&mut self, v: usize, g: &str, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let mut out = pkt;
        if let IpAddr::V4(dst) = pkt.dst {
            if dst.is_private() || crate::model::cidr::is_rfc6598(dst) {
                return Err(self.stop(
                    pkt,
                    self.stop_at(Code::IgwPrivateDestination, HopKind::InternetGateway, g)
                        .on(ObjectKind::InternetGateway, g)
                        .message(|| format!("{g} drops traffic to the private address {dst}"))
                        .hint(|| format!("route {dst} to a peering, TGW or VGW instead of the internet gateway")),
                ));
            }
            // 1:1 NAT: the source must be the private IP of an ENI of this VPC with a public IP.
            let public = match pkt.src {
                IpAddr::V4(_) => an.eni_at(v, pkt.src).and_then(|e| an.idx.enis[e].public_ip),
                IpAddr::V6(_) => None,
            };
            let Some(public) = public else {
                let who = an
                    .eni_at(v, pkt.src)
                    .map(|e| an.eni_name(e))
                    .unwrap_or_else(|| pkt.src.to_string());
                let (msg, hint) = if origin == Origin::Tgw || an.eni_at(v, pkt.src).is_none() {
                    (
                        format!("{g} only translates addresses of ENIs in its own VPC; {who} is not one"),
                        "send the traffic through a NAT gateway in this VPC first".to_string(),
                    )
                } else {
                    (
                        format!("{who} has no public IPv4 address, so {g} cannot translate it"),
                        format!("assign an Elastic IP to {who} (or enable auto-assign public IP), or route through a NAT gateway"),
                    )
                };
                return Err(self.stop(
                    pkt,
                    self.stop_at(Code::NoPublicIp, HopKind::InternetGateway, g)
                        .on(ObjectKind::InternetGateway, g)
                        .message(|| msg)
                        .hint(|| hint),
                ));
            };
            out.src = IpAddr::V4(public);
        }
        let src = pkt.src;
        let new_src = out.src;
        self.hop(
            At::new(HopKind::InternetGateway, g),
            pkt,
            out,
            || {
                if src == new_src {
                    format!("{g}: to the internet (IPv6, no translation)")
                } else {
                    format!("{g}: 1:1 NAT {src} → {new_src}")
                }
            },
            || obj(ObjectKind::InternetGateway, g),
        );
        self.internet_deliver(out, Some(v))
    }

    pub(super) fn eigw_out(&mut self, g: &str, pkt: Packet) -> Step {
        if !pkt.is_v6() {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NoRoute, HopKind::EgressOnlyGateway, g)
                    .on(ObjectKind::EgressOnlyGateway, g)
                    .message(|| format!("{g} carries IPv6 only"))
                    .hint(|| "use a NAT gateway for IPv4".into()),
            ));
        }
        if self.leg == Leg::Forward {
            self.eigw_sessions.push(pkt.src);
        }
        self.hop(
            At::new(HopKind::EgressOnlyGateway, g),
            pkt,
            pkt,
            || format!("{g}: IPv6 out (stateful; replies allowed back)"),
            || obj(ObjectKind::EgressOnlyGateway, g),
        );
        self.internet_deliver(pkt, None)
    }

    /// The packet is on the internet: deliver to a public address of the design, an on-prem
    /// network reachable over the internet, an AWS service, or an internet host.
    pub(super) fn internet_deliver(&mut self, pkt: Packet, from_vpc: Option<usize>) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        if let IpAddr::V4(a) = pkt.dst {
            if let Some(addr) = an.idx.regional_nat_at(a) {
                let n = addr.nat.clone();
                return self.regional_nat_inbound(&n, pkt);
            }
        }
        let target_vpc = match pkt.dst {
            IpAddr::V4(a) => an.eni_by_public.get(&a).and_then(|&e| an.eni_vpc(e)),
            IpAddr::V6(_) => an.vpc_of_ip(pkt.dst),
        };
        if let Some(tv) = target_vpc {
            if Some(tv) == from_vpc && self.leg == Leg::Forward {
                return Err(self.stop(
                    pkt,
                    self.stop_at(Code::Unsupported, HopKind::InternetGateway, "internet")
                        .message(|| {
                            format!(
                        "{} is a public address of the same VPC: hairpin through the internet gateway is not modelled",
                        pkt.dst
                    )
                        })
                        .hint(|| "trace to the private address (or the instance name) instead".into()),
                ));
            }
            return self.internet_inbound(pkt);
        }
        if let IpAddr::V4(a) = pkt.dst {
            if let Some(n) =
                an.d.onprem_networks
                    .iter()
                    .find(|n| n.cidrs.iter().any(|c| c.contains(&a)))
            {
                return Ok(Arrival {
                    place: Place::OnPrem(n.name.clone()),
                    pkt,
                });
            }
        }
        if let Some(svc) = service_at(an.d, pkt.dst) {
            return Ok(Arrival {
                place: Place::Service(svc, None),
                pkt,
            });
        }
        Ok(Arrival {
            place: Place::Internet,
            pkt,
        })
    }

    /// A packet from the internet (or a public on-prem host) towards the design.
    pub(super) fn send_from_internet(&mut self, pkt: Packet) -> Step {
        self.internet_deliver(pkt, None)
    }

    pub(super) fn internet_inbound(&mut self, pkt: Packet) -> Step {
        let an = self.an;
        let (e, v) = match pkt.dst {
            IpAddr::V4(a) => match an.eni_by_public.get(&a).and_then(|&e| an.eni_vpc(e).map(|v| (e, v))) {
                Some(x) => x,
                None => {
                    return Ok(Arrival {
                        place: Place::Internet,
                        pkt,
                    })
                }
            },
            IpAddr::V6(_) => {
                let Some(v) = an.vpc_of_ip(pkt.dst) else {
                    return Ok(Arrival {
                        place: Place::Internet,
                        pkt,
                    });
                };
                (usize::MAX, v)
            }
        };
        let vpc_name = an.vpcs[v].name.clone();
        // IPv6 replies come back through the egress-only gateway the request left by.
        if pkt.is_v6() && self.leg == Leg::Return && self.eigw_sessions.contains(&pkt.dst) {
            if let Some(g) = an.vpcs[v].eigw.clone() {
                self.hop(
                    At::new(HopKind::EgressOnlyGateway, &g),
                    pkt,
                    pkt,
                    || format!("{g}: reply to an outbound connection"),
                    || obj(ObjectKind::EgressOnlyGateway, &g),
                );
                return self.deliver_in_vpc(v, pkt, None);
            }
        }
        let Some(g) = an.vpcs[v].igw.clone() else {
            if pkt.is_v6() {
                if let Some(eg) = an.vpcs[v].eigw.clone() {
                    return Err(self.stop(
                        pkt,
                        self.stop_at(Code::UnsolicitedInbound, HopKind::EgressOnlyGateway, &eg)
                            .on(ObjectKind::EgressOnlyGateway, &eg)
                            .message(|| {
                                format!("{eg} is egress-only: connections initiated from the internet are dropped")
                            })
                            .hint(|| {
                                "attach an internet gateway and route ::/0 to it if the host must accept inbound IPv6"
                                    .into()
                            }),
                    ));
                }
            }
            return Err(self.stop(
                pkt,
                self.stop_at(Code::IgwNotAttached, HopKind::Internet, "internet")
                    .on(ObjectKind::Vpc, &vpc_name)
                    .message(|| format!("{vpc_name} has no internet gateway attached"))
                    .hint(|| format!("attach an internet gateway to {vpc_name}")),
            ));
        };
        let mut out = pkt;
        if pkt.dst.is_ipv4() {
            out.dst = IpAddr::V4(an.idx.enis[e].private_ip);
        }
        let (d0, d1) = (pkt.dst, out.dst);
        self.hop(
            At::new(HopKind::InternetGateway, &g),
            pkt,
            out,
            || {
                if d0 == d1 {
                    format!("{g}: from the internet (IPv6, no translation)")
                } else {
                    format!("{g}: 1:1 NAT {d0} → {d1}")
                }
            },
            || obj(ObjectKind::InternetGateway, &g),
        );
        // Routed by the gateway's edge route table when it has one (ingress routing),
        // else delivered straight to the subnet (RA published hop order).
        self.igw_ingress(v, &g, out)
    }

    pub(super) fn gateway_endpoint(&mut self, v: usize, ep: &str, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let Some(e) = an.idx.endpoint(an.d, ep) else {
            return Err(self.missing(ep, pkt));
        };
        if origin == Origin::Tgw || !an.vpcs[v].cidrs.iter().any(|c| c.contains(&pkt.src)) {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::EndpointNotUsableFromOutside, HopKind::GatewayEndpoint, ep)
                    .on(ObjectKind::Endpoint, ep)
                    .message(|| {
                        format!(
                        "gateway endpoint {ep} cannot be used by traffic from outside its VPC (peering, TGW, VPN, DX)"
                    )
                    })
                    .hint(|| format!("use an interface endpoint for {} to serve other networks", e.service)),
            ));
        }
        if !matches!(pkt.proto, Protocol::Tcp | Protocol::Icmp) {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::EndpointProtocol, HopKind::GatewayEndpoint, ep)
                    .on(ObjectKind::Endpoint, ep)
                    .message(|| format!("gateway endpoint {ep} carries only TCP and ICMP, not {}", pkt.proto))
                    .hint(|| "use TCP".into()),
            ));
        }
        let svc = e.service.clone();
        self.hop(
            At::new(HopKind::GatewayEndpoint, ep),
            pkt,
            pkt,
            || format!("{ep}: to {svc} (gateway endpoint)"),
            || obj(ObjectKind::Endpoint, ep),
        );
        Ok(Arrival {
            place: Place::Service(svc, Some((v, ep.to_string()))),
            pkt,
        })
    }
}
