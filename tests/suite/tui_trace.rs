//! The trace panel in the designer and "open a failed objective in
//! the trace panel with one key" from practice mode: verdicts, the
//! hop table, the path and current hop on the diagram (asserted by cell
//! style), live re-evaluation after edits, the reachability-diff note, what-if,
//! remembered queries, flow logs, and drag-panning the diagram.

use crate::tui_support;

use std::time::{Duration, Instant};

use ipnet::IpNet;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use tui_support::Harness;
use vpcd::create::templates::sample;
use vpcd::edit::Edit;
use vpcd::model::{
    Design, DesignIndex, NaclRule, Object, PortRange, Protocol, Route, RouteDestination, RouteTarget, RuleAction,
    SgPeer, SgRule, TraceQuery,
};
use vpcd::practice::exercise;
use vpcd::tui::keymap::Context;
use vpcd::tui::theme::Theme;
use vpcd::tui::App;
use vpcd::workspace::Workspace;

/// Focus order follows the screen: tree, routes, rules, diagram, inspector,
/// cost, diagnostics, planner, trace — Shift-Tab from the tree reaches the
/// trace panel.
const TO_TRACE: &str = "<s-tab>";

fn harness(d: Design, dir: &std::path::Path, w: u16, h: u16, color: bool) -> Harness {
    let mut opts = tui_support::options(dir);
    opts.theme = Theme { color };
    let mut h = Harness {
        app: App::new(Workspace::new(d), opts),
        term: Terminal::new(TestBackend::new(w, h)).expect("test backend"),
        dir: dir.to_path_buf(),
    };
    h.draw();
    h
}

/// The first cell (x, y) at or right of `min_x` and at or below `min_y` where `text` starts.
fn find(h: &Harness, text: &str, min_x: u16, min_y: u16) -> Option<(u16, u16)> {
    let buf = h.term.backend().buffer();
    for y in min_y..buf.area.height {
        let row: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        for x in usize::from(min_x)..row.len() {
            if row[x..].concat().starts_with(text) {
                return u16::try_from(x).ok().map(|x| (x, y));
            }
        }
    }
    None
}

/// The rectangle of the pane whose title starts with `title` (its top-left corner and width).
fn pane_origin(h: &Harness, title: &str) -> (u16, u16) {
    match find(h, &format!("┌ {title}"), 0, 0) {
        Some(p) => p,
        None => panic!("no pane `{title}`:\n{}", h.screen()),
    }
}

/// Cell (x, y) of `text` inside the diagram pane (within its borders, so a
/// pane beside it showing the same name does not count).
fn in_diagram(h: &Harness, text: &str) -> (u16, u16) {
    let (dx, dy) = pane_origin(h, "Diagram");
    let buf = h.term.backend().buffer();
    let right = (dx + 1..buf.area.width)
        .find(|&x| buf[(x, dy)].symbol() == "┐")
        .unwrap_or(buf.area.width);
    for y in dy + 1..buf.area.height {
        if buf[(dx, y)].symbol() == "└" {
            break;
        }
        let row: Vec<&str> = (dx + 1..right).map(|x| buf[(x, y)].symbol()).collect();
        for i in 0..row.len() {
            if row[i..].concat().starts_with(text) {
                return (dx + 1 + i as u16, y);
            }
        }
    }
    panic!("`{text}` not in the diagram:\n{}", h.screen())
}

fn modifiers(h: &Harness, (x, y): (u16, u16)) -> Modifier {
    h.term.backend().buffer()[(x, y)].modifier
}

/// Runs a typed query: `t` opens the query at its from field, Tab moves on.
fn type_query(h: &mut Harness, from: &str, to: &str, proto: &str, port: &str) {
    h.keys("t");
    for (i, v) in [from, to, proto, port].iter().enumerate() {
        if i > 0 {
            h.keys("<tab>");
        }
        h.clear_and_type(v);
    }
    h.keys("<enter>");
}

/// The edit that opens db-1 to the internet on 5432: a public IP, a route to
/// the IGW for the db subnets, acl-db allowing 5432 in and the replies out,
/// and sg-db allowing 5432 from 0.0.0.0/0.
fn open_db_to_internet(d: &Design) -> Edit {
    let any: IpNet = "0.0.0.0/0".parse().unwrap();
    let mut sg = d.security_groups.iter().find(|g| g.name == "sg-db").unwrap().clone();
    sg.inbound.push(SgRule::new(
        Protocol::Tcp,
        PortRange { from: 5432, to: 5432 },
        SgPeer::Cidr(any),
    ));
    let mut acl = d.network_acls.iter().find(|a| a.name == "acl-db").unwrap().clone();
    acl.inbound.insert(
        0,
        NaclRule {
            number: 90,
            action: RuleAction::Allow,
            proto: Protocol::Tcp,
            ports: PortRange { from: 5432, to: 5432 },
            cidr: any,
        },
    );
    acl.outbound.insert(
        0,
        NaclRule {
            number: 90,
            action: RuleAction::Allow,
            proto: Protocol::Tcp,
            ports: PortRange { from: 1024, to: 65535 },
            cidr: any,
        },
    );
    let mut rt = d.route_tables.iter().find(|r| r.name == "rt-db").unwrap().clone();
    rt.routes.push(Route::new(
        RouteDestination::Cidr(any),
        RouteTarget::InternetGateway("igw-shop".into()),
    ));
    let mut db = d.instances.iter().find(|i| i.name == "db-1").unwrap().clone();
    db.public_ip = Some(true);
    Edit::Batch {
        label: "open db-1 to the internet on 5432".into(),
        edits: vec![
            Edit::Put(Object::SecurityGroup(sg)),
            Edit::Put(Object::NetworkAcl(acl)),
            Edit::Put(Object::RouteTable(rt)),
            Edit::Put(Object::Instance(db)),
        ],
    }
}

fn internet_to_db() -> TraceQuery {
    TraceQuery {
        from: "internet".into(),
        to: "db-1".into(),
        proto: Protocol::Tcp,
        port: Some(5432),
        sport: None,
    }
}

#[test]
fn reachable_trace_shows_a_green_verdict_and_lights_the_path_on_the_diagram() {
    let dir = tempfile::tempdir().unwrap();
    // Tall enough for the whole VPC in the diagram pane, its route arrows included.
    let mut h = harness(sample::three_tier(), dir.path(), 160, 90, true);
    h.keys(TO_TRACE);
    assert_eq!(h.app.context(), Context::Trace);
    // The first remembered query of the sample: internet → web-1 tcp/443.
    h.keys("r");
    h.assert_shows("remembered queries");
    h.assert_shows("internet → web-1 tcp/443");
    h.assert_shows("app-1 → db-1 tcp/5432");
    h.keys("<enter>");
    h.assert_shows("Trace · internet → web-1 tcp/443 · ✓ reachable");
    h.assert_shows("✓ reachable · 5 forward hops, 6 return hops");
    h.assert_shows("igw igw-shop");
    h.assert_shows("acl-public inbound rule 110 allow tcp 443");
    // The verdict is green (and says ✓ in words, for NO_COLOR).
    let v = find(&h, "✓ reachable ·", 0, 0).unwrap();
    assert_eq!(h.term.backend().buffer()[v].fg, Color::Green);

    // The whole path is drawn on the diagram (bold), objects off the path are not.
    let web1 = in_diagram(&h, "web-1 ");
    let igw = in_diagram(&h, "igw-shop");
    let app2 = in_diagram(&h, "app-2 ");
    assert!(modifiers(&h, web1).contains(Modifier::BOLD), "web-1 is on the path");
    assert!(modifiers(&h, igw).contains(Modifier::BOLD), "the IGW is on the path");
    assert!(
        !modifiers(&h, app2).contains(Modifier::BOLD),
        "app-2 is not on the path"
    );
    assert!(
        !modifiers(&h, web1).contains(Modifier::REVERSED),
        "the current hop is the internet"
    );

    // Stepping to hop 5 (delivered to web-1) highlights web-1 as the current hop,
    // in the table (▶, reversed) and on the diagram (reversed).
    h.keys("nnnn");
    let row = find(&h, "▶ 5 instance web-1", 0, 0).unwrap_or_else(|| panic!("{}", h.screen()));
    assert!(modifiers(&h, row).contains(Modifier::REVERSED));
    assert!(modifiers(&h, in_diagram(&h, "web-1 ")).contains(Modifier::REVERSED));
    assert!(!modifiers(&h, in_diagram(&h, "igw-shop")).contains(Modifier::REVERSED));
    // Back one hop: the NACL/SG hops light web-1's subnet or ENI, not the IGW.
    h.keys("p");
    h.assert_shows("▶ 4 sg sg-web");
}

#[test]
fn play_steps_through_the_hops_on_the_tick() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, false);
    h.keys(TO_TRACE).keys("r<enter>");
    h.assert_shows("▶ 1 internet internet");
    h.keys("<space>");
    let t0 = Instant::now();
    for i in 1..=3u32 {
        h.app.tick(t0 + Duration::from_millis(700) * i);
    }
    h.draw();
    h.assert_shows("▶ 4 sg sg-web");
}

#[test]
fn forward_block_shows_the_blocking_hop_code_and_fix_in_red() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, true);
    h.keys(TO_TRACE);
    // Typed with completion: "int" + Ctrl-n completes to internet, → accepts db-1.
    h.keys("tint<c-n>");
    h.assert_shows("from internet");
    h.keys("<tab>db-<right>");
    h.assert_shows("to db-1");
    h.keys("<tab><tab>5432<enter>");
    h.assert_shows("Trace · internet → db-1 tcp/5432 · ✗ blocked");
    h.assert_shows("✗ blocked: request stopped at igw-shop · NO_PUBLIC_IP_INGRESS");
    h.assert_shows("fix: give db-1 a public IP");
    let v = find(&h, "✗ blocked: request", 0, 0).unwrap();
    let cell = &h.term.backend().buffer()[v];
    assert_eq!(cell.fg, Color::Red);
    assert!(cell.modifier.contains(Modifier::BOLD));
    // The blocking hop is marked ✗ in the table.
    h.assert_shows("✗ 2 igw igw-shop");
    // The diagram shows the path up to the internet gateway, where it stops.
    assert!(modifiers(&h, in_diagram(&h, "igw-shop")).contains(Modifier::BOLD));
}

#[test]
fn bad_input_gets_an_inline_error_and_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 120, 40, false);
    h.keys(TO_TRACE);
    type_query(&mut h, "web-9", "db-1", "tcp", "5432");
    h.assert_shows("✗ unknown endpoint `web-9` (did you mean");
    assert_eq!(h.app.context(), Context::TraceInput, "still editing");
    // `q` types a q while editing (it does not quit).
    h.keys("q");
    assert!(!h.app.quit);
    // The cursor stayed in the port input.
    h.clear_and_type("99999");
    h.keys("<enter>");
    h.assert_shows("port: `99999` is not a port number");
    h.keys("<esc>");
    assert_eq!(h.app.context(), Context::Trace);
}

#[test]
fn return_path_blocked_by_nacl_ephemeral_ports_opens_from_practice_with_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let ex = exercise::bundled("nacl-ephemeral-ports").unwrap().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, false);
    h.app.open_exercise(ex);
    h.draw();
    // The first objective (internet → web-1 tcp/443 reachable) fails.
    h.assert_shows("✗ internet → web-1 tcp/443 reachable");
    h.keys("t");
    assert_eq!(h.app.context(), Context::Trace, "the trace panel is focused");
    h.assert_shows("Trace · internet → web-1 tcp/443 · ✗ blocked");
    h.assert_shows("✗ blocked: reply stopped at acl-public outbound · NACL_IMPLICIT_DENY");
    // The fix is what a practice hint sells: not shown before one is bought.
    h.assert_shows("fix: hidden while practising");
    assert!(!trace_pane_text(&h).contains("add an outbound allow rule"));
    h.assert_shows("return (reply)");
    // Stepping to the blocking hop of the reply scrolls it into view.
    h.keys("nnnnnnnn");
    h.assert_shows("✗ 3 nacl acl-public");
    // The forward path reached web-1: it is drawn on the diagram.
    assert!(modifiers(&h, in_diagram(&h, "web-1 ")).contains(Modifier::BOLD));
    // A structural objective has nothing to trace.
    h.keys("<tab>");
}

#[test]
fn a_structural_objective_has_nothing_to_trace() {
    let dir = tempfile::tempdir().unwrap();
    let ex = exercise::bundled("nacl-ephemeral-ports").unwrap().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, false);
    h.app.open_exercise(ex);
    h.keys("<down><down><down>t");
    h.assert_shows("this objective is not a flow");
}

#[test]
fn an_edit_opening_the_database_to_the_internet_produces_the_opened_note_and_the_live_mark() {
    let dir = tempfile::tempdir().unwrap();
    let d = sample::three_tier();
    let edit = open_db_to_internet(&d);
    // The edit really opens the flow (checked on the library, not the panel).
    let mut after = d.clone();
    edit.clone().apply(&mut after).unwrap();
    let t = vpcd::analysis::trace(&after, &DesignIndex::new(&after), &internet_to_db()).unwrap();
    assert!(t.reachable, "{}", t.to_text());

    let mut h = harness(d, dir.path(), 160, 60, false);
    h.keys(TO_TRACE);
    type_query(&mut h, "internet", "db-1", "tcp", "5432");
    h.assert_shows("✗ blocked: request stopped at igw-shop");
    h.app.apply_edit(edit).unwrap();
    h.draw();
    // The trace re-ran at once and says the verdict changed.
    h.assert_shows("▲ now reachable after your edit");
    h.assert_shows("Trace · internet → db-1 tcp/5432 · ✓ reachable");
    // The reachability diff runs once the user is idle.
    h.app.tick(Instant::now() + Duration::from_secs(1));
    h.draw();
    // Counted in words that agree with the number ("1 flow", "2 flows").
    let changes = vpcd::analysis::diff_designs_with_egress(&sample::three_tier(), &after);
    let opened = changes.iter().filter(|c| c.opened).count();
    let flows = |n: usize| {
        if n == 1 {
            "1 flow".to_string()
        } else {
            format!("{n} flows")
        }
    };
    h.assert_shows(&format!(
        "Δ your edit opened {} and closed {}",
        flows(opened),
        flows(changes.len() - opened)
    ));
    h.assert_not_shows(" 1 flows");
    h.assert_shows("opened: internet → db-1 tcp/5432");
    // Dismissable.
    h.keys("c");
    h.assert_not_shows("opened: internet → db-1");
    // Undo: blocked again, and the diff says what closed.
    h.keys("u");
    h.assert_shows("▼ now blocked after your edit");
    h.app.tick(Instant::now() + Duration::from_secs(1));
    h.draw();
    h.assert_shows("closed: internet → db-1 tcp/5432");
}

#[test]
fn what_if_a_nat_gateway_fails_is_labelled_hypothetical_and_leaves_the_design_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, false);
    h.keys(TO_TRACE);
    // app-1 → internet tcp/443 (remembered #2) goes out through nat-a.
    h.keys("r<down><enter>");
    h.assert_shows("Trace · app-1 → internet tcp/443 · ✓ reachable");
    h.keys("w");
    h.assert_shows("what-if: fail which component?");
    h.assert_shows("NAT gateway nat-a fails");
    // none, AZ a, AZ b, nat-a
    h.keys("<down><down><down><enter>");
    h.assert_shows("WHAT-IF (hypothetical, design unchanged): nat-a removed");
    h.assert_shows("Trace · app-1 → internet tcp/443 · ✗ blocked · WHAT-IF");
    h.assert_shows("what-if changes");
    h.assert_shows("closed: app-1 → internet");
    assert!(h.app.ws.is_fresh(), "a what-if is not an edit");
    assert!(h.app.ws.design().nat_gateways.iter().any(|n| n.name == "nat-a"));
    // Clearing the what-if brings the real verdict back.
    h.keys("w<enter>");
    h.assert_shows("Trace · app-1 → internet tcp/443 · ✓ reachable");
    h.assert_not_shows("WHAT-IF");
}

#[test]
fn queries_are_remembered_in_the_design_and_forgotten_with_undo_or_d() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, false);
    h.keys(TO_TRACE);
    type_query(&mut h, "bastion", "app-1", "tcp", "22");
    h.keys("s");
    assert_eq!(h.app.ws.design().traces.len(), 4);
    assert_eq!(h.app.ws.design().traces[3].from, "bastion");
    h.keys("s");
    h.assert_shows("already remembered");
    h.keys("r");
    h.assert_shows("bastion → app-1 tcp/22");
    // Forget it from the list (an edit, so undo brings it back).
    h.keys("<down><down><down>d");
    assert_eq!(h.app.ws.design().traces.len(), 3);
    h.keys("u");
    assert_eq!(h.app.ws.design().traces.len(), 4);
}

#[test]
fn flow_logs_toggle_under_the_hop_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, false);
    h.keys(TO_TRACE).keys("r<enter>");
    h.assert_not_shows("flow-log records (version 2)");
    h.keys("f");
    h.assert_shows("flow-log records (version 2)");
    h.assert_shows("eni-web-1 198.51.100.7 10.0.0.4 40000 443 6");
    h.keys("f");
    h.assert_not_shows("flow-log records (version 2)");
}

#[test]
fn the_trace_panel_is_usable_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 80, 24, false);
    h.keys(TO_TRACE);
    h.assert_shows("Trace");
    h.keys("r<down><down><enter>");
    h.assert_shows("✓ reachable");
    h.assert_shows("▶ 1");
}

fn mouse(h: &mut Harness, kind: MouseEventKind, column: u16, row: u16) {
    h.app.handle_event(Event::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }));
    h.draw();
}

#[test]
fn dragging_the_mouse_pans_the_diagram() {
    let dir = tempfile::tempdir().unwrap();
    // A design taller than the 80×24 window.
    let d = vpcd::create::templates::find("transit-hub-spoke").unwrap().design();
    let mut h = harness(d, dir.path(), 80, 24, false);
    h.keys("<tab><tab><tab>"); // tree, routes, rules, then the diagram
    let (px, py) = pane_origin(&h, "Diagram");
    let row_text = |h: &Harness, y: u16| -> String {
        let buf = h.term.backend().buffer();
        (px + 1..buf.area.width - 1).map(|x| buf[(x, y)].symbol()).collect()
    };
    let before: Vec<String> = (py + 1..py + 20).map(|y| row_text(&h, y)).collect();
    // Press on the drawing and drag up by 3 rows: the drawing follows the pointer.
    let (x, y) = (px + 20, py + 12);
    mouse(&mut h, MouseEventKind::Down(MouseButton::Left), x, y);
    mouse(&mut h, MouseEventKind::Drag(MouseButton::Left), x, y - 1);
    mouse(&mut h, MouseEventKind::Drag(MouseButton::Left), x, y - 3);
    mouse(&mut h, MouseEventKind::Up(MouseButton::Left), x, y - 3);
    let after: Vec<String> = (py + 1..py + 20).map(|y| row_text(&h, y)).collect();
    assert_ne!(before, after, "the drawing moved");
    // Row r of the pane now shows what row r+3 showed (row 0 holds the
    // header of the VPC scrolled into).
    assert_eq!(after[1], before[4], "\n{}", h.screen());
    assert_eq!(after[5], before[8]);
    // Dragging back down restores the view.
    mouse(&mut h, MouseEventKind::Down(MouseButton::Left), x, y);
    mouse(&mut h, MouseEventKind::Drag(MouseButton::Left), x, y + 3);
    let back: Vec<String> = (py + 1..py + 20).map(|y| row_text(&h, y)).collect();
    assert_eq!(back, before);
}

/// The trace pane's rectangle as text (a crop of the screen, so other panes'
/// changes do not churn these snapshots).
fn trace_pane_text(h: &Harness) -> String {
    pane_text(h, "Trace")
}

/// The rectangle of the pane titled `title…` as text.
fn pane_text(h: &Harness, title: &str) -> String {
    let (x0, y0) = pane_origin(h, title);
    let buf = h.term.backend().buffer();
    let mut x1 = x0 + 1;
    while x1 < buf.area.width && buf[(x1, y0)].symbol() != "┐" {
        x1 += 1;
    }
    let mut y1 = y0 + 1;
    while y1 < buf.area.height && buf[(x0, y1)].symbol() != "└" {
        y1 += 1;
    }
    let mut out = String::new();
    for y in y0..=y1.min(buf.area.height - 1) {
        let line: String = (x0..=x1.min(buf.area.width - 1))
            .map(|x| buf[(x, y)].symbol())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn trace_panel_snapshots_reachable_forward_blocked_and_return_blocked() {
    let dir = tempfile::tempdir().unwrap();
    // Reachable: the sample's remembered app-1 → db-1 tcp/5432, second hop current.
    let mut h = harness(sample::three_tier(), dir.path(), 120, 40, false);
    h.keys(TO_TRACE).keys("r<down><down><enter>n");
    insta::assert_snapshot!("trace_reachable_120x40", trace_pane_text(&h));
    // Blocked on the forward path: internet → db-1 tcp/5432 (no public IP).
    let mut h = harness(sample::three_tier(), dir.path(), 120, 40, false);
    h.keys(TO_TRACE);
    type_query(&mut h, "internet", "db-1", "tcp", "5432");
    insta::assert_snapshot!("trace_forward_blocked_120x40", trace_pane_text(&h));
    // Blocked on the return path by the NACL's missing ephemeral ports.
    let ex = exercise::bundled("nacl-ephemeral-ports").unwrap().unwrap();
    let d = ex.start.clone();
    let mut h = harness(d, dir.path(), 120, 40, false);
    h.keys(TO_TRACE);
    type_query(&mut h, "internet", "web-1", "tcp", "443");
    // Step to the blocking hop of the reply.
    h.keys("nnnnnnnn");
    insta::assert_snapshot!("trace_return_blocked_120x40", trace_pane_text(&h));
}

#[test]
fn stepping_scrolls_the_diagram_to_the_current_hop_at_120x40() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 120, 40, false);
    // app-1 → db-1 tcp/5432: step to the delivery at db-1 (forward hop 8 or so).
    h.keys(TO_TRACE).keys("r<down><down><enter>");
    let hops = h
        .app
        .ws
        .design()
        .traces
        .get(2)
        .map(|q| vpcd::analysis::trace(h.app.ws.design(), h.app.ws.index(), q).unwrap())
        .unwrap();
    let delivered = hops.forward.len() - 1;
    for _ in 0..delivered {
        h.keys("n");
    }
    h.assert_shows(&format!("▶{:>2} instance db-1", delivered + 1));
    let cell = in_diagram(&h, "db-1 ");
    assert!(
        modifiers(&h, cell).contains(Modifier::REVERSED),
        "db-1 is the current hop on the diagram:\n{}",
        h.screen()
    );
}

#[test]
fn a_medium_design_diffs_on_a_worker_thread_and_the_note_arrives_later() {
    let dir = tempfile::tempdir().unwrap();
    let params = vpcd::create::synthetic::GenParams {
        vpcs: 2,
        azs: 2,
        tiers: 3,
        instances: 4,
        ..Default::default()
    };
    let d = vpcd::create::synthetic::generate(&params).unwrap();
    // Closing an SG that other tiers reach: its inbound rules removed.
    let used: Vec<&String> = d.instances.iter().flat_map(|i| &i.security_groups).collect();
    let mut sg = d
        .security_groups
        .iter()
        .find(|g| used.contains(&&g.name) && g.inbound.iter().any(|r| matches!(r.peer, SgPeer::Group(_))))
        .unwrap()
        .clone();
    sg.inbound.clear();
    let mut h = harness(d, dir.path(), 160, 60, false);
    h.keys(TO_TRACE);
    h.app.apply_edit(Edit::Put(Object::SecurityGroup(sg))).unwrap();
    h.app.tick(Instant::now() + Duration::from_secs(1));
    h.draw();
    h.assert_shows("Δ checking which flows your edit opened or closed");
    // The worker's result is collected by a later tick (bounded wait, no timing assertion).
    for _ in 0..1200 {
        std::thread::sleep(Duration::from_millis(50));
        h.app.tick(Instant::now() + Duration::from_secs(1));
        h.draw();
        if !h.screen().contains("Δ checking") {
            break;
        }
    }
    h.assert_shows("Δ your edit opened 0 flows and closed");
    h.assert_shows("closed: ");
}

#[test]
fn clicking_a_hop_row_makes_it_the_current_hop() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, false);
    h.keys(TO_TRACE).keys("r<enter>");
    let (x, y) = find(&h, "  3 nacl acl-public", 0, 0).unwrap_or_else(|| panic!("{}", h.screen()));
    mouse(&mut h, MouseEventKind::Down(MouseButton::Left), x + 4, y);
    mouse(&mut h, MouseEventKind::Up(MouseButton::Left), x + 4, y);
    h.assert_shows("▶ 3 nacl acl-public");
    assert_eq!(h.app.context(), Context::Trace);
}

#[test]
fn the_diff_note_covers_edits_made_while_the_panel_was_hidden_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let d = sample::three_tier();
    let edit = open_db_to_internet(&d);
    let mut h = harness(d, dir.path(), 80, 24, false);
    // The tree is focused: at 80×24 the trace panel is not drawn.
    h.app.tick(Instant::now());
    h.app.apply_edit(edit).unwrap();
    h.app.tick(Instant::now() + Duration::from_secs(1));
    h.keys(TO_TRACE);
    h.assert_shows("opened: internet → db-1 tcp/5432");
}

/// Focus order from the tree: Tab steps through every pane of the main screen.
const PANES: usize = 9;

#[test]
fn t_opens_the_trace_query_at_from_in_every_pane_and_the_footer_lists_its_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, false);
    for pane in 0..PANES {
        // Back to the tree, then `pane` panes on.
        h.keys("<esc>");
        while h.app.context() != Context::Tree {
            h.keys("<tab>");
        }
        for _ in 0..pane {
            h.keys("<tab>");
        }
        let from = h.app.context();
        h.keys("t");
        assert_eq!(h.app.context(), Context::TraceInput, "t from the {from:?} pane");
        // The cursor is in the from field: what is typed goes there.
        h.keys("x");
        h.assert_shows("from x");
        h.keys("<esc>");
    }
    h.keys("t");
    for keys in [
        "Enter run",
        "Tab next",
        "Shift-Tab prev",
        "Ctrl-n complete",
        "→ accept",
        "Esc restore",
    ] {
        h.assert_shows(keys);
    }
    // Tab and Shift-Tab move between from, to, protocol, port and source port.
    h.keys("int<c-n><tab>web-1<tab>udp<s-tab><s-tab>");
    h.clear_and_type("app-1");
    h.keys("<tab><tab><tab>53<tab>1234<enter>");
    h.assert_shows("Trace · app-1 → web-1 udp/53 sport 1234");
}

#[test]
fn every_grey_default_is_what_enter_runs_with() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, false);
    h.keys("tapp-1<tab>db-1<tab>");
    // Nothing grey in the endpoints; the protocol, the port db-1 listens on
    // and the ephemeral source port are what an empty field runs with.
    let grey = flat(&trace_pane_text(&h));
    for shown in ["proto tcp", "port 5432", "sport ephemeral"] {
        assert!(grey.contains(shown), "`{shown}` in {grey}");
    }
    h.keys("<enter>");
    h.assert_shows("Trace · app-1 → db-1 tcp/5432 · ✓ reachable");
    // ICMP has no ports: no grey port, and none is asked for.
    h.keys("t<tab><tab>");
    h.clear_and_type("icmp");
    let grey = flat(&trace_pane_text(&h));
    assert!(!grey.contains("port 5432") && !grey.contains("ephemeral"), "{grey}");
    h.keys("<enter>");
    h.assert_shows("Trace · app-1 → db-1 icmp");
}

#[test]
fn esc_puts_the_query_back_and_the_last_query_stays_for_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, false);
    type_query(&mut h, "internet", "web-1", "tcp", "443");
    h.assert_shows("Trace · internet → web-1 tcp/443 · ✓ reachable");
    // Editing, then Esc: the inputs are as they were.
    h.keys("t");
    h.clear_and_type("app-1");
    h.keys("<tab>");
    h.clear_and_type("db-1");
    h.assert_shows("from app-1");
    h.keys("<esc>");
    assert_eq!(h.app.context(), Context::Trace);
    h.keys("t");
    h.assert_shows("from internet");
    h.assert_shows("to web-1");
    h.keys("<esc>");
    // Another pane, another `t`: the last query is still there, ready to change.
    h.keys("<tab><tab><tab>t");
    h.assert_shows("from internet");
    h.assert_shows("to web-1");
    h.assert_shows("port 443");
}

/// The screen's text with every run of whitespace (line ends included) as one space.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_explanation_and_fix_wrap_and_enter_opens_a_hop_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 80, 24, false);
    type_query(&mut h, "internet", "db-1", "tcp", "5432");
    let trace = vpcd::analysis::trace(h.app.ws.design(), h.app.ws.index(), &internet_to_db()).unwrap();
    let blocked = trace.blocked.clone().unwrap();
    assert!(blocked.hint.chars().count() > 40, "a fix longer than the pane is wide");
    let pane = trace_pane_text(&h);
    // Never cut: every word of the explanation and the fix is on the screen
    // (the hop table's columns are cut; the current hop's text is under its row).
    let head = &pane[..pane.find("forward (request)").unwrap_or(pane.len())];
    assert!(!head.contains('…'), "{pane}");
    let body: String = pane
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat(&body).contains(&flat(&blocked.message)), "{pane}");
    assert!(flat(&body).contains(&flat(&blocked.hint)), "{pane}");
    // Enter on the blocking hop (hop 2, the IGW) opens its whole text; Esc closes it.
    h.keys("n<enter>");
    h.assert_shows("hop 2 of");
    h.assert_shows("decided by:");
    h.assert_shows("packet in:");
    h.assert_shows("why:");
    h.assert_not_shows("# component");
    let pane = trace_pane_text(&h);
    assert!(!pane.contains('…'), "{pane}");
    h.keys("<esc>");
    h.assert_shows("✗ 2 igw igw-shop");
    h.assert_not_shows("decided by:");
    assert_eq!(h.app.context(), Context::Trace);
}

#[test]
fn diagnostics_wrap_their_message_and_hint() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = sample::three_tier();
    // A finding with a long message and hint: a route table's route to a missing NAT gateway.
    let rt = d.route_tables.iter_mut().find(|r| r.name == "rt-db").unwrap();
    rt.routes.push(Route::new(
        RouteDestination::Cidr("192.168.0.0/16".parse().unwrap()),
        RouteTarget::InternetGateway("igw-shop".into()),
    ));
    let ws = Workspace::new(d);
    let finding = ws
        .diagnostics()
        .iter()
        .find(|f| !f.hint.is_empty() && f.message.len() + f.hint.len() > 60)
        .cloned()
        .expect("a finding with a long text");
    let mut h = Harness::with_workspace(ws, dir.path(), 80, 24);
    h.app.handle_key(ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Tab,
        KeyModifiers::NONE,
    ));
    h.keys("<tab><tab><tab><tab><tab>"); // routes, rules, diagram, inspector, cost, then diagnostics
    assert_eq!(h.app.context(), Context::Diagnostics);
    let screen = h.screen();
    // The right pane's rows: no finding is cut.
    let right: String = screen
        .lines()
        .map(|l| l.split('│').rfind(|c| !c.trim().is_empty()).unwrap_or("").trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat(&right).contains(&flat(&finding.message)), "{screen}");
    assert!(flat(&right).contains(&flat(&finding.hint)), "{screen}");
}

#[test]
fn a_practice_trace_shows_the_fix_only_once_a_hint_is_bought_for_that_objective() {
    let dir = tempfile::tempdir().unwrap();
    let ex = exercise::bundled("nacl-ephemeral-ports").unwrap().unwrap();
    let mut h = harness(sample::three_tier(), dir.path(), 160, 60, false);
    h.app.open_exercise(ex);
    h.draw();
    assert_eq!(h.app.context(), Context::Practice);
    // Objective 1 (internet → web-1 tcp/443) fails on the reply: its trace hides the fix.
    h.keys("t");
    h.assert_shows("✗ blocked: reply stopped at acl-public outbound");
    h.assert_shows("fix: hidden while practising");
    assert!(!flat(&trace_pane_text(&h)).contains("add an outbound allow rule"));
    // Not in the hop's full text either.
    h.keys("nnnnnnnn<enter>");
    h.assert_shows("why:");
    assert!(!flat(&trace_pane_text(&h)).contains("add an outbound allow rule"));
    h.keys("<esc>");
    // Nor in a trace typed by hand while practising.
    type_query(&mut h, "internet", "web-1", "tcp", "443");
    h.assert_shows("fix: hidden while practising");
    assert!(!flat(&trace_pane_text(&h)).contains("add an outbound allow rule"));
    // Buy a hint with objective 1 selected (Enter, Enter in the practice pane).
    while h.app.context() != Context::Practice {
        h.keys("<tab>");
    }
    h.keys("<enter><enter>");
    h.assert_shows("hint 1 (−");
    h.keys("t");
    assert!(flat(&trace_pane_text(&h)).contains("fix: add an outbound allow rule to acl-public for tcp 1024-65535"));
    h.assert_not_shows("hidden while practising");
}

#[test]
fn a_finding_and_a_trace_name_the_same_ephemeral_port() {
    let dir = tempfile::tempdir().unwrap();
    // The exercise's start: acl-public lets 443 in but no reply out.
    let d = exercise::bundled("nacl-ephemeral-ports").unwrap().unwrap().start;
    let mut h = harness(d, dir.path(), 160, 60, false);
    type_query(&mut h, "internet", "web-1", "tcp", "443");
    let wording = "tcp to the client's ephemeral port 40000";
    let trace = flat(&trace_pane_text(&h));
    assert!(trace.contains(wording), "{trace}");
    let lines: Vec<String> = pane_text(&h, "Diagnostics")
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_string())
        .collect();
    let diagnostics = flat(&lines.join(" "));
    assert!(diagnostics.contains(wording), "{diagnostics}");
}
