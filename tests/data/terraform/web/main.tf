# The configuration web.plan.json was planned from (authored with it: terraform cannot download
# its AWS provider here).
provider "aws" {
  region = "eu-west-1"
}

data "aws_caller_identity" "current" {}

module "app" {
  source = "./modules/app"
}
