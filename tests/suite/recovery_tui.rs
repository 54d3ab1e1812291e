//! Recovery files in the designer: one per design, owned by the session that
//! writes it, offered only for the design being opened, orphans listed when
//! no file is open, and restoring never changes where Ctrl-s saves.

use crate::tui_support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tui_support::Harness;
use vpcd::create::templates::sample;
use vpcd::io::recovery::{DesignKey, Owner, Recovery, Store};
use vpcd::model::Design;
use vpcd::workspace::Workspace;

fn store(dir: &Path) -> Store {
    Store::new(dir.join("state").join("recovery"))
}

/// A session that has ended: a finished child's process id.
fn ended_session() -> Owner {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    Owner { pid, start: None }
}

/// What a session that ended left behind for `key`.
fn leave_orphan(dir: &Path, key: DesignKey, design: &Design) -> PathBuf {
    Recovery::new(store(dir), ended_session(), key).write(design).unwrap()
}

fn named(name: &str) -> Design {
    let mut d = sample::three_tier();
    d.name = name.into();
    d
}

fn open(dir: &Path, path: &Path) -> Harness {
    let ws = Workspace::new(vpcd::io::load(path).unwrap()).with_path(path);
    Harness::with_workspace(ws, dir, 120, 40)
}

fn save(path: &Path, d: &Design) {
    vpcd::io::save(path, d).unwrap();
}

#[test]
fn idle_autosave_writes_this_designs_own_file_keyed_by_its_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.ron");
    save(&path, &named("a"));
    let mut h = open(dir.path(), &path);
    h.make_unsaved_change();
    h.app.tick(Instant::now() + Duration::from_secs(10));
    let file = h.app.recovery_file().expect("written after idle").to_path_buf();
    let entries = store(dir.path()).entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].file, file);
    assert_eq!(entries[0].key, DesignKey::File(std::fs::canonicalize(&path).unwrap()));
    assert_eq!(entries[0].owner, Owner::current());
    // Saving removes it; the session's design is in its file now.
    h.keys("<c-s>");
    assert!(!file.exists());
}

/// The reported bug: session B on b.ron was offered A's work on a.ron, and
/// `n` deleted it while A still ran.
#[test]
fn another_designs_recovery_is_never_offered_and_a_live_sessions_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.ron"), dir.path().join("b.ron"));
    save(&a, &named("a"));
    save(&b, &named("b"));
    let orphan_a = leave_orphan(dir.path(), DesignKey::for_path(&a), &named("a-edited"));
    // pid 1 always runs: a live session editing b.ron.
    let live_b = Recovery::new(
        store(dir.path()),
        Owner { pid: 1, start: None },
        DesignKey::for_path(&b),
    )
    .write(&named("b-live"))
    .unwrap();
    let mut h = open(dir.path(), &b);
    assert_eq!(h.app.modal_title(), None, "nothing of a.ron, nothing of a live session");
    h.make_unsaved_change();
    h.app.tick(Instant::now() + Duration::from_secs(10));
    let mine = h.app.recovery_file().unwrap().to_path_buf();
    assert_ne!(mine, live_b, "the live session's file is not overwritten");
    assert!(std::fs::read_to_string(&live_b).unwrap().contains("b-live"));
    // Quitting without saving deletes this session's file only, and says so.
    h.keys("q");
    let prompt = h.app.modal_title().unwrap();
    assert!(prompt.contains("deletes their recovery file"), "{prompt}");
    h.keys("n");
    assert!(h.app.quit);
    assert!(!mine.exists());
    assert!(live_b.exists() && orphan_a.exists());
    assert!(
        h.app.farewell()[0].contains("deleted their recovery file"),
        "{:?}",
        h.app.farewell()
    );
}

/// The reported bugs: the recovery stored the path as typed, and accepting
/// another design's recovery kept the opened file as the save target.
#[test]
fn restoring_the_opened_designs_work_keeps_saving_to_the_real_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("saves")).unwrap();
    let real = dir.path().join("saves/mylab.ron");
    save(&real, &named("mylab"));
    let edited = named("mylab-edited");
    // Left by a session that opened it by another spelling of the path.
    leave_orphan(
        dir.path(),
        DesignKey::for_path(&dir.path().join("saves/../saves/./mylab.ron")),
        &edited,
    );
    let mut h = open(dir.path(), &real);
    h.assert_shows("Restore them?");
    h.assert_shows("mylab-edited");
    h.keys("y");
    h.assert_shows("restored unsaved work on mylab-edited");
    assert_eq!(h.app.ws.path(), Some(real.as_path()), "the save target is unchanged");
    assert!(h.app.ws.is_dirty());
    h.keys("<c-s>");
    assert_eq!(vpcd::io::load(&real).unwrap(), edited);
    assert!(store(dir.path()).entries().is_empty(), "saved: no recovery left");
}

#[test]
fn n_deletes_the_offered_recovery_and_esc_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.ron");
    save(&path, &named("a"));
    let orphan = leave_orphan(dir.path(), DesignKey::for_path(&path), &named("a-edited"));
    let mut h = open(dir.path(), &path);
    h.keys("<esc>");
    h.assert_shows("recovery kept for later");
    assert!(orphan.exists());
    let mut h = open(dir.path(), &path);
    h.keys("n");
    assert!(!orphan.exists());
    assert_eq!(h.app.ws.design().name, "a");
}

#[test]
fn with_no_file_orphans_are_listed_with_paths_and_ages_and_kept_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.ron");
    let on_file = leave_orphan(dir.path(), DesignKey::for_path(&path), &named("lab"));
    let untitled = leave_orphan(dir.path(), DesignKey::untitled(&ended_session()), &named("sketch"));
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    h.assert_shows("unsaved work from sessions that ended");
    h.assert_shows("keep them for later");
    h.assert_shows("lab.ron (lab), just now");
    h.assert_shows("untitled design sketch, just now");
    // The default answer keeps them.
    h.keys("<enter>");
    h.assert_shows("kept 2 recovery file(s) for later");
    assert!(on_file.exists() && untitled.exists());
    // Esc keeps them too; choosing one restores it, and its file becomes the save target.
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    h.keys("<esc>");
    assert!(on_file.exists() && untitled.exists());
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    h.keys("restore lab<enter>");
    assert_eq!(h.app.ws.design().name, "lab");
    assert_eq!(
        h.app.ws.path(),
        Some(vpcd::io::recovery::canonical_path(&path).as_path())
    );
    h.keys("<c-s>");
    assert_eq!(vpcd::io::load(&path).unwrap().name, "lab");
    assert!(!on_file.exists() && untitled.exists());
}

#[test]
fn deleting_all_orphans_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let orphan = leave_orphan(dir.path(), DesignKey::untitled(&ended_session()), &named("sketch"));
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    h.keys("delete them all<enter>");
    h.assert_shows("Delete 1 recovery file(s)");
    h.keys("y");
    assert!(!orphan.exists());
}

#[test]
fn ctrl_c_keeps_the_recovery_and_a_new_design_gets_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.ron");
    save(&path, &named("a"));
    let mut h = open(dir.path(), &path);
    h.make_unsaved_change();
    h.app.tick(Instant::now() + Duration::from_secs(10));
    let a_file = h.app.recovery_file().unwrap().to_path_buf();
    // Ctrl-n discards a.ron's work (after a confirm): its recovery goes.
    h.keys("<c-n>y");
    assert!(!a_file.exists());
    h.make_unsaved_change();
    h.keys("<c-c>");
    assert!(h.app.quit);
    let entries = store(dir.path()).entries();
    assert_eq!(entries.len(), 1);
    assert!(matches!(entries[0].key, DesignKey::Untitled(_)), "{:?}", entries[0].key);
    assert!(
        h.app.farewell()[0].contains("were written to"),
        "{:?}",
        h.app.farewell()
    );
}
