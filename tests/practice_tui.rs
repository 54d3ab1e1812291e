//! Practice mode in the designer: the checklist is live (re-evaluated after
//! every edit and undo), hints are revealed on request, and "solved" shows.

mod tui_support;

use tui_support::Harness;
use vpcd::practice::exercise;

#[test]
fn checklist_updates_after_an_edit_that_fixes_an_objective() {
    let dir = tempfile::tempdir().unwrap();
    let ex = exercise::bundled("nat-placement").unwrap().unwrap();
    let solution = ex.solution.clone();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 160, 60);
    h.app.open_exercise(ex);
    h.draw();
    h.assert_shows("Practice");
    h.assert_shows("✗ app-1 → internet tcp/443 reachable");
    h.assert_shows("1/3");
    h.assert_not_shows("SOLVED");

    // The fix (move nat-1 into the public subnet) is one edit.
    for e in solution {
        h.app.apply_edit(e).unwrap();
    }
    h.draw();
    h.assert_shows("✓ app-1 → internet tcp/443 reachable");
    h.assert_shows("3/3");
    h.assert_shows("SOLVED");

    // The solve is summed up and written to the practice record in the state directory.
    h.assert_shows("solved in");
    let record = vpcd::practice::progress::Progress::load(&dir.path().join("state").join("progress.ron")).unwrap();
    assert!(record.solved("nat-placement"), "{record:?}");
    assert_eq!(record.exercises["nat-placement"].best_score, 100);

    // The timer can be hidden.
    h.assert_shows("(T hides)");
    h.keys("T");
    h.assert_not_shows("(T hides)");

    // Undo re-evaluates too.
    h.keys("<c-z>");
    h.assert_shows("✗ app-1 → internet tcp/443 reachable");
    h.assert_not_shows("SOLVED");
}

#[test]
fn enter_twice_reveals_a_hint_and_costs_points() {
    let dir = tempfile::tempdir().unwrap();
    let ex = exercise::bundled("public-subnet").unwrap().unwrap();
    let first = ex.hints[0].text.chars().take(30).collect::<String>();
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 160, 60);
    h.app.open_exercise(ex);
    h.draw();
    // 3 of the 5 objectives hold at the start: 60, less 10 for the first hint.
    h.assert_shows("score 60");
    h.assert_shows("a hint (3 left)");
    // A hint costs points: the first Enter asks, another key cancels.
    // Asking shows the price and the score it would leave; nothing is spent yet.
    h.keys("<enter>");
    h.assert_shows("Enter again to take it");
    h.assert_shows("score → 50");
    h.assert_not_shows(&first);
    h.keys("T");
    h.assert_shows("no hint taken");
    h.assert_shows("score 60");
    h.assert_not_shows("score 50");
    h.keys("<enter><enter>");
    h.assert_shows(&first);
    h.assert_shows("score 50");
    h.assert_shows("a hint (2 left)");
    // Down moves to the next objective and shows its reason.
    h.assert_not_shows("blocked at shop-main");
    h.keys("<down>");
    h.assert_shows("blocked at shop-main");
}
