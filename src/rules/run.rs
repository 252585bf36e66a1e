//! Running every rule over one context.

use super::{ALL, Context, Finding, Rule};

/// The findings of one rule alone, by name (none for a name not registered).
pub fn check_only(name: &str, cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in ALL.iter().filter(|r| r.meta().name == name) {
        rule.check(cx, &mut out);
    }
    out
}

/// Runs every rule and orders the findings by file and position.
pub fn check(cx: &Context<'_>) -> Vec<Finding> {
    // Rules read the context and share nothing else: run them on every core, then put their
    // findings back in registry order, so the output does not depend on scheduling.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let run = |rule: &dyn Rule| {
        let mut out = Vec::new();
        rule.check(cx, &mut out);
        out
    };
    let per_rule: Vec<Vec<Finding>> = if threads > 1 && cx.inventory.policies.len() > 64 {
        // A shared queue rather than fixed halves: a few rules (placeholders, catalog lookups)
        // cost most of the time, and whichever thread is free takes the next rule.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let done: Vec<(usize, Vec<Finding>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads.min(ALL.len()))
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(rule) = ALL.get(i) else { break mine };
                            mine.push((i, run(*rule)));
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                // A rule that panics panics the run, as it would on one thread.
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut ordered: Vec<Vec<Finding>> = ALL.iter().map(|_| Vec::new()).collect();
        for (i, findings) in done {
            ordered[i] = findings;
        }
        ordered
    } else {
        ALL.iter().map(|rule| run(*rule)).collect()
    };
    let mut findings: Vec<Finding> = per_rule.into_iter().flatten().collect();
    // Stable: findings at one place keep the registry's order.
    findings.sort_by_key(|f| f.loc.map(|l| (l.source, l.span.start)));
    findings
}
