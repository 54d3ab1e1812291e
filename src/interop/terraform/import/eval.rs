//! The evaluator: Terraform's expression language over hcl-edit's syntax
//! tree. Values are computed on demand and remembered — a resource's
//! attribute is evaluated only when something reads it — so resources refer
//! to each other in any order and a resource vpcd does not model (a key pair
//! reading a file) never needs a value. What AWS decides at apply time is
//! either a stand-in the report names (ids, data sources) or `Unknown`.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;

use super::functions;
use super::load::{FileId, Loc, ModuleDecl, Resource, Sources, TfError};
use super::value::{InstKey, ResRef, Value};

pub type R<T> = Result<T, TfError>;

/// The account id stand-in: a `.tf` file never says which account applies it.
pub const ACCOUNT: &str = "000000000000";

/// A value given from outside a module: `--var`, a `.tfvars` file, or a module call's argument.
#[derive(Debug, Clone)]
pub enum Given {
    Literal(String),
    Expr(Expression, FileId),
}

/// One instance of a module: the root, or a local module called from its parent.
#[derive(Debug)]
pub struct ModInst {
    pub decl: ModuleDecl,
    /// `module.net.` for a child, empty for the root.
    pub prefix: String,
    /// The parent module and the index of the call in it.
    pub call: Option<(usize, usize)>,
    /// Root variables given on the command line or in `.tfvars` files.
    pub given: HashMap<String, Given>,
}

/// Where an expression is evaluated: which module and file, and the
/// instance's `count.index` / `each`, and names bound by `for` or `dynamic`.
#[derive(Debug, Clone)]
pub struct Scope {
    pub m: usize,
    pub file: FileId,
    pub count: Option<i64>,
    pub each: Option<(Value, Value)>,
    pub bound: Vec<(String, Value)>,
}

impl Scope {
    pub fn new(m: usize, file: FileId) -> Scope {
        Scope {
            m,
            file,
            count: None,
            each: None,
            bound: Vec::new(),
        }
    }

    fn bind(&self, name: &str, v: Value) -> Scope {
        let mut s = self.clone();
        s.bound.push((name.to_string(), v));
        s
    }
}

pub struct Evaluator {
    pub src: Sources,
    pub mods: Vec<ModInst>,
    /// The Region of the default provider: the design's.
    pub region: String,
    memo: RefCell<HashMap<String, Value>>,
    active: RefCell<HashSet<String>>,
    instances: RefCell<Expanded>,
    /// Data sources answered with a stand-in, and what it was.
    pub stand_ins: RefCell<BTreeMap<String, String>>,
    /// Every id handed out, and the instance it names.
    pub ids: RefCell<HashMap<String, ResRef>>,
}

/// The instances of each (module, resource) expanded so far, with their `count`/`for_each` value.
type Expanded = HashMap<(usize, usize), Vec<(InstKey, Option<Value>)>>;

/// The AWS id prefix of each resource type vpcd reads (ids AWS would assign).
pub fn id_prefix(ty: &str) -> &'static str {
    match ty {
        "aws_vpc" => "vpc-",
        "aws_subnet" => "subnet-",
        "aws_route_table" | "aws_default_route_table" => "rtb-",
        "aws_internet_gateway" => "igw-",
        "aws_egress_only_internet_gateway" => "eigw-",
        "aws_eip" => "eipalloc-",
        "aws_nat_gateway" => "nat-",
        "aws_security_group" | "aws_default_security_group" => "sg-",
        "aws_security_group_rule" | "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            "sgr-"
        }
        "aws_network_acl" | "aws_default_network_acl" => "acl-",
        "aws_instance" => "i-",
        "aws_network_interface" => "eni-",
        "aws_vpc_peering_connection" => "pcx-",
        "aws_vpc_endpoint" => "vpce-",
        "aws_ec2_transit_gateway" => "tgw-",
        "aws_ec2_transit_gateway_vpc_attachment" | "aws_ec2_transit_gateway_peering_attachment" => "tgw-attach-",
        "aws_ec2_transit_gateway_route_table" => "tgw-rtb-",
        "aws_vpn_gateway" => "vgw-",
        "aws_customer_gateway" => "cgw-",
        "aws_vpn_connection" => "vpn-",
        "aws_ec2_managed_prefix_list" => "pl-",
        "aws_route_table_association" => "rtbassoc-",
        "aws_network_acl_association" => "aclassoc-",
        _ => "tf-",
    }
}

/// A stable id: the prefix and 17 hex digits of a hash of `seed` (FNV-1a, the same on every platform).
pub fn stable_id(prefix: &str, seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{prefix}{h:017x}")
}

impl Evaluator {
    pub fn new(src: Sources, mods: Vec<ModInst>) -> Evaluator {
        Evaluator {
            src,
            mods,
            region: String::new(),
            memo: RefCell::default(),
            active: RefCell::default(),
            instances: RefCell::default(),
            stand_ins: RefCell::default(),
            ids: RefCell::default(),
        }
    }

    pub fn loc(&self, file: FileId, span: Option<Range<usize>>) -> Loc {
        self.src.loc_of(file, span)
    }

    fn err(&self, sc: &Scope, span: Option<Range<usize>>, msg: impl Into<String>) -> TfError {
        TfError::at(self.loc(sc.file, span), msg)
    }

    pub fn resource(&self, r: &ResRef) -> &Resource {
        &self.mods[r.module].decl.resources[r.resource]
    }

    /// `module.x.aws_vpc.main[0]`.
    pub fn address(&self, r: &ResRef) -> String {
        let res = self.resource(r);
        let data = if res.data { "data." } else { "" };
        format!("{}{data}{}.{}{}", self.mods[r.module].prefix, res.ty, res.name, r.key)
    }

    pub fn id_of(&self, r: &ResRef) -> String {
        let id = stable_id(id_prefix(&self.resource(r).ty), &self.address(r));
        self.ids.borrow_mut().entry(id.clone()).or_insert_with(|| r.clone());
        id
    }

    /// A second id an object gives rise to (a VPC's main route table, default NACL and group).
    pub fn derived_id(&self, r: &ResRef, prefix: &str, what: &str) -> String {
        stable_id(prefix, &format!("{}#{what}", self.address(r)))
    }

    /// The instances of a resource: one, `count` of them, or one per `for_each` key.
    pub fn instances(&self, m: usize, ri: usize) -> R<Vec<(InstKey, Option<Value>)>> {
        if let Some(v) = self.instances.borrow().get(&(m, ri)) {
            return Ok(v.clone());
        }
        let res = &self.mods[m].decl.resources[ri];
        let sc = Scope::new(m, res.file);
        let out = if let Some(a) = res.body.get_attribute("count") {
            let v = self.expr(&a.value, &sc)?;
            let n = match v {
                Value::Unknown(why) => {
                    return Err(self.err(&sc, a.value.span(), format!("count is known only after apply ({why})")))
                }
                v => v
                    .as_i64()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| self.err(&sc, a.value.span(), format!("count must be a whole number, not {v}")))?,
            };
            (0..n).map(|i| (InstKey::Index(i), None)).collect()
        } else if let Some(a) = res.body.get_attribute("for_each") {
            match self.expr(&a.value, &sc)? {
                Value::Map(map) => map.into_iter().map(|(k, v)| (InstKey::Key(k), Some(v))).collect(),
                Value::List(l) => {
                    let mut out = Vec::new();
                    for v in l {
                        let k = v
                            .as_string()
                            .ok_or_else(|| self.err(&sc, a.value.span(), "for_each over a set needs strings"))?;
                        out.push((InstKey::Key(k.clone()), Some(Value::String(k))));
                    }
                    out.sort_by(|a, b| a.0.cmp(&b.0));
                    out.dedup_by(|a, b| a.0 == b.0);
                    out
                }
                Value::Unknown(why) => {
                    return Err(self.err(
                        &sc,
                        a.value.span(),
                        format!("for_each is known only after apply ({why})"),
                    ))
                }
                v => {
                    return Err(self.err(
                        &sc,
                        a.value.span(),
                        format!("for_each needs a map or a set of strings, not a {}", v.type_name()),
                    ))
                }
            }
        } else {
            vec![(InstKey::Single, None)]
        };
        self.instances.borrow_mut().insert((m, ri), out.clone());
        Ok(out)
    }

    /// The scope of a resource instance's own expressions.
    pub fn scope_of(&self, r: &ResRef) -> R<Scope> {
        let res = self.resource(r);
        let mut sc = Scope::new(r.module, res.file);
        match &r.key {
            InstKey::Single => {}
            InstKey::Index(i) => sc.count = Some(*i),
            InstKey::Key(k) => {
                let each = self
                    .instances(r.module, r.resource)?
                    .into_iter()
                    .find(|(key, _)| *key == r.key)
                    .and_then(|(_, v)| v)
                    .unwrap_or(Value::Null);
                sc.each = Some((Value::String(k.clone()), each));
            }
        }
        Ok(sc)
    }

    /// A resource (or data source) as a value: one instance, a list (`count`) or a map (`for_each`).
    fn resource_value(&self, m: usize, data: bool, ty: &str, name: &str) -> R<Option<Value>> {
        let Some(ri) = self.mods[m]
            .decl
            .resources
            .iter()
            .position(|r| r.data == data && r.ty == ty && r.name == name)
        else {
            return Ok(None);
        };
        let body = &self.mods[m].decl.resources[ri].body;
        let insts = self.instances(m, ri)?;
        let mk = |key: InstKey| {
            Value::Res(ResRef {
                module: m,
                resource: ri,
                key,
            })
        };
        Ok(Some(if body.get_attribute("count").is_some() {
            Value::List(insts.into_iter().map(|(k, _)| mk(k)).collect())
        } else if body.get_attribute("for_each").is_some() {
            Value::Map(
                insts
                    .into_iter()
                    .filter_map(|(k, _)| match &k {
                        InstKey::Key(s) => Some((s.clone(), mk(k.clone()))),
                        _ => None,
                    })
                    .collect(),
            )
        } else {
            mk(InstKey::Single)
        }))
    }

    fn guarded(&self, key: String, loc: impl FnOnce() -> Loc, f: impl FnOnce() -> R<Value>) -> R<Value> {
        if let Some(v) = self.memo.borrow().get(&key) {
            return Ok(v.clone());
        }
        if !self.active.borrow_mut().insert(key.clone()) {
            return Err(TfError::at(loc(), format!("`{key}` depends on itself")));
        }
        let v = f();
        self.active.borrow_mut().remove(&key);
        let v = v?;
        self.memo.borrow_mut().insert(key, v.clone());
        Ok(v)
    }

    /// One attribute of a resource instance: as written, a nested block, or what AWS computes.
    pub fn attr(&self, r: &ResRef, name: &str) -> R<Value> {
        let res = self.resource(r);
        let key = format!("{}#{name}", self.address(r));
        self.guarded(
            key,
            || self.loc(res.file, res.span.clone()),
            || {
                if name == "id" {
                    return self.id_value(r);
                }
                if let Some(a) = res.body.get_attribute(name) {
                    let sc = self.scope_of(r)?;
                    return self.expr(&a.value, &sc);
                }
                if res.body.blocks().any(|b| b.ident.as_str() == name) {
                    let sc = self.scope_of(r)?;
                    return Ok(Value::List(
                        self.blocks(&res.body, name, &sc)?.into_iter().map(Value::Map).collect(),
                    ));
                }
                if res.data {
                    return self.data_attr(r, name);
                }
                super::computed::computed(self, r, name)
            },
        )
    }

    fn id_value(&self, r: &ResRef) -> R<Value> {
        let res = self.resource(r);
        if res.data {
            return self.data_attr(r, "id");
        }
        // An accepter's id is the id of the connection it accepts (provider docs).
        let own = match res.ty.as_str() {
            "aws_ec2_transit_gateway_peering_attachment_accepter" => Some("transit_gateway_attachment_id"),
            "aws_vpc_peering_connection_accepter" => Some("vpc_peering_connection_id"),
            _ => None,
        };
        if let Some(a) = own.and_then(|k| res.body.get_attribute(k)) {
            let sc = self.scope_of(r)?;
            return self.expr(&a.value, &sc);
        }
        Ok(Value::String(self.id_of(r)))
    }

    fn data_attr(&self, r: &ResRef, name: &str) -> R<Value> {
        let res = self.resource(r);
        let addr = self.address(r);
        let note = |what: String| {
            self.stand_ins.borrow_mut().insert(addr.clone(), what);
        };
        let region = self.region.clone();
        let v = match (res.ty.as_str(), name) {
            ("aws_availability_zones", "names") => {
                note(format!("the Region's zones taken as {region}a, {region}b, {region}c"));
                Value::List(
                    ["a", "b", "c"]
                        .iter()
                        .map(|z| Value::String(format!("{region}{z}")))
                        .collect(),
                )
            }
            ("aws_availability_zones", "zone_ids") => {
                note(format!("the Region's zones taken as {region}a, {region}b, {region}c"));
                Value::List((1..=3).map(|i| Value::String(format!("{region}-az{i}"))).collect())
            }
            ("aws_ami", "id" | "image_id") => {
                note("an AMI id stand-in (the image does not change the network)".into());
                Value::String(stable_id("ami-", &addr))
            }
            ("aws_caller_identity", "account_id" | "id") => {
                note(format!("the account taken as {ACCOUNT}"));
                Value::String(ACCOUNT.into())
            }
            ("aws_region", "name" | "id" | "region") => Value::String(region),
            ("aws_partition", "partition" | "id") => Value::String("aws".into()),
            ("aws_prefix_list", "id") => {
                let sc = self.scope_of(r)?;
                let n = match res.body.get_attribute("name") {
                    Some(a) => self.expr(&a.value, &sc)?.as_string().unwrap_or_default(),
                    None => String::new(),
                };
                Value::String(stable_id("pl-", &n))
            }
            ("aws_vpc_endpoint_service", "service_name") => {
                let sc = self.scope_of(r)?;
                let svc = match res.body.get_attribute("service") {
                    Some(a) => self.expr(&a.value, &sc)?.as_string().unwrap_or_default(),
                    None => String::new(),
                };
                Value::String(format!("com.amazonaws.{region}.{svc}"))
            }
            (ty, _) => {
                note(format!("data source {ty} reads AWS: `{name}` is not known here"));
                Value::Unknown(format!("{addr}.{name} is read from AWS"))
            }
        };
        Ok(v)
    }

    /// The blocks named `name` in a body (and `dynamic "name"` blocks expanded), each as an object.
    pub fn blocks(&self, body: &Body, name: &str, sc: &Scope) -> R<Vec<BTreeMap<String, Value>>> {
        let mut out = Vec::new();
        for s in body.iter() {
            let Structure::Block(b) = s else { continue };
            if b.ident.as_str() == name {
                out.push(self.body_value(&b.body, sc)?);
            } else if b.ident.as_str() == "dynamic" && b.labels.first().map(|l| l.as_str()) == Some(name) {
                let Some(fe) = b.body.get_attribute("for_each") else {
                    return Err(self.err(sc, b.span(), "dynamic block without for_each"));
                };
                let iter = match b.body.get_attribute("iterator").map(|a| &a.value) {
                    Some(Expression::Variable(v)) => v.as_str().to_string(),
                    _ => name.to_string(),
                };
                let Some(content) = b.body.get_blocks("content").next() else {
                    return Err(self.err(sc, b.span(), "dynamic block without content"));
                };
                let coll = self.expr(&fe.value, sc)?;
                for (k, v) in self.pairs(&coll, sc, fe.value.span())? {
                    let mut it = BTreeMap::new();
                    it.insert("key".to_string(), k);
                    it.insert("value".to_string(), v);
                    let inner = sc.bind(&iter, Value::Map(it));
                    out.push(self.body_value(&content.body, &inner)?);
                }
            }
        }
        Ok(out)
    }

    /// A block's body as an object: its attributes and, as lists, its nested blocks.
    pub fn body_value(&self, body: &Body, sc: &Scope) -> R<BTreeMap<String, Value>> {
        let mut m = BTreeMap::new();
        for a in body.attributes() {
            m.insert(a.key.as_str().to_string(), self.expr(&a.value, sc)?);
        }
        let mut names: Vec<String> = Vec::new();
        for b in body.blocks() {
            let n = if b.ident.as_str() == "dynamic" {
                b.labels.first().map(|l| l.as_str().to_string()).unwrap_or_default()
            } else {
                b.ident.as_str().to_string()
            };
            if !names.contains(&n) {
                names.push(n);
            }
        }
        for n in names {
            let v = self.blocks(body, &n, sc)?.into_iter().map(Value::Map).collect();
            m.insert(n, Value::List(v));
        }
        Ok(m)
    }

    /// Key/value pairs of a collection, as `for` and `dynamic` see them.
    fn pairs(&self, v: &Value, sc: &Scope, span: Option<Range<usize>>) -> R<Vec<(Value, Value)>> {
        match v {
            Value::List(l) => Ok(l
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v.clone()))
                .collect()),
            Value::Map(m) => Ok(m.iter().map(|(k, v)| (Value::String(k.clone()), v.clone())).collect()),
            Value::Unknown(why) => Err(self.err(sc, span, format!("cannot iterate: known only after apply ({why})"))),
            other => Err(self.err(sc, span, format!("cannot iterate over a {}", other.type_name()))),
        }
    }

    pub fn var(&self, m: usize, name: &str, sc: &Scope, span: Option<Range<usize>>) -> R<Value> {
        let key = format!("{}var.{name}", self.mods[m].prefix);
        let here = self.loc(sc.file, span.clone());
        self.guarded(
            key,
            || here.clone(),
            || {
                let inst = &self.mods[m];
                let Some(decl) = inst.decl.variable(name) else {
                    return Err(self.err(sc, span.clone(), format!("variable `{name}` is not declared")));
                };
                if let Some(g) = inst.given.get(name) {
                    return match g {
                        Given::Literal(s) => Ok(Value::String(s.clone())),
                        Given::Expr(e, file) => self.expr(e, &Scope::new(m, *file)),
                    };
                }
                if let Some((parent, ci)) = inst.call {
                    let call = &self.mods[parent].decl.calls[ci];
                    if let Some(a) = call.body.get_attribute(name) {
                        return self.expr(&a.value, &Scope::new(parent, call.file));
                    }
                }
                match &decl.default {
                    Some(e) => self.expr(e, &Scope::new(m, decl.file)),
                    None => Err(TfError::at(
                        self.loc(decl.file, decl.span.clone()),
                        format!("variable `{name}` has no value: give it with --var {name}=… or in a .tfvars file"),
                    )),
                }
            },
        )
    }

    fn local(&self, m: usize, name: &str, sc: &Scope, span: Option<Range<usize>>) -> R<Value> {
        let key = format!("{}local.{name}", self.mods[m].prefix);
        let here = self.loc(sc.file, span.clone());
        self.guarded(
            key,
            || here.clone(),
            || match self.mods[m].decl.locals.iter().find(|l| l.name == name) {
                Some(l) => self.expr(&l.expr, &Scope::new(m, l.file)),
                None => Err(self.err(sc, span.clone(), format!("local value `{name}` is not declared"))),
            },
        )
    }

    fn module_output(
        &self,
        m: usize,
        call: &str,
        output: Option<&str>,
        sc: &Scope,
        span: Option<Range<usize>>,
    ) -> R<Value> {
        let Some(ci) = self.mods[m].decl.calls.iter().position(|c| c.name == call) else {
            return Err(self.err(sc, span, format!("module `{call}` is not declared")));
        };
        let Some(child) = self.mods.iter().position(|x| x.call == Some((m, ci))) else {
            return Ok(Value::Unknown(format!("module.{call} is not loaded")));
        };
        let decl = &self.mods[child].decl;
        let eval = |o: &super::load::Named| self.expr(&o.expr, &Scope::new(child, o.file));
        match output {
            Some(o) => match decl.outputs.iter().find(|x| x.name == o) {
                Some(x) => eval(x),
                None => Err(self.err(sc, span, format!("module.{call} has no output `{o}`"))),
            },
            None => {
                let mut map = BTreeMap::new();
                for o in &decl.outputs {
                    map.insert(o.name.clone(), eval(o)?);
                }
                Ok(Value::Map(map))
            }
        }
    }

    pub fn expr(&self, e: &Expression, sc: &Scope) -> R<Value> {
        Ok(match e {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => Value::Number(n.value().as_f64().unwrap_or(0.0)),
            Expression::String(s) => Value::String(s.value().to_string()),
            Expression::Array(a) => {
                let mut out = Vec::new();
                for x in a.iter() {
                    out.push(self.expr(x, sc)?);
                }
                Value::List(out)
            }
            Expression::Object(o) => {
                let mut out = BTreeMap::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(Expression::Variable(i)) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => match self.expr(x, sc)? {
                            Value::Unknown(why) => return Ok(Value::Unknown(why)),
                            kv => kv
                                .as_string()
                                .ok_or_else(|| self.err(sc, x.span(), "an object key must be a string"))?,
                        },
                    };
                    out.insert(key, self.expr(v.expr(), sc)?);
                }
                Value::Map(out)
            }
            Expression::StringTemplate(t) => self.template(t, sc)?,
            Expression::HeredocTemplate(h) => self.template(&h.template, sc)?,
            Expression::Parenthesis(p) => self.expr(p.inner(), sc)?,
            Expression::Variable(v) => self.root(v.as_str(), &[], sc, e.span())?.0,
            Expression::Conditional(c) => match self.expr(&c.cond_expr, sc)? {
                Value::Unknown(why) => Value::Unknown(why),
                v => match v.as_bool() {
                    Some(true) => self.expr(&c.true_expr, sc)?,
                    Some(false) => self.expr(&c.false_expr, sc)?,
                    None => {
                        return Err(self.err(sc, c.cond_expr.span(), format!("a condition must be a bool, not {v}")))
                    }
                },
            },
            Expression::FuncCall(f) => {
                if !f.name.namespace.is_empty() {
                    return Err(self.err(sc, e.span(), "provider-defined functions are not supported"));
                }
                let name = f.name.name.as_str();
                let args: Vec<&Expression> = f.args.iter().collect();
                match name {
                    // These two look at whether their arguments fail, so they get them unevaluated.
                    "try" => {
                        for a in &args {
                            if let Ok(v) = self.expr(a, sc) {
                                if !v.is_unknown() {
                                    return Ok(v);
                                }
                            }
                        }
                        return Err(self.err(sc, e.span(), "try(): no argument could be evaluated"));
                    }
                    "can" => {
                        return Ok(Value::Bool(
                            args.first()
                                .is_some_and(|a| self.expr(a, sc).is_ok_and(|v| !v.is_unknown())),
                        ))
                    }
                    _ => {}
                }
                let mut vals = Vec::new();
                for a in &args {
                    vals.push(self.expr(a, sc)?);
                }
                if f.args.expand_final() {
                    if let Some(last) = vals.pop() {
                        match last {
                            Value::List(l) => vals.extend(l),
                            other => vals.push(other),
                        }
                    }
                }
                functions::call(name, vals).map_err(|m| self.err(sc, e.span(), format!("{name}(): {m}")))?
            }
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                let (v, used) = match &t.expr {
                    Expression::Variable(root) => self.root(root.as_str(), &ops, sc, e.span())?,
                    other => (self.expr(other, sc)?, 0),
                };
                self.apply(v, &ops[used..], sc, e.span())?
            }
            Expression::UnaryOp(u) => {
                let v = self.expr(&u.expr, sc)?;
                if v.is_unknown() {
                    return Ok(v);
                }
                match u.operator.value() {
                    UnaryOperator::Neg => Value::Number(
                        -v.as_f64()
                            .ok_or_else(|| self.err(sc, e.span(), format!("cannot negate {v}")))?,
                    ),
                    UnaryOperator::Not => Value::Bool(
                        !v.as_bool()
                            .ok_or_else(|| self.err(sc, e.span(), format!("`!` needs a bool, not {v}")))?,
                    ),
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.expr(&b.lhs_expr, sc)?;
                let r = self.expr(&b.rhs_expr, sc)?;
                self.binary(*b.operator.value(), l, r)
                    .map_err(|m| self.err(sc, e.span(), m))?
            }
            Expression::ForExpr(f) => {
                let coll = self.expr(&f.intro.collection_expr, sc)?;
                if coll.is_unknown() {
                    return Ok(coll);
                }
                let pairs = self.pairs(&coll, sc, f.intro.collection_expr.span())?;
                let mut list = Vec::new();
                let mut map: BTreeMap<String, Value> = BTreeMap::new();
                for (k, v) in pairs {
                    let mut inner = sc.bind(f.intro.value_var.as_str(), v);
                    if let Some(kv) = &f.intro.key_var {
                        inner = inner.bind(kv.as_str(), k);
                    }
                    if let Some(c) = &f.cond {
                        let keep = self.expr(&c.expr, &inner)?;
                        if keep.is_unknown() {
                            return Ok(keep);
                        }
                        if !keep
                            .as_bool()
                            .ok_or_else(|| self.err(sc, c.expr.span(), "a for condition must be a bool"))?
                        {
                            continue;
                        }
                    }
                    let val = self.expr(&f.value_expr, &inner)?;
                    match &f.key_expr {
                        None => list.push(val),
                        Some(ke) => {
                            let key = self.expr(ke, &inner)?;
                            let key = key
                                .as_string()
                                .ok_or_else(|| self.err(sc, ke.span(), "a for key must be a string"))?;
                            if f.grouping {
                                if let Value::List(l) = map.entry(key).or_insert_with(|| Value::List(Vec::new())) {
                                    l.push(val);
                                }
                            } else if map.insert(key.clone(), val).is_some() {
                                return Err(self.err(
                                    sc,
                                    ke.span(),
                                    format!("duplicate key `{key}` (use `...` to group)"),
                                ));
                            }
                        }
                    }
                }
                if f.key_expr.is_some() {
                    Value::Map(map)
                } else {
                    Value::List(list)
                }
            }
        })
    }

    fn template(&self, t: &Template, sc: &Scope) -> R<Value> {
        let mut out = String::new();
        for el in t.iter() {
            match el {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => match self.expr(&i.expr, sc)? {
                    Value::Unknown(why) => return Ok(Value::Unknown(why)),
                    v => out.push_str(&v.as_string().ok_or_else(|| {
                        self.err(
                            sc,
                            i.expr.span(),
                            format!("cannot put a {} into a string", v.type_name()),
                        )
                    })?),
                },
                Element::Directive(Directive::If(d)) => {
                    let c = self.expr(&d.if_expr.cond_expr, sc)?;
                    if c.is_unknown() {
                        return Ok(c);
                    }
                    let part = if c.as_bool() == Some(true) {
                        Some(&d.if_expr.template)
                    } else {
                        d.else_expr.as_ref().map(|e| &e.template)
                    };
                    if let Some(p) = part {
                        match self.template(p, sc)? {
                            Value::String(s) => out.push_str(&s),
                            other => return Ok(other),
                        }
                    }
                }
                Element::Directive(Directive::For(d)) => {
                    let fe = &d.for_expr;
                    let coll = self.expr(&fe.collection_expr, sc)?;
                    if coll.is_unknown() {
                        return Ok(coll);
                    }
                    for (k, v) in self.pairs(&coll, sc, fe.collection_expr.span())? {
                        let mut inner = sc.bind(fe.value_var.as_str(), v);
                        if let Some(kv) = &fe.key_var {
                            inner = inner.bind(kv.as_str(), k);
                        }
                        match self.template(&fe.template, &inner)? {
                            Value::String(s) => out.push_str(&s),
                            other => return Ok(other),
                        }
                    }
                }
            }
        }
        Ok(Value::String(out))
    }

    fn binary(&self, op: BinaryOperator, l: Value, r: Value) -> Result<Value, String> {
        use BinaryOperator as B;
        if l.is_unknown() {
            return Ok(l);
        }
        if r.is_unknown() {
            return Ok(r);
        }
        let num = |v: &Value| {
            v.as_f64()
                .ok_or_else(|| format!("`{}` needs numbers, not {v}", op.as_str()))
        };
        let boolean = |v: &Value| {
            v.as_bool()
                .ok_or_else(|| format!("`{}` needs bools, not {v}", op.as_str()))
        };
        Ok(match op {
            B::Eq => Value::Bool(equal(&l, &r)),
            B::NotEq => Value::Bool(!equal(&l, &r)),
            B::Less => Value::Bool(num(&l)? < num(&r)?),
            B::LessEq => Value::Bool(num(&l)? <= num(&r)?),
            B::Greater => Value::Bool(num(&l)? > num(&r)?),
            B::GreaterEq => Value::Bool(num(&l)? >= num(&r)?),
            B::Plus => Value::Number(num(&l)? + num(&r)?),
            B::Minus => Value::Number(num(&l)? - num(&r)?),
            B::Mul => Value::Number(num(&l)? * num(&r)?),
            B::Div => {
                let d = num(&r)?;
                if d == 0.0 {
                    return Err("division by zero".into());
                }
                Value::Number(num(&l)? / d)
            }
            B::Mod => {
                let d = num(&r)?;
                if d == 0.0 {
                    return Err("modulo by zero".into());
                }
                Value::Number(num(&l)? % d)
            }
            B::And => Value::Bool(boolean(&l)? && boolean(&r)?),
            B::Or => Value::Bool(boolean(&l)? || boolean(&r)?),
        })
    }

    /// A reference's root (`var.x`, `aws_vpc.main`, `module.net.ids`, …) and how many
    /// traversal steps it used.
    fn root(
        &self,
        root: &str,
        ops: &[&TraversalOperator],
        sc: &Scope,
        span: Option<Range<usize>>,
    ) -> R<(Value, usize)> {
        if let Some((_, v)) = sc.bound.iter().rev().find(|(n, _)| n == root) {
            return Ok((v.clone(), 0));
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        let need =
            |i: usize, what: &str| attr(i).ok_or_else(|| self.err(sc, span.clone(), format!("`{root}` needs {what}")));
        Ok(match root {
            "var" => (self.var(sc.m, need(0, "a variable name")?, sc, span.clone())?, 1),
            "local" => (self.local(sc.m, need(0, "a local value's name")?, sc, span.clone())?, 1),
            "count" => match (need(0, "`.index`")?, sc.count) {
                ("index", Some(i)) => (Value::Number(i as f64), 1),
                _ => return Err(self.err(sc, span, "count.index is only known in a resource with count")),
            },
            "each" => match (need(0, "`.key` or `.value`")?, &sc.each) {
                ("key", Some((k, _))) => (k.clone(), 1),
                ("value", Some((_, v))) => (v.clone(), 1),
                _ => {
                    return Err(self.err(
                        sc,
                        span,
                        "each.key and each.value are only known in a resource with for_each",
                    ))
                }
            },
            "path" => {
                let dir = match need(0, "`.module`, `.root` or `.cwd`")? {
                    "module" => self.mods[sc.m].decl.dir.clone(),
                    _ => self.mods[0].decl.dir.clone(),
                };
                (Value::String(dir.display().to_string()), 1)
            }
            "terraform" => (Value::String("default".into()), 1),
            "data" => {
                let ty = need(0, "a data source type")?;
                let name = need(1, "a data source name")?;
                match self.resource_value(sc.m, true, ty, name)? {
                    Some(v) => (v, 2),
                    None => return Err(self.err(sc, span, format!("data.{ty}.{name} is not declared"))),
                }
            }
            "module" => {
                let call = need(0, "a module name")?;
                match attr(1) {
                    Some(o) => (self.module_output(sc.m, call, Some(o), sc, span)?, 2),
                    None => (self.module_output(sc.m, call, None, sc, span)?, 1),
                }
            }
            ty => {
                let name = attr(0);
                match name
                    .map(|n| self.resource_value(sc.m, false, ty, n))
                    .transpose()?
                    .flatten()
                {
                    Some(v) => (v, 1),
                    None => {
                        let what = match name {
                            Some(n) => format!("{ty}.{n}"),
                            None => ty.to_string(),
                        };
                        return Err(self.err(sc, span, format!("unknown reference `{what}`")));
                    }
                }
            }
        })
    }

    fn apply(&self, mut v: Value, ops: &[&TraversalOperator], sc: &Scope, span: Option<Range<usize>>) -> R<Value> {
        for (i, op) in ops.iter().enumerate() {
            v = match op {
                TraversalOperator::GetAttr(a) => self.get_attr(v, a.as_str(), sc, span.clone())?,
                TraversalOperator::Index(e) => {
                    let k = self.expr(e, sc)?;
                    self.index(v, k, sc, e.span())?
                }
                TraversalOperator::LegacyIndex(n) => {
                    self.index(v, Value::Number(*n.value() as f64), sc, span.clone())?
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let elems = match v {
                        Value::List(l) => l,
                        Value::Null => Vec::new(),
                        Value::Unknown(why) => return Ok(Value::Unknown(why)),
                        other => vec![other],
                    };
                    let mut out = Vec::new();
                    for x in elems {
                        out.push(self.apply(x, &ops[i + 1..], sc, span.clone())?);
                    }
                    return Ok(Value::List(out));
                }
            };
        }
        Ok(v)
    }

    pub fn get_attr(&self, v: Value, name: &str, sc: &Scope, span: Option<Range<usize>>) -> R<Value> {
        match v {
            Value::Map(mut m) => m
                .remove(name)
                .ok_or_else(|| self.err(sc, span, format!("the object has no attribute `{name}`"))),
            Value::Res(r) => self.attr(&r, name),
            Value::Unknown(why) => Ok(Value::Unknown(why)),
            other => Err(self.err(sc, span, format!("a {} has no attribute `{name}`", other.type_name()))),
        }
    }

    fn index(&self, v: Value, k: Value, sc: &Scope, span: Option<Range<usize>>) -> R<Value> {
        if k.is_unknown() {
            return Ok(k);
        }
        match v {
            Value::List(l) => {
                let i = k
                    .as_i64()
                    .ok_or_else(|| self.err(sc, span.clone(), format!("a list index must be a number, not {k}")))?;
                usize::try_from(i).ok().and_then(|i| l.get(i).cloned()).ok_or_else(|| {
                    self.err(
                        sc,
                        span,
                        format!("index {i} is out of range (the list has {})", l.len()),
                    )
                })
            }
            Value::Map(mut m) => {
                let key = k
                    .as_string()
                    .ok_or_else(|| self.err(sc, span.clone(), format!("a map key must be a string, not {k}")))?;
                m.remove(&key)
                    .ok_or_else(|| self.err(sc, span, format!("the map has no key \"{key}\"")))
            }
            Value::Unknown(why) => Ok(Value::Unknown(why)),
            other => Err(self.err(sc, span, format!("cannot index a {}", other.type_name()))),
        }
    }
}

/// Terraform's `==`: numbers by value, everything else structurally.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, va), (kb, vb))| ka == kb && equal(va, vb))
        }
        _ => a == b,
    }
}
