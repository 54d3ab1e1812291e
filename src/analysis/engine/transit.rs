//! Between VPCs: VPC peering (non-transitive) and transit gateways
//! (attachments, route tables with static and propagated routes,
//! appliance-mode flow pinning).

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct TgwRoute {
    pub(super) cidr: IpNet,
    /// `None` = blackhole.
    pub(super) target: Option<String>,
    /// Lower wins on equal prefixes: static 0, VPC 1, DX 2, VPN 3, peering 4.
    pub(super) prio: u8,
    pub(super) origin: &'static str,
}

/// A TGW route table's routes: static plus propagated (TGW guide, route
/// priority: static > VPC > DX gateway > VPN for the same prefix).
pub(super) fn tgw_routes(an: &Analyzer<'_>, tgw: &crate::model::TransitGateway, table: &str) -> Vec<TgwRoute> {
    let d = an.d;
    let mut out = Vec::new();
    if let Some(t) = tgw.route_table(table) {
        for r in &t.routes {
            out.push(TgwRoute {
                cidr: r.cidr.trunc(),
                target: match &r.target {
                    TgwRouteTarget::Attachment(a) => Some(a.clone()),
                    TgwRouteTarget::Blackhole => None,
                },
                prio: 0,
                origin: "static",
            });
        }
    }
    for a in &tgw.attachments {
        if !tgw.propagations_of(a).contains(&table) {
            continue;
        }
        match &a.kind {
            TgwAttachmentKind::Vpc { vpc, .. } => {
                if let Some(&v) = an.vpc_by_name.get(vpc) {
                    for c in &an.vpcs[v].cidrs {
                        out.push(TgwRoute {
                            cidr: *c,
                            target: Some(a.name.clone()),
                            prio: 1,
                            origin: "propagated",
                        });
                    }
                }
            }
            TgwAttachmentKind::Vpn { connection } => {
                if let Some(vpn) = d.vpn_connections.iter().find(|c| &c.name == connection) {
                    // Only BGP propagates: a VPN's own static routes exist for a virtual
                    // private gateway (CreateVpnConnectionRoute: "a VPN connection between
                    // an existing virtual private gateway and a VPN customer gateway"); a
                    // static VPN on a transit gateway needs static routes in the TGW route
                    // table (Transit Gateways guide, "Create a static route").
                    let prefixes: Vec<ipnet::Ipv4Net> = match &vpn.routing {
                        VpnRouting::Static(_) => Vec::new(),
                        VpnRouting::Bgp => d
                            .onprem_networks
                            .iter()
                            .filter(|n| n.customer_gateway.as_deref() == Some(vpn.customer_gateway.as_str()))
                            .flat_map(|n| n.cidrs.iter().copied())
                            .collect(),
                    };
                    for p in prefixes {
                        out.push(TgwRoute {
                            cidr: IpNet::V4(p),
                            target: Some(a.name.clone()),
                            prio: 3,
                            origin: "propagated",
                        });
                    }
                }
            }
            TgwAttachmentKind::DxGateway { dx_gateway } => {
                for dx in &d.dx_connections {
                    let transit = dx
                        .virtual_interfaces
                        .iter()
                        .any(|v| v.kind == VifKind::Transit && v.dx_gateway.as_deref() == Some(dx_gateway.as_str()));
                    if !transit {
                        continue;
                    }
                    for n in d
                        .onprem_networks
                        .iter()
                        .filter(|n| n.dx_connection.as_deref() == Some(dx.name.as_str()))
                    {
                        for c in &n.cidrs {
                            out.push(TgwRoute {
                                cidr: IpNet::V4(*c),
                                target: Some(a.name.clone()),
                                prio: 2,
                                origin: "propagated",
                            });
                        }
                    }
                }
            }
            TgwAttachmentKind::Peering { .. } => {}
        }
    }
    out
}

impl<'w, 'a> Walk<'w, 'a> {
    /// The attachment subnet an appliance-mode attachment pinned this flow to.
    pub(super) fn pinned_subnet(&self, att: &TgwAttachment, pkt: Packet) -> Option<usize> {
        let key = flow_key(pkt);
        self.tgw_pins
            .iter()
            .find(|(a, k, _)| std::ptr::eq(*a, att) && *k == key)
            .map(|&(_, _, ts)| ts)
    }

    pub(super) fn peering_out(&mut self, v: usize, p: &str, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let Some(pcx) = an.peering(p) else {
            return Err(self.missing(p, pkt));
        };
        let vname = an.vpcs[v].name.clone();
        let Some(other) = pcx.other_side(&vname).and_then(|o| an.vpc_by_name.get(o).copied()) else {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::BlackholeRoute, HopKind::Peering, p)
                    .on(ObjectKind::Peering, p)
                    .message(|| format!("{p} does not connect {vname}"))
                    .hint(|| "use a peering connection of this VPC".into()),
            ));
        };
        let other_name = an.vpcs[other].name.clone();
        if origin == Origin::Tgw {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::EdgeToEdge, HopKind::Peering, p)
                    .on(ObjectKind::Peering, p)
                    .message(|| format!("traffic that entered {vname} from a transit gateway cannot continue over {p}"))
                    .hint(|| format!("attach {other_name} to the transit gateway instead")),
            ));
        }
        // A peering carries a packet only if its destination is in the peer VPC
        // (RA PCX_REQUIRES_ADDRESS_IN_VPC_CIDR): no transitive peering, no edge-to-edge.
        if !an.vpcs[other].cidrs.iter().any(|c| c.contains(&pkt.dst)) {
            let in_other_vpc = an.vpc_of_ip(pkt.dst).map(|x| an.vpcs[x].name.clone());
            let (code, msg, hint) = match in_other_vpc {
                Some(third) => (
                    Code::NotTransitive,
                    format!(
                        "{p} carries only traffic for {other_name}'s CIDRs; {} is in {third}: peering is not transitive",
                        pkt.dst
                    ),
                    format!("peer {vname} with {third} directly (or use a transit gateway)"),
                ),
                None => (
                    Code::EdgeToEdge,
                    format!(
                        "{p} carries only traffic for {other_name}'s CIDRs; {} is beyond it: no edge-to-edge routing through the peer's gateways",
                        pkt.dst
                    ),
                    format!("give {vname} its own internet/NAT/VPN/endpoint path"),
                ),
            };
            return Err(self.stop(
                pkt,
                self.stop_at(code, HopKind::Peering, p)
                    .on(ObjectKind::Peering, p)
                    .message(|| msg)
                    .hint(|| hint),
            ));
        }
        let cross = pcx.cross_region;
        self.hop(
            At::new(HopKind::Peering, p),
            pkt,
            pkt,
            || {
                format!(
                    "{p}: {vname} → {other_name}{}",
                    if cross { " (inter-Region)" } else { "" }
                )
            },
            || obj(ObjectKind::Peering, p),
        );
        // Entering over a peering: delivered by the VPC router, no route-table hop.
        self.deliver_in_vpc(other, pkt, None)
    }

    pub(super) fn tgw_from_vpc(&mut self, v: usize, s: usize, t: &str, pkt: Packet) -> Step {
        let an = self.an;
        let Some(tgw) = an.tgw(t) else {
            return Err(self.missing(t, pkt));
        };
        let vname = &an.vpcs[v].name;
        let Some(att) = an.tgw_vpc_attachment(tgw, v) else {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::BlackholeRoute, HopKind::TransitGateway, t)
                    .on(ObjectKind::TransitGateway, t)
                    .message(|| format!("{t} has no attachment for {vname}"))
                    .hint(|| format!("attach {vname} to {t}")),
            ));
        };
        let TgwAttachmentKind::Vpc { subnets, .. } = &att.kind else {
            return Err(self.missing(t, pkt));
        };
        let az = &an.subnets[s].az;
        let ts = subnets
            .iter()
            .filter_map(|n| an.subnet_by_name.get(n).copied())
            .find(|&x| an.subnets[x].az == *az && (an.down_azs.is_empty() || !an.down_azs.contains(&an.subnets[x].az)));
        let Some(ts) = ts else {
            let an_name = att.name.clone();
            return Err(self.stop(
                pkt,
                self.stop_at(Code::TgwNoAttachmentInAz, HopKind::TgwAttachment, &an_name)
                    .on(ObjectKind::TransitGateway, t)
                    .message(|| format!("{an_name} has no subnet in {az}, so subnets in {az} cannot use {t}"))
                    .hint(|| format!("add a subnet in {az} to the TGW attachment {an_name}")),
            ));
        };
        // The TGW attachment subnet's NACL checks traffic entering it (TGW guide, NACLs).
        self.nacl_check(ts, Direction::Inbound, pkt, None)?;
        let att_name = &att.name;
        let tsn = &an.subnets[ts].name;
        self.hop(
            At::new(HopKind::TgwAttachment, att_name),
            pkt,
            pkt,
            || format!("{att_name}: {vname} → {t} (via {tsn})"),
            || obj(ObjectKind::TransitGateway, t),
        );
        self.tgw_route(t, att_name, pkt, Some(az))
    }

    /// Routes a packet that entered TGW `t` from attachment `att`.
    pub(super) fn tgw_route(&mut self, t: &str, att: &str, pkt: Packet, az: Option<&str>) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        let Some(tgw) = an.tgw(t) else {
            return Err(self.missing(t, pkt));
        };
        let Some(a) = an.tgw_attachment(tgw, att) else {
            return Err(self.missing(att, pkt));
        };
        let Some(rt_name) = tgw.association_of(a) else {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::TgwNoAssociation, HopKind::TgwAttachment, att)
                    .on(ObjectKind::TransitGateway, t)
                    .message(|| format!("{att} is not associated with a route table of {t}"))
                    .hint(|| format!("associate {att} with a TGW route table")),
            ));
        };
        let best = an
            .tgw_tables
            .get(rt_name)
            .and_then(|routes| routes.lookup(pkt.dst))
            .and_then(|v| v.first());
        let Some(best) = best else {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::TgwNoRoute, HopKind::TgwRouteTable, rt_name)
                    .on(ObjectKind::TransitGateway, t)
                    .message(|| format!("TGW route table {rt_name} has no route for {}", pkt.dst))
                    .hint(|| "propagate the destination attachment into this table or add a static route".into()),
            ));
        };
        let Some(target) = best.target.as_ref() else {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::TgwBlackhole, HopKind::TgwRouteTable, rt_name)
                    .on(ObjectKind::TransitGateway, t)
                    .message(|| format!("TGW route table {rt_name}: {} is a blackhole route", best.cidr))
                    .hint(|| "remove the blackhole route or add a more specific route".into()),
            ));
        };
        let origin = best.origin;
        self.hop(
            At::new(HopKind::TgwRouteTable, rt_name),
            pkt,
            pkt,
            || format!("{rt_name}: {} → {target} ({origin})", best.cidr),
            || obj(ObjectKind::TransitGateway, t),
        );
        let Some(dst_att) = an.tgw_attachment(tgw, target) else {
            return Err(self.missing(target, pkt));
        };
        match &dst_att.kind {
            TgwAttachmentKind::Vpc { vpc, subnets } => {
                let Some(&v) = an.vpc_by_name.get(vpc) else {
                    return Err(self.missing(vpc, pkt));
                };
                let live = || {
                    subnets
                        .iter()
                        .filter_map(|n| an.subnet_by_name.get(n).copied())
                        .filter(|&x| an.down_azs.is_empty() || !an.down_azs.contains(&an.subnets[x].az))
                };
                // AZ affinity (TGW guide, "How transit gateways work" → "Availability
                // Zones" and "Appliance mode"; transit-gateway-appliance-scenario):
                // * appliance mode on the destination attachment: the TGW picks one
                //   of its ENIs (AWS: by a flow hash) for the whole life of the flow,
                //   both directions. vpcd pins the ENI the request used; for the
                //   request itself it takes the rule below.
                // * otherwise the TGW keeps the traffic in the AZ it entered from, if
                //   the destination attachment has a subnet there, else another AZ
                //   (the destination's own AZ when the address is in that VPC).
                let az_of = |x: usize| an.subnets[x].az.as_str();
                let dst_az = an.subnet_in_vpc(v, pkt.dst).map(az_of);
                let is_live = |x: usize| live().any(|y| y == x);
                let (pinned, hashed) = if dst_att.appliance_mode {
                    let pinned = self.pinned_subnet(dst_att, pkt).filter(|&x| is_live(x));
                    let hashed = self
                        .hash_pick
                        .filter(|&(a, x)| pinned.is_none() && std::ptr::eq(a, dst_att) && is_live(x))
                        .map(|(_, x)| x);
                    (pinned, hashed)
                } else {
                    (None, None)
                };
                let ts = pinned
                    .or(hashed)
                    .or_else(|| live().find(|&x| az.is_some() && Some(az_of(x)) == az))
                    .or_else(|| live().find(|&x| dst_az.is_some() && Some(az_of(x)) == dst_az))
                    .or_else(|| live().next());
                let Some(ts) = ts else {
                    let n = dst_att.name.clone();
                    return Err(self.stop(
                        pkt,
                        self.stop_at(Code::TgwNoAttachmentInAz, HopKind::TgwAttachment, &n)
                            .on(ObjectKind::TransitGateway, t)
                            .message(|| format!("{n} has no available subnet"))
                            .hint(|| format!("add a subnet to {n}")),
                    ));
                };
                if let (Some(a), Some(b)) = (az, Some(an.subnets[ts].az.as_str())) {
                    if a != b {
                        self.note(|| format!("the path crosses from {a} to {b} at the transit gateway"));
                    }
                }
                let n = dst_att.name.clone();
                let tsn = an.subnets[ts].name.clone();
                if dst_att.appliance_mode && pinned.is_none() {
                    self.tgw_pins.push((dst_att, flow_key(pkt), ts));
                    if self.hash_pick.is_none() && self.hash_alternatives.is_empty() {
                        self.hash_alternatives = live().filter(|&x| x != ts).map(|x| (dst_att, x)).collect();
                    }
                    let ts_az = az_of(ts);
                    self.note(|| {
                        format!(
                            "appliance mode on {n}: {t} keeps this flow on {tsn} ({ts_az}) in both directions \
                             (AWS picks the AZ by a flow hash; vpcd checks every AZ of {n})"
                        )
                    });
                }
                self.tgw_entry = Some((self.leg, v, &tgw.name, dst_att));
                // A transit gateway passes the source's security-group identity
                // only between two VPC attachments with referencing support, on a
                // gateway that enables it (Transit Gateways guide, "Security group
                // referencing"); a peering attachment to another gateway does not.
                self.tgw_sg_refs = match &a.kind {
                    TgwAttachmentKind::Vpc { vpc: from, .. }
                        if tgw.sg_referencing && a.sg_referencing && dst_att.sg_referencing =>
                    {
                        Some((self.leg, v, tgw.name.as_str(), from.as_str()))
                    }
                    _ => None,
                };
                self.hop(
                    At::new(HopKind::TgwAttachment, &n),
                    pkt,
                    pkt,
                    || format!("{n}: {t} → {vpc} (via {tsn})"),
                    || obj(ObjectKind::TransitGateway, t),
                );
                self.note(|| {
                    "AWS Reachability Analyzer checks only the forward path across a transit gateway; vpcd checks both"
                        .to_string()
                });
                self.enter_from_tgw(v, ts, pkt)
            }
            TgwAttachmentKind::Vpn { connection } => {
                let Some(vpn) = an.d.vpn_connections.iter().find(|c| &c.name == connection) else {
                    return Err(self.missing(connection, pkt));
                };
                if !vpn.is_up() {
                    return Err(self.stop(
                        pkt,
                        self.stop_at(Code::VpnDown, HopKind::VpnConnection, connection)
                            .on(ObjectKind::VpnConnection, connection)
                            .message(|| format!("both tunnels of {connection} are down"))
                            .hint(|| "bring a tunnel up or add a Direct Connect path".into()),
                    ));
                }
                let cgw = vpn.customer_gateway.clone();
                self.deliver_onprem_via(connection, HopKind::VpnConnection, pkt, |n| {
                    n.customer_gateway.as_deref() == Some(cgw.as_str())
                })
            }
            TgwAttachmentKind::DxGateway { dx_gateway } => {
                let links = an.onprem_links();
                let link = links.iter().find(|l| {
                    l.dx && l.up
                        && l.lands.contains(&LinkEnd::DxgwTgw(dx_gateway.clone()))
                        && l.prefixes.iter().any(|c| v4_contains(c, pkt.dst))
                });
                match link {
                    Some(l) => {
                        let nets = l.networks.clone();
                        let name = l.name.clone();
                        self.deliver_onprem_via(&name, HopKind::DxConnection, pkt, |n| nets.contains(&n.name))
                    }
                    None => Err(self.stop(
                        pkt,
                        self.stop_at(Code::NoOnPremRoute, HopKind::TgwAttachment, &dst_att.name)
                            .on(ObjectKind::DxGateway, dx_gateway)
                            .message(|| {
                                format!("no working Direct Connect link behind {dx_gateway} reaches {}", pkt.dst)
                            })
                            .hint(|| "check the Direct Connect connection and its transit VIF".into()),
                    )),
                }
            }
            TgwAttachmentKind::Peering { transit_gateway } => {
                let Some(peer) = an.tgw(transit_gateway) else {
                    return Err(self.missing(transit_gateway, pkt));
                };
                let back = peer
                    .attachments
                    .iter()
                    .find(|a| matches!(&a.kind, TgwAttachmentKind::Peering { transit_gateway: x } if x == t));
                let Some(back) = back else {
                    return Err(self.stop(
                        pkt,
                        self.stop_at(Code::TgwNoRoute, HopKind::TransitGateway, transit_gateway)
                            .on(ObjectKind::TransitGateway, transit_gateway)
                            .message(|| format!("{transit_gateway} has no peering attachment back to {t}"))
                            .hint(|| "create the peering attachment on both transit gateways".into()),
                    ));
                };
                let (pt, pa) = (peer.name.clone(), back.name.clone());
                self.hop(
                    At::new(HopKind::TransitGateway, &pt),
                    pkt,
                    pkt,
                    || format!("{t} → {pt} (TGW peering)"),
                    || obj(ObjectKind::TransitGateway, &pt),
                );
                self.tgw_route(&pt, &pa, pkt, None)
            }
        }
    }

    /// The packet leaves the TGW into VPC `v` through attachment subnet `ts`.
    pub(super) fn enter_from_tgw(&mut self, v: usize, ts: usize, pkt: Packet) -> Step {
        let an = self.an;
        let in_vpc = an.vpcs[v].cidrs.iter().any(|c| c.contains(&pkt.dst));
        // The attachment subnet's route table matters only when the destination is
        // outside the VPC or its local route is overridden (inspection / egress VPCs).
        let local = an.subnets[ts]
            .rt
            .and_then(|r| an.rts[r].lookup(pkt.dst))
            .is_some_and(|r| r.target == RouteTarget::Local);
        if in_vpc && local {
            let dst_subnet = an.subnet_in_vpc(v, pkt.dst);
            if dst_subnet != Some(ts) {
                self.nacl_check(ts, Direction::Outbound, pkt, None)?;
            }
            return self.deliver_in_vpc(v, pkt, Some(ts));
        }
        self.nacl_check(ts, Direction::Outbound, pkt, None)?;
        self.route(ts, pkt, Origin::Tgw)
    }
}
