//! The diagram pane in the designer: every design in assets/ at 120×40 and
//! 80×24 (TestBackend snapshots), following the selection, selection shown by
//! style, zoom toggle and scrolling.

use crate::tui_support;

use ratatui::style::Modifier;
use tui_support::Harness;
use vpcd::create::templates::sample;
use vpcd::model::{ObjectKind, ObjectRef};

/// Tab order follows the screen: tree, routes, rules, then the diagram under them.
const TO_DIAGRAM: &str = "<tab><tab><tab>";

fn design_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "ron")
                && std::fs::read_to_string(&p)
                    .is_ok_and(|t| t.lines().take(5).any(|l| l.trim_start().starts_with("format:")))
            {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_asset_design_in_the_diagram_pane_at_120x40_and_80x24() {
    let files = design_files();
    assert!(!files.is_empty());
    for p in files {
        let d = vpcd::io::load(&p).unwrap_or_else(|e| panic!("{e}"));
        let slug = p
            .with_extension("")
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (w, h) in [(120u16, 40u16), (80, 24)] {
            let dir = tempfile::tempdir().unwrap();
            let mut hs = Harness::new(d.clone(), dir.path(), w, h);
            // The diagram is under the routes and rules: three Tabs from the tree.
            hs.keys(TO_DIAGRAM);
            hs.assert_shows("Diagram");
            insta::assert_snapshot!(format!("{slug}_{w}x{h}"), hs.screen());
        }
    }
}

/// The cells of the diagram pane (right of the tree) that show `text`, on the first row that has it.
fn find_in_pane(h: &Harness, text: &str, min_x: u16) -> Option<(u16, u16)> {
    let buf = h.term.backend().buffer();
    for y in 0..buf.area.height {
        let row: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        for x in usize::from(min_x)..row.len() {
            if row[x..].concat().starts_with(text) {
                return u16::try_from(x).ok().map(|x| (x, y));
            }
        }
    }
    None
}

#[test]
fn the_selected_object_is_followed_and_highlighted_by_style() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    h.keys(TO_DIAGRAM);
    h.app.selected = Some(ObjectRef::new(ObjectKind::Instance, "db-1"));
    h.draw();
    // The tree is 34 columns wide at 120: look right of it.
    let Some((x, y)) = find_in_pane(&h, "db-1  10.0", 34) else {
        panic!("db-1 not scrolled into view:\n{}", h.screen());
    };
    let buf = h.term.backend().buffer();
    for dx in 0..4 {
        let m = buf[(x + dx, y)].modifier;
        assert!(m.contains(Modifier::REVERSED), "db-1 cell {dx} not highlighted: {m:?}");
    }
    // A neighbour that is not selected is drawn plain.
    let Some((ax, ay)) = find_in_pane(&h, "db-a 10.0", 34) else {
        panic!("{}", h.screen());
    };
    assert!(!buf[(ax, ay)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn enter_toggles_the_vpc_summary_and_arrows_scroll() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    h.keys(TO_DIAGRAM);
    h.assert_shows("Diagram · detail");
    h.keys("<enter>");
    h.assert_shows("Diagram · VPC summary");
    h.assert_shows("6 subnets in 2 AZs");
    h.keys("<enter>");
    h.assert_shows("Diagram · detail");
    let before = h.screen();
    h.keys("<down><down><down><down><down><down>");
    assert_ne!(before, h.screen(), "down scrolls the diagram");
    h.keys("<up><up><up><up><up><up>");
    assert_eq!(before, h.screen(), "up scrolls back");
}

/// A shared VPC in the designer: the tree says who owns the VPC, which subnets
/// are shared with whom and which instances and groups a participant owns; the
/// inspector names the owner account and the shares; the diagram marks the
/// shared subnets (VPC User Guide, "Share your VPC subnets with other accounts").
#[test]
fn owners_and_shared_subnets_show_when_the_design_has_several_accounts() {
    let d = vpcd::create::templates::find("shared-vpc").unwrap().design();
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(d, dir.path(), 190, 45);
    // The tree is the first 54 columns (2/7) at this width.
    let tree = |h: &Harness| -> Vec<String> { h.screen().lines().map(|l| l.chars().take(54).collect()).collect() };
    let row = |rows: &[String], text: &str| rows.iter().find(|l| l.contains(text)).cloned().unwrap_or_default();
    let rows = tree(&h);
    assert!(row(&rows, "vpc shared").contains("owner network"), "{rows:#?}");
    assert!(row(&rows, "app-a").contains("10.0.10.0/24 · shared"), "{rows:#?}");
    assert!(row(&rows, "data-a").contains("10.0.20.0/24 · shared"), "{rows:#?}");
    assert!(!row(&rows, "public-a").contains("shared"), "{rows:#?}");
    assert!(row(&rows, "app-1").contains("· app-team"), "{rows:#?}");
    assert!(row(&rows, "sg-data").contains("· data-team"), "{rows:#?}");

    h.app.selected = Some(ObjectRef::new(ObjectKind::Instance, "app-1"));
    h.draw();
    h.assert_shows("owner account: app-team (222222222222)");
    h.assert_shows("launched by a participant into app-a");
    h.app.selected = Some(ObjectRef::new(ObjectKind::Subnet, "app-a"));
    h.draw();
    h.assert_shows("owner account: network (111111111111)");
    h.assert_shows("shared with: app-team (share share-app)");

    // The diagram, between the tree and the 57-column (3/10) inspector: the shared
    // subnets' boxes carry the badge, the public subnet's does not.
    h.keys(TO_DIAGRAM);
    h.assert_shows("Diagram");
    let screen = h.screen();
    let diagram: Vec<String> = screen
        .lines()
        .map(|l| l.chars().skip(54).take(190 - 54 - 57).collect())
        .collect();
    for shared in ["app-a 10.0.10.0/24", "app-b 10.0.11.0/24"] {
        assert!(row(&diagram, shared).contains("shared"), "{shared}:\n{screen}");
    }
    assert!(!row(&diagram, "public-a 10.0.0.0/24").contains("shared"), "{screen}");

    // One account: nothing about owners anywhere.
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 170, 45);
    h.app.selected = Some(ObjectRef::new(ObjectKind::Instance, "app-1"));
    h.draw();
    h.assert_not_shows("owner");
    h.assert_not_shows("shared");
}

/// VPC User Guide, "Route tables": each subnet's routes out of the VPC are
/// always drawn, dim, in its box (`0.0.0.0/0 ─► nat-a NAT ─► igw-shop IGW`);
/// a trace lights the arrows it follows — its subnet and the route's target
/// both on the path — and leaves the others dim.
#[test]
fn route_arrows_are_drawn_dim_and_a_trace_lights_the_ones_it_follows() {
    let dir = tempfile::tempdir().unwrap();
    // Tall enough for the whole VPC in the diagram pane while the trace's hop table is open.
    let mut h = Harness::new(sample::three_tier(), dir.path(), 160, 90);
    h.keys(TO_DIAGRAM);
    let at = |h: &Harness, text: &str| {
        find_in_pane(h, text, 0).unwrap_or_else(|| panic!("`{text}` not shown:\n{}", h.screen()))
    };
    let style = |h: &Harness, p: (u16, u16)| h.term.backend().buffer()[p].modifier;
    for arrow in ["─► nat-a", "─► nat-b", "─► igw-shop"] {
        let m = style(&h, at(&h, arrow));
        assert!(
            m.contains(Modifier::DIM) && !m.contains(Modifier::BOLD),
            "{arrow}: {m:?}"
        );
    }
    // app-1 → internet leaves through app-a's route to nat-a, then pub-a's to the IGW.
    h.keys("t");
    for (i, v) in ["app-1", "internet", "tcp", "443"].iter().enumerate() {
        if i > 0 {
            h.keys("<tab>");
        }
        h.clear_and_type(v);
    }
    h.keys("<enter>");
    h.assert_shows("✓ reachable");
    let lit = style(&h, at(&h, "─► nat-a"));
    assert!(lit.contains(Modifier::BOLD) && !lit.contains(Modifier::DIM), "{lit:?}");
    let off = style(&h, at(&h, "─► nat-b"));
    assert!(off.contains(Modifier::DIM) && !off.contains(Modifier::BOLD), "{off:?}");
}

/// After an edit of one object the frames show the previous layout, titled as
/// being updated, until input pauses; the idle tick then lays the diagram out
/// and the frame is exactly what a designer that laid out at once draws.
#[test]
fn after_an_edit_the_diagram_is_laid_out_on_the_idle_tick_and_then_exact() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::time::{Duration, Instant};
    let mut web = sample::three_tier()
        .instances
        .iter()
        .find(|i| i.name == "web-1")
        .cloned()
        .unwrap();
    web.name = "web-9".into();
    web.private_ip = None;
    web.elastic_ip = None;
    let add = vpcd::edit::Edit::Put(vpcd::model::Object::Instance(web));
    let dir = tempfile::tempdir().unwrap();
    let (mut busy, mut exact) = (
        Harness::new(sample::three_tier(), dir.path(), 120, 40),
        Harness::new(sample::three_tier(), dir.path(), 120, 40),
    );
    for h in [&mut busy, &mut exact] {
        h.keys(TO_DIAGRAM);
        h.app.apply_edit(add.clone()).unwrap();
    }
    exact.draw();
    exact.assert_not_shows("updating");
    busy.draw_busy();
    busy.assert_shows("· updating");
    assert!(busy.app.has_deferred_work());
    // A tick once input has paused is the idle tick.
    busy.app.tick(Instant::now() + Duration::from_secs(1));
    assert!(!busy.app.has_deferred_work());
    busy.draw_busy();
    assert_eq!(busy.screen(), exact.screen());
    // Undo: the same again.
    exact.keys("u");
    busy.app
        .handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE));
    busy.draw_busy();
    busy.assert_shows("· updating");
    busy.app.idle();
    busy.draw_busy();
    assert_eq!(busy.screen(), exact.screen());
}
