//! The exports checked by tools users trust (run by `.ci/run`, which creates a
//! Python virtual environment with cfn-lint, python-hcl2, moto and boto3 and
//! points `VPCD_PYTHON` at its interpreter): python-hcl2 parses every
//! Terraform file, cfn-lint finds zero errors in every CloudFormation
//! template, and every template deploys into moto with the design's subnets,
//! routes, security-group rules and network ACL entries — read back by
//! `vpcd import aws` from the describe-* JSON moto returns.
//!
//! The round trip stops short of comparing reachability: moto (5.x) records
//! no subnet association for a stack's `AWS::EC2::SubnetRouteTableAssociation`,
//! places an instance given `NetworkInterfaces` in its default VPC with an
//! address of its own, and drops an instance's `SecurityGroupIds`, so every
//! design's flows would differ for moto's reasons alone.

use std::path::{Path, PathBuf};

use ipnet::IpNet;
use serde_json::json;
use vpcd::interop::{cloudformation, terraform};
use vpcd::model::{Design, EndpointIpAddressType, EndpointKind, RouteDestination, RouteTarget};

fn designs() -> Vec<(String, Design)> {
    let mut out = vec![("three-tier".to_string(), vpcd::create::templates::sample::three_tier())];
    for t in vpcd::create::templates::TEMPLATES {
        out.push((t.name.to_string(), t.design()));
    }
    // A dual-stack S3 gateway endpoint (`IpAddressType`), which no template has.
    if let Some(t) = vpcd::create::templates::find("gateway-endpoints") {
        let mut d = t.design();
        for e in d.endpoints.iter_mut().filter(|e| e.service == "s3") {
            if let EndpointKind::Gateway { ip_address_type, .. } = &mut e.kind {
                *ip_address_type = EndpointIpAddressType::Dualstack;
            }
        }
        out.push(("gateway-endpoints-dualstack".to_string(), d));
    }
    out
}

/// What the deployed network must hold, by the design's names (the `Name` tags).
fn expectations(d: &Design, cfn: &cloudformation::CloudFormationExport) -> serde_json::Value {
    let vpcs: serde_json::Map<String, serde_json::Value> = d
        .vpcs
        .iter()
        .map(|v| (v.name.clone(), json!(v.cidr.to_string())))
        .collect();
    let subnets: serde_json::Map<String, serde_json::Value> = d
        .subnets
        .iter()
        .map(|s| (s.name.clone(), json!([s.cidr.to_string(), s.az])))
        .collect();
    let mut routes = Vec::new();
    for rt in &d.route_tables {
        for r in &rt.routes {
            // Gateway-endpoint routes are AWS's own; firewall endpoints are not emulated.
            if matches!(
                r.target,
                RouteTarget::Local | RouteTarget::GatewayEndpoint(_) | RouteTarget::FirewallEndpoint(..)
            ) {
                continue;
            }
            let dest = match &r.dest {
                RouteDestination::Cidr(IpNet::V4(c)) => c.to_string(),
                RouteDestination::Cidr(IpNet::V6(c)) => c.to_string(),
                RouteDestination::PrefixList(_) => continue,
            };
            routes.push(json!([rt.vpc, dest, target_type(d, &r.target)]));
        }
    }
    let defaults: Vec<&String> = d.vpcs.iter().map(|v| &v.default_security_group).collect();
    let security_groups: serde_json::Map<String, serde_json::Value> = d
        .security_groups
        .iter()
        .filter(|g| !defaults.contains(&&g.name))
        .map(|g| (g.name.clone(), json!([g.inbound.len(), g.outbound.len()])))
        .collect();
    let network_acls: serde_json::Map<String, serde_json::Value> = d
        .network_acls
        .iter()
        .filter(|a| cfn.template.contains(&format!("Value: \"{}\"", a.name)))
        .map(|a| (a.name.clone(), json!(a.inbound.len() + a.outbound.len())))
        .collect();
    // Logical id → type, from the two lines that open each resource.
    let mut resources = serde_json::Map::new();
    let lines: Vec<&str> = cfn.template.lines().skip_while(|l| *l != "Resources:").collect();
    for w in lines.windows(2) {
        if w[0].starts_with("  ") && !w[0].starts_with("   ") && w[1].trim_start().starts_with("Type: \"AWS::") {
            let id = w[0].trim().trim_end_matches(':').to_string();
            resources.insert(id, json!(w[1].trim().trim_start_matches("Type: ").trim_matches('"')));
        }
    }
    let resource_types: Vec<String> = resources
        .values()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect();
    json!({
        "region": d.region,
        "vpcs": vpcs,
        "subnets": subnets,
        "routes": routes,
        "security_groups": security_groups,
        "network_acls": network_acls,
        "parameters": cfn.parameters,
        "resource_types": resource_types,
        "resources": resources,
    })
}

/// The CloudFormation type a route's target is deployed as.
fn target_type(d: &Design, t: &RouteTarget) -> &'static str {
    match t {
        RouteTarget::InternetGateway(_) => "AWS::EC2::InternetGateway",
        RouteTarget::EgressOnlyGateway(_) => "AWS::EC2::EgressOnlyInternetGateway",
        RouteTarget::NatGateway(_) => "AWS::EC2::NatGateway",
        RouteTarget::Instance(_) => "AWS::EC2::Instance",
        RouteTarget::NetworkInterface(n) if d.instances.iter().any(|i| i.name == *n) => "AWS::EC2::Instance",
        RouteTarget::NetworkInterface(_) => "AWS::EC2::NetworkInterface",
        RouteTarget::Peering(_) => "AWS::EC2::VPCPeeringConnection",
        RouteTarget::TransitGateway(_) => "AWS::EC2::TransitGateway",
        _ => "AWS::EC2::VPNGateway",
    }
}

fn write_exports(root: &Path) {
    for (name, d) in designs() {
        let dir = root.join(&name);
        let tf = dir.join("terraform");
        std::fs::create_dir_all(&tf).unwrap();
        for (f, text) in terraform::export(&d).files {
            std::fs::write(tf.join(f), text).unwrap();
        }
        let cfn = cloudformation::export(&d);
        std::fs::write(dir.join("stack.yaml"), &cfn.template).unwrap();
        std::fs::write(dir.join("expect.json"), expectations(&d, &cfn).to_string()).unwrap();
    }
}

fn python() -> Option<PathBuf> {
    let p = std::env::var_os("VPCD_PYTHON").map(PathBuf::from);
    match p {
        Some(p) if p.is_file() => Some(p),
        _ => {
            let msg = "the external IaC checks need a Python with cfn-lint, python-hcl2, moto[cloudformation,ec2] and boto3: \
                       run .ci/run (it creates .ci/.venv and sets VPCD_PYTHON), or set VPCD_PYTHON to such an interpreter";
            if std::env::var_os("VPCD_REQUIRE_PYTHON").is_some() {
                panic!("{msg}");
            }
            eprintln!("skipped: {msg}");
            None
        }
    }
}

#[test]
fn exports_pass_python_hcl2_cfn_lint_and_deploy_into_moto() {
    let Some(py) = python() else { return };
    let root = tempfile::tempdir().unwrap();
    write_exports(root.path());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/iac_check.py");
    let out = std::process::Command::new(py)
        .arg(script)
        .arg(root.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "external IaC checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut read_back = 0;
    for (name, d) in designs() {
        let dump = root.path().join(&name).join("aws_configs");
        if dump.is_dir() {
            imported_from_moto_matches(&name, &d, &dump);
            read_back += 1;
        }
    }
    println!("vpcd import aws read back {read_back} moto deployments");
    assert!(read_back > 0, "no template deployed into moto");
}

/// `vpcd import aws` of what moto returns for a deployed template holds the
/// design's VPCs, subnets (block and AZ), security groups (inbound rule
/// counts) and routes by destination in each VPC, under the design's names
/// (the `Name` tags the export writes).
fn imported_from_moto_matches(name: &str, d: &Design, dump: &Path) {
    let imported = vpcd::interop::aws::import_paths(&[dump.to_path_buf()], &Default::default())
        .unwrap_or_else(|e| panic!("{name}: vpcd import aws of moto's output: {e}"))
        .design;
    for v in &d.vpcs {
        let got = imported.vpcs.iter().find(|x| x.name == v.name);
        assert_eq!(got.map(|x| x.cidr), Some(v.cidr), "{name}: VPC {}", v.name);
    }
    for s in &d.subnets {
        let got = imported.subnets.iter().find(|x| x.name == s.name);
        assert_eq!(
            got.map(|x| (x.cidr, x.az.as_str(), x.vpc.as_str())),
            Some((s.cidr, s.az.as_str(), s.vpc.as_str())),
            "{name}: subnet {}",
            s.name
        );
    }
    // The resource types moto does not emulate (written by .ci/iac_check.py).
    let unsupported: Vec<String> = std::fs::read_to_string(dump.with_file_name("unsupported.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let defaults: Vec<&String> = d.vpcs.iter().map(|v| &v.default_security_group).collect();
    for g in d.security_groups.iter().filter(|g| !defaults.contains(&&g.name)) {
        let got = imported.security_groups.iter().find(|x| x.name == g.name);
        assert_eq!(
            got.map(|x| x.inbound.len()),
            Some(g.inbound.len()),
            "{name}: security group {} inbound rules",
            g.name
        );
    }
    for rt in &d.route_tables {
        for r in rt.routes.iter().filter(|r| matches!(r.dest, RouteDestination::Cidr(_))) {
            if matches!(
                r.target,
                RouteTarget::Local | RouteTarget::GatewayEndpoint(_) | RouteTarget::FirewallEndpoint(..)
            ) || unsupported
                .iter()
                .any(|t| t == target_type(d, &r.target) || t == "AWS::EC2::Route")
            {
                continue;
            }
            let found = imported
                .route_tables
                .iter()
                .filter(|t| t.vpc == rt.vpc)
                .any(|t| t.routes.iter().any(|x| x.dest == r.dest));
            assert!(found, "{name}: route to {} in {} not read back", r.dest, rt.vpc);
        }
    }
}
