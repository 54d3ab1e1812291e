//! VPCs and subnets.

use std::fmt;

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Tenancy {
    #[default]
    Default,
    Dedicated,
}

/// A virtual private cloud. Its main route table, default network ACL and
/// default security group always exist; they are named here so that the
/// design file says which object plays which role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Primary IPv4 CIDR, /16 to /28 (VPC User Guide, VPC CIDR blocks).
    pub cidr: Ipv4Net,
    /// Up to four more IPv4 blocks (five in all by default).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_cidrs: Vec<Ipv4Net>,
    /// Amazon-provided IPv6 block, a /56.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<Ipv6Net>,
    #[serde(default)]
    pub tenancy: Tenancy,
    #[serde(default = "yes")]
    pub dns_support: bool,
    #[serde(default)]
    pub dns_hostnames: bool,
    pub main_route_table: String,
    pub default_network_acl: String,
    pub default_security_group: String,
    /// The owner account (`None`: the design's home account); it also owns the VPC's subnets, route tables, NACLs and gateways; see [`super::account`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

pub(crate) fn yes() -> bool {
    true
}

impl Vpc {
    /// Every IPv4 block of the VPC, primary first.
    pub fn ipv4_cidrs(&self) -> impl Iterator<Item = Ipv4Net> + '_ {
        std::iter::once(self.cidr).chain(self.secondary_cidrs.iter().copied())
    }

    /// Whether an IPv4 address lies in one of the VPC's blocks.
    pub fn contains_v4(&self, ip: std::net::Ipv4Addr) -> bool {
        self.ipv4_cidrs().any(|c| c.contains(&ip))
    }
}

/// A subnet. Whether it is public is never stored: it follows from its route
/// table (VPC User Guide, "subnet types"), see [`SubnetKind`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub vpc: String,
    pub az: String,
    pub cidr: Ipv4Net,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<Ipv6Net>,
    /// Auto-assign a public IPv4 address to instances launched here.
    #[serde(default)]
    pub map_public_ip: bool,
    /// Explicit route-table association; `None` means the VPC's main table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_table: Option<String>,
    /// Explicit network-ACL association; `None` means the VPC's default NACL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acl: Option<String>,
    /// A free-form tier label (`web`, `app`, `db`, …) used by intents and the generator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
}

/// The derived kind of a subnet, as the VPC User Guide defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SubnetKind {
    /// Its route table has a route to an internet gateway.
    Public,
    /// No direct route to an internet gateway, but routes beyond the VPC: a
    /// default route through a NAT gateway or NAT instance, or routes to a
    /// transit gateway, a peering, an endpoint or an appliance.
    Private,
    /// No IGW or NAT route, but a route to a virtual private gateway.
    VpnOnly,
    /// No route to a destination outside the VPC (VPC User Guide, "Subnet types").
    Isolated,
}

impl SubnetKind {
    pub fn label(self) -> &'static str {
        match self {
            SubnetKind::Public => "public",
            SubnetKind::Private => "private",
            SubnetKind::VpnOnly => "vpn-only",
            SubnetKind::Isolated => "isolated",
        }
    }
}

impl fmt::Display for SubnetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
