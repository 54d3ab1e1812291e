//! Templates: the committed files in assets/templates/ equal what the code
//! builds, every template validates without errors, round-trips, and the CLI
//! lists and writes them with the documented exit codes.

use std::path::{Path, PathBuf};
use std::process::Command;

use vpcd::create::templates::{self, TEMPLATES};
use vpcd::model::{DesignIndex, SubnetKind};
use vpcd::validate::{self, Severity};

fn templates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("templates")
}

/// `VPCD_BLESS=1 cargo test --test planning_templates` regenerates the files.
#[test]
fn committed_template_files_equal_the_code() {
    let bless = std::env::var_os("VPCD_BLESS").is_some();
    for t in TEMPLATES {
        let path = templates_dir().join(t.file_name());
        let text = vpcd::io::to_ron_string(&t.design()).unwrap();
        if bless {
            vpcd::io::write_atomic(&path, text.as_bytes()).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with VPCD_BLESS=1 to generate)", path.display()));
        assert_eq!(
            on_disk, text,
            "{} is stale: run VPCD_BLESS=1 cargo test --test planning_templates",
            t.name
        );
    }
    // No stray files: every .ron in the folder is a template.
    for entry in std::fs::read_dir(templates_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let stem = name.trim_end_matches(".ron");
        assert!(
            templates::find(stem).is_some(),
            "assets/templates/{name} is not a known template"
        );
    }
}

#[test]
fn every_template_is_valid_and_round_trips() {
    for t in TEMPLATES {
        let d = t.design();
        assert_eq!(d.name, t.name);
        let errors: Vec<_> = validate::validate(&d)
            .into_iter()
            .filter(|x| x.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", t.name);
        let text = vpcd::io::to_ron_string(&d).unwrap();
        assert_eq!(vpcd::io::parse(&text, t.name).unwrap(), d, "{}", t.name);
    }
}

#[test]
fn template_names_are_kebab_case_and_unique() {
    let mut names: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
    for n in &names {
        assert!(
            n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{n}"
        );
        assert!(!n.starts_with('-') && !n.ends_with('-') && !n.contains("--"), "{n}");
    }
    for t in TEMPLATES {
        assert!(!t.description.is_empty() && !t.description.contains('\n'), "{}", t.name);
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), TEMPLATES.len());
    assert_eq!(TEMPLATES.len(), 19);
}

/// The wizard scenarios' subnets have the kinds their names promise (SUB-8: derived from routes).
#[test]
fn wizard_scenarios_have_the_documented_subnet_kinds() {
    let cases: &[(&str, &[(&str, SubnetKind)])] = &[
        ("single-public-subnet", &[("public", SubnetKind::Public)]),
        (
            "public-private-nat",
            &[("public", SubnetKind::Public), ("private", SubnetKind::Private)],
        ),
        (
            "public-private-vpn",
            &[("public", SubnetKind::Public), ("vpn-only", SubnetKind::VpnOnly)],
        ),
        ("private-vpn-only", &[("vpn-only", SubnetKind::VpnOnly)]),
        (
            "three-tier-alb",
            &[
                ("public-a", SubnetKind::Public),
                ("app-b", SubnetKind::Private),
                ("db-a", SubnetKind::Isolated),
            ],
        ),
        (
            "dual-stack-eigw",
            &[("public-a", SubnetKind::Public), ("private-a", SubnetKind::Private)],
        ),
    ];
    for (template, subnets) in cases {
        let d = templates::find(template).unwrap().design();
        let idx = DesignIndex::new(&d);
        for (subnet, kind) in *subnets {
            let s = idx.subnet(&d, subnet).unwrap();
            assert_eq!(idx.subnet_kind(&d, s), *kind, "{template}: {subnet}");
        }
    }
}

/// Every route in every template is active (no blackholes taught by example).
#[test]
fn no_template_has_a_blackhole_route() {
    for t in TEMPLATES {
        let d = t.design();
        let idx = DesignIndex::new(&d);
        for rt in &d.route_tables {
            for r in idx.effective_routes(&d, rt) {
                assert!(r.blackhole_reason.is_none(), "{} {}: {:?}", t.name, rt.name, r);
            }
        }
        assert!(idx.exhausted_subnets.is_empty(), "{}", t.name);
    }
}

#[test]
fn the_default_vpc_template_is_design_default_vpc() {
    let d = templates::find("default-vpc").unwrap().design();
    let mut expected = vpcd::model::Design::default_vpc(
        "us-east-1",
        &[
            "us-east-1a",
            "us-east-1b",
            "us-east-1c",
            "us-east-1d",
            "us-east-1e",
            "us-east-1f",
        ],
    );
    expected.description = d.description.clone();
    // The template carries the intents it is graded against; the bare default VPC has none.
    expected.intents = d.intents.clone();
    assert_eq!(d, expected);
}

fn vpcd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vpcd"))
}

#[test]
fn cli_lists_templates_and_writes_one() {
    let out = vpcd().arg("templates").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for t in TEMPLATES {
        assert!(text.contains(t.name) && text.contains(t.description), "{text}");
    }

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hub.ron");
    let out = vpcd()
        .args(["new", "--template", "transit-hub-spoke", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        vpcd::io::load(&file).unwrap(),
        templates::find("transit-hub-spoke").unwrap().design()
    );
    let out = vpcd().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn cli_unknown_template_exits_2_with_close_matches() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.ron");
    let out = vpcd()
        .args(["new", "--template", "bastion-hots", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bastion-host"), "{err}");
    assert!(!file.exists());
}

#[test]
fn close_matches_rank_the_nearest_first() {
    assert_eq!(templates::close_matches("default-vcp").first(), Some(&"default-vpc"));
    assert!(templates::close_matches("peering").contains(&"peering-triangle"));
    assert!(templates::close_matches("zzzzzzzzzzzz").is_empty());
    assert_eq!(templates::edit_distance("kitten", "sitting"), 3);
}
