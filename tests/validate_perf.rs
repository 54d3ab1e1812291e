//! A rough timing of full validation on the size issue 8 targets (100 VPCs,
//! 12,000 instances, ~500 SGs). Ignored by default and asserts no timing:
//! run with `cargo test --release --test validate_perf -- --ignored --nocapture`.

use std::time::Instant;

use vpcd::model::*;
use vpcd::validate;

fn ron<T: serde::de::DeserializeOwned>(s: &str) -> T {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(s)
        .unwrap_or_else(|e| panic!("bad RON: {e}\n{s}"))
}

/// 100 three-tier VPCs in two AZs, 120 instances and 5 SGs each.
pub fn big_design() -> Design {
    let mut d = Design::default();
    for v in 0..100 {
        let vpc = format!("v{v}");
        for o in Design::new_vpc_objects(&vpc, format!("10.{v}.0.0/16").parse().unwrap()) {
            d.put(o);
        }
        d.internet_gateways
            .push(ron(&format!(r#"(name: "{vpc}-igw", vpc: "{vpc}")"#)));
        d.route_tables.push(ron(&format!(
            r#"(name: "{vpc}-rt-pub", vpc: "{vpc}", routes: [(dest: Cidr("0.0.0.0/0"), target: InternetGateway("{vpc}-igw"))])"#
        )));
        for (t, tier) in ["web", "app", "db"].iter().enumerate() {
            d.security_groups.push(ron(&format!(
                r#"(name: "{vpc}-sg-{tier}", vpc: "{vpc}", inbound: [(proto: Tcp, ports: "443", peer: Cidr("10.0.0.0/8")), (proto: Tcp, ports: "22", peer: Group("{vpc}-sg-bastion"))], outbound: [(proto: All, peer: Cidr("0.0.0.0/0"))])"#
            )));
            for (a, az) in ["us-east-1a", "us-east-1b"].iter().enumerate() {
                let subnet = format!("{vpc}-{tier}-{a}");
                let rt = if t == 0 {
                    format!("{vpc}-rt-pub")
                } else {
                    let rt = format!("{vpc}-rt-{tier}-{a}");
                    d.route_tables.push(ron(&format!(
                        r#"(name: "{rt}", vpc: "{vpc}", routes: [(dest: Cidr("0.0.0.0/0"), target: NatGateway("{vpc}-nat-{a}"))])"#
                    )));
                    rt
                };
                d.subnets.push(ron(&format!(
                    r#"(name: "{subnet}", vpc: "{vpc}", az: "{az}", cidr: "10.{v}.{}.0/20", route_table: "{rt}", map_public_ip: {})"#,
                    (t * 2 + a) * 16,
                    t == 0
                )));
                if t == 0 {
                    d.elastic_ips
                        .push(ron(&format!(r#"(name: "{vpc}-eip-{a}", address: "3.{v}.0.{a}")"#)));
                    d.nat_gateways.push(ron(&format!(
                        r#"(name: "{vpc}-nat-{a}", subnet: "{subnet}", elastic_ip: "{vpc}-eip-{a}")"#
                    )));
                }
                for i in 0..20 {
                    d.instances.push(ron(&format!(
                        r#"(name: "{subnet}-i{i}", subnet: "{subnet}", security_groups: ["{vpc}-sg-{tier}"])"#
                    )));
                }
            }
        }
        d.security_groups
            .push(SecurityGroup::custom(format!("{vpc}-sg-bastion"), &vpc));
        d.security_groups
            .push(SecurityGroup::custom(format!("{vpc}-sg-spare"), &vpc));
    }
    d
}

/// CPU time of this thread in ms (wall time inflates when the machine is shared).
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e6)
}

#[test]
#[ignore = "timing report, run by hand"]
fn full_validation_timing_on_100_vpcs_and_12000_instances() {
    let d = big_design();
    assert_eq!(d.instances.len(), 12_000);
    let runs = 5;
    let (mut index_ms, mut validate_ms, mut validate_cpu) = (f64::MAX, f64::MAX, f64::MAX);
    let mut count = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let idx = DesignIndex::new(&d);
        index_ms = index_ms.min(t.elapsed().as_secs_f64() * 1000.0);
        let (t, c) = (Instant::now(), cpu_ms());
        count = validate::validate_with(&d, &idx).len();
        validate_ms = validate_ms.min(t.elapsed().as_secs_f64() * 1000.0);
        if let (Some(a), Some(b)) = (c, cpu_ms()) {
            validate_cpu = validate_cpu.min(b - a);
        }
    }
    println!(
        "{} VPCs, {} instances, {} SGs: DesignIndex::new {index_ms:.1} ms, validate_with {validate_ms:.1} ms wall / {validate_cpu:.1} ms CPU (best of {runs}), {count} findings",
        d.vpcs.len(),
        d.instances.len(),
        d.security_groups.len()
    );
}
