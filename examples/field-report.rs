//! Findings per rule and severity on the field corpus (`tests/field/`), so a rule's noise on real
//! documents is visible when it changes:
//!
//!     cargo run --release --no-default-features --example field-report [-- --list RULE]

#[path = "../tests/field/corpus.rs"]
mod corpus;

fn main() {
    let list: Option<String> = std::env::args().skip_while(|a| a != "--list").nth(1);
    let managed = corpus::aws_managed();
    let sets: Vec<(&str, usize, Vec<corpus::Found>)> = vec![
        (
            "aws-managed (linted together)",
            managed.len(),
            corpus::check(&managed.iter().collect::<Vec<_>>()),
        ),
        {
            let policies = corpus::policies();
            (
                "policies (each)",
                policies.len(),
                corpus::check_each(&policies),
            )
        },
        {
            let tds = corpus::task_definitions();
            (
                "taskdefs (each, no policies)",
                tds.len(),
                corpus::check_each(&tds),
            )
        },
        {
            let templates = corpus::templates();
            (
                "cloudformation (each)",
                templates.len(),
                corpus::check_each(&templates),
            )
        },
    ];
    for (set, documents, found) in &sets {
        println!("{set}: {documents} documents, {} findings", found.len());
        println!(
            "  {:<34} {:<8} {:>8} {:>10}",
            "rule", "severity", "findings", "documents"
        );
        for ((rule, severity), (count, docs)) in corpus::tally(found) {
            println!(
                "  {rule:<34} {:<8} {count:>8} {:>10}",
                severity.as_str(),
                docs.len()
            );
        }
        if let Some(rule) = &list {
            for f in found.iter().filter(|f| f.finding.rule == rule) {
                println!(
                    "    {} {}: {}",
                    f.finding.severity.as_str(),
                    f.document,
                    f.finding.message
                );
            }
        }
        println!();
    }
}
