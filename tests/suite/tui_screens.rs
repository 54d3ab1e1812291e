use crate::tui_support;

use tui_support::Harness;

#[test]
fn main_screen_shows_every_pane_at_120x40() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 120, 40);
    h.keys("jjjj");
    h.assert_shows("VPC tree");
    h.assert_shows("Routes");
    h.assert_shows("Inspector");
    h.assert_shows("Diagnostics");
}

#[test]
fn main_screen_snapshot_120x40() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 120, 40);
    h.keys("/pub-a<enter>");
    insta::assert_snapshot!("main_screen_120x40", h.screen());
}

#[test]
fn main_screen_snapshot_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 80, 24);
    h.keys("/sg-app<enter><tab><tab>");
    insta::assert_snapshot!("main_screen_80x24", h.screen());
}
