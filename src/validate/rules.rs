//! The rules. Each function checks one family of rules and pushes diagnostics.
//! Rule ids in comments (SUB-1, IGW-1, L-03, …) refer to the project's AWS
//! validation reference; AWS error codes are exact strings.

use std::collections::HashMap;

use crate::model::*;

use super::{Diagnostic, Severity};

/// A rule of the catalogue, for documentation and exhaustive tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

macro_rules! catalogue {
    ($($code:literal, $sev:ident, $summary:literal;)*) => {
        /// Every rule code the engine can emit.
        pub const CATALOGUE: &[RuleInfo] = &[$(RuleInfo { code: $code, severity: Severity::$sev, summary: $summary },)*];
    };
}

catalogue! {
    "duplicate-name", Error, "two objects share a name; names identify objects design-wide";
    "dangling-reference", Error, "a field names an object that does not exist";
    "subnet-outside-vpc", Error, "a subnet's CIDR is not inside one of its VPC's CIDR blocks (SUB-1)";
    "subnet-size", Error, "a subnet must be /16 to /28 (SUB-2)";
    "subnet-overlap", Error, "two subnets of one VPC overlap (SUB-3)";
}

pub(super) struct Ctx<'a> {
    pub d: &'a Design,
    pub idx: &'a DesignIndex,
    pub out: &'a mut Vec<Diagnostic>,
}

impl Ctx<'_> {
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        object: Option<ObjectRef>,
        path: String,
        message: String,
        hint: String,
        aws_code: Option<&'static str>,
        blocks_edit: bool,
    ) {
        debug_assert!(
            CATALOGUE.iter().any(|r| r.code == code),
            "rule {code} missing from the catalogue"
        );
        self.out.push(Diagnostic {
            severity,
            code,
            object,
            path,
            message,
            hint,
            aws_code,
            blocks_edit,
        });
    }

    /// An error AWS answers synchronously: edits that introduce it are rejected.
    pub fn refuse(
        &mut self,
        code: &'static str,
        object: &ObjectRef,
        message: String,
        hint: String,
        aws_code: Option<&'static str>,
    ) {
        self.push(
            Severity::Error,
            code,
            Some(object.clone()),
            object.to_string(),
            message,
            hint,
            aws_code,
            true,
        );
    }
}

pub(super) fn run_all(d: &Design, idx: &DesignIndex, out: &mut Vec<Diagnostic>) {
    let mut cx = Ctx { d, idx, out };
    names(&mut cx);
    references(&mut cx);
    subnets(&mut cx);
}

fn names(cx: &mut Ctx<'_>) {
    let mut seen: HashMap<&str, ObjectRef> = HashMap::new();
    let refs = cx.d.object_refs();
    for r in &refs {
        if let Some(first) = seen.get(r.name.as_str()) {
            let first = first.clone();
            cx.refuse(
                "duplicate-name",
                r,
                format!("the name `{}` is also used by {first}", r.name),
                "give each object a unique name".into(),
                None,
            );
        } else {
            seen.insert(&r.name, r.clone());
        }
    }
}

fn references(cx: &mut Ctx<'_>) {
    let d = cx.d;
    let tgw_tables: std::collections::HashSet<&str> = d
        .transit_gateways
        .iter()
        .flat_map(|t| t.route_tables.iter().map(|r| r.name.as_str()))
        .collect();
    let tgw_attachments: std::collections::HashSet<&str> = d
        .transit_gateways
        .iter()
        .flat_map(|t| t.attachments.iter().map(|a| a.name.as_str()))
        .collect();
    let mut found = Vec::new();
    for r in d.references() {
        let exists = match r.target {
            RefTarget::Object(kind) => cx.idx.lookup(r.name).iter().any(|o| o.kind == kind && o.name == r.name),
            RefTarget::InstanceOrInterface => d
                .instances
                .iter()
                .any(|i| i.name == r.name || i.secondary_interfaces.iter().any(|e| e.name == r.name)),
            RefTarget::PrefixList => {
                d.prefix_lists.iter().any(|p| p.name == r.name) || aws_prefix_list(r.name).is_some()
            }
            RefTarget::TgwRouteTable => tgw_tables.contains(r.name),
            RefTarget::TgwAttachment => tgw_attachments.contains(r.name),
        };
        // Route targets that are gone are blackholes (DEL-8), reported by the routing rules.
        if !exists && r.field != "routes.target" {
            found.push((r.from.clone(), r.field, r.name.to_string()));
        }
    }
    for (from, field, name) in found {
        cx.refuse(
            "dangling-reference",
            &from,
            format!("`{field}` names `{name}`, which does not exist"),
            "point it at an existing object, or create the missing one first".into(),
            None,
        );
    }
}

fn subnets(cx: &mut Ctx<'_>) {
    let d = cx.d;
    for s in &d.subnets {
        let r = ObjectRef::new(ObjectKind::Subnet, s.name.clone());
        let plen = s.cidr.prefix_len();
        if !(16..=28).contains(&plen) {
            cx.refuse(
                "subnet-size",
                &r,
                format!("{} is a /{plen}; AWS allows subnets from /16 to /28", s.cidr),
                "use a prefix length between /16 (65,531 usable addresses) and /28 (11 usable)".into(),
                Some("InvalidSubnet.Range"),
            );
        }
        if let Some(vpc) = cx.idx.vpc(d, &s.vpc) {
            let inside = vpc.ipv4_cidrs().any(|c| cidr::contains(c, s.cidr.trunc()));
            if !inside {
                let blocks: Vec<String> = vpc.ipv4_cidrs().map(|c| c.to_string()).collect();
                cx.refuse(
                    "subnet-outside-vpc",
                    &r,
                    format!(
                        "{} is not inside {}'s CIDR blocks ({})",
                        s.cidr,
                        vpc.name,
                        blocks.join(", ")
                    ),
                    format!("choose a block inside {}", blocks.join(" or ")),
                    Some("InvalidSubnet.Range"),
                );
            }
        }
    }
    let mut by_vpc: HashMap<&str, Vec<&Subnet>> = HashMap::new();
    for s in &d.subnets {
        by_vpc.entry(s.vpc.as_str()).or_default().push(s);
    }
    for subnets in by_vpc.values() {
        let mut sorted = subnets.clone();
        sorted.sort_by_key(|s| (s.cidr.trunc().network(), s.cidr.prefix_len()));
        // Sorted by start address, a block overlaps a later one iff it contains the later one's start.
        for (i, a) in sorted.iter().enumerate() {
            for b in &sorted[i + 1..] {
                if !a.cidr.trunc().contains(&b.cidr.network()) {
                    break;
                }
                let r = ObjectRef::new(ObjectKind::Subnet, b.name.clone());
                cx.refuse(
                    "subnet-overlap",
                    &r,
                    format!("{} overlaps subnet {} ({})", b.cidr, a.name, a.cidr),
                    "subnets of one VPC must not overlap; pick a free block (the planner lists them)".into(),
                    Some("InvalidSubnet.Conflict"),
                );
            }
        }
    }
}
