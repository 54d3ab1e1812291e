//! Transit gateways: attachments, route tables, associations and propagations.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// A regional transit gateway with its route tables and attachments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitGateway {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default = "tgw_asn")]
    pub asn: u32,
    /// New attachments are associated with `default_route_table`.
    #[serde(default = "super::vpc::yes")]
    pub default_association: bool,
    /// New attachments propagate into `default_route_table`.
    #[serde(default = "super::vpc::yes")]
    pub default_propagation: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_route_table: Option<String>,
    /// Security-group referencing support (AWS `SecurityGroupReferencingSupport`
    /// on CreateTransitGateway / ModifyTransitGateway, disabled by default): with
    /// it on here and on both VPC attachments, an inbound rule may reference a
    /// group of another VPC attached to this transit gateway (Transit Gateways
    /// guide, tgw-vpc-attachments.html#vpc-attachment-security). Written only
    /// when on, so designs from before the option read and save unchanged.
    #[serde(default, skip_serializing_if = "is_off")]
    pub sg_referencing: bool,
    #[serde(default)]
    pub route_tables: Vec<TgwRouteTable>,
    #[serde(default)]
    pub attachments: Vec<TgwAttachment>,
}

fn tgw_asn() -> u32 {
    64512
}

pub(super) fn is_off(b: &bool) -> bool {
    !*b
}

fn is_on(b: &bool) -> bool {
    *b
}

impl TransitGateway {
    pub fn route_table(&self, name: &str) -> Option<&TgwRouteTable> {
        self.route_tables.iter().find(|t| t.name == name)
    }
    pub fn attachment(&self, name: &str) -> Option<&TgwAttachment> {
        self.attachments.iter().find(|a| a.name == name)
    }
    /// The route table that routes traffic entering from `a`: the one it names,
    /// else the default route table when default route-table association is on
    /// (AWS `DefaultRouteTableAssociation`, enabled by default: "resource
    /// attachments are automatically associated with the default association
    /// route table"; Transit Gateways guide, "How transit gateways work").
    pub fn association_of<'t>(&'t self, a: &'t TgwAttachment) -> Option<&'t str> {
        match (&a.association, &self.default_route_table) {
            (Some(t), _) => Some(t),
            (None, Some(t)) if self.default_association => Some(t),
            _ => None,
        }
    }

    /// The route tables `a` propagates its routes into: those it names, else
    /// the default route table when default route-table propagation is on (AWS
    /// `DefaultRouteTablePropagation`, enabled by default). Peering attachments
    /// never propagate: routes to a peer transit gateway are static (Transit
    /// Gateways guide, "Add a route to a transit gateway route table" for peering).
    pub fn propagations_of<'t>(&'t self, a: &'t TgwAttachment) -> Vec<&'t str> {
        if !a.propagations.is_empty() {
            return a.propagations.iter().map(String::as_str).collect();
        }
        let peering = matches!(a.kind, TgwAttachmentKind::Peering { .. });
        match &self.default_route_table {
            Some(t) if self.default_propagation && !peering => vec![t.as_str()],
            _ => Vec::new(),
        }
    }

    /// Whether a security group of VPC `group_vpc` may be referenced by a rule
    /// of VPC `rule_vpc` across this transit gateway: both attached here by VPC
    /// attachments, and referencing support enabled on the transit gateway and
    /// on both attachments (Transit Gateways guide, "Security group referencing";
    /// `SecurityGroupReferencingSupport`). Same Region only: a transit gateway
    /// peering does not carry references, so only this gateway's own VPC
    /// attachments count.
    pub fn carries_sg_references(&self, rule_vpc: &str, group_vpc: &str) -> bool {
        self.sg_referencing
            && rule_vpc != group_vpc
            && self.vpc_attachment_allows_sg_references(rule_vpc)
            && self.vpc_attachment_allows_sg_references(group_vpc)
    }

    /// Whether `vpc` has a VPC attachment here with referencing support on.
    fn vpc_attachment_allows_sg_references(&self, vpc: &str) -> bool {
        self.attachments
            .iter()
            .any(|a| a.sg_referencing && matches!(&a.kind, TgwAttachmentKind::Vpc { vpc: v, .. } if v == vpc))
    }

    /// The VPCs this transit gateway has attachments to, each once, in
    /// attachment order (a VPC attaches to a transit gateway once: Transit
    /// Gateways guide, "Transit gateway attachments to a VPC").
    pub fn attached_vpcs(&self) -> Vec<&str> {
        let mut vpcs: Vec<&str> = Vec::new();
        for a in &self.attachments {
            if let TgwAttachmentKind::Vpc { vpc, .. } = &a.kind {
                if !vpcs.contains(&vpc.as_str()) {
                    vpcs.push(vpc);
                }
            }
        }
        vpcs
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TgwRouteTable {
    pub name: String,
    /// Static routes; propagated routes are derived from attachments' propagations.
    #[serde(default)]
    pub routes: Vec<TgwRoute>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TgwRoute {
    pub cidr: IpNet,
    pub target: TgwRouteTarget,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TgwRouteTarget {
    Attachment(String),
    /// A static blackhole route drops matching traffic.
    Blackhole,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TgwAttachmentKind {
    /// A VPC attachment with at most one subnet per AZ (TGW-2).
    Vpc {
        vpc: String,
        subnets: Vec<String>,
    },
    Vpn {
        connection: String,
    },
    DxGateway {
        dx_gateway: String,
    },
    /// A peering attachment to another transit gateway.
    Peering {
        transit_gateway: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TgwAttachment {
    pub name: String,
    pub kind: TgwAttachmentKind,
    /// The one TGW route table that routes traffic entering from this attachment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association: Option<String>,
    /// TGW route tables that learn this attachment's CIDRs.
    #[serde(default)]
    pub propagations: Vec<String>,
    /// Appliance mode (VPC attachments only; AWS `ApplianceModeSupport`, default off):
    /// the TGW keeps both directions of a flow on one AZ's ENI of this attachment,
    /// which a stateful firewall or appliance in this VPC needs (TGW guide,
    /// transit-gateway-appliance-scenario). Always written, like the other flags.
    #[serde(default)]
    pub appliance_mode: bool,
    /// Security-group referencing support of a VPC attachment (AWS
    /// `SecurityGroupReferencingSupport` on CreateTransitGatewayVpcAttachment,
    /// enabled by default for a new attachment; it takes effect only when the
    /// transit gateway enables it too). Written only when off, so designs from
    /// before the option read and save unchanged. Ignored for other kinds.
    #[serde(default = "super::vpc::yes", skip_serializing_if = "is_on")]
    pub sg_referencing: bool,
}
