//! Internet, egress-only and NAT gateways, and Elastic IPs.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

/// An internet gateway; `vpc` is the VPC it is attached to (at most one, IGW-1/IGW-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InternetGateway {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
}

/// An egress-only internet gateway: IPv6 out and replies back, nothing initiated from outside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EgressOnlyGateway {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub vpc: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum NatConnectivity {
    #[default]
    Public,
    Private,
}

/// A NAT gateway lives in one subnet (and so one AZ). A public one needs an
/// Elastic IP (NAT-1); a private one must not have one (NAT-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub subnet: String,
    #[serde(default)]
    pub connectivity: NatConnectivity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elastic_ip: Option<String>,
    /// Fixed private address; `None` = assigned from the subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Ipv4Addr>,
}

/// An Elastic IP allocation. What it is associated with is stated on the
/// instance or NAT gateway that uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElasticIp {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub address: Ipv4Addr,
}
