//! The field corpus (`tests/field/README.md`): real, public documents with their provenance, read
//! for the field tests (`tests/field.rs`) and the noise report (`cargo run --example field-report`).
#![allow(dead_code)] // the test and the report each use a part

use ecslint::load::{Body, Input, InputKind};
use ecslint::rules::{Finding, Severity};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// `tests/field/`.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/field")
}

/// One document of the corpus.
pub struct Document {
    /// `aws-managed/NAME`, `policies/FILE`, `taskdefs/FILE`.
    pub name: String,
    pub kind: InputKind,
    /// What its source says of it: `yes` (a working example), `no` (presented as wrong),
    /// `placeholder` (a template to fill in), or `managed` (an AWS managed policy).
    pub valid: String,
    pub bytes: Vec<u8>,
}

impl Document {
    fn input(&self) -> Input {
        Input {
            kind: self.kind,
            name: self.name.clone(),
            owner: None,
            body: Body::Read(self.bytes.clone().into()),
        }
    }
}

/// The AWS managed policies, as `aws iam get-policy-version` returns them, from the snapshot in
/// `aws-managed/mamip.tar.gz` (the `policies/` folder of z0ph/MAMIP at the commit its README
/// names), in name order.
pub fn aws_managed() -> Vec<Document> {
    let file = std::fs::File::open(root().join("aws-managed/mamip.tar.gz")).expect("the snapshot");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for entry in archive.entries().expect("a tar archive") {
        let mut entry = entry.expect("an entry");
        let path = entry.path().expect("a path").to_string_lossy().into_owned();
        let Some(name) = path.strip_prefix("policies/") else {
            continue;
        };
        if name.is_empty() || !entry.header().entry_type().is_file() {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("readable");
        out.push(Document {
            name: format!("aws-managed/{name}"),
            kind: InputKind::Policy,
            valid: "managed".into(),
            bytes,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The rows of a set's `MANIFEST.tsv`, by column name.
pub fn manifest(set: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(root().join(set).join("MANIFEST.tsv")).expect("a manifest");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The policies of `policies/`, each read as `lint` reads a file (a trust, resource or key
/// policy is told by its content; SCPs are given as SCPs).
pub fn policies() -> Vec<Document> {
    manifest("policies")
        .into_iter()
        .map(|row| {
            let file = &row["file"];
            let kind = match row["kind"].as_str() {
                "scp" => InputKind::ServiceControlPolicy,
                _ => InputKind::Policy,
            };
            Document {
                name: format!("policies/{file}"),
                kind,
                valid: row["valid"].clone(),
                bytes: std::fs::read(root().join("policies/files").join(file)).expect("listed"),
            }
        })
        .collect()
}

/// The task definitions of `taskdefs/`.
pub fn task_definitions() -> Vec<Document> {
    manifest("taskdefs")
        .into_iter()
        .map(|row| {
            let file = &row["file"];
            Document {
                name: format!("taskdefs/{file}"),
                kind: InputKind::TaskDefinition,
                valid: "yes".into(),
                bytes: std::fs::read(root().join("taskdefs/files").join(file)).expect("listed"),
            }
        })
        .collect()
}

/// The CloudFormation templates of `cloudformation/` (YAML, JSON, CDK-synthesised).
pub fn templates() -> Vec<Document> {
    manifest("cloudformation")
        .into_iter()
        // A CDK cloud assembly is a folder, read as `--cloudformation DIR` reads it.
        .filter(|row| !row["file"].starts_with("cdk-assemblies/"))
        .map(|row| {
            let file = &row["file"];
            Document {
                name: format!("cloudformation/{file}"),
                kind: InputKind::CloudFormation,
                valid: "yes".into(),
                bytes: std::fs::read(root().join("cloudformation").join(file)).expect("listed"),
            }
        })
        .collect()
}

/// The Terraform plans and states of `terraform/` (`terraform show -json` output).
pub fn plans() -> Vec<Document> {
    manifest("terraform")
        .into_iter()
        .map(|row| {
            let file = &row["file"];
            Document {
                name: format!("terraform/{file}"),
                kind: InputKind::TerraformPlan,
                valid: "yes".into(),
                bytes: std::fs::read(root().join("terraform").join(file)).expect("listed"),
            }
        })
        .collect()
}

/// A finding on a corpus document: the document's name and the finding.
pub struct Found {
    pub document: String,
    /// The text the finding points at.
    pub located: String,
    pub finding: Finding,
}

/// Checks documents together, as one `ecslint lint`/`check` run on them does.
pub fn check(documents: &[&Document]) -> Vec<Found> {
    check_with(documents, &Default::default())
}

/// [`check`] with options (`--ecspresso-env`, `--region`).
pub fn check_with(documents: &[&Document], options: &ecslint::CheckOptions) -> Vec<Found> {
    let inputs: Vec<Input> = documents.iter().map(|d| d.input()).collect();
    let checked = ecslint::check(&inputs, options).expect("corpus documents load");
    checked
        .findings
        .into_iter()
        .map(|finding| {
            let located = finding
                .loc
                .map(|loc| checked.sources.slice(loc).to_string())
                .unwrap_or_default();
            let document = match finding.loc {
                Some(loc) => {
                    let mut source = checked.sources.get(loc.source);
                    // A document embedded in a string is named after its holder.
                    while let Some(holder) = source.embedded_in {
                        source = checked.sources.get(holder.source);
                    }
                    source.name.clone()
                }
                None => String::new(),
            };
            Found {
                document,
                located,
                finding,
            }
        })
        .collect()
}

/// Checks each document on its own.
pub fn check_each(documents: &[Document]) -> Vec<Found> {
    documents.iter().flat_map(|d| check(&[d])).collect()
}

/// Findings counted by rule and severity, and the documents each touches.
pub fn tally(
    found: &[Found],
) -> BTreeMap<(String, Severity), (usize, std::collections::BTreeSet<String>)> {
    let mut out: BTreeMap<(String, Severity), (usize, std::collections::BTreeSet<String>)> =
        BTreeMap::new();
    for f in found {
        let entry = out
            .entry((f.finding.rule.to_string(), f.finding.severity))
            .or_default();
        entry.0 += 1;
        entry.1.insert(f.document.clone());
    }
    out
}

/// Findings on real documents that are true, each with why and where that is shown
/// (`verified.toml` of a set).
#[derive(serde::Deserialize)]
pub struct Verified {
    pub verified: Vec<VerifiedEntry>,
}

#[derive(serde::Deserialize)]
pub struct VerifiedEntry {
    pub rule: String,
    /// Text the finding's message contains.
    pub contains: String,
    /// The documents (names without the set's prefix) it holds for.
    pub documents: Vec<String>,
    pub reason: String,
    pub source: String,
}

impl Verified {
    pub fn of(set: &str) -> Verified {
        let text =
            std::fs::read_to_string(root().join(set).join("verified.toml")).expect("verified.toml");
        toml::from_str(&text).expect("verified.toml reads")
    }

    /// The entry that verifies a finding on `document` (`SET/NAME`), if one does.
    pub fn covering(&self, found: &Found) -> Option<&VerifiedEntry> {
        let name = found.document.split_once('/').map_or("", |(_, n)| n);
        self.verified.iter().find(|v| {
            v.rule == found.finding.rule
                && found.finding.message.contains(&v.contains)
                && v.documents.iter().any(|d| d == name)
        })
    }
}
