//! Transit gateways (route tables, attachments, associations, propagations,
//! static and blackhole routes), virtual private and customer gateways, VPN
//! connections, Direct Connect gateways and virtual interfaces, and the
//! on-premises networks their routes reveal.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ipnet::{IpNet, Ipv4Net};

use super::super::json;
use super::Builder;
use crate::model::*;

/// Attachments that carry (or will carry) traffic.
pub(crate) fn attachment_usable(state: &str) -> bool {
    matches!(
        state,
        "available" | "pending" | "modifying" | "initiating" | "pendingAcceptance" | ""
    )
}

fn gone(state: &str) -> bool {
    matches!(state, "deleted" | "deleting" | "failed" | "rejected")
}

pub(super) fn build(b: &mut Builder<'_>) {
    vpn_gateways(b);
    customer_gateways(b);
    vpn_connections(b);
    direct_connect(b);
    transit_gateways(b);
    onprem_networks(b);
}

fn vpn_gateways(b: &mut Builder<'_>) {
    for g in &b.m.vpn_gateways {
        if gone(&g.state) {
            b.report.skip(
                &g.vpn_gateway_id,
                "virtual private gateway",
                &format!("its state is {}", g.state),
            );
            continue;
        }
        let vpc = g
            .vpc_attachments
            .iter()
            .find(|a| matches!(a.state.as_str(), "attached" | "attaching"))
            .map(|a| b.name(&a.vpc_id));
        b.d.vpn_gateways.push(VpnGateway {
            name: b.name(&g.vpn_gateway_id),
            description: None,
            vpc,
            asn: g.amazon_side_asn.and_then(|a| u32::try_from(a).ok()).unwrap_or(64512),
        });
    }
}

fn customer_gateways(b: &mut Builder<'_>) {
    for g in &b.m.customer_gateways {
        if gone(&g.state) {
            b.report.skip(
                &g.customer_gateway_id,
                "customer gateway",
                &format!("its state is {}", g.state),
            );
            continue;
        }
        let Ok(ip) = g.ip_address.parse() else {
            b.report.skip(
                &g.customer_gateway_id,
                "customer gateway",
                &format!("`{}` is not an IPv4 address", g.ip_address),
            );
            continue;
        };
        b.d.customer_gateways.push(CustomerGateway {
            name: b.name(&g.customer_gateway_id),
            description: None,
            ip,
            asn: g.bgp_asn.as_deref().and_then(|a| a.parse().ok()).unwrap_or(65000),
        });
    }
}

fn vpn_connections(b: &mut Builder<'_>) {
    for v in &b.m.vpn_connections {
        if gone(&v.state) {
            b.report.skip(
                &v.vpn_connection_id,
                "VPN connection",
                &format!("its state is {}", v.state),
            );
            continue;
        }
        let termination = match (&v.vpn_gateway_id, &v.transit_gateway_id) {
            (Some(g), _) => VpnTermination::VpnGateway(b.name(g)),
            (None, Some(t)) => VpnTermination::TransitGateway(b.name(t)),
            (None, None) => {
                b.report.skip(
                    &v.vpn_connection_id,
                    "VPN connection",
                    "it ends on neither a virtual private gateway nor a transit gateway",
                );
                continue;
            }
        };
        let static_only = v.options.as_ref().and_then(|o| o.static_routes_only).unwrap_or(false);
        let routing = if static_only {
            VpnRouting::Static(
                v.routes
                    .iter()
                    .filter(|r| r.state.as_deref().is_none_or(|s| s == "available" || s == "pending"))
                    .filter_map(|r| r.destination_cidr_block.parse::<Ipv4Net>().ok().map(|n| n.trunc()))
                    .collect(),
            )
        } else {
            VpnRouting::Bgp
        };
        // Tunnel status from the VGW telemetry (`UP`/`DOWN`); no telemetry: assumed up.
        let mut tunnels_up = [true, true];
        if !v.vgw_telemetry.is_empty() {
            for (i, t) in v.vgw_telemetry.iter().take(2).enumerate() {
                tunnels_up[i] = t.status.eq_ignore_ascii_case("UP");
            }
            if v.vgw_telemetry.len() == 1 {
                tunnels_up[1] = false;
            }
            if !tunnels_up.iter().any(|t| *t) {
                b.report.approximate(
                    &v.vpn_connection_id,
                    "VPN connection",
                    "both tunnels were DOWN when the dump was taken, so no traffic crosses it",
                );
            }
        }
        b.d.vpn_connections.push(VpnConnection {
            name: b.name(&v.vpn_connection_id),
            description: None,
            customer_gateway: b.name(&v.customer_gateway_id),
            termination,
            routing,
            tunnels_up,
        });
    }
}

fn direct_connect(b: &mut Builder<'_>) {
    let m = b.m;
    for g in &m.dx_gateways {
        if !b.known(&g.direct_connect_gateway_id) {
            b.report.skip(
                &g.direct_connect_gateway_id,
                "Direct Connect gateway",
                &format!("its state is {}", g.direct_connect_gateway_state),
            );
            continue;
        }
        let mut vgws = Vec::new();
        let mut tgw = None;
        for a in m
            .dx_associations
            .iter()
            .filter(|a| a.direct_connect_gateway_id == g.direct_connect_gateway_id)
        {
            if !matches!(a.association_state.as_str(), "associated" | "associating" | "updating") {
                continue;
            }
            let (gw, is_tgw) = match (&a.associated_gateway, &a.virtual_gateway_id) {
                (Some(ag), _) => (ag.id.as_str(), ag.r#type == "transitGateway"),
                (None, Some(v)) => (v.as_str(), false),
                (None, None) => continue,
            };
            // A Direct Connect gateway is global: its associations may reach
            // gateways of other Regions, which are outside this design.
            if !b.known(gw) {
                let wher = a
                    .associated_gateway
                    .as_ref()
                    .and_then(|g| g.region.clone())
                    .unwrap_or_default();
                b.report.approximate(
                    &g.direct_connect_gateway_id,
                    "Direct Connect gateway",
                    &format!("its association with {gw} {wher} is left out: that gateway is not in this import"),
                );
                continue;
            }
            if is_tgw {
                tgw = Some(b.name(gw));
            } else {
                vgws.push(b.name(gw));
            }
        }
        b.d.dx_gateways.push(DxGateway {
            name: b.name(&g.direct_connect_gateway_id),
            description: None,
            asn: g.amazon_side_asn.and_then(|a| u32::try_from(a).ok()).unwrap_or(64512),
            vpn_gateways: vgws,
            transit_gateway: tgw,
        });
    }
    // Connections: from describe-connections, or inferred from the interfaces on them.
    let mut conns: BTreeMap<String, (Option<&json::DxConnection>, Vec<&json::VirtualInterface>)> = BTreeMap::new();
    for c in &m.dx_connections {
        conns.entry(c.connection_id.clone()).or_default().0 = Some(c);
    }
    for v in &m.virtual_interfaces {
        if gone(&v.virtual_interface_state) {
            b.report.skip(
                &v.virtual_interface_id,
                "virtual interface",
                &format!("its state is {}", v.virtual_interface_state),
            );
            continue;
        }
        conns.entry(v.connection_id.clone()).or_default().1.push(v);
    }
    for (id, (conn, vifs)) in conns {
        if conn.is_some_and(|c| gone(&c.connection_state)) {
            continue;
        }
        let name = b.fresh(&super::sanitize(
            conn.and_then(|c| json::name_tag(&c.tags))
                .filter(|n| crate::edit::valid_name(n))
                .unwrap_or(&id),
        ));
        b.names.insert(id.clone(), name.clone());
        b.d.aws_ids.insert(id.clone(), name.clone());
        if conn.is_none() {
            b.report.approximate(
                &id,
                "Direct Connect connection",
                "not in the dump (describe-connections); inferred from its virtual interfaces",
            );
        }
        let mut out = Vec::new();
        for v in &vifs {
            let kind = match v.virtual_interface_type.as_str() {
                "private" => VifKind::Private,
                "transit" => VifKind::Transit,
                _ => VifKind::Public,
            };
            let vname = b.fresh(&super::sanitize(
                Some(v.virtual_interface_name.as_str())
                    .filter(|n| crate::edit::valid_name(n))
                    .unwrap_or(&v.virtual_interface_id),
            ));
            b.names.insert(v.virtual_interface_id.clone(), vname.clone());
            b.d.aws_ids.insert(v.virtual_interface_id.clone(), vname.clone());
            out.push(VirtualInterface {
                name: vname,
                kind,
                vlan: u16::try_from(v.vlan).unwrap_or(0),
                dx_gateway: v.direct_connect_gateway_id.as_ref().map(|g| b.name(g)),
                vpn_gateway: v.virtual_gateway_id.as_ref().map(|g| b.name(g)),
            });
        }
        let up_vifs = vifs.iter().filter(|v| v.virtual_interface_state == "available").count();
        if up_vifs > 0 && up_vifs < vifs.len() {
            b.report.approximate(
                &id,
                "Direct Connect connection",
                "some of its virtual interfaces are down; vpcd treats the connection as up",
            );
        }
        b.d.dx_connections.push(DxConnection {
            name,
            description: None,
            location: conn
                .map(|c| c.location.clone())
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| "unknown".into()),
            bandwidth: conn.and_then(|c| c.bandwidth.clone()).unwrap_or_else(|| "1Gbps".into()),
            up: conn.is_none_or(|c| c.connection_state == "available") && (vifs.is_empty() || up_vifs > 0),
            virtual_interfaces: out,
        });
    }
}

fn transit_gateways(b: &mut Builder<'_>) {
    let m = b.m;
    let vpc_att: HashMap<&str, &json::TransitGatewayVpcAttachment> = m
        .tgw_vpc_attachments
        .iter()
        .map(|a| (a.transit_gateway_attachment_id.as_str(), a))
        .collect();
    // Attachments: describe-transit-gateway-attachments, plus VPC attachments
    // only listed by describe-transit-gateway-vpc-attachments.
    let mut atts: Vec<json::TransitGatewayAttachment> = m.tgw_attachments.clone();
    for v in &m.tgw_vpc_attachments {
        if !atts
            .iter()
            .any(|a| a.transit_gateway_attachment_id == v.transit_gateway_attachment_id)
        {
            atts.push(json::TransitGatewayAttachment {
                transit_gateway_attachment_id: v.transit_gateway_attachment_id.clone(),
                transit_gateway_id: v.transit_gateway_id.clone(),
                resource_type: "vpc".into(),
                resource_id: v.vpc_id.clone(),
                state: v.state.clone(),
                ..Default::default()
            });
        }
    }
    let mut propagations: HashMap<&str, Vec<String>> = HashMap::new();
    for p in &m.tgw_propagations {
        for e in &p.transit_gateway_route_table_propagations {
            if e.state == "enabled" && b.known(&p.transit_gateway_route_table_id) {
                propagations
                    .entry(e.transit_gateway_attachment_id.as_str())
                    .or_default()
                    .push(b.name(&p.transit_gateway_route_table_id));
            }
        }
    }
    let mut kept_atts: BTreeSet<String> = BTreeSet::new();
    let mut by_tgw: HashMap<&str, Vec<TgwAttachment>> = HashMap::new();
    for a in &atts {
        let id = &a.transit_gateway_attachment_id;
        if !attachment_usable(&a.state) {
            b.report
                .skip(id, "transit gateway attachment", &format!("its state is {}", a.state));
            continue;
        }
        if !b.known(&a.transit_gateway_id) {
            b.report.skip(
                id,
                "transit gateway attachment",
                &format!("its transit gateway {} is not in the dump", a.transit_gateway_id),
            );
            continue;
        }
        let kind = match a.resource_type.as_str() {
            "vpc" => {
                let subnets: Vec<String> = vpc_att
                    .get(id.as_str())
                    .map(|v| v.subnet_ids.iter().map(|s| b.name(s)).collect())
                    .unwrap_or_default();
                if subnets.is_empty() {
                    b.report.approximate(
                        id,
                        "transit gateway attachment",
                        "its subnets are not in the dump (describe-transit-gateway-vpc-attachments)",
                    );
                }
                TgwAttachmentKind::Vpc {
                    vpc: b.name(&a.resource_id),
                    subnets,
                }
            }
            "vpn" => TgwAttachmentKind::Vpn {
                connection: b.name(&a.resource_id),
            },
            "direct-connect-gateway" => TgwAttachmentKind::DxGateway {
                dx_gateway: b.name(&a.resource_id),
            },
            "peering" | "tgw-peering" => {
                if !b.known(&a.resource_id) {
                    b.report.skip(
                        id,
                        "transit gateway attachment",
                        &format!(
                            "its peer transit gateway {} is in another Region or account not in this import",
                            a.resource_id
                        ),
                    );
                    continue;
                }
                TgwAttachmentKind::Peering {
                    transit_gateway: b.name(&a.resource_id),
                }
            }
            other => {
                b.report.skip(
                    id,
                    "transit gateway attachment",
                    &format!("{other} attachments are not modelled"),
                );
                continue;
            }
        };
        let association = a
            .association
            .as_ref()
            .filter(|x| matches!(x.state.as_str(), "associated" | "associating"))
            .filter(|x| b.known(&x.transit_gateway_route_table_id))
            .map(|x| b.name(&x.transit_gateway_route_table_id));
        let appliance = vpc_att
            .get(id.as_str())
            .and_then(|v| v.options.as_ref())
            .and_then(|o| o.appliance_mode_support.as_deref())
            == Some("enable");
        // Enabled unless DescribeTransitGatewayVpcAttachments says `disable` (the
        // default for a new VPC attachment; CreateTransitGatewayVpcAttachmentRequestOptions).
        let sg_referencing = vpc_att
            .get(id.as_str())
            .and_then(|v| v.options.as_ref())
            .and_then(|o| o.security_group_referencing_support.as_deref())
            != Some("disable");
        kept_atts.insert(id.clone());
        by_tgw
            .entry(a.transit_gateway_id.as_str())
            .or_default()
            .push(TgwAttachment {
                name: b.name(id),
                kind,
                association,
                propagations: propagations.remove(id.as_str()).unwrap_or_default(),
                appliance_mode: appliance,
                sg_referencing,
            });
    }
    let mut static_routes: HashMap<&str, &json::TransitGatewayStaticRoutes> = HashMap::new();
    for s in &m.tgw_static_routes {
        static_routes.insert(s.transit_gateway_route_table_id.as_str(), s);
    }
    for t in &m.transit_gateways {
        if !b.known(&t.transit_gateway_id) {
            b.report.skip(
                &t.transit_gateway_id,
                "transit gateway",
                &format!("its state is {}", t.state),
            );
            continue;
        }
        let mut tables = Vec::new();
        let own: Vec<&json::TransitGatewayRouteTable> = m
            .tgw_route_tables
            .iter()
            .filter(|r| r.transit_gateway_id == t.transit_gateway_id && b.known(&r.transit_gateway_route_table_id))
            .collect();
        for rt in own {
            let mut routes = Vec::new();
            for r in static_routes
                .get(rt.transit_gateway_route_table_id.as_str())
                .map(|s| s.routes.as_slice())
                .unwrap_or_default()
            {
                if r.r#type == "propagated" {
                    continue;
                }
                let shown = format!(
                    "{} route {}",
                    rt.transit_gateway_route_table_id, r.destination_cidr_block
                );
                let Ok(cidr) = r.destination_cidr_block.parse::<IpNet>() else {
                    b.report
                        .skip(&shown, "transit gateway route", "its destination is not a CIDR block");
                    continue;
                };
                let target = if r.state == "blackhole" {
                    TgwRouteTarget::Blackhole
                } else {
                    match r.transit_gateway_attachments.first() {
                        Some(a) if kept_atts.contains(&a.transit_gateway_attachment_id) => {
                            TgwRouteTarget::Attachment(b.name(&a.transit_gateway_attachment_id))
                        }
                        Some(a) => {
                            b.report.skip(
                                &shown,
                                "transit gateway route",
                                &format!("its attachment {} is not imported", a.transit_gateway_attachment_id),
                            );
                            continue;
                        }
                        None => {
                            b.report.skip(&shown, "transit gateway route", "it names no attachment");
                            continue;
                        }
                    }
                };
                routes.push(TgwRoute {
                    cidr: cidr.trunc(),
                    target,
                });
            }
            tables.push(TgwRouteTable {
                name: b.name(&rt.transit_gateway_route_table_id),
                routes,
            });
        }
        let o = &t.options;
        let default_rt = o
            .association_default_route_table_id
            .as_ref()
            .filter(|id| b.known(id))
            .map(|id| b.name(id));
        if o.propagation_default_route_table_id.is_some()
            && o.propagation_default_route_table_id != o.association_default_route_table_id
        {
            b.report.approximate(
                &t.transit_gateway_id,
                "transit gateway",
                "its default association and propagation route tables differ; vpcd keeps the association default (imported attachments keep their own associations and propagations)",
            );
        }
        b.d.transit_gateways.push(TransitGateway {
            name: b.name(&t.transit_gateway_id),
            description: None,
            asn: o.amazon_side_asn.and_then(|a| u32::try_from(a).ok()).unwrap_or(64512),
            default_association: o.default_route_table_association.as_deref() != Some("disable"),
            default_propagation: o.default_route_table_propagation.as_deref() != Some("disable"),
            default_route_table: default_rt,
            sg_referencing: o.security_group_referencing_support.as_deref() == Some("enable"),
            route_tables: tables,
            attachments: by_tgw.remove(t.transit_gateway_id.as_str()).unwrap_or_default(),
        });
    }
}

/// On-premises networks behind each customer gateway, from what the dump
/// shows of them: a static VPN's routes, and the routes a BGP VPN propagates
/// into VPC route tables (origin `EnableVgwRoutePropagation`). vpcd needs them
/// to trace to `onprem:NAME`; AWS itself only knows the prefixes.
fn onprem_networks(b: &mut Builder<'_>) {
    let m = b.m;
    let mut propagated: HashMap<&str, BTreeSet<Ipv4Net>> = HashMap::new();
    for rt in &m.route_tables {
        for r in &rt.routes {
            if r.origin.as_deref() != Some("EnableVgwRoutePropagation") {
                continue;
            }
            if let (Some(g), Some(c)) = (r.gateway_id.as_deref(), r.destination_cidr_block.as_deref()) {
                if let Ok(c) = c.parse::<Ipv4Net>() {
                    propagated.entry(g).or_default().insert(c.trunc());
                }
            }
        }
    }
    // Networks vpcd exported itself carry their names and prefixes in a tag.
    let mut tagged: BTreeSet<String> = BTreeSet::new();
    let tagged_sources = m
        .customer_gateways
        .iter()
        .map(|g| (&g.customer_gateway_id, &g.tags, true))
        .chain(m.dx_connections.iter().map(|c| (&c.connection_id, &c.tags, false)));
    for (id, tags, is_cgw) in tagged_sources {
        let Some(tag) = tags.iter().find(|t| t.key == super::super::export::ONPREM_TAG) else {
            continue;
        };
        if !b.known(id) {
            continue;
        }
        tagged.insert(id.clone());
        for part in tag.value.split(';') {
            let Some((name, cidrs)) = part.split_once('=') else {
                continue;
            };
            let cidrs: Vec<Ipv4Net> = cidrs.split(',').filter_map(|c| c.trim().parse().ok()).collect();
            // One network reached both by VPN and Direct Connect is tagged on both.
            if let Some(n) = b.d.onprem_networks.iter_mut().find(|n| n.name == name.trim()) {
                let link = b.names.get(id.as_str()).cloned();
                if is_cgw {
                    n.customer_gateway = link;
                } else {
                    n.dx_connection = link;
                }
                continue;
            }
            let name = b.fresh(name.trim());
            b.d.onprem_networks.push(OnPremNetwork {
                name,
                description: None,
                cidrs,
                customer_gateway: is_cgw.then(|| b.name(id)),
                dx_connection: (!is_cgw).then(|| b.name(id)),
            });
        }
    }
    let mut per_cgw: BTreeMap<String, BTreeSet<Ipv4Net>> = BTreeMap::new();
    for v in &m.vpn_connections {
        if !b.known(&v.vpn_connection_id) || !b.known(&v.customer_gateway_id) || tagged.contains(&v.customer_gateway_id)
        {
            continue;
        }
        let set = per_cgw.entry(b.name(&v.customer_gateway_id)).or_default();
        let static_only = v.options.as_ref().and_then(|o| o.static_routes_only).unwrap_or(false);
        if static_only {
            set.extend(
                v.routes
                    .iter()
                    .filter_map(|r| r.destination_cidr_block.parse::<Ipv4Net>().ok()),
            );
        } else if let Some(g) = &v.vpn_gateway_id {
            set.extend(propagated.get(g.as_str()).into_iter().flatten().copied());
        }
    }
    for (cgw, cidrs) in per_cgw {
        // A customer gateway at an instance's Elastic IP is a software VPN
        // appliance (the transit VPC pattern): what its VPN carries is the
        // appliance's routes (other VPCs), not networks on premises.
        if let Some(i) = b.d.customer_gateway_instance(&cgw) {
            let i = i.name.clone();
            b.report.approximate(
                &cgw,
                "customer gateway",
                &format!("its address is the Elastic IP of instance {i}: a software VPN appliance, whose routes are its own tunnels', not on-premises networks"),
            );
            continue;
        }
        if cidrs.is_empty() {
            b.report.approximate(
                &cgw,
                "customer gateway",
                "the dump shows no prefixes behind it (BGP routes are learned at run time); add an on-prem network to trace to it",
            );
            continue;
        }
        let name = b.fresh(&format!("{cgw}-onprem"));
        b.report.approximate(
            &name,
            "on-prem network",
            &format!("inferred behind customer gateway {cgw} from the VPN's routes"),
        );
        b.d.onprem_networks.push(OnPremNetwork {
            name,
            description: Some("on-premises prefixes the VPN's routes show".into()),
            cidrs: cidrs.into_iter().collect(),
            customer_gateway: Some(cgw),
            dx_connection: None,
        });
    }
}
