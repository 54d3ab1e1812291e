//! What inspects and records traffic: AWS Network Firewall (firewalls,
//! policies, rule groups) and VPC flow logs.

use ipnet::IpNet;

use super::{name_tag, with_description, Exporter};
use crate::interop::elb_name;
use crate::interop::terraform::write::{Block, Expr};
use crate::model::*;

impl Exporter<'_> {
    pub(super) fn firewalls(&mut self) {
        for f in &self.d.firewalls {
            let label = self.l.of(&f.name);
            // One stateful 5-tuple group in strict order: rules apply first match first,
            // as the design lists them (Network Firewall guide, "Strict evaluation order").
            let mut rg = Block::resource("aws_networkfirewall_rule_group", &label);
            rg.attr("name", Expr::s(elb_name(&f.name, "-rules")))
                .attr("type", Expr::s("STATEFUL"))
                .attr("capacity", Expr::num((f.rules.len() as u32 + 10).next_multiple_of(10)));
            let mut body = Block::new("rule_group", &[]);
            let mut opts = Block::new("stateful_rule_options", &[]);
            opts.attr("rule_order", Expr::s("STRICT_ORDER"));
            body.block(opts);
            let mut src = Block::new("rules_source", &[]);
            let mut domains = Vec::new();
            for (i, r) in f.rules.iter().enumerate() {
                if let Some(d) = &r.domain {
                    domains.push((r.action, d.clone()));
                    continue;
                }
                let mut sr = Block::new("stateful_rule", &[]);
                sr.attr(
                    "action",
                    Expr::s(match r.action {
                        FirewallAction::Pass => "PASS",
                        FirewallAction::Drop => "DROP",
                        FirewallAction::Alert => "ALERT",
                    }),
                );
                let mut h = Block::new("header", &[]);
                let ports = |p: Option<PortRange>| match p {
                    Some(p) if !p.is_all() && p.from == p.to => p.from.to_string(),
                    Some(p) if !p.is_all() => format!("{}:{}", p.from, p.to),
                    _ => "ANY".into(),
                };
                let net = |c: Option<IpNet>| c.map(|c| c.to_string()).unwrap_or_else(|| "ANY".into());
                h.attr("protocol", Expr::s(suricata_protocol(r.proto)))
                    .attr("source", Expr::s(net(r.source)))
                    .attr("source_port", Expr::s("ANY"))
                    .attr("direction", Expr::s("FORWARD"))
                    .attr("destination", Expr::s(net(r.destination)))
                    .attr("destination_port", Expr::s(ports(r.ports)));
                sr.block(h);
                let mut opt = Block::new("rule_option", &[]);
                opt.attr("keyword", Expr::s(format!("sid:{}", i + 1)));
                sr.block(opt);
                src.block(sr);
            }
            if !domains.is_empty() {
                self.notes.push(format!(
                    "firewall {}: domain rules ({}) need a domain-list rule group of their own",
                    f.name,
                    domains.iter().map(|(_, d)| d.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
            if f.rules.iter().all(|r| r.domain.is_some()) {
                // A stateful group needs at least one rule: one that passes nothing in particular.
                let mut sr = Block::new("stateful_rule", &[]);
                sr.attr("action", Expr::s("ALERT"));
                let mut h = Block::new("header", &[]);
                h.attr("protocol", Expr::s("IP"))
                    .attr("source", Expr::s("ANY"))
                    .attr("source_port", Expr::s("ANY"))
                    .attr("direction", Expr::s("FORWARD"))
                    .attr("destination", Expr::s("ANY"))
                    .attr("destination_port", Expr::s("ANY"));
                sr.block(h);
                let mut opt = Block::new("rule_option", &[]);
                opt.attr("keyword", Expr::s("sid:1"));
                sr.block(opt);
                src.block(sr);
            }
            body.block(src);
            rg.block(body);
            rg.tags(name_tag(&f.name));
            self.blocks.push(rg);

            let mut pol = Block::resource("aws_networkfirewall_firewall_policy", &label);
            pol.attr("name", Expr::s(elb_name(&f.name, "-policy")));
            let mut fp = Block::new("firewall_policy", &[]);
            fp.attr(
                "stateless_default_actions",
                Expr::List(vec![Expr::s("aws:forward_to_sfe")]),
            )
            .attr(
                "stateless_fragment_default_actions",
                Expr::List(vec![Expr::s("aws:forward_to_sfe")]),
            );
            if f.default_action == FirewallAction::Drop {
                fp.attr("stateful_default_actions", Expr::List(vec![Expr::s("aws:drop_strict")]));
            }
            let mut eo = Block::new("stateful_engine_options", &[]);
            eo.attr("rule_order", Expr::s("STRICT_ORDER"));
            fp.block(eo);
            let mut rr = Block::new("stateful_rule_group_reference", &[]);
            rr.attr("priority", Expr::num(1)).attr(
                "resource_arn",
                Expr::raw(format!("aws_networkfirewall_rule_group.{label}.arn")),
            );
            fp.block(rr);
            pol.block(fp);
            self.blocks.push(pol);

            let mut fw = Block::resource("aws_networkfirewall_firewall", &label);
            fw.attr("name", Expr::s(elb_name(&f.name, "")))
                .attr(
                    "firewall_policy_arn",
                    Expr::raw(format!("aws_networkfirewall_firewall_policy.{label}.arn")),
                )
                .attr("vpc_id", self.vpc_id(&f.vpc));
            for s in &f.subnets {
                let mut m = Block::new("subnet_mapping", &[]);
                m.attr("subnet_id", self.id("aws_subnet", s));
                fw.block(m);
            }
            fw.tags(with_description(name_tag(&f.name), &f.description));
            self.blocks.push(fw);
        }
    }

    pub(super) fn flow_logs(&mut self) {
        for f in &self.d.flow_logs {
            self.vars.insert("flow_log_bucket_arn");
            let mut b = Block::resource("aws_flow_log", &self.l.of(&f.name));
            let (k, v) = match &f.scope {
                FlowLogScope::Vpc(v) => ("vpc_id", self.vpc_id(v)),
                FlowLogScope::Subnet(s) => ("subnet_id", self.id("aws_subnet", s)),
                FlowLogScope::Instance(i) => ("eni_id", self.r("aws_instance", i, "primary_network_interface_id")),
            };
            b.attr(k, v)
                .attr(
                    "traffic_type",
                    Expr::s(match f.traffic {
                        FlowLogTraffic::Accept => "ACCEPT",
                        FlowLogTraffic::Reject => "REJECT",
                        FlowLogTraffic::All => "ALL",
                    }),
                )
                .attr("log_destination_type", Expr::s("s3"))
                .attr("log_destination", Expr::raw("var.flow_log_bucket_arn"));
            b.tags(with_description(name_tag(&f.name), &f.description));
            self.blocks.push(b);
        }
    }
}

/// Network Firewall's stateful header protocols; others are matched as `IP`.
fn suricata_protocol(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "TCP",
        Protocol::Udp => "UDP",
        Protocol::Icmp | Protocol::Icmpv6 => "ICMP",
        _ => "IP",
    }
}
