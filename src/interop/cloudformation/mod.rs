//! CloudFormation: the design as one YAML template (`!Ref`/`!GetAtt`), with
//! logical ids from the design's names and the design's name in each `Name` tag.
//!
//! CloudFormation cannot adopt a VPC's main route table, and cannot remove the
//! default network ACL's or security group's rules. Where the design changes
//! them, the template makes a custom table or ACL and associates the subnets
//! that used the default explicitly, which routes and filters the same way.

mod yaml;

use std::collections::BTreeMap;

use ipnet::IpNet;

use crate::interop::{ec2_protocol, elb_name, sg_description, LabelStyle, Labels};
use crate::model::*;
use yaml::{document, Y};

/// A CloudFormation export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudFormationExport {
    /// The template (YAML).
    pub template: String,
    /// What could not be expressed (also under the template's `Metadata`).
    pub notes: Vec<String>,
    /// The template's parameters (AMI, instance type, …), which a deployment supplies.
    pub parameters: Vec<String>,
}

/// Exports a design as a CloudFormation template.
pub fn export(d: &Design) -> CloudFormationExport {
    let mut x = Cfn {
        d,
        l: Labels::for_design(d, LabelStyle::Pascal),
        res: Vec::new(),
        params: BTreeMap::new(),
        notes: Vec::new(),
    };
    x.vpcs();
    x.subnets();
    x.gateways();
    x.route_tables();
    x.security_groups();
    x.network_acls();
    x.prefix_lists();
    x.instances();
    x.load_balancers();
    x.peerings();
    x.endpoints();
    x.hybrid();
    x.transit_gateways();
    x.firewalls();
    x.flow_logs();
    for o in &d.onprem_networks {
        x.notes.push(format!("on-premises network {} is outside AWS", o.name));
    }
    let mut top = vec![
        ("AWSTemplateFormatVersion".to_string(), Y::s("2010-09-09")),
        (
            "Description".to_string(),
            Y::s(format!("vpcd design \"{}\" ({})", d.name, d.region)),
        ),
    ];
    if !x.notes.is_empty() {
        top.push((
            "Metadata".into(),
            Y::map(vec![(
                "vpcd",
                Y::map(vec![(
                    "NotExported",
                    Y::List(x.notes.iter().map(|n| Y::s(n.clone())).collect()),
                )]),
            )]),
        ));
    }
    if !x.params.is_empty() {
        top.push((
            "Parameters".into(),
            Y::Map(x.params.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        ));
    }
    top.push(("Resources".into(), Y::Map(x.res)));
    CloudFormationExport {
        template: document(&top),
        notes: x.notes,
        parameters: x.params.keys().cloned().collect(),
    }
}

struct Cfn<'d> {
    d: &'d Design,
    l: Labels,
    res: Vec<(String, Y)>,
    params: BTreeMap<String, Y>,
    notes: Vec<String>,
}

fn tags(name: &str, description: &Option<String>) -> (&'static str, Y) {
    let mut t = vec![Y::map(vec![("Key", Y::s("Name")), ("Value", Y::s(name))])];
    if let Some(text) = description {
        t.push(Y::map(vec![
            ("Key", Y::s("Description")),
            ("Value", Y::s(text.clone())),
        ]));
    }
    ("Tags", Y::List(t))
}

fn cidr_key(c: &IpNet, v4: &'static str, v6: &'static str) -> (&'static str, Y) {
    match c {
        IpNet::V4(n) => (v4, Y::s(n.to_string())),
        IpNet::V6(n) => (v6, Y::s(n.to_string())),
    }
}

impl<'d> Cfn<'d> {
    fn id(&self, name: &str) -> String {
        self.l.of(name)
    }
    fn r(&self, name: &str) -> Y {
        Y::r(self.id(name))
    }
    fn add(&mut self, id: String, ty: &str, props: Vec<(&str, Y)>, depends: Vec<String>) {
        let mut body = vec![("Type", Y::s(ty))];
        if !depends.is_empty() {
            body.push(("DependsOn", Y::List(depends.into_iter().map(Y::Str).collect())));
        }
        body.push(("Properties", Y::map(props)));
        self.res.push((id, Y::map(body)));
    }
    fn param(&mut self, name: &str, ty: &str, description: &str) -> Y {
        self.params.insert(
            name.to_string(),
            Y::map(vec![("Type", Y::s(ty)), ("Description", Y::s(description))]),
        );
        Y::r(name)
    }
    fn is_default_sg(&self, sg: &str) -> Option<&'d Vpc> {
        self.d.vpcs.iter().find(|v| v.default_security_group == sg)
    }
    fn sg_ref(&self, sg: &str) -> Y {
        match self.is_default_sg(sg) {
            Some(v) => Y::att(self.id(&v.name), "DefaultSecurityGroup"),
            None => Y::att(self.id(sg), "GroupId"),
        }
    }
    /// The id of the IGW's or VGW's attachment to its VPC, which routes through it depend on.
    fn attachment_of(&self, gateway: &str) -> String {
        format!("{}Attachment", self.id(gateway))
    }
    fn default_acl_changed(&self, v: &Vpc) -> bool {
        self.d
            .network_acls
            .iter()
            .find(|a| a.name == v.default_network_acl)
            .is_some_and(|a| {
                let std = NetworkAcl::default_for(a.name.clone(), a.vpc.clone(), v.ipv6_cidr.is_some());
                a.inbound != std.inbound || a.outbound != std.outbound
            })
    }

    fn vpcs(&mut self) {
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

    fn subnets(&mut self) {
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

    fn gateways(&mut self) {
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

    fn route_target(&mut self, t: &RouteTarget) -> Option<((&'static str, Y), Vec<String>)> {
        Some(match t {
            // A Gateway Load Balancer endpoint is a route target of its own; a gateway
            // endpoint's routes are added by AWS for the tables it names.
            RouteTarget::GatewayEndpoint(e)
                if self
                    .d
                    .endpoints
                    .iter()
                    .any(|x| x.name == *e && matches!(x.kind, EndpointKind::GatewayLoadBalancer { .. })) =>
            {
                (("VpcEndpointId", self.r(e)), vec![])
            }
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

    fn route_tables(&mut self) {
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

    fn prefix_list_ref(&mut self, name: &str) -> Y {
        if self.d.prefix_lists.iter().any(|p| p.name == name) {
            return Y::att(self.id(name), "PrefixListId");
        }
        // AWS-managed lists (com.amazonaws.REGION.s3) have no CloudFormation lookup.
        let p = format!("{}PrefixListId", LabelStyle::Pascal.apply(name));
        self.param(
            &p,
            "String",
            &format!("Id of the AWS-managed prefix list com.amazonaws.<Region>.{name} (pl-…)"),
        )
    }

    fn sg_rule_props(&mut self, sg: &str, r: &SgRule, ingress: bool) -> Vec<(&'static str, Y)> {
        let mut p = vec![("IpProtocol", Y::s(ec2_protocol(r.proto)))];
        match r.proto {
            Protocol::Tcp | Protocol::Udp => {
                p.push(("FromPort", Y::Int(i64::from(r.ports.from))));
                p.push(("ToPort", Y::Int(i64::from(r.ports.to))));
            }
            Protocol::Icmp | Protocol::Icmpv6 => {
                p.push(("FromPort", Y::Int(-1)));
                p.push(("ToPort", Y::Int(-1)));
            }
            _ => {}
        }
        let _ = sg;
        match &r.peer {
            SgPeer::Cidr(c) => p.push(cidr_key(c, "CidrIp", "CidrIpv6")),
            SgPeer::Group(g) => p.push((
                if ingress {
                    "SourceSecurityGroupId"
                } else {
                    "DestinationSecurityGroupId"
                },
                self.sg_ref(g),
            )),
            SgPeer::PrefixList(l) => p.push((
                if ingress {
                    "SourcePrefixListId"
                } else {
                    "DestinationPrefixListId"
                },
                self.prefix_list_ref(l),
            )),
        }
        if let Some(t) = &r.description {
            p.push(("Description", Y::s(sg_description(t))));
        }
        p
    }

    fn security_groups(&mut self) {
        for sg in &self.d.security_groups {
            if let Some(v) = self.is_default_sg(&sg.name) {
                let std = SecurityGroup::default_for(sg.name.clone(), sg.vpc.clone());
                let removed: Vec<&SgRule> = std
                    .inbound
                    .iter()
                    .filter(|r| !sg.inbound.contains(r))
                    .chain(std.outbound.iter().filter(|r| !sg.outbound.contains(r)))
                    .collect();
                if !removed.is_empty() {
                    self.notes.push(format!(
                        "default security group {} of {}: CloudFormation cannot remove its default rules ({})",
                        sg.name,
                        v.name,
                        removed.iter().map(|r| r.to_string()).collect::<Vec<_>>().join("; ")
                    ));
                }
                continue;
            }
            // Inline egress replaces the allow-all rule AWS adds to a new group; a rule
            // matching nothing (127.0.0.1/32) stands in for "no egress" (CloudFormation,
            // AWS::EC2::SecurityGroup, SecurityGroupEgress).
            let inline: Vec<Y> = sg
                .outbound
                .iter()
                .filter(|r| matches!(r.peer, SgPeer::Cidr(_)))
                .map(|r| {
                    Y::Map(
                        self.sg_rule_props(&sg.name, r, false)
                            .into_iter()
                            .map(|(k, v)| (k.to_string(), v))
                            .collect(),
                    )
                })
                .collect();
            let egress = if inline.is_empty() {
                vec![Y::map(vec![
                    ("IpProtocol", Y::s("-1")),
                    ("CidrIp", Y::s("127.0.0.1/32")),
                ])]
            } else {
                inline
            };
            self.add(
                self.id(&sg.name),
                "AWS::EC2::SecurityGroup",
                vec![
                    ("GroupName", Y::s(sg.aws_group_name().into_owned())),
                    (
                        "GroupDescription",
                        Y::s(sg_description(sg.description.as_deref().unwrap_or("Managed by vpcd"))),
                    ),
                    ("VpcId", self.r(&sg.vpc)),
                    ("SecurityGroupEgress", Y::List(egress)),
                    tags(&sg.name, &None),
                ],
                vec![],
            );
        }
        for sg in &self.d.security_groups {
            let default = self.is_default_sg(&sg.name).is_some();
            let std = SecurityGroup::default_for(sg.name.clone(), sg.vpc.clone());
            for (ingress, rules) in [(true, &sg.inbound), (false, &sg.outbound)] {
                for (i, r) in rules.iter().enumerate() {
                    if !ingress && !default && matches!(r.peer, SgPeer::Cidr(_)) {
                        continue;
                    }
                    if default && (if ingress { &std.inbound } else { &std.outbound }).contains(r) {
                        continue;
                    }
                    let mut props = vec![("GroupId", self.sg_ref(&sg.name))];
                    props.extend(self.sg_rule_props(&sg.name, r, ingress));
                    let (suffix, ty) = if ingress {
                        ("Ingress", "AWS::EC2::SecurityGroupIngress")
                    } else {
                        ("Egress", "AWS::EC2::SecurityGroupEgress")
                    };
                    self.add(format!("{}{suffix}{}", self.id(&sg.name), i + 1), ty, props, vec![]);
                }
            }
        }
    }

    fn nacl_entries(&mut self, acl_id: &str, acl_ref: Y, acl: &NetworkAcl) {
        for (egress, rules) in [(false, &acl.inbound), (true, &acl.outbound)] {
            for r in rules {
                let mut p = vec![
                    ("NetworkAclId", acl_ref.clone()),
                    ("RuleNumber", Y::Int(i64::from(r.number))),
                    ("Protocol", Y::Int(r.proto.number().map(i64::from).unwrap_or(-1))),
                    ("RuleAction", Y::s(r.action.to_string())),
                    ("Egress", Y::Bool(egress)),
                    cidr_key(&r.cidr, "CidrBlock", "Ipv6CidrBlock"),
                ];
                match r.proto {
                    Protocol::Tcp | Protocol::Udp => p.push((
                        "PortRange",
                        Y::map(vec![
                            ("From", Y::Int(i64::from(r.ports.from))),
                            ("To", Y::Int(i64::from(r.ports.to))),
                        ]),
                    )),
                    Protocol::Icmp | Protocol::Icmpv6 => {
                        p.push(("Icmp", Y::map(vec![("Code", Y::Int(-1)), ("Type", Y::Int(-1))])))
                    }
                    _ => {}
                }
                let dir = if egress { "Out" } else { "In" };
                self.add(
                    format!("{acl_id}{dir}{}", r.number),
                    "AWS::EC2::NetworkAclEntry",
                    p,
                    vec![],
                );
            }
        }
    }

    fn network_acls(&mut self) {
        for acl in &self.d.network_acls {
            let id = self.id(&acl.name);
            let default_of = self.d.vpcs.iter().find(|v| v.default_network_acl == acl.name);
            if let Some(v) = default_of {
                if !self.default_acl_changed(v) {
                    continue;
                }
                self.notes.push(format!(
                    "default network ACL {} of {}: CloudFormation cannot change its rules, so it is a custom ACL associated with each subnet that used the default",
                    acl.name, v.name
                ));
                for s in self
                    .d
                    .subnets
                    .iter()
                    .filter(|s| s.vpc == v.name && s.network_acl.is_none())
                {
                    self.add(
                        format!("{}NetworkAcl", self.id(&s.name)),
                        "AWS::EC2::SubnetNetworkAclAssociation",
                        vec![("SubnetId", self.r(&s.name)), ("NetworkAclId", Y::r(&id))],
                        vec![],
                    );
                }
            }
            self.add(
                id.clone(),
                "AWS::EC2::NetworkAcl",
                vec![("VpcId", self.r(&acl.vpc)), tags(&acl.name, &acl.description)],
                vec![],
            );
            self.nacl_entries(&id, Y::r(&id), acl);
        }
        for s in &self.d.subnets {
            let Some(acl) = &s.network_acl else { continue };
            if let Some(v) = self.d.vpcs.iter().find(|v| v.default_network_acl == *acl) {
                if !self.default_acl_changed(v) {
                    continue;
                }
            }
            self.add(
                format!("{}NetworkAcl", self.id(&s.name)),
                "AWS::EC2::SubnetNetworkAclAssociation",
                vec![("SubnetId", self.r(&s.name)), ("NetworkAclId", self.r(acl))],
                vec![],
            );
        }
    }

    fn prefix_lists(&mut self) {
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

    fn instances(&mut self) {
        for i in &self.d.instances {
            let ami = match i.os {
                OsFamily::Linux => self.param("ImageId", "AWS::EC2::Image::Id", "AMI for the design's Linux instances"),
                OsFamily::Windows => self.param(
                    "WindowsImageId",
                    "AWS::EC2::Image::Id",
                    "AMI for the design's Windows instances",
                ),
            };
            let ty = self.param("InstanceType", "String", "Instance type for every instance");
            self.params.insert(
                "InstanceType".into(),
                Y::map(vec![
                    ("Type", Y::s("String")),
                    ("Default", Y::s("t3.micro")),
                    ("Description", Y::s("Instance type for every instance")),
                ]),
            );
            let sgs = Y::List(i.security_groups.iter().map(|g| self.sg_ref(g)).collect());
            let mut props = vec![("ImageId", ami), ("InstanceType", ty)];
            let mut eni = vec![("DeviceIndex", Y::s("0")), ("SubnetId", self.r(&i.subnet))];
            if let Some(ip) = i.private_ip {
                eni.push(("PrivateIpAddress", Y::s(ip.to_string())));
            }
            if let Some(p) = i.public_ip {
                eni.push(("AssociatePublicIpAddress", Y::Bool(p)));
            }
            if let Some(v6) = i.ipv6 {
                eni.push((
                    "Ipv6Addresses",
                    Y::List(vec![Y::map(vec![("Ipv6Address", Y::s(v6.to_string()))])]),
                ));
            }
            eni.push(("GroupSet", sgs));
            props.push(("NetworkInterfaces", Y::List(vec![Y::map(eni)])));
            props.push(("SourceDestCheck", Y::Bool(i.source_dest_check)));
            let mut t = tags(&i.name, &i.description);
            if let Y::List(list) = &mut t.1 {
                list.push(Y::map(vec![("Key", Y::s("Role")), ("Value", Y::s(i.role.to_string()))]));
            }
            props.push(t);
            self.add(self.id(&i.name), "AWS::EC2::Instance", props, vec![]);
            if let Some(e) = &i.elastic_ip {
                self.add(
                    format!("{}Eip", self.id(&i.name)),
                    "AWS::EC2::EIPAssociation",
                    vec![
                        ("AllocationId", Y::att(self.id(e), "AllocationId")),
                        ("InstanceId", self.r(&i.name)),
                    ],
                    vec![],
                );
            }
            for (n, e) in i.secondary_interfaces.iter().enumerate() {
                let mut p = vec![("SubnetId", self.r(&e.subnet))];
                if let Some(ip) = e.private_ip {
                    p.push(("PrivateIpAddress", Y::s(ip.to_string())));
                }
                p.push((
                    "GroupSet",
                    Y::List(e.security_groups.iter().map(|g| self.sg_ref(g)).collect()),
                ));
                p.push(("SourceDestCheck", Y::Bool(e.source_dest_check)));
                p.push(tags(&e.name, &None));
                self.add(self.id(&e.name), "AWS::EC2::NetworkInterface", p, vec![]);
                self.add(
                    format!("{}Attachment", self.id(&e.name)),
                    "AWS::EC2::NetworkInterfaceAttachment",
                    vec![
                        ("InstanceId", self.r(&i.name)),
                        ("NetworkInterfaceId", self.r(&e.name)),
                        ("DeviceIndex", Y::s((n + 1).to_string())),
                    ],
                    vec![],
                );
            }
        }
    }

    fn load_balancers(&mut self) {
        for lb in &self.d.load_balancers {
            let id = self.id(&lb.name);
            let alb = lb.kind == LoadBalancerKind::Application;
            let mut props = vec![
                ("Name", Y::s(elb_name(&lb.name, ""))),
                (
                    "Scheme",
                    Y::s(if lb.scheme == LoadBalancerScheme::Internal {
                        "internal"
                    } else {
                        "internet-facing"
                    }),
                ),
                ("Type", Y::s(if alb { "application" } else { "network" })),
                ("Subnets", Y::List(lb.subnets.iter().map(|s| self.r(s)).collect())),
            ];
            if !lb.security_groups.is_empty() {
                props.push((
                    "SecurityGroups",
                    Y::List(lb.security_groups.iter().map(|g| self.sg_ref(g)).collect()),
                ));
            }
            props.push(tags(&lb.name, &lb.description));
            // An internet-facing load balancer needs its VPC's internet gateway attached.
            let vpc = lb
                .subnets
                .first()
                .and_then(|s| self.d.subnets.iter().find(|x| x.name == *s))
                .map(|s| s.vpc.clone());
            let deps = self
                .d
                .internet_gateways
                .iter()
                .filter(|g| g.vpc.is_some() && g.vpc == vpc && lb.scheme == LoadBalancerScheme::InternetFacing)
                .map(|g| self.attachment_of(&g.name))
                .collect();
            self.add(id.clone(), "AWS::ElasticLoadBalancingV2::LoadBalancer", props, deps);
            let Some(vpc) = vpc else { continue };
            for l in &lb.listeners {
                let (proto, tg_proto) = match (alb, l.proto) {
                    (true, _) if l.port == 443 => ("HTTPS", "HTTP"),
                    (true, _) => ("HTTP", "HTTP"),
                    (false, Protocol::Udp) => ("UDP", "UDP"),
                    (false, _) => ("TCP", "TCP"),
                };
                let tg = format!("{id}Tg{}", l.port);
                let targets = lb
                    .targets
                    .iter()
                    .map(|t| Y::map(vec![("Id", self.r(t)), ("Port", Y::Int(i64::from(l.target_port)))]))
                    .collect();
                self.add(
                    tg.clone(),
                    "AWS::ElasticLoadBalancingV2::TargetGroup",
                    vec![
                        ("Name", Y::s(elb_name(&lb.name, &format!("-{}", l.port)))),
                        ("Port", Y::Int(i64::from(l.target_port))),
                        ("Protocol", Y::s(tg_proto)),
                        ("TargetType", Y::s("instance")),
                        ("VpcId", self.r(&vpc)),
                        ("Targets", Y::List(targets)),
                    ],
                    vec![],
                );
                let mut p = vec![
                    ("LoadBalancerArn", Y::r(&id)),
                    ("Port", Y::Int(i64::from(l.port))),
                    ("Protocol", Y::s(proto)),
                    (
                        "DefaultActions",
                        Y::List(vec![Y::map(vec![
                            ("Type", Y::s("forward")),
                            ("TargetGroupArn", Y::r(&tg)),
                        ])]),
                    ),
                ];
                if proto == "HTTPS" {
                    let c = self.param("CertificateArn", "String", "ACM certificate for the HTTPS listeners");
                    p.push(("Certificates", Y::List(vec![Y::map(vec![("CertificateArn", c)])])));
                }
                self.add(
                    format!("{id}Listener{}", l.port),
                    "AWS::ElasticLoadBalancingV2::Listener",
                    p,
                    vec![],
                );
            }
        }
    }

    fn peerings(&mut self) {
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

    /// The design's own PrivateLink endpoint services (`Ref` of a load balancer
    /// is its ARN; of a service, its id) and who may connect to them.
    fn endpoint_services(&mut self) {
        for s in &self.d.endpoint_services {
            let id = self.id(&s.name);
            let gateway = self
                .d
                .load_balancers
                .iter()
                .any(|l| l.name == s.load_balancer && l.kind == LoadBalancerKind::Gateway);
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

    fn endpoints(&mut self) {
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
                EndpointKind::Gateway { route_tables, policy } => {
                    props.push(("VpcEndpointType", Y::s("Gateway")));
                    let rts = route_tables.iter().filter_map(|r| self.rt_ref(r)).collect();
                    props.push(("RouteTableIds", Y::List(rts)));
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

    fn hybrid(&mut self) {
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

    fn transit_gateways(&mut self) {
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
                                    Y::map(vec![(
                                        "ApplianceModeSupport",
                                        Y::s(if a.appliance_mode { "enable" } else { "disable" }),
                                    )]),
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

    fn firewalls(&mut self) {
        for f in &self.d.firewalls {
            let id = self.id(&f.name);
            let mut rules = Vec::new();
            for (i, r) in f.rules.iter().enumerate() {
                if r.domain.is_some() {
                    continue;
                }
                let ports = match r.ports {
                    Some(p) if !p.is_all() && p.from == p.to => p.from.to_string(),
                    Some(p) if !p.is_all() => format!("{}:{}", p.from, p.to),
                    _ => "ANY".into(),
                };
                let net = |c: Option<IpNet>| c.map(|c| c.to_string()).unwrap_or_else(|| "ANY".into());
                rules.push(Y::map(vec![
                    (
                        "Action",
                        Y::s(match r.action {
                            FirewallAction::Pass => "PASS",
                            FirewallAction::Drop => "DROP",
                            FirewallAction::Alert => "ALERT",
                        }),
                    ),
                    (
                        "Header",
                        Y::map(vec![
                            (
                                "Protocol",
                                Y::s(match r.proto {
                                    Protocol::Tcp => "TCP",
                                    Protocol::Udp => "UDP",
                                    Protocol::Icmp | Protocol::Icmpv6 => "ICMP",
                                    _ => "IP",
                                }),
                            ),
                            ("Source", Y::s(net(r.source))),
                            ("SourcePort", Y::s("ANY")),
                            ("Direction", Y::s("FORWARD")),
                            ("Destination", Y::s(net(r.destination))),
                            ("DestinationPort", Y::s(ports)),
                        ]),
                    ),
                    (
                        "RuleOptions",
                        Y::List(vec![Y::map(vec![("Keyword", Y::s(format!("sid:{}", i + 1)))])]),
                    ),
                ]));
            }
            if f.rules.iter().any(|r| r.domain.is_some()) {
                self.notes.push(format!(
                    "firewall {}: domain rules need a domain-list rule group",
                    f.name
                ));
            }
            if rules.is_empty() {
                rules.push(Y::map(vec![
                    ("Action", Y::s("ALERT")),
                    (
                        "Header",
                        Y::map(vec![
                            ("Protocol", Y::s("IP")),
                            ("Source", Y::s("ANY")),
                            ("SourcePort", Y::s("ANY")),
                            ("Direction", Y::s("FORWARD")),
                            ("Destination", Y::s("ANY")),
                            ("DestinationPort", Y::s("ANY")),
                        ]),
                    ),
                    ("RuleOptions", Y::List(vec![Y::map(vec![("Keyword", Y::s("sid:1"))])])),
                ]));
            }
            self.add(
                format!("{id}Rules"),
                "AWS::NetworkFirewall::RuleGroup",
                vec![
                    ("RuleGroupName", Y::s(elb_name(&f.name, "-rules"))),
                    ("Type", Y::s("STATEFUL")),
                    ("Capacity", Y::Int(((f.rules.len() as i64 + 10) / 10) * 10)),
                    (
                        "RuleGroup",
                        Y::map(vec![
                            ("StatefulRuleOptions", Y::map(vec![("RuleOrder", Y::s("STRICT_ORDER"))])),
                            ("RulesSource", Y::map(vec![("StatefulRules", Y::List(rules))])),
                        ]),
                    ),
                ],
                vec![],
            );
            let mut policy = vec![
                ("StatelessDefaultActions", Y::List(vec![Y::s("aws:forward_to_sfe")])),
                (
                    "StatelessFragmentDefaultActions",
                    Y::List(vec![Y::s("aws:forward_to_sfe")]),
                ),
                (
                    "StatefulEngineOptions",
                    Y::map(vec![("RuleOrder", Y::s("STRICT_ORDER"))]),
                ),
                (
                    "StatefulRuleGroupReferences",
                    Y::List(vec![Y::map(vec![
                        ("ResourceArn", Y::r(format!("{id}Rules"))),
                        ("Priority", Y::Int(1)),
                    ])]),
                ),
            ];
            if f.default_action == FirewallAction::Drop {
                policy.push(("StatefulDefaultActions", Y::List(vec![Y::s("aws:drop_strict")])));
            }
            self.add(
                format!("{id}Policy"),
                "AWS::NetworkFirewall::FirewallPolicy",
                vec![
                    ("FirewallPolicyName", Y::s(elb_name(&f.name, "-policy"))),
                    ("FirewallPolicy", Y::map(policy)),
                ],
                vec![],
            );
            self.add(
                id.clone(),
                "AWS::NetworkFirewall::Firewall",
                vec![
                    ("FirewallName", Y::s(elb_name(&f.name, ""))),
                    ("FirewallPolicyArn", Y::r(format!("{id}Policy"))),
                    ("VpcId", self.r(&f.vpc)),
                    (
                        "SubnetMappings",
                        Y::List(
                            f.subnets
                                .iter()
                                .map(|s| Y::map(vec![("SubnetId", self.r(s))]))
                                .collect(),
                        ),
                    ),
                    tags(&f.name, &f.description),
                ],
                vec![],
            );
        }
    }

    fn flow_logs(&mut self) {
        for f in &self.d.flow_logs {
            let (ty, rid) = match &f.scope {
                FlowLogScope::Vpc(v) => ("VPC", self.r(v)),
                FlowLogScope::Subnet(s) => ("Subnet", self.r(s)),
                FlowLogScope::Instance(i) => {
                    self.notes.push(format!(
                        "flow log {} on instance {i}: CloudFormation does not expose an instance's network interface id",
                        f.name
                    ));
                    continue;
                }
            };
            let bucket = self.param(
                "FlowLogBucketArn",
                "String",
                "S3 bucket (ARN) that receives the flow logs",
            );
            self.add(
                self.id(&f.name),
                "AWS::EC2::FlowLog",
                vec![
                    ("ResourceId", rid),
                    ("ResourceType", Y::s(ty)),
                    (
                        "TrafficType",
                        Y::s(match f.traffic {
                            FlowLogTraffic::Accept => "ACCEPT",
                            FlowLogTraffic::Reject => "REJECT",
                            FlowLogTraffic::All => "ALL",
                        }),
                    ),
                    ("LogDestinationType", Y::s("s3")),
                    ("LogDestination", bucket),
                    tags(&f.name, &f.description),
                ],
                vec![],
            );
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
