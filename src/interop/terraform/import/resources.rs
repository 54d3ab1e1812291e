//! Resources → the AWS CLI's `describe-*` shapes. Each evaluated resource
//! instance becomes what `aws ec2 describe-*` would show once Terraform had
//! applied it — including what AWS creates by itself (a VPC's main route
//! table, default network ACL and default security group, local routes,
//! gateway-endpoint routes) — so the design is built by the same builder as
//! `vpcd import aws`, and both imports read AWS's objects the same way.
//! Resources of other providers or kinds vpcd does not model are reported
//! with their location, never dropped silently.

use std::collections::{BTreeMap, HashMap};

use super::eval::{stable_id, Evaluator, ACCOUNT};
use super::load::TfError;
use super::value::{InstKey, ResRef, Value};
use crate::interop::aws::json::{self as j, Tag};
use crate::interop::aws::Report;

/// Why one resource instance is left out (it is reported, the import goes on),
/// or why the whole import stops.
pub enum Fail {
    Tf(TfError),
    Skip(String),
}

impl From<TfError> for Fail {
    fn from(e: TfError) -> Self {
        Fail::Tf(e)
    }
}

pub type Res<T> = Result<T, Fail>;

/// One resource instance, with typed reads of its attributes.
pub struct Inst<'e> {
    pub ev: &'e Evaluator,
    pub r: ResRef,
}

impl Inst<'_> {
    pub fn ty(&self) -> &str {
        &self.ev.resource(&self.r).ty
    }

    pub fn address(&self) -> String {
        self.ev.address(&self.r)
    }

    /// `file:line` of the resource block.
    pub fn place(&self) -> String {
        let res = self.ev.resource(&self.r);
        let l = self.ev.loc(res.file, res.span.clone());
        format!("{}:{}", l.file.display(), l.line)
    }

    pub fn id(&self) -> Res<String> {
        self.req("id")
    }

    pub fn get(&self, k: &str) -> Res<Value> {
        Ok(self.ev.attr(&self.r, k)?)
    }

    fn known(&self, k: &str, v: Value) -> Res<Value> {
        match v {
            Value::Unknown(why) => Err(Fail::Skip(format!("{k} is known only after apply ({why})"))),
            v => Ok(v),
        }
    }

    pub fn str(&self, k: &str) -> Res<Option<String>> {
        match self.known(k, self.get(k)?)? {
            Value::Null => Ok(None),
            v => v
                .as_string()
                .map(Some)
                .ok_or_else(|| Fail::Skip(format!("{k} should be a string, not {v}"))),
        }
    }

    pub fn req(&self, k: &str) -> Res<String> {
        self.str(k)?.ok_or_else(|| Fail::Skip(format!("{k} is not set")))
    }

    pub fn bool(&self, k: &str) -> Res<Option<bool>> {
        match self.known(k, self.get(k)?)? {
            Value::Null => Ok(None),
            v => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| Fail::Skip(format!("{k} should be a bool, not {v}"))),
        }
    }

    pub fn int(&self, k: &str) -> Res<Option<i64>> {
        match self.known(k, self.get(k)?)? {
            Value::Null => Ok(None),
            v => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| Fail::Skip(format!("{k} should be a number, not {v}"))),
        }
    }

    /// A list of strings (null is empty).
    pub fn strs(&self, k: &str) -> Res<Vec<String>> {
        strings(k, &self.known(k, self.get(k)?)?)
    }

    /// Nested blocks (or the attribute form `route = [...]`), each as an object.
    pub fn objects(&self, k: &str) -> Res<Vec<BTreeMap<String, Value>>> {
        match self.known(k, self.get(k)?)? {
            Value::Null => Ok(Vec::new()),
            Value::List(l) => l
                .into_iter()
                .map(|v| match v {
                    Value::Map(m) => Ok(m),
                    other => Err(Fail::Skip(format!("{k} should hold objects, not {other}"))),
                })
                .collect(),
            other => Err(Fail::Skip(format!("{k} should be a list of objects, not {other}"))),
        }
    }

    /// The resource's tags, with a `Name` from its label when it has none
    /// (so the design's objects are named after the code that made them).
    pub fn tags(&self) -> Res<Vec<Tag>> {
        let mut out = match self.get("tags")? {
            Value::Map(m) => m
                .into_iter()
                .filter_map(|(k, v)| v.as_string().map(|value| Tag { key: k, value }))
                .collect(),
            _ => Vec::new(),
        };
        if !out.iter().any(|t| t.key == "Name") {
            out.push(Tag {
                key: "Name".into(),
                value: self.label(),
            });
        }
        Ok(out)
    }

    /// `name`, `name-0`, `name-key`, prefixed with the module's name in a child module.
    pub fn label(&self) -> String {
        let res = self.ev.resource(&self.r);
        let mut s = String::new();
        let prefix = &self.ev.mods[self.r.module].prefix;
        for part in prefix.split('.').filter(|p| !p.is_empty() && *p != "module") {
            s.push_str(part);
            s.push('-');
        }
        s.push_str(&res.name);
        match &self.r.key {
            InstKey::Single => {}
            InstKey::Index(i) => s.push_str(&format!("-{i}")),
            InstKey::Key(k) => s.push_str(&format!("-{k}")),
        }
        s
    }
}

pub fn strings(k: &str, v: &Value) -> Res<Vec<String>> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::List(l) => l
            .iter()
            .filter(|x| !matches!(x, Value::Null))
            .map(|x| match x {
                Value::Unknown(why) => Err(Fail::Skip(format!("{k} is known only after apply ({why})"))),
                x => x
                    .as_string()
                    .ok_or_else(|| Fail::Skip(format!("{k} should hold strings, not {x}"))),
            })
            .collect(),
        Value::Unknown(why) => Err(Fail::Skip(format!("{k} is known only after apply ({why})"))),
        other => Err(Fail::Skip(format!("{k} should be a list, not {other}"))),
    }
}

/// A string field of a nested block.
pub fn field(o: &BTreeMap<String, Value>, k: &str) -> Res<Option<String>> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Unknown(why)) => Err(Fail::Skip(format!("{k} is known only after apply ({why})"))),
        Some(v) => Ok(v.as_string().filter(|s| !s.is_empty())),
    }
}

pub fn field_int(o: &BTreeMap<String, Value>, k: &str) -> Res<Option<i64>> {
    Ok(field(o, k)?.and_then(|s| s.parse::<f64>().ok()).map(|f| f as i64))
}

pub fn field_bool(o: &BTreeMap<String, Value>, k: &str) -> Res<Option<bool>> {
    Ok(field(o, k)?.map(|s| s == "true"))
}

pub fn field_strs(o: &BTreeMap<String, Value>, k: &str) -> Res<Vec<String>> {
    strings(k, o.get(k).unwrap_or(&Value::Null))
}

/// What every `describe-*` output would hold, built up resource by resource.
#[derive(Default)]
pub struct Out {
    pub vpcs: Vec<j::Vpc>,
    pub dns: Vec<(String, bool, bool)>,
    pub subnets: Vec<j::Subnet>,
    pub route_tables: Vec<j::RouteTable>,
    pub security_groups: Vec<j::SecurityGroup>,
    pub network_acls: Vec<j::NetworkAcl>,
    pub instances: Vec<j::Instance>,
    pub enis: Vec<j::NetworkInterface>,
    pub igws: Vec<j::InternetGateway>,
    pub eigws: Vec<j::EgressOnlyInternetGateway>,
    pub nats: Vec<j::NatGateway>,
    pub addresses: Vec<j::Address>,
    pub endpoints: Vec<j::VpcEndpoint>,
    pub peerings: Vec<j::VpcPeeringConnection>,
    pub tgws: Vec<j::TransitGateway>,
    pub tgw_atts: Vec<j::TransitGatewayAttachment>,
    pub tgw_vpc_atts: Vec<j::TransitGatewayVpcAttachment>,
    pub tgw_rts: Vec<j::TransitGatewayRouteTable>,
    pub tgw_props: BTreeMap<String, Vec<j::TgwRouteTablePropagation>>,
    pub tgw_routes: BTreeMap<String, Vec<j::TgwRoute>>,
    pub vgws: Vec<j::VpnGateway>,
    pub cgws: Vec<j::CustomerGateway>,
    pub vpns: Vec<j::VpnConnection>,
    pub prefix_lists: Vec<j::PrefixList>,
    pub managed_prefix_lists: Vec<j::ManagedPrefixList>,
    pub lbs: Vec<j::LoadBalancer>,
    pub lb_attributes: Vec<j::LoadBalancerAttributes>,
    pub tgs: Vec<j::TargetGroup>,
    pub listeners: Vec<j::Listener>,
    pub health: BTreeMap<String, Vec<j::TargetHealthDescription>>,
    pub services: Vec<j::ServiceConfiguration>,
    pub principals: Vec<j::AllowedPrincipal>,
    /// Endpoint connections the provider accepted: (service id, endpoint id).
    pub accepted: Vec<(String, String)>,
    pub connections: Vec<j::VpcEndpointConnection>,
}

/// The defaults AWS creates with a VPC (VPC User Guide: "main route table",
/// "default network ACL", "default security group").
#[derive(Debug, Clone)]
pub struct VpcDefaults {
    pub main_rt: String,
    pub acl: String,
    pub sg: String,
}

pub struct Conv<'e> {
    pub ev: &'e Evaluator,
    pub out: Out,
    pub report: &'e mut Report,
    pub region: String,
    pub vpc_cidrs: HashMap<String, Vec<String>>,
    pub vpc_defaults: HashMap<String, VpcDefaults>,
    pub subnet_vpc: HashMap<String, String>,
    pub subnet_az: HashMap<String, String>,
    pub subnet_public: HashMap<String, bool>,
    /// Subnets given an explicit network ACL.
    pub acl_of_subnet: HashMap<String, String>,
    /// A peering attachment seen from its accepter's transit gateway, when both sides
    /// are in the design: (attachment id, that gateway) → the accepter side's id.
    pub peer_sides: HashMap<(String, String), String>,
    pub tgw_of_rt: HashMap<String, String>,
}

/// Resource types read in passes, so what a resource refers to exists when it is read.
const PASSES: &[&[&str]] = &[
    &["aws_vpc"],
    &[
        "aws_vpc_ipv4_cidr_block_association",
        "aws_vpc_ipv6_cidr_block_association",
    ],
    &[
        "aws_subnet",
        "aws_internet_gateway",
        "aws_egress_only_internet_gateway",
        "aws_eip",
        "aws_vpn_gateway",
        "aws_customer_gateway",
        "aws_ec2_transit_gateway",
        "aws_ec2_managed_prefix_list",
    ],
    &[
        "aws_route_table",
        "aws_default_route_table",
        "aws_security_group",
        "aws_default_security_group",
        "aws_network_acl",
        "aws_default_network_acl",
        "aws_internet_gateway_attachment",
        "aws_vpn_gateway_attachment",
        "aws_nat_gateway",
        "aws_instance",
        "aws_vpc_peering_connection",
        "aws_vpc_endpoint",
        "aws_ec2_transit_gateway_route_table",
        "aws_ec2_transit_gateway_vpc_attachment",
        "aws_ec2_transit_gateway_peering_attachment",
        "aws_vpn_connection",
        "aws_lb",
        "aws_alb",
        "aws_lb_target_group",
        "aws_alb_target_group",
        "aws_ec2_managed_prefix_list_entry",
        "aws_vpc_endpoint_service",
    ],
    &[
        "aws_network_interface",
        "aws_ec2_transit_gateway_peering_attachment_accepter",
        "aws_vpc_peering_connection_accepter",
        "aws_route",
        "aws_route_table_association",
        "aws_main_route_table_association",
        "aws_vpn_gateway_route_propagation",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        "aws_network_acl_rule",
        "aws_network_acl_association",
        "aws_vpc_endpoint_route_table_association",
        "aws_vpc_endpoint_subnet_association",
        "aws_eip_association",
        "aws_lb_listener",
        "aws_alb_listener",
        "aws_lb_target_group_attachment",
        "aws_alb_target_group_attachment",
        "aws_vpn_connection_route",
        "aws_vpc_endpoint_connection_accepter",
        "aws_vpc_endpoint_service_allowed_principal",
    ],
    &[
        "aws_ec2_transit_gateway_route_table_association",
        "aws_ec2_transit_gateway_route_table_propagation",
        "aws_ec2_transit_gateway_route",
    ],
];

/// Types that configure nothing packets cross (keys, roles, logs' buckets…) or
/// that vpcd reads elsewhere: reported once per type, without a warning tone.
fn not_network(ty: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "aws_key_pair",
        "aws_iam_",
        "aws_s3_",
        "aws_ram_",
        "aws_cloudwatch_",
        "aws_kms_",
        "aws_ssm_",
        "aws_route53_",
        "aws_acm_",
        "aws_secretsmanager_",
        "aws_sns_",
        "aws_sqs_",
    ];
    PREFIXES.iter().any(|p| ty.starts_with(p))
}

impl<'e> Conv<'e> {
    pub fn new(ev: &'e Evaluator, report: &'e mut Report) -> Conv<'e> {
        Conv {
            ev,
            out: Out::default(),
            report,
            region: ev.region.clone(),
            vpc_cidrs: HashMap::new(),
            vpc_defaults: HashMap::new(),
            subnet_vpc: HashMap::new(),
            subnet_az: HashMap::new(),
            subnet_public: HashMap::new(),
            acl_of_subnet: HashMap::new(),
            peer_sides: HashMap::new(),
            tgw_of_rt: HashMap::new(),
        }
    }

    /// The Region of a resource's provider (`provider = aws.west`).
    fn region_of(&self, r: &ResRef) -> Result<Option<String>, TfError> {
        let res = self.ev.resource(r);
        let alias = match res.body.get_attribute("provider").map(|a| &a.value) {
            Some(hcl_edit::expr::Expression::Traversal(t)) => t.operators.first().and_then(|o| match o.value() {
                hcl_edit::expr::TraversalOperator::GetAttr(a) => Some(a.as_str().to_string()),
                _ => None,
            }),
            _ => None,
        };
        match alias {
            None => Ok(None),
            Some(a) => super::provider_region(self.ev, Some(&a)),
        }
    }

    /// Reads every managed resource of every module instance.
    pub fn run(&mut self) -> Result<(), TfError> {
        let ev = self.ev;
        let mut all: Vec<ResRef> = Vec::new();
        for (m, inst) in ev.mods.iter().enumerate() {
            for (ri, res) in inst.decl.resources.iter().enumerate() {
                if res.data {
                    continue;
                }
                for (key, _) in ev.instances(m, ri)? {
                    all.push(ResRef {
                        module: m,
                        resource: ri,
                        key,
                    });
                }
            }
        }
        // Other Regions' resources are reported and left out: a design holds one Region.
        let mut here = Vec::new();
        for r in all {
            let res = ev.resource(&r);
            if !res.ty.starts_with("aws_") {
                let i = Inst { ev, r: r.clone() };
                self.report.skip(
                    &i.address(),
                    &res.ty,
                    &format!("{}: not an AWS provider resource", i.place()),
                );
                continue;
            }
            match self.region_of(&r)? {
                Some(reg) if reg != self.region => {
                    let i = Inst { ev, r: r.clone() };
                    self.report.skip(
                        &i.address(),
                        &res.ty,
                        &format!("{}: in Region {reg}; the design holds {}", i.place(), self.region),
                    );
                }
                _ => here.push(r),
            }
        }
        let known: Vec<&str> = PASSES.iter().flat_map(|p| p.iter().copied()).collect();
        for pass in PASSES {
            for r in &here {
                let ty = ev.resource(r).ty.as_str();
                if !pass.contains(&ty) {
                    continue;
                }
                let i = Inst { ev, r: r.clone() };
                match self.one(&i) {
                    Ok(()) => {}
                    Err(Fail::Tf(e)) => return Err(e),
                    Err(Fail::Skip(why)) => {
                        let place = i.place();
                        self.report.skip(&i.address(), ty, &format!("{place}: {why}"));
                    }
                }
            }
        }
        let mut unread: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for r in &here {
            let ty = ev.resource(r).ty.as_str();
            if !known.contains(&ty) {
                let i = Inst { ev, r: r.clone() };
                unread
                    .entry(ty)
                    .or_default()
                    .push(format!("{} ({})", i.address(), i.place()));
            }
        }
        for (ty, addrs) in unread {
            let why = if not_network(ty) {
                "configures nothing traffic crosses"
            } else {
                "not a resource vpcd models"
            };
            for a in addrs {
                self.report.skip(&a, ty, why);
            }
        }
        self.finish();
        Ok(())
    }

    fn one(&mut self, i: &Inst) -> Res<()> {
        match i.ty() {
            "aws_vpc" => self.vpc(i),
            "aws_vpc_ipv4_cidr_block_association" => self.cidr_association(i),
            "aws_vpc_ipv6_cidr_block_association" => {
                Err(Fail::Skip("IPv6 blocks AWS assigns are not planned here".into()))
            }
            "aws_subnet" => self.subnet(i),
            "aws_internet_gateway" | "aws_internet_gateway_attachment" => self.internet_gateway(i),
            "aws_egress_only_internet_gateway" => self.egress_only_gateway(i),
            "aws_eip" => self.eip(i),
            "aws_eip_association" => self.eip_association(i),
            "aws_nat_gateway" => self.nat_gateway(i),
            "aws_route_table" | "aws_default_route_table" => self.route_table(i),
            "aws_route" => self.route(i),
            "aws_route_table_association" => self.route_table_association(i),
            "aws_main_route_table_association" => self.main_route_table_association(i),
            "aws_vpn_gateway_route_propagation" => self.route_propagation(i),
            "aws_security_group" | "aws_default_security_group" => self.security_group(i),
            "aws_security_group_rule" => self.security_group_rule(i),
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => self.vpc_sg_rule(i),
            "aws_network_acl" | "aws_default_network_acl" => self.network_acl(i),
            "aws_network_acl_rule" => self.network_acl_rule(i),
            "aws_network_acl_association" => self.network_acl_association(i),
            "aws_instance" => self.instance(i),
            "aws_network_interface" => self.network_interface(i),
            "aws_vpc_peering_connection" => self.peering(i),
            "aws_vpc_peering_connection_accepter" => self.peering_accepter(i),
            "aws_vpc_endpoint" => self.endpoint(i),
            "aws_vpc_endpoint_service" => self.endpoint_service(i),
            "aws_vpc_endpoint_connection_accepter" => self.endpoint_accepter(i),
            "aws_vpc_endpoint_service_allowed_principal" => self.endpoint_principal(i),
            "aws_vpc_endpoint_route_table_association" | "aws_vpc_endpoint_subnet_association" => {
                self.endpoint_association(i)
            }
            "aws_lb" | "aws_alb" => self.load_balancer(i),
            "aws_lb_target_group" | "aws_alb_target_group" => self.target_group(i),
            "aws_lb_listener" | "aws_alb_listener" => self.listener(i),
            "aws_lb_target_group_attachment" | "aws_alb_target_group_attachment" => self.target_attachment(i),
            "aws_ec2_managed_prefix_list" => self.managed_prefix_list(i),
            "aws_ec2_managed_prefix_list_entry" => self.prefix_list_entry(i),
            "aws_ec2_transit_gateway" => self.transit_gateway(i),
            "aws_ec2_transit_gateway_route_table" => self.tgw_route_table(i),
            "aws_ec2_transit_gateway_vpc_attachment" => self.tgw_vpc_attachment(i),
            "aws_ec2_transit_gateway_peering_attachment" => self.tgw_peering_attachment(i),
            "aws_ec2_transit_gateway_peering_attachment_accepter" => self.tgw_peering_accepter(i),
            "aws_ec2_transit_gateway_route_table_association" => self.tgw_association(i),
            "aws_ec2_transit_gateway_route_table_propagation" => self.tgw_propagation(i),
            "aws_ec2_transit_gateway_route" => self.tgw_route(i),
            "aws_vpn_gateway" | "aws_vpn_gateway_attachment" => self.vpn_gateway(i),
            "aws_customer_gateway" => self.customer_gateway(i),
            "aws_vpn_connection" => self.vpn_connection(i),
            "aws_vpn_connection_route" => self.vpn_connection_route(i),
            _ => Ok(()),
        }
    }

    pub fn vpc_of_subnet(&self, subnet: &str) -> Res<String> {
        self.subnet_vpc
            .get(subnet)
            .cloned()
            .ok_or_else(|| Fail::Skip(format!("subnet {subnet} is not in the design")))
    }

    pub fn defaults(&self, vpc: &str) -> Res<VpcDefaults> {
        self.vpc_defaults
            .get(vpc)
            .cloned()
            .ok_or_else(|| Fail::Skip(format!("VPC {vpc} is not in the design")))
    }

    /// A stand-in public address AWS would pick from its pool (stable per seed).
    pub fn public_stand_in(seed: &str) -> String {
        let h = stable_id("", seed);
        let b: Vec<u8> = (0..3)
            .map(|k| u8::from_str_radix(&h[1 + 2 * k..3 + 2 * k], 16).unwrap_or(1))
            .collect();
        format!("54.{}.{}.{}", b[0], b[1], b[2].max(1))
    }

    fn vpc(&mut self, i: &Inst) -> Res<()> {
        let id = i.id()?;
        let cidr = i.req("cidr_block").map_err(|e| match i.get("ipv4_ipam_pool_id") {
            Ok(Value::Null) | Err(_) => e,
            Ok(_) => Fail::Skip("an address from an IPAM pool is known only after apply".into()),
        })?;
        let mut v6 = Vec::new();
        if i.bool("assign_generated_ipv6_cidr_block")? == Some(true) {
            match i.get("ipv6_cidr_block")?.as_string() {
                Some(p) => v6.push(j::CidrAssociation {
                    ipv6_cidr_block: Some(p),
                    ipv6_cidr_block_state: Some(j::State {
                        state: Some("associated".into()),
                    }),
                    ..Default::default()
                }),
                None => self.report.approximate(
                    &i.address(),
                    "aws_vpc",
                    "the Amazon-provided IPv6 block is known only after apply: left out",
                ),
            }
        }
        let r = &i.r;
        let d = VpcDefaults {
            main_rt: self.ev.derived_id(r, "rtb-", "main"),
            acl: self.ev.derived_id(r, "acl-", "default"),
            sg: self.ev.derived_id(r, "sg-", "default"),
        };
        let tags = i.tags()?;
        let vname = j::name_tag(&tags).unwrap_or("vpc").to_string();
        self.out.vpcs.push(j::Vpc {
            vpc_id: id.clone(),
            cidr_block: Some(cidr.clone()),
            cidr_block_association_set: vec![j::CidrAssociation {
                cidr_block: Some(cidr.clone()),
                cidr_block_state: Some(j::State {
                    state: Some("associated".into()),
                }),
                ..Default::default()
            }],
            ipv6_cidr_block_association_set: v6,
            instance_tenancy: Some(i.str("instance_tenancy")?.unwrap_or_else(|| "default".into())),
            owner_id: Some(ACCOUNT.into()),
            state: Some("available".into()),
            is_default: false,
            tags,
        });
        // enable_dns_support defaults to true and enable_dns_hostnames to false (provider docs).
        self.out.dns.push((
            id.clone(),
            i.bool("enable_dns_support")?.unwrap_or(true),
            i.bool("enable_dns_hostnames")?.unwrap_or(false),
        ));
        self.vpc_cidrs.insert(id.clone(), vec![cidr]);
        let name = |suffix: &str| {
            vec![Tag {
                key: "Name".into(),
                value: format!("{vname}-{suffix}"),
            }]
        };
        self.out.route_tables.push(j::RouteTable {
            route_table_id: d.main_rt.clone(),
            vpc_id: id.clone(),
            associations: vec![j::RouteTableAssociation {
                main: true,
                route_table_association_id: Some(stable_id("rtbassoc-", &d.main_rt)),
                ..Default::default()
            }],
            owner_id: Some(ACCOUNT.into()),
            tags: name("main"),
            ..Default::default()
        });
        self.out.network_acls.push(j::NetworkAcl {
            network_acl_id: d.acl.clone(),
            vpc_id: id.clone(),
            is_default: true,
            entries: super::filtering::default_acl_entries(),
            owner_id: Some(ACCOUNT.into()),
            tags: name("default-acl"),
            ..Default::default()
        });
        self.out
            .security_groups
            .push(super::filtering::default_group(&d.sg, &id, name("default-sg")));
        self.vpc_defaults.insert(id, d);
        Ok(())
    }

    fn cidr_association(&mut self, i: &Inst) -> Res<()> {
        let vpc = i.req("vpc_id")?;
        let cidr = i.req("cidr_block")?;
        let Some(v) = self.out.vpcs.iter_mut().find(|v| v.vpc_id == vpc) else {
            return Err(Fail::Skip(format!("VPC {vpc} is not in the design")));
        };
        v.cidr_block_association_set.push(j::CidrAssociation {
            cidr_block: Some(cidr.clone()),
            cidr_block_state: Some(j::State {
                state: Some("associated".into()),
            }),
            ..Default::default()
        });
        self.vpc_cidrs.entry(vpc).or_default().push(cidr);
        Ok(())
    }

    fn subnet(&mut self, i: &Inst) -> Res<()> {
        let id = i.id()?;
        let vpc = i.req("vpc_id")?;
        self.defaults(&vpc)?;
        let cidr = i.req("cidr_block")?;
        let az = match i.str("availability_zone")? {
            Some(az) => az,
            None => {
                // AWS picks a zone; successive subnets of a VPC are spread over a, b, c
                // as AWS's own spread would (load balancers need two zones).
                let n = self.out.subnets.iter().filter(|s| s.vpc_id == vpc).count();
                let az = format!("{}{}", self.region, ["a", "b", "c"][n % 3]);
                self.report.approximate(
                    &i.address(),
                    "aws_subnet",
                    &format!("{}: no availability_zone; AWS picks one, taken as {az}", i.place()),
                );
                az
            }
        };
        let public = i.bool("map_public_ip_on_launch")?.unwrap_or(false);
        let v6 = i.str("ipv6_cidr_block")?;
        self.out.subnets.push(j::Subnet {
            subnet_id: id.clone(),
            vpc_id: vpc.clone(),
            cidr_block: cidr,
            availability_zone: az.clone(),
            map_public_ip_on_launch: public,
            ipv6_cidr_block_association_set: v6
                .into_iter()
                .map(|c| j::CidrAssociation {
                    ipv6_cidr_block: Some(c),
                    ipv6_cidr_block_state: Some(j::State {
                        state: Some("associated".into()),
                    }),
                    ..Default::default()
                })
                .collect(),
            owner_id: Some(ACCOUNT.into()),
            subnet_arn: Some(format!("arn:aws:ec2:{}:{ACCOUNT}:subnet/{id}", self.region)),
            tags: i.tags()?,
        });
        self.subnet_vpc.insert(id.clone(), vpc);
        self.subnet_az.insert(id.clone(), az);
        self.subnet_public.insert(id, public);
        Ok(())
    }

    /// Everything AWS adds by itself once the resources exist: local routes,
    /// the default ACL's associations, the AWS-managed prefix lists.
    fn finish(&mut self) {
        self.endpoint_routes();
        self.endpoint_connections();
        for rt in &mut self.out.route_tables {
            let cidrs = self.vpc_cidrs.get(&rt.vpc_id).cloned().unwrap_or_default();
            let mut local: Vec<j::Route> = cidrs
                .iter()
                .map(|c| j::Route {
                    destination_cidr_block: Some(c.clone()),
                    gateway_id: Some("local".into()),
                    origin: Some("CreateRouteTable".into()),
                    state: Some("active".into()),
                    ..Default::default()
                })
                .collect();
            if let Some(v) = self.out.vpcs.iter().find(|v| v.vpc_id == rt.vpc_id) {
                for a in &v.ipv6_cidr_block_association_set {
                    local.push(j::Route {
                        destination_ipv6_cidr_block: a.ipv6_cidr_block.clone(),
                        gateway_id: Some("local".into()),
                        origin: Some("CreateRouteTable".into()),
                        state: Some("active".into()),
                        ..Default::default()
                    });
                }
            }
            local.append(&mut rt.routes);
            rt.routes = local;
        }
        super::filtering::finish_acls(self);
        for svc in ["s3", "dynamodb"] {
            let name = format!("com.amazonaws.{}.{svc}", self.region);
            self.out.prefix_lists.push(j::PrefixList {
                prefix_list_id: stable_id("pl-", &name),
                prefix_list_name: name,
                cidrs: crate::model::aws_prefix_list(svc)
                    .unwrap_or_default()
                    .iter()
                    .map(|c| c.to_string())
                    .collect(),
            });
        }
    }

    /// The describe-* files the builder reads.
    pub fn files(self) -> Vec<j::AwsFile> {
        let o = self.out;
        let mut files = vec![j::AwsFile {
            vpcs: Some(o.vpcs),
            subnets: Some(o.subnets),
            route_tables: Some(o.route_tables),
            security_groups: Some(o.security_groups),
            network_acls: Some(o.network_acls),
            reservations: Some(
                o.instances
                    .into_iter()
                    .map(|i| j::Reservation {
                        owner_id: Some(ACCOUNT.into()),
                        reservation_id: Some(stable_id("r-", &i.instance_id)),
                        instances: vec![i],
                    })
                    .collect(),
            ),
            network_interfaces: Some(o.enis),
            internet_gateways: Some(o.igws),
            egress_only_internet_gateways: Some(o.eigws),
            nat_gateways: Some(o.nats),
            addresses: Some(o.addresses),
            vpc_endpoints: Some(o.endpoints),
            vpc_peering_connections: Some(o.peerings),
            transit_gateways: Some(o.tgws),
            transit_gateway_attachments: Some(o.tgw_atts),
            transit_gateway_vpc_attachments: Some(o.tgw_vpc_atts),
            transit_gateway_route_tables: Some(o.tgw_rts),
            transit_gateway_propagations: Some(
                o.tgw_props
                    .into_iter()
                    .map(|(rt, p)| j::TransitGatewayPropagations {
                        transit_gateway_route_table_id: rt,
                        transit_gateway_route_table_propagations: p,
                    })
                    .collect(),
            ),
            transit_gateway_static_routes: Some(
                o.tgw_routes
                    .into_iter()
                    .map(|(rt, routes)| j::TransitGatewayStaticRoutes {
                        transit_gateway_route_table_id: rt,
                        routes,
                    })
                    .collect(),
            ),
            vpn_gateways: Some(o.vgws),
            customer_gateways: Some(o.cgws),
            vpn_connections: Some(o.vpns),
            prefix_lists: Some(o.prefix_lists),
            managed_prefix_lists: Some(o.managed_prefix_lists),
            service_configurations: Some(o.services),
            allowed_principals: Some(o.principals),
            vpc_endpoint_connections: Some(o.connections),
            load_balancers: Some(o.lbs),
            load_balancer_attributes: Some(o.lb_attributes),
            target_groups: Some(o.tgs),
            listeners: Some(o.listeners),
            load_balancer_target_health: Some(
                o.health
                    .into_iter()
                    .map(|(tg, d)| j::LoadBalancerTargetHealth {
                        target_group_arn: tg,
                        target_health_descriptions: d,
                    })
                    .collect(),
            ),
            ..Default::default()
        }];
        for (vpc, support, hostnames) in o.dns {
            files.push(j::AwsFile {
                vpc_id: Some(vpc.clone()),
                enable_dns_support: Some(j::AttributeBool { value: support }),
                ..Default::default()
            });
            files.push(j::AwsFile {
                vpc_id: Some(vpc),
                enable_dns_hostnames: Some(j::AttributeBool { value: hostnames }),
                ..Default::default()
            });
        }
        files
    }
}
