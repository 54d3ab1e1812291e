//! Inside a VPC: leaving a subnet through its route table (longest prefix
//! match, VPC User Guide "Route priority"), delivery to a subnet and an ENI,
//! and instances that forward traffic not addressed to them (NAT instances,
//! middleboxes: VPC User Guide, "Middlebox routing").

use super::*;

impl<'w, 'a> Walk<'w, 'a> {
    /// The packet leaves subnet `s` (from ENI `eni`, or a hypothetical host):
    /// same-subnet delivery, else NACL outbound and the route table.
    pub(super) fn leave_subnet(&mut self, s: usize, pkt: Packet, origin: Origin, eni: Option<usize>) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        let sub = &an.subnets[s];
        // NACLs (and route tables) do not apply between hosts of one subnet
        // (VPC User Guide, network ACLs; Batfish LAN path).
        if sub.cidrs.iter().any(|c| c.contains(&pkt.dst)) && origin == Origin::Local {
            let name = sub.name.clone();
            self.note(|| {
                format!("{name}: source and destination share the subnet, so no network ACL or route table applies")
            });
            if let Some(e) = eni {
                self.event(e, pkt, true);
            }
            return self.deliver_in_subnet(s, pkt, Some(s));
        }
        self.nacl_check(s, Direction::Outbound, pkt, eni)?;
        self.route(s, pkt, origin)
    }

    pub(super) fn route(&mut self, s: usize, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let sub = &an.subnets[s];
        let vpc = sub.vpc;
        let Some(rti) = sub.rt else {
            let name = sub.name.clone();
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NoRoute, HopKind::RouteTable, &name)
                    .on(ObjectKind::Subnet, &name)
                    .message(|| format!("{name} has no route table"))
                    .hint(|| "associate a route table".into()),
            ));
        };
        let rt = &an.rts[rti];
        let Some(route) = rt.lookup(pkt.dst) else {
            return Err(self.no_route(rt, vpc, pkt));
        };
        if let Some(reason) = &route.blackhole {
            let rt_name = rt.name.clone();
            if let RouteTarget::Peering(p) = &route.target {
                if an.peering(p).is_some() {
                    let msg = format!("{rt_name}: {} → {p}: {reason}", route.dest_text);
                    return Err(self.stop(
                        pkt,
                        self.stop_at(Code::PeeringNotActive, HopKind::Peering, p)
                            .on(ObjectKind::Peering, p)
                            .message(|| msg)
                            .hint(|| format!("accept the peering connection {p} (it must be active)")),
                    ));
                }
            }
            let msg = format!(
                "{rt_name}: {} → {} is a blackhole: {reason}",
                route.dest_text, route.target
            );
            return Err(self.stop(
                pkt,
                self.stop_at(Code::BlackholeRoute, HopKind::RouteTable, &rt_name)
                    .on(ObjectKind::RouteTable, &rt_name)
                    .message(|| msg)
                    .hint(|| {
                        format!(
                            "point {} in {rt_name} at a working target, or delete the route",
                            route.dest_text
                        )
                    }),
            ));
        }
        let (dest_text, target) = (&route.dest_text, &route.target);
        let origin_text = match route.origin {
            RouteOrigin::Propagated => " (propagated)",
            _ => "",
        };
        let rt_name = &rt.name;
        self.hop(
            At::new(HopKind::RouteTable, rt_name),
            pkt,
            pkt,
            || format!("{rt_name}: {dest_text} → {target}{origin_text}"),
            || obj(ObjectKind::RouteTable, rt_name),
        );
        match target {
            RouteTarget::Local => self.deliver_in_vpc(vpc, pkt, Some(s)),
            RouteTarget::InternetGateway(g) => self.igw_out(vpc, g, pkt, origin),
            RouteTarget::EgressOnlyGateway(g) => self.eigw_out(g, pkt),
            RouteTarget::NatGateway(n) if an.idx.nat_gateway(an.d, n).is_some_and(|g| g.is_regional()) => {
                self.regional_nat(vpc, s, n, pkt, origin)
            }
            RouteTarget::NatGateway(n) => match an.eni_index(&EniOwner::NatGateway(n.clone())) {
                Some(e) => self.arrive_at_eni(e, pkt, Some(s), origin),
                None => Err(self.missing(n, pkt)),
            },
            RouteTarget::Instance(i) => match an.eni_index(&EniOwner::Instance(i.clone())) {
                Some(e) => self.arrive_at_eni(e, pkt, Some(s), origin),
                None => Err(self.missing(i, pkt)),
            },
            RouteTarget::NetworkInterface(n) => {
                // An instance's own name stands for its primary interface.
                let eni = match an.idx.interface_target(an.d, n) {
                    Some((i, None)) => an.eni_index(&EniOwner::Instance(i.name.clone())),
                    Some((i, Some(e))) => an.eni_index(&EniOwner::SecondaryInterface(i.name.clone(), e.to_string())),
                    None => None,
                };
                match eni {
                    Some(e) => self.arrive_at_eni(e, pkt, Some(s), origin),
                    None => Err(self.missing(n, pkt)),
                }
            }
            RouteTarget::Peering(p) => self.peering_out(vpc, p, pkt, origin),
            RouteTarget::TransitGateway(t) => self.tgw_from_vpc(vpc, s, t, pkt),
            RouteTarget::VpnGateway(g) => self.vgw_out(vpc, g, pkt, origin),
            RouteTarget::GatewayEndpoint(ep) => match self.gwlb_endpoint_eni(ep) {
                Some(e) => self.arrive_at_eni(e, pkt, Some(s), origin),
                None => self.gateway_endpoint(vpc, ep, pkt, origin),
            },
            RouteTarget::FirewallEndpoint(fw, az) => {
                let e = an.d.firewalls.iter().find(|f| &f.name == fw).and_then(|f| {
                    f.subnets.iter().find_map(|sn| {
                        let si = an.subnet_by_name.get(sn)?;
                        (an.subnets[*si].az == *az)
                            .then(|| an.eni_index(&EniOwner::Firewall(fw.clone(), sn.clone())))
                            .flatten()
                    })
                });
                match e {
                    Some(e) => self.arrive_at_eni(e, pkt, Some(s), origin),
                    None => Err(self.missing(fw, pkt)),
                }
            }
        }
    }

    /// The stop for an interface a what-if failure took down.
    pub(super) fn eni_down_stop(&mut self, e: usize, pkt: Packet, hint: &str) -> Box<Stop> {
        let an = self.an;
        let name = an.eni_name(e);
        self.stop(
            pkt,
            self.stop_at(Code::ComponentFailed, an.eni_kind(e), &name)
                .object(Some(an.idx.enis[e].owner.object()))
                .message(|| format!("{name} is down in this what-if"))
                .hint(|| hint.into()),
        )
    }

    pub(super) fn missing(&mut self, name: &str, pkt: Packet) -> Box<Stop> {
        self.stop(
            pkt,
            self.stop_at(Code::BlackholeRoute, HopKind::RouteTable, name)
                .message(|| format!("the route target {name} does not exist"))
                .hint(|| "point the route at an existing target".into()),
        )
    }

    pub(super) fn no_route(&mut self, rt: &CRouteTable, vpc: usize, pkt: Packet) -> Box<Stop> {
        let an = self.an;
        let name = rt.name.clone();
        // A gateway endpoint for this destination exists in the VPC but is not on this table?
        let vpc_name = &an.vpcs[vpc].name;
        let ep = an.d.endpoints.iter().find(|ep| {
            ep.is_gateway()
                && &ep.vpc == vpc_name
                && crate::model::index::prefix_list_cidrs(an.d, &ep.service)
                    .iter()
                    .any(|c| c.contains(&pkt.dst))
        });
        if let Some(ep) = ep {
            let epn = ep.name.clone();
            return self.stop(
                pkt,
                self.stop_at(Code::EndpointNotOnRouteTable, HopKind::RouteTable, &name)
                    .on(ObjectKind::RouteTable, &name)
                    .message(|| {
                        format!(
                            "{name} has no route for {}: gateway endpoint {epn} ({}) is not associated with {name}",
                            pkt.dst, ep.service
                        )
                    })
                    .hint(|| format!("add {name} to the route tables of endpoint {epn}")),
            );
        }
        let family = if pkt.dst.is_ipv6() { "::/0" } else { "0.0.0.0/0" };
        self.stop(
            pkt,
            self.stop_at(Code::NoRoute, HopKind::RouteTable, &name)
                .on(ObjectKind::RouteTable, &name)
                .message(|| format!("{name} has no route for {}", pkt.dst))
                .hint(|| {
                    format!(
                        "add a route in {name} covering {} (e.g. {family} → a gateway) or a more specific one",
                        pkt.dst
                    )
                }),
        )
    }

    /// Delivery by the VPC router to the subnet holding `pkt.dst`.
    /// `from` is the subnet the packet comes from (None: from a gateway).
    pub(super) fn deliver_in_vpc(&mut self, v: usize, pkt: Packet, from: Option<usize>) -> Step {
        let an = self.an;
        match an.subnet_in_vpc(v, pkt.dst) {
            Some(s) => self.deliver_in_subnet(s, pkt, from),
            None => {
                let name = an.vpcs[v].name.clone();
                Err(self.stop(
                    pkt,
                    self.stop_at(Code::NoHost, HopKind::SubnetHost, &name)
                        .on(ObjectKind::Vpc, &name)
                        .message(|| format!("no subnet of {name} holds {}", pkt.dst))
                        .hint(|| "check the destination address".into()),
                ))
            }
        }
    }

    pub(super) fn deliver_in_subnet(&mut self, s: usize, pkt: Packet, from: Option<usize>) -> Step {
        let an = self.an;
        let v = an.subnets[s].vpc;
        match an.eni_at(v, pkt.dst) {
            Some(e) if an.eni_subnet[e] == Some(s) => self.arrive_at_eni(e, pkt, from, Origin::Local),
            _ => {
                if from != Some(s) {
                    self.nacl_check(s, Direction::Inbound, pkt, None)?;
                }
                Ok(Arrival {
                    place: Place::SubnetHost(s),
                    pkt,
                })
            }
        }
    }

    /// The packet is handed to ENI `e` (as its destination or as a route target).
    pub(super) fn arrive_at_eni(&mut self, e: usize, pkt: Packet, from: Option<usize>, origin: Origin) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        let Some(s) = an.eni_subnet[e] else {
            return Err(self.missing(&an.eni_name(e), pkt));
        };
        if an.eni_down(e) {
            return Err(self.eni_down_stop(e, pkt, "add redundancy in another AZ"));
        }
        if from != Some(s) {
            self.nacl_check(s, Direction::Inbound, pkt, Some(e))?;
        }
        let eni = &an.idx.enis[e];
        let addressed = pkt.dst == IpAddr::V4(eni.private_ip) || Some(pkt.dst) == eni.ipv6.map(IpAddr::V6);
        match &eni.owner {
            EniOwner::NatGateway(n) => self.nat_gateway(e, n, s, pkt, addressed, origin),
            EniOwner::Firewall(fw, _) => self.firewall(e, fw, s, pkt, origin),
            EniOwner::Endpoint(ep, _) if self.gwlb_endpoint_eni(ep).is_some() => self.gwlb_bump(e, ep, s, pkt, origin),
            EniOwner::TgwAttachment(..) => Err(self.missing(&an.eni_name(e), pkt)),
            _ if addressed => {
                self.sg_check(e, Direction::Inbound, pkt)?;
                self.event(e, pkt, true);
                // A NAT instance receiving the reply of a translated connection.
                if let Some(i) = self
                    .sessions
                    .iter()
                    .position(|x| x.eni == e && x.outside == (pkt.dst, pkt.dport))
                {
                    if self.leg == Leg::Return {
                        let sess = self.sessions.remove(i);
                        let out = Packet {
                            dst: sess.inside.0,
                            dport: sess.inside.1,
                            ..pkt
                        };
                        let name = an.eni_name(e);
                        self.hop(
                            At::new(HopKind::Appliance, &name),
                            pkt,
                            out,
                            || format!("{name}: NAT instance translates the reply back"),
                            || Some(eni.owner.object()),
                        );
                        return self.leave_subnet(s, out, Origin::Local, Some(e));
                    }
                }
                Ok(Arrival {
                    place: Place::Eni(e),
                    pkt,
                })
            }
            _ => self.appliance(e, s, pkt, origin),
        }
    }

    /// An instance forwarding traffic not addressed to it: a NAT instance or a
    /// middlebox (VPC User Guide, NAT instances; route tables, middlebox routing).
    pub(super) fn appliance(&mut self, e: usize, s: usize, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let eni = &an.idx.enis[e];
        let name = an.eni_name(e);
        self.sg_check(e, Direction::Inbound, pkt)?;
        if eni.source_dest_check {
            self.event(e, pkt, false);
            return Err(self.stop(
                pkt,
                self.stop_at(Code::SourceDestCheck, HopKind::Appliance, &name)
                    .object(Some(eni.owner.object()))
                    .message(|| {
                        format!(
                            "{name} receives traffic for {} but its source/destination check is on",
                            pkt.dst
                        )
                    })
                    .hint(|| format!("disable the source/destination check on {name}")),
            ));
        }
        // A software VPN encrypts what its VPC routes to it into a tunnel.
        if let EniOwner::Instance(i) = &eni.owner {
            if let Some(conn) = self.tunnel_for(i, pkt, None)? {
                let i = i.clone();
                self.sg_ident = false;
                self.hop(
                    At::new(HopKind::Appliance, &name),
                    pkt,
                    pkt,
                    || format!("{name}: software VPN encrypts into {conn}; source/destination check off"),
                    || Some(eni.owner.object()),
                );
                self.event(e, pkt, true);
                return self.tunnel_out(&i, &conn, pkt);
            }
        }
        let is_nat = matches!(&eni.owner, EniOwner::Instance(i) if an.pos(ObjectKind::Instance, i).is_some_and(|x| an.d.instances[x].role == InstanceRole::NatInstance));
        self.sg_ident = false;
        let out = if is_nat && self.leg == Leg::Forward {
            let out = Packet {
                src: IpAddr::V4(eni.private_ip),
                ..pkt
            };
            self.sessions.push(Session {
                eni: e,
                inside: (pkt.src, pkt.sport),
                outside: (out.src, out.sport),
            });
            out
        } else {
            pkt
        };
        let what = if is_nat {
            "NAT instance: source address translated"
        } else {
            "forwards (middlebox)"
        };
        self.hop(
            At::new(HopKind::Appliance, &name),
            pkt,
            out,
            || format!("{name}: {what}; source/destination check off"),
            || Some(eni.owner.object()),
        );
        self.event(e, pkt, true);
        // Both of the appliance's group checks show on the reply too: security
        // groups are stateful, so the reply passes them as an allowed connection
        // (VPC User Guide, "Security groups": responses to allowed traffic flow
        // regardless of rules).
        self.sg_check(e, Direction::Outbound, out)?;
        let _ = origin;
        self.leave_subnet(s, out, Origin::Local, Some(e))
    }
}
