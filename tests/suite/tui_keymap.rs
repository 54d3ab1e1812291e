//! The keymap table is the single source of dispatch, help and hints.

use crate::tui_support;

use std::collections::HashSet;

use tui_support::Harness;
use vpcd::tui::keymap::{self, Context, BINDINGS};

#[test]
fn no_context_binds_a_key_twice() {
    let mut seen = HashSet::new();
    for b in BINDINGS {
        assert!(
            seen.insert((b.context, b.key)),
            "{:?} binds {} twice",
            b.context,
            b.key.label()
        );
    }
}

#[test]
fn every_action_appears_in_the_help_of_its_context() {
    for b in BINDINGS {
        let help = keymap::help_lines(b.context);
        assert!(
            help.iter().any(|l| l.context == b.context
                && l.action == b.action
                && l.keys.split(" / ").any(|k| k == b.key.label())),
            "{:?} {} ({:?}) is missing from the help",
            b.context,
            b.key.label(),
            b.action
        );
    }
}

#[test]
fn the_help_screen_renders_the_focused_pane_and_global_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 120, 40);
    h.keys("<tab>?"); // route pane help
    h.assert_shows("route table keys");
    h.assert_shows("global keys");
    for l in keymap::help_lines(Context::Routes)
        .iter()
        .filter(|l| l.context == Context::Routes)
    {
        h.assert_shows(l.description);
    }
    // Scroll to the end: every global description is reachable.
    let mut seen = h.screen();
    for _ in 0..80 {
        h.keys("j");
        seen.push_str(&h.screen());
    }
    for l in keymap::help_lines(Context::Routes)
        .iter()
        .filter(|l| l.context == Context::Global)
    {
        assert!(seen.contains(l.description), "help lacks `{}`", l.description);
    }
    h.keys("<esc>");
    assert!(h.app.modal_title().is_none());
}

#[test]
fn every_pane_action_is_reachable_from_the_palette() {
    let names: Vec<&str> = keymap::palette_actions().iter().map(|(a, _)| a.name()).collect();
    for b in BINDINGS {
        if matches!(
            b.context,
            Context::Form | Context::List | Context::Confirm | Context::Help
        ) {
            continue;
        }
        assert!(names.contains(&b.action.name()), "{:?} not in the palette", b.action);
    }
}
