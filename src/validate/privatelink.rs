//! PrivateLink endpoint services and Gateway Load Balancer endpoints: the
//! load balancer behind a service, the endpoint types it admits, the AZs it
//! serves, who may connect and whether the provider accepted; internet
//! gateways' edge route tables (ingress routing).

use crate::model::*;

use super::context::{oref, sub_path, ValidationPass};

/// The load balancer behind endpoint service `s`, if it exists.
fn service_lb<'d>(d: &'d Design, s: &EndpointService) -> Option<&'d LoadBalancer> {
    d.load_balancers.iter().find(|l| l.name == s.load_balancer)
}

/// The AZs load balancer `lb` has nodes in: the AZs its endpoint service is offered in.
fn lb_azs<'d>(d: &'d Design, lb: &LoadBalancer) -> Vec<&'d str> {
    lb.subnets
        .iter()
        .filter_map(|s| d.subnets.iter().find(|x| &x.name == s))
        .map(|s| s.az.as_str())
        .collect()
}

pub(super) fn endpoint_services(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for s in &d.endpoint_services {
        let r = oref(ObjectKind::EndpointService, &s.name);
        // CreateVpcEndpointServiceConfiguration takes NetworkLoadBalancerArns or
        // GatewayLoadBalancerArns; an Application Load Balancer is refused.
        if let Some(lb) = service_lb(d, s) {
            if lb.kind == LoadBalancerKind::Application {
                cx.on(
                    "endpoint-service-load-balancer",
                    &r,
                    format!("{} is an Application Load Balancer; an endpoint service needs a Network or Gateway Load Balancer", lb.name),
                    "put a Network Load Balancer in front (an NLB can target an ALB)",
                );
            }
        }
        if d.endpoint_services
            .iter()
            .filter(|o| o.load_balancer == s.load_balancer)
            .count()
            > 1
        {
            cx.on(
                "endpoint-service-load-balancer",
                &r,
                format!("{} fronts more than one endpoint service", s.load_balancer),
                "a load balancer can belong to one endpoint service only",
            );
        }
        for c in &s.connections {
            if !d.endpoints.iter().any(|e| e.name == c.endpoint && e.service == s.name) {
                cx.emit(
                    "endpoint-service-connection-unknown",
                    &r,
                    sub_path(&r, format!("connection {}", c.endpoint)),
                    format!(
                        "{} records a connection from {}, which is not an endpoint to it",
                        s.name, c.endpoint
                    ),
                    "remove the connection, or point the endpoint at this service".into(),
                );
            }
        }
    }
    for ep in &d.endpoints {
        let Some(s) = d.endpoint_services.iter().find(|s| s.name == ep.service) else {
            if matches!(ep.kind, EndpointKind::GatewayLoadBalancer { .. }) {
                let r = oref(ObjectKind::Endpoint, &ep.name);
                cx.on(
                    "endpoint-service-type",
                    &r,
                    format!(
                        "{} is a Gateway Load Balancer endpoint but {} is not an endpoint service of the design",
                        ep.name, ep.service
                    ),
                    "choose an endpoint service backed by a Gateway Load Balancer",
                );
            }
            continue;
        };
        let r = oref(ObjectKind::Endpoint, &ep.name);
        let Some(lb) = service_lb(d, s) else { continue };
        let wants = match &ep.kind {
            EndpointKind::Interface { .. } => LoadBalancerKind::Network,
            EndpointKind::GatewayLoadBalancer { .. } => LoadBalancerKind::Gateway,
            EndpointKind::Gateway { .. } => LoadBalancerKind::Application,
        };
        if lb.kind != wants {
            let kind = match lb.kind {
                LoadBalancerKind::Gateway => "a Gateway Load Balancer (use a Gateway Load Balancer endpoint)",
                LoadBalancerKind::Network => "a Network Load Balancer (use an interface endpoint)",
                LoadBalancerKind::Application => "an Application Load Balancer",
            };
            cx.on(
                "endpoint-service-type",
                &r,
                format!(
                    "{} is backed by {kind}; {} is of another endpoint type",
                    s.name, ep.name
                ),
                "match the endpoint type to the service's load balancer",
            );
        }
        // The service is offered only in its load balancer's AZs (PrivateLink guide,
        // "Availability Zones"); CreateVpcEndpoint refuses a subnet elsewhere.
        let azs = lb_azs(d, lb);
        let subnets: Vec<&String> = match &ep.kind {
            EndpointKind::Interface { subnets, .. } => subnets.iter().collect(),
            EndpointKind::GatewayLoadBalancer { subnet } => vec![subnet],
            EndpointKind::Gateway { .. } => Vec::new(),
        };
        for sn in subnets {
            let Some(sub) = d.subnets.iter().find(|x| &x.name == sn) else {
                continue;
            };
            if !azs.contains(&sub.az.as_str()) {
                cx.emit(
                    "endpoint-service-az",
                    &r,
                    sub_path(&r, format!("subnet {sn}")),
                    format!(
                        "{} is not offered in {} ({sn}): {} has no subnet there",
                        s.name, sub.az, lb.name
                    ),
                    format!(
                        "choose a subnet in {}, or enable {} on {}",
                        azs.join(", "),
                        sub.az,
                        lb.name
                    ),
                );
            }
        }
        let account = s.consumer_account(&ep.name);
        if !s.principal_allowed(account) {
            cx.on(
                "endpoint-service-principal",
                &r,
                format!(
                    "{}'s account {} is not an allowed principal of {}",
                    ep.name,
                    account.unwrap_or("?"),
                    s.name
                ),
                format!(
                    "add arn:aws:iam::{}:root to the allowed principals of {}",
                    account.unwrap_or("ACCOUNT"),
                    s.name
                ),
            );
        }
        let state = s.connection_state(&ep.name);
        if state != EndpointConnectionState::Available {
            cx.on(
                "endpoint-service-not-accepted",
                &r,
                format!(
                    "the connection of {} to {} is {}: no traffic flows",
                    ep.name,
                    s.name,
                    state.aws()
                ),
                format!("accept {} on {}", ep.name, s.name),
            );
        }
    }
    for ep in &d.endpoints {
        let EndpointKind::GatewayLoadBalancer { subnet } = &ep.kind else {
            continue;
        };
        let r = oref(ObjectKind::Endpoint, &ep.name);
        if let Some(sub) = d.subnets.iter().find(|x| &x.name == subnet) {
            if sub.vpc != ep.vpc {
                cx.on(
                    "endpoint-subnet-other-vpc",
                    &r,
                    format!("subnet {subnet} belongs to {}, the endpoint to {}", sub.vpc, ep.vpc),
                    format!("choose a subnet of {}", ep.vpc),
                );
            }
        }
    }
}

/// An internet gateway's edge route table belongs to the gateway's VPC, and its
/// routes may target only `local`, a Gateway Load Balancer endpoint or a network
/// interface (VPC User Guide, "Gateway route tables").
pub(super) fn edge_route_tables(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for g in &d.internet_gateways {
        let Some(rt_name) = &g.edge_route_table else { continue };
        let r = oref(ObjectKind::InternetGateway, &g.name);
        let Some(rt) = d.route_tables.iter().find(|t| &t.name == rt_name) else {
            continue;
        };
        if g.vpc.as_deref() != Some(rt.vpc.as_str()) {
            cx.on(
                "igw-edge-route-table",
                &r,
                format!(
                    "edge route table {rt_name} belongs to {}, not to {}'s VPC",
                    rt.vpc, g.name
                ),
                "associate a route table of the gateway's VPC",
            );
        }
        for route in &rt.routes {
            let ok = match &route.target {
                RouteTarget::Local | RouteTarget::NetworkInterface(_) | RouteTarget::Instance(_) => true,
                RouteTarget::GatewayEndpoint(e) => d.is_gwlb_endpoint(e),
                _ => false,
            };
            if !ok {
                cx.emit(
                    "igw-edge-route-table",
                    &r,
                    sub_path(&r, format!("route {}", route.dest)),
                    format!(
                        "{rt_name} is {}'s edge route table; its route to {} is not allowed there",
                        g.name, route.target
                    ),
                    "a gateway route table targets local, a Gateway Load Balancer endpoint or a network interface"
                        .into(),
                );
            }
        }
    }
}
