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
mod catalogue;
mod compute;
mod connectivity;
mod context;
mod filtering;
mod gateways;
mod integrity;
mod lints;
pub mod quotas;
mod routing;
mod transitions;

use std::fmt;

use serde::Serialize;

use crate::model::{Design, DesignIndex, ObjectRef};

pub use catalogue::{rule, RuleInfo, CATALOGUE};
pub use quotas::QuotaProfile;
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
    let mut cx = context::Ctx::new(d, idx, quotas);
    integrity::check(&mut cx);
    addressing::check(&mut cx);
    routing::check(&mut cx);
    gateways::check(&mut cx);
    compute::check(&mut cx);
    filtering::check(&mut cx);
    connectivity::check(&mut cx);
    lints::check(&mut cx);
    quotas::check(&mut cx);
    let mut out = cx.finish();
    out.sort_by(|a, b| (a.severity, &a.path, a.code, &a.message).cmp(&(b.severity, &b.path, b.code, &b.message)));
    out.dedup();
    out
}

/// Whether there is at least one error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}
