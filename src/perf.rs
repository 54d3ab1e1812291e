//! Shared measurement helpers for `vpcd bench` and the criterion benches:
//! a representative per-keystroke edit, medians of repeated timings and the
//! process's peak memory.

use std::time::{Duration, Instant};

use crate::edit::Edit;
use crate::model::{Design, Object, PortRange, Protocol, SgPeer, SgRule};

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

    #[test]
    fn toggle_edits_apply_alternately_and_restore_the_design() {
        let d = crate::create::templates::sample::three_tier();
        let [a, b] = toggle_edits(&d).unwrap();
        let mut ws = Workspace::new(d.clone());
        ws.apply(a).unwrap();
        assert_ne!(ws.design(), &d);
        ws.apply(b).unwrap();
        assert_eq!(ws.design(), &d);
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
