//! AWS managed policies whose content ecslint knows, for account details that list a policy as
//! attached without including its document.

/// `arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`, as AWS publishes it
/// (AWS managed policy reference): ECR pulls and awslogs, nothing for Secrets Manager, SSM or KMS.
pub const ECS_TASK_EXECUTION_ROLE_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

const ECS_TASK_EXECUTION_ROLE_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "ecr:GetAuthorizationToken",
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
        "logs:CreateLogStream",
        "logs:PutLogEvents"
      ],
      "Resource": "*"
    }
  ]
}
"#;

/// The document of a known AWS managed policy, by ARN.
pub fn managed_policy(arn: &str) -> Option<&'static str> {
    (arn == ECS_TASK_EXECUTION_ROLE_POLICY_ARN).then_some(ECS_TASK_EXECUTION_ROLE_POLICY)
}
