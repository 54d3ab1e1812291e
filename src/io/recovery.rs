//! Recovery files: unsaved work kept outside the design file, one per design.
//!
//! Each design has its own recovery file in the recovery folder
//! (`$XDG_STATE_HOME/vpcd/recovery/`, else `~/.local/state/vpcd/recovery/`),
//! keyed by the design's canonical absolute path (so `lab.ron`, `./lab.ron`
//! and a symlink to it are one design, and a restore from another folder
//! still saves to the real file); an untitled design gets an id of its own.
//!
//! A recovery file is a design file with a comment header naming the design,
//! the session that owns it (pid + start time, see [`Owner`]), when it was
//! written and the design's name. A session writes, restores and deletes only
//! files it owns; another session's file is offered (or deleted) only once
//! its owner has ended. When two live sessions edit the same design, the
//! second writes a file of its own beside the first.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use super::process::Owner;
use crate::model::Design;

const MAGIC: &str = "// vpcd recovery file";
const DESIGN: &str = "// design: ";
const UNTITLED: &str = "untitled ";
const OWNER: &str = "// owner: ";
const WRITTEN: &str = "// written: ";
const NAME: &str = "// name: ";

/// `$XDG_STATE_HOME/vpcd/recovery`, else `~/.local/state/vpcd/recovery`.
pub fn default_dir() -> Option<PathBuf> {
    crate::io::state_dir().map(|d| d.join("recovery"))
}

/// Which design a recovery file belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DesignKey {
    /// A design saved (or to be saved) at this canonical absolute path.
    File(PathBuf),
    /// A design with no file yet, by a unique id.
    Untitled(String),
}

impl DesignKey {
    /// The key of the design at `path`, wherever it was typed from.
    pub fn for_path(path: &Path) -> DesignKey {
        DesignKey::File(canonical_path(path))
    }

    /// A fresh id for an untitled design of this session.
    pub fn untitled(me: &Owner) -> DesignKey {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        DesignKey::Untitled(format!("{}-{n}", me.to_token()))
    }

    /// The recovery file's name: readable, and unique per key.
    fn file_stem(&self) -> String {
        match self {
            DesignKey::File(p) => {
                let stem: String = p
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .take(40)
                    .collect();
                format!("{stem}-{:016x}", fnv1a(p.to_string_lossy().as_bytes()))
            }
            DesignKey::Untitled(id) => format!("untitled-{id}"),
        }
    }

    /// For messages: the path, or "an untitled design".
    pub fn describe(&self) -> String {
        match self {
            DesignKey::File(p) => p.display().to_string(),
            DesignKey::Untitled(_) => "an untitled design".into(),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            DesignKey::File(p) => Some(p),
            DesignKey::Untitled(_) => None,
        }
    }

    fn header_value(&self) -> String {
        match self {
            DesignKey::File(p) => p.display().to_string(),
            DesignKey::Untitled(id) => format!("{UNTITLED}{id}"),
        }
    }

    fn from_header_value(v: &str) -> Option<DesignKey> {
        let v = v.trim();
        match v.strip_prefix(UNTITLED) {
            Some(id) if !id.is_empty() => Some(DesignKey::Untitled(id.to_string())),
            Some(_) => None,
            None if Path::new(v).is_absolute() => Some(DesignKey::File(PathBuf::from(v))),
            None => None,
        }
    }
}

/// FNV-1a: a hash that is the same in every build (the standard library's
/// hasher may change between Rust versions, which would orphan recovery files).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The canonical absolute form of `path`: symlinks followed and `.`/`..`
/// resolved, also for a file that does not exist yet (its folder is
/// canonicalised, or failing that the path is made absolute lexically).
pub fn canonical_path(path: &Path) -> PathBuf {
    let target = super::atomic::write_target(path).unwrap_or_else(|_| path.to_path_buf());
    if let Ok(c) = fs::canonicalize(&target) {
        return c;
    }
    let absolute = if target.is_absolute() {
        target
    } else {
        std::env::current_dir().unwrap_or_default().join(target)
    };
    let mut clean = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    match (clean.parent().and_then(|p| fs::canonicalize(p).ok()), clean.file_name()) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => clean,
    }
}

/// One recovery file, as its header describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub file: PathBuf,
    pub key: DesignKey,
    pub owner: Owner,
    /// Seconds since the Unix epoch.
    pub written: u64,
    /// The design's name.
    pub name: String,
}

impl Entry {
    /// How long ago it was written.
    pub fn age(&self, now: SystemTime) -> Duration {
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Duration::from_secs(now.saturating_sub(self.written))
    }

    /// Reads the saved design.
    pub fn load(&self) -> Result<Design, String> {
        let text = fs::read_to_string(&self.file).map_err(|e| format!("{}: cannot read: {e}", self.file.display()))?;
        super::parse(&text, &self.file.display().to_string()).map_err(|e| e.to_string())
    }

    /// For lists: "/abs/lab.ron (lab), 5 min ago".
    pub fn describe(&self, now: SystemTime) -> String {
        let what = match &self.key {
            DesignKey::File(p) => format!("{} ({})", p.display(), self.name),
            DesignKey::Untitled(_) => format!("untitled design {}", self.name),
        };
        format!("{what}, {}", age_text(self.age(now)))
    }
}

/// "just now", "5 min ago", "3 h ago", "2 days ago".
pub fn age_text(age: Duration) -> String {
    let s = age.as_secs();
    match s {
        0..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86_400),
    }
}

fn read_header(file: &Path) -> Option<Entry> {
    use std::io::{BufRead, BufReader};
    let f = fs::File::open(file).ok()?;
    let mut lines = BufReader::new(f).lines().map_while(Result::ok);
    if lines.next()?.trim_end() != MAGIC {
        return None;
    }
    let (mut key, mut owner, mut written, mut name) = (None, None, None, None);
    for line in lines.take(4) {
        if let Some(v) = line.strip_prefix(DESIGN) {
            key = DesignKey::from_header_value(v);
        } else if let Some(v) = line.strip_prefix(OWNER) {
            owner = Owner::from_token(v);
        } else if let Some(v) = line.strip_prefix(WRITTEN) {
            written = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix(NAME) {
            name = Some(v.trim().to_string());
        }
    }
    Some(Entry {
        file: file.to_path_buf(),
        key: key?,
        owner: owner?,
        written: written.unwrap_or(0),
        name: name.unwrap_or_default(),
    })
}

/// The recovery folder.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every readable recovery file, newest first.
    pub fn entries(&self) -> Vec<Entry> {
        let mut out: Vec<Entry> = fs::read_dir(&self.dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                    .filter_map(|p| read_header(&p))
                    .collect()
            })
            .unwrap_or_default();
        out.sort_by(|a, b| b.written.cmp(&a.written).then_with(|| a.file.cmp(&b.file)));
        out
    }

    /// Recovery files whose session has ended (none of them `me`'s).
    pub fn orphans(&self, me: &Owner) -> Vec<Entry> {
        self.entries()
            .into_iter()
            .filter(|e| e.owner != *me && !e.owner.is_alive())
            .collect()
    }

    /// The orphaned recovery files of one design, newest first.
    pub fn offers(&self, key: &DesignKey, me: &Owner) -> Vec<Entry> {
        self.orphans(me).into_iter().filter(|e| e.key == *key).collect()
    }

    /// Deletes an orphan; refused while its owner runs.
    pub fn remove_orphan(&self, entry: &Entry, me: &Owner) -> Result<(), String> {
        match read_header(&entry.file) {
            None => Ok(()),
            Some(now) if now.owner == *me || !now.owner.is_alive() => {
                fs::remove_file(&entry.file).map_err(|e| format!("{}: {e}", entry.file.display()))
            }
            Some(_) => Err(format!(
                "{} belongs to a running vpcd session; it is left alone",
                entry.file.display()
            )),
        }
    }
}

/// One session's recovery file for the design it has open.
#[derive(Debug, Clone)]
pub struct Recovery {
    store: Store,
    me: Owner,
    key: DesignKey,
    /// The file this session has written (and so owns).
    file: Option<PathBuf>,
}

impl Recovery {
    pub fn new(store: Store, me: Owner, key: DesignKey) -> Recovery {
        Recovery {
            store,
            me,
            key,
            file: None,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn owner(&self) -> &Owner {
        &self.me
    }

    pub fn key(&self) -> &DesignKey {
        &self.key
    }

    /// The recovery file this session owns, once written.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The orphaned recovery files of this design.
    pub fn offers(&self) -> Vec<Entry> {
        self.store.offers(&self.key, &self.me)
    }

    /// A file name for this design that is not another session's: the
    /// design's own name unless someone else's file (a live session's, or an
    /// orphan kept for later) is there; then one with this session's id.
    fn choose_file(&self) -> PathBuf {
        let stem = self.key.file_stem();
        let primary = self.store.dir.join(format!("{stem}.ron"));
        match read_header(&primary) {
            Some(e) if e.owner != self.me => self.store.dir.join(format!("{stem}~{}.ron", self.me.to_token())),
            _ if primary.exists() && read_header(&primary).is_none() => {
                self.store.dir.join(format!("{stem}~{}.ron", self.me.to_token()))
            }
            _ => primary,
        }
    }

    /// Writes the design to this session's recovery file (atomically).
    pub fn write(&mut self, design: &Design) -> Result<PathBuf, String> {
        let file = match &self.file {
            Some(f) => f.clone(),
            None => self.choose_file(),
        };
        fs::create_dir_all(&self.store.dir).map_err(|e| format!("{}: {e}", self.store.dir.display()))?;
        let body = super::to_ron_string(design).map_err(|e| e.to_string())?;
        let written = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        // The name is one line in the header, whatever the design calls itself.
        let name: String = design.name.chars().filter(|c| !c.is_control()).collect();
        let text = format!(
            "{MAGIC}\n{DESIGN}{}\n{OWNER}{}\n{WRITTEN}{written}\n{NAME}{name}\n{body}",
            self.key.header_value(),
            self.me.to_token(),
        );
        super::write_atomic(&file, text.as_bytes()).map_err(|e| e.to_string())?;
        self.file = Some(file.clone());
        Ok(file)
    }

    /// Deletes this session's recovery file (after a save, or when the user
    /// discards the work); returns it if there was one. A file another
    /// session has since taken over is left alone.
    pub fn discard(&mut self) -> Option<PathBuf> {
        let file = self.file.take()?;
        match read_header(&file) {
            Some(e) if e.owner != self.me => None,
            _ => fs::remove_file(&file).ok().map(|()| file),
        }
    }

    /// The session now edits another design (opened, saved under another
    /// name, or new). The caller has saved or discarded the old work.
    pub fn switch_to(&mut self, key: DesignKey) {
        self.key = key;
        self.file = None;
    }

    /// Takes over an orphan the user restored: it becomes this session's
    /// file (rewritten now with this session as owner), and its design
    /// becomes this session's design.
    pub fn adopt(&mut self, entry: &Entry, design: &Design) -> Result<PathBuf, String> {
        if entry.owner != self.me && entry.owner.is_alive() {
            return Err(format!("{} belongs to a running vpcd session", entry.file.display()));
        }
        self.key = entry.key.clone();
        self.file = Some(entry.file.clone());
        self.write(design)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dead_owner() -> Owner {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        Owner { pid, start: None }
    }

    fn design(name: &str) -> Design {
        Design::empty(name, "us-east-1", &["us-east-1a"])
    }

    #[test]
    fn one_file_per_design_and_only_the_opened_designs_is_offered() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("recovery"));
        let (a, b) = (dir.path().join("a.ron"), dir.path().join("b.ron"));
        let dead = dead_owner();
        let mut ra = Recovery::new(store.clone(), dead, DesignKey::for_path(&a));
        ra.write(&design("a")).unwrap();
        let mut rb = Recovery::new(store.clone(), dead, DesignKey::for_path(&b));
        rb.write(&design("b")).unwrap();
        assert_ne!(ra.file(), rb.file());
        let me = Owner::current();
        let offers = Recovery::new(store.clone(), me, DesignKey::for_path(&b)).offers();
        assert_eq!(offers.len(), 1);
        assert_eq!(offers[0].load().unwrap().name, "b");
        assert_eq!(store.orphans(&me).len(), 2);
    }

    #[test]
    fn the_key_is_the_canonical_absolute_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("saves")).unwrap();
        let typed = dir.path().join("saves/../saves/./lab.ron");
        let plain = dir.path().join("saves/lab.ron");
        assert_eq!(DesignKey::for_path(&typed), DesignKey::for_path(&plain));
        let DesignKey::File(p) = DesignKey::for_path(&typed) else {
            panic!("a file key")
        };
        assert!(p.is_absolute() && p.ends_with("saves/lab.ron"), "{}", p.display());
        #[cfg(unix)]
        {
            std::fs::write(&plain, "x").unwrap();
            let link = dir.path().join("link.ron");
            std::os::unix::fs::symlink(&plain, &link).unwrap();
            assert_eq!(DesignKey::for_path(&link), DesignKey::for_path(&plain));
        }
    }

    #[test]
    fn a_live_sessions_file_is_never_offered_overwritten_or_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let key = DesignKey::for_path(&dir.path().join("a.ron"));
        // pid 1 always runs: it stands in for another live session.
        let live = Owner { pid: 1, start: None };
        let mut theirs = Recovery::new(store.clone(), live, key.clone());
        let their_file = theirs.write(&design("theirs")).unwrap();
        let me = Owner::current();
        let mut mine = Recovery::new(store.clone(), me, key.clone());
        assert!(mine.offers().is_empty(), "a live session's work is not offered");
        let my_file = mine.write(&design("mine")).unwrap();
        assert_ne!(my_file, their_file, "a second session writes a file of its own");
        assert_eq!(store.entries().len(), 2);
        let entry = store.entries().into_iter().find(|e| e.owner == live).unwrap();
        assert!(store.remove_orphan(&entry, &me).is_err());
        assert!(mine.adopt(&entry, &design("x")).is_err());
        assert_eq!(mine.discard(), Some(my_file));
        assert!(their_file.exists());
    }

    #[test]
    fn an_orphan_kept_for_later_is_not_overwritten_and_adopting_takes_it_over() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let key = DesignKey::for_path(&dir.path().join("a.ron"));
        let mut old = Recovery::new(store.clone(), dead_owner(), key.clone());
        let old_file = old.write(&design("old")).unwrap();
        let me = Owner::current();
        let mut kept = Recovery::new(store.clone(), me, key.clone());
        let new_file = kept.write(&design("new")).unwrap();
        assert_ne!(old_file, new_file);
        assert!(std::fs::read_to_string(&old_file).unwrap().contains("name: \"old\""));
        kept.discard();
        let mut restoring = Recovery::new(store.clone(), me, key);
        let entry = restoring.offers().remove(0);
        let restored = entry.load().unwrap();
        assert_eq!(restoring.adopt(&entry, &restored).unwrap(), old_file);
        assert!(restoring.offers().is_empty(), "adopted: it is this session's now");
        assert_eq!(restoring.discard(), Some(old_file.clone()));
        assert!(!old_file.exists());
    }

    #[test]
    fn untitled_designs_get_their_own_ids() {
        let me = Owner::current();
        assert_ne!(DesignKey::untitled(&me), DesignKey::untitled(&me));
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let mut r = Recovery::new(store.clone(), me, DesignKey::untitled(&me));
        r.write(&design("sketch")).unwrap();
        let e = &store.entries()[0];
        assert!(matches!(e.key, DesignKey::Untitled(_)));
        assert_eq!(e.name, "sketch");
        assert!(e
            .describe(SystemTime::now())
            .starts_with("untitled design sketch, just now"));
    }

    #[test]
    fn foreign_and_damaged_files_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.ron"), "(hello)").unwrap();
        std::fs::write(dir.path().join("half.ron"), format!("{MAGIC}\n{DESIGN}relative.ron\n")).unwrap();
        assert!(Store::new(dir.path()).entries().is_empty());
        assert!(Store::new(dir.path().join("missing")).entries().is_empty());
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age_text(Duration::from_secs(5)), "just now");
        assert_eq!(age_text(Duration::from_secs(300)), "5 min ago");
        assert_eq!(age_text(Duration::from_secs(7200)), "2 h ago");
        assert_eq!(age_text(Duration::from_secs(3 * 86_400)), "3 days ago");
    }
}
