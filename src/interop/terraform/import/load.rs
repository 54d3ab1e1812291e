//! Reading a Terraform module: its `.tf` files parsed with hcl-edit (which
//! keeps every expression's byte span), sorted into variables, locals,
//! resources, data sources, module calls, outputs and providers. Every error
//! names file:line:column.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span;

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// Every file read, kept to turn byte offsets into lines and columns.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<(PathBuf, String)>,
}

impl Sources {
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        self.files.push((path, text));
        self.files.len() - 1
    }

    /// How many `.tf` files were read.
    pub fn tf_files(&self) -> usize {
        self.files
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "tf"))
            .count()
    }

    pub fn path(&self, file: FileId) -> &Path {
        &self.files[file].0
    }

    /// The 1-based line and column of a byte offset.
    pub fn loc(&self, file: FileId, offset: usize) -> Loc {
        let (path, text) = &self.files[file];
        let offset = offset.min(text.len());
        let before = &text[..text.floor_char_boundary_compat(offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
        Loc {
            file: path.clone(),
            line,
            col,
        }
    }

    pub fn loc_of(&self, file: FileId, span: Option<Range<usize>>) -> Loc {
        self.loc(file, span.map(|s| s.start).unwrap_or(0))
    }
}

trait FloorBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}

impl FloorBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        while i > 0 && !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
    }
}

/// What makes a Terraform folder unusable: always located where possible.
#[derive(Debug, thiserror::Error)]
pub enum TfError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{loc}: {message}")]
    At { loc: Loc, message: String },
    #[error("no .tf files in {0}")]
    NoFiles(String),
    #[error("{0}")]
    Usage(String),
}

impl TfError {
    pub fn at(loc: Loc, message: impl Into<String>) -> TfError {
        TfError::At {
            loc,
            message: message.into(),
        }
    }

    /// Line and column, when the error has them.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            TfError::At { loc, .. } => Some((loc.line, loc.col)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub default: Option<Expression>,
    /// Whether the declared type is a string (or absent): `--var` values are then taken literally.
    pub string_typed: bool,
    pub file: FileId,
    pub span: Option<Range<usize>>,
}

#[derive(Debug, Clone)]
pub struct Resource {
    /// `data` blocks are data sources; the rest are managed resources.
    pub data: bool,
    pub ty: String,
    pub name: String,
    pub body: Body,
    pub file: FileId,
    pub span: Option<Range<usize>>,
}

#[derive(Debug, Clone)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub body: Body,
    pub file: FileId,
    pub span: Option<Range<usize>>,
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub alias: Option<String>,
    pub body: Body,
    pub file: FileId,
}

#[derive(Debug, Clone)]
pub struct Named {
    pub name: String,
    pub expr: Expression,
    pub file: FileId,
}

/// One module's declarations, from every `.tf` file of its folder.
#[derive(Debug, Clone, Default)]
pub struct ModuleDecl {
    pub dir: PathBuf,
    pub variables: Vec<Variable>,
    pub locals: Vec<Named>,
    pub resources: Vec<Resource>,
    pub calls: Vec<ModuleCall>,
    pub outputs: Vec<Named>,
    pub providers: Vec<Provider>,
    /// Files of the folder vpcd does not read (Terraform's JSON syntax).
    pub unread: Vec<PathBuf>,
}

impl ModuleDecl {
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.name == name)
    }
}

fn read(path: &Path) -> Result<String, TfError> {
    std::fs::read_to_string(path).map_err(|e| TfError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Parses one file, with hcl-edit's location on a syntax error.
pub fn parse(src: &mut Sources, path: &Path) -> Result<(FileId, Body), TfError> {
    let text = read(path)?;
    let parsed = hcl_edit::parser::parse_body(&text);
    let id = src.add(path.to_path_buf(), text);
    match parsed {
        Ok(b) => Ok((id, b)),
        Err(e) => {
            let l = e.location();
            Err(TfError::at(
                Loc {
                    file: path.to_path_buf(),
                    line: l.line(),
                    col: l.column(),
                },
                format!("HCL syntax: {}", e.message()),
            ))
        }
    }
}

fn label(b: &Block, i: usize) -> Option<String> {
    b.labels.get(i).map(|l| l.as_str().to_string())
}

/// Reads the `.tf` files of a folder (not its subfolders, as Terraform does).
pub fn load_module(src: &mut Sources, dir: &Path) -> Result<ModuleDecl, TfError> {
    let entries = std::fs::read_dir(dir).map_err(|e| TfError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let mut m = ModuleDecl {
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    let mut any = false;
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if name.ends_with(".tf.json") {
            m.unread.push(path);
            continue;
        }
        if !name.ends_with(".tf") {
            continue;
        }
        any = true;
        let (file, body) = parse(src, &path)?;
        collect(src, &mut m, file, body)?;
    }
    if !any {
        return Err(TfError::NoFiles(dir.display().to_string()));
    }
    Ok(m)
}

fn collect(src: &Sources, m: &mut ModuleDecl, file: FileId, body: Body) -> Result<(), TfError> {
    for s in body.into_iter() {
        let Structure::Block(b) = s else {
            // A top-level attribute is not valid Terraform.
            continue;
        };
        let span = b.span();
        let need = |n: usize| -> Result<(), TfError> {
            if b.labels.len() < n {
                return Err(TfError::at(
                    src.loc_of(file, span.clone()),
                    format!("`{}` block needs {n} label(s)", b.ident.as_str()),
                ));
            }
            Ok(())
        };
        match b.ident.as_str() {
            "variable" => {
                need(1)?;
                let string_typed = match b.body.get_attribute("type") {
                    None => true,
                    Some(a) => matches!(&a.value, Expression::Variable(v) if v.as_str() == "string"),
                };
                m.variables.push(Variable {
                    name: label(&b, 0).unwrap_or_default(),
                    default: b.body.get_attribute("default").map(|a| a.value.clone()),
                    string_typed,
                    file,
                    span,
                });
            }
            "locals" => {
                for a in b.body.attributes() {
                    m.locals.push(Named {
                        name: a.key.as_str().to_string(),
                        expr: a.value.clone(),
                        file,
                    });
                }
            }
            "output" => {
                need(1)?;
                if let Some(a) = b.body.get_attribute("value") {
                    m.outputs.push(Named {
                        name: label(&b, 0).unwrap_or_default(),
                        expr: a.value.clone(),
                        file,
                    });
                }
            }
            "resource" | "data" => {
                need(2)?;
                m.resources.push(Resource {
                    data: b.ident.as_str() == "data",
                    ty: label(&b, 0).unwrap_or_default(),
                    name: label(&b, 1).unwrap_or_default(),
                    body: b.body.clone(),
                    file,
                    span,
                });
            }
            "module" => {
                need(1)?;
                let source = b
                    .body
                    .get_attribute("source")
                    .and_then(|a| a.value.as_str().map(str::to_string))
                    .unwrap_or_default();
                m.calls.push(ModuleCall {
                    name: label(&b, 0).unwrap_or_default(),
                    source,
                    body: b.body.clone(),
                    file,
                    span,
                });
            }
            "provider" => {
                let alias = b
                    .body
                    .get_attribute("alias")
                    .and_then(|a| a.value.as_str().map(str::to_string));
                m.providers.push(Provider {
                    alias,
                    body: b.body.clone(),
                    file,
                });
            }
            // terraform {}, moved {}, import {}, check {}: nothing a network is made of.
            _ => {}
        }
    }
    Ok(())
}

/// Variable values of a `.tfvars` file (HCL attributes) or `.tfvars.json`, as expressions.
pub fn load_tfvars(src: &mut Sources, path: &Path) -> Result<Vec<(String, Expression, FileId)>, TfError> {
    let name = path.to_string_lossy().to_string();
    if name.ends_with(".json") {
        let text = read(path)?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            TfError::at(
                Loc {
                    file: path.to_path_buf(),
                    line: e.line(),
                    col: e.column(),
                },
                format!("JSON: {e}"),
            )
        })?;
        let file = src.add(path.to_path_buf(), text);
        let serde_json::Value::Object(map) = v else {
            return Err(TfError::at(src.loc(file, 0), "a variables file holds one JSON object"));
        };
        let mut out = Vec::new();
        for (k, v) in map {
            let expr = hcl_edit::parser::parse_expr(&v.to_string())
                .map_err(|e| TfError::at(src.loc(file, 0), format!("{k}: {}", e.message())))?;
            out.push((k, expr, file));
        }
        return Ok(out);
    }
    let (file, body) = parse(src, path)?;
    Ok(body
        .attributes()
        .map(|a| (a.key.as_str().to_string(), a.value.clone(), file))
        .collect())
}
