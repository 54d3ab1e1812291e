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
//! nothing scans all instances per instance. [`Findings`] keeps the findings
//! per rule group, so an edit re-runs only the groups it can affect, and an
//! inserted or removed instance only the VPCs, subnets or instance it touches.

mod addressing;
pub mod aws_codes;
mod catalogue;
mod compute;
mod connectivity;
mod context;
mod filtering;
mod findings;
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

use crate::model::{Design, DesignIndex, ObjectRef};

pub use crate::model::limits::QuotaProfile;
pub use catalogue::{rule, RuleInfo, CATALOGUE};
pub use findings::Findings;
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
    findings::run_all(&cx);
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

/// Whether there is at least one error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}
