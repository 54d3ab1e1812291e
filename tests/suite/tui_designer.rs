//! Headless designer tests: key sequences in, rendered screen and design out.

use crate::tui_support;

use tui_support::Harness;
use vpcd::create::templates::sample;
use vpcd::model::*;

fn empty() -> Design {
    Design::empty("lab", "us-east-1", &["us-east-1a", "us-east-1b"])
}

/// Adds an object through the kind picker (the tree must be focused).
fn add(h: &mut Harness, kind_query: &str) {
    h.keys("a").keys(kind_query).keys("<enter>");
}

#[test]
fn builds_a_public_private_design_in_two_azs_from_scratch() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(empty(), dir.path(), 120, 40);

    // VPC (with its main table, default NACL and SG).
    add(&mut h, "VPC");
    h.assert_shows("new VPC");
    h.keys("main<tab><enter>");
    h.assert_shows("added VPC main 10.0.0.0/16");

    // Four subnets: public and private in each AZ.
    for (name, az_right, cidr) in [
        ("pub-a", 0, "10.0.0.0/24"),
        ("pub-b", 1, "10.0.1.0/24"),
        ("priv-a", 0, "10.0.10.0/24"),
        ("priv-b", 1, "10.0.11.0/24"),
    ] {
        add(&mut h, "subnet");
        h.assert_shows("new subnet");
        h.keys(name).keys("<tab><tab>");
        for _ in 0..az_right {
            h.keys("<right>");
        }
        h.keys("<tab>").keys(cidr);
        if name.starts_with("pub") {
            h.keys("<tab><right>");
        }
        h.keys("<enter>");
        h.assert_shows(&format!("added subnet {name} {cidr}"));
    }

    // Internet gateway attached to the VPC.
    add(&mut h, "internet gateway");
    h.keys("igw-main<enter>");
    h.assert_shows("added internet gateway igw-main attached to main");

    // Public route table: 0.0.0.0/0 → IGW, associated with both public subnets.
    add(&mut h, "route table");
    h.keys("rt-public<enter>");
    h.keys("<tab>"); // focus the route pane
    h.keys("a<enter>0.0.0.0/0<enter>"); // `a` offers a route first
    h.assert_shows("added route 0.0.0.0/0 → igw-main to route table rt-public");
    h.keys("s<enter>"); // pub-a is the first candidate
    h.keys("s<enter>"); // then pub-b
    h.assert_shows("subnets: pub-a, pub-b");
    h.keys("<s-tab>"); // back to the tree

    // NAT gateway in pub-a with a new Elastic IP.
    add(&mut h, "NAT gateway");
    h.keys("nat-a<enter>");
    h.assert_shows("nat nat-a");

    // Private route table: 0.0.0.0/0 → NAT, associated with both private subnets.
    add(&mut h, "route table");
    h.keys("rt-private<enter><tab>");
    h.keys("a<enter>0.0.0.0/0<tab><right><enter>");
    h.assert_shows("0.0.0.0/0 → nat-a");
    h.keys("s<right><right><enter>");
    h.keys("s<right><right><enter>");
    h.assert_shows("subnets: priv-a, priv-b");
    h.keys("<s-tab>");

    // Security group with an HTTPS rule.
    add(&mut h, "security group");
    h.keys("sg-web<enter><tab><tab>"); // focus the rules pane
    h.assert_shows("SG sg-web");
    h.keys("a<enter><tab>443<tab>0.0.0.0/0<enter>"); // `a` offers a rule first
    h.assert_shows("added inbound rule tcp 443 0.0.0.0/0 to security group sg-web");
    h.keys("<s-tab><s-tab>");

    // Public NACL: HTTPS in and ephemeral ports in.
    add(&mut h, "network ACL");
    h.keys("acl-public<enter><tab><tab>");
    h.keys("a<enter><tab><tab><tab>443<enter>");
    h.keys("a<enter><tab><tab><tab>1024-65535<enter>");
    h.assert_shows("110    allow  tcp    1024-65535");
    h.assert_shows("*      deny   all");

    let d = h.app.ws.design().clone();
    let idx = DesignIndex::new(&d);
    let kind = |n: &str| idx.subnet_kind(&d, idx.subnet(&d, n).unwrap());
    assert_eq!(kind("pub-a"), SubnetKind::Public);
    assert_eq!(kind("pub-b"), SubnetKind::Public);
    assert_eq!(kind("priv-a"), SubnetKind::Private);
    assert_eq!(kind("priv-b"), SubnetKind::Private);
    assert_eq!(idx.subnet(&d, "pub-b").unwrap().az, "us-east-1b");
    assert!(idx.subnet(&d, "pub-a").unwrap().map_public_ip);
    assert_eq!(d.nat_gateways[0].subnet.as_deref(), Some("pub-a"));
    assert!(d
        .elastic_ips
        .iter()
        .any(|e| Some(&e.name) == d.nat_gateways[0].elastic_ip.as_ref()));
    let sg = idx.security_group(&d, "sg-web").unwrap();
    assert_eq!(sg.inbound.len(), 1);
    let acl = idx.network_acl(&d, "acl-public").unwrap();
    assert_eq!(acl.inbound.iter().map(|r| r.number).collect::<Vec<_>>(), vec![100, 110]);
    assert!(
        !vpcd::validate::has_errors(h.app.ws.diagnostics()),
        "{:?}",
        h.app.ws.diagnostics()
    );

    // The tree shows the derived badges.
    h.keys("<tab><tab><tab>"); // back round to the tree
    h.assert_shows("pub-a [public]");
    h.assert_shows("priv-b [private]");
}

#[test]
fn invalid_cidr_turns_red_with_its_reason_before_enter() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    add(&mut h, "subnet");
    h.keys("extra<tab><tab><tab>10.0.1.5/24");
    h.assert_shows("host bits set: did you mean 10.0.1.0/24?");
    h.keys("<esc>");
    add(&mut h, "subnet");
    h.keys("extra<tab><tab><tab>10.0.1.0/29");
    h.assert_shows("outside the allowed /16 to /28");
}

#[test]
fn a_rejected_edit_shows_its_reason_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    let before = h.app.ws.design().clone();
    let rev = h.app.ws.revision();
    add(&mut h, "subnet");
    // Overlaps pub-a (10.0.0.0/24).
    h.keys("dup<tab><tab><tab>10.0.0.0/25<enter>");
    h.assert_shows("refused:");
    h.assert_shows("overlaps");
    assert_eq!(h.app.ws.design(), &before);
    assert_eq!(h.app.ws.revision(), rev);
    // The form is still open so the user can fix it.
    assert_eq!(h.app.modal_title().as_deref(), Some("new subnet"));
    h.keys("<esc>");
    assert!(h.app.modal_title().is_none());

    // Deleting a subnet that instances still use is refused too (DependencyViolation).
    h.keys("/pub-a<enter>");
    h.keys("dy");
    h.assert_shows("DependencyViolation");
    assert_eq!(h.app.ws.design(), &before);
}

#[test]
fn undo_redo_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    let start = h.app.ws.design().clone();
    add(&mut h, "subnet");
    h.keys("extra<tab><tab><tab>10.0.50.0/24<enter>");
    h.assert_shows("added subnet extra 10.0.50.0/24 in us-east-1a");
    let after = h.app.ws.design().clone();
    assert_ne!(start, after);
    h.keys("u");
    h.assert_shows("undid: added subnet extra");
    assert_eq!(h.app.ws.design(), &start);
    h.keys("<c-y>");
    h.assert_shows("redid: added subnet extra");
    assert_eq!(h.app.ws.design(), &after);
    h.keys("<c-z>");
    assert_eq!(h.app.ws.design(), &start);
    // The selection was on the undone subnet: it is cleared, nothing dangles.
    assert!(h
        .app
        .selected
        .as_ref()
        .is_none_or(|s| h.app.ws.design().get(s).is_some()));
}

#[test]
fn save_then_reopen_gives_an_equal_design() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    add(&mut h, "subnet");
    h.keys("extra<tab><tab><tab>10.0.50.0/24<enter>");
    h.keys("<c-s>");
    h.assert_shows("save as");
    h.keys("<enter>");
    let path = dir.path().join("saves").join("three-tier.ron");
    h.assert_shows("saved");
    assert!(!h.app.ws.is_dirty());
    let reopened = vpcd::io::load(&path).unwrap();
    assert_eq!(&reopened, h.app.ws.design());

    // Open it again through the picker in a fresh session.
    let mut h2 = Harness::new(empty(), dir.path(), 120, 40);
    h2.keys("<c-o>");
    h2.assert_shows("three-tier.ron");
    h2.keys("<enter>");
    h2.assert_shows("opened");
    assert_eq!(h2.app.ws.design(), &reopened);
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    add(&mut h, "subnet");
    h.keys("extra<tab><tab><tab>10.0.50.0/24<enter>");
    h.keys("q");
    h.assert_shows("unsaved changes");
    assert!(!h.app.quit);
    h.keys("<esc>");
    assert!(!h.app.quit);
    h.keys("qn");
    assert!(h.app.quit);
}

#[test]
fn jump_finds_objects_by_name_ip_and_cidr() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    h.keys("/10.0.20.10<enter>");
    assert_eq!(h.app.selected, Some(ObjectRef::new(ObjectKind::Instance, "db-1")));
    h.keys("/10.0.11.0/24<enter>");
    assert_eq!(h.app.selected, Some(ObjectRef::new(ObjectKind::Subnet, "app-b")));
    h.keys("/sg-app<enter>");
    assert_eq!(
        h.app.selected,
        Some(ObjectRef::new(ObjectKind::SecurityGroup, "sg-app"))
    );
    h.assert_shows("SG sg-app");
    h.keys("/nothing-like-this<enter>");
    h.assert_shows("nothing matches");
}

/// An imported design keeps each object's AWS id, accepted wherever a name
/// is: `/` jumps by id as by name.
#[test]
fn jump_finds_an_imported_object_by_its_aws_id() {
    let dir = tempfile::tempdir().unwrap();
    let mut design = sample::three_tier();
    design.aws_ids.insert("i-0123456789abcdef0".into(), "db-1".into());
    design.aws_ids.insert("subnet-0aa11bb22cc33dd44".into(), "app-b".into());
    let mut h = Harness::new(design, dir.path(), 120, 40);
    h.keys("/i-0123456789abcdef0<enter>");
    assert_eq!(h.app.selected, Some(ObjectRef::new(ObjectKind::Instance, "db-1")));
    h.keys("/subnet-0aa11bb22cc33dd44<enter>");
    assert_eq!(h.app.selected, Some(ObjectRef::new(ObjectKind::Subnet, "app-b")));
    h.keys("/i-0ffffffffffffffff<enter>");
    h.assert_shows("nothing matches");
}

#[test]
fn nacl_rules_show_evaluation_order_final_deny_and_shadowed_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    h.keys("/acl-public<enter><tab><tab>");
    h.assert_shows("NACL acl-public");
    h.assert_shows("*      deny   all");
    // Rule 32001 covers nothing rule 32000 does not already decide.
    h.keys("a<enter><c-j>32000<tab><tab><tab>22<enter>");
    h.keys("a<enter><c-j>32001<tab><right><tab><tab>22<tab><c-j>10.0.0.0/8<enter>");
    h.assert_shows("⊘32001");
    // Duplicate numbers are refused with AWS's reason, and the form stays open.
    h.keys("a<enter><c-j>32000<tab><tab><tab>23<enter>");
    h.assert_shows("NetworkAclEntryAlreadyExists");
}

#[test]
fn command_palette_runs_actions_by_fuzzy_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    h.keys(":");
    h.assert_shows("command palette");
    h.keys("hlp<enter>");
    assert_eq!(h.app.modal_title().as_deref(), Some("help"));
    h.keys("<esc><c-p>sav as<enter>");
    assert_eq!(h.app.modal_title().as_deref(), Some("save as"));
}

/// The row of the screen that shows `label`, from the label on.
fn row_from(h: &Harness, label: &str) -> String {
    let screen = h.screen();
    let line = screen
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no `{label}`:\n{screen}"));
    line[line.find(label).unwrap_or(0)..].to_string()
}

#[test]
fn palette_and_picker_labels_stand_apart_from_their_descriptions() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    // The longest names once ran into their descriptions.
    h.keys(":play");
    let row = row_from(&h, "trace: play / pause the hops");
    let rest = &row["trace: play / pause the hops".len()..];
    assert!(rest.starts_with("  ") && rest.contains("play / pause: step"), "{row}");
    h.keys("<esc>a");
    let row = row_from(&h, "egress-only internet gateway");
    let rest = &row["egress-only internet gateway".len()..];
    assert!(rest.starts_with("  ") && rest.trim_start().starts_with("form"), "{row}");
}

#[test]
fn small_terminals_adapt_and_tiny_ones_get_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 80, 24);
    h.assert_shows("VPC tree");
    h.keys("<tab>");
    h.assert_shows("Routes");
    h.keys("<tab>");
    h.assert_shows("SG shop-default-sg");
    let mut tiny = Harness::new(sample::three_tier(), dir.path(), 60, 20);
    tiny.draw();
    tiny.assert_shows("needs a terminal of at least 80×24");
}

#[test]
fn mouse_click_focuses_and_selects() {
    use ratatui::crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    // Row 5 of the screen is the 4th tree row: pub-a.
    let click = |col, row| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: col,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    h.app.handle_event(click(5, 5));
    h.draw();
    assert_eq!(h.app.selected, Some(ObjectRef::new(ObjectKind::Subnet, "pub-a")));
    h.app.handle_event(Event::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 5,
        row: 5,
        modifiers: KeyModifiers::NONE,
    }));
    h.draw();
    assert_eq!(h.app.selected, Some(ObjectRef::new(ObjectKind::Instance, "web-1")));
}

/// The NAT lints show in the designer's diagnostics, whole (wrapped), as soon
/// as an edit routes an AZ's private subnet to another AZ's NAT gateway.
#[test]
fn a_cross_az_nat_route_shows_the_nat_lints_in_the_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 160, 50);
    h.assert_shows("Diagnostics · 0 errors, 0 warnings");
    let mut rt = h
        .app
        .ws
        .design()
        .route_tables
        .iter()
        .find(|r| r.name == "rt-app-b")
        .unwrap()
        .clone();
    rt.routes[0].target = vpcd::model::RouteTarget::NatGateway("nat-a".into());
    h.app
        .apply_edit(vpcd::edit::Edit::Put(vpcd::model::Object::RouteTable(rt)))
        .unwrap();
    h.draw();
    // single-nat-multi-az, nat-cross-az (app-b) and nat-unused (nat-b).
    h.assert_shows("Diagnostics · 0 errors, 3 warnings");
    // The diagnostics pane's text, its lines joined (findings wrap over several).
    let pane = |h: &Harness| -> String {
        let screen = h.screen();
        let rows: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
        let (y0, x0) = rows
            .iter()
            .enumerate()
            .find_map(|(y, r)| {
                let line: String = r.iter().collect();
                line.find("┌ Diagnostics").map(|b| (y, line[..b].chars().count()))
            })
            .expect("a diagnostics pane");
        let x1 = (x0 + 1..rows[y0].len())
            .find(|&x| rows[y0][x] == '┐')
            .unwrap_or(rows[y0].len());
        let mut text = Vec::new();
        for r in &rows[y0 + 1..] {
            if r.get(x0) == Some(&'└') {
                break;
            }
            let cut: String = r.iter().skip(x0 + 1).take(x1.saturating_sub(x0 + 1)).collect();
            text.push(cut.trim().to_string());
        }
        text.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
    };
    // Down to each finding: the pane scrolls so the selected one shows whole.
    while h.app.context() != vpcd::tui::keymap::Context::Diagnostics {
        h.keys("<tab>");
    }
    let mut seen = pane(&h);
    for _ in 0..3 {
        h.keys("<down>");
        seen.push(' ');
        seen.push_str(&pane(&h));
    }
    assert!(
        seen.contains(
            "subnet app-b: app-b (us-east-1b) sends 0.0.0.0/0 through rt-app-b to NAT gateway nat-a in us-east-1a"
        ),
        "{seen}"
    );
    assert!(
        seen.contains("create a NAT gateway in a public subnet of us-east-1b"),
        "{seen}"
    );
    assert!(
        seen.contains("NAT gateway nat-b: no route table sends traffic to NAT gateway nat-b"),
        "{seen}"
    );
}
