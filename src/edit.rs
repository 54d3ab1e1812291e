//! Edits are values. Applying one to a design yields its exact inverse, which
//! is what undo/redo and the workspace's "reject and change nothing" rely on.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Design, KindSet, Object, ObjectKind, ObjectRef};

/// Design-wide settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignInfo {
    pub name: String,
    pub description: Option<String>,
    pub region: String,
    pub azs: Vec<String>,
}

impl DesignInfo {
    pub fn of(d: &Design) -> Self {
        DesignInfo {
            name: d.name.clone(),
            description: d.description.clone(),
            region: d.region.clone(),
            azs: d.azs.clone(),
        }
    }
}

/// One change to a design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Edit {
    /// Create an object, or replace the object of the same kind and name (in place).
    Put(Object),
    /// Insert an object at a position of its list (the inverse of a delete).
    Restore { index: usize, object: Object },
    /// Remove an object. References to it are left as they are; validation
    /// reports them (or the workspace refuses, as AWS does, see `workspace`).
    Delete(ObjectRef),
    /// Rename an object and every reference to it.
    Rename { target: ObjectRef, to: String },
    /// Change the design's name, description, Region or AZs.
    SetInfo(DesignInfo),
    /// Several edits applied as one step (one undo entry).
    Batch { label: String, edits: Vec<Edit> },
    /// Replace the design's remembered trace queries (the trace panel's list).
    SetTraces(Vec<crate::model::TraceQuery>),
    /// Replace the design's accounts, subnet shares and the account edits are made as.
    SetAccounts(crate::model::Accounts),
}

/// Why an edit could not even be applied (as opposed to being refused by validation).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no {0}")]
    Missing(ObjectRef),
    #[error("the name `{name}` is already used by {existing}; pick another name")]
    NameTaken { name: String, existing: ObjectRef },
    #[error("`{0}` is not a valid name: use letters, digits, `-`, `_` and `.` (1-64 characters)")]
    BadName(String),
    #[error("`{name}` names {count} objects, so a rename cannot tell which one (or which references) is meant; delete or rename the extra objects in the file first")]
    AmbiguousName { name: String, count: usize },
}

/// An auto-assigned public IPv4 address is given at launch: a new instance that
/// does not say takes its subnet's auto-assign setting now, and keeps it
/// (EC2 User Guide, "Public IPv4 addresses": the subnet attribute applies to
/// instances launched afterwards).
fn launch_public_ip(d: &Design, obj: Object) -> Object {
    match obj {
        Object::Instance(mut i) if i.public_ip.is_none() && !d.instances.iter().any(|x| x.name == i.name) => {
            if let Some(s) = d.subnets.iter().find(|s| s.name == i.subnet) {
                i.public_ip = Some(s.map_public_ip);
            }
            Object::Instance(i)
        }
        other => other,
    }
}

/// Changing a subnet's auto-assign setting does not add or remove the public
/// address of instances already running there (EC2 User Guide, "Public IPv4
/// addresses"): instances that followed the old setting are pinned to it. Returns
/// those instances as they were, for the inverse.
fn pin_running_public_ips(d: &mut Design, obj: &Object) -> Vec<crate::model::Instance> {
    let Object::Subnet(new) = obj else { return Vec::new() };
    let Some(old) = d.subnets.iter().find(|s| s.name == new.name) else {
        return Vec::new();
    };
    if old.map_public_ip == new.map_public_ip {
        return Vec::new();
    }
    let was = old.map_public_ip;
    let mut before = Vec::new();
    for i in d
        .instances
        .iter_mut()
        .filter(|i| i.subnet == new.name && i.public_ip.is_none())
    {
        before.push(i.clone());
        i.public_ip = Some(was);
    }
    before
}

/// Whether a name is acceptable as an object name.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// What a rename touched beyond the object itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Renaming {
    /// The kinds of the objects whose references now name the renamed
    /// object (they followed it, or named its new name already).
    pub referrers: KindSet,
    /// Whether a reference named the new name before (it now resolves).
    pub resolves: bool,
}

/// Renames `target` to `to` and every reference with it; the inverse, and
/// what the rename touched.
fn rename(d: &mut Design, target: ObjectRef, to: String) -> Result<(Edit, Renaming), EditError> {
    if !valid_name(&to) {
        return Err(EditError::BadName(to));
    }
    let Some(index) = d.position(target.kind, &target.name) else {
        return Err(EditError::Missing(target));
    };
    // A hand-edited file can hold one name twice. Renaming one of
    // them would also move the other's references, and the inverse
    // rename could never apply (the old name is still taken).
    let (mut count, mut existing) = (0, None);
    d.for_each_name(|kind, name| {
        if name == target.name {
            count += 1;
        }
        if existing.is_none() && name == to && !(kind == target.kind && name == target.name) {
            existing = Some(ObjectRef::new(kind, name));
        }
    });
    if count > 1 {
        return Err(EditError::AmbiguousName {
            name: target.name,
            count,
        });
    }
    if let Some(existing) = existing {
        return Err(EditError::NameTaken { name: to, existing });
    }
    // A reference that already names `to` (no object holds it) now
    // resolves to the renamed object. Renaming back would take it
    // along, so the inverse also puts its object back as it was. An
    // endpoint naming an AWS service `to` now names the design's.
    let mut holders: Vec<ObjectRef> = d
        .referrers(&ObjectRef::new(target.kind, &to))
        .into_iter()
        .map(|r| r.from)
        .collect();
    if target.kind == ObjectKind::EndpointService {
        holders.extend(
            d.endpoints
                .iter()
                .filter(|e| e.service == to)
                .map(|e| ObjectRef::new(ObjectKind::Endpoint, &e.name)),
        );
    }
    holders.sort();
    holders.dedup();
    let originals: Vec<Edit> = holders.iter().filter_map(|r| d.get(r)).map(Edit::Put).collect();
    d.set_name_at(target.kind, index, to.clone());
    let mut referrers = d.rename_references(target.kind, &target.name, &to);
    for h in holders.iter().filter(|h| **h != target) {
        referrers.insert(h.kind);
    }
    let renaming = Renaming {
        referrers,
        resolves: !holders.is_empty(),
    };
    let back = Edit::Rename {
        target: ObjectRef::new(target.kind, &to),
        to: target.name,
    };
    if originals.is_empty() {
        return Ok((back, renaming));
    }
    let label = format!("rename back {to}");
    Ok((
        Edit::batch(label, std::iter::once(back).chain(originals).collect()),
        renaming,
    ))
}

impl Edit {
    /// [`Edit::apply`], also telling what a rename touched (`None` for any
    /// other edit).
    pub fn apply_noting(self, d: &mut Design) -> Result<(Edit, Option<Renaming>), EditError> {
        match self {
            Edit::Rename { target, to } => rename(d, target, to).map(|(inverse, r)| (inverse, Some(r))),
            other => other.apply(d).map(|inverse| (inverse, None)),
        }
    }

    pub fn batch(label: impl Into<String>, edits: Vec<Edit>) -> Edit {
        Edit::Batch {
            label: label.into(),
            edits,
        }
    }

    /// Applies the edit and returns its inverse. On error the design is unchanged.
    pub fn apply(self, d: &mut Design) -> Result<Edit, EditError> {
        match self {
            Edit::Put(obj) => {
                // A name the design already holds is not being chosen: an
                // object a file named so can still be replaced (and put back).
                if !valid_name(obj.name()) && d.position(obj.kind(), obj.name()).is_none() {
                    return Err(EditError::BadName(obj.name().to_string()));
                }
                let r = ObjectRef::new(obj.kind(), obj.name());
                let obj = launch_public_ip(d, obj);
                let pinned = pin_running_public_ips(d, &obj);
                let inverse = match d.put(obj) {
                    Some(old) => Edit::Put(old),
                    None => Edit::Delete(r),
                };
                if pinned.is_empty() {
                    return Ok(inverse);
                }
                // Undo restores the subnet first, then the instances as they were.
                let mut edits = vec![inverse];
                edits.extend(pinned.into_iter().map(|i| Edit::Put(Object::Instance(i))));
                Ok(Edit::batch("auto-assign public IPv4", edits))
            }
            Edit::Restore { index, object } => {
                let r = ObjectRef::new(object.kind(), object.name());
                // The inverse, `Delete`, removes the first object of that name,
                // so restoring is exact as long as no namesake sits before
                // `index` (one after it is a duplicate the file already had).
                if d.position(r.kind, &r.name).is_some_and(|p| p < index) {
                    return Err(EditError::NameTaken {
                        name: r.name.clone(),
                        existing: r,
                    });
                }
                d.insert_at(index, object);
                Ok(Edit::Delete(r))
            }
            Edit::Delete(r) => match d.remove(&r) {
                Some((index, object)) => Ok(Edit::Restore { index, object }),
                None => Err(EditError::Missing(r)),
            },
            Edit::Rename { target, to } => rename(d, target, to).map(|(inverse, _)| inverse),
            Edit::SetInfo(info) => {
                let old = DesignInfo::of(d);
                d.name = info.name;
                d.description = info.description;
                d.region = info.region;
                d.azs = info.azs;
                Ok(Edit::SetInfo(old))
            }
            Edit::Batch { label, edits } => {
                let mut inverses = Vec::with_capacity(edits.len());
                for e in edits {
                    match e.apply(d) {
                        Ok(inv) => inverses.push(inv),
                        Err(err) => {
                            for inv in inverses.into_iter().rev() {
                                // Inverses of edits that just applied always apply.
                                let _ = inv.apply(d);
                            }
                            return Err(err);
                        }
                    }
                }
                inverses.reverse();
                Ok(Edit::Batch { label, edits: inverses })
            }
            Edit::SetTraces(traces) => Ok(Edit::SetTraces(std::mem::replace(&mut d.traces, traces))),
            Edit::SetAccounts(accounts) => Ok(Edit::SetAccounts(std::mem::replace(&mut d.accounts, accounts))),
        }
    }

    /// A one-line description of what the edit does to `d` (before applying it),
    /// e.g. "added subnet app-b 10.0.12.0/24 in us-east-1b".
    pub fn describe(&self, d: &Design) -> String {
        match self {
            Edit::Put(obj) => {
                let r = ObjectRef::new(obj.kind(), obj.name());
                match d.get(&r) {
                    Some(old) => describe_change(&old, obj),
                    None => format!("added {}{}", r, object_detail(obj)),
                }
            }
            Edit::Restore { object, .. } => format!("restored {} {}", object.kind().label(), object.name()),
            Edit::Delete(r) => format!("deleted {r}"),
            Edit::Rename { target, to } => format!("renamed {target} to {to}"),
            Edit::SetInfo(info) => format!("changed design settings ({}, {})", info.name, info.region),
            Edit::Batch { label, .. } => label.clone(),
            Edit::SetTraces(t) => format!("remembered trace queries: {} (was {})", t.len(), d.traces.len()),
            Edit::SetAccounts(a) => match &a.acting_as {
                Some(who) => format!(
                    "accounts: {} accounts, {} subnet shares; acting as {who}",
                    a.accounts.len(),
                    a.shares.len()
                ),
                None => format!(
                    "accounts: {} accounts, {} subnet shares",
                    a.accounts.len(),
                    a.shares.len()
                ),
            },
        }
    }
}

fn object_detail(obj: &Object) -> String {
    match obj {
        Object::Vpc(v) => format!(" {}", v.cidr),
        Object::Subnet(s) => format!(" {} in {}", s.cidr, s.az),
        Object::Instance(i) => format!(" in {}", i.subnet),
        Object::NatGateway(n) => match (&n.subnet, &n.vpc) {
            (Some(s), _) => format!(" in {s}"),
            (None, Some(v)) => format!(" (regional) in {v}"),
            (None, None) => String::new(),
        },
        Object::InternetGateway(g) => g.vpc.as_ref().map(|v| format!(" attached to {v}")).unwrap_or_default(),
        Object::Peering(p) => format!(" {} ↔ {}", p.requester, p.accepter),
        _ => String::new(),
    }
}

/// Describes a replacement by what changed in the lists users edit most.
fn describe_change(old: &Object, new: &Object) -> String {
    fn diff<T: PartialEq + fmt::Display>(what: &str, old: &[T], new: &[T], owner: &str) -> Option<String> {
        let added: Vec<&T> = new.iter().filter(|x| !old.contains(x)).collect();
        let removed: Vec<&T> = old.iter().filter(|x| !new.contains(x)).collect();
        match (added.as_slice(), removed.as_slice()) {
            ([], []) => None,
            ([a], []) => Some(format!("added {what} {a} to {owner}")),
            ([], [r]) => Some(format!("removed {what} {r} from {owner}")),
            ([a], [r]) => Some(format!("changed {what} {r} to {a} in {owner}")),
            (a, r) => Some(format!(
                "changed {owner}: {} {what}s added, {} removed",
                a.len(),
                r.len()
            )),
        }
    }
    let owner = format!("{} {}", new.kind().label(), new.name());
    let specific = match (old, new) {
        (Object::RouteTable(o), Object::RouteTable(n)) => diff("route", &o.routes, &n.routes, &owner),
        (Object::SecurityGroup(o), Object::SecurityGroup(n)) => diff("inbound rule", &o.inbound, &n.inbound, &owner)
            .or_else(|| diff("outbound rule", &o.outbound, &n.outbound, &owner)),
        (Object::NetworkAcl(o), Object::NetworkAcl(n)) => diff("inbound", &o.inbound, &n.inbound, &owner)
            .or_else(|| diff("outbound", &o.outbound, &n.outbound, &owner)),
        _ => None,
    };
    specific.unwrap_or_else(|| format!("updated {owner}"))
}

/// The kinds whose deletion AWS refuses while something still uses them
/// (DependencyViolation, DEL-1..7). Deleting the others (NAT gateways,
/// peerings, instances used as route targets, …) is allowed and leaves
/// blackhole routes, as in AWS (DEL-8).
pub fn deletion_refused_while_referenced(kind: ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Vpc
            | ObjectKind::Subnet
            | ObjectKind::RouteTable
            | ObjectKind::SecurityGroup
            | ObjectKind::NetworkAcl
            | ObjectKind::InternetGateway
            | ObjectKind::ElasticIp
            | ObjectKind::CustomerGateway
            | ObjectKind::VpnGateway
            | ObjectKind::PrefixList
            | ObjectKind::DxGateway
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn base() -> Design {
        let mut d = Design::default();
        for o in Design::new_vpc_objects("main", "10.0.0.0/16".parse().unwrap()) {
            d.put(o);
        }
        d
    }

    #[test]
    fn every_edit_is_undone_exactly_by_its_inverse() {
        let mut d = base();
        let before = d.clone();
        let subnet = Subnet {
            name: "a".into(),
            description: None,
            vpc: "main".into(),
            az: "us-east-1a".into(),
            cidr: "10.0.1.0/24".parse().unwrap(),
            ipv6_cidr: None,
            map_public_ip: false,
            route_table: None,
            network_acl: None,
            tier: None,
        };
        let edits = vec![
            Edit::Put(Object::Subnet(subnet)),
            Edit::Rename {
                target: ObjectRef::new(ObjectKind::RouteTable, "main-main"),
                to: "rt-main".into(),
            },
            Edit::Delete(ObjectRef::new(ObjectKind::SecurityGroup, "main-default-sg")),
        ];
        let mut inverses = Vec::new();
        for e in edits {
            inverses.push(e.apply(&mut d).unwrap());
        }
        assert_eq!(d.vpcs[0].main_route_table, "rt-main");
        for inv in inverses.into_iter().rev() {
            inv.apply(&mut d).unwrap();
        }
        assert_eq!(d, before);
    }

    /// Renaming an object to the name a dangling reference holds makes that
    /// reference resolve; the inverse renames back and leaves the reference
    /// naming what it named (here an instance whose subnet did not exist,
    /// held under a name no edit could choose), and the inverse of that
    /// inverse renames again.
    #[test]
    fn a_rename_that_resolves_a_reference_is_undone_exactly() {
        let mut d = base();
        let subnet: Subnet =
            ron::from_str(r#"(name: "a", vpc: "main", az: "us-east-1a", cidr: "10.0.1.0/24")"#).unwrap();
        d.put(Object::Subnet(subnet));
        let held: Instance = ron::from_str(r#"(name: "web", subnet: "a")"#).unwrap();
        let stray: Instance = ron::from_str(r#"(name: "stray one", subnet: "ghost")"#).unwrap();
        d.put(Object::Instance(held));
        d.put(Object::Instance(stray));
        let before = d.clone();
        let rename = Edit::Rename {
            target: ObjectRef::new(ObjectKind::Subnet, "a"),
            to: "ghost".into(),
        };
        let inverse = rename.apply(&mut d).unwrap();
        assert!(
            d.instances.iter().all(|i| i.subnet == "ghost"),
            "both now in the renamed subnet"
        );
        let renamed = d.clone();
        let again = inverse.apply(&mut d).unwrap();
        assert_eq!(d, before, "the stray instance still names ghost");
        again.apply(&mut d).unwrap();
        assert_eq!(d, renamed);
    }

    /// EC2 User Guide, "Public IPv4 addresses": the subnet's auto-assign setting is
    /// read at launch; changing it later neither gives nor takes the address of a
    /// running instance.
    #[test]
    fn auto_assigned_public_ip_is_taken_at_launch_and_survives_a_subnet_change() {
        let mut d = base();
        let mut subnet = Subnet {
            name: "a".into(),
            description: None,
            vpc: "main".into(),
            az: "us-east-1a".into(),
            cidr: "10.0.1.0/24".parse().unwrap(),
            ipv6_cidr: None,
            map_public_ip: true,
            route_table: None,
            network_acl: None,
            tier: None,
        };
        Edit::Put(Object::Subnet(subnet.clone())).apply(&mut d).unwrap();
        let inst: Instance = ron::from_str(r#"(name: "web", subnet: "a")"#).unwrap();
        assert_eq!(inst.public_ip, None);
        Edit::Put(Object::Instance(inst.clone())).apply(&mut d).unwrap();
        assert_eq!(
            d.instances[0].public_ip,
            Some(true),
            "launched with the subnet's setting"
        );
        // An instance written without the setting (a hand-written file) is pinned
        // when the subnet's setting changes; undo and redo are exact.
        d.instances[0].public_ip = None;
        let before = d.clone();
        subnet.map_public_ip = false;
        let undo = Edit::Put(Object::Subnet(subnet)).apply(&mut d).unwrap();
        assert_eq!(
            d.instances[0].public_ip,
            Some(true),
            "the running instance keeps its address"
        );
        let after = d.clone();
        let redo = undo.apply(&mut d).unwrap();
        assert_eq!(d, before);
        redo.apply(&mut d).unwrap();
        assert_eq!(d, after);
    }

    #[test]
    fn failing_batch_leaves_design_unchanged() {
        let mut d = base();
        let before = d.clone();
        let batch = Edit::batch(
            "two",
            vec![
                Edit::Delete(ObjectRef::new(ObjectKind::SecurityGroup, "main-default-sg")),
                Edit::Delete(ObjectRef::new(ObjectKind::Subnet, "nope")),
            ],
        );
        assert!(batch.apply(&mut d).is_err());
        assert_eq!(d, before);
    }

    #[test]
    fn rename_refuses_taken_names() {
        let mut d = base();
        let e = Edit::Rename {
            target: ObjectRef::new(ObjectKind::RouteTable, "main-main"),
            to: "main".into(),
        };
        assert!(matches!(e.apply(&mut d), Err(EditError::NameTaken { .. })));
    }

    /// A file edited by hand can hold one name twice (validation reports it).
    /// Deleting either copy must still be undone exactly.
    fn with_duplicate_sg() -> Design {
        let mut d = base();
        let mut sg = d.security_groups[0].clone();
        sg.description = Some("second copy".into());
        d.security_groups.push(sg);
        d
    }

    #[test]
    fn set_traces_replaces_the_remembered_queries_and_its_inverse_restores_them() {
        let mut d = crate::create::templates::sample::three_tier();
        let before = d.clone();
        let mut traces = d.traces.clone();
        traces.remove(0);
        let inverse = Edit::SetTraces(traces.clone()).apply(&mut d).unwrap();
        assert_eq!(d.traces, traces);
        inverse.apply(&mut d).unwrap();
        assert_eq!(d, before);
    }

    #[test]
    fn deleting_one_of_two_namesakes_is_undone_exactly() {
        let mut d = with_duplicate_sg();
        let before = d.clone();
        let name = d.security_groups[0].name.clone();
        let inverse = Edit::Delete(ObjectRef::new(ObjectKind::SecurityGroup, name))
            .apply(&mut d)
            .unwrap();
        assert_eq!(d.security_groups.len(), before.security_groups.len() - 1);
        let redo = inverse.apply(&mut d).unwrap();
        assert_eq!(d, before);
        redo.apply(&mut d).unwrap();
        assert_eq!(d.security_groups.len(), before.security_groups.len() - 1);
    }

    #[test]
    fn renaming_a_name_held_twice_is_refused_and_changes_nothing() {
        let mut d = with_duplicate_sg();
        let before = d.clone();
        let name = d.security_groups[0].name.clone();
        let err = Edit::Rename {
            target: ObjectRef::new(ObjectKind::SecurityGroup, name.clone()),
            to: "sg-new".into(),
        }
        .apply(&mut d)
        .unwrap_err();
        assert_eq!(err, EditError::AmbiguousName { name, count: 2 });
        assert_eq!(d, before);
    }
}
