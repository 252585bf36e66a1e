//! The evaluator: IAM policy evaluation for one request against a set of identity policies.
//!
//! This is the first slice of AWS's evaluation logic: explicit deny wins over any allow; without
//! an explicit deny, an allow is needed; no allow means an implicit deny. A statement with a
//! `Condition` cannot be decided offline yet, so it makes the answer `Depends` rather than being
//! counted as a plain allow or deny. The trace records which statements decided and which almost
//! applied (the action matched but the resource did not), which is what the explainer reads.

pub mod pattern;

use crate::policy::{Effect, PolicyDocument, Statement, ValueList};
use pattern::{action_matches, resource_matches};

/// The request a principal makes: an action on a resource ARN.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    pub action: String,
    pub resource: String,
}

/// A statement within a set of policies: `policies[policy].statements[statement]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StatementRef {
    pub policy: usize,
    pub statement: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// An allow applies without conditions and no deny does.
    Allowed { by: Vec<StatementRef> },
    /// An unconditional deny applies (`explicit`), or no allow does.
    Denied { explicit: Vec<StatementRef> },
    /// The outcome turns on conditions that cannot be evaluated offline.
    Depends { on: Vec<StatementRef> },
}

/// A statement that would have applied but for its resource: the action matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearMiss {
    pub statement: StatementRef,
    pub effect: Effect,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// Statements whose action matched but whose resource did not.
    pub near_misses: Vec<NearMiss>,
}

impl Evaluation {
    pub fn is_allowed(&self) -> bool {
        matches!(self.decision, Decision::Allowed { .. })
    }
}

fn list_matches(list: &ValueList, matches: impl Fn(&str) -> bool) -> bool {
    let any = list.values.iter().any(|v| matches(&v.value));
    any != list.negated
}

/// Whether the statement's `Action`/`NotAction` covers the action.
pub fn statement_covers_action(statement: &Statement, action: &str) -> bool {
    list_matches(&statement.action, |p| action_matches(p, action))
}

/// Whether the statement's `Resource`/`NotResource` covers the ARN.
pub fn statement_covers_resource(statement: &Statement, resource: &str) -> bool {
    list_matches(&statement.resource, |p| resource_matches(p, resource))
}

/// Evaluates a request against identity policies (all attached to one principal).
pub fn evaluate(request: &Request, policies: &[&PolicyDocument]) -> Evaluation {
    let mut allow = Vec::new();
    let mut conditional_allow = Vec::new();
    let mut deny = Vec::new();
    let mut conditional_deny = Vec::new();
    let mut near_misses = Vec::new();
    for (p, policy) in policies.iter().enumerate() {
        for (s, statement) in policy.statements.iter().enumerate() {
            let at = StatementRef {
                policy: p,
                statement: s,
            };
            if !statement_covers_action(statement, &request.action) {
                continue;
            }
            if !statement_covers_resource(statement, &request.resource) {
                near_misses.push(NearMiss {
                    statement: at,
                    effect: statement.effect.value,
                });
                continue;
            }
            let bucket = match (statement.effect.value, statement.condition.is_some()) {
                (Effect::Allow, false) => &mut allow,
                (Effect::Allow, true) => &mut conditional_allow,
                (Effect::Deny, false) => &mut deny,
                (Effect::Deny, true) => &mut conditional_deny,
            };
            bucket.push(at);
        }
    }
    // IAM user guide, policy evaluation logic: an explicit deny in any policy overrides any allow.
    let decision = if !deny.is_empty() {
        Decision::Denied { explicit: deny }
    } else if allow.is_empty() && conditional_allow.is_empty() {
        // Nothing allows it: a conditional deny cannot change an implicit deny.
        Decision::Denied {
            explicit: Vec::new(),
        }
    } else if !conditional_deny.is_empty() {
        Decision::Depends {
            on: conditional_deny,
        }
    } else if !allow.is_empty() {
        Decision::Allowed { by: allow }
    } else {
        Decision::Depends {
            on: conditional_allow,
        }
    };
    Evaluation {
        decision,
        near_misses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::policy;
    use crate::source::SourceId;

    fn doc(text: &str) -> PolicyDocument {
        let (doc, problems) = policy::parse(&json::parse(text).unwrap(), SourceId(0));
        assert!(problems.is_empty(), "{problems:?}");
        doc.unwrap()
    }

    fn request(action: &str, resource: &str) -> Request {
        Request {
            action: action.into(),
            resource: resource.into(),
        }
    }

    const SECRET: &str = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:app-AbCdEf";

    #[test]
    fn allow_applies() {
        let p = doc(
            r#"{"Statement":{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:app-??????"}}"#,
        );
        let e = evaluate(&request("secretsmanager:GetSecretValue", SECRET), &[&p]);
        assert!(e.is_allowed());
    }

    #[test]
    fn no_statement_is_an_implicit_deny_with_near_misses() {
        let p = doc(
            r#"{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:app"},
            {"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}"#,
        );
        let e = evaluate(&request("secretsmanager:GetSecretValue", SECRET), &[&p]);
        assert_eq!(
            e.decision,
            Decision::Denied {
                explicit: Vec::new()
            }
        );
        assert_eq!(e.near_misses.len(), 1);
        assert_eq!(e.near_misses[0].statement.statement, 0);
    }

    #[test]
    fn explicit_deny_wins_across_policies() {
        let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
        let deny =
            doc(r#"{"Statement":{"Effect":"Deny","Action":"secretsmanager:*","Resource":"*"}}"#);
        let e = evaluate(
            &request("secretsmanager:GetSecretValue", SECRET),
            &[&allow, &deny],
        );
        assert_eq!(
            e.decision,
            Decision::Denied {
                explicit: vec![StatementRef {
                    policy: 1,
                    statement: 0
                }]
            }
        );
    }

    #[test]
    fn not_action_and_not_resource_invert_the_match() {
        let p = doc(
            r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:secretsmanager:*:*:secret:other-*"}]}"#,
        );
        assert!(evaluate(&request("secretsmanager:GetSecretValue", SECRET), &[&p]).is_allowed());
        assert!(!evaluate(&request("iam:PassRole", SECRET), &[&p]).is_allowed());
        let other = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:other-AbCdEf";
        assert!(!evaluate(&request("secretsmanager:GetSecretValue", other), &[&p]).is_allowed());
    }

    #[test]
    fn conditions_make_the_answer_depend() {
        let p = doc(
            r#"{"Statement":{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}}"#,
        );
        let e = evaluate(&request("secretsmanager:GetSecretValue", SECRET), &[&p]);
        assert!(matches!(e.decision, Decision::Depends { .. }));
        let both = doc(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
        );
        let e = evaluate(&request("secretsmanager:GetSecretValue", SECRET), &[&both]);
        assert!(matches!(e.decision, Decision::Depends { .. }));
        let deny_only = doc(
            r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#,
        );
        let e = evaluate(
            &request("secretsmanager:GetSecretValue", SECRET),
            &[&deny_only],
        );
        assert_eq!(
            e.decision,
            Decision::Denied {
                explicit: Vec::new()
            }
        );
    }
}
