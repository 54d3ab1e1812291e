//! Every edit AWS itself would refuse (the EC2 API's documented error for the
//! action, or a rule of the VPC User Guide) is rejected by
//! `Workspace::apply` with a message that says why and what would be valid,
//! and the design stays byte-for-byte unchanged. Legal-but-unwise edits are
//! kept and reported as findings.

use crate::common;

use common::{get, ron};
use vpcd::create::templates::sample;
use vpcd::edit::Edit;
use vpcd::io::to_ron_string;
use vpcd::model::*;
use vpcd::workspace::Workspace;

fn ws() -> Workspace {
    Workspace::new(sample::three_tier())
}

/// The edits that create a VPC with its main route table, default NACL and default SG.
fn new_vpc(name: &str, cidr: &str) -> Vec<Edit> {
    Design::new_vpc_objects(name, cidr.parse().unwrap())
        .into_iter()
        .map(Edit::Put)
        .collect()
}

/// One batch: `n` new security groups, all put on web-1's interface.
fn web_1_with_extra_groups(w: &Workspace, n: usize) -> Edit {
    let mut web = get(&w.design().instances, |i| i.name == "web-1");
    let mut edits = Vec::new();
    for i in 0..n {
        let name = format!("sg-extra-{i}");
        edits.push(Edit::Put(Object::SecurityGroup(SecurityGroup::custom(
            name.clone(),
            "shop",
        ))));
        web.security_groups.push(name);
    }
    edits.push(Edit::Put(Object::Instance(web)));
    Edit::batch(format!("{n} more groups"), edits)
}

/// Applies `edit`, expects a rejection whose message contains every `needles`, and
/// checks that nothing changed.
fn rejected(w: &mut Workspace, edit: Edit, needles: &[&str]) -> String {
    let before = to_ron_string(w.design()).unwrap();
    let rev = w.revision();
    let diags = w.diagnostics().to_vec();
    let dirty = w.is_dirty();
    let err = match w.apply(edit) {
        Ok(a) => panic!("expected a rejection, got: {}", a.summary),
        Err(e) => e,
    };
    for n in needles {
        assert!(err.message.contains(n), "message lacks `{n}`: {}", err.message);
    }
    assert_eq!(
        to_ron_string(w.design()).unwrap(),
        before,
        "design changed: {}",
        err.message
    );
    assert_eq!(w.revision(), rev);
    assert_eq!(w.diagnostics(), diags.as_slice());
    assert_eq!(w.is_dirty(), dirty);
    err.message
}

fn subnet(name: &str, cidr: &str) -> Edit {
    Edit::Put(Object::Subnet(ron(&format!(
        r#"(name: "{name}", vpc: "shop", az: "us-east-1a", cidr: "{cidr}")"#
    ))))
}

#[test]
fn subnet_cidr_outside_the_vpc_is_refused_naming_the_valid_block() {
    rejected(
        &mut ws(),
        subnet("x", "10.1.0.0/24"),
        &["not inside", "10.0.0.0/16", "InvalidSubnet.Range"],
    );
}

#[test]
fn overlapping_subnets_are_refused() {
    rejected(
        &mut ws(),
        subnet("x", "10.0.1.128/25"),
        &["overlaps subnet pub-b", "InvalidSubnet.Conflict"],
    );
}

#[test]
fn a_slash_29_subnet_is_refused() {
    rejected(&mut ws(), subnet("x", "10.0.50.0/29"), &["/29", "/16 to /28"]);
}

#[test]
fn a_second_internet_gateway_is_refused() {
    let igw = Edit::Put(Object::InternetGateway(ron(r#"(name: "igw-2", vpc: "shop")"#)));
    rejected(
        &mut ws(),
        igw,
        &["already has internet gateway igw-shop", "at most one"],
    );
}

#[test]
fn a_duplicate_nacl_rule_number_is_refused() {
    let mut w = ws();
    let mut acl = get(&w.design().network_acls, |a| a.name == "acl-db");
    acl.inbound.push(ron(
        r#"(number: 100, action: Deny, proto: Tcp, ports: "22", cidr: "0.0.0.0/0")"#,
    ));
    rejected(
        &mut w,
        Edit::Put(Object::NetworkAcl(acl)),
        &["rule number 100", "NetworkAclEntryAlreadyExists"],
    );
}

#[test]
fn a_duplicate_route_destination_is_refused() {
    let mut w = ws();
    let mut rt = get(&w.design().route_tables, |t| t.name == "rt-app-a");
    rt.routes
        .push(ron(r#"(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-b"))"#));
    rejected(
        &mut w,
        Edit::Put(Object::RouteTable(rt)),
        &["already has a route to 0.0.0.0/0", "RouteAlreadyExists"],
    );
}

#[test]
fn a_route_to_a_missing_target_is_refused_but_deleting_a_nat_leaves_a_blackhole() {
    let mut w = ws();
    let mut rt = get(&w.design().route_tables, |t| t.name == "rt-db");
    rt.routes
        .push(ron(r#"(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-c"))"#));
    rejected(
        &mut w,
        Edit::Put(Object::RouteTable(rt)),
        &["nat-c", "does not exist", "InvalidNatGatewayID.NotFound"],
    );
    // AWS lets a NAT gateway be deleted; its routes stay as blackholes (DEL-8, RTE-10).
    let applied = w
        .apply(Edit::Delete(ObjectRef::new(ObjectKind::NatGateway, "nat-a")))
        .expect("deleting a NAT gateway is allowed");
    assert!(
        applied
            .new_findings
            .iter()
            .any(|f| f.code == "route-blackhole" && f.path.contains("rt-app-a")),
        "{:?}",
        applied.new_findings
    );
}

#[test]
fn a_route_to_a_detached_igw_is_refused_but_detaching_leaves_a_blackhole() {
    let mut w = ws();
    w.apply(Edit::Put(Object::InternetGateway(ron(r#"(name: "igw-spare")"#))))
        .unwrap();
    let mut rt = get(&w.design().route_tables, |t| t.name == "rt-db");
    rt.routes.push(ron(
        r#"(dest: Cidr("0.0.0.0/0"), target: InternetGateway("igw-spare"))"#,
    ));
    rejected(&mut w, Edit::Put(Object::RouteTable(rt)), &["not attached to shop"]);
}

#[test]
fn detaching_an_igw_while_public_ips_exist_is_refused() {
    let mut w = ws();
    let mut igw = get(&w.design().internet_gateways, |g| g.name == "igw-shop");
    igw.vpc = None;
    rejected(
        &mut w,
        Edit::Put(Object::InternetGateway(igw)),
        &["cannot detach igw-shop", "DependencyViolation"],
    );
}

#[test]
fn peering_between_overlapping_cidrs_is_refused() {
    let mut w = ws();
    w.apply(Edit::batch("add lab", new_vpc("lab", "10.0.0.0/16")))
        .expect("overlapping VPCs are legal");
    let pcx = Edit::Put(Object::Peering(ron(
        r#"(name: "pcx-1", requester: "shop", accepter: "lab")"#,
    )));
    rejected(&mut w, pcx, &["overlaps", "do not overlap"]);
}

#[test]
fn deleting_the_main_route_table_is_refused() {
    rejected(
        &mut ws(),
        Edit::Delete(ObjectRef::new(ObjectKind::RouteTable, "shop-main")),
        &["cannot delete", "DependencyViolation"],
    );
}

#[test]
fn hard_limits_are_refused() {
    let mut w = ws();
    let mut acl = get(&w.design().network_acls, |a| a.name == "acl-app");
    for i in 0..40u16 {
        acl.inbound.push(ron(&format!(
            r#"(number: {}, action: Deny, proto: Udp, cidr: "10.{i}.0.0/16")"#,
            1000 + i
        )));
    }
    rejected(
        &mut w,
        Edit::Put(Object::NetworkAcl(acl)),
        &["at most 40", "cannot be raised"],
    );
    let many = web_1_with_extra_groups(&w, 17);
    rejected(&mut w, many, &["security groups on one interface", "at most 16"]);
}

#[test]
fn adjustable_quotas_warn_but_do_not_block() {
    let mut w = ws();
    let six = web_1_with_extra_groups(&w, 5);
    let applied = w.apply(six).expect("an adjustable quota only warns");
    assert!(applied.new_findings.iter().any(|f| f.code == "quota-exceeded"));
}

#[test]
fn reserved_and_foreign_fixed_addresses_are_refused() {
    let mut w = ws();
    let mut db = get(&w.design().instances, |i| i.name == "db-1");
    db.private_ip = Some("10.0.20.3".parse().unwrap());
    rejected(
        &mut w,
        Edit::Put(Object::Instance(db.clone())),
        &["reserved", "10.0.20.4"],
    );
    db.private_ip = Some("10.0.30.9".parse().unwrap());
    rejected(
        &mut w,
        Edit::Put(Object::Instance(db)),
        &["does not fall within", "10.0.20.0/24"],
    );
}

#[test]
fn an_alb_in_one_az_is_refused_an_nlb_only_warned() {
    let mut w = ws();
    let alb = Edit::Put(Object::LoadBalancer(ron(r#"(name: "alb", subnets: ["pub-a"])"#)));
    rejected(&mut w, alb, &["only one AZ", "at least two AZs"]);
    let nlb = Edit::Put(Object::LoadBalancer(ron(
        r#"(name: "nlb", kind: Network, subnets: ["pub-a"])"#,
    )));
    let applied = w.apply(nlb).expect("an NLB may live in one AZ");
    assert!(applied.new_findings.iter().any(|f| f.code == "lb-single-az"));
}

#[test]
fn public_nat_in_a_vpc_without_igw_is_an_error_that_does_not_block_ordering() {
    let mut w = ws();
    let mut edits = new_vpc("lab", "10.1.0.0/16");
    edits.push(Edit::Put(Object::Subnet(ron(
        r#"(name: "lab-a", vpc: "lab", az: "us-east-1a", cidr: "10.1.0.0/24")"#,
    ))));
    edits.push(Edit::Put(Object::ElasticIp(ron(
        r#"(name: "eip-lab", address: "3.3.3.3")"#,
    ))));
    edits.push(Edit::Put(Object::NatGateway(ron(
        r#"(name: "nat-lab", subnet: "lab-a", elastic_ip: "eip-lab")"#,
    ))));
    let applied = w
        .apply(Edit::batch("lab with NAT", edits))
        .expect("NAT-3 does not block");
    assert!(applied.new_findings.iter().any(|f| f.code == "nat-no-igw"));
    // The user adds the IGW next and the error goes away.
    w.apply(Edit::Put(Object::InternetGateway(ron(
        r#"(name: "igw-lab", vpc: "lab")"#,
    ))))
    .unwrap();
    assert!(!w.diagnostics().iter().any(|f| f.code == "nat-no-igw"));
}

#[test]
fn a_public_nat_without_eip_and_a_second_eip_use_are_refused() {
    let mut w = ws();
    let mut nat = get(&w.design().nat_gateways, |n| n.name == "nat-a");
    nat.elastic_ip = None;
    rejected(&mut w, Edit::Put(Object::NatGateway(nat)), &["no Elastic IP"]);
    let mut bastion = get(&w.design().instances, |i| i.name == "bastion");
    bastion.elastic_ip = Some("eip-nat-b".into());
    rejected(
        &mut w,
        Edit::Put(Object::Instance(bastion)),
        &["eip-nat-b", "one resource at a time"],
    );
}

#[test]
fn a_secondary_cidr_from_another_rfc1918_block_is_refused() {
    let mut w = ws();
    let mut shop = get(&w.design().vpcs, |v| v.name == "shop");
    shop.secondary_cidrs.push("192.168.0.0/16".parse().unwrap());
    rejected(
        &mut w,
        Edit::Put(Object::Vpc(shop.clone())),
        &["restricted", "same private range"],
    );
    shop.secondary_cidrs = vec!["10.1.0.0/16".parse().unwrap()];
    w.apply(Edit::Put(Object::Vpc(shop)))
        .expect("another 10/8 block is fine");
}

/// SUB-3 (AWS: InvalidSubnet.Conflict): the refusal of a new subnet names the
/// existing subnet it overlaps, whichever of the two sorts first.
#[test]
fn an_overlapping_new_subnet_is_told_which_existing_subnet_it_hits() {
    // Wider than pub-a (10.0.0.0/24) and starting at the same address, so it
    // sorts before pub-a; and a narrower one inside pub-a, which sorts after.
    for (name, cidr) in [("wide", "10.0.0.0/23"), ("narrow", "10.0.0.128/25")] {
        let msg = rejected(&mut ws(), subnet(name, cidr), &["overlaps subnet pub-a"]);
        assert!(!msg.contains(&format!("overlaps subnet {name}")), "{msg}");
        assert!(msg.starts_with(&format!("subnet {name}")), "{msg}");
    }
}
