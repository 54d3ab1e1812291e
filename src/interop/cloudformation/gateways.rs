//! Internet and egress-only gateways, Elastic IPs, NAT gateways, VPC
//! endpoints and endpoint services (PrivateLink and Gateway Load Balancer).

use super::yaml::Y;
use super::{tags, Cfn};
use crate::model::*;

impl Cfn<'_> {
    pub(super) fn gateways(&mut self) {
        for g in &self.d.internet_gateways {
            let id = self.id(&g.name);
            self.add(
                id.clone(),
                "AWS::EC2::InternetGateway",
                vec![tags(&g.name, &g.description)],
                vec![],
            );
            if let Some(v) = &g.vpc {
                self.add(
                    self.attachment_of(&g.name),
                    "AWS::EC2::VPCGatewayAttachment",
                    vec![("VpcId", self.r(v)), ("InternetGatewayId", Y::r(id.clone()))],
                    vec![],
                );
            }
            // Ingress routing: the gateway's own route table (an edge association).
            if let Some(rt) = &g.edge_route_table {
                self.add(
                    format!("{id}EdgeAssociation"),
                    "AWS::EC2::GatewayRouteTableAssociation",
                    vec![("GatewayId", Y::r(id)), ("RouteTableId", self.r(rt))],
                    g.vpc.iter().map(|_| self.attachment_of(&g.name)).collect(),
                );
            }
        }
        for g in &self.d.egress_only_gateways {
            self.add(
                self.id(&g.name),
                "AWS::EC2::EgressOnlyInternetGateway",
                vec![("VpcId", self.r(&g.vpc))],
                vec![],
            );
        }
        for e in &self.d.elastic_ips {
            let mut t = tags(&e.name, &e.description);
            if let Y::List(list) = &mut t.1 {
                // AWS picks the address; the tag keeps the design's plan for the round trip.
                list.push(Y::map(vec![
                    ("Key", Y::s(crate::interop::terraform::PLANNED_TAG)),
                    ("Value", Y::s(e.address.to_string())),
                ]));
            }
            self.add(
                self.id(&e.name),
                "AWS::EC2::EIP",
                vec![("Domain", Y::s("vpc")), t],
                vec![],
            );
        }
        for n in &self.d.nat_gateways {
            // A regional NAT gateway: `AvailabilityMode: regional` and `VpcId`, no
            // subnet, its addresses AWS's in each AZ (automatic mode: no
            // `AvailabilityZoneAddresses`) — AWS::EC2::NatGateway.
            if n.is_regional() {
                let mut props = vec![("AvailabilityMode", Y::s("regional"))];
                if let Some(v) = &n.vpc {
                    props.push(("VpcId", self.r(v)));
                }
                props.push(tags(&n.name, &n.description));
                self.add(self.id(&n.name), "AWS::EC2::NatGateway", props, vec![]);
                continue;
            }
            let Some(subnet) = &n.subnet else { continue };
            let mut props = vec![("SubnetId", self.r(subnet))];
            match n.connectivity {
                NatConnectivity::Public => {
                    if let Some(e) = &n.elastic_ip {
                        props.push(("AllocationId", Y::att(self.id(e), "AllocationId")));
                    }
                }
                NatConnectivity::Private => props.push(("ConnectivityType", Y::s("private"))),
            }
            if let Some(ip) = n.private_ip {
                props.push(("PrivateIpAddress", Y::s(ip.to_string())));
            }
            props.push(tags(&n.name, &n.description));
            self.add(self.id(&n.name), "AWS::EC2::NatGateway", props, vec![]);
        }
    }

    /// The design's own PrivateLink endpoint services (`Ref` of a load balancer
    /// is its ARN; of a service, its id) and who may connect to them.
    fn endpoint_services(&mut self) {
        for s in &self.d.endpoint_services {
            let id = self.id(&s.name);
            let gateway = self.d.is_gwlb_service(s);
            let key = if gateway {
                "GatewayLoadBalancerArns"
            } else {
                "NetworkLoadBalancerArns"
            };
            self.add(
                id.clone(),
                "AWS::EC2::VPCEndpointService",
                vec![
                    ("AcceptanceRequired", Y::Bool(s.acceptance_required)),
                    (key, Y::List(vec![self.r(&s.load_balancer)])),
                ],
                vec![],
            );
            if !s.allowed_principals.is_empty() {
                let principals = s.allowed_principals.iter().map(|p| Y::s(p.clone())).collect();
                self.add(
                    format!("{id}Permissions"),
                    "AWS::EC2::VPCEndpointServicePermissions",
                    vec![
                        ("ServiceId", Y::r(id.clone())),
                        ("AllowedPrincipals", Y::List(principals)),
                    ],
                    vec![],
                );
            }
            if s.acceptance_required && !s.connections.is_empty() {
                // CloudFormation has no resource that accepts a connection.
                self.notes.push(format!(
                    "endpoint service {}: accept or reject its endpoint connections after deployment (ec2 accept-vpc-endpoint-connections)",
                    s.name
                ));
            }
        }
    }

    pub(super) fn endpoints(&mut self) {
        self.endpoint_services();
        for e in &self.d.endpoints {
            let service = if self.d.endpoint_services.iter().any(|s| s.name == e.service) {
                Y::Sub(format!(
                    "com.amazonaws.vpce.${{AWS::Region}}.${{{}}}",
                    self.id(&e.service)
                ))
            } else {
                Y::Sub(format!("com.amazonaws.${{AWS::Region}}.{}", e.service))
            };
            let mut props = vec![("VpcId", self.r(&e.vpc)), ("ServiceName", service)];
            match &e.kind {
                EndpointKind::Gateway {
                    route_tables,
                    policy,
                    ip_address_type,
                } => {
                    props.push(("VpcEndpointType", Y::s("Gateway")));
                    let rts = route_tables.iter().filter_map(|r| self.rt_ref(r)).collect();
                    props.push(("RouteTableIds", Y::List(rts)));
                    // AWS::EC2::VPCEndpoint IpAddressType; written only when not the default.
                    if !ip_address_type.is_ipv4() {
                        props.push(("IpAddressType", Y::s(ip_address_type.aws_name())));
                    }
                    if let Some(p) = policy {
                        match serde_json::from_str::<serde_json::Value>(p) {
                            Ok(v) => props.push(("PolicyDocument", json_to_y(&v))),
                            Err(_) => self.notes.push(format!("endpoint {}: policy is not JSON", e.name)),
                        }
                    }
                }
                EndpointKind::Interface {
                    subnets,
                    security_groups,
                    private_dns,
                } => {
                    props.push(("VpcEndpointType", Y::s("Interface")));
                    props.push(("SubnetIds", Y::List(subnets.iter().map(|s| self.r(s)).collect())));
                    props.push((
                        "SecurityGroupIds",
                        Y::List(security_groups.iter().map(|g| self.sg_ref(g)).collect()),
                    ));
                    props.push(("PrivateDnsEnabled", Y::Bool(*private_dns)));
                }
                EndpointKind::GatewayLoadBalancer { subnet } => {
                    props.push(("VpcEndpointType", Y::s("GatewayLoadBalancer")));
                    props.push(("SubnetIds", Y::List(vec![self.r(subnet)])));
                }
            }
            self.add(self.id(&e.name), "AWS::EC2::VPCEndpoint", props, vec![]);
        }
    }

    /// A route table as the template has it (a main table with no routes is the VPC's own).
    fn rt_ref(&mut self, rt: &str) -> Option<Y> {
        let t = self.d.route_tables.iter().find(|t| t.name == rt)?;
        match self.d.vpcs.iter().find(|v| v.main_route_table == rt) {
            Some(v) if t.routes.is_empty() && t.propagating_vgws.is_empty() => {
                self.notes.push(format!(
                    "endpoint route in the main route table of {}: CloudFormation cannot name it",
                    v.name
                ));
                None
            }
            _ => Some(self.r(rt)),
        }
    }
}

fn json_to_y(v: &serde_json::Value) -> Y {
    match v {
        serde_json::Value::Null => Y::s(""),
        serde_json::Value::Bool(b) => Y::Bool(*b),
        serde_json::Value::Number(n) => n.as_i64().map(Y::Int).unwrap_or_else(|| Y::s(n.to_string())),
        serde_json::Value::String(s) => Y::s(s.clone()),
        serde_json::Value::Array(a) => Y::List(a.iter().map(json_to_y).collect()),
        serde_json::Value::Object(o) => Y::Map(o.iter().map(|(k, v)| (k.clone(), json_to_y(v))).collect()),
    }
}
