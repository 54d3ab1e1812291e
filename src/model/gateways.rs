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
    /// The route table associated with the gateway itself (an edge association):
    /// traffic entering the VPC through it is routed by that table, e.g. to a
    /// Gateway Load Balancer endpoint (VPC User Guide, "Gateway route tables").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge_route_table: Option<String>,
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

/// Where a NAT gateway runs (EC2 API reference, `NatGateway.AvailabilityMode`:
/// `zonal` | `regional`, default `zonal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum NatAvailability {
    /// In one subnet, and so one AZ: the classic NAT gateway.
    #[default]
    Zonal,
    /// One NAT gateway for the whole VPC, in no subnet of yours: it expands to
    /// every AZ where the VPC has subnets and follows them (VPC User Guide,
    /// "Regional NAT gateways for automatic multi-AZ expansion").
    Regional,
}

impl NatAvailability {
    pub fn is_zonal(&self) -> bool {
        *self == NatAvailability::Zonal
    }

    /// The word AWS uses (`describe-nat-gateways` `AvailabilityMode`,
    /// Terraform `availability_mode`).
    pub fn aws_name(self) -> &'static str {
        match self {
            NatAvailability::Zonal => "zonal",
            NatAvailability::Regional => "regional",
        }
    }

    pub fn from_aws(s: &str) -> Option<NatAvailability> {
        match s.to_ascii_lowercase().as_str() {
            "zonal" => Some(NatAvailability::Zonal),
            "regional" => Some(NatAvailability::Regional),
            _ => None,
        }
    }
}

/// A NAT gateway. A zonal one lives in one subnet (and so one AZ); a public
/// one needs an Elastic IP (NAT-1), a private one must not have one (NAT-2).
/// A regional one belongs to its VPC, not to a subnet, is always public, and
/// gets an Amazon-provided address in each AZ it serves (automatic mode of
/// the VPC User Guide's "Regional NAT gateways").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Zonal (the default, not written) or regional.
    #[serde(default, skip_serializing_if = "NatAvailability::is_zonal")]
    pub availability_mode: NatAvailability,
    /// The subnet of a zonal NAT gateway; a regional one has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
    /// The VPC of a regional NAT gateway; a zonal one is in its subnet's VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
    #[serde(default)]
    pub connectivity: NatConnectivity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elastic_ip: Option<String>,
    /// Fixed private address; `None` = assigned from the subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Ipv4Addr>,
}

impl NatGateway {
    /// A regional public NAT gateway of `vpc` in automatic mode: in no subnet,
    /// AWS places it in the AZs with workloads and allocates its addresses
    /// (VPC User Guide, "Regional NAT gateways").
    pub fn regional(name: impl Into<String>, vpc: impl Into<String>) -> NatGateway {
        NatGateway {
            name: name.into(),
            description: None,
            availability_mode: NatAvailability::Regional,
            subnet: None,
            vpc: Some(vpc.into()),
            connectivity: NatConnectivity::Public,
            elastic_ip: None,
            private_ip: None,
        }
    }

    pub fn is_regional(&self) -> bool {
        self.availability_mode == NatAvailability::Regional
    }

    /// The NAT gateway's VPC: a regional one's own, a zonal one's subnet's.
    pub fn vpc_name<'d>(&'d self, d: &'d super::Design) -> Option<&'d str> {
        match self.availability_mode {
            NatAvailability::Regional => self.vpc.as_deref(),
            NatAvailability::Zonal => {
                let subnet = self.subnet.as_deref()?;
                d.subnets.iter().find(|s| s.name == subnet).map(|s| s.vpc.as_str())
            }
        }
    }
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

/// A public NAT gateway that AWS creates and then fails because its Elastic IP
/// is already associated with another resource (the NAT gateway's failure code
/// `Resource.AlreadyAssociated`: "Elastic IP address eipalloc-… is already
/// associated"; EC2 API reference, `NatGateway.FailureMessage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatEipConflict<'d> {
    pub nat: &'d str,
    pub elastic_ip: &'d str,
    /// The resource that holds the address.
    pub holder: super::ObjectRef,
}

/// The NAT gateways that fail on an Elastic IP already in use. A design is a
/// snapshot without the order the calls were made in, so an instance's
/// association counts as the earlier one (AssociateAddress refuses to take an
/// address from a NAT gateway), and among NAT gateways the first in the file
/// holds the address.
pub fn nat_eip_conflicts(d: &super::Design) -> Vec<NatEipConflict<'_>> {
    use super::{ObjectKind, ObjectRef};
    let mut holder: std::collections::HashMap<&str, ObjectRef> = std::collections::HashMap::new();
    for i in &d.instances {
        if let Some(e) = &i.elastic_ip {
            holder
                .entry(e.as_str())
                .or_insert_with(|| ObjectRef::new(ObjectKind::Instance, i.name.clone()));
        }
    }
    let mut out = Vec::new();
    for n in &d.nat_gateways {
        let Some(e) = n.elastic_ip.as_deref() else {
            continue;
        };
        if n.connectivity != NatConnectivity::Public {
            continue;
        }
        match holder.get(e) {
            Some(h) => out.push(NatEipConflict {
                nat: &n.name,
                elastic_ip: e,
                holder: h.clone(),
            }),
            None => {
                holder.insert(e, ObjectRef::new(ObjectKind::NatGateway, n.name.clone()));
            }
        }
    }
    out
}
