//! Every design file in assets/ loads, round-trips through save, and passes
//! `vpcd check` (exit 0: no errors).

use std::path::{Path, PathBuf};
use std::process::Command;

fn ron_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("assets/ is readable") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            ron_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ron") && is_design(&path) {
            out.push(path);
        }
    }
}

/// Design files start with the `format` field; other data files (prices, exercises) have their own tests.
fn is_design(path: &Path) -> bool {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().take(5).any(|l| l.trim_start().starts_with("format:"))
}

fn designs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    ron_files(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").as_path(),
        &mut files,
    );
    files.sort();
    assert!(!files.is_empty(), "assets/ holds designs");
    files
}

#[test]
fn every_asset_design_round_trips() {
    for path in designs() {
        let design = vpcd::io::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let text = vpcd::io::to_ron_string(&design).unwrap();
        let again = vpcd::io::parse(&text, "round-trip").unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(design, again, "{}", path.display());
    }
}

#[test]
fn vpcd_check_passes_on_every_asset_design() {
    for path in designs() {
        let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
            .arg("check")
            .arg(&path)
            .output()
            .expect("vpcd runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "vpcd check {}:\n{}{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn check_exit_codes_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, "(format: 1, name: \"x\",").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .arg("check")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.ron:1:"), "names file, line and column: {err}");

    let mut d = vpcd::create::templates::sample::three_tier();
    d.subnets[0].cidr = "192.168.0.0/24".parse().unwrap();
    let broken = dir.path().join("broken.ron");
    vpcd::io::save(&broken, &d).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["check", "--format", "json"])
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert!(json["errors"].as_u64().unwrap() >= 1);
    assert_eq!(json["diagnostics"][0]["code"], "subnet-outside-vpc");
}

/// Intents written in a design are checked by `vpcd check` too: one that does
/// not hold fails the check (exit 1) and is printed with its reason.
#[test]
fn check_reports_failing_intents() {
    use vpcd::model::{intent::Intent, Protocol};
    let dir = tempfile::tempdir().unwrap();
    let mut d = vpcd::create::templates::sample::three_tier();
    d.intents = vec![
        Intent::Reach {
            from: "internet".into(),
            to: "web-1".into(),
            proto: Protocol::Tcp,
            port: Some(443),
            down: vec![],
        },
        Intent::NoReach {
            from: "internet".into(),
            to: "web-1".into(),
            proto: Protocol::Tcp,
            port: Some(443),
            down: vec![],
        },
    ];
    let path = dir.path().join("intents.ron");
    vpcd::io::save(&path, &d).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("intents: 1 of 2 hold"), "{text}");
    assert!(text.contains("intent  ✗"), "{text}");

    d.intents.truncate(1);
    vpcd::io::save(&path, &d).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["intents_total"], 1);
    assert_eq!(json["failing_intents"].as_array().map(Vec::len), Some(0));
}
