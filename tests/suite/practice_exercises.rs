//! Bundled exercises grade by behaviour: for every exercise the starting
//! design fails at least one objective, the reference solution passes all of
//! them, and a second, different correct solution (edits written here) passes
//! too. Also: every exercise file loads and is bundled, and no objective is
//! in error (unknown names) on the designs it grades.

use std::path::Path;

use vpcd::edit::Edit;
use vpcd::model::*;
use vpcd::practice::exercise::{self, Exercise};
use vpcd::practice::Status;

fn load(id: &str) -> Exercise {
    exercise::bundled(id)
        .unwrap_or_else(|| panic!("{id} is bundled"))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn no_validation_errors(d: &Design, what: &str) {
    let errors: Vec<_> = vpcd::validate::validate(d)
        .into_iter()
        .filter(|x| x.severity == vpcd::validate::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn every_exercise_file_is_bundled_and_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/exercises");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut bundled: Vec<String> = exercise::BUNDLED.iter().map(|(id, _)| id.to_string()).collect();
    bundled.sort();
    assert_eq!(files, bundled, "assets/exercises and BUNDLED list the same exercises");
    assert!(files.len() >= 15, "at least 15 exercises");
    for id in &files {
        let ex = Exercise::load(&dir.join(format!("{id}.ron"))).unwrap_or_else(|e| panic!("{e}"));
        assert!(!ex.hints.is_empty() && ex.hints.len() <= 3, "{id}: one to three hints");
        assert!(!ex.concept.is_empty() && !ex.brief.is_empty(), "{id}");
        let text = std::fs::read_to_string(dir.join(format!("{id}.ron"))).unwrap();
        assert!(exercise::is_exercise_text(&text), "{id}: starts with `exercise:`");
        no_validation_errors(&ex.start, &format!("{id} start"));
        no_validation_errors(&ex.reference_solution().unwrap(), &format!("{id} reference"));
    }
}

/// Grades `design` against the exercise's objectives and returns (passed, report text).
fn grade(ex: &Exercise, d: &Design) -> (bool, String) {
    let r = exercise::grade(&ex.objectives, &ex.hints, d, 0);
    let text = r
        .objectives
        .iter()
        .map(|e| format!("{} {} — {}", e.status.mark(), e.intent, e.reason))
        .collect::<Vec<_>>()
        .join("\n");
    for e in &r.objectives {
        assert_ne!(e.status, Status::Error, "objective in error:\n{text}");
    }
    (r.solved, text)
}

fn ron<T: serde::de::DeserializeOwned>(text: &str) -> T {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Applies edits written as RON `Edit` values (`Put(Subnet((…)))`, `Delete((kind: …, name: …))`).
fn edits(d: &mut Design, list: &[&str]) {
    for text in list {
        let e: Edit = ron(text);
        e.apply(d).unwrap_or_else(|err| panic!("{err}: {text}"));
    }
}

fn sg<'a>(d: &'a mut Design, name: &str) -> &'a mut SecurityGroup {
    d.security_groups.iter_mut().find(|x| x.name == name).unwrap()
}
fn rt<'a>(d: &'a mut Design, name: &str) -> &'a mut RouteTable {
    d.route_tables.iter_mut().find(|x| x.name == name).unwrap()
}
fn subnet<'a>(d: &'a mut Design, name: &str) -> &'a mut Subnet {
    d.subnets.iter_mut().find(|x| x.name == name).unwrap()
}
fn instance<'a>(d: &'a mut Design, name: &str) -> &'a mut Instance {
    d.instances.iter_mut().find(|x| x.name == name).unwrap()
}
fn cidr(s: &str) -> ipnet::IpNet {
    s.parse().unwrap()
}
fn route(dest: &str, target: RouteTarget) -> Route {
    Route::new(RouteDestination::Cidr(cidr(dest)), target)
}
fn sg_rule(proto: Protocol, ports: &str, peer: &str) -> SgRule {
    SgRule::new(proto, ports.parse().unwrap(), peer.parse().unwrap())
}
fn nacl_rule(number: u16, action: RuleAction, proto: Protocol, ports: &str, cidr_block: &str) -> NaclRule {
    NaclRule {
        number,
        action,
        proto,
        ports: ports.parse().unwrap(),
        cidr: cidr(cidr_block),
    }
}

/// Checks one exercise: start fails, reference passes, the alternative passes
/// and differs from the reference.
fn check(id: &str, alternative: impl FnOnce(&mut Design)) {
    let ex = load(id);
    let (start_ok, text) = grade(&ex, &ex.start);
    assert!(!start_ok, "{id}: the starting design must fail an objective:\n{text}");
    let reference = ex.reference_solution().unwrap();
    let (ok, text) = grade(&ex, &reference);
    assert!(ok, "{id}: the reference solution must pass:\n{text}");
    let mut alt = ex.start.clone();
    alternative(&mut alt);
    assert_ne!(alt, reference, "{id}: the alternative differs from the reference");
    no_validation_errors(&alt, &format!("{id} alternative"));
    let (ok, text) = grade(&ex, &alt);
    assert!(ok, "{id}: a different correct solution must pass:\n{text}");
}

#[test]
fn public_subnet_custom_table_and_auto_public_ip() {
    check("public-subnet", |d| {
        edits(
            d,
            &[
                r#"Put(RouteTable((name: "rt-web", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: InternetGateway("igw-1"))])))"#,
            ],
        );
        subnet(d, "pub-a").route_table = Some("rt-web".into());
        instance(d, "web-1").public_ip = Some(true);
    });
}

#[test]
fn nat_placement_new_nat_in_the_public_subnet() {
    check("nat-placement", |d| {
        edits(
            d,
            &[
                r#"Put(ElasticIp((name: "eip-nat-2", address: "3.210.30.2")))"#,
                r#"Put(NatGateway((name: "nat-2", subnet: "pub-a", elastic_ip: "eip-nat-2")))"#,
            ],
        );
        rt(d, "rt-private").routes = vec![route("0.0.0.0/0", RouteTarget::NatGateway("nat-2".into()))];
        edits(
            d,
            &[
                r#"Delete((kind: NatGateway, name: "nat-1"))"#,
                r#"Delete((kind: ElasticIp, name: "eip-nat-1"))"#,
            ],
        );
    });
}

#[test]
fn nat_per_az_new_table_for_az_a_instead() {
    check("nat-per-az", |d| {
        edits(
            d,
            &[
                r#"Put(ElasticIp((name: "eip-east-1b", address: "3.210.40.9")))"#,
                r#"Put(NatGateway((name: "nat-east-1b", subnet: "pub-b", elastic_ip: "eip-east-1b")))"#,
                r#"Put(RouteTable((name: "rt-priv-a", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-a"))])))"#,
            ],
        );
        subnet(d, "priv-a").route_table = Some("rt-priv-a".into());
        rt(d, "rt-private").routes = vec![route("0.0.0.0/0", RouteTarget::NatGateway("nat-east-1b".into()))];
    });
}

#[test]
fn s3_gateway_endpoint_one_endpoint_per_route_table() {
    check("s3-gateway-endpoint", |d| {
        edits(
            d,
            &[
                r#"Put(Endpoint((name: "vpce-s3-a", vpc: "shop", service: "s3", kind: Gateway(route_tables: ["rt-private-a"]))))"#,
                r#"Put(Endpoint((name: "vpce-s3-b", vpc: "shop", service: "s3", kind: Gateway(route_tables: ["rt-private-b"]))))"#,
            ],
        );
    });
}

#[test]
fn cost_constrained_shared_route_table() {
    check("cost-constrained", |d| {
        subnet(d, "priv-b").route_table = Some("rt-private-a".into());
        edits(
            d,
            &[
                r#"Delete((kind: RouteTable, name: "rt-private-b"))"#,
                r#"Delete((kind: NatGateway, name: "nat-b"))"#,
                r#"Delete((kind: ElasticIp, name: "eip-nat-b"))"#,
                r#"Put(Endpoint((name: "s3-free", vpc: "dev", service: "s3", kind: Gateway(route_tables: ["rt-private-a"]))))"#,
            ],
        );
    });
}

#[test]
fn nacl_block_ip_deny_only_https_from_the_attacker() {
    check("nacl-block-ip", |d| {
        let acl = d.network_acls.iter_mut().find(|a| a.name == "acl-public").unwrap();
        acl.inbound.insert(
            0,
            nacl_rule(50, RuleAction::Deny, Protocol::Tcp, "443", "198.51.100.66/32"),
        );
    });
}

#[test]
fn nacl_ephemeral_ports_one_rule_per_direction_from_443_up() {
    // One rule each way, tcp 443-65535: the service port and every client ephemeral
    // port, but still not SSH (VPC User Guide, network ACLs, "Ephemeral ports").
    check("nacl-ephemeral-ports", |d| {
        let acl = d.network_acls.iter_mut().find(|a| a.name == "acl-public").unwrap();
        let rule = nacl_rule(200, RuleAction::Allow, Protocol::Tcp, "443-65535", "0.0.0.0/0");
        acl.inbound = vec![rule.clone()];
        acl.outbound = vec![rule];
        sg(d, "sg-web").outbound = vec![sg_rule(Protocol::Tcp, "443", "0.0.0.0/0")];
    });
}

#[test]
fn db_isolation_new_isolated_table_and_cidr_rule() {
    check("db-isolation", |d| {
        edits(d, &[r#"Put(RouteTable((name: "rt-isolated", vpc: "shop")))"#]);
        subnet(d, "db-a").route_table = Some("rt-isolated".into());
        subnet(d, "db-b").route_table = Some("rt-isolated".into());
        instance(d, "db-1").elastic_ip = None;
        edits(
            d,
            &[
                r#"Delete((kind: RouteTable, name: "rt-db"))"#,
                r#"Delete((kind: ElasticIp, name: "eip-db-1"))"#,
            ],
        );
        sg(d, "sg-db").inbound = vec![sg_rule(Protocol::Tcp, "3306", "10.0.10.0/24")];
    });
}

#[test]
fn sg_references_wider_rules_still_scoped_to_the_group() {
    check("sg-references", |d| {
        sg(d, "sg-db").inbound = vec![sg_rule(Protocol::All, "all", "sg:sg-app")];
        sg(d, "sg-app").inbound = vec![sg_rule(Protocol::Tcp, "8000-8999", "sg:sg-web")];
    });
}

#[test]
fn bastion_host_exact_addresses_instead_of_group_reference() {
    check("bastion-host", |d| {
        sg(d, "sg-bastion").inbound = vec![sg_rule(Protocol::Tcp, "22", "203.0.113.10/32")];
        sg(d, "sg-app").inbound = vec![sg_rule(Protocol::Tcp, "22", "10.0.1.5/32")];
    });
}

#[test]
fn peering_routes_subnet_route_on_the_other_side() {
    check("peering-routes", |d| {
        rt(d, "rt-vpc-b")
            .routes
            .push(route("10.1.1.0/24", RouteTarget::Peering("pcx-ab".into())));
    });
}

#[test]
fn transitive_peering_direct_peering_instead_of_a_transit_gateway() {
    check("transitive-peering", |d| {
        edits(
            d,
            &[r#"Put(Peering((name: "pcx-ac", requester: "vpc-a", accepter: "vpc-c")))"#],
        );
        let a = rt(d, "rt-vpc-a");
        a.routes
            .retain(|r| r.dest != RouteDestination::Cidr(cidr("10.3.0.0/16")));
        a.routes
            .push(route("10.3.0.0/16", RouteTarget::Peering("pcx-ac".into())));
        rt(d, "rt-vpc-c")
            .routes
            .push(route("10.1.0.0/16", RouteTarget::Peering("pcx-ac".into())));
        sg(d, "sg-c-api")
            .inbound
            .push(sg_rule(Protocol::Tcp, "443", "10.1.1.10/32"));
    });
}

#[test]
fn tgw_segmentation_static_routes_instead_of_propagation() {
    check("tgw-segmentation", |d| {
        edits(
            d,
            &[r#"Put(TransitGateway((name: "tgw-1", default_route_table: "tgw-rt-all",
                route_tables: [
                  (name: "tgw-rt-all"),
                  (name: "tgw-rt-prod", routes: [
                    (cidr: "10.101.0.0/16", target: Attachment("att-prod-1")),
                    (cidr: "10.102.0.0/16", target: Attachment("att-prod-2")),
                    (cidr: "10.50.0.0/16", target: Attachment("att-shared"))]),
                  (name: "tgw-rt-dev", routes: [
                    (cidr: "10.201.0.0/16", target: Attachment("att-dev-1")),
                    (cidr: "10.50.0.0/16", target: Attachment("att-shared"))]),
                ],
                attachments: [
                  (name: "att-prod-1", kind: Vpc(vpc: "prod-1", subnets: ["prod-1-priv"]), association: "tgw-rt-prod", propagations: ["tgw-rt-all"]),
                  (name: "att-prod-2", kind: Vpc(vpc: "prod-2", subnets: ["prod-2-priv"]), association: "tgw-rt-prod", propagations: ["tgw-rt-all"]),
                  (name: "att-dev-1", kind: Vpc(vpc: "dev-1", subnets: ["dev-1-priv"]), association: "tgw-rt-dev", propagations: ["tgw-rt-all"]),
                  (name: "att-shared", kind: Vpc(vpc: "shared", subnets: ["shared-priv"]), association: "tgw-rt-all", propagations: ["tgw-rt-all"]),
                ])))"#],
        );
    });
}

#[test]
fn interface_endpoint_cidr_rule_and_separately_named_endpoint() {
    check("interface-endpoint", |d| {
        d.vpcs[0].dns_hostnames = true;
        sg(d, "sg-vpce").inbound = vec![sg_rule(Protocol::Tcp, "443", "10.60.0.0/16")];
        edits(
            d,
            &[
                r#"Put(Endpoint((name: "vpce-secrets", vpc: "data", service: "secretsmanager", kind: Interface(subnets: ["priv-a", "priv-b"], security_groups: ["sg-vpce"], private_dns: true))))"#,
                r#"Put(SecurityGroup((name: "sg-sqs", vpc: "data", inbound: [(proto: Tcp, ports: "443", peer: Cidr("10.60.0.0/16"))], outbound: [])))"#,
                r#"Put(Endpoint((name: "sqs-ep", vpc: "data", service: "sqs", kind: Interface(subnets: ["priv-b", "priv-a"], security_groups: ["sg-sqs"]))))"#,
            ],
        );
    });
}

#[test]
fn vpn_only_subnet_static_route_instead_of_propagation() {
    check("vpn-only-subnet", |d| {
        rt(d, "rt-corp").routes = vec![route("192.168.0.0/16", RouteTarget::VpnGateway("vgw-1".into()))];
    });
}

#[test]
fn ipv6_egress_only_new_table_and_private_sg_rule() {
    check("ipv6-egress-only", |d| {
        edits(
            d,
            &[
                r#"Put(EgressOnlyGateway((name: "eigw-dual", vpc: "dual")))"#,
                r#"Put(RouteTable((name: "rt-private-v6", vpc: "dual", routes: [
                    (dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-a")),
                    (dest: Cidr("::/0"), target: EgressOnlyGateway("eigw-dual"))])))"#,
            ],
        );
        subnet(d, "priv-a").route_table = Some("rt-private-v6".into());
        sg(d, "sg-app").inbound = vec![sg_rule(Protocol::Tcp, "443", "10.0.0.0/16")];
    });
}

/// The `inspection-routing` exercise's second solution: keep the propagated spoke routes in
/// rt-spokes but override them with static routes to the inspection attachment (static beats
/// propagated for the same prefix: Transit Gateway Guide, "How transit gateways work" — route
/// evaluation order).
#[test]
fn inspection_routing_static_routes_override_the_propagated_ones() {
    check("inspection-routing", |d| {
        let tgw = &mut d.transit_gateways[0];
        let spokes = tgw.route_tables.iter_mut().find(|t| t.name == "rt-spokes").unwrap();
        for c in ["10.1.0.0/16", "10.2.0.0/16"] {
            spokes.routes.push(TgwRoute {
                cidr: cidr(c),
                target: TgwRouteTarget::Attachment("att-inspection".into()),
            });
        }
        tgw.attachments
            .iter_mut()
            .find(|a| a.name == "att-inspection")
            .unwrap()
            .appliance_mode = true;
    });
}

/// VPC sharing: a share of its own for app-a, and the app team's group scoped to
/// PostgreSQL towards the data team's group (rules may reference a group another
/// participant of the same VPC owns: VPC User Guide, "Share your VPC subnets with
/// other accounts", responsibilities of participants).
#[test]
fn shared_subnets_own_share_and_scoped_app_outbound() {
    check("shared-subnets", |d| {
        d.accounts.shares.push(SubnetShare {
            name: "app-subnets".into(),
            subnets: vec!["app-a".into()],
            participants: vec!["app-team".into()],
        });
        hand_app_1_to_the_app_team(d);
        sg(d, "sg-data").inbound = vec![sg_rule(Protocol::Tcp, "5432", "sg:sg-app")];
        sg(d, "sg-app").outbound = vec![sg_rule(Protocol::Tcp, "5432", "sg:sg-data")];
    });
}

/// The app team owns app-1 and the group it launches with (participants
/// launch with groups they own: InvalidGroup.NotFound otherwise).
fn hand_app_1_to_the_app_team(d: &mut Design) {
    instance(d, "app-1").owner = Some("app-team".into());
    sg(d, "sg-app").owner = Some("app-team".into());
}

/// Sharing app-a and handing app-1 over is half the lesson: the database
/// still admits nobody.
#[test]
fn shared_subnets_share_alone_leaves_db_closed() {
    let failing = gamed("shared-subnets", |d| {
        d.accounts.shares.push(SubnetShare {
            name: "share-app".into(),
            subnets: vec!["app-a".into()],
            participants: vec!["app-team".into()],
        });
        hand_app_1_to_the_app_team(d);
    });
    assert!(
        failing.iter().any(|i| i.contains("app-1 → db-1 tcp/5432")),
        "{failing:?}"
    );
}

/// Opening the database to the world (all traffic from 0.0.0.0/0) reaches it but
/// is not "the app team's servers, and only them".
#[test]
fn gamed_shared_subnets_open_everything_fails() {
    let failing = gamed("shared-subnets", |d| {
        d.accounts.shares.push(SubnetShare {
            name: "share-app".into(),
            subnets: vec!["app-a".into()],
            participants: vec!["app-team".into()],
        });
        hand_app_1_to_the_app_team(d);
        sg(d, "sg-data").inbound = vec![sg_rule(Protocol::All, "all", "0.0.0.0/0")];
    });
    assert!(failing.iter().any(|i| i.contains("0.0.0.0/0")), "{failing:?}");
    assert!(failing.iter().any(|i| i.contains("only from SG sg-app")), "{failing:?}");
    assert!(failing.iter().any(|i| i.contains("tcp/22 unreachable")), "{failing:?}");
    // All traffic from the app team's group names the right source but opens SSH too.
    let failing = gamed("shared-subnets", |d| {
        d.accounts.shares.push(SubnetShare {
            name: "share-app".into(),
            subnets: vec!["app-a".into()],
            participants: vec!["app-team".into()],
        });
        hand_app_1_to_the_app_team(d);
        sg(d, "sg-data").inbound = vec![sg_rule(Protocol::All, "all", "sg:sg-app")];
    });
    assert_eq!(failing, vec!["app-1 → db-1 tcp/22 unreachable".to_string()]);
}

/// Leaving app-1 with the network account, which needs no share at all,
/// passes every flow once the database admits sg-app; the app team launching
/// into a shared subnet is what the exercise is about.
#[test]
fn gamed_shared_subnets_owner_launches_for_the_app_team_fails() {
    let failing = gamed("shared-subnets", |d| {
        assert_eq!(instance(d, "app-1").owner, None);
        sg(d, "sg-data").inbound = vec![sg_rule(Protocol::Tcp, "5432", "sg:sg-app")];
    });
    assert_eq!(failing, vec!["app-1 is launched by account app-team".to_string()]);
}

/// The `inspection-routing` exercise, half fixed: with the spokes' propagation out of rt-spokes but
/// appliance mode still off, a cross-AZ flow goes out through the AZ-a endpoint and its reply comes
/// back through the AZ-b one, which drops it (TGW guide, transit-gateway-appliance-scenario).
#[test]
fn inspection_routing_without_appliance_mode_drops_the_cross_az_reply() {
    let ex = load("inspection-routing");
    let mut d = ex.reference_solution().unwrap();
    let att = d.transit_gateways[0]
        .attachments
        .iter_mut()
        .find(|a| a.name == "att-inspection")
        .unwrap();
    att.appliance_mode = false;
    let r = exercise::grade(&ex.objectives, &ex.hints, &d, 0);
    let spoke_to_spoke = &r.objectives[0];
    assert_eq!(spoke_to_spoke.status, Status::Fail, "{}", spoke_to_spoke.reason);
    let blocked = spoke_to_spoke.blocked.as_ref().unwrap();
    assert_eq!(
        (blocked.component.as_str(), blocked.code.as_str()),
        ("fw-1", "FIREWALL_ASYMMETRIC")
    );
    assert!(
        spoke_to_spoke.reason.contains("appliance mode"),
        "{}",
        spoke_to_spoke.reason
    );
    // Egress stays in one AZ (endpoint, NAT and reply in the workload's AZ): unaffected.
    assert_eq!(r.objectives[2].status, Status::Pass, "{}", r.objectives[2].reason);
}

#[test]
fn exercise_grader_cli_contract() {
    use std::process::Command;
    let bin = env!("CARGO_BIN_EXE_vpcd");
    let out = Command::new(bin).args(["exercise", "--list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let count = format!("{} exercises", exercise::BUNDLED.len());
    assert!(text.contains("nat-per-az") && text.contains(&count), "{text}");

    // A bundled exercise's starting design fails: exit 1, JSON keys for platforms.
    let out = Command::new(bin)
        .args(["exercise", "nat-per-az", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["solved"], false);
    assert_eq!(json["total"], 5);
    for key in ["intent", "status", "reason"] {
        assert!(json["objectives"][0].get(key).is_some(), "{key}");
    }

    // The reference solution passes: exit 0.
    let out = Command::new(bin)
        .args(["exercise", "nat-per-az", "--reference"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));

    // A saved attempt: a design carrying the objectives as intents.
    let dir = tempfile::tempdir().unwrap();
    let ex = load("nat-per-az");
    let mut attempt = ex.reference_solution().unwrap();
    attempt.intents = ex.objectives.clone();
    let path = dir.path().join("attempt.ron");
    vpcd::io::save(&path, &attempt).unwrap();
    let out = Command::new(bin).arg("exercise").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    // … or graded against the exercise, ignoring its own intents.
    attempt.intents.clear();
    let idx = attempt.subnets.iter().position(|s| s.name == "priv-b").unwrap();
    attempt.subnets[idx].route_table = Some("rt-private".into());
    vpcd::io::save(&path, &attempt).unwrap();
    let out = Command::new(bin)
        .args(["exercise", "nat-per-az", "--design"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("✗") && text.contains("priv-b"), "{text}");

    // Bad input: exit 2.
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, "(exercise: 1, title: ").unwrap();
    let out = Command::new(bin).arg("exercise").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(bin)
        .args(["exercise", "no-such-exercise"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------------------------
// Gamed fixes: edits that turn objectives green without the lesson. Each must
// leave its exercise unsolved, naming the objective that catches it.
// ---------------------------------------------------------------------------

/// Grades a gamed attempt and returns the objectives that fail.
fn gamed(id: &str, game: impl FnOnce(&mut Design)) -> Vec<String> {
    let ex = load(id);
    let mut d = ex.start.clone();
    game(&mut d);
    let (ok, text) = grade(&ex, &d);
    assert!(!ok, "{id}: the gamed fix must not solve the exercise:\n{text}");
    exercise::grade(&ex.objectives, &ex.hints, &d, 0)
        .objectives
        .into_iter()
        .filter(|e| !e.holds())
        .map(|e| e.intent)
        .collect()
}

/// Private DNS for an interface endpoint needs the VPC's enableDnsSupport and
/// enableDnsHostnames (EC2 API, CreateVpcEndpoint `PrivateDnsEnabled`); without them
/// the service name resolves to public addresses, unreachable from a VPC with no
/// internet path. Fixing the SG and adding the SQS endpoint is not enough.
#[test]
fn gamed_interface_endpoint_without_dns_hostnames_fails() {
    let failing = gamed("interface-endpoint", |d| {
        sg(d, "sg-vpce").inbound = vec![sg_rule(Protocol::Tcp, "443", "sg:sg-app")];
        edits(
            d,
            &[
                r#"Put(Endpoint((name: "vpce-secrets", vpc: "data", service: "secretsmanager", kind: Interface(subnets: ["priv-a", "priv-b"], security_groups: ["sg-vpce"], private_dns: true))))"#,
                r#"Put(Endpoint((name: "vpce-sqs", vpc: "data", service: "sqs", kind: Interface(subnets: ["priv-a", "priv-b"], security_groups: ["sg-vpce"], private_dns: true))))"#,
            ],
        );
        assert!(!d.vpcs[0].dns_hostnames);
    });
    assert!(failing.iter().any(|i| i.contains("secretsmanager")), "{failing:?}");
    assert!(failing.iter().any(|i| i.contains("sqs")), "{failing:?}");
}

/// The exercise starts from a state AWS accepts: private DNS is off on the endpoint
/// while the VPC's DNS hostnames are off (enabling it there is refused, EC2 API
/// CreateVpcEndpoint `PrivateDnsEnabled`), so the start has no such warning.
#[test]
fn interface_endpoint_starts_from_a_state_aws_accepts() {
    let ex = load("interface-endpoint");
    let codes: Vec<String> = vpcd::validate::validate(&ex.start)
        .into_iter()
        .map(|x| x.code.to_string())
        .collect();
    assert!(
        !codes.iter().any(|c| c == "endpoint-private-dns-without-dns"),
        "{codes:?}"
    );
}

/// Deleting the ::/0 SG rule but leaving ::/0 → igw-1: nothing inbound gets through the
/// SG today, yet the subnet is still publicly routable for IPv6 and no egress-only
/// internet gateway exists (VPC User Guide, "Enable outbound IPv6 traffic using an
/// egress-only internet gateway").
#[test]
fn gamed_ipv6_egress_only_sg_only_fix_fails() {
    let failing = gamed("ipv6-egress-only", |d| {
        sg(d, "sg-app").inbound.clear();
    });
    assert!(failing.iter().any(|i| i.contains("egress-only-gateway")), "{failing:?}");
}

/// Allow-all NACLs both ways and an allow-all SG outbound pass the two flows but skip
/// the lesson (stateless NACL rules for the service port and the ephemeral replies,
/// VPC User Guide, network ACLs, "Ephemeral ports").
#[test]
fn gamed_nacl_ephemeral_ports_allow_all_fails() {
    let failing = gamed("nacl-ephemeral-ports", |d| {
        let acl = d.network_acls.iter_mut().find(|a| a.name == "acl-public").unwrap();
        let all = nacl_rule(100, RuleAction::Allow, Protocol::All, "all", "0.0.0.0/0");
        acl.inbound = vec![all.clone()];
        acl.outbound = vec![all];
        sg(d, "sg-web").outbound = vec![sg_rule(Protocol::All, "all", "0.0.0.0/0")];
    });
    assert!(failing.iter().any(|i| i.contains("NACL")), "{failing:?}");
    assert!(
        failing.iter().any(|i| i.contains("web-1 → internet tcp/22")),
        "{failing:?}"
    );
    // All TCP ports is as open as all traffic.
    let failing = gamed("nacl-ephemeral-ports", |d| {
        let acl = d.network_acls.iter_mut().find(|a| a.name == "acl-public").unwrap();
        let tcp = nacl_rule(100, RuleAction::Allow, Protocol::Tcp, "all", "0.0.0.0/0");
        acl.inbound = vec![tcp.clone()];
        acl.outbound = vec![tcp];
        sg(d, "sg-web").outbound = vec![sg_rule(Protocol::Tcp, "443", "0.0.0.0/0")];
    });
    assert!(failing.iter().any(|i| i.contains("NACL")), "{failing:?}");
}

/// SSH to the bastion from 200.0.0.0/5 (134 million addresses) is not "from the office
/// only", though it is narrower than 0.0.0.0/0 and misses the default internet host.
#[test]
fn gamed_bastion_wide_but_not_world_source_fails() {
    let failing = gamed("bastion-host", |d| {
        sg(d, "sg-bastion").inbound = vec![
            sg_rule(Protocol::Tcp, "22", "203.0.113.0/24"),
            sg_rule(Protocol::Tcp, "22", "200.0.0.0/5"),
        ];
        sg(d, "sg-app").inbound = vec![sg_rule(Protocol::Tcp, "22", "sg:sg-bastion")];
    });
    assert_eq!(
        failing,
        vec!["bastion-1 admits tcp/22 only from 203.0.113.0/24".to_string()]
    );
    // The same breadth through a second group attached to the bastion.
    let failing = gamed("bastion-host", |d| {
        sg(d, "sg-bastion").inbound = vec![sg_rule(Protocol::Tcp, "22", "203.0.113.0/24")];
        sg(d, "sg-app").inbound = vec![sg_rule(Protocol::Tcp, "22", "sg:sg-bastion")];
        edits(
            d,
            &[
                r#"Put(SecurityGroup((name: "sg-extra", vpc: "shop", inbound: [(proto: Tcp, ports: "0-1000", peer: Cidr("128.0.0.0/2"))])))"#,
            ],
        );
        instance(d, "bastion-1").security_groups.push("sg-extra".into());
    });
    assert!(failing.iter().any(|i| i.starts_with("bastion-1 admits")), "{failing:?}");
}

/// A NAT gateway is only one answer for egress; moving app-1 into the public subnet
/// (or giving it a public address) reaches the internet without the lesson.
#[test]
fn gamed_nat_placement_direct_internet_fails() {
    let failing = gamed("nat-placement", |d| {
        let app = instance(d, "app-1");
        app.subnet = "pub-a".into();
        app.private_ip = None;
    });
    assert!(
        failing.iter().any(|i| i.contains("via kind:nat-gateway")),
        "{failing:?}"
    );
}

/// Opening every port but SSH to the world passes the three original flows of the
/// public-subnet exercise; RDP from the internet catches it.
#[test]
fn gamed_public_subnet_everything_but_ssh_fails() {
    let failing = gamed("public-subnet", |d| {
        edits(
            d,
            &[
                r#"Put(RouteTable((name: "rt-web", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: InternetGateway("igw-1"))])))"#,
            ],
        );
        subnet(d, "pub-a").route_table = Some("rt-web".into());
        instance(d, "web-1").public_ip = Some(true);
        let web = d.instances.iter().find(|i| i.name == "web-1").unwrap().security_groups[0].clone();
        sg(d, &web).inbound = vec![
            sg_rule(Protocol::Tcp, "0-21", "0.0.0.0/0"),
            sg_rule(Protocol::Tcp, "23-65535", "0.0.0.0/0"),
        ];
    });
    assert!(failing.iter().any(|i| i.contains("tcp/3389")), "{failing:?}");
}

// ---------------------------------------------------------------------------
// Hybrid routing, prefix lists, dual stack, CloudHub and flow logs.
// ---------------------------------------------------------------------------

/// Longest prefix match decides before route priority (VPC User Guide, "Route
/// priority"): switching the VPN to BGP drops its static /24 just as well.
#[test]
fn dx_vpn_backup_bgp_instead_of_static() {
    check("dx-vpn-backup", |d| {
        d.vpn_connections[0].routing = VpnRouting::Bgp;
    });
}

/// Emptying the backup VPN's static routes sends the SQL traffic over Direct
/// Connect but leaves no path when dx-primary fails.
#[test]
fn gamed_dx_vpn_backup_without_vpn_routes_fails() {
    let failing = gamed("dx-vpn-backup", |d| {
        d.vpn_connections[0].routing = VpnRouting::Static(Vec::new());
    });
    assert!(failing.iter().any(|i| i.contains("vpn-backup")), "{failing:?}");
}

/// Admitting br-3 with its own rule and route instead of the list works too:
/// grading is by behaviour.
#[test]
fn prefix_list_branches_separate_rule_and_route() {
    check("prefix-list-branches", |d| {
        sg(d, "sg-app")
            .inbound
            .push(sg_rule(Protocol::Tcp, "443", "192.168.30.0/24"));
        rt(d, "rt-private")
            .routes
            .push(route("192.168.30.0/24", RouteTarget::VpnGateway("vgw-1".into())));
    });
}

/// Opening HTTPS to the world reaches br-3 (through the route to the VGW it
/// already has once the list holds it) but fails least privilege: a customer
/// list counts only when every entry lies in the allowed sources.
#[test]
fn gamed_prefix_list_world_open_https_fails() {
    let failing = gamed("prefix-list-branches", |d| {
        sg(d, "sg-app").inbound.push(sg_rule(Protocol::Tcp, "443", "0.0.0.0/0"));
        let pl = d.prefix_lists.iter_mut().find(|p| p.name == "pl-branches").unwrap();
        pl.entries.push(cidr("0.0.0.0/0"));
        pl.max_entries = 3;
    });
    assert!(failing.iter().any(|i| i.contains("only from")), "{failing:?}");
}

/// A separate table for the IPv6 default route and an ::/0 rule per port range work too.
#[test]
fn dual_stack_web_allow_all_v6_nacl_rules() {
    check("dual-stack-web", |d| {
        rt(d, "rt-public")
            .routes
            .push(route("::/0", RouteTarget::InternetGateway("igw-web".into())));
        sg(d, "sg-web").inbound.push(sg_rule(Protocol::Tcp, "443", "::/0"));
        let acl = d.network_acls.iter_mut().find(|a| a.name == "web-acl").unwrap();
        for (number, ports) in [(120, "443"), (130, "1024-65535")] {
            acl.inbound
                .push(nacl_rule(number, RuleAction::Allow, Protocol::Tcp, ports, "::/0"));
        }
        acl.outbound
            .push(nacl_rule(120, RuleAction::Allow, Protocol::Tcp, "all", "::/0"));
    });
}

/// Opening every IPv6 port in the security group and the network ACL serves
/// HTTPS but opens SSH to the IPv6 internet.
#[test]
fn gamed_dual_stack_everything_open_over_ipv6_fails() {
    let failing = gamed("dual-stack-web", |d| {
        rt(d, "rt-public")
            .routes
            .push(route("::/0", RouteTarget::InternetGateway("igw-web".into())));
        sg(d, "sg-web").inbound.push(sg_rule(Protocol::All, "all", "::/0"));
        let acl = d.network_acls.iter_mut().find(|a| a.name == "web-acl").unwrap();
        let all = nacl_rule(200, RuleAction::Allow, Protocol::All, "all", "::/0");
        acl.inbound.push(all.clone());
        acl.outbound.push(all);
    });
    assert!(failing.iter().any(|i| i.contains("tcp/22")), "{failing:?}");
}

/// Static routes to both branches instead of propagation, and a new customer
/// gateway with its own ASN for vpn-2.
#[test]
fn vpn_cloudhub_static_routes_and_a_new_customer_gateway() {
    check("vpn-cloudhub", |d| {
        for c in ["192.168.10.0/24", "192.168.20.0/24"] {
            rt(d, "rt-private")
                .routes
                .push(route(c, RouteTarget::VpnGateway("vgw-1".into())));
        }
        edits(
            d,
            &[r#"Put(CustomerGateway((name: "cgw-3", ip: "203.0.113.23", asn: 65003)))"#],
        );
        d.vpn_connections[1].customer_gateway = "cgw-3".into();
        d.onprem_networks[1].customer_gateway = Some("cgw-3".into());
        d.customer_gateways.retain(|c| c.name != "cgw-2");
    });
}

/// With two BGP sites sharing an ASN, the VGW's re-advertised routes are dropped
/// by loop prevention: branch-to-branch traffic fails even with propagation on
/// (Site-to-Site VPN guide, "VPN CloudHub": each site needs a unique ASN).
#[test]
fn gamed_vpn_cloudhub_propagation_only_fails_between_branches() {
    let failing = gamed("vpn-cloudhub", |d| {
        rt(d, "rt-private").propagating_vgws = vec!["vgw-1".into()];
    });
    assert!(failing.iter().any(|i| i.contains("tcp/445")), "{failing:?}");
}

/// Allowing every port out to the app subnet also carries the replies.
#[test]
fn flow_log_reject_all_tcp_out_to_the_app_subnet() {
    check("flow-log-reject", |d| {
        let acl = d.network_acls.iter_mut().find(|a| a.name == "db-acl").unwrap();
        acl.outbound[0].ports = "0-65535".parse().unwrap();
    });
}

/// An allow-all network ACL for the database tier carries the reply but is
/// no second layer any more.
#[test]
fn gamed_flow_log_reject_allow_all_nacl_fails() {
    let failing = gamed("flow-log-reject", |d| {
        let acl = d.network_acls.iter_mut().find(|a| a.name == "db-acl").unwrap();
        acl.outbound
            .push(nacl_rule(200, RuleAction::Allow, Protocol::All, "all", "0.0.0.0/0"));
    });
    assert!(failing.iter().any(|i| i.contains("NACL")), "{failing:?}");
}

/// Transit VPC: the new spoke's VPN connection with static routes instead of
/// BGP, and static routes to its VGW instead of propagation (Site-to-Site VPN
/// guide, "Static and dynamic routing"; VPC User Guide, route propagation).
#[test]
fn transit_vpc_spoke_static_routes_instead_of_bgp() {
    check("transit-vpc-spoke", |d| {
        edits(
            d,
            &[
                r#"Put(VpnConnection((name: "vpn-spoke-b", customer_gateway: "cgw-vpn-hub-1", termination: VpnGateway("vgw-spoke-b"), routing: Static(["10.0.0.0/16", "10.1.0.0/16", "172.16.0.0/16"]))))"#,
            ],
        );
        let vgw = || RouteTarget::VpnGateway("vgw-spoke-b".into());
        rt(d, "rt-spoke-b").routes = vec![
            route("10.0.0.0/16", vgw()),
            route("10.1.0.0/16", vgw()),
            route("172.16.0.0/16", vgw()),
        ];
        instance(d, "vpn-hub-1").source_dest_check = false;
    });
}

/// Half the lesson: the spoke connected, but the appliance's source/destination
/// check still on. Spoke to spoke passes (tunnel to tunnel never enters the
/// VPC); the shared resolver in the transit VPC does not.
#[test]
fn transit_vpc_spoke_with_the_check_on_misses_the_resolver() {
    let failing = gamed("transit-vpc-spoke", |d| {
        edits(
            d,
            &[
                r#"Put(VpnConnection((name: "vpn-spoke-b", customer_gateway: "cgw-vpn-hub-1", termination: VpnGateway("vgw-spoke-b"), routing: Bgp)))"#,
            ],
        );
        rt(d, "rt-spoke-b").propagating_vgws = vec!["vgw-spoke-b".into()];
    });
    assert_eq!(failing.len(), 2, "{failing:?}");
    assert!(failing.iter().all(|i| i.contains("dns-1")), "{failing:?}");
}

/// A peering between the spokes (and the check turned off) reaches app-a1
/// around the appliance, which is not joining the transit VPC.
#[test]
fn gamed_transit_vpc_spoke_peering_around_the_hub_fails() {
    let failing = gamed("transit-vpc-spoke", |d| {
        edits(
            d,
            &[r#"Put(Peering((name: "pcx-ab", requester: "spoke-a", accepter: "spoke-b")))"#],
        );
        rt(d, "rt-spoke-a")
            .routes
            .push(route("10.2.0.0/16", RouteTarget::Peering("pcx-ab".into())));
        rt(d, "rt-spoke-b")
            .routes
            .push(route("10.1.0.0/16", RouteTarget::Peering("pcx-ab".into())));
        instance(d, "vpn-hub-1").source_dest_check = false;
    });
    assert!(
        failing
            .iter()
            .any(|i| i.starts_with("app-b1 → app-a1") && i.contains("via vpn-hub-1")),
        "{failing:?}"
    );
    assert!(
        failing.iter().any(|i| i.starts_with("onprem:datacenter → app-b1")),
        "{failing:?}"
    );
}

// ---------------------------------------------------------------------------
// Regional NAT gateway (VPC User Guide, "Regional NAT gateways"): one NAT
// gateway for the VPC, translating in each AZ with workloads.
// ---------------------------------------------------------------------------

/// One route table per AZ, each to the regional NAT gateway: also one gateway
/// that survives an AZ's loss.
#[test]
fn regional_nat_route_table_per_az() {
    check("regional-nat", |d| {
        edits(
            d,
            &[
                r#"Put(NatGateway((name: "nat-vpc", availability_mode: Regional, vpc: "shop")))"#,
                r#"Put(RouteTable((name: "rt-priv-a", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-vpc"))])))"#,
                r#"Put(RouteTable((name: "rt-priv-b", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-vpc"))])))"#,
                r#"Put(RouteTable((name: "rt-priv-c", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-vpc"))])))"#,
            ],
        );
        for az in ["a", "b", "c"] {
            subnet(d, &format!("priv-{az}")).route_table = Some(format!("rt-priv-{az}"));
        }
        edits(d, &[r#"Delete((kind: NatGateway, name: "nat-a"))"#]);
    });
}

/// The zonal answer (a NAT gateway per AZ) survives an AZ's loss but is three
/// gateways to run: the single-gateway objective catches it.
#[test]
fn gamed_regional_nat_one_zonal_gateway_per_az_fails() {
    let failing = gamed("regional-nat", |d| {
        edits(
            d,
            &[
                r#"Put(RouteTable((name: "rt-public", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: InternetGateway("igw-1"))])))"#,
                r#"Put(Subnet((name: "pub-b", vpc: "shop", az: "us-east-1b", cidr: "10.0.1.0/24", route_table: "rt-public", tier: "web")))"#,
                r#"Put(Subnet((name: "pub-c", vpc: "shop", az: "us-east-1c", cidr: "10.0.2.0/24", route_table: "rt-public", tier: "web")))"#,
                r#"Put(ElasticIp((name: "eip-nat-b", address: "3.210.40.2")))"#,
                r#"Put(ElasticIp((name: "eip-nat-c", address: "3.210.40.3")))"#,
                r#"Put(NatGateway((name: "nat-b", subnet: "pub-b", elastic_ip: "eip-nat-b")))"#,
                r#"Put(NatGateway((name: "nat-c", subnet: "pub-c", elastic_ip: "eip-nat-c")))"#,
                r#"Put(RouteTable((name: "rt-priv-b", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-b"))])))"#,
                r#"Put(RouteTable((name: "rt-priv-c", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-c"))])))"#,
            ],
        );
        subnet(d, "priv-b").route_table = Some("rt-priv-b".into());
        subnet(d, "priv-c").route_table = Some("rt-priv-c".into());
    });
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert!(failing[0].starts_with("at most 1 "), "{failing:?}");
}

/// Making the app subnets public (a route to the IGW and public addresses)
/// gives every AZ its own way out, and exposes the servers.
#[test]
fn gamed_regional_nat_public_app_servers_fail() {
    let failing = gamed("regional-nat", |d| {
        rt(d, "rt-private").routes = vec![route("0.0.0.0/0", RouteTarget::InternetGateway("igw-1".into()))];
        for i in ["app-a", "app-b", "app-c"] {
            instance(d, i).public_ip = Some(true);
        }
    });
    assert!(failing.iter().any(|i| i.contains("public")), "{failing:?}");
}

// ---------------------------------------------------------------------------
// Security-group references across a transit gateway (Transit Gateways guide,
// VPC attachments: security group referencing).
// ---------------------------------------------------------------------------

/// Both attachments' option set explicitly, and a second port for the same
/// group: still only sg-app reaches 5432.
#[test]
fn tgw_sg_reference_with_explicit_attachment_options() {
    check("tgw-sg-reference", |d| {
        let tgw = d.transit_gateways.iter_mut().find(|t| t.name == "tgw-1").unwrap();
        tgw.sg_referencing = true;
        for a in &mut tgw.attachments {
            a.sg_referencing = true;
        }
        sg(d, "sg-db").inbound = vec![
            sg_rule(Protocol::Tcp, "5432", "sg:sg-app"),
            sg_rule(Protocol::Tcp, "6432", "sg:sg-app"),
        ];
    });
}

/// Listing the app servers' addresses admits exactly today's servers and
/// keeps batch-1 out, but not the servers launched tomorrow: the objective
/// that the source is the group catches it.
#[test]
fn gamed_tgw_sg_reference_with_host_addresses_fails() {
    let failing = gamed("tgw-sg-reference", |d| {
        sg(d, "sg-db").inbound = vec![
            sg_rule(Protocol::Tcp, "5432", "10.1.1.10/32"),
            sg_rule(Protocol::Tcp, "5432", "10.1.2.10/32"),
        ];
    });
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert!(failing[0].contains("sg-app"), "{failing:?}");
}

/// The reference written without turning the option on. The designer refuses
/// to create such a rule (InvalidGroup.NotFound); in a saved design it reads as
/// a stale rule (as after the option is turned off: DescribeStaleSecurityGroups),
/// which matches nobody, so the app servers no longer reach db-1.
#[test]
fn gamed_tgw_sg_reference_without_the_option_fails() {
    let failing = gamed("tgw-sg-reference", |d| {
        sg(d, "sg-db").inbound = vec![sg_rule(Protocol::Tcp, "5432", "sg:sg-app")];
    });
    assert!(failing.iter().any(|i| i.starts_with("app-1 → db-1")), "{failing:?}");
    assert!(failing.iter().any(|i| i.contains("sg-reference-stale")), "{failing:?}");
}
