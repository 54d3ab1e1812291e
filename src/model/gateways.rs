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
