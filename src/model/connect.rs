//! VPC peering, VPC endpoints and managed prefix lists.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum PeeringStatus {
    PendingAcceptance,
    #[default]
    Active,
    Rejected,
    Failed,
    Deleted,
}

impl PeeringStatus {
    pub fn label(self) -> &'static str {
        match self {
            PeeringStatus::PendingAcceptance => "pending-acceptance",
            PeeringStatus::Active => "active",
            PeeringStatus::Rejected => "rejected",
            PeeringStatus::Failed => "failed",
            PeeringStatus::Deleted => "deleted",
        }
    }
}

/// A VPC peering connection. Only `Active` peerings carry traffic; peering is
/// non-transitive and allows no edge-to-edge routing (VPC Peering Guide).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Peering {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub requester: String,
    pub accepter: String,
    #[serde(default)]
    pub status: PeeringStatus,
    #[serde(default)]
    pub cross_account: bool,
    /// Inter-Region peering: security groups cannot reference the peer's groups.
    #[serde(default)]
    pub cross_region: bool,
}

impl Peering {
    /// The VPC on the other side of `vpc`, if `vpc` is one end of this peering.
    pub fn other_side(&self, vpc: &str) -> Option<&str> {
        if self.requester == vpc {
            Some(&self.accepter)
        } else if self.accepter == vpc {
            Some(&self.requester)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointKind {
    /// S3 or DynamoDB through route-table entries to the service's prefix list.
    Gateway {
        #[serde(default)]
        route_tables: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        policy: Option<String>,
        /// IPv4 only, or IPv4 and IPv6 (PrivateLink Guide, "Gateway endpoints",
        /// IP address type; S3 only).
        #[serde(default, skip_serializing_if = "EndpointIpAddressType::is_ipv4")]
        ip_address_type: EndpointIpAddressType,
    },
    /// An interface endpoint: one ENI per listed subnet (one per AZ), with security groups.
    Interface {
        subnets: Vec<String>,
        #[serde(default)]
        security_groups: Vec<String>,
        #[serde(default = "super::vpc::yes")]
        private_dns: bool,
    },
    /// A Gateway Load Balancer endpoint: one ENI in one subnet, no security
    /// groups; route-table entries send traffic through it to the appliances
    /// behind the service's Gateway Load Balancer (PrivateLink guide,
    /// "Gateway Load Balancer endpoints").
    GatewayLoadBalancer { subnet: String },
}

/// The address families a gateway endpoint carries (EC2 API reference,
/// CreateVpcEndpoint `IpAddressType`: `ipv4` | `dualstack`). A dual-stack
/// gateway endpoint for S3 also routes the service's IPv6 ranges
/// (PrivateLink Guide, "Gateway endpoints", IP address type); DynamoDB's
/// gateway endpoints are IPv4 only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum EndpointIpAddressType {
    #[default]
    Ipv4,
    Dualstack,
}

impl EndpointIpAddressType {
    pub fn is_ipv4(&self) -> bool {
        *self == EndpointIpAddressType::Ipv4
    }

    /// The word AWS uses (`describe-vpc-endpoints` `IpAddressType`, Terraform
    /// `ip_address_type`, CloudFormation `IpAddressType`).
    pub fn aws_name(self) -> &'static str {
        match self {
            EndpointIpAddressType::Ipv4 => "ipv4",
            EndpointIpAddressType::Dualstack => "dualstack",
        }
    }

    pub fn from_aws(s: &str) -> Option<EndpointIpAddressType> {
        match s.to_ascii_lowercase().as_str() {
            "ipv4" => Some(EndpointIpAddressType::Ipv4),
            "dualstack" => Some(EndpointIpAddressType::Dualstack),
            _ => None,
        }
    }
}

/// A VPC endpoint for an AWS service (`s3`, `dynamodb`, `sqs`, `ec2`, `ssm`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub vpc: String,
    pub service: String,
    pub kind: EndpointKind,
    /// The IPv4 address chosen for the endpoint's network interface in a
    /// subnet (interface endpoints; AWS `SubnetConfigurations` on
    /// CreateVpcEndpoint and ModifyVpcEndpoint, Terraform `subnet_configuration`).
    /// A subnet without one gets an address AWS picks, modelled as the next free
    /// one. The address is checked as any fixed interface address is: inside
    /// its subnet, not reserved, not taken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<EndpointAddress>,
}

/// One entry of an endpoint's `SubnetConfigurations`: the IPv4 address of its
/// network interface in `subnet`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointAddress {
    pub subnet: String,
    pub ipv4: std::net::Ipv4Addr,
}

impl Endpoint {
    pub fn is_gateway(&self) -> bool {
        matches!(self.kind, EndpointKind::Gateway { .. })
    }

    /// Whether this is a gateway endpoint that also carries IPv6.
    pub fn is_dualstack_gateway(&self) -> bool {
        matches!(
            self.kind,
            EndpointKind::Gateway {
                ip_address_type: EndpointIpAddressType::Dualstack,
                ..
            }
        )
    }

    /// The address chosen for the endpoint's interface in `subnet`, if any.
    pub fn address_in(&self, subnet: &str) -> Option<std::net::Ipv4Addr> {
        self.addresses.iter().find(|a| a.subnet == subnet).map(|a| a.ipv4)
    }
}

/// A customer-managed prefix list. The AWS-managed lists (`s3`, `dynamodb`)
/// are built in (see [`crate::model::aws_prefix_list`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefixList {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub entries: Vec<IpNet>,
    /// Counts against route and rule quotas (PL-1).
    pub max_entries: u16,
}
