//! Verdicts on the real networks of `../shared/aws-snapshots`, imported with
//! `vpcd import aws`: each test traces the flow the network was built to
//! show (from its JSON and, where present, the Terraform beside it) and checks
//! the verdict and the blocking hop against the AWS documentation.

use crate::aws_support;

use aws_support::*;
use vpcd::model::Protocol;

const TCP: Protocol = Protocol::Tcp;

/// test-nat-gateway (nat-gateway-test.tf): `test1` sits in "Subnet 1", whose
/// table sends 0.0.0.0/0 to the NAT gateway in the public subnet. A NAT
/// gateway translates outbound connections and lets their replies back
/// (VPC User Guide, "NAT gateways": "instances in private subnets can connect
/// to services outside your VPC but external services can't initiate a
/// connection with those instances").
#[test]
fn nat_gateway_round_trip_from_a_private_subnet() {
    let i = import("test-nat-gateway", None);
    let t = trace(&i, "test1", "internet", TCP, Some(443));
    assert_reachable(&t, true);
    assert!(t.forward.iter().any(|h| h.id.starts_with("nat-")), "{}", t.to_text());
    // Nothing on the internet can open a connection to it.
    assert_reachable(&trace(&i, "internet", "test1", TCP, Some(22)), false);
}

/// test-nat-gateway: "Subnet 20" keeps the main route table, which holds only
/// the local route, so its instance has no way out (VPC User Guide, "Route
/// tables": traffic that matches no route is dropped).
#[test]
fn a_subnet_on_the_main_table_has_no_route_out() {
    let i = import("test-nat-gateway", None);
    let t = trace(&i, "test20", "internet", TCP, Some(443));
    assert_blocked_at(&t, "rtb-", "NO_ROUTE");
}

/// test-nat-gateway: the jump host lives in the NAT gateway's own subnet,
/// whose table sends 0.0.0.0/0 to the internet gateway: its traffic leaves
/// through the IGW, not the NAT. A connection opened *to* the NAT gateway
/// is not accepted: a NAT gateway only answers the sessions it translated
/// ("NAT gateways": it does not accept inbound connections).
#[test]
fn traffic_to_a_nat_gateway_from_its_own_subnet() {
    let i = import("test-nat-gateway", None);
    let host = "i-0b31b509174d7f5de";
    let out = trace(&i, host, "internet", TCP, Some(443));
    assert_reachable(&out, true);
    assert!(
        out.forward.iter().any(|h| h.id.starts_with("igw-")),
        "{}",
        out.to_text()
    );
    assert!(
        !out.forward.iter().any(|h| h.id.starts_with("nat-")),
        "{}",
        out.to_text()
    );
    let to_nat = trace(&i, host, "nat-07ab4846da51f4612", TCP, Some(443));
    assert_blocked_at(&to_nat, "nat-07ab4846da51f4612", "UNSOLICITED_INBOUND");
}

/// test-vpc-endpoint-gateway: the private subnet `testing-noigw` has no
/// default route, but the S3 gateway endpoint adds `pl-… (s3) → vpce-…` to its
/// table, so S3 is reachable while the internet is not (VPC User Guide,
/// "Gateway endpoints": the endpoint's prefix-list route is more specific
/// than any default route and is used for S3 traffic).
#[test]
fn s3_gateway_endpoint_prefix_list_route() {
    let i = import("test-vpc-endpoint-gateway", None);
    let s3 = trace(&i, "private-web01", "s3", TCP, Some(443));
    assert_reachable(&s3, true);
    assert!(s3.forward.iter().any(|h| h.id.starts_with("vpce-")), "{}", s3.to_text());
    assert_blocked_at(
        &trace(&i, "private-web01", "internet", TCP, Some(443)),
        "testing-noigw",
        "NO_ROUTE",
    );
    // The public subnet has 0.0.0.0/0 → IGW *and* the endpoint route: the
    // prefix-list route wins for S3's addresses.
    let public = trace(&i, "public-web01", "s3", TCP, Some(443));
    assert_reachable(&public, true);
    assert!(
        public.forward.iter().any(|h| h.id.starts_with("vpce-")),
        "{}",
        public.to_text()
    );
}

/// test-vpc-peering: VPC A (10.10.0.0/16) peers with B and C, which both use
/// 192.168.0.0/16. A routes each /24 to its own peering; B's default route
/// points at a deleted internet gateway, a blackhole. Peering is not
/// transitive (VPC Peering Guide, "Unsupported VPC peering configurations").
#[test]
fn peering_with_overlapping_peers_and_a_blackhole_default_route() {
    let i = import("test-vpc-peering", None);
    let (a, b, c) = ("i-06ba034d88c84ef07", "i-0b14080af811fda3d", "i-04a292ff83b3aa833");
    let ab = trace(&i, a, b, TCP, Some(22));
    assert_reachable(&ab, true);
    assert!(ab.forward.iter().any(|h| h.id == "A-B"), "{}", ab.to_text());
    let ac = trace(&i, a, c, TCP, Some(22));
    assert_reachable(&ac, true);
    assert!(ac.forward.iter().any(|h| h.id == "A-C"), "{}", ac.to_text());
    // B → C: 192.168.2.229 is inside B's own block, so the local route wins
    // and no subnet of B holds it.
    assert_blocked_at(&trace(&i, b, c, TCP, Some(22)), "vpc-00a31ce9d0c06675c", "NO_HOST");
    // B → internet: route state blackhole (VPC User Guide, "Route tables": a
    // route whose target was deleted stays as `blackhole` and drops traffic).
    assert_blocked_at(
        &trace(&i, b, "internet", TCP, Some(443)),
        "rtb-017c36290c9baf017",
        "BLACKHOLE_ROUTE",
    );
}

/// test-transit-gateway: VPC 10.10.0.0/16 is attached to the transit gateway
/// with a subnet in one AZ only. A subnet in an AZ without an attachment
/// subnet cannot use the transit gateway (Transit Gateway Guide, "Transit
/// gateway attachments to a VPC": "resources in Availability Zones where
/// there is no transit gateway attachment cannot reach the transit gateway").
#[test]
fn transit_gateway_attachment_is_per_availability_zone() {
    let i = import("test-transit-gateway", None);
    let remote = "i-0b14080af811fda3d";
    assert_reachable(&trace(&i, "i-06ba034d88c84ef07", remote, TCP, Some(22)), true);
    let t = trace(&i, "i-075e846ed41670385", remote, TCP, Some(22));
    assert_blocked_at(&t, "tgw-vpcA", "TGW_NO_ATTACHMENT_IN_AZ");
}

/// test-load-balancer (load-balancer-test.tf): an internal network load
/// balancer listens on TCP 80 and forwards to its targets' port 22
/// (ELB Guide, "Target groups for your Network Load Balancers": the target
/// port may differ from the listener port). Internal: no public address.
#[test]
fn network_load_balancer_forwards_to_a_different_target_port() {
    let i = import("test-load-balancer", None);
    let lb = &i.design.load_balancers[0];
    assert_eq!(lb.listeners.len(), 1);
    assert_eq!((lb.listeners[0].port, lb.listeners[0].target_port), (80, 22));
    let t = trace(&i, "i-0c8ce8bbdd98cc4e8", "test-lb", TCP, Some(80));
    assert_reachable(&t, true);
    assert!(
        t.forward.iter().any(|h| h.packet_out.to_string().contains(":22")),
        "{}",
        t.to_text()
    );
    assert_blocked_at(
        &trace(&i, "internet", "test-lb", TCP, Some(80)),
        "test-lb",
        "NO_PUBLIC_IP",
    );
}
