data "aws_secretsmanager_secret" "db" {
  name = "prod/db"
}

resource "aws_iam_role" "exec" {
  name = "web-exec"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# The registry credentials the task pulls its image with.
resource "aws_iam_role_policy" "registry" {
  name = "registry-credentials"
  role = aws_iam_role.exec.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:gitlab-sample-registry" # the display name
    }]
  })
}

data "aws_iam_policy_document" "db" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [data.aws_secretsmanager_secret.db.arn]
  }
}

resource "aws_iam_role_policy" "db" {
  name   = "db"
  role   = aws_iam_role.exec.id
  policy = data.aws_iam_policy_document.db.json
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.exec.arn
  container_definitions = jsonencode([{
    name      = "nginx"
    image     = "registry.gitlab.com/example-group/gitlab-sample/nginx:1.27"
    essential = true
    repositoryCredentials = {
      credentialsParameter = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:gitlab-sample-registry-y54JnU"
    }
    secrets = [{ name = "DB_PASSWORD", valueFrom = "${data.aws_secretsmanager_secret.db.arn}:password::" }]
  }])
}
