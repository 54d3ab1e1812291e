//! The real AWS networks of `../shared/aws-snapshots` (read at run time,
//! never copied into the project) and helpers to import and trace them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use vpcd::analysis::{self, Trace};
use vpcd::interop::aws::{self, ImportOptions, Imported};
use vpcd::model::{DesignIndex, Protocol, TraceQuery};

/// `../shared/aws-snapshots` beside the checkout; panics naming what is missing.
pub fn snapshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/aws-snapshots");
    assert!(
        dir.join("batfish-networks").is_dir(),
        "the AWS snapshots are missing: expected {} (with batfish-networks/ and batfish-fixtures/) beside the checkout, as CI provides them",
        dir.display()
    );
    dir
}

/// The folder of one network's AWS JSON.
pub fn network(name: &str) -> PathBuf {
    snapshots().join("batfish-networks").join(name).join("aws_configs")
}

/// Every network, by name.
pub fn networks() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(snapshots().join("batfish-networks"))
        .expect("readable snapshots")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("aws_configs").is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

/// Imports a network (one Region of it when `region` is given).
pub fn import(name: &str, region: Option<&str>) -> Imported {
    let opts = ImportOptions {
        region: region.map(str::to_string),
        ..Default::default()
    };
    aws::import_paths(&[network(name)], &opts).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Traces `from → to` on an imported design (names or AWS ids).
pub fn trace(i: &Imported, from: &str, to: &str, proto: Protocol, port: Option<u16>) -> Trace {
    let idx = DesignIndex::new(&i.design);
    let q = TraceQuery {
        from: from.into(),
        to: to.into(),
        proto,
        port,
        sport: None,
    };
    analysis::trace(&i.design, &idx, &q).unwrap_or_else(|e| panic!("{from} → {to}: {e}"))
}

/// Asserts a verdict, printing the hops when it differs.
pub fn assert_reachable(t: &Trace, expected: bool) {
    assert_eq!(t.reachable, expected, "{}", t.to_text());
}

/// Asserts that a flow is blocked at the named component with the given code.
pub fn assert_blocked_at(t: &Trace, component: &str, code: &str) {
    let b = t
        .blocked
        .as_ref()
        .unwrap_or_else(|| panic!("not blocked:\n{}", t.to_text()));
    assert!(
        b.component.contains(component) && b.code.as_str() == code,
        "expected blocked at {component} ({code}), got {} ({}):\n{}",
        b.component,
        b.code,
        t.to_text()
    );
}
