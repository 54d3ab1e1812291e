//! The student's practice record: per exercise, whether it was solved, the
//! best score, the hints taken and the time spent. It lives in the user's
//! state directory (`$XDG_STATE_HOME/vpcd/progress.ron`, else
//! `~/.local/state/vpcd/progress.ron`), is written by the designer's practice
//! mode when an exercise is solved, printed by `vpcd exercise --progress` and
//! cleared by `vpcd exercise --progress --reset`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One exercise's record.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Record {
    pub title: String,
    pub solved: bool,
    /// The best score reached (0–100).
    pub best_score: u32,
    /// Hints taken in the attempt that reached the best score.
    pub hints_used: usize,
    /// Seconds spent until solved (the fastest solve), or so far.
    pub seconds: u64,
    /// How many times the exercise was solved.
    pub solves: u32,
}

/// The whole record, by exercise id (a bundled id, or the file name of an exercise).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Progress {
    pub exercises: BTreeMap<String, Record>,
}

/// `$XDG_STATE_HOME/vpcd/progress.ron`, else `~/.local/state/vpcd/progress.ron`.
pub fn default_path() -> Option<PathBuf> {
    crate::io::state_dir().map(|d| d.join("progress.ron"))
}

impl Progress {
    /// Reads the record; a missing file is an empty record.
    pub fn load(path: &Path) -> Result<Progress, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Progress::default()),
            Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
        };
        ron::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Writes the record atomically, creating the directory.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let config = ron::ser::PrettyConfig::new().indentor("  ".to_string());
        let text = ron::ser::to_string_pretty(self, config).map_err(|e| e.to_string())?;
        crate::io::write_atomic(path, format!("{text}\n").as_bytes()).map_err(|e| e.to_string())
    }

    /// Records a solve: keeps the best score (and its hints) and the fastest time.
    pub fn record_solve(&mut self, id: &str, title: &str, score: u32, hints_used: usize, seconds: u64) {
        let r = self.exercises.entry(id.to_string()).or_default();
        r.title = title.to_string();
        if !r.solved || score > r.best_score {
            r.best_score = score;
            r.hints_used = hints_used;
        }
        r.seconds = if r.solved { r.seconds.min(seconds) } else { seconds };
        r.solved = true;
        r.solves += 1;
    }

    pub fn solved(&self, id: &str) -> bool {
        self.exercises.get(id).is_some_and(|r| r.solved)
    }

    /// The record as text, one exercise per line.
    pub fn to_text(&self) -> String {
        if self.exercises.is_empty() {
            return "no exercises solved yet\n".to_string();
        }
        let mut out = String::new();
        for (id, r) in &self.exercises {
            out.push_str(&format!(
                "{} {:<24} score {:>3}  hints {}  time {}m{:02}s  solved {}×  {}\n",
                if r.solved { "✓" } else { " " },
                id,
                r.best_score,
                r.hints_used,
                r.seconds / 60,
                r.seconds % 60,
                r.solves,
                r.title
            ));
        }
        let solved = self.exercises.values().filter(|r| r.solved).count();
        out.push_str(&format!("{solved} solved\n"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_keep_the_best_score_and_the_fastest_time_and_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join("progress.ron");
        let mut p = Progress::load(&path).unwrap();
        assert!(p.exercises.is_empty() && !p.solved("nat-per-az"));
        p.record_solve("nat-per-az", "Survive the loss of an AZ", 75, 1, 300);
        p.record_solve("nat-per-az", "Survive the loss of an AZ", 100, 0, 420);
        p.record_solve("nat-per-az", "Survive the loss of an AZ", 90, 1, 200);
        let r = &p.exercises["nat-per-az"];
        assert_eq!((r.best_score, r.hints_used, r.seconds, r.solves), (100, 0, 200, 3));
        p.save(&path).unwrap();
        let again = Progress::load(&path).unwrap();
        assert_eq!(again, p);
        assert!(again.solved("nat-per-az"));
        assert!(again.to_text().contains("1 solved"));
        std::fs::write(&path, "(exercises: {").unwrap();
        assert!(Progress::load(&path).unwrap_err().contains("progress.ron"));
    }
}
