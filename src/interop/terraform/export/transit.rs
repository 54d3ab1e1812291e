//! Transit and hybrid: virtual private gateways, customer gateways, Site-to-Site
//! VPN, Direct Connect, and transit gateways with their attachments, route
//! tables and peerings.

use super::{name_tag, with_description, Exporter};
use crate::interop::terraform::write::{Block, Expr};
use crate::model::*;

impl Exporter<'_> {
    pub(super) fn hybrid(&mut self) {
        for g in &self.d.vpn_gateways {
            let mut b = Block::resource("aws_vpn_gateway", &self.l.of(&g.name));
            b.attr_opt("vpc_id", g.vpc.as_ref().map(|v| self.vpc_id(v)));
            b.attr("amazon_side_asn", Expr::num(g.asn));
            b.tags(with_description(name_tag(&g.name), &g.description));
            self.blocks.push(b);
        }
        for c in &self.d.customer_gateways {
            let mut b = Block::resource("aws_customer_gateway", &self.l.of(&c.name));
            b.attr("bgp_asn", Expr::num(c.asn))
                .attr("ip_address", Expr::s(c.ip.to_string()))
                .attr("type", Expr::s("ipsec.1"));
            b.tags(with_description(name_tag(&c.name), &c.description));
            self.blocks.push(b);
        }
        for v in &self.d.vpn_connections {
            if let VpnTermination::Instance(i) = &v.termination {
                // IPsec to a software VPN is the appliance's configuration,
                // not an AWS resource.
                self.notes.push(format!(
                    "VPN {}: a tunnel to the software VPN on instance {i}, configured on the appliance (no aws_vpn_connection)",
                    v.name
                ));
                continue;
            }
            let label = self.l.of(&v.name);
            let mut b = Block::resource("aws_vpn_connection", &label);
            b.attr(
                "customer_gateway_id",
                self.id("aws_customer_gateway", &v.customer_gateway),
            );
            match &v.termination {
                VpnTermination::VpnGateway(g) => b.attr("vpn_gateway_id", self.id("aws_vpn_gateway", g)),
                VpnTermination::TransitGateway(t) => {
                    b.attr("transit_gateway_id", self.id("aws_ec2_transit_gateway", t))
                }
                VpnTermination::Instance(_) => &mut b,
            };
            b.attr("type", Expr::s("ipsec.1")).attr(
                "static_routes_only",
                Expr::bool(matches!(v.routing, VpnRouting::Static(_))),
            );
            b.tags(with_description(name_tag(&v.name), &v.description));
            self.blocks.push(b);
            if v.tunnels_up != [true, true] {
                self.notes.push(format!(
                    "VPN {}: tunnel state ({}) is the remote side's doing, not configuration",
                    v.name,
                    v.tunnels_up
                        .iter()
                        .map(|u| if *u { "up" } else { "down" })
                        .collect::<Vec<_>>()
                        .join("/")
                ));
            }
            if let (VpnRouting::Static(cidrs), VpnTermination::VpnGateway(_)) = (&v.routing, &v.termination) {
                for (i, c) in cidrs.iter().enumerate() {
                    let mut b = Block::resource("aws_vpn_connection_route", &format!("{label}_{}", i + 1));
                    b.attr("destination_cidr_block", Expr::s(c.to_string()))
                        .attr("vpn_connection_id", self.id("aws_vpn_connection", &v.name));
                    self.blocks.push(b);
                }
            }
        }
        for g in &self.d.dx_gateways {
            let label = self.l.of(&g.name);
            let mut b = Block::resource("aws_dx_gateway", &label);
            b.attr("name", Expr::s(g.name.clone()))
                .attr("amazon_side_asn", Expr::s(g.asn.to_string()));
            self.blocks.push(b);
            let targets = g
                .vpn_gateways
                .iter()
                .map(|v| (v, self.id("aws_vpn_gateway", v)))
                .chain(
                    g.transit_gateway
                        .iter()
                        .map(|t| (t, self.id("aws_ec2_transit_gateway", t))),
                )
                .collect::<Vec<_>>();
            for (name, id) in targets {
                let mut b = Block::resource("aws_dx_gateway_association", &format!("{label}_{}", self.l.of(name)));
                b.attr("dx_gateway_id", self.id("aws_dx_gateway", &g.name))
                    .attr("associated_gateway_id", id);
                if let Some(t) = &g.transit_gateway {
                    if t == name {
                        let prefixes = self.tgw_vpc_cidrs(t);
                        b.attr("allowed_prefixes", Expr::List(prefixes));
                    }
                }
                self.blocks.push(b);
            }
        }
        for c in &self.d.dx_connections {
            let label = self.l.of(&c.name);
            let mut b = Block::resource("aws_dx_connection", &label);
            b.attr("name", Expr::s(c.name.clone()))
                .attr("bandwidth", Expr::s(c.bandwidth.clone()))
                .attr("location", Expr::s(c.location.clone()));
            b.tags(with_description(name_tag(&c.name), &c.description));
            self.blocks.push(b);
            if !c.up {
                self.notes.push(format!(
                    "Direct Connect {}: the link being down is not configuration",
                    c.name
                ));
            }
            for vif in &c.virtual_interfaces {
                let ty = match vif.kind {
                    VifKind::Private => "aws_dx_private_virtual_interface",
                    VifKind::Transit => "aws_dx_transit_virtual_interface",
                    VifKind::Public => {
                        self.notes.push(format!(
                            "public virtual interface {} on {}: needs the public prefixes you advertise",
                            vif.name, c.name
                        ));
                        continue;
                    }
                };
                self.vars.insert("dx_bgp_asn");
                let mut b = Block::resource(ty, &self.l.of(&vif.name));
                b.attr("connection_id", self.id("aws_dx_connection", &c.name))
                    .attr("name", Expr::s(vif.name.clone()))
                    .attr("vlan", Expr::num(vif.vlan))
                    .attr("address_family", Expr::s("ipv4"))
                    .attr("bgp_asn", Expr::raw("var.dx_bgp_asn"));
                b.attr_opt(
                    "dx_gateway_id",
                    vif.dx_gateway.as_ref().map(|g| self.id("aws_dx_gateway", g)),
                );
                if vif.kind == VifKind::Private {
                    b.attr_opt(
                        "vpn_gateway_id",
                        vif.vpn_gateway.as_ref().map(|g| self.id("aws_vpn_gateway", g)),
                    );
                }
                self.blocks.push(b);
            }
        }
    }

    /// The CIDRs of the VPCs attached to a transit gateway: what a DX gateway
    /// association advertises on premises (Direct Connect guide, "Allowed prefixes").
    fn tgw_vpc_cidrs(&self, tgw: &str) -> Vec<Expr> {
        let Some(t) = self.d.transit_gateways.iter().find(|t| t.name == tgw) else {
            return Vec::new();
        };
        t.attached_vpcs()
            .into_iter()
            .filter_map(|v| self.d.vpcs.iter().find(|x| x.name == v))
            .map(|v| Expr::s(v.cidr.to_string()))
            .collect()
    }

    fn tgw_attachment_id(&self, t: &TransitGateway, a: &TgwAttachment) -> Expr {
        match &a.kind {
            TgwAttachmentKind::Vpc { .. } => self.id("aws_ec2_transit_gateway_vpc_attachment", &a.name),
            TgwAttachmentKind::Vpn { connection } => {
                self.r("aws_vpn_connection", connection, "transit_gateway_attachment_id")
            }
            TgwAttachmentKind::DxGateway { .. } => Expr::raw(format!(
                "data.aws_ec2_transit_gateway_dx_gateway_attachment.{}.id",
                self.l.of(&a.name)
            )),
            TgwAttachmentKind::Peering { transit_gateway } => {
                // The peering attachment is created by the side listed first.
                let first = self.first_peering_side(&t.name, transit_gateway);
                if first {
                    self.id("aws_ec2_transit_gateway_peering_attachment", &a.name)
                } else {
                    self.r(
                        "aws_ec2_transit_gateway_peering_attachment_accepter",
                        &a.name,
                        "transit_gateway_attachment_id",
                    )
                }
            }
        }
    }

    fn first_peering_side(&self, tgw: &str, peer: &str) -> bool {
        let pos = |n: &str| {
            self.d
                .transit_gateways
                .iter()
                .position(|t| t.name == n)
                .unwrap_or(usize::MAX)
        };
        pos(tgw) <= pos(peer)
    }

    pub(super) fn transit_gateways(&mut self) {
        for t in &self.d.transit_gateways {
            let label = self.l.of(&t.name);
            let mut b = Block::resource("aws_ec2_transit_gateway", &label);
            // Every association and propagation is written out explicitly, so AWS's
            // automatic ones are turned off (Transit Gateways guide, "Default route table").
            b.attr("amazon_side_asn", Expr::num(t.asn))
                .attr("default_route_table_association", Expr::s("disable"))
                .attr("default_route_table_propagation", Expr::s("disable"));
            // Security-group referencing: off unless set (CreateTransitGateway's default).
            if t.sg_referencing {
                b.attr("security_group_referencing_support", Expr::s("enable"));
            }
            b.tags(with_description(name_tag(&t.name), &t.description));
            self.blocks.push(b);
            for rt in &t.route_tables {
                let mut b = Block::resource("aws_ec2_transit_gateway_route_table", &self.l.of(&rt.name));
                b.attr("transit_gateway_id", self.id("aws_ec2_transit_gateway", &t.name));
                b.tags(name_tag(&rt.name));
                self.blocks.push(b);
            }
            for a in &t.attachments {
                let al = self.l.of(&a.name);
                match &a.kind {
                    TgwAttachmentKind::Vpc { vpc, subnets } => {
                        let mut b = Block::resource("aws_ec2_transit_gateway_vpc_attachment", &al);
                        let s = subnets.iter().map(|s| self.id("aws_subnet", s)).collect();
                        b.attr("transit_gateway_id", self.id("aws_ec2_transit_gateway", &t.name))
                            .attr("vpc_id", self.vpc_id(vpc))
                            .attr("subnet_ids", Expr::List(s))
                            .attr(
                                "appliance_mode_support",
                                Expr::s(if a.appliance_mode { "enable" } else { "disable" }),
                            )
                            .attr("transit_gateway_default_route_table_association", Expr::bool(false))
                            .attr("transit_gateway_default_route_table_propagation", Expr::bool(false));
                        // Spelled out whenever it matters (the gateway enables it) or
                        // differs from CreateTransitGatewayVpcAttachment's default (enable).
                        if t.sg_referencing || !a.sg_referencing {
                            let v = if a.sg_referencing { "enable" } else { "disable" };
                            b.attr("security_group_referencing_support", Expr::s(v));
                        }
                        b.tags(name_tag(&a.name));
                        self.blocks.push(b);
                    }
                    TgwAttachmentKind::Vpn { .. } => {}
                    TgwAttachmentKind::DxGateway { dx_gateway } => {
                        let mut b = Block::new("data", &["aws_ec2_transit_gateway_dx_gateway_attachment", &al]);
                        b.attr("transit_gateway_id", self.id("aws_ec2_transit_gateway", &t.name))
                            .attr("dx_gateway_id", self.id("aws_dx_gateway", dx_gateway));
                        self.blocks.push(b);
                    }
                    TgwAttachmentKind::Peering { transit_gateway } => {
                        if self.first_peering_side(&t.name, transit_gateway) {
                            let mut b = Block::resource("aws_ec2_transit_gateway_peering_attachment", &al);
                            b.attr("transit_gateway_id", self.id("aws_ec2_transit_gateway", &t.name))
                                .attr(
                                    "peer_transit_gateway_id",
                                    self.id("aws_ec2_transit_gateway", transit_gateway),
                                )
                                .attr("peer_region", Expr::raw("var.region"));
                            b.tags(name_tag(&a.name));
                            self.blocks.push(b);
                        } else {
                            let peer = self.d.transit_gateways.iter().find(|p| p.name == *transit_gateway);
                            let back = peer.and_then(|p| {
                                p.attachments.iter().find(|x| {
                                    matches!(&x.kind, TgwAttachmentKind::Peering { transit_gateway } if *transit_gateway == t.name)
                                })
                            });
                            let mut b = Block::resource("aws_ec2_transit_gateway_peering_attachment_accepter", &al);
                            match back {
                                Some(x) => {
                                    b.attr(
                                        "transit_gateway_attachment_id",
                                        self.id("aws_ec2_transit_gateway_peering_attachment", &x.name),
                                    );
                                }
                                None => {
                                    self.notes.push(format!(
                                        "peering attachment {}: {transit_gateway} lists no attachment back",
                                        a.name
                                    ));
                                    continue;
                                }
                            }
                            b.tags(name_tag(&a.name));
                            self.blocks.push(b);
                        }
                    }
                }
                let att = self.tgw_attachment_id(t, a);
                if let Some(rt) = &a.association {
                    let mut b = Block::resource("aws_ec2_transit_gateway_route_table_association", &al);
                    b.attr("transit_gateway_attachment_id", att.clone()).attr(
                        "transit_gateway_route_table_id",
                        self.id("aws_ec2_transit_gateway_route_table", rt),
                    );
                    self.blocks.push(b);
                }
                for rt in &a.propagations {
                    let mut b = Block::resource(
                        "aws_ec2_transit_gateway_route_table_propagation",
                        &format!("{al}_{}", self.l.of(rt)),
                    );
                    b.attr("transit_gateway_attachment_id", att.clone()).attr(
                        "transit_gateway_route_table_id",
                        self.id("aws_ec2_transit_gateway_route_table", rt),
                    );
                    self.blocks.push(b);
                }
            }
            for rt in &t.route_tables {
                for (i, r) in rt.routes.iter().enumerate() {
                    let mut b = Block::resource(
                        "aws_ec2_transit_gateway_route",
                        &format!("{}_{}", self.l.of(&rt.name), i + 1),
                    );
                    b.attr("destination_cidr_block", Expr::s(r.cidr.to_string()));
                    match &r.target {
                        TgwRouteTarget::Blackhole => {
                            b.attr("blackhole", Expr::bool(true));
                        }
                        TgwRouteTarget::Attachment(a) => {
                            let Some(att) = t.attachment(a) else { continue };
                            b.attr("transit_gateway_attachment_id", self.tgw_attachment_id(t, att));
                        }
                    }
                    b.attr(
                        "transit_gateway_route_table_id",
                        self.id("aws_ec2_transit_gateway_route_table", &rt.name),
                    );
                    self.blocks.push(b);
                }
            }
        }
    }
}
