//! `vpcd import aws` on the 24 real networks and the 40 single-API fixtures
//! of `../shared/aws-snapshots`: nothing panics, every `test-*` network
//! imports without error findings, the design survives a save/load, and bad
//! input gets a located error.

use crate::aws_support;

use std::process::Command;

use aws_support::*;
use vpcd::interop::aws::{self, ImportError, ImportOptions};

/// The Regions a network's folders hold (several for the multi-Region ones).
fn regions(name: &str) -> Vec<Option<String>> {
    let dump = aws::read::read_paths(&[network(name)]).expect("readable");
    let r: Vec<Option<String>> = dump.regions().into_iter().map(Some).collect();
    if r.len() > 1 {
        r
    } else {
        vec![None]
    }
}

#[test]
fn every_network_imports_and_every_test_network_is_valid() {
    let names = networks();
    assert_eq!(names.len(), 24, "{names:?}");
    for name in &names {
        for region in regions(name) {
            let i = import(name, region.as_deref());
            let label = format!("{name} {}", region.as_deref().unwrap_or(""));
            assert!(!i.report.imported.is_empty(), "{label}: nothing imported");
            // A real account is valid by definition: no error findings.
            if name.starts_with("test-") {
                assert!(!i.has_errors(), "{label}:\n{}", i.report.to_text());
            }
            // The design is a normal design: it saves and loads back unchanged.
            let text = vpcd::io::to_ron_string(&i.design).expect("serialises");
            let back = vpcd::io::parse(&text, &label).expect("parses back");
            assert_eq!(back, i.design, "{label}");
        }
    }
}

#[test]
fn the_hand_edited_test_dump_reports_its_inconsistencies() {
    // `test` mixes files of unrelated captures: an instance in a subnet that no
    // Subnets output lists, a subnet outside its VPC's block. The import says so.
    let i = import("test", None);
    assert!(i.has_errors());
    let text = i.report.to_text();
    assert!(text.contains("subnet-1641fa70"), "{text}");
    assert!(text.contains("DomainStatusList"), "ignored files are listed: {text}");
}

#[test]
fn every_fixture_imports_without_panicking() {
    let dir = snapshots().join("batfish-fixtures");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("fixtures") {
        let path = e.expect("entry").path();
        let opts = ImportOptions {
            region: Some("us-east-1".into()),
            ..Default::default()
        };
        match aws::import_paths(std::slice::from_ref(&path), &opts) {
            Ok(_) | Err(ImportError::NoAwsJson { .. }) | Err(ImportError::RegionNotFound { .. }) => {}
            Err(e) => panic!("{}: {e}", path.display()),
        }
        n += 1;
    }
    assert_eq!(n, 40);
}

#[test]
fn several_regions_need_a_choice() {
    let err = aws::import_paths(&[network("test-multi-account")], &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, ImportError::ManyRegions(_)), "{err}");
    assert!(err.to_string().contains("us-west-1, us-west-2"), "{err}");
}

#[test]
fn malformed_json_is_located_and_unknown_files_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.json"),
        "{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\" \"CidrBlock\": \"10.0.0.0/16\"}\n  ]\n}\n",
    )
    .unwrap();
    let err = aws::import_paths(&[dir.path().to_path_buf()], &ImportOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("a.json:3:23: invalid JSON"), "{msg}");

    std::fs::write(dir.path().join("a.json"), "{\"Volumes\": []}").unwrap();
    let err = aws::import_paths(&[dir.path().to_path_buf()], &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, ImportError::NoAwsJson { .. }), "{err}");
    assert!(err.to_string().contains("not an API vpcd imports"), "{err}");
}

#[test]
fn a_dangling_reference_is_a_finding_that_names_the_missing_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.json"),
        r#"{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-9", "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "eu-west-1a"}]}"#,
    )
    .unwrap();
    let i = aws::import_paths(&[dir.path().to_path_buf()], &ImportOptions::default()).unwrap();
    assert!(i.has_errors());
    assert_eq!(i.design.region, "eu-west-1", "the Region comes from the AZ");
    assert!(
        i.report.missing.iter().any(|m| m.starts_with("Vpcs")),
        "{:?}",
        i.report.missing
    );
}

fn vpcd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vpcd"))
}

#[test]
fn cli_writes_atomically_refuses_to_overwrite_and_reports_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nat.ron");
    let run = |extra: &[&str]| {
        let mut c = vpcd();
        c.args(["import", "aws"])
            .arg(network("test-nat-gateway"))
            .arg("-o")
            .arg(&out);
        c.args(extra);
        c.output().unwrap()
    };
    let first = run(&["--format", "json"]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(report["report"]["imported"]["instance"], 3);
    assert!(vpcd::io::load(&out).is_ok());
    let again = run(&[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(run(&["--force"]).status.code(), Some(0));
    // Nothing usable: exit 2 and nothing written.
    let none = dir.path().join("none.ron");
    let bad = vpcd()
        .args(["import", "aws"])
        .arg(network("test-multi-account"))
        .arg("-o")
        .arg(&none)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(!none.exists());
}

#[test]
fn capture_commands_cover_every_api_the_importer_routes() {
    let out = vpcd()
        .args(["import", "aws", "--commands", "--region", "eu-west-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("REGION=eu-west-1"));
    for cmd in [
        "describe-vpcs",
        "describe-subnets",
        "describe-route-tables",
        "describe-security-groups",
        "describe-network-acls",
        "describe-instances",
        "describe-network-interfaces",
        "describe-nat-gateways",
        "describe-transit-gateway-attachments",
        "get-transit-gateway-route-table-propagations",
        "describe-target-health",
        "describe-load-balancer-attributes",
        "describe-virtual-interfaces",
        "describe-vpc-endpoint-service-configurations",
        "describe-vpc-endpoint-service-permissions",
        "describe-vpc-endpoint-connections",
    ] {
        assert!(text.contains(cmd), "{cmd} missing");
    }
}

/// The real network with a network load balancer whose
/// `load_balancing.cross_zone.enabled` attribute is `true`
/// (`describe-load-balancer-attributes`, and `enable_cross_zone_load_balancing
/// = true` in the Terraform that built it): the import keeps the attribute.
#[test]
fn load_balancer_cross_zone_attribute_is_imported_from_a_real_network() {
    let i = aws_support::import("test-load-balancer", None);
    let lbs = &i.design.load_balancers;
    assert!(!lbs.is_empty(), "the network has a load balancer");
    assert!(lbs.iter().all(|l| l.cross_zone), "{lbs:#?}");
    assert!(
        i.report.files.contains_key("LoadBalancerAttributes"),
        "the attributes file is read: {:?}",
        i.report.files
    );
}

/// Two captures of one account where an instance's `Name` tag changed between
/// them: the AWS id is the object's identity, so `vpcd diff` matches the
/// instance by its id (a flow to it that closed is reported, under its new
/// name) and prints each imported endpoint with its id beside its name.
#[test]
fn diff_matches_a_renamed_instance_by_its_aws_id_and_prints_ids() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump");
    aws::export::write_dir(&vpcd::create::templates::sample::three_tier(), &dump).unwrap();
    let before = aws::import_paths(&[dump], &ImportOptions::default()).unwrap().design;
    let id = before
        .aws_ids
        .iter()
        .find(|(id, n)| n.as_str() == "app-1" && id.starts_with("i-"))
        .map(|(id, _)| id.clone())
        .expect("app-1 keeps its instance id");
    // The second capture: app-1 is tagged app-one, and now has only the
    // database group, which admits nothing from the web tier.
    let mut after = before.clone();
    vpcd::edit::Edit::Rename {
        target: vpcd::model::ObjectRef::new(vpcd::model::ObjectKind::Instance, "app-1"),
        to: "app-one".into(),
    }
    .apply(&mut after)
    .unwrap();
    let app = after.instances.iter_mut().find(|i| i.name == "app-one").unwrap();
    app.security_groups = vec!["sg-db".into()];
    assert_eq!(after.aws_ids.get(&id).map(String::as_str), Some("app-one"));
    let (old, new) = (dir.path().join("before.ron"), dir.path().join("after.ron"));
    vpcd::io::save(&old, &before).unwrap();
    vpcd::io::save(&new, &after).unwrap();

    let out = vpcd().args(["diff"]).arg(&old).arg(&new).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("1 object matched by AWS id under a new name: app-1 → app-one"),
        "{stderr}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("closed: web-1 (i-") && l.contains(&format!("→ app-one ({id})"))),
        "{stdout}"
    );
    let out = vpcd()
        .args(["diff", "--format", "json"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["aws_ids"]["app-one"], serde_json::json!(id));
}

/// The designer's import takes the same flags as `vpcd import aws` after the
/// folder: a dump of two Regions needs `--region`, as on the command line.
#[test]
fn the_designers_aws_import_takes_a_region_after_the_folder() {
    use crate::tui_support::Harness;
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump");
    let west = two_region_dump(&dump);
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 120, 30);
    let open = |h: &mut Harness, typed: &str| {
        h.keys(":").keys("import AWS folder").keys("<enter>");
        h.keys("<c-u>").keys(typed).keys("<enter>");
    };
    open(&mut h, &dump.display().to_string());
    h.assert_shows("several Regions");
    assert!(h.app.modal_title().unwrap_or_default().contains("import AWS"));
    h.keys("<esc>");
    open(&mut h, &format!("{} --region eu-west-1 --name west", dump.display()));
    assert!(h.app.modal_title().is_none(), "{}", h.screen());
    let d = h.app.ws.design();
    assert_eq!((d.name.as_str(), d.region.as_str()), ("west", "eu-west-1"));
    assert_eq!(d.vpcs.len(), west.vpcs.len());
    // A flag the importer does not take is named, and nothing changes.
    open(&mut h, &format!("{} --var x=1", dump.display()));
    h.assert_shows("--var: import AWS folder takes --region, --account and --name");
}

/// A dump of one account in two Regions (`accounts/<id>/<region>/`): the
/// sample in us-east-1 and a one-subnet design in eu-west-1, which it returns.
fn two_region_dump(dump: &std::path::Path) -> vpcd::model::Design {
    let east = vpcd::create::templates::sample::three_tier();
    let mut west = vpcd::create::templates::find("single-public-subnet").unwrap().design();
    west.region = "eu-west-1".into();
    aws::export::write_dir(&east, &dump.join("accounts/111122223333/us-east-1")).unwrap();
    aws::export::write_dir(&west, &dump.join("accounts/111122223333/eu-west-1")).unwrap();
    west
}

/// Only `vpcd import aws` takes `--region`: a headless command given a dump of
/// several Regions says how to pick one (a Region's folder, or an import first).
#[test]
fn a_command_given_a_dump_of_several_regions_says_how_to_pick_one() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump");
    two_region_dump(&dump);
    let out = vpcd().arg("check").arg(&dump).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("several Regions"), "{stderr}");
    assert!(stderr.contains("hint: give one Region's folder"), "{stderr}");
    assert!(stderr.contains("--region R -o FILE.ron"), "{stderr}");
    let one = dump.join("accounts/111122223333/eu-west-1");
    let out = vpcd().arg("check").arg(&one).output().unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}
