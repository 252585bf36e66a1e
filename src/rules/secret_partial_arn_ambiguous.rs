use super::{Context, Decides, Finding};
use crate::fix::{Applicability, Edit, Fix};
use crate::needs::{ReferenceIssue, ReferenceProblemKind};

crate::declare_rule!(SecretPartialArnAmbiguous {
    name: "secret-partial-arn-ambiguous",
    severity: Error,
    fix: Always,
    summary: "A secret whose name ends in - and six characters is referenced by partial ARN, which Secrets Manager may take for a full ARN",
    decides: [Decides::Reference(ReferenceProblemKind::Ambiguous)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for problem in super::reference_problems(cx, ReferenceProblemKind::Ambiguous) {
        let ReferenceIssue::SuffixLikeName { id, full } = &problem.issue else {
            continue;
        };
        let fix = problem.corrected.as_ref().map(|corrected| Fix {
            applicability: Applicability::Safe,
            message: format!("reference the secret by its full ARN `{corrected}`"),
            edits: vec![Edit::replace(problem.loc, crate::json::quote(corrected))],
        });
        let message = format!(
            "secret \"{id}\" is referenced by partial ARN, and its name ends in `-` and six characters, like the random suffix"
        );
        let finding = Finding::new(&META, problem.loc, message)
            .label("partial ARN of a name that looks suffixed")
            .note("Secrets Manager reads `NAME-AbCdEf` at the end of an ARN as the random suffix; for a secret named like that, a partial ARN can be taken for a full one that does not exist, and the task stops")
            .fix(fix)
            .help(format!(
                "use the full ARN `{full}`; Secrets Manager cannot reliably tell this name from a full ARN"
            ));
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let full = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:svc-backup-Xy12Ab";
        let partial = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:svc-backup";
        let secrets = r#"{"SecretList": [{"ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:svc-backup-Xy12Ab", "Name": "svc-backup"}]}"#;
        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &task_reading(partial)),
                ("secrets", secrets),
            ])
            .pass(&[
                ("task-definition", &task_reading(full)),
                ("secrets", secrets),
            ])
            // A partial ARN of a name that does not end like a suffix is no ambiguity.
            .pass(&[
                ("task-definition", &task_reading(SECRET_BY_NAME)),
                ("secrets", &listed(&[SECRET])),
            ])
            .fix(
                &[
                    ("task-definition", &task_reading(partial)),
                    ("secrets", secrets),
                ],
                &[("task-definition", &task_reading(full))],
            )
            .test();
    }
}
