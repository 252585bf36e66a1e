//! The 2,000 generated policy files both lint benchmarks read.

use ecslint::load::{Input, InputKind};

pub const POLICIES: usize = 2_000;

/// A realistic execution-role policy: a few statements over secrets, parameters, keys, ECR and
/// logs, some with the mistakes ecslint looks for.
pub fn policy(i: usize) -> String {
    let region = ["eu-west-1", "us-east-1", "ap-northeast-1"][i % 3];
    let account = format!("{:012}", 100_000_000_000u64 + i as u64);
    let mut statements = vec![
        r#"{"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}"#.to_string(),
        format!(
            r#"{{"Sid": "Secrets{i}", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": ["arn:aws:secretsmanager:{region}:{account}:secret:app{i}/db-??????", "arn:aws:secretsmanager:{region}:{account}:secret:app{i}/api-key{}"]}}"#,
            if i.is_multiple_of(4) { "" } else { "-??????" }
        ),
        format!(
            r#"{{"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": "arn:aws:ssm:{region}:{account}:parameter/app{i}/*"}}"#
        ),
        format!(
            r#"{{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:{region}:{account}:key{}0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "Condition": {{"StringEquals": {{"kms:ViaService": "secretsmanager.{region}.amazonaws.com"}}}}}}"#,
            if i.is_multiple_of(7) { ":" } else { "/" }
        ),
    ];
    if i.is_multiple_of(5) {
        statements.push(format!(
            r#"{{"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "arn:aws:secretsmanager:*:{account}:secret:prod-*"}}"#
        ));
    }
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {}\n  ]\n}}\n",
        statements.join(",\n    ")
    )
}

/// Writes the policies into a new temporary folder; the folder (keep it alive) and the inputs.
/// With `ECSLINT_BENCH_KEEP=DIR`, the files are also left in `DIR` for a side-by-side run of
/// another linter.
pub fn write_policies() -> (tempfile::TempDir, Vec<Input>) {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for i in 0..POLICIES {
        let path = dir.path().join(format!("policy-{i:04}.json"));
        std::fs::write(&path, policy(i)).unwrap();
        inputs.push(Input::file(
            InputKind::Policy,
            path.to_string_lossy().into_owned(),
        ));
    }
    if let Ok(keep) = std::env::var("ECSLINT_BENCH_KEEP") {
        let _ = std::fs::create_dir_all(&keep);
        for i in 0..POLICIES {
            let _ = std::fs::write(format!("{keep}/policy-{i:04}.json"), policy(i));
        }
    }
    (dir, inputs)
}

/// The AWS managed policies of the field corpus (`tests/field/aws-managed/mamip.tar.gz`, as
/// `aws iam get-policy-version` returns them), written one file each into a new temporary
/// folder: the folder and the inputs. With `ECSLINT_BENCH_KEEP=DIR` they are also left in
/// `DIR/aws-managed/`.
#[allow(dead_code)] // lint_best's; the criterion bench uses the generated corpus only
pub fn write_managed() -> (tempfile::TempDir, Vec<Input>) {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let archive = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/field/aws-managed/mamip.tar.gz"
    );
    let file = std::fs::File::open(archive).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let keep = std::env::var("ECSLINT_BENCH_KEEP")
        .ok()
        .map(|k| std::path::Path::new(&k).join("aws-managed"));
    if let Some(keep) = &keep {
        let _ = std::fs::create_dir_all(keep);
    }
    let mut inputs = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        let Some(name) = path.strip_prefix("policies/") else {
            continue;
        };
        if name.is_empty() || name.contains('/') || !entry.header().entry_type().is_file() {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let target = dir.path().join(format!("{name}.json"));
        std::fs::write(&target, &bytes).unwrap();
        if let Some(keep) = &keep {
            let _ = std::fs::write(keep.join(format!("{name}.json")), &bytes);
        }
        inputs.push(Input::file(
            InputKind::Policy,
            target.to_string_lossy().into_owned(),
        ));
    }
    inputs.sort_by(|a, b| a.name.cmp(&b.name));
    (dir, inputs)
}
