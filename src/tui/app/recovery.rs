//! The designer's side of recovery files ([`crate::io::recovery`]): the
//! offer on start, the list of orphans, autosave, and the emergency write on
//! a signal, a lost terminal or a panic.

use std::path::Path;
use std::time::SystemTime;

use super::{App, Choice, ListModal, Modal, Pending, Status};
use crate::io::recovery::{DesignKey, Entry, Owner, Recovery, Store};

impl App {
    /// The recovery handle for the design the workspace holds.
    pub(super) fn recovery_for(dir: Option<&Path>, path: Option<&Path>) -> Option<Recovery> {
        let me = Owner::current();
        let key = match path {
            Some(p) => DesignKey::for_path(p),
            None => DesignKey::untitled(&me),
        };
        dir.map(|d| Recovery::new(Store::new(d), me, key))
    }

    /// On start (and after opening a file): offer the opened design's own
    /// recovery file if a session that ended left one; with no file open,
    /// list every orphan (the default answer keeps them).
    pub(super) fn offer_recovery(&mut self) {
        let Some(rec) = &self.recovery else {
            return;
        };
        let now = SystemTime::now();
        if matches!(rec.key(), DesignKey::File(_)) {
            if let Some(entry) = rec.offers().into_iter().next() {
                self.modal = Some(Modal::Confirm {
                    prompt: format!(
                        "A session that ended left unsaved changes to {} ({}), written {}. Restore them? \
                         (y restores, n deletes them, Esc keeps them for later)",
                        entry.key.describe(),
                        entry.name,
                        crate::io::recovery::age_text(entry.age(now)),
                    ),
                    pending: Pending::Restore(Box::new(entry)),
                });
            }
            return;
        }
        let orphans = rec.store().orphans(rec.owner());
        if orphans.is_empty() {
            return;
        }
        let mut items = vec![(
            "keep them for later".to_string(),
            "(Esc) nothing is restored or deleted".to_string(),
            Choice::KeepOrphans,
        )];
        items.extend(
            orphans
                .iter()
                .enumerate()
                .map(|(i, e)| (format!("restore {}", e.name), e.describe(now), Choice::Orphan(i))),
        );
        items.push((
            "delete them all".to_string(),
            format!("{} recovery file(s), after a confirm", orphans.len()),
            Choice::DeleteOrphans,
        ));
        self.orphans = orphans;
        self.modal = Some(Modal::List(Box::new(ListModal::new(
            "unsaved work from sessions that ended (Enter chooses, Esc keeps them)",
            items,
        ))));
    }

    /// Restores an orphan: its design replaces the workspace's, its file
    /// becomes this session's recovery file. A design opened from a file
    /// keeps saving to that file (only that file's recovery is offered); with
    /// no file open, the orphan's own file becomes the save target.
    pub(super) fn restore(&mut self, entry: &Entry) {
        let design = match entry.load() {
            Ok(d) => d,
            Err(e) => {
                self.status = Status::Error(format!("cannot restore: {e}"));
                return;
            }
        };
        if let Some(rec) = &mut self.recovery {
            if let Err(e) = rec.adopt(entry, &design) {
                self.status = Status::Error(format!("cannot restore: {e}"));
                return;
            }
        }
        let name = design.name.clone();
        // A practice attempt's recovery restores practice mode too.
        let resumed = crate::practice::session::Session::resume(&design);
        let design = match &resumed {
            Some((_, stripped)) => stripped.clone(),
            None => design,
        };
        self.ws.replace_design(design);
        if let Some((session, _)) = resumed {
            self.start_practice(session);
        }
        if self.ws.path().is_none() {
            if let DesignKey::File(p) = &entry.key {
                self.ws.set_path(p);
            }
        }
        self.selected = None;
        // Restored work is unsaved until the user saves it; its file is current.
        self.autosaved_rev = Some(self.ws.revision());
        let target = match self.ws.path() {
            Some(p) => format!("Ctrl-s saves it to {}", p.display()),
            None => "Ctrl-s saves it".into(),
        };
        self.status = Status::Info(format!("restored unsaved work on {name}; {target}"));
        self.after_change();
    }

    /// Deletes an orphan the user chose to discard.
    pub(super) fn delete_orphans(&mut self, entries: &[Entry]) {
        let Some(rec) = &self.recovery else {
            return;
        };
        let mut deleted = 0;
        for e in entries {
            match rec.store().remove_orphan(e, rec.owner()) {
                Ok(()) => deleted += 1,
                Err(msg) => self.status = Status::Error(msg),
            }
        }
        if deleted > 0 {
            self.status = Status::Info(format!("deleted {deleted} recovery file(s)"));
        }
    }

    /// Writes the unsaved work to this design's recovery file.
    pub(super) fn write_recovery(&mut self) -> Option<std::path::PathBuf> {
        let design = self.design_to_save().into_owned();
        let rec = self.recovery.as_mut()?;
        match rec.write(&design) {
            Ok(file) => {
                self.autosaved_rev = Some(self.ws.revision());
                Some(file)
            }
            Err(e) => {
                self.status = Status::Error(format!("autosave failed: {e}"));
                None
            }
        }
    }

    /// Deletes this design's recovery file (the work was saved or discarded).
    pub(super) fn remove_recovery(&mut self) -> Option<std::path::PathBuf> {
        self.autosaved_rev = None;
        self.recovery.as_mut()?.discard()
    }

    /// The workspace now holds another design: the recovery follows it.
    pub(super) fn switch_recovery(&mut self) {
        let me = Owner::current();
        let key = match self.ws.path() {
            Some(p) => DesignKey::for_path(p),
            None => DesignKey::untitled(&me),
        };
        if let Some(rec) = &mut self.recovery {
            rec.switch_to(key);
        }
        self.autosaved_rev = None;
    }

    /// The session is ending without the user's say (a signal, the terminal
    /// gone, a panic): unsaved work goes to the recovery file. Returns what
    /// to tell the user once the terminal is restored.
    pub fn emergency_save(&mut self) -> Option<String> {
        if !self.ws.is_dirty() {
            return None;
        }
        Some(match self.write_recovery() {
            Some(file) => format!(
                "unsaved changes to {} were written to {}; the next `vpcd` on it offers them back",
                self.design_label(),
                file.display()
            ),
            None => format!(
                "unsaved changes to {} could not be written to a recovery file",
                self.design_label()
            ),
        })
    }

    /// The design's file, or its name when it has none.
    pub(super) fn design_label(&self) -> String {
        match self.ws.path() {
            Some(p) => p.display().to_string(),
            None => format!("the untitled design {}", self.ws.design().name),
        }
    }

    /// The recovery file this session owns, if it has written one (tests, messages).
    pub fn recovery_file(&self) -> Option<&Path> {
        self.recovery.as_ref().and_then(|r| r.file())
    }

    /// Messages for the user after the terminal is restored (what was
    /// discarded or kept on the way out).
    pub fn farewell(&self) -> &[String] {
        &self.farewell
    }
}
