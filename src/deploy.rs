//! The deploy principal: what the pipeline that deploys a task definition must be allowed to do.
//!
//! Each deploy tool makes its own AWS calls (read from its source; `rules/missing-permission.md`
//! lists them with where each is made). `check --deployer ARN` turns the tool's calls for each
//! task definition into needs of the deploy principal, evaluated like the task's own: the
//! service calls on the service (`--service CLUSTER/SERVICE`), and `iam:PassRole` on the task's
//! execution and task roles, with `iam:PassedToService` `ecs-tasks.amazonaws.com` in the
//! request's context as ECS sends it.

use crate::iam::Request;
use crate::model::source::Spanned;
use crate::model::taskdef::TaskDefinition;
use crate::needs::{Need, Needs, Origin, RoleKind, Subject, TaskContext};

/// A deploy tool.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DeployTool {
    /// `silinternational/ecs-deploy` (the GitLab CI case).
    EcsDeploy,
    /// `aws-actions/amazon-ecs-deploy-task-definition` (GitHub Actions).
    AwsActions,
    /// `kayac/ecspresso deploy`.
    Ecspresso,
    /// `aws ecs register-task-definition` then `aws ecs update-service`.
    #[default]
    AwsCli,
}

/// What one call acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The task definition's family (`task-definition/FAMILY:*`).
    TaskDefinition,
    /// The service being deployed.
    Service,
    /// A task of the service's cluster (its id is not known before it runs).
    Task,
    /// No resource of its own (`"Resource": "*"`).
    Star,
}

impl DeployTool {
    pub fn name(self) -> &'static str {
        match self {
            DeployTool::EcsDeploy => "ecs-deploy",
            DeployTool::AwsActions => "aws-actions/amazon-ecs-deploy-task-definition",
            DeployTool::Ecspresso => "ecspresso",
            DeployTool::AwsCli => "the AWS CLI",
        }
    }

    /// The calls the tool makes on its default path (a new revision, a service update, the wait
    /// for it), besides `iam:PassRole`.
    pub fn calls(self) -> &'static [(&'static str, Target)] {
        use Target::*;
        match self {
            DeployTool::AwsCli => &[
                ("ecs:RegisterTaskDefinition", TaskDefinition),
                ("ecs:UpdateService", Service),
                ("ecs:DescribeServices", Service),
            ],
            // ecs-deploy 3.10.22 (`ecs-deploy`, lines 342–486): the service and its task
            // definition read, a revision registered, the service updated, then its new tasks
            // polled until they run.
            DeployTool::EcsDeploy => &[
                ("ecs:DescribeServices", Service),
                ("ecs:DescribeTaskDefinition", Star),
                ("ecs:RegisterTaskDefinition", TaskDefinition),
                ("ecs:UpdateService", Service),
                ("ecs:ListTasks", Star),
                ("ecs:DescribeTasks", Task),
            ],
            // amazon-ecs-deploy-task-definition 2.6.3 (`index.js`: registerTaskDefinition,
            // describeServices, updateService; the stability waiter polls describeServices).
            DeployTool::AwsActions => &[
                ("ecs:RegisterTaskDefinition", TaskDefinition),
                ("ecs:DescribeServices", Service),
                ("ecs:UpdateService", Service),
            ],
            // ecspresso 2.3 (`ecspresso.go`, `deploy.go`, `wait.go`): the service described, a
            // revision registered, the service updated, its stability awaited with
            // DescribeServices. (Its application-autoscaling reads only warn when denied.)
            DeployTool::Ecspresso => &[
                ("ecs:DescribeServices", Service),
                ("ecs:RegisterTaskDefinition", TaskDefinition),
                ("ecs:UpdateService", Service),
            ],
        }
    }
}

/// Who deploys, with what, to which service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployer {
    /// The principal's ARN (a role, a user, or an assumed-role session).
    pub arn: String,
    pub tool: DeployTool,
    /// `CLUSTER/SERVICE`, when given: the service calls are checked on it.
    pub service: Option<String>,
}

impl Deployer {
    /// The name its policies are attached by (`--policy ARN=FILE`, account details): the role's
    /// or user's name.
    pub fn name(&self) -> &str {
        match crate::arn::Arn::parse(&self.arn) {
            Some(a) if a.resource.starts_with("assumed-role/") => {
                self.arn.split('/').nth(1).unwrap_or(&self.arn)
            }
            _ => crate::arn::role_name(&self.arn),
        }
    }

    /// The ARN its needs are evaluated for: an assumed-role session is its role's.
    fn role_arn(&self) -> String {
        match crate::arn::Arn::parse(&self.arn) {
            Some(a) if a.service == "sts" && a.resource.starts_with("assumed-role/") => format!(
                "arn:{}:iam::{}:role/{}",
                a.partition,
                a.account,
                self.name()
            ),
            _ => self.arn.clone(),
        }
    }
}

/// The deploy principal's needs for one task definition.
pub fn needs(td: &TaskDefinition, deployer: &Deployer, context: &TaskContext) -> Needs {
    let mut out = Needs::default();
    let role_arn = deployer.role_arn();
    let account = crate::arn::Arn::parse(&role_arn)
        .map(|a| a.account)
        .filter(|a| !a.is_empty())
        .or_else(|| context.account.clone());
    let partition = &context.partition;
    let family = td.family.as_ref().map(|f| f.value.as_str());
    let need = |action: &str, resource: String, grant: String, origin: Origin| Need {
        role: RoleKind::Deployer,
        request: Request {
            action: action.to_string(),
            resource,
        },
        subject: Subject::Other,
        origins: vec![origin],
        grant,
        role_arn: Some(role_arn.clone()),
        other_role_arn: None,
        role_templated: false,
    };
    let at_task = |what: String| Origin { loc: td.loc, what };
    for &(action, target) in deployer.tool.calls() {
        let what = format!("the deployment ({} calls `{action}`)", deployer.tool.name());
        let (resource, grant) = match target {
            Target::Star => ("*".to_string(), "*".to_string()),
            Target::TaskDefinition => {
                let (Some(region), Some(account), Some(family)) =
                    (&context.region, &account, family)
                else {
                    continue;
                };
                let base =
                    format!("arn:{partition}:ecs:{region}:{account}:task-definition/{family}");
                // The revision the call creates is not known before it is made: any grant on
                // the family covers it.
                (format!("{base}:1"), format!("{base}:*"))
            }
            Target::Service => {
                let (Some(region), Some(account), Some(service)) =
                    (&context.region, &account, &deployer.service)
                else {
                    continue;
                };
                let arn = format!("arn:{partition}:ecs:{region}:{account}:service/{service}");
                (arn.clone(), arn)
            }
            Target::Task => {
                let (Some(region), Some(account), Some(cluster)) = (
                    &context.region,
                    &account,
                    deployer
                        .service
                        .as_deref()
                        .and_then(|s| s.split('/').next()),
                ) else {
                    continue;
                };
                let base = format!("arn:{partition}:ecs:{region}:{account}:task/{cluster}");
                // Any task of the cluster: a grant on `task/CLUSTER/*` covers the new ones.
                (
                    format!("{base}/0123456789abcdef0123456789abcdef"),
                    format!("{base}/*"),
                )
            }
        };
        out.needs.push(need(action, resource, grant, at_task(what)));
    }
    // The roles the task definition names, passed to ECS when it is registered.
    let roles: [(RoleKind, &Option<Spanned<String>>, &str); 2] = [
        (
            RoleKind::Execution,
            &td.execution_role_arn,
            "`executionRoleArn`",
        ),
        (RoleKind::Task, &td.task_role_arn, "`taskRoleArn`"),
    ];
    let mut passed: Vec<&str> = Vec::new();
    for (kind, field, name) in roles {
        let (Some(value), Some(arn)) = (field, kind.arn_in(td)) else {
            continue;
        };
        if passed.contains(&value.value.as_str()) {
            if let Some(n) = out
                .needs
                .iter_mut()
                .find(|n| n.request.action == "iam:PassRole" && n.request.resource == arn)
            {
                n.origins.push(Origin {
                    loc: value.loc,
                    what: format!("{name}, passed by the deploy principal"),
                });
            }
            continue;
        }
        passed.push(&value.value);
        out.needs.push(need(
            "iam:PassRole",
            arn.clone(),
            arn,
            Origin {
                loc: value.loc,
                what: format!("{name}, passed by the deploy principal"),
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assumed_role_session_is_its_role() {
        let d = Deployer {
            arn: "arn:aws:sts::123456789012:assumed-role/gitlab-deploy/runner-42".into(),
            tool: DeployTool::EcsDeploy,
            service: None,
        };
        assert_eq!(d.name(), "gitlab-deploy");
        assert_eq!(d.role_arn(), "arn:aws:iam::123456789012:role/gitlab-deploy");
        let user = Deployer {
            arn: "arn:aws:iam::123456789012:user/ci".into(),
            ..d
        };
        assert_eq!(user.name(), "ci");
        assert_eq!(user.role_arn(), "arn:aws:iam::123456789012:user/ci");
    }
}
