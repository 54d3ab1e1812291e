//! Matrix, scope queries, reachability diff and the `vpcd trace|matrix|diff` CLI.

use crate::analysis_support;

use std::process::Command;

use analysis_support::*;
use vpcd::analysis::{self, Analyzer};
use vpcd::create::templates::sample::three_tier;
use vpcd::model::{DesignIndex, Protocol};

fn vpcd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vpcd"))
}

fn sample_path() -> String {
    format!("{}/assets/samples/three-tier.ron", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn matrix_of_the_sample_on_ssh() {
    let d = three_tier();
    let idx = DesignIndex::new(&d);
    let an = Analyzer::new(&d, &idx);
    let eps = analysis::named_endpoints(&d);
    let m = analysis::matrix(&an, &eps, Protocol::Tcp, Some(22));
    let at = |f: &str, t: &str| {
        let i = m.endpoints.iter().position(|e| e == f).unwrap();
        let j = m.endpoints.iter().position(|e| e == t).unwrap();
        m.get(i, j).unwrap().reachable
    };
    assert!(at("bastion", "web-1"), "same subnet, sg-web admits sg-bastion");
    assert!(at("bastion", "app-1"));
    assert!(!at("web-1", "app-1"), "sg-app admits SSH only from sg-bastion");
    assert!(at("onprem:office", "bastion"));
    assert!(!at("internet", "bastion"), "sg-bastion admits only the office");
    assert!(m.get(0, 0).is_none());
    assert!(m.to_text().contains("bastion"));
}

#[test]
fn scope_queries_list_concrete_paths() {
    let d = three_tier();
    let idx = DesignIndex::new(&d);
    let an = Analyzer::new(&d, &idx);
    let who = analysis::who_can_reach(&an, "db-1", Protocol::Tcp, Some(5432));
    let froms: Vec<&str> = who.iter().map(|p| p.from.as_str()).collect();
    assert_eq!(froms, ["app-1", "app-2"]);
    assert_eq!(who[0].path.last().unwrap().id, "db-1");
    assert!(who[0].to_string().contains("app-1 → db-1 tcp/5432: app-1 → sg-app"));

    let exposed = analysis::exposed_to_internet(&an);
    let mut names: Vec<String> = exposed
        .iter()
        .map(|p| format!("{}:{}", p.to, p.port.unwrap()))
        .collect();
    names.sort();
    assert_eq!(names, ["web-1:443", "web-1:80", "web-2:443", "web-2:80"]);

    let what = analysis::what_can_reach(&an, "app-1");
    assert!(what.iter().any(|p| p.to == "db-1" && p.port == Some(5432)));
    assert!(what.iter().any(|p| p.to == "internet"));
    assert!(what.iter().any(|p| p.to == "web-1" && p.port == Some(80)));
    assert!(
        !what.iter().any(|p| p.to == "web-1" && p.port == Some(22)),
        "SSH only from sg-bastion"
    );
}

#[test]
fn listening_ports_come_from_sg_rules_and_listeners() {
    let d = three_tier();
    let idx = DesignIndex::new(&d);
    assert_eq!(
        analysis::listening_ports(&d, &idx, "web-1"),
        [(Protocol::Tcp, 22), (Protocol::Tcp, 80), (Protocol::Tcp, 443)]
    );
}

/// The TUI's "opened: internet → db-1 tcp/3306" note.
#[test]
fn diff_reports_opened_and_closed_flows() {
    let old = B::new()
        .vpc("v", "10.0.0.0/16")
        .igw("igw", "v")
        .rt("rt", "v", &[("0.0.0.0/0", "igw:igw")])
        .subnet("pub", "v", AZ_A, "10.0.0.0/24", "rt", None)
        .sg("sg-db", "v", &["tcp 5432 10.0.0.0/16"], &["all 0.0.0.0/0"])
        .sg("sg-app", "v", &[], &["all 0.0.0.0/0"])
        .inst("db-1", "pub", "10.0.0.10", &["sg-db"])
        .with_eip("54.1.1.1")
        .inst("app-1", "pub", "10.0.0.11", &["sg-app"])
        .build();
    let mut new = old.clone();
    let sg = new.security_groups.iter_mut().find(|g| g.name == "sg-db").unwrap();
    sg.inbound = vec![sg_rule("tcp 3306 0.0.0.0/0")];
    let changes = analysis::diff_designs(&old, &new);
    let text: Vec<String> = changes.iter().map(|c| c.to_string()).collect();
    assert!(
        text.contains(&"opened: internet → db-1 tcp/3306".to_string()),
        "{text:?}"
    );
    assert!(text.contains(&"opened: app-1 → db-1 tcp/3306".to_string()), "{text:?}");
    assert!(
        text.iter()
            .any(|t| t.starts_with("closed: app-1 → db-1 tcp/5432 (SG_NO_MATCHING_RULE")),
        "{text:?}"
    );
    assert!(analysis::diff_designs(&old, &old).is_empty());
}

#[test]
fn cli_trace_exit_codes_and_json() {
    let out = vpcd()
        .args([
            "trace",
            &sample_path(),
            "--from",
            "internet",
            "--to",
            "web-1",
            "--port",
            "443",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("reachable"));

    let out = vpcd()
        .args([
            "trace",
            &sample_path(),
            "--from",
            "db-1",
            "--to",
            "internet",
            "--port",
            "443",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["reachable"], false);
    assert_eq!(v["blocked"]["code"], "NACL_IMPLICIT_DENY");
    assert!(v["forward"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["kind"].is_string() && h["detail"].is_string()));
    assert!(v["return"].is_array());

    let out = vpcd()
        .args([
            "trace",
            &sample_path(),
            "--from",
            "web1",
            "--to",
            "db-1",
            "--port",
            "5432",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean web-1"));

    let out = vpcd()
        .args([
            "trace",
            &sample_path(),
            "--from",
            "app-1",
            "--to",
            "internet",
            "--port",
            "443",
            "--fail",
            "nat-a",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("BLACKHOLE_ROUTE"));
}

#[test]
fn cli_matrix_and_diff() {
    let out = vpcd()
        .args([
            "matrix",
            &sample_path(),
            "--proto",
            "tcp",
            "--port",
            "5432",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["endpoints"].as_array().unwrap().len() >= 6);

    let out = vpcd().args(["diff", &sample_path(), &sample_path()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 flows opened, 0 closed"));
}

#[test]
fn cli_matrix_groups_many_endpoints_by_class_and_streams_every_pair_on_request() {
    let d = vpcd::create::synthetic::generate(&vpcd::create::synthetic::GenParams {
        vpcs: 2,
        ..vpcd::create::synthetic::GenParams::small()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-vpcs.ron");
    vpcd::io::save(&path, &d).unwrap();
    let path = path.display().to_string();
    let run = |extra: &[&str]| -> serde_json::Value {
        let out = vpcd()
            .args(["matrix", &path, "--port", "443", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let grouped = run(&[]);
    let n = grouped["endpoints"].as_array().unwrap().len();
    assert!(n > 200, "{n} endpoints is above the grouping threshold");
    assert_eq!(grouped["grouped"], true);
    let classes = grouped["classes"].as_array().unwrap();
    assert!(classes.len() < n, "{} classes for {n} endpoints", classes.len());
    let members: usize = classes.iter().map(|c| c["members"].as_array().unwrap().len()).sum();
    assert_eq!(members, n);
    let cells: Vec<&serde_json::Value> = grouped["class_cells"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap())
        .collect();
    assert_eq!(cells.len(), classes.len() * classes.len());
    let count = |key: &str| cells.iter().map(|c| c[key].as_u64().unwrap()).sum::<u64>();

    let pairs = run(&["--pairs"]);
    assert_eq!(pairs["schema_version"], grouped["schema_version"]);
    let every = pairs["cells"].as_array().unwrap();
    assert_eq!(every.len(), n * n);
    let listed = every.iter().filter(|c| !c.is_null()).count() as u64;
    let reachable = every.iter().filter(|c| c["reachable"] == true).count() as u64;
    assert_eq!(count("pairs"), listed);
    assert_eq!(count("reachable_pairs"), reachable);
    assert!(reachable > 0 && reachable < listed);
}
