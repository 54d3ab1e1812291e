//! Intents in any design: they persist with the design, evaluate to ✓/✗ with
//! a reason (the blocking hop and code for a blocked flow), and unknown names
//! are errors, never a silent "false".

use vpcd::create::templates::sample::three_tier;
use vpcd::model::intent::{Fact, Intent};
use vpcd::model::*;
use vpcd::practice::{self, Status};

fn one(d: &Design, text: &str) -> practice::Evaluation {
    let intent: Intent = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .unwrap_or_else(|e| panic!("{e}: {text}"));
    practice::evaluate(d, &[intent]).remove(0)
}

#[test]
fn intents_round_trip_with_the_design_file() {
    let mut d = three_tier();
    d.intents = vec![
        Intent::Reach {
            from: "web-1".into(),
            to: "internet".into(),
            proto: Protocol::Tcp,
            port: Some(443),
            down: vec![],
        },
        Intent::Struct(Fact::TierHasNoInternetRoute("db".into())),
        Intent::AtMost {
            kind: ObjectKind::NatGateway,
            count: 2,
        },
    ];
    let text = vpcd::io::to_ron_string(&d).unwrap();
    assert!(text.contains("intents:"), "{text}");
    let again = vpcd::io::parse(&text, "t").unwrap();
    assert_eq!(again, d);
    // A design without intents does not write the field.
    assert!(!vpcd::io::to_ron_string(&three_tier()).unwrap().contains("intents"));
}

#[test]
fn sample_reachability_intents_hold_with_reasons() {
    let d = three_tier();
    let e = one(&d, r#"Reach(from: "web-1", to: "internet", port: 443)"#);
    assert_eq!(e.status, Status::Pass, "{}", e.reason);
    assert!(e.reason.contains("igw-shop"), "{}", e.reason);
    let e = one(&d, r#"NoReach(from: "internet", to: "db-1", port: 5432)"#);
    assert_eq!(e.status, Status::Pass, "{}", e.reason);
    let e = one(&d, r#"Via(from: "app-1", to: "internet", port: 443, through: "nat-a")"#);
    assert_eq!(e.status, Status::Pass, "{}", e.reason);
    let e = one(
        &d,
        r#"Avoid(from: "app-1", to: "internet", port: 443, through: "nat-b")"#,
    );
    assert_eq!(e.status, Status::Pass, "{}", e.reason);
    let e = one(
        &d,
        r#"Via(from: "app-1", to: "internet", port: 443, through: "kind:nat-gateway")"#,
    );
    assert_eq!(e.status, Status::Pass, "{}", e.reason);
    let e = one(&d, r#"NothingReaches(tier: "db")"#);
    assert_eq!(e.status, Status::Pass, "{}", e.reason);
}

#[test]
fn a_failed_flow_names_the_blocking_hop_and_code() {
    let d = three_tier();
    // sg-db admits 5432 from sg-app only.
    let e = one(&d, r#"Reach(from: "web-1", to: "db-1", port: 5432)"#);
    assert_eq!(e.status, Status::Fail);
    let b = e.blocked.clone().expect("blocked");
    assert!(
        e.reason.contains(&b.component) && e.reason.contains(&b.code),
        "{}",
        e.reason
    );
    assert!(e.query.is_some(), "the query can be opened in the trace panel");
    // Via fails when the path exists but does not cross the component.
    let e = one(&d, r#"Via(from: "app-1", to: "internet", port: 443, through: "nat-b")"#);
    assert_eq!(e.status, Status::Fail);
    assert!(e.reason.contains("does not cross nat-b"), "{}", e.reason);
}

#[test]
fn what_if_failures_are_evaluated_without_changing_the_design() {
    let d = three_tier();
    let e = one(
        &d,
        r#"Reach(from: "app-2", to: "internet", port: 443, down: ["us-east-1a"])"#,
    );
    assert_eq!(e.status, Status::Pass, "NAT per AZ survives: {}", e.reason);
    let e = one(
        &d,
        r#"Reach(from: "app-1", to: "internet", port: 443, down: ["nat-a"])"#,
    );
    assert_eq!(e.status, Status::Fail, "{}", e.reason);
}

#[test]
fn nothing_reaches_finds_an_exposure_on_an_odd_port_from_one_public_range() {
    let mut d = three_tier();
    // Expose db-1: internet route, public address, and a rule for one partner range on port 9999.
    d.route_tables
        .iter_mut()
        .find(|r| r.name == "rt-db")
        .unwrap()
        .routes
        .push(Route::new(
            RouteDestination::Cidr("0.0.0.0/0".parse().unwrap()),
            RouteTarget::InternetGateway("igw-shop".into()),
        ));
    d.instances.iter_mut().find(|i| i.name == "db-1").unwrap().public_ip = Some(true);
    let sg = d.security_groups.iter_mut().find(|s| s.name == "sg-db").unwrap();
    sg.inbound.push(SgRule::new(
        Protocol::Tcp,
        PortRange::single(9999),
        "192.0.2.0/24".parse().unwrap(),
    ));
    let acl = d.network_acls.iter_mut().find(|a| a.name == "acl-db").unwrap();
    acl.inbound.insert(
        0,
        NaclRule {
            number: 50,
            action: RuleAction::Allow,
            proto: Protocol::All,
            ports: PortRange::ALL,
            cidr: "0.0.0.0/0".parse().unwrap(),
        },
    );
    acl.outbound.insert(
        0,
        NaclRule {
            number: 50,
            action: RuleAction::Allow,
            proto: Protocol::All,
            ports: PortRange::ALL,
            cidr: "0.0.0.0/0".parse().unwrap(),
        },
    );
    let e = one(&d, r#"NothingReaches(tier: "db")"#);
    assert_eq!(e.status, Status::Fail, "{}", e.reason);
    assert!(
        e.reason.contains("192.0.2.0") && e.reason.contains("9999"),
        "{}",
        e.reason
    );
}

#[test]
fn unknown_names_are_errors_not_false() {
    let d = three_tier();
    for text in [
        r#"Reach(from: "web-9", to: "internet", port: 443)"#,
        r#"NoReach(from: "internet", to: "db-9", port: 443)"#,
        r#"Via(from: "app-1", to: "internet", port: 443, through: "nat-z")"#,
        r#"Via(from: "app-1", to: "internet", port: 443, through: "kind:teleporter")"#,
        r#"NothingReaches(tier: "database")"#,
        r#"NoWarning("no-such-rule")"#,
        r#"Struct(TierSpansAzs(tier: "ap", azs: 2))"#,
        r#"Struct(SgSourceIsGroup(group: "sg-db", port: 5432, source: "sg-nope"))"#,
    ] {
        let e = one(&d, text);
        assert_eq!(e.status, Status::Error, "{text}: {}", e.reason);
        assert!(!e.reason.is_empty());
    }
}

#[test]
fn validation_count_and_cost_intents() {
    let d = three_tier();
    assert_eq!(one(&d, "NoErrors").status, Status::Pass);
    assert_eq!(one(&d, r#"NoWarning("single-nat-multi-az")"#).status, Status::Pass);
    assert_eq!(one(&d, "AtMost(kind: NatGateway, count: 2)").status, Status::Pass);
    let e = one(&d, "AtMost(kind: NatGateway, count: 1)");
    assert_eq!(e.status, Status::Fail);
    assert!(e.reason.contains("2 × NAT gateway"), "{}", e.reason);
    let e = one(&d, "MonthlyCostAtMost(1)");
    assert_eq!(e.status, Status::Fail);
    assert!(e.reason.contains("NAT gateway"), "{}", e.reason);
    assert_eq!(one(&d, "MonthlyCostAtMost(100000)").status, Status::Pass);
    let mut broken = d.clone();
    broken.subnets[0].cidr = "192.168.0.0/24".parse().unwrap();
    let e = one(&broken, "NoErrors");
    assert_eq!(e.status, Status::Fail);
    assert!(e.reason.contains("subnet-outside-vpc"), "{}", e.reason);
}

#[test]
fn failing_intents_lists_only_what_does_not_hold() {
    let mut d = three_tier();
    assert!(practice::failing_intents(&d).is_empty());
    d.intents = vec![
        Intent::NoErrors,
        Intent::AtMost {
            kind: ObjectKind::NatGateway,
            count: 1,
        },
        Intent::NoWarning("bogus-code".into()),
    ];
    let failing = practice::failing_intents(&d);
    assert_eq!(failing.len(), 2);
    assert_eq!(failing[0].status, Status::Fail);
    assert_eq!(failing[1].status, Status::Error);
}
