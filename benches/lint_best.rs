//! Lint throughput as the parliament comparison measures it: the best of many runs (parliament's
//! figure is its best of 3), and the median. `cargo bench --bench lint_best`.

#[path = "support/policies.rs"]
mod policies;
use policies::write_policies;

// The binary's allocator, so the figure is the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs unless `ECSLINT_BENCH_RUNS` says otherwise (more, to profile the runs and not the setup).
const RUNS: usize = 100;

fn main() {
    let runs = std::env::var("ECSLINT_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r: &usize| r > 0)
        .unwrap_or(RUNS);
    let (_generated, inputs) = write_policies();
    measure("generated policies", &inputs, runs);
    let (_managed, inputs) = policies::write_managed();
    measure("AWS managed policies", &inputs, runs);
}

/// Best and median of `runs` lints of `inputs`, per policy too.
fn measure(what: &str, inputs: &[ecslint::load::Input], runs: usize) {
    let options = ecslint::CheckOptions {
        policies_only: true,
        ..Default::default()
    };
    let mut times: Vec<std::time::Duration> = (0..runs)
        .map(|_| {
            let start = std::time::Instant::now();
            let findings = ecslint::check(inputs, &options).unwrap().findings.len();
            std::hint::black_box(findings);
            start.elapsed()
        })
        .collect();
    times.sort();
    let n = inputs.len();
    let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / n as f64;
    println!(
        "lint of {n} {what}, {runs} runs: best {:.1} ms ({:.1} us/policy), median {:.1} ms ({:.1} us/policy)",
        times[0].as_secs_f64() * 1e3,
        per(times[0]),
        times[runs / 2].as_secs_f64() * 1e3,
        per(times[runs / 2]),
    );
}
