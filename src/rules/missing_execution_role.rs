use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity};

pub struct MissingExecutionRole;

static META: RuleMeta = RuleMeta {
    name: "missing-execution-role",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    summary: "The task definition reads secrets or registry credentials but names no execution role",
    doc: include_str!("../../rules/missing-execution-role.md"),
};

impl Rule for MissingExecutionRole {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(td) = cx.task_definition else { return };
        if td.execution_role_arn.is_some() {
            return;
        }
        let secrets: Vec<_> = td
            .containers
            .iter()
            .flat_map(|c| c.secrets.iter().chain(&c.log_secret_options))
            .map(|e| e.value_from.loc)
            .collect();
        let credentials: Vec<_> = td
            .containers
            .iter()
            .filter_map(|c| c.credentials_parameter.as_ref())
            .map(|p| p.loc)
            .collect();
        let Some(&first) = secrets.first().or(credentials.first()) else {
            return;
        };
        let note = if secrets.is_empty() {
            "the ECS agent reads `repositoryCredentials` with the execution role; without one it \
             cannot authenticate to the registry and the task stops"
        } else {
            "ECS rejects the registration: \"ClientException: When you are specifying container \
             secrets, you must also specify a value for 'executionRoleArn'.\""
        };
        let mut finding = Finding::new(
            &META,
            first,
            "the task definition reads secrets but has no `executionRoleArn`",
        )
        .label("read with the execution role")
        .note(note)
        .help(
            "add `\"executionRoleArn\": \"arn:aws:iam::ACCOUNT:role/ecsTaskExecutionRole\"` (a role \
             trusting ecs-tasks.amazonaws.com) and grant it what these references need",
        );
        for &loc in secrets.iter().chain(&credentials).skip(1) {
            finding = finding.related(loc, "also read with the execution role");
        }
        out.push(finding);
    }
}
