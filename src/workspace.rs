//! The workspace is the only place a design changes. It applies an [`Edit`],
//! re-validates, rejects edits that AWS would refuse (restoring the design
//! exactly), and keeps the undo/redo history and the latest diagnostics.

use std::path::{Path, PathBuf};

use crate::edit::{deletion_refused_while_referenced, Edit, EditError};
use crate::model::{Design, DesignIndex, ObjectRef};
use crate::validate::{self, Diagnostic};

/// What the last successful edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// "added subnet app-b 10.0.12.0/24 in us-east-1b"
    pub summary: String,
    /// New diagnostics the edit introduced (warnings, infos, non-blocking errors).
    pub new_findings: Vec<Diagnostic>,
}

/// Why an edit was rejected. The design is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Rejected {
    /// One line: why, and what would be valid.
    pub message: String,
    /// The findings that caused the rejection.
    pub reasons: Vec<Diagnostic>,
}

impl From<EditError> for Rejected {
    fn from(e: EditError) -> Self {
        Rejected {
            message: e.to_string(),
            reasons: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
struct HistoryEntry {
    forward: Edit,
    inverse: Edit,
    summary: String,
}

/// A design being worked on.
#[derive(Debug, Clone)]
pub struct Workspace {
    design: Design,
    index: DesignIndex,
    diagnostics: Vec<Diagnostic>,
    undo: Vec<HistoryEntry>,
    redo: Vec<HistoryEntry>,
    path: Option<PathBuf>,
    revision: u64,
    saved_revision: u64,
}

impl Workspace {
    pub fn new(design: Design) -> Self {
        let index = DesignIndex::new(&design);
        let diagnostics = validate::validate_with(&design, &index);
        Workspace {
            design,
            index,
            diagnostics,
            undo: Vec::new(),
            redo: Vec::new(),
            path: None,
            revision: 0,
            saved_revision: 0,
        }
    }

    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn design(&self) -> &Design {
        &self.design
    }
    pub fn index(&self) -> &DesignIndex {
        &self.index
    }
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
    pub fn set_path(&mut self, path: impl Into<PathBuf>) {
        self.path = Some(path.into());
    }
    /// Increases by one with every applied edit, undo or redo.
    pub fn revision(&self) -> u64 {
        self.revision
    }
    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }
    pub fn mark_saved(&mut self) {
        self.saved_revision = self.revision;
    }
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Applies an edit. If the result holds a state AWS refuses (and that the
    /// design did not already hold), the edit is undone and rejected with the
    /// reasons; the design is then exactly as before.
    pub fn apply(&mut self, edit: Edit) -> Result<Applied, Rejected> {
        self.refuse_dependent_deletes(&edit)?;
        let summary = edit.describe(&self.design);
        let check = validate::EditCheck::before(&edit, &self.design);
        let inverse = edit.clone().apply(&mut self.design)?;
        let index = DesignIndex::new(&self.design);
        let diagnostics = validate::validate_with(&self.design, &index);
        let mut blocking: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.blocks_edit && !self.diagnostics.iter().any(|old| same_finding(old, d)))
            .cloned()
            .collect();
        // Refusals that depend on the edit itself (a new route to a missing target).
        blocking.extend(check.refusals(&self.design, &index));
        if !blocking.is_empty() {
            // The inverse of an edit that just applied always applies.
            let _ = inverse.apply(&mut self.design);
            let first = &blocking[0];
            let mut message = format!("{}: {}", first.path, first.message);
            if let Some(code) = first.aws_code {
                message.push_str(&format!(" (AWS: {code})"));
            }
            if !first.hint.is_empty() {
                message.push_str(&format!(" — {}", first.hint));
            }
            if blocking.len() > 1 {
                message.push_str(&format!(" (+{} more)", blocking.len() - 1));
            }
            return Err(Rejected {
                message,
                reasons: blocking,
            });
        }
        let new_findings = diagnostics
            .iter()
            .filter(|d| !self.diagnostics.iter().any(|old| same_finding(old, d)))
            .cloned()
            .collect();
        self.index = index;
        self.diagnostics = diagnostics;
        self.undo.push(HistoryEntry {
            forward: edit,
            inverse,
            summary: summary.clone(),
        });
        self.redo.clear();
        self.revision += 1;
        Ok(Applied { summary, new_findings })
    }

    /// Undoes the last edit; returns what was undone.
    pub fn undo(&mut self) -> Option<String> {
        let entry = self.undo.pop()?;
        match entry.inverse.clone().apply(&mut self.design) {
            Ok(forward) => {
                self.refresh();
                let summary = entry.summary.clone();
                self.redo.push(HistoryEntry {
                    forward,
                    inverse: entry.inverse,
                    summary: entry.summary,
                });
                Some(format!("undid: {summary}"))
            }
            Err(_) => None,
        }
    }

    /// Re-applies the last undone edit; returns what was redone.
    pub fn redo(&mut self) -> Option<String> {
        let entry = self.redo.pop()?;
        match entry.forward.clone().apply(&mut self.design) {
            Ok(inverse) => {
                self.refresh();
                let summary = entry.summary.clone();
                self.undo.push(HistoryEntry {
                    forward: entry.forward,
                    inverse,
                    summary: entry.summary,
                });
                Some(format!("redid: {summary}"))
            }
            Err(_) => None,
        }
    }

    /// Replaces the whole design (open, restore from recovery). Clears history.
    pub fn replace_design(&mut self, design: Design) {
        self.design = design;
        self.undo.clear();
        self.redo.clear();
        self.refresh();
    }

    fn refresh(&mut self) {
        self.index = DesignIndex::new(&self.design);
        self.diagnostics = validate::validate_with(&self.design, &self.index);
        self.revision += 1;
    }

    /// AWS refuses to delete a VPC, subnet, route table, SG, NACL, attached IGW …
    /// while other objects still use it (DependencyViolation, DEL-1..7).
    fn refuse_dependent_deletes(&self, edit: &Edit) -> Result<(), Rejected> {
        let mut deleted: Vec<&ObjectRef> = Vec::new();
        collect_deletes(edit, &mut deleted);
        for target in &deleted {
            if !deletion_refused_while_referenced(target.kind) {
                continue;
            }
            let users: Vec<String> = self
                .design
                .referrers(target)
                .into_iter()
                .filter(|r| !deleted.contains(&&r.from))
                .map(|r| r.from.to_string())
                .collect();
            if !users.is_empty() {
                let mut shown: Vec<String> = users.clone();
                shown.dedup();
                let more = if shown.len() > 3 {
                    format!(" and {} more", shown.len() - 3)
                } else {
                    String::new()
                };
                shown.truncate(3);
                return Err(Rejected {
                    message: format!(
                        "cannot delete {target}: still used by {}{more} (AWS: DependencyViolation) — remove or re-point those first",
                        shown.join(", ")
                    ),
                    reasons: Vec::new(),
                });
            }
        }
        Ok(())
    }
}

fn collect_deletes<'a>(edit: &'a Edit, out: &mut Vec<&'a ObjectRef>) {
    match edit {
        Edit::Delete(r) => out.push(r),
        Edit::Batch { edits, .. } => edits.iter().for_each(|e| collect_deletes(e, out)),
        _ => {}
    }
}

fn same_finding(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.code == b.code && a.object == b.object && a.message == b.message
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn ws() -> Workspace {
        let mut d = Design::default();
        for o in Design::new_vpc_objects("main", "10.0.0.0/16".parse().unwrap()) {
            d.put(o);
        }
        Workspace::new(d)
    }

    fn subnet(name: &str, cidr: &str) -> Object {
        Object::Subnet(Subnet {
            name: name.into(),
            description: None,
            vpc: "main".into(),
            az: "us-east-1a".into(),
            cidr: cidr.parse().unwrap(),
            ipv6_cidr: None,
            map_public_ip: false,
            route_table: None,
            network_acl: None,
            tier: None,
        })
    }

    #[test]
    fn rejected_edit_leaves_design_byte_for_byte_unchanged() {
        let mut w = ws();
        w.apply(Edit::Put(subnet("a", "10.0.1.0/24"))).unwrap();
        let before = crate::io::to_ron_string(w.design()).unwrap();
        let rev = w.revision();
        let err = w.apply(Edit::Put(subnet("b", "10.0.1.128/25"))).unwrap_err();
        assert!(err.message.contains("overlaps"), "{}", err.message);
        assert_eq!(crate::io::to_ron_string(w.design()).unwrap(), before);
        assert_eq!(w.revision(), rev);
        let err = w.apply(Edit::Put(subnet("c", "192.168.0.0/24"))).unwrap_err();
        assert!(
            err.message.contains("10.0.0.0/16"),
            "says what would be valid: {}",
            err.message
        );
        assert_eq!(crate::io::to_ron_string(w.design()).unwrap(), before);
    }

    #[test]
    fn undo_redo_round_trip() {
        let mut w = ws();
        let start = w.design().clone();
        let applied = w.apply(Edit::Put(subnet("a", "10.0.1.0/24"))).unwrap();
        assert_eq!(applied.summary, "added subnet a 10.0.1.0/24 in us-east-1a");
        let after = w.design().clone();
        assert!(w.undo().is_some());
        assert_eq!(w.design(), &start);
        assert!(w.redo().is_some());
        assert_eq!(w.design(), &after);
        assert!(w.redo().is_none());
    }

    #[test]
    fn deleting_a_used_subnet_is_a_dependency_violation() {
        let mut w = ws();
        w.apply(Edit::Put(subnet("a", "10.0.1.0/24"))).unwrap();
        let err = w
            .apply(Edit::Delete(ObjectRef::new(ObjectKind::Vpc, "main")))
            .unwrap_err();
        assert!(err.message.contains("DependencyViolation"), "{}", err.message);
    }
}
