//! Instances and their network interfaces, and load balancers (application,
//! network and gateway) with their target groups and listeners.

use super::yaml::Y;
use super::{tags, Cfn};
use crate::interop::elb_name;
use crate::model::*;

impl Cfn<'_> {
    pub(super) fn instances(&mut self) {
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

    pub(super) fn load_balancers(&mut self) {
        for lb in &self.d.load_balancers {
            let id = self.id(&lb.name);
            let alb = lb.kind == LoadBalancerKind::Application;
            let gwlb = lb.kind == LoadBalancerKind::Gateway;
            let mut props = vec![("Name", Y::s(elb_name(&lb.name, "")))];
            // A Gateway Load Balancer takes neither a scheme nor security
            // groups (CloudFormation template reference, AWS::ElasticLoadBalancingV2::LoadBalancer).
            if !gwlb {
                props.push((
                    "Scheme",
                    Y::s(if lb.scheme == LoadBalancerScheme::Internal {
                        "internal"
                    } else {
                        "internet-facing"
                    }),
                ));
            }
            props.push((
                "Type",
                Y::s(match lb.kind {
                    LoadBalancerKind::Application => "application",
                    LoadBalancerKind::Network => "network",
                    LoadBalancerKind::Gateway => "gateway",
                }),
            ));
            props.push(("Subnets", Y::List(lb.subnets.iter().map(|s| self.r(s)).collect())));
            if !lb.security_groups.is_empty() && !gwlb {
                props.push((
                    "SecurityGroups",
                    Y::List(lb.security_groups.iter().map(|g| self.sg_ref(g)).collect()),
                ));
            }
            // Off by default for network and gateway load balancers; always on
            // (and not settable) for an application one.
            if lb.cross_zone && !alb {
                props.push((
                    "LoadBalancerAttributes",
                    Y::List(vec![Y::map(vec![
                        ("Key", Y::s("load_balancing.cross_zone.enabled")),
                        ("Value", Y::s("true")),
                    ])]),
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
            if gwlb {
                self.gwlb_listener(lb, &id, &vpc);
                continue;
            }
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

    /// A Gateway Load Balancer's one listener: no port or protocol, forwarding
    /// to a GENEVE target group on UDP 6081 that holds the appliances (ELB
    /// guide, "Listeners for your Gateway Load Balancers", "Target groups").
    fn gwlb_listener(&mut self, lb: &LoadBalancer, id: &str, vpc: &str) {
        let tg = format!("{id}TgGeneve");
        let targets = lb.targets.iter().map(|t| Y::map(vec![("Id", self.r(t))])).collect();
        self.add(
            tg.clone(),
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            vec![
                ("Name", Y::s(elb_name(&lb.name, "-geneve"))),
                ("Port", Y::Int(6081)),
                ("Protocol", Y::s("GENEVE")),
                ("TargetType", Y::s("instance")),
                ("VpcId", self.r(vpc)),
                ("Targets", Y::List(targets)),
            ],
            vec![],
        );
        self.add(
            format!("{id}ListenerGeneve"),
            "AWS::ElasticLoadBalancingV2::Listener",
            vec![
                ("LoadBalancerArn", Y::r(id)),
                (
                    "DefaultActions",
                    Y::List(vec![Y::map(vec![
                        ("Type", Y::s("forward")),
                        ("TargetGroupArn", Y::r(&tg)),
                    ])]),
                ),
            ],
            vec![],
        );
    }
}
