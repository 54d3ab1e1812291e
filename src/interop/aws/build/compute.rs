//! Instances with all their network interfaces, the interfaces AWS services
//! own (databases, functions, file systems, …) and elbv2 load balancers.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use super::super::json::{self, name_tag};
use super::Builder;
use crate::model::*;

/// Running (and starting) instances carry traffic; stopped, stopping,
/// shutting-down and terminated ones do not and are skipped.
pub(crate) fn instance_runs(i: &json::Instance) -> bool {
    matches!(i.state.name.as_str(), "running" | "pending" | "")
}

fn primary_eni(i: &json::Instance) -> Option<&json::NetworkInterface> {
    i.network_interfaces
        .iter()
        .find(|e| e.attachment.as_ref().and_then(|a| a.device_index) == Some(0))
        .or_else(|| {
            i.network_interfaces
                .iter()
                .find(|e| e.private_ip_address.is_some() && e.private_ip_address == i.private_ip_address)
        })
}

fn ip(s: Option<&str>) -> Option<Ipv4Addr> {
    s.and_then(|s| s.parse().ok())
}

pub(super) fn build(b: &mut Builder<'_>) {
    instances(b);
    service_interfaces(b);
    load_balancers(b);
}

fn instances(b: &mut Builder<'_>) {
    let m = b.m;
    // Elastic IPs by the ENI or instance they are associated with.
    let mut eip_of: HashMap<&str, &str> = HashMap::new();
    for a in &m.addresses {
        let Some(id) = a.allocation_id.as_deref() else { continue };
        if let Some(e) = a.network_interface_id.as_deref() {
            eip_of.insert(e, id);
        }
        if let Some(i) = a.instance_id.as_deref() {
            eip_of.entry(i).or_insert(id);
        }
    }
    // describe-network-interfaces holds details describe-instances may lack.
    let enis: HashMap<&str, &json::NetworkInterface> = m
        .network_interfaces
        .iter()
        .map(|e| (e.network_interface_id.as_str(), e))
        .collect();
    for i in &m.instances {
        if !instance_runs(i) {
            b.report.skip(
                &i.instance_id,
                "instance",
                &format!("it is {}; only running instances carry traffic", i.state.name),
            );
            continue;
        }
        let primary = primary_eni(i);
        let Some(subnet) = i.subnet_id.clone().or_else(|| primary.map(|e| e.subnet_id.clone())) else {
            b.report
                .skip(&i.instance_id, "instance", "it is in no subnet (EC2-Classic)");
            continue;
        };
        let sgs: Vec<String> = match primary {
            Some(e) if !e.groups.is_empty() => e.groups.iter().map(|g| b.name(&g.group_id)).collect(),
            _ => i.security_groups.iter().map(|g| b.name(&g.group_id)).collect(),
        };
        let eip = primary
            .and_then(|e| eip_of.get(e.network_interface_id.as_str()))
            .or_else(|| eip_of.get(i.instance_id.as_str()))
            .filter(|id| b.known(id))
            .map(|id| b.name(id));
        let public = primary
            .and_then(|e| e.association.as_ref())
            .and_then(|a| a.public_ip.clone())
            .or_else(|| i.public_ip_address.clone());
        let mut secondary_ips = 0;
        let mut secondary = Vec::new();
        for e in &i.network_interfaces {
            let full = enis.get(e.network_interface_id.as_str()).copied().unwrap_or(e);
            secondary_ips += full.private_ip_addresses.iter().filter(|p| !p.primary).count();
            if primary.is_some_and(|p| p.network_interface_id == e.network_interface_id) {
                continue;
            }
            if eip_of.contains_key(e.network_interface_id.as_str()) {
                b.report.approximate(
                    &e.network_interface_id,
                    "network interface",
                    "it holds an Elastic IP; vpcd models public addresses on an instance's primary interface only",
                );
            }
            let name = match b.names.get(&e.network_interface_id) {
                Some(n) => n.clone(),
                None => {
                    let tag = name_tag(&full.tag_set).or_else(|| name_tag(&full.tags));
                    let base = tag
                        .filter(|t| crate::edit::valid_name(t))
                        .unwrap_or(&e.network_interface_id);
                    let n = b.fresh(&super::sanitize(base));
                    b.names.insert(e.network_interface_id.clone(), n.clone());
                    b.d.aws_ids.insert(e.network_interface_id.clone(), n.clone());
                    n
                }
            };
            secondary.push(NetworkInterface {
                owner: None,
                name,
                subnet: b.name(&full.subnet_id),
                private_ip: ip(full.private_ip_address.as_deref()),
                security_groups: full.groups.iter().map(|g| b.name(&g.group_id)).collect(),
                source_dest_check: full.source_dest_check.unwrap_or(true),
            });
        }
        if secondary_ips > 0 {
            b.report.approximate(
                &i.instance_id,
                "instance",
                &format!("{secondary_ips} secondary private address(es) are not modelled; traces use each interface's primary address"),
            );
        }
        if let Some(e) = primary {
            // The primary interface's id stands for the instance.
            let n = b.name(&i.instance_id);
            b.names.insert(e.network_interface_id.clone(), n.clone());
            b.d.aws_ids.insert(e.network_interface_id.clone(), n);
        }
        let windows = i.platform.as_deref().is_some_and(|p| p.eq_ignore_ascii_case("windows"));
        b.d.instances.push(Instance {
            owner: None,
            name: b.name(&i.instance_id),
            description: i.instance_type.clone(),
            role: InstanceRole::Other,
            os: if windows { OsFamily::Windows } else { OsFamily::Linux },
            subnet: b.name(&subnet),
            private_ip: ip(i.private_ip_address.as_deref())
                .or_else(|| primary.and_then(|e| ip(e.private_ip_address.as_deref()))),
            public_ip: if eip.is_some() { None } else { Some(public.is_some()) },
            elastic_ip: eip,
            ipv6: primary
                .and_then(|e| e.ipv6_addresses.first())
                .and_then(|a| a.ipv6_address.parse().ok())
                .or_else(|| i.ipv6_address.as_deref().and_then(|a| a.parse().ok())),
            security_groups: sgs,
            source_dest_check: primary
                .and_then(|e| e.source_dest_check)
                .or(i.source_dest_check)
                .unwrap_or(true),
            secondary_interfaces: secondary,
        });
    }
}

/// What owns an ENI that is not an instance's, from its type and description
/// (EC2 User Guide, "Requester-managed network interfaces").
fn owner_of(e: &json::NetworkInterface) -> Owner {
    let t = e.interface_type.as_deref().unwrap_or("interface");
    let desc = e.description.as_deref().unwrap_or("");
    match t {
        "nat_gateway" => Owner::Covered,
        "vpc_endpoint" | "gateway_load_balancer_endpoint" => Owner::Covered,
        "transit_gateway" => Owner::Covered,
        "network_load_balancer" | "gateway_load_balancer" => Owner::Covered,
        _ if desc.starts_with("Interface for NAT Gateway") => Owner::Covered,
        _ if desc.starts_with("VPC Endpoint Interface") => Owner::Covered,
        _ if desc.starts_with("Network Interface for Transit Gateway Attachment") => Owner::Covered,
        _ if desc.starts_with("ELB ") => Owner::Covered,
        "lambda" => Owner::Service("Lambda function"),
        "efs" => Owner::Service("EFS mount target"),
        _ if desc == "RDSNetworkInterface" => Owner::Service("RDS database"),
        _ if desc.starts_with("ES ") || desc.contains("Elasticsearch") || desc.contains("OpenSearch") => {
            Owner::Service("OpenSearch domain")
        }
        _ if desc.starts_with("AWS Lambda VPC ENI") => Owner::Service("Lambda function"),
        _ if e.requester_managed => Owner::Service("AWS service"),
        _ => Owner::Unattached,
    }
}

enum Owner {
    /// Modelled by another object (its NAT gateway, endpoint, …).
    Covered,
    /// An AWS service's interface: modelled as a host with its security groups.
    Service(&'static str),
    /// A customer's ENI not attached to a running instance.
    Unattached,
}

fn service_interfaces(b: &mut Builder<'_>) {
    let m = b.m;
    let on_instances: HashSet<&str> = m
        .instances
        .iter()
        .flat_map(|i| i.network_interfaces.iter().map(|e| e.network_interface_id.as_str()))
        .collect();
    for e in &m.network_interfaces {
        if on_instances.contains(e.network_interface_id.as_str()) {
            continue;
        }
        if let Some(inst) = e.attachment.as_ref().and_then(|a| a.instance_id.as_deref()) {
            if !b.known(inst) {
                b.report.skip(
                    &e.network_interface_id,
                    "network interface",
                    &format!("it belongs to instance {inst}, which is not running or not in the dump"),
                );
            }
            continue;
        }
        match owner_of(e) {
            Owner::Covered => {}
            Owner::Unattached => {
                b.report.skip(
                    &e.network_interface_id,
                    "network interface",
                    "it is not attached to anything, so it carries no traffic",
                );
            }
            Owner::Service(what) => {
                let tag = name_tag(&e.tag_set).or_else(|| name_tag(&e.tags));
                let name = b.fresh(&super::sanitize(
                    tag.filter(|t| crate::edit::valid_name(t))
                        .unwrap_or(&e.network_interface_id),
                ));
                b.names.insert(e.network_interface_id.clone(), name.clone());
                b.d.aws_ids.insert(e.network_interface_id.clone(), name.clone());
                b.report.approximate(
                    &e.network_interface_id,
                    "network interface",
                    &format!("the interface of an {what} is modelled as an instance `{name}` with its security groups, so traces to it work"),
                );
                b.d.instances.push(Instance {
                    owner: None,
                    name,
                    description: Some(format!(
                        "{what} interface{}",
                        e.description.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
                    )),
                    role: if what.starts_with("RDS") {
                        InstanceRole::Db
                    } else {
                        InstanceRole::Other
                    },
                    os: OsFamily::Linux,
                    subnet: b.name(&e.subnet_id),
                    private_ip: ip(e.private_ip_address.as_deref()),
                    public_ip: Some(e.association.as_ref().is_some_and(|a| a.public_ip.is_some())),
                    elastic_ip: None,
                    ipv6: e.ipv6_addresses.first().and_then(|a| a.ipv6_address.parse().ok()),
                    security_groups: e.groups.iter().map(|g| b.name(&g.group_id)).collect(),
                    source_dest_check: e.source_dest_check.unwrap_or(true),
                    secondary_interfaces: Vec::new(),
                });
            }
        }
    }
}

fn listener_proto(p: &str) -> Option<Protocol> {
    match p {
        "TCP" | "TLS" | "HTTP" | "HTTPS" => Some(Protocol::Tcp),
        "UDP" => Some(Protocol::Udp),
        _ => None,
    }
}

fn load_balancers(b: &mut Builder<'_>) {
    let m = b.m;
    // Instance by its primary private address, for targets registered by IP.
    let by_ip: HashMap<Ipv4Addr, String> =
        b.d.instances
            .iter()
            .filter_map(|i| i.private_ip.map(|ip| (ip, i.name.clone())))
            .collect();
    let groups: HashMap<&str, &json::TargetGroup> = m
        .target_groups
        .iter()
        .map(|t| (t.target_group_arn.as_str(), t))
        .collect();
    let health: HashMap<&str, &json::LoadBalancerTargetHealth> = m
        .target_health
        .iter()
        .map(|t| (t.target_group_arn.as_str(), t))
        .collect();
    let attributes: HashMap<&str, &json::LoadBalancerAttributes> = m
        .lb_attributes
        .iter()
        .map(|a| (a.load_balancer_arn.as_str(), a))
        .collect();
    for lb in &m.load_balancers {
        let id = lb.load_balancer_arn.clone();
        let kind = match lb.r#type.as_str() {
            "application" => LoadBalancerKind::Application,
            "network" => LoadBalancerKind::Network,
            "gateway" => LoadBalancerKind::Gateway,
            other => {
                b.report.skip(
                    &lb.load_balancer_name,
                    "load balancer",
                    &format!("{other} load balancers are not modelled"),
                );
                continue;
            }
        };
        if let Some(st) = lb.state.as_ref().filter(|s| s.code == "failed") {
            b.report.skip(
                &lb.load_balancer_name,
                "load balancer",
                &format!("its state is {}", st.code),
            );
            continue;
        }
        let mut listeners = Vec::new();
        let mut targets: Vec<String> = Vec::new();
        for l in m.listeners.iter().filter(|l| l.load_balancer_arn == id) {
            let shown = format!("{} listener {} {}", lb.load_balancer_name, l.protocol, l.port);
            // A TCP_UDP listener is modelled as two listeners, one per protocol.
            // A Gateway Load Balancer's one listener takes every packet (GENEVE to the
            // targets, UDP 6081): only its targets are kept, it has no port to model.
            let geneve = kind == LoadBalancerKind::Gateway;
            let proto = match listener_proto(&l.protocol) {
                Some(p) => p,
                None if geneve => Protocol::Udp,
                None if l.protocol == "TCP_UDP" => Protocol::Tcp,
                None => {
                    b.report
                        .skip(&shown, "listener", &format!("protocol {} is not modelled", l.protocol));
                    continue;
                }
            };
            let port = u16::try_from(l.port).unwrap_or(if geneve { 6081 } else { 0 });
            if port == 0 {
                continue;
            }
            let tg_arns: Vec<&str> = l
                .default_actions
                .iter()
                .filter(|a| a.r#type == "forward")
                .flat_map(|a| {
                    a.target_group_arn.iter().map(String::as_str).chain(
                        a.forward_config
                            .iter()
                            .flat_map(|f| f.target_groups.iter().map(|t| t.target_group_arn.as_str())),
                    )
                })
                .collect();
            if tg_arns.is_empty() {
                b.report.approximate(
                    &shown,
                    "listener",
                    "it does not forward (redirect or fixed response): it answers itself, which vpcd shows as reaching the load balancer",
                );
            }
            let mut target_port = port;
            for arn in &tg_arns {
                let Some(tg) = groups.get(arn) else {
                    b.report.approximate(
                        &shown,
                        "listener",
                        &format!("its target group {arn} is not in the dump (describe-target-groups)"),
                    );
                    continue;
                };
                if let Some(p) = tg.port.and_then(|p| u16::try_from(p).ok()) {
                    target_port = p;
                }
                let Some(h) = health.get(arn) else {
                    b.report.approximate(
                        &shown,
                        "listener",
                        &format!(
                            "the targets of {} are not in the dump (describe-target-health)",
                            tg.target_group_name
                        ),
                    );
                    continue;
                };
                for t in &h.target_health_descriptions {
                    // A target registered with its own port overrides the group's port.
                    if let Some(p) = t.target.port.and_then(|p| u16::try_from(p).ok()) {
                        target_port = p;
                    }
                    let name = if b.known(&t.target.id) && t.target.id.starts_with("i-") {
                        Some(b.name(&t.target.id))
                    } else {
                        t.target
                            .id
                            .parse::<Ipv4Addr>()
                            .ok()
                            .and_then(|ip| by_ip.get(&ip).cloned())
                    };
                    match name {
                        Some(n) => {
                            if !targets.contains(&n) {
                                targets.push(n);
                            }
                        }
                        None => b.report.approximate(
                            &shown,
                            "load balancer target",
                            &format!(
                                "target {} is not an instance in this import (an IP outside the VPC, a Lambda function or a stopped instance)",
                                t.target.id
                            ),
                        ),
                    }
                }
            }
            if geneve {
                continue;
            }
            listeners.push(Listener {
                proto,
                port,
                target_port,
            });
            if l.protocol == "TCP_UDP" {
                listeners.push(Listener {
                    proto: Protocol::Udp,
                    port,
                    target_port,
                });
            }
        }
        b.d.load_balancers.push(LoadBalancer {
            name: b.name(&id),
            description: lb.dns_name.clone(),
            kind,
            scheme: if lb.scheme == "internal" {
                LoadBalancerScheme::Internal
            } else {
                LoadBalancerScheme::InternetFacing
            },
            subnets: lb.availability_zones.iter().map(|z| b.name(&z.subnet_id)).collect(),
            security_groups: lb.security_groups.iter().map(|g| b.name(g)).collect(),
            listeners,
            targets,
            // An application load balancer always balances across zones; a
            // network or gateway one only with the attribute on (off by default).
            cross_zone: kind != LoadBalancerKind::Application
                && attributes
                    .get(lb.load_balancer_arn.as_str())
                    .and_then(|a| a.cross_zone())
                    .unwrap_or(false),
        });
    }
}
