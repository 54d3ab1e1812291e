//! VPCs, subnets, route tables and their routes, managed prefix lists and
//! VPC peering connections.

use ipnet::IpNet;

use super::{name_tag, with_description, Exporter, PLANNED_TAG};
use crate::interop::terraform::write::{Block, Expr};
use crate::model::*;

impl Exporter<'_> {
    pub(super) fn vpcs(&mut self) {
        for v in &self.d.vpcs {
            let mut b = Block::resource("aws_vpc", &self.l.of(&v.name));
            b.attr("cidr_block", Expr::s(v.cidr.to_string()))
                .attr(
                    "instance_tenancy",
                    Expr::s(match v.tenancy {
                        Tenancy::Default => "default",
                        Tenancy::Dedicated => "dedicated",
                    }),
                )
                .attr("enable_dns_support", Expr::bool(v.dns_support))
                .attr("enable_dns_hostnames", Expr::bool(v.dns_hostnames));
            let mut tags = with_description(name_tag(&v.name), &v.description);
            if let Some(v6) = v.ipv6_cidr {
                // AWS assigns the Amazon-provided /56 itself (VPC User Guide, "IPv6 CIDR blocks").
                b.attr("assign_generated_ipv6_cidr_block", Expr::bool(true));
                tags.push((PLANNED_TAG.into(), Expr::s(v6.to_string())));
            }
            b.tags(tags);
            self.blocks.push(b);
            for (i, c) in v.secondary_cidrs.iter().enumerate() {
                let mut b = Block::resource(
                    "aws_vpc_ipv4_cidr_block_association",
                    &format!("{}_{}", self.l.of(&v.name), i + 1),
                );
                b.attr("vpc_id", self.vpc_id(&v.name))
                    .attr("cidr_block", Expr::s(c.to_string()));
                self.blocks.push(b);
            }
        }
    }

    pub(super) fn subnets(&mut self) {
        for s in &self.d.subnets {
            let mut b = Block::resource("aws_subnet", &self.l.of(&s.name));
            b.attr("vpc_id", self.vpc_id(&s.vpc))
                .attr("availability_zone", Expr::s(s.az.clone()))
                .attr("cidr_block", Expr::s(s.cidr.to_string()));
            let vpc = self.d.vpcs.iter().find(|v| v.name == s.vpc);
            if let (Some(v6), Some(vpc6)) = (s.ipv6_cidr, vpc.and_then(|v| v.ipv6_cidr)) {
                // The subnet's /64 is a fixed position inside whatever /56 AWS gives the VPC.
                let bits = v6.prefix_len().saturating_sub(vpc6.prefix_len());
                let offset = (u128::from(v6.network()) - u128::from(vpc6.network())) >> (128 - v6.prefix_len());
                b.attr(
                    "ipv6_cidr_block",
                    Expr::raw(format!(
                        "cidrsubnet({}, {bits}, {offset})",
                        match self.r("aws_vpc", &s.vpc, "ipv6_cidr_block") {
                            Expr::Raw(r) => r,
                            _ => String::new(),
                        }
                    )),
                );
            }
            b.attr("map_public_ip_on_launch", Expr::bool(s.map_public_ip));
            if let Some(vpc) = vpc {
                if let Some((i, _)) = vpc
                    .secondary_cidrs
                    .iter()
                    .enumerate()
                    .find(|(_, c)| c.contains(&s.cidr))
                {
                    b.attr(
                        "depends_on",
                        Expr::List(vec![Expr::raw(format!(
                            "aws_vpc_ipv4_cidr_block_association.{}_{}",
                            self.l.of(&vpc.name),
                            i + 1
                        ))]),
                    );
                }
            }
            let mut tags = with_description(name_tag(&s.name), &s.description);
            if let Some(t) = &s.tier {
                tags.push(("Tier".into(), Expr::s(t.clone())));
            }
            b.tags(tags);
            self.blocks.push(b);
        }
        for s in &self.d.subnets {
            if let Some(rt) = &s.route_table {
                let mut b = Block::resource("aws_route_table_association", &self.l.of(&s.name));
                b.attr("subnet_id", self.id("aws_subnet", &s.name))
                    .attr("route_table_id", self.rt_id(rt));
                self.blocks.push(b);
            }
        }
    }

    fn route_target(&mut self, vpc: &str, t: &RouteTarget) -> Option<(&'static str, Expr)> {
        Some(match t {
            // A Gateway Load Balancer endpoint is a route target of its own; a gateway
            // endpoint's routes are added by AWS for the tables it names.
            RouteTarget::GatewayEndpoint(e) if self.d.is_gwlb_endpoint(e) => {
                ("vpc_endpoint_id", self.id("aws_vpc_endpoint", e))
            }
            RouteTarget::Local | RouteTarget::GatewayEndpoint(_) => return None,
            RouteTarget::InternetGateway(g) => ("gateway_id", self.id("aws_internet_gateway", g)),
            RouteTarget::VpnGateway(g) => ("gateway_id", self.id("aws_vpn_gateway", g)),
            RouteTarget::EgressOnlyGateway(g) => {
                ("egress_only_gateway_id", self.id("aws_egress_only_internet_gateway", g))
            }
            RouteTarget::NatGateway(g) => ("nat_gateway_id", self.id("aws_nat_gateway", g)),
            RouteTarget::Instance(i) => (
                "network_interface_id",
                self.r("aws_instance", i, "primary_network_interface_id"),
            ),
            RouteTarget::NetworkInterface(n) => {
                if self.d.instances.iter().any(|i| i.name == *n) {
                    (
                        "network_interface_id",
                        self.r("aws_instance", n, "primary_network_interface_id"),
                    )
                } else {
                    ("network_interface_id", self.id("aws_network_interface", n))
                }
            }
            RouteTarget::Peering(p) => ("vpc_peering_connection_id", self.id("aws_vpc_peering_connection", p)),
            RouteTarget::TransitGateway(g) => ("transit_gateway_id", self.id("aws_ec2_transit_gateway", g)),
            RouteTarget::FirewallEndpoint(fw, az) => {
                let _ = vpc;
                // The firewall's endpoint in that AZ, from its sync states (provider docs,
                // aws_networkfirewall_firewall, `firewall_status`).
                (
                    "vpc_endpoint_id",
                    Expr::raw(format!(
                        "one([for s in aws_networkfirewall_firewall.{}.firewall_status[0].sync_states : s.attachment[0].endpoint_id if s.availability_zone == \"{az}\"])",
                        self.l.of(fw)
                    )),
                )
            }
        })
    }

    fn destination(&mut self, dest: &RouteDestination, inline: bool) -> (&'static str, Expr) {
        match dest {
            RouteDestination::Cidr(IpNet::V4(c)) => (
                if inline { "cidr_block" } else { "destination_cidr_block" },
                Expr::s(c.to_string()),
            ),
            RouteDestination::Cidr(IpNet::V6(c)) => (
                if inline {
                    "ipv6_cidr_block"
                } else {
                    "destination_ipv6_cidr_block"
                },
                Expr::s(c.to_string()),
            ),
            RouteDestination::PrefixList(p) => ("destination_prefix_list_id", self.prefix_list_id(p)),
        }
    }

    pub(super) fn route_tables(&mut self) {
        for rt in &self.d.route_tables {
            let label = self.l.of(&rt.name);
            let main = self.d.vpcs.iter().any(|v| v.main_route_table == rt.name);
            let mut b = if main {
                // The VPC's main route table is adopted and holds exactly these routes.
                let mut b = Block::resource("aws_default_route_table", &label);
                b.attr(
                    "default_route_table_id",
                    self.r("aws_vpc", &rt.vpc, "default_route_table_id"),
                );
                if !rt.propagating_vgws.is_empty() {
                    let vgws = rt
                        .propagating_vgws
                        .iter()
                        .map(|g| self.id("aws_vpn_gateway", g))
                        .collect();
                    b.attr("propagating_vgws", Expr::List(vgws));
                }
                let mut any = false;
                for r in &rt.routes {
                    let Some((tk, tv)) = self.route_target(&rt.vpc, &r.target) else {
                        continue;
                    };
                    let (dk, dv) = self.destination(&r.dest, true);
                    let mut rb = Block::new("route", &[]);
                    rb.attr(dk, dv).attr(tk, tv);
                    b.block(rb);
                    any = true;
                }
                if !any {
                    b.attr("route", Expr::List(Vec::new()));
                }
                b
            } else {
                let mut b = Block::resource("aws_route_table", &label);
                b.attr("vpc_id", self.vpc_id(&rt.vpc));
                b
            };
            b.tags(with_description(name_tag(&rt.name), &rt.description));
            self.blocks.push(b);
            if main {
                continue;
            }
            let mut n = 0;
            for r in &rt.routes {
                let Some((tk, tv)) = self.route_target(&rt.vpc, &r.target) else {
                    continue;
                };
                n += 1;
                let (dk, dv) = self.destination(&r.dest, false);
                let mut b = Block::resource("aws_route", &format!("{label}_{n}"));
                b.attr("route_table_id", self.id("aws_route_table", &rt.name))
                    .attr(dk, dv)
                    .attr(tk, tv);
                self.blocks.push(b);
            }
            for g in &rt.propagating_vgws {
                let mut b = Block::resource(
                    "aws_vpn_gateway_route_propagation",
                    &format!("{label}_{}", self.l.of(g)),
                );
                b.attr("vpn_gateway_id", self.id("aws_vpn_gateway", g))
                    .attr("route_table_id", self.id("aws_route_table", &rt.name));
                self.blocks.push(b);
            }
        }
    }

    pub(super) fn prefix_lists(&mut self) {
        for p in &self.d.prefix_lists {
            let mut b = Block::resource("aws_ec2_managed_prefix_list", &self.l.of(&p.name));
            let v6 = p.entries.first().is_some_and(|e| matches!(e, IpNet::V6(_)));
            b.attr("name", Expr::s(p.name.clone()))
                .attr("address_family", Expr::s(if v6 { "IPv6" } else { "IPv4" }))
                .attr("max_entries", Expr::num(p.max_entries));
            for e in &p.entries {
                let mut eb = Block::new("entry", &[]);
                eb.attr("cidr", Expr::s(e.to_string()));
                b.block(eb);
            }
            b.tags(with_description(name_tag(&p.name), &p.description));
            self.blocks.push(b);
        }
    }

    pub(super) fn peerings(&mut self) {
        for p in &self.d.peerings {
            if p.status != PeeringStatus::Active && p.status != PeeringStatus::PendingAcceptance {
                self.notes.push(format!(
                    "peering {} is {}: a new connection cannot be created in that state",
                    p.name,
                    p.status.label()
                ));
                continue;
            }
            let mut b = Block::resource("aws_vpc_peering_connection", &self.l.of(&p.name));
            b.attr("vpc_id", self.vpc_id(&p.requester))
                .attr("peer_vpc_id", self.vpc_id(&p.accepter));
            if p.cross_account {
                self.vars.insert("peer_owner_id");
                b.attr("peer_owner_id", Expr::raw("var.peer_owner_id"));
                self.notes.push(format!(
                    "peering {}: the accepter account must accept it (aws_vpc_peering_connection_accepter in that account)",
                    p.name
                ));
            } else if p.cross_region {
                self.notes.push(format!(
                    "peering {} is inter-Region: set peer_region and accept it in the accepter's Region",
                    p.name
                ));
            } else {
                b.attr("auto_accept", Expr::bool(p.status == PeeringStatus::Active));
            }
            b.tags(with_description(name_tag(&p.name), &p.description));
            self.blocks.push(b);
        }
    }
}
