//! Folders given where a file is expected: the JSON files under them that hold the document a flag
//! reads, told apart by their content.

use super::{Body, Input, InputKind};
use std::path::Path;

/// The keys whose presence marks a document of `kind` (an object key, quoted).
fn marks(kind: InputKind) -> &'static [&'static str] {
    match kind {
        InputKind::TaskDefinition => &["\"containerDefinitions\""],
        _ => &["\"Statement\"", "\"PolicyDocument\"", "\"PolicyVersion\""],
    }
}

/// A JSON file a folder held that was not read as a document of the kind asked for, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// `path` as inputs of `kind`: the file itself, or for a folder every JSON file under it that holds
/// such a document, in a stable order, with the bytes read to tell (not read again). Hidden
/// folders, `target` and `node_modules` are skipped; account details are not policies; unreadable
/// files are left out. The files left out are not said: see [`inputs_and_skipped`].
pub fn inputs_at(path: &str, kind: InputKind) -> Vec<Input> {
    inputs_and_skipped(path, kind).0
}

/// [`inputs_at`], with the JSON files of a folder that were left out and why.
pub fn inputs_and_skipped(path: &str, kind: InputKind) -> (Vec<Input>, Vec<Skipped>) {
    let dir = Path::new(path);
    if !dir.is_dir() {
        return (vec![Input::file(kind, path)], Vec::new());
    }
    let mut candidates = Vec::new();
    json_paths_in(dir, &mut candidates);
    // Reading thousands of files is most of a folder's lint: read them on every core.
    let read = crate::parallel::map(&candidates, |p| {
        super::read_bytes(p).map_err(|e| e.to_string())
    });
    let keys = marks(kind);
    let what = match kind {
        InputKind::TaskDefinition => "not a task definition: no `containerDefinitions`",
        _ => "not a policy: no `Statement`",
    };
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for (path, bytes) in candidates.into_iter().zip(read) {
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                skipped.push(Skipped {
                    path,
                    reason: format!("cannot be read: {e}"),
                });
                continue;
            }
        };
        // The start tells a policy from a task definition or a listing.
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
        let reason = if text.trim().is_empty() {
            Some("empty".to_string())
        } else if text.contains("\"RoleDetailList\"") {
            Some("account details (give them with --account-details)".to_string())
        } else if !keys.iter().any(|k| text.contains(k)) {
            Some(what.to_string())
        } else {
            None
        };
        match reason {
            Some(reason) => skipped.push(Skipped { path, reason }),
            None => out.push(Input {
                kind,
                name: path,
                owner: None,
                body: Body::Read(bytes.into()),
            }),
        }
    }
    (out, skipped)
}

/// One note for stderr on the files a folder held that were not read, or nothing: every empty
/// or unreadable file by name (most likely a mistake), the others counted with a few named.
pub fn skipped_note(skipped: &[Skipped]) -> String {
    if skipped.is_empty() {
        return String::new();
    }
    let (broken, other): (Vec<&Skipped>, Vec<&Skipped>) = skipped
        .iter()
        .partition(|s| s.reason == "empty" || s.reason.starts_with("cannot be read"));
    let mut note = String::new();
    for s in broken {
        note.push_str(&format!("ecslint: skipped {}: {}\n", s.path, s.reason));
    }
    if !other.is_empty() {
        const NAMED: usize = 5;
        let named: Vec<String> = other
            .iter()
            .take(NAMED)
            .map(|s| format!("{} ({})", s.path, s.reason))
            .collect();
        note.push_str(&format!(
            "ecslint: skipped {} other JSON file{}: {}{}\n",
            other.len(),
            if other.len() == 1 { "" } else { "s" },
            named.join(", "),
            if other.len() > NAMED { ", …" } else { "" }
        ));
    }
    note
}

/// Every `*.json` file under `dir`, sorted per folder; hidden folders, `target`, `node_modules`
/// and linked folders (a link loop would never end) are not entered.
fn json_paths_in(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // The entry's type comes with the listing (no `stat` per file); like `symlink_metadata`, a
    // link is not followed.
    let mut paths: Vec<(std::path::PathBuf, bool)> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            Some((e.path(), is_dir))
        })
        .collect();
    paths.sort();
    for (path, is_dir) in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_dir {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                json_paths_in(&path, out);
            }
        } else if name.ends_with(".json") {
            out.push(path.to_string_lossy().into_owned());
        }
    }
}
