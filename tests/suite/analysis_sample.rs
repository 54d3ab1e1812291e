//! Traces on the bundled three-tier sample (assets/samples/three-tier.ron).

use crate::analysis_support;

use analysis_support::{assert_blocked_on, assert_reachable, ids, trace};
use vpcd::analysis::{self, Code, HopKind, Leg};
use vpcd::create::templates::sample::three_tier;
use vpcd::model::{DesignIndex, Protocol, TraceQuery};

/// VPC User Guide, internet gateways: an instance with a public IP in a subnet
/// routed to the IGW is reachable from the internet, and its reply leaves the same way.
#[test]
fn igw_public_web_server_reachable_both_ways() {
    let d = three_tier();
    let t = trace(&d, "internet", "web-1", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(
        ids(&t.forward),
        ["internet", "igw-shop", "acl-public", "sg-web", "web-1"]
    );
    assert_eq!(
        ids(&t.return_path),
        ["web-1", "sg-web", "acl-public", "rt-public", "igw-shop", "internet"]
    );
    assert_eq!(t.forward[1].kind, HopKind::InternetGateway);
    assert_ne!(
        t.forward[1].packet_in.dst, t.forward[1].packet_out.dst,
        "IGW translates 1:1"
    );
}

/// VPC User Guide, NAT gateways: a private instance reaches the internet through a
/// NAT gateway whose subnet routes to the IGW; the reply is translated back.
#[test]
fn nat_gateway_private_app_reaches_internet() {
    let d = three_tier();
    let t = trace(&d, "app-1", "internet", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(
        ids(&t.forward),
        [
            "app-1",
            "sg-app",
            "acl-app",
            "rt-app-a",
            "acl-public",
            "nat-a",
            "acl-public",
            "rt-public",
            "igw-shop",
            "internet"
        ]
    );
    assert!(
        t.forward[3].detail.contains("0.0.0.0/0 → nat-a"),
        "{}",
        t.forward[3].detail
    );
    assert!(ids(&t.return_path).contains(&"nat-a"));
}

/// A private instance has no public address: the internet cannot reach it, and the
/// internet gateway is where the packet stops (it only translates public addresses:
/// RA IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS).
#[test]
fn nat_private_app_not_reachable_from_internet() {
    let d = three_tier();
    let t = trace(&d, "internet", "app-1", "tcp", Some(8080));
    assert_blocked_on(&t, Code::NoPublicIpIngress, Leg::Forward, "igw-shop");
}

/// The database tier has only the local route and a NACL that allows nothing out to the internet.
#[test]
fn database_has_no_way_out() {
    let d = three_tier();
    let t = trace(&d, "db-1", "internet", "tcp", Some(443));
    assert!(!t.reachable);
    assert_eq!(t.blocked.unwrap().code, Code::NaclImplicitDeny);
}

/// SG referencing SG (VPC User Guide, security group rules): sg-db admits sg-app members.
#[test]
fn sg_reference_admits_members() {
    let d = three_tier();
    let t = trace(&d, "app-1", "db-1", "tcp", Some(5432));
    assert_reachable(&t);
    let sg = t.forward.iter().find(|h| h.id == "sg-db").unwrap();
    assert_eq!(sg.detail, "sg-db inbound from sg-app tcp 5432");
    let t = trace(&d, "web-1", "db-1", "tcp", Some(5432));
    assert!(!t.reachable);
}

#[test]
fn unknown_name_is_a_query_error_with_suggestions() {
    let d = three_tier();
    let idx = DesignIndex::new(&d);
    let q = TraceQuery {
        from: "web1".into(),
        to: "db-1".into(),
        proto: Protocol::Tcp,
        port: Some(5432),
        sport: None,
    };
    let e = analysis::trace(&d, &idx, &q).unwrap_err();
    assert!(e.to_string().contains("web-1"), "{e}");
}

#[test]
fn json_has_contract_keys() {
    let d = three_tier();
    let t = trace(&d, "db-1", "internet", "tcp", Some(443));
    let v = serde_json::to_value(&t).unwrap();
    assert_eq!(v["reachable"], false);
    assert!(v["forward"][0]["kind"].is_string());
    assert!(v["forward"][0]["id"].is_string());
    assert!(v["forward"][0]["detail"].is_string());
    assert!(v["return"].is_array());
    assert_eq!(v["blocked"]["code"], "NACL_IMPLICIT_DENY");
    assert_eq!(v["blocked"]["direction"], "outbound");
    assert!(v["blocked"]["component"].is_string());
    assert!(v["blocked"]["hint"].is_string());
}
