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

/// `path` as inputs of `kind`: the file itself, or for a folder every JSON file under it that holds
/// such a document, in a stable order, with the bytes read to tell (not read again). Hidden
/// folders, `target` and `node_modules` are skipped; account details are not policies; unreadable
/// files are left out.
pub fn inputs_at(path: &str, kind: InputKind) -> Vec<Input> {
    let dir = Path::new(path);
    if !dir.is_dir() {
        return vec![Input::file(kind, path)];
    }
    let mut candidates = Vec::new();
    json_paths_in(dir, &mut candidates);
    // Reading thousands of files is most of a folder's lint: read them on every core.
    let read = crate::parallel::map(&candidates, |p| super::read_bytes(p).ok());
    let keys = marks(kind);
    let mut out = Vec::new();
    for (path, bytes) in candidates.into_iter().zip(read) {
        let Some(bytes) = bytes else { continue };
        // The start tells a policy from a task definition or a listing.
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
        if keys.iter().any(|k| text.contains(k)) && !text.contains("\"RoleDetailList\"") {
            out.push(Input {
                kind,
                name: path,
                owner: None,
                body: Body::Read(bytes.into()),
            });
        }
    }
    out
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
