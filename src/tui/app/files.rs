//! File handling: save, save as, open (with the unsaved-changes guard) and
//! the recovery file.

use super::*;

impl App {
    pub(super) fn open_save_as(&mut self) {
        let default = match self.ws.path() {
            Some(p) => p.display().to_string(),
            None => self
                .opts
                .saves_dir
                .join(format!("{}.ron", self.ws.design().name))
                .display()
                .to_string(),
        };
        self.modal = Some(Modal::Form(Box::new(Form::single(
            "save as",
            Purpose::SaveAs,
            "path",
            &default,
            crate::forms::Check::Path,
        ))));
    }

    pub(super) fn resolve_save_path(&self, p: PathBuf) -> PathBuf {
        let p = if p.extension().is_none() {
            p.with_extension("ron")
        } else {
            p
        };
        // A bare file name goes to the saves folder.
        if p.parent().is_none_or(|d| d.as_os_str().is_empty()) {
            self.opts.saves_dir.join(p)
        } else {
            p
        }
    }

    /// "Save as": the design takes the name the user gave the file
    /// (`saves/lab-2.ron` names it `lab-2`, as the title bar then shows), then
    /// it is saved there. A file name that is no valid design name leaves the
    /// name as it was.
    pub(super) fn save_as(&mut self, path: &Path) {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if crate::edit::valid_name(stem) && stem != self.ws.design().name {
            let mut info = crate::edit::DesignInfo::of(self.ws.design());
            info.name = stem.to_string();
            if let Err(e) = self.apply_edit(Edit::SetInfo(info)) {
                self.status = Status::Error(format!("not saved: {e}"));
                return;
            }
        }
        self.save_to(path);
    }

    pub(super) fn save_to(&mut self, path: &Path) {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Err(e) = std::fs::create_dir_all(dir) {
                self.status = Status::Error(format!("cannot create {}: {e}", dir.display()));
                return;
            }
        }
        match crate::io::save(path, &self.design_to_save()) {
            Ok(()) => {
                // The work is in the file now: this design's recovery goes;
                // under a new name the recovery follows the new file.
                self.remove_recovery();
                let renamed = self.ws.path() != Some(path);
                self.ws.set_path(path);
                if renamed {
                    self.switch_recovery();
                }
                self.ws.mark_saved();
                self.status = Status::Info(format!("saved {}", path.display()));
            }
            Err(e) => self.status = Status::Error(e.to_string()),
        }
    }

    pub(super) fn request_open(&mut self, path: PathBuf) {
        if self.ws.is_dirty() {
            self.modal = Some(Modal::Confirm {
                prompt: format!("Discard unsaved changes and open {}? (y/n)", path.display()),
                pending: Pending::Open(path),
            });
        } else {
            self.confirm(Pending::Open(path), true);
        }
    }

    pub(super) fn finish_clean(&mut self) {
        self.remove_recovery();
        self.quit = true;
    }
}

/// Opens a design file, or a new empty design named after it when it does not exist.
pub fn open_design(path: &Path) -> Result<(Design, bool), String> {
    if path.exists() {
        crate::io::load(path).map(|d| (d, true)).map_err(|e| e.to_string())
    } else {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| crate::edit::valid_name(s))
            .unwrap_or("untitled");
        Ok((Design::empty(name, "us-east-1", &["us-east-1a", "us-east-1b"]), false))
    }
}

pub(super) fn list_designs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
