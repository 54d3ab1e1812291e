//! Security groups and network ACLs, with their rules.

use ipnet::IpNet;

use super::{name_tag, with_description, Exporter};
use crate::interop::terraform::write::{Block, Expr};
use crate::interop::{ec2_protocol, nacl_protocol, sg_description};
use crate::model::*;

impl Exporter<'_> {
    fn sg_peer(&mut self, sg: &str, peer: &SgPeer, inline: bool) -> (&'static str, Expr) {
        match (peer, inline) {
            (SgPeer::Cidr(IpNet::V4(c)), false) => ("cidr_ipv4", Expr::s(c.to_string())),
            (SgPeer::Cidr(IpNet::V6(c)), false) => ("cidr_ipv6", Expr::s(c.to_string())),
            (SgPeer::Group(g), false) => ("referenced_security_group_id", self.sg_id(g)),
            (SgPeer::PrefixList(p), false) => ("prefix_list_id", self.prefix_list_id(p)),
            (SgPeer::Cidr(IpNet::V4(c)), true) => ("cidr_blocks", Expr::List(vec![Expr::s(c.to_string())])),
            (SgPeer::Cidr(IpNet::V6(c)), true) => ("ipv6_cidr_blocks", Expr::List(vec![Expr::s(c.to_string())])),
            (SgPeer::Group(g), true) if g == sg => ("self", Expr::bool(true)),
            (SgPeer::Group(g), true) => ("security_groups", Expr::List(vec![self.sg_id(g)])),
            (SgPeer::PrefixList(p), true) => ("prefix_list_ids", Expr::List(vec![self.prefix_list_id(p)])),
        }
    }

    pub(super) fn security_groups(&mut self) {
        for sg in &self.d.security_groups {
            let label = self.l.of(&sg.name);
            if self.is_default_sg(&sg.name) {
                // The default group is adopted with inline rules: the provider then holds it
                // to exactly these (aws_default_security_group treats inline rules as absolute).
                let mut b = Block::resource("aws_default_security_group", &label);
                b.attr("vpc_id", self.vpc_id(&sg.vpc));
                for (kind, rules) in [("ingress", &sg.inbound), ("egress", &sg.outbound)] {
                    for r in rules {
                        let mut rb = Block::new(kind, &[]);
                        let (from, to) = port_pair(r.proto, r.ports);
                        rb.attr("protocol", Expr::s(ec2_protocol(r.proto)))
                            .attr("from_port", Expr::num(from))
                            .attr("to_port", Expr::num(to));
                        let (k, v) = self.sg_peer(&sg.name, &r.peer, true);
                        rb.attr(k, v);
                        rb.attr_opt(
                            "description",
                            r.description.as_deref().map(|t| Expr::s(sg_description(t))),
                        );
                        b.block(rb);
                    }
                }
                if sg.inbound.is_empty() && sg.outbound.is_empty() {
                    b.attr("ingress", Expr::List(Vec::new()))
                        .attr("egress", Expr::List(Vec::new()));
                }
                b.tags(name_tag(&sg.name));
                self.blocks.push(b);
                continue;
            }
            let mut b = Block::resource("aws_security_group", &label);
            b.attr("name", Expr::s(sg.aws_group_name().into_owned()))
                .attr(
                    "description",
                    Expr::s(sg_description(sg.description.as_deref().unwrap_or("Managed by vpcd"))),
                )
                .attr("vpc_id", self.vpc_id(&sg.vpc));
            b.tags(name_tag(&sg.name));
            self.blocks.push(b);
        }
        // Rules as their own resources (the provider's current practice: one rule per
        // resource), after every group so references between groups read in order.
        for sg in &self.d.security_groups {
            if self.is_default_sg(&sg.name) {
                continue;
            }
            let label = self.l.of(&sg.name);
            for (kind, rules) in [("ingress", &sg.inbound), ("egress", &sg.outbound)] {
                for (i, r) in rules.iter().enumerate() {
                    let mut b = Block::resource(
                        &format!("aws_vpc_security_group_{kind}_rule"),
                        &format!("{label}_{kind}_{}", i + 1),
                    );
                    b.attr("security_group_id", self.id("aws_security_group", &sg.name))
                        .attr("ip_protocol", Expr::s(ec2_protocol(r.proto)));
                    if r.proto != Protocol::All && !matches!(r.proto, Protocol::Number(_)) {
                        let (from, to) = port_pair(r.proto, r.ports);
                        b.attr("from_port", Expr::num(from)).attr("to_port", Expr::num(to));
                    }
                    let (k, v) = self.sg_peer(&sg.name, &r.peer, false);
                    b.attr(k, v);
                    b.attr_opt(
                        "description",
                        r.description.as_deref().map(|t| Expr::s(sg_description(t))),
                    );
                    self.blocks.push(b);
                }
            }
        }
    }

    pub(super) fn network_acls(&mut self) {
        for acl in &self.d.network_acls {
            let label = self.l.of(&acl.name);
            let default = self.d.vpcs.iter().find(|v| v.default_network_acl == acl.name);
            if let Some(v) = default {
                let mut b = Block::resource("aws_default_network_acl", &label);
                b.attr(
                    "default_network_acl_id",
                    self.r("aws_vpc", &v.name, "default_network_acl_id"),
                );
                for (kind, rules) in [("ingress", &acl.inbound), ("egress", &acl.outbound)] {
                    for r in rules {
                        let mut rb = Block::new(kind, &[]);
                        nacl_fields(&mut rb, r, true);
                        b.block(rb);
                    }
                }
                b.tags(with_description(name_tag(&acl.name), &acl.description));
                self.blocks.push(b);
                continue;
            }
            let mut b = Block::resource("aws_network_acl", &label);
            b.attr("vpc_id", self.vpc_id(&acl.vpc));
            b.tags(with_description(name_tag(&acl.name), &acl.description));
            self.blocks.push(b);
            for (egress, rules) in [(false, &acl.inbound), (true, &acl.outbound)] {
                for r in rules {
                    let dir = if egress { "egress" } else { "ingress" };
                    let mut b = Block::resource("aws_network_acl_rule", &format!("{label}_{dir}_{}", r.number));
                    b.attr("network_acl_id", self.id("aws_network_acl", &acl.name))
                        .attr("rule_number", Expr::num(r.number))
                        .attr("egress", Expr::bool(egress));
                    nacl_fields(&mut b, r, false);
                    self.blocks.push(b);
                }
            }
        }
        for s in &self.d.subnets {
            let Some(acl) = &s.network_acl else { continue };
            if self.d.vpcs.iter().any(|v| v.default_network_acl == *acl) {
                // A subnet without an association uses the default NACL already.
                continue;
            }
            let mut b = Block::resource("aws_network_acl_association", &self.l.of(&s.name));
            b.attr("subnet_id", self.id("aws_subnet", &s.name))
                .attr("network_acl_id", self.id("aws_network_acl", acl));
            self.blocks.push(b);
        }
    }
}

/// Ports as the EC2 API takes them: TCP/UDP ranges as they are; ICMP type and
/// code, `-1` for all; `0`–`0` for all protocols (ignored by AWS).
fn port_pair(p: Protocol, ports: PortRange) -> (i32, i32) {
    match p {
        Protocol::Tcp | Protocol::Udp => (i32::from(ports.from), i32::from(ports.to)),
        Protocol::Icmp | Protocol::Icmpv6 => (-1, -1),
        _ => (0, 0),
    }
}

fn nacl_fields(b: &mut Block, r: &NaclRule, inline: bool) {
    if inline {
        b.attr("rule_no", Expr::num(r.number));
    }
    b.attr("protocol", Expr::s(nacl_protocol(r.proto)));
    b.attr(
        if inline { "action" } else { "rule_action" },
        Expr::s(r.action.to_string()),
    );
    match r.cidr {
        IpNet::V4(c) => b.attr("cidr_block", Expr::s(c.to_string())),
        IpNet::V6(c) => b.attr("ipv6_cidr_block", Expr::s(c.to_string())),
    };
    match r.proto {
        Protocol::Tcp | Protocol::Udp => {
            b.attr("from_port", Expr::num(r.ports.from))
                .attr("to_port", Expr::num(r.ports.to));
        }
        Protocol::Icmp | Protocol::Icmpv6 => {
            if inline {
                b.attr("from_port", Expr::num(0)).attr("to_port", Expr::num(0));
            }
            b.attr("icmp_type", Expr::num(-1)).attr("icmp_code", Expr::num(-1));
        }
        _ => {
            if inline {
                b.attr("from_port", Expr::num(0)).attr("to_port", Expr::num(0));
            }
        }
    }
}
