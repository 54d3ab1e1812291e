//! Hybrid connectivity: virtual private gateways, customer gateways,
//! site-to-site VPN, Direct Connect and on-premises networks.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};

/// A virtual private gateway, attached to at most one VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpnGateway {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
    #[serde(default = "amazon_asn")]
    pub asn: u32,
}

fn amazon_asn() -> u32 {
    64512
}

/// The on-premises side of a site-to-site VPN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerGateway {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub ip: Ipv4Addr,
    pub asn: u32,
}

/// What the AWS side of a VPN connection terminates on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VpnTermination {
    VpnGateway(String),
    TransitGateway(String),
    /// A software VPN on an EC2 instance (the transit VPC pattern): IPsec
    /// between the customer gateway and the instance, which AWS does not
    /// manage — no AWS VPN connection resource and no VPN connection charge;
    /// see [`super::software_vpn`].
    Instance(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VpnRouting {
    /// Static routes to on-prem prefixes.
    Static(Vec<Ipv4Net>),
    /// BGP: the customer gateway advertises the on-prem networks behind it.
    Bgp,
}

/// A site-to-site VPN connection with its two tunnels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpnConnection {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub customer_gateway: String,
    pub termination: VpnTermination,
    pub routing: VpnRouting,
    /// Whether each of the two tunnels is up.
    #[serde(default = "both_up")]
    pub tunnels_up: [bool; 2],
}

fn both_up() -> [bool; 2] {
    [true, true]
}

impl VpnConnection {
    pub fn is_up(&self) -> bool {
        self.tunnels_up.iter().any(|t| *t)
    }
}

/// A Direct Connect gateway: joins private VIFs to VGWs or transit VIFs to a TGW.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DxGateway {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default = "amazon_asn")]
    pub asn: u32,
    /// Associated virtual private gateways.
    #[serde(default)]
    pub vpn_gateways: Vec<String>,
    /// Associated transit gateway (for transit VIFs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VifKind {
    Private,
    Transit,
    Public,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VirtualInterface {
    pub name: String,
    pub kind: VifKind,
    pub vlan: u16,
    /// A private or transit VIF lands on a DX gateway …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dx_gateway: Option<String>,
    /// … or a private VIF directly on a VGW.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpn_gateway: Option<String>,
}

/// A Direct Connect connection at a location, with its virtual interfaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DxConnection {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub location: String,
    #[serde(default = "one_gbps")]
    pub bandwidth: String,
    #[serde(default = "super::vpc::yes")]
    pub up: bool,
    #[serde(default)]
    pub virtual_interfaces: Vec<VirtualInterface>,
}

fn one_gbps() -> String {
    "1Gbps".into()
}

/// A named on-premises network: its CIDRs and how it connects to AWS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnPremNetwork {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub cidrs: Vec<Ipv4Net>,
    /// The customer gateway it sits behind (site-to-site VPN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_gateway: Option<String>,
    /// The Direct Connect connection that reaches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dx_connection: Option<String>,
}
