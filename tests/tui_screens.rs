mod tui_support;

use tui_support::Harness;

#[test]
fn main_screen_shows_every_pane_at_120x40() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(vpcd::model::sample::three_tier(), dir.path(), 120, 40);
    h.keys("jjjj");
    println!("{}", h.screen());
    h.assert_shows("VPC tree");
    h.assert_shows("Routes");
    h.assert_shows("Inspector");
    h.assert_shows("Diagnostics");
}
