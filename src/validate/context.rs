//! One validation pass ([`ValidationPass`]): the design, its index, the quota profile
//! and lookup maps every rule module shares, built once in O(objects).

use std::cell::{OnceCell, RefCell};

use crate::model::index::FxHashMap;

use crate::model::*;

use super::catalogue::rule;
use super::{Diagnostic, QuotaProfile, Severity};

pub(super) struct ValidationPass<'a> {
    pub d: &'a Design,
    pub idx: &'a DesignIndex,
    pub quotas: &'a QuotaProfile,
    out: RefCell<Vec<Diagnostic>>,
    // Lookup tables, each built on first use: a rule group re-run alone after
    // an edit pays only for the tables it reads.
    subnets_by_vpc: OnceCell<FxHashMap<&'a str, Vec<&'a Subnet>>>,
    subnet_rt: OnceCell<RtTables<'a>>,
    nacl_users: OnceCell<FxHashMap<&'a str, usize>>,
    igws_by_vpc: OnceCell<FxHashMap<&'a str, Vec<&'a InternetGateway>>>,
    rts_by_vpc: OnceCell<FxHashMap<&'a str, Vec<&'a RouteTable>>>,
    same_region_peers: OnceCell<FxHashSet<(&'a str, &'a str)>>,
}

/// The route table of each subnet, and the subnets of each route table.
type RtTables<'a> = (FxHashMap<&'a str, &'a RouteTable>, FxHashMap<&'a str, Vec<&'a Subnet>>);

pub(super) type FxHashSet<T> = std::collections::HashSet<T, std::hash::BuildHasherDefault<index::FxHasher>>;
/// The maps and sets of the rule modules: the model's fast hasher (names are short, no untrusted flooding).
pub(super) type HashMap<K, V> = FxHashMap<K, V>;
pub(super) type HashSet<T> = FxHashSet<T>;

impl<'a> ValidationPass<'a> {
    pub fn new(d: &'a Design, idx: &'a DesignIndex, quotas: &'a QuotaProfile) -> Self {
        ValidationPass {
            d,
            idx,
            quotas,
            out: RefCell::new(Vec::new()),
            subnets_by_vpc: OnceCell::new(),
            subnet_rt: OnceCell::new(),
            nacl_users: OnceCell::new(),
            igws_by_vpc: OnceCell::new(),
            rts_by_vpc: OnceCell::new(),
            same_region_peers: OnceCell::new(),
        }
    }

    /// Subnets of each VPC, in file order.
    pub fn subnets_by_vpc(&self) -> &FxHashMap<&'a str, Vec<&'a Subnet>> {
        self.subnets_by_vpc.get_or_init(|| {
            let mut m: FxHashMap<&str, Vec<&Subnet>> = FxHashMap::default();
            for s in &self.d.subnets {
                m.entry(s.vpc.as_str()).or_default().push(s);
            }
            m
        })
    }

    fn rt_tables(&self) -> &RtTables<'a> {
        self.subnet_rt.get_or_init(|| {
            let (d, idx) = (self.d, self.idx);
            let mut subnet_rt = FxHashMap::default();
            let mut rt_subnets: FxHashMap<&str, Vec<&Subnet>> = FxHashMap::default();
            for s in &d.subnets {
                if let Some(rt) = idx.subnet_route_table(d, s) {
                    subnet_rt.insert(s.name.as_str(), rt);
                    rt_subnets.entry(rt.name.as_str()).or_default().push(s);
                }
            }
            (subnet_rt, rt_subnets)
        })
    }

    /// The route table each subnet uses (explicit, else main), by subnet name.
    pub fn subnet_rt(&self) -> &FxHashMap<&'a str, &'a RouteTable> {
        &self.rt_tables().0
    }

    /// Subnets using each route table (explicitly or as main).
    pub fn rt_subnets(&self) -> &FxHashMap<&'a str, Vec<&'a Subnet>> {
        &self.rt_tables().1
    }

    /// Number of subnets using each NACL (explicitly or as default).
    pub fn nacl_users(&self) -> &FxHashMap<&'a str, usize> {
        self.nacl_users.get_or_init(|| {
            let mut m: FxHashMap<&str, usize> = FxHashMap::default();
            for s in &self.d.subnets {
                if let Some(acl) = self.idx.subnet_network_acl(self.d, s) {
                    *m.entry(acl.name.as_str()).or_default() += 1;
                }
            }
            m
        })
    }

    /// Whether at least one interface carries the security group.
    pub fn sg_in_use(&self, sg: &str) -> bool {
        self.idx.enis_with_sg(sg).next().is_some()
    }

    /// Internet gateways attached to each VPC.
    pub fn igws_by_vpc(&self) -> &FxHashMap<&'a str, Vec<&'a InternetGateway>> {
        self.igws_by_vpc.get_or_init(|| {
            let mut m: FxHashMap<&str, Vec<&InternetGateway>> = FxHashMap::default();
            for g in &self.d.internet_gateways {
                if let Some(v) = &g.vpc {
                    m.entry(v.as_str()).or_default().push(g);
                }
            }
            m
        })
    }

    /// Route tables of each VPC.
    pub fn rts_by_vpc(&self) -> &FxHashMap<&'a str, Vec<&'a RouteTable>> {
        self.rts_by_vpc.get_or_init(|| {
            let mut m: FxHashMap<&str, Vec<&RouteTable>> = FxHashMap::default();
            for rt in &self.d.route_tables {
                m.entry(rt.vpc.as_str()).or_default().push(rt);
            }
            m
        })
    }

    /// VPC name pairs joined by an active, same-Region peering (both orders).
    fn same_region_peers(&self) -> &FxHashSet<(&'a str, &'a str)> {
        self.same_region_peers.get_or_init(|| {
            let mut m = FxHashSet::default();
            for p in &self.d.peerings {
                if p.status == PeeringStatus::Active && !p.cross_region {
                    m.insert((p.requester.as_str(), p.accepter.as_str()));
                    m.insert((p.accepter.as_str(), p.requester.as_str()));
                }
            }
            m
        })
    }

    /// Records a finding. Severity, blocking and the AWS code come from the catalogue.
    pub fn emit(&self, code: &'static str, object: &ObjectRef, path: String, message: String, hint: String) {
        self.emit_opt(code, Some(object), path, message, hint, None);
    }

    /// Records a finding whose AWS error code depends on the case (the kind a
    /// dangling reference names, the quota exceeded) rather than on the rule.
    pub fn on_answering(
        &self,
        code: &'static str,
        object: Option<&ObjectRef>,
        message: String,
        hint: impl Into<String>,
        aws_code: Option<&'static str>,
    ) {
        let path = object.map_or_else(|| "design › quotas".to_string(), ObjectRef::to_string);
        self.emit_opt(code, object, path, message, hint.into(), aws_code);
    }

    fn emit_opt(
        &self,
        code: &'static str,
        object: Option<&ObjectRef>,
        path: String,
        message: String,
        hint: String,
        aws_override: Option<&'static str>,
    ) {
        let info = rule(code);
        debug_assert!(info.is_some(), "rule {code} missing from the catalogue");
        let (severity, blocks_edit, aws_code) =
            info.map_or((Severity::Error, false, None), |r| (r.severity, r.blocking, r.aws_code));
        let aws_code = aws_override.or(aws_code);
        self.out.borrow_mut().push(Diagnostic {
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
    pub fn on_design(&self, code: &'static str, path: String, message: String, hint: impl Into<String>) {
        self.emit_opt(code, None, path, message, hint.into(), None);
    }

    /// A finding about a whole object (its path is the object itself).
    pub fn on(&self, code: &'static str, object: &ObjectRef, message: String, hint: impl Into<String>) {
        self.emit(code, object, object.to_string(), message, hint.into());
    }

    /// Whether a `dir` rule of VPC `a` may reference SGs of VPC `b` (SG-7): same
    /// VPC, active same-Region peers, or — inbound only — VPCs attached to one
    /// transit gateway with security-group referencing on it and on both
    /// attachments (Transit Gateways guide, "Security group referencing":
    /// outbound rules cannot reference a group across a transit gateway).
    pub fn vpcs_share_sg_space(&self, a: &str, b: &str, dir: Direction) -> bool {
        a == b
            || self.same_region_peers().contains(&(a, b))
            || (dir == Direction::Inbound && self.d.transit_gateways.iter().any(|t| t.carries_sg_references(a, b)))
    }

    /// The VPC of a subnet.
    pub fn subnet_vpc(&self, subnet: &str) -> Option<&'a str> {
        self.idx.subnet(self.d, subnet).map(|s| s.vpc.as_str())
    }

    /// Runs one rule group (or a part of one) and takes what it found.
    pub fn run_with(&self, group: impl FnOnce(&ValidationPass<'a>)) -> Vec<Diagnostic> {
        let before = self.out.borrow().len();
        group(self);
        self.out.borrow_mut().split_off(before)
    }

    /// Records findings made elsewhere (a keyed group's, by key).
    pub fn extend(&self, found: impl IntoIterator<Item = Diagnostic>) {
        self.out.borrow_mut().extend(found);
    }

    /// Runs a part of a group and files what it found under `key` (made
    /// only when it found something).
    pub fn keyed(&self, out: &mut super::findings::Keyed, key: impl FnOnce() -> String, part: impl FnOnce(&Self)) {
        let found = self.run_with(part);
        if !found.is_empty() {
            out.entry(key()).or_default().extend(found);
        }
    }

    pub fn finish(self) -> Vec<Diagnostic> {
        self.out.into_inner()
    }
}

pub(super) fn oref(kind: ObjectKind, name: &str) -> ObjectRef {
    ObjectRef::new(kind, name)
}

/// "route table rt-a › route 0.0.0.0/0"
pub(super) fn sub_path(object: &ObjectRef, part: impl std::fmt::Display) -> String {
    format!("{object} › {part}")
}
