//! CloudFormation: the design as one YAML template (`!Ref`/`!GetAtt`), with
//! logical ids from the design's names and the design's name in each `Name` tag.
//!
//! CloudFormation cannot adopt a VPC's main route table, and cannot remove the
//! default network ACL's or security group's rules. Where the design changes
//! them, the template makes a custom table or ACL and associates the subnets
//! that used the default explicitly, which routes and filters the same way.
//!
//! This file holds the exporter and the references every resource family
//! uses; each family writes its resources in a file of its own: [`network`]
//! (VPCs, subnets, routes, prefix lists, peering), [`security`] (security
//! groups, network ACLs), [`gateways`] (internet, egress-only and NAT gateways,
//! Elastic IPs, endpoints and endpoint services), [`transit`] (VPN, Direct
//! Connect, transit gateways), [`compute`] (instances, load balancers) and
//! [`inspection`] (Network Firewall, flow logs). [`yaml`] writes the template.

mod compute;
mod gateways;
mod inspection;
mod network;
mod security;
mod transit;
mod yaml;

use std::collections::BTreeMap;

use ipnet::IpNet;

use crate::interop::{LabelStyle, Labels};
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
}
