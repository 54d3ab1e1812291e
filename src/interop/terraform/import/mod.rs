//! `vpcd import terraform DIR`: a design from Terraform code for the AWS
//! provider.
//!
//! [`load`] parses the `.tf` files with hcl-edit (file:line:column on every
//! error) and follows local modules; [`eval`] evaluates Terraform's
//! expression language — variables, locals, references, `count`/`for_each`,
//! the functions of [`functions`] — with stand-ins, named in the report, for
//! what only AWS knows (ids, [`computed`] attributes, data sources).
//! [`resources`] (with `routing`, `filtering`, `compute`, `hybrid`) turns the
//! resources into what `aws ec2 describe-*` would show after `terraform
//! apply`, and the design is then built exactly as `vpcd import aws` builds
//! it, with the same report.

mod compute;
mod computed;
pub mod eval;
mod filtering;
pub mod functions;
mod hybrid;
pub mod load;
pub mod resources;
mod routing;
pub mod value;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use load::{Loc, TfError};

use crate::interop::aws::{self, read, ImportOptions, Imported, Report};
use eval::{Evaluator, Given, ModInst, Scope};
use load::Sources;

/// Choices the user makes on the command line.
#[derive(Debug, Clone, Default)]
pub struct TfOptions {
    /// `--var name=value`, in order (later wins).
    pub vars: Vec<(String, String)>,
    /// `--var-file F`, in order, after `terraform.tfvars` and `*.auto.tfvars`.
    pub var_files: Vec<PathBuf>,
    /// The design's name (default: the folder's name).
    pub name: Option<String>,
}

impl TfOptions {
    /// Adds a `--var NAME=VALUE` as `terraform -var` takes it (the value may
    /// hold `=`); an empty name or no `=` is an error saying what is expected.
    pub fn add_var(&mut self, var: &str) -> Result<(), String> {
        match var.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                self.vars.push((k.trim().to_string(), v.to_string()));
                Ok(())
            }
            _ => Err(format!("--var {var}: expected NAME=VALUE")),
        }
    }
}

/// Module calls nested deeper than this are a cycle.
const MAX_DEPTH: usize = 16;

/// Loads the root module and every local module it calls.
fn load_tree(src: &mut Sources, dir: &Path, report: &mut Report) -> Result<Vec<ModInst>, TfError> {
    let root = load::load_module(src, dir)?;
    let mut mods = vec![ModInst {
        decl: root,
        prefix: String::new(),
        call: None,
        given: HashMap::new(),
    }];
    let mut next = 0;
    while next < mods.len() {
        let depth = mods[next].prefix.matches("module.").count();
        let calls: Vec<_> = mods[next].decl.calls.iter().cloned().enumerate().collect();
        for (ci, call) in calls {
            let l = src.loc_of(call.file, call.span.clone());
            let addr = format!("{}module.{}", mods[next].prefix, call.name);
            let local = call.source.starts_with("./") || call.source.starts_with("../");
            if !local {
                report.skip(
                    &addr,
                    "module",
                    &format!(
                        "{}:{}: source \"{}\" is a registry or remote module: not loaded, so its resources are not in the design",
                        l.file.display(),
                        l.line,
                        call.source
                    ),
                );
                continue;
            }
            if call.body.get_attribute("count").is_some() || call.body.get_attribute("for_each").is_some() {
                return Err(TfError::at(l, "count or for_each on a module call is not supported"));
            }
            if depth >= MAX_DEPTH {
                return Err(TfError::at(l, "modules call each other in a cycle"));
            }
            let child_dir = mods[next].decl.dir.join(&call.source);
            let decl = load::load_module(src, &child_dir).map_err(|e| match e {
                TfError::NoFiles(d) | TfError::Io { path: d, .. } => {
                    TfError::at(l.clone(), format!("module source {d} has no readable .tf files"))
                }
                other => other,
            })?;
            let prefix = format!("{addr}.");
            mods.push(ModInst {
                decl,
                prefix,
                call: Some((next, ci)),
                given: HashMap::new(),
            });
        }
        next += 1;
    }
    Ok(mods)
}

/// Root variable values: `terraform.tfvars`, `*.auto.tfvars` (lexical order),
/// then `--var-file` and `--var` — Terraform's precedence, later wins.
fn given_values(
    src: &mut Sources,
    dir: &Path,
    opts: &TfOptions,
    root: &ModInst,
) -> Result<HashMap<String, Given>, TfError> {
    let mut files: Vec<PathBuf> = Vec::new();
    for f in ["terraform.tfvars", "terraform.tfvars.json"] {
        if dir.join(f).is_file() {
            files.push(dir.join(f));
        }
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    auto.retain(|p| {
        let n = p.to_string_lossy();
        n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
    });
    auto.sort();
    files.extend(auto);
    files.extend(opts.var_files.iter().cloned());
    let mut given = HashMap::new();
    for f in files {
        for (name, expr, file) in load::load_tfvars(src, &f)? {
            given.insert(name, Given::Expr(expr, file));
        }
    }
    for (name, value) in &opts.vars {
        let Some(decl) = root.decl.variable(name) else {
            return Err(TfError::Usage(format!(
                "--var {name}: the root module declares no variable `{name}`"
            )));
        };
        if decl.string_typed {
            given.insert(name.clone(), Given::Literal(value.clone()));
        } else {
            let expr = hcl_edit::parser::parse_expr(value)
                .map_err(|e| TfError::Usage(format!("--var {name}: {}", e.message())))?;
            let file = src.add(PathBuf::from(format!("--var {name}")), value.clone());
            given.insert(name.clone(), Given::Expr(expr, file));
        }
    }
    Ok(given)
}

/// The Region of the root module's provider with this alias (the default provider for `None`).
pub(crate) fn provider_region(ev: &Evaluator, alias: Option<&str>) -> Result<Option<String>, TfError> {
    let Some(p) = ev.mods[0].decl.providers.iter().find(|p| p.alias.as_deref() == alias) else {
        return Ok(None);
    };
    let Some(a) = p.body.get_attribute("region") else {
        return Ok(None);
    };
    Ok(ev.expr(&a.value, &Scope::new(0, p.file))?.as_string())
}

/// Imports the Terraform configuration in `dir`.
pub fn import_dir(dir: &Path, opts: &TfOptions) -> Result<Imported, TfError> {
    let mut src = Sources::default();
    let mut notes = Report::default();
    let mut mods = load_tree(&mut src, dir, &mut notes)?;
    mods[0].given = given_values(&mut src, dir, opts, &mods[0])?;
    let unread: Vec<PathBuf> = mods.iter().flat_map(|m| m.decl.unread.clone()).collect();
    let mut ev = Evaluator::new(src, mods);
    let region = match provider_region(&ev, None)? {
        Some(r) => r,
        None => {
            let first = ev.mods[0].decl.providers.first().and_then(|p| p.alias.clone());
            match first.map(|a| provider_region(&ev, Some(&a))).transpose()?.flatten() {
                Some(r) => r,
                None => {
                    notes.approximate(
                        "provider.aws",
                        "provider",
                        "no provider names a Region: us-east-1 assumed",
                    );
                    "us-east-1".into()
                }
            }
        }
    };
    ev.region = region.clone();
    let files = {
        let mut conv = resources::Conv::new(&ev, &mut notes);
        conv.run()?;
        conv.files()
    };
    let dump = read::Dump {
        files: files
            .into_iter()
            .map(|content| read::SourceFile {
                path: dir.to_path_buf(),
                account: None,
                account_from_layout: false,
                region: Some(region.clone()),
                content,
            })
            .collect(),
        ignored: Vec::new(),
    };
    let aopts = ImportOptions {
        region: Some(region.clone()),
        account: None,
        name: Some(opts.name.clone().unwrap_or_else(|| aws::default_name(dir))),
    };
    let mut imported =
        aws::import_dump(&dump, &aopts, &[dir.to_path_buf()]).map_err(|e| TfError::Usage(e.to_string()))?;
    let r = &mut imported.report;
    // The builder's notes name the stand-in ids: name the resources instead.
    let ids = ev.ids.borrow();
    let named: Vec<(String, String)> = ids.iter().map(|(id, r)| (id.clone(), ev.address(r))).collect();
    let rename = |t: &mut String| {
        for (id, addr) in &named {
            if t.contains(id.as_str()) {
                *t = t.replace(id.as_str(), addr);
            }
        }
    };
    for n in r.skipped.iter_mut().chain(r.approximated.iter_mut()) {
        rename(&mut n.id);
        rename(&mut n.reason);
    }
    r.missing.clear();
    r.skipped.splice(0..0, notes.skipped);
    r.approximated.splice(0..0, notes.approximated);
    for (addr, what) in ev.stand_ins.borrow().iter() {
        r.approximate(addr, "data source", &format!("stand-in: {what}"));
    }
    r.files.clear();
    r.files.insert("Terraform files".into(), ev.src.tf_files());
    r.ignored_files = unread
        .iter()
        .map(|p| aws::report::IgnoredFileNote {
            path: p.display().to_string(),
            keys: Vec::new(),
            reason: "Terraform's JSON syntax is not read".into(),
        })
        .collect();
    r.accounts.clear();
    r.source = "Terraform".into();
    r.region = region;
    // The ids were stand-ins for what AWS assigns: they name nothing in an account.
    imported.design.aws_ids.clear();
    Ok(imported)
}
