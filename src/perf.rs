//! Shared measurement helpers for `vpcd bench` and the criterion benches:
//! a representative per-keystroke edit, medians of repeated timings and the
//! process's peak memory.

use std::time::{Duration, Instant};

use crate::edit::Edit;
use crate::model::{Design, Object, ObjectKind, ObjectRef, PortRange, Protocol, SgPeer, SgRule};

/// Two edits that flip one security group between its saved state and a
/// state with one extra inbound rule — what a user typing a rule into the
/// SG editor commits. Applying them alternately keeps the design steady.
/// `None` when the design has no security group.
pub fn toggle_edits(d: &Design) -> Option<[Edit; 2]> {
    // A group from the middle of the list: not a special first or last one.
    let with_rules: Vec<_> = d.security_groups.iter().filter(|g| !g.inbound.is_empty()).collect();
    let sg = if with_rules.is_empty() {
        d.security_groups.get(d.security_groups.len() / 2)?
    } else {
        with_rules[with_rules.len() / 2]
    };
    let mut changed = sg.clone();
    let extra = (0u16..)
        .map(|i| {
            SgRule::new(
                Protocol::Tcp,
                PortRange::single(60_000u16.saturating_add(i)),
                SgPeer::Cidr("10.255.255.0/24".parse().unwrap_or_else(|_| crate::model::any_v4())),
            )
        })
        .take(1000)
        .find(|r| !sg.inbound.contains(r))?;
    changed.inbound.push(extra);
    Some([
        Edit::Put(Object::SecurityGroup(changed)),
        Edit::Put(Object::SecurityGroup(sg.clone())),
    ])
}

/// Two edits that add a copy of an instance from the middle of the list
/// (new name, address left to AWS) and delete it again — a structural edit
/// and its undo. `None` when the design has no instance.
pub fn add_delete_instance(d: &Design) -> Option<[Edit; 2]> {
    let base = d.instances.get(d.instances.len() / 2)?;
    let name = unused_name(d, &format!("{}-copy", base.name))?;
    let mut copy = base.clone();
    copy.name.clone_from(&name);
    copy.private_ip = None;
    copy.ipv6 = None;
    copy.elastic_ip = None;
    copy.secondary_interfaces.clear();
    Some([
        Edit::Put(Object::Instance(copy)),
        Edit::Delete(ObjectRef::new(ObjectKind::Instance, name)),
    ])
}

/// Renaming the middle instance and back: `[rename, rename back]` (a rename
/// follows every reference to the instance).
pub fn rename_instance(d: &Design) -> Option<[Edit; 2]> {
    rename_middle(d, ObjectKind::Instance)
}

/// Renaming the middle subnet and back, as [`rename_instance`] does (its
/// instances and NAT gateways follow it).
pub fn rename_subnet(d: &Design) -> Option<[Edit; 2]> {
    rename_middle(d, ObjectKind::Subnet)
}

/// Renaming the middle object of `kind` to a name nothing holds, and back.
fn rename_middle(d: &Design, kind: ObjectKind) -> Option<[Edit; 2]> {
    let name = d.name_at(kind, d.count(kind) / 2)?;
    let to = unused_name(d, &format!("{name}-renamed"))?;
    let r = |from: &str, to: &str| Edit::Rename {
        target: ObjectRef::new(kind, from),
        to: to.to_string(),
    };
    Some([r(name, &to), r(&to, name)])
}

/// Two edits that add an empty subnet beside the middle one (same VPC and
/// AZ, in the last free /28 of the VPC's range, no explicit route table)
/// and delete it again. `None` when the design has no subnet or its VPC no
/// free /28.
pub fn add_delete_subnet(d: &Design) -> Option<[Edit; 2]> {
    let base = d.subnets.get(d.subnets.len() / 2)?;
    let vpc = d.vpcs.iter().find(|v| v.name == base.vpc)?;
    let used: Vec<ipnet::Ipv4Net> = d.subnets.iter().filter(|s| s.vpc == vpc.name).map(|s| s.cidr).collect();
    let blocks: Vec<ipnet::Ipv4Net> = vpc.cidr.subnets(28).ok()?.collect();
    let free = blocks
        .into_iter()
        .rev()
        .find(|b| used.iter().all(|u| !crate::model::cidr::overlaps(*u, *b)))?;
    let name = unused_name(d, &format!("{}-new", base.name))?;
    let mut subnet = base.clone();
    subnet.name.clone_from(&name);
    subnet.cidr = free;
    subnet.ipv6_cidr = None;
    subnet.route_table = None;
    subnet.network_acl = None;
    Some([
        Edit::Put(Object::Subnet(subnet)),
        Edit::Delete(ObjectRef::new(ObjectKind::Subnet, name)),
    ])
}

/// `STEM0`, `STEM1`, … — the first that no object of the design holds
/// (names are unique design-wide); `None` after a thousand.
fn unused_name(d: &Design, stem: &str) -> Option<String> {
    let mut taken = std::collections::HashSet::new();
    d.for_each_name(|_, n| {
        taken.insert(n);
    });
    (0u32..1000)
        .map(|i| format!("{stem}{i}"))
        .find(|n| !taken.contains(n.as_str()))
}

/// The design with the first of [`toggle_edits`] applied: one security
/// group with one more inbound rule (what `vpcd diff` is timed on).
pub fn one_rule_change(d: &Design) -> Option<Design> {
    let [Edit::Put(Object::SecurityGroup(changed)), _] = toggle_edits(d)? else {
        return None;
    };
    let mut new = d.clone();
    let g = new.security_groups.iter_mut().find(|g| g.name == changed.name)?;
    *g = changed;
    Some(new)
}

/// Summary of repeated timings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub median: Duration,
    pub min: Duration,
    pub max: Duration,
    pub runs: usize,
}

/// Runs `f` at least `min_runs` times and until `budget` is spent (at most
/// `max_runs` times), and returns the median, min and max.
pub fn time_runs(min_runs: usize, max_runs: usize, budget: Duration, mut f: impl FnMut()) -> Timing {
    let start = Instant::now();
    let mut samples = Vec::new();
    while samples.len() < min_runs.max(1) || (samples.len() < max_runs && start.elapsed() < budget) {
        let t = Instant::now();
        f();
        samples.push(t.elapsed());
    }
    samples.sort();
    Timing {
        median: samples[samples.len() / 2],
        min: samples[0],
        max: samples[samples.len() - 1],
        runs: samples.len(),
    }
}

/// Runs `f` with the peak-memory mark reset first (Linux: writing 5 to
/// /proc/self/clear_refs) and returns its result with the peak resident
/// memory of the process while it ran, in MiB (`None` where that cannot be
/// reset or read).
pub fn with_peak_rss<T>(f: impl FnOnce() -> T) -> (T, Option<f64>) {
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let v = f();
    (v, if reset { peak_rss_mb() } else { None })
}

/// Peak resident memory of this process in MiB (`VmHWM` of /proc/self/status),
/// `None` where /proc is not available.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Workspace;

    #[test]
    fn vm_hwm_is_read_in_mib() {
        let status = "Name:\tvpcd\nVmPeak:\t  200000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(50.0));
        assert_eq!(parse_vm_hwm("Name: x\n"), None);
    }

    /// Applies a pair of edits to `d`: both are accepted, the second puts
    /// the design back as it was. Returns the design between them.
    fn there_and_back(d: &Design, [there, back]: [Edit; 2]) -> Design {
        let mut ws = Workspace::new(d.clone());
        ws.apply(there).unwrap();
        let between = ws.design().clone();
        assert_ne!(&between, d);
        ws.apply(back).unwrap();
        assert_eq!(ws.design(), d);
        between
    }

    #[test]
    fn toggle_edits_apply_alternately_and_restore_the_design() {
        let d = crate::create::templates::sample::three_tier();
        there_and_back(&d, toggle_edits(&d).unwrap());
    }

    #[test]
    fn structural_edits_add_then_delete_an_instance() {
        let d = crate::create::templates::sample::three_tier();
        let added = there_and_back(&d, add_delete_instance(&d).unwrap());
        assert_eq!(added.instances.len(), d.instances.len() + 1);
        let changed = one_rule_change(&d).unwrap();
        assert_ne!(changed, d);
        assert_eq!(changed.instances, d.instances);
    }

    #[test]
    fn rename_edits_rename_an_instance_and_back() {
        let d = crate::create::templates::sample::three_tier();
        let renamed = there_and_back(&d, rename_instance(&d).unwrap());
        assert_eq!(renamed.instances.len(), d.instances.len());
    }

    #[test]
    fn subnet_edits_add_then_delete_and_rename_a_subnet_and_back() {
        let d = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        let added = there_and_back(&d, add_delete_subnet(&d).unwrap());
        assert_eq!(added.subnets.len(), d.subnets.len() + 1);
        there_and_back(&d, rename_subnet(&d).unwrap());
    }

    #[test]
    fn time_runs_respects_run_bounds() {
        let mut n = 0;
        let t = time_runs(3, 5, Duration::from_secs(10), || n += 1);
        assert!((3..=5).contains(&t.runs));
        assert_eq!(n, t.runs);
        assert!(t.min <= t.median && t.median <= t.max);
    }
}
