//! VPCs, subnets, route tables and routes, internet and egress-only
//! gateways, NAT gateways, Elastic IPs, VPC endpoints, peerings and prefix lists.

use std::collections::{BTreeSet, HashMap};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::super::json;
use super::Builder;
use crate::model::*;

/// Peering states that are imported: `active` carries traffic; a request
/// still pending (or being provisioned) is kept and carries none. Deleted,
/// rejected, failed and expired requests are gone from the account's point of
/// view (VPC Peering Guide, "VPC peering connection lifecycle").
pub(crate) fn peering_kept(code: &str) -> bool {
    matches!(
        code,
        "active" | "pending-acceptance" | "provisioning" | "initiating-request"
    )
}

/// AWS-managed prefix lists are named `com.amazonaws.<region>.<service>`.
pub(crate) fn is_aws_managed_list(name: &str) -> bool {
    name.starts_with("com.amazonaws.")
}

/// `com.amazonaws.us-east-1.s3` → `s3`; `com.amazonaws.us-east-1.ecr.dkr` → `ecr.dkr`.
pub(crate) fn service_of(service_name: &str, region: &str) -> String {
    let rest = service_name.strip_prefix("com.amazonaws.").unwrap_or(service_name);
    let rest = rest.strip_prefix("vpce.").unwrap_or(rest);
    match rest.strip_prefix(region).and_then(|r| r.strip_prefix('.')) {
        Some(s) => s.to_string(),
        None => {
            // Another Region's or a global service name: keep what follows the Region.
            match rest.split_once('.') {
                Some((first, s)) if super::super::read::is_region(first) => s.to_string(),
                _ => rest.to_string(),
            }
        }
    }
}

fn v4(s: &str) -> Option<Ipv4Net> {
    s.parse::<Ipv4Net>().ok().map(|n| n.trunc())
}

fn v6(s: &str) -> Option<Ipv6Net> {
    s.parse::<Ipv6Net>().ok().map(|n| n.trunc())
}

pub(super) fn build(b: &mut Builder<'_>) {
    prefix_lists(b);
    elastic_ips(b);
    vpcs(b);
    subnets(b);
    route_tables(b);
    gateways(b);
    nat_gateways(b);
    endpoints(b);
    endpoint_services(b);
    peerings(b);
}

fn prefix_lists(b: &mut Builder<'_>) {
    let m = b.m;
    let region = b.d.region.clone();
    let mut entries: HashMap<&str, &json::PrefixList> = HashMap::new();
    for pl in &m.prefix_lists {
        entries.insert(pl.prefix_list_id.as_str(), pl);
    }
    for pl in &m.prefix_lists {
        if !is_aws_managed_list(&pl.prefix_list_name) {
            continue;
        }
        let service = service_of(&pl.prefix_list_name, &region);
        if aws_prefix_list(&service).is_some() {
            // vpcd resolves `s3` and `dynamodb` to their service ranges itself.
            b.names.insert(pl.prefix_list_id.clone(), service.clone());
            b.d.aws_ids.insert(pl.prefix_list_id.clone(), service);
            continue;
        }
        let name = b.fresh(&super::sanitize(&pl.prefix_list_name));
        b.names.insert(pl.prefix_list_id.clone(), name.clone());
        b.d.aws_ids.insert(pl.prefix_list_id.clone(), name.clone());
        let cidrs: Vec<IpNet> = pl.cidrs.iter().filter_map(|c| c.parse::<IpNet>().ok()).collect();
        b.d.prefix_lists.push(PrefixList {
            name,
            description: Some(format!("AWS-managed prefix list {}", pl.prefix_list_name)),
            max_entries: cidrs.len().clamp(1, u16::MAX as usize) as u16,
            entries: cidrs,
        });
    }
    for pl in &m.managed_prefix_lists {
        if is_aws_managed_list(&pl.prefix_list_name) || !b.known(&pl.prefix_list_id) {
            continue;
        }
        let name = b.name(&pl.prefix_list_id);
        let cidrs: Vec<IpNet> = entries
            .get(pl.prefix_list_id.as_str())
            .map(|e| e.cidrs.iter().filter_map(|c| c.parse::<IpNet>().ok()).collect())
            .unwrap_or_default();
        if cidrs.is_empty() {
            b.report.approximate(
                &pl.prefix_list_id,
                "prefix list",
                "its entries are not in the dump (get-managed-prefix-list-entries); imported empty",
            );
        }
        let max = pl.max_entries.unwrap_or(cidrs.len() as i64).clamp(1, u16::MAX as i64) as u16;
        b.d.prefix_lists.push(PrefixList {
            name,
            description: (pl.prefix_list_name != b.name(&pl.prefix_list_id)).then(|| pl.prefix_list_name.clone()),
            entries: cidrs,
            max_entries: max,
        });
    }
}

fn elastic_ips(b: &mut Builder<'_>) {
    for a in &b.m.addresses {
        let Some(id) = &a.allocation_id else {
            b.report.skip(
                &a.public_ip,
                "Elastic IP",
                "an EC2-Classic address (no allocation id) does not belong to a VPC",
            );
            continue;
        };
        let Ok(address) = a.public_ip.parse() else {
            b.report
                .skip(id, "Elastic IP", &format!("`{}` is not an IPv4 address", a.public_ip));
            continue;
        };
        b.d.elastic_ips.push(ElasticIp {
            name: b.name(id),
            description: None,
            address,
        });
    }
}

fn vpcs(b: &mut Builder<'_>) {
    let m = b.m;
    let mut main_rt: HashMap<&str, &str> = HashMap::new();
    for rt in &m.route_tables {
        if rt.associations.iter().any(|a| a.main) {
            main_rt.insert(rt.vpc_id.as_str(), rt.route_table_id.as_str());
        }
    }
    let default_acl: HashMap<&str, &str> = m
        .network_acls
        .iter()
        .filter(|a| a.is_default)
        .map(|a| (a.vpc_id.as_str(), a.network_acl_id.as_str()))
        .collect();
    let default_sg: HashMap<&str, &str> = m
        .security_groups
        .iter()
        .filter(|g| g.group_name == "default")
        .map(|g| (g.vpc_id.as_str(), g.group_id.as_str()))
        .collect();
    for v in &m.vpcs {
        let name = b.name(&v.vpc_id);
        let Some(cidr) = v.cidr_block.as_deref().and_then(v4) else {
            b.report
                .skip(&v.vpc_id, "VPC", "it has no IPv4 CIDR block vpcd can read");
            continue;
        };
        let secondary: Vec<Ipv4Net> = v
            .cidr_block_association_set
            .iter()
            .filter(|a| a.is_associated())
            .filter_map(|a| a.cidr_block.as_deref().and_then(v4))
            .filter(|c| *c != cidr)
            .collect();
        let ipv6: Vec<Ipv6Net> = v
            .ipv6_cidr_block_association_set
            .iter()
            .filter(|a| a.is_associated())
            .filter_map(|a| a.ipv6_cidr_block.as_deref().and_then(v6))
            .collect();
        if ipv6.len() > 1 {
            b.report
                .approximate(&v.vpc_id, "VPC", "it has several IPv6 blocks; vpcd models the first");
        }
        let main = match main_rt.get(v.vpc_id.as_str()) {
            Some(id) => b.name(id),
            None => {
                let n = b.fresh(&format!("{name}-main"));
                b.d.route_tables.push(RouteTable::new(n.clone(), name.clone()));
                b.report.approximate(
                    &v.vpc_id,
                    "VPC",
                    "its main route table is not in the dump (describe-route-tables); an empty one stands in",
                );
                n
            }
        };
        let acl = match default_acl.get(v.vpc_id.as_str()) {
            Some(id) => b.name(id),
            None => {
                let n = b.fresh(&format!("{name}-default-acl"));
                b.d.network_acls
                    .push(NetworkAcl::default_for(n.clone(), name.clone(), !ipv6.is_empty()));
                b.report.approximate(
                    &v.vpc_id,
                    "VPC",
                    "its default network ACL is not in the dump (describe-network-acls); AWS's allow-all default stands in",
                );
                n
            }
        };
        let sg = match default_sg.get(v.vpc_id.as_str()) {
            Some(id) => b.name(id),
            None => {
                let n = b.fresh(&format!("{name}-default-sg"));
                b.d.security_groups
                    .push(SecurityGroup::default_for(n.clone(), name.clone()));
                b.report.approximate(
                    &v.vpc_id,
                    "VPC",
                    "its default security group is not in the dump (describe-security-groups); AWS's default stands in",
                );
                n
            }
        };
        b.d.vpcs.push(Vpc {
            owner: None,
            name,
            description: None,
            cidr,
            secondary_cidrs: secondary,
            ipv6_cidr: ipv6.first().copied(),
            tenancy: if v.instance_tenancy.as_deref() == Some("dedicated") {
                Tenancy::Dedicated
            } else {
                Tenancy::Default
            },
            // describe-vpcs does not show the DNS attributes (describe-vpc-attribute
            // does); without it, AWS's defaults: support on, hostnames only in default VPCs.
            dns_support: m.dns.get(&v.vpc_id).and_then(|a| a.0).unwrap_or(true),
            dns_hostnames: m.dns.get(&v.vpc_id).and_then(|a| a.1).unwrap_or(v.is_default),
            main_route_table: main,
            default_network_acl: acl,
            default_security_group: sg,
        });
    }
}

fn subnets(b: &mut Builder<'_>) {
    let m = b.m;
    let mut explicit_rt: HashMap<&str, &str> = HashMap::new();
    for rt in &m.route_tables {
        for a in &rt.associations {
            if let (false, Some(s)) = (a.main, a.subnet_id.as_deref()) {
                explicit_rt.insert(s, rt.route_table_id.as_str());
            }
        }
    }
    let mut acl_of: HashMap<&str, &str> = HashMap::new();
    for acl in &m.network_acls {
        if acl.is_default {
            continue;
        }
        for a in &acl.associations {
            acl_of.insert(a.subnet_id.as_str(), acl.network_acl_id.as_str());
        }
    }
    for s in &m.subnets {
        let Some(cidr) = v4(&s.cidr_block) else {
            b.report.skip(
                &s.subnet_id,
                "subnet",
                &format!("`{}` is not an IPv4 CIDR block", s.cidr_block),
            );
            continue;
        };
        let ipv6 = s
            .ipv6_cidr_block_association_set
            .iter()
            .filter(|a| a.is_associated())
            .find_map(|a| a.ipv6_cidr_block.as_deref().and_then(v6));
        b.d.subnets.push(Subnet {
            name: b.name(&s.subnet_id),
            description: None,
            vpc: b.name(&s.vpc_id),
            az: s.availability_zone.clone(),
            cidr,
            ipv6_cidr: ipv6,
            map_public_ip: s.map_public_ip_on_launch,
            route_table: explicit_rt.get(s.subnet_id.as_str()).map(|id| b.name(id)),
            network_acl: acl_of.get(s.subnet_id.as_str()).map(|id| b.name(id)),
            tier: None,
        });
    }
}

/// Routes that `effective_routes` derives by itself and so are not stored:
/// the local routes, the routes a gateway endpoint adds, and routes
/// propagated from a virtual private gateway (VPC User Guide, "Route tables":
/// route origin `CreateRouteTable`, `EnableVgwRoutePropagation`).
fn derived(r: &json::Route) -> bool {
    r.gateway_id.as_deref() == Some("local")
        || r.origin.as_deref() == Some("CreateRouteTable")
        || r.origin.as_deref() == Some("EnableVgwRoutePropagation")
        || (r.destination_prefix_list_id.is_some() && r.gateway_id.as_deref().is_some_and(|g| g.starts_with("vpce-")))
}

fn route_tables(b: &mut Builder<'_>) {
    let m = b.m;
    // Instance id → the instance's name, ENI id → name of the interface (an
    // instance's primary ENI stands for the instance).
    let mut eni_name: HashMap<String, String> = HashMap::new();
    for i in m.instances.iter().filter(|i| b.known(&i.instance_id)) {
        for e in &i.network_interfaces {
            let primary = e.attachment.as_ref().and_then(|a| a.device_index) == Some(0);
            let n = if primary {
                b.name(&i.instance_id)
            } else {
                b.name(&e.network_interface_id)
            };
            eni_name.insert(e.network_interface_id.clone(), n);
        }
    }
    for rt in &m.route_tables {
        let mut routes = Vec::new();
        for r in &rt.routes {
            if derived(r) {
                continue;
            }
            let shown = format!("{} route {}", rt.route_table_id, r.destination());
            let dest = if let Some(c) = &r.destination_cidr_block {
                c.parse::<IpNet>().ok().map(|n| RouteDestination::Cidr(n.trunc()))
            } else if let Some(c) = &r.destination_ipv6_cidr_block {
                c.parse::<IpNet>().ok().map(|n| RouteDestination::Cidr(n.trunc()))
            } else {
                r.destination_prefix_list_id
                    .as_ref()
                    .map(|p| RouteDestination::PrefixList(b.name(p)))
            };
            let Some(dest) = dest else {
                b.report.skip(
                    &shown,
                    "route",
                    "its destination is not a CIDR block or prefix list vpcd can read",
                );
                continue;
            };
            let target = if let Some(n) = &r.nat_gateway_id {
                RouteTarget::NatGateway(b.name(n))
            } else if let Some(n) = &r.vpc_peering_connection_id {
                RouteTarget::Peering(b.name(n))
            } else if let Some(n) = &r.transit_gateway_id {
                RouteTarget::TransitGateway(b.name(n))
            } else if let Some(n) = &r.egress_only_internet_gateway_id {
                RouteTarget::EgressOnlyGateway(b.name(n))
            } else if let Some(n) = &r.instance_id {
                RouteTarget::Instance(b.name(n))
            } else if let Some(n) = &r.network_interface_id {
                RouteTarget::NetworkInterface(eni_name.get(n).cloned().unwrap_or_else(|| b.name(n)))
            } else if let Some(g) = &r.gateway_id {
                if g.starts_with("igw-") {
                    RouteTarget::InternetGateway(b.name(g))
                } else if g.starts_with("vgw-") {
                    RouteTarget::VpnGateway(b.name(g))
                } else if g.starts_with("vpce-") {
                    // A CIDR routed to an endpoint: a Gateway Load Balancer endpoint
                    // (gateway endpoints' own prefix-list routes are derived above).
                    RouteTarget::GatewayEndpoint(b.name(g))
                } else {
                    b.report.skip(
                        &shown,
                        "route",
                        &format!("its target {g} is a gateway kind vpcd does not model"),
                    );
                    continue;
                }
            } else if r.local_gateway_id.is_some() || r.carrier_gateway_id.is_some() || r.core_network_arn.is_some() {
                b.report.skip(
                    &shown,
                    "route",
                    "it targets an Outposts local gateway, a Wavelength carrier gateway or a Cloud WAN core network, which vpcd does not model",
                );
                continue;
            } else {
                b.report.skip(&shown, "route", "it has no target");
                continue;
            };
            if r.state.as_deref() == Some("blackhole") {
                b.report.approximate(
                    &shown,
                    "route",
                    "AWS shows it as a blackhole (its target is deleted or detached); vpcd keeps it and reports it as a blackhole",
                );
            }
            if routes.iter().any(|x: &Route| x.dest == dest) {
                b.report.skip(&shown, "route", "a second route to the same destination");
                continue;
            }
            routes.push(Route::new(dest, target));
        }
        let propagating: Vec<String> = rt.propagating_vgws.iter().map(|p| b.name(&p.gateway_id)).collect();
        b.d.route_tables.push(RouteTable {
            name: b.name(&rt.route_table_id),
            description: None,
            vpc: b.name(&rt.vpc_id),
            routes,
            propagating_vgws: propagating,
        });
    }
}

fn gateways(b: &mut Builder<'_>) {
    let attached = |a: &json::VpcAttachment| matches!(a.state.as_str(), "available" | "attached" | "attaching");
    for g in &b.m.internet_gateways {
        let vpc = g.attachments.iter().find(|a| attached(a)).map(|a| b.name(&a.vpc_id));
        // A gateway route table associated with the gateway itself (an edge
        // association: VPC guide, "Gateway route tables").
        let edge =
            b.m.route_tables
                .iter()
                .find(|rt| {
                    rt.associations
                        .iter()
                        .any(|a| a.gateway_id.as_deref() == Some(g.internet_gateway_id.as_str()))
                })
                .map(|rt| b.name(&rt.route_table_id));
        b.d.internet_gateways.push(InternetGateway {
            name: b.name(&g.internet_gateway_id),
            description: None,
            vpc,
            edge_route_table: edge,
        });
    }
    for g in &b.m.egress_only_gateways {
        let Some(a) = g.attachments.iter().find(|a| attached(a)) else {
            b.report.skip(
                &g.egress_only_internet_gateway_id,
                "egress-only gateway",
                "it is not attached to a VPC",
            );
            continue;
        };
        b.d.egress_only_gateways.push(EgressOnlyGateway {
            name: b.name(&g.egress_only_internet_gateway_id),
            description: None,
            vpc: b.name(&a.vpc_id),
        });
    }
}

fn nat_gateways(b: &mut Builder<'_>) {
    for n in &b.m.nat_gateways {
        if n.state != "available" {
            b.report.skip(
                &n.nat_gateway_id,
                "NAT gateway",
                &format!("its state is {} (routes to it are blackholes)", n.state),
            );
            continue;
        }
        if n.availability_mode.as_deref().and_then(NatAvailability::from_aws) == Some(NatAvailability::Regional) {
            regional_nat_gateway(b, n);
            continue;
        }
        let primary = n
            .nat_gateway_addresses
            .iter()
            .find(|a| a.is_primary != Some(false))
            .or(n.nat_gateway_addresses.first());
        let private = n.connectivity_type.as_deref() == Some("private");
        let mut eip = None;
        if let Some(a) = primary.filter(|_| !private) {
            match (&a.allocation_id, &a.public_ip) {
                (Some(id), _) if b.known(id) => eip = Some(b.name(id)),
                (Some(id), Some(ip)) => {
                    // The Addresses output is missing; the NAT gateway shows its EIP.
                    if let Ok(address) = ip.parse() {
                        let name = b.fresh(id);
                        b.names.insert(id.clone(), name.clone());
                        b.d.aws_ids.insert(id.clone(), name.clone());
                        b.d.elastic_ips.push(ElasticIp {
                            name: name.clone(),
                            description: None,
                            address,
                        });
                        eip = Some(name);
                    }
                }
                _ => {}
            }
        }
        if n.nat_gateway_addresses.len() > 1 {
            b.report.approximate(
                &n.nat_gateway_id,
                "NAT gateway",
                "it has secondary addresses; vpcd models the primary one",
            );
        }
        b.d.nat_gateways.push(NatGateway {
            name: b.name(&n.nat_gateway_id),
            description: None,
            availability_mode: NatAvailability::Zonal,
            subnet: Some(b.name(&n.subnet_id)),
            vpc: None,
            connectivity: if private {
                NatConnectivity::Private
            } else {
                NatConnectivity::Public
            },
            elastic_ip: eip,
            private_ip: primary
                .and_then(|a| a.private_ip.as_deref())
                .and_then(|ip| ip.parse().ok()),
        });
    }
}

/// A regional NAT gateway (`AvailabilityMode: regional`): in its VPC, in no
/// subnet, public only. In automatic mode (`AutoProvisionZones: enabled`) AWS
/// chooses its addresses in every AZ where the VPC has subnets, which is what
/// vpcd models; in manual mode the AZs and Elastic IPs are the account's
/// choice, which vpcd does not model, so the import says so.
fn regional_nat_gateway(b: &mut Builder<'_>, n: &json::NatGateway) {
    if n.auto_provision_zones.as_deref() == Some("disabled") {
        b.report.approximate(
            &n.nat_gateway_id,
            "NAT gateway",
            "it is a regional NAT gateway in manual mode; vpcd models automatic mode (every AZ of the VPC, addresses chosen by AWS)",
        );
    }
    if n.vpc_id.is_empty() {
        b.report
            .skip(&n.nat_gateway_id, "NAT gateway", "it is regional but names no VPC");
        return;
    }
    b.d.nat_gateways.push(NatGateway {
        name: b.name(&n.nat_gateway_id),
        description: None,
        availability_mode: NatAvailability::Regional,
        subnet: None,
        vpc: Some(b.name(&n.vpc_id)),
        // Kept as given: a private regional NAT gateway is refused, and
        // validation says so (nat-regional-private).
        connectivity: if n.connectivity_type.as_deref() == Some("private") {
            NatConnectivity::Private
        } else {
            NatConnectivity::Public
        },
        elastic_ip: None,
        private_ip: None,
    });
}

fn endpoints(b: &mut Builder<'_>) {
    let m = b.m;
    let region = b.d.region.clone();
    // Gateway endpoints also show as routes (`pl-… → vpce-…`) in each table they serve.
    let mut rts_of: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for rt in &m.route_tables {
        for r in &rt.routes {
            if let Some(g) = r.gateway_id.as_deref().filter(|g| g.starts_with("vpce-")) {
                rts_of.entry(g).or_default().insert(rt.route_table_id.as_str());
            }
        }
    }
    for e in &m.vpc_endpoints {
        // An endpoint naming a service of the dump connects to the design's own service.
        let to_provided = b.provided.get(e.service_name.as_str()).copied();
        if !b.endpoint_kept(e) {
            b.report
                .skip(&e.vpc_endpoint_id, "VPC endpoint", &format!("its state is {}", e.state));
            continue;
        }
        let service = match to_provided {
            Some(id) => b.name(id),
            None => service_of(&e.service_name, &region),
        };
        let kind = if e.vpc_endpoint_type == "GatewayLoadBalancer" {
            // A Gateway Load Balancer endpoint sits in exactly one subnet (VPC guide,
            // "Gateway Load Balancer endpoints").
            let Some(subnet) = e.subnet_ids.first() else {
                b.report.skip(&e.vpc_endpoint_id, "VPC endpoint", "it names no subnet");
                continue;
            };
            EndpointKind::GatewayLoadBalancer { subnet: b.name(subnet) }
        } else if e.vpc_endpoint_type == "Gateway" {
            let mut ids: BTreeSet<&str> = e.route_table_ids.iter().map(String::as_str).collect();
            ids.extend(rts_of.get(e.vpc_endpoint_id.as_str()).into_iter().flatten().copied());
            let ip_address_type = match e.ip_address_type.as_deref() {
                None => EndpointIpAddressType::Ipv4,
                Some(t) => EndpointIpAddressType::from_aws(t).unwrap_or_else(|| {
                    // Gateway endpoints take `ipv4` or `dualstack` (PrivateLink Guide,
                    // "Gateway endpoints"); anything else keeps IPv4 and IPv6 both routed.
                    b.report.approximate(
                        &e.vpc_endpoint_id,
                        "VPC endpoint",
                        &format!("IP address type {t} is modelled as dualstack"),
                    );
                    EndpointIpAddressType::Dualstack
                }),
            };
            EndpointKind::Gateway {
                route_tables: ids.into_iter().map(|id| b.name(id)).collect(),
                policy: e.policy_document.clone(),
                ip_address_type,
            }
        } else {
            EndpointKind::Interface {
                subnets: e.subnet_ids.iter().map(|s| b.name(s)).collect(),
                security_groups: e.groups.iter().map(|g| b.name(&g.group_id)).collect(),
                private_dns: e.private_dns_enabled,
            }
        };
        // An interface endpoint's addresses are those of its network interfaces
        // (DescribeNetworkInterfaces, type `vpc_endpoint`); DescribeVpcEndpoints
        // names the interfaces but not their addresses.
        let addresses = if matches!(kind, EndpointKind::Interface { .. }) {
            e.network_interface_ids
                .iter()
                .filter_map(|id| m.network_interfaces.iter().find(|n| &n.network_interface_id == id))
                .filter_map(|n| {
                    let ipv4 = n.private_ip_address.as_deref()?.parse().ok()?;
                    b.known(&n.subnet_id).then(|| EndpointAddress {
                        subnet: b.name(&n.subnet_id),
                        ipv4,
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        b.d.endpoints.push(Endpoint {
            name: b.name(&e.vpc_endpoint_id),
            description: (to_provided.is_none() && service != e.service_name).then(|| e.service_name.clone()),
            vpc: b.name(&e.vpc_id),
            service,
            kind,
            addresses,
        });
    }
}

/// The endpoint services the dump's account provides, with who may connect
/// and the connections it has seen (`describe-vpc-endpoint-service-configurations`,
/// `-permissions`, `-connections`).
fn endpoint_services(b: &mut Builder<'_>) {
    let m = b.m;
    for s in &m.service_configurations {
        if !super::service_usable(s) {
            b.report.skip(
                &s.service_id,
                "endpoint service",
                &format!("its state is {}", s.service_state.as_deref().unwrap_or("unknown")),
            );
            continue;
        }
        let lbs: Vec<&String> = s
            .network_load_balancer_arns
            .iter()
            .chain(&s.gateway_load_balancer_arns)
            .collect();
        let Some(lb) = lbs.first() else {
            b.report
                .skip(&s.service_id, "endpoint service", "it names no load balancer");
            continue;
        };
        if lbs.len() > 1 {
            b.report.approximate(
                &s.service_id,
                "endpoint service",
                "it has several load balancers; vpcd models the first",
            );
        }
        let mut svc = EndpointService::new(b.name(&s.service_id), b.name(lb));
        svc.acceptance_required = s.acceptance_required;
        svc.private_dns_name = s.private_dns_name.clone();
        // Without a service id, a permissions output belongs to the one service
        // it was asked for: only unambiguous when the dump provides one service.
        let single = m.service_configurations.len() == 1;
        svc.allowed_principals = m
            .allowed_principals
            .iter()
            .filter(|p| match &p.service_id {
                Some(id) => *id == s.service_id,
                None => single,
            })
            .map(|p| p.principal.clone())
            .collect();
        for c in m.endpoint_connections.iter().filter(|c| c.service_id == s.service_id) {
            let state = match c.vpc_endpoint_state.to_ascii_lowercase().as_str() {
                "available" => EndpointConnectionState::Available,
                "rejected" => EndpointConnectionState::Rejected,
                "pendingacceptance" | "pending" => EndpointConnectionState::PendingAcceptance,
                other => {
                    b.report.skip(
                        &c.vpc_endpoint_id,
                        "endpoint connection",
                        &format!("its state is {other}"),
                    );
                    continue;
                }
            };
            // An endpoint owned by the account of its own VPC belongs to the design's
            // account, which the model leaves unset; another account is kept.
            let vpc_owner = m
                .vpc_endpoints
                .iter()
                .find(|e| e.vpc_endpoint_id == c.vpc_endpoint_id)
                .and_then(|e| m.vpcs.iter().find(|v| v.vpc_id == e.vpc_id))
                .and_then(|v| v.owner_id.as_deref());
            let owner = c.vpc_endpoint_owner.clone().filter(|o| Some(o.as_str()) != vpc_owner);
            // Without acceptance, every connection of the design's own account is
            // available by itself: the model records only the others.
            if !svc.acceptance_required && owner.is_none() && state == EndpointConnectionState::Available {
                continue;
            }
            svc.connections.push(EndpointConnection {
                endpoint: b.name(&c.vpc_endpoint_id),
                owner,
                state,
            });
        }
        b.d.endpoint_services.push(svc);
    }
}

fn peerings(b: &mut Builder<'_>) {
    for p in &b.m.peerings {
        let id = &p.vpc_peering_connection_id;
        if !peering_kept(&p.status.code) {
            b.report.skip(
                id,
                "peering",
                &format!("its status is {}; only active peerings carry traffic", p.status.code),
            );
            continue;
        }
        let (r, a) = (&p.requester_vpc_info, &p.accepter_vpc_info);
        let missing: Vec<String> = [r, a]
            .iter()
            .filter(|i| !b.known(&i.vpc_id))
            .map(|i| {
                let wher = [i.owner_id.as_deref().map(|o| format!("account {o}")), i.region.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                if wher.is_empty() {
                    i.vpc_id.clone()
                } else {
                    format!("{} ({wher})", i.vpc_id)
                }
            })
            .collect();
        if !missing.is_empty() {
            b.report.skip(
                id,
                "peering",
                &format!(
                    "the peer VPC {} is not in this import (import that account or Region too); routes to it are blackholes here",
                    missing.join(" and ")
                ),
            );
            continue;
        }
        let status = match p.status.code.as_str() {
            "active" => PeeringStatus::Active,
            _ => PeeringStatus::PendingAcceptance,
        };
        b.d.peerings.push(Peering {
            name: b.name(id),
            description: None,
            requester: b.name(&r.vpc_id),
            accepter: b.name(&a.vpc_id),
            status,
            cross_account: matches!((&r.owner_id, &a.owner_id), (Some(x), Some(y)) if x != y),
            cross_region: matches!((&r.region, &a.region), (Some(x), Some(y)) if x != y),
        });
    }
}

/// Design-wide facts set once every object exists: the availability zones.
pub(super) fn finish(b: &mut Builder<'_>) {
    let mut azs: BTreeSet<String> = b.d.subnets.iter().map(|s| s.az.clone()).collect();
    if azs.is_empty() {
        azs.extend(
            b.m.availability_zones
                .iter()
                .filter(|z| super::super::read::region_of_az(&z.zone_name).as_deref() == Some(b.d.region.as_str()))
                .map(|z| z.zone_name.clone()),
        );
    }
    b.d.azs = azs.into_iter().collect();
}
