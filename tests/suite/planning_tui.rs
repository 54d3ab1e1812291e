//! The planner and cost panes in the designer: the cost follows edits, and
//! Enter on a free block of the planner opens the new-subnet form with it.

use crate::tui_support;

use tui_support::Harness;

/// Tab order follows the screen: tree, routes, rules, diagram, inspector,
/// cost, diagnostics, planner, trace.
const TO_COST: &str = "<tab><tab><tab><tab><tab>";
const TO_PLANNER: &str = "<s-tab><s-tab>";

#[test]
fn cost_pane_shows_the_estimate_and_follows_edits() {
    let dir = tempfile::tempdir().unwrap();
    let d = vpcd::create::templates::find("three-tier-alb").unwrap().design();
    let mut h = Harness::new(d, dir.path(), 140, 44);
    // 2 NAT × 37.35 + 4 public IPv4 × 3.65 = 89.30 (see tests/planning_cost.rs).
    h.assert_shows("Cost · $89.30/month (us-east-1");
    h.assert_shows("$37.35 NAT gateway nat-a");
    // Deleting nat-b (via the tree) lowers the estimate by its 37.35 and its EIP stays billed.
    h.keys("/nat-b<enter>d");
    h.keys("y");
    h.assert_shows("Cost · $51.95/month");
    // Scrolling the focused cost pane moves its first line off screen.
    h.keys(TO_COST).keys("<down>");
    h.assert_not_shows("$37.35 NAT gateway nat-a");
}

#[test]
fn a_design_with_nothing_billable_costs_zero_dollars_not_minus_zero() {
    let dir = tempfile::tempdir().unwrap();
    let d = vpcd::model::Design::empty("blank", "us-east-1", &["us-east-1a"]);
    let h = Harness::new(d, dir.path(), 140, 44);
    h.assert_shows("Cost · $0.00/month");
    h.assert_not_shows("-0.00");
}

#[test]
fn planner_enter_on_a_free_block_opens_the_subnet_form_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = vpcd::create::templates::find("bastion-host").unwrap().design();
    let mut h = Harness::new(d, dir.path(), 140, 44);
    h.assert_shows("Planner · ops · ");
    // Focused, the planner gets the width of a third of the bottom strip (the
    // trace panel shares the strip).
    h.keys(TO_PLANNER);
    // Map of 10.0.0.0/16: public-a 10.0.0.0/24 first, then the free 10.0.1.0/24.
    h.assert_shows("10.0.0.0/24      public-a · 251 usable");
    h.assert_shows("10.0.1.0/24      free · 251 usable");
    h.keys("<down><enter>");
    h.assert_shows("10.0.1.0/24");
    h.assert_shows("new subnet");
}

#[test]
fn planner_splits_a_free_block_in_the_view() {
    let dir = tempfile::tempdir().unwrap();
    let d = vpcd::create::templates::find("bastion-host").unwrap().design();
    let mut h = Harness::new(d, dir.path(), 140, 44);
    h.keys(TO_PLANNER).keys("<down>s");
    h.assert_shows("10.0.1.0/25      free · 123 usable");
    h.assert_shows("10.0.1.128/25    free · 123 usable");
}

#[test]
fn new_from_template_previews_the_diagram_then_creates_the_design() {
    let dir = tempfile::tempdir().unwrap();
    // Tall enough for the preview's three VPC boxes with their route arrows.
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 140, 52);
    h.keys("N");
    h.assert_shows("new from template");
    h.keys("peering-tri");
    h.assert_shows("preview of peering-triangle");
    // The preview is the library's diagram of the template: its three VPCs are drawn.
    for vpc in ["vpc-a", "vpc-b", "vpc-c"] {
        h.assert_shows(vpc);
    }
    h.keys("<enter>");
    assert_eq!(
        h.app.ws.design(),
        &vpcd::create::templates::find("peering-triangle").unwrap().design()
    );
    h.assert_shows("new design from the template peering-triangle");

    // With unsaved changes it asks first; "n" keeps the current design.
    h.make_unsaved_change();
    h.keys("N").keys("default-vpc<enter>");
    h.assert_shows("Discard unsaved changes");
    h.keys("n");
    assert_eq!(h.app.ws.design().name, "peering-triangle");
}
