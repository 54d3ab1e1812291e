//! Gateway endpoints for S3 carry IPv6 when dual-stack: CreateVpcEndpoint's
//! `IpAddressType` is `ipv4` (the default) or `dualstack`, and a dual-stack
//! endpoint's route also covers S3's IPv6 ranges (PrivateLink Guide, "Gateway
//! endpoints", IP address type). DynamoDB's gateway endpoints "support only
//! IPv4 traffic" (PrivateLink Guide, "Gateway endpoints for Amazon DynamoDB").

use crate::analysis_support::*;
use vpcd::analysis::{Code, HopKind};
use vpcd::model::*;

/// A representative address in S3's IPv6 ranges (2600:1ff0:8000::/39).
const S3_V6: &str = "2600:1ff0:8000::10";

/// A dual-stack VPC whose private subnet has no route to the internet at all,
/// only the S3 gateway endpoint on its route table.
fn private_dual_stack(ip_address_type: EndpointIpAddressType) -> Design {
    let mut d = B::new()
        .vpc("v", "10.0.0.0/16")
        .vpc6("v", "2600:1f18:1234:5600::/56")
        .rt("rt", "v", &[])
        .nacl(
            "acl",
            "v",
            &["100 allow all 0.0.0.0/0", "101 allow all ::/0"],
            &["100 allow all 0.0.0.0/0", "101 allow all ::/0"],
        )
        .subnet("priv", "v", AZ_A, "10.0.1.0/24", "rt", Some("acl"))
        .subnet6("priv", "2600:1f18:1234:5601::/64")
        .sg("sg", "v", &[], &["all 0.0.0.0/0", "all ::/0"])
        .inst("app", "priv", "10.0.1.10", &["sg"])
        .with_ipv6("2600:1f18:1234:5601::10")
        .gateway_endpoint("vpce-s3", "v", "s3", &["rt"])
        .build();
    set_ip_address_type(&mut d, "vpce-s3", ip_address_type);
    d
}

fn set_ip_address_type(d: &mut Design, endpoint: &str, t: EndpointIpAddressType) {
    let ep = d.endpoints.iter_mut().find(|e| e.name == endpoint).unwrap();
    if let EndpointKind::Gateway { ip_address_type, .. } = &mut ep.kind {
        *ip_address_type = t;
    }
}

fn ip_address_type(d: &Design, endpoint: &str) -> EndpointIpAddressType {
    match &d.endpoints.iter().find(|e| e.name == endpoint).expect("endpoint").kind {
        EndpointKind::Gateway { ip_address_type, .. } => *ip_address_type,
        k => panic!("not a gateway endpoint: {k:?}"),
    }
}

#[test]
fn a_dual_stack_s3_gateway_endpoint_carries_ipv6_to_s3() {
    let d = private_dual_stack(EndpointIpAddressType::Dualstack);
    let t = trace(&d, "app", S3_V6, "tcp", Some(443));
    assert_reachable(&t);
    assert!(
        t.forward
            .iter()
            .any(|h| h.kind == HopKind::GatewayEndpoint && h.id == "vpce-s3"),
        "{}",
        t.to_text()
    );
}

#[test]
fn an_ipv4_only_s3_gateway_endpoint_does_not_route_ipv6() {
    let d = private_dual_stack(EndpointIpAddressType::Ipv4);
    let t = trace(&d, "app", S3_V6, "tcp", Some(443));
    assert_blocked(&t, Code::NoRoute, "rt");
}

#[test]
fn ipv4_to_s3_goes_through_the_endpoint_in_both_modes() {
    for mode in [EndpointIpAddressType::Ipv4, EndpointIpAddressType::Dualstack] {
        let d = private_dual_stack(mode);
        let t = trace(&d, "app", "s3", "tcp", Some(443));
        assert_reachable(&t);
        assert!(
            t.forward.iter().any(|h| h.kind == HopKind::GatewayEndpoint),
            "{mode:?}: {}",
            t.to_text()
        );
    }
}

#[test]
fn a_dual_stack_dynamodb_gateway_endpoint_is_refused_with_invalid_parameter() {
    let mut d = private_dual_stack(EndpointIpAddressType::Ipv4);
    let rt = vec!["rt".to_string()];
    let mut b = vpcd::create::templates::build::Builder::on(d);
    b.gateway_endpoint("vpce-ddb", "v", "dynamodb", &rt);
    d = b.finish();
    assert!(!vpcd::validate::validate(&d)
        .iter()
        .any(|f| f.code == "endpoint-ip-address-type"));
    set_ip_address_type(&mut d, "vpce-ddb", EndpointIpAddressType::Dualstack);
    let f = vpcd::validate::validate(&d)
        .into_iter()
        .find(|f| f.code == "endpoint-ip-address-type")
        .expect("dual-stack DynamoDB gateway endpoint refused");
    assert_eq!(f.aws_code, Some("InvalidParameter"));
    // S3's may be dual-stack.
    let d = private_dual_stack(EndpointIpAddressType::Dualstack);
    assert!(!vpcd::validate::validate(&d)
        .iter()
        .any(|f| f.code == "endpoint-ip-address-type"));
}

#[test]
fn the_ip_address_type_survives_aws_json_both_ways() {
    let d = private_dual_stack(EndpointIpAddressType::Dualstack);
    let dir = tempfile::tempdir().unwrap();
    vpcd::interop::aws::export::write_dir(&d, dir.path()).unwrap();
    let json = std::fs::read_to_string(dir.path().join("VpcEndpoints.json")).unwrap();
    assert!(json.contains("\"IpAddressType\": \"dualstack\""), "{json}");
    let back = vpcd::interop::aws::import_paths(&[dir.path().to_path_buf()], &Default::default())
        .unwrap()
        .design;
    assert_eq!(ip_address_type(&back, "vpce-s3"), EndpointIpAddressType::Dualstack);
    assert_reachable(&trace(&back, "app", S3_V6, "tcp", Some(443)));
}

#[test]
fn the_ip_address_type_survives_terraform_both_ways() {
    let d = private_dual_stack(EndpointIpAddressType::Dualstack);
    let out = vpcd::interop::terraform::export(&d);
    let main = &out.files[0].1;
    assert!(main.contains("ip_address_type   = \"dualstack\""), "{main}");
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in &out.files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let back = vpcd::interop::terraform::import::import_dir(dir.path(), &Default::default())
        .unwrap()
        .design;
    assert_eq!(ip_address_type(&back, "vpce-s3"), EndpointIpAddressType::Dualstack);
    // The default is not written.
    let v4 = vpcd::interop::terraform::export(&private_dual_stack(EndpointIpAddressType::Ipv4));
    assert!(!v4.files[0].1.contains("ip_address_type"));
}

#[test]
fn cloudformation_writes_the_ip_address_type_only_when_dual_stack() {
    let t = vpcd::interop::cloudformation::export(&private_dual_stack(EndpointIpAddressType::Dualstack)).template;
    assert!(t.contains("IpAddressType: \"dualstack\""), "{t}");
    let t = vpcd::interop::cloudformation::export(&private_dual_stack(EndpointIpAddressType::Ipv4)).template;
    assert!(!t.contains("IpAddressType"), "{t}");
}
