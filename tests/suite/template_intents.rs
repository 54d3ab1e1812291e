//! Every template proves itself: it carries intents for the flows it exists to
//! provide and the flows it must block, and `vpcd exercise TEMPLATE.ron`
//! grades the committed file against them with exit code 0. The list comes
//! from the template registry, so a new template is covered without a change here.

use std::path::Path;
use std::process::Command;

use vpcd::create::templates::TEMPLATES;
use vpcd::model::intent::Intent;

#[test]
fn every_template_states_flows_it_provides_and_flows_it_blocks() {
    for t in TEMPLATES {
        let d = t.design();
        let provides = d
            .intents
            .iter()
            .filter(|i| matches!(i, Intent::Reach { .. } | Intent::Via { .. }))
            .count();
        let blocks = d
            .intents
            .iter()
            .filter(|i| {
                matches!(
                    i,
                    Intent::NoReach { .. } | Intent::NothingReaches { .. } | Intent::Avoid { .. }
                )
            })
            .count();
        assert!(blocks >= 1, "{}: no intent for a flow the template must block", t.name);
        // The default VPC has no instances: its promise is structural.
        if t.name != "default-vpc" {
            assert!(provides >= 1, "{}: no intent for a flow the template provides", t.name);
        }
    }
}

#[test]
fn vpcd_exercise_grades_every_template_against_its_own_intents() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("templates");
    for t in TEMPLATES {
        let path = dir.join(t.file_name());
        let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
            .arg("exercise")
            .arg(&path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "vpcd exercise {}: {}\n{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_template_that_stops_doing_its_job_fails_its_own_grading() {
    // Remove the NAT gateway's route from public-private-nat: db-1 loses egress.
    let t = vpcd::create::templates::find("public-private-nat").unwrap();
    let mut d = t.design();
    for rt in &mut d.route_tables {
        if rt.name == "rt-private" {
            rt.routes.clear();
        }
    }
    let failing = vpcd::practice::failing_intents(&d);
    assert!(
        failing
            .iter()
            .any(|e| e.intent.contains("db-1") && e.intent.contains("nat-a")),
        "{failing:?}"
    );
}
