//! Instances, their network interfaces, and Elastic Load Balancing (load
//! balancers, target groups, listeners, registered targets).

use super::eval::{stable_id, ACCOUNT};
use super::resources::{field, Conv, Fail, Inst, Res};
use crate::interop::aws::json as j;

fn groups(ids: Vec<String>) -> Vec<j::GroupIdentifier> {
    ids.into_iter()
        .map(|g| j::GroupIdentifier {
            group_id: g,
            group_name: None,
        })
        .collect()
}

impl Conv<'_> {
    pub(super) fn instance(&mut self, i: &Inst) -> Res<()> {
        let id = i.id()?;
        let subnet = i.req("subnet_id")?;
        let vpc = self.vpc_of_subnet(&subnet)?;
        let d = self.defaults(&vpc)?;
        let mut sgs = i.strs("vpc_security_group_ids")?;
        if sgs.is_empty() {
            sgs = i.strs("security_groups")?;
        }
        if sgs.is_empty() {
            // Launched without groups, an instance gets its VPC's default group (EC2 User Guide).
            sgs.push(d.sg);
        }
        let private = match i.get("private_ip")? {
            super::value::Value::String(s) => Some(s),
            _ => None,
        };
        // associate_public_ip_address overrides the subnet's map_public_ip_on_launch.
        let public = i
            .bool("associate_public_ip_address")?
            .unwrap_or_else(|| self.subnet_public.get(&subnet).copied().unwrap_or(false));
        let public_ip = public.then(|| Self::public_stand_in(&i.address()));
        let v6 = i.strs("ipv6_addresses")?;
        let sdc = i.bool("source_dest_check")?.unwrap_or(true);
        let eni_id = self.ev.derived_id(&i.r, "eni-", "primary");
        let az = self.subnet_az.get(&subnet).cloned().unwrap_or_default();
        let eni = j::NetworkInterface {
            network_interface_id: eni_id,
            subnet_id: subnet.clone(),
            vpc_id: vpc.clone(),
            availability_zone: Some(az.clone()),
            interface_type: Some("interface".into()),
            owner_id: Some(ACCOUNT.into()),
            private_ip_address: private.clone(),
            private_ip_addresses: private
                .iter()
                .map(|p| j::PrivateIp {
                    private_ip_address: p.clone(),
                    primary: true,
                    association: public_ip.as_ref().map(|ip| j::IpAssociation {
                        public_ip: Some(ip.clone()),
                        ..Default::default()
                    }),
                })
                .collect(),
            ipv6_addresses: v6
                .iter()
                .map(|a| j::Ipv6Address {
                    ipv6_address: a.clone(),
                })
                .collect(),
            groups: groups(sgs.clone()),
            attachment: Some(j::EniAttachment {
                instance_id: Some(id.clone()),
                instance_owner_id: Some(ACCOUNT.into()),
                device_index: Some(0),
                status: Some("attached".into()),
            }),
            association: public_ip.as_ref().map(|ip| j::IpAssociation {
                public_ip: Some(ip.clone()),
                ..Default::default()
            }),
            source_dest_check: Some(sdc),
            status: Some("in-use".into()),
            ..Default::default()
        };
        if public {
            self.report.approximate(
                &i.address(),
                "aws_instance",
                "its public address is AWS's pick: a stand-in marks it public",
            );
        }
        self.out.enis.push(eni.clone());
        self.out.instances.push(j::Instance {
            instance_id: id,
            state: j::InstanceState { name: "running".into() },
            subnet_id: Some(subnet),
            vpc_id: Some(vpc),
            private_ip_address: private,
            public_ip_address: public_ip,
            ipv6_address: v6.first().cloned(),
            instance_type: i.str("instance_type").ok().flatten(),
            platform: None,
            placement: Some(j::Placement { availability_zone: az }),
            security_groups: groups(sgs),
            source_dest_check: Some(sdc),
            network_interfaces: vec![eni],
            tags: i.tags()?,
        });
        Ok(())
    }

    pub(super) fn network_interface(&mut self, i: &Inst) -> Res<()> {
        let subnet = i.req("subnet_id")?;
        let vpc = self.vpc_of_subnet(&subnet)?;
        let d = self.defaults(&vpc)?;
        let mut sgs = i.strs("security_groups")?;
        if sgs.is_empty() {
            sgs.push(d.sg);
        }
        let mut ips = i.strs("private_ips")?;
        if let Some(p) = i.str("private_ip")? {
            ips.insert(0, p);
        }
        let attachment = i.objects("attachment")?.into_iter().next();
        let instance = match &attachment {
            Some(a) => field(a, "instance")?,
            None => None,
        };
        let index = match &attachment {
            Some(a) => super::resources::field_int(a, "device_index")?,
            None => None,
        };
        let tags = i.tags()?;
        let eni = j::NetworkInterface {
            network_interface_id: i.id()?,
            subnet_id: subnet.clone(),
            vpc_id: vpc,
            availability_zone: self.subnet_az.get(&subnet).cloned(),
            interface_type: Some("interface".into()),
            owner_id: Some(ACCOUNT.into()),
            private_ip_address: ips.first().cloned(),
            private_ip_addresses: ips
                .iter()
                .enumerate()
                .map(|(n, p)| j::PrivateIp {
                    private_ip_address: p.clone(),
                    primary: n == 0,
                    association: None,
                })
                .collect(),
            groups: groups(sgs),
            attachment: instance.as_ref().map(|inst| j::EniAttachment {
                instance_id: Some(inst.clone()),
                instance_owner_id: Some(ACCOUNT.into()),
                device_index: index,
                status: Some("attached".into()),
            }),
            source_dest_check: Some(i.bool("source_dest_check")?.unwrap_or(true)),
            status: Some(if instance.is_some() { "in-use" } else { "available" }.into()),
            tag_set: tags.clone(),
            tags,
            ..Default::default()
        };
        if let Some(inst) = &instance {
            if let Some(x) = self.out.instances.iter_mut().find(|x| x.instance_id == *inst) {
                x.network_interfaces.push(eni.clone());
            }
        }
        self.out.enis.push(eni);
        Ok(())
    }

    pub(super) fn load_balancer(&mut self, i: &Inst) -> Res<()> {
        let mut subnets = i.strs("subnets")?;
        for m in i.objects("subnet_mapping")? {
            if let Some(s) = field(&m, "subnet_id")? {
                subnets.push(s);
            }
        }
        let first = subnets.first().ok_or_else(|| Fail::Skip("no subnets".into()))?;
        let vpc = self.vpc_of_subnet(first)?;
        let ty = i.str("load_balancer_type")?.unwrap_or_else(|| "application".into());
        if ty != "application" && ty != "network" && ty != "gateway" {
            return Err(Fail::Skip(format!("{ty} load balancers are not modelled")));
        }
        let internal = i.bool("internal")?.unwrap_or(false);
        let name = i.str("name")?.unwrap_or_else(|| i.label());
        let arn: String = i.req("arn")?;
        // `enable_cross_zone_load_balancing`: off by default for network and
        // gateway load balancers (always on for application ones).
        if let Some(on) = i.bool("enable_cross_zone_load_balancing")? {
            self.out.lb_attributes.push(j::LoadBalancerAttributes {
                load_balancer_arn: arn.clone(),
                attributes: vec![j::LbAttribute {
                    key: "load_balancing.cross_zone.enabled".into(),
                    value: on.to_string(),
                }],
            });
        }
        self.out.lbs.push(j::LoadBalancer {
            load_balancer_arn: arn,
            load_balancer_name: name,
            dns_name: None,
            scheme: if internal { "internal" } else { "internet-facing" }.into(),
            vpc_id: vpc,
            r#type: ty,
            state: Some(j::LbState { code: "active".into() }),
            availability_zones: subnets
                .iter()
                .map(|s| j::LbZone {
                    zone_name: self.subnet_az.get(s).cloned().unwrap_or_default(),
                    subnet_id: s.clone(),
                })
                .collect(),
            security_groups: i.strs("security_groups")?,
        });
        Ok(())
    }

    pub(super) fn target_group(&mut self, i: &Inst) -> Res<()> {
        self.out.tgs.push(j::TargetGroup {
            target_group_arn: i.req("arn")?,
            target_group_name: i.str("name")?.unwrap_or_else(|| i.label()),
            protocol: i.str("protocol")?,
            port: i.int("port")?,
            vpc_id: i.str("vpc_id")?,
            target_type: Some(i.str("target_type")?.unwrap_or_else(|| "instance".into())),
            load_balancer_arns: Vec::new(),
        });
        Ok(())
    }

    pub(super) fn listener(&mut self, i: &Inst) -> Res<()> {
        let lb = i.req("load_balancer_arn")?;
        let mut actions = Vec::new();
        for a in i.objects("default_action")? {
            let tg = field(&a, "target_group_arn")?;
            let forward = match a.get("forward") {
                Some(super::value::Value::List(f)) => {
                    let mut tgs = Vec::new();
                    for x in f {
                        if let super::value::Value::Map(m) = x {
                            if let Some(super::value::Value::List(groups)) = m.get("target_group") {
                                for g in groups {
                                    if let super::value::Value::Map(g) = g {
                                        if let Some(arn) = field(g, "arn")? {
                                            tgs.push(j::ForwardTargetGroup { target_group_arn: arn });
                                        }
                                    }
                                }
                            }
                        }
                    }
                    Some(j::ForwardConfig { target_groups: tgs })
                }
                _ => None,
            };
            for g in tg.iter().chain(
                forward
                    .iter()
                    .flat_map(|f| f.target_groups.iter().map(|t| &t.target_group_arn)),
            ) {
                if let Some(t) = self.out.tgs.iter_mut().find(|t| t.target_group_arn == *g) {
                    if !t.load_balancer_arns.contains(&lb) {
                        t.load_balancer_arns.push(lb.clone());
                    }
                }
            }
            actions.push(j::ListenerAction {
                r#type: field(&a, "type")?.unwrap_or_else(|| "forward".into()),
                target_group_arn: tg,
                forward_config: forward,
            });
        }
        // A Gateway Load Balancer's listener has no port or protocol: it takes
        // every packet and forwards it in GENEVE on UDP 6081.
        let gateway = self
            .out
            .lbs
            .iter()
            .any(|l| l.load_balancer_arn == lb && l.r#type == "gateway");
        let (port, proto) = if gateway {
            (6081, "GENEVE".to_string())
        } else {
            (
                i.int("port")?.ok_or_else(|| Fail::Skip("port is not set".into()))?,
                i.str("protocol")?.unwrap_or_else(|| "HTTP".into()),
            )
        };
        self.out.listeners.push(j::Listener {
            listener_arn: format!("{lb}/listener-{}", stable_id("", &i.address()))
                .replace(":loadbalancer/", ":listener/"),
            load_balancer_arn: lb,
            port,
            protocol: proto,
            default_actions: actions,
        });
        Ok(())
    }

    pub(super) fn target_attachment(&mut self, i: &Inst) -> Res<()> {
        let tg = i.req("target_group_arn")?;
        let target = i.req("target_id")?;
        self.out.health.entry(tg).or_default().push(j::TargetHealthDescription {
            target: j::TargetDescription {
                id: target,
                port: i.int("port")?,
                availability_zone: i.str("availability_zone")?,
            },
            target_health: Some(j::TargetHealth {
                state: "healthy".into(),
            }),
        });
        Ok(())
    }
}
