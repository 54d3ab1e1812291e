//! Finding one's way in the designer: adding from any pane, associating
//! subnets from a route table or NACL form, naming the design, Tab in screen
//! order, each pane's keys in the footer and the help, the first screen, and
//! the tree and the mouse wheel after a resize.

use crate::tui_support;

use ratatui::crossterm::event::{KeyModifiers, MouseEvent, MouseEventKind};
use tui_support::Harness;
use vpcd::create::templates::sample;
use vpcd::model::*;
use vpcd::tui::keymap::{self, Context, BINDINGS};

fn sample_at(dir: &std::path::Path, w: u16, h: u16) -> Harness {
    Harness::new(sample::three_tier(), dir, w, h)
}

/// Tab until the focused pane has `ctx` (at most once round every pane).
fn focus(h: &mut Harness, ctx: Context) {
    for _ in 0..12 {
        if h.app.context() == ctx {
            return;
        }
        h.keys("<tab>");
    }
    panic!("no pane with {ctx:?} is reached by Tab");
}

/// The footer: the screen's last line.
fn footer(h: &Harness) -> String {
    h.screen().lines().last().unwrap_or_default().to_string()
}

/// The first column of the first line where `text` appears.
fn column_of(h: &Harness, text: &str) -> Option<usize> {
    h.screen()
        .lines()
        .find_map(|l| l.find(text).map(|byte| l[..byte].chars().count()))
}

#[test]
fn a_in_the_routes_pane_offers_a_route_first_not_a_silent_add() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 80, 24);
    h.keys("/rt-public<enter>");
    focus(&mut h, Context::Routes);
    let before = h.app.ws.design().clone();
    h.keys("a");
    assert_eq!(h.app.modal_title().as_deref(), Some("add what? (type to filter)"));
    // The pane's own kind is the first, highlighted entry; every kind follows.
    let screen = h.screen();
    let first = screen
        .lines()
        .position(|l| l.contains("route in rt-public"))
        .expect("route entry");
    let vpc = screen.lines().position(|l| l.contains("VPC ") && l.contains("form"));
    assert!(vpc.is_some_and(|v| v > first), "{screen}");
    assert_eq!(h.app.ws.design(), &before, "nothing was added yet");
    h.keys("<enter>");
    let title = h.app.modal_title().unwrap_or_default();
    assert!(title.contains("route"), "{title}");
    h.keys("198.51.100.0/24<enter>");
    assert!(h.app.modal_title().is_none(), "{}", h.screen());
    h.assert_shows("added route 198.51.100.0/24");
}

#[test]
fn capital_a_opens_every_kind_from_any_pane_and_a_where_the_pane_has_no_kind() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 80, 24);
    h.keys("/rt-public<enter>");
    focus(&mut h, Context::Routes);
    h.keys("A");
    assert_eq!(h.app.modal_title().as_deref(), Some("add what? (type to filter)"));
    h.assert_not_shows("route in rt-public");
    h.keys("<esc>");
    // The rules pane offers a rule of the group it shows first.
    h.keys("/sg-web<enter>");
    focus(&mut h, Context::Rules);
    h.keys("a");
    h.assert_shows("inbound rule in sg-web");
    h.keys("<enter>");
    assert!(h.app.modal_title().unwrap_or_default().contains("rule"));
    h.keys("<esc>");
    // Panes without a kind of their own: `a` is the full picker.
    for ctx in [Context::Diagnostics, Context::Diagram, Context::Cost, Context::Trace] {
        focus(&mut h, ctx);
        h.keys("a");
        assert_eq!(
            h.app.modal_title().as_deref(),
            Some("add what? (type to filter)"),
            "{ctx:?}"
        );
        h.keys("<esc>");
    }
}

#[test]
fn the_route_table_form_associates_subnets() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 120, 40);
    // A new route table, associated with app-a and app-b at once.
    h.keys("/shop<enter>A").keys("route table<enter>");
    h.assert_shows("associated subnets");
    h.keys("rt-new<tab><tab><tab>");
    // The list is the VPC's subnets in order: pub-a, pub-b, app-a, app-b, …
    h.keys("<right><right><space><right><space><enter>");
    assert!(h.app.modal_title().is_none(), "{}", h.screen());
    let d = h.app.ws.design();
    let rt_of = |n: &str| {
        d.subnets
            .iter()
            .find(|s| s.name == n)
            .and_then(|s| s.route_table.clone())
    };
    assert_eq!(rt_of("app-a").as_deref(), Some("rt-new"));
    assert_eq!(rt_of("app-b").as_deref(), Some("rt-new"));
    assert_eq!(rt_of("pub-a").as_deref(), Some("rt-public"));
    // Editing it shows them ticked; unticking app-b sends it back to the main table.
    h.keys("/rt-new<enter><enter>");
    h.assert_shows("[x] app-a");
    h.keys("<tab><tab><tab><right><right><right><space><enter>");
    let d = h.app.ws.design();
    let rt_of = |n: &str| {
        d.subnets
            .iter()
            .find(|s| s.name == n)
            .and_then(|s| s.route_table.clone())
    };
    assert_eq!(rt_of("app-a").as_deref(), Some("rt-new"));
    assert_eq!(rt_of("app-b"), None, "back to the VPC's main route table");
    // One undo entry per form: undo restores app-b's table.
    h.keys("u");
    let d = h.app.ws.design();
    assert_eq!(
        d.subnets
            .iter()
            .find(|s| s.name == "app-b")
            .and_then(|s| s.route_table.clone())
            .as_deref(),
        Some("rt-new")
    );
}

#[test]
fn the_nacl_form_associates_subnets_and_renaming_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 80, 24);
    h.keys("/acl-db<enter><enter>");
    h.assert_shows("associated subnets");
    // A rename in the same form keeps the associations (db-a, db-b).
    h.keys("<c-u>acl-data<enter>");
    assert!(h.app.modal_title().is_none(), "{}", h.screen());
    let d = h.app.ws.design();
    let acl_of = |n: &str| {
        d.subnets
            .iter()
            .find(|s| s.name == n)
            .and_then(|s| s.network_acl.clone())
    };
    assert_eq!(acl_of("db-a").as_deref(), Some("acl-data"));
    assert_eq!(acl_of("db-b").as_deref(), Some("acl-data"));
    // Ticking app-a moves it from acl-app to this NACL (a subnet has one NACL).
    h.keys("/acl-data<enter><enter><tab><tab><right><right><space><enter>");
    let d = h.app.ws.design();
    let acl_of = |n: &str| {
        d.subnets
            .iter()
            .find(|s| s.name == n)
            .and_then(|s| s.network_acl.clone())
    };
    assert_eq!(acl_of("app-a").as_deref(), Some("acl-data"));
    assert_eq!(acl_of("app-b").as_deref(), Some("acl-app"));
}

#[test]
fn the_design_is_renamed_from_the_palette_and_undo_restores_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 80, 24);
    h.keys(":rename<enter>");
    assert_eq!(h.app.modal_title().as_deref(), Some("rename the design"));
    h.keys("<c-u>shop-v2<enter>");
    assert_eq!(h.app.ws.design().name, "shop-v2");
    assert!(h.screen().lines().next().unwrap_or_default().contains("shop-v2 ·"));
    // A name AWS tags would not take is refused in the form.
    h.keys(":rename<enter><c-u>no spaces<enter>");
    h.assert_shows("use letters, digits");
    h.keys("<esc>u");
    assert_eq!(h.app.ws.design().name, "three-tier");
}

#[test]
fn save_as_keeps_the_name_the_user_gives() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 80, 24);
    let path = dir.path().join("mine").join("shop-lab.ron");
    h.keys("S<c-u>").keys(&path.display().to_string()).keys("<enter>");
    h.assert_shows("saved");
    assert_eq!(h.app.ws.design().name, "shop-lab");
    assert!(!h.app.ws.is_dirty());
    let saved = vpcd::io::load(&path).unwrap();
    assert_eq!(saved.name, "shop-lab");
    assert!(h.screen().lines().next().unwrap_or_default().contains("shop-lab ·"));
}

#[test]
fn tab_follows_the_screen_left_to_right_top_to_bottom() {
    let order = [
        Context::Tree,
        Context::Routes,
        Context::Rules,
        Context::Diagram,
        Context::Inspector,
        Context::Cost,
        Context::Diagnostics,
        Context::Planner,
        Context::Trace,
    ];
    for (w, ht) in [(80, 24), (220, 60)] {
        let dir = tempfile::tempdir().unwrap();
        let mut h = sample_at(dir.path(), w, ht);
        for ctx in order.iter().chain(std::iter::once(&Context::Tree)) {
            assert_eq!(h.app.context(), *ctx, "at {w}×{ht}");
            h.keys("<tab>");
        }
        // Shift-Tab goes back the same way.
        h.keys("<s-tab><s-tab>");
        assert_eq!(h.app.context(), Context::Trace);
    }
    // At 220×60 the centre column is routes, rules, diagram top to bottom.
    let dir = tempfile::tempdir().unwrap();
    let h = sample_at(dir.path(), 220, 60);
    let row = |t: &str| h.screen().lines().position(|l| l.contains(t));
    assert!(
        row("Routes").unwrap_or(0) < row("Diagram").unwrap_or(0),
        "{}",
        h.screen()
    );
}

#[test]
fn the_focused_practice_pane_widens_like_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 140, 45);
    h.keys(":exercise<enter>");
    assert!(h.app.modal_title().unwrap_or_default().contains("exercise"));
    h.keys("<enter>");
    assert_eq!(h.app.context(), Context::Practice, "practice mode focuses its pane");
    let focused = column_of(&h, "Practice ·").expect("practice pane title");
    focus(&mut h, Context::Tree);
    let unfocused = column_of(&h, "Practice ·").expect("practice pane title");
    assert!(
        focused + 10 <= unfocused,
        "focused at column {focused}, unfocused at {unfocused}:\n{}",
        h.screen()
    );
}

#[test]
fn every_panes_own_keys_are_in_the_footer_at_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 80, 24);
    for ctx in [
        Context::Tree,
        Context::Routes,
        Context::Rules,
        Context::Diagram,
        Context::Inspector,
        Context::Cost,
        Context::Diagnostics,
        Context::Planner,
        Context::Trace,
    ] {
        focus(&mut h, ctx);
        let line = footer(&h);
        let own: Vec<_> = BINDINGS.iter().filter(|b| b.context == ctx && b.hint).collect();
        assert!(!own.is_empty(), "{ctx:?} has no key in the footer");
        let shown = keymap::footer(ctx, 80);
        for (key, name) in &shown[..own.len()] {
            assert!(
                line.contains(&format!("{key} {name}")),
                "{ctx:?}: `{key} {name}` not in `{line}`"
            );
        }
        assert!(line.contains("? help"), "{ctx:?}: {line}");
        assert!(line.chars().count() <= 80);
    }
    // Typing a trace query: its own keys, no global ones.
    h.keys("t");
    assert_eq!(h.app.context(), Context::TraceInput);
    let line = footer(&h);
    assert!(line.chars().count() <= 80);
    for part in [
        "Enter run",
        "Tab next",
        "Shift-Tab prev",
        "Ctrl-n complete",
        "→ accept",
        "Esc restore",
    ] {
        assert!(line.contains(part), "`{part}` not in `{line}`");
    }
    h.keys("<esc>");
    // The practice pane, in practice mode.
    h.keys(":exercise<enter>nat-per-az<enter>");
    assert_eq!(h.app.context(), Context::Practice);
    let line = footer(&h);
    for (key, name) in &keymap::footer(Context::Practice, 80)[..4] {
        assert!(
            line.contains(&format!("{key} {name}")),
            "`{key} {name}` not in `{line}`"
        );
    }
    assert!(line.contains("? help"), "{line}");
}

#[test]
fn each_panes_help_lists_only_its_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 120, 40);
    focus(&mut h, Context::Routes);
    h.keys("?");
    h.assert_shows("route table keys");
    // Not the rules pane's or the trace panel's keys.
    h.assert_not_shows("switch inbound / outbound");
    h.assert_not_shows("next hop");
    // A global key the pane binds itself is listed once, with the pane's meaning.
    let lines = keymap::help_lines(Context::Routes);
    for l in lines.iter().filter(|l| l.context == Context::Global) {
        assert!(
            !l.keys.split(" / ").any(|k| k == "a"),
            "`a` is the route pane's key, not global: {l:?}"
        );
    }
    assert!(lines
        .iter()
        .any(|l| l.context == Context::Global && l.keys == "A" && l.action == keymap::Action::AddAny));
    // The palette's commands without a key are named after the keys.
    h.keys("<esc>?");
    let mut seen = h.screen();
    for _ in 0..80 {
        h.keys("j");
        seen.push_str(&h.screen());
    }
    for (action, _) in keymap::PALETTE_ONLY {
        assert!(seen.contains(action.name()), "help lacks {}", action.name());
    }
}

#[test]
fn the_first_screen_names_the_fastest_starts() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 80, 24);
    for part in ["W VPC and more", "N templates", "P practice problem", ": exercise"] {
        h.assert_shows(part);
    }
    // `:` then "exercise" opens the list of bundled exercises.
    h.keys(":exercise<enter>");
    assert_eq!(
        h.app.modal_title().as_deref(),
        Some("practice: open an exercise (type to filter)")
    );
    h.assert_shows("nat-per-az");
    h.keys("nat-per-az<enter>");
    assert_eq!(h.app.context(), Context::Practice);
    h.assert_shows("Practice ·");
}

/// The exercise list marks what the practice record says is solved.
#[test]
fn the_exercise_list_marks_solved_exercises() {
    let dir = tempfile::tempdir().unwrap();
    let mut record = vpcd::practice::progress::Progress::default();
    record.exercises.insert(
        "nat-per-az".into(),
        vpcd::practice::progress::Record {
            title: "Survive the loss of an AZ".into(),
            solved: true,
            best_score: 85,
            ..Default::default()
        },
    );
    record.save(&dir.path().join("state").join("progress.ron")).unwrap();
    let mut h = sample_at(dir.path(), 120, 40);
    h.keys(":exercise<enter>");
    let screen = h.screen();
    let line = |id: &str| screen.lines().find(|l| l.contains(id)).unwrap_or_default().to_string();
    assert!(line("nat-per-az").contains("✓ solved, best 85"), "{screen}");
    assert!(!line("nat-placement").contains("solved"), "{screen}");
}

#[test]
fn an_exercise_is_not_opened_over_unsaved_work() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 80, 24);
    h.make_unsaved_change();
    let before = h.app.ws.design().clone();
    h.keys(":exercise<enter>nat-per-az<enter>");
    h.assert_shows("unsaved changes: save (Ctrl-s)");
    assert_eq!(h.app.ws.design(), &before);
}

#[test]
fn after_a_resize_the_tree_keeps_its_selection_visible() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 220, 60);
    h.keys("/fl-shop<enter>");
    h.assert_shows("fl-shop");
    h.term.backend_mut().resize(80, 24);
    h.term.autoresize().unwrap();
    h.draw();
    let tree: Vec<String> = h
        .screen()
        .lines()
        .map(|l| l.chars().take(32).collect::<String>())
        .collect();
    assert!(tree.iter().any(|l| l.contains("fl-shop")), "{}", h.screen());
    // And back up to a large terminal.
    h.term.backend_mut().resize(140, 45);
    h.term.autoresize().unwrap();
    h.draw();
    h.assert_shows("fl-shop");
}

#[test]
fn the_mouse_wheel_scrolls_the_pane_under_the_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 120, 40);
    focus(&mut h, Context::Routes);
    let selected = h.app.selected.clone();
    // The tree is on the left: the wheel there moves its selection, whatever is focused.
    let wheel = |kind| MouseEvent {
        kind,
        column: 5,
        row: 5,
        modifiers: KeyModifiers::NONE,
    };
    // Three notches: the rows below the VPC include object rows.
    for _ in 0..3 {
        h.app.handle_event(ratatui::crossterm::event::Event::Mouse(wheel(
            MouseEventKind::ScrollDown,
        )));
        h.draw();
    }
    assert_ne!(h.app.selected, selected, "the tree under the pointer scrolled");
    assert_eq!(h.app.context(), Context::Routes, "the focus stays where it was");
    for _ in 0..3 {
        h.app
            .handle_event(ratatui::crossterm::event::Event::Mouse(wheel(MouseEventKind::ScrollUp)));
        h.draw();
    }
    assert_eq!(h.app.selected, selected);
}

/// Counts the keys of a macro as the harness plays them (`<enter>` is one key).
fn count_keys(keys: &str) -> usize {
    let mut n = 0;
    let mut in_name = false;
    for c in keys.chars() {
        match (in_name, c) {
            (false, '<') => in_name = true,
            (true, '>') => {
                in_name = false;
                n += 1;
            }
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

/// The two-tier design of the issue (a VPC, public and private subnets in two
/// AZs, an IGW, a NAT gateway, a public and a private route table with their
/// subnets, a web security group and a public NACL) built from an empty design
/// with the keys a student presses; the count is the figure the issue tracks.
#[test]
fn the_two_tier_design_from_scratch_and_its_keystroke_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(
        Design::empty("lab", "us-east-1", &["us-east-1a", "us-east-1b"]),
        dir.path(),
        80,
        24,
    );
    let mut n = 0;
    let mut play = |h: &mut Harness, keys: &str| {
        n += count_keys(keys);
        h.keys(keys);
    };
    // Each object: `a`, a few letters of its kind, Enter, its fields.
    play(&mut h, "avpc<enter>main<enter>");
    h.assert_shows("added VPC main 10.0.0.0/16");
    // The CIDR field offers the VPC's next free /24: accepted as it is.
    for (name, az_right, cidr, public) in [
        ("pub-a", 0, "10.0.0.0/24", true),
        ("pub-b", 1, "10.0.1.0/24", true),
        ("priv-a", 0, "10.0.2.0/24", false),
        ("priv-b", 1, "10.0.3.0/24", false),
    ] {
        let mut keys = format!("asub<enter>{name}<tab><tab>");
        keys.push_str(&"<right>".repeat(az_right));
        if public {
            keys.push_str("<tab><tab><right>");
        }
        keys.push_str("<enter>");
        play(&mut h, &keys);
        let s = h.app.ws.design().subnets.iter().find(|s| s.name == name).cloned();
        assert_eq!(s.map(|s| s.cidr.to_string()).as_deref(), Some(cidr), "{}", h.screen());
    }
    play(&mut h, "ainte<enter>igw-main<enter>");
    play(&mut h, "anat<enter>nat-a<enter>");
    // A route table ticks its subnets in its own form, then gets its route
    // in the route pane (Tab), where `a` offers a route first.
    play(
        &mut h,
        "arou<enter>rt-public<tab><tab><tab><space><right><space><enter>",
    );
    play(&mut h, "<tab>a<enter>0.0.0.0/0<enter><s-tab>");
    h.assert_shows("subnets: pub-a, pub-b");
    play(
        &mut h,
        "arou<enter>rt-private<tab><tab><tab><right><right><space><right><space><enter>",
    );
    play(&mut h, "<tab>a<enter>0.0.0.0/0<tab><right><enter><s-tab>");
    h.assert_shows("subnets: priv-a, priv-b");
    play(
        &mut h,
        "asec<enter>sg-web<enter><tab><tab>a<enter><tab>443<tab>0.0.0.0/0<enter><s-tab><s-tab>",
    );
    play(
        &mut h,
        "anetw<enter>acl-public<tab><tab><space><right><space><enter><tab><tab>",
    );
    play(
        &mut h,
        "a<enter><tab><tab><tab>443<enter>a<enter><tab><tab><tab>1024-65535<enter>",
    );

    let d = h.app.ws.design().clone();
    let idx = DesignIndex::new(&d);
    let kind = |s: &str| idx.subnet_kind(&d, idx.subnet(&d, s).unwrap());
    assert_eq!(kind("pub-a"), SubnetKind::Public, "{}", h.screen());
    assert_eq!(kind("pub-b"), SubnetKind::Public);
    assert_eq!(kind("priv-a"), SubnetKind::Private);
    assert_eq!(kind("priv-b"), SubnetKind::Private);
    let acl = idx.network_acl(&d, "acl-public").unwrap();
    assert_eq!(acl.inbound.len(), 2);
    for s in ["pub-a", "pub-b"] {
        assert_eq!(idx.subnet(&d, s).unwrap().network_acl.as_deref(), Some("acl-public"));
    }
    assert_eq!(idx.security_group(&d, "sg-web").unwrap().inbound.len(), 1);
    assert!(
        !vpcd::validate::has_errors(h.app.ws.diagnostics()),
        "{:?}",
        h.app.ws.diagnostics()
    );
    // Every name, destination and port is typed (117 of the keys; the
    // subnets take the suggested CIDRs); the rest is finding one's way. The
    // figure only goes down.
    println!("two-tier design from scratch: {n} keystrokes");
    assert!(n <= 255, "{n} keystrokes");
}

/// The fastest start the first screen names: `W` ("VPC and more") with the
/// console's defaults is the same two tiers in two AZs, with a NAT gateway,
/// routes, security groups and NACLs, in two keys.
#[test]
fn vpc_and_more_builds_a_two_tier_design_in_two_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(
        Design::empty("lab", "us-east-1", &["us-east-1a", "us-east-1b"]),
        dir.path(),
        80,
        24,
    );
    let keys = "W<enter>";
    h.keys(keys);
    assert_eq!(count_keys(keys), 2);
    let d = h.app.ws.design().clone();
    let idx = DesignIndex::new(&d);
    let kinds: Vec<SubnetKind> = d.subnets.iter().map(|s| idx.subnet_kind(&d, s)).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == SubnetKind::Public).count(),
        2,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == SubnetKind::Private).count(),
        2,
        "{kinds:?}"
    );
    assert_eq!(d.nat_gateways.len(), 1);
    assert!(!vpcd::validate::has_errors(h.app.ws.diagnostics()));
}

#[test]
fn a_new_subnet_offers_the_vpcs_next_free_block_and_typing_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 80, 24);
    // shop is 10.0.0.0/16 with 10.0.0-1, 10.0.10-11 and 10.0.20-21 used.
    h.keys("/shop<enter>Asubnet<enter>");
    assert_eq!(h.app.modal_title().as_deref(), Some("new subnet"));
    h.assert_shows("10.0.2.0/24");
    h.keys("extra<enter>");
    let cidr = |h: &Harness, n: &str| {
        h.app
            .ws
            .design()
            .subnets
            .iter()
            .find(|s| s.name == n)
            .map(|s| s.cidr.to_string())
    };
    assert_eq!(cidr(&h, "extra").as_deref(), Some("10.0.2.0/24"));
    // The next one skips it; a typed block replaces the suggestion.
    h.keys("/shop<enter>Asubnet<enter>");
    h.assert_shows("10.0.3.0/24");
    h.keys("typed<tab><tab><tab>10.0.50.0/24<enter>");
    assert_eq!(cidr(&h, "typed").as_deref(), Some("10.0.50.0/24"));
}

/// A large terminal is shared out in proportion: the tree and the inspector
/// widen with the diagram, so their rows are whole (the bastion's public
/// address is not cut) and no column is left as an empty band.
#[test]
fn a_large_terminal_widens_the_side_panes_and_nothing_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 220, 60);
    let screen = h.screen();
    let row = |text: &str| {
        screen
            .lines()
            .find(|l| l.contains(text))
            .unwrap_or_default()
            .to_string()
    };
    // The tree: its right border is past column 60, and the bastion's row is whole.
    let tree_w = screen
        .lines()
        .nth(1)
        .and_then(|l| l.chars().position(|c| c == '┐'))
        .unwrap_or(0);
    assert!(tree_w >= 60, "tree {tree_w} wide:\n{screen}");
    let bastion: String = row("bastion").chars().take(tree_w).collect();
    assert!(bastion.contains("3.210.10.3"), "{screen}");
    // The diagram shows the public addresses whole too.
    h.keys("<tab><tab><tab>");
    h.assert_shows("Diagram");
    let screen = h.screen();
    assert!(screen.contains("bastion    10.0.0.5  3.210.10.3"), "{screen}");
    assert!(!screen.contains("3.210…") && !screen.contains("54.16…"), "{screen}");
}

/// Every main screen at the sizes people use: 80×24 (one pane beside the
/// tree), 140×45 and 220×60 (everything, in proportion).
#[test]
fn main_screen_at_80x24_140x45_and_220x60() {
    for (w, hgt) in [(80u16, 24u16), (140, 45), (220, 60)] {
        let dir = tempfile::tempdir().unwrap();
        let h = sample_at(dir.path(), w, hgt);
        insta::assert_snapshot!(format!("main_screen_{w}x{hgt}"), h.screen());
    }
}

/// Scrolled down into a VPC, the diagram keeps the VPC's header row — its
/// name and CIDR and the internet gateway on its border — on the pane's first
/// row.
#[test]
fn the_diagram_keeps_the_vpc_header_and_igw_in_sight_when_it_scrolls() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 120, 40);
    focus(&mut h, Context::Diagram);
    for _ in 0..30 {
        h.keys("<up>");
    }
    let first_row = |h: &Harness| -> String {
        let screen = h.screen();
        let lines: Vec<&str> = screen.lines().collect();
        let top = lines.iter().position(|l| l.contains("┌ Diagram")).unwrap_or(0);
        lines.get(top + 1).copied().unwrap_or_default().to_string()
    };
    for _ in 0..12 {
        h.keys("<down>");
    }
    let row = first_row(&h);
    assert!(
        row.contains("VPC shop 10.0.0.0/16") && row.contains("igw-shop IGW"),
        "{}",
        h.screen()
    );
    // What lies under the header scrolled on: the database subnets are in sight.
    h.assert_shows("─ db-a ");
}

/// After a terminal grows, the tree fills its pane again: the scroll offset is
/// clamped, so no empty band is left under the last row while rows above it are hidden.
#[test]
fn after_growing_the_tree_fills_its_pane_and_keeps_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path(), 80, 24);
    h.keys("/fl-shop<enter>");
    h.term.backend_mut().resize(140, 45);
    h.term.autoresize().unwrap();
    h.draw();
    let screen = h.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let tree_w = lines[1].chars().position(|c| c == '┐').unwrap_or(0);
    let bottom = lines.iter().position(|l| l.starts_with('└')).unwrap_or(0);
    let last_row: String = lines[bottom - 1].chars().skip(1).take(tree_w - 1).collect();
    assert!(!last_row.trim().is_empty(), "empty rows under the tree:\n{screen}");
    let tree: Vec<String> = lines.iter().map(|l| l.chars().take(tree_w).collect()).collect();
    assert!(tree.iter().any(|l| l.contains("fl-shop")), "{screen}");
}

/// The wheel over the diagram scrolls the diagram, whichever pane has the
/// focus, and the focus stays where it was.
#[test]
fn the_mouse_wheel_over_the_diagram_scrolls_it() {
    use ratatui::crossterm::event::{Event, KeyModifiers, MouseEvent, MouseEventKind};
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    let screen = h.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let (row, col) = lines
        .iter()
        .enumerate()
        .find_map(|(y, l)| l.find("┌ Diagram").map(|b| (y, l[..b].chars().count())))
        .unwrap_or_else(|| panic!("{screen}"));
    let (x, y) = (u16::try_from(col + 4).unwrap(), u16::try_from(row + 3).unwrap());
    let pane = |h: &Harness| -> Vec<String> {
        h.screen()
            .lines()
            .skip(row + 1)
            .take(8)
            .map(|l| l.chars().skip(col).take(48).collect())
            .collect()
    };
    let wheel = |h: &mut Harness, kind| {
        h.app.handle_event(Event::Mouse(MouseEvent {
            kind,
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        }));
        h.draw();
    };
    let context = h.app.context();
    let before = pane(&h);
    wheel(&mut h, MouseEventKind::ScrollDown);
    wheel(&mut h, MouseEventKind::ScrollDown);
    assert_ne!(pane(&h), before, "the diagram scrolled");
    assert_eq!(h.app.context(), context, "the focus stays where it was");
    wheel(&mut h, MouseEventKind::ScrollUp);
    wheel(&mut h, MouseEventKind::ScrollUp);
    assert_eq!(pane(&h), before, "and back");
}
