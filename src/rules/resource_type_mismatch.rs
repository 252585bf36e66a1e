use super::{Context, Decides, Finding};
use crate::defects::DefectKind;

crate::declare_rule!(ResourceTypeMismatch {
    name: "resource-type-mismatch",
    severity: Warning,
    fix: Never,
    summary: "A statement's resources are all of types none of its actions accepts (s3:GetObject on a bucket's ARN), so it grants nothing",
    decides: [Decides::Defect(DefectKind::ResourceTypeMismatch)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let catalog = crate::catalog::catalog();
    for &(policy, s) in &cx.defects.type_mismatches {
        let statement = cx.statement(policy, s);
        // The types the statement's (first) action does accept, to say what was meant.
        let accepted: Vec<String> = statement
            .action
            .values
            .first()
            .and_then(|a| {
                let (prefix, name) = a.value.split_once(':')?;
                let service = catalog.service(prefix)?;
                let action = service.action(name)?;
                Some(
                    service
                        .resource_types_of(action)
                        .map(|(t, _)| format!("`{}`", t.arn))
                        .collect(),
                )
            })
            .unwrap_or_default();
        let mut finding = Finding::new(
            &META,
            statement.resource.loc,
            format!(
                "none of {}'s resources is of a type its actions accept, so it grants nothing",
                statement.describe()
            ),
        )
        .label("no action of the statement takes these")
        .note("IAM matches a statement's resources against the resource each request names, which for these actions is always of another type (Service Authorization Reference)");
        if !accepted.is_empty() {
            finding = finding.help(format!(
                "`{}` acts on {}",
                statement.action.values[0].value,
                accepted.join(" or ")
            ));
        }
        out.push(finding.related(statement.action.loc, "these actions"));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            // Objects are `bucket/key`; a bucket's ARN names no object.
            .fail(&[("policy", &allow("s3:GetObject", "arn:aws:s3:::my-bucket"))])
            .fail(&[(
                "policy",
                &allow(
                    GET_SECRET,
                    "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db",
                ),
            )])
            .pass(&[("policy", &allow("s3:GetObject", "arn:aws:s3:::my-bucket/*"))])
            .pass(&[("policy", &allow("s3:ListBucket", "arn:aws:s3:::my-bucket"))])
            .pass(&[("policy", &allow(GET_SECRET, SECRET_PATTERN))])
            // Broad, not broken: one pair fits.
            .pass(&[(
                "policy",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"]}]}"#,
            )])
            // Actions without resource types are asked on what their service names: not judged.
            .pass(&[(
                "policy",
                &allow("logs:DescribeLogGroups", "arn:aws:logs:*:*:log-group:*"),
            )])
            .test();
    }
}
