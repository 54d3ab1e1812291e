//! Practice mode in the designer: the checklist is live (re-evaluated after
//! every edit and undo), hints are revealed on request, and "solved" shows.

use crate::tui_support;

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

/// A reason says what was observed (the hop that blocked, the rule or missing
/// route that decided); the fix is what a bought hint gives, so no reason
/// carries it, and a passing objective shows none.
#[test]
fn reasons_say_what_was_observed_and_never_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let ex = exercise::bundled("public-subnet").unwrap().unwrap();
    // Each failing flow's fix exists (kept for `vpcd check`), but only there.
    let grade = vpcd::practice::exercise::grade(&ex.objectives, &ex.hints, &ex.start, 0);
    let mut fixes = Vec::new();
    for e in &grade.objectives {
        match &e.fix {
            Some(_) if e.holds() => panic!("a passing objective carries a fix: {e:?}"),
            Some(fix) => {
                assert!(!e.reason.contains(fix.as_str()), "{e:?}");
                fixes.push(fix.chars().take(30).collect::<String>());
            }
            None => {}
        }
    }
    assert!(
        !fixes.is_empty(),
        "the start design has a failing flow with a fix: {grade:#?}"
    );
    let mut h = Harness::new(vpcd::create::templates::sample::three_tier(), dir.path(), 160, 60);
    h.app.open_exercise(ex.clone());
    h.draw();
    // The observation stays: the failing flow names where it stopped and why.
    h.assert_shows("(NO_PUBLIC_IP_INGRESS)");
    for i in 0..ex.objectives.len() {
        if i > 0 {
            h.keys("<down>");
        }
        h.assert_not_shows("(hint:");
        for fix in &fixes {
            h.assert_not_shows(fix);
        }
    }
}
