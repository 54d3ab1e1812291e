//! Accounts and VPC sharing: the owner shares subnets with participants of its
//! organisation (AWS RAM); participants launch into shared subnets with their
//! own security groups and cannot change the owner's network (VPC User Guide,
//! "Share your VPC subnets with other accounts", "Responsibilities and
//! permissions for owners and participants").

use vpcd::edit::Edit;
use vpcd::model::intent::Intent;
use vpcd::model::*;
use vpcd::validate::{validate, Severity};
use vpcd::workspace::Workspace;

const SHARED: &str = r#"(
  format: 1,
  name: "shared",
  region: "us-east-1",
  azs: ["us-east-1a", "us-east-1b"],
  accounts: (
    home: "network",
    accounts: [
      (name: "network", id: "111111111111", organization: "o-corp"),
      (name: "app-team", id: "222222222222", organization: "o-corp"),
      (name: "data-team", id: "333333333333", organization: "o-corp"),
      (name: "partner", id: "444444444444", organization: "o-partner"),
    ],
    shares: [
      (name: "share-app", subnets: ["app-a"], participants: ["app-team"]),
      (name: "share-data", subnets: ["data-a"], participants: ["data-team"]),
    ],
  ),
  vpcs: [
    (name: "net", cidr: "10.0.0.0/16", main_route_table: "net-main", default_network_acl: "net-acl", default_security_group: "net-sg"),
  ],
  subnets: [
    (name: "app-a", vpc: "net", az: "us-east-1a", cidr: "10.0.1.0/24", tier: "app"),
    (name: "data-a", vpc: "net", az: "us-east-1a", cidr: "10.0.2.0/24", tier: "data"),
    (name: "ops-a", vpc: "net", az: "us-east-1a", cidr: "10.0.3.0/24", tier: "ops"),
  ],
  route_tables: [(name: "net-main", vpc: "net")],
  security_groups: [
    (name: "net-sg", vpc: "net", inbound: [(proto: All, peer: Group("net-sg"))], outbound: [(proto: All, peer: Cidr("0.0.0.0/0"))]),
    (name: "sg-app", vpc: "net", owner: "app-team", inbound: [], outbound: [(proto: All, peer: Cidr("0.0.0.0/0"))]),
    (name: "sg-data", vpc: "net", owner: "data-team", inbound: [(proto: Tcp, ports: "5432", peer: Group("sg-app"))], outbound: [(proto: All, peer: Cidr("0.0.0.0/0"))]),
  ],
  network_acls: [
    (name: "net-acl", vpc: "net", inbound: [(number: 100, action: Allow, proto: All, cidr: "0.0.0.0/0")], outbound: [(number: 100, action: Allow, proto: All, cidr: "0.0.0.0/0")]),
  ],
  instances: [
    (name: "app-1", subnet: "app-a", security_groups: ["sg-app"], owner: "app-team"),
    (name: "db-1", subnet: "data-a", security_groups: ["sg-data"], owner: "data-team"),
  ],
)"#;

fn shared() -> Design {
    vpcd::io::parse(SHARED, "shared.ron").unwrap()
}

fn codes(d: &Design) -> Vec<(&'static str, Option<&'static str>)> {
    validate(d)
        .into_iter()
        .filter(|x| x.severity == Severity::Error)
        .map(|x| (x.code, x.aws_code))
        .collect()
}

#[test]
fn participants_launching_into_shared_subnets_with_their_own_groups_is_valid() {
    let d = shared();
    assert_eq!(codes(&d), vec![]);
    assert_eq!(d.instance_owner("app-1"), Some("app-team"));
    assert_eq!(d.subnet_owner("app-a"), Some("network"));
    // The VPC's default group belongs to the VPC owner.
    assert_eq!(d.security_group_owner("net-sg"), Some("network"));
}

#[test]
fn security_group_references_between_participants_of_one_vpc_admit_each_other() {
    // sg-data (data-team) admits 5432 from sg-app (app-team): membership is by
    // interface, whoever owns the group.
    let d = shared();
    let evals = vpcd::practice::evaluate(
        &d,
        &[
            Intent::Reach {
                from: "app-1".into(),
                to: "db-1".into(),
                proto: Protocol::Tcp,
                port: Some(5432),
                down: vec![],
            },
            Intent::NoReach {
                from: "db-1".into(),
                to: "app-1".into(),
                proto: Protocol::Tcp,
                port: Some(22),
                down: vec![],
            },
        ],
    );
    assert!(evals.iter().all(|e| e.holds()), "{evals:?}");
}

#[test]
fn launching_into_a_subnet_not_shared_with_the_participant_is_invalid_subnet_id_not_found() {
    let mut d = shared();
    d.instances[0].subnet = "ops-a".into();
    assert!(codes(&d).contains(&("launch-subnet-not-shared", Some("InvalidSubnetID.NotFound"))));
}

#[test]
fn a_participant_cannot_launch_with_the_owners_default_security_group() {
    let mut d = shared();
    d.instances[0].security_groups = vec!["net-sg".into()];
    assert!(codes(&d).contains(&("foreign-security-group", Some("InvalidGroup.NotFound"))));
}

#[test]
fn subnets_are_shared_only_within_the_owners_organisation() {
    let mut d = shared();
    d.accounts.shares[0].participants.push("partner".into());
    assert!(codes(&d).contains(&("share-outside-organization", Some("OperationNotPermittedException"))));
}

#[test]
fn a_participant_group_in_a_vpc_sharing_nothing_with_it_is_refused() {
    let mut d = shared();
    d.security_groups[1].owner = Some("partner".into());
    d.instances[0].owner = Some("partner".into());
    let c = codes(&d);
    assert!(
        c.contains(&("sg-vpc-not-shared", Some("InvalidVpcID.NotFound"))),
        "{c:?}"
    );
}

#[test]
fn owners_must_be_accounts_of_the_design() {
    let mut d = shared();
    d.instances[0].owner = Some("nobody".into());
    assert!(codes(&d).iter().any(|(c, _)| *c == "account-unknown"));
}

#[test]
fn a_participant_cannot_change_the_owners_route_tables_nacls_or_subnets() {
    let mut d = shared();
    d.accounts.acting_as = Some("app-team".into());
    let mut ws = Workspace::new(d.clone());
    let mut rt = d.route_tables[0].clone();
    rt.routes.push(Route::new(
        RouteDestination::Cidr("192.168.0.0/16".parse().unwrap()),
        RouteTarget::Instance("app-1".into()),
    ));
    let err = ws.apply(Edit::Put(Object::RouteTable(rt))).unwrap_err();
    assert!(err.message.contains("UnauthorizedOperation"), "{}", err.message);
    assert_eq!(ws.design(), &d, "a refused edit changes nothing");
    let mut acl = d.network_acls[0].clone();
    acl.inbound.clear();
    assert!(ws.apply(Edit::Put(Object::NetworkAcl(acl))).is_err());
    let mut subnet = d.subnets[0].clone();
    subnet.map_public_ip = true;
    assert!(ws.apply(Edit::Put(Object::Subnet(subnet))).is_err());
    assert!(ws
        .apply(Edit::Delete(ObjectRef::new(ObjectKind::Subnet, "ops-a")))
        .is_err());
    // Nor another participant's instance.
    let mut db = d.instances[1].clone();
    db.security_groups.clear();
    assert!(ws.apply(Edit::Put(Object::Instance(db))).is_err());
    assert_eq!(ws.design(), &d);
}

#[test]
fn a_participant_changes_what_it_owns() {
    let mut d = shared();
    d.accounts.acting_as = Some("app-team".into());
    let mut ws = Workspace::new(d.clone());
    let mut app2 = d.instances[0].clone();
    app2.name = "app-2".into();
    app2.private_ip = None;
    ws.apply(Edit::Put(Object::Instance(app2))).unwrap();
    let mut sg = d.security_groups[1].clone();
    sg.inbound.push(vpcd::create::templates::build::sg_tcp(
        443,
        SgPeer::Group("sg-data".into()),
    ));
    ws.apply(Edit::Put(Object::SecurityGroup(sg))).unwrap();
    // Without an acting account the designer edits every account's objects.
    let mut ws = Workspace::new(shared());
    let mut rt = d.route_tables[0].clone();
    rt.description = Some("edited by the designer".into());
    ws.apply(Edit::Put(Object::RouteTable(rt))).unwrap();
}

#[test]
fn accounts_round_trip_and_single_account_files_load_unchanged() {
    let d = shared();
    let text = vpcd::io::to_ron_string(&d).unwrap();
    assert!(text.contains("share-app"));
    assert_eq!(vpcd::io::parse(&text, "again.ron").unwrap(), d);
    let single = vpcd::create::templates::find("single-public-subnet").unwrap().design();
    let text = vpcd::io::to_ron_string(&single).unwrap();
    assert!(
        !text.contains("accounts"),
        "a single-account design writes no accounts section"
    );
    assert!(!text.contains("owner"));
}
