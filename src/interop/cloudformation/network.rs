//! VPCs, subnets, route tables and their routes, managed prefix lists and
//! VPC peering connections.

use ipnet::IpNet;

use super::yaml::Y;
use super::{cidr_key, tags, Cfn};
use crate::model::*;

impl Cfn<'_> {
    pub(super) fn vpcs(&mut self) {
        for v in &self.d.vpcs {
            let id = self.id(&v.name);
            self.add(
                id.clone(),
                "AWS::EC2::VPC",
                vec![
                    ("CidrBlock", Y::s(v.cidr.to_string())),
                    ("EnableDnsSupport", Y::Bool(v.dns_support)),
                    ("EnableDnsHostnames", Y::Bool(v.dns_hostnames)),
                    (
                        "InstanceTenancy",
                        Y::s(if v.tenancy == Tenancy::Dedicated {
                            "dedicated"
                        } else {
                            "default"
                        }),
                    ),
                    tags(&v.name, &v.description),
                ],
                vec![],
            );
            if v.ipv6_cidr.is_some() {
                self.add(
                    format!("{id}Ipv6"),
                    "AWS::EC2::VPCCidrBlock",
                    vec![("VpcId", Y::r(&id)), ("AmazonProvidedIpv6CidrBlock", Y::Bool(true))],
                    vec![],
                );
            }
            for (i, c) in v.secondary_cidrs.iter().enumerate() {
                self.add(
                    format!("{id}Cidr{}", i + 1),
                    "AWS::EC2::VPCCidrBlock",
                    vec![("VpcId", Y::r(&id)), ("CidrBlock", Y::s(c.to_string()))],
                    vec![],
                );
            }
        }
    }

    pub(super) fn subnets(&mut self) {
        for s in &self.d.subnets {
            let vpc = self.d.vpcs.iter().find(|v| v.name == s.vpc);
            let mut props = vec![
                ("VpcId", self.r(&s.vpc)),
                ("AvailabilityZone", Y::s(s.az.clone())),
                ("CidrBlock", Y::s(s.cidr.to_string())),
                ("MapPublicIpOnLaunch", Y::Bool(s.map_public_ip)),
            ];
            let mut depends = Vec::new();
            if let (Some(v6), Some(vpc6)) = (s.ipv6_cidr, vpc.and_then(|v| v.ipv6_cidr)) {
                // The subnet's block at its place inside the /56 AWS assigns (Fn::Cidr).
                let offset = (u128::from(v6.network()) - u128::from(vpc6.network())) >> (128 - v6.prefix_len());
                let count = 1u64 << v6.prefix_len().saturating_sub(vpc6.prefix_len()).min(8);
                props.push((
                    "Ipv6CidrBlock",
                    Y::Fn(
                        "Select",
                        vec![
                            Y::Int(offset as i64),
                            Y::Fn(
                                "Cidr",
                                vec![
                                    Y::Fn("Select", vec![Y::Int(0), Y::att(self.id(&s.vpc), "Ipv6CidrBlocks")]),
                                    Y::Int(count as i64),
                                    Y::Int(i64::from(128 - v6.prefix_len())),
                                ],
                            ),
                        ],
                    ),
                ));
                depends.push(format!("{}Ipv6", self.id(&s.vpc)));
            }
            if let Some(vpc) = vpc {
                if let Some((i, _)) = vpc
                    .secondary_cidrs
                    .iter()
                    .enumerate()
                    .find(|(_, c)| c.contains(&s.cidr))
                {
                    depends.push(format!("{}Cidr{}", self.id(&vpc.name), i + 1));
                }
            }
            let mut t = tags(&s.name, &s.description);
            if let (Some(tier), Y::List(list)) = (&s.tier, &mut t.1) {
                list.push(Y::map(vec![("Key", Y::s("Tier")), ("Value", Y::s(tier.clone()))]));
            }
            props.push(t);
            self.add(self.id(&s.name), "AWS::EC2::Subnet", props, depends);
        }
    }

    fn route_target(&mut self, t: &RouteTarget) -> Option<((&'static str, Y), Vec<String>)> {
        Some(match t {
            // A Gateway Load Balancer endpoint is a route target of its own; a gateway
            // endpoint's routes are added by AWS for the tables it names.
            RouteTarget::GatewayEndpoint(e) if self.d.is_gwlb_endpoint(e) => (("VpcEndpointId", self.r(e)), vec![]),
            RouteTarget::Local | RouteTarget::GatewayEndpoint(_) => return None,
            RouteTarget::InternetGateway(g) => (("GatewayId", self.r(g)), vec![self.attachment_of(g)]),
            RouteTarget::VpnGateway(g) => (("GatewayId", self.r(g)), vec![self.attachment_of(g)]),
            RouteTarget::EgressOnlyGateway(g) => (("EgressOnlyInternetGatewayId", self.r(g)), vec![]),
            RouteTarget::NatGateway(g) => (("NatGatewayId", self.r(g)), vec![]),
            RouteTarget::Instance(i) => (("InstanceId", self.r(i)), vec![]),
            RouteTarget::NetworkInterface(n) => {
                if self.d.instances.iter().any(|i| i.name == *n) {
                    (("InstanceId", self.r(n)), vec![])
                } else {
                    (("NetworkInterfaceId", self.r(n)), vec![])
                }
            }
            RouteTarget::Peering(p) => (("VpcPeeringConnectionId", self.r(p)), vec![]),
            RouteTarget::TransitGateway(g) => {
                // The route needs the VPC's attachment to exist first.
                let deps = self
                    .d
                    .transit_gateways
                    .iter()
                    .filter(|t| t.name == *g)
                    .flat_map(|t| t.attachments.iter())
                    .filter(|a| matches!(a.kind, TgwAttachmentKind::Vpc { .. }))
                    .map(|a| self.id(&a.name))
                    .collect();
                (("TransitGatewayId", self.r(g)), deps)
            }
            RouteTarget::FirewallEndpoint(fw, az) => {
                // Fn::GetAtt EndpointIds lists "az:vpce-id"; the firewall's subnets are
                // mapped in this order, so the AZ's position picks its endpoint.
                let f = self.d.firewalls.iter().find(|f| f.name == *fw)?;
                let pos = f
                    .subnets
                    .iter()
                    .position(|s| self.d.subnets.iter().any(|x| x.name == *s && x.az == *az))?;
                self.notes.push(format!(
                    "route to {fw} in {az}: CloudFormation lists firewall endpoints without a stable order; check the route after deployment"
                ));
                (
                    (
                        "VpcEndpointId",
                        Y::Fn(
                            "Select",
                            vec![
                                Y::Int(1),
                                Y::Fn(
                                    "Split",
                                    vec![
                                        Y::s(":"),
                                        Y::Fn("Select", vec![Y::Int(pos as i64), Y::att(self.id(fw), "EndpointIds")]),
                                    ],
                                ),
                            ],
                        ),
                    ),
                    vec![],
                )
            }
        })
    }

    pub(super) fn route_tables(&mut self) {
        for rt in &self.d.route_tables {
            let id = self.id(&rt.name);
            let main_of = self.d.vpcs.iter().find(|v| v.main_route_table == rt.name);
            if main_of.is_some() && rt.routes.is_empty() && rt.propagating_vgws.is_empty() {
                // A main table with only the local route: the VPC's own main table is that.
                continue;
            }
            self.add(
                id.clone(),
                "AWS::EC2::RouteTable",
                vec![("VpcId", self.r(&rt.vpc)), tags(&rt.name, &rt.description)],
                vec![],
            );
            if let Some(v) = main_of {
                self.notes.push(format!(
                    "main route table {} of {}: CloudFormation cannot change a VPC's main table, so it is a custom table associated with each subnet that used the main one",
                    rt.name, v.name
                ));
                for s in self
                    .d
                    .subnets
                    .iter()
                    .filter(|s| s.vpc == v.name && s.route_table.is_none())
                {
                    self.add(
                        format!("{}RouteTable", self.id(&s.name)),
                        "AWS::EC2::SubnetRouteTableAssociation",
                        vec![("SubnetId", self.r(&s.name)), ("RouteTableId", Y::r(&id))],
                        vec![],
                    );
                }
            }
            for (i, r) in rt.routes.iter().enumerate() {
                let Some((target, deps)) = self.route_target(&r.target) else {
                    continue;
                };
                let dest = match &r.dest {
                    RouteDestination::Cidr(c) => cidr_key(c, "DestinationCidrBlock", "DestinationIpv6CidrBlock"),
                    RouteDestination::PrefixList(p) => ("DestinationPrefixListId", self.prefix_list_ref(p)),
                };
                self.add(
                    format!("{id}Route{}", i + 1),
                    "AWS::EC2::Route",
                    vec![("RouteTableId", Y::r(&id)), dest, target],
                    deps,
                );
            }
            if !rt.propagating_vgws.is_empty() {
                for g in &rt.propagating_vgws {
                    self.add(
                        format!("{id}Propagation{}", self.id(g)),
                        "AWS::EC2::VPNGatewayRoutePropagation",
                        vec![("RouteTableIds", Y::List(vec![Y::r(&id)])), ("VpnGatewayId", self.r(g))],
                        vec![self.attachment_of(g)],
                    );
                }
            }
        }
        for s in &self.d.subnets {
            if let Some(rt) = &s.route_table {
                self.add(
                    format!("{}RouteTable", self.id(&s.name)),
                    "AWS::EC2::SubnetRouteTableAssociation",
                    vec![("SubnetId", self.r(&s.name)), ("RouteTableId", self.r(rt))],
                    vec![],
                );
            }
        }
    }

    pub(super) fn prefix_lists(&mut self) {
        for p in &self.d.prefix_lists {
            let v6 = p.entries.first().is_some_and(|e| matches!(e, IpNet::V6(_)));
            let entries = p
                .entries
                .iter()
                .map(|e| Y::map(vec![("Cidr", Y::s(e.to_string()))]))
                .collect();
            self.add(
                self.id(&p.name),
                "AWS::EC2::PrefixList",
                vec![
                    ("PrefixListName", Y::s(p.name.clone())),
                    ("AddressFamily", Y::s(if v6 { "IPv6" } else { "IPv4" })),
                    ("MaxEntries", Y::Int(i64::from(p.max_entries))),
                    ("Entries", Y::List(entries)),
                    tags(&p.name, &p.description),
                ],
                vec![],
            );
        }
    }

    pub(super) fn peerings(&mut self) {
        for p in &self.d.peerings {
            if p.status != PeeringStatus::Active {
                self.notes
                    .push(format!("peering {} is {}: not created", p.name, p.status.label()));
                continue;
            }
            let mut props = vec![("VpcId", self.r(&p.requester)), ("PeerVpcId", self.r(&p.accepter))];
            if p.cross_account {
                props.push((
                    "PeerOwnerId",
                    self.param("PeerOwnerId", "String", "Account of the accepter VPC"),
                ));
                props.push((
                    "PeerRoleArn",
                    self.param(
                        "PeerRoleArn",
                        "String",
                        "Role in the accepter account that accepts the peering",
                    ),
                ));
            }
            if p.cross_region {
                self.notes
                    .push(format!("peering {} is inter-Region: set PeerRegion", p.name));
            }
            props.push(tags(&p.name, &p.description));
            self.add(self.id(&p.name), "AWS::EC2::VPCPeeringConnection", props, vec![]);
        }
    }
}
