//! Route tables, routes and their targets.

use std::fmt;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// A VPC route table. The `local` routes (one per VPC CIDR) are implicit and
/// never stored; a stored route whose destination equals a VPC CIDR replaces
/// the local route's target (middlebox routing, VPC User Guide "route tables").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub vpc: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    /// Virtual private gateways whose routes propagate into this table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub propagating_vgws: Vec<String>,
}

impl RouteTable {
    pub fn new(name: impl Into<String>, vpc: impl Into<String>) -> Self {
        RouteTable {
            name: name.into(),
            description: None,
            vpc: vpc.into(),
            routes: Vec::new(),
            propagating_vgws: Vec::new(),
        }
    }
    pub fn route_to(&self, dest: &RouteDestination) -> Option<&Route> {
        self.routes.iter().find(|r| &r.dest == dest)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub dest: RouteDestination,
    pub target: RouteTarget,
}

impl Route {
    pub fn new(dest: RouteDestination, target: RouteTarget) -> Self {
        Route { dest, target }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} → {}", self.dest, self.target)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RouteDestination {
    Cidr(IpNet),
    /// A managed prefix list by name: `s3`, `dynamodb` or a customer list.
    PrefixList(String),
}

impl RouteDestination {
    pub fn cidr(&self) -> Option<IpNet> {
        match self {
            RouteDestination::Cidr(c) => Some(*c),
            RouteDestination::PrefixList(_) => None,
        }
    }
    pub fn is_ipv6(&self) -> bool {
        matches!(self, RouteDestination::Cidr(IpNet::V6(_)))
    }
}

impl fmt::Display for RouteDestination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteDestination::Cidr(c) => write!(f, "{c}"),
            RouteDestination::PrefixList(p) => write!(f, "pl:{p}"),
        }
    }
}

impl std::str::FromStr for RouteDestination {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(pl) = s.strip_prefix("pl:") {
            if pl.is_empty() {
                return Err("a prefix-list destination needs a name, e.g. pl:s3".into());
            }
            return Ok(RouteDestination::PrefixList(pl.to_string()));
        }
        s.parse::<IpNet>()
            .map(|n| RouteDestination::Cidr(n.trunc()))
            .map_err(|_| {
                format!("`{s}` is not a CIDR block (e.g. 0.0.0.0/0, 10.1.0.0/16, ::/0) or a prefix list (pl:s3)")
            })
    }
}

/// Where a route sends matching traffic. Exactly one target per route (EC2 API CreateRoute).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RouteTarget {
    /// The VPC's own router. Only valid on a destination equal to a VPC CIDR
    /// (restoring the local target after middlebox routing).
    Local,
    InternetGateway(String),
    EgressOnlyGateway(String),
    NatGateway(String),
    /// An instance's primary network interface (NAT instance or appliance).
    Instance(String),
    /// A named secondary network interface.
    NetworkInterface(String),
    Peering(String),
    TransitGateway(String),
    VpnGateway(String),
    /// A gateway VPC endpoint (S3, DynamoDB).
    GatewayEndpoint(String),
    /// An AWS Network Firewall endpoint: the firewall and the AZ of the endpoint.
    FirewallEndpoint(String, String),
}

impl RouteTarget {
    /// Short label of the target's kind, as shown in route tables.
    pub fn kind_label(&self) -> &'static str {
        match self {
            RouteTarget::Local => "local",
            RouteTarget::InternetGateway(_) => "igw",
            RouteTarget::EgressOnlyGateway(_) => "eigw",
            RouteTarget::NatGateway(_) => "nat",
            RouteTarget::Instance(_) => "instance",
            RouteTarget::NetworkInterface(_) => "eni",
            RouteTarget::Peering(_) => "pcx",
            RouteTarget::TransitGateway(_) => "tgw",
            RouteTarget::VpnGateway(_) => "vgw",
            RouteTarget::GatewayEndpoint(_) => "vpce",
            RouteTarget::FirewallEndpoint(_, _) => "firewall",
        }
    }

    /// The error code CreateRoute answers when the target does not exist: the
    /// parameter's own `*.NotFound` (EC2 API reference, "Error codes"). `GatewayId`
    /// takes internet and virtual private gateways; an egress-only internet
    /// gateway has its own parameter, `EgressOnlyInternetGatewayId` (EC2 API
    /// reference, CreateRoute), and its own code.
    pub fn not_found_code(&self) -> Option<&'static str> {
        Some(match self {
            RouteTarget::Local => return None,
            RouteTarget::InternetGateway(_) | RouteTarget::VpnGateway(_) => "InvalidGatewayID.NotFound",
            RouteTarget::EgressOnlyGateway(_) => "InvalidEgressOnlyInternetGatewayId.NotFound",
            RouteTarget::NatGateway(_) => "InvalidNatGatewayID.NotFound",
            RouteTarget::Instance(_) => "InvalidInstanceID.NotFound",
            RouteTarget::NetworkInterface(_) => "InvalidNetworkInterfaceID.NotFound",
            RouteTarget::Peering(_) => "InvalidVpcPeeringConnectionID.NotFound",
            RouteTarget::TransitGateway(_) => "InvalidTransitGatewayID.NotFound",
            RouteTarget::GatewayEndpoint(_) | RouteTarget::FirewallEndpoint(..) => "InvalidVpcEndpointId.NotFound",
        })
    }

    /// The name of the referenced object, if any.
    pub fn object_name(&self) -> Option<&str> {
        match self {
            RouteTarget::Local => None,
            RouteTarget::InternetGateway(n)
            | RouteTarget::EgressOnlyGateway(n)
            | RouteTarget::NatGateway(n)
            | RouteTarget::Instance(n)
            | RouteTarget::NetworkInterface(n)
            | RouteTarget::Peering(n)
            | RouteTarget::TransitGateway(n)
            | RouteTarget::VpnGateway(n)
            | RouteTarget::GatewayEndpoint(n)
            | RouteTarget::FirewallEndpoint(n, _) => Some(n),
        }
    }
}

impl super::Design {
    /// Whether a route of the design targets an instance or a network
    /// interface by one of `names`.
    pub fn routes_to_instance_named(&self, names: &[&str]) -> bool {
        self.route_tables
            .iter()
            .flat_map(|rt| &rt.routes)
            .any(|r| match &r.target {
                RouteTarget::Instance(n) | RouteTarget::NetworkInterface(n) => names.contains(&n.as_str()),
                _ => false,
            })
    }
}

impl fmt::Display for RouteTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteTarget::Local => f.write_str("local"),
            RouteTarget::FirewallEndpoint(fw, az) => write!(f, "{fw}@{az}"),
            other => f.write_str(other.object_name().unwrap_or("?")),
        }
    }
}

/// Whether a route was written by the user or learned (VGW propagation, gateway endpoints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RouteOrigin {
    /// The implicit local route(s).
    Local,
    Static,
    /// Propagated from a virtual private gateway (VPN or Direct Connect).
    Propagated,
    /// Added by a gateway endpoint's route-table association.
    Endpoint,
}

/// Whether a route can carry traffic (`blackhole` when its target is gone or stopped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RouteState {
    Active,
    Blackhole,
}

impl fmt::Display for RouteState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RouteState::Active => "active",
            RouteState::Blackhole => "blackhole",
        })
    }
}
