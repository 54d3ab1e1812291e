//! What inspects and records traffic: AWS Network Firewall (firewalls,
//! policies, rule groups) and VPC flow logs.

use ipnet::IpNet;

use super::yaml::Y;
use super::{tags, Cfn};
use crate::interop::elb_name;
use crate::model::*;

impl Cfn<'_> {
    pub(super) fn firewalls(&mut self) {
        for f in &self.d.firewalls {
            let id = self.id(&f.name);
            let mut rules = Vec::new();
            for (i, r) in f.rules.iter().enumerate() {
                if r.domain.is_some() {
                    continue;
                }
                let ports = match r.ports {
                    Some(p) if !p.is_all() && p.from == p.to => p.from.to_string(),
                    Some(p) if !p.is_all() => format!("{}:{}", p.from, p.to),
                    _ => "ANY".into(),
                };
                let net = |c: Option<IpNet>| c.map(|c| c.to_string()).unwrap_or_else(|| "ANY".into());
                rules.push(Y::map(vec![
                    (
                        "Action",
                        Y::s(match r.action {
                            FirewallAction::Pass => "PASS",
                            FirewallAction::Drop => "DROP",
                            FirewallAction::Alert => "ALERT",
                        }),
                    ),
                    (
                        "Header",
                        Y::map(vec![
                            (
                                "Protocol",
                                Y::s(match r.proto {
                                    Protocol::Tcp => "TCP",
                                    Protocol::Udp => "UDP",
                                    Protocol::Icmp | Protocol::Icmpv6 => "ICMP",
                                    _ => "IP",
                                }),
                            ),
                            ("Source", Y::s(net(r.source))),
                            ("SourcePort", Y::s("ANY")),
                            ("Direction", Y::s("FORWARD")),
                            ("Destination", Y::s(net(r.destination))),
                            ("DestinationPort", Y::s(ports)),
                        ]),
                    ),
                    (
                        "RuleOptions",
                        Y::List(vec![Y::map(vec![("Keyword", Y::s(format!("sid:{}", i + 1)))])]),
                    ),
                ]));
            }
            if f.rules.iter().any(|r| r.domain.is_some()) {
                self.notes.push(format!(
                    "firewall {}: domain rules need a domain-list rule group",
                    f.name
                ));
            }
            if rules.is_empty() {
                rules.push(Y::map(vec![
                    ("Action", Y::s("ALERT")),
                    (
                        "Header",
                        Y::map(vec![
                            ("Protocol", Y::s("IP")),
                            ("Source", Y::s("ANY")),
                            ("SourcePort", Y::s("ANY")),
                            ("Direction", Y::s("FORWARD")),
                            ("Destination", Y::s("ANY")),
                            ("DestinationPort", Y::s("ANY")),
                        ]),
                    ),
                    ("RuleOptions", Y::List(vec![Y::map(vec![("Keyword", Y::s("sid:1"))])])),
                ]));
            }
            self.add(
                format!("{id}Rules"),
                "AWS::NetworkFirewall::RuleGroup",
                vec![
                    ("RuleGroupName", Y::s(elb_name(&f.name, "-rules"))),
                    ("Type", Y::s("STATEFUL")),
                    ("Capacity", Y::Int(((f.rules.len() as i64 + 10) / 10) * 10)),
                    (
                        "RuleGroup",
                        Y::map(vec![
                            ("StatefulRuleOptions", Y::map(vec![("RuleOrder", Y::s("STRICT_ORDER"))])),
                            ("RulesSource", Y::map(vec![("StatefulRules", Y::List(rules))])),
                        ]),
                    ),
                ],
                vec![],
            );
            let mut policy = vec![
                ("StatelessDefaultActions", Y::List(vec![Y::s("aws:forward_to_sfe")])),
                (
                    "StatelessFragmentDefaultActions",
                    Y::List(vec![Y::s("aws:forward_to_sfe")]),
                ),
                (
                    "StatefulEngineOptions",
                    Y::map(vec![("RuleOrder", Y::s("STRICT_ORDER"))]),
                ),
                (
                    "StatefulRuleGroupReferences",
                    Y::List(vec![Y::map(vec![
                        ("ResourceArn", Y::r(format!("{id}Rules"))),
                        ("Priority", Y::Int(1)),
                    ])]),
                ),
            ];
            if f.default_action == FirewallAction::Drop {
                policy.push(("StatefulDefaultActions", Y::List(vec![Y::s("aws:drop_strict")])));
            }
            self.add(
                format!("{id}Policy"),
                "AWS::NetworkFirewall::FirewallPolicy",
                vec![
                    ("FirewallPolicyName", Y::s(elb_name(&f.name, "-policy"))),
                    ("FirewallPolicy", Y::map(policy)),
                ],
                vec![],
            );
            self.add(
                id.clone(),
                "AWS::NetworkFirewall::Firewall",
                vec![
                    ("FirewallName", Y::s(elb_name(&f.name, ""))),
                    ("FirewallPolicyArn", Y::r(format!("{id}Policy"))),
                    ("VpcId", self.r(&f.vpc)),
                    (
                        "SubnetMappings",
                        Y::List(
                            f.subnets
                                .iter()
                                .map(|s| Y::map(vec![("SubnetId", self.r(s))]))
                                .collect(),
                        ),
                    ),
                    tags(&f.name, &f.description),
                ],
                vec![],
            );
        }
    }

    pub(super) fn flow_logs(&mut self) {
        for f in &self.d.flow_logs {
            let (ty, rid) = match &f.scope {
                FlowLogScope::Vpc(v) => ("VPC", self.r(v)),
                FlowLogScope::Subnet(s) => ("Subnet", self.r(s)),
                FlowLogScope::Instance(i) => {
                    self.notes.push(format!(
                        "flow log {} on instance {i}: CloudFormation does not expose an instance's network interface id",
                        f.name
                    ));
                    continue;
                }
            };
            let bucket = self.param(
                "FlowLogBucketArn",
                "String",
                "S3 bucket (ARN) that receives the flow logs",
            );
            self.add(
                self.id(&f.name),
                "AWS::EC2::FlowLog",
                vec![
                    ("ResourceId", rid),
                    ("ResourceType", Y::s(ty)),
                    (
                        "TrafficType",
                        Y::s(match f.traffic {
                            FlowLogTraffic::Accept => "ACCEPT",
                            FlowLogTraffic::Reject => "REJECT",
                            FlowLogTraffic::All => "ALL",
                        }),
                    ),
                    ("LogDestinationType", Y::s("s3")),
                    ("LogDestination", bucket),
                    tags(&f.name, &f.description),
                ],
                vec![],
            );
        }
    }
}
