//! Transit and hybrid: virtual private gateways, customer gateways, Site-to-Site
//! VPN, Direct Connect, and transit gateways with their attachments, route
//! tables and peerings.

use super::yaml::Y;
use super::{tags, Cfn};
use crate::model::*;

impl Cfn<'_> {
    pub(super) fn hybrid(&mut self) {
        for g in &self.d.vpn_gateways {
            self.add(
                self.id(&g.name),
                "AWS::EC2::VPNGateway",
                vec![
                    ("Type", Y::s("ipsec.1")),
                    ("AmazonSideAsn", Y::Int(i64::from(g.asn))),
                    tags(&g.name, &g.description),
                ],
                vec![],
            );
            if let Some(v) = &g.vpc {
                self.add(
                    self.attachment_of(&g.name),
                    "AWS::EC2::VPCGatewayAttachment",
                    vec![("VpcId", self.r(v)), ("VpnGatewayId", self.r(&g.name))],
                    vec![],
                );
            }
        }
        for c in &self.d.customer_gateways {
            self.add(
                self.id(&c.name),
                "AWS::EC2::CustomerGateway",
                vec![
                    ("Type", Y::s("ipsec.1")),
                    ("BgpAsn", Y::Int(i64::from(c.asn))),
                    ("IpAddress", Y::s(c.ip.to_string())),
                    tags(&c.name, &c.description),
                ],
                vec![],
            );
        }
        for v in &self.d.vpn_connections {
            let mut props = vec![
                ("Type", Y::s("ipsec.1")),
                ("CustomerGatewayId", self.r(&v.customer_gateway)),
            ];
            match &v.termination {
                VpnTermination::VpnGateway(g) => props.push(("VpnGatewayId", self.r(g))),
                VpnTermination::TransitGateway(t) => props.push(("TransitGatewayId", self.r(t))),
                // IPsec to a software VPN on an instance is the appliance's
                // configuration, not an AWS resource.
                VpnTermination::Instance(_) => continue,
            }
            props.push(("StaticRoutesOnly", Y::Bool(matches!(v.routing, VpnRouting::Static(_)))));
            props.push(tags(&v.name, &v.description));
            self.add(self.id(&v.name), "AWS::EC2::VPNConnection", props, vec![]);
            if let (VpnRouting::Static(cidrs), VpnTermination::VpnGateway(_)) = (&v.routing, &v.termination) {
                for (i, c) in cidrs.iter().enumerate() {
                    self.add(
                        format!("{}Route{}", self.id(&v.name), i + 1),
                        "AWS::EC2::VPNConnectionRoute",
                        vec![
                            ("DestinationCidrBlock", Y::s(c.to_string())),
                            ("VpnConnectionId", self.r(&v.name)),
                        ],
                        vec![],
                    );
                }
            }
        }
        for g in &self.d.dx_gateways {
            self.notes.push(format!(
                "Direct Connect gateway {}: CloudFormation has no resource for it",
                g.name
            ));
        }
        for c in &self.d.dx_connections {
            self.notes.push(format!(
                "Direct Connect connection {}: ordered outside CloudFormation",
                c.name
            ));
        }
    }

    pub(super) fn transit_gateways(&mut self) {
        for t in &self.d.transit_gateways {
            let id = self.id(&t.name);
            self.add(
                id.clone(),
                "AWS::EC2::TransitGateway",
                vec![
                    (
                        "Description",
                        Y::s(t.description.clone().unwrap_or_else(|| t.name.clone())),
                    ),
                    ("AmazonSideAsn", Y::Int(i64::from(t.asn))),
                    // Associations and propagations are all explicit below.
                    ("DefaultRouteTableAssociation", Y::s("disable")),
                    ("DefaultRouteTablePropagation", Y::s("disable")),
                    // Off unless the design turns it on, as AWS defaults it
                    // (Transit Gateways guide, security group referencing).
                    (
                        "SecurityGroupReferencingSupport",
                        Y::s(if t.sg_referencing { "enable" } else { "disable" }),
                    ),
                    tags(&t.name, &t.description),
                ],
                vec![],
            );
            for rt in &t.route_tables {
                self.add(
                    self.id(&rt.name),
                    "AWS::EC2::TransitGatewayRouteTable",
                    vec![("TransitGatewayId", Y::r(&id)), tags(&rt.name, &None)],
                    vec![],
                );
            }
            let mut exported = Vec::new();
            for a in &t.attachments {
                match &a.kind {
                    TgwAttachmentKind::Vpc { vpc, subnets } => {
                        self.add(
                            self.id(&a.name),
                            "AWS::EC2::TransitGatewayVpcAttachment",
                            vec![
                                ("TransitGatewayId", Y::r(&id)),
                                ("VpcId", self.r(vpc)),
                                ("SubnetIds", Y::List(subnets.iter().map(|s| self.r(s)).collect())),
                                (
                                    "Options",
                                    Y::map(vec![
                                        (
                                            "ApplianceModeSupport",
                                            Y::s(if a.appliance_mode { "enable" } else { "disable" }),
                                        ),
                                        // Written both ways, so the template says what the
                                        // design holds (AWS's default for an attachment is on).
                                        (
                                            "SecurityGroupReferencingSupport",
                                            Y::s(if a.sg_referencing { "enable" } else { "disable" }),
                                        ),
                                    ]),
                                ),
                                tags(&a.name, &None),
                            ],
                            vec![],
                        );
                        exported.push(a.name.clone());
                    }
                    other => {
                        let what = match other {
                            TgwAttachmentKind::Vpn { .. } => {
                                "the VPN connection creates it and CloudFormation cannot name its id"
                            }
                            TgwAttachmentKind::DxGateway { .. } => "Direct Connect gateways are outside CloudFormation",
                            _ => "a peering attachment must be accepted in the peer's Region",
                        };
                        self.notes
                            .push(format!("transit gateway attachment {}: {what}", a.name));
                        continue;
                    }
                }
                if let Some(rt) = &a.association {
                    self.add(
                        format!("{}Association", self.id(&a.name)),
                        "AWS::EC2::TransitGatewayRouteTableAssociation",
                        vec![
                            ("TransitGatewayAttachmentId", self.r(&a.name)),
                            ("TransitGatewayRouteTableId", self.r(rt)),
                        ],
                        vec![],
                    );
                }
                for rt in &a.propagations {
                    self.add(
                        format!("{}Propagation{}", self.id(&a.name), self.id(rt)),
                        "AWS::EC2::TransitGatewayRouteTablePropagation",
                        vec![
                            ("TransitGatewayAttachmentId", self.r(&a.name)),
                            ("TransitGatewayRouteTableId", self.r(rt)),
                        ],
                        vec![],
                    );
                }
            }
            for rt in &t.route_tables {
                for (i, r) in rt.routes.iter().enumerate() {
                    let mut p = vec![
                        ("TransitGatewayRouteTableId", self.r(&rt.name)),
                        ("DestinationCidrBlock", Y::s(r.cidr.to_string())),
                    ];
                    match &r.target {
                        TgwRouteTarget::Blackhole => p.push(("Blackhole", Y::Bool(true))),
                        TgwRouteTarget::Attachment(a) if exported.contains(a) => {
                            p.push(("TransitGatewayAttachmentId", self.r(a)))
                        }
                        TgwRouteTarget::Attachment(a) => {
                            self.notes.push(format!(
                                "route {} in {}: its attachment {a} is not exported",
                                r.cidr, rt.name
                            ));
                            continue;
                        }
                    }
                    self.add(
                        format!("{}Route{}", self.id(&rt.name), i + 1),
                        "AWS::EC2::TransitGatewayRoute",
                        p,
                        vec![],
                    );
                }
            }
        }
    }
}
