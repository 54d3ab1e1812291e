//! One validation engine for the whole product: AWS's own rules (what AWS
//! refuses) and architecture lints (legal but unwise). Every rule has a stable
//! code; the rule catalogue is in [`CATALOGUE`].
//!
//! The rules are grouped by domain concept, one module each: [`addressing`]
//! (CIDRs and addresses), [`routing`] (route tables, routes, associations),
//! [`gateways`] (IGW, EIGW, NAT, EIP), [`filtering`] (security groups and
//! NACLs), [`connectivity`] (peering, endpoints, transit gateways, hybrid),
//! [`compute`] (instances and load balancers), [`lints`] (design-wide
//! advice) and [`quotas`] (the quota profile). [`EditCheck`] holds the few
//! refusals that depend on the edit, not only on the resulting state. Validation runs on every edit,
//! so each module works from lookup maps built once per call ([`context`]);
//! nothing scans all instances per instance.

mod addressing;
pub mod aws_codes;
mod catalogue;
mod compute;
mod connectivity;
mod context;
mod filtering;
mod gateways;
mod integrity;
mod lints;
mod privatelink;
pub mod quotas;
mod routing;
mod sharing;
mod transitions;

use std::fmt;

use serde::Serialize;

use crate::model::{Design, DesignIndex, Object, ObjectRef};

pub use crate::model::limits::QuotaProfile;
pub use catalogue::{rule, RuleInfo, CATALOGUE};
pub use transitions::EditCheck;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// One finding about a design.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable rule code, e.g. `subnet-outside-vpc`.
    pub code: &'static str,
    /// The object the finding is about.
    pub object: Option<ObjectRef>,
    /// Where in the design: "subnet app-b", "route table rt-a › route 0.0.0.0/0".
    pub path: String,
    pub message: String,
    /// What would be valid, or how to fix it.
    pub hint: String,
    /// The AWS API error code AWS answers with, where it refuses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_code: Option<&'static str>,
    /// AWS refuses the API call that would create this state, so an edit
    /// that introduces it is rejected by the workspace.
    #[serde(skip)]
    pub blocks_edit: bool,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}] {}: {}", self.severity, self.code, self.path, self.message)
    }
}

/// Validates a whole design (against its quota profile, else AWS's defaults).
pub fn validate(d: &Design) -> Vec<Diagnostic> {
    let idx = DesignIndex::new(d);
    validate_with(d, &idx)
}

/// Validates a design with an index already built for it (its quota profile, else AWS's defaults).
pub fn validate_with(d: &Design, idx: &DesignIndex) -> Vec<Diagnostic> {
    validate_with_quotas(d, idx, &d.quotas.unwrap_or_default())
}

/// Validates a design with an index and an account's quota profile.
pub fn validate_with_quotas(d: &Design, idx: &DesignIndex, quotas: &QuotaProfile) -> Vec<Diagnostic> {
    let cx = context::ValidationPass::new(d, idx, quotas);
    for g in GROUPS {
        (g.run)(&cx);
    }
    finish(cx.finish())
}

/// Validates a design as a fresh account would see it: against AWS's default
/// quotas (whatever the design's profile says), with every exceeded quota an
/// error AWS refuses outright (its `*LimitExceeded` answer) instead of a warning.
pub fn validate_strict_quotas(d: &Design) -> Vec<Diagnostic> {
    let idx = DesignIndex::new(d);
    let mut out = validate_with_quotas(d, &idx, &QuotaProfile::default());
    for f in &mut out {
        if f.code == "quota-exceeded" {
            f.severity = Severity::Error;
            f.blocks_edit = true;
            f.message.push_str(" (default quota: a fresh account refuses this)");
        }
    }
    finish(out)
}

fn finish(mut out: Vec<Diagnostic>) -> Vec<Diagnostic> {
    out.sort_by(|a, b| (a.severity, &a.path, a.code, &a.message).cmp(&(b.severity, &b.path, b.code, &b.message)));
    out.dedup();
    out
}

/// What a rule group reads of the *content* of security groups, network
/// ACLs and route tables (beyond their names, which every group may look up).
/// An edit that changes one such object in place re-runs only the groups
/// that read its kind; any other edit re-runs everything.
const SG: u8 = 1;
const NACL: u8 = 2;
const RT: u8 = 4;
/// Dangling references: re-checked for the edited object only (an in-place
/// edit keeps every name, so references *to* it still resolve as before).
const REFS: u8 = 8;

struct Group {
    run: fn(&context::ValidationPass<'_>),
    reads: u8,
}

/// Every rule group, in the order a full validation runs them.
const GROUPS: &[Group] = &[
    Group {
        run: integrity::names,
        reads: 0,
    },
    Group {
        run: integrity::references,
        reads: REFS,
    },
    Group {
        run: integrity::zones,
        reads: 0,
    },
    Group {
        run: addressing::vpc_blocks,
        reads: RT,
    },
    Group {
        run: addressing::subnet_blocks,
        reads: 0,
    },
    Group {
        run: addressing::subnet_overlaps,
        reads: 0,
    },
    Group {
        run: addressing::fixed_addresses,
        reads: 0,
    },
    Group {
        run: addressing::capacity,
        reads: 0,
    },
    Group {
        run: addressing::onprem_overlap,
        reads: 0,
    },
    Group {
        run: routing::associations,
        reads: RT | NACL,
    },
    Group {
        run: routing::vpc_defaults,
        reads: SG | NACL | RT,
    },
    Group {
        run: routing::routes,
        reads: RT,
    },
    Group {
        run: gateways::one_per_vpc,
        reads: 0,
    },
    Group {
        run: gateways::nat_gateways,
        reads: RT,
    },
    Group {
        run: gateways::elastic_ips,
        reads: 0,
    },
    Group {
        run: gateways::unused_igws,
        reads: RT,
    },
    Group {
        run: compute::public_subnets,
        reads: RT,
    },
    Group {
        run: compute::load_balancers,
        reads: RT,
    },
    Group {
        run: filtering::security_groups,
        reads: SG,
    },
    Group {
        run: filtering::interface_groups,
        reads: SG,
    },
    Group {
        run: filtering::network_acls,
        reads: NACL,
    },
    Group {
        run: connectivity::peerings,
        reads: 0,
    },
    Group {
        run: connectivity::peering_routes,
        reads: RT,
    },
    Group {
        run: connectivity::endpoints,
        reads: RT,
    },
    Group {
        run: privatelink::endpoint_services,
        reads: 0,
    },
    Group {
        run: privatelink::edge_route_tables,
        reads: RT,
    },
    Group {
        run: connectivity::transit_gateways,
        reads: RT,
    },
    Group {
        run: connectivity::hybrid,
        reads: 0,
    },
    Group {
        run: connectivity::prefix_lists,
        reads: 0,
    },
    Group {
        run: sharing::accounts,
        reads: SG,
    },
    Group {
        run: lints::check,
        reads: RT,
    },
    Group {
        run: quotas::check,
        reads: SG | NACL | RT,
    },
];

/// The findings of a design kept per rule group, so that an edit re-runs
/// only the groups it can affect ([`Findings::after_in_place`]). Its
/// [`Findings::all`] always equals [`validate_with`] on the same design
/// (proven by the workspace's incremental-equals-full property test).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    groups: Vec<Vec<Diagnostic>>,
    all: Vec<Diagnostic>,
}

impl Findings {
    /// Runs every rule (the design's quota profile, else AWS's defaults).
    pub fn full(d: &Design, idx: &DesignIndex) -> Findings {
        let quotas = d.quotas.unwrap_or_default();
        let cx = context::ValidationPass::new(d, idx, &quotas);
        let groups: Vec<Vec<Diagnostic>> = GROUPS.iter().map(|g| cx.run_with(g.run)).collect();
        Findings {
            all: finish(groups.concat()),
            groups,
        }
    }

    /// Every finding, sorted as [`validate`] sorts them.
    pub fn all(&self) -> &[Diagnostic] {
        &self.all
    }

    /// The findings after `old` was replaced by `new` in place (same kind,
    /// name and position; `d` and `idx` are the design after the edit).
    /// Re-runs the groups that read the edited kind; falls back to
    /// [`Findings::full`] for kinds other than security groups, network
    /// ACLs and route tables.
    pub fn after_in_place(&self, d: &Design, idx: &DesignIndex, old: &Object, new: &Object) -> Findings {
        let mask = match (old, new) {
            (Object::SecurityGroup(_), Object::SecurityGroup(_)) => SG,
            (Object::NetworkAcl(_), Object::NetworkAcl(_)) => NACL,
            (Object::RouteTable(_), Object::RouteTable(_)) => RT,
            _ => 0,
        };
        // Two objects of one name share an `ObjectRef`: their reference findings
        // cannot be told apart, so such a design is validated whole.
        if mask == 0
            || old.name() != new.name()
            || self.groups.len() != GROUPS.len()
            || idx.lookup(new.name()).len() != 1
        {
            return Findings::full(d, idx);
        }
        let quotas = d.quotas.unwrap_or_default();
        let cx = context::ValidationPass::new(d, idx, &quotas);
        let edited = Some(ObjectRef::new(new.kind(), new.name()));
        let groups: Vec<Vec<Diagnostic>> = GROUPS
            .iter()
            .zip(&self.groups)
            .map(|(g, before)| {
                if g.reads & mask != 0 {
                    cx.run_with(g.run)
                } else if g.reads & REFS != 0 {
                    let mut kept: Vec<Diagnostic> = before.iter().filter(|x| x.object != edited).cloned().collect();
                    let mut one = Design::default();
                    one.put(new.clone());
                    kept.extend(cx.run_with(|cx| integrity::references_in(cx, &one)));
                    kept
                } else {
                    before.clone()
                }
            })
            .collect();
        Findings {
            all: finish(groups.concat()),
            groups,
        }
    }
}

impl Findings {
    /// The findings after `inserted` was added to the design (`d` and `idx`
    /// are the design after the edit); equal to [`Findings::full`].
    pub fn after_insert(&self, d: &Design, idx: &DesignIndex, inserted: &Object) -> Findings {
        let _ = inserted;
        Findings::full(d, idx)
    }

    /// The findings after `removed` was taken out of the design (`d` and
    /// `idx` are the design after the edit); equal to [`Findings::full`].
    pub fn after_remove(&self, d: &Design, idx: &DesignIndex, removed: &Object) -> Findings {
        let _ = removed;
        Findings::full(d, idx)
    }
}

/// Whether there is at least one error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}
