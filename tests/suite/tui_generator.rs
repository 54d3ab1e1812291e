//! The "VPC and more" generator in the designer: filled with keys, its preview
//! (summary + diagram) follows every change, and Enter replaces the design.

use crate::tui_support;

use tui_support::Harness;
use vpcd::validate::{self, Severity};

fn errors(d: &vpcd::model::Design) -> Vec<validate::Diagnostic> {
    validate::validate(d)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

#[test]
fn generator_preview_follows_the_keys_then_enter_creates_the_design() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 140, 44);
    h.keys("W");
    h.assert_shows("new VPC and more (wizard)");
    // The console's defaults: two AZs, public + private, one NAT gateway.
    h.assert_shows("4 subnets · 1 NAT gateway");
    h.assert_shows("public-a 10.0.0.0/20  public-b 10.0.16.0/20");
    // Resilience against cost: a second NAT gateway is priced (730 h × ($0.045 + $0.005 EIP)).
    h.assert_shows("what if one NAT gateway per AZ in main (1 more, each with an Elastic IP): +$36.50/month");
    // The diagram of the generated VPC is drawn under the summary.
    h.assert_shows("VPC main 10.0.0.0/16");

    // name → CIDR → AZs: three AZs.
    h.keys("<tab><tab><right>");
    h.assert_shows("6 subnets · 1 NAT gateway");
    h.assert_shows("public-c 10.0.32.0/20");
    // public → private → database: add the database tier.
    h.keys("<down><down><down><space>");
    h.assert_shows("9 subnets");
    h.assert_shows("database-a 10.0.128.0/20");
    // intra → NAT: one per AZ.
    h.keys("<down><down><right>");
    h.assert_shows("9 subnets · 3 NAT gateways");
    // S3 gateway endpoint.
    h.keys("<down><space>");
    h.assert_shows("1 gateway endpoint");
    h.assert_shows("us-east-1c");

    h.keys("<enter>");
    assert_eq!(h.app.modal_title(), None);
    let d = h.app.ws.design();
    assert_eq!(d.name, "main");
    assert_eq!(d.subnets.len(), 9);
    assert_eq!(d.nat_gateways.len(), 3);
    assert_eq!(d.endpoints.len(), 1);
    assert!(errors(d).is_empty(), "{:#?}", errors(d));
    assert!(!h.app.ws.is_dirty());
    h.assert_shows("new design main from VPC and more");
}

#[test]
fn the_cidr_is_validated_as_typed_and_enter_refuses_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 140, 44);
    h.keys("W<tab><bs><bs>");
    h.assert_shows("not an IPv4 CIDR (like 10.0.0.0/16)");
    h.assert_not_shows("4 subnets");
    h.keys("<enter>");
    // Still open, and it says why.
    assert_eq!(h.app.modal_title().as_deref(), Some("new VPC and more (wizard)"));
    h.assert_shows("not created: the VPC CIDR");
    // A /20 VPC gets /24 subnets in the same fixed tier blocks.
    h.keys("20");
    h.assert_shows("4 subnets · 1 NAT gateway");
    h.assert_shows("public-a 10.0.0.0/24  public-b 10.0.1.0/24");
    // Too small for the layout: /28 leaves no room for two tiers in two AZs.
    h.keys("<bs><bs>28");
    h.assert_shows("too small");
    h.keys("<bs><bs>24<enter>");
    let d = h.app.ws.design();
    assert_eq!(d.vpcs[0].cidr.to_string(), "10.0.0.0/24");
    assert_eq!(d.subnets.len(), 4);
    assert!(errors(d).is_empty());
}

#[test]
fn creating_over_unsaved_changes_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 140, 44);
    h.make_unsaved_change();
    h.keys("W<enter>");
    h.assert_shows("Discard unsaved changes and start from the generated VPC main?");
    h.keys("n");
    assert_eq!(h.app.ws.design().name, "three-tier");
    h.keys("W<enter>y");
    assert_eq!(h.app.ws.design().name, "main");
    assert_eq!(h.app.ws.design().subnets.len(), 4);
}

#[test]
fn the_generator_opens_from_the_template_list_and_the_palette() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 140, 44);
    h.keys("N");
    h.assert_shows("VPC and more…");
    h.keys("<enter>");
    assert_eq!(h.app.modal_title().as_deref(), Some("new VPC and more (wizard)"));
    h.keys("<esc>");
    assert_eq!(h.app.modal_title(), None);
    assert_eq!(h.app.ws.design().name, "three-tier");

    h.keys(":wizard<enter>");
    assert_eq!(h.app.modal_title().as_deref(), Some("new VPC and more (wizard)"));
    // Toggles off everything optional: one public tier in one AZ, no NAT, no baseline SGs/NACLs.
    h.keys("<tab><tab><left><down><down><space><down><down><down><left>");
    h.keys("<down><down><down><down><down><down><space>");
    h.assert_shows("1 subnet · 0 NAT gateways");
    h.keys("<enter>");
    let d = h.app.ws.design();
    assert_eq!(d.subnets.len(), 1);
    assert_eq!(d.nat_gateways.len(), 0);
    assert!(d.subnets.iter().all(|s| s.network_acl.is_none()));
    assert!(errors(d).is_empty());
}
