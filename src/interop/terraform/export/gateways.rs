//! Internet and egress-only gateways, Elastic IPs, NAT gateways, VPC
//! endpoints and endpoint services (PrivateLink and Gateway Load Balancer).

use super::{name_tag, with_description, Exporter, PLANNED_TAG};
use crate::interop::terraform::write::{Block, Expr};
use crate::model::*;

impl Exporter<'_> {
    pub(super) fn gateways(&mut self) {
        for g in &self.d.internet_gateways {
            let mut b = Block::resource("aws_internet_gateway", &self.l.of(&g.name));
            b.attr_opt("vpc_id", g.vpc.as_ref().map(|v| self.vpc_id(v)));
            b.tags(with_description(name_tag(&g.name), &g.description));
            self.blocks.push(b);
            // A gateway route table: associated with the gateway itself (ingress routing).
            if let Some(rt) = &g.edge_route_table {
                let label = format!("{}_edge", self.l.of(&g.name));
                let mut b = Block::resource("aws_route_table_association", &label);
                b.attr("gateway_id", self.id("aws_internet_gateway", &g.name))
                    .attr("route_table_id", self.rt_id(rt));
                self.blocks.push(b);
            }
        }
        for g in &self.d.egress_only_gateways {
            let mut b = Block::resource("aws_egress_only_internet_gateway", &self.l.of(&g.name));
            b.attr("vpc_id", self.vpc_id(&g.vpc));
            b.tags(with_description(name_tag(&g.name), &g.description));
            self.blocks.push(b);
        }
        for e in &self.d.elastic_ips {
            let mut b = Block::resource("aws_eip", &self.l.of(&e.name));
            b.attr("domain", Expr::s("vpc"));
            let mut tags = with_description(name_tag(&e.name), &e.description);
            // AWS picks the address from its pool (EC2 User Guide, "Elastic IP addresses").
            tags.push((PLANNED_TAG.into(), Expr::s(e.address.to_string())));
            b.tags(tags);
            self.blocks.push(b);
        }
        for n in &self.d.nat_gateways {
            let mut b = Block::resource("aws_nat_gateway", &self.l.of(&n.name));
            // A regional NAT gateway: `availability_mode = "regional"` with `vpc_id`,
            // no subnet and no `availability_zone_address` (automatic mode) —
            // Terraform AWS provider, `aws_nat_gateway`.
            if n.is_regional() {
                b.attr("availability_mode", Expr::s("regional"));
                if let Some(v) = &n.vpc {
                    b.attr("vpc_id", self.id("aws_vpc", v));
                }
                b.tags(with_description(name_tag(&n.name), &n.description));
                self.blocks.push(b);
                continue;
            }
            let Some(subnet) = &n.subnet else { continue };
            b.attr("subnet_id", self.id("aws_subnet", subnet));
            match n.connectivity {
                NatConnectivity::Public => {
                    b.attr_opt("allocation_id", n.elastic_ip.as_ref().map(|e| self.id("aws_eip", e)));
                }
                NatConnectivity::Private => {
                    b.attr("connectivity_type", Expr::s("private"));
                }
            }
            b.attr_opt("private_ip", n.private_ip.map(|ip| Expr::s(ip.to_string())));
            b.tags(with_description(name_tag(&n.name), &n.description));
            self.blocks.push(b);
        }
    }

    pub(super) fn endpoints(&mut self) {
        self.endpoint_services();
        for e in &self.d.endpoints {
            let mut b = Block::resource("aws_vpc_endpoint", &self.l.of(&e.name));
            let provided = self.d.endpoint_services.iter().any(|s| s.name == e.service);
            let service = if provided {
                self.r("aws_vpc_endpoint_service", &e.service, "service_name")
            } else {
                Expr::raw(format!("\"com.amazonaws.${{var.region}}.{}\"", e.service))
            };
            b.attr("vpc_id", self.vpc_id(&e.vpc)).attr("service_name", service);
            match &e.kind {
                EndpointKind::Gateway {
                    route_tables,
                    policy,
                    ip_address_type,
                } => {
                    b.attr("vpc_endpoint_type", Expr::s("Gateway"));
                    let rts = route_tables.iter().map(|r| self.rt_id(r)).collect();
                    b.attr("route_table_ids", Expr::List(rts));
                    b.attr_opt("policy", policy.clone().map(Expr::s));
                    if !ip_address_type.is_ipv4() {
                        b.attr("ip_address_type", Expr::s(ip_address_type.aws_name()));
                    }
                }
                EndpointKind::Interface {
                    subnets,
                    security_groups,
                    private_dns,
                } => {
                    b.attr("vpc_endpoint_type", Expr::s("Interface"));
                    let s = subnets.iter().map(|s| self.id("aws_subnet", s)).collect();
                    let g = security_groups.iter().map(|g| self.sg_id(g)).collect();
                    b.attr("subnet_ids", Expr::List(s))
                        .attr("security_group_ids", Expr::List(g))
                        .attr("private_dns_enabled", Expr::bool(*private_dns));
                    // An address chosen for the endpoint's interface in a subnet
                    // (AWS SubnetConfigurations; provider `subnet_configuration`).
                    for a in &e.addresses {
                        let mut c = Block::new("subnet_configuration", &[]);
                        c.attr("subnet_id", self.id("aws_subnet", &a.subnet))
                            .attr("ipv4", Expr::s(a.ipv4.to_string()));
                        b.block(c);
                    }
                }
                EndpointKind::GatewayLoadBalancer { subnet } => {
                    b.attr("vpc_endpoint_type", Expr::s("GatewayLoadBalancer"));
                    b.attr("subnet_ids", Expr::List(vec![self.id("aws_subnet", subnet)]));
                }
            }
            b.tags(with_description(name_tag(&e.name), &e.description));
            self.blocks.push(b);
        }
        // A route to a gateway endpoint that the endpoint does not list for that table.
        for rt in &self.d.route_tables {
            for r in &rt.routes {
                if let RouteTarget::GatewayEndpoint(e) = &r.target {
                    if self.d.is_gwlb_endpoint(e) {
                        continue;
                    }
                    let listed = self.d.endpoints.iter().any(|x| {
                        x.name == *e && matches!(&x.kind, EndpointKind::Gateway { route_tables, .. } if route_tables.contains(&rt.name))
                    });
                    if !listed {
                        self.notes.push(format!(
                            "route {} in {}: AWS adds gateway-endpoint routes itself, for the tables the endpoint names",
                            r, rt.name
                        ));
                    }
                }
            }
        }
    }

    /// The design's own PrivateLink endpoint services, with who may connect and
    /// the connections the provider has accepted.
    fn endpoint_services(&mut self) {
        for s in &self.d.endpoint_services {
            let mut b = Block::resource("aws_vpc_endpoint_service", &self.l.of(&s.name));
            b.attr("acceptance_required", Expr::bool(s.acceptance_required));
            let gateway = self.d.is_gwlb_service(s);
            let arns = Expr::List(vec![self.r("aws_lb", &s.load_balancer, "arn")]);
            if gateway {
                b.attr("gateway_load_balancer_arns", arns);
            } else {
                b.attr("network_load_balancer_arns", arns);
            }
            if !s.allowed_principals.is_empty() {
                let p = s.allowed_principals.iter().map(|p| Expr::s(p.clone())).collect();
                b.attr("allowed_principals", Expr::List(p));
            }
            b.attr_opt("private_dns_name", s.private_dns_name.clone().map(Expr::s));
            b.tags(with_description(name_tag(&s.name), &s.description));
            self.blocks.push(b);
            for c in &s.connections {
                match c.state {
                    EndpointConnectionState::Available if s.acceptance_required => {
                        let label = format!("{}_{}", self.l.of(&s.name), self.l.of(&c.endpoint));
                        let mut b = Block::resource("aws_vpc_endpoint_connection_accepter", &label);
                        b.attr("vpc_endpoint_service_id", self.id("aws_vpc_endpoint_service", &s.name))
                            .attr("vpc_endpoint_id", self.id("aws_vpc_endpoint", &c.endpoint));
                        self.blocks.push(b);
                    }
                    EndpointConnectionState::Rejected => self.notes.push(format!(
                        "endpoint service {}: the provider rejects {} (ec2 reject-vpc-endpoint-connections; Terraform has no resource for it)",
                        s.name, c.endpoint
                    )),
                    _ => {}
                }
            }
        }
    }
}
