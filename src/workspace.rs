//! The workspace is the only place a design changes. It applies an [`Edit`],
//! re-validates, rejects edits that AWS would refuse (restoring the design
//! exactly), and keeps the undo/redo history and the latest diagnostics.

use std::cell::OnceCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::analysis::{Analyzer, Compiled, Query, QueryError, Trace};
use crate::edit::{deletion_refused_while_referenced, Edit, EditError};
use crate::model::{Design, DesignIndex, KindSet, Object, ObjectKind, ObjectRef};
use crate::validate::{self, Diagnostic, Findings};

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
    /// The diagnostics, kept per rule group so an edit re-runs only what it can affect.
    findings: Findings,
    /// The analysis tables of this revision, compiled on first use and
    /// patched by in-place edits of SGs, NACLs and route tables.
    analysis: OnceCell<Compiled>,
    /// What the last revision changed, for views that patch what they derived.
    last_change: Change,
    undo: Vec<HistoryEntry>,
    redo: Vec<HistoryEntry>,
    path: Option<PathBuf>,
    revision: u64,
    /// The revision the last change was made to (see [`Workspace::previous_revision`]).
    previous_revision: u64,
    /// The revision of the last change the diagram's layout can see (see
    /// [`Workspace::layout_revision`]).
    layout_revision: u64,
    saved_revision: u64,
    /// The revision the design had when it was opened (or replaced).
    opened_revision: u64,
}

/// Whether replacing `old` by `new` in place leaves the diagram's layout as it
/// was: the topology is drawn from VPCs, subnets, route tables, interfaces and
/// gateways, never from security-group rules, network ACL entries or flow
/// logs, so editing one of those (the most common edits while designing)
/// needs no relayout.
fn layout_unchanged_by(change: &Change) -> bool {
    matches!(
        change,
        Change::InPlace(Object::SecurityGroup(_), Object::SecurityGroup(_))
            | Change::InPlace(Object::NetworkAcl(_), Object::NetworkAcl(_))
            | Change::InPlace(Object::FlowLog(_), Object::FlowLog(_))
    )
}

/// What one revision did to the design, as far as the derived state (index,
/// findings, analysis tables, views) can follow it without starting over.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Change {
    /// One object replaced in place (same kind, name and position): before, after.
    InPlace(Object, Object),
    /// One object inserted at this position of its kind's list (a new object
    /// is appended; undoing a delete puts it back where it was).
    Inserted(Object, usize),
    /// One object removed from this position of its kind's list.
    Removed(Object, usize),
    /// One object renamed in place; every reference to it follows.
    Renamed(Renamed),
    /// Anything else (a batch, a new design): everything is derived again.
    #[default]
    Other,
}

/// One object renamed (see [`Change::Renamed`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Renamed {
    /// The object under its new name.
    pub object: Object,
    /// Its position in its kind's list (a rename keeps it).
    pub index: usize,
    /// Its name before.
    pub from: String,
    /// The kinds of the objects whose references name it (they were renamed
    /// with it); other objects are as they were. No reference named its new
    /// name before: a rename that makes a dangling reference resolve is
    /// undone by more than a rename (`Edit::apply`) and is `Change::Other`.
    pub referrers: KindSet,
}

impl Renamed {
    /// The rename that takes it back.
    fn reversed(&self) -> Renamed {
        let mut object = self.object.clone();
        object.set_name(self.from.clone());
        Renamed {
            object,
            index: self.index,
            from: self.object.name().to_string(),
            referrers: self.referrers,
        }
    }
}

impl Change {
    /// What `edit` did, given what it replaced in place (found before it
    /// was applied) and, for a rename, what it touched (as applying it
    /// told), the design after it and the inverse it returned.
    fn of(
        in_place: Option<(Object, Object)>,
        renaming: Option<crate::edit::Renaming>,
        after: &Design,
        edit: &Edit,
        inverse: &Edit,
    ) -> Change {
        if let Some((old, new)) = in_place {
            return Change::InPlace(old, new);
        }
        match (edit, inverse) {
            (Edit::Put(_) | Edit::Restore { .. }, Edit::Delete(r)) => {
                // `Restore` refuses to put an object behind a namesake, and a
                // `Put` of a new name has none: the first of the name is it.
                match (after.position(r.kind, &r.name), after.get(r)) {
                    (Some(index), Some(object)) => Change::Inserted(object, index),
                    _ => Change::Other,
                }
            }
            (Edit::Delete(_), Edit::Restore { index, object }) => Change::Removed(object.clone(), *index),
            (Edit::Rename { target, .. }, Edit::Rename { target: now, .. }) => {
                match (after.position(now.kind, &now.name), after.get(now), renaming) {
                    (Some(index), Some(object), Some(r)) if !r.resolves => Change::Renamed(Renamed {
                        object,
                        index,
                        from: target.name.clone(),
                        referrers: r.referrers,
                    }),
                    _ => Change::Other,
                }
            }
            _ => Change::Other,
        }
    }

    /// The change that takes the design back: what a rejected edit's rollback does.
    fn reversed(&self) -> Change {
        match self {
            Change::InPlace(old, new) => Change::InPlace(new.clone(), old.clone()),
            Change::Inserted(o, i) => Change::Removed(o.clone(), *i),
            Change::Removed(o, i) => Change::Inserted(o.clone(), *i),
            Change::Renamed(r) => Change::Renamed(r.reversed()),
            Change::Other => Change::Other,
        }
    }

    /// Brings `index` up to date with the design after the change, in place;
    /// `false` when the index cannot follow it and must be rebuilt.
    fn follow_index(&self, index: &mut DesignIndex, d: &Design) -> bool {
        match self {
            Change::InPlace(old, new) => index.update_in_place(d, old, new),
            Change::Inserted(o, i) => index.after_insert(d, o.kind(), *i),
            Change::Removed(o, i) => index.after_remove(d, *i, o),
            Change::Renamed(r) => index.after_rename(d, &r.object, r.index, &r.from),
            Change::Other => false,
        }
    }

    /// The findings after the change (equal to a full validation of `d`).
    fn follow_findings(&self, before: &Findings, d: &Design, idx: &DesignIndex) -> Findings {
        match self {
            Change::InPlace(old, new) => before.after_in_place(d, idx, old, new),
            Change::Inserted(o, _) => before.after_insert(d, idx, o),
            Change::Removed(o, _) => before.after_remove(d, idx, o),
            Change::Renamed(r) => before.after_rename(d, idx, &r.object, &r.from, r.referrers, false),
            Change::Other => Findings::full(d, idx),
        }
    }
}

/// A revision number never used before in this process. Revisions are unique
/// across workspaces, not counted from zero per workspace: a pane that cached
/// what it drew for one design's revision must not mistake another design
/// (opened, new, from a template) for that revision and keep its stale rows.
fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Workspace {
    pub fn new(design: Design) -> Self {
        let index = DesignIndex::new(&design);
        let findings = Findings::full(&design, &index);
        let revision = next_revision();
        Workspace {
            design,
            index,
            findings,
            analysis: OnceCell::new(),
            last_change: Change::Other,
            undo: Vec::new(),
            redo: Vec::new(),
            path: None,
            revision,
            previous_revision: revision,
            layout_revision: revision,
            saved_revision: revision,
            opened_revision: revision,
        }
    }

    /// A copy without history or path, to try edits on: the designer's forms
    /// ask it what [`Workspace::apply`] would answer while the user types.
    pub fn scratch(&self) -> Workspace {
        Workspace {
            design: self.design.clone(),
            index: self.index.clone(),
            findings: self.findings.clone(),
            // Forms only ask what `apply` answers: no analysis tables needed.
            analysis: OnceCell::new(),
            last_change: Change::Other,
            undo: Vec::new(),
            redo: Vec::new(),
            path: None,
            revision: self.revision,
            previous_revision: self.previous_revision,
            layout_revision: self.layout_revision,
            saved_revision: self.saved_revision,
            opened_revision: self.opened_revision,
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
        self.findings.all()
    }
    /// The reachability analyzer of the current revision. Its tables are
    /// compiled once per revision (patched after SG/NACL/route-table edits)
    /// and equal a fresh [`Analyzer::new`] on the same design.
    pub fn analyzer(&self) -> Analyzer<'_> {
        Analyzer::with_compiled(&self.design, &self.index, self.analysis_tables())
    }

    /// The compiled analysis tables of the current revision (built once, patched by
    /// edits), for callers that build their own [`Analyzer::with_compiled`].
    pub fn analysis_tables(&self) -> &Compiled {
        self.analysis.get_or_init(|| Compiled::new(&self.design, &self.index))
    }

    /// Traces a query on the current revision (same result as
    /// `analysis::trace` on [`Self::design`], without recompiling).
    pub fn trace(&self, q: &Query) -> Result<Trace, QueryError> {
        self.analyzer().trace(q)
    }

    /// When the current revision came from replacing one object in place
    /// (same kind, name and position), that object before and after; views
    /// use it to patch what they derived from the previous revision.
    pub fn last_in_place(&self) -> Option<(&Object, &Object)> {
        match &self.last_change {
            Change::InPlace(o, n) => Some((o, n)),
            _ => None,
        }
    }

    /// What the current revision changed (see [`Change`]).
    pub fn last_change(&self) -> &Change {
        &self.last_change
    }

    /// Keeps the analysis tables in step with an applied edit.
    fn follow_analysis(&mut self, change: Change) {
        let patched = match (self.analysis.get_mut(), &change) {
            (None, _) => true,
            (Some(tables), Change::InPlace(old, new)) => tables.patch(&self.design, &self.index, old, new),
            (Some(tables), Change::Inserted(o, i)) => tables.after_insert(&self.design, &self.index, o, *i),
            (Some(tables), Change::Removed(o, i)) => tables.after_remove(&self.design, &self.index, o, *i),
            (Some(tables), Change::Renamed(r)) => {
                tables.after_rename(&self.design, &self.index, &r.object, &r.from, false)
            }
            (Some(_), Change::Other) => false,
        };
        if !patched {
            self.analysis = OnceCell::new();
        }
        self.last_change = change;
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
    pub fn set_path(&mut self, path: impl Into<PathBuf>) {
        self.path = Some(path.into());
    }
    /// Increases by one with every applied edit, undo or redo.
    /// Changes with every edit, undo, redo or replacement, and is never
    /// shared by two different states of any workspace in this process.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The revision that [`Workspace::last_change`] was made to: a view that
    /// derived something from this revision can patch it with that change.
    pub fn previous_revision(&self) -> u64 {
        self.previous_revision
    }

    /// The revision of the last change that can move anything on the
    /// diagram: it stays put while only security groups, network ACLs and
    /// flow logs are replaced in place, so the diagram keeps its layout across
    /// those edits (their diagnostics' markers are compared separately).
    pub fn layout_revision(&self) -> u64 {
        self.layout_revision
    }

    /// Whether the design is as it was opened: no edit, undo or redo since.
    pub fn is_fresh(&self) -> bool {
        self.revision == self.opened_revision
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
        self.try_edit(edit, true)
    }

    /// What [`Workspace::apply`] would answer to `edit`, leaving the
    /// workspace exactly as it was (design, index, diagnostics, history and
    /// revision): the forms' live check. Cheaper than `apply` then `undo`,
    /// which would derive the index and diagnostics a second time.
    pub fn probe(&mut self, edit: Edit) -> Result<Applied, Rejected> {
        self.try_edit(edit, false)
    }

    /// Applies `edit` and decides as [`Workspace::apply`] does; keeps the
    /// result only when `keep` and AWS accepts it.
    fn try_edit(&mut self, edit: Edit, keep: bool) -> Result<Applied, Rejected> {
        self.refuse_dependent_deletes(&edit)?;
        let summary = edit.describe(&self.design);
        let check = validate::EditCheck::before(&edit, &self.design);
        let in_place = self.in_place_change(&edit);
        // Inverses always apply (`Edit::apply` refuses a rename of a name held
        // twice, and restores next to namesakes). A design that holds a name
        // twice is the one place that guarantee is hard to see, so there a
        // rename or batch keeps a copy to restore a rejected edit exactly;
        // a valid design never pays for the clone.
        let holds_duplicate_names = self.findings.all().iter().any(|d| d.code == "duplicate-name");
        let snapshot = (holds_duplicate_names && matches!(edit, Edit::Rename { .. } | Edit::Batch { .. }))
            .then(|| self.design.clone());
        let (inverse, renaming) = edit.clone().apply_noting(&mut self.design)?;
        let change = Change::of(in_place, renaming, &self.design, &edit, &inverse);
        // The index either follows the edit (and the rollback below if the
        // edit is rejected) or is rebuilt beside the old one.
        let patched = change.follow_index(&mut self.index, &self.design);
        let rebuilt = (!patched).then(|| DesignIndex::new(&self.design));
        let index = rebuilt.as_ref().unwrap_or(&self.index);
        let findings = change.follow_findings(&self.findings, &self.design, index);
        let known = FindingSet::of(self.findings.all());
        let mut blocking: Vec<Diagnostic> = findings
            .all()
            .iter()
            .filter(|d| d.blocks_edit && !known.contains(d))
            .cloned()
            .collect();
        // Refusals that depend on the edit itself (a new route to a missing target).
        blocking.extend(check.refusals(&self.design, index));
        // The edited object's own findings first: a refused new subnet is
        // told which existing subnet it overlaps, not the reverse.
        if let Edit::Put(o) = &edit {
            let me = crate::model::ObjectRef::new(o.kind(), o.name());
            blocking.sort_by_key(|d| d.object.as_ref() != Some(&me));
        }
        if !blocking.is_empty() || !keep {
            let outcome = if blocking.is_empty() {
                let new_findings = findings.all().iter().filter(|d| !known.contains(d)).cloned().collect();
                Ok(Applied { summary, new_findings })
            } else {
                Err(rejection(blocking))
            };
            if inverse.apply(&mut self.design).is_err() {
                if let Some(before) = snapshot {
                    self.design = before;
                }
                self.index = DesignIndex::new(&self.design);
            } else if patched && !change.reversed().follow_index(&mut self.index, &self.design) {
                self.index = DesignIndex::new(&self.design);
            }
            return outcome;
        }
        let new_findings = findings.all().iter().filter(|d| !known.contains(d)).cloned().collect();
        if let Some(index) = rebuilt {
            self.index = index;
        }
        self.findings = findings;
        self.bump_revision(&change);
        self.follow_analysis(change);
        self.undo.push(HistoryEntry {
            forward: edit,
            inverse,
            summary: summary.clone(),
        });
        self.redo.clear();
        Ok(Applied { summary, new_findings })
    }

    /// For an edit that replaces one object in place (same kind, name and
    /// position), the object before and after: the index can then often
    /// follow without a rebuild.
    fn in_place_change(&self, edit: &Edit) -> Option<(Object, Object)> {
        match edit {
            Edit::Put(new) => {
                let old = self.design.get(&ObjectRef::new(new.kind(), new.name()))?;
                Some((old, new.clone()))
            }
            _ => None,
        }
    }

    /// Re-derives the index and diagnostics after an edit was applied.
    fn refresh_after(&mut self, change: Change) {
        if !change.follow_index(&mut self.index, &self.design) {
            self.index = DesignIndex::new(&self.design);
        }
        self.findings = change.follow_findings(&self.findings, &self.design, &self.index);
        self.bump_revision(&change);
        self.follow_analysis(change);
    }

    /// A new revision after a change.
    fn bump_revision(&mut self, change: &Change) {
        self.previous_revision = self.revision;
        self.revision = next_revision();
        if !layout_unchanged_by(change) {
            self.layout_revision = self.revision;
        }
    }

    /// Undoes the last edit; returns what was undone.
    pub fn undo(&mut self) -> Option<String> {
        let entry = self.undo.pop()?;
        let in_place = self.in_place_change(&entry.inverse);
        match entry.inverse.clone().apply_noting(&mut self.design) {
            Ok((forward, renaming)) => {
                self.refresh_after(Change::of(in_place, renaming, &self.design, &entry.inverse, &forward));
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
        let in_place = self.in_place_change(&entry.forward);
        match entry.forward.clone().apply_noting(&mut self.design) {
            Ok((inverse, renaming)) => {
                self.refresh_after(Change::of(in_place, renaming, &self.design, &entry.forward, &inverse));
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
        self.findings = Findings::full(&self.design, &self.index);
        self.analysis = OnceCell::new();
        self.last_change = Change::Other;
        self.bump_revision(&Change::Other);
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
            // A group referenced by a rule of another (peered) VPC's group can be
            // deleted: the rule stays as a stale rule (VPC User Guide, "Work with
            // stale security group rules"). Within one VPC AWS refuses it.
            let target_vpc = (target.kind == ObjectKind::SecurityGroup)
                .then(|| {
                    self.index
                        .security_group(&self.design, &target.name)
                        .map(|g| g.vpc.as_str())
                })
                .flatten();
            let stale_after_delete = |r: &crate::model::Reference<'_>| {
                r.field == "rules.peer"
                    && r.from.kind == ObjectKind::SecurityGroup
                    && self
                        .index
                        .security_group(&self.design, &r.from.name)
                        .is_some_and(|g| Some(g.vpc.as_str()) != target_vpc)
            };
            let users: Vec<String> = self
                .design
                .referrers(target)
                .into_iter()
                .filter(|r| !stale_after_delete(r))
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
                let why = format!("cannot delete {target}: still used by {}{more}", shown.join(", "));
                let hint = "remove or re-point those first".to_string();
                // Deleting it would leave those references dangling; AWS refuses the
                // delete itself with DependencyViolation (DEL-1..7).
                let reason = Diagnostic {
                    severity: validate::Severity::Error,
                    code: "dangling-reference",
                    object: Some((*target).clone()),
                    path: target.to_string(),
                    message: why.clone(),
                    hint: hint.clone(),
                    aws_code: Some(validate::aws_codes::DEPENDENCY_VIOLATION),
                    blocks_edit: true,
                };
                return Err(Rejected {
                    message: format!("{why} (AWS: {}) — {hint}", validate::aws_codes::DEPENDENCY_VIOLATION),
                    reasons: vec![reason],
                });
            }
        }
        Ok(())
    }
}

/// The rejection of an edit for its blocking findings (at least one): the
/// first one's path, message, AWS code and hint, and how many more there are.
fn rejection(blocking: Vec<Diagnostic>) -> Rejected {
    let Some(first) = blocking.first() else {
        return Rejected {
            message: "refused".into(),
            reasons: blocking,
        };
    };
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
    Rejected {
        message,
        reasons: blocking,
    }
}

fn collect_deletes<'a>(edit: &'a Edit, out: &mut Vec<&'a ObjectRef>) {
    match edit {
        Edit::Delete(r) => out.push(r),
        Edit::Batch { edits, .. } => edits.iter().for_each(|e| collect_deletes(e, out)),
        _ => {}
    }
}

/// The findings of a diagnostics list, for "is this finding new?" in O(1)
/// (same code, object and message).
struct FindingSet<'a>(HashSet<(&'static str, Option<&'a ObjectRef>, &'a str)>);

impl<'a> FindingSet<'a> {
    fn of(diags: &'a [Diagnostic]) -> Self {
        FindingSet(
            diags
                .iter()
                .map(|d| (d.code, d.object.as_ref(), d.message.as_str()))
                .collect(),
        )
    }
    fn contains(&self, d: &Diagnostic) -> bool {
        self.0.contains(&(d.code, d.object.as_ref(), d.message.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use ipnet::IpNet;

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

    #[test]
    fn cached_analysis_traces_like_a_fresh_analyzer_after_edits() {
        let d = crate::create::templates::sample::three_tier();
        let queries: Vec<Query> = d.traces.iter().map(Query::from).collect();
        assert!(!queries.is_empty());
        let mut w = Workspace::new(d);
        let fresh = |w: &Workspace, q: &Query| Analyzer::new(w.design(), w.index()).trace(q);
        for q in &queries {
            assert_eq!(w.trace(q), fresh(&w, q));
        }
        // Close the database group: the cached tables are patched, and the
        // app tier loses PostgreSQL; undo restores it.
        let app_to_db = Query::new("app-1", "db-1", Protocol::Tcp, Some(5432));
        assert!(w.trace(&app_to_db).unwrap().reachable);
        let mut db = w
            .design()
            .security_groups
            .iter()
            .find(|g| g.name == "sg-db")
            .unwrap()
            .clone();
        db.inbound.clear();
        w.apply(Edit::Put(Object::SecurityGroup(db))).unwrap();
        assert!(!w.trace(&app_to_db).unwrap().reachable);
        for q in queries.iter().chain([&app_to_db]) {
            assert_eq!(w.trace(q), fresh(&w, q));
        }
        w.undo();
        assert!(w.trace(&app_to_db).unwrap().reachable);
        assert_eq!(w.trace(&app_to_db), fresh(&w, &app_to_db));
    }

    /// One random edit of the kinds the designer makes, chosen by `op` and `n`.
    fn random_edit(d: &Design, op: u8, n: usize) -> Option<Edit> {
        let inst = d.instances.get(n % d.instances.len().max(1))?.clone();
        let sg = d.security_groups.get(n % d.security_groups.len().max(1))?.clone();
        let subnet = d.subnets.get(n % d.subnets.len().max(1))?.clone();
        Some(match op % 16 {
            0 => {
                let mut g = sg;
                g.inbound.push(SgRule::new(
                    Protocol::Tcp,
                    PortRange::single(1000 + n as u16),
                    SgPeer::Cidr("10.0.0.0/8".parse().ok()?),
                ));
                Edit::Put(Object::SecurityGroup(g))
            }
            1 => {
                // Another group of the instance's VPC.
                let vpc = d.subnets.iter().find(|s| s.name == inst.subnet).map(|s| s.vpc.clone());
                let same_vpc: Vec<&SecurityGroup> = d
                    .security_groups
                    .iter()
                    .filter(|g| Some(&g.vpc) == vpc.as_ref())
                    .collect();
                let mut i = inst;
                if let Some(g) = same_vpc.get(n % same_vpc.len().max(1)) {
                    i.security_groups = vec![g.name.clone()];
                }
                i.source_dest_check = !i.source_dest_check;
                Edit::Put(Object::Instance(i))
            }
            2 => {
                let mut i = inst;
                i.subnet = subnet.name;
                Edit::Put(Object::Instance(i))
            }
            3 => {
                let mut s = subnet;
                s.map_public_ip = !s.map_public_ip;
                Edit::Put(Object::Subnet(s))
            }
            4 => {
                let mut s = subnet;
                s.route_table = d
                    .route_tables
                    .get(n % d.route_tables.len().max(1))
                    .map(|r| r.name.clone());
                s.description = Some(format!("edit {n}"));
                Edit::Put(Object::Subnet(s))
            }
            5 => Edit::Delete(ObjectRef::new(ObjectKind::Instance, inst.name)),
            6 => {
                let target = match n % 4 {
                    0 => ObjectRef::new(ObjectKind::SecurityGroup, sg.name),
                    1 => ObjectRef::new(ObjectKind::Instance, inst.name),
                    2 => ObjectRef::new(ObjectKind::Subnet, subnet.name),
                    _ => {
                        let refs = d.object_refs();
                        refs.get(n / 4 % refs.len().max(1))?.clone()
                    }
                };
                Edit::Rename {
                    target,
                    to: format!("renamed-{n}"),
                }
            }
            7 => {
                let mut i = inst;
                i.name = format!("new-{n}");
                Edit::Put(Object::Instance(i))
            }
            8 => {
                let mut nat = d.nat_gateways.get(n % d.nat_gateways.len().max(1))?.clone();
                nat.description = Some("changed".into());
                if n % 3 == 0 {
                    nat.private_ip = None;
                    nat.subnet = Some(subnet.name);
                }
                Edit::Put(Object::NatGateway(nat))
            }
            9 => {
                let mut e = d.elastic_ips.get(n % d.elastic_ips.len().max(1))?.clone();
                e.address = std::net::Ipv4Addr::new(3, 90, (n / 256) as u8, (n % 256) as u8);
                Edit::Put(Object::ElasticIp(e))
            }
            10 => {
                let mut t = d.transit_gateways.first()?.clone();
                if n % 2 == 0 {
                    t.route_tables.first_mut()?.routes.push(TgwRoute {
                        cidr: "172.16.0.0/12".parse().ok()?,
                        target: TgwRouteTarget::Blackhole,
                    });
                } else {
                    t.attachments.pop();
                }
                Edit::Put(Object::TransitGateway(t))
            }
            11 => {
                let mut i = inst;
                i.secondary_interfaces.push(NetworkInterface {
                    owner: None,
                    name: format!("eni-x{n}"),
                    subnet: subnet.name,
                    private_ip: None,
                    security_groups: vec![sg.name],
                    source_dest_check: false,
                });
                Edit::Put(Object::Instance(i))
            }
            12 => Edit::Delete(ObjectRef::new(ObjectKind::SecurityGroup, sg.name)),
            13 => {
                // Overlaps its own subnet: refused, and must leave everything as it was.
                let mut s = subnet;
                s.name = format!("overlap-{n}");
                Edit::Put(Object::Subnet(s))
            }
            14 => {
                let mut i = inst;
                i.private_ip = cidr::nth_usable(subnet.cidr, n as u64 % 3);
                i.subnet = subnet.name;
                Edit::Put(Object::Instance(i))
            }
            _ => Edit::batch(
                "two changes",
                vec![
                    Edit::Put(Object::SecurityGroup(sg)),
                    Edit::Delete(ObjectRef::new(ObjectKind::Instance, inst.name)),
                ],
            ),
        })
    }

    /// Structural edits: a copy of any object under a new name (its addresses,
    /// groups and parts kept, so they collide), or the deletion of any object.
    fn random_structural_edit(d: &Design, op: u8, n: usize) -> Option<Edit> {
        let refs = d.object_refs();
        let r = refs.get(n % refs.len().max(1))?;
        if op % 2 == 0 {
            let mut copy = d.get(r)?;
            copy.set_name(format!("{}-copy-{n}", r.name));
            Some(Edit::Put(copy))
        } else {
            Some(Edit::Delete(r.clone()))
        }
    }

    /// In-place edits of security groups, network ACLs and route tables:
    /// the edits whose validation re-runs only the rule groups they affect.
    fn random_content_edit(d: &Design, op: u8, n: usize) -> Option<Edit> {
        let any = |k: u8| -> Option<IpNet> {
            Some(match k % 4 {
                0 => "0.0.0.0/0".parse().ok()?,
                1 => "10.0.0.0/8".parse().ok()?,
                2 => "10.0.1.5/32".parse().ok()?,
                _ => "::/0".parse().ok()?,
            })
        };
        Some(match op % 3 {
            0 => {
                let mut a = d.network_acls.get(n % d.network_acls.len().max(1))?.clone();
                let rules = if n % 2 == 0 { &mut a.inbound } else { &mut a.outbound };
                if n % 5 == 0 {
                    rules.pop();
                } else {
                    rules.push(NaclRule {
                        number: [100, 100, 32767, 90, 200][n % 5] + (n % 7) as u16,
                        action: if n % 3 == 0 {
                            RuleAction::Deny
                        } else {
                            RuleAction::Allow
                        },
                        proto: [Protocol::Tcp, Protocol::Udp, Protocol::All][n % 3],
                        ports: PortRange::new(22, 1024 + (n as u16 % 3) * 30000).ok()?,
                        cidr: any(n as u8)?,
                    });
                }
                if n % 11 == 0 {
                    a.vpc = format!("{}x", a.vpc);
                }
                Edit::Put(Object::NetworkAcl(a))
            }
            1 => {
                let mut rt = d.route_tables.get(n % d.route_tables.len().max(1))?.clone();
                let target = match n % 6 {
                    0 => RouteTarget::InternetGateway(d.internet_gateways.first()?.name.clone()),
                    1 => RouteTarget::NatGateway(d.nat_gateways.first().map_or("gone".into(), |g| g.name.clone())),
                    2 => RouteTarget::Local,
                    3 => RouteTarget::Instance(d.instances.first()?.name.clone()),
                    4 => RouteTarget::EgressOnlyGateway("eigw-missing".into()),
                    _ => {
                        RouteTarget::TransitGateway(d.transit_gateways.first().map_or("tgw".into(), |t| t.name.clone()))
                    }
                };
                if n % 4 == 0 {
                    rt.routes.pop();
                } else {
                    rt.routes
                        .push(Route::new(RouteDestination::Cidr(any(n as u8 / 2)?), target));
                }
                if n % 9 == 0 {
                    rt.propagating_vgws.push("vgw-ghost".into());
                }
                Edit::Put(Object::RouteTable(rt))
            }
            _ => {
                let mut g = d.security_groups.get(n % d.security_groups.len().max(1))?.clone();
                let other = d
                    .security_groups
                    .get(n / 2 % d.security_groups.len().max(1))?
                    .name
                    .clone();
                let peer = match n % 4 {
                    0 => SgPeer::Group(other),
                    1 => SgPeer::Group("sg-ghost".into()),
                    2 => SgPeer::Cidr(any(n as u8)?),
                    _ => SgPeer::PrefixList("pl-ghost".into()),
                };
                let rule = SgRule::new([Protocol::Tcp, Protocol::All][n % 2], PortRange::single(22), peer);
                if n % 5 == 0 {
                    g.inbound.clear();
                } else if n % 2 == 0 {
                    g.inbound.push(rule);
                } else {
                    g.outbound.push(rule);
                }
                if n % 7 == 0 {
                    g.vpc = d.vpcs.get(n % d.vpcs.len().max(1))?.name.clone();
                }
                // A group changing hands or names, not only rules.
                if n % 13 == 0 {
                    g.owner = Some("222222222222".into());
                } else if n % 17 == 0 {
                    g.group_name = Some(format!("renamed-{n}"));
                }
                Edit::Put(Object::SecurityGroup(g))
            }
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(40))]
        /// After any sequence of edits, undos and redos, the incrementally
        /// maintained index and diagnostics equal a full recompute.
        #[test]
        fn incremental_state_equals_full_recompute(
            seed in 0u64..1000,
            tweaks in proptest::collection::vec(0u8..=255, 0..6),
            ops in proptest::collection::vec((0u8..23, 0usize..64), 1..25),
        ) {
            let d = crate::model::index::tests::messy_design(seed, &tweaks);
            let mut w = Workspace::new(d);
            for (op, n) in ops {
                match op {
                    16 | 17 => { w.undo(); }
                    18 => { w.redo(); }
                    19..=22 => {
                        if let Some(e) = random_content_edit(w.design(), op, n) {
                            let _ = w.apply(e);
                        }
                    }
                    _ => {
                        if let Some(e) = random_edit(w.design(), op, n) {
                            let _ = w.apply(e);
                        }
                    }
                }
                proptest::prop_assert_eq!(w.index(), &DesignIndex::new(w.design()));
                let full = validate::validate(w.design());
                proptest::prop_assert_eq!(w.diagnostics(), full.as_slice());
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// `probe` answers what `apply` answers and leaves the workspace as it
        /// was: design, index, diagnostics, revision and history.
        #[test]
        fn probe_answers_as_apply_and_changes_nothing(
            seed in 0u64..1000,
            tweaks in proptest::collection::vec(0u8..=255, 0..6),
            ops in proptest::collection::vec((0u8..23, 0usize..64), 1..12),
        ) {
            let d = crate::model::index::tests::messy_design(seed, &tweaks);
            let mut w = Workspace::new(d);
            for (op, n) in ops {
                let edit = match op {
                    19..=22 => random_content_edit(w.design(), op, n),
                    _ => random_edit(w.design(), op, n),
                };
                let Some(edit) = edit else { continue };
                let before = w.clone();
                let answer = w.probe(edit.clone());
                proptest::prop_assert_eq!(w.design(), before.design());
                proptest::prop_assert_eq!(w.index(), before.index());
                proptest::prop_assert_eq!(w.diagnostics(), before.diagnostics());
                proptest::prop_assert_eq!(w.revision(), before.revision());
                proptest::prop_assert_eq!(w.can_undo(), before.can_undo());
                proptest::prop_assert_eq!(w.index(), &DesignIndex::new(w.design()));
                // Then really apply it, so the next probe starts from another state.
                let applied = w.apply(edit);
                proptest::prop_assert_eq!(answer, applied);
            }
        }
    }

    #[test]
    fn rule_edits_keep_the_layout_revision_and_structural_edits_move_it() {
        let mut w = Workspace::new(crate::create::templates::sample::three_tier());
        let layout = w.layout_revision();
        let [add_rule, _] = crate::perf::toggle_edits(w.design()).unwrap();
        let before = w.revision();
        w.apply(add_rule).unwrap();
        assert_ne!(w.revision(), before);
        assert_eq!(w.layout_revision(), layout);
        w.undo().unwrap();
        assert_eq!(w.layout_revision(), layout);
        let [add_instance, _] = crate::perf::add_delete_instance(w.design()).unwrap();
        w.apply(add_instance).unwrap();
        assert_eq!(w.layout_revision(), w.revision());
        assert_ne!(w.layout_revision(), layout);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The diagram kept across revisions (relaid out only when the layout
        /// revision, the options or the markers change) equals a fresh layout
        /// after any sequence of rule edits, structural and in-place edits,
        /// undos and redos, at both zoom levels.
        #[test]
        fn kept_diagram_equals_fresh_layout(
            seed in 0u64..1000,
            tweaks in proptest::collection::vec(0u8..=255, 0..6),
            ops in proptest::collection::vec((0u8..24, 0usize..64), 1..25),
        ) {
            use crate::diagram::{Charset, Diagram, DiagramCache, DiagramOptions, Zoom};
            let d = crate::model::index::tests::messy_design(seed, &tweaks);
            let mut w = Workspace::new(d);
            let mut caches = [DiagramCache::new(), DiagramCache::new()];
            let opts = [Zoom::Detail, Zoom::Summary].map(|zoom| DiagramOptions { width: 100, charset: Charset::Ascii, zoom });
            for (op, n) in ops {
                match op {
                    16 | 17 => { w.undo(); }
                    18 => { w.redo(); }
                    19..=23 => {
                        if let Some(e) = random_content_edit(w.design(), op, n) {
                            let _ = w.apply(e);
                        }
                    }
                    _ => {
                        if let Some(e) = random_edit(w.design(), op, n) {
                            let _ = w.apply(e);
                        }
                    }
                }
                for (cache, o) in caches.iter_mut().zip(opts) {
                    let kept = cache.get(w.revision(), w.layout_revision(), w.design(), w.index(), w.diagnostics(), o);
                    let fresh = Diagram::build(w.design(), w.index(), w.diagnostics(), o);
                    proptest::prop_assert!(kept == &fresh, "kept diagram differs from a fresh layout");
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        /// Security-group, NACL and route-table edits re-run only the rule
        /// groups that read those kinds (`validate::Findings::after_in_place`):
        /// after any sequence of them, instances added and deleted, undos and
        /// redos, the index and the diagnostics equal a full derivation.
        #[test]
        fn scoped_revalidation_equals_full_validation(
            seed in 0u64..1000,
            tweaks in proptest::collection::vec(0u8..=255, 0..6),
            ops in proptest::collection::vec((0u8..10, 0usize..64), 1..30),
        ) {
            let d = crate::model::index::tests::messy_design(seed, &tweaks);
            let mut w = Workspace::new(d);
            for (op, n) in ops {
                match op {
                    6 => { w.undo(); }
                    7 => { w.redo(); }
                    // Structural edits: a copy of an instance under a new name, a delete.
                    8 => {
                        if let Some(mut i) = w.design().instances.get(n % w.design().instances.len().max(1)).cloned() {
                            i.name = format!("copy-{n}");
                            i.private_ip = None;
                            let _ = w.apply(Edit::Put(Object::Instance(i)));
                        }
                    }
                    9 => {
                        if let Some(i) = w.design().instances.get(n % w.design().instances.len().max(1)) {
                            let r = ObjectRef::new(ObjectKind::Instance, i.name.clone());
                            let _ = w.apply(Edit::Delete(r));
                        }
                    }
                    _ => {
                        if let Some(e) = random_content_edit(w.design(), op, n) {
                            let _ = w.apply(e);
                        }
                    }
                }
                proptest::prop_assert_eq!(w.index(), &DesignIndex::new(w.design()));
                let full = validate::validate(w.design());
                proptest::prop_assert_eq!(w.diagnostics(), full.as_slice());
                // The analysis tables kept across revisions equal a fresh compile.
                let kept = w.analysis.get().cloned();
                let fresh = Compiled::new(w.design(), w.index());
                if let Some(kept) = kept {
                    proptest::prop_assert!(kept == fresh, "patched analysis tables differ from a fresh compile");
                }
                let _ = w.analyzer();
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
        /// Inserted and removed objects re-run only the rule groups (or the
        /// keys of a group: a VPC, a subnet, an instance) they can affect
        /// (`validate::Findings::after_insert` / `after_remove`): after any
        /// sequence of copies under new names, deletions, in-place edits,
        /// undos and redos, the findings equal a full validation, group by group.
        #[test]
        fn structural_revalidation_equals_full_validation(
            seed in 0u64..1000,
            tweaks in proptest::collection::vec(0u8..=255, 0..8),
            ops in proptest::collection::vec((0u8..12, 0usize..512), 1..30),
        ) {
            let d = crate::model::index::tests::messy_design(seed, &tweaks);
            let mut w = Workspace::new(d);
            for (op, n) in ops {
                match op {
                    0..=5 => {
                        if let Some(e) = random_structural_edit(w.design(), op, n) {
                            let _ = w.apply(e);
                        }
                    }
                    6 => {
                        if let Some(e) = random_structural_edit(w.design(), n as u8, n) {
                            let _ = w.probe(e);
                        }
                    }
                    7 | 8 => { w.undo(); }
                    9 => { w.redo(); }
                    _ => {
                        if let Some(e) = random_edit(w.design(), (n % 16) as u8, n) {
                            let _ = w.apply(e);
                        }
                    }
                }
                proptest::prop_assert_eq!(w.index(), &DesignIndex::new(w.design()));
                let full = validate::validate(w.design());
                proptest::prop_assert_eq!(w.diagnostics(), full.as_slice());
                proptest::prop_assert!(
                    w.findings == Findings::full(w.design(), w.index()),
                    "findings kept per group differ from a full validation's"
                );
            }
        }
    }

    /// A subnet renamed to the name a stray instance's subnet holds places
    /// the instance there; undo leaves the instance naming what it named,
    /// redo places it again, a probe of the same rename changes nothing, and
    /// the index and findings equal fresh ones throughout.
    #[test]
    fn a_rename_that_resolves_a_reference_undoes_redoes_and_probes_exactly() {
        let mut d = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        let stray = crate::model::index::tests::stray_instance(&d).unwrap();
        d.instances.push(stray);
        let subnet = d.subnets[0].name.clone();
        let mut w = Workspace::new(d.clone());
        let fresh = |w: &Workspace| {
            assert_eq!(w.index(), &DesignIndex::new(w.design()));
            assert!(w.findings == Findings::full(w.design(), w.index()));
        };
        let rename = Edit::Rename {
            target: ObjectRef::new(ObjectKind::Subnet, &subnet),
            to: "ghost".into(),
        };
        w.probe(rename.clone()).expect("accepted");
        assert_eq!(w.design(), &d);
        fresh(&w);
        w.apply(rename).expect("accepted");
        let renamed = w.design().clone();
        assert!(renamed
            .instances
            .iter()
            .any(|i| i.name == "stray" && i.subnet == "ghost"));
        fresh(&w);
        w.undo();
        assert_eq!(
            w.design(),
            &d,
            "the stray instance names ghost again, the subnet its name"
        );
        fresh(&w);
        w.redo();
        assert_eq!(w.design(), &renamed);
        fresh(&w);
    }
}
