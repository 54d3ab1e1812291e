//! The exporter's second half: transit gateways, VPN, Direct Connect, load
//! balancers, and the on-premises networks carried as tags.

use std::collections::BTreeMap;

use super::export::{ACCOUNT, ONPREM_TAG};
use super::json::{self as j, AwsFile, Tag};
use crate::model::*;

fn tags(name: &str) -> Vec<Tag> {
    vec![Tag {
        key: "Name".into(),
        value: name.into(),
    }]
}

/// `name=cidr,cidr;name2=cidr` for the on-prem networks `pick` selects.
fn onprem_tag(d: &Design, pick: impl Fn(&OnPremNetwork) -> bool) -> Option<Tag> {
    let value: Vec<String> = d
        .onprem_networks
        .iter()
        .filter(|n| pick(n))
        .map(|n| {
            format!(
                "{}={}",
                n.name,
                n.cidrs.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(",")
            )
        })
        .collect();
    (!value.is_empty()).then(|| Tag {
        key: ONPREM_TAG.into(),
        value: value.join(";"),
    })
}

/// A load balancer's ARN (`…:loadbalancer/net/NAME/HASH`) and the hash in it.
pub(super) fn lb_arn(region: &str, lb: &LoadBalancer, id: &dyn Fn(&str, &str) -> String) -> (String, String) {
    let kind = match lb.kind {
        LoadBalancerKind::Application => "app",
        LoadBalancerKind::Network => "net",
        LoadBalancerKind::Gateway => "gwy",
    };
    let hash = id("", &format!("{}#lb", lb.name));
    let hash: String = hash.chars().filter(|c| c.is_ascii_hexdigit()).take(16).collect();
    let arn = format!(
        "arn:aws:elasticloadbalancing:{region}:{ACCOUNT}:loadbalancer/{kind}/{}/{hash}",
        lb.name
    );
    (arn, hash)
}

pub(super) fn export(
    d: &Design,
    id: &dyn Fn(&str, &str) -> String,
    files: &mut BTreeMap<&'static str, AwsFile>,
    left_out: &mut Vec<String>,
) {
    let region = d.region.as_str();
    let vgws: Vec<j::VpnGateway> = d
        .vpn_gateways
        .iter()
        .map(|g| j::VpnGateway {
            vpn_gateway_id: id("vgw-", &g.name),
            state: "available".into(),
            amazon_side_asn: Some(i64::from(g.asn)),
            vpc_attachments: g
                .vpc
                .iter()
                .map(|v| j::VpcAttachment {
                    vpc_id: id("vpc-", v),
                    state: "attached".into(),
                })
                .collect(),
            tags: tags(&g.name),
        })
        .collect();
    files.insert(
        "VpnGateways",
        AwsFile {
            vpn_gateways: Some(vgws),
            ..Default::default()
        },
    );
    let cgws: Vec<j::CustomerGateway> = d
        .customer_gateways
        .iter()
        .map(|g| {
            let mut t = tags(&g.name);
            t.extend(onprem_tag(d, |n| {
                n.customer_gateway.as_deref() == Some(g.name.as_str())
            }));
            j::CustomerGateway {
                customer_gateway_id: id("cgw-", &g.name),
                bgp_asn: Some(g.asn.to_string()),
                ip_address: g.ip.to_string(),
                state: "available".into(),
                tags: t,
            }
        })
        .collect();
    files.insert(
        "CustomerGateways",
        AwsFile {
            customer_gateways: Some(cgws),
            ..Default::default()
        },
    );
    for v in &d.vpn_connections {
        if let VpnTermination::Instance(i) = &v.termination {
            left_out.push(format!(
                "VPN connection {}: a tunnel to the software VPN on instance {i} (configured on the appliance, not an AWS resource)",
                v.name
            ));
        }
    }
    let vpns: Vec<j::VpnConnection> = d
        .vpn_connections
        .iter()
        .filter_map(|v| {
            let (vgw, tgw) = match &v.termination {
                VpnTermination::VpnGateway(g) => (Some(id("vgw-", g)), None),
                VpnTermination::TransitGateway(t) => (None, Some(id("tgw-", t))),
                VpnTermination::Instance(_) => return None,
            };
            let (static_only, routes) = match &v.routing {
                VpnRouting::Static(r) => (true, r.clone()),
                VpnRouting::Bgp => (false, Vec::new()),
            };
            Some(j::VpnConnection {
                vpn_connection_id: id("vpn-", &v.name),
                customer_gateway_id: id("cgw-", &v.customer_gateway),
                vpn_gateway_id: vgw,
                transit_gateway_id: tgw,
                state: "available".into(),
                options: Some(j::VpnOptions {
                    static_routes_only: Some(static_only),
                }),
                routes: routes
                    .iter()
                    .map(|c| j::VpnStaticRoute {
                        destination_cidr_block: c.to_string(),
                        source: Some("Static".into()),
                        state: Some("available".into()),
                    })
                    .collect(),
                vgw_telemetry: v
                    .tunnels_up
                    .iter()
                    .map(|up| j::VgwTelemetry {
                        outside_ip_address: None,
                        status: if *up { "UP" } else { "DOWN" }.into(),
                    })
                    .collect(),
                tags: tags(&v.name),
            })
        })
        .collect();
    files.insert(
        "VpnConnections",
        AwsFile {
            vpn_connections: Some(vpns),
            ..Default::default()
        },
    );

    // Transit gateways: the gateway, its tables, attachments, propagations and static routes.
    let mut tgws = Vec::new();
    let mut tables = Vec::new();
    let mut atts = Vec::new();
    let mut vpc_atts = Vec::new();
    let mut props = Vec::new();
    let mut statics = Vec::new();
    for t in &d.transit_gateways {
        let tid = id("tgw-", &t.name);
        let default_rt = t.default_route_table.as_ref().map(|r| id("tgw-rtb-", r));
        tgws.push(j::TransitGateway {
            transit_gateway_id: tid.clone(),
            transit_gateway_arn: Some(format!("arn:aws:ec2:{region}:{ACCOUNT}:transit-gateway/{tid}")),
            owner_id: Some(ACCOUNT.into()),
            state: "available".into(),
            options: j::TransitGatewayOptions {
                amazon_side_asn: Some(i64::from(t.asn)),
                default_route_table_association: Some(if t.default_association { "enable" } else { "disable" }.into()),
                default_route_table_propagation: Some(if t.default_propagation { "enable" } else { "disable" }.into()),
                association_default_route_table_id: default_rt.clone(),
                propagation_default_route_table_id: default_rt.clone(),
                security_group_referencing_support: Some(enable_disable(t.sg_referencing)),
            },
            tags: tags(&t.name),
        });
        for rt in &t.route_tables {
            let rid = id("tgw-rtb-", &rt.name);
            let is_default = t.default_route_table.as_deref() == Some(rt.name.as_str());
            tables.push(j::TransitGatewayRouteTable {
                transit_gateway_route_table_id: rid.clone(),
                transit_gateway_id: tid.clone(),
                state: "available".into(),
                default_association_route_table: is_default,
                default_propagation_route_table: is_default,
                tags: tags(&rt.name),
            });
            statics.push(j::TransitGatewayStaticRoutes {
                transit_gateway_route_table_id: rid.clone(),
                routes: rt
                    .routes
                    .iter()
                    .map(|r| match &r.target {
                        TgwRouteTarget::Blackhole => j::TgwRoute {
                            destination_cidr_block: r.cidr.to_string(),
                            state: "blackhole".into(),
                            r#type: "static".into(),
                            transit_gateway_attachments: Vec::new(),
                        },
                        TgwRouteTarget::Attachment(a) => j::TgwRoute {
                            destination_cidr_block: r.cidr.to_string(),
                            state: "active".into(),
                            r#type: "static".into(),
                            transit_gateway_attachments: vec![j::TgwRouteAttachment {
                                transit_gateway_attachment_id: id("tgw-attach-", a),
                                resource_id: None,
                                resource_type: None,
                            }],
                        },
                    })
                    .collect(),
            });
            props.push(j::TransitGatewayPropagations {
                transit_gateway_route_table_id: rid,
                transit_gateway_route_table_propagations: t
                    .attachments
                    .iter()
                    .filter(|a| a.propagations.contains(&rt.name))
                    .map(|a| j::TgwRouteTablePropagation {
                        transit_gateway_attachment_id: id("tgw-attach-", &a.name),
                        resource_id: String::new(),
                        resource_type: String::new(),
                        state: "enabled".into(),
                    })
                    .collect(),
            });
        }
        for a in &t.attachments {
            let aid = id("tgw-attach-", &a.name);
            let (rtype, rid) = match &a.kind {
                TgwAttachmentKind::Vpc { vpc, subnets } => {
                    vpc_atts.push(j::TransitGatewayVpcAttachment {
                        transit_gateway_attachment_id: aid.clone(),
                        transit_gateway_id: tid.clone(),
                        vpc_id: id("vpc-", vpc),
                        vpc_owner_id: Some(super::export::account_id(d, d.vpc_owner(vpc))),
                        state: "available".into(),
                        subnet_ids: subnets.iter().map(|s| id("subnet-", s)).collect(),
                        options: Some(j::TgwVpcAttachmentOptions {
                            appliance_mode_support: Some(enable_disable(a.appliance_mode)),
                            security_group_referencing_support: Some(enable_disable(a.sg_referencing)),
                        }),
                        tags: tags(&a.name),
                    });
                    ("vpc", id("vpc-", vpc))
                }
                TgwAttachmentKind::Vpn { connection } => ("vpn", id("vpn-", connection)),
                TgwAttachmentKind::DxGateway { dx_gateway } => ("direct-connect-gateway", id("", dx_gateway)),
                TgwAttachmentKind::Peering { transit_gateway } => ("peering", id("tgw-", transit_gateway)),
            };
            atts.push(j::TransitGatewayAttachment {
                transit_gateway_attachment_id: aid,
                transit_gateway_id: tid.clone(),
                transit_gateway_owner_id: Some(ACCOUNT.into()),
                resource_owner_id: Some(ACCOUNT.into()),
                resource_type: rtype.into(),
                resource_id: rid,
                state: "available".into(),
                association: a.association.as_ref().map(|r| j::TgwAssociation {
                    transit_gateway_route_table_id: id("tgw-rtb-", r),
                    state: "associated".into(),
                }),
                tags: tags(&a.name),
            });
        }
    }
    files.insert(
        "TransitGateways",
        AwsFile {
            transit_gateways: Some(tgws),
            ..Default::default()
        },
    );
    files.insert(
        "TransitGatewayRouteTables",
        AwsFile {
            transit_gateway_route_tables: Some(tables),
            ..Default::default()
        },
    );
    files.insert(
        "TransitGatewayAttachments",
        AwsFile {
            transit_gateway_attachments: Some(atts),
            ..Default::default()
        },
    );
    files.insert(
        "TransitGatewayVpcAttachments",
        AwsFile {
            transit_gateway_vpc_attachments: Some(vpc_atts),
            ..Default::default()
        },
    );
    files.insert(
        "TransitGatewayPropagations",
        AwsFile {
            transit_gateway_propagations: Some(props),
            ..Default::default()
        },
    );
    files.insert(
        "TransitGatewayStaticRoutes",
        AwsFile {
            transit_gateway_static_routes: Some(statics),
            ..Default::default()
        },
    );

    // Direct Connect: gateways (ids are UUID-like, so the name stands in), associations, connections, interfaces.
    let dxgws: Vec<j::DirectConnectGateway> = d
        .dx_gateways
        .iter()
        .map(|g| j::DirectConnectGateway {
            direct_connect_gateway_id: id("", &g.name),
            direct_connect_gateway_name: g.name.clone(),
            amazon_side_asn: Some(i64::from(g.asn)),
            direct_connect_gateway_state: "available".into(),
            tags: Vec::new(),
        })
        .collect();
    let mut assocs = Vec::new();
    for g in &d.dx_gateways {
        let gw = |gid: String, kind: &str| j::DirectConnectGatewayAssociation {
            association_id: Some(format!("{}#{gid}", g.name)),
            direct_connect_gateway_id: id("", &g.name),
            associated_gateway: Some(j::AssociatedGateway {
                id: gid,
                r#type: kind.into(),
                owner_account: Some(ACCOUNT.into()),
                region: Some(region.into()),
            }),
            virtual_gateway_id: None,
            association_state: "associated".into(),
        };
        for v in &g.vpn_gateways {
            assocs.push(gw(id("vgw-", v), "virtualPrivateGateway"));
        }
        if let Some(t) = &g.transit_gateway {
            assocs.push(gw(id("tgw-", t), "transitGateway"));
        }
    }
    let mut conns = Vec::new();
    let mut vifs = Vec::new();
    for c in &d.dx_connections {
        let cid = id("dxcon-", &c.name);
        let mut t = tags(&c.name);
        t.extend(onprem_tag(d, |n| n.dx_connection.as_deref() == Some(c.name.as_str())));
        conns.push(j::DxConnection {
            connection_id: cid.clone(),
            connection_name: c.name.clone(),
            connection_state: if c.up { "available" } else { "down" }.into(),
            location: c.location.clone(),
            bandwidth: Some(c.bandwidth.clone()),
            tags: t,
        });
        for v in &c.virtual_interfaces {
            vifs.push(j::VirtualInterface {
                virtual_interface_id: id("dxvif-", &v.name),
                virtual_interface_name: v.name.clone(),
                virtual_interface_type: match v.kind {
                    VifKind::Private => "private",
                    VifKind::Transit => "transit",
                    VifKind::Public => "public",
                }
                .into(),
                connection_id: cid.clone(),
                direct_connect_gateway_id: v.dx_gateway.as_ref().map(|g| id("", g)),
                virtual_gateway_id: v.vpn_gateway.as_ref().map(|g| id("vgw-", g)),
                vlan: i64::from(v.vlan),
                virtual_interface_state: if c.up { "available" } else { "down" }.into(),
                location: Some(c.location.clone()),
                bgp_peers: Vec::new(),
                tags: Vec::new(),
            });
        }
    }
    files.insert(
        "DirectConnectGateways",
        AwsFile {
            direct_connect_gateways: Some(dxgws),
            ..Default::default()
        },
    );
    files.insert(
        "DirectConnectGatewayAssociations",
        AwsFile {
            direct_connect_gateway_associations: Some(assocs),
            ..Default::default()
        },
    );
    files.insert(
        "Connections",
        AwsFile {
            connections: Some(conns),
            ..Default::default()
        },
    );
    files.insert(
        "VirtualInterfaces",
        AwsFile {
            virtual_interfaces: Some(vifs),
            ..Default::default()
        },
    );

    // Load balancers: one target group per listener, its targets registered by instance id.
    let mut lbs = Vec::new();
    let mut tgs = Vec::new();
    let mut listeners = Vec::new();
    let mut health = Vec::new();
    let mut attributes = Vec::new();
    for lb in &d.load_balancers {
        let (arn, hash) = lb_arn(region, lb, id);
        // describe-load-balancer-attributes: only the attribute vpcd models.
        // An application load balancer reports it as true whatever is set.
        attributes.push(j::LoadBalancerAttributes {
            load_balancer_arn: arn.clone(),
            attributes: vec![j::LbAttribute {
                key: "load_balancing.cross_zone.enabled".into(),
                value: (lb.cross_zone || lb.kind == LoadBalancerKind::Application).to_string(),
            }],
        });
        let subnet_az = |s: &str| {
            d.subnets
                .iter()
                .find(|x| x.name == s)
                .map(|x| x.az.clone())
                .unwrap_or_default()
        };
        let vpc = lb
            .subnets
            .first()
            .and_then(|s| d.subnets.iter().find(|x| &x.name == s))
            .map(|s| id("vpc-", &s.vpc))
            .unwrap_or_default();
        lbs.push(j::LoadBalancer {
            load_balancer_arn: arn.clone(),
            load_balancer_name: lb.name.clone(),
            dns_name: Some(format!("{}-{hash}.elb.{region}.amazonaws.com", lb.name)),
            scheme: if lb.scheme == LoadBalancerScheme::Internal {
                "internal"
            } else {
                "internet-facing"
            }
            .into(),
            vpc_id: vpc.clone(),
            r#type: match lb.kind {
                LoadBalancerKind::Network => "network",
                LoadBalancerKind::Gateway => "gateway",
                LoadBalancerKind::Application => "application",
            }
            .into(),
            state: Some(j::LbState { code: "active".into() }),
            availability_zones: lb
                .subnets
                .iter()
                .map(|s| j::LbZone {
                    zone_name: subnet_az(s),
                    subnet_id: id("subnet-", s),
                })
                .collect(),
            security_groups: lb.security_groups.iter().map(|g| id("sg-", g)).collect(),
        });
        // A Gateway Load Balancer has one listener taking every packet, forwarding
        // GENEVE (UDP 6081) to its target group (ELB guide, GWLB "Listeners").
        let geneve = [Listener {
            proto: Protocol::Udp,
            port: 6081,
            target_port: 6081,
        }];
        let lb_listeners: &[Listener] = if lb.kind == LoadBalancerKind::Gateway {
            &geneve
        } else {
            &lb.listeners
        };
        for l in lb_listeners {
            let proto = match (lb.kind, l.proto) {
                (LoadBalancerKind::Network, Protocol::Udp) => "UDP",
                (LoadBalancerKind::Network, _) => "TCP",
                (LoadBalancerKind::Gateway, _) => "GENEVE",
                (LoadBalancerKind::Application, _) if l.port == 443 => "HTTPS",
                (LoadBalancerKind::Application, _) => "HTTP",
            };
            let tg_name = format!("{}-{}-{}", lb.name, proto.to_ascii_lowercase(), l.port);
            let tg_arn = format!(
                "arn:aws:elasticloadbalancing:{region}:{ACCOUNT}:targetgroup/{tg_name}/{}",
                id("", &format!("{tg_name}#tg"))
                    .chars()
                    .filter(|c| c.is_ascii_hexdigit())
                    .take(16)
                    .collect::<String>()
            );
            tgs.push(j::TargetGroup {
                target_group_arn: tg_arn.clone(),
                target_group_name: tg_name.clone(),
                protocol: Some(proto.into()),
                port: Some(i64::from(l.target_port)),
                vpc_id: Some(vpc.clone()),
                target_type: Some("instance".into()),
                load_balancer_arns: vec![arn.clone()],
            });
            listeners.push(j::Listener {
                listener_arn: format!("{arn}/listener-{}-{}", proto.to_ascii_lowercase(), l.port)
                    .replace(":loadbalancer/", ":listener/"),
                load_balancer_arn: arn.clone(),
                port: i64::from(l.port),
                protocol: proto.into(),
                default_actions: vec![j::ListenerAction {
                    r#type: "forward".into(),
                    target_group_arn: Some(tg_arn.clone()),
                    forward_config: None,
                }],
            });
            health.push(j::LoadBalancerTargetHealth {
                target_group_arn: tg_arn,
                target_health_descriptions: lb
                    .targets
                    .iter()
                    .map(|t| j::TargetHealthDescription {
                        target: j::TargetDescription {
                            id: id("i-", t),
                            port: Some(i64::from(l.target_port)),
                            availability_zone: None,
                        },
                        target_health: Some(j::TargetHealth {
                            state: "healthy".into(),
                        }),
                    })
                    .collect(),
            });
        }
        if lb_listeners.is_empty() && !lb.targets.is_empty() {
            left_out.push(format!(
                "load balancer {}: targets without a listener (AWS registers targets in a listener's target group)",
                lb.name
            ));
        }
    }
    files.insert(
        "LoadBalancers",
        AwsFile {
            load_balancers: Some(lbs),
            ..Default::default()
        },
    );
    files.insert(
        "TargetGroups",
        AwsFile {
            target_groups: Some(tgs),
            ..Default::default()
        },
    );
    files.insert(
        "Listeners",
        AwsFile {
            listeners: Some(listeners),
            ..Default::default()
        },
    );
    files.insert(
        "LoadBalancerTargetHealth",
        AwsFile {
            load_balancer_target_health: Some(health),
            ..Default::default()
        },
    );
    files.insert(
        "LoadBalancerAttributes",
        AwsFile {
            load_balancer_attributes: Some(attributes),
            ..Default::default()
        },
    );
}

/// The `enable` | `disable` strings of the EC2 API's option fields.
fn enable_disable(on: bool) -> String {
    if on { "enable" } else { "disable" }.into()
}
