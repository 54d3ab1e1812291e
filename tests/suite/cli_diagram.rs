//! `vpcd diagram`: golden output for the sample, DOT export, flags and errors.

use std::process::Command;

fn vpcd(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("vpcd runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sample_diagram_golden() {
    let (code, out, err) = vpcd(&["diagram", "assets/samples/three-tier.ron"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("three_tier_120", out);
}

#[test]
fn sample_diagram_ascii_80_golden() {
    let (code, out, _) = vpcd(&["diagram", "assets/samples/three-tier.ron", "--width", "80", "--ascii"]);
    assert_eq!(code, 0);
    assert!(out.is_ascii());
    assert!(out.lines().all(|l| l.len() <= 80));
    insta::assert_snapshot!("three_tier_80_ascii", out);
}

#[test]
fn multi_vpc_diagram_golden() {
    let (code, out, err) = vpcd(&["diagram", "tests/fixtures/hub-and-spokes.ron"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("hub_and_spokes_120", out);
    let (code, out, _) = vpcd(&["diagram", "tests/fixtures/hub-and-spokes.ron", "--summary"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("hub_and_spokes_summary", out);
}

#[test]
fn dot_export_is_a_graph_of_the_same_objects() {
    let (code, out, _) = vpcd(&["diagram", "tests/fixtures/hub-and-spokes.ron", "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("digraph \"hub-and-spokes\" {"));
    assert!(out.trim_end().ends_with('}'));
    for needle in [
        "\"Vpc:hub\" -> \"Vpc:dev\" [label=\"pcx-hub-dev peering\"]",
        "\"TransitGateway:tgw-core\" -> \"Vpc:prod\"",
        "\"TransitGateway:tgw-core\" -> \"OnPremNetwork:datacenter\" [label=\"vpn-dc VPN 1/2 up\"]",
        "\"VpnGateway:vgw-hub\" -> \"OnPremNetwork:office\" [label=\"dx-nyc DX up\"]",
        "\"InternetGateway:igw-hub\" -> \"internet\"",
        // Routes are directed: subnet to target, labelled with the destination.
        "\"Subnet:prod-app-a\" -> \"TransitGateway:tgw-core\" [label=\"0.0.0.0/0\", dir=forward",
        "\"Subnet:dev-app-a\" -> \"Vpc:hub\" [label=\"10.0.0.0/16\\nvia pcx-hub-dev\", dir=forward",
    ] {
        assert!(out.contains(needle), "missing {needle}\n{out}");
    }
}

#[test]
fn unreadable_file_exits_2() {
    let (code, _, err) = vpcd(&["diagram", "does-not-exist.ron"]);
    assert_eq!(code, 2);
    assert!(err.contains("does-not-exist.ron"));
}
