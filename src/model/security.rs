//! Security groups, network ACLs and AWS Network Firewall.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::filter::{NaclRule, PortRange, Protocol, RuleAction, SgPeer, SgRule};

/// A security group: allow-only, stateful, rules of all groups on an ENI are unioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    /// The design's name for the group (unique in the design; may be
    /// `sg-web`, as a Name tag may).
    pub name: String,
    /// The group's AWS `GroupName`, where it differs from what
    /// [`SecurityGroup::aws_group_name`] derives from `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub vpc: String,
    #[serde(default)]
    pub inbound: Vec<SgRule>,
    #[serde(default)]
    pub outbound: Vec<SgRule>,
    /// The owner account (`None`: its VPC's owner); see [`super::account`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl SecurityGroup {
    /// A new custom group: no inbound rules, outbound all (VPC User Guide, security groups).
    pub fn custom(name: impl Into<String>, vpc: impl Into<String>) -> Self {
        SecurityGroup {
            owner: None,
            group_name: None,
            name: name.into(),
            description: None,
            vpc: vpc.into(),
            inbound: Vec::new(),
            outbound: vec![SgRule::new(Protocol::All, PortRange::ALL, SgPeer::Cidr(any_v4()))],
        }
    }

    /// The group's AWS `GroupName`: the one set, else the design name, less
    /// an `sg-` prefix, which AWS refuses in a group name (EC2 API,
    /// CreateSecurityGroup: "Constraints: … Cannot start with sg-").
    /// A VPC's default group is always named `default` in AWS.
    pub fn aws_group_name(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        if let Some(n) = &self.group_name {
            return Cow::Borrowed(n);
        }
        match self.name.strip_prefix("sg-") {
            Some("") => Cow::Borrowed("group"),
            Some(rest) => Cow::Owned(format!("group-{rest}")),
            None => Cow::Borrowed(&self.name),
        }
    }

    /// A VPC's default group: inbound all from itself, outbound all.
    pub fn default_for(name: impl Into<String>, vpc: impl Into<String>) -> Self {
        let name = name.into();
        let mut sg = SecurityGroup::custom(name.clone(), vpc);
        sg.inbound
            .push(SgRule::new(Protocol::All, PortRange::ALL, SgPeer::Group(name)));
        sg
    }
}

/// A network ACL. Entries are evaluated in ascending number; the implicit
/// final `*` rule denies everything else and is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAcl {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub vpc: String,
    #[serde(default)]
    pub inbound: Vec<NaclRule>,
    #[serde(default)]
    pub outbound: Vec<NaclRule>,
}

impl NetworkAcl {
    /// A new custom NACL denies everything (only the `*` rules).
    pub fn custom(name: impl Into<String>, vpc: impl Into<String>) -> Self {
        NetworkAcl {
            name: name.into(),
            description: None,
            vpc: vpc.into(),
            inbound: Vec::new(),
            outbound: Vec::new(),
        }
    }

    /// A VPC's default NACL: rule 100 allows all traffic both ways (101 for IPv6).
    pub fn default_for(name: impl Into<String>, vpc: impl Into<String>, ipv6: bool) -> Self {
        let mut acl = NetworkAcl::custom(name, vpc);
        let mut allow_all = vec![NaclRule {
            number: 100,
            action: RuleAction::Allow,
            proto: Protocol::All,
            ports: PortRange::ALL,
            cidr: IpNet::V4(any_v4_net()),
        }];
        if ipv6 {
            allow_all.push(NaclRule {
                number: 101,
                action: RuleAction::Allow,
                proto: Protocol::All,
                ports: PortRange::ALL,
                cidr: any_v6(),
            });
        }
        acl.inbound = allow_all.clone();
        acl.outbound = allow_all;
        acl
    }

    pub fn rules(&self, dir: super::filter::Direction) -> &[NaclRule] {
        match dir {
            super::filter::Direction::Inbound => &self.inbound,
            super::filter::Direction::Outbound => &self.outbound,
        }
    }
}

pub fn any_v4() -> IpNet {
    IpNet::V4(any_v4_net())
}

fn any_v4_net() -> ipnet::Ipv4Net {
    ipnet::Ipv4Net::new(std::net::Ipv4Addr::UNSPECIFIED, 0).expect("/0 is a valid prefix")
}

pub fn any_v6() -> IpNet {
    IpNet::V6(ipnet::Ipv6Net::new(std::net::Ipv6Addr::UNSPECIFIED, 0).expect("/0 is a valid prefix"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FirewallAction {
    Pass,
    Drop,
    /// Log and pass.
    Alert,
}

/// One stateful rule of an AWS Network Firewall policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirewallRule {
    pub action: FirewallAction,
    #[serde(default = "proto_all")]
    pub proto: Protocol,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<IpNet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<IpNet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<PortRange>,
    /// A domain (TLS SNI / HTTP host) match such as `.example.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

fn proto_all() -> Protocol {
    Protocol::All
}

/// An AWS Network Firewall with one endpoint per listed subnet (one per AZ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Firewall {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub vpc: String,
    /// Firewall subnets; each hosts the endpoint of its AZ.
    pub subnets: Vec<String>,
    /// Stateful rules in evaluation order (strict order: the first match decides).
    #[serde(default)]
    pub rules: Vec<FirewallRule>,
    /// What happens to traffic no rule matches.
    #[serde(default = "pass")]
    pub default_action: FirewallAction,
}

fn pass() -> FirewallAction {
    FirewallAction::Pass
}

impl super::Design {
    /// Whether a `dir` rule of a group in `rule_vpc` may reference a group of
    /// `group_vpc` (SG-7): the same VPC; a VPC joined to it by an active
    /// same-Region peering (VPC Peering guide, "Update your security groups to
    /// reference peer security groups"); or, for an inbound rule only, a VPC
    /// attached with it to one transit gateway that has security-group
    /// referencing on, as have both VPC attachments (Transit Gateways guide,
    /// "Security group referencing": outbound rules cannot reference a group
    /// across a transit gateway).
    pub fn sg_reference_allowed(&self, rule_vpc: &str, group_vpc: &str, dir: super::Direction) -> bool {
        rule_vpc == group_vpc
            || self.peerings.iter().any(|p| {
                p.status == super::PeeringStatus::Active
                    && !p.cross_region
                    && ((p.requester == rule_vpc && p.accepter == group_vpc)
                        || (p.requester == group_vpc && p.accepter == rule_vpc))
            })
            || (dir == super::Direction::Inbound
                && self
                    .transit_gateways
                    .iter()
                    .any(|t| t.carries_sg_references(rule_vpc, group_vpc)))
    }
}
