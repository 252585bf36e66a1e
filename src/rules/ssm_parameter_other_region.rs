use super::{Context, Decides, Finding};
use crate::fix::{Applicability, Edit, Fix};
use crate::needs::{ReferenceIssue, ReferenceProblemKind};

crate::declare_rule!(SsmParameterOtherRegion {
    name: "ssm-parameter-other-region",
    severity: Error,
    fix: Always,
    summary: "An SSM parameter named without its ARN lives in another region than the task",
    decides: [Decides::Reference(ReferenceProblemKind::OtherRegion)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for problem in super::reference_problems(cx, ReferenceProblemKind::OtherRegion) {
        let ReferenceIssue::ParameterInOtherRegion { name, region, full } = &problem.issue else {
            continue;
        };
        let fix = problem.corrected.as_ref().map(|full| Fix {
            applicability: Applicability::Safe,
            message: format!("reference it by its ARN `{full}`"),
            edits: vec![Edit::replace(problem.loc, crate::json::quote(full))],
        });
        let message = format!(
            "SSM parameter \"{name}\" is named without an ARN, so ECS reads it in the task's region `{region}`, but it lives at `{full}`"
        );
        let finding = Finding::new(&META, problem.loc, message)
            .label("read in the task's region")
            .note("the ECS agent asks SSM in the task's region, finds no such parameter, and the task stops with `invalid parameters` (ParameterNotFound)")
            .fix(fix)
            .help("a bare name means the task's own region: reference a parameter in another region by its full ARN");
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let described = |value_from: &str| {
            format!(
                r#"{{"taskDefinition": {{"taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:3", "family": "app",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [{{"name": "app", "image": "nginx:1", "secrets": [{{"name": "U", "valueFrom": "{value_from}"}}]}}]}}}}"#
            )
        };
        let elsewhere = "arn:aws:ssm:us-east-1:123456789012:parameter/app/url";
        let listing = r#"{"Parameters": [{"Name": "/app/url", "Type": "String", "ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/app/url"}]}"#;
        let here = r#"{"Parameters": [{"Name": "/app/url", "Type": "String", "ARN": "arn:aws:ssm:eu-west-1:123456789012:parameter/app/url"}]}"#;
        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &described("/app/url")),
                ("parameters", listing),
            ])
            .pass(&[
                ("task-definition", &described("/app/url")),
                ("parameters", here),
            ])
            .pass(&[
                ("task-definition", &described(elsewhere)),
                ("parameters", listing),
            ])
            .fix(
                &[
                    ("task-definition", &described("/app/url")),
                    ("parameters", listing),
                ],
                &[("task-definition", &described(elsewhere))],
            )
            .test();
    }
}
