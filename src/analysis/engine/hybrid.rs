//! Hybrid connectivity: virtual private gateways, Site-to-Site VPN tunnels,
//! Direct Connect virtual interfaces and the on-premises networks behind
//! them, in both directions.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct Link {
    pub(super) name: String,
    pub(super) dx: bool,
    /// Route preference behind a virtual private gateway for one prefix, lower
    /// wins: Direct Connect BGP 0, VPN static 1, VPN BGP 2 (VPC User Guide,
    /// "How route priority works"; Site-to-Site VPN guide, "Route priority").
    pub(super) rank: u8,
    pub(super) up: bool,
    pub(super) prefixes: Vec<ipnet::Ipv4Net>,
    pub(super) lands: Vec<LinkEnd>,
    pub(super) networks: Vec<String>,
    /// The software VPN instance on the customer side of a VPN connection
    /// (its customer gateway is the instance's Elastic IP): what the link
    /// carries is routed on by that instance, not delivered on premises.
    pub(super) hub: Option<String>,
    /// The customer gateway's BGP ASN, for a VPN with BGP routing.
    pub(super) bgp_asn: Option<u32>,
}

impl Link {
    /// Two BGP sites with one ASN never learn each other's routes through a
    /// VGW: each router drops routes whose AS path holds its own ASN (BGP loop
    /// prevention), which is why VPN CloudHub needs a unique ASN per customer
    /// gateway (Site-to-Site VPN guide, "Providing secure communication between
    /// sites using VPN CloudHub").
    fn shares_asn(&self, other: &Link) -> bool {
        self.bgp_asn.is_some() && self.bgp_asn == other.bgp_asn
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum LinkEnd {
    Vgw(String),
    Tgw(String),
    /// A transit VIF on a DX gateway, associated with a TGW.
    DxgwTgw(String),
    /// A software VPN on an instance (the transit VPC pattern).
    Instance(String),
}

impl<'a> Analyzer<'a> {
    /// Prefixes each on-prem link (VPN connection, DX connection) carries,
    /// and which AWS gateway it lands on.
    pub(super) fn onprem_links(&self) -> Vec<Link> {
        let d = self.d;
        let mut out = Vec::new();
        for vpn in &d.vpn_connections {
            let prefixes = d.vpn_customer_prefixes(vpn);
            let lands = match &vpn.termination {
                VpnTermination::VpnGateway(v) => LinkEnd::Vgw(v.clone()),
                VpnTermination::TransitGateway(t) => LinkEnd::Tgw(t.clone()),
                VpnTermination::Instance(i) => LinkEnd::Instance(i.clone()),
            };
            let hub = match &vpn.termination {
                VpnTermination::Instance(_) => None,
                _ => d
                    .customer_gateway_instance(&vpn.customer_gateway)
                    .map(|i| i.name.clone()),
            };
            let bgp_asn = match vpn.routing {
                VpnRouting::Bgp => d
                    .customer_gateways
                    .iter()
                    .find(|c| c.name == vpn.customer_gateway)
                    .map(|c| c.asn),
                VpnRouting::Static(_) => None,
            };
            out.push(Link {
                name: vpn.name.clone(),
                bgp_asn,
                dx: false,
                rank: if matches!(vpn.routing, VpnRouting::Static(_)) {
                    1
                } else {
                    2
                },
                up: vpn.is_up(),
                prefixes,
                lands: vec![lands],
                networks: d
                    .onprem_networks
                    .iter()
                    .filter(|n| n.customer_gateway.as_deref() == Some(vpn.customer_gateway.as_str()))
                    .map(|n| n.name.clone())
                    .collect(),
                hub,
            });
        }
        for dx in &d.dx_connections {
            let networks: Vec<String> = d
                .onprem_networks
                .iter()
                .filter(|n| n.dx_connection.as_deref() == Some(dx.name.as_str()))
                .map(|n| n.name.clone())
                .collect();
            let prefixes: Vec<ipnet::Ipv4Net> = d
                .onprem_networks
                .iter()
                .filter(|n| n.dx_connection.as_deref() == Some(dx.name.as_str()))
                .flat_map(|n| n.cidrs.iter().copied())
                .collect();
            let mut lands = Vec::new();
            for vif in &dx.virtual_interfaces {
                match vif.kind {
                    VifKind::Private => {
                        if let Some(v) = &vif.vpn_gateway {
                            lands.push(LinkEnd::Vgw(v.clone()));
                        }
                        if let Some(g) = &vif.dx_gateway {
                            if let Some(gw) = d.dx_gateways.iter().find(|x| &x.name == g) {
                                lands.extend(gw.vpn_gateways.iter().map(|v| LinkEnd::Vgw(v.clone())));
                            }
                        }
                    }
                    VifKind::Transit => {
                        if let Some(g) = &vif.dx_gateway {
                            lands.push(LinkEnd::DxgwTgw(g.clone()));
                        }
                    }
                    VifKind::Public => {}
                }
            }
            out.push(Link {
                bgp_asn: None,
                name: dx.name.clone(),
                dx: true,
                rank: 0,
                up: dx.up,
                prefixes,
                lands,
                networks,
                hub: None,
            });
        }
        out
    }
}

impl<'w, 'a> Walk<'w, 'a> {
    pub(super) fn vgw_out(&mut self, v: usize, g: &str, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let vname = an.vpcs[v].name.clone();
        if origin == Origin::Tgw || !an.vpcs[v].cidrs.iter().any(|c| c.contains(&pkt.src)) {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::EdgeToEdge, HopKind::VpnGateway, g)
                    .on(ObjectKind::VpnGateway, g)
                    .message(|| format!("{g} only carries traffic from {vname}'s own addresses"))
                    .hint(|| "attach the other network to the VPN directly (or use a transit gateway)".into()),
            ));
        }
        self.hop(
            At::new(HopKind::VpnGateway, g),
            pkt,
            pkt,
            || format!("{g}: {vname} → on-premises"),
            || obj(ObjectKind::VpnGateway, g),
        );
        self.vgw_to_onprem(g, pkt)
    }

    /// Chooses the VPN or DX link of VGW `g` for the destination: longest
    /// prefix, then for the same prefix Direct Connect BGP routes, then VPN
    /// static routes, then VPN BGP routes (VPC User Guide, "How route priority works").
    pub(super) fn vgw_to_onprem(&mut self, g: &str, pkt: Packet) -> Step {
        let an = self.an;
        let links = an.onprem_links();
        let lands = LinkEnd::Vgw(g.to_string());
        let mut best: Option<(&Link, u8)> = None;
        let mut down: Option<&Link> = None;
        for l in links.iter().filter(|l| l.lands.contains(&lands)) {
            let Some(plen) = l
                .prefixes
                .iter()
                .filter(|c| v4_contains(c, pkt.dst))
                .map(|c| c.prefix_len())
                .max()
            else {
                continue;
            };
            if !l.up {
                down = Some(l);
                continue;
            }
            let better = match best {
                None => true,
                Some((b, bl)) => plen > bl || (plen == bl && l.rank < b.rank),
            };
            if better {
                best = Some((l, plen));
            }
        }
        let Some((link, _)) = best else {
            if let Some(l) = down {
                let n = l.name.clone();
                let kind = if l.dx {
                    HopKind::DxConnection
                } else {
                    HopKind::VpnConnection
                };
                return Err(self.stop(
                    pkt,
                    self.stop_at(Code::VpnDown, kind, &n)
                        .message(|| format!("{n} is down"))
                        .hint(|| "restore the link or add a redundant VPN / Direct Connect connection".into()),
                ));
            }
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NoOnPremRoute, HopKind::VpnGateway, g)
                    .on(ObjectKind::VpnGateway, g)
                    .message(|| format!("no VPN or Direct Connect link of {g} carries {}", pkt.dst))
                    .hint(|| "add the on-prem prefix to the VPN's static routes or advertise it over BGP".into()),
            ));
        };
        let nets = link.networks.clone();
        let name = link.name.clone();
        if let Some(hub) = link.hub.clone() {
            self.hop(
                At::new(HopKind::VpnConnection, &name),
                pkt,
                pkt,
                || format!("{g} → {hub} over {name}"),
                || obj(ObjectKind::VpnConnection, &name),
            );
            return self.software_vpn_in(&hub, &name, pkt);
        }
        let kind = if link.dx {
            HopKind::DxConnection
        } else {
            HopKind::VpnConnection
        };
        let rank = link.rank;
        let beaten = links.iter().any(|l| {
            l.rank > rank && l.up && l.lands.contains(&lands) && l.prefixes.iter().any(|c| v4_contains(c, pkt.dst))
        });
        if beaten && link.dx {
            self.note(|| format!("{name}: Direct Connect is preferred over the VPN for the same prefix"));
        } else if beaten {
            self.note(|| {
                format!("{name}: a VPN's static routes are preferred over BGP-learned ones for the same prefix")
            });
        }
        self.deliver_onprem_via(&name, kind, pkt, |n| nets.contains(&n.name))
    }

    pub(super) fn deliver_onprem_via(
        &mut self,
        link: &str,
        kind: HopKind,
        pkt: Packet,
        f: impl Fn(&crate::model::OnPremNetwork) -> bool,
    ) -> Step {
        let an = self.an;
        let objk = if kind == HopKind::DxConnection {
            ObjectKind::DxConnection
        } else {
            ObjectKind::VpnConnection
        };
        let net =
            an.d.onprem_networks
                .iter()
                .filter(|n| f(n))
                .find(|n| n.cidrs.iter().any(|c| v4_contains(c, pkt.dst)));
        let Some(net) = net else {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NoOnPremRoute, kind, link)
                    .on(objk, link)
                    .message(|| format!("no on-prem network behind {link} holds {}", pkt.dst))
                    .hint(|| "add the address to an on-premises network".into()),
            ));
        };
        let nn = net.name.clone();
        self.hop(
            At::new(kind, link),
            pkt,
            pkt,
            || format!("{link} → {nn}"),
            || obj(objk, link),
        );
        Ok(Arrival {
            place: Place::OnPrem(nn),
            pkt,
        })
    }

    /// VGW `g` delivers `pkt` into the VPC it is attached to when that VPC holds
    /// the destination: the hop `{g}: into {vpc}`, then the VPC router delivers
    /// it (entering from a VGW there is no route-table hop). `None` when the
    /// destination is not in the VGW's VPC (a VGW forwards into its own VPC or,
    /// VPN CloudHub, back out to its other sites; each caller says which).
    pub(super) fn vgw_into_its_vpc(&mut self, g: &str, pkt: Packet) -> Option<Step> {
        let an = self.an;
        let vpc = an.idx.vpn_gateway(an.d, g).and_then(|x| x.vpc.as_deref());
        let v = vpc.and_then(|x| an.vpc_by_name.get(x).copied())?;
        if !an.vpcs[v].cidrs.iter().any(|c| c.contains(&pkt.dst)) {
            return None;
        }
        let vn = an.vpcs[v].name.clone();
        self.hop(
            At::new(HopKind::VpnGateway, g),
            pkt,
            pkt,
            || format!("{g}: into {vn}"),
            || obj(ObjectKind::VpnGateway, g),
        );
        Some(self.deliver_in_vpc(v, pkt, None))
    }

    /// A packet from on-prem network `n`: over Direct Connect (preferred) or
    /// VPN to a VGW or TGW, or over the internet when it has no private link.
    pub(super) fn send_from_onprem(&mut self, n: &str, pkt: Packet) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        let links = an.onprem_links();
        let mine: Vec<&Link> = links.iter().filter(|l| l.networks.iter().any(|x| x == n)).collect();
        if mine.is_empty() {
            if is_public(pkt.src) {
                self.hop(
                    At::new(HopKind::Internet, "internet"),
                    pkt,
                    pkt,
                    || format!("{n} has no VPN or Direct Connect: over the internet"),
                    || None,
                );
                return self.send_from_internet(pkt);
            }
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NoOnPremRoute, HopKind::OnPrem, n)
                    .on(ObjectKind::OnPremNetwork, n)
                    .message(|| format!("{n} uses private addresses and has no VPN or Direct Connect connection"))
                    .hint(|| format!("connect {n} with a site-to-site VPN or Direct Connect")),
            ));
        }
        // Which AWS gateway can deliver the destination?
        let dst_vpc = an.vpc_of_ip(pkt.dst);
        let mut candidates: Vec<(&Link, &LinkEnd)> = Vec::new();
        // A CloudHub site reachable only through a link whose ASN is this one's.
        let mut same_asn: Option<(&Link, &Link, &str)> = None;
        for l in &mine {
            for end in &l.lands {
                let ok = match end {
                    LinkEnd::Vgw(g) => {
                        let vgw_vpc = an.idx.vpn_gateway(an.d, g).and_then(|x| x.vpc.clone());
                        let to_vpc = dst_vpc.is_some_and(|v| vgw_vpc.as_deref() == Some(an.vpcs[v].name.as_str()));
                        // CloudHub: another site behind the same VGW.
                        let sites = links.iter().filter(|o| {
                            o.name != l.name
                                && o.lands.contains(end)
                                && o.prefixes.iter().any(|c| v4_contains(c, pkt.dst))
                        });
                        let mut to_site = false;
                        for o in sites {
                            if l.shares_asn(o) {
                                same_asn = same_asn.or(Some((l, o, g.as_str())));
                            } else {
                                to_site = true;
                            }
                        }
                        to_vpc || to_site
                    }
                    // The software VPN routes it on, or says why not.
                    LinkEnd::Tgw(_) | LinkEnd::DxgwTgw(_) | LinkEnd::Instance(_) => true,
                };
                if ok {
                    candidates.push((l, end));
                }
            }
        }
        // Prefer links that are up, then Direct Connect, then static VPN, then BGP VPN.
        candidates.sort_by_key(|(l, _)| (!l.up, l.rank));
        if candidates.is_empty() {
            if let Some(stop) = self.gateway_endpoint_from_onprem(&mine, pkt) {
                return Err(stop);
            }
        }
        if candidates.is_empty() {
            if let Some((l, o, g)) = same_asn {
                let asn = l.bgp_asn.unwrap_or_default();
                let (ln, on) = (l.name.clone(), o.name.clone());
                return Err(self.stop(
                    pkt,
                    self.stop_at(Code::NoOnPremRoute, HopKind::OnPrem, n)
                        .on(ObjectKind::OnPremNetwork, n)
                        .message(|| format!(
                            "{g} re-advertises the routes of {on} to {ln}, but their AS path holds ASN {asn}, the ASN of {n}'s own customer gateway: {n}'s router drops them (BGP loop prevention) and has no route to {}",
                            pkt.dst
                        ))
                        .hint(|| format!(
                            "give the customer gateways of {ln} and {on} different BGP ASNs (VPN CloudHub needs a unique ASN per site)"
                        )),
                ));
            }
        }
        let Some(&(link, end)) = candidates.first() else {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NoOnPremRoute, HopKind::OnPrem, n)
                    .on(ObjectKind::OnPremNetwork, n)
                    .message(|| format!("no VPN or Direct Connect link of {n} leads to {}", pkt.dst))
                    .hint(|| "attach the destination VPC's VGW (or a TGW) to the on-prem link".into()),
            ));
        };
        let kind = if link.dx {
            HopKind::DxConnection
        } else {
            HopKind::VpnConnection
        };
        let objk = if link.dx {
            ObjectKind::DxConnection
        } else {
            ObjectKind::VpnConnection
        };
        let lname = link.name.clone();
        if !link.up {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::VpnDown, kind, &lname)
                    .on(objk, &lname)
                    .message(|| format!("{lname} is down"))
                    .hint(|| "restore the link or add a redundant connection".into()),
            ));
        }
        self.hop(
            At::new(kind, &lname),
            pkt,
            pkt,
            || format!("{n} → AWS over {lname}"),
            || obj(objk, &lname),
        );
        match end.clone() {
            LinkEnd::Instance(hub) => self.software_vpn_in(&hub, &lname, pkt),
            LinkEnd::Vgw(g) => {
                if let Some(step) = self.vgw_into_its_vpc(&g, pkt) {
                    return step;
                }
                self.hop(
                    At::new(HopKind::VpnGateway, &g),
                    pkt,
                    pkt,
                    || format!("{g}: CloudHub to another site"),
                    || obj(ObjectKind::VpnGateway, &g),
                );
                self.vgw_to_onprem(&g, pkt)
            }
            LinkEnd::Tgw(t) => {
                let att = an.idx.transit_gateway(an.d, &t).and_then(|tg| {
                    tg.attachments
                        .iter()
                        .find(|a| matches!(&a.kind, TgwAttachmentKind::Vpn { connection } if *connection == lname))
                        .map(|a| a.name.clone())
                });
                match att {
                    Some(a) => self.tgw_route(&t, &a, pkt, None),
                    None => Err(self.stop(
                        pkt,
                        self.stop_at(Code::TgwNoAssociation, HopKind::TransitGateway, &t)
                            .on(ObjectKind::TransitGateway, &t)
                            .message(|| format!("{t} has no attachment for {lname}"))
                            .hint(|| format!("attach {lname} to {t}")),
                    )),
                }
            }
            LinkEnd::DxgwTgw(g) => {
                let hit = an.d.transit_gateways.iter().find_map(|tg| {
                    tg.attachments
                        .iter()
                        .find(|a| matches!(&a.kind, TgwAttachmentKind::DxGateway { dx_gateway } if *dx_gateway == g))
                        .map(|a| (tg.name.clone(), a.name.clone()))
                });
                match hit {
                    Some((t, a)) => self.tgw_route(&t, &a, pkt, None),
                    None => Err(self.stop(
                        pkt,
                        self.stop_at(Code::TgwNoAssociation, HopKind::TransitGateway, &g)
                            .on(ObjectKind::DxGateway, &g)
                            .message(|| format!("Direct Connect gateway {g} is not attached to a transit gateway"))
                            .hint(|| format!("attach {g} to a transit gateway")),
                    )),
                }
            }
        }
    }

    /// On-premises traffic for an AWS service whose VPC only has a gateway
    /// endpoint for it: a gateway endpoint is reached through route tables of the
    /// VPC's own subnets and cannot be used over a VPN or Direct Connect
    /// (PrivateLink guide, "Gateway endpoints": endpoint connections cannot be
    /// extended out of a VPC; use an interface endpoint from on premises).
    fn gateway_endpoint_from_onprem(&mut self, mine: &[&Link], pkt: Packet) -> Option<Box<Stop>> {
        let an = self.an;
        let svc = service_at(an.d, pkt.dst)?;
        let mut vpcs: Vec<String> = Vec::new();
        for l in mine {
            for end in &l.lands {
                match end {
                    LinkEnd::Vgw(g) => vpcs.extend(an.idx.vpn_gateway(an.d, g).and_then(|x| x.vpc.clone())),
                    LinkEnd::Tgw(t) => {
                        if let Some(tg) = an.idx.transit_gateway(an.d, t) {
                            vpcs.extend(tg.attached_vpcs().into_iter().map(String::from));
                        }
                    }
                    LinkEnd::DxgwTgw(_) | LinkEnd::Instance(_) => {}
                }
            }
        }
        let ep =
            an.d.endpoints
                .iter()
                .find(|ep| ep.is_gateway() && ep.service == svc && vpcs.contains(&ep.vpc))?;
        let (epn, vpc) = (ep.name.clone(), ep.vpc.clone());
        Some(
            self.stop(
                pkt,
                self.stop_at(Code::EndpointNotUsableFromOutside, HopKind::GatewayEndpoint, &epn)
                    .on(ObjectKind::Endpoint, &epn)
                    .message(|| format!(
                        "{epn} is a gateway endpoint for {svc} in {vpc}: only {vpc}'s own subnets can use it, \
                         not on-premises networks over a VPN or Direct Connect"
                    ))
                    .hint(|| format!(
                        "add an interface endpoint for {svc} in {vpc} and reach it over the VPN, or reach {svc} over the internet"
                    )),
            ),
        )
    }
}
