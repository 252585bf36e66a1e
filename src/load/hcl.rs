//! The `.tf` sources of a plan (`--terraform-dir`): where in the HCL a value the plan holds was
//! written, so a finding points at the line a merge request shows and a fix edits it.
//!
//! Parsed with `hcl-edit`, which keeps every token's byte range. A value is located when the
//! attribute that produced it holds it as a literal: a string (`policy_arn = "arn:…"`), a string
//! inside `jsonencode({…})`, or a JSON string token inside a heredoc (`policy = <<EOF … EOF`).
//! Anything else (a variable, a reference, a function of them) is located at the attribute, with
//! no edit: the value comes from elsewhere.

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::Element;
use std::ops::Range;
use std::path::Path;

/// One `.tf` file, parsed.
pub struct TfFile {
    pub path: String,
    pub text: String,
    /// The module source when this file is a copy `terraform init` made of a registry or git
    /// module (under `.terraform/modules/`): located, never edited.
    pub vendored: Option<String>,
    body: Body,
}

/// What `--terraform-dir` holds: its `.tf` files (and its modules' below it), and the ones that
/// are not valid HCL: path, byte offset, message.
#[derive(Default)]
pub struct Locator {
    /// The folder given, as the files' paths start.
    root: std::path::PathBuf,
    pub files: Vec<TfFile>,
    pub problems: Vec<(String, String, usize, String)>,
    /// Module calls `terraform init` installed under `.terraform/modules/` (its
    /// `modules.json`): module address (`module.app.module.db`) and folder relative to the root.
    pub vendored: Vec<(String, String)>,
}

impl std::fmt::Debug for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locator")
            .field("root", &self.root)
            .field("files", &self.files.len())
            .field("problems", &self.problems.len())
            .finish()
    }
}

/// Where a value stands in a `.tf` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// Index into [`Locator::files`].
    pub file: usize,
    pub span: Range<usize>,
    pub how: How,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// An HCL string literal, quotes included: an edit writes an HCL string.
    HclString,
    /// A JSON string token inside a heredoc, quotes included: an edit writes a JSON string.
    JsonInHeredoc,
    /// The attribute's expression, which is no literal: no edit.
    Expression,
}

/// At most this many `.tf` files, each at most [`crate::load::MAX_FILE_BYTES`].
const MAX_FILES: usize = 10_000;

impl Locator {
    /// Reads every `*.tf` under `dir` (not `.terraform/`, where `terraform init` keeps copies of
    /// remote modules). An unreadable folder is an error; a file that is not HCL is a problem.
    pub fn read(dir: &Path) -> Result<Locator, String> {
        let mut paths = Vec::new();
        collect(dir, &mut paths, 0).map_err(|e| format!("{}: {e}", dir.display()))?;
        paths.sort();
        let mut out = Locator {
            root: dir.to_path_buf(),
            ..Locator::default()
        };
        let mut sources = vec![None; paths.len()];
        for (address, folder, source) in installed_modules(dir) {
            let mut here = Vec::new();
            if let Ok(entries) = std::fs::read_dir(dir.join(&folder)) {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_file() && path.extension().is_some_and(|e| e == "tf") {
                        here.push(path);
                    }
                }
            }
            here.sort();
            sources.extend(here.iter().map(|_| Some(source.clone())));
            paths.extend(here);
            out.vendored.push((address, folder));
        }
        for (path, vendored) in paths.into_iter().zip(sources).take(MAX_FILES) {
            let name = path.to_string_lossy().into_owned();
            let bytes = crate::load::read_bytes(&name).map_err(|e| e.to_string())?;
            let Ok(text) = String::from_utf8(bytes) else {
                out.problems
                    .push((name, String::new(), 0, "the file is not UTF-8 text".into()));
                continue;
            };
            out.add(name, text, vendored);
        }
        Ok(out)
    }

    /// One `.tf` file's text, as if read from a folder of its own.
    pub fn from_text(path: &str, text: &str) -> Locator {
        let mut out = Locator::default();
        out.add(path.to_string(), text.to_string(), None);
        out
    }

    /// A file parsed into `files`, or its parse error into `problems`.
    fn add(&mut self, name: String, text: String, vendored: Option<String>) {
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => self.files.push(TfFile {
                path: name,
                text,
                vendored,
                body,
            }),
            Err(e) => {
                let line = e.location().line();
                let column = e.location().column();
                let offset = offset_of(&text, line, column);
                self.problems.push((
                    name,
                    text,
                    offset,
                    format!("not valid HCL: {}", e.message()),
                ));
            }
        }
    }

    /// Where `value` (the text a plan holds) was written in attribute `attr` of the resource at
    /// `address` (`module.app.aws_iam_role_policy.exec[0]`); the attribute itself when the value
    /// is not a literal there; `None` when no single block is that resource.
    ///
    /// `module_dir` is the resource's module folder relative to the root (`""` for the root
    /// module) when the plan's configuration says it: only that folder's files are searched.
    pub fn find(
        &self,
        address: &str,
        attr: &str,
        value: &str,
        module_dir: Option<&str>,
    ) -> Option<Place> {
        let (file, expression) = self.attribute(address, attr, module_dir)?;
        let text = &self.files[file].text;
        match literal(expression, value, text) {
            Some((span, how)) => Some(Place { file, span, how }),
            None => expression.span().map(|span| Place {
                file,
                span,
                how: How::Expression,
            }),
        }
    }

    /// The expression of attribute `attr` of the resource at `address`, and the file it is in;
    /// `None` when no single block is that resource or it has no such attribute.
    pub fn attribute(
        &self,
        address: &str,
        attr: &str,
        module_dir: Option<&str>,
    ) -> Option<(usize, &Expression)> {
        let (data, kind, name) = split_address(address)?;
        let wanted = if data { "data" } else { "resource" };
        let folder = module_dir.and_then(|d| std::fs::canonicalize(self.root.join(d)).ok());
        let mut found = None;
        for (i, f) in self.files.iter().enumerate() {
            if let Some(folder) = &folder {
                let parent = Path::new(&f.path)
                    .parent()
                    .and_then(|p| std::fs::canonicalize(p).ok());
                if parent.as_ref() != Some(folder) {
                    continue;
                }
            }
            for s in f.body.iter() {
                let Structure::Block(b) = s else { continue };
                let labels = labels(b);
                if b.ident.as_str() == wanted && labels == [kind.as_str(), name.as_str()] {
                    if found.is_some() {
                        // The same resource in two modules: which one, only the plan's
                        // configuration says; no place is better than a wrong one.
                        return None;
                    }
                    found = Some((i, &b.body));
                }
            }
        }
        let (file, body) = found?;
        body.iter().find_map(|s| match s {
            Structure::Attribute(a) if a.key.as_str() == attr => Some((file, &a.value)),
            _ => None,
        })
    }

    /// The names of the `resource` blocks of a type, each with its file's index.
    pub fn resources(&self, kind: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, f) in self.files.iter().enumerate() {
            for s in f.body.iter() {
                let Structure::Block(b) = s else { continue };
                let labels = labels(b);
                if b.ident.as_str() == "resource"
                    && labels.first() == Some(&kind)
                    && let Some(name) = labels.get(1)
                {
                    out.push((i, name.to_string()));
                }
            }
        }
        out
    }

    /// The folder of a module relative to the root (`""` for the root module): the local one a
    /// plan's configuration gives (`plan_dirs`, [`super::terraform::module_dirs`]), else the copy
    /// `terraform init` installed. `None` when neither says (every folder is then searched).
    pub fn module_dir<'a>(
        &'a self,
        module: &str,
        plan_dirs: &'a [(String, String)],
    ) -> Option<&'a str> {
        if module.is_empty() {
            return (!plan_dirs.is_empty()).then_some("");
        }
        plan_dirs
            .iter()
            .chain(&self.vendored)
            .find(|(m, _)| m == module)
            .map(|(_, d)| d.as_str())
    }

    /// The expression of `local.NAME` as the `locals` blocks of the folder `file` is in define
    /// it (a module's locals are its folder's).
    pub fn local(&self, file: usize, name: &str) -> Option<(usize, &Expression)> {
        let folder = Path::new(&self.files.get(file)?.path).parent();
        self.files
            .iter()
            .enumerate()
            .filter(|(_, f)| Path::new(&f.path).parent() == folder)
            .find_map(|(i, f)| {
                f.body.iter().find_map(|s| match s {
                    Structure::Block(b) if b.ident.as_str() == "locals" => {
                        b.body.iter().find_map(|s| match s {
                            Structure::Attribute(a) if a.key.as_str() == name => {
                                Some((i, &a.value))
                            }
                            _ => None,
                        })
                    }
                    _ => None,
                })
            })
    }
}

/// A block's labels as written (`resource "aws_iam_role" "exec"` → `["aws_iam_role", "exec"]`).
fn labels(b: &hcl_edit::structure::Block) -> Vec<&str> {
    b.labels
        .iter()
        .map(|l| match l {
            hcl_edit::structure::BlockLabel::Ident(i) => i.as_str(),
            hcl_edit::structure::BlockLabel::String(s) => s.as_str(),
        })
        .collect()
}

/// The text of a plain traversal (`aws_secretsmanager_secret.db.arn`, `var.name`,
/// `aws_iam_role.exec[0].arn`); `None` for splats and computed indexes.
pub fn traversal_text(e: &Expression) -> Option<String> {
    match e {
        Expression::Variable(v) => Some(v.as_str().to_string()),
        Expression::Traversal(t) => {
            let mut out = traversal_text(&t.expr)?;
            for op in &t.operators {
                match op.value() {
                    TraversalOperator::GetAttr(a) => {
                        out.push('.');
                        out.push_str(a.as_str());
                    }
                    TraversalOperator::LegacyIndex(i) => out.push_str(&format!("[{}]", i.value())),
                    TraversalOperator::Index(Expression::Number(n)) => {
                        out.push_str(&format!("[{}]", n.value()));
                    }
                    TraversalOperator::Index(Expression::String(s)) => {
                        out.push_str(&format!("[{}]", serde_json::to_string(s.as_str()).ok()?));
                    }
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// The value of an HCL expression built from literals, objects, arrays, string templates,
/// `jsonencode(…)` and references that `resolve` can tell (given the reference's text, as
/// [`traversal_text`] writes it). `Err` names the first part that cannot be told: nothing is
/// guessed.
pub fn evaluate(
    e: &Expression,
    resolve: &mut dyn FnMut(&str) -> Option<serde_json::Value>,
    depth: usize,
) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    if depth > 64 {
        return Err("an expression nested too deeply".into());
    }
    let cannot = |what: &str| {
        let what = what.trim();
        Err(match what.char_indices().nth(60) {
            Some((i, _)) => format!("`{}…`", &what[..i]),
            None => format!("`{what}`"),
        })
    };
    match e {
        Expression::Null(_) => Ok(Value::Null),
        Expression::Bool(b) => Ok(Value::Bool(*b.value())),
        Expression::Number(n) => {
            serde_json::from_str(&n.value().to_string()).map_err(|e| e.to_string())
        }
        Expression::String(s) => Ok(Value::String(s.as_str().to_string())),
        Expression::Array(a) => a
            .iter()
            .map(|i| evaluate(i, resolve, depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Expression::Object(o) => {
            let mut out = serde_json::Map::new();
            for (k, v) in o.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                    ObjectKey::Expression(k) => match evaluate(k, resolve, depth + 1)? {
                        Value::String(s) => s,
                        other => other.to_string(),
                    },
                };
                out.insert(key, evaluate(v.expr(), resolve, depth + 1)?);
            }
            Ok(Value::Object(out))
        }
        Expression::Parenthesis(p) => evaluate(p.inner(), resolve, depth + 1),
        Expression::StringTemplate(t) => template(t.iter(), resolve, depth).map(Value::String),
        Expression::HeredocTemplate(h) => {
            template(h.template.iter(), resolve, depth).map(Value::String)
        }
        Expression::FuncCall(f)
            if f.name.namespace.is_empty()
                && f.name.name.as_str() == "jsonencode"
                && f.args.len() == 1 =>
        {
            let arg = f.args.iter().next().ok_or("jsonencode()")?;
            // Terraform's objects are maps: `jsonencode` writes their keys sorted.
            let v = sorted(evaluate(arg, resolve, depth + 1)?);
            serde_json::to_string(&v)
                .map(Value::String)
                .map_err(|e| e.to_string())
        }
        Expression::FuncCall(f)
            if f.name.namespace.is_empty() && f.name.name.as_str() == "tostring" =>
        {
            let arg = f.args.iter().next().ok_or("tostring()")?;
            match evaluate(arg, resolve, depth + 1)? {
                Value::String(s) => Ok(Value::String(s)),
                v @ (Value::Number(_) | Value::Bool(_)) => Ok(Value::String(v.to_string())),
                _ => cannot(&e.to_string()),
            }
        }
        Expression::FuncCall(f) if f.name.namespace.is_empty() => {
            let args = f
                .args
                .iter()
                .map(|a| evaluate(a, resolve, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            let name = f.name.name.as_str();
            match (name, &args[..]) {
                ("concat", _) if args.iter().all(Value::is_array) => Ok(Value::Array(
                    args.into_iter()
                        .flat_map(|a| match a {
                            Value::Array(items) => items,
                            _ => Vec::new(),
                        })
                        .collect(),
                )),
                ("merge", _) if args.iter().all(|a| a.is_object() || a.is_null()) => {
                    let mut out = serde_json::Map::new();
                    for a in args {
                        if let Value::Object(m) = a {
                            out.extend(m);
                        }
                    }
                    Ok(Value::Object(out))
                }
                // The first argument that is neither null nor an empty string.
                ("coalesce", _) => args
                    .into_iter()
                    .find(|a| !a.is_null() && a.as_str() != Some(""))
                    .ok_or_else(|| "`coalesce` of nothing".to_string()),
                ("flatten", [Value::Array(_)]) => {
                    fn flat(v: Value, out: &mut Vec<Value>) {
                        match v {
                            Value::Array(items) => items.into_iter().for_each(|i| flat(i, out)),
                            other => out.push(other),
                        }
                    }
                    let mut out = Vec::new();
                    flat(args.into_iter().next().unwrap_or_default(), &mut out);
                    Ok(Value::Array(out))
                }
                ("tolist" | "toset", [Value::Array(_)]) | ("tomap", [Value::Object(_)]) => {
                    Ok(args.into_iter().next().unwrap_or_default())
                }
                _ => cannot(&e.to_string()),
            }
        }
        Expression::Conditional(c) => match evaluate(&c.cond_expr, resolve, depth + 1)? {
            Value::Bool(true) => evaluate(&c.true_expr, resolve, depth + 1),
            Value::Bool(false) => evaluate(&c.false_expr, resolve, depth + 1),
            _ => cannot(&c.cond_expr.to_string()),
        },
        Expression::Variable(_) | Expression::Traversal(_) => {
            let text = traversal_text(e).ok_or_else(|| format!("`{}`", e.to_string().trim()))?;
            resolve(&text).ok_or_else(|| format!("`{text}`"))
        }
        other => cannot(&other.to_string()),
    }
}

fn sorted(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            let mut entries: Vec<_> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.into_iter().map(sorted).collect())
        }
        other => other,
    }
}

/// A template's string: its literal text with each interpolation's value; directives (`%{if}`,
/// `%{for}`) cannot be told.
fn template<'t>(
    elements: impl Iterator<Item = &'t Element>,
    resolve: &mut dyn FnMut(&str) -> Option<serde_json::Value>,
    depth: usize,
) -> Result<String, String> {
    let mut out = String::new();
    for element in elements {
        match element {
            Element::Literal(l) => out.push_str(l.value()),
            Element::Interpolation(i) => match evaluate(&i.expr, resolve, depth + 1)? {
                serde_json::Value::String(s) => out.push_str(&s),
                v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => {
                    out.push_str(&v.to_string());
                }
                _ => return Err(format!("`${{{}}}`", i.expr.to_string().trim())),
            },
            Element::Directive(_) => return Err("a template directive (`%{…}`)".into()),
        }
    }
    Ok(out)
}

/// The modules `terraform init` installed from a registry or git (`.terraform/modules/modules.json`:
/// `{"Modules": [{"Key": "app.db", "Source": "…", "Dir": ".terraform/modules/app.db"}]}`): module
/// address, folder relative to `dir`, source. Local modules are read where they are.
fn installed_modules(dir: &Path) -> Vec<(String, String, String)> {
    let manifest = dir.join(".terraform/modules/modules.json");
    let Ok(bytes) = crate::load::read_bytes(&manifest.to_string_lossy()) else {
        return Vec::new();
    };
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in json["Modules"].as_array().into_iter().flatten() {
        let (Some(key), Some(folder)) = (m["Key"].as_str(), m["Dir"].as_str()) else {
            continue;
        };
        let source = m["Source"].as_str().unwrap_or("").to_string();
        // Only what `terraform init` copied, inside `.terraform/`: a path elsewhere (`..`) is
        // not followed.
        let inside = Path::new(folder)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if key.is_empty() || !folder.starts_with(".terraform/") || !inside {
            continue;
        }
        let address = key
            .split('.')
            .map(|k| format!("module.{k}"))
            .collect::<Vec<_>>()
            .join(".");
        out.push((address, folder.to_string(), source));
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>, depth: usize) -> std::io::Result<()> {
    if depth > 32 {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if entry.file_name() != ".terraform" && entry.file_name() != ".git" {
                collect(&path, out, depth + 1)?;
            }
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "tf") {
            out.push(path);
        }
    }
    Ok(())
}

/// The byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or("");
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// `(data?, type, name)` of a plan address, modules and instance keys dropped.
fn split_address(address: &str) -> Option<(bool, String, String)> {
    let plain = super::terraform::config_address(address);
    let mut parts: Vec<&str> = plain.split('.').collect();
    while parts.len() > 2 && parts[0] == "module" {
        parts.drain(..2);
    }
    match parts[..] {
        ["data", kind, name] => Some((true, kind.to_string(), name.to_string())),
        [kind, name] => Some((false, kind.to_string(), name.to_string())),
        _ => None,
    }
}

/// The literal in `e` whose value is `value`: a string, inside `jsonencode(…)`, arrays and
/// objects, or a JSON string token inside a heredoc. Only one such literal counts: two are
/// ambiguous.
fn literal(e: &Expression, value: &str, text: &str) -> Option<(Range<usize>, How)> {
    let mut found = Vec::new();
    walk(e, value, text, &mut found);
    match found.len() {
        1 => found.pop(),
        _ => None,
    }
}

fn walk(e: &Expression, value: &str, text: &str, out: &mut Vec<(Range<usize>, How)>) {
    match e {
        Expression::String(s) => {
            if s.as_str() == value
                && let Some(span) = s.span()
            {
                out.push((span, How::HclString));
            }
        }
        Expression::Array(a) => a.iter().for_each(|i| walk(i, value, text, out)),
        Expression::Object(o) => {
            for (k, v) in o.iter() {
                if let ObjectKey::Expression(k) = k {
                    walk(k, value, text, out);
                }
                walk(v.expr(), value, text, out);
            }
        }
        Expression::Parenthesis(p) => walk(p.inner(), value, text, out),
        Expression::FuncCall(f) if f.name.name.as_str() == "jsonencode" => {
            f.args.iter().for_each(|a| walk(a, value, text, out));
        }
        Expression::HeredocTemplate(h) => {
            // The JSON string `"value"` inside the heredoc's literal text.
            let Ok(quoted) = serde_json::to_string(value) else {
                return;
            };
            for element in h.template.iter() {
                let Element::Literal(l) = element else {
                    continue;
                };
                let Some(span) = l.span() else { continue };
                let Some(raw) = text.get(span.clone()) else {
                    continue;
                };
                let mut from = 0;
                while let Some(i) = raw[from..].find(&quoted) {
                    let start = span.start + from + i;
                    out.push((start..start + quoted.len(), How::JsonInHeredoc));
                    from += i + quoted.len();
                }
            }
        }
        _ => {}
    }
}

/// `value` as an HCL quoted string: `"`, `\` and control characters escaped, and `${` / `%{`
/// doubled so they stay text, not interpolations or directives.
pub fn hcl_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` as a JSON string inside a heredoc: `${` and `%{` doubled, as HCL reads the heredoc
/// as a template first.
pub fn heredoc_json_string(value: &str) -> String {
    let json = serde_json::to_string(value).unwrap_or_default();
    json.replace("${", "$${").replace("%{", "%%{")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TF: &str = r#"
resource "aws_iam_role_policy" "registry" {
  name = "registry-credentials"
  role = aws_iam_role.exec.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:gitlab-sample-registry"
    }]
  })
}

resource "aws_iam_role_policy" "heredoc" {
  role   = aws_iam_role.exec.id
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:111122223333:key:key_id"}]}
EOF
}
"#;

    fn locator() -> Locator {
        Locator {
            root: std::path::PathBuf::new(),
            files: vec![TfFile {
                path: "main.tf".into(),
                text: TF.into(),
                vendored: None,
                body: hcl_edit::parser::parse_body(TF).unwrap(),
            }],
            problems: Vec::new(),
            vendored: Vec::new(),
        }
    }

    #[test]
    fn a_literal_inside_jsonencode_is_found_with_its_quotes() {
        let l = locator();
        let arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:gitlab-sample-registry";
        let p = l
            .find(
                "module.app.aws_iam_role_policy.registry[0]",
                "policy",
                arn,
                None,
            )
            .unwrap();
        assert_eq!(p.how, How::HclString);
        assert_eq!(&TF[p.span], format!("\"{arn}\""));
        // Not a literal there: the attribute, no edit.
        let p = l
            .find("aws_iam_role_policy.registry", "role", "web-exec", None)
            .unwrap();
        assert_eq!(
            (p.how, &TF[p.span]),
            (How::Expression, "aws_iam_role.exec.id")
        );
        assert_eq!(
            l.find("aws_iam_role_policy.nope", "policy", arn, None),
            None
        );
    }

    #[test]
    fn a_json_string_inside_a_heredoc_is_found() {
        let l = locator();
        let key = "arn:aws:kms:eu-west-1:111122223333:key:key_id";
        let p = l
            .find("aws_iam_role_policy.heredoc", "policy", key, None)
            .unwrap();
        assert_eq!(p.how, How::JsonInHeredoc);
        assert_eq!(&TF[p.span], format!("\"{key}\""));
    }

    #[test]
    fn an_expression_is_told_from_literals_and_references_or_says_what_it_cannot_tell() {
        let value = |src: &str| {
            let e: Expression = src.parse().unwrap();
            let mut resolve = |r: &str| match r {
                "aws_secretsmanager_secret.db.arn" => Some(serde_json::json!("arn:x-??????")),
                "var.n" => Some(serde_json::json!(2)),
                _ => None,
            };
            evaluate(&e, &mut resolve, 0)
        };
        assert_eq!(
            value(
                r#"jsonencode([{ name = "a", n = var.n, v = "${aws_secretsmanager_secret.db.arn}:k::", ok = true, none = null }])"#
            ),
            Ok(serde_json::json!(
                r#"[{"n":2,"name":"a","none":null,"ok":true,"v":"arn:x-??????:k::"}]"#
            ))
        );
        assert_eq!(value("tostring(var.n)"), Ok(serde_json::json!("2")));
        // Nothing guessed: the first part that cannot be told is named.
        assert_eq!(value("jsonencode([var.other])"), Err("`var.other`".into()));
        assert_eq!(
            value(r#""%{ if true }x%{ endif }""#),
            Err("a template directive (`%{…}`)".into())
        );
        assert_eq!(
            value(r#"concat([1], [var.n], [])"#),
            Ok(serde_json::json!([1, 2]))
        );
        assert_eq!(
            value(r#"merge({ a = 1, b = 1 }, { b = var.n })"#),
            Ok(serde_json::json!({"a": 1, "b": 2}))
        );
        assert_eq!(
            value(r#"coalesce(null, "", "x")"#),
            Ok(serde_json::json!("x"))
        );
        assert_eq!(
            value(r#"flatten([[1], [[2]]])"#),
            Ok(serde_json::json!([1, 2]))
        );
        assert_eq!(
            value(r#"true ? "a" : var.other"#),
            Ok(serde_json::json!("a"))
        );
        // A function of something unknown is unknown: the unknown part is named.
        assert_eq!(value("merge(var.a, var.b)"), Err("`var.a`".into()));
        assert!(
            value(r#"templatefile("x.tpl", {})"#)
                .unwrap_err()
                .contains("templatefile")
        );
        assert!(value("var.other ? 1 : 2").is_err());
        assert!(value("[for x in var.l : x]").is_err());
        assert!(value("aws_iam_role.exec[*].arn").is_err());
    }

    #[test]
    fn strings_are_written_so_hcl_reads_them_back_as_they_are() {
        for v in [
            "a\"b\\c",
            "${not.an.interpolation}",
            "%{ if }",
            "line\nbreak",
            "é?*",
        ] {
            let written = hcl_string(v);
            let e = hcl_edit::parser::parse_expr(&written).unwrap();
            let Expression::String(s) = e else {
                panic!("{written} is not a plain string: {e:?}");
            };
            assert_eq!(s.as_str(), v, "{written}");
        }
    }
}
