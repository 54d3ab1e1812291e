//! Accounts and VPC sharing (VPC User Guide, "Share your VPC subnets with
//! other accounts"; "Responsibilities and permissions for owners and
//! participants"; AWS RAM User Guide, "Shareable AWS resources").
//!
//! - Subnets are shared only with accounts of the VPC owner's organisation
//!   (RAM: `OperationNotPermittedException`, "can only be shared within your
//!   AWS Organization").
//! - A participant sees, and launches into, only the subnets shared with it:
//!   any other subnet of the owner's VPC does not exist for it
//!   (`InvalidSubnetID.NotFound`).
//! - Participants launch with security groups they own; the owner's groups,
//!   the VPC's default group included, and other participants' groups are not
//!   theirs to use (`InvalidGroup.NotFound`). A participant creates groups only
//!   in a VPC that shares a subnet with it (`InvalidVpcID.NotFound`).
//! - Rules may still *reference* a group of another account of the same VPC:
//!   membership is by interface, whoever owns it, so participants' groups
//!   admit each other as the reachability engine already evaluates them.
//! - An edit made as one account that changes an object another account owns
//!   (a participant touching the owner's subnets, route tables or network
//!   ACLs) is refused with `UnauthorizedOperation` ([`Touched`]).

use crate::edit::Edit;
use crate::model::*;

use super::catalogue::rule;
use super::context::{oref, ValidationPass};
use super::findings::Keyed;
use super::{Diagnostic, Severity};

pub(super) fn accounts(cx: &ValidationPass<'_>) {
    known_accounts(cx);
    shares(cx);
    participant_groups(cx);
}

/// Every account a design names is one of its accounts.
fn known_accounts(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let a = &d.accounts;
    let unknown = |name: &str| a.account(name).is_none();
    let hint = "add the account to the design's accounts, or name one it lists";
    for (what, name) in [("home account", &a.home), ("acting account", &a.acting_as)] {
        if let Some(n) = name.as_deref().filter(|n| unknown(n)) {
            cx.on_design(
                "account-unknown",
                format!("design › accounts › {what}"),
                format!("the {what} {n} is not one of the design's accounts"),
                hint,
            );
        }
    }
    let mut owners: Vec<(ObjectRef, &str)> = Vec::new();
    owners.extend(
        d.vpcs
            .iter()
            .filter_map(|v| Some((oref(ObjectKind::Vpc, &v.name), v.owner.as_deref()?))),
    );
    owners.extend(
        d.security_groups
            .iter()
            .filter_map(|g| Some((oref(ObjectKind::SecurityGroup, &g.name), g.owner.as_deref()?))),
    );
    for i in &d.instances {
        let r = oref(ObjectKind::Instance, &i.name);
        owners.extend(i.owner.as_deref().map(|o| (r.clone(), o)));
        owners.extend(
            i.secondary_interfaces
                .iter()
                .filter_map(|e| Some((r.clone(), e.owner.as_deref()?))),
        );
    }
    for (r, o) in owners.into_iter().filter(|(_, o)| unknown(o)) {
        cx.on(
            "account-unknown",
            &r,
            format!("{r} is owned by {o}, which is not one of the design's accounts"),
            hint,
        );
    }
    for s in &a.shares {
        for p in s.participants.iter().filter(|p| unknown(p)) {
            cx.on_design(
                "account-unknown",
                format!("design › accounts › share {}", s.name),
                format!(
                    "share {} names participant {p}, which is not one of the design's accounts",
                    s.name
                ),
                hint,
            );
        }
    }
}

/// Resource shares: existing subnets, participants of the owner's organisation.
fn shares(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let a = &d.accounts;
    for s in &a.shares {
        let path = format!("design › accounts › share {}", s.name);
        for sub in &s.subnets {
            let Some(subnet) = cx.idx.subnet(d, sub) else {
                cx.on_design(
                    "share-subnet-missing",
                    path.clone(),
                    format!("share {} names subnet {sub}, which does not exist", s.name),
                    "share existing subnets only",
                );
                continue;
            };
            let owner = d.vpc_owner(&subnet.vpc);
            let org = a.organization_of(owner);
            for p in &s.participants {
                if a.account(p).is_none() || Some(p.as_str()) == owner {
                    continue;
                }
                let theirs = a.organization_of(Some(p));
                if org.is_none() || theirs != org {
                    cx.emit(
                        "share-outside-organization",
                        &oref(ObjectKind::Subnet, sub),
                        path.clone(),
                        format!(
                            "{sub} belongs to {} ({}), and {p} is {}: subnets are shared only within the owner's organisation",
                            Accounts::label(owner),
                            org.map_or("no organisation".to_string(), |o| format!("organisation {o}")),
                            theirs.map_or("in no organisation".to_string(), |o| format!("in organisation {o}")),
                        ),
                        "put both accounts in one AWS Organizations organisation (with resource sharing enabled), or peer separate VPCs instead".into(),
                    );
                }
            }
        }
    }
}

/// Participants' security groups: only in a VPC that shares a subnet with them.
fn participant_groups(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let a = &d.accounts;
    for g in &d.security_groups {
        let Some(o) = g.owner.as_deref() else { continue };
        let vpc_owner = cx.idx.vpc_owner(d, &g.vpc);
        if Some(o) == vpc_owner {
            continue;
        }
        let shared_here = d
            .subnets
            .iter()
            .any(|s| s.vpc == g.vpc && a.is_shared_with(&s.name, Some(o)));
        if !shared_here {
            cx.on(
                "sg-vpc-not-shared",
                &oref(ObjectKind::SecurityGroup, &g.name),
                format!(
                    "{} is owned by {o} but {} belongs to {} and shares no subnet with {o}",
                    g.name,
                    g.vpc,
                    Accounts::label(vpc_owner)
                ),
                format!("share a subnet of {} with {o} first", g.vpc),
            );
        }
    }
}

/// An instance's accounts: owners the design knows, subnets shared with
/// them, groups of their own. Filed by instance: its findings depend on it
/// alone (and on the subnets, groups, VPCs and accounts it names).
pub(super) fn instances(cx: &ValidationPass<'_>, out: &mut Keyed) {
    // With no owner named anywhere, an instance, its subnets' VPCs and its
    // groups are all the home account's: no instance has a finding here.
    if !cx.d.names_an_owner() {
        return;
    }
    for i in &cx.d.instances {
        cx.keyed(out, || i.name.clone(), |cx| instance(cx, i));
    }
}

/// An instance's findings, re-derived (when inserted).
pub(super) fn instances_around(cx: &ValidationPass<'_>, i: &Instance, inserted: bool, out: &mut Keyed) -> Vec<String> {
    if inserted {
        cx.keyed(out, || i.name.clone(), |cx| instance(cx, i));
    }
    vec![i.name.clone()]
}

fn instance(cx: &ValidationPass<'_>, i: &Instance) {
    let d = cx.d;
    let a = &d.accounts;
    let r = oref(ObjectKind::Instance, &i.name);
    let owners = i
        .owner
        .iter()
        .chain(i.secondary_interfaces.iter().filter_map(|e| e.owner.as_ref()));
    for o in owners.filter(|o| a.account(o).is_none()) {
        cx.on(
            "account-unknown",
            &r,
            format!("{r} is owned by {o}, which is not one of the design's accounts"),
            "add the account to the design's accounts, or name one it lists",
        );
    }
    let owner = cx.idx.owner_in_subnet(d, i.owner.as_deref(), &i.subnet);
    let mut enis: Vec<(Option<&str>, &str, &[String])> = vec![(owner, i.subnet.as_str(), &i.security_groups)];
    for e in &i.secondary_interfaces {
        let eo = match e.owner.as_deref() {
            Some(o) => Some(o),
            None => owner,
        };
        enis.push((eo, e.subnet.as_str(), &e.security_groups));
    }
    for (who, subnet, groups) in enis {
        let Some(s) = cx.idx.subnet(d, subnet) else { continue };
        let vpc_owner = cx.idx.vpc_owner(d, &s.vpc);
        if who != vpc_owner && !a.is_shared_with(subnet, who) {
            cx.on(
                "launch-subnet-not-shared",
                &r,
                format!(
                    "{} is owned by {} but {subnet} belongs to {} and is not shared with it",
                    i.name,
                    Accounts::label(who),
                    Accounts::label(vpc_owner)
                ),
                format!(
                    "share {subnet} with {} in a resource share, or launch into a subnet shared with it",
                    Accounts::label(who)
                ),
            );
        }
        for g in groups {
            if cx.idx.security_group(d, g).is_none() {
                continue;
            }
            let g_owner = cx.idx.security_group_owner(d, g);
            if g_owner != who {
                cx.on(
                    "foreign-security-group",
                    &r,
                    format!(
                        "{} ({}) uses {g}, which {} owns",
                        i.name,
                        Accounts::label(who),
                        Accounts::label(g_owner)
                    ),
                    format!(
                        "create a group of {} in the VPC and use it; rules may still reference {g} as a source",
                        Accounts::label(who)
                    ),
                );
            }
        }
    }
}

/// The objects an edit changes and who owned them before, when the design is
/// edited as one account (`accounts.acting_as`).
#[derive(Debug, Clone, Default)]
pub struct Touched {
    actor: String,
    /// (object, owner before the edit; `None` when it did not exist).
    objects: Vec<(ObjectRef, Option<Option<String>>)>,
}

impl Touched {
    pub(super) fn before(edit: &Edit, before: &Design) -> Option<Touched> {
        let actor = before.accounts.acting_as.clone()?;
        let mut t = Touched {
            actor,
            objects: Vec::new(),
        };
        t.collect(edit, before);
        (!t.objects.is_empty()).then_some(t)
    }

    fn collect(&mut self, edit: &Edit, before: &Design) {
        let mut touch = |r: ObjectRef| {
            let owner = before.get(&r).map(|o| before.object_owner(&o).map(String::from));
            self.objects.push((r, owner));
        };
        match edit {
            Edit::Put(o) | Edit::Restore { object: o, .. } => touch(ObjectRef::new(o.kind(), o.name())),
            Edit::Delete(r) => touch(r.clone()),
            Edit::Rename { target, to } => {
                touch(target.clone());
                touch(ObjectRef::new(target.kind, to.clone()));
            }
            Edit::Batch { edits, .. } => edits.iter().for_each(|e| self.collect(e, before)),
            // Choosing the account to act as, and the shares themselves, are the
            // designer's settings; the shares' own rules are checked on the state.
            Edit::SetInfo(_) | Edit::SetTraces(_) | Edit::SetAccounts(_) => {}
        }
    }

    /// `UnauthorizedOperation` for every touched object another account owns,
    /// before or after the edit.
    pub(super) fn refusals(&self, after: &Design) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = Vec::new();
        for (r, before_owner) in &self.objects {
            let after_owner = after.get(r).map(|o| after.object_owner(&o).map(String::from));
            let foreign = [before_owner, &after_owner]
                .into_iter()
                .flatten()
                .find(|o| o.as_deref() != Some(self.actor.as_str()));
            let Some(owner) = foreign else { continue };
            if out.iter().any(|d| d.object.as_ref() == Some(r)) {
                continue;
            }
            let info = rule("edit-other-account");
            out.push(Diagnostic {
                severity: info.map_or(Severity::Error, |i| i.severity),
                code: "edit-other-account",
                object: Some(r.clone()),
                path: r.to_string(),
                message: format!(
                    "acting as {}, which cannot change {r}: it belongs to {}",
                    self.actor,
                    Accounts::label(owner.as_deref())
                ),
                hint: "ask the owning account to make the change, or act as it".into(),
                aws_code: info.and_then(|i| i.aws_code),
                blocks_edit: true,
            });
        }
        out
    }
}
