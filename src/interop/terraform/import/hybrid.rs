//! Transit gateways (attachments, route tables, associations, propagations,
//! static routes, peering), Site-to-Site VPN and managed prefix lists.

use super::eval::ACCOUNT;
use super::resources::{Conv, Fail, Inst, Res};
use crate::interop::aws::json as j;

impl Conv<'_> {
    pub(super) fn transit_gateway(&mut self, i: &Inst) -> Res<()> {
        let id = i.id()?;
        // Both default to "enable" (provider docs, aws_ec2_transit_gateway).
        let assoc = i
            .str("default_route_table_association")?
            .unwrap_or_else(|| "enable".into());
        let prop = i
            .str("default_route_table_propagation")?
            .unwrap_or_else(|| "enable".into());
        let uses_default = assoc == "enable" || prop == "enable";
        let default_rt = uses_default.then(|| self.ev.derived_id(&i.r, "tgw-rtb-", "default"));
        let tags = i.tags()?;
        if let Some(rt) = &default_rt {
            let name = j::name_tag(&tags).unwrap_or("tgw").to_string();
            self.out.tgw_rts.push(j::TransitGatewayRouteTable {
                transit_gateway_route_table_id: rt.clone(),
                transit_gateway_id: id.clone(),
                state: "available".into(),
                default_association_route_table: assoc == "enable",
                default_propagation_route_table: prop == "enable",
                tags: vec![j::Tag {
                    key: "Name".into(),
                    value: format!("{name}-default"),
                }],
            });
            self.tgw_of_rt.insert(rt.clone(), id.clone());
        }
        self.out.tgws.push(j::TransitGateway {
            transit_gateway_id: id.clone(),
            transit_gateway_arn: Some(i.req("arn")?),
            owner_id: Some(ACCOUNT.into()),
            state: "available".into(),
            options: j::TransitGatewayOptions {
                amazon_side_asn: Some(i.int("amazon_side_asn")?.unwrap_or(64512)),
                default_route_table_association: Some(assoc.clone()),
                default_route_table_propagation: Some(prop.clone()),
                association_default_route_table_id: default_rt.clone().filter(|_| assoc == "enable"),
                propagation_default_route_table_id: default_rt.filter(|_| prop == "enable"),
                // Disabled unless set (provider docs, aws_ec2_transit_gateway; the EC2
                // API's default for CreateTransitGateway).
                security_group_referencing_support: Some(
                    i.str("security_group_referencing_support")?
                        .unwrap_or_else(|| "disable".into()),
                ),
            },
            tags,
        });
        Ok(())
    }

    fn tgw(&self, id: &str) -> Res<&j::TransitGateway> {
        self.out
            .tgws
            .iter()
            .find(|t| t.transit_gateway_id == id)
            .ok_or_else(|| Fail::Skip(format!("transit gateway {id} is not in the design")))
    }

    pub(super) fn tgw_route_table(&mut self, i: &Inst) -> Res<()> {
        let tgw = i.req("transit_gateway_id")?;
        self.tgw(&tgw)?;
        let id = i.id()?;
        self.out.tgw_rts.push(j::TransitGatewayRouteTable {
            transit_gateway_route_table_id: id.clone(),
            transit_gateway_id: tgw.clone(),
            state: "available".into(),
            default_association_route_table: false,
            default_propagation_route_table: false,
            tags: i.tags()?,
        });
        self.tgw_of_rt.insert(id, tgw);
        Ok(())
    }

    /// An attachment with the gateway's default association and propagation, when it uses them.
    fn tgw_attachment(
        &mut self,
        i: &Inst,
        id: String,
        tgw: &str,
        kind: &str,
        resource: String,
        defaults: (bool, bool),
    ) -> Res<()> {
        let t = self.tgw(tgw)?;
        let assoc_rt = t
            .options
            .association_default_route_table_id
            .clone()
            .filter(|_| defaults.0);
        let prop_rt = t
            .options
            .propagation_default_route_table_id
            .clone()
            .filter(|_| defaults.1);
        if let Some(rt) = prop_rt {
            self.out
                .tgw_props
                .entry(rt)
                .or_default()
                .push(j::TgwRouteTablePropagation {
                    transit_gateway_attachment_id: id.clone(),
                    resource_id: resource.clone(),
                    resource_type: kind.into(),
                    state: "enabled".into(),
                });
        }
        self.out.tgw_atts.push(j::TransitGatewayAttachment {
            transit_gateway_attachment_id: id,
            transit_gateway_id: tgw.into(),
            transit_gateway_owner_id: Some(ACCOUNT.into()),
            resource_owner_id: Some(ACCOUNT.into()),
            resource_type: kind.into(),
            resource_id: resource,
            state: "available".into(),
            association: assoc_rt.map(|rt| j::TgwAssociation {
                transit_gateway_route_table_id: rt,
                state: "associated".into(),
            }),
            tags: i.tags()?,
        });
        Ok(())
    }

    pub(super) fn tgw_vpc_attachment(&mut self, i: &Inst) -> Res<()> {
        let id = i.id()?;
        let tgw = i.req("transit_gateway_id")?;
        let vpc = i.req("vpc_id")?;
        // Both default to true (provider docs, aws_ec2_transit_gateway_vpc_attachment).
        let defaults = (
            i.bool("transit_gateway_default_route_table_association")?
                .unwrap_or(true),
            i.bool("transit_gateway_default_route_table_propagation")?
                .unwrap_or(true),
        );
        self.tgw_attachment(i, id.clone(), &tgw, "vpc", vpc.clone(), defaults)?;
        self.out.tgw_vpc_atts.push(j::TransitGatewayVpcAttachment {
            transit_gateway_attachment_id: id,
            transit_gateway_id: tgw,
            vpc_id: vpc,
            vpc_owner_id: Some(ACCOUNT.into()),
            state: "available".into(),
            subnet_ids: i.strs("subnet_ids")?,
            options: Some(j::TgwVpcAttachmentOptions {
                appliance_mode_support: Some(i.str("appliance_mode_support")?.unwrap_or_else(|| "disable".into())),
                // Enabled unless set: the EC2 API's default for a new VPC attachment
                // (CreateTransitGatewayVpcAttachmentRequestOptions).
                security_group_referencing_support: Some(
                    i.str("security_group_referencing_support")?
                        .unwrap_or_else(|| "enable".into()),
                ),
            }),
            tags: i.tags()?,
        });
        Ok(())
    }

    pub(super) fn tgw_peering_attachment(&mut self, i: &Inst) -> Res<()> {
        let id = i.id()?;
        let tgw = i.req("transit_gateway_id")?;
        let peer = i.req("peer_transit_gateway_id")?;
        // A peering attachment is never associated or propagated by default (Transit Gateways guide).
        self.tgw_attachment(i, id, &tgw, "peering", peer, (false, false))
    }

    /// The accepting side: the same attachment seen from the peer gateway.
    pub(super) fn tgw_peering_accepter(&mut self, i: &Inst) -> Res<()> {
        let att = i.req("transit_gateway_attachment_id")?;
        let owner = self.ev.ids.borrow().get(&att).cloned();
        let Some(owner) = owner else {
            return Err(Fail::Skip(format!(
                "peering attachment {att} is not declared in these files"
            )));
        };
        let creator = Inst { ev: self.ev, r: owner };
        let peer_tgw = creator.req("peer_transit_gateway_id")?;
        let creator_tgw = creator.req("transit_gateway_id")?;
        self.tgw(&peer_tgw)?;
        // Both sides in the design: the accepter's side gets an id of its own, and
        // references to the attachment from its gateway's tables use it.
        let both = self.out.tgw_atts.iter().any(|a| a.transit_gateway_attachment_id == att);
        let id = if both {
            let side = self.ev.derived_id(&i.r, "tgw-attach-", "accepter");
            self.peer_sides.insert((att.clone(), peer_tgw.clone()), side.clone());
            side
        } else {
            att
        };
        self.tgw_attachment(i, id, &peer_tgw, "peering", creator_tgw, (false, false))
    }

    /// The attachment id as the given route table's gateway knows it.
    fn side(&self, att: &str, rt: &str) -> String {
        self.tgw_of_rt
            .get(rt)
            .and_then(|tgw| self.peer_sides.get(&(att.to_string(), tgw.clone())))
            .cloned()
            .unwrap_or_else(|| att.to_string())
    }

    pub(super) fn tgw_association(&mut self, i: &Inst) -> Res<()> {
        let rt = i.req("transit_gateway_route_table_id")?;
        let att = self.side(&i.req("transit_gateway_attachment_id")?, &rt);
        let a = self
            .out
            .tgw_atts
            .iter_mut()
            .find(|a| a.transit_gateway_attachment_id == att)
            .ok_or_else(|| Fail::Skip(format!("attachment {att} is not in the design")))?;
        a.association = Some(j::TgwAssociation {
            transit_gateway_route_table_id: rt,
            state: "associated".into(),
        });
        Ok(())
    }

    pub(super) fn tgw_propagation(&mut self, i: &Inst) -> Res<()> {
        let rt = i.req("transit_gateway_route_table_id")?;
        let att = self.side(&i.req("transit_gateway_attachment_id")?, &rt);
        let a = self
            .out
            .tgw_atts
            .iter()
            .find(|a| a.transit_gateway_attachment_id == att)
            .ok_or_else(|| Fail::Skip(format!("attachment {att} is not in the design")))?;
        let p = j::TgwRouteTablePropagation {
            transit_gateway_attachment_id: att.clone(),
            resource_id: a.resource_id.clone(),
            resource_type: a.resource_type.clone(),
            state: "enabled".into(),
        };
        self.out.tgw_props.entry(rt).or_default().push(p);
        Ok(())
    }

    pub(super) fn tgw_route(&mut self, i: &Inst) -> Res<()> {
        let rt = i.req("transit_gateway_route_table_id")?;
        let blackhole = i.bool("blackhole")?.unwrap_or(false);
        let att = match i.str("transit_gateway_attachment_id")? {
            Some(a) if !blackhole => Some(self.side(&a, &rt)),
            _ => None,
        };
        self.out.tgw_routes.entry(rt).or_default().push(j::TgwRoute {
            destination_cidr_block: i.req("destination_cidr_block")?,
            state: if blackhole { "blackhole" } else { "active" }.into(),
            r#type: "static".into(),
            transit_gateway_attachments: att
                .into_iter()
                .map(|a| j::TgwRouteAttachment {
                    transit_gateway_attachment_id: a,
                    resource_id: None,
                    resource_type: None,
                })
                .collect(),
        });
        Ok(())
    }

    pub(super) fn vpn_gateway(&mut self, i: &Inst) -> Res<()> {
        if i.ty() == "aws_vpn_gateway_attachment" {
            let id = i.req("vpn_gateway_id")?;
            let vpc = i.req("vpc_id")?;
            let g = self
                .out
                .vgws
                .iter_mut()
                .find(|g| g.vpn_gateway_id == id)
                .ok_or_else(|| Fail::Skip(format!("VPN gateway {id} is not in the design")))?;
            g.vpc_attachments = vec![j::VpcAttachment {
                vpc_id: vpc,
                state: "attached".into(),
            }];
            return Ok(());
        }
        self.out.vgws.push(j::VpnGateway {
            vpn_gateway_id: i.id()?,
            state: "available".into(),
            amazon_side_asn: i.int("amazon_side_asn")?.or(Some(64512)),
            vpc_attachments: i
                .str("vpc_id")?
                .into_iter()
                .map(|v| j::VpcAttachment {
                    vpc_id: v,
                    state: "attached".into(),
                })
                .collect(),
            tags: i.tags()?,
        });
        Ok(())
    }

    pub(super) fn customer_gateway(&mut self, i: &Inst) -> Res<()> {
        self.out.cgws.push(j::CustomerGateway {
            customer_gateway_id: i.id()?,
            bgp_asn: i.str("bgp_asn")?,
            ip_address: i.req("ip_address")?,
            state: "available".into(),
            tags: i.tags()?,
        });
        Ok(())
    }

    pub(super) fn vpn_connection(&mut self, i: &Inst) -> Res<()> {
        let id = i.id()?;
        let tgw = i.str("transit_gateway_id")?;
        if let Some(t) = &tgw {
            let att = i.req("transit_gateway_attachment_id")?;
            self.tgw_attachment(i, att, t, "vpn", id.clone(), (true, true))?;
        }
        let tags = i.tags()?;
        self.out.vpns.push(j::VpnConnection {
            vpn_connection_id: id,
            customer_gateway_id: i.req("customer_gateway_id")?,
            vpn_gateway_id: i.str("vpn_gateway_id")?,
            transit_gateway_id: tgw,
            state: "available".into(),
            options: Some(j::VpnOptions {
                static_routes_only: Some(i.bool("static_routes_only")?.unwrap_or(false)),
            }),
            routes: Vec::new(),
            // Tunnels come up when the customer's device connects; the design assumes it does.
            vgw_telemetry: (0..2)
                .map(|_| j::VgwTelemetry {
                    outside_ip_address: None,
                    status: "UP".into(),
                })
                .collect(),
            tags,
        });
        Ok(())
    }

    pub(super) fn vpn_connection_route(&mut self, i: &Inst) -> Res<()> {
        let id = i.req("vpn_connection_id")?;
        let cidr = i.req("destination_cidr_block")?;
        let v = self
            .out
            .vpns
            .iter_mut()
            .find(|v| v.vpn_connection_id == id)
            .ok_or_else(|| Fail::Skip(format!("VPN connection {id} is not in the design")))?;
        v.routes.push(j::VpnStaticRoute {
            destination_cidr_block: cidr,
            source: Some("Static".into()),
            state: Some("available".into()),
        });
        Ok(())
    }

    pub(super) fn managed_prefix_list(&mut self, i: &Inst) -> Res<()> {
        let id = i.id()?;
        let name = i.req("name")?;
        let mut cidrs = Vec::new();
        for e in i.objects("entry")? {
            if let Some(c) = super::resources::field(&e, "cidr")? {
                cidrs.push(c);
            }
        }
        self.out.managed_prefix_lists.push(j::ManagedPrefixList {
            prefix_list_id: id.clone(),
            prefix_list_name: name.clone(),
            max_entries: i.int("max_entries")?,
            owner_id: Some(ACCOUNT.into()),
            address_family: i.str("address_family")?,
            tags: i.tags()?,
        });
        self.out.prefix_lists.push(j::PrefixList {
            prefix_list_id: id,
            prefix_list_name: name,
            cidrs,
        });
        Ok(())
    }

    pub(super) fn prefix_list_entry(&mut self, i: &Inst) -> Res<()> {
        let id = i.req("prefix_list_id")?;
        let cidr = i.req("cidr")?;
        let p = self
            .out
            .prefix_lists
            .iter_mut()
            .find(|p| p.prefix_list_id == id)
            .ok_or_else(|| Fail::Skip(format!("prefix list {id} is not in the design")))?;
        p.cidrs.push(cidr);
        Ok(())
    }
}
