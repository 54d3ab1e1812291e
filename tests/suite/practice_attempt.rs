//! A whole practice attempt survives a save: the file keeps the exercise's
//! objectives (as intents), the hints taken and the time spent; opening it
//! again resumes practice mode where it stopped; `vpcd exercise FILE` grades
//! it with the hints' cost.

use crate::tui_support;

use std::process::Command;

use tui_support::Harness;
use vpcd::practice::exercise;
use vpcd::workspace::Workspace;

#[test]
fn saving_in_practice_mode_keeps_the_attempt_and_reopening_resumes_it() {
    let dir = tempfile::tempdir().unwrap();
    let ex = exercise::bundled("nat-per-az").unwrap().unwrap();
    let first_hint: String = ex.hints[0].text.chars().take(14).collect();
    let path = dir.path().join("saves").join(format!("{}.ron", ex.start.name));

    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 160, 60);
    h.app.open_exercise(ex.clone());
    h.draw();
    // Take the first hint (the practice pane has the focus), then make part of the fix.
    h.keys("<enter><enter>");
    h.assert_shows(&first_hint);
    h.assert_shows("a hint (2 left)");
    h.app.apply_edit(ex.solution[0].clone()).unwrap();
    h.keys("<c-s>");
    h.assert_shows("save as");
    h.keys("<enter>");
    h.assert_shows("saved");

    let saved = vpcd::io::load(&path).unwrap();
    assert_eq!(saved.intents, ex.objectives, "the objectives are saved as intents");
    let record = saved.practice.as_ref().expect("the practice record is saved");
    assert_eq!(record.exercise, "nat-per-az");
    assert_eq!(record.hints_used, 1);
    assert_eq!(record.hints, ex.hints);

    // A second session on the file is back in practice mode, hint taken.
    let ws = Workspace::new(vpcd::io::load(&path).unwrap()).with_path(&path);
    let mut h = Harness::with_workspace(ws, dir.path(), 160, 60);
    h.assert_shows(&format!("Practice · {}", ex.title));
    h.assert_shows(&first_hint);
    h.assert_shows("a hint (2 left)");
    assert!(!h.app.ws.is_dirty(), "a reopened attempt has no unsaved changes");
    assert!(
        h.app.ws.design().practice.is_none(),
        "the session holds the record while editing"
    );

    // Finish the fix and save to the same file (no prompt: it has a path).
    for e in &ex.solution[1..] {
        h.app.apply_edit(e.clone()).unwrap();
    }
    h.draw();
    h.assert_shows("SOLVED");
    h.keys("<c-s>");
    h.assert_shows("saved");
    assert_eq!(vpcd::io::load(&path).unwrap().practice.unwrap().hints_used, 1);

    // Graded from the command line: solved, less the first hint's cost.
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["exercise", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["score"], 100 - ex.hints[0].cost, "{report}");
    assert_eq!(report["hints_used"], 1, "{report}");
}

#[test]
fn opening_another_design_leaves_practice_mode() {
    let dir = tempfile::tempdir().unwrap();
    let ex = exercise::bundled("public-subnet").unwrap().unwrap();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 160, 60);
    h.app.open_exercise(ex.clone());
    h.draw();
    h.assert_shows(&format!("Practice · {}", ex.title));
    // Ctrl-n: a new empty design is not the exercise.
    h.keys("<c-n>");
    if h.screen().contains("(y/n)") {
        h.keys("y");
    }
    h.assert_not_shows("Practice ·");
}

#[test]
fn a_new_design_replaces_every_pane_at_once() {
    // Ctrl-n must not leave the old design's rows on screen until the first edit.
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 160, 50);
    h.assert_shows("web-1");
    h.keys("<c-n>");
    if h.screen().contains("(y/n)") {
        h.keys("y");
    }
    h.assert_shows("new empty design");
    h.assert_not_shows("web-1");
    h.assert_not_shows("sg-web");
}
