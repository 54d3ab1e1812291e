//! Gateways, route tables and what routes point at: internet and
//! egress-only gateways, Elastic IPs, NAT gateways, routes and their
//! associations, VPC endpoints and peering connections.

use std::collections::BTreeMap;

use super::eval::{stable_id, ACCOUNT};
use super::resources::{field, Conv, Fail, Inst, Res};
use super::value::Value;
use crate::interop::aws::json as j;

impl Conv<'_> {
    pub(super) fn internet_gateway(&mut self, i: &Inst) -> Res<()> {
        let attachment = i.ty() == "aws_internet_gateway_attachment";
        let id = if attachment {
            i.req("internet_gateway_id")?
        } else {
            i.id()?
        };
        let vpc = i.str("vpc_id")?;
        if attachment {
            let vpc = vpc.ok_or_else(|| Fail::Skip("vpc_id is not set".into()))?;
            let g = self
                .out
                .igws
                .iter_mut()
                .find(|g| g.internet_gateway_id == id)
                .ok_or_else(|| Fail::Skip(format!("internet gateway {id} is not in the design")))?;
            g.attachments = vec![j::VpcAttachment {
                vpc_id: vpc,
                state: "available".into(),
            }];
            return Ok(());
        }
        self.out.igws.push(j::InternetGateway {
            internet_gateway_id: id,
            attachments: vpc
                .into_iter()
                .map(|v| j::VpcAttachment {
                    vpc_id: v,
                    state: "available".into(),
                })
                .collect(),
            owner_id: Some(ACCOUNT.into()),
            tags: i.tags()?,
        });
        Ok(())
    }

    pub(super) fn egress_only_gateway(&mut self, i: &Inst) -> Res<()> {
        self.out.eigws.push(j::EgressOnlyInternetGateway {
            egress_only_internet_gateway_id: i.id()?,
            attachments: vec![j::VpcAttachment {
                vpc_id: i.req("vpc_id")?,
                state: "attached".into(),
            }],
            tags: i.tags()?,
        });
        Ok(())
    }

    pub(super) fn eip(&mut self, i: &Inst) -> Res<()> {
        let public_ip = match i.get("public_ip")?.as_string() {
            Some(p) => p,
            None => {
                let p = Self::public_stand_in(&i.address());
                self.report.approximate(
                    &i.address(),
                    "aws_eip",
                    &format!("AWS picks the address from its pool: {p} stands in"),
                );
                p
            }
        };
        let instance = i.str("instance")?;
        let eni = i.str("network_interface")?;
        self.out.addresses.push(j::Address {
            allocation_id: Some(i.id()?),
            public_ip,
            instance_id: instance.clone(),
            network_interface_id: eni,
            private_ip_address: i.str("associate_with_private_ip")?,
            association_id: instance.map(|_| stable_id("eipassoc-", &i.address())),
            domain: Some("vpc".into()),
            tags: i.tags()?,
        });
        Ok(())
    }

    pub(super) fn eip_association(&mut self, i: &Inst) -> Res<()> {
        let alloc = i.req("allocation_id")?;
        let instance = i.str("instance_id")?;
        let eni = i.str("network_interface_id")?;
        let private = i.str("private_ip_address")?;
        let a = self
            .out
            .addresses
            .iter_mut()
            .find(|a| a.allocation_id.as_deref() == Some(alloc.as_str()))
            .ok_or_else(|| Fail::Skip(format!("Elastic IP {alloc} is not in the design")))?;
        a.instance_id = instance;
        a.network_interface_id = eni;
        a.private_ip_address = private;
        a.association_id = Some(stable_id("eipassoc-", &i.address()));
        Ok(())
    }

    pub(super) fn nat_gateway(&mut self, i: &Inst) -> Res<()> {
        // `availability_mode = "regional"`: one NAT gateway for `vpc_id`, in no
        // subnet; `availability_zone_address` blocks choose its AZs and Elastic
        // IPs by hand (manual mode), their absence lets AWS follow the VPC's
        // subnets (automatic mode) — Terraform AWS provider, `aws_nat_gateway`.
        if i.str("availability_mode")?.as_deref() == Some("regional") {
            let manual = !i.objects("availability_zone_address")?.is_empty();
            self.out.nats.push(j::NatGateway {
                nat_gateway_id: i.id()?,
                vpc_id: i.req("vpc_id")?,
                state: "available".into(),
                connectivity_type: Some(i.str("connectivity_type")?.unwrap_or_else(|| "public".into())),
                availability_mode: Some("regional".into()),
                auto_provision_zones: Some(if manual { "disabled" } else { "enabled" }.into()),
                tags: i.tags()?,
                ..Default::default()
            });
            return Ok(());
        }
        let subnet = i.req("subnet_id")?;
        let vpc = self.vpc_of_subnet(&subnet)?;
        let private = i.str("connectivity_type")?.as_deref() == Some("private");
        let alloc = i.str("allocation_id")?;
        let public_ip = alloc.as_ref().and_then(|a| {
            self.out
                .addresses
                .iter()
                .find(|x| x.allocation_id.as_deref() == Some(a.as_str()))
                .map(|x| x.public_ip.clone())
        });
        self.out.nats.push(j::NatGateway {
            nat_gateway_id: i.id()?,
            subnet_id: subnet,
            vpc_id: vpc,
            state: "available".into(),
            connectivity_type: Some(if private { "private" } else { "public" }.into()),
            nat_gateway_addresses: vec![j::NatGatewayAddress {
                allocation_id: alloc,
                network_interface_id: Some(self.ev.derived_id(&i.r, "eni-", "nat")),
                private_ip: i.str("private_ip")?,
                public_ip,
                is_primary: Some(true),
                ..Default::default()
            }],
            tags: i.tags()?,
            ..Default::default()
        });
        Ok(())
    }

    /// One route from a `route` block or an `aws_route`, its target read by the id's kind.
    fn route_of(&self, o: &BTreeMap<String, Value>, inline: bool) -> Res<Option<j::Route>> {
        let (v4, v6) = if inline {
            ("cidr_block", "ipv6_cidr_block")
        } else {
            ("destination_cidr_block", "destination_ipv6_cidr_block")
        };
        let mut r = j::Route {
            destination_cidr_block: field(o, v4)?,
            destination_ipv6_cidr_block: field(o, v6)?,
            destination_prefix_list_id: field(o, "destination_prefix_list_id")?,
            origin: Some("CreateRoute".into()),
            state: Some("active".into()),
            ..Default::default()
        };
        if r.destination_cidr_block.is_none()
            && r.destination_ipv6_cidr_block.is_none()
            && r.destination_prefix_list_id.is_none()
        {
            return Err(Fail::Skip("a route without a destination".into()));
        }
        let gw = field(o, "gateway_id")?.or(field(o, "vpc_endpoint_id")?);
        match gw {
            // AWS accepts a NAT gateway's id as gateway_id and shows it as NatGatewayId.
            Some(g) if g.starts_with("nat-") => r.nat_gateway_id = Some(g),
            Some(g) => r.gateway_id = Some(g),
            None => {}
        }
        if let Some(n) = field(o, "nat_gateway_id")? {
            r.nat_gateway_id = Some(n);
        }
        r.egress_only_internet_gateway_id = field(o, "egress_only_gateway_id")?;
        r.network_interface_id = field(o, "network_interface_id")?;
        r.instance_id = field(o, "instance_id")?;
        if let Some(inst) = &r.instance_id {
            if r.network_interface_id.is_none() {
                if let Some(owner) = self.ev.ids.borrow().get(inst) {
                    r.network_interface_id = Some(self.ev.derived_id(owner, "eni-", "primary"));
                }
            }
        }
        r.vpc_peering_connection_id = field(o, "vpc_peering_connection_id")?;
        r.transit_gateway_id = field(o, "transit_gateway_id")?;
        r.local_gateway_id = field(o, "local_gateway_id")?;
        r.carrier_gateway_id = field(o, "carrier_gateway_id")?;
        r.core_network_arn = field(o, "core_network_arn")?;
        if field(o, "gateway_id")?.as_deref() == Some("local") {
            // The local route is AWS's own; a route naming it only restates it.
            return Ok(None);
        }
        Ok(Some(r))
    }

    pub(super) fn route_table(&mut self, i: &Inst) -> Res<()> {
        let default = i.ty() == "aws_default_route_table";
        let mut routes = Vec::new();
        for o in i.objects("route")? {
            if let Some(r) = self.route_of(&o, true)? {
                routes.push(r);
            }
        }
        let vgws: Vec<j::PropagatingVgw> = i
            .strs("propagating_vgws")?
            .into_iter()
            .map(|g| j::PropagatingVgw { gateway_id: g })
            .collect();
        let tags = i.tags()?;
        if default {
            // aws_default_route_table adopts the main table and holds exactly these routes.
            let id = i.req("default_route_table_id")?;
            let rt = self
                .out
                .route_tables
                .iter_mut()
                .find(|r| r.route_table_id == id)
                .ok_or_else(|| Fail::Skip(format!("route table {id} is not a VPC's main table in the design")))?;
            rt.routes = routes;
            rt.propagating_vgws = vgws;
            rt.tags = tags;
            return Ok(());
        }
        let vpc = i.req("vpc_id")?;
        self.defaults(&vpc)?;
        self.out.route_tables.push(j::RouteTable {
            route_table_id: i.id()?,
            vpc_id: vpc,
            associations: Vec::new(),
            routes,
            propagating_vgws: vgws,
            owner_id: Some(ACCOUNT.into()),
            tags,
        });
        Ok(())
    }

    fn table(&mut self, id: &str) -> Res<&mut j::RouteTable> {
        self.out
            .route_tables
            .iter_mut()
            .find(|r| r.route_table_id == id)
            .ok_or_else(|| Fail::Skip(format!("route table {id} is not in the design")))
    }

    pub(super) fn route(&mut self, i: &Inst) -> Res<()> {
        let rt = i.req("route_table_id")?;
        let mut o = BTreeMap::new();
        for k in [
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
            "gateway_id",
            "vpc_endpoint_id",
            "nat_gateway_id",
            "egress_only_gateway_id",
            "network_interface_id",
            "instance_id",
            "vpc_peering_connection_id",
            "transit_gateway_id",
            "local_gateway_id",
            "carrier_gateway_id",
            "core_network_arn",
        ] {
            o.insert(k.to_string(), i.get(k)?);
        }
        if let Some(r) = self.route_of(&o, false)? {
            self.table(&rt)?.routes.push(r);
        }
        Ok(())
    }

    pub(super) fn route_table_association(&mut self, i: &Inst) -> Res<()> {
        let rt = i.req("route_table_id")?;
        let subnet = i.str("subnet_id")?;
        let gateway = i.str("gateway_id")?;
        if subnet.is_none() && gateway.is_none() {
            return Err(Fail::Skip("neither subnet_id nor gateway_id is set".into()));
        }
        let assoc = j::RouteTableAssociation {
            main: false,
            subnet_id: subnet.clone(),
            gateway_id: gateway,
            route_table_association_id: Some(i.id()?),
        };
        // A subnet has one route table: a new association replaces the old (AWS ReplaceRouteTableAssociation).
        if let Some(s) = &subnet {
            for t in &mut self.out.route_tables {
                t.associations.retain(|a| a.subnet_id.as_deref() != Some(s.as_str()));
            }
        }
        self.table(&rt)?.associations.push(assoc);
        Ok(())
    }

    pub(super) fn main_route_table_association(&mut self, i: &Inst) -> Res<()> {
        let vpc = i.req("vpc_id")?;
        let rt = i.req("route_table_id")?;
        self.table(&rt)?;
        for t in self.out.route_tables.iter_mut().filter(|t| t.vpc_id == vpc) {
            t.associations.retain(|a| !a.main);
        }
        self.table(&rt)?.associations.push(j::RouteTableAssociation {
            main: true,
            route_table_association_id: Some(i.id()?),
            ..Default::default()
        });
        Ok(())
    }

    pub(super) fn route_propagation(&mut self, i: &Inst) -> Res<()> {
        let rt = i.req("route_table_id")?;
        let vgw = i.req("vpn_gateway_id")?;
        self.table(&rt)?
            .propagating_vgws
            .push(j::PropagatingVgw { gateway_id: vgw });
        Ok(())
    }

    pub(super) fn endpoint(&mut self, i: &Inst) -> Res<()> {
        let vpc = i.req("vpc_id")?;
        let d = self.defaults(&vpc)?;
        let id = i.id()?;
        // vpc_endpoint_type defaults to Gateway (provider docs).
        let ty = i.str("vpc_endpoint_type")?.unwrap_or_else(|| "Gateway".into());
        let service = i.req("service_name")?;
        let mut e = j::VpcEndpoint {
            vpc_endpoint_id: id.clone(),
            vpc_endpoint_type: ty.clone(),
            vpc_id: vpc,
            service_name: service.clone(),
            state: "available".into(),
            policy_document: i.str("policy")?,
            tags: i.tags()?,
            ..Default::default()
        };
        match ty.as_str() {
            "Gateway" => {
                e.route_table_ids = i.strs("route_table_ids")?;
                e.ip_address_type = i.str("ip_address_type")?;
            }
            "Interface" => {
                e.subnet_ids = i.strs("subnet_ids")?;
                let mut groups = i.strs("security_group_ids")?;
                if groups.is_empty() {
                    // Without groups AWS uses the VPC's default security group.
                    groups.push(d.sg);
                }
                e.groups = groups
                    .into_iter()
                    .map(|g| j::GroupIdentifier {
                        group_id: g,
                        group_name: None,
                    })
                    .collect();
                e.private_dns_enabled = i.bool("private_dns_enabled")?.unwrap_or(false);
                e.network_interface_ids = e
                    .subnet_ids
                    .iter()
                    .map(|s| self.ev.derived_id(&i.r, "eni-", s))
                    .collect();
                // `subnet_configuration { subnet_id, ipv4 }` chooses the address of the
                // interface in a subnet (provider docs, aws_vpc_endpoint; EC2 API
                // SubnetConfiguration): written as that interface's address.
                for c in i.objects("subnet_configuration")? {
                    let (Some(subnet), Some(ipv4)) = (field(&c, "subnet_id")?, field(&c, "ipv4")?) else {
                        continue;
                    };
                    self.out.enis.push(j::NetworkInterface {
                        network_interface_id: self.ev.derived_id(&i.r, "eni-", &subnet),
                        vpc_id: e.vpc_id.clone(),
                        subnet_id: subnet,
                        interface_type: Some("vpc_endpoint".into()),
                        requester_managed: true,
                        private_ip_address: Some(ipv4),
                        status: Some("in-use".into()),
                        ..Default::default()
                    });
                }
            }
            "GatewayLoadBalancer" => {
                e.subnet_ids = i.strs("subnet_ids")?;
                e.network_interface_ids = e
                    .subnet_ids
                    .iter()
                    .map(|s| self.ev.derived_id(&i.r, "eni-", s))
                    .collect();
            }
            other => return Err(Fail::Skip(format!("{other} endpoints are not modelled"))),
        }
        self.out.endpoints.push(e);
        Ok(())
    }

    /// A PrivateLink endpoint service this configuration provides, in front of a
    /// Network or Gateway Load Balancer (provider resource `aws_vpc_endpoint_service`).
    pub(super) fn endpoint_service(&mut self, i: &Inst) -> Res<()> {
        let id = i.id()?;
        let nlbs = i.strs("network_load_balancer_arns")?;
        let gwlbs = i.strs("gateway_load_balancer_arns")?;
        if nlbs.is_empty() && gwlbs.is_empty() {
            return Err(Fail::Skip("it names no load balancer".into()));
        }
        let kind = if gwlbs.is_empty() {
            "Interface"
        } else {
            "GatewayLoadBalancer"
        };
        let service_name = i
            .get("service_name")?
            .as_string()
            .unwrap_or_else(|| format!("com.amazonaws.vpce.{}.{id}", self.region));
        for p in i.strs("allowed_principals")? {
            self.out.principals.push(j::AllowedPrincipal {
                principal_type: "Account".into(),
                principal: p,
                service_id: Some(id.clone()),
            });
        }
        self.out.services.push(j::ServiceConfiguration {
            service_id: id,
            service_name,
            service_type: vec![j::ServiceTypeDetail {
                service_type: kind.into(),
            }],
            service_state: Some("Available".into()),
            availability_zones: Vec::new(),
            // AWS's default is true (provider docs: `acceptance_required` is required).
            acceptance_required: i.bool("acceptance_required")?.unwrap_or(true),
            network_load_balancer_arns: nlbs,
            gateway_load_balancer_arns: gwlbs,
            private_dns_name: i.str("private_dns_name")?,
            tags: i.tags()?,
        });
        Ok(())
    }

    pub(super) fn endpoint_accepter(&mut self, i: &Inst) -> Res<()> {
        let service = i.req("vpc_endpoint_service_id")?;
        let endpoint = i.req("vpc_endpoint_id")?;
        self.out.accepted.push((service, endpoint));
        Ok(())
    }

    pub(super) fn endpoint_principal(&mut self, i: &Inst) -> Res<()> {
        self.out.principals.push(j::AllowedPrincipal {
            principal_type: "Account".into(),
            principal: i.req("principal_arn")?,
            service_id: Some(i.req("vpc_endpoint_service_id")?),
        });
        Ok(())
    }

    /// Each endpoint to a service of this configuration is a connection the
    /// provider sees: available when accepted or when the service needs no
    /// acceptance, else pending (PrivateLink guide, "Accept or reject connection
    /// requests"); the endpoint shows the same state.
    pub(super) fn endpoint_connections(&mut self) {
        let mut connections = Vec::new();
        for e in &mut self.out.endpoints {
            let Some(svc) = self.out.services.iter().find(|s| s.service_name == e.service_name) else {
                continue;
            };
            let accepted = !svc.acceptance_required
                || self
                    .out
                    .accepted
                    .iter()
                    .any(|(s, ep)| *s == svc.service_id && *ep == e.vpc_endpoint_id);
            let state = if accepted { "available" } else { "pendingAcceptance" };
            e.state = state.into();
            connections.push(j::VpcEndpointConnection {
                service_id: svc.service_id.clone(),
                vpc_endpoint_id: e.vpc_endpoint_id.clone(),
                // One configuration, one account: the design's own.
                vpc_endpoint_owner: None,
                vpc_endpoint_state: state.into(),
            });
        }
        self.out.connections = connections;
    }

    pub(super) fn endpoint_association(&mut self, i: &Inst) -> Res<()> {
        let id = i.req("vpc_endpoint_id")?;
        let rt = i.str("route_table_id")?;
        let subnet = i.str("subnet_id")?;
        let e = self
            .out
            .endpoints
            .iter_mut()
            .find(|e| e.vpc_endpoint_id == id)
            .ok_or_else(|| Fail::Skip(format!("endpoint {id} is not in the design")))?;
        if let Some(rt) = rt {
            e.route_table_ids.push(rt);
        }
        if let Some(s) = subnet {
            e.subnet_ids.push(s);
        }
        Ok(())
    }

    /// Gateway endpoints' routes: AWS adds one to each table the endpoint names,
    /// to the service's prefix list (VPC User Guide, "Gateway endpoints").
    pub(super) fn endpoint_routes(&mut self) {
        let mut add: Vec<(String, j::Route)> = Vec::new();
        for e in &self.out.endpoints {
            if e.vpc_endpoint_type != "Gateway" {
                continue;
            }
            for rt in &e.route_table_ids {
                add.push((
                    rt.clone(),
                    j::Route {
                        destination_prefix_list_id: Some(stable_id("pl-", &e.service_name)),
                        gateway_id: Some(e.vpc_endpoint_id.clone()),
                        origin: Some("CreateRoute".into()),
                        state: Some("active".into()),
                        ..Default::default()
                    },
                ));
            }
        }
        for (rt, r) in add {
            if let Some(t) = self.out.route_tables.iter_mut().find(|t| t.route_table_id == rt) {
                t.routes.push(r);
            }
        }
    }

    pub(super) fn peering(&mut self, i: &Inst) -> Res<()> {
        let vpc = i.req("vpc_id")?;
        let peer = i.req("peer_vpc_id")?;
        let peer_region = i.str("peer_region")?;
        let peer_owner = i.str("peer_owner_id")?;
        let accepted = i.bool("auto_accept")? == Some(true);
        let info =
            |v: &str, owner: Option<String>, region: Option<String>, cidrs: Option<&Vec<String>>| j::PeeringVpcInfo {
                vpc_id: v.to_string(),
                owner_id: owner.or_else(|| Some(ACCOUNT.into())),
                region: region.or_else(|| Some(self.region.clone())),
                cidr_block: cidrs.and_then(|c| c.first().cloned()),
                cidr_block_set: cidrs
                    .map(|c| c.iter().map(|x| j::CidrBlockItem { cidr_block: x.clone() }).collect())
                    .unwrap_or_default(),
            };
        let requester = info(&vpc, None, None, self.vpc_cidrs.get(&vpc));
        let accepter = info(&peer, peer_owner, peer_region, self.vpc_cidrs.get(&peer));
        self.out.peerings.push(j::VpcPeeringConnection {
            vpc_peering_connection_id: i.id()?,
            accepter_vpc_info: accepter,
            requester_vpc_info: requester,
            status: j::PeeringStatus {
                code: if accepted { "active" } else { "pending-acceptance" }.into(),
                message: None,
            },
            tags: i.tags()?,
        });
        Ok(())
    }

    pub(super) fn peering_accepter(&mut self, i: &Inst) -> Res<()> {
        let id = i.req("vpc_peering_connection_id")?;
        let accept = i.bool("auto_accept")?.unwrap_or(false);
        let p = self
            .out
            .peerings
            .iter_mut()
            .find(|p| p.vpc_peering_connection_id == id)
            .ok_or_else(|| {
                Fail::Skip(format!(
                    "peering {id} is requested outside this design's Region or files"
                ))
            })?;
        if accept {
            p.status.code = "active".into();
        }
        Ok(())
    }
}
