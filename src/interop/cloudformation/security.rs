//! Security groups and network ACLs, with their rules.

use super::yaml::Y;
use super::{cidr_key, tags, Cfn};
use crate::interop::{ec2_protocol, sg_description};
use crate::model::*;

impl Cfn<'_> {
    fn sg_rule_props(&mut self, sg: &str, r: &SgRule, ingress: bool) -> Vec<(&'static str, Y)> {
        let mut p = vec![("IpProtocol", Y::s(ec2_protocol(r.proto)))];
        match r.proto {
            Protocol::Tcp | Protocol::Udp => {
                p.push(("FromPort", Y::Int(i64::from(r.ports.from))));
                p.push(("ToPort", Y::Int(i64::from(r.ports.to))));
            }
            Protocol::Icmp | Protocol::Icmpv6 => {
                p.push(("FromPort", Y::Int(-1)));
                p.push(("ToPort", Y::Int(-1)));
            }
            _ => {}
        }
        let _ = sg;
        match &r.peer {
            SgPeer::Cidr(c) => p.push(cidr_key(c, "CidrIp", "CidrIpv6")),
            SgPeer::Group(g) => p.push((
                if ingress {
                    "SourceSecurityGroupId"
                } else {
                    "DestinationSecurityGroupId"
                },
                self.sg_ref(g),
            )),
            SgPeer::PrefixList(l) => p.push((
                if ingress {
                    "SourcePrefixListId"
                } else {
                    "DestinationPrefixListId"
                },
                self.prefix_list_ref(l),
            )),
        }
        if let Some(t) = &r.description {
            p.push(("Description", Y::s(sg_description(t))));
        }
        p
    }

    pub(super) fn security_groups(&mut self) {
        for sg in &self.d.security_groups {
            if let Some(v) = self.is_default_sg(&sg.name) {
                let std = SecurityGroup::default_for(sg.name.clone(), sg.vpc.clone());
                let removed: Vec<&SgRule> = std
                    .inbound
                    .iter()
                    .filter(|r| !sg.inbound.contains(r))
                    .chain(std.outbound.iter().filter(|r| !sg.outbound.contains(r)))
                    .collect();
                if !removed.is_empty() {
                    self.notes.push(format!(
                        "default security group {} of {}: CloudFormation cannot remove its default rules ({})",
                        sg.name,
                        v.name,
                        removed.iter().map(|r| r.to_string()).collect::<Vec<_>>().join("; ")
                    ));
                }
                continue;
            }
            // Inline egress replaces the allow-all rule AWS adds to a new group; a rule
            // matching nothing (127.0.0.1/32) stands in for "no egress" (CloudFormation,
            // AWS::EC2::SecurityGroup, SecurityGroupEgress).
            let inline: Vec<Y> = sg
                .outbound
                .iter()
                .filter(|r| matches!(r.peer, SgPeer::Cidr(_)))
                .map(|r| {
                    Y::Map(
                        self.sg_rule_props(&sg.name, r, false)
                            .into_iter()
                            .map(|(k, v)| (k.to_string(), v))
                            .collect(),
                    )
                })
                .collect();
            let egress = if inline.is_empty() {
                vec![Y::map(vec![
                    ("IpProtocol", Y::s("-1")),
                    ("CidrIp", Y::s("127.0.0.1/32")),
                ])]
            } else {
                inline
            };
            self.add(
                self.id(&sg.name),
                "AWS::EC2::SecurityGroup",
                vec![
                    ("GroupName", Y::s(sg.aws_group_name().into_owned())),
                    (
                        "GroupDescription",
                        Y::s(sg_description(sg.description.as_deref().unwrap_or("Managed by vpcd"))),
                    ),
                    ("VpcId", self.r(&sg.vpc)),
                    ("SecurityGroupEgress", Y::List(egress)),
                    tags(&sg.name, &None),
                ],
                vec![],
            );
        }
        for sg in &self.d.security_groups {
            let default = self.is_default_sg(&sg.name).is_some();
            let std = SecurityGroup::default_for(sg.name.clone(), sg.vpc.clone());
            for (ingress, rules) in [(true, &sg.inbound), (false, &sg.outbound)] {
                for (i, r) in rules.iter().enumerate() {
                    if !ingress && !default && matches!(r.peer, SgPeer::Cidr(_)) {
                        continue;
                    }
                    if default && (if ingress { &std.inbound } else { &std.outbound }).contains(r) {
                        continue;
                    }
                    let mut props = vec![("GroupId", self.sg_ref(&sg.name))];
                    props.extend(self.sg_rule_props(&sg.name, r, ingress));
                    let (suffix, ty) = if ingress {
                        ("Ingress", "AWS::EC2::SecurityGroupIngress")
                    } else {
                        ("Egress", "AWS::EC2::SecurityGroupEgress")
                    };
                    self.add(format!("{}{suffix}{}", self.id(&sg.name), i + 1), ty, props, vec![]);
                }
            }
        }
    }

    fn nacl_entries(&mut self, acl_id: &str, acl_ref: Y, acl: &NetworkAcl) {
        for (egress, rules) in [(false, &acl.inbound), (true, &acl.outbound)] {
            for r in rules {
                let mut p = vec![
                    ("NetworkAclId", acl_ref.clone()),
                    ("RuleNumber", Y::Int(i64::from(r.number))),
                    ("Protocol", Y::Int(r.proto.number().map(i64::from).unwrap_or(-1))),
                    ("RuleAction", Y::s(r.action.to_string())),
                    ("Egress", Y::Bool(egress)),
                    cidr_key(&r.cidr, "CidrBlock", "Ipv6CidrBlock"),
                ];
                match r.proto {
                    Protocol::Tcp | Protocol::Udp => p.push((
                        "PortRange",
                        Y::map(vec![
                            ("From", Y::Int(i64::from(r.ports.from))),
                            ("To", Y::Int(i64::from(r.ports.to))),
                        ]),
                    )),
                    Protocol::Icmp | Protocol::Icmpv6 => {
                        p.push(("Icmp", Y::map(vec![("Code", Y::Int(-1)), ("Type", Y::Int(-1))])))
                    }
                    _ => {}
                }
                let dir = if egress { "Out" } else { "In" };
                self.add(
                    format!("{acl_id}{dir}{}", r.number),
                    "AWS::EC2::NetworkAclEntry",
                    p,
                    vec![],
                );
            }
        }
    }

    pub(super) fn network_acls(&mut self) {
        for acl in &self.d.network_acls {
            let id = self.id(&acl.name);
            let default_of = self.d.vpcs.iter().find(|v| v.default_network_acl == acl.name);
            if let Some(v) = default_of {
                if !self.default_acl_changed(v) {
                    continue;
                }
                self.notes.push(format!(
                    "default network ACL {} of {}: CloudFormation cannot change its rules, so it is a custom ACL associated with each subnet that used the default",
                    acl.name, v.name
                ));
                for s in self
                    .d
                    .subnets
                    .iter()
                    .filter(|s| s.vpc == v.name && s.network_acl.is_none())
                {
                    self.add(
                        format!("{}NetworkAcl", self.id(&s.name)),
                        "AWS::EC2::SubnetNetworkAclAssociation",
                        vec![("SubnetId", self.r(&s.name)), ("NetworkAclId", Y::r(&id))],
                        vec![],
                    );
                }
            }
            self.add(
                id.clone(),
                "AWS::EC2::NetworkAcl",
                vec![("VpcId", self.r(&acl.vpc)), tags(&acl.name, &acl.description)],
                vec![],
            );
            self.nacl_entries(&id, Y::r(&id), acl);
        }
        for s in &self.d.subnets {
            let Some(acl) = &s.network_acl else { continue };
            if let Some(v) = self.d.vpcs.iter().find(|v| v.default_network_acl == *acl) {
                if !self.default_acl_changed(v) {
                    continue;
                }
            }
            self.add(
                format!("{}NetworkAcl", self.id(&s.name)),
                "AWS::EC2::SubnetNetworkAclAssociation",
                vec![("SubnetId", self.r(&s.name)), ("NetworkAclId", self.r(acl))],
                vec![],
            );
        }
    }

    fn default_acl_changed(&self, v: &Vpc) -> bool {
        self.d
            .network_acls
            .iter()
            .find(|a| a.name == v.default_network_acl)
            .is_some_and(|a| {
                let std = NetworkAcl::default_for(a.name.clone(), a.vpc.clone(), v.ipv6_cidr.is_some());
                a.inbound != std.inbound || a.outbound != std.outbound
            })
    }
}
