//! The rules. Each file holds one rule: its metadata, declared once, its check, all of its wording
//! and its tests. This module is the registry: one line per rule in `ALL`.

mod action_near_miss;
mod arn_case_mismatch;
mod arn_format;
mod arn_placeholder;
mod arn_wrong_account;
mod arn_wrong_partition;
mod arn_wrong_region;
mod condition_dependent;
mod condition_format;
mod condition_not_met;
mod cross_account_policy_missing;
mod execution_role_is_task_role;
mod explicit_deny;
mod grant_on_wrong_role;
mod invalid_input;
mod invalid_json;
mod invalid_policy;
mod invalid_value_from;
mod kms_alias_resource;
mod kms_key_arn_colon;
mod missing_execution_role;
mod missing_permission;
mod plaintext_secret_in_environment;
mod policy_grammar;
mod policy_security;
mod policy_size_quota;
mod principal_format;
mod resource_star_reads;
mod resource_type_mismatch;
mod role_trust;
mod role_trust_confused_deputy;
mod secret_arn_without_suffix;
mod secret_deny_sidestep;
mod secret_display_name;
mod secret_json_key_tail;
mod secret_partial_arn_ambiguous;
mod secret_reference_partial_arn;
mod secret_wildcard_broad;
mod ssm_parameter_other_region;
mod star_only_action_scoped;
mod unknown_action;
mod unresolved_reference;
mod value_from_in_environment;

mod common;
mod rule;
mod run;
#[cfg(test)]
pub(crate) mod tester;

pub use common::describe_need;
use common::{
    arn_field, check_findings, entry_defect_findings, field_defect_findings, full_reference,
    full_reference_edits, problem_findings, reference_problems,
};
pub use rule::{Context, Decides, Finding, FixAvailability, Related, Rule, RuleMeta, Severity};
pub use run::{check, check_only};

/// Every rule, in the order their findings are reported when they share a place.
pub static ALL: &[&dyn Rule] = &[
    &invalid_json::InvalidJson,
    &invalid_policy::InvalidPolicy,
    &policy_grammar::PolicyGrammar,
    &principal_format::PrincipalFormat,
    &invalid_input::InvalidInput,
    &invalid_value_from::InvalidValueFrom,
    &secret_partial_arn_ambiguous::SecretPartialArnAmbiguous,
    &secret_reference_partial_arn::SecretReferencePartialArn,
    &ssm_parameter_other_region::SsmParameterOtherRegion,
    &missing_execution_role::MissingExecutionRole,
    &secret_display_name::SecretDisplayName,
    &secret_arn_without_suffix::SecretArnWithoutSuffix,
    &secret_json_key_tail::SecretJsonKeyTail,
    &arn_wrong_region::ArnWrongRegion,
    &arn_wrong_account::ArnWrongAccount,
    &arn_wrong_partition::ArnWrongPartition,
    &arn_case_mismatch::ArnCaseMismatch,
    &arn_placeholder::ArnPlaceholder,
    &arn_format::ArnFormat,
    &kms_key_arn_colon::KmsKeyArnColon,
    &kms_alias_resource::KmsAliasResource,
    &star_only_action_scoped::StarOnlyActionScoped,
    &resource_type_mismatch::ResourceTypeMismatch,
    &grant_on_wrong_role::GrantOnWrongRole,
    &explicit_deny::ExplicitDeny,
    &condition_not_met::ConditionNotMet,
    &action_near_miss::ActionNearMiss,
    &unknown_action::UnknownAction,
    &missing_permission::MissingPermission,
    &role_trust::RoleTrust,
    &condition_dependent::ConditionDependent,
    &condition_format::ConditionFormat,
    &cross_account_policy_missing::CrossAccountPolicyMissing,
    &role_trust_confused_deputy::RoleTrustConfusedDeputy,
    &value_from_in_environment::ValueFromInEnvironment,
    &plaintext_secret_in_environment::PlaintextSecretInEnvironment,
    &execution_role_is_task_role::ExecutionRoleIsTaskRole,
    &policy_size_quota::PolicySizeQuota,
    &policy_security::PolicySecurity,
    &secret_wildcard_broad::SecretWildcardBroad,
    &secret_deny_sidestep::SecretDenySidestep,
    &resource_star_reads::ResourceStarReads,
    &unresolved_reference::UnresolvedReference,
];

/// What is wrong with an entry meant for `resource`, in the words of the rule that owns the
/// defect, as a clause after "its `Resource`" (simulate's near misses say it too).
pub fn defect_clause(defect: crate::explain::EntryDefect, resource: &str) -> String {
    use crate::explain::EntryDefect as D;
    match defect {
        D::DisplayName => secret_display_name::clause(resource),
        D::Placeholder => arn_placeholder::clause(resource),
        D::KmsKeyColon => kms_key_arn_colon::clause(resource),
        D::JsonKeyTail => secret_json_key_tail::clause(resource),
        D::WrongRegion => arn_wrong_region::clause(resource),
        D::WrongAccount => arn_wrong_account::clause(resource),
        D::WrongPartition => arn_wrong_partition::clause(resource),
        D::CaseMismatch => arn_case_mismatch::clause(resource),
        D::KmsAlias => kms_alias_resource::clause(resource),
        D::StarOnlyScoped => star_only_action_scoped::clause(resource),
    }
}

/// Looks a rule up by name.
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    ALL.iter().map(|r| r.meta()).find(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_kebab_case_name_a_doc_and_a_unique_name() {
        let mut names = std::collections::HashSet::new();
        for rule in ALL {
            let meta = rule.meta();
            assert!(names.insert(meta.name), "duplicate {}", meta.name);
            assert!(
                meta.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                meta.name
            );
            assert!(
                meta.doc.starts_with(&format!("# {}\n", meta.name)),
                "rules/{}.md must start with its name",
                meta.name
            );
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(meta.doc.contains(heading), "{} lacks {heading}", meta.name);
            }
        }
    }

    #[test]
    fn every_cause_defect_and_problem_has_exactly_one_owning_rule() {
        use crate::explain::{CauseKind, EntryDefect};
        let mut owned: Vec<Decides> = Vec::new();
        owned.extend(CauseKind::OWNED.iter().map(|&k| Decides::Cause(k)));
        owned.extend(EntryDefect::ALL.iter().map(|&d| Decides::Entry(d)));
        owned.extend(
            crate::defects::DefectKind::ALL
                .iter()
                .map(|&d| Decides::Defect(d)),
        );
        owned.extend(
            crate::defects::Check::ALL
                .iter()
                .map(|&c| Decides::Defect(crate::defects::DefectKind::Check(c))),
        );
        owned.extend(
            crate::model::ProblemKind::ALL
                .iter()
                .map(|&k| Decides::Input(k)),
        );
        owned.extend(
            crate::needs::ReferenceProblemKind::ALL
                .iter()
                .map(|&k| Decides::Reference(k)),
        );
        for item in &owned {
            let owners: Vec<&str> = ALL
                .iter()
                .map(|r| r.meta())
                .filter(|m| m.decides.contains(item))
                .map(|m| m.name)
                .collect();
            assert_eq!(owners.len(), 1, "{item:?} is owned by {owners:?}");
        }
        // Nothing is declared that is not a real, owned item (`Granted` is not a failure, and
        // `DefectiveEntries` is owned defect by defect).
        for rule in ALL {
            for item in rule.meta().decides {
                assert!(
                    owned.contains(item),
                    "{} declares {item:?}",
                    rule.meta().name
                );
            }
        }
    }

    #[test]
    fn every_rule_file_ends_with_its_vectors() {
        for rule in ALL {
            let name = rule.meta().name;
            let path = format!(
                "{}/src/rules/{}.rs",
                env!("CARGO_MANIFEST_DIR"),
                name.replace('-', "_")
            );
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            // `Tester::new(&super::META)`, or a shared set of vectors built on it.
            let tests = text.split("#[cfg(test)]").nth(1).unwrap_or_default();
            assert!(
                tests.contains("(&super::META") && tests.contains(".test()"),
                "{path} has no tester vectors"
            );
        }
    }

    #[test]
    fn every_doc_in_rules_belongs_to_a_registered_rule() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
        let mut docs: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .map(|n| n.trim_end_matches(".md").to_string())
            .collect();
        docs.sort();
        let mut names: Vec<String> = ALL.iter().map(|r| r.meta().name.to_string()).collect();
        names.sort();
        assert_eq!(docs, names);
    }
}
