//! Owner accounts. Every `describe-*` object carries the account that owns it
//! (`OwnerId` on VPCs, subnets, security groups and network interfaces; on
//! an instance's reservation), else the account folder it was read from.
//! When more than one account appears, the design gets its accounts and
//! each VPC, security group, instance and interface its owner.
//!
//! In a shared VPC (VPC User Guide, "Share your VPC subnets with other
//! accounts") the subnets keep the VPC owner's `OwnerId` while participants
//! launch instances and create security groups of their own; a participant's
//! `describe-subnets` lists the subnets shared with it. AWS RAM's resource
//! shares are not in EC2's output, so the shares are rebuilt from those two
//! facts, and the accounts that share are placed in one organisation, which
//! VPC sharing requires — both reported as approximations.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::Builder;
use crate::edit::valid_name;
use crate::model::*;

/// The organisation the accounts of inferred shares are placed in: EC2's
/// output does not name it.
pub(crate) const IMPORTED_ORGANIZATION: &str = "imported-organization";

/// An account's design name: its id when that is a valid name (12 digits are).
fn account_name(id: &str) -> String {
    if valid_name(id) {
        id.to_string()
    } else {
        super::sanitize(id)
    }
}

pub(super) fn build(b: &mut Builder<'_>) {
    let m = b.m;
    // The object's own OwnerId first: a flat dump (one file per API) mixes
    // accounts, and the file's account is only a guess from its first object.
    let acct = |id: &str, own: Option<&String>| own.or_else(|| m.owner.get(id)).map(|a| account_name(a));
    let mut vpc_owner: HashMap<String, String> = HashMap::new();
    for v in m.vpcs.iter().filter(|v| b.known(&v.vpc_id)) {
        if let Some(a) = acct(&v.vpc_id, v.owner_id.as_ref()) {
            vpc_owner.insert(b.name(&v.vpc_id), a);
        }
    }
    let mut sg_owner: HashMap<String, String> = HashMap::new();
    for g in m.security_groups.iter().filter(|g| b.known(&g.group_id)) {
        if let Some(a) = acct(&g.group_id, g.owner_id.as_ref()) {
            sg_owner.insert(b.name(&g.group_id), a);
        }
    }
    // Interfaces by design name: an instance's primary interface is named
    // after the instance, a secondary one or a service's interface by itself.
    let mut eni_owner: HashMap<String, String> = HashMap::new();
    let all_enis = m
        .network_interfaces
        .iter()
        .chain(m.instances.iter().flat_map(|i| i.network_interfaces.iter()));
    for e in all_enis {
        if let (Some(name), Some(a)) = (b.names.get(&e.network_interface_id), e.owner_id.as_ref()) {
            eni_owner.entry(name.clone()).or_insert_with(|| account_name(a));
        }
    }
    let mut instance_owner: HashMap<String, String> = HashMap::new();
    for i in m.instances.iter().filter(|i| b.known(&i.instance_id)) {
        let name = b.name(&i.instance_id);
        if let Some(a) = m.owner.get(&i.instance_id).map(|a| account_name(a)) {
            instance_owner.insert(name, a);
        }
    }
    // A set, not a scan per interface: an account of 12,000 instances has
    // as many interfaces, and the scan made the import quadratic.
    let instance_names: HashSet<&str> = b.d.instances.iter().map(|i| i.name.as_str()).collect();
    for (name, a) in &eni_owner {
        if instance_names.contains(name.as_str()) {
            instance_owner.entry(name.clone()).or_insert_with(|| a.clone());
        }
    }

    let ids: BTreeSet<&String> = vpc_owner
        .values()
        .chain(sg_owner.values())
        .chain(eni_owner.values())
        .chain(instance_owner.values())
        .collect();
    if ids.len() < 2 {
        return;
    }
    // Home: the account that owns the most VPCs (the smallest id on a tie).
    let mut vpcs_per: BTreeMap<&String, usize> = ids.iter().map(|a| (*a, 0)).collect();
    for a in vpc_owner.values() {
        *vpcs_per.entry(a).or_default() += 1;
    }
    let most = vpcs_per.values().copied().max().unwrap_or(0);
    let home = vpcs_per.iter().find(|(_, n)| **n == most).map(|(a, _)| a.to_string());
    let accounts: Vec<Account> = ids
        .iter()
        .map(|a| Account {
            name: a.to_string(),
            description: None,
            id: Some(a.to_string()),
            organization: None,
        })
        .collect();

    let d = &mut b.d;
    d.accounts = Accounts {
        home,
        accounts,
        shares: Vec::new(),
        acting_as: None,
    };
    let home = d.accounts.home.clone();
    for v in &mut d.vpcs {
        v.owner = vpc_owner.get(&v.name).cloned().or_else(|| home.clone());
    }
    let owner_of_vpc: HashMap<String, Option<String>> =
        d.vpcs.iter().map(|v| (v.name.clone(), v.owner.clone())).collect();
    let subnet_vpc: HashMap<String, String> = d.subnets.iter().map(|s| (s.name.clone(), s.vpc.clone())).collect();
    let vpc_of_subnet = |s: &str| -> Option<String> { owner_of_vpc.get(subnet_vpc.get(s)?)?.clone() };
    // Owner fields only where they differ from the default (the VPC's owner),
    // as a hand-written shared design says them.
    for g in &mut d.security_groups {
        let default = owner_of_vpc.get(&g.vpc).cloned().flatten();
        g.owner = sg_owner.get(&g.name).cloned().filter(|o| Some(o) != default.as_ref());
    }
    // Subnet (design name) → accounts other than the VPC owner that use it.
    let mut participants: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for i in &mut d.instances {
        let default = vpc_of_subnet(&i.subnet);
        let owner = instance_owner.get(&i.name).cloned();
        i.owner = owner.clone().filter(|o| Some(o) != default.as_ref());
        if let Some(o) = &i.owner {
            participants.entry(i.subnet.clone()).or_default().insert(o.clone());
        }
        let resolved = owner.or(default);
        for e in &mut i.secondary_interfaces {
            e.owner = eni_owner.get(&e.name).cloned().filter(|o| Some(o) != resolved.as_ref());
            let eo = e.owner.clone().or_else(|| resolved.clone());
            if eo.is_some() && eo != vpc_of_subnet(&e.subnet) {
                participants.entry(e.subnet.clone()).or_default().extend(eo);
            }
        }
    }
    // A participant's describe-subnets lists the subnets shared with it.
    for s in &m.subnets {
        let (Some(name), Some(seen)) = (b.names.get(&s.subnet_id), m.subnet_seen_by.get(&s.subnet_id)) else {
            continue;
        };
        let owner = vpc_of_subnet(name);
        for a in seen.iter().map(|a| account_name(a)) {
            if Some(&a) != owner.as_ref() && b.d.accounts.account(&a).is_some() {
                participants.entry(name.clone()).or_default().insert(a);
            }
        }
    }
    if participants.is_empty() {
        return;
    }
    let mut per_participant: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (subnet, accounts) in &participants {
        for a in accounts {
            per_participant.entry(a.clone()).or_default().push(subnet.clone());
        }
    }
    let mut sharing: BTreeSet<String> = BTreeSet::new();
    for (p, subnets) in per_participant {
        sharing.insert(p.clone());
        sharing.extend(subnets.iter().filter_map(|s| vpc_of_subnet(s)));
        b.report.approximate(
            &subnets.join(", "),
            "subnet share",
            &format!("account {p} launches into or sees subnets another account owns, so they are shared with it (AWS RAM's resource shares are not in EC2's output)"),
        );
        b.d.accounts.shares.push(SubnetShare {
            name: account_name(&format!("shared-with-{p}")),
            subnets,
            participants: vec![p],
        });
    }
    for a in &mut b.d.accounts.accounts {
        if sharing.contains(&a.name) {
            a.organization = Some(IMPORTED_ORGANIZATION.into());
        }
    }
    b.report.approximate(
        &sharing.into_iter().collect::<Vec<_>>().join(", "),
        "accounts",
        &format!("accounts that share subnets are in one AWS Organizations organisation, which EC2's output does not name: `{IMPORTED_ORGANIZATION}` stands for it"),
    );
}
