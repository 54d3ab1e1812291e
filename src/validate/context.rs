//! The per-call validation context: the design, its index, the quota profile
//! and lookup maps every rule module shares, built once in O(objects).

use std::collections::{HashMap, HashSet};

use crate::model::*;

use super::catalogue::rule;
use super::{Diagnostic, QuotaProfile, Severity};

pub(super) struct Ctx<'a> {
    pub d: &'a Design,
    pub idx: &'a DesignIndex,
    pub quotas: &'a QuotaProfile,
    out: Vec<Diagnostic>,
    /// Subnets of each VPC, in file order.
    pub subnets_by_vpc: HashMap<&'a str, Vec<&'a Subnet>>,
    /// The route table each subnet uses (explicit, else main), by subnet name.
    pub subnet_rt: HashMap<&'a str, &'a RouteTable>,
    /// Subnets using each route table (explicitly or as main).
    pub rt_subnets: HashMap<&'a str, Vec<&'a Subnet>>,
    /// Number of subnets using each NACL (explicitly or as default).
    pub nacl_users: HashMap<&'a str, usize>,
    /// Network interfaces per subnet.
    pub enis_per_subnet: HashMap<&'a str, Vec<&'a index::Eni>>,
    /// Security groups carried by at least one interface.
    pub sgs_in_use: HashSet<&'a str>,
    /// Internet gateways attached to each VPC.
    pub igws_by_vpc: HashMap<&'a str, Vec<&'a InternetGateway>>,
    /// Route tables of each VPC.
    pub rts_by_vpc: HashMap<&'a str, Vec<&'a RouteTable>>,
    /// VPC names that reach each VPC through an active, same-Region peering.
    pub same_region_peers: HashSet<(&'a str, &'a str)>,
}

impl<'a> Ctx<'a> {
    pub fn new(d: &'a Design, idx: &'a DesignIndex, quotas: &'a QuotaProfile) -> Self {
        let mut subnets_by_vpc: HashMap<&str, Vec<&Subnet>> = HashMap::new();
        let mut subnet_rt = HashMap::new();
        let mut rt_subnets: HashMap<&str, Vec<&Subnet>> = HashMap::new();
        let mut nacl_users: HashMap<&str, usize> = HashMap::new();
        for s in &d.subnets {
            subnets_by_vpc.entry(s.vpc.as_str()).or_default().push(s);
            if let Some(rt) = idx.subnet_route_table(d, s) {
                subnet_rt.insert(s.name.as_str(), rt);
                rt_subnets.entry(rt.name.as_str()).or_default().push(s);
            }
            if let Some(acl) = idx.subnet_network_acl(d, s) {
                *nacl_users.entry(acl.name.as_str()).or_default() += 1;
            }
        }
        let mut enis_per_subnet: HashMap<&str, Vec<&index::Eni>> = HashMap::new();
        let mut sgs_in_use = HashSet::new();
        for e in &idx.enis {
            enis_per_subnet.entry(e.subnet.as_str()).or_default().push(e);
            sgs_in_use.extend(e.security_groups.iter().map(String::as_str));
        }
        let mut igws_by_vpc: HashMap<&str, Vec<&InternetGateway>> = HashMap::new();
        for g in &d.internet_gateways {
            if let Some(v) = &g.vpc {
                igws_by_vpc.entry(v.as_str()).or_default().push(g);
            }
        }
        let mut rts_by_vpc: HashMap<&str, Vec<&RouteTable>> = HashMap::new();
        for rt in &d.route_tables {
            rts_by_vpc.entry(rt.vpc.as_str()).or_default().push(rt);
        }
        let mut same_region_peers = HashSet::new();
        for p in &d.peerings {
            if p.status == PeeringStatus::Active && !p.cross_region {
                same_region_peers.insert((p.requester.as_str(), p.accepter.as_str()));
                same_region_peers.insert((p.accepter.as_str(), p.requester.as_str()));
            }
        }
        Ctx {
            d,
            idx,
            quotas,
            out: Vec::new(),
            subnets_by_vpc,
            subnet_rt,
            rt_subnets,
            nacl_users,
            enis_per_subnet,
            sgs_in_use,
            igws_by_vpc,
            rts_by_vpc,
            same_region_peers,
        }
    }

    /// Records a finding. Severity, blocking and the AWS code come from the catalogue.
    pub fn emit(&mut self, code: &'static str, object: &ObjectRef, path: String, message: String, hint: String) {
        self.emit_opt(code, Some(object), path, message, hint);
    }

    fn emit_opt(
        &mut self,
        code: &'static str,
        object: Option<&ObjectRef>,
        path: String,
        message: String,
        hint: String,
    ) {
        let info = rule(code);
        debug_assert!(info.is_some(), "rule {code} missing from the catalogue");
        let (severity, blocks_edit, aws_code) =
            info.map_or((Severity::Error, false, None), |r| (r.severity, r.blocking, r.aws_code));
        self.out.push(Diagnostic {
            severity,
            code,
            object: object.cloned(),
            path,
            message,
            hint,
            aws_code,
            blocks_edit,
        });
    }

    /// A finding about the design as a whole (Region, AZs, Region-wide quotas).
    pub fn on_design(&mut self, code: &'static str, path: String, message: String, hint: impl Into<String>) {
        self.emit_opt(code, None, path, message, hint.into());
    }

    /// A finding about a whole object (its path is the object itself).
    pub fn on(&mut self, code: &'static str, object: &ObjectRef, message: String, hint: impl Into<String>) {
        self.emit(code, object, object.to_string(), message, hint.into());
    }

    /// Whether SGs of `a` may be referenced from `b` (same VPC, or active same-Region peers, SG-7).
    pub fn vpcs_share_sg_space(&self, a: &str, b: &str) -> bool {
        a == b || self.same_region_peers.contains(&(a, b))
    }

    /// The VPC of a subnet.
    pub fn subnet_vpc(&self, subnet: &str) -> Option<&'a str> {
        self.idx.subnet(self.d, subnet).map(|s| s.vpc.as_str())
    }

    pub fn finish(self) -> Vec<Diagnostic> {
        self.out
    }
}

pub(super) fn oref(kind: ObjectKind, name: &str) -> ObjectRef {
    ObjectRef::new(kind, name)
}

/// "route table rt-a › route 0.0.0.0/0"
pub(super) fn sub_path(object: &ObjectRef, part: impl std::fmt::Display) -> String {
    format!("{object} › {part}")
}
