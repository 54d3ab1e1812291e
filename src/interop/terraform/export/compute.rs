//! Instances and their network interfaces, and load balancers (application,
//! network and gateway) with their target groups and listeners.

use super::{name_tag, with_description, Exporter};
use crate::interop::elb_name;
use crate::interop::terraform::write::{Block, Expr};
use crate::model::*;

impl Exporter<'_> {
    pub(super) fn instances(&mut self) {
        for i in &self.d.instances {
            let label = self.l.of(&i.name);
            let ami = match i.os {
                OsFamily::Linux => "ami",
                OsFamily::Windows => "ami_windows",
            };
            self.vars.insert(ami);
            self.vars.insert("instance_type");
            let mut b = Block::resource("aws_instance", &label);
            b.attr("ami", Expr::raw(format!("var.{ami}")))
                .attr("instance_type", Expr::raw("var.instance_type"))
                .attr("subnet_id", self.id("aws_subnet", &i.subnet));
            b.attr_opt("private_ip", i.private_ip.map(|ip| Expr::s(ip.to_string())));
            if let Some(p) = i.public_ip {
                b.attr("associate_public_ip_address", Expr::bool(p));
            }
            if let Some(v6) = i.ipv6 {
                b.attr("ipv6_addresses", Expr::List(vec![Expr::s(v6.to_string())]));
            }
            let sgs = i.security_groups.iter().map(|g| self.sg_id(g)).collect();
            b.attr("vpc_security_group_ids", Expr::List(sgs))
                .attr("source_dest_check", Expr::bool(i.source_dest_check));
            let mut tags = with_description(name_tag(&i.name), &i.description);
            tags.push(("Role".into(), Expr::s(i.role.to_string())));
            b.tags(tags);
            self.blocks.push(b);
            if let Some(e) = &i.elastic_ip {
                let mut b = Block::resource("aws_eip_association", &label);
                b.attr("instance_id", self.id("aws_instance", &i.name))
                    .attr("allocation_id", self.id("aws_eip", e));
                self.blocks.push(b);
            }
            for (n, eni) in i.secondary_interfaces.iter().enumerate() {
                let el = self.l.of(&eni.name);
                let mut b = Block::resource("aws_network_interface", &el);
                b.attr("subnet_id", self.id("aws_subnet", &eni.subnet));
                if let Some(ip) = eni.private_ip {
                    b.attr("private_ips", Expr::List(vec![Expr::s(ip.to_string())]));
                }
                let sgs = eni.security_groups.iter().map(|g| self.sg_id(g)).collect();
                b.attr("security_groups", Expr::List(sgs))
                    .attr("source_dest_check", Expr::bool(eni.source_dest_check));
                let mut ab = Block::new("attachment", &[]);
                ab.attr("instance", self.id("aws_instance", &i.name))
                    .attr("device_index", Expr::num(n + 1));
                b.block(ab);
                b.tags(name_tag(&eni.name));
                self.blocks.push(b);
            }
        }
    }

    pub(super) fn load_balancers(&mut self) {
        for lb in &self.d.load_balancers {
            let label = self.l.of(&lb.name);
            let alb = lb.kind == LoadBalancerKind::Application;
            let mut b = Block::resource("aws_lb", &label);
            b.attr("name", Expr::s(elb_name(&lb.name, "")))
                .attr("internal", Expr::bool(lb.scheme == LoadBalancerScheme::Internal))
                .attr(
                    "load_balancer_type",
                    Expr::s(match lb.kind {
                        LoadBalancerKind::Application => "application",
                        LoadBalancerKind::Network => "network",
                        LoadBalancerKind::Gateway => "gateway",
                    }),
                );
            let subnets = lb.subnets.iter().map(|s| self.id("aws_subnet", s)).collect();
            b.attr("subnets", Expr::List(subnets));
            if !lb.security_groups.is_empty() {
                let sgs = lb.security_groups.iter().map(|g| self.sg_id(g)).collect();
                b.attr("security_groups", Expr::List(sgs));
            }
            // Off by default for network and gateway load balancers; an
            // application load balancer has it on and it cannot be turned off.
            if lb.cross_zone && !alb {
                b.attr("enable_cross_zone_load_balancing", Expr::bool(true));
            }
            b.tags(with_description(name_tag(&lb.name), &lb.description));
            self.blocks.push(b);
            let Some(vpc) = lb.subnets.first().and_then(|s| self.subnet_vpc(s)) else {
                self.notes
                    .push(format!("load balancer {} has no subnet: no target group", lb.name));
                continue;
            };
            if lb.kind == LoadBalancerKind::Gateway {
                self.gwlb_listener(lb, &label, vpc);
                continue;
            }
            for l in &lb.listeners {
                let tl = format!("{label}_{}", l.port);
                let (proto, tg_proto) = listener_protocols(alb, l);
                let mut tg = Block::resource("aws_lb_target_group", &tl);
                tg.attr("name", Expr::s(elb_name(&lb.name, &format!("-{}", l.port))))
                    .attr("port", Expr::num(l.target_port))
                    .attr("protocol", Expr::s(tg_proto))
                    .attr("target_type", Expr::s("instance"))
                    .attr("vpc_id", self.vpc_id(vpc));
                self.blocks.push(tg);
                for t in &lb.targets {
                    let mut a = Block::resource("aws_lb_target_group_attachment", &format!("{tl}_{}", self.l.of(t)));
                    a.attr("target_group_arn", Expr::raw(format!("aws_lb_target_group.{tl}.arn")))
                        .attr("target_id", self.id("aws_instance", t))
                        .attr("port", Expr::num(l.target_port));
                    self.blocks.push(a);
                }
                let mut li = Block::resource("aws_lb_listener", &tl);
                li.attr("load_balancer_arn", self.r("aws_lb", &lb.name, "arn"))
                    .attr("port", Expr::num(l.port))
                    .attr("protocol", Expr::s(proto));
                if proto == "HTTPS" || proto == "TLS" {
                    self.vars.insert("certificate_arn");
                    li.attr("certificate_arn", Expr::raw("var.certificate_arn"));
                }
                let mut da = Block::new("default_action", &[]);
                da.attr("type", Expr::s("forward"))
                    .attr("target_group_arn", Expr::raw(format!("aws_lb_target_group.{tl}.arn")));
                li.block(da);
                self.blocks.push(li);
            }
        }
    }

    /// A Gateway Load Balancer's one listener: no port or protocol, forwarding
    /// every packet in GENEVE (UDP 6081) to its appliances (ELB guide, Gateway
    /// Load Balancers, "Listeners" and "Target groups").
    fn gwlb_listener(&mut self, lb: &LoadBalancer, label: &str, vpc: &str) {
        let tl = format!("{label}_geneve");
        let mut tg = Block::resource("aws_lb_target_group", &tl);
        tg.attr("name", Expr::s(elb_name(&lb.name, "-geneve")))
            .attr("port", Expr::num(6081))
            .attr("protocol", Expr::s("GENEVE"))
            .attr("target_type", Expr::s("instance"))
            .attr("vpc_id", self.vpc_id(vpc));
        self.blocks.push(tg);
        for t in &lb.targets {
            let mut a = Block::resource("aws_lb_target_group_attachment", &format!("{tl}_{}", self.l.of(t)));
            a.attr("target_group_arn", Expr::raw(format!("aws_lb_target_group.{tl}.arn")))
                .attr("target_id", self.id("aws_instance", t));
            self.blocks.push(a);
        }
        let mut li = Block::resource("aws_lb_listener", &tl);
        li.attr("load_balancer_arn", self.r("aws_lb", &lb.name, "arn"));
        let mut da = Block::new("default_action", &[]);
        da.attr("type", Expr::s("forward"))
            .attr("target_group_arn", Expr::raw(format!("aws_lb_target_group.{tl}.arn")));
        li.block(da);
        self.blocks.push(li);
    }
}

/// The listener's and its target group's protocols: an ALB speaks HTTP, or HTTPS
/// on 443; an NLB speaks TCP or UDP (Elastic Load Balancing, listener protocols).
fn listener_protocols(alb: bool, l: &Listener) -> (&'static str, &'static str) {
    match (alb, l.proto) {
        (true, _) if l.port == 443 => ("HTTPS", "HTTP"),
        (true, _) => ("HTTP", "HTTP"),
        (false, Protocol::Udp) => ("UDP", "UDP"),
        (false, _) => ("TCP", "TCP"),
    }
}
