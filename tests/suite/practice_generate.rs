//! Generated troubleshooting exercises: for every fault kind, over several
//! seeds and templates, the generated exercise fails at the start and passes
//! with its reference solution, graded by the real engine; the same seed gives
//! the same exercise; "open everything" does not pass; the CLI writes a file
//! `vpcd exercise` grades.

use vpcd::model::*;
use vpcd::practice::exercise::{self, Exercise};
use vpcd::practice::faults::FAULTS;
use vpcd::practice::generate::{generate, to_file_text, Options};
use vpcd::practice::Status;

fn solved(ex: &Exercise, d: &Design) -> (bool, String) {
    let r = exercise::grade(&ex.objectives, &ex.hints, d, 0);
    let text = r
        .objectives
        .iter()
        .map(|e| format!("{} {} — {}", e.status.mark(), e.intent, e.reason))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        r.objectives.iter().all(|e| e.status != Status::Error),
        "objective in error:\n{text}"
    );
    (r.solved, text)
}

#[test]
fn every_fault_generates_an_exercise_that_fails_at_the_start_and_passes_with_its_reference() {
    for f in FAULTS {
        for seed in [1u64, 2, 3] {
            let ex = generate(&Options {
                fault: Some(f.id.to_string()),
                seed,
                ..Options::default()
            })
            .unwrap_or_else(|e| panic!("{} seed {seed}: {e}", f.id));
            let (ok, text) = solved(&ex, &ex.start);
            assert!(!ok, "{} seed {seed}: the start must fail:\n{text}", f.id);
            let (ok, text) = solved(&ex, &ex.reference_solution().unwrap());
            assert!(ok, "{} seed {seed}: the reference must pass:\n{text}", f.id);
            assert_eq!(ex.hints.len(), 3, "{}", f.id);
            assert!(!ex.brief.contains(f.id), "the brief states the symptom, not the fault");
        }
    }
}

#[test]
fn the_generator_works_on_a_given_template_and_topic() {
    for (template, topic) in [
        ("three-tier-alb", "security-groups"),
        ("transit-hub-spoke", "transit-gateway"),
        ("gateway-endpoints", "endpoints"),
    ] {
        let t = vpcd::create::templates::find(template).unwrap();
        let opts = Options {
            topic: Some(topic.into()),
            base: Some((template.into(), t.design())),
            seed: 11,
            ..Options::default()
        };
        let ex = generate(&opts).unwrap_or_else(|e| panic!("{template}/{topic}: {e}"));
        assert_eq!(ex, generate(&opts).unwrap(), "same seed, same exercise");
        assert!(!solved(&ex, &ex.start).0);
        assert!(solved(&ex, &ex.reference_solution().unwrap()).0);
    }
}

/// Opening every security group and NACL to the world is not a fix: the guard
/// objectives (flows that must stay blocked, no SSH open to the world) fail.
#[test]
fn opening_everything_does_not_pass_a_generated_exercise() {
    for (fault, seed) in [
        ("sg-rule-missing", 1u64),
        ("nacl-ephemeral-missing", 2),
        ("igw-route-missing", 3),
    ] {
        let ex = generate(&Options {
            fault: Some(fault.into()),
            seed,
            ..Options::default()
        })
        .unwrap();
        let mut d = ex.start.clone();
        let world: ipnet::IpNet = "0.0.0.0/0".parse().unwrap();
        for sg in &mut d.security_groups {
            sg.inbound = vec![SgRule::new(Protocol::All, PortRange::ALL, SgPeer::Cidr(world))];
            sg.outbound = vec![SgRule::new(Protocol::All, PortRange::ALL, SgPeer::Cidr(world))];
        }
        for acl in &mut d.network_acls {
            let all = NaclRule {
                number: 100,
                action: RuleAction::Allow,
                proto: Protocol::All,
                ports: PortRange::ALL,
                cidr: world,
            };
            acl.inbound = vec![all.clone()];
            acl.outbound = vec![all];
        }
        let (ok, text) = solved(&ex, &d);
        assert!(!ok, "{fault}: opening everything must fail:\n{text}");
    }
}

#[test]
fn cli_lists_faults_and_writes_a_gradable_exercise() {
    use std::process::Command;
    let bin = env!("CARGO_BIN_EXE_vpcd");
    let out = Command::new(bin).args(["exercise", "--faults"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().count() >= 20, "{text}");
    assert!(text.lines().all(|l| l.split_whitespace().count() >= 4), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gen.ron");
    let out = Command::new(bin)
        .args([
            "exercise",
            "--generate",
            "--fault",
            "nat-route-missing",
            "--seed",
            "5",
            "-o",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let first = std::fs::read_to_string(&path).unwrap();
    let out = Command::new(bin).arg("exercise").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    let out = Command::new(bin)
        .arg("exercise")
        .arg(&path)
        .arg("--reference")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    // Same seed, same file.
    let out = Command::new(bin)
        .args(["exercise", "--generate", "--fault", "nat-route-missing", "--seed", "5"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), first);
    let ex = Exercise::parse(&first, "gen.ron").unwrap();
    assert_eq!(to_file_text(&ex, 5).unwrap(), first);

    for bad in [
        vec!["exercise", "--generate", "--fault", "no-such-fault"],
        vec!["exercise", "--generate", "--topic", "nope"],
        vec!["exercise", "--generate", "--template", "no-such-template"],
    ] {
        let out = Command::new(bin).args(&bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}
