//! Instances, network interfaces and load balancers.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use super::filter::Protocol;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum InstanceRole {
    Web,
    App,
    Db,
    Bastion,
    NatInstance,
    #[default]
    Other,
}

impl fmt::Display for InstanceRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InstanceRole::Web => "web",
            InstanceRole::App => "app",
            InstanceRole::Db => "db",
            InstanceRole::Bastion => "bastion",
            InstanceRole::NatInstance => "nat-instance",
            InstanceRole::Other => "other",
        })
    }
}

/// The client operating system family, which decides the ephemeral source-port
/// range a client picks (VPC User Guide, NACL ephemeral ports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum OsFamily {
    /// Amazon Linux and many Linux kernels: 32768–61000.
    #[default]
    Linux,
    /// Windows Server 2008 and later: 49152–65535.
    Windows,
}

/// An EC2 instance. Its primary network interface is described inline; further
/// interfaces are listed in `secondary_interfaces`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub role: InstanceRole,
    #[serde(default)]
    pub os: OsFamily,
    pub subnet: String,
    /// Fixed primary private IPv4; `None` = the next free address of the subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Ipv4Addr>,
    /// Auto-assigned public IPv4: `None` follows the subnet's setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elastic_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<Ipv6Addr>,
    /// Up to five groups of the instance's VPC (SG-8, SG-9).
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default = "super::vpc::yes")]
    pub source_dest_check: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_interfaces: Vec<NetworkInterface>,
    /// The owner account (`None`: the owner of its subnet's VPC; a participant of a shared subnet owns what it launches there); see [`super::account`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// A secondary elastic network interface attached to an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkInterface {
    pub name: String,
    pub subnet: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Ipv4Addr>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default = "super::vpc::yes")]
    pub source_dest_check: bool,
    /// The owner account (`None`: the instance's owner); see [`super::account`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum LoadBalancerKind {
    #[default]
    Application,
    Network,
    /// A Gateway Load Balancer: passes every packet (GENEVE, UDP 6081) to a
    /// fleet of appliances and back, reached through Gateway Load Balancer
    /// endpoints (ELB guide, "Gateway Load Balancers").
    Gateway,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum LoadBalancerScheme {
    #[default]
    InternetFacing,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    pub proto: Protocol,
    pub port: u16,
    /// The port on the targets.
    pub target_port: u16,
}

/// An Application or Network Load Balancer. Its nodes live in the listed
/// subnets (at least two AZs); it accepts client connections on its listeners
/// and opens new connections to its targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub kind: LoadBalancerKind,
    #[serde(default)]
    pub scheme: LoadBalancerScheme,
    pub subnets: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default)]
    pub listeners: Vec<Listener>,
    /// Target instances.
    #[serde(default)]
    pub targets: Vec<String>,
    /// Cross-zone load balancing (`load_balancing.cross_zone.enabled`): off by
    /// default on Network and Gateway Load Balancers, always on for an
    /// Application Load Balancer (ELB guide, "Cross-zone load balancing"). It
    /// changes a verdict for a Gateway Load Balancer: each of its nodes sends
    /// flows only to appliances in its own AZ unless it is on (GWLB guide,
    /// "Cross-zone load balancing"). Written only when on.
    #[serde(default, skip_serializing_if = "super::transit::is_off")]
    pub cross_zone: bool,
}
