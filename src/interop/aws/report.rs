//! The import report: objects imported per kind, every object skipped or
//! approximated with the reason, files ignored, the findings of `vpcd check`
//! on the result and, when it has errors, the outputs that seem missing.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::validate::{Diagnostic, Severity};

/// One object (or rule, or route) left out or changed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The AWS id, or a description of the part (`rtb-1 route 0.0.0.0/0`).
    pub id: String,
    pub kind: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IgnoredFileNote {
    pub path: String,
    pub keys: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Where the design came from, when not AWS's own output (`Terraform`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The design's objects per kind.
    pub imported: BTreeMap<&'static str, usize>,
    pub region: String,
    pub accounts: Vec<String>,
    /// Files read, per top-level key.
    pub files: BTreeMap<String, usize>,
    pub skipped: Vec<Note>,
    pub approximated: Vec<Note>,
    pub ignored_files: Vec<IgnoredFileNote>,
    /// Error findings of validation on the imported design.
    pub errors: Vec<Diagnostic>,
    /// Number of warnings and infos (not listed: `vpcd check` shows them).
    pub warnings: usize,
    pub infos: usize,
    /// The CLI outputs that seem missing, when the design has errors.
    pub missing: Vec<String>,
}

impl Report {
    pub fn skip(&mut self, id: &str, kind: &str, reason: &str) {
        self.skipped.push(Note {
            id: id.to_string(),
            kind: kind.to_string(),
            reason: reason.to_string(),
        });
    }

    pub fn approximate(&mut self, id: &str, kind: &str, reason: &str) {
        self.approximated.push(Note {
            id: id.to_string(),
            kind: kind.to_string(),
            reason: reason.to_string(),
        });
    }

    /// Records validation's findings and, when there are errors, guesses
    /// which outputs are missing from the dump: those whose ids the errors name.
    pub(crate) fn findings(&mut self, diags: &[Diagnostic], keys_seen: &std::collections::HashSet<&'static str>) {
        self.errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        self.warnings = diags.iter().filter(|d| d.severity == Severity::Warning).count();
        self.infos = diags.iter().filter(|d| d.severity == Severity::Info).count();
        let mut missing: Vec<String> = Vec::new();
        for e in &self.errors {
            for word in e
                .message
                .split(|c: char| c.is_whitespace() || matches!(c, '`' | ',' | ':' | '(' | ')'))
            {
                if let Some((key, cmd)) = source_of_id(word) {
                    if !keys_seen.contains(key) {
                        let line = format!("{key} ({cmd})");
                        if !missing.contains(&line) {
                            missing.push(line);
                        }
                    }
                }
            }
        }
        self.missing = missing;
    }

    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let accounts = if self.accounts.is_empty() {
            String::new()
        } else {
            format!(", account {}", self.accounts.join(", "))
        };
        let source = if self.source.is_empty() { "AWS" } else { &self.source };
        let _ = writeln!(s, "imported from {source}: Region {}{accounts}", self.region);
        for (kind, n) in &self.imported {
            let _ = writeln!(s, "  {n:>6}  {kind}");
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(s, "skipped ({}):", self.skipped.len());
            for n in &self.skipped {
                let _ = writeln!(s, "  {} {}: {}", n.kind, n.id, n.reason);
            }
        }
        if !self.approximated.is_empty() {
            let _ = writeln!(s, "approximated ({}):", self.approximated.len());
            for n in &self.approximated {
                let _ = writeln!(s, "  {} {}: {}", n.kind, n.id, n.reason);
            }
        }
        if !self.ignored_files.is_empty() {
            let _ = writeln!(s, "ignored files ({}):", self.ignored_files.len());
            for f in &self.ignored_files {
                let keys = if f.keys.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", f.keys.join(", "))
                };
                let _ = writeln!(s, "  {}{keys}: {}", f.path, f.reason);
            }
        }
        let _ = writeln!(
            s,
            "check: {} errors, {} warnings, {} infos",
            self.errors.len(),
            self.warnings,
            self.infos
        );
        for e in &self.errors {
            let _ = writeln!(s, "  error[{}] {}: {}", e.code, e.path, e.message);
        }
        if !self.errors.is_empty() {
            if !self.source.is_empty() {
                let _ = writeln!(
                    s,
                    "the findings are what AWS would refuse or what vpcd's stand-ins (listed above) could not settle"
                );
            } else if self.missing.is_empty() {
                let _ = writeln!(
                    s,
                    "a real account is valid by definition and no output seems missing: these findings are a vpcd bug, please report them"
                );
            } else {
                let _ = writeln!(
                    s,
                    "these outputs seem missing from the dump: {}",
                    self.missing.join(", ")
                );
            }
        }
        s
    }
}

/// The output an AWS id comes from, by its prefix.
fn source_of_id(word: &str) -> Option<(&'static str, &'static str)> {
    const PREFIXES: &[(&str, &str, &str)] = &[
        (
            "tgw-rtb-",
            "TransitGatewayRouteTables",
            "ec2 describe-transit-gateway-route-tables",
        ),
        (
            "tgw-attach-",
            "TransitGatewayAttachments",
            "ec2 describe-transit-gateway-attachments",
        ),
        ("tgw-", "TransitGateways", "ec2 describe-transit-gateways"),
        ("vpc-", "Vpcs", "ec2 describe-vpcs"),
        ("subnet-", "Subnets", "ec2 describe-subnets"),
        ("rtb-", "RouteTables", "ec2 describe-route-tables"),
        ("sg-", "SecurityGroups", "ec2 describe-security-groups"),
        ("acl-", "NetworkAcls", "ec2 describe-network-acls"),
        ("igw-", "InternetGateways", "ec2 describe-internet-gateways"),
        (
            "eigw-",
            "EgressOnlyInternetGateways",
            "ec2 describe-egress-only-internet-gateways",
        ),
        ("nat-", "NatGateways", "ec2 describe-nat-gateways"),
        ("eipalloc-", "Addresses", "ec2 describe-addresses"),
        ("pcx-", "VpcPeeringConnections", "ec2 describe-vpc-peering-connections"),
        ("vpce-", "VpcEndpoints", "ec2 describe-vpc-endpoints"),
        ("vgw-", "VpnGateways", "ec2 describe-vpn-gateways"),
        ("cgw-", "CustomerGateways", "ec2 describe-customer-gateways"),
        ("vpn-", "VpnConnections", "ec2 describe-vpn-connections"),
        ("pl-", "PrefixLists", "ec2 describe-prefix-lists"),
        ("eni-", "NetworkInterfaces", "ec2 describe-network-interfaces"),
        ("i-", "Reservations", "ec2 describe-instances"),
    ];
    PREFIXES
        .iter()
        .find(|(p, _, _)| word.starts_with(p) && word.len() > p.len())
        .map(|(_, k, c)| (*k, *c))
}
